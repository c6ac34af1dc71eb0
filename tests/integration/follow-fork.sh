#!/bin/bash
# Following process families (docs/following.md): a fork storm of 1000
# children, a quarter of which fork a grandchild, each firing probes right
# after fork, traced under -c and under -p: every event arrives, attributed
# to the pid and parent pid the process itself reports, counts exact.
# Children forked before the tracer started (-p) are found and traced.
# --no-follow keeps the old one-process behaviour. Nothing is left behind.
. "$(dirname "$0")/../trace/lib.sh"
. tests/paths.sh
FAM=$OUT/tests/follow/family
CHECK="$PYTHON tests/follow/check-events.py"
[ -x "$FAM" ] || die "$FAM not built (make)"
N=1000 K=3 G=$((N / 4))

# count NAME FILE: the count check-events.py printed for NAME (0 if none)
count() { awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' "$2"; }

storm_checks() { # LABEL COUNTS-FILE
	check "$1: $((N * K)) fam:child events" [ "$(count fam:child "$2")" = $((N * K)) ]
	check "$1: $((G * K)) fam:grand events (grandchildren)" [ "$(count fam:grand "$2")" = $((G * K)) ]
	check "$1: every event's pid and ppid are the process's own" [ "$(count misattributed "$2")" = 0 ]
	check "$1: $((N + G)) forks seen" [ "$(count proc:fork "$2")" = $((N + G)) ]
	check "$1: nothing lost" [ "$(count summary:lost "$2")" = 0 -a "$(count summary:records_lost "$2")" = 0 ]
}

links0=$(bpftool link show 2>/dev/null | grep -c .)

# -c: the command and its descendants, followed by default
"$TSDT" trace -q --json --proc-events -c "$FAM storm $N $K" 'fam:*' > "$TMP/c.json" 2> "$TMP/c.err"
check "-c storm: exit 0" [ $? = 0 ]
$CHECK "$TMP/c.json" > "$TMP/c.counts"
storm_checks "-c" "$TMP/c.counts"
check "-c: $((N + G + 1)) exits (the command's included)" [ "$(count proc:exit "$TMP/c.counts")" = $((N + G + 1)) ]

# -p: a shell that execs the storm once tsdt is attached (it waits on a
# FIFO: no fork of its own)
mkfifo "$TMP/go"
(read -r _ < "$TMP/go"; exec "$FAM" storm $N $K) & P=$!
on_exit "kill -9 $P 2>/dev/null"
"$TSDT" trace --json --proc-events -p $P "$FAM:fam:*" > "$TMP/p.json" 2> "$TMP/p.err" & T=$!
on_exit "kill -9 $T 2>/dev/null"
wait_for "$TMP/p.err" '^Tracing' 10 || fail "-p: not attached"
echo go > "$TMP/go"
wait $P
wait $T
check "-p storm: tsdt ends when the family has ended (exit 0)" [ $? = 0 ]
$CHECK "$TMP/p.json" > "$TMP/p.counts"
storm_checks "-p" "$TMP/p.counts"
check "-p: the shell's exec into the storm seen" [ "$(count proc:exec "$TMP/p.counts")" -ge 1 ]

# -p, children that existed before the tracer: found in /proc
rm -f "$TMP/go2"
"$FAM" prefork 20 "$TMP/go2" 5 > "$TMP/pids" & P=$!
on_exit "kill -9 $P 2>/dev/null"
wait_for "$TMP/pids" . 5
for i in $(seq 50); do [ "$(wc -l < "$TMP/pids")" = 20 ] && break; sleep 0.02; done
"$TSDT" trace --json -p $P "$FAM:fam:child" > "$TMP/pre.json" 2> "$TMP/pre.err" & T=$!
on_exit "kill -9 $T 2>/dev/null"
wait_for "$TMP/pre.err" '^Tracing' 10 || fail "prefork: not attached"
touch "$TMP/go2"
wait $P; wait $T
$CHECK "$TMP/pre.json" > "$TMP/pre.counts"
check "prefork: 20 children x 5 events, from before the tracer" [ "$(count fam:child "$TMP/pre.counts")" = 100 ]
check "prefork: attributed right" [ "$(count misattributed "$TMP/pre.counts")" = 0 ]
got=$($PYTHON -c 'import json,sys; print(" ".join(sorted({str(json.loads(l)["pid"]) for l in open(sys.argv[1]) if "\"event\"" in l})))' "$TMP/pre.json")
check "prefork: events from exactly the 20 pids it printed" [ "$got" = "$(sort "$TMP/pids" | tr '\n' ' ' | sed 's/ $//')" ]

# --no-follow: the command's own process only (its children's hits unseen)
"$TSDT" trace -q --json --no-follow -c "$FAM storm 20 2" 'fam:*' > "$TMP/nf.json" 2> "$TMP/nf.err"
$CHECK "$TMP/nf.json" > "$TMP/nf.counts"
check "--no-follow: no child event" [ "$(count fam:child "$TMP/nf.counts")" = 0 ]

# stat follows too, and counts exactly
"$TSDT" stat -c "$FAM storm 200 2" 'fam:*' > "$TMP/stat" 2>&1
check "stat -c: 400 fam:child hits" grep -Eq '^fam:child +400 +400$' "$TMP/stat"
check "stat -c: 100 fam:grand hits" grep -Eq '^fam:grand +100 +100$' "$TMP/stat"

check "nothing left: no link, no stopped process" \
	sh -c "[ \$(bpftool link show 2>/dev/null | grep -c .) = $links0 ] && ! ps -eo stat,comm | grep -q '^T.*family'"
finish
