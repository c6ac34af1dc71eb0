#!/bin/bash
# tsdt trace -c: every argument kind printed as the fixture's --expect says
# (typed probes of <sys/tsdt.h>, an untyped <sys/sdt.h> probe), in both
# attach modes (uprobe_multi and --per-site), traced from the command's
# first instruction, and tsdt's exit status is the command's.
. "$(dirname "$0")/../trace/lib.sh"

"$FX" --expect > "$TMP/expect"
for mode in multi per-site; do
	opt=; [ $mode = per-site ] && opt=--per-site
	"$TSDT" trace $opt -c "$FX 3 0 7" 'tt:*' 'tt_sdt:*' > "$TMP/out.$mode" 2> "$TMP/err.$mode"
	rc=$?
	check "$mode: exit status is the command's (7)" [ $rc = 7 ]
	strip_cols "$TMP/out.$mode" > "$TMP/ev.$mode"
	for probe in tt:ints tt:misc tt:noargs; do
		want=$(grep "^$probe\( \|$\)" "$TMP/expect")
		n=$(grep -cxF -- "$want" "$TMP/ev.$mode")
		check "$mode: $probe printed 3 times as expected: $want" [ "$n" = 3 ]
	done
	# untyped: sizes and signs from the note; last argument is the round
	for r in 0 1 2; do
		want=$(sed -n "s/ROUND/$r/p" "$TMP/expect")
		check "$mode: untyped round $r: $want" grep -qxF -- "$want" "$TMP/ev.$mode"
	done
	# the first event is the first probe the program fires (traced from
	# its first instruction)
	check "$mode: first event is round 0's tt:ints" \
		[ "$(head -1 "$TMP/ev.$mode" | cut -d' ' -f1)" = tt:ints ]
	check "$mode: 12 events in total" [ "$(wc -l < "$TMP/ev.$mode")" = 12 ]
	# pid == tid, comm is the fixture's
	check "$mode: pid, tid and comm" awk -v bad=0 '
		$1 != "TIME" { if ($2 != $3 || $4 != "fixture") bad = 1 }
		END { exit bad }' "$TMP/out.$mode"
	check "$mode: mode reported" grep -q "$([ $mode = multi ] && echo uprobe_multi || echo per-site)" "$TMP/err.$mode"
	check "$mode: summary on stderr: 12 events, 0 lost" grep -q "12 events, 0 lost" "$TMP/err.$mode"
done

# not sleepable: the string on a never-touched page may fail, but must then
# say so, never print an empty string
"$TSDT" trace --no-sleepable -c "$FX 1" tt:misc > "$TMP/out.ns" 2>&1
check "--no-sleepable: far string read or visibly unreadable" \
	grep -Eq 'far=("far away"|<unreadable 0x[0-9a-f]+: -[0-9]+>)' "$TMP/out.ns"

# -s: strings cut (to N-1 bytes, N rounded up to a multiple of 8) and marked
"$TSDT" trace -s 8 -c "$FX 1" tt:misc > "$TMP/out.s" 2>&1
check "-s 8: str cut to 7 bytes, marked" grep -qF 'str="hi \"the"... ' "$TMP/out.s"
check "-s 8: far cut to 7 bytes, marked" grep -qF 'far="far awa"...' "$TMP/out.s"

# time columns: wall clock (local HH:MM:SS.uuuuuu) and -T (CLOCK_MONOTONIC
# seconds, which /proc/uptime also counts on a machine that never slept)
before=$(date +%s)
"$TSDT" trace -q -c "$FX 1" tt:noargs > "$TMP/t.wall" 2>&1
after=$(date +%s)
t=$(awk '{ print $1; exit }' "$TMP/t.wall")
check "wall time $t within the run" python3 -c "
import datetime, sys
h, m, s = '$t'.split(':'); now = datetime.datetime.fromtimestamp($before)
ev = now.replace(hour=int(h), minute=int(m), second=int(float(s)), microsecond=0)
sys.exit(not ($before - 1 <= ev.timestamp() <= $after + 1))"
up0=$(cut -d' ' -f1 /proc/uptime)
"$TSDT" trace -q -T -c "$FX 1" tt:noargs > "$TMP/t.mono" 2>&1
up1=$(cut -d' ' -f1 /proc/uptime)
t=$(awk '{ print $1; exit }' "$TMP/t.mono")
check "-T time $t within uptime [$up0, $up1]" awk -v t="$t" -v a="$up0" -v b="$up1" 'BEGIN { exit !(t >= a - 1 && t <= b + 1) }'
check "-q: no header line" sh -c "! grep -q '^TIME' '$TMP/t.mono'"

# -o FILE: events in the file, nothing on stdout
"$TSDT" trace -q -o "$TMP/file" -c "$FX 2" tt:noargs > "$TMP/stdout" 2>&1
check "-o: events in the file" [ "$(grep -c 'tt:noargs' "$TMP/file")" = 2 ]
check "-o: nothing on stdout" [ ! -s "$TMP/stdout" ]
finish
