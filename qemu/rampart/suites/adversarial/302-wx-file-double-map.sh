# W^X "executable mappings of memory the process can change: ... a file mapped through a
# descriptor open for writing, or a file someone holds open for writing": the facts are
# read when the mapping is made. (1) A MAP_SHARED writable mapping outlives its
# descriptor: the file is then mapped read+exec and rewritten through the writable view.
# (2) A file mapped read+exec while nobody writes it is opened for writing afterwards
# and rewritten (TOCTOU between the check and the use): by pwrite, through a new shared
# writable mapping, through a read-only shared mapping made writable by mprotect, or
# by truncate(2).
# The patched kernel refuses changes to a file anyone maps executable; the fallback
# cannot walk a file's mappings (documented limit).
. /rampart/lib.sh
load rampart_wx
echo enforce > $WX/mode
results=$(rampart-attack adv-wx file-alias /tmp/adv302-a 2>&1)
for how in write map mprotect truncate; do
	results="$results; $(rampart-attack adv-wx $how-after-map /tmp/adv302-$how 2>&1)"
	rm -f /tmp/adv302-$how
done
rm -f /tmp/adv302-a
events >/dev/null
bypass=$(printf '%s\n' "$results" | tr ';' '\n' | grep ': done' | tr '\n' ' ')
if [ -n "$bypass" ]; then
	[ "$(variant)" = vanilla ] && case "$bypass" in *file-alias*) ;; *)
		echo "LIMIT vanilla: a file mapped executable can be rewritten (no hook layer: a module cannot walk a file's mappings): $bypass"
		exit 0 ;;
	esac
	die "BYPASS wx: the code under an executable file mapping was changed and ran: $bypass (all: $results)"
fi
echo "$results"
