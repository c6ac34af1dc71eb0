#!/bin/bash
# The acid test of the provider compiler: probes/postgresql.d (the
# constructs of PostgreSQL's src/backend/utils/probes.d) goes through
# tsdt-gen exactly as PostgreSQL's build runs dtrace:
#   $(DTRACE) -C -h -s probes.d -o probes.h.tmp ; sed -f postprocess_dtrace.sed
#   $(DTRACE) $(DTRACEFLAGS) -C -G -s probes.d OBJS... -o probes.o
# Then call sites written like PostgreSQL's (tests/sdk/pg-use.c, every
# probe) compile with -Werror under gcc and clang, link with the -G object,
# and the binary carries one probe and one semaphore per declared probe,
# with the names the real postgres binary has. The generated BPF header
# compiles with clang -target bpf, one handler per probe.
. "$(dirname "$0")/../paths.sh"
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-.output}
GEN=$PWD/$OUT/tsdt-gen
TOP=$PWD
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cd "$T"
# the probe names declared in the provider file
nprobes=$(grep -c '^[[:space:]]*probe ' "$TOP/probes/postgresql.d" || true)
[ "$nprobes" -gt 50 ] || fail "only $nprobes probes in probes/postgresql.d"

# -h, with PostgreSQL's flags and the rename its Makefile does
"$GEN" -C -h -s "$TOP/probes/postgresql.d" -o probes.h.tmp
# PostgreSQL's src/backend/utils/postprocess_dtrace.sed
cat > postprocess_dtrace.sed <<'SED'
s/POSTGRESQL_/TRACE_POSTGRESQL_/g
s/( *char \*/(const char */g
s/, *char \*/, const char */g
SED
sed -f postprocess_dtrace.sed probes.h.tmp > probes.h
[ "$(grep -c '^TSDT_PROBE_DEFINE(postgresql, ' probes.h || true)" = "$nprobes" ] ||
	fail "header does not define $nprobes probes"
# with -C, cpp has replaced the #define'd type names
grep -q '^TSDT_PROBE_DEFINE(postgresql, transaction__start, (unsigned int, xid));$' probes.h ||
	fail "transaction__start is not (unsigned int xid): $(grep transaction__start probes.h)"

# every generated probe macro is used by the call sites
for m in $(grep -o '^#define TRACE_POSTGRESQL_[A-Z_]*' probes.h | cut -d' ' -f2 | grep -v '_ENABLED$'); do
	grep -q "\\b$m(" "$TOP/tests/sdk/pg-use.c" || fail "pg-use.c does not use $m"
done

# -G, with object files after the provider file, as PostgreSQL passes them
echo 'int unrelated;' > other.c && cc -c other.c -o other.o
CFLAGS="-Wall -Wextra -Werror" "$GEN" -C -G -s "$TOP/probes/postgresql.d" other.o -o probes.o
[ "$(nm probes.o | grep -c ' [A-Z] postgresql_.*_semaphore$' || true)" = "$nprobes" ] ||
	fail "probes.o does not define $nprobes semaphores: $(nm probes.o | head)"
readelf -SW probes.o | grep -c ' \.probes ' >/dev/null || fail "no .probes section in probes.o"

# PostgreSQL 15's warning flags (pg_config --cflags) with -Werror, under gcc
PGFLAGS="-Wall -Wmissing-prototypes -Wpointer-arith -Wdeclaration-after-statement -Werror=vla
	-Wendif-labels -Wmissing-format-attribute -Wimplicit-fallthrough=3 -Wcast-function-type
	-Wformat-security -fno-strict-aliasing -fwrapv -fexcess-precision=standard"
for cc in "gcc $PGFLAGS" "clang -Wextra"; do
	$cc -O2 -Wall -Werror -I"$TOP/include" -I. -c "$TOP/tests/sdk/pg-use.c" -o pg-use.o
	${cc%% *} -o pg-use pg-use.o probes.o
	./pg-use > /dev/null
	got=$(readelf -n pg-use | awk '/Provider:/{p=$2} /Name:/{print p":"$2}' | sort -u)
	want=$(sed -n 's/^[[:space:]]*probe \([a-z_]*\)(.*/postgresql:\1/p' "$TOP/probes/postgresql.d" | sort -u)
	[ "$got" = "$want" ] || fail "$cc: probes in binary differ: $(diff <(echo "$got") <(echo "$want"))"
	[ "$(nm pg-use | grep -c '_semaphore$' || true)" = "$nprobes" ] || fail "$cc: not one semaphore per probe"
	readelf -SW pg-use | grep -c '\.note\.tsdt' >/dev/null || fail "$cc: no .note.tsdt type note"
done

# the names are those of the real server's probes
[ -x "$PG" ] || fail "$PG not found (PostgreSQL 15's server: scripts/install-deps.sh installs it; PG_BIN names another)"
real=$(readelf -n "$PG" | awk '/Provider:/{p=$2} /Name:/{print p":"$2}' | sort -u)
[ "$real" = "$want" ] || fail "probes/postgresql.d differs from postgres 15: $(diff <(echo "$real") <(echo "$want"))"

# a mistyped call site is a compile error naming the probe
cat > bad.c <<'C'
#include "probes.h"
void f(void) { TRACE_POSTGRESQL_TRANSACTION_START("not an xid"); }
C
if gcc -Wall -I"$TOP/include" -I. -c bad.c -o bad.o 2> bad.err; then
	fail "a string passed for LocalTransactionId compiled"
fi
grep -q 'transaction__start' bad.err || fail "error does not name the probe: $(cat bad.err)"

# -B: the BPF header; one handler per probe, plus one using its arguments
"$GEN" -C -B -s "$TOP/probes/postgresql.d" -o pg.bpf.h
[ -f "$TOP/$OUT/vmlinux.h" ] || fail "$OUT/vmlinux.h not built (make)"
ARCH=$(uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
{
	echo '#include "vmlinux.h"'
	echo '#include "pg.bpf.h"'
	grep -o '^#define [A-Z_]*_HANDLER(' pg.bpf.h |
		sed 's/#define \(.*\)(/\1(h_\1) { return 0; }/'
	cat <<'C'
POSTGRESQL_LWLOCK_ACQUIRE_HANDLER_SLEEPABLE(on_lwlock)
{
	char buf[32];
	return tsdt_read_str(buf, sizeof(buf), tranche) < 0 ? 1 : (int)mode;
}
char LICENSE[] SEC("license") = "GPL";
C
} > pg.bpf.c
clang -g -O2 -target bpf -D__TARGET_ARCH_$ARCH -I"$TOP/$OUT" -I"$TOP/include" \
	-I/usr/include/$(gcc -print-multiarch) -c pg.bpf.c -o pg.bpf.o
n=$(bpftool btf dump file pg.bpf.o | grep -c "'tsdt.probe=postgresql:" || true)
[ "$n" = "$((nprobes + 1))" ] || fail "$n BTF probe tags, want $((nprobes + 1))"
echo "ok: $nprobes probes through -C -h, -C -G and -C -B"
