# Setuid files made without chmod: open(O_CREAT, 04755) and mknod(S_IFREG|04755)
# under umask 0, and a file capability set with setxattr, all refused inside a chroot;
# a plain file is still created.
. /rampart/lib.sh
load rampart_ns
make_jail
a=$(expect_contained create-setuid /tmp/suid-created) || die "$a"
b=$(expect_contained mknod-setuid /tmp/suid-mknod) || die "$b"
in_jail /bin/touch /tmp/capfile || die "touch failed"
c=$(expect_contained setcap /tmp/capfile) || die "$c"
in_jail /bin/touch /tmp/plain || die "a plain file could not be created"
take_events
seen_event '"decision":"deny"' "setuid/setgid" >/dev/null
seen_event '"decision":"deny"' "file capability" >/dev/null
echo "$a; $b; $c"
