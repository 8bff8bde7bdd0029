# RBAC append-only (`a`; security suite 409 closes O_TRUNC, ftruncate, F_SETFL,
# fallocate, renames). Two more ways to overwrite what is there with an O_APPEND
# descriptor: pwritev2(RWF_NOAPPEND) at offset 0 (a per-call flag, 6.9+), and a shared
# writable mmap() of an O_RDWR|O_APPEND descriptor (for a subject with `ra`).
# RWF_NOAPPEND is asked about at the hook layer's write_noappend point (pwritev2, aio,
# io_uring); the fallback has nothing to probe there (the flag is handled in an inline
# function): a documented limit.
. /rampart/lib.sh
load rampart_rbac
L=/usr/sbin/adv-logger
mkdir -p /usr/sbin /var/log/adv && cp /bin/rampart-attack $L || die "copying the logger failed"
cat > /tmp/adv202.policy <<'POLICY'
role default
  subject /
    /   rwacdx
  subject /usr/sbin/adv-logger
    /                  rx
    /var/log/adv/a.log   a
    /var/log/adv/ra.log  ra
POLICY
printf 'line 1\n' > /var/log/adv/a.log
printf 'line 1\n' > /var/log/adv/ra.log
rampart-policy load /tmp/adv202.policy >/dev/null || die "loading the policy failed"
rampart-policy enforce || die "enforce"
plain=$($L unappend append /var/log/adv/a.log 2>&1)
setfl=$($L unappend setfl /var/log/adv/a.log 2>&1)
noappend=$($L append noappend /var/log/adv/a.log 2>&1)
mapped=$($L append mmap /var/log/adv/ra.log 2>&1)
rampart-policy off || die "off"
events >/dev/null
a1=$(head -n 1 /var/log/adv/a.log)
r1=$(head -n 1 /var/log/adv/ra.log)
case "$plain" in *"append: done"*) ;; *) die "appending: $plain" ;; esac
case "$setfl" in *EACCES*) ;; *) die "F_SETFL: $setfl" ;; esac
bypass=""
if [ "$a1" != "line 1" ]; then
	if [ "$(variant)" = vanilla ]; then
		limit="LIMIT vanilla: pwritev2(RWF_NOAPPEND) overwrote offset 0 (no hook point without the hook layer); "
	else
		bypass="$bypass [pwritev2(RWF_NOAPPEND) overwrote offset 0 ($noappend): first line now '$a1']"
	fi
fi
[ "$r1" = "line 1" ] || bypass="$bypass [mmap(MAP_SHARED, PROT_WRITE) of an O_APPEND descriptor ($mapped): first line now '$r1']"
[ -z "$bypass" ] || die "BYPASS rbac append-only:$bypass"
echo "${limit:-}append: $plain; F_SETFL: $setfl; RWF_NOAPPEND: $noappend; shared mapping: $mapped; logs intact"
