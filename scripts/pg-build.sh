#!/bin/bash
# Build PostgreSQL 15's server from Debian's source package with a given
# dtrace (tsdt-gen, or SystemTap's dtrace): the acid test of tsdt-gen as a
# drop-in (tests/integration/pg-build-gen.sh).
#
# Usage: scripts/pg-build.sh DIR DTRACE...
#   For each DTRACE given, configures (--enable-dtrace DTRACE=it) and builds
#   src/backend in DIR/<its file name> (DIR/tsdt-gen/src/backend/postgres,
#   DIR/dtrace/...); the configures share one cache file. Prints each
#   binary's path. A tree already configured is only rebuilt (make).
# The source is the one scripts/install-deps.sh unpacked into $TSDT_CACHE
# (default /var/cache/tsdt). Configured as Debian's package is laid out
# (prefix /usr/lib/postgresql/15, data /usr/share/postgresql/15, the
# system time zones), so the
# binary finds the installed share files and libraries; compiled through
# ccache (CCACHE_DIR in the cache directory), so that only what the dtrace
# changes is compiled again on later runs. Environment: PG_BUILD_JOBS (2),
# PG_CPPFLAGS (e.g. -I DIR for a <sys/tsdt.h> not installed).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 DIR DTRACE..." >&2; exit 2; }
dir=$(realpath -m -- "$1"); shift
cache=${TSDT_CACHE:-/var/cache/tsdt}
src=$(ls -d "$cache"/postgresql-15/*/configure 2>/dev/null | head -1 | xargs -r dirname)
[ -n "$src" ] || { echo "pg-build: no PostgreSQL source in $cache (run scripts/install-deps.sh)" >&2; exit 1; }
jobs=${PG_BUILD_JOBS:-2}
export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache}
cc="gcc"
command -v ccache > /dev/null && cc="ccache gcc"
mkdir -p "$dir"
for dt in "$@"; do
	name=$(basename "$dt")
	b=$dir/$name
	mkdir -p "$b"
	# one configure per build tree; the second reuses the first's answers
	if [ ! -f "$b/config.status" ]; then
		(cd "$b" && "$src/configure" -q --cache-file="$dir/config.cache" \
			--enable-dtrace DTRACE="$dt" CC="$cc" CPPFLAGS="${PG_CPPFLAGS:-}" \
			--prefix=/usr/lib/postgresql/15 --datadir=/usr/share/postgresql/15 \
			--with-system-tzdata=/usr/share/zoneinfo \
			--without-icu --without-readline --without-zlib > configure.log 2>&1) ||
			{ tail -20 "$b/configure.log" >&2; echo "pg-build: configure failed" >&2; exit 1; }
	fi
	# the libraries first: src/backend's Makefile makes them as a side
	# effect of another target, which -j can race
	{ make -C "$b/src/backend" -s generated-headers &&
	  make -C "$b/src/port" -s -j"$jobs" && make -C "$b/src/common" -s -j"$jobs" &&
	  make -C "$b/src/backend" -s -j"$jobs"; } > "$b/make.log" 2>&1 ||
		{ tail -30 "$b/make.log" >&2; echo "pg-build: building with $dt failed" >&2; exit 1; }
	echo "$b/src/backend/postgres"
done
