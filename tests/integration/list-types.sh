#!/bin/bash
# Types in tsdt list: from our type note (a program built with
# <sys/tsdt.h>, also after strip), from a provider file (PostgreSQL's
# postgres with probes/postgresql.d: types applied, size/sign differences
# warned, exit 0), and a provider file that disagrees on the number of
# arguments (an error naming the probe, the probe stays untyped, exit 1).
. "$(dirname "$0")/../paths.sh"
set -euo pipefail
cd "$(dirname "$0")/../.."
TSDT=$(realpath "${OUT:-.output}/tsdt")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat > "$tmp/app.c" <<'C'
#include <stdbool.h>
#include <stdint.h>
#include <sys/tsdt.h>
struct req;
TSDT_PROBE_DEFINE(myapp, request_start, (uint32_t, id), (const char *, path),
		  (struct req *, r), (double, load), (bool, ok), (int16_t, delta));
TSDT_PROBE_DEFINE(myapp, tick);
int main(int argc, char **argv)
{
	TSDT_PROBE(myapp, request_start, (uint32_t)argc, argv[0],
		   (struct req *)0, 1.5, argc > 1, (int16_t)-argc);
	if (argc > 2)
		TSDT_PROBE(myapp, request_start, 7, "x", (struct req *)0, 2.0, 0, 1);
	TSDT_PROBE(myapp, tick);
	return 0;
}
C
cc -O2 -Iinclude -o "$tmp/app" "$tmp/app.c"
want='myapp:request_start(uint32_t id, const char *path, struct req *r, double load, bool ok, int16_t delta)  2 sites  semaphore 0x'
for bin in "$tmp/app" "$tmp/app.stripped"; do
	[ "$bin" = "$tmp/app" ] || strip -o "$bin" "$tmp/app"
	"$TSDT" list "$bin" > "$tmp/out" || fail "list $bin: exit $?"
	grep -qF "$want" "$tmp/out" || { cat "$tmp/out"; fail "$bin: typed line missing"; }
	grep -qF 'myapp:tick()  1 site' "$tmp/out" || fail "$bin: tick missing"
done
"$TSDT" list --json "$tmp/app" > "$tmp/app.json"
python3 - "$tmp/app.json" <<'PY' || fail "app JSON"
import json, sys
d = json.load(open(sys.argv[1]))
p = [p for p in d['binaries'][0]['probes'] if p['name'] == 'request_start'][0]
assert p['type_source'] == 'note', p['type_source']
kinds = [(a['name'], a['type'], a['kind'], a['size'], a['signed']) for a in p['args']]
want = [('id', 'uint32_t', 'int', 4, False), ('path', 'const char *', 'str', 8, False),
        ('r', 'struct req *', 'ptr', 8, False), ('load', 'double', 'float', 8, False),
        ('ok', 'bool', 'bool', 1, False), ('delta', 'int16_t', 'int', 2, True)]
assert kinds == want, kinds
PY

# provider file on postgres
rc=0
"$TSDT" list -v --provider-file probes/postgresql.d "$PG" > "$tmp/pg.out" 2> "$tmp/pg.err" || rc=$?
[ $rc -eq 0 ] || { cat "$tmp/pg.err"; fail "postgres with its provider file: exit $rc"; }
grep -qF 'postgresql:transaction__start(uint32_t xid)' "$tmp/pg.out" || fail "typed transaction__start"
grep -qF 'postgresql:query__start(const char *query)' "$tmp/pg.out" || fail "typed query__start"
grep -qxF '  types: provider file probes/postgresql.d (57 probes)' "$tmp/pg.out" || fail "types: line"
# lock__wait__start: the provider file says 4-byte ints, the note passes 2
# and 1 bytes: one message for the probe, naming both arguments
grep -qE "^libtsdt: catalog: $PG: probe postgresql:lock__wait__start: probes/postgresql.d:[0-9]+ declares arg 3 'field4' uint32_t, passed as uint16; arg 4 'type' uint32_t, passed as uint8; each site is read as it passes it$" "$tmp/pg.err" ||
	{ cat "$tmp/pg.err"; fail "no size message for lock__wait__start"; }
[ "$(grep -c 'probe postgresql:lock__wait__start:' "$tmp/pg.err")" = 1 ] || fail "lock__wait__start: not once"
grep -q "sort__start: .*declares arg 1 'unique' uint8_t, passed as int32; arg 4 'random_access' uint8_t, passed as int32;" "$tmp/pg.err" || fail "no bool-as-int32 message"
# without -v: none of them, one line that counts them
rc=0
"$TSDT" list --provider-file probes/postgresql.d "$PG" > /dev/null 2> "$tmp/pg-quiet.err" || rc=$?
[ $rc -eq 0 -a ! -s "$tmp/pg-quiet.err" ] || { cat "$tmp/pg-quiet.err"; fail "messages without -v"; }
# every probe of the binary is in the provider file
"$TSDT" list --json --provider-file probes/postgresql.d "$PG" 2>/dev/null > "$tmp/pg.json"
python3 - "$tmp/pg.json" <<'PY' || fail "postgres JSON"
import json, sys
d = json.load(open(sys.argv[1]))
src = {p['type_source'] for p in d['binaries'][0]['probes']}
assert src == {'provider-file'}, src
PY

# a provider file that disagrees on the argument count
cat > "$tmp/bad.d" <<'D'
provider postgresql {
	probe transaction__start(unsigned int xid, int extra);
	probe query__start(const char *query);
};
D
rc=0
"$TSDT" list --json --provider-file "$tmp/bad.d" "$PG" > "$tmp/bad.json" 2> "$tmp/bad.err" || rc=$?
[ $rc -eq 1 ] || fail "count mismatch: exit $rc, want 1"
grep -q "probe postgresql:transaction__start: error: .*bad.d:2 declares 2 arguments, the binary's notes have 1; the probe is left untyped" "$tmp/bad.err" ||
	{ cat "$tmp/bad.err"; fail "count mismatch message"; }
python3 - "$tmp/bad.json" <<'PY' || fail "bad provider JSON"
import json, sys
d = json.load(open(sys.argv[1]))
ps = {p['name']: p for p in d['binaries'][0]['probes']}
assert ps['transaction__start']['type_source'] == 'none'
assert ps['query__start']['type_source'] == 'provider-file'
assert ps['query__start']['args'][0]['type'] == 'const char *'
PY
# a provider file with a syntax error: FILE:LINE:COL, exit 1, nothing listed
printf 'provider x {\n\tprobe a(int;\n};\n' > "$tmp/syntax.d"
rc=0
"$TSDT" list --provider-file "$tmp/syntax.d" "$PG" > "$tmp/syn.out" 2> "$tmp/syn.err" || rc=$?
[ $rc -eq 1 ] || fail "syntax error: exit $rc"
grep -q "syntax.d:2:" "$tmp/syn.err" || { cat "$tmp/syn.err"; fail "syntax error position"; }
# with a pattern: the file's own error, not "no probe matches"
rc=0
"$TSDT" list --provider-file "$tmp/syntax.d" "$PG" 'postgresql:*' > /dev/null 2> "$tmp/syn2.err" || rc=$?
[ $rc -eq 1 ] || fail "syntax error with a pattern: exit $rc"
grep -q "syntax.d:2:13: expected ')' or ',' after argument type" "$tmp/syn2.err" &&
	! grep -q "no probe matches" "$tmp/syn2.err" ||
	{ cat "$tmp/syn2.err"; fail "syntax error with a pattern: the file's error only"; }
"$TSDT" list --provider-file "$tmp/nonexistent.d" "$PG" 'postgresql:*' > /dev/null 2> "$tmp/syn3.err" || true
grep -q "nonexistent.d: No such file or directory" "$tmp/syn3.err" &&
	! grep -q "no probe matches" "$tmp/syn3.err" ||
	{ cat "$tmp/syn3.err"; fail "missing provider file: its error only"; }
echo "list-types: ok"
