# Paths of the third-party programs the tests trace (sourced; override from
# the environment): Debian 12's PostgreSQL 15 server and python3.11.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG=$PG_BIN/postgres
PYTHON=${PYTHON:-/usr/bin/python3.11}
