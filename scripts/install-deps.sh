#!/bin/sh
# Install every build and test dependency of tsdt from Debian's packages.
#
# Idempotent: checks what is present and installs only what is missing.
# libbpf-dev (>= 1.4, for uprobe_multi and sleepable uprobes) and bpftool come
# from Debian's bookworm-backports suite, which this script adds when needed.
# PostgreSQL 15's source (for the build test with tsdt-gen as its dtrace) is
# fetched with apt-get source, through a deb-src entry this script adds, and
# unpacked once into $TSDT_CACHE (default /var/cache/tsdt).
#
# Usage: scripts/install-deps.sh [--check]
#   --check   only report what is missing; exit 1 if anything is.
set -eu

check_only=0
[ "${1:-}" = "--check" ] && check_only=1

# Packages from the release itself.
PKGS="make gcc g++ clang llvm lld libelf-dev zlib1g-dev libzstd-dev pkg-config
libcmocka-dev libclang-rt-14-dev systemtap-sdt-dev gdb binutils
gcc-aarch64-linux-gnu g++-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
bpftrace postgresql-15 postgresql-contrib python3 python3.11 procps iproute2
libdw-dev libdebuginfod-dev debuginfod ruby3.1 libruby3.1
dpkg-dev ccache"
# Packages that must come from bookworm-backports.
BPO_PKGS="libbpf-dev libbpf1 bpftool"
LIBBPF_MIN=1.4

missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
	done
}

libbpf_ok() {
	v=$(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null) || return 1
	dpkg --compare-versions "$v" ge "1:$LIBBPF_MIN" || dpkg --compare-versions "$v" ge "$LIBBPF_MIN"
}

# Source packages (apt-get source): PostgreSQL 15, which
# tests/integration/pg-build-gen.sh builds with tsdt-gen as its dtrace.
SRC_PKGS="postgresql-15"
SRC_CACHE=${TSDT_CACHE:-/var/cache/tsdt}

# A deb-src entry for bookworm (and its updates), once.
have_deb_src() {
	grep -rqsE '^Types:.*deb-src|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/
}
# The unpacked source of PKG in the cache, or nothing.
src_dir() { ls -d "$SRC_CACHE/$1"/*/configure 2>/dev/null | head -1 | xargs -r dirname; }

need=$(missing $PKGS)
need_src=
for p in $SRC_PKGS; do [ -n "$(src_dir "$p")" ] || need_src="$need_src $p"; done
need_bpo=$(missing $BPO_PKGS)
libbpf_ok || need_bpo="$BPO_PKGS"

if [ -z "$need" ] && [ -z "$need_bpo" ] && [ -z "$need_src" ]; then
	echo "install-deps: all dependencies present"
	exit 0
fi
if [ $check_only = 1 ]; then
	echo "install-deps: missing: $need $need_bpo${need_src:+ (sources:$need_src)}"
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing: $need $need_bpo${need_src:+ (sources:$need_src)}; run as root to install" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Keep the postgresql package from creating and starting a default cluster:
# tests run their own servers in their own directories.
mkdir -p /etc/postgresql-common/createcluster.d
if ! grep -qs '^create_main_cluster *= *false' /etc/postgresql-common/createcluster.d/*.conf; then
	echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/tsdt.conf
fi

if [ -n "$need_bpo" ]; then
	if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		cat > /etc/apt/sources.list.d/bookworm-backports.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	fi
fi

# (bookworm's own suites: its security suite's mirror has lacked source
# files of packages it lists)
DEB_SRC=/etc/apt/sources.list.d/tsdt-deb-src.sources
if [ -n "$need_src" ] && { [ -f $DEB_SRC ] || ! have_deb_src; }; then
	cat > $DEB_SRC <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

apt-get update -qq || apt-get update
[ -n "$need" ] && apt-get install -y -qq --no-install-recommends $need
[ -n "$need_bpo" ] && apt-get install -y -qq --no-install-recommends -t bookworm-backports $need_bpo
libbpf_ok || { echo "install-deps: libbpf-dev >= $LIBBPF_MIN not available" >&2; exit 1; }
for p in $need_src; do
	# unpacked once into the cache (kept between runs and checkouts)
	rm -rf "$SRC_CACHE/$p.tmp" && mkdir -p "$SRC_CACHE/$p.tmp"
	(cd "$SRC_CACHE/$p.tmp" && apt-get source -qq "$p" > apt-source.log 2>&1) ||
		{ cat "$SRC_CACHE/$p.tmp/apt-source.log" >&2; echo "install-deps: apt-get source $p failed" >&2; exit 1; }
	rm -rf "$SRC_CACHE/$p" && mv "$SRC_CACHE/$p.tmp" "$SRC_CACHE/$p"
	echo "install-deps: source of $p in $(src_dir "$p")"
done
echo "install-deps: done"
