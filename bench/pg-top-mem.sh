#!/bin/bash
# Kernel memory of pg-top's BPF maps next to bpftrace's for the same
# figures (bench/pg-lib.sh's script), on a throwaway cluster after a short
# pgbench run: each map's bytes as the kernel accounts them (bpftool's
# bytes_memlock), and a projection to more CPUs (a per-CPU map's share
# taken as its entries times its value size rounded to 8 bytes, the rest
# as is). Environment: SECONDS_PER_RUN (5), SCALE (10), CPUS (64: the
# projection), TRACERS ("pg-top bpftrace"), PG_TOP (another pg-top build).
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
SECS=${SECONDS_PER_RUN:-5} SCALE=${SCALE:-10} CPUS=${CPUS:-64}
. bench/pg-lib.sh
command -v bpftool > /dev/null || { echo "bench: bpftool missing (scripts/install-deps.sh)" >&2; exit 1; }
D=$(mktemp -d /tmp/tsdt-bench-pgm.XXXXXX)
trap 'pg_tracer_stop; scripts/pg-server.sh stop "$D"; rm -rf "$D"' EXIT
pg_bench_start "$D" || exit 1

# maps MODE IDS...: a line per map loaded since IDS, then the total
maps() {
	bpftool map show -j 2> /dev/null | python3 -c '
import json, os, sys
mode, cpus = sys.argv[1], int(sys.argv[2])
old = set(int(i) for i in sys.argv[3:])
ncpu = os.cpu_count()
tot = proj = 0
for m in json.load(sys.stdin):
    if m["id"] in old:
        continue
    mem = m.get("bytes_memlock", 0)
    share = 0
    if m["type"].startswith("percpu"):
        share = m["max_entries"] * ((m["bytes_value"] + 7) // 8 * 8)
    p = mem - ncpu * share + cpus * share
    tot += mem; proj += p
    print("%-9s %-20s %-14s %8d %6d %12d %14d" % (mode, m.get("name", "?"), m["type"],
          m["max_entries"], m["bytes_value"], mem, p))
print("%-9s %-20s %-14s %8s %6s %12d %14d" % (mode, "(all)", "", "", "", tot, proj))
' "$@"
}

echo "Kernel memory of the BPF maps: pgbench -T $SECS, scale $SCALE, under each tracer; $(machine_line)"
printf '%-9s %-20s %-14s %8s %6s %12s %14s\n' TRACER MAP TYPE ENTRIES VALUE \
	"BYTES($(nproc))" "BYTES($CPUS CPUs)"
for mode in ${TRACERS:-pg-top bpftrace}; do
	before=$(bpf_ids map)
	pg_tracer_start "$mode" "$D"
	pgb -n -c 2 -j 2 -T "$SECS" postgres > /dev/null 2>&1
	maps "$mode" "$CPUS" $before
	pg_tracer_stop
done
