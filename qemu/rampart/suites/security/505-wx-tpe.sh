# Trusted path execution (grsecurity's TPE): an untrusted user may not run, or map
# executable, a file in a directory that is not root-owned or that others may write
# (/tmp, their home); the same binary in a root-owned directory runs, root is not
# affected, and members of tpe_trusted_gid are trusted.
. /rampart/lib.sh
load rampart_wx
mkdir -p /opt/tpe /home/u1000 && chown 1000:1000 /home/u1000 && chmod 755 /opt/tpe || die "mkdir failed"
cp /bin/rampart-attack /tmp/tpe-prog && chmod 755 /tmp/tpe-prog || die "copy failed"
cp /bin/rampart-attack /opt/tpe/prog && chmod 755 /opt/tpe/prog || die "copy failed"
cp /bin/rampart-attack /home/u1000/prog && chown 1000 /home/u1000/prog || die "copy failed"
echo off > $WX/tpe_mode
expect_output "stack-perms:" rampart-probe as-user 1000 /tmp/tpe-prog stack-perms
echo enforce > $WX/tpe_mode
events >/dev/null
a=$(rampart-probe as-user 1000 /tmp/tpe-prog stack-perms 2>&1)
b=$(rampart-probe as-user 1000 /home/u1000/prog stack-perms 2>&1)
c=$(rampart-probe as-user 1000 /opt/tpe/prog stack-perms 2>&1)
d=$(/tmp/tpe-prog stack-perms 2>&1)
# ld.so-style: map the file executable instead of running it.
e=$(rampart-probe as-user 1000 /opt/tpe/prog mmap-exec /tmp/tpe-prog 2>&1)
echo 1000 > $WX/tpe_trusted_gid
f=$(rampart-probe as-user 1000 /tmp/tpe-prog stack-perms 2>&1)
echo none > $WX/tpe_trusted_gid
echo off > $WX/tpe_mode
case "$a" in *stack-perms:*) die "an untrusted user ran a program from /tmp: $a" ;; esac
case "$b" in *stack-perms:*) die "an untrusted user ran a program from their own directory: $b" ;; esac
case "$c" in *stack-perms:*) ;; *) die "the program in a root-owned directory: $c" ;; esac
case "$d" in *stack-perms:*) ;; *) die "root was refused: $d" ;; esac
case "$e" in *EACCES*) ;; *) die "an executable mapping of /tmp/tpe-prog by an untrusted user: $e" ;; esac
case "$f" in *stack-perms:*) ;; *) die "a member of the trusted group was refused: $f" ;; esac
take_events
seen_event '"module":"wx"' '"decision":"deny"' 'untrusted path execution' '/tmp/tpe-prog' >/dev/null
echo "untrusted /tmp and home: refused; root-owned dir: runs; root: runs; mmap exec: refused; trusted gid: runs"
