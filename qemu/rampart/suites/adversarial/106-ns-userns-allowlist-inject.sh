# Qualys, March 2025 (Ubuntu's unprivileged user namespace restriction): LD_PRELOAD into
# an allowlisted program. userns_allow_exe trusts the executable's identity, but the code
# the process runs is its user's to choose: here by ptrace (what LD_PRELOAD, a debugger or
# an LD_LIBRARY_PATH library do as well), nobody makes an allowlisted runtime call
# unshare(CLONE_NEWUSER) on its behalf.
. /rampart/lib.sh
load rampart_ns
RT=/usr/sbin/adv-runtime
mkdir -p /usr/sbin && cp /bin/rampart-probe $RT || die "copying the runtime failed"
echo $RT > $NS/userns_allow_exe || die "setting userns_allow_exe failed"
plain=$(rampart-probe as-user 65534 rampart-probe unshare-user 2>&1)
allowed=$(rampart-probe as-user 65534 $RT unshare-user 2>&1)
out=$(rampart-probe as-user 65534 rampart-attack userns-inject $RT pause 5 2>&1)
echo > $NS/userns_allow_exe
events >/dev/null
case "$plain" in *EPERM*) ;; *) die "nobody's own unshare(CLONE_NEWUSER): $plain" ;; esac
case "$allowed" in *ok*) ;; *) die "the allowlisted runtime itself: $allowed" ;; esac
case "$out" in
*"userns-inject: done"*) die "BYPASS userns_allow_exe: nobody made the allowlisted $RT create a user namespace by injecting the call with ptrace (the LD_PRELOAD route): $out" ;;
esac
echo "nobody: $plain; allowlisted runtime: $allowed; injected: $out"
