# A service crashing on a client's input gets the client blocked: rampart_brute's
# crash event names the connection's remote end ("peers"), rampart-hidsd's rule 5608
# blocks it in rampart's nftables sets, and the client can no longer connect; a
# client on loopback crashing the same service is never blocked. The service runs in a
# cgroup named as Docker names a container's: the alert names that container.
# case-timeout: 300
. /rampart/lib.sh
load rampart_brute
brute_short
/usr/bin/ip link set lo up
# The attacker: a network namespace held by a sleeping process, joined with nsenter.
unshare -n sleep 1000 &
holder=$!
sleep 1
in_attacker() { nsenter -t $holder -n "$@"; }
/usr/bin/ip link add v0 type veth peer name v1 || die "veth failed"
/usr/bin/ip link set v1 netns $holder || die "moving v1 into the attacker's namespace failed"
/usr/bin/ip addr add 10.9.0.1/24 dev v0 && /usr/bin/ip link set v0 up
in_attacker /usr/bin/ip addr add 10.9.0.2/24 dev v1
in_attacker /usr/bin/ip link set v1 up
in_attacker /usr/bin/ip link set lo up
ID=4c01db0b339c7b2c8e4e0b21ba1f4e4e95f8c51e1f3e9a7f6d2c1b0a99887766
CG=/sys/fs/cgroup/system.slice/docker-$ID.scope
mount -t cgroup2 none /sys/fs/cgroup || die "mounting cgroup2 failed"
mkdir -p $CG || die "making the container's cgroup failed"
mkdir -p /etc/rampart /var/lib/rampart-hidsd /var/log/rampart
cat > /etc/rampart/hidsd.toml <<'CONF'
log_files = []
journal = false
kmsg = false
start_at = "end"
rampart_events = "/sys/kernel/security/rampart/events"
alerts_file = "/var/log/rampart/alerts.json"
[response]
enabled = true
block_seconds = 600
nft = "/usr/sbin/nft"
block_crash_peers = true
CONF
rampart-hidsd run --config /etc/rampart/hidsd.toml > /tmp/hidsd.out 2>&1 &
hidsd=$!
sleep 3
kill -0 $hidsd 2>/dev/null || die "rampart-hidsd did not start: $(tail -n 5 /tmp/hidsd.out)"
# A client on loopback crashes the service first: never blocked.
rampart-attack crash-server 8415 >/dev/null 2>&1 &
sleep 1
rampart-attack tcp-send 127.0.0.1 8415 >/dev/null 2>&1
sleep 1
# The attacker crashes it from its namespace, the service in the container's cgroup.
rampart-attack crash-server 8415 >/dev/null 2>&1 &
echo $! > $CG/cgroup.procs || die "moving the service into the container's cgroup failed"
sleep 1
in_attacker rampart-attack tcp-send 10.9.0.1 8415 >/dev/null 2>&1
blocked=""
for i in $(seq 20); do
	/usr/sbin/nft list set inet rampart block4 2>/dev/null | grep -q '10\.9\.0\.2' && { blocked=yes; break; }
	sleep 1
done
if [ -z "$blocked" ]; then
	/usr/sbin/nft list ruleset 2>&1 | head -n 40
	tail -n 5 /tmp/hidsd.out
	die "the attacker was not blocked (ruleset and rampart-hidsd's output above)"
fi
/usr/sbin/nft list set inet rampart block4 | grep -q '127\.0\.0\.1' && die "loopback was blocked"
# Every channel: a new connection from the attacker now fails.
rampart-attack crash-server 8416 >/tmp/cs2.out 2>&1 &
server=$!
sleep 1
out=$(timeout 5 nsenter -t $holder -n rampart-attack tcp-send 10.9.0.1 8416 2>&1) && die "the blocked attacker still connects: $out"
# And the other way: the host cannot reach a listener in the attacker's namespace.
in_attacker rampart-attack crash-server 8417 >/dev/null 2>&1 &
listener=$!
sleep 1
out=$(timeout 5 rampart-attack tcp-send 10.9.0.2 8417 2>&1) && die "the host still reaches the blocked attacker: $out"
kill $server $listener $hidsd $holder 2>/dev/null
alert=$(grep -F '5608' /var/log/rampart/alerts.json | grep -F '10.9.0.2' | tail -n 1)
[ -n "$alert" ] || die "no alert of rule 5608 naming the attacker"
# The alert names the crashed service (rampart-attack's crash-server here).
case "$alert" in *rampart-attack*) ;; *) die "the alert does not name the crashed service: $alert" ;; esac
case "$alert" in
*"\"container\":{\"id\":\"$ID\",\"runtime\":\"docker\"}"*) ;;
*) die "the alert does not name the container the service ran in: $alert" ;;
esac
echo "crash in container ${ID%"${ID#????????????}"} from 10.9.0.2: blocked ($(/usr/sbin/nft list set inet rampart block4 | grep -o '10\.9\.0\.2[^,}]*' | head -n 1)); loopback crash: not blocked; new connection from the attacker and to it: refused"
