# A real JIT under W^X: LuaJIT's machine code is refused with an event naming
# luajit and the rule (LuaJIT then stops: it cannot run its traces); its interpreter
# (-joff) keeps working; an audit-mode run shows it to `rampart-policy wx suggest`,
# and exempted as suggested it compiles and runs its traces again.
. /rampart/lib.sh
load rampart_wx
echo -n > $WX/exceptions
hot='local s = 0 for i = 1, 1000000 do s = s + i % 7 end print("sum " .. s)'
echo enforce > $WX/mode
events >/dev/null
out=$(/usr/bin/luajit -e "$hot" 2>&1)
rc=$?
[ $rc -ne 0 ] || die "the JIT ran its machine code under W^X: $out"
take_events
seen_event '"module":"wx"' '"decision":"deny"' '"exe":"/usr/bin/luajit"' >/dev/null
expect_output "sum 2999998" /usr/bin/luajit -joff -e "$hot"
echo audit > $WX/mode
expect_output "sum 2999998" /usr/bin/luajit -e "$hot"
events > /tmp/wx-jit-audit.jsonl
rampart-policy wx suggest --log /tmp/wx-jit-audit.jsonl -o /tmp/wx-jit-exceptions 2>/tmp/wx-jit-why ||
	die "suggest failed: $(cat /tmp/wx-jit-why)"
grep -qx /usr/bin/luajit /tmp/wx-jit-exceptions || die "suggest did not list luajit: $(cat /tmp/wx-jit-exceptions /tmp/wx-jit-why)"
echo enforce > $WX/mode
cat /tmp/wx-jit-exceptions > $WX/exceptions || die "loading the suggested exceptions failed"
expect_output "sum 2999998" /usr/bin/luajit -e "$hot"
echo -n > $WX/exceptions
echo "luajit refused (exit status $rc, its mcode protection failed), -joff runs; suggested: $(grep luajit /tmp/wx-jit-why); exempted: runs"
