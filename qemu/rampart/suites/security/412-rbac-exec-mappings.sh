# x is needed to run a program however it is run: mapping a file executable without
# exec (what `ld.so /path/prog` does), or making a read-only mapping executable, needs
# x on the file, on both kernels.
. /rampart/lib.sh
load rampart_rbac
MAPPER=/usr/sbin/rampart-mapper
mkdir -p /usr/sbin /srv/tools /srv/bin || die "mkdir failed"
cp /bin/rampart-attack $MAPPER || die "copying the mapper failed"
cp /bin/rampart-probe /srv/tools/prog && cp /bin/rampart-probe /srv/bin/prog || die "copying failed"
cat > /tmp/map.policy <<'POLICY'
role default
  subject /
    /   rwacdx
  subject /usr/sbin/rampart-mapper
    /            r
    /srv/bin     rx
POLICY
rampart-policy load /tmp/map.policy >/dev/null || die "loading the policy failed"
rampart-policy enforce || die "enforce"
a=$($MAPPER mmap-exec /srv/tools/prog 2>&1)
b=$($MAPPER mprotect-exec /srv/tools/prog 2>&1)
c=$($MAPPER mmap-exec /srv/bin/prog 2>&1)
rampart-policy off || die "off"
case "$a" in *"mmap(PROT_EXEC): EACCES"*) ;; *) die "a file without x mapped executable: $a" ;; esac
case "$b" in *"mprotect(PROT_EXEC): EACCES"*) ;; *) die "a read-only mapping of a file without x made executable: $b" ;; esac
case "$c" in *"mmap-exec: done"*) ;; *) die "a file with x: $c" ;; esac
events >/dev/null
echo "without x: $a, $b; with x: $c"
