#!/bin/bash
# Run unit-test programs and test commands; print one closing summary line.
# Usage: run-checks.sh UNIT_TEST... -- SCRIPT...
# Every argument is one executable (a cmocka program or a test script); a test
# passes when it exits 0.  Output of each test goes to $OUT/test-logs/NAME.log and is
# printed when the test fails. Checks are counted too: a script's KTAP lines
# ("ok N ...", "not ok N ...", tests/ktap.sh) and a cmocka program's tests.
set -u
OUT=${OUT:-.output}
logs=$OUT/test-logs
mkdir -p "$logs"
pass=0 fail=0 failed=() checks=0 checks_failed=0
run() {
	local name=$1; shift
	local log="$logs/$(echo "$name" | tr '/ ' '__' | cut -c1-120).log"
	local t0=$(date +%s.%N)
	if "$@" > "$log" 2>&1; then
		pass=$((pass + 1)); status=PASS
	else
		fail=$((fail + 1)); status=FAIL; failed+=("$name")
	fi
	local ok_n no_n runs
	ok_n=$(grep -cE '^ok [0-9]+ |^\[       OK \] ' "$log")
	runs=$(grep -c '^\[ RUN      \] ' "$log")  # cmocka: RUN, then OK or not
	no_n=$(( $(grep -cE '^not ok [0-9]+ ' "$log") + runs - $(grep -c '^\[       OK \] ' "$log") ))
	checks=$((checks + ok_n + no_n)) checks_failed=$((checks_failed + no_n))
	printf '%-4s %6.1fs  %-46s %5d checks\n' "$status" "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')" "$name" $((ok_n + no_n))
	if [ $status = FAIL ]; then sed 's/^/    | /' "$log" | tail -60; fi
}
while [ $# -gt 0 ] && [ "$1" != "--" ]; do run "$1" "$1"; shift; done
[ $# -gt 0 ] && shift
for cmd in "$@"; do run "$cmd" "$cmd"; done
echo
[ ${#failed[@]} -gt 0 ] && printf 'failed: %s\n' "${failed[@]}"
echo "$pass passed, $fail failed ($checks checks, $checks_failed failed)"
[ $fail -eq 0 ]
