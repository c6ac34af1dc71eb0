#!/bin/bash
# tsdt-gen's command line and outputs, beyond the PostgreSQL acid test:
#  - dtrace's command line: grouped flags, -x/-64/-fPIC ignored, default
#    output names, -I/-D/-U reaching the preprocessor, $CC for -G;
#  - the same macro names and arities as SystemTap's dtrace -h;
#  - the demo provider's header in C (gcc, clang, gnu99) and C++11, its
#    probes in the binary with their types; its BPF header with clang;
#  - errors: FILE:LINE:COL (the original file and line after -C), exit
#    codes, no partial output left behind;
#  - `tsdt gen` runs the same generator.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-.output}
TOP=$PWD
case $OUT in /*) OUTA=$OUT ;; *) OUTA=$TOP/$OUT ;; esac
GEN=$TOP/$OUT/tsdt-gen
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$T"
DEMO=$TOP/probes/demo.d

# ---- outputs and default names (dtrace: FILE.h / FILE.o in the cwd)
"$GEN" -h -s "$DEMO"
[ -s demo.h ] || fail "-h without -o did not write demo.h"
"$GEN" -64 -x nolibs -fPIC -G -s "$DEMO"
[ -s demo.o ] || fail "-G without -o did not write demo.o"
"$GEN" -B -s "$DEMO" && [ -s demo.bpf.h ] || fail "-B did not write demo.bpf.h"
"$GEN" --source -s "$DEMO" && [ -s demo.c ] || fail "--source did not write demo.c"
"$GEN" -Ch -s "$DEMO" -o grouped.h
"$GEN" --format=header -s "$DEMO" -o - > stdout.h
cmp -s demo.h stdout.h || fail "-o - differs from the file output"
# -C only changes comments/positions for a file without macros
diff <(grep -v '^/\*' demo.h) <(grep -v '^/\*' grouped.h) >/dev/null || fail "-Ch output differs from -h"

# ---- same macros as SystemTap's dtrace -h (names and arities)
macros() { grep -o '^#define [A-Z_0-9]*([^)]*)' "$1" | sed 's/[a-z_0-9]\+/a/g' | sort -u; }
if command -v dtrace >/dev/null; then
	dtrace -h -s "$DEMO" -o stap.h >/dev/null
	[ "$(macros stap.h)" = "$(macros demo.h)" ] ||
		fail "macros differ from systemtap's dtrace -h: $(diff <(macros stap.h) <(macros demo.h))"
	dtrace -C -h -s "$TOP/probes/postgresql.d" -o stap-pg.h >/dev/null
	"$GEN" -C -h -s "$TOP/probes/postgresql.d" -o pg.h
	[ "$(macros stap-pg.h)" = "$(macros pg.h)" ] || fail "postgresql macros differ from systemtap's dtrace -h"
else
	fail "systemtap's dtrace is not installed (systemtap-sdt-dev)"
fi

# ---- the demo header in C and C++; probes and types in the binary
cat > app.c <<'C'
#include <stdio.h>
#include "demo.h"
int main(int argc, char **argv)
{
	static char buf[64];
	uint64_t id = (uint64_t)argc;
	if (DEMO_REQUEST_START_ENABLED())
		puts("enabled?");
	DEMO_REQUEST_START(id, argv[0], -3);
	DEMO_REQUEST_DONE(id, (short)200, 512u, 0.25, true);
	DEMO_INTS(-8, 8, -16, 16, -32, 32u, -64, 64u);
	DEMO_BUFFER(buf, sizeof(buf));
	DEMO_TICK();
	return 0;
}
C
for cc in "gcc -std=gnu99" "gcc -std=gnu11 -O2" "clang -O2" "g++ -std=c++11 -x c++" "clang++ -std=c++17 -x c++"; do
	$cc -Wall -Werror -I"$TOP/include" -I. -c app.c -o app.o || fail "$cc: demo header does not compile"
	${cc%% *} -o app app.o demo.o 2>/dev/null || gcc -o app app.o demo.o
	./app > /dev/null
	got=$(readelf -n app | awk '/Provider:/{p=$2} /Name:/{print p":"$2}' | sort -u | tr '\n' ' ')
	[ "$got" = "demo:buffer demo:ints demo:request__done demo:request__start demo:tick " ] ||
		fail "$cc: probes in binary: $got"
	readelf -p .note.tsdt app | grep -c 'request__start' >/dev/null || fail "$cc: no type note for request__start"
	[ "$(nm app | grep -c ' demo_.*_semaphore$' || true)" = 5 ] || fail "$cc: not 5 semaphores"
done
# the -G object's strong semaphores are the ones linked
nm demo.o | grep -c ' D demo_tick_semaphore$\| [DdBb] demo_tick_semaphore$' >/dev/null || fail "demo.o: no demo_tick_semaphore"

# a mistyped argument is a compile error naming the probe
cat > bad.c <<'C'
#include "demo.h"
void f(void) { DEMO_REQUEST_START(1, 2, 3); }
C
if gcc -Wall -I"$TOP/include" -I. -c bad.c -o bad.o 2> bad.err; then
	fail "an int passed as the path string compiled"
fi
grep -q 'request__start' bad.err || fail "error does not name the probe"

# ---- the BPF header compiles, types in BTF
[ -f "$OUTA/vmlinux.h" ] || fail "$OUT/vmlinux.h not built (make)"
cat > h.bpf.c <<'C'
#include "vmlinux.h"
#include "demo.bpf.h"
DEMO_REQUEST_START_HANDLER(on_start) { return id > 0 && priority < 0; }
DEMO_REQUEST_DONE_HANDLER(on_done) { __u64 b; __builtin_memcpy(&b, &seconds, 8); return ok && b && status == 200 && bytes; }
DEMO_INTS_HANDLER(on_ints) { return i8 + u8 + i16 + u16 + i32 + u32 + i64 + u64 == 0; }
DEMO_BUFFER_HANDLER_SLEEPABLE(on_buffer) { return addr != 0 && size == 64; }
DEMO_TICK_HANDLER(on_tick) { return 0; }
char LICENSE[] SEC("license") = "GPL";
C
clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$TOP/$OUT" -I"$TOP/include" \
	-I/usr/include/$(gcc -print-multiarch) -c h.bpf.c -o h.bpf.o || fail "demo BPF header does not compile"
bpftool btf dump file h.bpf.o | grep -c "'tsdt.probe=demo:request__done'" >/dev/null || fail "no BTF tag for demo:request__done"

# ---- twelve arguments (the most a probe may have) on both sides
cat > twelve.d <<'D'
provider tw {
	probe max(char a, short b, int c, long d, long long e, unsigned char f,
		  unsigned short g, unsigned int h, unsigned long i,
		  unsigned long long j, const char *k, void *l);
};
D
"$GEN" -h -s twelve.d -o twelve.h
"$GEN" -B -s twelve.d -o twelve.bpf.h
cat > twelve.c <<'C'
#include "twelve.h"
int main(void) { TW_MAX(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, "k", (void *)0); return 0; }
C
gcc -Wall -Werror -I"$TOP/include" -I. twelve.c -o twelve || fail "12-argument probe does not compile"
[ "$(readelf -n twelve | grep -c 'Arguments: \([^ ]* \)\{11\}[^ ]*$' || true)" = 1 ] ||
	fail "12-argument probe: $(readelf -n twelve | grep Arguments)"
cat > twelve.bpf.c <<'C'
#include "vmlinux.h"
#include "twelve.bpf.h"
TW_MAX_HANDLER(on_max) { return a + b + c + d + e + f + g + h + i + j + (k != 0) + (l != 0); }
char LICENSE[] SEC("license") = "GPL";
C
[ -f "$OUTA/vmlinux.h" ] || fail "$OUT/vmlinux.h not built (make)"
clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$TOP/$OUT" -I"$TOP/include" \
	-I/usr/include/$(gcc -print-multiarch) -c twelve.bpf.c -o twelve.bpf.o || fail "12-argument handler does not compile"

# ---- -C with -I/-D/-U: includes, conditionals, #define'd types
mkdir inc
cat > inc/types.h <<'H'
#define request_id unsigned long long
H
cat > pp.d <<'D'
#include "types.h"
provider pp {
	probe always(request_id id);
#ifdef WITH_EXTRA
	probe extra(int LEVEL);
#endif
#ifndef NO_OPT
	probe optional();
#endif
};
D
"$GEN" -C -I inc -DWITH_EXTRA -DLEVEL=lvl -DNO_OPT -UNO_OPT -h -s pp.d -o pp.h
grep -q '^TSDT_PROBE_DEFINE(pp, always, (unsigned long long, id));' pp.h || fail "-I/#define type not applied"
grep -q '^TSDT_PROBE_DEFINE(pp, extra, (int, lvl));' pp.h || fail "-D not passed to cpp"
grep -q '^TSDT_PROBE_DEFINE(pp, optional);' pp.h || fail "-U not passed to cpp"
"$GEN" -C -Iinc -h -s pp.d -o pp2.h
! grep -q extra pp2.h || fail "probe under #ifdef without -D"
# $CPP chooses the preprocessor; $CC is used for -E otherwise
CPP="false" "$GEN" -C -h -s pp.d -o x.h 2> cpp.err && fail "CPP=false succeeded"
grep -q "the C preprocessor 'false' failed" cpp.err || fail "cpp failure message: $(cat cpp.err)"
[ ! -e x.h ] || fail "output written although cpp failed"
CC=clang "$GEN" -C -I inc -h -s pp.d -o pp3.h && cmp -s <(grep -v '^/\*' pp2.h) <(grep -v '^/\*' pp3.h) ||
	fail "CC=clang -E gives another header"

# ---- -G uses $CC and $CFLAGS
CC="clang" CFLAGS="-O2 -g -Wall -Wextra -Werror" "$GEN" -G -s "$DEMO" -o clang.o
readelf -p .comment clang.o | grep -ci clang >/dev/null || fail "-G did not compile with \$CC=clang"
if CC=false "$GEN" -G -s "$DEMO" -o never.o 2> cc.err; then fail "CC=false succeeded"; fi
grep -q "compiling the semaphores of .* with 'false' failed" cc.err || fail "cc failure message: $(cat cc.err)"

# ---- errors: FILE:LINE:COL, original positions after -C, exit codes
printf 'provider app {\n\tprobe ok(int);\n\tprobe bad(int x, 5);\n};\n' > bad.d
rc=0; "$GEN" -h -s bad.d -o bad.h 2> err.txt || rc=$?
[ $rc = 1 ] || fail "exit code $rc for a syntax error"
[ "$(cat err.txt)" = "bad.d:3:19: expected argument type after ','" ] || fail "error text: $(cat err.txt)"
[ ! -e bad.h ] && ! ls bad.h.tmp* >/dev/null 2>&1 || fail "partial output left behind"
# probes whose macros would collide
printf 'provider p {\n\tprobe a__b();\n\tprobe a_b(int);\n};\n' > clash.d
rc=0; "$GEN" -h -s clash.d -o clash.h 2> err.txt || rc=$?
[ $rc = 1 ] && [ "$(cat err.txt)" = "clash.d:3:8: probe p:a_b gives the same macro name P_A_B as p:a__b (clash.d:2)" ] ||
	fail "macro clash: rc=$rc $(cat err.txt)"
# names that GNU C predefines as macros: a warning, the output is written
printf 'provider linux {\n\tprobe ok();\n};\n' > linux.d
"$GEN" -h -s linux.d -o linux.h 2> err.txt || fail "linux.d: exit $?"
[ "$(cat err.txt)" = "linux.d:1:10: warning: provider name 'linux' is a predefined macro in GNU C; use -std=c11 (not gnu11) or another name" ] ||
	fail "warning for provider linux: $(cat err.txt)"
[ -s linux.h ] || fail "no output after a warning"
# after cpp, the position is the original file's, even in an included file
printf '/* one */\n/* two */\n#include "inc.d"\n' > top.d
printf 'provider p {\n  probe a(int a b);\n};\n' > inc.d
rc=0; "$GEN" -C -h -s top.d -o top.h 2> err.txt || rc=$?
[ $rc = 1 ] && [ "$(cat err.txt)" = "inc.d:2:17: expected ')' or ',' after argument name" ] ||
	fail "error after -C: $(cat err.txt)"
# a #include without -C says what to do
rc=0; "$GEN" -h -s top.d -o top.h 2> err.txt || rc=$?
[ $rc = 1 ] && [ "$(cat err.txt)" = "top.d:3:1: directive '#include' needs the C preprocessor (tsdt-gen -C)" ] ||
	fail "error without -C: $(cat err.txt)"
rc=0; "$GEN" -h -s missing.d 2> err.txt || rc=$?
[ $rc = 1 ] && [ "$(cat err.txt)" = "missing.d: No such file or directory" ] || fail "missing file: $(cat err.txt)"
# usage errors exit 2
for args in "" "-s $DEMO" "-h" "-h -G -s $DEMO" "-q -h -s $DEMO" "--format=nope -s $DEMO" "-h -s"; do
	rc=0; "$GEN" $args > /dev/null 2>&1 || rc=$?
	[ $rc = 2 ] || fail "'tsdt-gen $args' exited $rc, want 2"
done
"$GEN" --help | grep -c -- '-G' >/dev/null || fail "--help"

# ---- tsdt gen is the same generator
TSDT=$TOP/$OUT/tsdt
[ -x "$TSDT" ] || fail "$TSDT not built"
"$TSDT" gen -h -s "$DEMO" -o via-cli.h
cmp -s demo.h via-cli.h || fail "tsdt gen -h differs from tsdt-gen -h"
rc=0; "$TSDT" gen -h -s bad.d -o x.h 2> err.txt || rc=$?
[ $rc = 1 ] && grep -qx "bad.d:3:19: expected argument type after ','" err.txt || fail "tsdt gen error: $(cat err.txt)"
echo "ok"
