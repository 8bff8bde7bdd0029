# `paxtest kiddie` whole, run to completion, its results printed. Its randomisation
# tests exec about 45,000 glibc programs (one of them took over 100 s under TCG on a
# busy 2-core machine, 4 s on the host), so tests/run runs only the 0* cases; run
# this one with --cases 90 --timeout 3600.
# case-timeout: 3300
. /rampart/lib.sh
/usr/bin/paxtest kiddie /tmp/paxtest.log >/tmp/paxtest.out 2>&1 &
pid=$!
# Progress, so that a stopped run still shows how far it got.
while kill -0 $pid 2>/dev/null; do
	sleep 60
	echo "paxtest: $(grep -c ' : ' /tmp/paxtest.out) results so far"
done
wait $pid || die "paxtest failed: $(tail -n 3 /tmp/paxtest.out)"
cat /tmp/paxtest.out
results=$(grep -E '^[A-Z][^:]+ *: ' /tmp/paxtest.out)
for t in "Executable anonymous mapping (mprotect)" "Writable text segments" "Heap randomization test (PIE)" \
	"Shared library randomization test" "Randomization under memory exhaustion @0"; do
	printf '%s\n' "$results" | grep -qF "$t" || die "paxtest reported nothing for: $t"
done
memory=$(printf '%s\n' "$results" | grep -E '^(Executable|Writable)')
odd=$(printf '%s\n' "$memory" | grep -vE ': (Killed|Vulnerable)$')
[ -z "$odd" ] || die "a memory test did not run: $odd"
echo "paxtest kiddie ran to completion: $(printf '%s\n' "$results" | wc -l) results, memory $(printf '%s\n' "$memory" | grep -c ': Killed$') Killed"
