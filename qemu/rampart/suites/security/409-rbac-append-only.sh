# An append-only right (`a`, with `c` on the directory, as a log directory has) allows
# appending and nothing that destroys what is there: no O_TRUNC open, no ftruncate, no
# clearing O_APPEND to pwrite at 0, no fallocate(PUNCH_HOLE), no rename over the file,
# no RENAME_EXCHANGE.
. /rampart/lib.sh
load rampart_rbac
LOGGER=/usr/sbin/rampart-logger
mkdir -p /usr/sbin /var/log/app/incoming || die "mkdir failed"
cp /bin/rampart-attack $LOGGER || die "copying the logger failed"
printf 'line 1\n' > /var/log/app/app.log
cat > /tmp/append.policy <<'POLICY'
role default
  subject /
    /   rwacdx
  subject /usr/sbin/rampart-logger
    /var/log/app            ac
    /var/log/app/incoming   rwcd
POLICY
rampart-policy load /tmp/append.policy >/dev/null || die "loading the policy failed"
rampart-policy enforce || die "enforce"
expect_output "append: done" $LOGGER unappend append /var/log/app/app.log
for how in open-trunc ftruncate setfl punch; do
	out=$($LOGGER unappend $how /var/log/app/app.log 2>&1)
	case "$out" in
	*EACCES*) ;;
	*) die "append-only log, $how: $out" ;;
	esac
done
[ "$(head -n 1 /var/log/app/app.log)" = "line 1" ] || die "the log was changed: $(cat /var/log/app/app.log)"
echo spare > /var/log/app/incoming/new
expect_output "rename-over: done" $LOGGER unappend rename-over /var/log/app/incoming/b /var/log/app/incoming/new
# Kernel pseudo-files are no policy objects: a confined program opens a pidfd and a pipe.
expect_output "pseudo-files: done" $LOGGER pseudo-files
# Renames are judged by path_rename, which the fallback does not probe (docs/hook-modes.md).
renames="rename over, RENAME_EXCHANGE: EACCES"
for how in rename-over exchange; do
	echo replaced > /var/log/app/incoming/new
	out=$($LOGGER unappend $how /var/log/app/app.log /var/log/app/incoming/new 2>&1)
	case "$(expected_hooks):$out" in
	lsm:*EACCES*) ;;
	fallback:*done*) renames="rename over, RENAME_EXCHANGE: not enforced in fallback mode, as documented" ;;
	*) die "append-only log, $how: $out" ;;
	esac
done
rampart-policy off || die "off"
events >/dev/null
echo "append: done; O_TRUNC, ftruncate, F_SETFL, PUNCH_HOLE: EACCES, the log intact; $renames; pidfd_open and pipe: ok"
