# No false positive: root after unshare(CLONE_NEWNS), outside any chroot, is not
# chrooted: it mounts and makes device nodes.
. /rampart/lib.sh
load rampart_ns
mkdir -p /tmp/mntns
out=$(unshare -m sh -c 'mount -t tmpfs tmpfs /tmp/mntns && mknod /tmp/mntns/null c 1 3 && echo mounted' 2>&1)
case "$out" in
*mounted*) ;;
*) die "unshare -m outside a chroot: $out" ;;
esac
events >/dev/null
echo "unshare -m, mount and mknod outside a chroot: ok"
