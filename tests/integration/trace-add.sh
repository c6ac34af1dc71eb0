#!/bin/bash
# The tracer is incremental (tsdt_tracer__add_probe() after start): a probe
# of a second binary added to a running tracer gets its events while the
# first binary's keep arriving, none lost; and one file seen through two
# paths (/proc/self/root/..., a bind mount) is one binary: its probe is
# added once (the same index), its sites attached once, no event doubled;
# a file's probes removed while running (tsdt_tracer__remove_binary())
# stop firing, and come back when added again.
. "$(dirname "$0")/../trace/lib.sh"
TR=$OUT/tests/attach/tracer
APP=$OUT/tests/deps/app-runpath
for f in "$TR" "$APP"; do [ -x "$f" ] || die "$f not built (make)"; done
FXA=$(realpath "$FX")
uprobe_links() { bpftool link show 2>/dev/null | grep -c "uprobe.multi *path $1 "; }

# 1. tt:ints of the fixture from the start; app:tick of another binary
# added 300 ms later, while the fixture fires 120 rounds, 10 ms apart
LOOPS=120 TICKS=50
"$TR" -q -P -t 15000 -n $((LOOPS + TICKS)) -a "300:$APP:app:tick" "$FX" tt:ints \
	> "$TMP/tr.out" 2> "$TMP/tr.err" & T=$!
on_exit "kill $T 2>/dev/null"
wait_for "$TMP/tr.out" '^started' || die "tracer did not start: $(cat "$TMP/tr.err")"
"$FX" $LOOPS 10 > /dev/null & F=$!
wait_for "$TMP/tr.out" '^added app:tick index=1 probes=2' 5
check "app:tick added to the running tracer as probe 1" grep -q '^added app:tick index=1 probes=2$' "$TMP/tr.out"
check "the fixture is still firing when app:tick is added" kill -0 $F
"$APP" $TICKS > /dev/null
wait $F
wait $T
check "tracer ends with every event ($(tr '\n' ' ' < "$TMP/tr.out"))" grep -qx "events $((LOOPS + TICKS))" "$TMP/tr.out"
check "all $LOOPS tt:ints events of the first binary" grep -qx "events tt:ints $LOOPS" "$TMP/tr.out"
check "all $TICKS app:tick events of the binary added later" grep -qx "events app:tick $TICKS" "$TMP/tr.out"
check "nothing lost" grep -qx "lost 0" "$TMP/tr.out"

# 2. one file through two paths: added at start from both, and after
# start from a third; one probe, one link, no event twice
mkdir -p "$TMP/mnt"
touch "$TMP/mnt/fixture"
mount --bind "$FXA" "$TMP/mnt/fixture" || die "bind mount failed"
on_exit "umount '$TMP/mnt/fixture'"
"$TR" -q -P -t 15000 -n $LOOPS -a "200:$TMP/mnt/fixture:tt:ints" \
	"$FX" tt:ints "/proc/self/root$FXA:tt:ints" \
	> "$TMP/tr2.out" 2> "$TMP/tr2.err" & T=$!
wait_for "$TMP/tr2.out" '^started' || die "tracer did not start: $(cat "$TMP/tr2.err")"
wait_for "$TMP/tr2.out" '^added' 5
check "the bind-mounted path gives the probe already traced (index 0, 1 probe)" \
	grep -q '^added tt:ints index=0 probes=1$' "$TMP/tr2.out"
check "one uprobe_multi link on the fixture" [ "$(uprobe_links "$FXA")" = 1 ]
"$FX" $LOOPS 1 > /dev/null
wait $T
check "each hit once: $LOOPS events ($(tr '\n' ' ' < "$TMP/tr2.out"))" grep -qx "events tt:ints $LOOPS" "$TMP/tr2.out"
check "nothing lost (2)" grep -qx "lost 0" "$TMP/tr2.out"

# 3. a file's probes removed from the running tracer (dlclose, exec) and
# added again: none of its events while removed, all once back; the first
# binary's keep arriving throughout
"$TR" -q -P -t 15000 -n $((LOOPS + 20)) -a "100:$APP:app:tick" -R "500:$APP" \
	-a "900:$APP:app:tick" "$FX" tt:ints > "$TMP/tr3.out" 2> "$TMP/tr3.err" & T=$!
wait_for "$TMP/tr3.out" '^started' || die "tracer did not start: $(cat "$TMP/tr3.err")"
"$FX" $LOOPS 12 > /dev/null & F=$!
wait_for "$TMP/tr3.out" '^added app:tick index=1 probes=2' 5
"$APP" 10 > /dev/null
wait_for "$TMP/tr3.out" "^removed .*app-runpath probes=1" 5
check "removing the second file detaches its one probe" grep -q "^removed .*app-runpath probes=1$" "$TMP/tr3.out"
check "its link is gone" [ "$(uprobe_links "$(realpath "$APP")")" = 0 ]
"$APP" 10 > /dev/null
for _ in $(seq 250); do
	[ "$(grep -c '^added app:tick' "$TMP/tr3.out")" = 2 ] && break
	sleep 0.02
done
check "added again: the same index, attached again" [ "$(grep -c '^added app:tick index=1 probes=2$' "$TMP/tr3.out")" = 2 ]
"$APP" 10 > /dev/null
wait $F
wait $T
check "20 app:tick events: 10 before the removal, 0 while removed, 10 after ($(tr '\n' ' ' < "$TMP/tr3.out"))" \
	grep -qx "events app:tick 20" "$TMP/tr3.out"
check "all $LOOPS tt:ints events meanwhile" grep -qx "events tt:ints $LOOPS" "$TMP/tr3.out"
check "nothing lost (3)" grep -qx "lost 0" "$TMP/tr3.out"

# 4. one probe removed (tsdt_tracer__remove_probe()) from its file's link,
# which keeps the other's events coming: tt:misc stops, tt:ints goes on
LOOPS=60
"$TR" -P -t 2500 -n 1000000 -D 300:tt:misc "$FX" tt:ints tt:misc \
	> "$TMP/tr4.out" 2> "$TMP/tr4.err" & T=$!
on_exit "kill $T 2>/dev/null"
wait_for "$TMP/tr4.out" '^started' || die "tracer did not start: $(cat "$TMP/tr4.err")"
"$FX" $LOOPS 10 > /dev/null
wait $T
check "tt:misc removed while the tracer runs" grep -q '^dropped tt:misc ret=1$' "$TMP/tr4.out"
check "no tt:misc event after its removal" \
	sh -c "! sed -n '/^dropped/,\$p' '$TMP/tr4.out' | grep -q '^tt:misc '"
check "tt:misc events before it ($(grep -c '^tt:misc ' "$TMP/tr4.out"))" \
	sh -c "[ \$(grep -c '^tt:misc ' '$TMP/tr4.out') -gt 0 ] && [ \$(grep -c '^tt:misc ' '$TMP/tr4.out') -lt $LOOPS ]"
check "all $LOOPS tt:ints events, the same link's other probe" grep -qx "events tt:ints $LOOPS" "$TMP/tr4.out"
finish
