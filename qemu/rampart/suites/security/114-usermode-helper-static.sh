# Every usermode helper runs through rampart-usermode-helper (CONFIG_STATIC_USERMODEHELPER,
# a path in read-only kernel data). The classic step from a kernel write to root code
# execution, pointing the writable modprobe_path at one's own program and making the
# kernel call it (a file of unknown binary format asks for a module), runs nothing.
# The control: a program on the helper's list runs, with the kernel's arguments, so the
# trigger does reach the helper here. A listed program runs only with the arguments its
# entry allows, under the name it is listed as (another name for it is another program
# to a multi-call binary), and only while it, its interpreter, the list and every
# directory above them are root's alone.
# case-timeout: 120
. /rampart/lib.sh
helper=/usr/sbin/rampart-usermode-helper
[ -x $helper ] || die "no $helper in the guest"
old=$(cat /proc/sys/kernel/modprobe)
list=/etc/rampart/usermode-helpers
# The guest's / is the initramfs's tmpfs (mode 1777, unlike a root filesystem): while
# it is, nothing below it is root's alone.
root_mode=$(stat -c %a /)
restore() {
	echo "$old" > /proc/sys/kernel/modprobe
	rm -f $list
	chmod "$root_mode" /
}
trap restore EXIT
chmod 755 /
umask 022
mkdir -p /etc/rampart /tmp/shared
chmod 755 /etc/rampart
chmod 1777 /tmp/shared
printf '\377\377\377\377' > /tmp/unknown-format
chmod 755 /tmp/unknown-format
printf '#!/bin/sh\necho "$0 $*" > /tmp/helper-ran\n' > /etc/rampart/test-helper
chmod 755 /etc/rampart/test-helper
cp /etc/rampart/test-helper /tmp/shared/evil-helper
cp /etc/rampart/test-helper /tmp/evil-helper
ln -sf /etc/rampart/test-helper /etc/rampart/other-name
cp /bin/busybox /tmp/shared/sh
printf '#!/tmp/shared/sh\necho "$0 $*" > /tmp/helper-ran\n' > /etc/rampart/bad-interpreter
chmod 755 /etc/rampart/bad-interpreter
# trigger: runs a file no binary format knows, which makes the kernel request a
# binfmt module through modprobe_path; true when the helper's program ran.
trigger() {
	rm -f /tmp/helper-ran
	/tmp/unknown-format 2>/dev/null
	[ -e /tmp/helper-ran ]
}
# not_run PROGRAM DEATH LOGGED: with modprobe_path at PROGRAM the trigger runs nothing
# (else the case dies with DEATH) and the helper logs LOGGED.
not_run() {
	echo "$1" > /proc/sys/kernel/modprobe
	mark=$(kmsg_mark)
	trigger && die "$2: $(cat /tmp/helper-ran)"
	kmsg_since "$mark" | grep -q "rampart-usermode-helper: $3" || die "not logged: $3; log: $(kmsg_since "$mark" | tail -n 3)"
}

not_run /tmp/evil-helper "BYPASS: the kernel ran the program modprobe_path named" \
	'refused program="/tmp/evil-helper" reason=not-allowed'

echo "/etc/rampart/test-helper modprobe" > $list
echo /etc/rampart/test-helper > /proc/sys/kernel/modprobe
trigger || die "a listed helper did not run"
ran=$(cat /tmp/helper-ran)
case "$ran" in "/etc/rampart/test-helper -q -- binfmt-ffff") ;; *) die "the listed helper ran without the kernel's name and arguments: $ran" ;; esac

not_run /etc/rampart/other-name "another name for a listed program ran" \
	'refused program="/etc/rampart/other-name" reason=not-allowed'

echo "/etc/rampart/test-helper none" > $list
not_run /etc/rampart/test-helper "a listed program ran with arguments its entry does not allow" \
	'refused program="/etc/rampart/test-helper" reason=arguments-not-allowed'

echo "/etc/rampart/bad-interpreter modprobe" > $list
not_run /etc/rampart/bad-interpreter "a listed script ran with an interpreter anyone could replace" \
	'refused program="/etc/rampart/bad-interpreter" reason=untrusted-interpreter'

echo "/etc/rampart/test-helper modprobe" > $list
chmod 666 $list
not_run /etc/rampart/test-helper "a list anyone can write was used" \
	"ignored list=\"$list\" reason=writable-by-others using=built-in"
chmod 644 $list

echo "/tmp/shared/evil-helper modprobe" > $list
not_run /tmp/shared/evil-helper "a listed program in a directory anyone can write ran" \
	'refused program="/tmp/shared/evil-helper" reason=writable-by-others'

echo 'modprobe' > $list
not_run /etc/rampart/test-helper "a malformed list was used" \
	"ignored list=\"$list\" reason=line-1:not-an-absolute-path using=built-in"
echo "not run: modprobe_path's own program, another name for a listed one, a listed one with arguments it does not allow, a listed script whose interpreter anyone could replace, a listed program under a directory anyone can write; run: a listed one ($ran); ignored: a list anyone can write, a malformed list"
