# GNU coreutils from the host (glibc, its loader and libraries copied by boot-test) run:
# ls lists this suite, env passes a variable through.
. /rampart/lib.sh
version=$(/usr/bin/ls --version 2>&1 | head -n 1)
case "$version" in
*"GNU coreutils"*) ;;
*) die "/usr/bin/ls --version: expected GNU coreutils, got: $version" ;;
esac
listed=$(/usr/bin/ls -1 /rampart/suites/userspace 2>&1) || die "/usr/bin/ls failed: $listed"
printf '%s\n' "$listed" | grep -qx 01-coreutils.sh || die "ls did not list this case: $listed"
env_out=$(RAMPART_MARK=glibc-env /usr/bin/env 2>&1) || die "/usr/bin/env failed: $env_out"
printf '%s\n' "$env_out" | grep -qx RAMPART_MARK=glibc-env || die "env lost RAMPART_MARK: $env_out"
echo "$version: ls listed $(printf '%s\n' "$listed" | wc -l) names, env passed RAMPART_MARK"
