# LuaJIT compiles a hot loop to machine code and runs it: trace 1 exists, has machine
# code, and the loop's result is right.
. /rampart/lib.sh
out=$(/usr/bin/luajit -e '
local jutil = require("jit.util")
print("jit " .. tostring((jit.status())))
local s = 0
for i = 1, 1000000 do s = s + i % 7 end
print("sum " .. s)
local info = jutil.traceinfo(1)
local mcode, addr = jutil.tracemc(1)
print(string.format("trace1 %s mcode %d bytes at 0x%x", info and "compiled" or "missing", mcode and #mcode or 0, addr or 0))
' 2>&1) || die "luajit failed: $out"
printf '%s\n' "$out" | grep -qx 'jit true' || die "the JIT is off: $out"
printf '%s\n' "$out" | grep -qx 'sum 2999998' || die "wrong result: $out"
line=$(printf '%s\n' "$out" | grep '^trace1 compiled mcode [1-9]')
[ -n "$line" ] || die "no machine code for the loop: $out"
echo "luajit $(/usr/bin/luajit -v 2>&1 | cut -d' ' -f2): $line"
