#!/bin/bash
# pgbench's TPS on a throwaway PostgreSQL 15 cluster, untraced, under
# examples/pg/pg-top (transaction, query, lock and checkpoint probes on,
# its own typed handlers), and under bpftrace tracing the same transaction
# and query probes (counts and a latency histogram, as pg-top keeps):
# alternating runs (the order rotates each round), medians, ratios to the
# untraced runs of the same rounds, and the machine's CPU time per
# transaction (less noisy than TPS). Target: pg-top under 5% TPS loss.
# Two floors, the same probes' hits only counted: "floor" by bpftrace
# (perf-event uprobes, one per site), "stat" by `tsdt stat -p` (one
# uprobe_multi link, as pg-top's): the trap and the uprobe dispatch, next
# to no BPF work.
# Environment: ROUNDS (5), SECONDS_PER_RUN (8), CLIENTS (2), SCALE (10),
# MODES ("none pg-top pg-top-notext bpftrace floor stat"; pg-top-notext:
# pg-top --no-texts, queries counted and timed without their texts),
# PGBENCH_OPTS (more pgbench options).
# Besides the ratio of the medians, the median of each round's own loss
# (against that round's untraced run): the machine's speed drifts between
# rounds, and this reads each tracer against its neighbour in time.
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-5} SECS=${SECONDS_PER_RUN:-8} CLIENTS=${CLIENTS:-2} SCALE=${SCALE:-10}
. bench/pg-lib.sh
D=$(mktemp -d /tmp/tsdt-bench-pg.XXXXXX)
trap 'pg_tracer_stop; scripts/pg-server.sh stop "$D"; rm -rf "$D"' EXIT
pg_bench_start "$D" || exit 1

# busy: the machine's CPU time so far that was not idle, in ticks of
# 1/100 s (user, nice, system, irq, softirq, steal of /proc/stat's cpu line)
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

run() { # run MODE: prints TPS and the machine's CPU microseconds per transaction
	local mode=$1 out b0 b1
	pg_tracer_start "$mode" "$D"
	b0=$(busy)
	out=$(pgb -n -c "$CLIENTS" -j "$CLIENTS" -T "$SECS" ${PGBENCH_OPTS:-} postgres 2>/dev/null)
	b1=$(busy)
	pg_tracer_stop
	awk -v b="$((b1 - b0))" '/^tps = / { tps = $3 } /actually processed:/ { split($NF, a, "/"); n = a[1] }
		END { if (tps == "" || !n) print "nan nan"; else printf "%s %.1f\n", tps, b * 10000 / n }' <<< "$out"
}

echo "pgbench TPS: ${CLIENTS} clients, -T $SECS, scale $SCALE, $ROUNDS rounds; $(machine_line)"
read -ra modes <<< "${MODES:-none pg-top pg-top-notext bpftrace floor stat}"
nm=${#modes[@]}
for ((r = 0; r < ROUNDS; r++)); do
	line="round $((r + 1)):"
	for ((k = 0; k < nm; k++)); do
		m=${modes[(r + k) % nm]}
		read -r t u < <(run "$m")
		echo "$t" >> "$D/$m.tps"
		echo "$u" >> "$D/$m.cpu"
		echo "$t" > "$D/$m.last"
		line="$line $m $t (${u} us)"
	done
	for m in "${modes[@]}"; do
		awk -v t="$(cat "$D/$m.last")" -v n="$(cat "$D/none.last")" \
			'BEGIN { if (n > 0) printf "%.4f\n", 100 * (1 - t / n) }' >> "$D/$m.loss"
	done
	echo "$line"
done
echo
printf '%-14s %12s %10s %9s %12s %14s %10s\n' MODE "TPS(median)" "vs none" "loss" "loss/round" "CPU us/xact" "+us/hit"
n=$(median < "$D/none.tps") nc=$(median < "$D/none.cpu")
for m in "${modes[@]}"; do
	t=$(median < "$D/$m.tps") u=$(median < "$D/$m.cpu")
	printf '%-14s %12s %10s %9s %12s %14s %10s\n' "$m" "$t" "$(ratio "$t" "$n")" \
		"$(awk -v n="$n" -v t="$t" 'BEGIN { if (n > 0) printf "%.1f%%", 100 * (1 - t / n) }')" \
		"$(printf '%.1f%%' "$(median < "$D/$m.loss")")" \
		"$u" "$(awk -v a="$u" -v b="$nc" 'BEGIN { printf "%.2f", (a - b) / 16 }')"
done
echo "(target for pg-top: < 5% loss; pg-top-notext: --no-texts; floor, stat: the"
echo " same probes only counted, by bpftrace and by tsdt stat;"
echo " loss/round: the median of each round's loss against its untraced run;"
echo " CPU us/xact: the machine's busy CPU time per transaction, all processes;"
echo " +us/hit: its increase over untraced, per probe hit (16 per TPC-B transaction))"
