#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# What an unattached <sys/tsdt.h> probe costs, read from the machine code
# rather than timed (bench/probe-cost.c times it): tests/header/cost.c has
# loops of three shapes (2 values, 6 values of mixed widths, a linked-list
# walk) without a probe, with TSDT_PROBE and with STAP_PROBE. Built with gcc
# and clang at -O2 (x86-64) and with aarch64-linux-gnu-gcc, the tsdt loop's
# instructions must be the no-probe loop's plus the site's nops (x86-64: a
# nop, and a five-byte nop between two leas; aarch64: a nop) when the
# values are in registers; a value the loop reads from memory costs a load
# (arguments are passed in registers, see docs/probe-header.md).
. "$(dirname "$0")/../header/lib.sh"
SRC=$HDR/cost.c
# no alignment padding, so that every nop left is a probe site
NOALIGN="-falign-functions=1 -falign-loops=1"
mkdir -p "$W/sdtinc/sys"
cp /usr/include/x86_64-linux-gnu/sys/sdt.h /usr/include/x86_64-linux-gnu/sys/sdt-config.h "$W/sdtinc/sys/"

# mnemonics of function $2 in object $1, one per line, sorted; a probe
# site is one line "SITE": on x86-64 a one-byte nop, `lea -0x80(%rsp),%rsp`,
# a five-byte nop (0f 1f 44 00 00) and `lea 0x80(%rsp),%rsp`; on aarch64 a
# nop
insns() {
	"$OBJDUMP" -d --insn-width=16 "$1" |
		awk -v f="<$2>:" '$2 == f { p = 1; next } p && /^$/ { exit } p' |
		awk -F'\t' 'NF >= 3 { b = $2; gsub(/ +$/, "", b); split($3, a, " ");
			print b "|" a[1] }' |
		awk -F'|' -v arch="$3" '
			{ bytes[NR] = $1; mn[NR] = $2 }
			END {
				for (i = 1; i <= NR; i++) {
					if (arch == "x86" && bytes[i] == "90" &&
					    bytes[i + 1] == "48 8d 64 24 80" &&
					    bytes[i + 2] == "0f 1f 44 00 00" &&
					    bytes[i + 3] == "48 8d a4 24 80 00 00 00") {
						print "SITE"; i += 3; continue }
					if (arch != "x86" && mn[i] == "nop") {
						print "SITE"; continue }
					print mn[i]
				}
			}' |
		# multi-byte padding nops (clang aligns loops whatever
		# -falign-loops says)
		grep -Ev '^(nopl|nopw|cs|ds|data16|xchg)$' | sort
}
for v in "gcc objdump x86" "clang objdump x86" "aarch64-linux-gnu-gcc aarch64-linux-gnu-objdump arm64"; do
	set -- $v
	cc=$1 OBJDUMP=$2 arch=$3
	obj=$W/cost-$cc.o
	$cc -O2 $NOALIGN -c -I"$ROOT/include" -I"$W/sdtinc" "$SRC" -o "$obj" || { fail "$cc: build"; continue; }
	for shape in two six node; do
		insns "$obj" none_$shape $arch > "$W/none"
		insns "$obj" tsdt_$shape $arch > "$W/tsdt"
		insns "$obj" sdt_$shape $arch > "$W/sdt"
		counts="$(wc -l < "$W/tsdt") instructions; no probe: $(wc -l < "$W/none"); <sys/sdt.h>: $(wc -l < "$W/sdt")"
		if [ $shape = node ]; then
			# node->val lives in memory: the no-probe loop adds it from
			# memory, the probe needs it (and the node) in registers ("nr")
			extra=$(( $(wc -l < "$W/tsdt") - $(wc -l < "$W/none") ))
			[ "$(grep -cx SITE "$W/tsdt")" -eq 1 ] && [ $extra -le 3 ] &&
				ok "$cc node: one site, at most 2 loads more than the no-probe loop ($counts)" ||
				{ fail "$cc node: $extra instructions more than the no-probe loop ($counts)"; diff "$W/none" "$W/tsdt"; }
			continue
		fi
		{ cat "$W/none"; echo SITE; } | sort > "$W/want"
		if [ -s "$W/none" ] && diff -u "$W/want" "$W/tsdt" > "$W/diff"; then
			ok "$cc $shape: tsdt loop = no-probe loop + the site's nops ($counts)"
		else
			fail "$cc $shape: tsdt loop is not the no-probe loop + the site's nops"; cat "$W/diff"
		fi
	done
done
finish
