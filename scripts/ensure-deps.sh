#!/usr/bin/env bash
# Makes sure the system libraries the build links are installed: libsystemd (sd-daemon, sd-journal)
# and SQLite's headers, plus the sqlite3 tool the benchmarks compare against, and Prometheus
# Alertmanager (prometheus-alertmanager and amtool), which the alerting tests, the alert benchmark
# and the demo start on loopback. Installs them with apt
# when running as root; otherwise says what to install and stops.
set -euo pipefail

missing=()
pkg-config --exists libsystemd 2>/dev/null || missing+=(libsystemd-dev)
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
{ [ -x /usr/bin/prometheus-alertmanager ] && [ -x /usr/bin/amtool ]; } || missing+=(prometheus-alertmanager)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi

if [ "$(id -u)" -eq 0 ]; then
    echo "ensure-deps: installing ${missing[*]} with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y "${missing[@]}" >/dev/null 2>&1; then
        apt-get update >/dev/null
        apt-get install -y "${missing[@]}" >/dev/null
    fi
    exit 0
fi
echo "ensure-deps: missing system packages: ${missing[*]}" >&2
echo "ensure-deps: install them as root:  sudo apt-get install -y ${missing[*]}" >&2
exit 1
