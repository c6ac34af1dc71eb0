# Helpers shared by the tracing benchmarks (sourced, bash).
OUT=${OUT:-.output}

# Mount tracefs if needed: bpftrace detaches through uprobe_events.
bench_tracefs() {
	[ -e /sys/kernel/tracing/uprobe_events ] ||
		mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
}

# median of the numbers on stdin (one per line)
median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B -> A/B with 2 decimals, or "-"
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "nan" || b == "nan" || b == 0 || a == "" || b == "") print "-";
		else printf "%.2fx\n", a / b }'
}

# bash's own clock: no fork of date(1) inside a timed interval (forking
# date added ~1-2 ms to every measurement, for every tool alike)
now() { echo "$EPOCHREALTIME"; }
elapsed_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }'; }

machine_line() {
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
}
