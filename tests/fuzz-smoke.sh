#!/bin/bash
# Run every built fuzzer briefly: first replay the crash regressions kept in
# fuzz/crashes/NAME/ (each a past crash, now a test), then fuzz for FUZZ_SMOKE
# seconds from the seed corpus fuzz/corpus/NAME/. New findings land in
# $OUT/fuzz/findings-NAME/ and fail the run.
set -u -o pipefail
OUT=${OUT:-.output}
T=${FUZZ_SMOKE:-5}
cd "$(dirname "$0")/.."
rc=0 n=0
for f in "$OUT"/fuzz/*; do
	[ -x "$f" ] && [ -f "$f" ] || continue
	name=${f##*/}
	n=$((n + 1))
	if [ -d "fuzz/crashes/$name" ] && ls "fuzz/crashes/$name"/* >/dev/null 2>&1; then
		echo "== $name: replaying fuzz/crashes/$name"
		"$f" "fuzz/crashes/$name"/* >/dev/null 2>&1 || { echo "regression in $name"; rc=1; }
	fi
	work="$OUT/fuzz/corpus-$name"; found="$OUT/fuzz/findings-$name"
	mkdir -p "$work" "$found"
	seeds=; [ -d "fuzz/corpus/$name" ] && seeds="fuzz/corpus/$name"
	echo "== $name: fuzzing for ${T}s"
	if ! "$f" -max_total_time="$T" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$found/" "$work" $seeds 2>&1 | tail -3; then
		rc=1
	fi
	if ls "$found"/* >/dev/null 2>&1; then
		echo "$name found: $(ls "$found")"; rc=1
	fi
done
[ $n -gt 0 ] || { echo "no fuzzers built"; exit 1; }
exit $rc
