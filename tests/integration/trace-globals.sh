#!/bin/bash
# tsdt trace --with (tsdt_tracer__add_global()): globals of each probe's own
# file read at every hit, at that file's place in the process: a PIE
# program's, a non-PIE program's, a dlopen'ed library's (a global of the
# same name as the program's, each read from its own file); integers of the
# symbol's size and typed strings; a name no file has is unreadable and
# said so; a type tsdt does not know is refused.
. "$(dirname "$0")/../trace/lib.sh"
. tests/paths.sh
FAM=$(realpath "$OUT/tests/follow/family")
NOPIE=$(realpath "$OUT/tests/follow/family-nopie")
LIBFAM=$(realpath "$OUT/tests/follow/libfam.so")
for f in "$FAM" "$NOPIE" "$LIBFAM"; do [ -e "$f" ] || die "$f not built (make)"; done

# check_values FILE PY-EXPR-ON-EVENT: every event satisfies it
check_values() { # DESC FILE EXPR
	check "$1" $PYTHON -c 'import json,sys
ev=[json.loads(l) for l in open(sys.argv[1]) if "\"event\"" in l]
ev=[e for e in ev if e["type"]=="event"]
assert ev, "no event"
for e in ev:
    a={x["name"]: x.get("value", x.get("error")) for x in e["args"]}
    assert eval(sys.argv[2]), (e["probe"], a)' "$2" "$3"
}

for bin in "$FAM" "$NOPIE"; do
	n=$(basename "$bin")
	"$TSDT" trace -q --json --with 'fam_gen,fam_name:const char *' -c "$bin storm 8 5" 'fam:*' \
		> "$TMP/$n.json" 2> "$TMP/$n.err"
	check "$n: exit 0" [ $? = 0 ]
	check "$n: 50 events" [ "$(grep -c '"type":"event"' "$TMP/$n.json")" = 50 ]
	check_values "$n: fam_gen, an int32 read as its symbol's size, is each hit's i" "$TMP/$n.json" 'a["fam_gen"] == a["i"]'
	check_values "$n: fam_name, a string global, says which process fired" "$TMP/$n.json" \
		'a["fam_name"] == ("child" if e["probe"] == "fam:child" else "grandchild")'
done

# the program's fam_gen (int32, -i at fam:hit) and the library's (uint64,
# 1000 + i at libfam:fire): each probe reads its own file's
"$TSDT" trace -q --json --with fam_gen -Z -c "$FAM dlopen $LIBFAM 4" '*:*' > "$TMP/lib.json" 2> "$TMP/lib.err"
check_values "library global: each probe reads its own file's fam_gen" "$TMP/lib.json" \
	'a["fam_gen"] == (1000 + a["i"] if e["probe"] == "libfam:fire" else -a["i"])'
check "library global: 8 libfam:fire events" [ "$(grep -c '"probe":"libfam:fire"' "$TMP/lib.json")" = 8 ]

# errors
"$TSDT" trace -q --with no_such_global -c "$FAM hit 2" fam:hit > "$TMP/ns.out" 2> "$TMP/ns.err"
"$TSDT" trace -q --with 'fam_gen:const char *' -c "$FAM hit 2" fam:hit > "$TMP/mt.out" 2> "$TMP/mt.err"
check "a global given the wrong type (its debug information says int): refused before attach, both named (exit $?)" \
	grep -q "global 'fam_gen' is int, not const char \*" "$TMP/mt.err"
check "... and nothing traced" [ ! -s "$TMP/mt.out" ]
check "unknown global: said, by name" grep -q "global 'no_such_global' is in none of the files traced" "$TMP/ns.err"
check "unknown global: unreadable in the events, never a 0" \
	sh -c "[ \$(grep -c 'no_such_global=<unreadable' '$TMP/ns.out') = 2 ]"
"$TSDT" trace -q --with 'fam_gen:no_such_t' -c "$FAM hit 1" fam:hit > /dev/null 2> "$TMP/bt.err"
check "unknown type: refused, by name (exit $?)" grep -q "'no_such_t' is not a type tsdt knows" "$TMP/bt.err"
finish
