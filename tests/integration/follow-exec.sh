#!/bin/bash
# Following exec and dlopen (docs/following.md): a shell script that execs
# an instrumented program, a child that execs a program no one has seen
# (stopped at its exec until its probes are attached), exec from a non-main
# thread, a library dlopen'ed after attach, dlclosed and loaded again at
# another base: every event arrives. A process held at a new file when the
# tracer is SIGKILLed is continued (the keeper). tsdt list -p after an exec
# shows the new program's probes.
. "$(dirname "$0")/../trace/lib.sh"
. tests/paths.sh
FAM=$(realpath "$OUT/tests/follow/family")
LIBFAM=$(realpath "$OUT/tests/follow/libfam.so")
CHECK="$PYTHON tests/follow/check-events.py"
[ -x "$FAM" ] || die "$FAM not built (make)"
count() { awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' "$2"; }
# a copy of the program that no tracer has seen: a new inode
fresh() { cp "$FAM" "$TMP/$1"; echo "$TMP/$1"; }
links0=$(bpftool link show 2>/dev/null | grep -c .)

# 1. a shell script that execs the program (named: its probes are
#    attached at start, on its inode, so the exec misses nothing)
printf '#!/bin/sh\nexec "%s" hit 5\n' "$FAM" > "$TMP/run.sh"
"$TSDT" trace -q --json --proc-events -c "sh $TMP/run.sh" "$FAM:fam:hit" > "$TMP/1.json" 2> "$TMP/1.err"
$CHECK "$TMP/1.json" > "$TMP/1.counts"
check "script execs the program: 5 fam:hit events" [ "$(count fam:hit "$TMP/1.counts")" = 5 ]
check "script: the exec is an event, not held (its file was known)" \
	[ "$(count proc:exec "$TMP/1.counts")" -ge 2 -a "$(count held:exec "$TMP/1.counts")" = 0 ]

# 2. a child execs a program never seen: held at its exec, then traced
F1=$(fresh new1)
"$TSDT" trace -q --json --proc-events -Z -c "$FAM fork-exec $F1 hit 7" fam:hit > "$TMP/2.json" 2> "$TMP/2.err"
$CHECK "$TMP/2.json" > "$TMP/2.counts"
check "never-seen program: all 7 events" [ "$(count fam:hit "$TMP/2.counts")" = 7 ]
check "never-seen program: its exec was held" [ "$(count held:exec "$TMP/2.counts")" = 1 ]
check "never-seen program: the events name it" \
	sh -c "[ \$(grep -c '\"binary\":\"$F1\"' '$TMP/2.json') = 7 ]"
check "never-seen program: attributed right" [ "$(count misattributed "$TMP/2.counts")" = 0 ]

# 3. exec from a non-main thread (the thread takes the process's pid)
F2=$(fresh new2)
"$TSDT" trace -q --json --proc-events -Z -c "$FAM thread-exec $F2 hit 4" fam:hit > "$TMP/3.json" 2> "$TMP/3.err"
$CHECK "$TMP/3.json" > "$TMP/3.counts"
check "exec from a thread: all 4 events" [ "$(count fam:hit "$TMP/3.counts")" = 4 ]
check "exec from a thread: the exec event names the thread (tid != pid)" \
	$PYTHON -c 'import json,sys
e=[json.loads(l) for l in open(sys.argv[1])]
x=[r for r in e if r["type"]=="exec" and r["path"]==sys.argv[2]]
assert len(x)==1 and x[0]["tid"]!=x[0]["pid"], x' "$TMP/3.json" "$F2"

# 4. dlopen after attach, dlclose, dlopen again at another base
"$TSDT" trace -q --json --proc-events -Z -o "$TMP/4.json" -c "$FAM dlopen $LIBFAM 6" libfam:fire > "$TMP/4.out" 2> "$TMP/4.err"
$CHECK "$TMP/4.json" > "$TMP/4.counts"
check "dlopen twice: all 12 libfam:fire events" [ "$(count libfam:fire "$TMP/4.counts")" = 12 ]
check "dlopen: the first load was held, until attached" [ "$(count held:load "$TMP/4.counts")" -ge 1 ]
check "dlopen: two loads of libfam.so at the two bases the process saw ($(tr '\n' ' ' < "$TMP/4.out"))" \
	$PYTHON -c 'import json,sys
e=[json.loads(l) for l in open(sys.argv[1])]
got=[r["base"] for r in e if r["type"]=="load" and r["path"]==sys.argv[2]]
want=[int(l.split()[1],16) for l in open(sys.argv[3]) if l.startswith("base ")]
assert len(want)==2 and want[0]!=want[1] and got==want, (got, want)' "$TMP/4.json" "$LIBFAM" "$TMP/4.out"

# 4b. a dlopen of a never-seen library in a process of two threads: no
# stop (it would make the other thread's epoll_wait fail with EINTR); the
# library's probes attached from the load record, before its first call
cp "$LIBFAM" "$TMP/libnew.so"
"$FAM" dlopen-threaded "$TMP/libnew.so" 3 > "$TMP/4t.untraced"
cp "$LIBFAM" "$TMP/libnew2.so"
"$TSDT" trace -q --json --proc-events -Z -o "$TMP/4t.json" -c "$FAM dlopen-threaded $TMP/libnew2.so 3" \
	libfam:fire > "$TMP/4t.out" 2> "$TMP/4t.err"
check "threaded dlopen: the program computes what it computes untraced ($(cat "$TMP/4t.out"))" \
	sh -c "[ \"\$(cat '$TMP/4t.out')\" = \"\$(cat '$TMP/4t.untraced')\" ] && grep -qx 'epoll_wait 0' '$TMP/4t.out'"
$CHECK "$TMP/4t.json" > "$TMP/4t.counts"
check "threaded dlopen: not held, and its 3 events arrive" \
	[ "$(count held:load "$TMP/4t.counts")" = 0 -a "$(count libfam:fire "$TMP/4t.counts")" = 3 ]

# 5. the parent of a process held at a new program: it may see the stop
#    while it lasts (documented), but never has to continue it
F3=$(fresh new3)
"$TSDT" trace -q -Z -c "$FAM wait-stop $F3" fam:hit > "$TMP/5.out" 2> "$TMP/5.err"
check "a parent waiting with WUNTRACED: the child ends without its help ($(grep -v '^TIME' "$TMP/5.out" | grep -v fam:hit))" \
	grep -Eq '^(stopped, then )?exited 0$' "$TMP/5.out"
check "... and its event arrives" grep -q 'fam:hit' "$TMP/5.out"

# 6. a tracer killed (SIGKILL) while it holds a process: the keeper
#    continues it; nothing stays stopped or attached
F4=$(fresh new4)
mkfifo "$TMP/go"
(read -r _ < "$TMP/go"; exec "$F4" hit 3) & P=$!
on_exit "kill -9 $P 2>/dev/null"
"$TSDT" trace -Z -p $P fam:hit > "$TMP/6.out" 2> "$TMP/6.err" & T=$!
on_exit "kill -9 $T 2>/dev/null"
wait_for "$TMP/6.err" '^Tracing' 10 || fail "kill: not attached"
kill -STOP $T           # the tracer can no longer answer
echo go > "$TMP/go"
held=no
for i in $(seq 100); do
	[ "$(ps -o stat= -p $P 2>/dev/null | cut -c1)" = T ] && { held=yes; break; }
	sleep 0.02
done
check "kill: the process is held at its new program" [ $held = yes ]
kill -9 $T; wait $T 2>/dev/null
ended=no
for i in $(seq 100); do kill -0 $P 2>/dev/null || { ended=yes; break; }; sleep 0.02; done
check "kill: the keeper continued it; it ran to its end" [ $ended = yes ]
for i in $(seq 150); do ps -eo stat=,comm= | grep -v '^Z' | grep -q tsdt-keeper || break; sleep 0.02; done
check "kill: no link, no program, no keeper left" \
	sh -c "[ \$(bpftool link show 2>/dev/null | grep -c .) = $links0 ] && ! ps -eo stat=,comm= | grep -v '^Z' | grep -q tsdt-keeper"

# 7. tsdt list -p after an exec: the new program's probes only
rm -f "$TMP/go"; mkfifo "$TMP/go"
(read -r _ < "$TMP/go"; exec "$FAM" prefork 1 "$TMP/never" 1) & P=$!
on_exit "kill -9 $P 2>/dev/null; pkill -f '$TMP/never'"
"$TSDT" list -p $P > "$TMP/7a" 2>&1
echo go > "$TMP/go"
wait_for /proc/$P/cmdline prefork 5 || true
for i in $(seq 100); do grep -q prefork /proc/$P/cmdline 2>/dev/null && break; sleep 0.02; done
"$TSDT" list -p $P > "$TMP/7b" 2>&1
check "list -p before the exec: no fam probe" sh -c "! grep -q 'fam:' '$TMP/7a'"
check "list -p after the exec: the program's probes" \
	sh -c "grep -q 'fam:child' '$TMP/7b' && grep -q 'fam:hit' '$TMP/7b'"
finish
