# Scripts run through the kernel's #! handling by the host's bash and dash (dash named
# /bin/dash, a link boot-test makes in the guest's busybox /bin).
. /rampart/lib.sh
cat > /tmp/bash-script <<'SCRIPT'
#!/usr/bin/bash
set -euo pipefail
words=(alpha beta gamma)
[[ ${#words[@]} -eq 3 ]]
echo "bash ${BASH_VERSINFO[0]}.${BASH_VERSINFO[1]}: ${words[*]^^}"
SCRIPT
cat > /tmp/dash-script <<'SCRIPT'
#!/bin/dash
n=0
for i in 1 2 3 4; do n=$((n + i)); done
echo "dash: sum $n"
SCRIPT
chmod 755 /tmp/bash-script /tmp/dash-script
b=$(/tmp/bash-script 2>&1) || die "bash script failed: $b"
case "$b" in
"bash "*": ALPHA BETA GAMMA") ;;
*) die "bash script printed: $b" ;;
esac
d=$(/tmp/dash-script 2>&1) || die "dash script failed: $d"
[ "$d" = "dash: sum 10" ] || die "dash script printed: $d"
echo "$b; $d"
