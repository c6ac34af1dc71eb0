#!/bin/bash
# What following process families costs, side by side in one run
# (docs/following.md). Every loop times itself (bench/forkloop.c), so the
# tracers' start and end are outside the figures; each round runs every
# variant once, interleaved; the table gives medians.
#
#   fork    N x (fork; the child fires bf:child once, _exit; wait)
#   exec    N x (fork; the child execs `forkloop hit`, which fires once)
#   hits    200 K probe hits in one process: what following adds per hit
#           (tsdt-one: --no-follow, the link's pid filter, at the five-byte
#           nop; tsdt-one-int3: the same at the int3; tsdt: following, int3
#           and the followed-set lookup in the program; tsdt-nop5: following
#           at the five-byte nop)
#   syscall 1 M getppid(): what the tracer costs every system call on the
#           machine while it follows (tsdt's programs are on scheduler and
#           mmap-lock tracepoints, not on syscalls)
#
# Variants: none (no tracer); follow (tsdt trace -c following, on a probe
# the loop never fires: the cost of following alone, fork/exec/exit
# programs and the reader); tsdt (tsdt trace -c, following: each site an
# int3, following's default); tsdt-nop5 (the same with --nop5: sites at
# their five-byte nop, the kernel's optimized uprobes); bpftrace (bpftrace -c, the same probe: its count shows what it
# misses, since its uprobes filter on the command's pid).
# Then: a program no tracer has seen, exec'd by a followed process: how
# long it is stopped at its exec until its probes are live (the JSON
# summary's longest_hold_ns), and with --no-hold how many of the 1000 hits
# it fires at once are missed.
#
# Usage: bench/follow.sh [ROUNDS]    env: OUT (default .output)
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${1:-5}
TSDT=$OUT/tsdt
LOOP=$(realpath "$OUT/bench/forkloop")
NFORK=${NFORK:-2000} NEXEC=${NEXEC:-400} NSYS=1000000 NHITS=200000
for f in "$TSDT" "$LOOP"; do [ -x "$f" ] || { echo "follow: $f not built" >&2; exit 1; }; done
command -v bpftrace > /dev/null || { echo "follow: bpftrace not installed" >&2; exit 1; }
bench_tracefs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run VARIANT LOOP ARGS...: appends "ns_per_iter events" to $tmp/VARIANT.LOOP
run() {
	local v=$1 loop=$2; shift 2
	local cmd="$LOOP $loop $*" out ns ev
	case $v in
	none)
		out=$($cmd); ev=- ;;
	follow)
		out=$("$TSDT" trace -q -o /dev/null -c "$cmd" bf:never 2> /dev/null); ev=- ;;
	tsdt-one|tsdt-one-int3)
		out=$("$TSDT" trace --no-follow $([ $v = tsdt-one-int3 ] && echo --no-nop5) \
			--json -o "$tmp/ev.json" -c "$cmd" bf:child 2> /dev/null)
		ev=$(grep -o '"type":"summary","events":[0-9]*' "$tmp/ev.json" | grep -o '[0-9]*$') ;;
	tsdt|tsdt-nop5)
		out=$("$TSDT" trace $([ $v = tsdt-nop5 ] && echo --nop5) --json \
			-o "$tmp/ev.json" -c "$cmd" bf:child 2> /dev/null)
		ev=$(grep -o '"type":"summary","events":[0-9]*' "$tmp/ev.json" | grep -o '[0-9]*$') ;;
	bpftrace)
		out=$(bpftrace -c "$cmd" -e "usdt:$LOOP:bf:child { @n = count(); }" 2> /dev/null)
		ev=$(echo "$out" | awk '/^@n:/ { print $2 }'); ev=${ev:-0} ;;
	esac
	ns=$(echo "$out" | awk '/^ns_per_iter/ { print $2 }')
	echo "$ns $ev" >> "$tmp/$v.$loop"
}

for ((r = 1; r <= ROUNDS; r++)); do
	for v in none follow tsdt tsdt-nop5 bpftrace; do
		run $v fork $NFORK
		run $v exec $NEXEC "$LOOP"
	done
	for v in none follow; do run $v syscall $NSYS; done
	for v in none tsdt-one tsdt-one-int3 tsdt tsdt-nop5 bpftrace; do run $v hits $NHITS; done
	# a program never seen: held at exec, then live
	cp "$LOOP" "$tmp/fresh$r"
	"$TSDT" trace -q --json -Z -o "$tmp/h.json" -c "$LOOP exec 1 $tmp/fresh$r 1000" bf:child > /dev/null 2>&1
	grep -o '"longest_hold_ns":[0-9]*' "$tmp/h.json" | grep -o '[0-9]*$' >> "$tmp/hold"
	grep -o '"type":"summary","events":[0-9]*' "$tmp/h.json" | grep -o '[0-9]*$' >> "$tmp/hold.events"
	cp "$LOOP" "$tmp/freshnh$r"
	"$TSDT" trace -q --json -Z --no-hold -o "$tmp/nh.json" -c "$LOOP exec 1 $tmp/freshnh$r 1000" bf:child > /dev/null 2>&1
	grep -o '"type":"summary","events":[0-9]*' "$tmp/nh.json" | grep -o '[0-9]*$' >> "$tmp/nohold.events"
done

med() { awk '{ print $'"$2"' }' "$tmp/$1" | median; }
echo "Following process families: $ROUNDS rounds, medians ($(machine_line))"
printf '%-9s %-13s %14s %9s %12s\n' loop variant "ns/iteration" "vs none" "events"
for loop in fork exec; do
	n=$([ $loop = fork ] && echo $NFORK || echo $NEXEC)
	base=$(med none.$loop 1)
	for v in none follow tsdt tsdt-nop5 bpftrace; do
		ns=$(med $v.$loop 1)
		if [ $v = none ] || [ $v = follow ]; then ev=-; else ev="$(med $v.$loop 2)/$n"; fi
		printf '%-9s %-13s %14.0f %9s %12s\n' $loop $v "$ns" "$(ratio "$ns" "$base")" "$ev"
	done
done
base=$(med none.syscall 1)
for v in none follow; do
	ns=$(med $v.syscall 1)
	printf '%-9s %-13s %14.1f %9s %12s\n' syscall $v "$ns" "$(ratio "$ns" "$base")" -
done
base=$(med none.hits 1)
for v in none tsdt-one tsdt-one-int3 tsdt tsdt-nop5 bpftrace; do
	ns=$(med $v.hits 1)
	if [ $v = none ]; then ev=-; else ev="$(med $v.hits 2)/$NHITS"; fi
	printf '%-9s %-13s %14.1f %9s %12s\n' hits $v "$ns" "$(ratio "$ns" "$base")" "$ev"
done
echo
echo "A program never seen, exec'd: stopped until its probes are live for $(median < "$tmp/hold" | awk '{ printf "%.2f", $1 / 1e6 }') ms (median of the longest stop per run); events $(median < "$tmp/hold.events")/1000"
echo "The same with --no-hold: events $(median < "$tmp/nohold.events")/1000 (the rest fired before the attach)"
