# Everyday programs keep working with W^X enforcing (and TPE enforcing for uid 1000):
# a shell script, busybox applets, rampart's own tools, a program run by an
# untrusted user from a root-owned directory, and the rest of this suite, which runs
# with the module left enforcing. Programs with glibc, dlopen() and a real JIT run in
# the userspace suite.
. /rampart/lib.sh
load rampart_wx
echo enforce > $WX/mode
echo enforce > $WX/tpe_mode
cat > /tmp/everyday.sh <<'SCRIPT'
#!/bin/sh
set -e
n=0
for f in /bin/*; do n=$((n + 1)); done
echo "files $n" | tr a-z A-Z | sed 's/FILES/count/' > /tmp/everyday.out
sort /tmp/everyday.out | uniq | wc -l
gzip -c /tmp/everyday.out | gunzip -c | grep -q count
awk 'BEGIN { print 6 * 7 }'
SCRIPT
chmod 755 /tmp/everyday.sh
out=$(/tmp/everyday.sh 2>&1) || die "a shell script failed: $out"
[ "$(echo $out)" = "1 42" ] || die "the script printed: $out"
rampart-policy status >/dev/null 2>&1 || rampart-policy --help >/dev/null || die "rampart-policy failed"
expect_output "stack-perms: rw-p" rampart-probe as-user 1000 /bin/rampart-attack stack-perms
denied=$(sed -n 's/^denied //p' $WX/stats)
echo off > $WX/tpe_mode
echo "script, applets, rampart-policy, uid 1000 from /bin: ok; W^X left enforcing ($denied refusals so far)"
