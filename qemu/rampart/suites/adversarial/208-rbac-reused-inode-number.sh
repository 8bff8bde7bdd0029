# Identities by inode and generation: a file named in the policy is deleted, and a new
# file gets its inode number (ext4 hands a freed number out again). Keyed on the number
# alone, the new file takes the deleted file's rule: here a readable file inside a
# denied directory, replaced by a secret one.
. /rampart/lib.sh
load rampart_rbac
R=/usr/sbin/adv-reader
mkdir -p /usr/sbin /srv/adv208 && cp /bin/rampart-attack $R || die "copying the reader failed"
rm -f /srv/adv208/*
echo public > /srv/adv208/public
old=$(stat -c %i /srv/adv208/public)
cat > /tmp/adv208.policy <<'POLICY'
role default
  subject /
    /   rwacdx
  subject /usr/sbin/adv-reader
    /                    r
    /srv/adv208          -
    /srv/adv208/public   r
POLICY
rampart-policy load /tmp/adv208.policy >/dev/null || die "loading the policy failed"
rampart-policy enforce || die "enforce"
before=$($R read /srv/adv208/public 2>&1)
rm /srv/adv208/public
reused=
for i in $(seq 1 40); do
	echo secret > /srv/adv208/secret-$i
	if [ "$(stat -c %i /srv/adv208/secret-$i)" = "$old" ]; then reused=/srv/adv208/secret-$i; break; fi
done
got=
[ -n "$reused" ] && got=$($R read $reused 2>&1)
rampart-policy off || die "off"
rm -f /srv/adv208/*
events >/dev/null
case "$before" in *"read: done"*) ;; *) die "the named file was not readable before it was deleted: $before" ;; esac
if [ -z "$reused" ]; then
	echo "not reachable on this kernel: no new file got inode $old back in 40 tries (the guest's tmpfs numbers inodes without reuse; the generation comparison itself is in policy/src/compile.rs's tests)"
	exit 0
fi
case "$got" in
*"read: done"*) die "BYPASS rbac: $reused got the deleted /srv/adv208/public's inode number $old and its rule: $got" ;;
esac
echo "$reused has inode $old again and is not readable: $got"
