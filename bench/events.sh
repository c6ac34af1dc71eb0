#!/bin/bash
# Event delivery through `tsdt trace`: one traced thread fires
# tsdt_bench:hit(i) N times as fast as it can (bench/hitloop --burst N,
# started with -c); every hit is an event decoded and formatted by tsdt
# trace into /dev/null (text, and --json). tsdt_thit and json_thit: the same
# with the <sys/tsdt.h> probe tsdt_bench:thit (hitloop --tsdt), which tsdt
# attaches at its five-byte nop (optimized uprobe: no trap). Rate = events delivered / the
# traced loop's wall time; lost events are shown (target: 1.5 M events/s
# per traced thread with zero loss). Peer: bpftrace printing the argument
# of each hit (perf buffer), -c, output to /dev/null, N/10 hits.
# Each round runs every variant once (interleaved); medians.
#
# Usage: bench/events.sh [N [ROUNDS]]     env: OUT (default .output)
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
N=${1:-2000000}
ROUNDS=${2:-3}
BIN=$OUT/bench/hitloop
TSDT=$OUT/tsdt
for f in "$BIN" "$TSDT"; do
	[ -x "$f" ] || { echo "events: $f not built (make bench)" >&2; exit 1; }
done
bench_tracefs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# each variant appends "rate_per_s events lost loop_ms" to $tmp/r.NAME
parse_loop() { sed -nE 's/^hitloop ([0-9]+) ([0-9]+) ([0-9]+)$/\2/p' "$1"; }
record() { # NAME EVENTS LOST LOOP_NS
	awk -v e="$2" -v l="$3" -v ns="$4" 'BEGIN {
		if (ns <= 0) { print "nan", e, l, "nan"; exit }
		printf "%.0f %d %d %.1f\n", e / (ns / 1e9), e, l, ns / 1e6 }' >> "$tmp/r.$1"
}
run_none() {
	"$BIN" --burst "$N" 2> "$tmp/err"
	record none "$N" 0 "$(parse_loop "$tmp/err")"
}
run_tsdt() { # NAME PROBE extra-args...
	local name=$1 probe=$2 hl=; shift 2
	[ $probe = thit ] && hl=--tsdt
	# one process, as the peers (following adds a lookup per hit: bench/follow.sh)
	"$TSDT" trace --no-follow "$@" -o /dev/null -c "$BIN $hl --burst $N" tsdt_bench:$probe 2> "$tmp/err"
	local ev lost
	read -r ev lost < <(sed -nE 's/^tsdt trace: ([0-9]+) events, ([0-9]+) lost.*/\1 \2/p' "$tmp/err")
	record "$name" "${ev:-0}" "${lost:-nan}" "$(parse_loop "$tmp/err")"
}
# bpftrace is ~20x slower per event: it runs N/10 hits (a rate is a rate)
BT_N=$((N / 10))
run_bpftrace() {
	bpftrace -o /dev/null -c "$BIN --burst $BT_N" \
		-e "usdt:$BIN:tsdt_bench:hit { printf(\"%d\\n\", arg0); }" 2> "$tmp/err" > /dev/null
	# bpftrace reports drops as "Lost N events" (in its output file)
	local lost
	lost=$(sed -nE 's/.*Lost ([0-9]+) events.*/\1/p' "$tmp/err" | awk '{ s += $1 } END { print s + 0 }')
	record bpftrace $((BT_N - lost)) "$lost" "$(parse_loop "$tmp/err")"
}

VARIANTS="none tsdt tsdt_json tsdt_thit json_thit bpftrace"
for r in $(seq "$ROUNDS"); do
	run_none
	run_tsdt tsdt hit
	run_tsdt tsdt_json hit --json
	run_tsdt tsdt_thit thit
	run_tsdt json_thit thit --json
	run_bpftrace
done

echo "Event delivery, one traced thread, $N hits x $ROUNDS interleaved rounds; $(machine_line)"
printf '%-10s %14s %12s %10s %10s %10s\n' variant "events/s" events lost "loop ms" "vs bpftrace"
bt=$(cut -d' ' -f1 "$tmp/r.bpftrace" | median)
for v in $VARIANTS; do
	rate=$(cut -d' ' -f1 "$tmp/r.$v" | median)
	printf '%-10s %14.0f %12.0f %10.0f %10.1f %10s\n' $v "$rate" \
		"$(cut -d' ' -f2 "$tmp/r.$v" | median)" "$(cut -d' ' -f3 "$tmp/r.$v" | median)" \
		"$(cut -d' ' -f4 "$tmp/r.$v" | median)" "$(ratio "$rate" "$bt")"
done
echo "(none: the loop's rate with no tracer; lost: median of rounds, max $(cat "$tmp"/r.tsdt* "$tmp"/r.json* | cut -d' ' -f3 | sort -n | tail -1) for tsdt)"
