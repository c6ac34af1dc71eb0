#!/bin/bash
# tsdt trace's output keeps up and stays whole:
#   - four threads firing 100,000 events each as fast as they can, traced
#     with the default ring buffer and text output to a file: every event
#     written, none lost (three runs);
#   - the same in JSON (a slower writer, at the edge of keeping up on two
#     CPUs shared with four busy threads): every line valid JSON, and the
#     events written plus those reported lost are exactly 400,000;
#   - when the traced command writes to the same standard output (a pipe)
#     while its probes fire, no output line is a mix of the two: every line
#     is the command's or a whole event line.
. "$(dirname "$0")/../trace/lib.sh"
N=100000 T=4
for r in 1 2 3; do
	"$TSDT" trace -o "$TMP/four.txt" -c "$FX --burst $N $T" tt:seq 2> "$TMP/err"
	check "run $r: $((N * T)) events, none lost ($(tail -1 "$TMP/err"))" \
		grep -q "^tsdt trace: $((N * T)) events, 0 lost" "$TMP/err"
	check "run $r: $((N * T)) event lines in the file" \
		[ "$(grep -c ' tt:seq i=' "$TMP/four.txt")" = $((N * T)) ]
done
# each thread's i = 0..N-1 exactly once: the sum is T * N(N-1)/2
check "every thread's every i, once" \
	[ "$(sed -n 's/.* tt:seq i=//p' "$TMP/four.txt" | awk '{ s += $1 } END { printf "%.0f", s }')" = $((T * N * (N - 1) / 2)) ]
"$TSDT" trace --json -o "$TMP/four.json" -c "$FX --burst $N $T" tt:seq 2> "$TMP/err"
check "json: every line is JSON; events + lost = $((N * T)) ($(tail -1 "$TMP/err"))" \
	python3 - "$TMP/four.json" $((N * T)) <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
n = sum(1 for r in recs if r['type'] == 'event')
s = [r for r in recs if r['type'] == 'summary'][0]
sys.exit(not (s['events'] == n and n + s['lost'] == int(sys.argv[2])))
PY

# the command and tsdt trace share a pipe: a shell loop writes its lines
# (one write each, as echo does) while the fixture (exec'd by the same
# shell, so the pid traced) fires events
"$TSDT" trace -q -c "sh -c 'i=0; while [ \$i -lt 50000 ]; do echo the-commands-own-line; i=\$((i+1)); done & exec $FX --burst 200000 2'" \
	"$FX:tt:seq" 2> "$TMP/err" | cat > "$TMP/mixed"
check "the command's lines and the events all arrived" \
	bash -c '[ "$(grep -cx the-commands-own-line "$1")" = 50000 ] && [ "$(grep -c " tt:seq i=" "$1")" = 400000 ]' _ "$TMP/mixed"
check "no line mixes the command's output with an event" \
	bash -c '! grep -vxE "the-commands-own-line|[0-9:.]+ +[0-9]+ +[0-9]+ +.{16} tt:seq i=[0-9]+" "$1" | head -3 | grep .' _ "$TMP/mixed"
finish
