# Settings change only with CAP_MAC_ADMIN: uid 0 with every capability dropped cannot
# turn a module off, whether it opens the file itself or holds a descriptor opened
# while it still had them.
. /rampart/lib.sh
load rampart_rbac
before=$(cat $RBAC/mode)
echo audit > $RBAC/mode || die "root with capabilities could not set the mode"
for how in nocap-write nocap-write-held; do
	out=$(rampart-attack $how $RBAC/mode off 2>&1)
	case "$out" in
	*EPERM*) ;;
	*) echo "$before" > $RBAC/mode; die "$how: $out" ;;
	esac
	[ "$(cat $RBAC/mode)" = audit ] || die "$how changed the mode to $(cat $RBAC/mode)"
done
echo "$before" > $RBAC/mode || die "restoring the mode failed"
echo "uid 0 without capabilities: $out; mode unchanged"
