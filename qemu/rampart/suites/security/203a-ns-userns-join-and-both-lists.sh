# Joining a user namespace with setns() is judged as creating one: another program
# of the same uid cannot join the namespace an allowlisted runtime holds and take
# CAP_NET_ADMIN there. With both allowlists set, a task must be on both.
. /rampart/lib.sh
load rampart_ns
cp /bin/rampart-attack /tmp/runtime || die "copying failed"
echo /tmp/runtime > $NS/userns_allow_exe || die "setting userns_allow_exe failed"
rampart-probe as-user 65534 /tmp/runtime userns-hold > /tmp/hold.out 2>&1 &
holder=$!
sleep 1
grep -q ready /tmp/hold.out || die "the runtime could not make its namespace: $(cat /tmp/hold.out)"
out=$(rampart-probe as-user 65534 rampart-attack userns-join $holder 2>&1)
kill $holder
case "$out" in
*"setns(CLONE_NEWUSER): EPERM"*) ;;
*) echo > $NS/userns_allow_exe; die "joining the runtime's user namespace: $out" ;;
esac
echo 1000 > $NS/userns_allow_uid || die "setting userns_allow_uid failed"
expect_output "unshare(CLONE_NEWUSER): EPERM" rampart-probe as-user 65534 /tmp/runtime userns-hold
echo > $NS/userns_allow_exe
echo > $NS/userns_allow_uid
events >/dev/null
echo "$out; the runtime run by another uid than the listed one: EPERM"
