#!/bin/bash
# Exit status and errors of tsdt trace / tsdt stat: -c returns the command's
# status (128+N when killed by signal N, e.g. after SIGTERM is passed on);
# usage errors give 2, other errors 1, each with a message naming the
# culprit; no command is left running and no link is left behind.
. "$(dirname "$0")/../trace/lib.sh"

links0=$(uprobe_multi_links)
for st in 0 1 42; do
	"$TSDT" trace -q -c "$FX 1 0 $st" tt:noargs > /dev/null 2>&1
	check "trace -c: exit status $st" [ $? = $st ]
	"$TSDT" stat -c "$FX 1 0 $st" tt:noargs > /dev/null 2>&1
	check "stat -c: exit status $st" [ $? = $st ]
done

# SIGTERM to tsdt is passed on to the command, which dies of it: 128+15
"$TSDT" trace -c "$FX 0 10" tt:noargs > "$TMP/out" 2> "$TMP/err" & T=$!
on_exit "kill -9 $T 2>/dev/null"
wait_for "$TMP/out" 'tt:noargs' 5 || fail "no event before SIGTERM"
child=$(awk '$1 != "TIME" { print $2; exit }' "$TMP/out")
kill -TERM $T; wait $T; rc=$?
check "SIGTERM: exit 143 (command killed by SIGTERM)" [ $rc = 143 ]
check "SIGTERM: command $child gone" sh -c "! kill -0 $child 2>/dev/null"
check "SIGTERM: summary printed" grep -q "events, 0 lost" "$TMP/err"
check "SIGTERM: JSON-less summary, no link left" [ "$(uprobe_multi_links)" = $links0 ]

# stat: SIGINT ends counting with a final table
"$TSDT" stat -i 10s "$FX:tt:noargs" > "$TMP/stat" 2> "$TMP/stat.err" & T=$!
wait_for "$TMP/stat.err" '^Counting' 5 || fail "stat: not attached"
"$FX" 3; "$FX" 2
kill -INT $T; wait $T; rc=$?
check "stat SIGINT: exit 0" [ $rc = 0 ]
check "stat SIGINT: final table counts 5 hits" grep -Eq '^tt:noargs +5 +5$' "$TMP/stat"
check "stat SIGINT: marked final" grep -q '(final)' "$TMP/stat"
check "stat: no link left" [ "$(uprobe_multi_links)" = $links0 ]

# stat -n: stops by itself
"$TSDT" stat -a -i 100ms -n 3 "$FX:tt:*" > "$TMP/stat2" 2>&1
check "stat -n 3: exit 0, 3 tables" [ $? = 0 -a "$(grep -c '^PROBE' "$TMP/stat2")" = 3 ]
check "stat -a: probes without hits listed" grep -Eq '^tt:seq +0 +0$' "$TMP/stat2"

# errors
expect_rc() { # RC DESCRIPTION REGEX ARGS...
	local want=$1 desc=$2 re=$3; shift 3
	"$@" > /dev/null 2> "$TMP/e"
	local rc=$?
	check "$desc: exit $want (got $rc)" [ $rc = $want ]
	check "$desc: message /$re/" grep -Eq -- "$re" "$TMP/e"
}
expect_rc 2 "no probe" "no probe given" "$TSDT" trace -p 1
expect_rc 2 "-p and -c" "exclude" "$TSDT" trace -p 1 -c "$FX" tt:x
expect_rc 2 "bad pid" "bad pid '12abc'" "$TSDT" trace -p 12abc tt:x
expect_rc 2 "bad pattern" "bad probe pattern 'a::b'" "$TSDT" trace -c "$FX" a::b
expect_rc 2 "bad buffer size" "bad buffer size '3000'" "$TSDT" trace -b 3000 -c "$FX" tt:x
expect_rc 2 "stat bad interval" "bad interval '1x'" "$TSDT" stat -i 1x -c "$FX" tt:x
expect_rc 2 "stat bad count" "bad count '0'" "$TSDT" stat -n 0 -c "$FX" tt:x
expect_rc 1 "no binary" "names no binary" "$TSDT" trace tt:noargs
expect_rc 1 "no match" "no probe matches 'tt:nope'" "$TSDT" trace -c "$FX" tt:nope
expect_rc 1 "missing command" "command 'no-such-cmd-xyz' not found" "$TSDT" trace -c no-such-cmd-xyz tt:x
expect_rc 1 "missing binary" "/nonexistent/bin" "$TSDT" trace /nonexistent/bin:a:b
check "missing binary: said once, as tsdt trace's ($(tr '\n' '|' < "$TMP/e"))" \
	bash -c '[ "$(grep -c /nonexistent/bin "$1")" = 1 ] && grep -q "^tsdt trace: .*/nonexistent/bin: cannot open" "$1"' _ "$TMP/e"
expect_rc 1 "unwritable output" "cannot open '/nonexistent/out'" "$TSDT" trace -o /nonexistent/out -c "$FX" tt:noargs
check "no fixture left running" sh -c "! pgrep -f '^$FX' > /dev/null"
"$TSDT" trace --help > "$TMP/help"
check "--help: exit 0 with examples" grep -q '^Examples:' "$TMP/help"
finish
