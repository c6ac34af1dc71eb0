#!/bin/bash
# examples/pg/pg-top on a real PostgreSQL 15 server, started here: exact
# counts per backend type and application for a pgbench run with -t and
# forced rollbacks (against pgbench's own report), every query's text, a
# backend connected before the attach counted, a lock wait with its lock
# tag, a checkpoint with its figures, prepared transactions (two-phase
# commit); then --app and -D.
. "$(dirname "$0")/../trace/lib.sh"
TOP=$OUT/examples/pg/pg-top
[ -x "$TOP" ] || die "$TOP not built (make)"
PGB=/usr/lib/postgresql/15/bin
PGDIR=$(mktemp -d /tmp/tsdt-pg.XXXXXX)
on_exit "rm -rf '$PGDIR'"
on_exit "scripts/pg-server.sh stop '$PGDIR'"
PG_EXTRA_CONF="max_prepared_transactions = 4" scripts/pg-server.sh start "$PGDIR" > "$PGDIR/env" ||
	die "server did not start"
eval "$(cat "$PGDIR/env")"
as_pg() { (cd / && runuser -u postgres -- env PGHOST="$PGHOST" PGPORT="$PGPORT" "$@"); }
sql() { as_pg "$PGB/psql" -X -q -At -d postgres -c "$1"; }
sql "CREATE TABLE t (x int); INSERT INTO t VALUES (1)"
# a constant that differs from call to call, negative or not: one query,
# shown with $1, $2
printf '\\set v random(-1000000, 1000000)\nBEGIN;\nSELECT 1 + :v AS committed;\nEND;\n' > "$PGDIR/commit.sql"
printf 'BEGIN;\nSELECT 2 AS rolled_back;\nROLLBACK;\n' > "$PGDIR/rollback.sql"
chmod 644 "$PGDIR"/*.sql

# a session connected before pg-top attaches
mkfifo "$PGDIR/in"
as_pg env PGAPPNAME=early "$PGB/psql" -X -q -At -d postgres < "$PGDIR/in" > "$PGDIR/early.out" 2>&1 & P=$!
exec {sqlfd}> "$PGDIR/in"
on_exit "exec {sqlfd}>&-; wait $P"
echo "SELECT 'connected';" >&$sqlfd
wait_for "$PGDIR/early.out" '^connected$' 10 || die "no early session"

"$TOP" -p "$PG_PID" -i 100 --top 50 --json > "$TMP/top.out" 2> "$TMP/top.err" & T=$!
on_exit "kill $T 2>/dev/null"
wait_for "$TMP/top.err" 'handlers attached' 15 || die "pg-top did not attach"

as_pg "$PGB/pgbench" -n -c 4 -t 50 -f "$PGDIR/commit.sql@9" -f "$PGDIR/rollback.sql@1" postgres > "$TMP/bench.out" 2>&1
check "pgbench ran" grep -q 'actually processed: 200/200' "$TMP/bench.out"
n1=$(awk '/^SQL script 1:/ { s = 1 } s == 1 && /^ - [0-9]+ transactions/ { print $2; exit }' "$TMP/bench.out")
n2=$(awk '/^SQL script 2:/ { s = 1 } s == 1 && /^ - [0-9]+ transactions/ { print $2; exit }' "$TMP/bench.out")
echo "SELECT 'early1';" >&$sqlfd
echo "SELECT 'early2';" >&$sqlfd
# a new application_name: the transactions after the SET's are counted by it
echo "SET application_name = 'renamed';" >&$sqlfd
echo "SELECT 'after';" >&$sqlfd
# PostgreSQL's other constants (E'' with an escaped quote, dollar quoting,
# exponents, U&'' with a Unicode escape) in the kernel's lexer: one query;
# a comment's number is kept
echo 'SELECT /* v1 */ E'"'"'it\'"'"'s'"'"' AS e, $q$x;y$q$ AS d, 1.5e3 AS n, U&'"'"'d\0061t'"'"' AS u;' >&$sqlfd
echo 'SELECT /* v1 */ E'"'"'zz'"'"' AS e, $$other$$ AS d, 2e-1 AS n, u&'"'"'x'"'"' AS u;' >&$sqlfd
echo "SELECT 'done';" >&$sqlfd
wait_for "$PGDIR/early.out" '^done$' 10 || fail "early session's queries"
# two-phase commit: PREPARE TRANSACTION ends a transaction for its session
# (counted as prepared); COMMIT PREPARED and ROLLBACK PREPARED each run in a
# transaction of their own, which commits
as_pg env PGAPPNAME=twophase "$PGB/psql" -X -q -d postgres -c "BEGIN; INSERT INTO t VALUES (2); PREPARE TRANSACTION 'tp1';" \
	-c "COMMIT PREPARED 'tp1';" -c "BEGIN; INSERT INTO t VALUES (3); PREPARE TRANSACTION 'tp2';" \
	-c "ROLLBACK PREPARED 'tp2';" > /dev/null
# a UESCAPE clause: its character kept (two queries differing in the
# string only are one; another character is another query)
cat > "$PGDIR/uescape.sql" <<'SQL'
SELECT U&'d!0061t' UESCAPE '!' AS w;
SELECT U&'zz' UESCAPE '!' AS w;
SELECT U&'d#0061t' UESCAPE '#' AS w;
SQL
chmod 644 "$PGDIR/uescape.sql"
as_pg env PGAPPNAME=uescape "$PGB/psql" -X -q -d postgres -f "$PGDIR/uescape.sql" > "$TMP/uescape.out" 2>&1
check "the UESCAPE queries ran" grep -q 'dat' "$TMP/uescape.out"
# latencies known: four 20 ms sleeps, each its own transaction
as_pg env PGAPPNAME=sleeper "$PGB/psql" -X -q -d postgres -c "SELECT pg_sleep(0.02)" \
	-c "SELECT pg_sleep(0.02)" -c "SELECT pg_sleep(0.02)" -c "SELECT pg_sleep(0.02)" > /dev/null
# a lock wait: lockB waits for lockA's exclusive lock on t
as_pg env PGAPPNAME=lockA "$PGB/psql" -X -q -d postgres -c "BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(0.4); COMMIT;" > /dev/null & LA=$!
sleep 0.15
as_pg env PGAPPNAME=lockB "$PGB/psql" -X -q -d postgres -c "SELECT count(*) FROM t" > /dev/null
wait $LA
sql "CHECKPOINT"
relid=$(sql "SELECT 't'::regclass::oid") dbid=$(sql "SELECT oid FROM pg_database WHERE datname = 'postgres'")
nbuf=$(sql "SELECT setting FROM pg_settings WHERE name = 'shared_buffers'")
sleep 0.3
kill -INT $T; wait $T
check "pg-top exits 0 on SIGINT" [ $? = 0 ]

python3 - "$TMP/top.out" "$n1" "$n2" "$relid" "$dbid" "$nbuf" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
n1, n2, relid, dbid, nbuf = map(int, sys.argv[2:])
s = [r for r in recs if r['type'] == 'summary'][-1]
def group(app, bt='client backend'):
    g = [x for x in s['groups'] if x['application'] == app and x['backend_type'] == bt]
    return g[0] if g else None
def ok(cond, what):
    print(('ok' if cond else 'FAIL') + ': ' + what)
    return cond
good = True
g = group('pgbench')
good &= ok(g is not None and (g['xact_start'], g['xact_commit'], g['xact_abort']) == (200, n1, n2),
           'pgbench: 200 started, %d committed, %d rolled back, as pgbench reports: %s' %
           (n1, n2, str(g and (g['xact_start'], g['xact_commit'], g['xact_abort']))))
good &= ok(g is not None and sum(b[1] for b in g['xact_hist']) == 200 and
           sum(b[1] for b in g['query_hist']) == 600 and
           all(b[0] < 4 or (b[0] >> (b[0].bit_length() - 3)) in (4, 5, 6, 7) and
               b[0] % (1 << (b[0].bit_length() - 3)) == 0 for b in g['xact_hist'] + g['query_hist']),
           'pgbench: latency histograms of its 200 transactions and 600 queries (buckets from (4 + k) * 2^j ns)')
gs = group('sleeper')
good &= ok(gs is not None and gs['queries'] == 4 and 16 <= gs['query_p50_ms'] <= 26 and
           16 <= gs['xact_p50_ms'] <= 26,
           'four 20 ms sleeps: the median query and transaction 16-26 ms (a bucket is 25%% wide): %s' %
           str(gs and (gs['queries'], gs['query_p50_ms'], gs['xact_p50_ms'])))
good &= ok(g is not None and g['queries'] == 600 and g['queries_unread'] == 0,
           'pgbench: 600 queries, each text read: %s' % str(g and (g['queries'], g['queries_unread'])))
tq = {(q['application'], q['query']): q['calls'] for q in s['top_queries']}
want = {('pgbench', 'BEGIN;'): 200, ('pgbench', 'SELECT $1 + $2 AS committed;'): n1,
        ('pgbench', 'END;'): n1, ('pgbench', 'SELECT $1 AS rolled_back;'): n2,
        ('pgbench', 'ROLLBACK;'): n2}
good &= ok(all(tq.get(k) == v for k, v in want.items()) and
           len([k for k in tq if k[0] == 'pgbench']) == 5,
           'top queries: each text, constants as $1, with its calls: %s' %
           {k: tq.get(k) for k in tq if k[0] == 'pgbench'})
e = group('early')
good &= ok(e is not None and e['xact_commit'] == 3 and tq.get(('early', "SELECT $1;")) == 2 and
           tq.get(('early', "SET application_name = $1;")) == 1,
           'a backend connected before the attach: counted (3 commits, its 3 queries): %s' %
           str(e and (e['xact_commit'], tq.get(('early', "SELECT $1;")))))
r = group('renamed')
good &= ok(r is not None and r['xact_commit'] == 4 and tq.get(('renamed', "SELECT $1;")) == 2,
           'after SET application_name: its next 4 transactions and queries under the new name: %s' %
           str(r and (r['xact_commit'], tq.get(('renamed', "SELECT $1;")))))
qn = 'SELECT /* v1 */ $1 AS e, $2 AS d, $3 AS n, $4 AS u;'
good &= ok(tq.get(('renamed', qn)) == 2,
           "E'' and U&'' strings, dollar quotes, exponents: one query, %s, 2 calls: %s" %
           (qn, [(k[1], c) for k, c in tq.items() if k[0] == 'renamed']))
ue = sorted((k[1], c) for k, c in tq.items() if k[0] == 'uescape')
good &= ok(ue == [("SELECT $1 UESCAPE '!' AS w;", 2), ("SELECT $1 UESCAPE '#' AS w;", 1)],
           "UESCAPE's character kept, as pg_stat_statements keeps it: %s" % ue)
t = group('twophase')
good &= ok(t is not None and (t['xact_start'], t['xact_commit'], t['xact_abort'], t['xact_prepare']) == (4, 2, 0, 2),
           'two-phase commit: 4 started, 2 prepared, 2 committed (COMMIT/ROLLBACK PREPARED): %s' %
           str(t and (t['xact_start'], t['xact_commit'], t['xact_abort'], t['xact_prepare'])))
good &= ok(g['xact_prepare'] == 0, 'pgbench: none prepared')
lw = [r for r in recs if r['type'] == 'lock_wait']
good &= ok(len(lw) == 1 and lw[0]['application'] == 'lockB' and lw[0]['tag'][:2] == [dbid, relid]
           and lw[0]['locktag_type'] == 0 and lw[0]['mode'] == 1 and lw[0]['ms'] >= 100 and
           lw[0]['lock'] == 'relation %d of database %d' % (relid, dbid) and
           lw[0]['locktype'] == 'relation' and lw[0]['mode_name'] == 'AccessShareLock',
           'one lock wait: lockB on relation %d of database %d, AccessShareLock, >= 100 ms: %s' %
           (relid, dbid, str(lw)))
lt = s['lock_waits_by_type']
good &= ok(s['lock_waits'] == 1 and len(lt) == 1 and lt[0]['locktype'] == 'relation' and
           lt[0]['mode'] == 'AccessShareLock' and lt[0]['waits'] == 1 and
           abs(lt[0]['ms'] - lw[0]['ms']) < 0.01 and s['lock_min_ms'] == 10,
           'the summary counts it by lock type and mode: %s' % lt)
ck = [r for r in recs if r['type'] == 'checkpoint']
good &= ok(len(ck) >= 1 and ck[-1]['buffers_total'] == nbuf and 0 < ck[-1]['buffers_written'] <= nbuf,
           'checkpoint: buffers_total = shared_buffers (%d), 0 < written: %s' % (nbuf, str(ck)))
good &= ok(s['lost_events'] == 0, 'nothing lost')
sys.exit(not good)
PY
check "pg-top's figures" [ $? = 0 ]

# filters, exact texts, and the cluster named by its data directory
"$TOP" -D "$PGDIR/data" --app pgbench --exact-texts --top 100 -i 100 --json > "$TMP/f.out" 2> "$TMP/f.err" & T=$!
wait_for "$TMP/f.err" 'handlers attached' 15 || die "pg-top -D did not attach"
as_pg "$PGB/pgbench" -n -c 2 -t 10 -f "$PGDIR/commit.sql" postgres > /dev/null 2>&1
sql "SELECT 1" > /dev/null
kill -INT $T; wait $T
python3 - "$TMP/f.out" <<'PY'
import json, re, sys
s = [json.loads(l) for l in open(sys.argv[1])][-1]
apps = {(g['application'], g['xact_start'], g['xact_commit']) for g in s['groups']}
ok = apps == {('pgbench', 20, 20)}
print(('ok' if ok else 'FAIL') + ': -D DATADIR --app pgbench: only pgbench, 20 transactions:', apps)
sel = [q for q in s['top_queries'] if q['query'].startswith('SELECT ')]
texts_ok = (sum(q['calls'] for q in sel) == 20 and len(sel) > 1 and
            all(re.fullmatch(r'SELECT 1 \+ -?[0-9]+ AS committed;', q['query']) for q in sel))
print(('ok' if texts_ok else 'FAIL') + ': --exact-texts: the constants as sent, 20 calls:',
      [(q['query'], q['calls']) for q in sel][:5])
sys.exit(not (ok and texts_ok))
PY
check "-D and --app" [ $? = 0 ]

# a full table of texts: 18000 distinct ones (--exact-texts, a random
# constant each) in a table of 16384: each query counted once, by its text
# or as not kept
printf '\\set v random(1, 1000000000)\nSELECT :v AS full;\n' > "$PGDIR/full.sql"
chmod 644 "$PGDIR/full.sql"
"$TOP" -p "$PG_PID" --app full --exact-texts --top 20000 -i 600000 --json > "$TMP/full.out" 2> "$TMP/full.err" & T=$!
wait_for "$TMP/full.err" 'handlers attached' 15 || die "pg-top (full table) did not attach"
as_pg env PGAPPNAME=full "$PGB/pgbench" -n -c 2 -t 9000 -f "$PGDIR/full.sql" postgres > /dev/null 2>&1
kill -INT $T; wait $T
python3 - "$TMP/full.out" <<'PY'
import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if '"summary"' in l][-1]
g = [x for x in s['groups'] if x['application'] == 'full']
calls = sum(q['calls'] for q in s['top_queries'])
ok = (len(g) == 1 and g[0]['queries'] == 18000 and s['distinct_queries'] == 16384 and
      len(s['top_queries']) == 16384 and s['queries_dropped'] > 0 and
      calls + s['queries_dropped'] == 18000)
print(('ok' if ok else 'FAIL') + ': 18000 queries, 16384 texts kept: queries, distinct, kept calls, not kept:',
      g and g[0]['queries'], s['distinct_queries'], calls, s['queries_dropped'])
sys.exit(not ok)
PY
check "a full table of query texts: each query counted once" [ $? = 0 ]

# --groups 1: one (backend type, application) pair counted, the others'
# hits told as not counted; --groups 0 refused
"$TOP" -p "$PG_PID" --groups 1 -i 600000 --json > "$TMP/g1.out" 2> "$TMP/g1.err" & T=$!
wait_for "$TMP/g1.err" 'handlers attached' 15 || die "pg-top --groups 1 did not attach"
as_pg env PGAPPNAME=one "$PGB/psql" -X -q -d postgres -c "SELECT 1" -c "SELECT 2" > /dev/null
as_pg env PGAPPNAME=two "$PGB/psql" -X -q -d postgres -c "SELECT 1" > /dev/null
kill -INT $T; wait $T
python3 - "$TMP/g1.out" <<'PY'
import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if '"summary"' in l][-1]
ok = len(s['groups']) == 1 and s['keys_full'] > 0
print(('ok' if ok else 'FAIL') + ': --groups 1: one group, the rest not counted (keys_full):',
      [(g['backend_type'], g['application']) for g in s['groups']], s['keys_full'])
sys.exit(not ok)
PY
check "--groups 1: one group counted, the others told" [ $? = 0 ]
"$TOP" -p "$PG_PID" --groups 0 > /dev/null 2> "$TMP/g0.err"; r=$?
check "--groups 0 refused, exit 2, saying why" [ "$r $(cat "$TMP/g0.err")" = \
	"2 pg-top: --groups wants 1 to 65536, not '0'" ]

# a server pg-top does not know, or no server at all, is refused with why
# (the postmaster's working directory is its data directory, PG_VERSION
# in it): a process in a directory saying 16, one in a directory without
# it, a pid that is gone
mkdir "$TMP/v16" "$TMP/none" && echo 16 > "$TMP/v16/PG_VERSION"
(cd "$TMP/v16" && exec sleep 30) & V1=$!
(cd "$TMP/none" && exec sleep 30) & V2=$!
on_exit "kill $V1 $V2 2>/dev/null"
sleep 0.2
"$TOP" -p $V1 -d 1 > /dev/null 2> "$TMP/v1.err"; r1=$?
"$TOP" -p $V2 -d 1 > /dev/null 2> "$TMP/v2.err"; r2=$?
"$TOP" -p 2147483600 -d 1 > /dev/null 2> "$TMP/v3.err"; r3=$?
cat "$TMP"/v[123].err
refused() {
	[ $r1 = 1 ] && [ $r2 = 1 ] && [ $r3 = 1 ] &&
		grep -q "postmaster $V1 runs PostgreSQL 16; pg-top knows PostgreSQL 15" "$TMP/v1.err" &&
		grep -q "postmaster $V2: no PG_VERSION in its working directory" "$TMP/v2.err" &&
		grep -q "postmaster 2147483600: No such process" "$TMP/v3.err"
}
check "pg-top refuses PostgreSQL 16, a non-server process and a gone pid, saying which" refused

# a cluster of Debian's own tooling (pg_createcluster, pg_ctlcluster)
NAME=tsdt$$ PORT=$((40000 + $$ % 20000))
on_exit "pg_dropcluster --stop 15 $NAME > /dev/null 2>&1"
pg_createcluster 15 "$NAME" -p "$PORT" --start -- --auth=trust > "$TMP/dc.log" 2>&1 ||
	{ cat "$TMP/dc.log"; die "pg_createcluster failed"; }
DD=/var/lib/postgresql/15/$NAME
# (its text output, as a user reads it, with the histograms, without texts)
"$TOP" -D "$DD" -i 100 --hist --no-texts > "$TMP/d.out" 2> "$TMP/d.err" & T=$!
wait_for "$TMP/d.err" 'handlers attached' 15 || die "pg-top on a pg_createcluster cluster did not attach"
(cd / && runuser -u postgres -- env PGAPPNAME=debian "$PGB/psql" -X -q -p "$PORT" -d postgres \
	-c "SELECT 1" -c "SELECT 2") > /dev/null
kill -INT $T; wait $T
python3 - "$TMP/d.out" <<'PY'
import re, sys
last = open(sys.argv[1]).read().split('--- ')[-1].splitlines()
row = [l.split() for l in last if re.match(r'client backend +debian ', l)]
ok = len(row) == 1 and row[0][3:7] == ['2', '2', '0', '0'] and row[0][9] == '2'
print(('ok' if ok else 'FAIL') + ': a cluster started by pg_ctlcluster: its client counted '
      '(2 started, 2 committed, 2 queries):', row)
good = ok
def hist(title):
    i = last.index('  client backend, debian: %s (ns):' % title)
    n = 0
    for l in last[i + 1:]:
        m = re.match(r'  \[[0-9KMG]+, [0-9KMG]+\) +([0-9]+) \|@* *\|$', l)
        if not m:
            break
        n += int(m.group(1))
    return n
try:
    h = (hist('transaction latency'), hist('query latency'))
except ValueError:
    h = None
ok = h == (2, 2)
print(('ok' if ok else 'FAIL') + ': --hist: its transaction and query latency histograms hold 2 each:', h)
good &= ok
ok = not any(l.startswith('top queries') for l in last)
print(('ok' if ok else 'FAIL') + ': --no-texts: queries counted, no top queries')
sys.exit(not (good and ok))
PY
check "pg_createcluster / pg_ctlcluster cluster" [ $? = 0 ]
finish
