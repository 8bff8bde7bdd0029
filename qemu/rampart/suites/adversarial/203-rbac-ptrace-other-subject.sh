# grsecurity RBAC: a subject may not ptrace a process of another subject (without the
# `t` subject mode; rampart's `ptrace` option). A confined program that may run another program (x) starts it
# traced and makes it read, with that program's subject, a file the tracer may not.
. /rampart/lib.sh
load rampart_rbac
T=/usr/sbin/adv-tracer
mkdir -p /usr/sbin /srv && cp /bin/rampart-attack $T || die "copying the tracer failed"
echo secret203 > /srv/adv203
cat > /tmp/adv203.policy <<'POLICY'
role default
  subject /
    /   rwacdx
  subject /usr/sbin/adv-tracer
    /             rx
    /srv/adv203   -
POLICY
rampart-policy load /tmp/adv203.policy >/dev/null || die "loading the policy failed"
rampart-policy enforce || die "enforce"
direct=$($T read /srv/adv203 2>&1)
out=$($T trace-read /srv/adv203 /bin/rampart-probe pause 5 2>&1)
rampart-policy off || die "off"
events >/dev/null
case "$direct" in *EACCES*) ;; *) die "the tracer read /srv/adv203 itself: $direct" ;; esac
case "$out" in
*secret203*)
	if [ "$(expected_hooks)" != lsm ]; then
		echo "fallback limit (no per-task subject to compare, documented): $out"
		exit 0
	fi
	die "BYPASS rbac: the confined subject read /srv/adv203 through a traced child running another subject's program: $out" ;;
esac
echo "direct: $direct; through a traced child: $out"
