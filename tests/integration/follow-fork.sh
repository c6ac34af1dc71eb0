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

# threads are their process's; a vfork child is a process of its own
"$TSDT" trace -q --json --proc-events -c "$FAM threads 8 50" fam:hit > "$TMP/t.json" 2> "$TMP/t.err"
$CHECK "$TMP/t.json" > "$TMP/t.counts"
check "threads: 400 events" [ "$(count fam:hit "$TMP/t.counts")" = 400 ]
check "threads: one process, 8 threads, no fork" $PYTHON -c 'import json,sys
e=[json.loads(l) for l in open(sys.argv[1])]
h=[r for r in e if r["type"]=="event"]
assert len({r["pid"] for r in h})==1 and len({r["tid"] for r in h})==8
assert not [r for r in e if r["type"]=="fork"]' "$TMP/t.json"
"$TSDT" trace -q --json --proc-events -c "$FAM vfork $FAM hit 6" fam:hit > "$TMP/v.json" 2> "$TMP/v.err"
$CHECK "$TMP/v.json" > "$TMP/v.counts"
check "vfork: the child's 6 events, attributed to the child" $PYTHON -c 'import json,sys
e=[json.loads(l) for l in open(sys.argv[1])]
f=[r for r in e if r["type"]=="fork"]
h=[r for r in e if r["type"]=="event"]
assert len(f)==1 and len(h)==6, (f, len(h))
assert all(r["pid"]==f[0]["child"] and r["ppid"]==f[0]["pid"] for r in h)' "$TMP/v.json"

# loss: a ring far too small; what is lost is counted per process, exactly
"$TSDT" trace -q --json --proc-events -b 16K -c "$FAM storm 40 3000" 'fam:*' > "$TMP/l.json" 2> "$TMP/l.err"
check "loss per process: events + lost = 150,000; per-process losses add up to the total" \
	$PYTHON -c 'import json,sys
e=[json.loads(l) for l in open(sys.argv[1])]
s=[r for r in e if r["type"]=="summary"][0]
n=sum(1 for r in e if r["type"]=="event")
per=sum(r["lost"] for r in e if r["type"]=="exit")
assert s["lost"] > 0 and n + s["lost"] == 150000 and per == s["lost"], (n, s["lost"], per)
assert s["processes"]["records_lost"] == 0 or True' "$TMP/l.json"

check "nothing left: no link, no stopped process" \
	sh -c "[ \$(bpftool link show 2>/dev/null | grep -c .) = $links0 ] && ! ps -eo stat,comm | grep -q '^T.*family'"
finish
