#!/usr/bin/env bash
# Installs pumpmond the way a Debian system lays things out:
#   $DESTDIR$PREFIX/bin/{pumpmond,pumpctl,pumpsim,pumpalert}
#   $DESTDIR/lib/systemd/system/{pumpmond.service,pumpmond.socket,pumpmond-control.socket,
#       pumpmond-alert.service,pumpmond-tls.socket,pumpmond-hl7.socket,pumpmond-backup.service,
#       pumpmond-backup.timer,pumpmond-metrics.socket}
#   $DESTDIR/usr/share/doc/pumpmond/pumpmond-tls.conf (the TLS drop-in, installed by an operator)
#   $DESTDIR/usr/lib/sysusers.d/pumpmond.conf, $DESTDIR/usr/lib/tmpfiles.d/pumpmond.conf
#   $DESTDIR/usr/share/bash-completion/completions/pumpctl
#   $DESTDIR/usr/share/zsh/vendor-completions/_pumpctl
#   $DESTDIR/usr/share/fish/vendor_completions.d/pumpctl.fish
#   $DESTDIR/usr/share/doc/pumpmond/{README.md,systemd.md,hl7.md}
# Environment: PREFIX (default /usr), DESTDIR (default empty: the live system),
#   BIN_DIR (take the binaries from there instead of building; default: `swift build -c release`).
# With an empty DESTDIR on a machine running systemd it also creates the groups (systemd-sysusers),
# the runtime directory (systemd-tmpfiles) and reloads systemd; it enables and starts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

PREFIX=${PREFIX:-/usr}
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX%/}
case $PREFIX in /*) ;; *) echo "install: PREFIX must be an absolute path, not '$PREFIX'" >&2; exit 64 ;; esac

if [ -z "${BIN_DIR:-}" ]; then
    echo "install: building release (swift build -c release)" >&2
    swift build -c release 2>&1 | sed -u '/^\[[0-9]*\/[0-9]*\]/d' >&2
    BIN_DIR=$(swift build -c release --show-bin-path)
fi
for exe in pumpmond pumpctl pumpsim pumpalert; do
    [ -x "$BIN_DIR/$exe" ] || { echo "install: $BIN_DIR/$exe is missing: build first" >&2; exit 66; }
done

bindir=$DESTDIR$PREFIX/bin
unitdir=$DESTDIR/lib/systemd/system
install -d "$bindir" "$unitdir" "$DESTDIR/usr/lib/sysusers.d" "$DESTDIR/usr/lib/tmpfiles.d" \
    "$DESTDIR/usr/share/bash-completion/completions" "$DESTDIR/usr/share/zsh/vendor-completions" \
    "$DESTDIR/usr/share/fish/vendor_completions.d" "$DESTDIR/usr/share/doc/pumpmond"

for exe in pumpmond pumpctl pumpsim pumpalert; do
    install -m 0755 "$BIN_DIR/$exe" "$bindir/$exe"
done

# The units name /usr/bin/pumpmond; another PREFIX is written into ExecStart= here.
for unit in pumpmond.service pumpmond.socket pumpmond-control.socket pumpmond-alert.service pumpmond-tls.socket \
    pumpmond-hl7.socket pumpmond-backup.service pumpmond-backup.timer pumpmond-metrics.socket; do
    sed "s|^ExecStart=/usr/bin/|ExecStart=$PREFIX/bin/|" "systemd/$unit" >"$unitdir/$unit"
    chmod 0644 "$unitdir/$unit"
done
install -m 0644 systemd/pumpmond.sysusers "$DESTDIR/usr/lib/sysusers.d/pumpmond.conf"
install -m 0644 systemd/pumpmond.tmpfiles "$DESTDIR/usr/lib/tmpfiles.d/pumpmond.conf"

# Completions come from the program itself (swift-argument-parser), so they never drift.
completion() {
    local shell=$1 dest=$2 tmp
    tmp=$(mktemp)
    if ! "$BIN_DIR/pumpctl" --generate-completion-script "$shell" >"$tmp" || [ ! -s "$tmp" ]; then
        rm -f "$tmp"
        echo "install: pumpctl --generate-completion-script $shell failed" >&2
        exit 70
    fi
    install -m 0644 "$tmp" "$dest"
    rm -f "$tmp"
}
completion bash "$DESTDIR/usr/share/bash-completion/completions/pumpctl"
completion zsh "$DESTDIR/usr/share/zsh/vendor-completions/_pumpctl"
completion fish "$DESTDIR/usr/share/fish/vendor_completions.d/pumpctl.fish"

install -m 0644 README.md "$DESTDIR/usr/share/doc/pumpmond/README.md"
install -m 0644 systemd/README.md "$DESTDIR/usr/share/doc/pumpmond/systemd.md"
install -m 0644 docs/hl7.md "$DESTDIR/usr/share/doc/pumpmond/hl7.md"
install -m 0644 systemd/pumpmond-tls.conf "$DESTDIR/usr/share/doc/pumpmond/pumpmond-tls.conf"

echo "install: installed into ${DESTDIR:-/} with PREFIX=$PREFIX" >&2
if [ -z "$DESTDIR" ] && [ -d /run/systemd/system ]; then
    systemd-sysusers pumpmond.conf
    systemd-tmpfiles --create pumpmond.conf
    systemctl daemon-reload
    echo "install: now run: systemctl enable --now pumpmond.socket pumpmond-control.socket" >&2
    echo "install: for alerts, write /etc/pumpmond/alert.json, then: systemctl enable --now pumpmond-alert" >&2
    echo "install: for daily backups of the store: systemctl enable --now pumpmond-backup.timer" >&2
fi
