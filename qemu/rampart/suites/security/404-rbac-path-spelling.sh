# The same file reached by other spellings is still the same object: .., symlinks, hard
# links, bind mounts, a descriptor passed over a socket, a file replaced by rename.
. /rampart/lib.sh
load rampart_rbac
svc_setup
if [ "$(expected_hooks)" = fallback ]; then
	echo "fallback mode: only open and exec are checked, without crossing mounts (docs/hook-modes.md); not applicable"
	exit 0
fi
cat > /etc/rampart/spelling.policy <<'POLICY'
role default
  subject /
    / rwacdx
  subject /usr/sbin/rampart-svc
    /             rx
    /etc/shadow   h
    /var/log/svc  rwacd
POLICY
rampart-policy load /etc/rampart/spelling.policy >/dev/null || die "loading the policy"
rm -f /var/log/svc/link /var/log/svc/hard
ln -s /etc/shadow /var/log/svc/link
ln /etc/shadow /var/log/svc/hard || die "hard link failed"
mount --bind /etc /mnt/etc || die "bind mount failed"
events >/dev/null
expect_output "/etc/svc.conf: ok" as_svc open /etc/svc.conf
expect_output "write: ok" as_svc write /var/log/svc/new
expect_output "write: EACCES" as_svc write /etc/new
expect_output "/etc/shadow: ENOENT" as_svc open /etc/shadow
expect_output "stat: ENOENT" as_svc stat /etc/shadow
expect_output "ENOENT" as_svc open /var/log/svc/../../../etc/shadow
expect_output "ENOENT" as_svc open /var/log/svc/link
expect_output "ENOENT" as_svc open /var/log/svc/hard
expect_output "ENOENT" as_svc open /mnt/etc/shadow
expect_output "no descriptor received" rampart-probe pass-fd /etc/shadow 1000 $SVC recv-fd
expect_output "recv-fd: ok" rampart-probe pass-fd /etc/svc.conf 1000 $SVC recv-fd
# Replaced the way passwd does it: a new inode under the same name.
cp /etc/shadow /etc/shadow.new && mv /etc/shadow.new /etc/shadow
expect_output "/etc/shadow: ENOENT" as_svc open /etc/shadow
expect_output "/etc/shadow: ok" rampart-probe open /etc/shadow
umount /mnt/etc
take_events
seen_event '"module":"rbac"' '"decision":"deny"' 'access=r hidden' >/dev/null
echo ".., symlink, hard link, bind mount, passed fd, stat, replaced file: all hidden; allowed paths work"
