#!/bin/bash
# One provider file, both sides: probes/demo.d compiled by tsdt-gen -h into
# the application's header (tests/sdk/gen-app.c) and by tsdt-gen -B into the
# BPF handlers' header (tests/sdk/gen-handlers.bpf.c). libtsdt attaches the
# handlers to the running program (types checked against the binary's
# .note.tsdt) and every value arrives exactly: integers of each width and
# sign, a string, a short, a double, a bool. A handler generated from a
# provider file that disagrees with the program's (path declared uint64_t)
# is refused, naming the argument.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-.output}
TOP=$PWD
case $OUT in /*) OUTA=$OUT ;; *) OUTA=$TOP/$OUT ;; esac
GEN=$TOP/$OUT/tsdt-gen
T=$(mktemp -d)
APP_PID=
cleanup() { [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
MA=$(gcc -print-multiarch)
bpfcc() { clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$TOP/$OUT" -I"$TOP/include" -I/usr/include/$MA -I. -c "$1" -o "$2"; }

for f in "$OUTA/vmlinux.h" "$OUTA/libtsdt.a"; do [ -f "$f" ] || fail "$f not built (make)"; done
cd "$T"
"$GEN" -h -s "$TOP/probes/demo.d" -o demo.h
"$GEN" -B -s "$TOP/probes/demo.d" -o demo.bpf.h
gcc -O2 -Wall -Werror -I"$TOP/include" -I. "$TOP/tests/sdk/gen-app.c" -o app
bpfcc "$TOP/tests/sdk/gen-handlers.bpf.c" handlers.bpf.o
gcc -O2 -Wall -I"$TOP/include" "$TOP/tests/sdk/gen-loader.c" -o loader "$OUTA/libtsdt.a" -lbpf -ldw -lelf -lz

./app & APP_PID=$!
out=$(timeout 20 ./loader handlers.bpf.o ./app 2> loader.err) || fail "loader: $(cat loader.err) $out"
echo "$out"
want="attached 3
out0=-8
out1=200
out2=-16000
out3=60000
out4=-2000000000
out5=4000000000
out6=-9000000000000000000
out7=$((18000000000000000000))
out9=-3
out10=1
out11=-404
out12=512
out13=4598175219545276416
out14=1"
got=$(echo "$out" | grep -v '^out8=')
[ "$got" = "$want" ] || fail "values differ: $(diff <(echo "$want") <(echo "$got"))"
id=$(echo "$out" | sed -n 's/^out8=//p')
[ "$id" -ge 7 ] || fail "request id $id"

# a handler header from a provider file that disagrees: refused
sed 's/const char \*path/uint64_t path/' "$TOP/probes/demo.d" > wrong.d
"$GEN" -B -s wrong.d -o demo.bpf.h
grep -q '(uint64_t, path)' demo.bpf.h || fail "wrong.d did not change the path type"
cat > wrong.bpf.c <<'C'
#include "vmlinux.h"
#include "demo.bpf.h"
__u64 out[16] SEC(".data.out");
DEMO_REQUEST_START_HANDLER(on_start) { out[0] = path; return 0; }
char LICENSE[] SEC("license") = "GPL";
C
bpfcc wrong.bpf.c wrong.bpf.o
rc=0; out=$(timeout 20 ./loader wrong.bpf.o ./app 2> loader.err) || rc=$?
[ $rc = 2 ] || fail "mistyped handler: exit $rc, $out $(cat loader.err)"
grep -q "path" loader.err || fail "refusal does not name the argument: $(cat loader.err)"
echo "refused: $(grep path loader.err | head -1)"
echo ok
