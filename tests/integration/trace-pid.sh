#!/bin/bash
# tsdt trace -p PID traces that process only; without -p/-c, every process
# running the binary; SIGINT ends tracing cleanly (summary, exit 0, no
# uprobe_multi link left); the end of the traced process ends tracing.
. "$(dirname "$0")/../trace/lib.sh"

links0=$(uprobe_multi_links)
"$FX" 0 20 & A=$!; on_exit "kill $A 2>/dev/null"
"$FX" 0 20 & B=$!; on_exit "kill $B 2>/dev/null"

# -p A: only A's events
"$TSDT" trace -p $A 'tt:ints' > "$TMP/p.out" 2> "$TMP/p.err" & T=$!
on_exit "kill $T 2>/dev/null"
wait_for "$TMP/p.err" '^Tracing 1 probe' || fail "-p: not attached"
wait_for "$TMP/p.out" "tt:ints" 5 || fail "-p: no event"
sleep 0.2
check "-p: one uprobe_multi link while tracing" [ "$(uprobe_multi_links)" = $((links0 + 1)) ]
kill -INT $T; wait $T; rc=$?
check "-p: SIGINT: exit 0" [ $rc = 0 ]
check "-p: events only from pid $A" awk -v p=$A -v bad=0 '$1 != "TIME" { if ($2 != p) bad = 1; n++ } END { exit bad || n < 3 }' "$TMP/p.out"
check "-p: summary after SIGINT" grep -Eq '^tsdt trace: [0-9]+ events, 0 lost' "$TMP/p.err"
check "-p: link gone after exit" [ "$(uprobe_multi_links)" = $links0 ]

# every process running the binary
"$TSDT" trace "$FX:tt:noargs" > "$TMP/all.out" 2> "$TMP/all.err" & T=$!
wait_for "$TMP/all.err" '^Tracing' || fail "all: not attached"
wait_for "$TMP/all.out" " $A +$A " 5 || fail "all: no event from A"
wait_for "$TMP/all.out" " $B +$B " 5 || fail "all: no event from B"
"$FX" 1 & C=$!; wait $C
wait_for "$TMP/all.out" " $C +$C " 5 || fail "all: no event from a process started later"
kill -INT $T; wait $T
check "all: exit 0 after SIGINT" [ $? = 0 ]

# JSON with -p: the end of the process ends tracing
"$TSDT" trace --json -p $B 'tt:noargs' > "$TMP/j.out" 2> "$TMP/j.err" & T=$!
wait_for "$TMP/j.out" '"type":"event"' 5 || fail "json -p: no event"
kill $B; wait $B 2>/dev/null
for _ in $(seq 100); do kill -0 $T 2>/dev/null || break; sleep 0.05; done
check "json -p: tracing ended with the process" sh -c "! kill -0 $T 2>/dev/null"
wait $T; rc=$?
check "json -p: exit 0" [ $rc = 0 ]
check "json -p: summary says exited" grep -q '"type":"summary".*"reason":"exited"' "$TMP/j.out"
check "json -p: link gone" [ "$(uprobe_multi_links)" = $links0 ]

# -p of a process that does not exist
"$TSDT" trace -p 999999999 'tt:*' > /dev/null 2> "$TMP/nope.err"
check "-p missing process: exit 1 with message" [ $? = 1 ]
check "-p missing process: message names it" grep -q 999999999 "$TMP/nope.err"
finish
