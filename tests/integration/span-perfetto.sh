#!/bin/bash
# The Perfetto trace of tsdt span --perfetto (attach/writer-perfetto.c,
# docs/perfetto.md): valid for the Chrome JSON Trace Event rules Perfetto's
# importer applies (tests/span/check-perfetto.py: tracks, instants, async
# slices, v2 flows), every cross-process span with exactly one flow from
# its begin's track to its end's; process tracks named by role; a small
# run against a golden file (pids, times and ids replaced by their order).
. "$(dirname "$0")/../trace/lib.sh"
. tests/paths.sh
RS=$OUT/tests/span/reqsrv
CHK="$PYTHON tests/span/check-perfetto.py"
[ -x "$RS" ] || die "$RS not built (make)"
N=10000

mkdir -p "$TMP/p"
"$TSDT" span -c "$RS pair $N 8 $TMP/p" -b req:send -e req:done -k id \
	--perfetto "$TMP/p.json" > "$TMP/p.out" 2> "$TMP/p.err"
$CHK "$TMP/p.json" > "$TMP/chk" 2>&1
check "the trace passes the format's rules and its flows' ($(tr '\n' ' ' < "$TMP/chk"))" \
	grep -qx "spans $N" "$TMP/chk"
check "each of the $N cross-process spans has exactly one flow, begin's track to end's" \
	grep -qx "cross-process flows $N" "$TMP/chk"
check "the message says where the file is" grep -q "wrote $TMP/p.json ($N spans)" "$TMP/p.err"
check "probe instants carry their typed arguments" \
	grep -q '"name":"req:done","pid":[0-9]*,"tid":[0-9]*,"ts":[0-9.]*,"args":{"worker":0,"id":1000}' "$TMP/p.json"
check "one clock, said in the file" grep -q '"clock":"CLOCK_MONOTONIC"' "$TMP/p.json"

# the checker itself refuses what breaks the rules
sed 's/"flow_in":true/"flow_in":false/' "$TMP/p.json" > "$TMP/bad1.json"
check "checker: a flow without its end is refused" \
	sh -c "! $CHK '$TMP/bad1.json' > /dev/null"
sed '0,/"ph":"e"/s/"ph":"e"/"ph":"i","s":"t"/' "$TMP/p.json" > "$TMP/bad2.json"
check "checker: an async slice never ended is refused" \
	sh -c "! $CHK '$TMP/bad2.json' > /dev/null"
head -c 2000 "$TMP/p.json" > "$TMP/bad3.json"
check "checker: a truncated file is refused" sh -c "! $CHK '$TMP/bad3.json' > /dev/null"

# process tracks named by role (a pre-fork server)
mkdir -p "$TMP/f"
"$TSDT" span --by role -c "$RS prefork 4 20 $TMP/f" -b req:start -e req:finish -k id \
	--perfetto "$TMP/f.json" > /dev/null 2>&1
check "the pre-fork trace passes too" sh -c "$CHK '$TMP/f.json' > /dev/null"
for r in reader writer supervisor; do
	check "a process track named '$r PID'" \
		grep -q "\"process_name\",\"pid\":[0-9]*,\"tid\":[0-9]*,\"args\":{\"name\":\"$r [0-9]*\"}" "$TMP/f.json"
done

# tsdt trace writes the same format (no spans: probe instants, process events)
mkdir -p "$TMP/t"
"$TSDT" trace -q --format perfetto -o "$TMP/t.json" -c "$RS prefork 2 5 $TMP/t" 'req:*' 2> "$TMP/t.err"
$CHK "$TMP/t.json" > "$TMP/tchk" 2>&1
check "tsdt trace --format perfetto: a valid trace ($(tr '\n' ' ' < "$TMP/tchk"))" grep -q '^events' "$TMP/tchk"
check "tsdt trace --format perfetto: every hit an instant (2 x 5 + 3 pieces, start, slept, finish: 39)" \
	[ "$(grep -c '"cat":"probe","name":"req:' "$TMP/t.json")" = 39 ]
check "tsdt trace --format perfetto: the forks on the supervisor's track" \
	[ "$(grep -c '"name":"fork"' "$TMP/t.json")" = 2 ]

# golden: three requests one at a time
mkdir -p "$TMP/g"
"$TSDT" span -c "$RS pair 3 1 $TMP/g" -b req:send -e req:done -k id \
	--perfetto "$TMP/g.json" > /dev/null 2>&1
$CHK --normalize "$TMP/g.norm" "$TMP/g.json" > /dev/null
check "three requests: the golden trace (tests/span/golden-pair3.json)" \
	diff -u tests/span/golden-pair3.json "$TMP/g.norm"
finish
