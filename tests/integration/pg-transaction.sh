#!/bin/bash
# PostgreSQL's transaction__start / transaction__commit typed by
# --provider-file probes/postgresql.d (the binary has no types), traced in
# one backend with -p: every event comes from that backend, the argument is
# named xid with the provider file's type, each commit matches the start
# before it, and the JSON output agrees with the text output.
. "$(dirname "$0")/../trace/lib.sh"

PGDIR=$(mktemp -d /tmp/tsdt-pg.XXXXXX)
on_exit "rm -rf '$PGDIR'"
on_exit "scripts/pg-server.sh stop '$PGDIR'"
scripts/pg-server.sh start "$PGDIR" > "$PGDIR/env" || die "server did not start"

# one long-lived session: its backend is the process traced
mkfifo "$PGDIR/in"
scripts/pg-server.sh psql "$PGDIR" -At < "$PGDIR/in" > "$PGDIR/psql.out" 2>&1 & P=$!
exec {sqlfd}> "$PGDIR/in"
on_exit "exec {sqlfd}>&-; wait $P"
echo "SELECT pg_backend_pid();" >&$sqlfd
wait_for "$PGDIR/psql.out" '^[0-9]+$' 10 || die "no backend pid"
backend=$(head -1 "$PGDIR/psql.out")

"$TSDT" trace -p "$backend" --provider-file probes/postgresql.d \
	'postgresql:transaction__start' 'postgresql:transaction__commit' \
	> "$TMP/out" 2> "$TMP/err" & T1=$!
on_exit "kill $T1 2>/dev/null"
"$TSDT" trace --json -p "$backend" --provider-file probes/postgresql.d \
	'postgresql:transaction__*' > "$TMP/json" 2> "$TMP/jerr" & T2=$!
on_exit "kill $T2 2>/dev/null"
wait_for "$TMP/err" '^Tracing 2 probes' 10 || fail "text: not attached"
wait_for "$TMP/jerr" '^Tracing 3 probes' 10 || fail "json: not attached"
for i in 1 2 3 4 5; do
	echo "BEGIN; CREATE TEMP TABLE t$i (x int); INSERT INTO t$i VALUES ($i); COMMIT;" >&$sqlfd
done
echo "SELECT 'done';" >&$sqlfd
wait_for "$PGDIR/psql.out" '^done$' 10 || fail "queries did not run"
# the probes fired before psql saw the answer: in the rings, which tsdt
# drains when SIGINT ends it
kill -INT $T1 $T2; wait $T1; r1=$?; wait $T2; r2=$?
check "tracers exit 0" [ $r1 = 0 -a $r2 = 0 ]

check "provider-file size/sign warnings summed up, not listed" \
	sh -c "grep -Eq '^tsdt trace: [0-9]+ warnings about argument types' '$TMP/err' && ! grep -q 'libtsdt:.*warning' '$TMP/err'"
strip_cols "$TMP/out" > "$TMP/ev"
head -4 "$TMP/ev" | sed 's/^/  /'
check "events come from the backend $backend only" \
	awk -v p="$backend" -v bad=0 '$1 != "TIME" { if ($2 != p || $3 != p || $4 != "postgres") bad = 1; n++ } END { exit bad || n == 0 }' "$TMP/out"
check "argument named xid (from the provider file)" \
	sh -c "! grep -v ' xid=[0-9][0-9]*\$' '$TMP/ev' | grep -q ."
python3 - "$TMP/ev" <<'PY'
import re, sys
ev = [l.split() for l in open(sys.argv[1])]
pairs, ok, open_xid = 0, True, None
for probe, arg in ev:
    xid = int(arg.split("=")[1])
    if probe.endswith("transaction__start"):
        ok = ok and open_xid is None
        open_xid = xid
    else:
        ok = ok and open_xid == xid
        open_xid, pairs = None, pairs + 1
ok = ok and pairs >= 6
print(("ok" if ok else "FAIL") + ": %d start/commit pairs, each commit with its start's xid" % pairs)
sys.exit(not ok)
PY
check "start/commit pairs" [ $? = 0 ]

python3 - "$TMP/json" "$TMP/ev" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
st = recs[0]
ok = st["type"] == "start" and all(p["types"] == "provider-file" for p in st["probes"])
ok = ok and all(p["args"][0]["name"] == "xid" and p["args"][0]["type"] in
                ("LocalTransactionId", "unsigned int", "uint32_t") for p in st["probes"])
print(("ok" if ok else "FAIL") + ": json start: typed by the provider file:", st["probes"][0]["args"])
ev = [r for r in recs if r["type"] == "event"]
mine = ["%s xid=%d" % (e["probe"], e["args"][0]["value"]) for e in ev
        if e["probe"] != "postgresql:transaction__abort"]
text = [l.strip() for l in open(sys.argv[2])]
ok2 = mine == text
print(("ok" if ok2 else "FAIL") + ": json events agree with the text output (%d events)" % len(mine))
ok3 = recs[-1]["type"] == "summary" and recs[-1]["lost"] == 0
print(("ok" if ok3 else "FAIL") + ": json summary, nothing lost")
sys.exit(not (ok and ok2 and ok3))
PY
check "json" [ $? = 0 ]
finish
