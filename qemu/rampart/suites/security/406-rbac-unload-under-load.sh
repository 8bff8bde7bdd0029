# Unloading and reloading while the service hits the hooks and policies are swapped never crashes.
. /rampart/lib.sh
load rampart_rbac
svc_setup
( while :; do as_svc service /etc/svc.conf /var/log/svc/svc.log; as_svc open /etc/shadow; done ) >/dev/null 2>&1 &
hammer=$!
for i in 1 2 3 4 5; do
	rampart-policy load /etc/rampart/svc.policy >/dev/null || die "load in round $i"
	rampart-policy load /etc/rampart/learn.policy >/dev/null || die "swap in round $i"
	rmmod rampart_rbac || die "rmmod failed in round $i"
	insmod "$MODULES/rampart_rbac.ko" || die "insmod failed in round $i"
done
rampart-policy load /etc/rampart/svc.policy >/dev/null || die "final load"
kill $hammer
wait $hammer 2>/dev/null
expect_output "/etc/shadow: EACCES" as_svc open /etc/shadow
rmmod rampart_rbac || die "final rmmod"
events >/dev/null
echo "5 rounds of policy swaps and unload/reload under load; still enforcing"
