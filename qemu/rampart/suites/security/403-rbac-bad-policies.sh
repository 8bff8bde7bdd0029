# Bad policies are rejected whole, with a reason, and the policy in force stays.
. /rampart/lib.sh
load rampart_rbac
svc_setup
[ -f /etc/rampart/svc.policy ] || die "402 did not leave a generated policy"
rampart-policy load /etc/rampart/svc.policy >/dev/null || die "loading the good policy"
good=$(policy_id)
rampart-policy compile /etc/rampart/svc.policy -o /tmp/good.bin >/dev/null || die "compile"

reject_text() { # NAME TEXT-FILE EXPECTED
	out=$(rampart-policy load "$2" 2>&1) && die "$1: accepted"
	case "$out" in *"$3"*) ;; *) die "$1: $out" ;; esac
}
printf 'role default\n  subject /\n    / rz\n' > /tmp/bad1
reject_text "unknown mode" /tmp/bad1 "unknown mode 'z'"
printf 'role default\n  subject /\n  bogus line\n' > /tmp/bad2
reject_text "syntax" /tmp/bad2 "line 3"
printf 'role default\n  subject /\n    /%s r\n' "$(head -c 5000 /dev/zero | tr '\0' a)" > /tmp/bad3
reject_text "path over PATH_MAX" /tmp/bad3 "longer than"
printf 'role default\n  subject /\n    /caf\351 r\n' > /tmp/bad4
reject_text "invalid UTF-8" /tmp/bad4 "not UTF-8"

reject_raw() { # NAME FILE EXPECTED-STATUS
	if cat "$2" > $RBAC/policy 2>/dev/null; then die "$1: the kernel accepted it"; fi
	grep -q "last_load rejected: $3" $RBAC/status || die "$1: $(cat $RBAC/status)"
	[ "$(policy_id)" = "$good" ] || die "$1: the policy in force changed"
}
echo "not a policy" > /tmp/raw1
reject_raw "junk" /tmp/raw1 "not a compiled rampart policy"
head -c 200 /tmp/good.bin > /tmp/raw2
reject_raw "truncated" /tmp/raw2 "table sizes do not match"
dd if=/dev/zero of=/tmp/raw3 bs=1024 count=5000 2>/dev/null
if dd if=/tmp/raw3 of=$RBAC/policy bs=5000k 2>/dev/null; then die "a 5 MB write was accepted"; fi
grep -q "last_load rejected: 5120000 bytes" $RBAC/status || die "huge: $(cat $RBAC/status)"
[ "$(policy_id)" = "$good" ] || die "huge: the policy in force changed"
if rampart-probe as-user 1000 sh -c "cat /tmp/good.bin > $RBAC/policy" 2>/dev/null; then die "uid 1000 loaded a policy"; fi
expect_output "/etc/shadow: EACCES" as_svc open /etc/shadow
expect_output "service: ok" as_svc service /etc/svc.conf /var/log/svc/svc.log
echo "4 bad texts refused by the compiler; junk, truncated, 5 MB refused by the kernel with reasons; policy $good still enforced"
