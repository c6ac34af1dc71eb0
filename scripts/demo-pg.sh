#!/bin/bash
# make demo: tsdt on software nobody here wrote. Two throwaway PostgreSQL 15
# clusters (Debian's binary: 71 probe sites, no types), a publisher and a
# subscriber in logical replication; examples/pg/pg-top, a tool on libtsdt
# with its own typed handlers, attached to both:
#  1. a short pgbench on the publisher, with pg-top's live summary per
#     backend type and application (every 2 s);
#  2. rows inserted on the publisher, each transaction followed by its
#     commit LSN to the subscriber's apply worker; a Perfetto trace of it;
#  3. the clusters stopped, whatever happens.
# (scripts/demo.sh, `make demo-basic`, is the instrumented-program demo.)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-.output}
TOP=$OUT/examples/pg/pg-top
PGB=/usr/lib/postgresql/15/bin
[ "$(id -u)" = 0 ] || { echo "demo: tracing needs root" >&2; exit 1; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

PUB=$(mktemp -d /tmp/tsdt-demo-pub.XXXXXX) SUB=$(mktemp -d /tmp/tsdt-demo-sub.XXXXXX)
TRACE=$(realpath -m "$OUT/demo-replication.perfetto.json")
T=
cleanup() {
	[ -n "$T" ] && kill -INT $T 2>/dev/null && wait $T 2>/dev/null || true
	scripts/pg-server.sh psql "$SUB" -c 'DROP SUBSCRIPTION IF EXISTS s' > /dev/null 2>&1 || true
	scripts/pg-server.sh stop "$SUB" || true
	scripts/pg-server.sh stop "$PUB" || true
	rm -rf "$PUB" "$SUB"
}
trap cleanup EXIT

step "Two throwaway clusters: a publisher and a subscriber (logical replication)"
export PG_EXTRA_CONF="wal_level = logical
max_wal_senders = 4
max_replication_slots = 4
synchronous_commit = on"
eval "$(scripts/pg-server.sh start "$PUB")"
pubport=$PGPORT pubpm=$PG_PID
scripts/pg-server.sh start "$SUB" > /dev/null
as_pg() { (cd / && runuser -u postgres -- env PGHOST="$PUB/sock" PGPORT="$pubport" "$@"); }
as_pg "$PGB/pgbench" -i -q -s 2 postgres > /dev/null 2>&1
scripts/pg-server.sh psql "$PUB" -c "CREATE TABLE orders (id int PRIMARY KEY, item text); CREATE PUBLICATION p FOR TABLE orders" > /dev/null
scripts/pg-server.sh psql "$SUB" -c "CREATE TABLE orders (id int PRIMARY KEY, item text)" > /dev/null
scripts/pg-server.sh psql "$SUB" -c "CREATE SUBSCRIPTION s CONNECTION 'host=$PUB/sock port=$pubport dbname=postgres' PUBLICATION p" > /dev/null 2>&1
echo "publisher: postmaster $pubpm ($PUB/data); subscriber: $SUB/data"
readelf -n "$PGB/postgres" | grep -c 'Provider: postgresql' | sed 's/^/probe sites in the postgres binary: /'

step "1. pgbench on the publisher, pg-top's live summary every 2 s"
echo "\$ pg-top -D $PUB/data --subscriber $SUB/data --perfetto $TRACE -i 2 --top 5"
"$TOP" -D "$PUB/data" --subscriber "$SUB/data" --perfetto "$TRACE" -i 2 --top 5 &
T=$!
sleep 1.5
as_pg "$PGB/pgbench" -n -c 4 -j 2 -T 4 postgres | grep -E 'processed|tps' | sed 's/^/pgbench: /'
sleep 1

step "2. 50 orders inserted on the publisher, each in its own transaction"
for i in $(seq 50); do
	scripts/pg-server.sh psql "$PUB" -c "INSERT INTO orders VALUES ($i, 'item $i')" > /dev/null
done
sleep 1.5
echo "replicated rows on the subscriber: $(scripts/pg-server.sh psql "$SUB" -At -c 'SELECT count(*) FROM orders')"
kill -INT $T; wait $T || true
T=

step "3. Done"
echo "The Perfetto trace of the replication is $TRACE"
echo "(open it in https://ui.perfetto.dev: each transaction a flow from the"
echo "publisher's backend through the walsender to the apply worker)."
echo "Stopping the clusters."
