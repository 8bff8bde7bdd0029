# paxtest / PaX MPROTECT: "new read+exec anonymous mappings stay allowed: they can never
# become writable" (docs/hook-modes.md). A *shared* anonymous read+exec mapping has a
# second view: mremap(old_size 0) makes one (or fork() gives the child its own), and that
# view goes PROT_READ, then PROT_READ|PROT_WRITE, since it is no longer executable. Code
# written there runs through the first view.
. /rampart/lib.sh
load rampart_wx
echo enforce > $WX/mode
a=$(rampart-attack adv-wx shared-alias 2>&1)
b=$(rampart-attack adv-wx shared-fork 2>&1)
events >/dev/null
bypass=""
for r in "$a" "$b"; do
	case "$r" in *": done"*) bypass="$bypass [$r]" ;; esac
done
[ -z "$bypass" ] || die "BYPASS wx: code written through a writable view of a shared read+exec anonymous mapping ran:$bypass"
echo "$a; $b"
