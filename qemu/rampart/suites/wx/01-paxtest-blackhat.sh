# paxtest blackhat in one boot: without rampart_wx the 7 mprotect tests and "Writable
# text segments" report Vulnerable (NX alone stops the other executable-memory
# tests); with it enforcing every executable-memory, mprotect and writable-text test
# reports Killed, and the randomisation results are no worse.
# case-timeout: 2400
. /rampart/lib.sh
load rampart_core
pax() {
	/usr/bin/paxtest blackhat /tmp/paxtest-$1.log > /tmp/paxtest-$1.out 2>&1 || die "paxtest ($1) failed: $(tail -n 3 /tmp/paxtest-$1.out)"
	grep -E '^(Executable|Writable)[^:]*: ' /tmp/paxtest-$1.out > /tmp/pax-$1-memory.txt
	grep -E 'randomi[sz]ation[^:]*: ' /tmp/paxtest-$1.out > /tmp/pax-$1-random.txt
}
module_loaded rampart_wx && { rmmod rampart_wx || die "rampart_wx is locked in: run this suite in its own boot"; }
pax off
load rampart_wx
echo enforce > $WX/mode
pax on
cat /tmp/paxtest-on.out
off_vulnerable=$(grep -c ': Vulnerable$' /tmp/pax-off-memory.txt)
on_vulnerable=$(grep -c ': Vulnerable$' /tmp/pax-on-memory.txt)
[ "$(wc -l < /tmp/pax-on-memory.txt)" -ge 15 ] || die "paxtest reported $(wc -l < /tmp/pax-on-memory.txt) memory tests"
[ "$off_vulnerable" -ge 8 ] || die "without the module only $off_vulnerable were Vulnerable: $(grep Vulnerable /tmp/pax-off-memory.txt)"
[ "$on_vulnerable" -eq 0 ] || die "with rampart_wx still Vulnerable: $(grep Vulnerable /tmp/pax-on-memory.txt)"
# Randomisation: the bits each test found, with the module no fewer than without
# (paxtest samples, so one bit of noise is allowed).
worse=""
while IFS= read -r line; do
	name=${line%%:*}
	off=$(grep -F "$name:" /tmp/pax-off-random.txt | grep -o '[0-9]* quality bits' | cut -d' ' -f1)
	on=$(printf '%s\n' "$line" | grep -o '[0-9]* quality bits' | cut -d' ' -f1)
	[ -n "$off" ] && [ -n "$on" ] && [ "$on" -lt $((off - 1)) ] && worse="$worse $name ($off -> $on);"
done < /tmp/pax-on-random.txt
[ -z "$worse" ] || die "randomisation got worse:$worse"
echo "paxtest blackhat: without rampart_wx $off_vulnerable Vulnerable, with it $on_vulnerable Vulnerable ($(grep -c ': Killed$' /tmp/pax-on-memory.txt) Killed); randomisation no worse ($(wc -l < /tmp/pax-on-random.txt) tests)"
