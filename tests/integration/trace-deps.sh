#!/bin/bash
# tsdt trace/stat -c with a pattern naming no binary: probes in the shared
# libraries the command needs (DT_NEEDED, recursively), found as the dynamic
# linker finds them. Fixture: tests/deps (see tests/build.mk): libprov.so in
# lib/ (variant 1) and ldpath/ (variant 2), each needing libinner.so through
# its own $ORIGIN RUNPATH; app-runpath (DT_RUNPATH $ORIGIN/lib), app-rpath
# (DT_RPATH $ORIGIN/lib), app-plain (no path), app-gone (also needs
# libgone.so, in no searched directory).
. "$(dirname "$0")/../trace/lib.sh"
. "$(dirname "$0")/../paths.sh"
D=$OUT/tests/deps
DA=$(realpath "$D")
NEEDED=$D/needed
for f in app-runpath app-rpath app-plain app-gone needed ldpath/libprov.so; do
	[ -e "$D/$f" ] || die "$D/$f not built (make)"
done
unset LD_LIBRARY_PATH LD_PRELOAD

# expected text of one round's events
expect() { # ROUND VARIANT
	local big
	big=$(python3 -c "print(0xfeedface00000000 + $1)")
	printf 'app:tick round=%d\n' "$1"
	printf 'libprov:hit round=%d big=%s what="from libprov"\n' "$1" "$big"
	printf 'libprov:variant v=%d\n' "$2"
	printf 'libinner:deep x=%d\n' $((-10 * $1))
}
expect_rounds() { local r; for ((r = 1; r <= $1; r++)); do expect $r $2; done; }
# binary of the events of PROBE in a --json output
json_bin() { jq -r --arg p "$1" 'select(.type == "event" and .probe == $p) | .binary' "$2" | xargs -r realpath | sort -u; }

# 1. $ORIGIN RUNPATH: the library's and the dependency's probes, exact values
"$TSDT" trace -c "$D/app-runpath 3" 'app:*' 'libprov:*' 'libinner:*' \
	> "$TMP/rp.out" 2> "$TMP/rp.err"
check "runpath: exit 0" [ $? = 0 ]
check "runpath: 4 probes, one of them in the program" \
	grep -q "^Tracing 4 probes at 4 sites" "$TMP/rp.err"
check "runpath: every event with its exact arguments, in order" \
	diff <(expect_rounds 3 1) <(strip_cols "$TMP/rp.out")

# each --provider-file is read once, not once per library searched
"$TSDT" trace -v -q --provider-file probes/demo.d --provider-file probes/postgresql.d \
	-o /dev/null -c "$D/app-runpath 1" 'libinner:*' 2> "$TMP/pf.err"
check "two provider files read once for the program and its libraries ($(grep -c 'provider files read' "$TMP/pf.err") reads)" \
	[ "$(grep -c '^libtsdt: catalog: 2 provider files read$' "$TMP/pf.err")" = 1 ]

"$TSDT" trace -c "$D/app-runpath 2" 'libprov:*' > "$TMP/lib.out" 2> "$TMP/lib.err"
check "runpath: 'libprov:*' alone matches (it did not before: 'no probe matches')" \
	diff <(expect_rounds 2 1 | grep '^libprov:') <(strip_cols "$TMP/lib.out")

"$TSDT" trace --json -c "$D/app-runpath 1" 'libprov:variant' 'libinner:deep' > "$TMP/rp.json" 2> "$TMP/rp.err"
check "runpath: libprov is lib/libprov.so (its \$ORIGIN expanded)" \
	[ "$(json_bin libprov:variant "$TMP/rp.json")" = "$DA/lib/libprov.so" ]
check "runpath: libinner through libprov's own \$ORIGIN RUNPATH" \
	[ "$(json_bin libinner:deep "$TMP/rp.json")" = "$DA/lib/inner/libinner.so" ]

# 2. tsdt stat -c counts them
"$TSDT" stat -c "$D/app-runpath 5" 'libprov:*' 'libinner:*' > "$TMP/stat.out" 2> "$TMP/stat.err"
check "stat: exit 0" [ $? = 0 ]
row() { awk -v p="$1" '$1 == p { r = $2 " " $3 } END { print r }' "$2"; }
for p in libprov:hit libprov:variant libinner:deep; do
	check "stat: $p counted 5 times" [ "$(row $p "$TMP/stat.out")" = "5 5" ]
done

# 3. LD_LIBRARY_PATH: the only way app-plain finds libprov
LD_LIBRARY_PATH=$D/ldpath "$TSDT" trace -c "$D/app-plain 2" 'libprov:*' 'libinner:*' \
	> "$TMP/lp.out" 2> "$TMP/lp.err"
check "LD_LIBRARY_PATH: exit 0" [ $? = 0 ]
check "LD_LIBRARY_PATH: events of ldpath/libprov.so (variant 2)" \
	diff <(expect_rounds 2 2 | grep -v '^app:') <(strip_cols "$TMP/lp.out")
"$TSDT" trace -c "$D/app-plain 1" 'libprov:*' > "$TMP/nolp.out" 2> "$TMP/nolp.err"
check "no LD_LIBRARY_PATH: libprov not found, so no probe matches (exit 1)" [ $? = 1 ]
check "no LD_LIBRARY_PATH: the message names the program and its library count" \
	grep -Eq "no probe matches 'libprov:\*' in $D/app-plain or the [0-9]+ librar(y|ies) it needs" "$TMP/nolp.err"

# 4. resolution order, checked against the real process: a probe of the wrong
# copy would never fire. DT_RUNPATH comes after LD_LIBRARY_PATH, DT_RPATH
# before it.
LD_LIBRARY_PATH=$D/ldpath "$TSDT" trace --json -c "$D/app-runpath 1" 'libprov:variant' 'libinner:deep' \
	> "$TMP/o1.json" 2> "$TMP/o1.err"
check "order: RUNPATH program with LD_LIBRARY_PATH: ldpath's libprov (v=2) and its libinner" \
	[ "$(json_bin libprov:variant "$TMP/o1.json")" = "$DA/ldpath/libprov.so" -a \
	  "$(jq -c 'select(.type == "event" and .probe == "libprov:variant") | .args[0].value' "$TMP/o1.json")" = 2 -a \
	  "$(json_bin libinner:deep "$TMP/o1.json")" = "$DA/ldpath/inner/libinner.so" ]
LD_LIBRARY_PATH=$D/ldpath "$TSDT" trace --json -c "$D/app-rpath 1" 'libprov:variant' \
	> "$TMP/o2.json" 2> "$TMP/o2.err"
check "order: RPATH program with LD_LIBRARY_PATH: lib's libprov (v=1)" \
	[ "$(json_bin libprov:variant "$TMP/o2.json")" = "$DA/lib/libprov.so" -a \
	  "$(jq -c 'select(.type == "event" and .probe == "libprov:variant") | .args[0].value' "$TMP/o2.json")" = 1 ]

# tsdt_find_needed_libs() against the dynamic linker itself (ldd), in load
# order, as real paths; ldd names the interpreter without '=>'
ldd_paths() { ldd "$1" | awk '$2 == "=>" && $3 ~ /\// { print $3 } $1 ~ /^\// { print $1 }' | xargs -r realpath; }
same_as_ldd() {
	local got
	got=$("$NEEDED" "$1" 2> "$TMP/needed.err") || return 1
	diff <(echo "$got" | xargs -r realpath) <(ldd_paths "$1")
}
for b in "$D/app-runpath" "$D/app-rpath" $PG "$TSDT"; do
	check "find_needed_libs = ldd: $b" same_as_ldd "$b"
done
for b in "$D/app-runpath" "$D/app-rpath" "$D/app-plain"; do
	check "find_needed_libs = ldd with LD_LIBRARY_PATH: $b" \
		env LD_LIBRARY_PATH="$D/ldpath" bash -c "$(declare -f ldd_paths same_as_ldd); NEEDED=$NEEDED TMP=$TMP same_as_ldd $b"
done
"$NEEDED" $PG 2>/dev/null | xargs realpath > "$TMP/pg.libs"
check "find_needed_libs: postgres's libraries (41 on Debian 12), each once" \
	[ "$(wc -l < "$TMP/pg.libs")" -gt 10 -a "$(sort -u "$TMP/pg.libs" | wc -l)" = "$(wc -l < "$TMP/pg.libs")" ]
check "find_needed_libs: a file that is not ELF is an error" \
	sh -c "! '$NEEDED' tests/deps/app.c 2>/dev/null"

# 5. a library tsdt does not find: a debug message, never an error
"$TSDT" trace -v -c "$D/app-gone 1" 'app:*' > "$TMP/g0.out" 2> "$TMP/g0.err"
rc=$?
check "missing library: tsdt exits with the command's status (127 from ld.so)" [ $rc = 127 ]
check "missing library: -v says it was not found" \
	grep -q "needed library libgone.so not found" "$TMP/g0.err"
check "missing library: the dynamic linker says it is missing" \
	grep -q "libgone.so: cannot open shared object file" "$TMP/g0.err"
# ... and when the dynamic linker does get it (here through LD_PRELOAD,
# which tsdt does not search), the program's own probes and libprov's trace
LD_PRELOAD=$DA/gone/libgone.so "$TSDT" trace -c "$D/app-gone 3" 'app:*' 'libprov:hit' \
	> "$TMP/g1.out" 2> "$TMP/g1.err"
check "library not found by tsdt: exit 0" [ $? = 0 ]
check "library not found by tsdt: the program's and libprov's events, exact" \
	diff <(expect_rounds 3 1 | grep -E '^(app:tick|libprov:hit) ') <(strip_cols "$TMP/g1.out")
check "library not found by tsdt: no warning nor error, only the usual two lines" \
	[ "$(grep -cv -e '^Tracing 2 probes at 2 sites' -e '^tsdt trace: 6 events, 0 lost' "$TMP/g1.err")" = 0 ]

# 6. unchanged: an explicit binary part with -c is that file only
"$TSDT" trace -c "$D/app-runpath 2" "$D/lib/libprov.so:libprov:variant" > "$TMP/x.out" 2> "$TMP/x.err"
check "explicit binary: exactly its probe's events" \
	diff <(printf 'libprov:variant v=1\nlibprov:variant v=1\n') <(strip_cols "$TMP/x.out")
check "nothing left attached to libprov" \
	sh -c "! bpftool link show 2>/dev/null | grep -q '$DA/lib/libprov.so'"
finish
