# A subject's answers about files it reached before come from a per-CPU cache;
# every change that moves a file to other rules must reach past it: a directory
# above the file renamed into a hidden one (the file, its dentry and its parent
# stay the same), renamed back, a file moved across, a new policy, and the same
# file asked from another CPU.
. /rampart/lib.sh
load rampart_rbac
svc_setup
rm -rf /srv
mkdir -p /srv/open/sub /srv/closed || die "mkdir failed"
echo data > /srv/open/sub/f
chmod -R a+rX /srv
cat > /etc/rampart/cache.policy <<'POLICY'
role default
  subject /
    / rwacdx
  subject /usr/sbin/rampart-svc
    /          rx
    /srv       h
    /srv/open  r
POLICY
rampart-policy load /etc/rampart/cache.policy >/dev/null || die "loading the policy"
# Twice: the second answer is the cached one.
expect_output "/srv/open/sub/f: ok" as_svc open /srv/open/sub/f
expect_output "/srv/open/sub/f: ok" as_svc open /srv/open/sub/f
mv /srv/open/sub /srv/closed/sub || die "mv failed"
expect_output "/srv/closed/sub/f: ENOENT" as_svc open /srv/closed/sub/f
# The fallback checks open and exec only (docs/hook-modes.md).
[ "$(expected_hooks)" = fallback ] || expect_output "stat: ENOENT" as_svc stat /srv/closed/sub/f
mv /srv/closed/sub /srv/open/sub || die "mv back failed"
expect_output "/srv/open/sub/f: ok" as_svc open /srv/open/sub/f
mv /srv/open/sub/f /srv/closed/f || die "mv of the file failed"
expect_output "/srv/closed/f: ENOENT" as_svc open /srv/closed/f
mv /srv/closed/f /srv/open/sub/f || die "mv of the file back failed"
expect_output "/srv/open/sub/f: ok" as_svc open /srv/open/sub/f
# On every CPU (each has its own cache).
for cpu in 0 1; do
	expect_output "/srv/open/sub/f: ok" taskset -c $cpu rampart-probe as-user 1000 $SVC open /srv/open/sub/f
done
sed -i '/\/srv\/open/d' /etc/rampart/cache.policy
rampart-policy load /etc/rampart/cache.policy >/dev/null || die "loading the stricter policy"
for cpu in 0 1; do
	expect_output "/srv/open/sub/f: ENOENT" taskset -c $cpu rampart-probe as-user 1000 $SVC open /srv/open/sub/f
done
rm -rf /srv
echo "renamed ancestors, moved files, a new policy: cached answers never outlive their rules"
