# Answers about files reached before come from per-CPU caches (per subject, and
# per task for one process asking again); every change that moves a file to other
# rules must reach past them: a directory above the file renamed into a hidden one
# (the file, its dentry and its parent stay the same), renamed back, a file moved
# across, a new policy, and the same file asked from another CPU. Each is checked
# from new processes and from one process that asked before the change.
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

# recheck KIND PATH AFTER WANT CHANGE...: one service process asks KIND on PATH
# (allowed), then CHANGE runs, then the same process asks on AFTER: WANT.
recheck() {
	kind=$1 path=$2 after=$3 want=$4
	shift 4
	rm -f /tmp/gate /tmp/recheck.out
	# On one CPU: the per-task answers are kept per CPU.
	# Through a pipe: the service may not write /tmp, and a descriptor it could not
	# open is replaced at exec (pipes are no policy objects).
	taskset -c 0 rampart-probe as-user 1000 $SVC recheck "$kind" "$path" /tmp/gate "$after" 2>&1 | cat >/tmp/recheck.out &
	waited=0
	until grep -q before /tmp/recheck.out; do
		waited=$((waited + 1))
		[ $waited -lt 1000 ] || die "recheck never started: $(cat /tmp/recheck.out)"
		sleep 0.01
	done
	grep -q "before: ok" /tmp/recheck.out || die "recheck $kind $path: $(cat /tmp/recheck.out)"
	"$@" || die "$*: failed"
	touch /tmp/gate
	wait
	grep -q "after: $want" /tmp/recheck.out || die "recheck $kind $after after $*: $(cat /tmp/recheck.out)"
}
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
# The same process, which asked before the change.
recheck open /srv/open/sub/f /srv/closed/sub/f ENOENT mv /srv/open/sub /srv/closed/sub
mv /srv/closed/sub /srv/open/sub || die "mv back failed"
[ "$(expected_hooks)" = fallback ] ||
	recheck stat /srv/open/sub/f /srv/closed/sub/f ENOENT mv /srv/open/sub /srv/closed/sub
[ -d /srv/open/sub ] || mv /srv/closed/sub /srv/open/sub || die "mv back failed"
recheck open /srv/open/sub/f /srv/open/sub/f ok true
# On every CPU (each has its own cache).
for cpu in 0 1; do
	expect_output "/srv/open/sub/f: ok" taskset -c $cpu rampart-probe as-user 1000 $SVC open /srv/open/sub/f
done
sed -i '/\/srv\/open/d' /etc/rampart/cache.policy
recheck open /srv/open/sub/f /srv/open/sub/f ENOENT rampart-policy load /etc/rampart/cache.policy
for cpu in 0 1; do
	expect_output "/srv/open/sub/f: ENOENT" taskset -c $cpu rampart-probe as-user 1000 $SVC open /srv/open/sub/f
done
rm -rf /srv
echo "renamed ancestors, moved files, a new policy, asked by new processes and by one that asked before: cached answers never outlive their rules"
