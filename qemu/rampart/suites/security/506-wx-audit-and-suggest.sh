# Learning the exceptions a machine needs: in audit mode nothing is refused and every
# W^X break is an audit event naming the program, the kind of mapping and its
# address; `rampart-policy wx suggest` turns them into the exception list, which
# then lets the program run in enforce mode.
. /rampart/lib.sh
load rampart_wx
mkdir -p /opt/jit && cp /bin/rampart-attack /opt/jit/audited || die "copy failed"
echo -n > $WX/exceptions
echo audit > $WX/mode
events >/dev/null
expect_output "wx jit: done" /opt/jit/audited wx jit
expect_output "wx mmap-wx: done" /opt/jit/audited wx mmap-wx
expect_output "wx status: off" /opt/jit/audited wx status
events > /tmp/wx-audit.jsonl
grep -q '"decision":"audit".*"exe":"/opt/jit/audited".*anonymous memory at 0x' /tmp/wx-audit.jsonl ||
	die "no audit event with the mapping and address: $(tail -n 2 /tmp/wx-audit.jsonl)"
out=$(rampart-policy wx suggest --log /tmp/wx-audit.jsonl -o /tmp/wx-exceptions 2>&1) || die "suggest: $out"
grep -qx /opt/jit/audited /tmp/wx-exceptions || die "suggest did not list the program: $(cat /tmp/wx-exceptions); $out"
echo enforce > $WX/mode
expect_output "wx jit: mprotect(PROT_EXEC): EACCES" /opt/jit/audited wx jit
cat /tmp/wx-exceptions > $WX/exceptions || die "loading the suggested exceptions failed"
expect_output "wx jit: done" /opt/jit/audited wx jit
echo -n > $WX/exceptions
echo "audit: done with events; suggested: $(cat /tmp/wx-exceptions | tr '\n' ' ')($(printf '%s' "$out" | tail -n 1)); enforce with it: done"
