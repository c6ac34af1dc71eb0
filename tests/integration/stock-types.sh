#!/bin/bash
# Stock types (providers/, installed as share/tsdt/providers): software built
# with plain <sys/sdt.h> is typed with no flag. CPython's, Ruby's and
# libstdc++'s probes in tsdt list (text and JSON) and in tsdt trace with exact values;
# --no-auto-types; a --provider-file wins; `#pragma tsdt binary` limits a
# file to some binaries; a broken stock file is skipped, not fatal;
# PostgreSQL's version is chosen by the probes its binary has.
. "$(dirname "$0")/../trace/lib.sh"
PY=/usr/bin/python3.11   # Debian's, built --with-dtrace (not pyenv's)
PG=${PG_BIN:-/usr/lib/postgresql/15/bin}/postgres
THROWER=$OUT/tests/attach/thrower
for f in "$PY" "$PG" "$THROWER" /usr/bin/ruby3.1; do [ -x "$f" ] || die "$f missing"; done
STOCK=$(pwd)/providers
[ -d /usr/local/share/tsdt/providers ] && STOCK=/usr/local/share/tsdt/providers
unset TSDT_PROVIDERS_DIR
nosema() { sed -E 's/  semaphore 0x[0-9a-f]+//'; }
cat > "$TMP/t.py" <<'P'
def hello(n):
    return n + 1
hello(41)
P

# --- tsdt list, text
"$TSDT" list "$PY" 'python:function__*' 2> "$TMP/l.err" | nosema > "$TMP/l.out"
cat > "$TMP/want" <<W
$PY
  python:function__entry(const char *filename, const char *funcname, int32_t lineno)  1 site
  python:function__return(const char *filename, const char *funcname, int32_t lineno)  1 site
  types: stock $STOCK/python-3.11.d (2 probes)
W
check "list python: typed by the stock file, says so" diff -u "$TMP/want" "$TMP/l.out"
check "list python: no message" [ ! -s "$TMP/l.err" ]

"$TSDT" list libstdc++ 'libstdcxx:*' | sed "s|^/.*/libstdc++.so.6$|LIB|" > "$TMP/cxx.out"
cat > "$TMP/want" <<W
LIB
  libstdcxx:catch(void *obj, void *tinfo)  1 site
  libstdcxx:throw(void *obj, void *tinfo)  1 site
  libstdcxx:rethrow(void *obj, void *tinfo)  1 site
  types: stock $STOCK/libstdcxx.d (3 probes)
W
check "list libstdc++: typed by the stock file" diff -u "$TMP/want" "$TMP/cxx.out"

"$TSDT" list "$PG" > "$TMP/pg.out" 2> "$TMP/pg.err"
check "list postgres: postgresql-15.d chosen for every probe" \
	grep -qxF "  types: stock $STOCK/postgresql-15.d (57 probes)" "$TMP/pg.out"
check "list postgres: typed query__start" \
	grep -qE '^  postgresql:query__start\(const char \*query\)  1 site' "$TMP/pg.out"
check "list postgres: the stock file's known size differences are not told without -v" \
	[ ! -s "$TMP/pg.err" ]
"$TSDT" list -v "$PG" 'postgresql:lock__wait__start' > /dev/null 2> "$TMP/pgv.err"
check "list -v postgres: one message for lock__wait__start, naming both arguments" \
	[ "$(grep -c 'probe postgresql:lock__wait__start:' "$TMP/pgv.err")" = 1 -a \
	"$(grep 'probe postgresql:lock__wait__start:' "$TMP/pgv.err")" = "libtsdt: catalog: $PG: probe postgresql:lock__wait__start: $STOCK/postgresql-15.d:128 declares arg 3 'field4' uint32_t, passed as uint16; arg 4 'type' uint32_t, passed as uint8; each site is read as it passes it" ]

# --- JSON
"$TSDT" list --json "$PY" 'python:function__entry' libstdc++ > "$TMP/l.json" 2>/dev/null
"$TSDT" list --json libstdc++ 'libstdcxx:throw' > "$TMP/cxx.json"
python3 - "$TMP/l.json" "$TMP/cxx.json" "$STOCK" <<'PY'
import json, sys
st = sys.argv[3]
p = json.load(open(sys.argv[1]))['binaries'][0]['probes'][0]
ok = p['type_source'] == 'stock' and p['type_file'] == st + '/python-3.11.d'
ok = ok and [(a['name'], a['type'], a['kind']) for a in p['args']] == [
    ('filename', 'const char *', 'str'), ('funcname', 'const char *', 'str'),
    ('lineno', 'int32_t', 'int')]
print(('ok' if ok else 'FAIL') + ': python JSON:', p['type_source'], p['type_file'], p['args'])
c = json.load(open(sys.argv[2]))['binaries'][0]['probes'][0]
ok2 = c['type_source'] == 'stock' and c['type_file'] == st + '/libstdcxx.d' and \
    [(a['name'], a['kind']) for a in c['args']] == [('obj', 'ptr'), ('tinfo', 'ptr')]
print(('ok' if ok2 else 'FAIL') + ': libstdc++ JSON:', c['type_source'], c['args'])
sys.exit(not (ok and ok2))
PY
check "list --json: type_source stock, type_file, names" [ $? = 0 ]

# --- --no-auto-types
"$TSDT" list --no-auto-types "$PY" 'python:function__entry' | nosema > "$TMP/na.out"
printf '%s\n' "$PY" '  python:function__entry(uint64, uint64, int32)  1 site' \
	'  types: none, sizes from the notes (1 probe)' > "$TMP/want"
check "list --no-auto-types: untyped" diff -u "$TMP/want" "$TMP/na.out"

# --- a provider file wins; #pragma tsdt binary limits it
printf 'provider python {\n\tprobe function__entry(const char *file, const char *fn, int line);\n};\n' > "$TMP/mine.d"
"$TSDT" list --provider-file "$TMP/mine.d" "$PY" 'python:function__*' | nosema > "$TMP/o.out"
cat > "$TMP/want" <<W
$PY
  python:function__entry(const char *file, const char *fn, int32_t line)  1 site
  python:function__return(const char *filename, const char *funcname, int32_t lineno)  1 site
  types: provider file $TMP/mine.d (1 probe)
  types: stock $STOCK/python-3.11.d (1 probe)
W
check "--provider-file wins over the stock file, probe by probe" diff -u "$TMP/want" "$TMP/o.out"
{ echo '#pragma tsdt binary libpython3*.so*'; cat "$TMP/mine.d"; } > "$TMP/lib-only.d"
"$TSDT" list --provider-file "$TMP/lib-only.d" "$PY" 'python:function__entry' > "$TMP/p1.out"
check "#pragma tsdt binary: a file for another binary is not applied" \
	grep -qF 'function__entry(const char *filename,' "$TMP/p1.out"
{ echo '#pragma tsdt binary nothing-else python3.*'; cat "$TMP/mine.d"; } > "$TMP/py-only.d"
"$TSDT" list --provider-file "$TMP/py-only.d" "$PY" 'python:function__entry' > "$TMP/p2.out"
check "#pragma tsdt binary: a glob of its file name applies it" \
	grep -qF 'function__entry(const char *file, const char *fn, int32_t line)' "$TMP/p2.out"
printf '#pragma tsdt binary\nprovider p { probe a(); };\n' > "$TMP/nopat.d"
"$TSDT" list --provider-file "$TMP/nopat.d" "$PY" > /dev/null 2> "$TMP/nopat.err"
check "#pragma tsdt binary without a glob: the file's own error" \
	grep -qF "tsdt list: provider: $TMP/nopat.d:1:14: '#pragma tsdt binary' needs a file name or glob" "$TMP/nopat.err"

# --- ad-hoc types in the pattern
"$TSDT" list --no-auto-types "$PY" 'python:function__entry(const char *file, const char *func, int line)' | nosema > "$TMP/ah.out"
printf '%s\n' "$PY" '  python:function__entry(const char *file, const char *func, int32_t line)  1 site' \
	"  types: pattern 'python:function__entry(const char *file, const char *func, int line)' (1 probe)" > "$TMP/want"
check "list 'PROBE(TYPES)': typed by the pattern, says so" diff -u "$TMP/want" "$TMP/ah.out"
"$TSDT" list --json "$PY" 'python:function__*(const char *f, const char *fn, int l)' > "$TMP/ah.json"
python3 - "$TMP/ah.json" <<'PY'
import json, sys
ps = json.load(open(sys.argv[1]))['binaries'][0]['probes']
ok = len(ps) == 2 and all(p['type_source'] == 'pattern' and [a['name'] for a in p['args']] == ['f', 'fn', 'l'] for p in ps)
print(('ok' if ok else 'FAIL') + ': pattern types over the stock ones, JSON:', [(p['name'], p['type_source']) for p in ps])
sys.exit(not ok)
PY
check "a glob with types: every match typed, over the stock file" [ $? = 0 ]
rc=0; "$TSDT" list "$PY" 'python:function__entry(const char *file, int line)' > /dev/null 2> "$TMP/ah2.err" || rc=$?
check "a pattern with another argument count: exit 1, the exact message" [ $rc = 1 -a "$(cat "$TMP/ah2.err")" = "tsdt list: catalog: $PY: probe python:function__entry: pattern 'python:function__entry(const char *file, int line)' declares 2 arguments, the binary's notes have 3" ]
rc=0; "$TSDT" list "$PY" 'python:gc__start(int;)' > /dev/null 2> "$TMP/ah3.err" || rc=$?
check "a pattern with bad types: exit 2, where and what" [ $rc = 2 -a "$(head -1 "$TMP/ah3.err")" = "tsdt list: bad probe pattern 'python:gc__start(int;)': column 21: expected ')' or ',' after argument type" ]
"$TSDT" trace --no-auto-types -c "$PY $TMP/t.py" 'python:function__return(const char *f, const char *fn, int l)' > "$TMP/aht.out" 2> "$TMP/aht.err"
check "trace 'PROBE(TYPES)': the values typed as the pattern says" \
	grep -qxF "python:function__return f=\"$TMP/t.py\" fn=\"hello\" l=2" <(strip_cols "$TMP/aht.out")
rc=0; "$TSDT" trace -c "$PY $TMP/t.py" 'python:gc__start(int generation, int extra)' > /dev/null 2> "$TMP/aht2.err" || rc=$?
check "trace with a pattern's wrong argument count: refused before running ($rc)" \
	[ $rc -ne 0 -a "$(grep -c "pattern 'python:gc__start(int generation, int extra)' declares 2 arguments, the binary's notes have 1" "$TMP/aht2.err")" = 1 ]

# --- another stock directory; a broken stock file is skipped
mkdir "$TMP/stock"
printf 'provider python {\n\tprobe function__entry(int;\n};\n' > "$TMP/stock/broken.d"
printf 'provider python {\n\tprobe function__entry(const char *f, const char *g, int l);\n};\n' > "$TMP/stock/py.d"
TSDT_PROVIDERS_DIR=$TMP/stock "$TSDT" list "$PY" 'python:function__entry' > "$TMP/s.out" 2> "$TMP/s.err"
check "TSDT_PROVIDERS_DIR: its files are the stock ones" \
	grep -qF 'function__entry(const char *f, const char *g, int32_t l)' "$TMP/s.out"
check "a broken stock file: skipped, after its error" \
	[ "$(cat "$TMP/s.err")" = "tsdt list: provider: $TMP/stock/broken.d:2:27: expected ')' or ',' after argument type
tsdt list: catalog: stock provider file $TMP/stock/broken.d skipped" ]

# --- PostgreSQL: one file per version, chosen by the binary's probes
# (16 and 17 have the same probes.d: postgresql-16.d serves both)
mkdir "$TMP/pgv"
cp providers/postgresql-16.d "$TMP/pgv/"
TSDT_PROVIDERS_DIR=$TMP/pgv "$TSDT" list "$PG" > "$TMP/pgv.out" 2> "$TMP/pgv.err"
check "PG 15 binary, only the 16 file: it types the probes it has alike" \
	grep -qxF "  types: stock $TMP/pgv/postgresql-16.d (53 probes)" "$TMP/pgv.out"
check "... not the 2 whose argument count differs, silently (not the user's file)" \
	[ ! -s "$TMP/pgv.err" ]
TSDT_PROVIDERS_DIR=$TMP/pgv "$TSDT" list -v "$PG" > /dev/null 2> "$TMP/pgv.err"
check "... with -v, it says so for each" \
	[ "$(grep -c "probe postgresql:buffer__read__[a-z]*: stock file $TMP/pgv/postgresql-16.d:[0-9]* declares [67] arguments, the binary's notes have [78]; the probe is left untyped" "$TMP/pgv.err")" = 2 ]
check "... and the probes 16 lacks stay untyped" \
	grep -qE '^  postgresql:buffer__write__dirty__start\(int32, uint32, uint32, uint32, uint32\)' "$TMP/pgv.out"
# a binary with PostgreSQL 16's buffer probes (built with <sys/sdt.h>)
cat > "$TMP/pg16.c" <<'C'
#include <sys/sdt.h>
int main(int argc, char **argv)
{
	unsigned int n = argc, b = 7;
	int fork = 0, backend = -1;

	DTRACE_PROBE6(postgresql, buffer__read__start, fork, b, n, n, n, backend);
	DTRACE_PROBE7(postgresql, buffer__read__done, fork, b, n, n, n, backend, (char)1);
	DTRACE_PROBE6(postgresql, buffer__extend__start, fork, n, n, n, backend, b);
	DTRACE_PROBE7(postgresql, buffer__extend__done, fork, n, n, n, backend, b, n);
	DTRACE_PROBE1(postgresql, transaction__start, n);
	return 0;
}
C
cc -O1 -o "$TMP/pg16" "$TMP/pg16.c" || die "cannot build the PG 16-like fixture"
"$TSDT" list "$TMP/pg16" > "$TMP/pg16.out" 2> "$TMP/pg16.err"
check "a binary with PG 16's probes: postgresql-16.d chosen" \
	grep -qxF "  types: stock $STOCK/postgresql-16.d (5 probes)" "$TMP/pg16.out"
check "... its extend probe typed as 16 declares it" \
	grep -qF 'postgresql:buffer__extend__done(int32_t fork, uint32_t tablespace, uint32_t database, uint32_t relation, int32_t backend, uint32_t blocks, uint32_t first_block)' "$TMP/pg16.out"
check "... no message" [ ! -s "$TMP/pg16.err" ]

# --- trace, exact values: CPython
"$TSDT" trace -c "$PY $TMP/t.py" 'python:function__*' > "$TMP/py.out" 2> "$TMP/py.err"
strip_cols "$TMP/py.out" | grep -F "$TMP/t.py" > "$TMP/py.lines"
printf '%s\n' "python:function__return filename=\"$TMP/t.py\" funcname=\"hello\" lineno=2" \
	"python:function__return filename=\"$TMP/t.py\" funcname=\"<module>\" lineno=3" > "$TMP/want"
check "trace python:function__*: file, function and line, no flag" diff -u "$TMP/want" "$TMP/py.lines"
check "trace python: typed entries too" \
	grep -qE '^python:function__entry filename="[^"]+" funcname="[^"]+" lineno=[0-9]+$' <(strip_cols "$TMP/py.out")

# --- Ruby (libruby-3.1, a library of the ruby3.1 executable)
RB=/usr/bin/ruby3.1
"$TSDT" list libruby-3.1 'ruby:raise' | sed "s|^/.*/libruby-3.1.so.*$|LIB|" | nosema > "$TMP/rb.out"
printf '%s\n' LIB '  ruby:raise(const char *classname, const char *filename, int32_t lineno)  1 site' \
	"  types: stock $STOCK/ruby-3.1.d (1 probe)" > "$TMP/want"
check "list libruby-3.1: typed by the stock file" diff -u "$TMP/want" "$TMP/rb.out"
printf 'begin\n  raise ArgumentError, "x"\nrescue\nend\n' > "$TMP/r.rb"
"$TSDT" trace -c "$RB --disable-gems $TMP/r.rb" 'ruby:raise' > "$TMP/rb-t.out" 2> "$TMP/rb-t.err"
check "trace ruby:raise: class, file and line, no flag" \
	[ "$(strip_cols "$TMP/rb-t.out")" = "ruby:raise classname=\"ArgumentError\" filename=\"$TMP/r.rb\" lineno=2" ]

# --- trace, exact values: libstdc++'s throw
"$THROWER" > "$TMP/thr.out" & THR=$!
on_exit "kill $THR 2>/dev/null"
wait_for "$TMP/thr.out" '^ready' 5 || die "thrower did not start"
tinfo=$(sed -nE 's/^ready [0-9]+ tinfo=(0x[0-9a-f]+)$/\1/p' "$TMP/thr.out")
timeout -s INT 1 "$TSDT" trace -p $THR 'libstdcxx:throw' > "$TMP/cxx-t.out" 2> "$TMP/cxx-t.err"
all=$(strip_cols "$TMP/cxx-t.out" | grep -c '^libstdcxx:throw ')
n=$(strip_cols "$TMP/cxx-t.out" | grep -cE "^libstdcxx:throw obj=0x[0-9a-f]+ tinfo=$tinfo\$")
check "trace libstdcxx:throw: obj and tinfo typed, tinfo = &typeid ($n of $all)" [ "$all" -ge 3 -a "$n" = "$all" ]

# --- trace, exact values: PostgreSQL's query text, no flag
PGDIR=$(mktemp -d /tmp/tsdt-pg.XXXXXX)
on_exit "rm -rf '$PGDIR'"
on_exit "scripts/pg-server.sh stop '$PGDIR'"
scripts/pg-server.sh start "$PGDIR" > "$PGDIR/env" || die "server did not start"
mkfifo "$PGDIR/in"
scripts/pg-server.sh psql "$PGDIR" -At < "$PGDIR/in" > "$PGDIR/psql.out" 2>&1 & P=$!
exec {sqlfd}> "$PGDIR/in"
on_exit "exec {sqlfd}>&-; wait $P"
echo "SELECT pg_backend_pid();" >&$sqlfd
wait_for "$PGDIR/psql.out" '^[0-9]+$' 10 || die "no backend pid"
backend=$(head -1 "$PGDIR/psql.out")
"$TSDT" trace -p "$backend" postgresql:query__start > "$TMP/q.out" 2> "$TMP/q.err" & T=$!
on_exit "kill $T 2>/dev/null"
wait_for "$TMP/q.err" '^Tracing 1 probe' 10 || fail "query__start: not attached"
echo "SELECT 42 AS stock_types;" >&$sqlfd
echo "SELECT 'done';" >&$sqlfd
wait_for "$PGDIR/psql.out" '^done$' 10 || fail "queries did not run"
kill -INT $T; wait $T
strip_cols "$TMP/q.out" > "$TMP/q.lines"
printf '%s\n' 'postgresql:query__start query="SELECT 42 AS stock_types;"' \
	"postgresql:query__start query=\"SELECT 'done';\"" > "$TMP/want"
check "trace -p BACKEND postgresql:query__start: the query text, no flag" diff -u "$TMP/want" "$TMP/q.lines"
check "trace postgres: no message about types" [ -z "$(grep -v '^Tracing\|events' "$TMP/q.err")" ]
finish
