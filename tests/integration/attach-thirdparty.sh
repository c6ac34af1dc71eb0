#!/bin/bash
# Typed handlers on probes we did not write, in binaries we did not build:
# CPython 3.11's own <sys/sdt.h> probes (behind semaphores that only the
# kernel's ref_ctr_offset raises; an argument on the stack, -4@112(%rsp);
# a string) and libstdc++'s libstdcxx:throw (a probe in a shared library,
# traced in one process). Both attach modes.
. "$(dirname "$0")/attach-lib.sh"
. "$(dirname "$0")/../paths.sh"

PY=$PYTHON
[ -x "$PY" ] || { echo "FAIL: $PY not found (Debian 12's python3.11)"; exit 1; }

out=$TMP/py.out
"$PY" -c '
import gc, os, sys, time
print("ready", os.getpid(), flush=True)
while True:
    sys.audit("tsdt_probe_me"); gc.collect(1); time.sleep(0.005)' >"$out" &
PP=$!
PIDS+=("$PP")
for i in $(seq 1000); do grep -q ready "$out" && break; sleep 0.01; done

"$A/thrower" >"$TMP/thr.out" &
TP=$!
PIDS+=("$TP")
for i in $(seq 1000); do grep -q ready "$TMP/thr.out" && break; sleep 0.01; done
TINFO=$(sed -n 's/.*tinfo=\(0x[0-9a-f]*\).*/\1/p' "$TMP/thr.out")
LIB=$(grep -m1 'libstdc++' "/proc/$TP/maps" | awk '{print $6}')
[ -n "$LIB" ] || bad "thrower does not map libstdc++"

for mode in "" "-s"; do
	m=${mode:-multi}
	o=$("$A/loader" $mode -p "$PP" h_py "$PY" python:audit 2>&1)
	expect_has "[$m] python:audit, event string" "$o" \
		"hits=yes pid=$PP " "str_ret=14 str='tsdt_probe_me'"
	o=$("$A/loader" $mode -p "$PP" h_py_gc "$PY" python:gc__start 2>&1)
	expect_has "[$m] python:gc__start, stack argument" "$o" \
		"hits=yes pid=$PP v0=1 "
	o=$("$A/loader" $mode -p "$TP" h_cxx_throw "$LIB" libstdcxx:throw 2>&1)
	expect_has "[$m] libstdcxx:throw in $LIB, type_info" "$o" \
		"hits=yes pid=$TP " "v1=$((TINFO)) "
done

# the semaphores went back to 0: the audit probe's semaphore, read in the
# running interpreter at load base + its link-time address (non-PIE: 0)
sem_addr=$(readelf -n "$PY" | grep -A2 'Name: audit$' |
	sed -n 's/.*Semaphore: \(0x[0-9a-f]*\).*/\1/p')
if file -L "$PY" | grep -q 'pie executable'; then
	base=0x$(grep -m1 "$PY" "/proc/$PP/maps" | cut -d- -f1)
else
	base=0
fi
"$A/loader" -H -p "$PP" h_py "$PY" python:audit >"$TMP/hold" 2>&1 &
h=$!
PIDS+=("$h")
for i in $(seq 1000); do grep -q "^attached" "$TMP/hold" && break; sleep 0.01; done
s=$(sem $((base + sem_addr)) "$PP")
[ "$s" = 1 ] && ok "python:audit semaphore raised to 1 by the kernel while attached" ||
	bad "python:audit semaphore is $s while attached"
kill -TERM "$h"
{ wait "$h"; } 2>/dev/null
s=$(sem $((base + sem_addr)) "$PP")
[ "$s" = 0 ] && ok "python:audit semaphore back to 0" || bad "python:audit semaphore is $s after detach"
finish
