# The admin flow end to end: learn a service, generate its policy, load it, enforce.
# Its normal run keeps working; what it never did while learning is denied with events.
. /rampart/lib.sh
load rampart_rbac
svc_setup
cat > /etc/rampart/learn.policy <<'POLICY'
role default
  subject /
    / rwacdx
  subject /usr/sbin/rampart-svc learn
POLICY
out=$(rampart-policy load /etc/rampart/learn.policy 2>&1) || die "loading the learning policy: $out"
echo "$out"
events >/dev/null
rampart-policy learn collect -o /tmp/learn.jsonl > /tmp/collect.out 2>&1 &
collector=$!
sleep 1
for i in 1 2 3; do
	expect_output "service: ok" as_svc service /etc/svc.conf /var/log/svc/svc.log
done
sleep 1
kill $collector
wait $collector
cat /tmp/collect.out
grep -q '"object":"/etc/svc.conf"' /tmp/learn.jsonl || die "nothing learned about the config: $(head -c 600 /tmp/learn.jsonl)"
out=$(rampart-policy generate --log /tmp/learn.jsonl --policy /etc/rampart/learn.policy -o /etc/rampart/svc.policy 2>&1) ||
	die "generate: $out"
echo "$out"
cat /etc/rampart/svc.policy
grep -q "/etc/svc.conf *r$" /etc/rampart/svc.policy || die "the config is not in the generated policy"
out=$(rampart-policy load /etc/rampart/svc.policy 2>&1) || die "loading the generated policy: $out"
echo "$out"
rampart-policy status
events >/dev/null

expect_output "service: ok" as_svc service /etc/svc.conf /var/log/svc/svc.log
expect_output "/etc/shadow: EACCES" as_svc open /etc/shadow
expect_output "write: EACCES" as_svc write /tmp/evil
expect_output "write: EACCES" as_svc write /var/log/svc/../../../etc/svc.conf
expect_output "exec: EACCES" as_svc exec /bin/sh
take_events
seen_event '"module":"rbac"' '"decision":"deny"' '"object":"/etc/shadow"' 'subject=/usr/sbin/rampart-svc access=r' >/dev/null
seen_event '"decision":"deny"' '"object":"/bin/busybox"' 'access=x' >/dev/null
seen_event '"decision":"deny"' '"object":"/tmp/evil"' >/dev/null
echo "learned $(grep -c learn /tmp/learn.jsonl) accesses; generated policy $(policy_id): service works; shadow read, write outside its log, exec of a shell denied with events"
