# `paxtest blackhat` whole, with rampart_wx enforcing: every executable-memory,
# mprotect and writable-text test Killed; its randomisation results printed.
# (About an hour under TCG: rampart boot-test --suite wx --cases 90 --timeout 7200.)
# case-timeout: 6000
. /rampart/lib.sh
load rampart_wx
echo enforce > $WX/mode
out=$(/usr/bin/paxtest blackhat /tmp/paxtest.log 2>&1) || die "paxtest failed: $(printf '%s\n' "$out" | tail -n 3)"
printf '%s\n' "$out"
memory=$(printf '%s\n' "$out" | grep -E '^(Executable|Writable)[^:]*: ')
[ "$(printf '%s\n' "$memory" | wc -l)" -ge 15 ] || die "paxtest reported $(printf '%s\n' "$memory" | wc -l) memory tests"
vulnerable=$(printf '%s\n' "$memory" | grep -c ': Vulnerable$')
[ "$vulnerable" -eq 0 ] || die "Vulnerable with rampart_wx: $(printf '%s\n' "$memory" | grep Vulnerable)"
echo "paxtest blackhat with rampart_wx: $(printf '%s\n' "$memory" | grep -c ': Killed$') memory tests Killed, 0 Vulnerable"
