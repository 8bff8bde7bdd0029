# As in grsecurity's RBAC: a subject traces only its own subject's tasks unless it has
# the `ptrace` option. A confined tracer can neither start another subject's program
# traced (its exec is refused) nor attach to one running; tasks of its own subject it
# may trace; with `ptrace` it may trace others; learning records the option. An exec
# into another subject while a CLONE_FS child shares the root and working directory
# (LSM_UNSAFE_SHARE) is judged the same way: the sharer stays in the old subject.
# lsm mode only (the fallback has no per-task subject to compare; hook-modes.md).
. /rampart/lib.sh
load rampart_rbac
D=/usr/sbin/adv417
mkdir -p $D /srv && cp /bin/rampart-attack $D/tracer && cp /bin/rampart-probe $D/probe || die "copying failed"
echo secret417 > /srv/adv417
write_policy() { # OPTIONS
	cat > /tmp/adv417.policy <<POLICY
role default
  subject /
    /   rwacdx
  subject $D $1
    /             rx
    /srv/adv417   r
POLICY
	rampart-policy load /tmp/adv417.policy >/dev/null || die "loading the policy ($1) failed"
}
if [ "$(expected_hooks)" = fallback ]; then
	echo "fallback: ptrace between subjects is not judged (no per-task subject; docs/hook-modes.md)"
	exit 0
fi
write_policy ""
rampart-policy enforce || die "enforce"
events >/dev/null
traced=$($D/tracer trace-read /srv/adv417 /bin/rampart-probe pause 5 2>&1)
attached=$($D/tracer attach-read /srv/adv417 /bin/rampart-probe pause 5 2>&1)
own=$($D/tracer attach-read /srv/adv417 $D/probe pause 5 2>&1)
shared=$($D/tracer shared-fs-exec /bin/rampart-probe pause 0 2>&1; echo "exit $?")
shared_own=$($D/tracer shared-fs-exec $D/probe pause 0 2>&1; echo "exit $?")
take_events
case "$traced" in *secret417*) die "another subject's program ran traced: $traced" ;; esac
case "$attached" in *secret417*) die "attached to another subject's task: $attached" ;; esac
case "$own" in *"done (secret417)"*) ;; *) die "tracing its own subject's task was refused: $own" ;; esac
case "$shared" in *"refused at execve: EPERM"*) ;; *) die "an exec into another subject with a shared fs_struct was not refused: $shared" ;; esac
case "$shared_own" in *"exit 0") ;; *) die "an exec into its own subject with a shared fs_struct failed: $shared_own" ;; esac
seen_event '"module":"rbac"' '"decision":"deny"' '"object":"ptrace"' "subject=$D capability" >/dev/null
write_policy ptrace
traced_ok=$($D/tracer trace-read /srv/adv417 /bin/rampart-probe pause 5 2>&1)
case "$traced_ok" in *"done (secret417)"*) ;; *) die "with ptrace, tracing was refused: $traced_ok" ;; esac
shared_ok=$($D/tracer shared-fs-exec /bin/rampart-probe pause 0 2>&1; echo "exit $?")
case "$shared_ok" in *"exit 0") ;; *) die "with ptrace, an exec with a shared fs_struct was refused: $shared_ok" ;; esac
# Learning: the tracer's subject learns; generate gives it the option.
write_policy learn
events >/dev/null
rampart-policy learn collect -o /tmp/learn417.jsonl > /tmp/collect417.out 2>&1 &
collector=$!
sleep 1
$D/tracer trace-read /srv/adv417 /bin/rampart-probe pause 5 >/dev/null 2>&1
sleep 1
kill $collector
wait $collector
rampart-policy generate --log /tmp/learn417.jsonl --policy /tmp/adv417.policy -o /tmp/gen417.policy >/dev/null 2>&1 ||
	die "generate failed"
grep -q "subject $D ptrace" /tmp/gen417.policy || die "generate did not give the tracer ptrace: $(cat /tmp/gen417.policy)"
rampart-policy off || die "off"
echo "refused: $traced; $attached; $shared; own subject: $own; with ptrace: $traced_ok; learned: subject $D ptrace"
