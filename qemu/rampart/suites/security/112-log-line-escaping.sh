# A denial's log line prints the program's path escaped: a path holding a newline and
# a whole fake "rampart: denied ..." line, or a terminal escape, stays inside its own
# line and never reaches the console raw.
. /rampart/lib.sh
load rampart_devmem
fresh_log_window
name=$(printf '/tmp/evil\nrampart: denied FORGED by /usr/sbin/sshd[sshd:1] uid/euid:0/0\033[2J')
mkdir -p "${name%/*}" && cp /bin/rampart-probe "$name" || die "copying the probe failed"
mark=$(kmsg_mark)
"$name" open /dev/mem >/dev/null 2>&1
log=$(kmsg_since "$mark")
rm -rf /tmp/evil*
events >/dev/null
printf '%s\n' "$log" | grep -q 'FORGED' || die "no log line for the denial: $log"
printf '%s\n' "$log" | grep -q '^\(\[[ 0-9.]*\] \)\?rampart: denied FORGED' && die "a forged line reached the log: $log"
printf '%s' "$log" | grep -q "$(printf '\033')" && die "a raw ESC byte reached the log"
printf '%s\n' "$log" | grep 'FORGED' | tail -n 1
