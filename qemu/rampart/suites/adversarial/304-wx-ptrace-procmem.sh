# paxtest / PaX: patching text. /proc/self/mem writes obey page protections here
# (CONFIG_PROC_MEM_NO_FORCE, docs/hook-modes.md), but ptrace(PTRACE_POKETEXT) still
# writes with FOLL_FORCE: a process forks, the child asks to be traced, the parent writes
# new code over the child's text, and the child runs it.
. /rampart/lib.sh
load rampart_wx
echo enforce > $WX/mode
a=$(rampart-attack adv-wx procmem 2>&1)
b=$(rampart-attack adv-wx ptrace-poke 2>&1)
events >/dev/null
case "$a" in *": done"*) die "BYPASS wx: text patched through /proc/self/mem: $a" ;; esac
case "$b" in
*": done"*) die "BYPASS wx: text patched with PTRACE_POKETEXT ran in a traced child that is not exempt: $b" ;;
esac
echo "$a; $b"
