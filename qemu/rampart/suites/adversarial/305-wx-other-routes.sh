# Other ways to executable memory: pkey_mprotect(PROT_EXEC) of written memory,
# mprotect(PROT_EXEC) of a System V segment attached read-only (no SHM_EXEC) while
# another attach writes it, and execveat(AT_EMPTY_PATH) of a memfd copy of a program
# (the writable descriptor closed first, so the exec is not refused as busy).
# io_uring and overlayfs are not in the guest kernel (CONFIG_IO_URING, CONFIG_OVERLAY_FS off).
. /rampart/lib.sh
load rampart_wx
echo enforce > $WX/mode
a=$(rampart-attack adv-wx pkey-mprotect 2>&1)
b=$(rampart-attack adv-wx shm-mprotect 2>&1)
c=$(rampart-attack memfd-run wx status 2>&1; echo "exit $?")
events >/dev/null
bypass=""
for r in "$a" "$b"; do
	case "$r" in *": done"*) bypass="$bypass [$r]" ;; esac
done
case "$c" in *"wx status:"*) bypass="$bypass [a memfd copy ran: $(echo $c)]" ;; esac
[ -z "$bypass" ] || die "BYPASS wx:$bypass"
echo "$a; $b; memfd execveat: $(echo $c)"
