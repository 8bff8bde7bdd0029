# From inside a chroot, processes outside cannot be signalled or traced; processes in
# the same chroot can.
. /rampart/lib.sh
make_jail
sleep 1000 </dev/null >/dev/null 2>&1 &
outside=$!
chroot $JAIL /bin/sleep 1000 </dev/null >/dev/null 2>&1 &
inside=$!
sleep 1
expect_output "kill: EPERM" in_jail /bin/rampart-probe kill $outside 0
expect_output "ptrace: EPERM" in_jail /bin/rampart-probe ptrace $outside
expect_output "kill: ok" in_jail /bin/rampart-probe kill $inside 0
expect_output "kill: ok" rampart-probe kill $outside 0
kill $outside $inside
wait 2>/dev/null
pending=$(events)
printf '%s\n' "$pending" | grep -F '"decision":"deny"' | grep -qF "\"object\":\"pid $outside\"" || die "no deny event naming pid $outside"
echo "kill and ptrace of an outside process: EPERM; same-chroot kill and unchrooted kill: ok"
