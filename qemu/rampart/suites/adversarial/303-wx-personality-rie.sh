# paxtest's READ_IMPLIES_EXEC items: exec strips the personality (security suite 503),
# but a program may set it again with personality(2). Then brk() hands out heap that is
# read, write and exec (the kernel's VM_DATA_DEFAULT_FLAGS follow the personality, and
# brk asks no security hook), mmap(PROT_READ|PROT_WRITE) asks for W+X, and
# mprotect(PROT_READ) of written memory asks for exec.
. /rampart/lib.sh
load rampart_wx
echo enforce > $WX/mode
a=$(rampart-attack adv-wx rie-brk 2>&1)
b=$(rampart-attack adv-wx rie-mmap 2>&1)
c=$(rampart-attack adv-wx rie-mprotect 2>&1)
events >/dev/null
bypass=""
for r in "$a" "$b" "$c"; do
	case "$r" in *": done"*) bypass="$bypass [$r]" ;; esac
done
if [ -n "$bypass" ] && [ "$(expected_hooks)" != lsm ]; then
	echo "fallback limit (personality(2) has no function to probe, documented):$bypass"
	exit 0
fi
[ -z "$bypass" ] || die "BYPASS wx: personality(READ_IMPLIES_EXEC) after exec gave executable writable memory:$bypass"
echo "$a; $b; $c"
