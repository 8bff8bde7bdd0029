# grsecurity RBAC `h` (and its known weakness, existence leaks): "hidden objects are as
# if they did not exist" (docs/rbac.md). stat, access, O_PATH and listings are covered
# (security suite 414); other calls that resolve the name say whether it exists: chdir,
# name_to_handle_at, getxattr (ENODATA), mkdir (EEXIST), rmdir (ENOTEMPTY), utimensat
# (with the times "now": with both UTIME_OMIT the kernel returns 0 for any name, even a
# missing one, before looking it up), open(O_CREAT|O_EXCL) and rename(RENAME_NOREPLACE)
# onto it (EEXIST).
. /rampart/lib.sh
load rampart_rbac
P=/usr/sbin/adv-peek
mkdir -p /usr/sbin /srv/adv206/inner && cp /bin/rampart-attack $P || die "copying the peeker failed"
echo secret > /srv/adv206/inner/key
cat > /tmp/adv206.policy <<'POLICY'
role default
  subject /
    /   rwacdx
  subject /usr/sbin/adv-peek
    /                    rwacdx
    /srv/adv206/inner    h
POLICY
rampart-policy load /tmp/adv206.policy >/dev/null || die "loading the policy failed"
rampart-policy enforce || die "enforce"
st=$($P opath /srv/adv206/inner 2>&1)
out=$($P hidden-probe /srv/adv206/inner 2>&1)
rampart-policy off || die "off"
[ -f /srv/adv206/inner/key ] || die "the hidden directory's file is gone"
events >/dev/null
# What only an existing name answers.
leaks=$(printf '%s\n' "$out" | grep -E ': (ok|EEXIST|ENOTEMPTY|ENODATA|ENOTDIR)$' | tr '\n' ';')
if [ "$(expected_hooks)" != lsm ]; then
	echo "fallback (hidden objects judged at open only, documented): $leaks"
	exit 0
fi
case "$st" in *ENOENT*) ;; *) die "O_PATH of the hidden directory: $st" ;; esac
[ -z "$leaks" ] || die "BYPASS rbac hidden: these calls tell the hidden /srv/adv206/inner exists (a missing name gives ENOENT to all): $leaks"
echo "every probe of the hidden directory: ENOENT"
