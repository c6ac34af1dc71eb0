#!/bin/bash
# The acid test of tsdt-gen as a dtrace drop-in: PostgreSQL 15 (Debian's
# source package) configured with --enable-dtrace DTRACE=tsdt-gen and, side
# by side, with SystemTap's dtrace; both servers built (src/backend). Then:
# the stapsdt notes match note for note (provider, name, argument count,
# semaphore), every probe of the tsdt-gen build is typed by its own type
# note (no provider file, no stock types), the server passes a short
# pgbench, and tsdt trace -p reads query text from it.
# Source: scripts/install-deps.sh (apt-get source, cached); build:
# scripts/pg-build.sh (ccache: the first run takes ~3 minutes, later ones
# well under one; see README).
. "$(dirname "$0")/../trace/lib.sh"
GEN=$(realpath "$OUT/tsdt-gen")
# Always the same directory, built afresh: ccache's direct mode then hits
# for every file the dtrace does not change (the paths are the same).
CACHE=${TSDT_CACHE:-/var/cache/tsdt}
B=$CACHE/pg-build
exec {lockfd}> "$CACHE/pg-build.lock"
flock -w 600 $lockfd || die "another build holds $CACHE/pg-build.lock"
rm -rf "$B" && mkdir -p "$B" && chmod 755 "$CACHE" "$B"
on_exit "rm -rf '$B'"
t0=$(date +%s)
# <sys/tsdt.h> from this tree (installed, it is in the compiler's path)
PG_CPPFLAGS="-I$(pwd)/include" scripts/pg-build.sh "$B" "$GEN" /usr/bin/dtrace > "$B/bins" 2> "$B/build.err"
rc=$?
check "PostgreSQL 15 builds with tsdt-gen and with dtrace ($(( $(date +%s) - t0 )) s)" [ $rc = 0 ]
[ $rc = 0 ] || { cat "$B/build.err"; die "build failed"; }
PGT=$(sed -n 1p "$B/bins") PGS=$(sed -n 2p "$B/bins")

# note for note: provider, name, argument count, semaphore or not
notes() {
	readelf -n "$1" | awk '
		/Provider:/ { p = $2 }
		/Name:/ { n = $2 }
		/Semaphore:/ { s = ($NF != "0x0000000000000000") }
		/Arguments:/ { a = NF - 1; print p ":" n " args=" a " sema=" s }' | sort
}
notes "$PGT" > "$B/tsdt.notes"; notes "$PGS" > "$B/stap.notes"
n=$(wc -l < "$B/tsdt.notes")
check "the same stapsdt notes, note for note ($n notes)" diff -u "$B/stap.notes" "$B/tsdt.notes"
check "71 notes, as Debian's postgres has" [ "$n" = "$(notes /usr/lib/postgresql/15/bin/postgres | wc -l)" ]
check "a type note in the tsdt-gen build" bash -c 'readelf -SW "$1" | grep -q "\.note\.tsdt"' _ "$PGT"

"$TSDT" list --json --no-auto-types "$PGT" > "$B/list.json"
python3 - "$B/list.json" <<'PY'
import json, sys
ps = json.load(open(sys.argv[1]))['binaries'][0]['probes']
src = {p['type_source'] for p in ps}
q = [p for p in ps if p['name'] == 'query__start'][0]
ok = len(ps) == 57 and src == {'note'} and q['args'][0]['type'] == 'const char *'
print(('ok' if ok else 'FAIL') + ': all %d probes typed by the binary\'s type note (%s); query__start(%s)' %
      (len(ps), src, q['args'][0]['type']))
sys.exit(not ok)
PY
check "every probe typed, by the binary itself" [ $? = 0 ]

# the server: Debian's initdb, pg_ctl and pgbench; our postgres. (PostgreSQL's
# probes.d names no argument: the type note says const char * for arg0)
PGDIR=$B/srv
on_exit "PG_POSTGRES='$PGT' scripts/pg-server.sh stop '$PGDIR'"
PG_POSTGRES=$PGT scripts/pg-server.sh start "$PGDIR" > "$B/env" 2> "$B/start.err" ||
	{ cat "$B/start.err"; die "the tsdt-gen build did not start"; }
eval "$(cat "$B/env")"
check "the running server is the tsdt-gen build" [ "$(readlink /proc/$PG_PID/exe)" = "$PGT" ]
pgb() { (cd / && runuser -u postgres -- /usr/lib/postgresql/15/bin/pgbench -h "$PGHOST" -p "$PGPORT" "$@"); }
pgb -i -q -s 1 postgres > "$B/init.log" 2>&1
check "pgbench -i" [ $? = 0 ]
"$TSDT" trace -p "$PG_PID" postgresql:query__start > "$B/q.out" 2> "$B/q.err" & T=$!
on_exit "kill $T 2>/dev/null"
wait_for "$B/q.err" '^Tracing' 10 || fail "trace: not attached"
pgb -n -c 2 -t 50 postgres > "$B/bench.log" 2>&1
check "pgbench -c 2 -t 50 passes" [ $? = 0 -a "$(grep -c "number of transactions actually processed: 100/100" "$B/bench.log")" = 1 ]
kill -INT $T; wait $T
n=$(strip_cols "$B/q.out" | grep -c '^postgresql:query__start arg0="UPDATE pgbench_accounts SET abalance = abalance + [-0-9]* WHERE aid = [0-9]*;"$')
check "tsdt trace -p: the query text, typed by the binary, no provider file (100 UPDATEs: $n)" [ "$n" = 100 ]
[ "$n" = 100 ] || { head -5 "$B/q.out"; cat "$B/q.err"; }
finish
