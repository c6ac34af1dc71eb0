#!/bin/bash
# tsdt stat, each option of its man page against real processes: the demo
# program (examples/demo, 4 probes that fire once per request) and the trace
# fixture. Counts are exact where the process's work is known (-c), bounded
# where it runs on its own (-p); every interval table ends with a "(final)"
# one; --per-site attaches perf-event uprobes, not uprobe_multi; nothing is
# left running or attached.
. "$(dirname "$0")/../trace/lib.sh"

DEMO=$OUT/examples/demo/demo
[ -x "$DEMO" ] || die "$DEMO not built (make)"
DEMO_REAL=$(realpath "$DEMO")
# links on the demo: one uprobe_multi link per binary, or per-site
# perf-event uprobes ("uprobe /proc/PID/root/PATH+OFF")
demo_multi_links() { bpftool link show 2>/dev/null | grep -c "uprobe.multi *path $DEMO_REAL "; }
demo_site_links() { bpftool link show 2>/dev/null | grep -c "uprobe .*$DEMO_REAL+0x"; }
multi0=$(demo_multi_links) sites0=$(demo_site_links)

# row PROBE FILE: "HITS TOTAL" of PROBE in the last table of FILE
row() { awk -v p="$1" '$1 == p { r = $2 " " $3 } END { print r }' "$2"; }

# -c: exact counts of a command's run, one final table, its exit status
"$TSDT" stat -c "$DEMO -n 7 -i 0" 'demo:*' > "$TMP/c.out" 2> "$TMP/c.err"
check "-c: exit 0 (the demo's status)" [ $? = 0 ]
check "-c: 'Counting 4 probes at 4 sites'" grep -q '^Counting 4 probes at 4 sites' "$TMP/c.err"
for p in request__start request__done buffer tick; do
	check "-c: demo:$p counted 7 times" [ "$(row demo:$p "$TMP/c.out")" = "7 7" ]
done
check "-c: one table, marked final" \
	[ "$(grep -c '^PROBE' "$TMP/c.out")" = 1 -a "$(grep -c '(final)$' "$TMP/c.out")" = 1 ]

# --json: one interval record with hits and totals of every probe
"$TSDT" stat --json -c "$DEMO -n 5 -i 0" 'demo:request*' > "$TMP/j.out" 2> "$TMP/j.err"
check "--json: exit 0" [ $? = 0 ]
check "--json: one final interval record, 5 hits and 5 in total per probe" \
	jq -se 'length == 1 and .[0].type == "interval" and .[0].final == true and
		.[0].hits == {"demo:request__start": 5, "demo:request__done": 5} and
		.[0].total == .[0].hits and .[0].interval_s > 0' "$TMP/j.out" > /dev/null

# -a: probes without hits listed; without it, summed up in one line
"$TSDT" stat -c "$FX 2 0" 'tt:*' > "$TMP/a0.out" 2>&1
"$TSDT" stat -a -c "$FX 2 0" 'tt:*' > "$TMP/a1.out" 2>&1
check "without -a: tt:seq left out, '(1 probe without hits)'" \
	sh -c "! grep -q '^tt:seq' '$TMP/a0.out' && grep -qx '(1 probe without hits)' '$TMP/a0.out'"
check "without -a: tt:ints 2 2" [ "$(row tt:ints "$TMP/a0.out")" = "2 2" ]
check "-a: tt:seq 0 0 listed" [ "$(row tt:seq "$TMP/a1.out")" = "0 0" ]
check "-a: tt:noargs 2 2" [ "$(row tt:noargs "$TMP/a1.out")" = "2 2" ]

# --provider-file: accepted, counts unchanged; a missing one is an error
# that names it
"$TSDT" stat --provider-file probes/demo.d -c "$DEMO -n 3 -i 0" 'demo:tick' > "$TMP/pf.out" 2>&1
check "--provider-file: exit 0, demo:tick 3 3" [ $? = 0 -a "$(row demo:tick "$TMP/pf.out")" = "3 3" ]
"$TSDT" stat --provider-file /nonexistent/x.d -c "$DEMO -n 1 -i 0" 'demo:tick' > /dev/null 2> "$TMP/pf.err"
check "--provider-file missing: exit 1" [ $? = 1 ]
check "--provider-file missing: message names it" grep -q /nonexistent/x.d "$TMP/pf.err"

# -p, -i, -n: a slow demo A among a fast one B: only A is counted; -n 2
# gives two tables, the second final, whose total adds up both
"$DEMO" -n 0 -i 50 & A=$!; on_exit "kill $A 2>/dev/null"
"$DEMO" -n 0 -i 1 & B=$!; on_exit "kill $B 2>/dev/null"
"$TSDT" stat -p $A -i 400ms -n 2 'demo:request__start' > "$TMP/p.out" 2> "$TMP/p.err"
check "-p -n 2: exit 0" [ $? = 0 ]
check "-p -n 2: two tables, only the last marked final" \
	[ "$(grep -c '^PROBE' "$TMP/p.out")" = 2 -a "$(sed -n 1p "$TMP/p.out" | grep -c final)" = 0 \
	  -a "$(grep '^[0-9]' "$TMP/p.out" | tail -1 | grep -c '(final)$')" = 1 ]
read -r h1 t1 <<< "$(awk '$1 == "demo:request__start" { print $2, $3; exit }' "$TMP/p.out")"
read -r h2 t2 <<< "$(row demo:request__start "$TMP/p.out")"
check "-p: A counted in both intervals ($h1, $h2)" [ "${h1:-0}" -gt 0 -a "${h2:-0}" -gt 0 ]
check "-p: totals add up ($t1 = $h1, $t2 = $h1 + $h2)" [ "$t1" = "$h1" -a "$t2" = $((h1 + h2)) ]
# A makes at most ~8 requests per 400 ms, B hundreds
check "-p: B not counted (A's hits $h1, $h2 <= 20)" [ "$h1" -le 20 -a "$h2" -le 20 ]

# --per-site: perf-event uprobes while counting, no uprobe_multi link
"$TSDT" stat --per-site -p $A -i 10s 'demo:*' > "$TMP/ps.out" 2> "$TMP/ps.err" & T=$!
on_exit "kill $T 2>/dev/null"
wait_for "$TMP/ps.err" '^Counting' 5 || fail "--per-site: not attached"
check "--per-site: 4 perf-event uprobes on the demo" [ "$(demo_site_links)" = $((sites0 + 4)) ]
check "--per-site: no uprobe_multi link" [ "$(demo_multi_links)" = $multi0 ]
sleep 0.3
kill -TERM $T; wait $T; rc=$?
check "--per-site: SIGTERM: exit 0" [ $rc = 0 ]
check "--per-site: a final table" grep -q '(final)$' "$TMP/ps.out"
check "--per-site: A's ticks counted" awk '$1 == "demo:tick" && $2 > 0 { ok = 1 } END { exit !ok }' "$TMP/ps.out"

# -p: the end of the process ends counting, with a final table
"$TSDT" stat -p $B -i 10s 'demo:tick' > "$TMP/end.out" 2> "$TMP/end.err" & T=$!
wait_for "$TMP/end.err" '^Counting' 5 || fail "-p end: not attached"
sleep 0.1
kill $B; wait $B 2>/dev/null
for _ in $(seq 100); do kill -0 $T 2>/dev/null || break; sleep 0.05; done
check "-p end: counting ended with the process" sh -c "! kill -0 $T 2>/dev/null"
wait $T; rc=$?
check "-p end: exit 0 and a final table" [ $rc = 0 -a "$(grep -c '(final)$' "$TMP/end.out")" = 1 ]

# -c with -n reached first: the command is stopped (SIGTERM): 128+15
"$TSDT" stat -i 100ms -n 1 -c "$DEMO -n 0 -i 10" 'demo:tick' > "$TMP/n.out" 2>&1
check "-c -n 1: exit 143 (command stopped by SIGTERM)" [ $? = 143 ]
check "-c -n 1: one final table" [ "$(grep -c '(final)$' "$TMP/n.out")" = 1 ]

# -c and SIGINT to tsdt: passed on to the command, which dies of it: 128+2
"$TSDT" stat -i 10s -c "$DEMO -n 0 -i 10" 'demo:tick' > "$TMP/int.out" 2> "$TMP/int.err" & T=$!
on_exit "kill -9 $T 2>/dev/null"
wait_for "$TMP/int.err" '^Counting' 5 || fail "-c SIGINT: not attached"
sleep 0.1
kill -INT $T; wait $T; rc=$?
check "-c SIGINT: exit 130 (command killed by SIGINT)" [ $rc = 130 ]
check "-c SIGINT: a final table with ticks" awk '$1 == "demo:tick" && $2 > 0 { ok = 1 } END { exit !ok }' "$TMP/int.out"

# -v: libtsdt's debug messages
"$TSDT" stat -v -c "$DEMO -n 1 -i 0" 'demo:tick' > /dev/null 2> "$TMP/v.err"
check "-v: libtsdt debug messages" grep -q '^libtsdt: ' "$TMP/v.err"
"$TSDT" stat --help > "$TMP/help"
check "--help: exit 0, usage and examples" grep -q '^Examples:' "$TMP/help"

kill $A 2>/dev/null; wait $A 2>/dev/null
check "no demo left running" sh -c "! pgrep -f '^$DEMO' > /dev/null"
check "no link left on the demo" [ "$(demo_multi_links)" = $multi0 -a "$(demo_site_links)" = $sites0 ]
finish
