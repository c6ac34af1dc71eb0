#!/bin/bash
# Cost per probe hit, in two passes over two probes of the same program
# (bench/hitloop.c), each fired N times in a tight loop:
#
# 1. tsdt_bench:hit, a plain <sys/sdt.h> probe (one-byte nop), with
#   none      no tracer attached
#   tsdt      a TSDT_HANDLER that reads the argument and counts
#             (bench/hit-tsdt.bpf.c, attached with tsdt_program__attach)
#   tsdt_ps   the same handler on per-site perf-event uprobes (--per-site)
#   libbpf    a BPF_USDT handler doing the same work, attached with
#             libbpf's bpf_program__attach_usdt (bench/hit-libbpf.bpf.c)
#   bpftrace  usdt:BIN:tsdt_bench:hit { @c = count(); }
#   raw       the floor of a trapping uprobe: a plain uprobe_multi program
#             that counts and reads one register, attached at the site's
#             offset by libbpf's bpf_program__attach_uprobe_multi (no spec,
#             no cookie lookup)
# 2. tsdt_bench:thit, the same probe written with <sys/tsdt.h> (a one-byte
#    nop, then a five-byte nop 128 bytes below %rsp), with
#   none, libbpf, bpftrace   as above (they attach at the one-byte nop)
#   tsdt      the same handler, which libtsdt attaches at the five-byte nop:
#             an optimized uprobe (Linux 6.18+, x86-64), a call instead of
#             a trap once it has been hit
#   tsdt_nop1 the same handler at the one-byte nop (no_nop5), for reference
# Runs are interleaved (each round runs every variant of the pass once,
# attaching and detaching each time); each table shows the median thread
# CPU time per iteration, the hits each tracer counted (must equal N) and
# the ratio to libbpf on the same probe. Target: tsdt <= 1.0x libbpf (aim
# 0.9x).
#
# Usage: bench/hitcost.sh [N [ROUNDS]]      env: OUT (default .output)
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
N=${1:-500000}
ROUNDS=${2:-5}
BIN=$OUT/bench/hitloop
for f in "$BIN" "$OUT/bench/hit-libbpf" "$OUT/bench/hit-tsdt"; do
	[ -x "$f" ] || { echo "hitcost: $f not built (make bench)" >&2; exit 1; }
done
# site and semaphore file offsets of tsdt_bench:hit for the raw variant
read -r SITE_OFF SEM_OFF < <("$OUT/tsdt" list -v --json "$BIN" 2>/dev/null | python3 -c '
import json, sys
for p in json.load(sys.stdin)["binaries"][0]["probes"]:
    if p["name"] == "hit":
        print(p["sites"][0]["file_offset"], p["semaphore"]["offset"])' 2>/dev/null)
bench_tracefs

tmp=$(mktemp -d)
tracer=
H_PID=
cleanup() {
	[ -n "$tracer" ] && kill -INT "$tracer" 2>/dev/null && wait "$tracer" 2>/dev/null
	[ -n "$H_PID" ] && kill "$H_PID" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# bpftrace raises the semaphore itself before its uprobe is in place, so
# readiness is its BEGIN probe, which fires once every probe is attached.
start_bpftrace() {
	bpftrace -p "$H_PID" -e "usdt:$BIN:tsdt_bench:$1 { @c = count(); } BEGIN { printf(\"ready\\n\"); }" > "$tmp/out" 2>&1 & tracer=$!
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
tsdt_flags() { [ "$1" = thit ] && echo --tsdt; }
start_tsdt()      { "$OUT/bench/hit-tsdt" $(tsdt_flags $1) "$H_PID" "$BIN" > "$tmp/out" 2>&1 & tracer=$!; wait_out attached; }
start_tsdt_ps()   { "$OUT/bench/hit-tsdt" --per-site $(tsdt_flags $1) "$H_PID" "$BIN" > "$tmp/out" 2>&1 & tracer=$!; wait_out attached; }
start_tsdt_nop1() { "$OUT/bench/hit-tsdt" --nop1 $(tsdt_flags $1) "$H_PID" "$BIN" > "$tmp/out" 2>&1 & tracer=$!; wait_out attached; }
start_libbpf()    { "$OUT/bench/hit-libbpf" "$H_PID" "$BIN" tsdt_bench $1 > "$tmp/out" 2>&1 & tracer=$!; wait_out attached; }
start_raw()       { "$OUT/bench/hit-libbpf" --raw "$H_PID" "$BIN" "$SITE_OFF" "$SEM_OFF" > "$tmp/out" 2>&1 & tracer=$!; wait_out attached; }
hits_of() {
	case $1 in
	bpftrace) sed -n 's/^@c: \([0-9]*\)$/\1/p' "$tmp/out" ;;
	*)        sed -n 's/^hits \([0-9]*\)$/\1/p' "$tmp/out" ;;
	esac
}
hl() { echo "$1" >&"${H[1]}"; read -r -t 60 -u "${H[0]}" reply; echo "$reply"; }

# pass PROBE KIND HITLOOP_ARG VARIANT...: one table
pass() {
	local probe=$1 kind=$2 hlarg=$3 r v m net h base lib
	shift 3
	rm -f "$tmp"/ns.* "$tmp"/hits.*
	coproc H { exec "$BIN" $hlarg; }
	H_PID=$!
	hl "r $N" > /dev/null   # warm up
	for r in $(seq "$ROUNDS"); do
		for v in "$@"; do
			if [ $v = none ]; then
				hl "r $N" >> "$tmp/ns.$v"
				continue
			fi
			"start_$v" "$probe"
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
	echo q >&"${H[1]}"
	wait "$H_PID" 2>/dev/null
	H_PID=

	echo "Cost per hit, tsdt_bench:$probe ($kind): $N hits x $ROUNDS interleaved rounds; $(machine_line)"
	printf '%-10s %12s %12s %10s %10s\n' variant "ns/hit" "-none" hits "vs libbpf"
	base=$(median < "$tmp/ns.none")
	lib=$(median < "$tmp/ns.libbpf" 2>/dev/null || echo nan)
	for v in "$@"; do
		m=$(median < "$tmp/ns.$v" 2>/dev/null || echo nan)
		net=$(awk -v a="$m" -v b="$base" 'BEGIN { printf "%.1f", a - b }')
		h=-
		[ -f "$tmp/hits.$v" ] && h=$(median < "$tmp/hits.$v")
		printf '%-10s %12s %12s %10s %10s\n' $v "$m" "$net" "$h" "$(ratio "$m" "$lib")"
	done
}

V="none tsdt tsdt_ps libbpf bpftrace"
[ -n "${SEM_OFF:-}" ] && V="$V raw"
pass hit "<sys/sdt.h>: one-byte nop" "" $V
echo
pass thit "<sys/tsdt.h>: nop, lea, five-byte nop, lea" --tsdt none tsdt tsdt_nop1 tsdt_ps libbpf bpftrace
