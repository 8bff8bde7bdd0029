# Learning-log injection (issue item 16), end to end through the kernel: a learning
# service reads a file whose name carries a newline and policy text; the kernel's
# event escapes it, and rampart-policy generate quotes it whole, so the generated
# policy grants nothing beyond what was really read and round-trips.
. /rampart/lib.sh
load rampart_rbac
svc_setup
evil=$(printf '/tmp/a" r\n/etc/shadow r\n"z')
mkdir -p "$(dirname "$evil")" && printf 'x\n' > "$evil" || die "creating the hostile name failed"
cat > /etc/rampart/learn416.policy <<'POLICY'
role default
  subject /
    / rwacdx
  subject /usr/sbin/rampart-svc learn
POLICY
rampart-policy load /etc/rampart/learn416.policy >/dev/null || die "loading the learning policy failed"
rampart-policy enforce || die "enforce"
events >/dev/null
rampart-policy learn collect -o /tmp/learn416.jsonl > /dev/null 2>&1 &
collector=$!
sleep 1
as_svc open "$evil" >/dev/null 2>&1
as_svc open /etc/svc.conf >/dev/null 2>&1
sleep 1
kill $collector
wait $collector
grep -q 'etc/shadow' /tmp/learn416.jsonl || die "the hostile name was not learned: $(head -c 400 /tmp/learn416.jsonl)"
out=$(rampart-policy generate --log /tmp/learn416.jsonl --policy /etc/rampart/learn416.policy -o /tmp/gen416.policy 2>&1) ||
	die "generate: $out"
rampart-policy off
grep -n '^ */etc/shadow' /tmp/gen416.policy && die "the generated policy grants /etc/shadow: $(cat /tmp/gen416.policy)"
out=$(rampart-policy check /tmp/gen416.policy 2>&1) || die "the generated policy does not check: $out"
rm -rf "$(printf '/tmp/a" r\n')"
echo "hostile name learned and quoted: $(grep -c 'shadow' /tmp/gen416.policy) quoted mention(s), no rule for /etc/shadow; check: ok"
