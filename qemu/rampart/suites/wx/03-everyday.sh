# Everyday glibc programs keep working with W^X and TPE enforcing: the dynamic loader
# mapping libraries, GNU coreutils, bash and dash scripts, and dlopen() (LuaJIT's FFI
# loading zlib, its interpreter only: its JIT is the exempted kind), also for an
# untrusted user.
. /rampart/lib.sh
load rampart_wx
echo enforce > $WX/mode
echo enforce > $WX/tpe_mode
echo -n > $WX/exceptions
events >/dev/null
expect_output "bin" /usr/bin/ls /
expect_output "PATH=" /usr/bin/env
expect_output "bash 42" /usr/bin/bash -c 'f() { echo "bash $((6 * 7))"; }; f'
expect_output "dash 42" /bin/dash -c 'echo "dash $((6 * 7))"'
expect_output "crc32(hello)=3610a686" /usr/bin/luajit -joff -e '
local ffi = require("ffi")
ffi.cdef("unsigned long crc32(unsigned long crc, const char *buf, unsigned len);")
print(string.format("crc32(hello)=%08x", tonumber(ffi.load("libz.so.1").crc32(0, "hello", 5))))'
expect_output "bin" rampart-probe as-user 1000 /usr/bin/ls /
denied=$(events | grep -c '"module":"wx"')
echo off > $WX/tpe_mode
[ "$denied" -eq 0 ] || die "$denied W^X or TPE events from everyday programs"
echo "ls, env, bash, dash, dlopen (uid 0 and 1000): ok, no W^X or TPE events"
