# paxtest's 15 executable-memory tests (the exec*, shlib*, mprotect* programs and
# writetext), run as `paxtest` runs them (PAXTEST_MODE, LD_LIBRARY_PATH), each reporting.
# Without rampart's W^X the mprotect tests and "Writable text segments" report
# Vulnerable: what is checked is that every test ran and NX stopped the plain ones.
. /rampart/lib.sh
export PAXTEST_MODE=0 LD_LIBRARY_PATH=/usr/lib/paxtest
results=""
for t in anonmap execbss execdata execheap execstack shlibbss shlibdata mprotanon mprotbss mprotdata \
	mprotheap mprotstack mprotshbss mprotshdata writetext; do
	line=$(/usr/lib/paxtest/$t 2>&1 | tail -n 1)
	echo "$line"
	results="$results$line
"
done
memory=$(printf '%s' "$results" | grep -E '^(Executable|Writable)[^:]*: (Killed|Vulnerable)$')
[ "$(printf '%s\n' "$memory" | wc -l)" -eq 15 ] || die "expected 15 results, got: $results"
for t in "Executable anonymous mapping " "Executable stack " "Executable heap "; do
	printf '%s\n' "$memory" | grep -q "^$t *: Killed$" || die "NX does not stop: $t"
done
killed=$(printf '%s\n' "$memory" | grep -c ': Killed$')
vulnerable=$(printf '%s\n' "$memory" | grep -c ': Vulnerable$')
echo "paxtest memory tests: $killed Killed, $vulnerable Vulnerable"
