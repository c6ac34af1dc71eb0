#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Independent consumers attach to <sys/tsdt.h> probes and read their values:
#  - libbpf: bpf_program__attach_usdt() with BPF_USDT handlers (all 12
#    arguments of fx:ints, every kind of fx:misc, two sites of
#    fx:request__start), through the kernel's semaphore support;
#  - bpftrace: `usdt:` probes with -c and with -p (bpftrace 0.17 reads
#    only arg0..arg5 of a USDT probe, so it checks those).
# The fixture is built with gcc and clang, C and C++. Floats arrive as
# their bits (2.5f = 0x40200000, -1.25 = 0xbff4000000000000). Every run
# also checks the probe's is-enabled check saw the semaphore set.
. "$(dirname "$0")/../header/lib.sh"
LOADER=$OUT/tests/header/usdt-values
[ -x "$LOADER" ] || { echo "FAIL: $LOADER not built (make check builds it)" >&2; exit 1; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null

cat > "$W/libbpf.want" <<'WANT'
enabled 1 of 1
hits 1 1 1 2
ints -8 200 -1600 60000 -320000 4000000000 -6400000000000 18000000000000000000 120 -5 12345 65535
misc 1 2 0x40200000 0xbff4000000000000 hello 0x1234 0x5678 buffer
request 42 /index.html 17999999999999999999 hello
WANT
for v in "c gcc -O2" "c clang -O2" "c gcc -O0" "c++ g++ -O2" "c++ clang++ -O1"; do
	set -- $v
	tag="$1-$2$3"
	build "$W/fx-$tag" "$@" || { fail "$tag: build"; continue; }
	"$LOADER" "$W/fx-$tag" 1 > "$W/libbpf-$tag.txt" 2>&1
	expect_same "$tag: libbpf bpf_program__attach_usdt reads every value" "$W/libbpf.want" "$W/libbpf-$tag.txt"
done

# bpftrace -c: the fixture runs once under bpftrace
bin=$W/fx-c-gcc-O2
cat > "$W/probes.bt" <<EOF2
usdt:$bin:fx:noargs { @noargs = count(); }
usdt:$bin:fx:ints { printf("ints %d %u %d %u %d %u\n", arg0, arg1, arg2, arg3, arg4, arg5); }
usdt:$bin:fx:misc { printf("misc %d %d 0x%x 0x%lx %s 0x%lx\n", arg0, arg1, arg2, arg3, str(arg4), arg5); }
usdt:$bin:fx:request__start { printf("request %llu %s\n", arg0, str(arg1)); }
EOF2
cat > "$W/bpftrace.want" <<'WANT'
@noargs: 1
enabled 1 of 1
ints -8 200 -1600 60000 -320000 4000000000
misc 1 2 0x40200000 0xbff4000000000000 hello 0x1234
request 17999999999999999999 hello
request 42 /index.html
WANT
timeout 60 bpftrace "$W/probes.bt" -c "$bin 1" > "$W/bpftrace-c.raw" 2>&1
grep -Ev '^(Attaching|$)|RLIMIT' "$W/bpftrace-c.raw" | sort > "$W/bpftrace-c.txt"
expect_same "bpftrace -c reads the values" "$W/bpftrace.want" "$W/bpftrace-c.txt"

# bpftrace -p: attach to a running fixture (100 loops, 20 ms apart), exit
# after the first fx:request__start hit of the literal site
"$bin" 100 20 > "$W/fx-p.out" 2>&1 &
fxpid=$!; pids+=($fxpid)
timeout 60 bpftrace -p $fxpid -e "usdt:$bin:fx:request__start /arg0 == 42/ { printf(\"request %llu %s\n\", arg0, str(arg1)); exit(); }" \
	> "$W/bpftrace-p.raw" 2>&1
grep -q '^request 42 /index.html$' "$W/bpftrace-p.raw" && ok "bpftrace -p reads a running process" ||
	{ fail "bpftrace -p"; cat "$W/bpftrace-p.raw"; }
wait $fxpid
grep -Eq '^enabled [1-9][0-9]* of 100$' "$W/fx-p.out" && ok "semaphore seen by TSDT_PROBE_ENABLED while bpftrace -p was attached: $(cat "$W/fx-p.out")" ||
	{ fail "semaphore under bpftrace -p"; cat "$W/fx-p.out"; }
# and unattached, the is-enabled check is false
"$bin" 3 > "$W/fx-none.out"
grep -q '^enabled 0 of 3$' "$W/fx-none.out" && ok "unattached: TSDT_PROBE_ENABLED is false" || fail "unattached: $(cat "$W/fx-none.out")"
finish
