# A JIT: refused with an event, and asking prctl(PR_RAMPART_WX_STATUS) it learns W^X
# applies to it; exempted by the exception list (a file, not a path: a copy at the
# same path is not exempt) or by PaX's user.pax.flags "m", it works and is told so.
. /rampart/lib.sh
load rampart_wx
echo enforce > $WX/mode
mkdir -p /opt/jit && cp /bin/rampart-attack /opt/jit/jit || die "copy failed"
events >/dev/null
expect_output "wx jit: mprotect(PROT_EXEC): EACCES" /opt/jit/jit wx jit
expect_output "wx status: enforced" /opt/jit/jit wx status
echo /opt/jit/jit > $WX/exceptions || die "exceptions write failed"
expect_output "wx jit: done" /opt/jit/jit wx jit
expect_output "wx status: exempt" /opt/jit/jit wx status
expect_output "wx jit: mprotect(PROT_EXEC): EACCES" rampart-attack wx jit
# An impostor at the exempted path is another file.
mv /opt/jit/jit /opt/jit/jit.old && cp /bin/rampart-attack /opt/jit/jit
expect_output "wx jit: mprotect(PROT_EXEC): EACCES" /opt/jit/jit wx jit
echo -n > $WX/exceptions
take_events
seen_event '"module":"wx"' '"decision":"deny"' '"exe":"/opt/jit/jit"' >/dev/null
pax="not read by the fallback"
if [ "$(expected_hooks)" = lsm ]; then
	expect_output "setxattr: done" rampart-attack setxattr /opt/jit/jit user.pax.flags m
	expect_output "wx jit: done" /opt/jit/jit wx jit
	pax="user.pax.flags m: done"
fi
echo off > $WX/mode
expect_output "wx status: off" /opt/jit/jit wx status
echo enforce > $WX/mode
echo "JIT refused, status enforced; listed: done, status exempt; impostor refused; $pax"
