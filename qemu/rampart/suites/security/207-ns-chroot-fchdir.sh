# A directory fd opened before chroot cannot be used to fchdir back out (lsm mode);
# the kretprobe fallback has no fchdir function to probe (docs/hook-modes.md).
. /rampart/lib.sh
make_jail
if [ "$(expected_hooks)" = lsm ]; then
	expect_output "fchdir: EPERM" rampart-probe escape $JAIL
	expect_event '"decision":"deny"' "chdir outside the chroot" >/dev/null || die "no deny event"
	echo "fchdir escape: EPERM with an event"
else
	expect_output "fchdir: ok" rampart-probe escape $JAIL
	events >/dev/null
	echo "fallback: fchdir escape not enforced, as documented"
fi
