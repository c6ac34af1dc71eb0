#!/bin/bash
# Tracing never changes what a traced leaf function computes, though it keeps
# live data in the x86-64 red zone across a <sys/tsdt.h> probe site
# (tests/redzone/leaf.c: inline-assembly data at -8(%rsp), all 128 bytes
# filled, a volatile array the compiler itself puts there, an %rsp-relative
# argument). For gcc and clang, C and C++, -O0 and -O2:
#   - untraced: every call right;
#   - the compiled leaf holds its array in the red zone (disassembly: no
#     %rsp adjustment, stores at negative %rsp/%rbp offsets), and at -O2
#     rz:mem's argument is %rsp-relative (readelf -n);
#   - no site starts with `nop; nop5` (the pattern libbpf 1.7 attaches
#     after, at the five-byte nop);
#   - tsdt trace at the five-byte nop (an optimized uprobe: the kernel maps
#     its trampoline into the process) and with --no-nop5 (int3 at the
#     nop): every call right, every hit counted, every value exact;
#   - libbpf's bpf_program__attach_usdt: the same; and, in the same run, a
#     plain uprobe on a bare `nop; nop5` (the old site layout, no note)
#     corrupts every call but the first: the check catches a tracer that
#     writes into the red zone on this kernel;
#   - bpftrace reads the %rsp-relative argument right (-O2 builds).
. "$(dirname "$0")/../trace/lib.sh"
RZ=$OUT/tests/redzone
N=1000
SUM=$((N * (N + 1) / 2))
GOOD="calls=$N wrong_asm=0 wrong_fill=0 wrong_compiled=0 wrong_mem=0 wrong_legacy=0 sum=$SUM"
for v in gcc-c-O0 gcc-c-O2 gcc-cxx-O0 gcc-cxx-O2 clang-c-O0 clang-c-O2 clang-cxx-O0 clang-cxx-O2; do
	[ -x "$RZ/leaf-$v" ] || die "$RZ/leaf-$v not built (make)"
done
[ -x "$RZ/rz-libbpf" ] || die "$RZ/rz-libbpf not built (make)"

# the machine code of function $2 in $1
disasm() { objdump -d --no-show-raw-insn "$1" | awk -v f="<$2>:" '$2 == f { p = 1; next } p && /^$/ { exit } p'; }

# sum and count of argument $3 of probe $2 in JSON trace $1; distinct values
json_stats() {
	python3 - "$@" <<'EOF'
import json, sys
path, probe, idx = sys.argv[1], sys.argv[2], int(sys.argv[3])
vals = [json.loads(l)['args'][idx]['value'] for l in open(path)
        if l.startswith('{"type":"event"') and json.loads(l)['probe'] == probe]
print('count=%d sum=%s distinct=%d' % (len(vals),
      sum(vals) if vals and isinstance(vals[0], int) else '-', len(set(vals))))
EOF
}

for v in gcc-c-O0 gcc-c-O2 gcc-cxx-O0 gcc-cxx-O2 clang-c-O0 clang-c-O2 clang-cxx-O0 clang-cxx-O2; do
	L=$RZ/leaf-$v
	out=$("$L" $N)
	check "$v untraced: every call right" [ "$out" = "$GOOD trampoline=0" ]

	# the compiler's own red-zone data
	d=$(disasm "$L" leaf_compiled)
	if [[ $v = *-O0 ]]; then re='mov .*,-0x[0-9a-f]+\(%rbp\)'; else re='mov .*,-0x[0-9a-f]+\(%rsp'; fi
	check "$v: leaf_compiled stores below the stack pointer and never moves it" \
		bash -c '! grep -Eq "(sub|add) .*,%rsp|call|push +%[^r]|push +%r(b[^p]|[^b])" <<<"$1" && grep -Eq -- "$2" <<<"$1"' _ "$d" "$re"
	if [[ $v = *-O2 ]]; then
		check "$v: rz:mem's argument is %rsp-relative" \
			bash -c 'readelf -n "$1" | grep -A3 "Name: mem$" | grep -Eq "Arguments: -8@-?[0-9]*\(%rsp\)$"' _ "$L"
	fi
	# no site is `nop; nop5` (libbpf 1.7's attach-at-nop5 pattern), every
	# site is tsdt's red-zone-safe one
	check "$v: no site begins with nop; nop5, every site has the five-byte nop below the red zone" \
		python3 - "$L" "$OUT/tsdt" <<'EOF'
import json, subprocess, sys
path, tsdt = sys.argv[1], sys.argv[2]
j = json.loads(subprocess.run([tsdt, 'list', '-v', '--json', path],
                              capture_output=True, check=True).stdout)
sites = [s for p in j['binaries'][0]['probes'] for s in p['sites']]
data = open(path, 'rb').read()
bad = 0
for s in sites:
    off = int(s['file_offset'], 16)
    b = data[off:off + 19]
    if b[:6] == bytes.fromhex('900f1f440000'):
        print('site at %s is nop; nop5' % s['file_offset']); bad += 1
    if b != bytes.fromhex('90488d6424800f1f440000488da42480000000') or not s['nop5']:
        print('site at %s: %s, nop5=%s' % (s['file_offset'], b.hex(), s['nop5'])); bad += 1
sys.exit(len(sites) != 4 or bad)
EOF

	# tsdt trace at the five-byte nop, then at the one-byte nop
	for mode in nop5 nop1; do
		flag=--nop5; [ $mode = nop1 ] && flag=--no-nop5
		want_tramp=1; [ $mode = nop1 ] && want_tramp=0
		"$TSDT" trace -v $flag --json -o "$TMP/t.json" -c "$L $N" 'rz:*' \
			> "$TMP/t.out" 2> "$TMP/t.err"
		rc=$?
		check "$v tsdt trace ($mode): every call right" \
			[ $rc = 0 -a "$(cat "$TMP/t.out")" = "$GOOD trampoline=$want_tramp" ]
		n5=$(sed -n 's/.*attached to 4 sites .*; \([0-9]*\) on a five-byte nop).*/\1/p' "$TMP/t.err")
		check "$v tsdt trace ($mode): $([ $mode = nop5 ] && echo 4 || echo 0) sites at the five-byte nop (got '$n5')" \
			[ "$n5" = "$([ $mode = nop5 ] && echo 4 || echo 0)" ]
		for p in rz:asm rz:compiled rz:mem; do
			st=$(json_stats "$TMP/t.json" $p 0)
			check "$v tsdt trace ($mode): $p v exact ($st)" \
				[ "$st" = "count=$N sum=$SUM distinct=$N" ]
		done
		st=$(json_stats "$TMP/t.json" rz:compiled 1)
		check "$v tsdt trace ($mode): rz:compiled p, the red zone's address, the same in every call ($st)" \
			[ "$st" = "count=$N sum=- distinct=1" ]
		check "$v tsdt trace ($mode): every rz:fill hit" \
			[ "$(grep '^{"type":"event"' "$TMP/t.json" | grep -c '"probe":"rz:fill"')" = $N ]
	done

	# libbpf's attach_usdt, and the control: a plain uprobe on the bare
	# `nop; nop5` of leaf_legacy (what a call-based optimized uprobe does
	# at a site without the red-zone step)
	"$RZ/rz-libbpf" --raw tsdt_rz_legacy_nop5 "$L" rz:asm rz:fill rz:compiled rz:mem \
		> "$TMP/l.out" 2>&1 & lb=$!
	on_exit "kill $lb 2>/dev/null"
	if wait_for "$TMP/l.out" '^attached'; then
		out=$("$L" $N)
		kill -INT $lb; wait $lb
		check "$v libbpf attach_usdt: every call right" \
			grep -q "wrong_asm=0 wrong_fill=0 wrong_compiled=0 wrong_mem=0 " <<<"$out"
		for p in rz:asm rz:compiled rz:mem; do
			check "$v libbpf attach_usdt: $p hits and values exact" \
				grep -qx "$p hits=$N sum=$SUM" "$TMP/l.out"
		done
		check "$v libbpf attach_usdt: every rz:fill hit" \
			grep -qx "rz:fill hits=$N sum=0" "$TMP/l.out"
		check "$v control: a uprobe on a bare nop; nop5 corrupts the red zone in $((N - 1)) of $N calls ($out)" \
			bash -c 'grep -q " wrong_legacy=$2 .* trampoline=1" <<<"$1" && grep -qx "raw hits=$3" "$4"' \
			_ "$out" $((N - 1)) $N "$TMP/l.out"
	else
		fail "$v: rz-libbpf did not attach: $(cat "$TMP/l.out")"
		kill $lb 2>/dev/null; wait $lb 2>/dev/null
	fi
done

# bpftrace on the %rsp-relative argument (it attaches at the note's nop)
for v in gcc-c-O2 clang-c-O2; do
	L=$RZ/leaf-$v
	bpftrace -q -e "usdt:$L:rz:mem { @s = sum(arg0); @c = count(); }" -c "$L $N" \
		> "$TMP/b.out" 2>&1
	check "$v bpftrace: every call right" grep -q "^$GOOD trampoline=0$" "$TMP/b.out"
	check "$v bpftrace: rz:mem's %rsp-relative argument read right" \
		bash -c 'grep -qx "@s: $2" "$1" && grep -qx "@c: $3" "$1"' _ "$TMP/b.out" $SUM $N
done
finish
