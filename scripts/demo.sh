#!/bin/bash
# make demo: a typed, probe-instrumented program traced end to end.
#
#  1. probes/demo.d is compiled by tsdt-gen into the program's header
#     (typed DEMO_*() macros) and into a typed BPF handler header;
#  2. `tsdt list` reads the probes and their types back from the binary;
#  3. `tsdt trace -c` runs the program and prints every hit, typed;
#  4. demo-top, a tool on libtsdt, attaches its own typed handlers to a
#     running demo and prints totals;
#  5. a handler that reads a string as an integer is refused before it
#     attaches;
#  6. a real PostgreSQL 15 server (Debian's binary: probes, no types) is
#     traced across all its processes, typed by probes/postgresql.d:
#     transactions and locks from a backend, the checkpointer's
#     rip-relative checkpoint__done arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-.output}
D=$OUT/examples/demo
TSDT=$OUT/tsdt
[ "$(id -u)" = 0 ] || { echo "demo: tracing needs root" >&2; exit 1; }

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

step "1. The provider file and what tsdt-gen makes of it"
sed -n '/^provider/,/^};/p' probes/demo.d
echo "..."
grep -A3 'TSDT_PROBE_DEFINE(demo, request__start' "$D/demo_probes.h"
echo "..."
grep -A1 'define DEMO_REQUEST_START_HANDLER(prog)' "$D/demo_probes.bpf.h"

step "2. The probes and their types, read back from the binary"
show "$TSDT" list "$D/demo"
echo
echo "Every other tool still sees ordinary USDT probes:"
readelf -n "$D/demo" | grep -A4 'request__start' | head -5

step "3. Tracing the program from its first instruction"
show "$TSDT" trace -c "$D/demo -n 3 -i 20" 'demo:request__*'

step "4. A tool of your own on libtsdt: typed BPF handlers (demo-top)"
"$D/demo" -n 0 -i 20 &
demo_pid=$!
trap 'kill $demo_pid 2>/dev/null || true' EXIT
show "$D/demo-top" -p "$demo_pid" -d 2 "$D/demo"

step "5. A handler that reads 'path' (a string) as an integer is refused"
show "$D/demo-top" -p "$demo_pid" --mistyped "$D/demo"

kill $demo_pid 2>/dev/null || true
wait $demo_pid 2>/dev/null || true
trap - EXIT

step "6. Something real: PostgreSQL 15, typed by probes/postgresql.d"
PG=/usr/lib/postgresql/15/bin/postgres
pgdir=$(mktemp -d /tmp/tsdt-demo-pg.XXXXXX)
tracer=
cleanup_pg() {
	[ -n "$tracer" ] && kill -INT "$tracer" 2>/dev/null && wait "$tracer" 2>/dev/null
	scripts/pg-server.sh stop "$pgdir" >/dev/null 2>&1 || true
	rm -rf "$pgdir"
}
trap cleanup_pg EXIT
scripts/pg-server.sh start "$pgdir" > "$pgdir/env"
echo "(a throwaway server in $pgdir; its binary has $(readelf -n $PG | grep -c 'Name: ') probe notes and no types)"
show "$TSDT" list --provider-file probes/postgresql.d "$PG" \
	'postgresql:transaction__*' 'postgresql:checkpoint__*' 2>/dev/null
echo
echo "\$ $TSDT trace --provider-file probes/postgresql.d $PG:postgresql:{transaction__*,lock__wait__*,checkpoint__done} &"
"$TSDT" trace --provider-file probes/postgresql.d \
	"$PG:postgresql:transaction__*" "$PG:postgresql:lock__wait__*" \
	"$PG:postgresql:checkpoint__done" > "$pgdir/trace.out" 2> "$pgdir/trace.err" &
tracer=$!
for _ in $(seq 100); do grep -q '^Tracing' "$pgdir/trace.err" && break; sleep 0.05; done
cat "$pgdir/trace.err"
sql="CREATE TABLE accounts (id int PRIMARY KEY, balance int);
INSERT INTO accounts SELECT g, 100 FROM generate_series(1, 1000) g;
BEGIN; UPDATE accounts SET balance = balance - 10 WHERE id = 1; UPDATE accounts SET balance = balance + 10 WHERE id = 2; COMMIT;
CHECKPOINT;"
echo "$sql" | sed 's/^/  psql> /'
scripts/pg-server.sh psql "$pgdir" -q -c "$sql" > /dev/null
sleep 0.5
kill -INT $tracer; wait $tracer 2>/dev/null || true; tracer=
cat "$pgdir/trace.out"
tail -1 "$pgdir/trace.err"
echo
echo "checkpoint__done's arguments are rip-relative (-4@NBuffers(%rip)): shared_buffers"
echo "is $(scripts/pg-server.sh psql "$pgdir" -Atc "SELECT setting FROM pg_settings WHERE name = 'shared_buffers'") pages, as buffers_total says above."

step "Done: see README.md for the header, the compiler and the library."
