# grsecurity CHROOT_NICE / CHROOT_FINDTASK: inside a chroot no raising of priority and no
# changing another process's. setpriority() is refused (security suite 219); the same
# through sched_setattr(nice), sched_setscheduler(SCHED_FIFO) (of itself, and of a process
# outside) and ioprio_set(IOPRIO_CLASS_RT).
. /rampart/lib.sh
load rampart_ns
make_jail
sleep 1000 </dev/null >/dev/null 2>&1 &
outside=$!
sleep 1
nice=$(in_jail /bin/rampart-attack nice 2>&1)
a=$(in_jail /bin/rampart-attack sched nice 2>&1)
b=$(in_jail /bin/rampart-attack sched fifo 2>&1)
c=$(in_jail /bin/rampart-attack sched fifo $outside 2>&1)
d=$(in_jail /bin/rampart-attack sched ioprio 2>&1)
e=$(in_jail /bin/rampart-attack sched ioprio $outside 2>&1)
kill $outside
wait 2>/dev/null
events >/dev/null
case "$nice" in *EPERM* | *EACCES*) ;; *) die "setpriority(-5) inside the chroot: $nice" ;; esac
bypass=""
for r in "$a" "$b" "$c" "$d" "$e"; do
	case "$r" in *": done"*) bypass="$bypass [$r]" ;; esac
done
[ -z "$bypass" ] || die "BYPASS chroot_nice: raised inside the chroot (outside pid $outside):$bypass"
echo "setpriority: $nice; $a; $b; $c; $d; $e"
