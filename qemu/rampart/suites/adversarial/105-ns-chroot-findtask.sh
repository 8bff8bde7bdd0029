# grsecurity CHROOT_FINDTASK and Landlock's /proc/self/fd and passed-descriptor tests:
# from a chroot given a /proc, a process outside is not reached through /proc/PID/root,
# /proc/PID/cwd, /proc/PID/fd/N, nor pidfd_getfd(), and kill(-1) signals nobody outside.
. /rampart/lib.sh
load rampart_ns
make_jail
mkdir -p $JAIL/proc && mount -t proc proc $JAIL/proc || die "mounting the jail's proc failed"
rm -f /tmp/adv105-sig
sh -c 'trap "echo got >> /tmp/adv105-sig" CONT; while :; do sleep 1; done' 3</ </dev/null >/dev/null 2>&1 &
outside=$!
sleep 1
results=""
bypass=""
for args in "proc-link $outside root" "proc-link $outside cwd" "proc-link $outside fd/3" "pidfd-getfd $outside 3"; do
	out=$(in_jail /bin/rampart-attack $args 2>&1)
	results="$results [$out]"
	case "$out" in *ESCAPED*) bypass="$bypass [$args: $out]" ;; esac
done
# kill(-1) says 0 even when every target refused: whether a signal arrived is what counts.
broadcast=$(in_jail /bin/rampart-probe kill -1 18 2>&1)
sleep 3
got=$(cat /tmp/adv105-sig 2>/dev/null)
kill $outside
wait 2>/dev/null
umount $JAIL/proc
events >/dev/null
[ -z "$bypass" ] || die "BYPASS chroot_ptrace/chroot_kill: a process outside reached from the chroot:$bypass"
[ -z "$got" ] || die "BYPASS chroot_kill: kill(-1, SIGCONT) from the chroot reached pid $outside outside ($broadcast)"
echo "outside pid $outside:$results; kill(-1, SIGCONT): $broadcast, nothing arrived outside"
