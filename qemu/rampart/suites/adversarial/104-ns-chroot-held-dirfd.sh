# grsecurity CHROOT_FCHDIR and Landlock's "opening through a descriptor from outside":
# a directory opened before the chroot cannot be fchdir()ed to (lsm), but the same
# descriptor still opens files relative to it: openat()/faccessat() reach the real root.
# docs/hook-modes.md: "chroot_fchdir stops the way back through descriptors".
. /rampart/lib.sh
load rampart_ns
make_jail
out=$(rampart-attack dirfd-openat $JAIL 2>&1)
events >/dev/null
if [ "$(expected_hooks)" != lsm ]; then
	case "$out" in
	*"fchdir allowed"*) echo "fallback limit: fchdir not enforced, as documented ($(echo $out))"; exit 0 ;;
	esac
fi
case "$out" in
*ESCAPED*) die "BYPASS chroot_fchdir: a directory descriptor held from before the chroot reaches the real root with openat()/faccessat() ($(echo $out))" ;;
esac
echo "held directory descriptor: $(echo $out)"
