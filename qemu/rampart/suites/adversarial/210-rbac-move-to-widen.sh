# grsecurity RBAC: a rename must not give a file more than it has where it is (as a
# hard link must not). A subject that may only append to its log, and write in a work
# directory on the same filesystem, moves the log into the work directory, rewrites
# it and moves it back. A move within the log directory is the control.
. /rampart/lib.sh
load rampart_rbac
M=/usr/sbin/adv-mover
mkdir -p /usr/sbin /srv/adv210/logs /srv/adv210/work && cp /bin/rampart-attack $M || die "copying the mover failed"
echo "line 1" > /srv/adv210/logs/app.log
cat > /tmp/adv210.policy <<'POLICY'
role default
  subject /
    /   rwacdx
  subject /usr/sbin/adv-mover
    /                  rx
    /srv/adv210/logs   acd
    /srv/adv210/work   rwcd
POLICY
rampart-policy load /tmp/adv210.policy >/dev/null || die "loading the policy failed"
rampart-policy enforce || die "enforce"
moved=$($M move-rewrite /srv/adv210/logs/app.log /srv/adv210/work 2>&1)
echo "line 2" > /srv/adv210/logs/other.log
within=$($M unappend rename-over /srv/adv210/logs/other.log.1 /srv/adv210/logs/other.log 2>&1)
rampart-policy off || die "off"
log=$(cat /srv/adv210/logs/app.log 2>/dev/null || cat /srv/adv210/work/app.log 2>/dev/null)
rm -rf /srv/adv210
events >/dev/null
case "$within" in *done*) ;; *) die "a rename within the log directory was refused: $within" ;; esac
if [ "$log" = forged ]; then
	if [ "$(expected_hooks)" != lsm ]; then
		echo "LIMIT fallback: renames are not judged (documented): $moved"
		exit 0
	fi
	die "BYPASS rbac: the append-only log was moved into a writable directory, rewritten and moved back: $moved"
fi
echo "moved to widen: $moved; within its directory: $within; log: $log"
