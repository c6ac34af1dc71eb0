#!/bin/bash
# Process selection: a handler attached for every process also fires in a
# process started after the attach; attached to one pid it fires only
# there; and attached to the pid of a process that has not exec'd the
# binary yet (what `tsdt trace -c` does), it fires once the process runs it.
# Both attach modes.
. "$(dirname "$0")/attach-lib.sh"

wait_line() { # FILE REGEX
	local i
	for i in $(seq 1000); do grep -qE "$2" "$1" && return 0; sleep 0.01; done
	return 1
}

for mode in "" "-s"; do
	m=${mode:-multi}

	# all processes, including one started after the attach
	f=$TMP/later.$m
	"$A/loader" $mode -w 5000 h_global "$A/target" attach_test:global >"$f" 2>&1 &
	l=$!; PIDS+=("$l")
	wait_line "$f" '^attached' || bad "[$m] loader did not attach"
	start_target
	C=$TARGET_PID
	{ wait "$l"; } 2>/dev/null
	expect_has "[$m] all processes: fires in a process started later" "$(cat "$f")" \
		"hits=yes pid=$C v0=1234567 "

	# one pid among two
	start_target
	B=$TARGET_PID
	out=$("$A/loader" $mode -p "$B" h_ints "$A/target" attach_test:ints 2>&1)
	expect_has "[$m] -p: fires in that process" "$out" "hits=yes pid=$B "
	out=$("$A/tracer" $mode -p "$B" -n 20 "$A/target" attach_test:ints attach_test:misc 2>&1)
	n=$(grep -c "^attach_test:.* pid=$B " <<<"$out")
	o=$(grep "^attach_test:" <<<"$out" | grep -vc " pid=$B ")
	[ "$n" = 20 ] && [ "$o" = 0 ] && ok "[$m] tracer -p: 20 events, all from $B" ||
		bad "[$m] tracer -p: $n events from $B, $o from others"
	{ kill -9 "$B" "$C" && wait "$B" "$C"; } 2>/dev/null

	# a pid that has not exec'd the target yet
	go=$TMP/go.$m
	bash -c 'while [ ! -e "$1" ]; do sleep 0.01; done; exec "$2"' _ "$go" "$A/target" >/dev/null &
	X=$!; PIDS+=("$X")
	f=$TMP/preexec.$m
	"$A/loader" $mode -p "$X" -w 5000 h_ints "$A/target" attach_test:ints >"$f" 2>&1 &
	l=$!; PIDS+=("$l")
	wait_line "$f" '^attached' || bad "[$m] loader did not attach to the waiting pid"
	touch "$go"
	{ wait "$l"; } 2>/dev/null
	expect_has "[$m] attach before exec: fires after exec" "$(cat "$f")" \
		"hits=yes pid=$X v0=-5 "
	{ kill -9 "$X" && wait "$X"; } 2>/dev/null
done
finish
