#!/bin/bash
# How long `tsdt list` takes on the largest binary with USDT probes found on
# this machine, against `readelf -n` on the same file, in the same run:
# interleaved runs (tsdt, tsdt -v --json, readelf, tsdt, ...), medians,
# ratios. Each sample runs the command REPS times back to back, so process
# start-up is part of both sides, as a user sees it.
#
#   bench/list.sh [FILE...]     default: search the usual places
#   RUNS=21 REPS=5 BENCH_LIST_SEARCH=1 (search all of /usr, slower)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
TSDT=${OUT}/tsdt
RUNS=${RUNS:-21}
REPS=${REPS:-5}

notes() { readelf -n "$1" 2>/dev/null | grep -c NT_STAPSDT || true; }

if [ $# -gt 0 ]; then
	cands=("$@")
elif [ -n "${BENCH_LIST_SEARCH:-}" ]; then
	mapfile -t cands < <(find /usr /opt -xdev -type f -size +1M \
		\( -name '*.so*' -o -perm -u+x \) 2>/dev/null)
else
	cands=(/usr/lib/jvm/*/lib/server/libjvm.so
	       /usr/lib/postgresql/*/bin/postgres
	       /usr/lib/x86_64-linux-gnu/libstdc++.so.6
	       /usr/lib/x86_64-linux-gnu/libpython3*.so.1.0
	       /usr/bin/python3.11 /usr/lib/x86_64-linux-gnu/libc.so.6
	       /usr/bin/node /usr/lib/x86_64-linux-gnu/libruby*.so.*)
fi
best= best_size=0
declare -A seen=()
for f in "${cands[@]}"; do
	[ -f "$f" ] || continue
	f=$(realpath "$f")
	[ -z "${seen[$f]:-}" ] || continue
	seen[$f]=1
	n=$(notes "$f")
	[ "$n" -gt 0 ] || continue
	s=$(stat -c %s "$f")
	if [ "$s" -gt "$best_size" ]; then best=$f best_size=$s; fi
done
[ -n "$best" ] || { echo "bench/list: no binary with probes found"; exit 1; }

sample() { # cmd... -> ms per run
	local t0 t1
	t0=$(now)
	for ((r = 0; r < REPS; r++)); do "$@" > /dev/null 2>&1 || true; done
	t1=$(now)
	awk -v a="$t0" -v b="$t1" -v n="$REPS" 'BEGIN { printf "%.3f\n", (b - a) * 1000 / n }'
}

tl=() tv=() re=()
for ((i = 0; i < RUNS; i++)); do
	tl+=("$(sample "$TSDT" list "$best")")
	tv+=("$(sample "$TSDT" list -v --json "$best")")
	re+=("$(sample readelf -n "$best")")
done
m_tl=$(printf '%s\n' "${tl[@]}" | median)
m_tv=$(printf '%s\n' "${tv[@]}" | median)
m_re=$(printf '%s\n' "${re[@]}" | median)
nn=$(notes "$best")
np=$("$TSDT" list "$best" 2>/dev/null | grep -c '^  ' || true)

echo "tsdt list vs readelf -n ($(machine_line))"
echo "file: $best ($((best_size / 1024 / 1024)) MiB, $nn notes, $np probes)"
echo "runs: $RUNS interleaved samples of $REPS runs each; medians in ms per run"
printf '  %-28s %8s ms   %s\n' "tsdt list" "$m_tl" "$(ratio "$m_tl" "$m_re") readelf"
printf '  %-28s %8s ms   %s\n' "tsdt list -v --json" "$m_tv" "$(ratio "$m_tv" "$m_re") readelf"
printf '  %-28s %8s ms\n' "readelf -n" "$m_re"
