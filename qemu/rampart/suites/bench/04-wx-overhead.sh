# Benchmark (not a pass/fail timing test): anonymous mmap+munmap, an executable file
# mapping (what the dynamic loader does for each library), mprotect, fork+exec+wait, and
# a one-byte pwrite to a file that is not mapped (`write`) and to one that is (`writem`:
# the hook layer then walks its mappings for an executable one)
# with rampart_wx unloaded and loaded (W^X enforcing, and TPE enforcing too),
# interleaved over rounds in one boot; ratios to unloaded as in 01 (bench.sh).
. /rampart/lib.sh
. /rampart/bench.sh
ROUNDS=${ROUNDS:-24}
load rampart_core
round=0
while [ $round -lt "$ROUNDS" ]; do
	for config in unloaded enforce tpe; do
		module_loaded rampart_wx && { rmmod rampart_wx || die "rmmod failed"; }
		case $config in
		enforce) insmod "$MODULES/rampart_wx.ko" || die "insmod failed" ;;
		tpe)
			insmod "$MODULES/rampart_wx.ko" || die "insmod failed"
			echo enforce > $WX/tpe_mode
			;;
		esac
		bench_measure $config mmap:4000 mmapx:2000 mprotect:4000 exec:40 write:4000 writem:4000
	done
	round=$((round + 1))
done > /tmp/bench-wx.txt
cat /tmp/bench-wx.txt
bench_ratio "wx ($(expected_hooks))" /tmp/bench-wx.txt
