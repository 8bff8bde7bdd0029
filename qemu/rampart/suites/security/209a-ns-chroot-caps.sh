# chroot_caps (opt-in, after grsecurity's CHROOT_CAPS): root inside a chroot loses
# CAP_SYS_ADMIN and the other capabilities that reach past the chroot; outside, and
# with the toggle off, root keeps them.
. /rampart/lib.sh
load rampart_ns
make_jail
echo 1 > $NS/chroot_caps || die "turning chroot_caps on failed"
a=$(expect_contained sethostname) || { echo 0 > $NS/chroot_caps; die "$a"; }
expect_output "sethostname: done" rampart-attack sethostname
echo 0 > $NS/chroot_caps
expect_output "sethostname: done" in_jail /bin/rampart-attack sethostname
take_events
seen_event '"decision":"deny"' "capability taken away inside a chroot" '"object":"capability 21"' >/dev/null
echo "in the jail with chroot_caps: $a; outside, and in the jail with it off: allowed"
