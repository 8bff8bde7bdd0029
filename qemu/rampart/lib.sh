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
	take_events
	seen_event "$@"
}

# expect_output WANT CMD...: run CMD, which must print a line containing WANT.
expect_output() {
	_want=$1
	shift
	out=$("$@" 2>&1)
	case "$out" in
	*"$_want"*) ;;
	*) die "$*: expected '$_want', got '$out'" ;;
	esac
}

NS=$RAMPART_FS/ns
JAIL=/tmp/jail

# make_jail: a minimal chroot with busybox, rampart-probe, rampart-attack and /dev/null.
make_jail() {
	if [ ! -x $JAIL/bin/busybox ]; then
		mkdir -p $JAIL/bin $JAIL/tmp $JAIL/mnt $JAIL/new/old $JAIL/dev || die "mkdir jail failed"
		cp /bin/busybox /bin/rampart-probe /bin/rampart-attack $JAIL/bin/ || die "copying into the jail failed"
		for applet in sh cat echo touch chmod sleep; do ln -sf busybox $JAIL/bin/$applet; done
	fi
	[ -c $JAIL/dev/null ] || mknod -m 666 $JAIL/dev/null c 1 3 || die "making the jail's /dev/null failed"
}

# expect_contained ATTACK...: run the rampart-attack command ATTACK in the jail; it
# must neither escape nor finish (its last line names the step that was refused).
expect_contained() {
	out=$(chroot $JAIL /bin/rampart-attack "$@" 2>&1)
	case "$out" in
	*ESCAPED* | *": done"*) die "rampart-attack $*: $out" ;;
	*EPERM*) printf '%s\n' "$out" | tail -n 1 ;;
	*) die "rampart-attack $*: refused other than by rampart: $out" ;;
	esac
}

# in_jail CMD...: run CMD chrooted into the jail.
in_jail() {
	chroot $JAIL "$@"
}

BRUTE=$RAMPART_FS/brute

# brute_short: test-sized throttle and ban times, empty tables, enforce mode.
brute_short() {
	echo enforce > $BRUTE/mode
	echo 400 > $BRUTE/fork_delay_ms
	echo 30 > $BRUTE/throttle_secs
	echo 30 > $BRUTE/ban_secs
	echo 64 > $BRUTE/max_bans
	echo "lift all" > $BRUTE/bans
}

# suid_probe: /tmp/suid-probe, a setuid-root copy of rampart-probe (its own inode).
suid_probe() {
	[ -u /tmp/suid-probe ] && return 0
	cp /bin/rampart-probe /tmp/suid-probe && chmod 4755 /tmp/suid-probe || die "making /tmp/suid-probe failed"
}

# take_events: drain the pending events into $TAKEN, for several seen_event checks.
take_events() {
	TAKEN=$(events)
}

# seen_event PATTERN...: an event in $TAKEN matches every PATTERN; prints it.
seen_event() {
	match=$(printf '%s\n' "$TAKEN")
	for pattern in "$@"; do
		match=$(printf '%s\n' "$match" | grep -F -- "$pattern")
	done
	[ -n "$match" ] || die "no event with $*; last events: $(printf '%s' "$TAKEN" | tail -n 3 | tr '\n' ' ')"
	printf '%s\n' "$match" | tail -n 1
}

# fork_ms OUTPUT I: the milliseconds fork I took in crash-forks OUTPUT.
fork_ms() {
	printf '%s\n' "$1" | sed -n "s/^fork $2: \([0-9]*\) ms.*/\1/p"
}

# fresh_log_window: rampart's kernel log lines are limited to 10 per 5 s; a case that
# checks for a line waits out the previous case's burst first.
fresh_log_window() {
	sleep 5
}

RBAC=$RAMPART_FS/rbac
SVC=/usr/sbin/rampart-svc

# svc_setup: a small service to confine: $SVC (its own copy of rampart-probe), its
# config, its log directory (owned by uid 1000, which runs it) and a world-readable
# /etc/shadow (so only rampart, not file permissions, can keep the service out).
svc_setup() {
	mkdir -p /usr/sbin /var/log/svc /etc/rampart /mnt/etc || die "mkdir failed"
	[ -x $SVC ] || cp /bin/rampart-probe $SVC || die "copying the service failed"
	echo "listen 8080" > /etc/svc.conf
	echo "root:\$6\$secret:19000:0:99999:7:::" > /etc/shadow
	chmod 644 /etc/svc.conf /etc/shadow
	chown 1000:1000 /var/log/svc
}

# as_svc ARGS...: run the service as uid 1000 with ARGS.
as_svc() {
	rampart-probe as-user 1000 $SVC "$@"
}

# policy_id: the id of the policy in force, from status.
policy_id() {
	sed -n 's/^policy \([0-9a-f]*\) .*/\1/p' $RBAC/status
}

WX=$RAMPART_FS/wx

# wx_attacks: every W^X attack of rampart-attack, one result line each.
WX_ATTACKS="mmap-wx mprotect-anon mprotect-heap mprotect-stack mprotect-data mprotect-bss text-write memfd-exec file-rw-exec shm-exec"

# expect_trouble_begin / expect_trouble_end: bracket kernel trouble a case provokes on
# purpose (a CFI trap); the host's console check excuses what is reported in between.
# Through the kernel log, so the brackets stay in order with the kernel's own lines.
expect_trouble_begin() {
	echo 0 > /proc/sys/kernel/panic_on_oops || die "cannot turn panic_on_oops off"
	printf '<5>%s\n' "RAMPART-EXPECT: KERNEL-TROUBLE BEGIN" >/dev/kmsg
}
expect_trouble_end() {
	printf '<5>%s\n' "RAMPART-EXPECT: KERNEL-TROUBLE END" >/dev/kmsg
}

# strip_signature SIGNED OUT: OUT is SIGNED without its appended module signature
# (the magic string, the 12-byte signature header ending in the big-endian length,
# and the signature itself).
strip_signature() {
	magic='~Module signature appended~'
	[ "$(tail -c 28 "$1" | head -c 27)" = "$magic" ] || die "$1 carries no module signature"
	set -- "$1" "$2" $(tail -c 32 "$1" | head -c 4 | od -An -tu1)
	sig_len=$(( ($3 << 24) | ($4 << 16) | ($5 << 8) | $6 ))
	size=$(stat -c %s "$1")
	head -c $((size - 28 - 12 - sig_len)) "$1" >"$2" || die "cannot strip $1"
}
