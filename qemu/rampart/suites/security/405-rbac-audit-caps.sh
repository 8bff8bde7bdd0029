# Audit mode allows and reports; capability restrictions (-CAP_ALL) hold even for root
# (lsm mode; the fallback does not see capability checks).
. /rampart/lib.sh
load rampart_rbac
svc_setup
rampart-policy load /etc/rampart/svc.policy >/dev/null || die "loading the generated policy"
rampart-policy audit || die "audit"
events >/dev/null
expect_output "/etc/shadow: ok" as_svc open /etc/shadow
expect_event '"decision":"audit"' '"object":"/etc/shadow"' >/dev/null
rampart-policy enforce || die "enforce"
expect_output "/etc/shadow: EACCES" as_svc open /etc/shadow
events >/dev/null
if [ "$(expected_hooks)" = lsm ]; then
	expect_output "chroot: EPERM" $SVC chroot /
	expect_event '"decision":"deny"' '"object":"CAP_SYS_CHROOT"' 'capability' >/dev/null
	expect_output "chroot: ok" rampart-probe chroot /
	caps="root's service without CAP_SYS_CHROOT: EPERM"
else
	caps="capabilities not checked in fallback mode"
fi
grep -q "^denied [1-9]" $RBAC/stats || die "stats: $(cat $RBAC/stats)"
echo "audit: allowed + event; enforce: EACCES; $caps"
