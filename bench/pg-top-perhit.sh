#!/bin/bash
# Per-hit cost of pg-top's BPF handlers next to bpftrace's for the same
# probes: pgbench TPC-B on a throwaway cluster under each tracer in turn,
# with the kernel's BPF statistics on (kernel.bpf_stats_enabled), then each
# program's run time divided by its run count. This is the BPF programs'
# own time only; the uprobe trap around each hit (the same for both) is not
# in it. Environment: SECONDS_PER_RUN (8), CLIENTS (2), SCALE (10), ROUNDS (2),
# TRACERS ("pg-top bpftrace", alternating; set: only those, in that order),
# PGBENCH_OPTS (more pgbench options, e.g. "-M prepared").
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
SECS=${SECONDS_PER_RUN:-8} CLIENTS=${CLIENTS:-2} SCALE=${SCALE:-10} ROUNDS=${ROUNDS:-2}
TOP=$OUT/examples/pg/pg-top
PG=/usr/lib/postgresql/15/bin
[ -x "$TOP" ] || { echo "bench: $TOP not built (make)" >&2; exit 1; }
command -v bpftool > /dev/null || { echo "bench: bpftool missing (scripts/install-deps.sh)" >&2; exit 1; }
bench_tracefs
D=$(mktemp -d /tmp/tsdt-bench-pgh.XXXXXX)
old_stats=$(cat /proc/sys/kernel/bpf_stats_enabled)
trap 'kill $TP 2>/dev/null; wait $TP 2>/dev/null; echo "$old_stats" > /proc/sys/kernel/bpf_stats_enabled; scripts/pg-server.sh stop "$D"; rm -rf "$D"' EXIT
TP=
PG_SHARED_BUFFERS=128MB scripts/pg-server.sh start "$D" > "$D/env" || exit 1
eval "$(cat "$D/env")"
pgb() { (cd / && runuser -u postgres -- "$PG/pgbench" -h "$PGHOST" -p "$PGPORT" "$@"); }
pgb -i -q -s "$SCALE" postgres > /dev/null 2>&1
cat > "$D/bt" <<BT
usdt:$PG/postgres:postgresql:transaction__start { @start[pid] = nsecs; @xstart = count(); }
usdt:$PG/postgres:postgresql:transaction__commit /@start[pid]/ { @xact = hist(nsecs - @start[pid]); delete(@start[pid]); @commit = count(); }
usdt:$PG/postgres:postgresql:query__start { @q[pid] = nsecs; @text[str(arg0, 64)] = count(); }
usdt:$PG/postgres:postgresql:query__done /@q[pid]/ { @query = hist(nsecs - @q[pid]); delete(@q[pid]); }
BT

# ids: the ids of the loaded BPF programs
ids() { bpftool prog show -j 2> /dev/null | python3 -c '
import json, sys
print(" ".join(str(p["id"]) for p in json.load(sys.stdin)))'; }
# stats IDS...: "name run_cnt run_time_ns" of the programs loaded since,
# that ran (Debian's bpftool shows no owning pids)
stats() {
	bpftool prog show -j 2> /dev/null | python3 -c '
import json, sys
old = set(int(i) for i in sys.argv[1:])
for p in json.load(sys.stdin):
    if p["id"] not in old and p.get("run_cnt"):
        print(p.get("name", "?"), p["run_cnt"], p["run_time_ns"])' "$@"
}

run() { # run MODE ROUND
	local mode=$1 before
	before=$(ids)
	case $mode in
	pg-top) "$TOP" -p "$PG_PID" -i 1000 > "$D/top.out" 2> "$D/top.err" & TP=$!
		for i in $(seq 100); do grep -q 'handlers attached' "$D/top.err" && break; sleep 0.1; done ;;
	bpftrace) bpftrace "$D/bt" > "$D/bt.out" 2>&1 & TP=$!
		for i in $(seq 150); do grep -q '^Attaching' "$D/bt.out" && break; sleep 0.1; done
		sleep 1 ;;
	esac
	pgb -n -c "$CLIENTS" -j "$CLIENTS" -T "$SECS" ${PGBENCH_OPTS:-} postgres > /dev/null 2>&1
	stats $before | sed "s/^/$mode /" >> "$D/stats"
	kill -INT $TP; wait $TP 2>/dev/null; TP=
}

echo 1 > /proc/sys/kernel/bpf_stats_enabled
echo "BPF run time per hit: pgbench ${CLIENTS} clients, -T $SECS, scale $SCALE, $ROUNDS rounds; $(machine_line)"
for ((r = 0; r < ROUNDS; r++)); do
	if [ -n "${TRACERS:-}" ]; then for t in $TRACERS; do run "$t"; done
	elif ((r % 2)); then run bpftrace; run pg-top; else run pg-top; run bpftrace; fi
done
echo
printf '%-9s %-24s %12s %10s\n' TRACER PROGRAM HITS NS/HIT
awk '{ c[$1" "$2] += $3; t[$1" "$2] += $4 }
     END { for (k in c) { split(k, a, " "); printf "%-9s %-24s %12d %10.0f\n", a[1], a[2], c[k], t[k] / c[k] } }' \
	"$D/stats" | sort
