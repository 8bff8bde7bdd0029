# Landlock's reparenting tests: moving what a rule covers to where another rule applies.
# The confined subject (rwacd on /tmp, nothing on /tmp/adv205/box/secret) renames the
# secret's parent directory, exchanges it with another, and tries to move the secret out;
# the secret stays denied (its rule is by inode). The fallback does not judge renames
# (docs/hook-modes.md): there moving a directory out of a denied one into /tmp is recorded.
. /rampart/lib.sh
load rampart_rbac
M=/usr/sbin/adv-mover
mkdir -p /usr/sbin && cp /bin/rampart-attack $M || die "copying the mover failed"
rm -rf /tmp/adv205 /tmp/adv205-sub
mkdir -p /tmp/adv205/box/secret /tmp/adv205/other /tmp/adv205/deny/sub || die "mkdir failed"
echo s205 > /tmp/adv205/box/secret/f
echo s205 > /tmp/adv205/deny/sub/f
cat > /tmp/adv205.policy <<'POLICY'
role default
  subject /
    /   rwacdx
  subject /usr/sbin/adv-mover
    /                         rx
    /tmp                      rwacd
    /tmp/adv205/box/secret    -
    /tmp/adv205/deny          -
POLICY
rampart-policy load /tmp/adv205.policy >/dev/null || die "loading the policy failed"
rampart-policy enforce || die "enforce"
r0=$($M read /tmp/adv205/box/secret/f 2>&1)
# unappend rename-over PATH OTHER renames OTHER to PATH.
ren=$($M unappend rename-over /tmp/adv205/box2 /tmp/adv205/box 2>&1)
r1=$($M read /tmp/adv205/box2/secret/f 2>&1)
xch=$($M unappend exchange /tmp/adv205/other /tmp/adv205/box2 2>&1)
r2=$($M read /tmp/adv205/other/secret/f 2>&1)
mv0=$($M unappend rename-over /tmp/adv205/moved /tmp/adv205/other/secret 2>&1)
out=$($M unappend rename-over /tmp/adv205-sub /tmp/adv205/deny/sub 2>&1)
r3=$($M read /tmp/adv205-sub/f 2>&1)
rampart-policy off || die "off"
rm -rf /tmp/adv205-sub
events >/dev/null
case "$r0$r1$r2" in *"read: done"*) die "BYPASS rbac: the secret became readable after renaming or exchanging its parent: [$r0] [$ren: $r1] [$xch: $r2]" ;; esac
if [ "$(expected_hooks)" = lsm ]; then
	case "$mv0" in *done*) die "BYPASS rbac: the denied directory was renamed by the confined subject: $mv0" ;; esac
	case "$out$r3" in *done*) die "BYPASS rbac: a directory moved out of a denied one and read: [$out] [$r3]" ;; esac
	echo "parent renamed ($ren) and exchanged ($xch): secret still $r1 / $r2; denied dir move: $out"
else
	case "$r3" in
	*"read: done"*) echo "fallback limit (renames not judged, documented): /tmp/adv205/deny/sub (under a denied directory) moved to /tmp/adv205-sub ($out) and read there ($r3)" ;;
	*) echo "fallback: move $out, read $r3; parent rename $ren / exchange $xch: secret $r1 / $r2" ;;
	esac
fi
