#!/bin/bash
# Spans across two processes (docs/spans.md): tests/span/reqsrv's client
# fires req:send(id) and its forked server req:done(worker, id), paced at
# RATE spans a second, N of them. Each round runs, interleaved:
#   untraced     the workload alone
#   tsdt-span    tsdt span: matched in the kernel, histogram in the kernel,
#                no event to user space
#   user-match   bench/span-user: every hit an event (libtsdt's tracer),
#                matched in user space with a hash table
#   bpftrace     the same matching with bpftrace maps (@s[id] = nsecs,
#                hist(nsecs - @s[id]), delete)
# Reported, as medians: the cost per span on the traced processes (their
# CPU time, both processes, minus the untraced run's, over N) and the CPU
# the tracer itself used while the workload ran, in % of one CPU (its
# threads' schedstat run time over the workload's wall time), and the spans
# each tool counted (they must all count N).
#
# Usage: bench/spans.sh [ROUNDS [N [RATE]]]    env: OUT (default .output)
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${1:-3}
N=${2:-400000}
RATE=${3:-200000}
TSDT=$OUT/tsdt
RS=$(realpath "$OUT/tests/span/reqsrv")
SU=$OUT/bench/span-user
for f in "$TSDT" "$RS" "$SU"; do [ -x "$f" ] || { echo "spans: $f not built (make bench-spans)" >&2; exit 1; }; done
command -v bpftrace > /dev/null || { echo "spans: bpftrace not installed" >&2; exit 1; }
bench_tracefs
tmp=$(mktemp -d)
tpid=
trap '[ -n "$tpid" ] && kill -9 $tpid 2>/dev/null; rm -rf "$tmp"' EXIT
cat > "$tmp/spans.bt" <<BT
usdt:$RS:req:send { @s[arg0] = nsecs; }
usdt:$RS:req:done /@s[arg1]/ { @h = hist(nsecs - @s[arg1]); delete(@s[arg1]); @n = count(); }
BT

# CPU ns of every thread of process $1 so far
run_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
wait_line() { # FILE REGEX: up to 10 s
	for ((i = 0; i < 500; i++)); do grep -Eq "$2" "$1" 2>/dev/null && return 0; sleep 0.02; done
	echo "spans: timed out waiting for /$2/ in $1" >&2; cat "$1" >&2; return 1
}

variants="untraced tsdt-span user-match bpftrace"
for ((r = 1; r <= ROUNDS; r++)); do
	for v in $variants; do
		: > "$tmp/out"
		tpid=
		case $v in
		tsdt-span)
			"$TSDT" span -j -i 1h -b "$RS:req:send" -e "$RS:req:done" -k id \
				> "$tmp/out" 2> "$tmp/err" &
			tpid=$!
			wait_line "$tmp/err" '^Timing span' || exit 1 ;;
		user-match)
			"$SU" "$RS" req:send req:done id > "$tmp/out" 2> "$tmp/err" &
			tpid=$!
			wait_line "$tmp/out" '^ready' || exit 1 ;;
		bpftrace)
			bpftrace "$tmp/spans.bt" > "$tmp/out" 2> "$tmp/err" &
			tpid=$!
			wait_line "$tmp/out" '^Attaching' || exit 1
			sleep 2 ;; # bpftrace says nothing once attached
		esac
		c0=$([ -n "$tpid" ] && run_ns "$tpid" || echo 0)
		t0=$(now)
		mkdir -p "$tmp/w"
		"$RS" rate "$N" "$tmp/w" "$RATE" || exit 1
		t1=$(now)
		c1=$([ -n "$tpid" ] && run_ns "$tpid" || echo 0)
		read -r _ spans _ rate _ cpu < "$tmp/w/rate.txt"
		echo "$cpu" >> "$tmp/$v.cpu"
		echo "$rate" >> "$tmp/$v.rate"
		awk -v c="$((c1 - c0))" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", c / ((b - a) * 1e9) * 100 }' >> "$tmp/$v.tracer"
		if [ -n "$tpid" ]; then
			kill -INT "$tpid"
			wait "$tpid" 2> /dev/null
			tpid=
		fi
		case $v in
		untraced) n=$N ;;
		tsdt-span) n=$(grep '"final":true' "$tmp/out" | grep -o '"total":[0-9]*' | cut -d: -f2 | awk '{ s += $1 } END { print s + 0 }') ;;
		user-match) n=$(awk '/^matched/ { print $2 }' "$tmp/out") ;;
		bpftrace) n=$(awk '/^@n:/ { print $2 }' "$tmp/out") ;;
		esac
		echo "$n" > "$tmp/$v.n"
	done
done
base=$(median < "$tmp/untraced.cpu")
echo "Spans across two processes: $ROUNDS rounds x $N spans at $RATE/s asked, medians ($(machine_line))"
printf '%-12s %10s %14s %12s %10s %12s\n' variant "spans/s" "ns/span" "vs bpftrace" "tracer %" "counted"
bt=$(median < "$tmp/bpftrace.cpu")
btc=$(awk -v a="$bt" -v b="$base" -v n="$N" 'BEGIN { printf "%.1f", (a - b) / n }')
for v in $variants; do
	c=$(median < "$tmp/$v.cpu")
	per=$(awk -v a="$c" -v b="$base" -v n="$N" 'BEGIN { printf "%.1f", (a - b) / n }')
	vs=-
	[ "$v" != untraced ] && vs=$(ratio "$per" "$btc")
	printf '%-12s %10.0f %14s %12s %10s %12s\n' "$v" "$(median < "$tmp/$v.rate")" \
		"$([ $v = untraced ] && echo "(${c} total)" || echo "$per")" "$vs" \
		"$([ $v = untraced ] && echo - || median < "$tmp/$v.tracer")" "$(cat "$tmp/$v.n")"
done
