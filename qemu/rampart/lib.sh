# Helpers for guest test cases: `. /rampart/lib.sh` at the top of a case.

MODULES=/rampart/modules

# die MESSAGE: fail the case with MESSAGE as its evidence.
die() {
	echo "$*"
	exit 1
}

# kmsg_since MARK: kernel log lines after the line count MARK (from kmsg_mark).
kmsg_mark() {
	dmesg | wc -l
}
kmsg_since() {
	dmesg | tail -n +"$(($1 + 1))"
}

# module_loaded NAME: true when NAME is in /proc/modules.
module_loaded() {
	grep -q "^$1 " /proc/modules
}

RAMPART_FS=/sys/kernel/security/rampart
DEVMEM=$RAMPART_FS/devmem

# The kernel variant under test (patched, vanilla or debug) and the hook mode modules
# must report: only vanilla lacks rampart's hook layer.
variant() {
	cat /rampart/variant
}
expected_hooks() {
	if [ "$(variant)" = vanilla ]; then echo fallback; else echo lsm; fi
}

# load MODULE [ARGS...]: insmod rampart_core first when needed, then MODULE.
load() {
	module_loaded rampart_core || insmod "$MODULES/rampart_core.ko" || die "insmod rampart_core failed"
	module_loaded "$1" && return 0
	name=$1
	shift
	insmod "$MODULES/$name.ko" "$@" || die "insmod $name $* failed"
}

# Events queued since the last call, one JSON object per line.
events() {
	rampart-probe events
}

# expect_event PATTERN...: the pending events contain a line matching every PATTERN.
expect_event() {
	pending=$(events)
	match=$(printf '%s\n' "$pending")
	for pattern in "$@"; do
		match=$(printf '%s\n' "$match" | grep -F -- "$pattern")
	done
	[ -n "$match" ] || die "no event with $*; pending: $(printf '%s' "$pending" | tail -n 2)"
	printf '%s\n' "$match" | tail -n 1
}

# expect_output WANT CMD...: run CMD, which must print a line containing WANT.
expect_output() {
	want=$1
	shift
	out=$("$@" 2>&1)
	case "$out" in
	*"$want"*) ;;
	*) die "$*: expected '$want', got '$out'" ;;
	esac
}

NS=$RAMPART_FS/ns
JAIL=/tmp/jail

# make_jail: a minimal chroot with busybox and rampart-probe.
make_jail() {
	[ -x $JAIL/bin/busybox ] && return 0
	mkdir -p $JAIL/bin $JAIL/tmp $JAIL/mnt $JAIL/new/old || die "mkdir jail failed"
	cp /bin/busybox /bin/rampart-probe $JAIL/bin/ || die "copying into the jail failed"
	for applet in sh cat echo touch chmod sleep; do ln -sf busybox $JAIL/bin/$applet; done
}

# in_jail CMD...: run CMD chrooted into the jail.
in_jail() {
	chroot $JAIL "$@"
}
