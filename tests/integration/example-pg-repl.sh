#!/bin/bash
# pg-top --subscriber on two clusters of this machine, a publisher and a
# subscriber (logical replication, started here): N rows inserted on the
# publisher in N transactions give exactly N transactions followed by their
# commit LSN from the publisher's commit through the walsender's
# ReorderBufferCommit() to the apply worker's commit, each with its stages
# and positive latencies; then one transaction large enough to be streamed
# before its commit (streaming = on), followed too; the Perfetto trace has
# one flow per transaction across the three processes.
. "$(dirname "$0")/../trace/lib.sh"
TOP=$OUT/examples/pg/pg-top
[ -x "$TOP" ] || die "$TOP not built (make)"
PGB=/usr/lib/postgresql/15/bin
N=20
PUB=$(mktemp -d /tmp/tsdt-pub.XXXXXX) SUB=$(mktemp -d /tmp/tsdt-sub.XXXXXX)
on_exit "rm -rf '$PUB' '$SUB'"
on_exit "scripts/pg-server.sh stop '$PUB'"
on_exit "scripts/pg-server.sh stop '$SUB'"
export PG_EXTRA_CONF="wal_level = logical
max_wal_senders = 4
max_replication_slots = 4
synchronous_commit = on
logical_decoding_work_mem = 64kB"
scripts/pg-server.sh start "$PUB" > "$PUB/env" || die "publisher did not start"
scripts/pg-server.sh start "$SUB" > "$SUB/env" || die "subscriber did not start"
on_exit "scripts/pg-server.sh psql '$SUB' -c 'DROP SUBSCRIPTION IF EXISTS s' > /dev/null 2>&1"
pubport=$(sed -n 's/^PGPORT=//p' "$PUB/env")
scripts/pg-server.sh psql "$PUB" -c "CREATE TABLE r (id int PRIMARY KEY, t text); CREATE PUBLICATION p FOR TABLE r" > /dev/null
scripts/pg-server.sh psql "$SUB" -c "CREATE TABLE r (id int PRIMARY KEY, t text)" > /dev/null
scripts/pg-server.sh psql "$SUB" -c "CREATE SUBSCRIPTION s CONNECTION 'host=$PUB/sock port=$pubport dbname=postgres' PUBLICATION p WITH (streaming = on)" > /dev/null ||
	die "no subscription"
# the initial sync done: the apply worker streams
for i in $(seq 50); do
	[ "$(scripts/pg-server.sh psql "$SUB" -At -c "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r'")" = 0 ] && break
	sleep 0.2
done

"$TOP" -D "$PUB/data" --subscriber "$SUB/data" --perfetto "$TMP/repl.json" -i 100 --json \
	> "$TMP/top.out" 2> "$TMP/top.err" & T=$!
on_exit "kill $T 2>/dev/null"
wait_for "$TMP/top.err" 'handlers attached' 15 || die "pg-top did not attach"
for i in $(seq $N); do
	scripts/pg-server.sh psql "$PUB" -c "INSERT INTO r VALUES ($i, 'row $i')" > /dev/null
done
for i in $(seq 50); do
	[ "$(scripts/pg-server.sh psql "$SUB" -At -c "SELECT count(*) FROM r")" = $N ] && break
	sleep 0.2
done
check "the $N rows replicated" [ "$(scripts/pg-server.sh psql "$SUB" -At -c "SELECT count(*) FROM r")" = $N ]
# one transaction of 3000 rows, more than logical_decoding_work_mem: the
# walsender streams it before its commit
scripts/pg-server.sh psql "$PUB" -c "INSERT INTO r SELECT g, 'a longer row, streamed ' || g FROM generate_series(1000, 3999) g" > /dev/null
for i in $(seq 50); do
	[ "$(scripts/pg-server.sh psql "$SUB" -At -c "SELECT count(*) FROM r")" = $((N + 3000)) ] && break
	sleep 0.2
done
check "the large transaction replicated" [ "$(scripts/pg-server.sh psql "$SUB" -At -c "SELECT count(*) FROM r")" = $((N + 3000)) ]
streamed=$(scripts/pg-server.sh psql "$PUB" -At -c "SELECT coalesce(sum(stream_txns), 0) FROM pg_stat_replication_slots")
check "... and streamed before its commit ($streamed streamed)" [ "${streamed:-0}" -ge 1 ]
sleep 0.3
kill -INT $T; wait $T
check "pg-top exits 0" [ $? = 0 ]
check "it says where the trace is" grep -q "Perfetto trace of the replication in $TMP/repl.json" "$TMP/top.err"

python3 - "$TMP/top.out" "$TMP/repl.json" "$N" <<'PY'
import json, sys
n = int(sys.argv[3]) + 1  # and the streamed one
s = [json.loads(l) for l in open(sys.argv[1]) if '"summary"' in l][-1]
r = s['replication']
fl = r['flows']
ok = r['complete'] == n and len(fl) == n
print(('ok' if ok else 'FAIL') + ': %d transactions followed end to end (want %d, one streamed)' % (r['complete'], n))
good = ok
ok = all(f['decode_ms'] > 0 and f['send_ms'] > 0 and f['apply_ms'] >= 0 and f['total_ms'] > 0 and
         f['wait_ms'] >= 0 and
         abs(f['wait_ms'] + f['decode_ms'] + f['send_ms'] + f['apply_ms'] - f['total_ms']) < 0.01
         for f in fl)
print(('ok' if ok else 'FAIL') + ': each with its stages (>= 0, decoding and sending > 0, summing '
      'to its positive total): %s' % [(f['wait_ms'], f['decode_ms'], f['send_ms'], f['apply_ms'])
                                       for f in fl[:3]])
good &= ok
pids = {(f['publisher_pid'], f['walsender_pid'], f['subscriber_pid']) for f in fl}
ok = all(len(set(p)) == 3 for p in pids) and len({p[1] for p in pids}) == 1 and len({p[2] for p in pids}) == 1
print(('ok' if ok else 'FAIL') + ': three processes each, one walsender, one apply worker:', pids)
good &= ok
ok = len({f['lsn'] for f in fl}) == n
print(('ok' if ok else 'FAIL') + ': %d distinct commit LSNs' % n)
good &= ok
ok = abs(sum(r['share'].values()) - 1) < 0.01
print(('ok' if ok else 'FAIL') + ': stage shares sum to 1:', r['share'])
good &= ok
tr = json.load(open(sys.argv[2]))['traceEvents']
ids = {}
for e in tr:
    if e['ph'] in 'stf':
        ids.setdefault(e['id'], []).append((e['ph'], e['pid'], e['tid']))
ok = len(ids) == n and all([p for p, _, _ in v] == ['s', 't', 'f'] and len({t for _, _, t in v}) == 3 for v in ids.values())
print(('ok' if ok else 'FAIL') + ': Perfetto: %d flows, each s -> t -> f across three threads' % len(ids))
good &= ok
names = [e['name'].split()[0] for e in tr if e['ph'] == 'X']
ok = all(names.count(k) == n for k in ('commit', 'decode', 'send'))
print(('ok' if ok else 'FAIL') + ': Perfetto: a commit, decode and send slice per transaction')
good &= ok
sys.exit(not good)
PY
check "replication flows" [ $? = 0 ]
finish
