# paxtest / PaX: patching text. /proc/self/mem writes obey page protections here
# (CONFIG_PROC_MEM_NO_FORCE, docs/hook-modes.md), but ptrace(PTRACE_POKETEXT) writes with
# FOLL_FORCE: a process forks, the child asks to be traced, the parent writes new code
# over the child's text, and the child runs it. The patched kernel asks rampart_wx about
# every forced write into code (the force_write hook point): only an exempt tracer (a
# debugger on the exceptions list) may. The fallback has nothing to probe there
# (documented limit).
. /rampart/lib.sh
load rampart_wx
echo enforce > $WX/mode
a=$(rampart-attack adv-wx procmem 2>&1)
b=$(rampart-attack adv-wx ptrace-poke 2>&1)
case "$a" in *": done"*) die "BYPASS wx: text patched through /proc/self/mem: $a" ;; esac
case "$b" in
*": done"*)
	if [ "$(variant)" = vanilla ]; then
		echo "LIMIT vanilla: a tracer writes code with PTRACE_POKETEXT (forced writes reach no hook without the hook layer): $b"
		exit 0
	fi
	die "BYPASS wx: text patched with PTRACE_POKETEXT ran in a traced child, by a tracer that is not exempt: $b" ;;
esac
expect_event '"module":"wx"' 'writable executable text'
events >/dev/null
# The control: a debugger on the exceptions list may set breakpoints.
cp "$(command -v rampart-attack)" /tmp/adv304-debugger
echo /tmp/adv304-debugger > $WX/exceptions || die "exceptions write failed"
c=$(/tmp/adv304-debugger adv-wx ptrace-poke 2>&1)
echo -n > $WX/exceptions
rm -f /tmp/adv304-debugger
case "$c" in *": done"*) ;; *) die "an exempt tracer could not write a traced child's text: $c" ;; esac
echo "$a; $b; exempt tracer: $c"
