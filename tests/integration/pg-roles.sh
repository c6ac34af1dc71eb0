#!/bin/bash
# Roles of a real PostgreSQL 15 server, which has no TSDT_ROLE: every
# process classified by its global MyBackendType (in .dynsym), read at each
# probe hit, named with PostgreSQL 15's BackendType enum; the roles agree
# with pg_stat_activity.backend_type; a replication connection's process
# is a walsender. application_name (a global) read per client backend; an
# exported function's entry and return (pg_sleep).
. "$(dirname "$0")/../trace/lib.sh"
. tests/paths.sh
[ -x "$PG" ] || die "$PG not installed"
# PostgreSQL 15's enum BackendType (src/include/miscadmin.h), as
# GetBackendTypeDesc() names them (background workers show their own
# bgw_type in pg_stat_activity instead)
NAMES='0=invalid,1=autovacuum launcher,2=autovacuum worker,3=client backend,4=background worker,5=background writer,6=checkpointer,7=startup,8=walreceiver,9=walsender,10=walwriter,11=archiver,12=logger'

PGDIR=$(mktemp -d /tmp/tsdt-pg.XXXXXX)
on_exit "rm -rf '$PGDIR'"
on_exit "scripts/pg-server.sh stop '$PGDIR'"
# a walsender needs replication allowed (the helper's default is off)
PG_EXTRA_CONF=$'max_wal_senders = 2\nwal_level = replica' \
	scripts/pg-server.sh start "$PGDIR" > "$PGDIR/env" || die "server did not start"
. "$PGDIR/env"

"$TSDT" trace --json -o "$TMP/t.json" -p "$PG_PID" --role-global MyBackendType \
	--role-names "$NAMES" "$PG:postgresql:*" 2> "$TMP/err" & T=$!
on_exit "kill $T 2>/dev/null"
wait_for "$TMP/err" '^Tracing' 10 || die "not attached: $(cat "$TMP/err")"
# work for several kinds of process: a client backend writing WAL (the
# walwriter flushes it), a checkpoint (the checkpointer), dirty buffers
# (the background writer), for a second and a half
scripts/pg-server.sh psql "$PGDIR" -At -c "CREATE TABLE r AS SELECT generate_series(1, 20000) x; CHECKPOINT" > /dev/null
for i in 1 2 3; do
	scripts/pg-server.sh psql "$PGDIR" -At -c "UPDATE r SET x = x + 1; SELECT pg_sleep(0.5)" > /dev/null
done
# a replication connection: a walsender
scripts/pg-server.sh psql "$PGDIR" -d "dbname=postgres replication=database" -At -c "IDENTIFY_SYSTEM" > "$TMP/repl" 2>&1
scripts/pg-server.sh psql "$PGDIR" -At -c "SELECT pid, backend_type FROM pg_stat_activity" > "$TMP/psa"
kill -INT $T; wait $T

# application_name (a char * global in .dynsym) per client backend, and an
# exported function's entry and return (pg_sleep), in one session
"$TSDT" trace --json -o "$TMP/a.json" -p "$PG_PID" --with 'application_name:const char *' \
	"$PG:postgresql:query__start" "$PG:fn:pg_sleep" "$PG:fn-return:pg_sleep" 2> "$TMP/aerr" & T=$!
on_exit "kill $T 2>/dev/null"
wait_for "$TMP/aerr" '^Tracing' 10 || die "not attached: $(cat "$TMP/aerr")"
for app in tsdt_one tsdt_two; do
	scripts/pg-server.sh psql "$PGDIR" -d "dbname=postgres application_name=$app" -At \
		-c "SELECT pg_backend_pid(), pg_sleep(0.05)" >> "$TMP/apps"
done
kill -INT $T; wait $T
check "application_name read per client backend ($(tr '\n' ' ' < "$TMP/apps"))" $PYTHON -c 'import json,sys
pids=[int(l.split("|")[0]) for l in open(sys.argv[2]) if "|" in l]
ev=[json.loads(l) for l in open(sys.argv[1])]
ev=[e for e in ev if e["type"]=="event" and e["probe"]=="postgresql:query__start"]
got={e["pid"]: [a.get("value") for a in e["args"] if a["name"]=="application_name"][0] for e in ev}
assert got.get(pids[0])=="tsdt_one" and got.get(pids[1])=="tsdt_two", (pids, got)' "$TMP/a.json" "$TMP/apps"
check "fn:pg_sleep and fn-return:pg_sleep (an exported function): once per query, in its backend" $PYTHON -c 'import json,sys
pids=[int(l.split("|")[0]) for l in open(sys.argv[2]) if "|" in l]
ev=[json.loads(l) for l in open(sys.argv[1])]
for pr in ("fn:pg_sleep", "fn-return:pg_sleep"):
    assert sorted(e["pid"] for e in ev if e["type"]=="event" and e["probe"]==pr)==sorted(pids), pr' "$TMP/a.json" "$TMP/apps"

check "$(wc -l < "$TMP/psa") processes in pg_stat_activity" [ -s "$TMP/psa" ]
$PYTHON - "$TMP/t.json" "$TMP/psa" > "$TMP/cmp" <<'PY'
import json, sys
roles = {}
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["type"] == "event":
        roles.setdefault(e["pid"], []).append(e.get("role"))
psa = dict(l.strip().split("|", 1) for l in open(sys.argv[2]) if "|" in l)
ok = bad = 0
for pid, want in psa.items():
    got = set(roles.get(int(pid), []))
    if not got:
        continue
    if want in got and len(got) == 1:
        ok += 1
    elif got <= {"background worker"}:
        ok += 1   # bgworkers: pg_stat_activity shows their bgw_type
    else:
        bad += 1
        print("mismatch", pid, want, sorted(map(str, got)), file=sys.stderr)
print("matched", ok)
print("mismatched", bad)
print("types", len({r for rs in roles.values() for r in rs}))
PY
check "every traced process's role is its pg_stat_activity backend_type ($(tr '\n' ' ' < "$TMP/cmp"))" \
	sh -c "grep -qx 'mismatched 0' '$TMP/cmp' && [ \$(awk '/^matched/ { print \$2 }' '$TMP/cmp') -ge 3 ]"
# (PostgreSQL 15 sets MyBackendType to B_WAL_SENDER before the new
# process fires a probe, so its client-backend start is not seen here; a
# role changing at run time is tests/integration/follow-roles.sh's)
if grep -q '^[0-9]' "$TMP/repl"; then
	check "a replication connection's process: a walsender" $PYTHON -c 'import json,sys
seq={}
for l in open(sys.argv[1]):
    e=json.loads(l)
    if e["type"]=="event": seq.setdefault(e["pid"],set()).add(e.get("role"))
assert [p for p,s in seq.items() if s == {"walsender"}], seq' "$TMP/t.json"
else
	fail "no replication connection: $(cat "$TMP/repl")"
fi

# the walsender's change of type, seen in one process: an exported
# function it calls before and after its startup packet (pq_getbytes),
# the role read at each call. PostgreSQL 15 goes from B_INVALID straight
# to B_WAL_SENDER once the packet says replication (BackendInitialize()),
# never through B_BACKEND: that is what this checks.
"$TSDT" trace --json -o "$TMP/w.json" -p "$PG_PID" --role-global MyBackendType \
	--role-names "$NAMES" "$PG:fn:pq_getbytes" "$PG:fn:exec_replication_command" 2> "$TMP/werr" & T=$!
on_exit "kill $T 2>/dev/null"
wait_for "$TMP/werr" '^Tracing' 10 || die "not attached: $(cat "$TMP/werr")"
scripts/pg-server.sh psql "$PGDIR" -d "dbname=postgres replication=database" -At -c "IDENTIFY_SYSTEM" > /dev/null 2>&1
kill -INT $T; wait $T
seq=$($PYTHON -c 'import json,sys
seq={}
for l in open(sys.argv[1]):
    e=json.loads(l)
    if e["type"]=="event" and e["probe"]!="tsdt:role":
        s=seq.setdefault(e["pid"],[])
        r=e.get("role")
        if not s or s[-1]!=r: s.append(r)
cmd=[e["pid"] for e in map(json.loads, open(sys.argv[1])) if e.get("probe")=="fn:exec_replication_command"]
print(" -> ".join(map(str, seq.get(cmd[0], []))) if cmd else "none")' "$TMP/w.json")
check "a walsender reclassified as it changes type, in one process: $seq" [ "$seq" = "invalid -> walsender" ]
finish
