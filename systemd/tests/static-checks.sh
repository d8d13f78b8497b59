#!/usr/bin/env bash
# Static checks of the systemd units, as installed (so ExecStart= names the installed binary):
#   1. `systemd-analyze verify` prints nothing at all: it exits 0 on unknown keys and bad values and
#      only warns, so any output is a failure;
#   2. `systemd-analyze security --offline=true --threshold=10` passes (exposure 1.0 or lower) for
#      pumpmond.service and pumpmond-backup.service, and its exposure is 2.0 or lower for
#      pumpmond-alert.service (which has a network).
# Needs no privileges and no build: stub binaries stand in for the real ones (verify only checks that
# ExecStart= is executable). Output: `PASS name` / `FAIL name` lines, then `N passed, M failed`.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v systemd-analyze >/dev/null || { echo "SKIP static-checks (no systemd-analyze)"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
for exe in pumpmond pumpctl pumpsim pumpalert; do
    printf '#!/bin/sh\necho "# stub completion for static checks"\n' >"$tmp/bin/$exe"
    chmod +x "$tmp/bin/$exe"
done
root=$tmp/root
BIN_DIR=$tmp/bin DESTDIR=$root PREFIX=/usr scripts/install.sh 2>/dev/null
# The units refer to sysinit.target, sockets.target and the like: give the root the system's units
# (ours win, -n never overwrites).
cp -an /lib/systemd/system/. "$root/lib/systemd/system/" 2>/dev/null || true
# ExecReload= runs the system's kill(1): the root gets it too (verify checks that it is executable).
mkdir -p "$root/bin" && cp -a /bin/kill "$root/bin/kill"

units=(pumpmond.service pumpmond.socket pumpmond-control.socket pumpmond-alert.service pumpmond-tls.socket
    pumpmond-hl7.socket pumpmond-backup.service pumpmond-backup.timer pumpmond-metrics.socket)
passed=0 failed=0
check() { if [ "$2" = ok ]; then echo "PASS $1"; passed=$((passed + 1)); else echo "FAIL $1"; failed=$((failed + 1)); fi; }

out=$(cd "$root/lib/systemd/system" && systemd-analyze verify --root="$root" "${units[@]}" 2>&1) && rc=0 || rc=$?
if [ $rc -eq 0 ] && [ -z "$out" ]; then check "systemd-analyze verify prints nothing" ok; else
    printf '%s\n' "$out" | sed 's/^/    /'
    check "systemd-analyze verify prints nothing (exit $rc)" fail
fi

# A unit installed with another PREFIX must verify too (its ExecStart= is rewritten).
proot=$tmp/prefix-root
BIN_DIR=$tmp/bin DESTDIR=$proot PREFIX=/opt/pumpmond scripts/install.sh 2>/dev/null
cp -an /lib/systemd/system/. "$proot/lib/systemd/system/" 2>/dev/null || true
mkdir -p "$proot/bin" && cp -a /bin/kill "$proot/bin/kill"
out=$(cd "$proot/lib/systemd/system" && systemd-analyze verify --root="$proot" pumpmond.service 2>&1) && rc=0 || rc=$?
if [ $rc -eq 0 ] && [ -z "$out" ] && grep -qx 'ExecStart=/opt/pumpmond/bin/pumpmond' "$proot/lib/systemd/system/pumpmond.service"; then
    check "PREFIX=/opt/pumpmond rewrites ExecStart and verifies" ok
else
    printf '%s\n' "$out" | sed 's/^/    /'
    check "PREFIX=/opt/pumpmond rewrites ExecStart and verifies" fail
fi

sec=$(systemd-analyze security --offline=true --threshold=10 --root="$root" pumpmond.service 2>&1) && rc=0 || rc=$?
score=$(printf '%s\n' "$sec" | sed -n 's/.*Overall exposure level for pumpmond.service: \([0-9.]*\).*/\1/p')
if [ $rc -eq 0 ] && [ -n "$score" ]; then check "systemd-analyze security exposure $score <= 1.0" ok; else
    printf '%s\n' "$sec" | grep -v '^✓' | sed 's/^/    /'
    check "systemd-analyze security exposure ${score:-?} <= 1.0 (exit $rc)" fail
fi

# The notifier has a network (Alertmanager), so it cannot reach the daemon's score; 2.0 is its bar.
sec=$(systemd-analyze security --offline=true --threshold=20 --root="$root" pumpmond-alert.service 2>&1) && rc=0 || rc=$?
score=$(printf '%s\n' "$sec" | sed -n 's/.*Overall exposure level for pumpmond-alert.service: \([0-9.]*\).*/\1/p')
if [ $rc -eq 0 ] && [ -n "$score" ]; then check "pumpmond-alert.service exposure $score <= 2.0" ok; else
    printf '%s\n' "$sec" | grep -v '^✓' | sed 's/^/    /'
    check "pumpmond-alert.service exposure ${score:-?} <= 2.0 (exit $rc)" fail
fi

# The backup unit only talks to the control socket: held to the daemon's bar.
sec=$(systemd-analyze security --offline=true --threshold=10 --root="$root" pumpmond-backup.service 2>&1) && rc=0 || rc=$?
score=$(printf '%s\n' "$sec" | sed -n 's/.*Overall exposure level for pumpmond-backup.service: \([0-9.]*\).*/\1/p')
if [ $rc -eq 0 ] && [ -n "$score" ]; then check "pumpmond-backup.service exposure $score <= 1.0" ok; else
    printf '%s\n' "$sec" | grep -v '^✓' | sed 's/^/    /'
    check "pumpmond-backup.service exposure ${score:-?} <= 1.0 (exit $rc)" fail
fi

# The example alerting rules of systemd/README.md.
if command -v promtool >/dev/null; then
    if out=$(promtool check rules systemd/pumpmond-rules.yml 2>&1); then check "promtool check rules pumpmond-rules.yml" ok; else
        printf '%s\n' "$out" | sed 's/^/    /'
        check "promtool check rules pumpmond-rules.yml" fail
    fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
