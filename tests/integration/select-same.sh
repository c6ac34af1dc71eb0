#!/bin/bash
# tsdt list and tsdt trace select the same probes for the same pattern: both
# go through libtsdt's tsdt_pattern (attach/pattern.c). A table of patterns
# (globs, DTrace spelling, binary by path, file name, canonical path, glob
# and library stem, patterns that match nothing) against one running process
# (the trace fixture with libprov.so and libinner.so preloaded, so that
# three mapped files have probes): `tsdt list --json -p PID PATTERN` and the
# start record of `tsdt trace --json -p PID PATTERN` must name the same set
# of (file, provider:name), and each row's expected count. A glob binary
# part only selects among the mapped files (README* is never opened from
# the current directory).
. "$(dirname "$0")/../trace/lib.sh"
LIBPROV=$(realpath "$OUT/tests/deps/lib/libprov.so")
[ -f "$LIBPROV" ] || die "$LIBPROV not built (make)"
LD_PRELOAD=$LIBPROV "$FX" 0 50 > /dev/null & P=$!
on_exit "kill $P 2>/dev/null; wait $P 2>/dev/null"
for _ in $(seq 100); do grep -q libinner "/proc/$P/maps" 2>/dev/null && break; sleep 0.02; done
grep -q libinner "/proc/$P/maps" || die "fixture did not map libinner.so"

# list_sel PATTERN / trace_sel PATTERN: "file provider:name" lines, sorted
list_sel() {
	"$TSDT" list --json -p $P "$1" 2>"$TMP/list.err" | python3 -c '
import json, os, sys
for b in json.load(sys.stdin)["binaries"]:
    for p in b["probes"]:
        print(os.path.basename(b["path"]), p["provider"] + ":" + p["name"])' | sort
}
trace_sel() {
	"$TSDT" trace --json -q -p $P -o "$TMP/trace.json" "$1" 2>"$TMP/trace.err" & local t=$!
	for _ in $(seq 250); do
		[ -s "$TMP/trace.json" ] && break
		kill -0 $t 2>/dev/null || break
		sleep 0.02
	done
	kill -INT $t 2>/dev/null; wait $t 2>/dev/null
	[ -s "$TMP/trace.json" ] || return 0
	head -1 "$TMP/trace.json" | python3 -c '
import json, os, sys
for p in json.load(sys.stdin)["probes"]:
    print(os.path.basename(p["binary"]), p["probe"])' | sort
	rm -f "$TMP/trace.json"
}

FXR=$(realpath "$FX")
# PATTERN<TAB>number of probes it selects
while IFS=$'\t' read -r pat want; do
	[ -n "$pat" ] || continue
	l=$(list_sel "$pat")
	t=$(trace_sel "$pat")
	n=$(grep -c . <<<"$l")
	check "'$pat': list and trace select the same $n probe(s)" [ "$l" = "$t" ]
	check "'$pat': $want probe(s) selected (got $n)" [ "$n" = "$want" ]
	if [ "$want" = 0 ]; then
		check "'$pat': list says no probe matches" grep -qF "no probe matches '$pat'" "$TMP/list.err"
		check "'$pat': trace says no probe matches" grep -qF "no probe matches '$pat'" "$TMP/trace.err"
	fi
done <<EOF2
tt:*	4
*:*	8
tt:ints	1
t?:[in]*	2
tt_sdt:*	1
fixture:tt:*	4
$FX:*:*	5
$FXR:tt:misc	1
fix*:*:*	5
libprov:*:*	2
libprov.so:libprov:hit	1
*/inner/*:*:*	1
libinner:libinner:deep	1
lib*:lib*:*	3
libprov:lib-prov:*	0
tt:no-args	0
nomatch:*	0
fixture:nomatch:*	0
README*:*:*	0
EOF2
finish
