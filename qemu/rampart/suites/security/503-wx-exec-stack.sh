# A program asking for an executable stack (PT_GNU_STACK with X) runs with a
# non-executable one, with an event; exempted, it gets what it asked for.
. /rampart/lib.sh
load rampart_wx
echo enforce > $WX/mode
cp /bin/rampart-attack /tmp/execstack-prog || die "copy failed"
expect_output "set-execstack: done" rampart-attack set-execstack /tmp/execstack-prog
events >/dev/null
echo off > $WX/mode
expect_output "stack-perms: rwxp" /tmp/execstack-prog stack-perms
echo enforce > $WX/mode
expect_output "stack-perms: rw-p" /tmp/execstack-prog stack-perms
take_events
seen_event '"module":"wx"' '"decision":"deny"' 'executable stack' '/tmp/execstack-prog' >/dev/null
echo /tmp/execstack-prog > $WX/exceptions || die "exceptions write failed"
expect_output "stack-perms: rwxp" /tmp/execstack-prog stack-perms
echo -n > $WX/exceptions
echo "executable stack stripped with an event; exempted: rwxp"
