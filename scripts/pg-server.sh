#!/bin/bash
# Start and stop a throwaway PostgreSQL 15 server for tests, benchmarks and
# examples: a fresh cluster in a directory of its own, run as the `postgres`
# user, reachable only through a unix socket in that directory (no TCP).
#
# Usage:
#   scripts/pg-server.sh start DIR [PORT]   create DIR/data (if needed) and
#                                           start; prints shell assignments
#                                           PGHOST=.. PGPORT=.. PGUSER=..
#                                           PGDATABASE=.. PG_PID=.. for eval
#   scripts/pg-server.sh stop DIR           fast shutdown (idempotent)
#   scripts/pg-server.sh env DIR            print the assignments again
#   scripts/pg-server.sh psql DIR ARGS...   run psql against it as postgres
#
# DIR is created if missing and made accessible to the postgres user.
# PORT only names the socket (.s.PGSQL.PORT) since TCP is off; default is
# derived from DIR so that two servers in different DIRs never collide.
# Must run as root (to switch to the postgres user). Environment:
#   PG_BIN (default /usr/lib/postgresql/15/bin), PG_POSTGRES (another
#   postgres executable for pg_ctl to start, e.g. one built by
#   scripts/pg-build.sh), PG_SHARED_BUFFERS (16MB),
#   PG_EXTRA_CONF (extra lines appended to postgresql.conf).
set -eu

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_USER=postgres

die() { echo "pg-server: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: $0 start|stop|env|psql DIR [ARGS]"
cmd=$1 dir=$(realpath -m -- "$2")
shift 2

[ "$(id -u)" = 0 ] || die "must run as root (switches to the $PG_USER user)"
[ -x "$PG_BIN/postgres" ] || die "$PG_BIN/postgres not found; is postgresql-15 installed?"

data=$dir/data
sock=$dir/sock
log=$dir/server.log

# As the postgres user, from / : the caller's directory may be one postgres
# cannot enter (a mktemp -d checkout is 0700), and psql would then print
# "could not change directory" into its output.
as_pg() { (cd / && runuser -u "$PG_USER" -- "$@"); }

port_of() {
	if [ -f "$dir/port" ]; then cat "$dir/port"; return; fi
	# 20000..59999 from a hash of the directory's absolute path.
	echo $((20000 + $(realpath "$dir" | cksum | cut -d' ' -f1) % 40000))
}

print_env() {
	local port pid
	port=$(port_of)
	pid=$(head -1 "$data/postmaster.pid" 2>/dev/null || true)
	echo "PGHOST=$sock"
	echo "PGPORT=$port"
	echo "PGUSER=$PG_USER"
	echo "PGDATABASE=postgres"
	echo "PG_PID=$pid"
}

case $cmd in
start)
	port=${1:-$(port_of)}
	case $port in ''|*[!0-9]*) die "bad port '$port'";; esac
	mkdir -p "$dir"
	# The postgres user must be able to reach DIR (temp dirs are 0700).
	chmod 755 "$dir"
	as_pg test -x "$dir" ||
		die "the $PG_USER user cannot reach '$dir': a parent directory is not searchable (use e.g. mktemp -d /tmp/pg.XXXXXX)"
	echo "$port" > "$dir/port"
	install -d -o $PG_USER -g $PG_USER -m 700 "$data"
	install -d -o $PG_USER -g $PG_USER -m 700 "$sock"
	if [ ! -f "$data/PG_VERSION" ]; then
		as_pg "$PG_BIN/initdb" -D "$data" -U $PG_USER -A trust \
			--no-sync -E UTF8 --locale=C > "$dir/initdb.log" 2>&1 ||
			{ cat "$dir/initdb.log" >&2; die "initdb failed"; }
		cat >> "$data/postgresql.conf" <<-EOF
		# pg-server.sh: private, small, quiet
		listen_addresses = ''
		port = $port
		unix_socket_directories = '$sock'
		shared_buffers = ${PG_SHARED_BUFFERS:-16MB}
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		max_wal_senders = 0
		wal_level = minimal
		log_min_messages = warning
		${PG_EXTRA_CONF:-}
		EOF
	fi
	touch "$log" && chown $PG_USER "$log"
	as_pg "$PG_BIN/pg_ctl" ${PG_POSTGRES:+-p "$PG_POSTGRES"} -D "$data" -l "$log" -w -t 60 start > /dev/null ||
		{ tail -20 "$log" >&2; die "server did not start (log: $log)"; }
	print_env
	;;
stop)
	[ -f "$data/postmaster.pid" ] || exit 0
	as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop > /dev/null ||
		die "server in $data did not stop"
	;;
env)
	print_env
	;;
psql)
	as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$(port_of)" \
		-U $PG_USER -d postgres "$@"
	;;
*)
	die "unknown command '$cmd' (start|stop|env|psql)"
	;;
esac
