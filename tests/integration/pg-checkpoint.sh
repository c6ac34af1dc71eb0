#!/bin/bash
# PostgreSQL's checkpoint__done, whose arguments are rip-relative
# (-4@NBuffers(%rip) ...), traced in the checkpointer process (-p, typed by
# probes/postgresql.d) and in every process running postgres (typed by the stock
# providers/postgresql-15.d, no flag),
# while `psql -c CHECKPOINT` runs: the total-buffers argument must equal
# shared_buffers in 8 kB pages (NBuffers), buffers written must be > 0 after
# dirtying a table, and <= NBuffers.
. "$(dirname "$0")/../trace/lib.sh"
PG=${PG_BIN:-/usr/lib/postgresql/15/bin}/postgres

PGDIR=$(mktemp -d /tmp/tsdt-pg.XXXXXX)
on_exit "rm -rf '$PGDIR'"
on_exit "scripts/pg-server.sh stop '$PGDIR'"
PG_SHARED_BUFFERS=20MB scripts/pg-server.sh start "$PGDIR" > "$PGDIR/env" || die "server did not start"
. "$PGDIR/env"
sql() { scripts/pg-server.sh psql "$PGDIR" -At -c "$1"; }
nbuf=$(sql "SELECT setting FROM pg_settings WHERE name = 'shared_buffers'")
check "shared_buffers is $nbuf pages (20MB)" [ "$nbuf" = 2560 ]
ckpt=$(ps --ppid "$PG_PID" -o pid=,args= | awk '/checkpointer/ { print $1 }')
[ -n "$ckpt" ] || die "no checkpointer process under $PG_PID"

"$TSDT" trace -p "$ckpt" --provider-file probes/postgresql.d \
	'postgresql:checkpoint__done' > "$TMP/p.out" 2> "$TMP/p.err" & T1=$!
on_exit "kill $T1 2>/dev/null"
"$TSDT" trace --json "$PG:postgresql:checkpoint__*" > "$TMP/all.out" 2> "$TMP/all.err" & T2=$!
on_exit "kill $T2 2>/dev/null"
wait_for "$TMP/p.err" '^Tracing' 10 || fail "-p checkpointer: not attached"
wait_for "$TMP/all.err" '^Tracing' 10 || fail "all processes: not attached"

sql "CREATE TABLE t AS SELECT g FROM generate_series(1, 10000) g" > /dev/null
sql "CHECKPOINT" > /dev/null
wait_for "$TMP/p.out" 'checkpoint__done' 10 || fail "-p: no checkpoint__done"
wait_for "$TMP/all.out" 'checkpoint__done' 10 || fail "all: no checkpoint__done"
kill -INT $T1 $T2; wait $T1; r1=$?; wait $T2; r2=$?
check "tracers exit 0 on SIGINT" [ $r1 = 0 -a $r2 = 0 ]

line=$(strip_cols "$TMP/p.out" | grep checkpoint__done | head -1)
echo "  -p: $line"
check "-p: pid is the checkpointer's" grep -Eq "^[^ ]+ +$ckpt +$ckpt +postgres " "$TMP/p.out"
total=$(sed -nE 's/.* buffers_total=([0-9-]+).*/\1/p' <<< "$line")
written=$(sed -nE 's/.* buffers_written=([0-9-]+).*/\1/p' <<< "$line")
check "-p: typed names from the provider file" [ -n "$total" -a -n "$written" ]
check "-p: buffers_total ($total) = NBuffers ($nbuf)" [ "$total" = "$nbuf" ]
check "-p: 0 < buffers_written ($written) <= NBuffers" [ "$written" -gt 0 -a "$written" -le "$nbuf" ]

python3 - "$TMP/all.out" "$nbuf" "$ckpt" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
nbuf, ckpt = int(sys.argv[2]), int(sys.argv[3])
done = [r for r in recs if r["type"] == "event" and r["probe"] == "postgresql:checkpoint__done"]
start = [r for r in recs if r["type"] == "event" and r["probe"] == "postgresql:checkpoint__start"]
ok = len(done) >= 1 and len(start) >= 1
a = done[0]["args"] if done else []
ok = ok and done[0]["pid"] == ckpt and len(a) == 5 and a[1]["value"] == nbuf
ok = ok and [x["name"] for x in a] == ["buffers_written", "buffers_total", "wal_added", "wal_removed", "wal_recycled"]
ok = ok and a[1]["type"] == "int32_t" and 0 < a[0]["value"] <= nbuf
print(("ok" if ok else "FAIL") + ": all processes, stock types (no flag) in JSON: buffers_total = NBuffers, buffers_written in (0, NBuffers], from the checkpointer:", a)
ok2 = recs[-1]["type"] == "summary" and recs[-1]["lost"] == 0
print(("ok" if ok2 else "FAIL") + ": summary, nothing lost")
sys.exit(not (ok and ok2))
PY
check "all processes JSON" [ $? = 0 ]
finish
