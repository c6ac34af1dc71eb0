#!/bin/bash
# --with on static variables of a stripped program (not in any symbol
# table), through its debug information, found as gdb finds it: through
# .gnu_debuglink, under /usr/lib/debug/.build-id/, and from a debuginfod
# server (Debian's, started here on a loopback port, stopped whatever
# happens); with none of them, an error naming the build-id. Values and
# types (a string, an int64) come out exact; member paths through pointers
# and structs (st_port->app, st_conn.port->app) too.
. "$(dirname "$0")/../trace/lib.sh"
. tests/paths.sh
ST=$OUT/tests/follow/statics
[ -x "$ST" ] || die "$ST not built (make)"
command -v debuginfod > /dev/null || die "debuginfod not installed (scripts/install-deps.sh)"
BID=$(readelf -n "$ST" | awk '/Build ID:/ { print $3 }')
[ -n "$BID" ] || die "$ST has no build-id"

# a stripped copy in its own directory, and its debug file kept aside
split() { # DIR [debuglink]
	mkdir -p "$1"
	objcopy --only-keep-debug "$ST" "$TMP/statics.debug"
	strip -o "$1/statics" "$ST"
	[ "${2:-}" = debuglink ] && (cd "$TMP" && objcopy --add-gnu-debuglink=statics.debug "$1/statics")
	readelf -s "$1/statics" | grep -q st_count && die "st_count still in a symbol table"
	true
}
# values DESC FILE: every event's st_count is 3 * i, st_label its parity
values() {
	check "$1" $PYTHON -c 'import json,sys
ev=[json.loads(l) for l in open(sys.argv[1])]
ev=[e for e in ev if e["type"]=="event"]
assert len(ev)==5, len(ev)
for e in ev:
    a={x["name"]: x.get("value") for x in e["args"]}
    assert a["st_count"]==3*a["i"] and a["st_label"]==("odd" if a["i"]%2 else "even"), a
    if "st_port->app" in a:
        assert a["st_port->app"]==("beta" if a["i"]%2 else "alpha"), a
t={x["name"]: x["type"] for x in ev[0]["args"]}
assert t["st_label"]=="const char *", t' "$2"
}

# 1. .gnu_debuglink (the debug file beside the program)
split "$TMP/a" debuglink
cp "$TMP/statics.debug" "$TMP/a/"
env -u DEBUGINFOD_URLS "$TSDT" trace -q --json --with st_count,st_label -c "$TMP/a/statics 5" st:tick > "$TMP/1.json" 2> "$TMP/1.err"
values ".gnu_debuglink: static variables read, typed by the debug information" "$TMP/1.json"

# member paths, through pointers and struct members, typed by the last
# member (a string, an int32, an int16)
env -u DEBUGINFOD_URLS "$TSDT" trace -q --json -c "$TMP/a/statics 5" \
	--with 'st_port->app,st_port->id,st_conn.depth,st_conn.port->app' st:tick > "$TMP/1m.json" 2> "$TMP/1m.err"
check "member paths: st_port->app, st_port->id, st_conn.depth, st_conn.port->app exact" $PYTHON -c 'import json,sys
ev=[json.loads(l) for l in open(sys.argv[1])]
ev=[e for e in ev if e["type"]=="event"]
assert len(ev)==5, len(ev)
for e in ev:
    a={x["name"]: x.get("value") for x in e["args"]}
    i=a["i"]
    assert a["st_port->app"]==("beta" if i%2 else "alpha") and a["st_port->id"]==(200 if i%2 else 100), a
    assert a["st_conn.depth"]==7+i and a["st_conn.port->app"]=="beta", a' "$TMP/1m.json"
env -u DEBUGINFOD_URLS "$TSDT" trace -q -c "$TMP/a/statics 1" --with 'st_port->nope' st:tick > /dev/null 2> "$TMP/1e.err"
check "a member that is not there: said, naming it and the struct" grep -q "no member 'nope' in struct st_port" "$TMP/1e.err"

# 2. /usr/lib/debug/.build-id/xx/yyyy.debug
split "$TMP/b"
BDIR=/usr/lib/debug/.build-id/${BID:0:2}
mkdir -p "$BDIR"
on_exit "rm -f '$BDIR/${BID:2}.debug'; rmdir '$BDIR' 2>/dev/null"
cp "$TMP/statics.debug" "$BDIR/${BID:2}.debug"
env -u DEBUGINFOD_URLS "$TSDT" trace -q --json --with 'st_count,st_label,st_port->app' -c "$TMP/b/statics 5" st:tick > "$TMP/2.json" 2> "$TMP/2.err"
values "build-id directory: the same, and a member path" "$TMP/2.json"
rm -f "$BDIR/${BID:2}.debug"

# 3. a debuginfod server on a loopback port, serving only the debug file
split "$TMP/c"
mkdir -p "$TMP/served"
cp "$TMP/statics.debug" "$TMP/served/"
PORT=$((20000 + RANDOM % 20000))
debuginfod -p $PORT -d "$TMP/dbgd.sqlite" -F "$TMP/served" > "$TMP/dbgd.log" 2>&1 & D=$!
on_exit "kill $D 2>/dev/null; wait $D 2>/dev/null"
ready=no
for i in $(seq 200); do
	$PYTHON -c 'import sys,urllib.request
urllib.request.urlopen("http://127.0.0.1:%s/buildid/%s/debuginfo" % (sys.argv[1], sys.argv[2]), timeout=1)' \
		$PORT "$BID" 2> /dev/null && { ready=yes; break; }
	sleep 0.1
done
check "debuginfod: serving the debug file" [ $ready = yes ]
DEBUGINFOD_URLS=http://127.0.0.1:$PORT DEBUGINFOD_CACHE_PATH=$TMP/cache \
	"$TSDT" trace -q --json --with 'st_count,st_label,st_port->app' -c "$TMP/c/statics 5" st:tick > "$TMP/3.json" 2> "$TMP/3.err"
values "debuginfod: the same, and a member path, from the server" "$TMP/3.json"
kill $D; wait $D 2>/dev/null

# 4. nowhere: an error naming the build-id; the values unreadable
split "$TMP/d"
env -u DEBUGINFOD_URLS "$TSDT" trace -q --with st_count -c "$TMP/d/statics 2" st:tick > "$TMP/4.out" 2> "$TMP/4.err"
check "no debug information: said, with the build-id" grep -q "no debug information (build-id $BID)" "$TMP/4.err"
check "no debug information: unreadable, never 0" sh -c "[ \$(grep -c 'st_count=<unreadable' '$TMP/4.out') = 2 ]"
finish
