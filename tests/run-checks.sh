#!/bin/bash
# Run unit-test programs and test commands; print one closing summary line.
# Usage: run-checks.sh UNIT_TEST... -- SCRIPT...
# Every argument is one executable (a cmocka program or a test script); a test
# passes when it exits 0.  Output of each test goes to $OUT/test-logs/NAME.log and is
# printed when the test fails.
set -u
OUT=${OUT:-.output}
logs=$OUT/test-logs
mkdir -p "$logs"
pass=0 fail=0 failed=()
run() {
	local name=$1; shift
	local log="$logs/$(echo "$name" | tr '/ ' '__' | cut -c1-120).log"
	local t0=$(date +%s.%N)
	if "$@" > "$log" 2>&1; then
		pass=$((pass + 1)); status=PASS
	else
		fail=$((fail + 1)); status=FAIL; failed+=("$name")
	fi
	printf '%-4s %6.1fs  %s\n' "$status" "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')" "$name"
	if [ $status = FAIL ]; then sed 's/^/    | /' "$log" | tail -60; fi
}
while [ $# -gt 0 ] && [ "$1" != "--" ]; do run "$1" "$1"; shift; done
[ $# -gt 0 ] && shift
for cmd in "$@"; do run "$cmd" "$cmd"; done
echo
[ ${#failed[@]} -gt 0 ] && printf 'failed: %s\n' "${failed[@]}"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
