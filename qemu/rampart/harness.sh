# Guest test harness (sourced by /init). Each case is a script in
# /rampart/suites/<suite>/, run in name order; exit status 0 means pass and the
# last line it prints is the evidence. The host reads only these markers:
#   RAMPART-SUITE: BEGIN <suite> cases=<n>
#   RAMPART-CASE: BEGIN <name>
#   RAMPART-CASE: PASS|FAIL <name> :: <evidence>
#   RAMPART-SUITE: END <suite>
# Case output is echoed with a "  | " prefix so it is never mistaken for a marker.
#
# Markers go through the kernel log, which prints each record whole: written to
# the console's tty they could be cut by a kernel message printed while the tty
# was still sending them (a case loading a module right after its BEGIN line).

# marker TEXT: prints one marker line.
marker() {
	printf '<5>%s\n' "$*" 2>/dev/null >/dev/kmsg || echo "$*"
}

# Seconds a single case may run before it is stopped and failed (unless it says).
CASE_TIMEOUT=${CASE_TIMEOUT:-120}

# run_suite SUITE [PREFIX]: runs the suite's cases (only those starting with PREFIX).
run_suite() {
	suite=$1
	dir=/rampart/suites/$suite
	# Benchmarks run many interleaved rounds: give their cases more time.
	[ "$suite" = bench ] && CASE_TIMEOUT=900
	set -- "$dir"/"${2:-}"*.sh
	[ -e "$1" ] || set --
	marker "RAMPART-SUITE: BEGIN $suite cases=$#"
	for case_script in "$@"; do
		name=$(basename "$case_script" .sh)
		marker "RAMPART-CASE: BEGIN $name"
		# A case may ask for more time with a line `# case-timeout: SECONDS`.
		limit=$(sed -n 's/^# case-timeout: \([0-9][0-9]*\)$/\1/p' "$case_script" | head -n 1)
		# Output goes to a file, not a pipe: a background process a case leaves
		# behind cannot keep the harness waiting.
		timeout "${limit:-$CASE_TIMEOUT}" sh "$case_script" >/tmp/rampart-case.out 2>&1
		rc=$?
		out=$(cat /tmp/rampart-case.out)
		printf '%s\n' "$out" | sed 's/^/  | /'
		evidence=$(printf '%s\n' "$out" | tail -n 1)
		if [ "$rc" -eq 0 ]; then
			marker "RAMPART-CASE: PASS $name :: $evidence"
		else
			marker "RAMPART-CASE: FAIL $name :: exit $rc: $evidence"
		fi
	done
	marker "RAMPART-SUITE: END $suite"
}
