# shellcheck shell=bash
# Boots a real systemd as PID 1 inside a throwaway root, and talks to it.
#
# SAFETY: systemd is only ever started inside new mount, PID, UTS, IPC and network namespaces, on an
# overlay of `/` whose upper layer is a tmpfs, with private tmpfs on /run and /tmp, after chroot;
# /sys and /proc/sys read-only, a private /dev, units that touch the kernel masked, no
# CAP_SYS_MODULE / CAP_SYS_TIME. Booted on the real
# root it would wipe the machine's /tmp. It is ended by its own PID only (kill -KILL), which ends
# every process of its PID namespace; the mounts go with the namespace.
#
# Use:   boot_start STAGE_DIR [SETUP_SCRIPT]  -> sets BOOT_PID (host PID of the namespace's PID 1)
#        in_boot CMD ARGS...                  -> runs CMD inside (mount, PID namespace and root)
#        boot_stop                            -> kills systemd by its PID, removes the temp dir
# STAGE_DIR is copied over the overlay root before boot (a `make install DESTDIR=` tree);
# SETUP_SCRIPT, if given, runs chrooted in the overlay root before systemd starts.

BOOT_PID=""
BOOT_UNSHARE_PID=""
BOOT_TMP=""
BOOT_LOG=""

# Prints why this machine cannot boot systemd in a namespace, or nothing when it can.
boot_unsupported_reason() {
    if [ "$(id -u)" -ne 0 ]; then echo "not root"; return; fi
    [ -x /lib/systemd/systemd ] || { echo "no /lib/systemd/systemd"; return; }
    command -v unshare >/dev/null || { echo "no unshare(1)"; return; }
    command -v nsenter >/dev/null || { echo "no nsenter(1)"; return; }
    if ! timeout 10 unshare --fork --pid --mount sh -c \
        'mount --make-rprivate / && d=$(mktemp -d) && mount -t tmpfs t "$d" &&
         mkdir "$d/u" "$d/w" "$d/r" &&
         mount -t overlay o -o lowerdir=/,upperdir="$d/u",workdir="$d/w" "$d/r"' >/dev/null 2>&1; then
        echo "cannot create a PID+mount namespace with an overlay of / (needs CAP_SYS_ADMIN)"
        return
    fi
}

boot_start() {
    local stage=$1 setup=${2:-}
    BOOT_TMP=$(mktemp -d /tmp/pumpmond-boot.XXXXXX)
    # The booted systemd creates cgroups in the machine's hierarchy; boot_stop removes the new ones.
    find /sys/fs/cgroup -mindepth 1 -type d 2>/dev/null | sort >"$BOOT_TMP/cgroups.before"
    BOOT_LOG=$BOOT_TMP/console.log
    mkdir "$BOOT_TMP/mnt"
    # The inner script runs as PID 1 of the new PID namespace and execs systemd in the chroot.
    cat >"$BOOT_TMP/inner.sh" <<'INNER'
set -eu
base=$1 stage=$2 setup=$3 console=$4
mount --make-rprivate /
mount -t tmpfs -o mode=0755 boot "$base"
mkdir "$base/upper" "$base/work" "$base/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$base/upper,workdir=$base/work" "$base/root"
root=$base/root
mount -t proc proc "$root/proc"
# The kernel's knobs stay out of reach: /proc/sys and /sys read-only (so systemd-sysctl, binfmt and
# udev do not run), the cgroup file systems under /sys stay writable for systemd.
mount --bind "$root/proc/sys" "$root/proc/sys"
mount -o remount,bind,ro "$root/proc/sys"
mount --rbind /sys "$root/sys"
mount -o remount,bind,ro "$root/sys"
# A private /dev with the harmless nodes only (no disks, no kmsg); /dev/console is a log file.
mount -t tmpfs -o mode=0755,nosuid dev "$root/dev"
# The nodes are made here (mknod), not bound from the machine's /dev: the boot then cannot touch
# the machine's nodes, and does not depend on them (this machine once had a regular file at /dev/null).
mknod -m 666 "$root/dev/null" c 1 3; mknod -m 666 "$root/dev/zero" c 1 5; mknod -m 666 "$root/dev/full" c 1 7
mknod -m 666 "$root/dev/random" c 1 8; mknod -m 666 "$root/dev/urandom" c 1 9; mknod -m 666 "$root/dev/tty" c 5 0
touch "$root/dev/console"; mount --bind "$console" "$root/dev/console"
mkdir -m 1777 "$root/dev/shm"; mkdir -m 0755 "$root/dev/pts" "$root/dev/mqueue" "$root/dev/hugepages"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"; ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"; ln -s /proc/self/fd/1 "$root/dev/stdout"; ln -s /proc/self/fd/2 "$root/dev/stderr"
mount -t tmpfs -o mode=0755,nosuid,nodev run "$root/run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmp "$root/tmp"
# /lib and /bin are symlinks into /usr on Debian: keep them (cp -a would refuse).
[ -z "$stage" ] || tar -C "$stage" -cf - . | tar -C "$root" -xf - --keep-directory-symlink --no-same-owner
if [ -n "$setup" ]; then cp "$setup" "$root/run/boot-setup.sh"; chroot "$root" /bin/sh /run/boot-setup.sh; rm -f "$root/run/boot-setup.sh"; fi
# Units that would reach past the namespaces (kernel modules, the clock, host disks) are masked.
for u in systemd-modules-load.service kmod-static-nodes.service modprobe@.service systemd-timesyncd.service \
         systemd-pstore.service fstrim.timer e2scrub_all.timer e2scrub_reap.service apt-daily.timer \
         apt-daily-upgrade.timer man-db.timer dpkg-db-backup.timer systemd-udevd.service \
         systemd-udev-trigger.service systemd-udev-settle.service systemd-udevd-control.socket \
         systemd-udevd-kernel.socket systemd-hwdb-update.service proc-sys-fs-binfmt_misc.automount \
         systemd-binfmt.service systemd-sysctl.service systemd-random-seed.service; do
    ln -sf /dev/null "$root/etc/systemd/system/$u"
done
# Shared propagation inside the throwaway root, as a container manager (nspawn) sets up: systemd
# does it itself only when it is the machine's init, and without it a mount made in a unit's
# helper namespace never reaches the unit (LoadCredential='s directory stayed empty). The peer
# groups are new ones of this namespace: everything was made private from the machine above.
mount --make-rshared "$root"
echo "inner: exec systemd" >&2
# container= tells systemd it is not the machine's init: it loads no kernel modules, skips
# ConditionVirtualization=!container units. No CAP_SYS_MODULE / CAP_SYS_TIME for anything inside.
exec env -i container=pumpmond-test PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    setpriv --bounding-set=-sys_module,-sys_time,-wake_alarm \
    chroot "$root" /lib/systemd/systemd --system --unit=basic.target --show-status=0
INNER
    # setsid: a process group of its own, so nothing here reaches our terminal or job control.
    : >"$BOOT_LOG"
    setsid unshare --fork --pid --mount --uts --ipc --net --kill-child=SIGKILL \
        sh "$BOOT_TMP/inner.sh" "$BOOT_TMP/mnt" "$stage" "$setup" "$BOOT_LOG" </dev/null >>"$BOOT_LOG" 2>&1 &
    BOOT_UNSHARE_PID=$!
    local i
    for i in $(seq 1 100); do
        BOOT_PID=$(cat "/proc/$BOOT_UNSHARE_PID/task/$BOOT_UNSHARE_PID/children" 2>/dev/null | awk '{print $1}')
        [ -n "$BOOT_PID" ] && break
        sleep 0.1
    done
    [ -n "$BOOT_PID" ] || { echo "boot: no namespace PID 1 appeared" >&2; return 1; }
}

in_boot() {
    nsenter -t "$BOOT_PID" -m -p -u -i -n -r -w "$@"
}

# Waits until systemd answers and has finished starting up (state running or degraded).
boot_wait_running() {
    local deadline=$((SECONDS + ${1:-60})) state=""
    while [ $SECONDS -lt $deadline ]; do
        state=$(timeout 5 nsenter -t "$BOOT_PID" -m -p -u -i -n -r -w systemctl is-system-running 2>/dev/null || true)
        case $state in running|degraded) echo "$state"; return 0 ;; esac
        if ! kill -0 "$BOOT_PID" 2>/dev/null; then echo "exited"; return 1; fi
        sleep 0.2
    done
    echo "${state:-no answer}"
    return 1
}

boot_stop() {
    if [ -n "$BOOT_PID" ] && kill -0 "$BOOT_PID" 2>/dev/null; then
        kill -KILL "$BOOT_PID" 2>/dev/null || true
    fi
    if [ -n "$BOOT_UNSHARE_PID" ]; then wait "$BOOT_UNSHARE_PID" 2>/dev/null || true; fi
    BOOT_PID=""
    BOOT_UNSHARE_PID=""
    if [ -n "$BOOT_TMP" ]; then
        # Empty cgroups the booted systemd left (rmdir fails on any cgroup still in use), deepest first.
        if [ -f "$BOOT_TMP/cgroups.before" ]; then
            find /sys/fs/cgroup -mindepth 1 -type d 2>/dev/null | sort |
                comm -13 "$BOOT_TMP/cgroups.before" - | awk '{ print length($0) " " $0 }' | sort -rn |
                cut -d' ' -f2- | while read -r dir; do rmdir "$dir" 2>/dev/null || true; done
        fi
        # The tmpfs was mounted only inside the namespace: on the host this is an empty directory.
        rm -rf "$BOOT_TMP" 2>/dev/null || true
        BOOT_TMP=""
    fi
}
