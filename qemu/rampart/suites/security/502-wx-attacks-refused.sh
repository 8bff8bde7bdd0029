# Enforcing, each W^X attack is refused with an event naming the rule: W+X mappings,
# making anonymous memory, heap, stack, data and bss executable (mprotect), making
# text writable, executable mappings of a memfd or of a file open for writing, and
# SHM_EXEC. The same boot showed each working without the module (501).
. /rampart/lib.sh
load rampart_wx
echo enforce > $WX/mode
events >/dev/null
results=""
for a in $WX_ATTACKS; do
	out=$(rampart-attack wx $a 2>&1)
	case "$out" in
	*": done"*) die "wx $a was not refused: $out" ;;
	*EACCES*) results="$results $a" ;;
	*) die "wx $a: refused other than by rampart_wx: $out" ;;
	esac
done
take_events
seen_event '"module":"wx"' '"decision":"deny"' 'writable and executable mapping' >/dev/null
seen_event '"module":"wx"' '"decision":"deny"' 'executable memory that is or was writable' 'anonymous memory at 0x' >/dev/null
seen_event '"module":"wx"' '"decision":"deny"' 'writable executable text' >/dev/null
seen_event '"module":"wx"' '"decision":"deny"' 'executable mapping of a writable file' >/dev/null
seen_event '"module":"wx"' '"decision":"deny"' 'executable shared memory' >/dev/null
echo "refused with events:$results"
