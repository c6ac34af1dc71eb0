#!/bin/bash
# Probes in a shared library (libstdc++'s libstdcxx:throw/catch): named by
# library with -c (attached before the command starts, so the library's
# first hits are seen), found among the process's mappings with -p (with
# and without a binary part), counted by tsdt stat -p.
. "$(dirname "$0")/../trace/lib.sh"
THROW=$OUT/tests/trace/throw
[ -x "$THROW" ] || die "$THROW not built"

"$TSDT" trace -c "$THROW 3" 'libstdc++:libstdcxx:*' > "$TMP/c.out" 2> "$TMP/c.err"
check "-c library by name: exit 0" [ $? = 0 ]
check "-c: 3 throws" [ "$(grep -c ' libstdcxx:throw ' "$TMP/c.out")" = 3 ]
check "-c: 3 catches" [ "$(grep -c ' libstdcxx:catch ' "$TMP/c.out")" = 3 ]
check "-c: first event is a throw" [ "$(strip_cols "$TMP/c.out" | head -1 | cut -d' ' -f1)" = libstdcxx:throw ]
check "-c: comm is the command's" awk -v bad=0 '$1 != "TIME" { if ($4 != "throw") bad = 1 } END { exit bad }' "$TMP/c.out"

"$THROW" 0 20 & P=$!
on_exit "kill $P 2>/dev/null"
for _ in $(seq 500); do grep -q 'libstdc++' "/proc/$P/maps" 2>/dev/null && break; sleep 0.01; done
for pat in 'libstdcxx:throw' 'libstdc++:libstdcxx:throw' '*/libstdc++.so.*:*:throw'; do
	"$TSDT" trace --json -p $P "$pat" > "$TMP/p.out" 2> "$TMP/p.err" & T=$!
	wait_for "$TMP/p.out" '"type":"event"' 5 || fail "-p '$pat': no event"
	kill -INT $T; wait $T
	check "-p '$pat': binary is libstdc++, pid $P" \
		python3 -c "
import json, sys
ev = [json.loads(l) for l in open('$TMP/p.out')]
ev = [e for e in ev if e['type'] == 'event']
sys.exit(not ev or not all(e['pid'] == $P and 'libstdc++.so' in e['binary'] and e['probe'] == 'libstdcxx:throw' for e in ev))"
done

"$TSDT" stat -p $P -i 300ms -n 2 'libstdcxx:*' > "$TMP/stat" 2>&1
check "stat -p: throws and catches counted" \
	sh -c "grep -Eq '^libstdcxx:throw +[1-9][0-9]* ' '$TMP/stat' && grep -Eq '^libstdcxx:catch +[1-9][0-9]* ' '$TMP/stat'"
finish
