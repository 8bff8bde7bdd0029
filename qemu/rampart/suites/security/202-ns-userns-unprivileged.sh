# An unprivileged user cannot create a user namespace, by unshare or by clone.
. /rampart/lib.sh
expect_output "unshare-user: EPERM" rampart-probe as-user 65534 rampart-probe unshare-user
expect_output "clone-user: EPERM" rampart-probe as-user 65534 rampart-probe clone-user
expect_event '"module":"ns"' '"decision":"deny"' '"object":"user namespace"' '"uid":65534' >/dev/null || die "no deny event"
echo "nobody: unshare and clone with CLONE_NEWUSER both EPERM, events emitted"
