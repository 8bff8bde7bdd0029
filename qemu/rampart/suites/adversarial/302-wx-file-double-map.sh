# W^X "executable mappings of memory the process can change: ... a file mapped through a
# descriptor open for writing, or a file someone holds open for writing": the facts are
# read when the mapping is made. (1) A MAP_SHARED writable mapping outlives its
# descriptor and holds no write count: the file is then mapped read+exec and rewritten
# through the writable view. (2) A file mapped read+exec while nobody writes it is opened
# for writing afterwards and rewritten (TOCTOU between the check and the use).
. /rampart/lib.sh
load rampart_wx
echo enforce > $WX/mode
a=$(rampart-attack adv-wx file-alias /tmp/adv302-a 2>&1)
b=$(rampart-attack adv-wx write-after-map /tmp/adv302-b 2>&1)
rm -f /tmp/adv302-a /tmp/adv302-b
events >/dev/null
bypass=""
for r in "$a" "$b"; do
	case "$r" in *": done"*) bypass="$bypass [$r]" ;; esac
done
[ -z "$bypass" ] || die "BYPASS wx: the code under an executable file mapping was changed and ran:$bypass (all: $a; $b)"
echo "$a; $b"
