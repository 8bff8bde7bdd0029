# Qualys, March 2025: an allowlisted program that runs a shell (busybox, unshare). Here
# an allowlisted copy of busybox, whose unshare applet makes the namespace and then runs
# whatever it is given: nobody gets root in a user namespace and, from there, a network
# namespace of its own. The allowlist names a file and judges only the creation
# (docs/hook-modes.md), so this is the documented design: the case records what an
# allowlisted multi-call program hands out, and that a nested user namespace made by
# another program inside is still refused.
. /rampart/lib.sh
load rampart_ns
# Named busybox (its own file), so that it takes the applet from its first argument.
BB=/usr/sbin/busybox
mkdir -p /usr/sbin && cp /bin/busybox $BB || die "copying busybox failed"
echo $BB > $NS/userns_allow_exe || die "setting userns_allow_exe failed"
out=$(rampart-probe as-user 65534 $BB unshare -U -r /bin/sh -c 'echo "uid $(id -u)"; unshare -n true && echo netns-ok; rampart-probe unshare-user' 2>&1)
echo > $NS/userns_allow_exe
events >/dev/null
case "$out" in
*"uid 0"*netns-ok*"unshare-user: EPERM"*) echo "design limit: an allowlisted busybox gives nobody a root shell in a user namespace and a network namespace ($(echo $out)); a nested one by another program: refused" ;;
*"unshare-user: ok"*) die "BYPASS userns: a nested user namespace was made by a program that is not allowlisted: $(echo $out)" ;;
*) echo "allowlisted busybox: $(echo $out)" ;;
esac
