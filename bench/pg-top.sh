#!/bin/bash
# pgbench's TPS on a throwaway PostgreSQL 15 cluster, untraced, under
# examples/pg/pg-top (transaction, query, lock and checkpoint probes on,
# its own typed handlers), and under bpftrace tracing the same transaction
# and query probes (counts and a latency histogram, as pg-top keeps):
# alternating runs (the order rotates each round), medians, ratios to the
# untraced runs of the same rounds. Target: pg-top under 5% TPS loss.
# Environment: ROUNDS (5), SECONDS_PER_RUN (8), CLIENTS (2), SCALE (10).
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-5} SECS=${SECONDS_PER_RUN:-8} CLIENTS=${CLIENTS:-2} SCALE=${SCALE:-10}
TOP=$OUT/examples/pg/pg-top
PG=/usr/lib/postgresql/15/bin
[ -x "$TOP" ] || { echo "bench: $TOP not built (make)" >&2; exit 1; }
bench_tracefs
D=$(mktemp -d /tmp/tsdt-bench-pg.XXXXXX)
trap 'kill $TP 2>/dev/null; scripts/pg-server.sh stop "$D"; rm -rf "$D"' EXIT
TP=
PG_SHARED_BUFFERS=128MB scripts/pg-server.sh start "$D" > "$D/env" || exit 1
eval "$(cat "$D/env")"
pgb() { (cd / && runuser -u postgres -- "$PG/pgbench" -h "$PGHOST" -p "$PGPORT" "$@"); }
pgb -i -q -s "$SCALE" postgres > /dev/null 2>&1
cat > "$D/bt" <<BT
usdt:$PG/postgres:postgresql:transaction__start { @start[pid] = nsecs; @xstart = count(); }
usdt:$PG/postgres:postgresql:transaction__commit /@start[pid]/ { @xact = hist(nsecs - @start[pid]); delete(@start[pid]); @commit = count(); }
usdt:$PG/postgres:postgresql:transaction__abort { @abort = count(); }
usdt:$PG/postgres:postgresql:query__start { @q[pid] = nsecs; @text[str(arg0, 64)] = count(); }
usdt:$PG/postgres:postgresql:query__done /@q[pid]/ { @query = hist(nsecs - @q[pid]); delete(@q[pid]); }
BT

run() { # run MODE: prints TPS
	local mode=$1 tps
	case $mode in
	pg-top) "$TOP" -p "$PG_PID" -i 1000 > "$D/top.out" 2> "$D/top.err" & TP=$!
		for i in $(seq 100); do grep -q 'handlers attached' "$D/top.err" && break; sleep 0.1; done ;;
	bpftrace) bpftrace "$D/bt" > "$D/bt.out" 2>&1 & TP=$!
		for i in $(seq 150); do grep -q '^Attaching' "$D/bt.out" && break; sleep 0.1; done
		sleep 1 ;;
	esac
	tps=$(pgb -n -c "$CLIENTS" -j "$CLIENTS" -T "$SECS" postgres 2>/dev/null |
		sed -nE 's/^tps = ([0-9.]+) .*/\1/p')
	if [ -n "$TP" ]; then kill -INT $TP; wait $TP 2>/dev/null; TP=; fi
	echo "${tps:-nan}"
}

echo "pgbench TPS: ${CLIENTS} clients, -T $SECS, scale $SCALE, $ROUNDS rounds; $(machine_line)"
modes=(none pg-top bpftrace)
for ((r = 0; r < ROUNDS; r++)); do
	line="round $((r + 1)):"
	for ((k = 0; k < 3; k++)); do
		m=${modes[(r + k) % 3]}
		t=$(run "$m")
		echo "$t" >> "$D/$m.tps"
		line="$line $m $t"
	done
	echo "$line"
done
n=$(median < "$D/none.tps") t=$(median < "$D/pg-top.tps") b=$(median < "$D/bpftrace.tps")
echo
printf '%-10s %12s %10s\n' MODE "TPS(median)" "vs none"
printf '%-10s %12s %10s\n' none "$n" 1.00x
printf '%-10s %12s %10s\n' pg-top "$t" "$(ratio "$t" "$n")"
printf '%-10s %12s %10s\n' bpftrace "$b" "$(ratio "$b" "$n")"
awk -v n="$n" -v t="$t" -v b="$b" 'BEGIN { printf "TPS loss: pg-top %.1f%%, bpftrace %.1f%% (target for pg-top: < 5%%)\n", 100 * (1 - t / n), 100 * (1 - b / n) }'
