# The device is what matters, not its path: a new node, a symlink and a bind mount all fail.
. /rampart/lib.sh
mknod /tmp/mem-node c 1 1 || die "mknod failed"
expect_output "/tmp/mem-node: EPERM" rampart-probe open /tmp/mem-node
ln -s /dev/mem /tmp/mem-link
expect_output "/tmp/mem-link: EPERM" rampart-probe open /tmp/mem-link
touch /tmp/mem-bind && mount --bind /dev/port /tmp/mem-bind || die "bind mount failed"
expect_output "/tmp/mem-bind: EPERM" rampart-probe open /tmp/mem-bind
umount /tmp/mem-bind
expect_output "/dev/null: ok" rampart-probe open /dev/null
expect_output "/dev/zero: ok" rampart-probe open /dev/zero
[ "$(head -c 16 /dev/urandom | wc -c)" -eq 16 ] || die "reading /dev/urandom failed"
count=$(events | grep -c '"decision":"deny"')
[ "$count" -eq 3 ] || die "expected 3 deny events, got $count"
echo "node, symlink and bind mount denied (3 events); /dev/null, /dev/zero, /dev/urandom work"
