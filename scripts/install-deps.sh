#!/bin/sh
# Install every build and test dependency of tsdt from Debian's packages.
#
# Idempotent: checks what is present and installs only what is missing.
# libbpf-dev (>= 1.4, for uprobe_multi and sleepable uprobes) and bpftool come
# from Debian's bookworm-backports suite, which this script adds when needed.
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
libdw-dev libdebuginfod-dev debuginfod ruby3.1 libruby3.1"
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

need=$(missing $PKGS)
need_bpo=$(missing $BPO_PKGS)
libbpf_ok || need_bpo="$BPO_PKGS"

if [ -z "$need" ] && [ -z "$need_bpo" ]; then
	echo "install-deps: all dependencies present"
	exit 0
fi
if [ $check_only = 1 ]; then
	echo "install-deps: missing: $need $need_bpo"
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing: $need $need_bpo; run as root to install" >&2
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

apt-get update -qq || apt-get update
[ -n "$need" ] && apt-get install -y -qq --no-install-recommends $need
[ -n "$need_bpo" ] && apt-get install -y -qq --no-install-recommends -t bookworm-backports $need_bpo
libbpf_ok || { echo "install-deps: libbpf-dev >= $LIBBPF_MIN not available" >&2; exit 1; }
echo "install-deps: done"
