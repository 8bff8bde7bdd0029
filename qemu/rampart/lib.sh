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
