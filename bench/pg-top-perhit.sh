#!/bin/bash
# Per-hit cost of pg-top's BPF handlers next to bpftrace's for the same
# probes: pgbench TPC-B on a throwaway cluster under each tracer in turn,
# with the kernel's BPF statistics on (kernel.bpf_stats_enabled), then each
# program's run time divided by its run count, with its JITed size (what a
# hit may have to bring into a cold instruction cache). This is the BPF
# programs' own time only; the uprobe trap around each hit (the same for both) is not
# in it. Environment: SECONDS_PER_RUN (8), CLIENTS (2), SCALE (10), ROUNDS (2),
# TRACERS ("pg-top bpftrace", alternating; set: only those, in that order),
# PGBENCH_OPTS (more pgbench options, e.g. "-f FILE"; -M prepared fires no
# query probe).
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
SECS=${SECONDS_PER_RUN:-8} CLIENTS=${CLIENTS:-2} SCALE=${SCALE:-10} ROUNDS=${ROUNDS:-2}
. bench/pg-lib.sh
command -v bpftool > /dev/null || { echo "bench: bpftool missing (scripts/install-deps.sh)" >&2; exit 1; }
D=$(mktemp -d /tmp/tsdt-bench-pgh.XXXXXX)
old_stats=$(cat /proc/sys/kernel/bpf_stats_enabled)
trap 'pg_tracer_stop; echo "$old_stats" > /proc/sys/kernel/bpf_stats_enabled; scripts/pg-server.sh stop "$D"; rm -rf "$D"' EXIT
pg_bench_start "$D" || exit 1

# stats IDS...: "name run_cnt run_time_ns jited_bytes" of the programs loaded since,
# that ran (Debian's bpftool shows no owning pids)
stats() {
	bpftool prog show -j 2> /dev/null | python3 -c '
import json, sys
old = set(int(i) for i in sys.argv[1:])
for p in json.load(sys.stdin):
    if p["id"] not in old and p.get("run_cnt"):
        print(p.get("name", "?"), p["run_cnt"], p["run_time_ns"], p.get("bytes_jited", 0))' "$@"
}

run() { # run MODE ROUND
	local mode=$1 before
	before=$(bpf_ids prog)
	pg_tracer_start "$mode" "$D"
	pgb -n -c "$CLIENTS" -j "$CLIENTS" -T "$SECS" ${PGBENCH_OPTS:-} postgres > /dev/null 2>&1
	stats $before | sed "s/^/$mode /" >> "$D/stats"
	pg_tracer_stop
}

echo 1 > /proc/sys/kernel/bpf_stats_enabled
echo "BPF run time per hit: pgbench ${CLIENTS} clients, -T $SECS, scale $SCALE, $ROUNDS rounds; $(machine_line)"
for ((r = 0; r < ROUNDS; r++)); do
	if [ -n "${TRACERS:-}" ]; then for t in $TRACERS; do run "$t"; done
	elif ((r % 2)); then run bpftrace; run pg-top; else run pg-top; run bpftrace; fi
done
echo
printf '%-9s %-24s %12s %10s %8s\n' TRACER PROGRAM HITS NS/HIT JITED
awk '{ c[$1" "$2] += $3; t[$1" "$2] += $4; j[$1" "$2] = $5 }
     END { for (k in c) { split(k, a, " "); printf "%-9s %-24s %12d %10.0f %8d\n", a[1], a[2], c[k], t[k] / c[k], j[k] } }' \
	"$D/stats" | sort
