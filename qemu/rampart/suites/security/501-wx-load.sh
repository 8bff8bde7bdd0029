# rampart_wx loads (hook layer on the patched kernel, kretprobes on vanilla), shows
# its settings, and without it every W^X attack of the playbook works (the stock
# kernel's NX alone stops none of them).
. /rampart/lib.sh
for a in $WX_ATTACKS; do
	expect_output "wx $a: done" rampart-attack wx $a
done
load rampart_wx
[ "$(cat $WX/hook_mode)" = "$(expected_hooks)" ] || die "hook_mode $(cat $WX/hook_mode), expected $(expected_hooks)"
[ "$(cat $WX/mode)" = enforce ] || die "mode $(cat $WX/mode)"
[ "$(cat $WX/tpe_mode)" = off ] || die "tpe_mode $(cat $WX/tpe_mode)"
echo "without the module: $(echo $WX_ATTACKS | wc -w) of $(echo $WX_ATTACKS | wc -w) attacks work; loaded: $(cat $WX/hook_mode), mode enforce"
