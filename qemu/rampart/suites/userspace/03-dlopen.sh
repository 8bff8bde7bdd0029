# dlopen(): LuaJIT's FFI loads zlib (no DT_NEEDED of luajit: the suite lists it) and
# calls crc32(); a library the guest lacks fails to load.
. /rampart/lib.sh
out=$(/usr/bin/luajit -e '
local ffi = require("ffi")
ffi.cdef("unsigned long crc32(unsigned long crc, const char *buf, unsigned len);")
local z = ffi.load("libz.so.1")
print(string.format("crc32(hello)=%08x", tonumber(z.crc32(0, "hello", 5))))
local ok, err = pcall(ffi.load, "librampart-absent.so.1")
print("absent: " .. (ok and "loaded" or "refused"))
' 2>&1) || die "luajit failed: $out"
printf '%s\n' "$out" | grep -qx 'crc32(hello)=3610a686' || die "zlib's crc32 through dlopen: $out"
printf '%s\n' "$out" | grep -qx 'absent: refused' || die "a missing library loaded: $out"
echo "luajit dlopen()ed libz.so.1: $(printf '%s\n' "$out" | tr '\n' ' ')"
