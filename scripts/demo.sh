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
#     attaches.
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
step "Done: see README.md for the header, the compiler and the library."
