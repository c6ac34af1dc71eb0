#!/bin/bash
# Function probes (tsdt trace BINARY:fn:SYMBOL, BINARY:fn-return:SYMBOL):
# entry arguments from the ABI's registers, the return value at the
# return, by symbol with globs, in a program, a dlopen'ed library and libc,
# beside USDT probes in one session; with debug information, parameters
# typed and named from it.
. "$(dirname "$0")/../trace/lib.sh"
. tests/paths.sh
FAM=$(realpath "$OUT/tests/follow/family")
LIB=$(realpath "$OUT/tests/follow/libfam.so")
for f in "$FAM" "$LIB"; do [ -e "$f" ] || die "$f not built (make)"; done

q() { # DESC FILE PYTHON-ASSERTIONS-ON-ev (the events)
	check "$1" $PYTHON -c 'import json,sys
ev=[json.loads(l) for l in open(sys.argv[1])]
ev=[e for e in ev if e["type"]=="event"]
def a(e): return {x["name"]: x.get("value") for x in e["args"]}
exec(sys.argv[2])' "$2" "$3"
}

"$TSDT" trace -q --json -o "$TMP/1.json" -c "$FAM dlopen $LIB 5" \
	"$FAM:fn:main" "$LIB:fn:libfam_fire" "$LIB:fn-return:libfam_fire" \
	'libc:fn-return:getpid' "$LIB:libfam:fire" > "$TMP/1.out" 2> "$TMP/1.err"
check "exit 0 ($(tail -1 "$TMP/1.err"))" [ $? = 0 ]
q "fn:main: argc (typed from the debug information) is 4, once" "$TMP/1.json" '
m=[e for e in ev if e["probe"]=="fn:main"]
assert len(m)==1 and a(m[0])["argc"]==4, m'
q "fn:libfam_fire in a dlopened library: k is 5, at each of its 2 calls" "$TMP/1.json" '
f=[e for e in ev if e["probe"]=="fn:libfam_fire"]
assert len(f)==2 and all(a(e)["k"]==5 for e in f), f'
q "fn-return:libfam_fire: once per call, after its 5 USDT hits" "$TMP/1.json" '
seq=[e["probe"] for e in ev if e["probe"] in ("fn:libfam_fire","libfam:fire","fn-return:libfam_fire")]
assert seq==(["fn:libfam_fire"]+["libfam:fire"]*5+["fn-return:libfam_fire"])*2, seq'
q "fn-return:getpid (libc): the return value is the pid" "$TMP/1.json" '
r=[e for e in ev if e["probe"]=="fn-return:getpid"]
assert r and all(a(e)["ret"]==e["pid"] for e in r), r'

"$TSDT" trace -q -c "$FAM storm 1 1" 'libc:fn:getp*id' > "$TMP/2.out" 2> "$TMP/2.err"
check "globs: libc:fn:getp*id selects getpid and getppid (the child calls both)" \
	sh -c "grep -Eq ' fn:getpid( |$)' '$TMP/2.out' && grep -Eq ' fn:getppid( |$)' '$TMP/2.out'"
"$TSDT" trace -c "$FAM hit 1" "$FAM:fn:no_such_function" > /dev/null 2> "$TMP/3.err"
check "an unknown function: exit 1, no probe matches it" \
	sh -c "[ $? = 1 ] && grep -q \"no probe matches '$FAM:fn:no_such_function'\" '$TMP/3.err'"
# typed from the debug information: a program built with -g, its function
# st_fn's parameters by name and type, placed by the ABI (a double in
# %xmm0: unreadable, never a wrong number; the seventh integer on the
# stack), and the return value
ST=$OUT/tests/follow/statics
"$TSDT" trace -q --json -c "$ST 3" "$ST:fn:st_fn" "$ST:fn-return:st_fn" > "$TMP/4.json" 2> "$TMP/4.err"
q "typed parameters: a, name (a string), d (unreadable), u, b, c, p, seventh exact" "$TMP/4.json" '
f=[e for e in ev if e["probe"]=="fn:st_fn"]
assert len(f)==3, len(f)
for i, e in enumerate(f):
    v=a(e); t={x["name"]: x["type"] for x in e["args"]}
    assert v["a"]==-i and v["name"]==("odd" if i%2 else "even") and v["u"]==60000+i, v
    assert v["b"]==-5000000000 and v["c"]==-i and v["p"]=="0x1234" and v["seventh"]==700+i, v
    assert "d" in v and v["d"] is None and [x for x in e["args"] if x["name"]=="d"][0].get("error")==-14, e
    assert t["name"]=="const char *" and t["u"]=="uint16_t" or t["u"].startswith("unsigned short") or t["u"]=="short unsigned int", t'
q "typed return value: the function's int32 sum" "$TMP/4.json" '
r=[e for e in ev if e["probe"]=="fn-return:st_fn"]
assert len(r)==3 and all(a(e)["ret"]==-704972004 for e in r), [a(e) for e in r]'
finish
