#!/usr/bin/env bash
# Makes sure the system libraries the build links are installed: libsystemd (sd-daemon, sd-journal),
# OpenSSL's libcrypto (SHA-256) and SQLite's headers, plus the sqlite3 tool the benchmarks compare against, and Prometheus
# Alertmanager (prometheus-alertmanager and amtool), which the alerting tests, the alert benchmark
# and the demo start on loopback, Prometheus (prometheus and promtool) for the metrics tests, and
# python3-venv. Installs them with apt when running as root; otherwise says what to install and
# stops. Then it creates the virtual environment .venv at the package root (once) with the Python
# peers and validators of scripts/python-requirements.txt (python-hl7, hl7apy, fhir.resources) from
# PyPI; tests find it as PumpTesting's PythonEnvironment.
#
# `scripts/ensure-deps.sh build` stops after the libraries the build links: scripts/test installs
# those first and the rest (servers, Python packages: network time) while it compiles.
set -euo pipefail
cd "$(dirname "$0")/.."

scope="${1:-all}"
case "$scope" in
build | all) ;;
*)
    echo "usage: scripts/ensure-deps.sh [build]" >&2
    exit 64
    ;;
esac

missing=()
pkg-config --exists libsystemd 2>/dev/null || missing+=(libsystemd-dev)
pkg-config --exists libcrypto 2>/dev/null || missing+=(libssl-dev)
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ "$scope" = all ]; then
    command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
    { [ -x /usr/bin/prometheus-alertmanager ] && [ -x /usr/bin/amtool ]; } || missing+=(prometheus-alertmanager)
    { [ -x /usr/bin/prometheus ] && [ -x /usr/bin/promtool ]; } || missing+=(prometheus)
    /usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
fi

python_environment() {
    [ "$scope" = all ] || return 0
    local stamp=.venv/requirements.txt
    if [ -x .venv/bin/python ] && cmp -s scripts/python-requirements.txt "$stamp"; then return 0; fi
    echo "ensure-deps: creating .venv with $(grep -c '^[a-z]' scripts/python-requirements.txt) Python packages from PyPI" >&2
    rm -rf .venv
    /usr/bin/python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r scripts/python-requirements.txt
    cp scripts/python-requirements.txt "$stamp"
}

if [ ${#missing[@]} -eq 0 ]; then
    python_environment
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    echo "ensure-deps: installing ${missing[*]} with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y "${missing[@]}" >/dev/null 2>&1; then
        apt-get update >/dev/null
        apt-get install -y "${missing[@]}" >/dev/null
    fi
    python_environment
    exit 0
fi
echo "ensure-deps: missing system packages: ${missing[*]}" >&2
echo "ensure-deps: install them as root:  sudo apt-get install -y ${missing[*]}" >&2
exit 1
