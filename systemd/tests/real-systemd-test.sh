#!/usr/bin/env bash
# pumpmond under a real systemd (252+) booted as PID 1 in a throwaway root. Run as root (CI does).
#
# SAFETY: systemd boots only inside a new mount+PID namespace, chrooted into an overlay of `/` whose
# upper layer is a tmpfs, with private tmpfs on /run and /tmp (see boot-lib.sh); it is ended by its
# PID only. Nothing is written to the machine's root: the build is installed into the overlay.
#
# Environment: BIN_DIR   where pumpmond, pumpctl, pumpsim are (default: the release build, built if
#                        missing); TEST_TIMEOUT  hard limit in seconds for the whole test (default 300);
#              KEEP_LOGS=1  keep the console log and a journal dump in /tmp (the path is printed).
# Output: one line per check, `PASS name` / `FAIL name` / `SKIP name (why)`, then
# `N passed, M failed, K skipped`. Exit 1 on any failure; exit 0 when everything is skipped because
# this machine cannot boot systemd in a namespace (the SKIP line says why).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=boot-lib.sh
. "$here/boot-lib.sh"

TEST_TIMEOUT=${TEST_TIMEOUT:-300}
MSG_RAISED=6d1c8f2a4b3e4f5a9c0d7e1f2a3b4c5d
TESTLIB=/usr/local/lib/pumpmond-test
passed=0 failed=0 skipped=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIP $*"; skipped=$((skipped + 1)); }
note() { echo "    $*"; }
summary() {
    echo "$passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
}
now_ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; }

reason=$(boot_unsupported_reason)
if [ -n "$reason" ]; then
    skip "real-systemd (this machine cannot boot systemd in a throwaway root: $reason)"
    summary; exit $?
fi

# ---- the build, installed into a staging tree that is copied over the overlay root -------------
if [ -z "${BIN_DIR:-}" ]; then
    (cd "$repo" && swift build -c release 2>&1 | sed -u '/^\[[0-9]*\/[0-9]*\]/d' >&2)
    BIN_DIR=$(cd "$repo" && swift build -c release --show-bin-path)
fi
work=$(mktemp -d /tmp/pumpmond-systemd-test.XXXXXX)
stage=$work/stage
watchdog_pid=""
cleanup() {
    [ -n "$watchdog_pid" ] && kill "$watchdog_pid" 2>/dev/null
    if [ "${KEEP_LOGS:-}" = 1 ] && [ -n "$BOOT_PID" ]; then
        in_boot journalctl -b --no-pager >"$work/journal.txt" 2>&1
        cp "$BOOT_LOG" "$work/console.txt" 2>/dev/null
        echo "    logs kept in $work" >&2
    fi
    boot_stop
    [ "${KEEP_LOGS:-}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'fail "hard timeout or signal: stopped"; exit 1' INT TERM

# pumpmond is required; a pumpctl or pumpsim not built yet (or still the placeholder) is replaced by
# a stub that only answers --generate-completion-script, and the checks that need it are skipped.
[ -x "$BIN_DIR/pumpmond" ] || { fail "pumpmond is built ($BIN_DIR/pumpmond missing)"; summary; exit 1; }
bins=$work/bin
mkdir -p "$bins"
ln -s "$BIN_DIR/pumpmond" "$bins/pumpmond"
have_pumpctl=1
have_pumpalert=1
for exe in pumpctl pumpsim pumpalert; do
    if [ -x "$BIN_DIR/$exe" ] && "$BIN_DIR/$exe" --help 2>&1 | grep -qi usage; then
        ln -s "$BIN_DIR/$exe" "$bins/$exe"
    else
        [ $exe = pumpctl ] && have_pumpctl=0
        [ $exe = pumpalert ] && have_pumpalert=0
        printf '#!/bin/sh\n[ "$1" = --generate-completion-script ] && echo "# %s not built" && exit 0\necho "%s: not built" >&2; exit 1\n' $exe $exe >"$bins/$exe"
        chmod +x "$bins/$exe"
    fi
done
need_pumpctl() {  # need_pumpctl CHECK-NAME: true when pumpctl is usable, else prints SKIP
    [ $have_pumpctl = 1 ] && return 0
    skip "$1 (pumpctl is not built yet)"; return 1
}

if ! BIN_DIR=$bins DESTDIR=$stage PREFIX=/usr "$repo/scripts/install.sh" 2>"$work/install.log"; then
    sed 's/^/    /' "$work/install.log"
    fail "make install into the throwaway root"; summary; exit 1
fi
install -d "$stage$TESTLIB"
install -m 0755 "$here/ndjson-client.py" "$stage$TESTLIB/"
# Runs chrooted in the overlay root before systemd starts: the groups from our sysusers.d file, a
# clinician in pumpmon and an outsider, and the sockets enabled the way an operator enables them.
cat >"$work/setup.sh" <<'SETUP'
set -e
systemd-sysusers pumpmond.conf
useradd --create-home --groups pumpmon clinician
useradd --create-home outsider
systemctl enable pumpmond.socket pumpmond-control.socket >/dev/null 2>&1
SETUP

# ---- boot ----------------------------------------------------------------------------------------
t0=$(now_ms)
if ! boot_start "$stage" "$work/setup.sh"; then
    sed 's/^/    /' "$BOOT_LOG"; fail "systemd boots in a throwaway root"; summary; exit 1
fi
# The hard limit: kills systemd by its PID even if this script is killed.
( sleep "$TEST_TIMEOUT"; kill -KILL "$BOOT_PID" 2>/dev/null ) </dev/null >/dev/null 2>&1 &
watchdog_pid=$!
state=$(boot_wait_running 90)
boot_ms=$(( $(now_ms) - t0 ))
if [ "$state" = running ] || [ "$state" = degraded ]; then
    pass "systemd boots as PID 1 in a throwaway root ($state in $(secs $boot_ms) s)"
    [ "$state" = degraded ] && note "failed units: $(in_boot systemctl --failed --plain --no-legend | awk '{print $1}' | tr '\n' ' ')"
else
    tail -20 "$BOOT_LOG" | sed 's/^/    /'
    fail "systemd boots as PID 1 in a throwaway root (state: $state)"; summary; exit 1
fi

sc() { in_boot systemctl "$@"; }
prop() { sc show -p "$2" --value "$1"; }
# Waits until a shell condition holds (checked every 0.1 s), at most $1 seconds.
wait_for() {
    local limit=$1; shift
    local deadline=$(( $(now_ms) + limit * 1000 ))
    while [ "$(now_ms)" -lt $deadline ]; do eval "$*" && return 0; sleep 0.1; done
    return 1
}
client() { in_boot timeout 30 "$TESTLIB/ndjson-client.py" "$@"; }
pumpctl_as() {  # pumpctl_as USER ARGS... (USER root runs it directly)
    local user=$1; shift
    if [ "$user" = root ]; then in_boot timeout 30 pumpctl "$@"
    else in_boot timeout 30 setpriv --reuid="$user" --regid="$user" --init-groups --reset-env pumpctl "$@"; fi
}
# Sends a signal to the daemon's main PID; refuses PID 0 or 1 (MainPID is 0 when the service is not
# running, and `kill 0` would signal this script's own process group).
signal_main() {  # signal_main SIGNAL PID
    if [ "${2:-0}" -gt 1 ] 2>/dev/null; then in_boot kill -"$1" "$2"
    else echo "    (pumpmond has no main PID to send SIG$1 to)"; return 1; fi
}
# Messages in the store, as `pumpctl status` reports them (0 when it cannot answer).
stored_messages() {
    pumpctl_as root status --json 2>/dev/null |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["messages"])' 2>/dev/null || echo 0
}
# Ids stored for a pump, one per line, as pumpctl reports them.
stored_ids() {
    pumpctl_as root events "$1" --json --limit 100000 |
        python3 -c 'import json,sys; print("\n".join(e["id"] for e in json.load(sys.stdin)["events"]))'
}
# Streams status messages for a pump in the background; stream_stop ends it and prints its stats.
stream_start() {  # stream_start SERIAL DIR [--once]
    in_boot mkdir -p "$2"
    in_boot timeout "$TEST_TIMEOUT" "$TESTLIB/ndjson-client.py" stream /run/pumpmond/ingest.sock "$1" "$2" ${3:-} &
    stream_pid=$!
}
stream_count() { in_boot sh -c "cat '$1/accepted' 2>/dev/null | wc -l"; }
# Sets stream_stats. Not to be called in $(...): `wait` works only in the shell that started the sender.
stream_stop() {
    in_boot touch "$1/stop"; wait "$stream_pid"; local rc=$?
    stream_stats=$(in_boot cat "$1/stats" 2>/dev/null) || stream_stats="(the sender ended with status $rc and wrote no stats)"
}
# Checks every id the sender saw stored is in the store; prints "stored/total".
all_stored() {  # all_stored SERIAL DIR
    in_boot sort -u "$2/accepted" >"$work/sent"
    stored_ids "$1" | sort -u >"$work/stored"
    local missing
    missing=$(comm -23 "$work/sent" "$work/stored" | wc -l)
    echo "$(wc -l <"$work/sent") accepted, $missing missing"
    [ "$missing" -eq 0 ] && [ -s "$work/sent" ]
}

# ---- socket activation -------------------------------------------------------------------------
if [ "$(sc is-active pumpmond.socket pumpmond-control.socket | sort -u)" = active ] &&
    [ "$(prop pumpmond.service ActiveState)" = inactive ]; then
    pass "sockets listen at boot and pumpmond is not started before a connection"
else
    fail "sockets listen at boot and pumpmond is not started before a connection"
    note "sockets: $(sc is-active pumpmond.socket pumpmond-control.socket | tr '\n' ' ') service: $(prop pumpmond.service ActiveState)"
fi

t0=$(now_ms)
reply=$(client send /run/pumpmond/ingest.sock \
    '{"v":1,"id":"st-1","serial":"SM2-900001","kind":"status","at":"{now}","model":"SynchroMed II","battery":{"state":"MOS"},"motor":"ok"}' 2>&1)
activation_ms=$(( $(now_ms) - t0 ))
state="$(prop pumpmond Type) $(prop pumpmond ActiveState) $(prop pumpmond SubState)"
if [[ $reply == *'"accepted"'* ]] && [ "$state" = "notify active running" ]; then
    pass "socket activation: first connection starts pumpmond, READY=1 arrives (first reply in $(secs $activation_ms) s)"
else
    fail "socket activation: first connection starts pumpmond, READY=1 arrives"
    note "reply: $reply"; note "Type ActiveState SubState: $state"
fi

# ---- STATUS= in systemctl status -----------------------------------------------------------------
wait_for 10 '[ -n "$(prop pumpmond StatusText)" ]'
for _ in 1 2 3; do  # STATUS= may change between the two reads: compare a consistent pair
    status_text=$(prop pumpmond StatusText)
    status_out=$(sc status pumpmond --no-pager --full 2>&1)
    grep -qF "Status: \"$status_text\"" <<<"$status_out" && break
done
if [ -n "$status_text" ] && grep -qF "Status: \"$status_text\"" <<<"$status_out"; then
    pass "systemctl status pumpmond shows the daemon's STATUS= line"
    note "Status: \"$status_text\""
else
    fail "systemctl status pumpmond shows the daemon's STATUS= line"
    sed 's/^/    /' <<<"$status_out" | head -12
fi

# ---- journald: a raised record by MESSAGE_ID, the pump by PUMP_SERIAL -----------------------------
reply=$(client send /run/pumpmond/ingest.sock \
    '{"v":1,"id":"e1","serial":"SM2-900001","kind":"alert","at":"{now}","code":"BATTERY_ERI","severity":"warning"}' 2>&1)
if wait_for 15 '[ -n "$(in_boot journalctl --no-pager -q -o cat MESSAGE_ID=$MSG_RAISED PUMP_SERIAL=SM2-900001)" ]'; then
    pass "journalctl MESSAGE_ID=$MSG_RAISED PUMP_SERIAL=SM2-900001 finds the raised record"
    note "$(in_boot journalctl --no-pager -q -o cat MESSAGE_ID=$MSG_RAISED PUMP_SERIAL=SM2-900001 | head -1)"
else
    fail "journalctl MESSAGE_ID=$MSG_RAISED PUMP_SERIAL=SM2-900001 finds the raised record"
    note "reply: $reply"
    in_boot journalctl -u pumpmond --no-pager -o verbose | tail -30 | sed 's/^/    /'
fi
if [ -n "$(in_boot journalctl --no-pager -q -u pumpmond PUMP_SERIAL=SM2-900001)" ]; then
    pass "journalctl -u pumpmond PUMP_SERIAL=SM2-900001 finds the pump's entries"
else
    fail "journalctl -u pumpmond PUMP_SERIAL=SM2-900001 finds the pump's entries"
fi

# ---- pumpctl through the socket systemd owns -----------------------------------------------------
if need_pumpctl "pumpctl works for root, a pumpmon member, and is refused (77) for others"; then
    for who in root clinician; do
        out=$(pumpctl_as $who events SM2-900001 --json 2>&1); rc=$?
        if [ $rc -eq 0 ] && [[ $out == *'"e1"'* ]]; then pass "pumpctl works for $who (pumpmon member: $([ $who = root ] && echo n/a || echo yes))"
        else fail "pumpctl works for $who (exit $rc)"; note "$out" | head -3; fi
    done
    out=$(pumpctl_as outsider events SM2-900001 --json 2>&1); rc=$?
    if [ $rc -eq 77 ]; then pass "pumpctl is refused for a user outside pumpmon (exit 77)"
    else fail "pumpctl is refused for a user outside pumpmon (exit $rc, expected 77)"; note "$out" | head -3; fi
fi
sock_mode=$(in_boot stat -c '%U:%G %a' /run/pumpmond/control.sock)
if [ "$sock_mode" = "root:pumpmon 660" ]; then pass "control socket is root:pumpmon 0660"
else fail "control socket is root:pumpmon 0660 (is $sock_mode)"; fi

# ---- kill -9: systemd restarts it, the sockets never close, nothing accepted is lost -------------
restarts0=$(prop pumpmond NRestarts)
pid0=$(prop pumpmond MainPID)
stream_start SM2-900002 /run/pmtest-kill
# The simulator sends a whole fleet throughout (4 connections, 128 lines in flight each), resending
# what a dropped connection left unanswered; --verify then reads every pump's events back.
fleet_pid=""
if [ $have_pumpctl = 1 ]; then
    in_boot timeout 240 pumpsim fleet --pumps 60 --years 3 --seed 7 --verify >"$work/fleet.txt" 2>&1 &
    fleet_pid=$!
    wait_for 60 '[ "$(stored_messages)" -ge 5000 ] || ! kill -0 $fleet_pid 2>/dev/null'
fi
wait_for 20 '[ "$(stream_count /run/pmtest-kill)" -ge 50 ]'
before=$(stream_count /run/pmtest-kill)
t0=$(now_ms)
signal_main KILL "$pid0"
wait_for 30 '[ "$(prop pumpmond MainPID)" != 0 ] && [ "$(prop pumpmond MainPID)" != "$pid0" ] && [ "$(prop pumpmond ActiveState)" = active ]'
restart_ms=$(( $(now_ms) - t0 ))
wait_for 20 '[ "$(stream_count /run/pmtest-kill)" -ge $((before + 100)) ]'
stream_stop /run/pmtest-kill; stats=$stream_stats
restarts1=$(prop pumpmond NRestarts)
sockets=$(sc is-active pumpmond.socket pumpmond-control.socket | sort -u)
if [ "$restarts1" -gt "$restarts0" ] && [ "$(prop pumpmond ActiveState)" = active ]; then
    pass "kill -9: systemd restarts pumpmond (active again in $(secs $restart_ms) s, NRestarts $restarts0 -> $restarts1)"
else
    fail "kill -9: systemd restarts pumpmond (NRestarts $restarts0 -> $restarts1, $(prop pumpmond ActiveState))"
fi
if [ "$sockets" = active ] && [[ $stats == *'"connect_failures": 0'* ]]; then
    pass "kill -9: the sockets never close (no connect() refused while the sender kept sending)"
else
    fail "kill -9: the sockets never close"; note "sockets: $sockets"
fi
note "sender: $stats"
if ! need_pumpctl "kill -9: no accepted message is lost"; then :
elif res=$(all_stored SM2-900002 /run/pmtest-kill); then pass "kill -9: no accepted message is lost ($res)"
else fail "kill -9: no accepted message is lost ($res)"; fi
if [ -n "$fleet_pid" ]; then
    wait "$fleet_pid"; fleet_rc=$?
    fleet_summary="$(grep -E '^(messages sent|resent|elapsed|verify):' "$work/fleet.txt" | tr -s ' ' | paste -sd ';' -)"
    if [ $fleet_rc -eq 0 ] && grep -q '^verify: *0 acknowledged messages missing' "$work/fleet.txt" &&
        grep -qE '^resent: .*dropped connections: [1-9]' "$work/fleet.txt"; then
        pass "kill -9: pumpsim kept sending across the restart; every accepted message is stored, records match its ground truth"
    else
        fail "kill -9: pumpsim kept sending across the restart (exit $fleet_rc; a pass needs exit 0, a dropped connection resent, and 0 missing)"
        grep -v '^progress:' "$work/fleet.txt" | tail -25 | sed 's/^/    /'
    fi
    note "pumpsim: $fleet_summary"
fi

# ---- a hung daemon (SIGSTOP): the watchdog kills and restarts it ---------------------------------
in_boot mkdir -p /run/systemd/system/pumpmond.service.d
in_boot sh -c 'printf "[Service]\nWatchdogSec=3s\nLimitCORE=0\n" >/run/systemd/system/pumpmond.service.d/50-test-watchdog.conf'
sc daemon-reload
sc restart pumpmond
wait_for 10 '[ "$(prop pumpmond ActiveState)" = active ]'
pid0=$(prop pumpmond MainPID)
sleep 7  # more than two watchdog periods: a daemon that does not ping would be killed by now
if [ "$(prop pumpmond WatchdogUSec)" = 3s ] && [ "$(prop pumpmond MainPID)" = "$pid0" ]; then
    pass "watchdog: pumpmond pings at WatchdogSec=3s and is left running"
else
    fail "watchdog: pumpmond pings at WatchdogSec=3s and is left running (WatchdogUSec=$(prop pumpmond WatchdogUSec), PID $pid0 -> $(prop pumpmond MainPID))"
fi
restarts0=$(prop pumpmond NRestarts)
since=$(in_boot date '+%Y-%m-%d %H:%M:%S')
t0=$(now_ms)
signal_main STOP "$pid0"
wait_for 60 '[ "$(prop pumpmond MainPID)" != 0 ] && [ "$(prop pumpmond MainPID)" != "$pid0" ] && [ "$(prop pumpmond ActiveState)" = active ]'
hang_ms=$(( $(now_ms) - t0 ))
wd_log=$(in_boot journalctl --no-pager -q -o cat --since "$since" -u pumpmond | grep -i 'watchdog timeout' | head -1)
if [ -n "$wd_log" ] && [ "$(prop pumpmond NRestarts)" -gt "$restarts0" ] && [ "$(prop pumpmond ActiveState)" = active ]; then
    pass "watchdog: a hung (SIGSTOPped) pumpmond is killed and restarted (active again $(secs $hang_ms) s after SIGSTOP)"
    note "$wd_log"
else
    fail "watchdog: a hung (SIGSTOPped) pumpmond is killed and restarted ($(sc show -p ActiveState,SubState,Result,MainPID,NRestarts pumpmond | tr '\n' ' '))"
fi
in_boot rm -f /run/systemd/system/pumpmond.service.d/50-test-watchdog.conf
sc daemon-reload

# ---- systemctl stop: the drain finishes within TimeoutStopSec, exit status clean ----------------
sc restart pumpmond  # the shipped unit again
stream_start SM2-900003 /run/pmtest-stop --once
wait_for 20 '[ "$(stream_count /run/pmtest-stop)" -ge 50 ]'
timeout_stop=$(prop pumpmond TimeoutStopUSec)
t0=$(now_ms)
sc stop pumpmond 2>/dev/null  # (it warns that the sockets can start it again: that is the design)
stop_ms=$(( $(now_ms) - t0 ))
result="Result=$(prop pumpmond Result) ExecMainCode=$(prop pumpmond ExecMainCode) ExecMainStatus=$(prop pumpmond ExecMainStatus) ActiveState=$(prop pumpmond ActiveState)"
stream_stop /run/pmtest-stop; stats=$stream_stats
if [ "$result" = "Result=success ExecMainCode=1 ExecMainStatus=0 ActiveState=inactive" ]; then
    pass "systemctl stop: drained and exited 0 in $(secs $stop_ms) s (TimeoutStopSec=$timeout_stop)"
else
    fail "systemctl stop: drained and exited 0 (took $(secs $stop_ms) s, TimeoutStopSec=$timeout_stop): $result"
fi
note "sender: $stats"
# The sockets outlive the service: the next pumpctl starts it again and sees everything stored.
if ! need_pumpctl "systemctl stop: no accepted message is lost in the drain"; then
    client send /run/pumpmond/ingest.sock '{"v":1,"id":"st-2","serial":"SM2-900001","kind":"status","at":"{now}","model":"SynchroMed II","battery":{"state":"MOS"},"motor":"ok"}' >/dev/null
elif res=$(all_stored SM2-900003 /run/pmtest-stop); then pass "systemctl stop: no accepted message is lost in the drain ($res)"
else fail "systemctl stop: no accepted message is lost in the drain ($res)"; fi
if [ "$(prop pumpmond ActiveState)" = active ]; then pass "after stop the sockets still listen and the next connection starts pumpmond again"
else fail "after stop the sockets still listen and the next connection starts pumpmond again"; fi

# ---- a TCP listener passed by systemd works under PrivateNetwork=yes ---------------------------
# Plain TCP is allowed on loopback only, and only with --listen-plaintext (the TLS listener is the
# optional pumpmond-tls.socket): drop-ins enable both, as an operator testing on one host would.
sc stop pumpmond 2>/dev/null
in_boot mkdir -p /run/systemd/system/pumpmond.socket.d /run/systemd/system/pumpmond.service.d
in_boot sh -c 'printf "[Socket]\nListenStream=127.0.0.1:7410\n" >/run/systemd/system/pumpmond.socket.d/50-test-tcp.conf'
in_boot sh -c 'printf "[Service]\nExecStart=\nExecStart=/usr/bin/pumpmond --listen-plaintext\n" >/run/systemd/system/pumpmond.service.d/50-test-tcp.conf'
sc daemon-reload
sc restart pumpmond.socket
reply=$(client send tcp:127.0.0.1:7410 \
    '{"v":1,"id":"tcp-1","serial":"SM2-900004","kind":"status","at":"{now}","model":"SynchroMed II","battery":{"state":"MOS"},"motor":"ok"}' 2>&1)
if [[ $reply == *'"accepted"'* ]] && [ "$(prop pumpmond PrivateNetwork)" = yes ] && [ "$(prop pumpmond ActiveState)" = active ]; then
    pass "a TCP listener passed by systemd (127.0.0.1:7410, name ingest) starts pumpmond and is answered under PrivateNetwork=yes"
else
    fail "a TCP listener passed by systemd is answered under PrivateNetwork=yes (PrivateNetwork=$(prop pumpmond PrivateNetwork), $(prop pumpmond ActiveState))"
    note "reply: $reply"
fi
sc stop pumpmond 2>/dev/null
in_boot rm -f /run/systemd/system/pumpmond.socket.d/50-test-tcp.conf
sc daemon-reload
sc restart pumpmond.socket

# ---- gateways over mutual TLS, set up with systemd/README.md's own commands ---------------------
# The operator's steps ("Gateways over the network") run as written: the files root-only in
# /etc/pumpmond/tls, the drop-in with LoadCredential=, pumpmond-tls.socket enabled; a gateway
# certificate issued with the README's openssl lines, its fingerprint allowed SM2-* by a reload,
# then revoked by another. The server certificate and the gateway CA are made here first (the
# operator brings their own).
in_boot rm -f /run/systemd/system/pumpmond.service.d/50-test-tcp.conf
sc daemon-reload
tls_work=/root/tls-test
tls_client() { in_boot env TLS_CA="$tls_work/server.pem" TLS_CERT="$tls_work/clinic-north.pem" \
    TLS_KEY="$tls_work/clinic-north.key" timeout 30 "$TESTLIB/ndjson-client.py" "$@"; }
if in_boot bash -ec "mkdir -p $tls_work && cd $tls_work
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
        -keyout gateway-ca.key -out gateway-ca.pem -subj /CN=test-gateway-ca 2>/dev/null
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
        -keyout server.key -out server.pem -subj /CN=pumpmond -addext subjectAltName=IP:127.0.0.1 2>/dev/null
    # systemd/README.md, Gateways over the network, step 1
    install -d -m 0700 /etc/pumpmond/tls
    install -m 0600 server.pem server.key gateway-ca.pem /etc/pumpmond/tls/
    echo '{\"gateways\": {}}' > /etc/pumpmond/gateways.json    # who may report for what, below
    install -d /etc/systemd/system/pumpmond.service.d
    cp /usr/share/doc/pumpmond/pumpmond-tls.conf /etc/systemd/system/pumpmond.service.d/tls.conf
    systemctl daemon-reload
    systemctl enable --now pumpmond-tls.socket && systemctl restart pumpmond
    # step 2
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout clinic-north.key -out clinic-north.csr -subj /CN=clinic-north 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' > client.ext
    openssl x509 -req -in clinic-north.csr -CA gateway-ca.pem -CAkey gateway-ca.key -CAcreateserial \
      -days 825 -extfile client.ext -out clinic-north.pem 2>/dev/null
    openssl x509 -noout -fingerprint -sha256 -in clinic-north.pem | sed 's/.*=//' > fingerprint
" >"$work/tls-setup.log" 2>&1 && [ "$(prop pumpmond ActiveState)" = active ]; then
    pass "the README's TLS steps: LoadCredential= drop-in, pumpmond-tls.socket enabled, pumpmond active"
else
    fail "the README's TLS steps leave pumpmond active ($(prop pumpmond ActiveState))"
    sed 's/^/    /' "$work/tls-setup.log"
    in_boot journalctl -u pumpmond --no-pager -n 6 -o verbose | grep -E ' (MESSAGE|ERROR)=' | sed 's/^/    /'
fi
# The key: root-only where the operator put it, and readable by the service alone in its credentials.
main_pid=$(prop pumpmond MainPID)
cred_dir=/run/credentials/pumpmond.service
if ! in_boot setpriv --reuid=clinician --regid=clinician --init-groups cat /etc/pumpmond/tls/server.key >/dev/null 2>&1 \
    && ! in_boot setpriv --reuid=clinician --regid=clinician --init-groups cat "$cred_dir/tls-key" >/dev/null 2>&1 \
    && in_boot test -s "$cred_dir/tls-key" \
    && [ "$(in_boot stat -c %a "$cred_dir/tls-key")" = 400 ]; then
    pass "the server key is unreadable to a pumpmon member (clinician), in /etc/pumpmond/tls and in $cred_dir (mode 400, the service's user)"
else
    fail "the server key is unreadable to a pumpmon member (credential mode $(in_boot stat -c '%a %U' "$cred_dir/tls-key" 2>&1))"
fi
fingerprint=$(in_boot cat "$tls_work/fingerprint")
status_line() { echo '{"v":1,"id":"'"$1"'","serial":"'"$2"'","kind":"status","at":"{now}","model":"SynchroMed II","battery":{"state":"MOS"},"motor":"ok"}'; }
reply=$(tls_client send tls:127.0.0.1:7410 "$(status_line tls-0 SM2-900005)" 2>&1)
if [[ $reply == *'"not_authorized"'* ]]; then
    pass "a gateway certificate from the gateway CA but not in gateways.json is answered not_authorized"
else
    fail "an unlisted gateway is answered not_authorized"; note "reply: $reply"
fi
# step 3: allow it SM2-*, then systemctl reload
in_boot sh -c "printf '{\"gateways\": {\"clinic-north\": {\"fingerprint\": \"%s\", \"serials\": [\"SM2-*\"]}}}\n' '$fingerprint' >/etc/pumpmond/gateways.json"
sc reload pumpmond
wait_for 10 '[ -n "$(in_boot journalctl -u pumpmond --no-pager -q -o cat -g "Reloaded the TLS settings and the gateways file")" ]' || true
allowed=$(tls_client send tls:127.0.0.1:7410 "$(status_line tls-1 SM2-900005)" 2>&1)
other=$(tls_client send tls:127.0.0.1:7410 "$(status_line tls-2 IP-900005)" 2>&1)
source=$(pumpctl_as root rejected --json 2>/dev/null \
    | python3 -c 'import json,sys; print(*[r.get("source") for r in json.load(sys.stdin)["rejected"] if "tls-2" in r["raw"]])' 2>/dev/null)
if [[ $allowed == *'"accepted"'* ]] && [[ $other == *'"not_authorized"'* ]] && [ "$source" = gateway:clinic-north ]; then
    pass "after systemctl reload, clinic-north's SM2-* line is accepted over TLS and another serial is not_authorized (rejected, source $source)"
else
    fail "after reload the allowed gateway is accepted and bound to its serials"
    note "allowed: $allowed"; note "other: $other"; note "source: $source"
    in_boot journalctl -u pumpmond --no-pager -n 10 | sed 's/^/    /'
fi
no_cert=$(in_boot env TLS_CA="$tls_work/server.pem" TLS_CERT="$tls_work/server.pem" TLS_KEY="$tls_work/server.key" \
    timeout 30 "$TESTLIB/ndjson-client.py" send tls:127.0.0.1:7410 "$(status_line tls-3 SM2-900005)" 2>&1)
# step 4: revoke, reload; the next handshake is refused
in_boot sh -c "printf '{\"gateways\": {}, \"revoked\": [\"%s\"]}\n' '$fingerprint' >/etc/pumpmond/gateways.json"
sc reload pumpmond
sleep 1
revoked=$(tls_client send tls:127.0.0.1:7410 "$(status_line tls-4 SM2-900005)" 2>&1)
if [[ $no_cert != *'"accepted"'* ]] && [[ $revoked != *'"accepted"'* ]] && [[ $revoked != *'"rejected"'* ]] \
    && [ -z "$(pumpctl_as root events SM2-900005 --json 2>/dev/null | grep -e tls-3 -e tls-4)" ]; then
    pass "a certificate from another CA and, after a reload, the revoked gateway are refused at the handshake (nothing stored)"
else
    fail "another CA's certificate and a revoked gateway are refused"; note "other CA: $no_cert"; note "revoked: $revoked"
fi
in_boot sh -c 'systemctl disable --now pumpmond-tls.socket; rm -f /etc/systemd/system/pumpmond.service.d/tls.conf' >/dev/null 2>&1
sc daemon-reload
sc restart pumpmond

# ---- a store refused at start (exit 71) is not restarted in a loop ------------------------------
# The identity file says a store existed; without the store the daemon refuses (EX_OSERR) and asks
# for a restore. Restarting it every RestartSec= would only flood the journal until the start limit.
sc stop pumpmond 2>/dev/null
state_dir=/var/lib/private/pumpmond
in_boot sh -c "mkdir -p /run/pmtest-aside && mv $state_dir/pumpmond.sqlite* /run/pmtest-aside/"
restarts0=$(prop pumpmond NRestarts)
sc start pumpmond 2>/dev/null
wait_for 10 '[ "$(prop pumpmond ActiveState)" = failed ]'
sleep 3  # RestartSec=1s: a restart, if any, would have happened by now
refused="Result=$(prop pumpmond Result) ExecMainStatus=$(prop pumpmond ExecMainStatus) ActiveState=$(prop pumpmond ActiveState) NRestarts=$(prop pumpmond NRestarts)"
if [ "$refused" = "Result=exit-code ExecMainStatus=71 ActiveState=failed NRestarts=$restarts0" ]; then
    pass "a missing store is refused with exit 71 and systemd does not restart it (RestartPreventExitStatus=)"
else
    fail "a missing store is refused with exit 71 and systemd does not restart it: $refused (NRestarts was $restarts0)"
fi
in_boot sh -c "mv /run/pmtest-aside/pumpmond.sqlite* $state_dir/"
sc reset-failed pumpmond
sc start pumpmond 2>/dev/null
if wait_for 10 '[ "$(prop pumpmond ActiveState)" = active ]'; then pass "the restored store starts again"
else fail "the restored store starts again ($(prop pumpmond ActiveState))"; fi

# ---- the alert notifier: starts, posts to a real Alertmanager, survives a restart of pumpmond ------
# Alertmanager (Debian's prometheus-alertmanager, from the machine's /usr/bin in the overlay) runs as
# a transient unit on loopback, which pumpmond-alert.service's IPAddressAllow=localhost lets through.
if [ $have_pumpalert = 0 ]; then skip "the alert notifier (pumpalert is not built yet)"
elif ! in_boot test -x /usr/bin/prometheus-alertmanager; then
    skip "the alert notifier (no /usr/bin/prometheus-alertmanager: scripts/ensure-deps.sh installs it)"
else
    in_boot mkdir -p /etc/pumpmond /run/pmtest-am
    in_boot sh -c 'printf "route:\n  receiver: none\n  group_wait: 0s\nreceivers:\n  - name: none\n" >/run/pmtest-am/am.yml'
    in_boot systemd-run --unit=pmtest-alertmanager --quiet /usr/bin/prometheus-alertmanager \
        --config.file=/run/pmtest-am/am.yml --storage.path=/run/pmtest-am --web.listen-address=127.0.0.1:19093 \
        --cluster.listen-address=
    alert_journal() {  # the notifier's journal with its metadata fields (ERROR=, ...), for failure notes
        in_boot journalctl --no-pager -q -o verbose -u pumpmond-alert |
            grep -E '^ +(MESSAGE|ERROR|RETRY_IN|ALERTMANAGER)=' | sed 's/^ */    /'
    }
    am_alerts() {  # the alertnames and serials Alertmanager holds, one "NAME SERIAL" a line
        in_boot python3 -c 'import json,urllib.request
for a in json.load(urllib.request.urlopen("http://127.0.0.1:19093/api/v2/alerts", timeout=5)):
    print(a["labels"].get("alertname"), a["labels"].get("serial"))' 2>/dev/null
    }
    wait_for 30 'in_boot python3 -c "import urllib.request; urllib.request.urlopen(\"http://127.0.0.1:19093/-/ready\", timeout=2)" 2>/dev/null'
    in_boot sh -c 'printf "{\"alertmanager\": [\"http://127.0.0.1:19093\"], \"alert_resend\": 2}\n" >/etc/pumpmond/alert.json'
    since=$(in_boot date '+%Y-%m-%d %H:%M:%S')
    sc start pumpmond-alert
    if wait_for 20 '[ "$(prop pumpmond-alert ActiveState)" = active ] && in_boot journalctl --no-pager -q -o cat -u pumpmond-alert --since "$since" | grep -q "^Following pumpmond"'; then
        pass "pumpmond-alert starts (Type=notify, READY=1) as a member of pumpmon and follows pumpmond's watch stream"
    else
        fail "pumpmond-alert starts and follows pumpmond's watch stream ($(sc show -p ActiveState,SubState,Result pumpmond-alert | tr '\n' ' '))"
        alert_journal | tail -10
    fi
    client send /run/pumpmond/ingest.sock \
        '{"v":1,"id":"eos-1","serial":"SM2-900005","kind":"alert","at":"{now}","code":"BATTERY_EOS","severity":"critical"}' >/dev/null 2>&1
    if wait_for 20 'am_alerts | grep -qx "PumpNonFunctional SM2-900005"'; then
        pass "an EOS alert reaches Alertmanager through the notifier's IPAddressAllow= (PumpNonFunctional SM2-900005)"
    else
        fail "an EOS alert reaches Alertmanager through the notifier (Alertmanager holds: $(am_alerts | tr '\n' ';'))"
        alert_journal | tail -10
    fi
    alert_pid=$(prop pumpmond-alert MainPID)
    alert_restarts=$(prop pumpmond-alert NRestarts)
    since=$(in_boot date '+%Y-%m-%d %H:%M:%S')
    sc restart pumpmond
    if wait_for 30 'in_boot journalctl --no-pager -q -o cat -u pumpmond-alert --since "$since" | grep -q "^Following pumpmond again"' &&
        [ "$(prop pumpmond-alert MainPID)" = "$alert_pid" ] && [ "$(prop pumpmond-alert NRestarts)" = "$alert_restarts" ] &&
        [ "$(prop pumpmond-alert ActiveState)" = active ]; then
        pass "pumpmond-alert survives a restart of pumpmond: same PID, reconnected (logged), still active"
    else
        fail "pumpmond-alert survives a restart of pumpmond (PID $alert_pid -> $(prop pumpmond-alert MainPID), $(prop pumpmond-alert ActiveState))"
        alert_journal | tail -10
    fi
    if am_alerts | grep -qx "PumpNonFunctional SM2-900005"; then pass "after the restart Alertmanager still holds the firing alert"
    else fail "after the restart Alertmanager still holds the firing alert ($(am_alerts | tr '\n' ';'))"; fi
    denied=$(in_boot journalctl --no-pager -q -o cat _SYSTEMD_UNIT=pumpmond-alert.service |
        grep -Ei 'operation not permitted|permission denied|errno=(1|13)\b|could not send|cannot connect|refused' |
        grep -v 'Failed to set thread priority for worker thread' | sort | uniq -c | head -5)
    alert_failures=$(in_boot journalctl --no-pager -q -o cat -u pumpmond-alert | grep -Ei 'failed|watchdog timeout' |
        grep -v 'Failed to set thread priority for worker thread' | head -3)
    if [ -z "$denied" ] && [ -z "$alert_failures" ]; then
        pass "the hardening denies pumpmond-alert nothing it asks for (no EPERM/EACCES or failed send in its journal)"
    else
        fail "the hardening denies pumpmond-alert nothing it asks for"; sed 's/^/    /' <<<"$denied$alert_failures"
    fi
    sc stop pumpmond-alert pmtest-alertmanager 2>/dev/null
fi

# ---- daily backups and a restore, with systemd/README.md's commands ---------------------------
# "Backups": the timer enabled and listed, one backup started now through the hardened oneshot
# unit; then "Restoring the store", steps 1 to 4 as written, with the copy just made.
backups=/var/lib/pumpmond/backups
sc enable --now pumpmond-backup.timer >/dev/null 2>&1
timers=$(in_boot systemctl list-timers pumpmond-backup.timer --no-pager 2>&1)
before_backup=$(stored_messages)
backup_out=$(in_boot sh -c 'systemctl start pumpmond-backup.service && journalctl -u pumpmond-backup --no-pager -o cat' 2>&1)
copy=$(in_boot sh -c "ls $backups 2>/dev/null | grep -E '^pumpmond-.*\.sqlite$' | tail -1")
partial=$(in_boot sh -c "ls -A $backups 2>/dev/null | grep -c partial" || true)
if [[ $timers == *pumpmond-backup.timer* ]] && [ -n "$copy" ] && [ "$(prop pumpmond-backup Result)" = success ] \
    && [ "$partial" = 0 ]; then
    pass "pumpmond-backup.timer is listed by systemctl list-timers; pumpmond-backup.service made $backups/$copy"
else
    fail "the backup timer is listed and the backup service makes a copy (Result=$(prop pumpmond-backup Result), copy '$copy', partial files $partial)"
    note "$timers"; sed 's/^/    /' <<<"$backup_out" | tail -8
fi
if [ -n "$copy" ]; then
    # Restoring the store, steps 1 to 4; a message sent after the backup must be gone afterwards.
    client send /run/pumpmond/ingest.sock '{"v":1,"id":"after-backup","serial":"SM2-900006","kind":"status","at":"{now}","model":"SynchroMed II","battery":{"state":"MOS"},"motor":"ok"}' >/dev/null 2>&1
    in_boot bash -ec "
        systemctl stop pumpmond-backup.timer pumpmond.socket pumpmond-control.socket pumpmond
        cd /var/lib/private/pumpmond
        mkdir -p replaced && mv pumpmond.sqlite pumpmond.sqlite-wal pumpmond.sqlite-shm replaced/ 2>/dev/null || true
        cp -p backups/$copy pumpmond.sqlite
        systemctl start pumpmond.socket pumpmond-control.socket pumpmond-backup.timer" >"$work/restore.log" 2>&1 || true
    after_restore=$(stored_messages)
    verify_out=$(pumpctl_as root verify 2>&1); verify_rc=$?
    gone=$(pumpctl_as root events SM2-900006 --json 2>/dev/null | grep -c after-backup || true)
    if [ "$after_restore" = "$before_backup" ] && [ "$verify_rc" = 0 ] && [ "$gone" = 0 ]; then
        pass "the README's restore steps bring back the backup: $after_restore messages as when it was taken, pumpctl verify exits 0, a later message is gone"
    else
        fail "the README's restore brings back the backup (messages $after_restore, at backup $before_backup; verify exit $verify_rc; later message present: $gone)"
        sed 's/^/    /' "$work/restore.log"; note "$verify_out"
    fi
fi

# ---- the sandbox costs the daemon nothing it needs -------------------------------------------------
denied=$(in_boot journalctl --no-pager -q -o cat _SYSTEMD_UNIT=pumpmond.service |
    grep -Ei 'operation not permitted|permission denied|errno=(1|13)\b' |
    grep -v 'Failed to set thread priority for worker thread' | sort | uniq -c | head -5)
if [ -z "$denied" ]; then pass "the hardening denies pumpmond nothing it asks for (no EPERM/EACCES in its journal)"
else fail "the hardening denies pumpmond nothing it asks for"; sed 's/^/    /' <<<"$denied"; fi

echo "    figures: boot $(secs $boot_ms) s, first reply after activation $(secs $activation_ms) s, restart after kill -9 $(secs $restart_ms) s, watchdog restart after SIGSTOP $(secs $hang_ms) s, stop $(secs $stop_ms) s"
summary
