#!/bin/bash
# What TSDT_HANDLER() compiles to: each argument the body reads is one call
# of the fetch subprogram, and an argument it declares and never reads is
# not fetched at all (the compiler drops the call: __tsdt_argv() is pure).
# An inlined fetch stayed in the program, its helper calls being side
# effects to the compiler: ~250 ns per hit of an uncached spec line and
# switch for an argument nobody reads (bench/RESULTS.md, ninth session).
# Counted in the object's relocations: one R_BPF_64_32 against .text per
# call of a subprogram.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-.output}
. tests/ktap.sh
TOP=$PWD
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
MA=$(gcc -print-multiarch)

cat > "$T/h.bpf.c" <<'BPF'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <tsdt/tsdt.bpf.h>

__u64 out[8];

TSDT_HANDLER(reads_both, p, x, (int, a), (long, b))
{
	out[0] = a;
	out[1] = b;
	return 0;
}

TSDT_HANDLER(reads_second, p, x, (int, a), (long, b))
{
	out[2] = b;
	return 0;
}

TSDT_HANDLER(reads_none, p, x, (int, a), (long, b))
{
	out[3] = 1;
	return 0;
}

/* the argument read only on one path: fetched (once) */
TSDT_HANDLER(reads_maybe, p, x, (int, a), (long, b))
{
	if (out[4])
		out[5] = a;
	return 0;
}

TSDT_HANDLER_SLEEPABLE(reads_first_s, p, x, (int, a), (long, b))
{
	out[6] = a;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
BPF

# calls PROG: the subprogram calls in program PROG
calls() {
	llvm-objdump -dr --no-show-raw-insn "$T/h.bpf.o" | awk -v f="<$1>:" '
		/^[0-9a-f]+ <[A-Za-z_0-9]+>:$/ { if ($2 !~ /^<LBB/) p = ($2 == f) }
		p && /R_BPF_64_32[ \t]+\.text/ { n++ }
		END { print n + 0 }'
}

if clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$OUT" -I"$TOP/include" \
	-I/usr/include/"$MA" -c "$T/h.bpf.c" -o "$T/h.bpf.o" 2> "$T/cc.err"; then
	ktap_test_pass "a handler object with declared, read and unread arguments compiles"
else
	ktap_print_msg "$(cat "$T/cc.err")"
	ktap_test_fail "a handler object with declared, read and unread arguments compiles"
	ktap_finished
fi
for want in "reads_both 2" "reads_second 1" "reads_none 0" "reads_maybe 1" "reads_first_s 1"; do
	set -- $want
	got=$(calls "$1")
	if [ "$got" = "$2" ]; then
		ktap_test_pass "$1: $2 argument fetch(es)"
	else
		ktap_test_fail "$1: $2 argument fetch(es), got $got"
	fi
done
# the sleepable program fetches with the faulting variant, the others not
# (the table read whole first: grep -q closing the pipe early would make
# llvm-objdump's SIGPIPE the pipeline's status under pipefail)
syms=$(llvm-objdump -t "$T/h.bpf.o")
if grep -q ' __tsdt_argv_sleepable$' <<< "$syms" && grep -q ' __tsdt_argv$' <<< "$syms"; then
	ktap_test_pass "both fetch subprograms are there, one per kind of program"
else
	ktap_test_fail "both fetch subprograms are there, one per kind of program"
fi
ktap_finished
