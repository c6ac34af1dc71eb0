#!/bin/bash
# A probe argument read rip-relative from a symbol the file does not name
# (a stripped binary) no longer blocks the other probes or arguments:
# tsdt trace attaches everything, says once which argument it cannot read,
# and shows it unreadable in every event; the unstripped build reads it.
. "$(dirname "$0")/../trace/lib.sh"
R=$OUT/tests/trace/ripstrip
for f in "$R" "$R.full"; do [ -x "$f" ] || die "$f not built (make)"; done
check "the fixture's argument is rip-relative" \
	bash -c 'readelf -n "$1" | grep -A2 "Name: both$" | grep -q "counter(%rip)"' _ "$R"
check "the stripped fixture has no symbol for it" bash -c '! nm "$1" 2>/dev/null | grep -q counter' _ "$R"

"$TSDT" trace -c "$R 3" 'tt_rip:*' > "$TMP/s.out" 2> "$TMP/s.err"
check "stripped: exit 0 ($(tr '\n' '|' < "$TMP/s.err"))" [ $? = 0 ]
check "stripped: both probes attached, 6 events" grep -q "^tsdt trace: 6 events, 0 lost" "$TMP/s.err"
check "stripped: the unresolved argument named once" \
	[ "$(grep -c "tt_rip:both at 0x[0-9a-f]* arg 1: symbol 'counter' is in no symbol table" "$TMP/s.err")" = 1 ]
check "stripped: the other argument and probe read, that one unreadable" \
	diff <(strip_cols "$TMP/s.out") - <<'EOF2'
tt_rip:both arg0=1 arg1=<unreadable: -14>
tt_rip:plain arg0=1
tt_rip:both arg0=2 arg1=<unreadable: -14>
tt_rip:plain arg0=2
tt_rip:both arg0=3 arg1=<unreadable: -14>
tt_rip:plain arg0=3
EOF2

"$TSDT" trace -c "$R.full 2" 'tt_rip:both' > "$TMP/f.out" 2> "$TMP/f.err"
check "unstripped: the symbol's value" \
	diff <(strip_cols "$TMP/f.out") <(printf 'tt_rip:both arg0=1 arg1=101\ntt_rip:both arg0=2 arg1=102\n')
finish
