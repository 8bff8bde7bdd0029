# A crash event names the remote ends of the crashed process's connected sockets
# ("peers"), captured in the kernel before the process dies, so rampart-hidsd can
# block whoever sent the input that crashed a service. IPv4 clients of an IPv6
# socket are named as IPv4.
. /rampart/lib.sh
load rampart_brute
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up || die "no loopback"
brute_short
events >/dev/null
for client in 127.0.0.1 ::1; do
	rampart-attack crash-server 8415 > /tmp/crash-server.out 2>&1 &
	server=$!
	sleep 1
	rampart-attack tcp-send $client 8415 >/dev/null 2>&1
	wait $server
done
echo "lift all" > $BRUTE/bans
take_events
v4=$(seen_event '"module":"brute"' '"reason":"crash observed"' '"peers":["127.0.0.1:')
v6=$(seen_event '"module":"brute"' '"reason":"crash observed"' '"peers":["[::1]:')
echo "peers: $(printf '%s' "$v4" | sed 's/.*"peers":\(\[.*\]\).*/\1/') and $(printf '%s' "$v6" | sed 's/.*"peers":\(\[.*\]\).*/\1/')"
