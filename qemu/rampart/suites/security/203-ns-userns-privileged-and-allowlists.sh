# Root still creates user namespaces; allowlisted executables and uids do too.
. /rampart/lib.sh
expect_output "unshare-user: ok" rampart-probe unshare-user
echo /bin/rampart-probe > $NS/userns_allow_exe || die "setting userns_allow_exe failed"
expect_output "unshare-user: ok" rampart-probe as-user 65534 rampart-probe unshare-user
expect_event '"decision":"allow"' '"object":"user namespace"' >/dev/null || die "no allow event"
echo > $NS/userns_allow_exe
expect_output "unshare-user: EPERM" rampart-probe as-user 65534 rampart-probe unshare-user
echo 65534 > $NS/userns_allow_uid || die "setting userns_allow_uid failed"
expect_output "clone-user: ok" rampart-probe as-user 65534 rampart-probe clone-user
if echo "12,x" > $NS/userns_allow_uid 2>/dev/null; then die "a bad uid list was accepted"; fi
[ "$(cat $NS/userns_allow_uid)" = 65534 ] || die "the rejected write changed the uid list"
echo > $NS/userns_allow_uid
expect_output "clone-user: EPERM" rampart-probe as-user 65534 rampart-probe clone-user
events >/dev/null
echo "root ok; allowlisted exe ok; allowlisted uid ok; bad list rejected, old kept"
