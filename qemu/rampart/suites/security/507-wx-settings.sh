# Bad settings are rejected whole and the old ones stay: an exception list with a
# path that names no file or a relative path, an unknown mode, a bad group. Settings
# need CAP_MAC_ADMIN like the other modules'. lock freezes them and pins the module.
. /rampart/lib.sh
load rampart_wx
echo /bin/rampart-attack > $WX/exceptions || die "a good list was refused"
printf '/bin/busybox\n/no/such/program\n' > $WX/exceptions 2>/dev/null && die "a list naming no file was accepted"
printf 'bin/busybox\n' > $WX/exceptions 2>/dev/null && die "a relative path was accepted"
[ "$(cat $WX/exceptions)" = /bin/rampart-attack ] || die "the old list was lost: $(cat $WX/exceptions)"
echo sometimes > $WX/mode 2>/dev/null && die "mode sometimes was accepted"
echo 12abc > $WX/tpe_trusted_gid 2>/dev/null && die "gid 12abc was accepted"
echo 4294967295 > $WX/tpe_trusted_gid 2>/dev/null && die "gid -1 was accepted"
[ "$(cat $WX/mode)" = enforce ] || die "mode changed: $(cat $WX/mode)"
[ "$(cat $WX/tpe_trusted_gid)" = none ] || die "tpe_trusted_gid changed"
expect_output "EPERM" rampart-attack nocap-write $WX/mode off
[ "$(cat $WX/mode)" = enforce ] || die "a writer without CAP_MAC_ADMIN switched it off"
echo -n > $WX/exceptions
echo "bad lists, mode and gid rejected, old values kept; no CAP_MAC_ADMIN: refused"
