#!/bin/bash
# pg-top --subscriber on two clusters of this machine, a publisher and a
# subscriber (logical replication, started here): N rows inserted on the
# publisher in N transactions give exactly N transactions followed by their
# commit LSN from the publisher's commit through the walsender's
# ReorderBufferCommit() to the apply worker's commit, each with its stages
# and positive latencies; then one transaction large enough to be streamed
# before its commit (streaming = on), followed too; and prepared
# transactions (two-phase commit), on this subscription, which receives
# them at COMMIT PREPARED, and on a second one WITH (two_phase = on), which
# receives them at PREPARE and their end at COMMIT or ROLLBACK PREPARED
# (ReorderBufferFinishPrepared()). The Perfetto trace has one flow per
# transaction across the three processes.
. "$(dirname "$0")/../trace/lib.sh"
TOP=$OUT/examples/pg/pg-top
[ -x "$TOP" ] || die "$TOP not built (make)"
PGB=/usr/lib/postgresql/15/bin
N=20 P=3
PUB=$(mktemp -d /tmp/tsdt-pub.XXXXXX) SUB=$(mktemp -d /tmp/tsdt-sub.XXXXXX)
on_exit "rm -rf '$PUB' '$SUB'"
on_exit "scripts/pg-server.sh stop '$PUB'"
on_exit "scripts/pg-server.sh stop '$SUB'"
export PG_EXTRA_CONF="wal_level = logical
max_wal_senders = 4
max_replication_slots = 4
synchronous_commit = on
logical_decoding_work_mem = 64kB
max_prepared_transactions = 10"
scripts/pg-server.sh start "$PUB" > "$PUB/env" || die "publisher did not start"
scripts/pg-server.sh start "$SUB" > "$SUB/env" || die "subscriber did not start"
on_exit "scripts/pg-server.sh psql '$SUB' -c 'DROP SUBSCRIPTION IF EXISTS s' > /dev/null 2>&1"
on_exit "scripts/pg-server.sh psql '$SUB' -c 'DROP SUBSCRIPTION IF EXISTS s2' > /dev/null 2>&1"
pubport=$(sed -n 's/^PGPORT=//p' "$PUB/env")
scripts/pg-server.sh psql "$PUB" -c "CREATE TABLE r (id int PRIMARY KEY, t text); CREATE PUBLICATION p FOR TABLE r" > /dev/null
scripts/pg-server.sh psql "$PUB" -c "CREATE TABLE r2 (id int PRIMARY KEY); CREATE PUBLICATION p2 FOR TABLE r2" > /dev/null
scripts/pg-server.sh psql "$SUB" -c "CREATE TABLE r (id int PRIMARY KEY, t text); CREATE TABLE r2 (id int PRIMARY KEY)" > /dev/null
scripts/pg-server.sh psql "$SUB" -c "CREATE SUBSCRIPTION s CONNECTION 'host=$PUB/sock port=$pubport dbname=postgres' PUBLICATION p WITH (streaming = on)" > /dev/null ||
	die "no subscription"
scripts/pg-server.sh psql "$SUB" -c "CREATE SUBSCRIPTION s2 CONNECTION 'host=$PUB/sock port=$pubport dbname=postgres' PUBLICATION p2 WITH (two_phase = on)" > /dev/null ||
	die "no two_phase subscription"
# the initial sync done (and two_phase enabled after it): the apply
# workers stream
for i in $(seq 75); do
	[ "$(scripts/pg-server.sh psql "$SUB" -At -c "SELECT (SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r') + (SELECT count(*) FROM pg_subscription WHERE subname = 's2' AND subtwophasestate <> 'e')")" = 0 ] && break
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
# two-phase: $P prepared and committed, and one rolled back, on each
# subscription's table. s receives r's at COMMIT PREPARED (the rolled back
# one never reaches it); s2 receives r2's at PREPARE and their end at
# COMMIT or ROLLBACK PREPARED, and so r's too, empty (PostgreSQL 15 skips
# no empty prepared transaction): r's commits go to both subscriptions
for tb in r r2; do
	for i in $(seq $P) rb; do
		id=$([ $i = rb ] && echo 900 || echo $((800 + i)))
		scripts/pg-server.sh psql "$PUB" -c "BEGIN; INSERT INTO $tb VALUES ($id); PREPARE TRANSACTION '$tb-$i'" > /dev/null
		scripts/pg-server.sh psql "$PUB" -c "$([ $i = rb ] && echo ROLLBACK || echo COMMIT) PREPARED '$tb-$i'" > /dev/null
	done
done
for i in $(seq 50); do
	[ "$(scripts/pg-server.sh psql "$SUB" -At -c "SELECT (SELECT count(*) FROM r) + (SELECT count(*) FROM r2) + (SELECT count(*) FROM pg_prepared_xacts)")" = $((N + 2 * P)) ] && break
	sleep 0.2
done
check "the prepared transactions replicated, the rolled back ones not" \
	[ "$(scripts/pg-server.sh psql "$SUB" -At -c "SELECT (SELECT count(*) FROM r) || ' ' || (SELECT count(*) FROM r2) || ' ' || (SELECT count(*) FROM pg_prepared_xacts)")" = "$((N + P)) $P 0" ]
ws2=$(scripts/pg-server.sh psql "$PUB" -At -c "SELECT pid FROM pg_stat_replication WHERE application_name = 's2'")
# one transaction of 3000 rows, more than logical_decoding_work_mem: the
# walsender streams it before its commit
scripts/pg-server.sh psql "$PUB" -c "INSERT INTO r SELECT g, 'a longer row, streamed ' || g FROM generate_series(1000, 3999) g" > /dev/null
for i in $(seq 50); do
	[ "$(scripts/pg-server.sh psql "$SUB" -At -c "SELECT count(*) FROM r")" = $((N + P + 3000)) ] && break
	sleep 0.2
done
check "the large transaction replicated" [ "$(scripts/pg-server.sh psql "$SUB" -At -c "SELECT count(*) FROM r")" = $((N + P + 3000)) ]
streamed=$(scripts/pg-server.sh psql "$PUB" -At -c "SELECT coalesce(sum(stream_txns), 0) FROM pg_stat_replication_slots")
check "... and streamed before its commit ($streamed streamed)" [ "${streamed:-0}" -ge 1 ]
sleep 0.3
kill -INT $T; wait $T
check "pg-top exits 0" [ $? = 0 ]
check "it says where the trace is" grep -q "Perfetto trace of the replication in $TMP/repl.json" "$TMP/top.err"

python3 - "$TMP/top.out" "$TMP/repl.json" "$N" "$P" "$ws2" <<'PY'
import json, sys
np, ws2 = int(sys.argv[4]), int(sys.argv[5])
# paths: the N rows and the streamed one through s, r's np prepared
# through s and (empty) s2, r's rolled back one through s2, r2's np + 1
# through s2; np of the LSNs go to both subscriptions
n = int(sys.argv[3]) + 1 + np + (np + 1) + (np + 1)
nlsn = n - np
s = [json.loads(l) for l in open(sys.argv[1]) if '"summary"' in l][-1]
r = s['replication']
fl = r['flows']
ok = r['complete'] == n and len(fl) == n
print(('ok' if ok else 'FAIL') + ': %d paths followed end to end (want %d: one streamed, %d prepared '
      'through one of the subscriptions or both)' % (r['complete'], n, 3 * np + 2))
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
pairs = {(f['walsender_pid'], f['subscriber_pid']) for f in fl}
ok = all(len(set(p)) == 3 for p in pids) and len(pairs) == 2 and len({p[0] for p in pairs}) == 2 and \
     len({p[1] for p in pairs}) == 2
print(('ok' if ok else 'FAIL') + ': three processes each; two walsenders, each with its own apply worker:', pairs)
good &= ok
k = len([f for f in fl if f['walsender_pid'] == ws2])
ok = k == 2 * np + 2
print(('ok' if ok else 'FAIL') + ': two_phase = on: %d ends of prepared transactions followed (want %d: '
      'COMMIT PREPARED, ROLLBACK PREPARED, of either table)' % (k, 2 * np + 2))
good &= ok
from collections import Counter
per = Counter(f['lsn'] for f in fl)
ok = sorted(Counter(per.values()).items()) == [(1, nlsn - np), (2, np)]
print(('ok' if ok else 'FAIL') + ': %d transactions sent to both subscriptions, each once through each: %s' %
      (np, sorted(Counter(per.values()).items())))
good &= ok
ok = len({f['lsn'] for f in fl}) == nlsn and r['transactions'] >= nlsn and r['sent'] == nlsn and \
     r['unpaired'] == 0
print(('ok' if ok else 'FAIL') + ': %d distinct commit LSNs, %d sent (want %d), none unpaired' %
      (len({f['lsn'] for f in fl}), r['sent'], nlsn))
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
