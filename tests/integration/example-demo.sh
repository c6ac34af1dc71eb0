#!/bin/bash
# examples/demo end to end: the typed program, its probes' types read back,
# demo-top's typed handlers counting real requests, the mistyped handler
# refused with a message naming probe, argument and both types.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-.output}
D=$OUT/examples/demo
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

list=$("$OUT/tsdt" list "$D/demo")
grep -q 'demo:request__start(uint64_t id, const char \*path, int32_t priority)' <<<"$list" \
	|| fail "list lacks typed request__start: $list"
ok "types read back from the binary"

"$D/demo" -n 0 -i 5 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
out=$("$D/demo-top" -p $pid -d 1 "$D/demo")
echo "$out"
n=$(sed -n 's/^requests \([0-9]*\).*/\1/p' <<<"$out" | tail -1)
[ -n "$n" ] && [ "$n" -gt 10 ] || fail "demo-top counted ${n:-nothing}"
grep -q "unread paths 0" <<<"$out" || fail "paths unread"
grep -Eq "slowest [0-9.]+ ms '/" <<<"$out" || fail "no slowest path string"
ok "demo-top's typed handlers saw $n requests with their paths"

err=$("$D/demo-top" -p $pid --mistyped "$D/demo" 2>&1) || fail "mistyped run failed: $err"
grep -q "demo:request__start arg 1 'path': handler reads __u64, probe declares const char \*" <<<"$err" \
	|| fail "refusal message: $err"
ok "mistyped handler refused: $(head -1 <<<"$err")"
