#!/bin/bash
# Time to attach to every probe site of PostgreSQL 15's postgres binary
# (71 sites, 57 probes), and to detach (the tracer's exit after SIGINT):
#   tsdt      tsdt trace '/usr/lib/postgresql/15/bin/postgres:*:*' -o /dev/null
#             attached when it prints "Tracing ..." on stderr
#   tsdt_nowarm  the same with TSDT_NO_WARM_UP=1: without the thread that
#             starts the kernel's RCU grace period for uprobe registration
#             early (attach/trace-startup.c, which reads the variable),
#             to show what it buys
#   bpftrace  bpftrace -e 'usdt:BIN:* { @[probe] = count(); }'
#             attached when its BEGIN probe prints (bpftrace fires BEGIN
#             after every other probe is attached)
# All are measured from process start (parsing, loading, attaching) to
# readiness, and from SIGINT to exit; each round runs each once,
# interleaved, every run starting cold (see below).
# Table: medians; ratios bpftrace / tsdt (targets: attach >= 10x, detach
# >= 100x). Then the breakdown of tsdt's attach, from `tsdt trace -v`'s
# timing lines (library-side CLOCK_MONOTONIC around each step): the floor
# is the uprobe_multi link creation, which waits for one RCU grace period
# (bench/linkcost.c measures it alone).
#
# Usage: bench/attach.sh [ROUNDS]      env: OUT (default .output), PG_BIN
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${1:-3}
PG=${PG_BIN:-/usr/lib/postgresql/15/bin}/postgres
TSDT=$OUT/tsdt
[ -x "$TSDT" ] || { echo "attach: $TSDT not built" >&2; exit 1; }
[ -x "$PG" ] || { echo "attach: $PG not found" >&2; exit 1; }
bench_tracefs

tmp=$(mktemp -d)
tracer=
cleanup() {
	[ -n "$tracer" ] && kill -INT "$tracer" 2>/dev/null && wait "$tracer" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
mkfifo "$tmp/fifo"

# run_one NAME WORD CMD...: start CMD with its ready-reporting stream on
# the fifo, wait for a line starting with WORD, SIGINT it, time both.
run_one() {
	local name=$1 word=$2 t0 t1 t2 line ok=0
	shift 2
	t0=$(now)
	"$@" > "$tmp/fifo" 2>&1 &
	tracer=$!
	exec {fd}< "$tmp/fifo"
	while read -r -t 30 -u $fd line; do
		case $line in "$word"*) ok=1; break;; esac
		echo "$line" >> "$tmp/log.$name"
	done
	t1=$(now)
	if [ $ok = 0 ]; then
		echo "attach: $name never became ready:" >&2; cat "$tmp/log.$name" >&2
		exec {fd}<&-
		kill -INT $tracer; wait $tracer; tracer=
		return 1
	fi
	# keep draining the fifo so the tracer never blocks on output
	cat <&$fd > /dev/null &
	local drain=$!
	n=$(bpftool link show 2>/dev/null | grep -c uprobe_multi)
	p=$(bpftool perf show 2>/dev/null | grep -c uprobe)
	echo "$n $p" >> "$tmp/links.$name"
	sleep 0.3 # traced for a while, as in real use
	t2=$(now)
	kill -INT $tracer
	wait $tracer
	t3=$(now)
	tracer=
	wait $drain
	exec {fd}<&-
	elapsed_ms "$t0" "$t1" >> "$tmp/attach.$name"
	elapsed_ms "$t2" "$t3" >> "$tmp/detach.$name"
}

# Every run starts cold, 0.5 s after the previous tool ended: a uprobe
# (un)registration less than about one RCU grace period earlier (such as
# the previous tool's detach) leaves the kernel's fast path open and makes
# the next attach ~10 ms cheaper, whichever tool it is. (Without the
# pauses, tsdt_nowarm, run right after tsdt's exit, came out fastest.)
for r in $(seq "$ROUNDS"); do
	sleep 0.5
	run_one tsdt Tracing "$TSDT" trace "$PG:*:*" -o /dev/null
	sleep 0.5
	run_one tsdt_nowarm Tracing env TSDT_NO_WARM_UP=1 "$TSDT" trace "$PG:*:*" -o /dev/null
	sleep 0.5
	run_one bpftrace ready bpftrace -e "usdt:$PG:* { @[probe] = count(); } BEGIN { printf(\"ready\\n\"); }"
done

echo "Attach to / detach from all probe sites of $PG: $ROUNDS interleaved rounds; $(machine_line)"
printf '%-10s %12s %12s %24s\n' tracer "attach ms" "detach ms" "links (multi, perf)"
for v in tsdt tsdt_nowarm bpftrace; do
	printf '%-10s %12s %12s %24s\n' $v "$(median < "$tmp/attach.$v")" \
		"$(median < "$tmp/detach.$v")" "$(tail -1 "$tmp/links.$v" 2>/dev/null)"
done
a=$(ratio "$(median < "$tmp/attach.bpftrace")" "$(median < "$tmp/attach.tsdt")")
d=$(ratio "$(median < "$tmp/detach.bpftrace")" "$(median < "$tmp/detach.tsdt")")
w=$(ratio "$(median < "$tmp/attach.bpftrace")" "$(median < "$tmp/attach.tsdt_nowarm")")
echo "bpftrace / tsdt: attach $a (target >= 10x), detach $d (target >= 100x); without the warm-up thread: attach $w"

# Breakdown: tsdt trace -v without the warm-up, $ROUNDS times, 0.5 s apart
# (so that no earlier uprobe (un)registration leaves the grace period
# open). With the warm-up, -v's own logging delays the grace period it
# starts (the link then waits as long as without it), so the warm-up's gain
# is read from the table above, not from -v.
for r in $(seq "$ROUNDS"); do
	for v in tsdt_nowarm; do
		sleep 0.5
		if [ $v = tsdt_nowarm ]; then export TSDT_NO_WARM_UP=1; else unset TSDT_NO_WARM_UP; fi
		"$TSDT" trace -v "$PG:*:*" -o /dev/null 2> "$tmp/v" &
		tracer=$!
		for i in $(seq 100); do grep -q '^Tracing' "$tmp/v" && break; sleep 0.05; done
		kill -INT $tracer; wait $tracer; tracer=
		sed -n 's/.*trace: timing: start \([0-9.]*\) ms = load (maps, verifier) \([0-9.]*\) ms.*/\1 \2/p' "$tmp/v" |
			while read -r st ld; do
				echo "$st" >> "$tmp/start.$v"; echo "$ld" >> "$tmp/load.$v"
			done
		sed -n 's/.*uprobe_multi link create, [0-9]* sites: \([0-9.]*\) ms.*/\1/p' "$tmp/v" >> "$tmp/link.$v"
	done
done
unset TSDT_NO_WARM_UP
echo "Breakdown of tsdt's attach (tsdt trace -v, medians of $ROUNDS; ms):"
printf '%-12s %18s %18s %18s\n' variant "tracer start" "load+verify" "link create"
for v in tsdt_nowarm; do
	printf '%-12s %18s %18s %18s\n' $v "$(median < "$tmp/start.$v")" \
		"$(median < "$tmp/load.$v")" "$(median < "$tmp/link.$v")"
done
echo "(tracer start: tsdt_tracer__start(), from after the catalogue to ready;"
echo " link create: the uprobe_multi BPF_LINK_CREATE alone, which without the"
echo " warm-up is one RCU grace period, 8-12 ms here, whatever the site count)"
