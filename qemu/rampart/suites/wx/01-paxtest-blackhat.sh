# paxtest in blackhat mode, in one boot: its 15 executable-memory tests (run as
# `paxtest blackhat` runs them: PAXTEST_MODE=1, LD_LIBRARY_PATH) without rampart_wx,
# where NX stops the plain ones and the 7 mprotect tests and "Writable text
# segments" report Vulnerable, then with it enforcing, where every one reports
# Killed; and five of its randomisation tests both ways, no worse with the module
# (paxtest estimates the bits from samples: runs of one kernel differ by up to about
# 2 bits, so a loss of more than 2 is "worse").
# (`paxtest blackhat` whole, randomisation included, is case 90: it runs for an hour
# under TCG.)
# case-timeout: 1800
. /rampart/lib.sh
load rampart_core
export PAXTEST_MODE=1 LD_LIBRARY_PATH=/usr/lib/paxtest
MEMORY="anonmap execbss execdata execheap execstack shlibbss shlibdata mprotanon mprotbss mprotdata mprotheap mprotstack mprotshbss mprotshdata writetext"
RANDOM_TESTS="randamap randheap1 randstack1 randshlib randmain1"
pax() {
	for t in $MEMORY; do /usr/lib/paxtest/$t 2>&1 | tail -n 1; done > /tmp/pax-$1-memory.txt
	for t in $RANDOM_TESTS; do /usr/lib/paxtest/$t 2>&1 | tail -n 1; done > /tmp/pax-$1-random.txt
	[ "$(grep -cE ': (Killed|Vulnerable)$' /tmp/pax-$1-memory.txt)" -eq 15 ] ||
		die "paxtest ($1) did not report 15 memory tests: $(cat /tmp/pax-$1-memory.txt)"
}
module_loaded rampart_wx && { rmmod rampart_wx || die "rampart_wx is locked in"; }
pax off
load rampart_wx
echo enforce > $WX/mode
events >/dev/null
pax on
events >/dev/null
cat /tmp/pax-off-memory.txt /tmp/pax-on-memory.txt /tmp/pax-off-random.txt /tmp/pax-on-random.txt
off_vulnerable=$(grep -c ': Vulnerable$' /tmp/pax-off-memory.txt)
on_vulnerable=$(grep -c ': Vulnerable$' /tmp/pax-on-memory.txt)
[ "$off_vulnerable" -eq 8 ] || die "without the module $off_vulnerable were Vulnerable (the stock kernel: 8)"
[ "$on_vulnerable" -eq 0 ] || die "with rampart_wx still Vulnerable: $(grep Vulnerable /tmp/pax-on-memory.txt)"
worse=""
while IFS= read -r line; do
	name=${line%%:*}
	off=$(grep -F "$name:" /tmp/pax-off-random.txt | grep -o '[0-9]* quality bits' | cut -d' ' -f1)
	on=$(printf '%s\n' "$line" | grep -o '[0-9]* quality bits' | cut -d' ' -f1)
	[ -n "$on" ] || die "no randomisation result with the module: $line"
	[ -n "$off" ] && [ "$on" -lt $((off - 2)) ] && worse="$worse $name ($off -> $on);"
done < /tmp/pax-on-random.txt
[ -z "$worse" ] || die "randomisation got worse:$worse"
bits=$(paste -d' ' /tmp/pax-off-random.txt /tmp/pax-on-random.txt | grep -o '[0-9]* quality bits' | cut -d' ' -f1 | tr '\n' ' ')
echo "paxtest blackhat memory tests: without rampart_wx $off_vulnerable Vulnerable, with it $on_vulnerable (15 Killed); randomisation bits off/on: $bits"
