#!/bin/bash
# Cost per probe hit: the same <sys/sdt.h> probe in the same program
# (bench/hitloop.c), fired N times in a tight loop, with
#   none      no tracer attached
#   tsdt      a TSDT_HANDLER that reads the argument and counts
#             (bench/hit-tsdt.bpf.c, attached with tsdt_program__attach)
#   tsdt_ps   the same handler on per-site perf-event uprobes (--per-site)
#   libbpf    a BPF_USDT handler doing the same work, attached with
#             libbpf's bpf_program__attach_usdt (bench/hit-libbpf.bpf.c)
#   bpftrace  usdt:BIN:tsdt_bench:hit { @c = count(); }
#   raw       the floor: a plain uprobe_multi program that counts and reads
#             one register, attached at the site's offset by libbpf's
#             bpf_program__attach_uprobe_multi (no spec, no cookie lookup)
# Runs are interleaved (each round runs every variant once, attaching and
# detaching each time); the table shows the median thread CPU time per
# iteration, the hits each tracer counted (must equal N) and the ratio to
# libbpf. Target: tsdt <= 1.0x libbpf (aim 0.9x).
#
# Usage: bench/hitcost.sh [N [ROUNDS]]      env: OUT (default .output)
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
N=${1:-500000}
ROUNDS=${2:-5}
BIN=$OUT/bench/hitloop
for f in "$BIN" "$OUT/bench/hit-libbpf"; do
	[ -x "$f" ] || { echo "hitcost: $f not built (make bench)" >&2; exit 1; }
done
VARIANTS="none libbpf bpftrace"
[ -x "$OUT/bench/hit-tsdt" ] && VARIANTS="none tsdt tsdt_ps libbpf bpftrace"
# site and semaphore file offsets for the raw variant, from tsdt list
read -r SITE_OFF SEM_OFF < <("$OUT/tsdt" list -v --json "$BIN" 2>/dev/null | python3 -c '
import json, sys
p = json.load(sys.stdin)["binaries"][0]["probes"][0]
print(p["sites"][0]["file_offset"], p["semaphore"]["offset"])' 2>/dev/null)
[ -n "${SEM_OFF:-}" ] && VARIANTS="$VARIANTS raw"
bench_tracefs

tmp=$(mktemp -d)
tracer=
cleanup() {
	[ -n "$tracer" ] && kill -INT "$tracer" 2>/dev/null && wait "$tracer" 2>/dev/null
	[ -n "${H_PID:-}" ] && kill "$H_PID" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

coproc H { exec "$BIN"; }
hl() { echo "$1" >&"${H[1]}"; read -r -t 60 -u "${H[0]}" reply; echo "$reply"; }

# bpftrace raises the semaphore itself before its uprobe is in place, so
# readiness is its BEGIN probe, which fires once every probe is attached.
start_bpftrace() {
	bpftrace -p "$H_PID" -e "usdt:$BIN:tsdt_bench:hit { @c = count(); } BEGIN { printf(\"ready\\n\"); }" > "$tmp/out" 2>&1 & tracer=$!
	for _ in $(seq 20000); do
		grep -q '^ready' "$tmp/out" && break
		kill -0 $tracer 2>/dev/null || break
		sleep 0.001
	done
}
# Wait for a line starting with $1 in the tracer's output (its own "ready":
# per-site uprobes raise the semaphore at perf_event_open, before the BPF
# program is attached to them).
wait_out() {
	for _ in $(seq 20000); do
		grep -q "^$1" "$tmp/out" && return 0
		kill -0 $tracer 2>/dev/null || return 1
		sleep 0.001
	done
	return 1
}
start_tsdt()     { "$OUT/bench/hit-tsdt" "$H_PID" "$BIN" > "$tmp/out" 2>&1 & tracer=$!; wait_out attached; }
start_tsdt_ps()  { "$OUT/bench/hit-tsdt" --per-site "$H_PID" "$BIN" > "$tmp/out" 2>&1 & tracer=$!; wait_out attached; }
start_libbpf()   { "$OUT/bench/hit-libbpf" "$H_PID" "$BIN" tsdt_bench hit > "$tmp/out" 2>&1 & tracer=$!; wait_out attached; }
start_raw()      { "$OUT/bench/hit-libbpf" --raw "$H_PID" "$BIN" "$SITE_OFF" "$SEM_OFF" > "$tmp/out" 2>&1 & tracer=$!; wait_out attached; }
hits_of() {
	case $1 in
	bpftrace) sed -n 's/^@c: \([0-9]*\)$/\1/p' "$tmp/out" ;;
	*)        sed -n 's/^hits \([0-9]*\)$/\1/p' "$tmp/out" ;;
	esac
}

hl "r $N" > /dev/null   # warm up
for r in $(seq "$ROUNDS"); do
	for v in $VARIANTS; do
		if [ $v = none ]; then
			hl "r $N" >> "$tmp/ns.$v"
			continue
		fi
		"start_$v"
		if [ "$(hl w)" != ok ]; then
			echo "hitcost: $v did not attach:" >&2; cat "$tmp/out" >&2
			kill -INT $tracer; wait $tracer; tracer=
			continue
		fi
		hl "r $N" >> "$tmp/ns.$v"
		kill -INT $tracer; wait $tracer; tracer=
		h=$(hits_of $v)
		echo "${h:-0}" >> "$tmp/hits.$v"
		[ "$(hl z)" = ok ] || echo "hitcost: $v left the semaphore raised" >&2
	done
done

echo "Cost per hit: $N hits x $ROUNDS interleaved rounds; $(machine_line)"
printf '%-10s %12s %12s %10s %10s\n' variant "ns/hit" "-none" hits "vs libbpf"
base=$(median < "$tmp/ns.none")
lib=$(median < "$tmp/ns.libbpf" 2>/dev/null || echo nan)
libnet=$(awk -v a="$lib" -v b="$base" 'BEGIN { print a - b }')
for v in $VARIANTS; do
	m=$(median < "$tmp/ns.$v" 2>/dev/null || echo nan)
	net=$(awk -v a="$m" -v b="$base" 'BEGIN { printf "%.1f", a - b }')
	h=-
	[ -f "$tmp/hits.$v" ] && h=$(median < "$tmp/hits.$v")
	printf '%-10s %12s %12s %10s %10s\n' $v "$m" "$net" "$h" "$(ratio "$m" "$lib")"
done
