# A /dev/mem descriptor opened before rampart_devmem loaded keeps working (the kernel
# asks only at open): the load names the process that holds one.
. /rampart/lib.sh
sleep 300 5</dev/mem &
holder=$!
sleep 1
load rampart_devmem
take_events
rmmod rampart_devmem || die "rmmod failed"
kill $holder
seen_event '"decision":"notice"' "\"pid\":$holder" 'held from before the module loaded' >/dev/null
echo "the holder of an earlier /dev/mem descriptor (pid $holder) reported at load"
