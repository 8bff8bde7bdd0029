# A hidden object is as if it did not exist: not listed by readdir (getdents64),
# ENOENT from access(2) and from an O_PATH open, as from stat and open. The
# fallback hooks neither listings, access(2) nor O_PATH opens (docs/hook-modes.md):
# there the case records what it sees.
. /rampart/lib.sh
load rampart_rbac
mkdir -p /srv/vault/inner /usr/sbin || die "mkdir failed"
echo secret > /srv/vault/inner/key
echo plain > /srv/vault/readme
cp /bin/rampart-attack /usr/sbin/rampart-peek || die "copying the peeker failed"
cat > /tmp/hidden.policy <<'POLICY'
role default
  subject /
    /   rwacdx
  subject /usr/sbin/rampart-peek
    /                  rx
    /srv/vault/inner   h
POLICY
rampart-policy load /tmp/hidden.policy >/dev/null || die "loading the policy failed"
rampart-policy enforce || die "enforce"
listing=$(/usr/sbin/rampart-peek list /srv/vault 2>&1)
st=$(/usr/sbin/rampart-peek read /srv/vault/inner/key 2>&1)
ac=$(/usr/sbin/rampart-peek access /srv/vault/inner 2>&1)
op=$(/usr/sbin/rampart-peek opath /srv/vault/inner 2>&1)
ok=$(/usr/sbin/rampart-peek access /srv/vault/readme 2>&1)
rampart-policy off || die "off"
case "$st" in *ENOENT*) ;; *) die "open of a hidden file: $st" ;; esac
case "$ok" in *"access: done"*) ;; *) die "access(2) of a visible file: $ok" ;; esac
if [ "$(expected_hooks)" != lsm ]; then
	echo "fallback: open ENOENT; listing '$(echo $listing)', access '$ac', O_PATH '$op' not judged, as documented"
	exit 0
fi
case "$listing" in *inner*) die "readdir lists the hidden directory: $listing" ;; esac
case "$listing" in *readme*) ;; *) die "readdir lost a visible entry: $listing" ;; esac
case "$ac" in *ENOENT*) ;; *) die "access(2) of a hidden directory: $ac" ;; esac
case "$op" in *ENOENT*) ;; *) die "O_PATH open of a hidden directory: $op" ;; esac
echo "listing: $(echo $listing); access: ENOENT; O_PATH: ENOENT; open: ENOENT"
