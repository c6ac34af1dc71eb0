#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Compile-time checks of <sys/tsdt.h>: tests/header/bad-call.c has one bad
# call site or declaration per CASE. Each must fail to compile as C and as
# C++, with gcc and with clang, even when the user turned the underlying
# warnings off, and an error (or its note) must name the probe; CASE 0
# (good call sites) must compile without any warning under strict flags.
. "$(dirname "$0")/../header/lib.sh"
SRC=$HDR/bad-call.c
# CASE: probe named in the diagnostics, what is wrong
cases=(
	"1|myapp[_:]+request_start|char * for uint64_t"
	"2|myapp[_:]+request_start|struct foo * for struct bar *"
	"3|myapp[_:]+request_start|a 3rd argument to a 2-argument probe"
	"4|myapp[_:]+request_start|a struct by value"
	"5|myapp:by_value: argument 2 \\(struct foo\\) must be an integer|a struct type declared"
	"6|myapp:by_union: argument 1 \\(union un\\) must be an integer|a union type declared"
	"7|myapp:thirteen has more than 12 arguments|13 arguments declared"
	"8|myapp:wide: argument 1 \\(long double\\) must be 1, 2, 4 or 8 bytes|long double declared"
	"9|myapp[_:]+name_buf|const char * for char *"
	"10|myapp[_:]+ptr_arg|an integer for a pointer"
	"11|myapp[_:]+request_start|too few arguments"
)
# warnings a user may have turned off; the header turns them back into errors
NOWARN="-Wno-int-conversion -Wno-incompatible-pointer-types -Wno-pointer-sign"
for lang in c c++; do
	for cc in gcc clang; do
		[ $lang = c++ ] && { [ $cc = gcc ] && cc=g++ || cc=clang++; }
		flags="-x $lang -I$ROOT/include -c -o /dev/null"
		strict="-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wcast-qual -Wundef -Wredundant-decls -Werror"
		[ $lang = c++ ] && strict="$strict -Wold-style-cast -Wzero-as-null-pointer-constant" ||
			strict="$strict -Wmissing-prototypes -Wstrict-prototypes"
		if $cc $flags $strict -DCASE=0 "$SRC" > "$W/good.txt" 2>&1; then
			ok "$lang $cc: good call sites compile without a warning ($strict)"
		else
			fail "$lang $cc: good call sites"; cat "$W/good.txt"
		fi
		for c in "${cases[@]}"; do
			IFS='|' read -r n pat what <<< "$c"
			extra=""
			[ $lang = c ] && extra="$NOWARN $( [ $cc = gcc ] && echo -Wno-discarded-qualifiers || echo -Wno-incompatible-pointer-types-discards-qualifiers)"
			log="$W/case$n-$lang-$cc.txt"
			if $cc $flags $extra -DCASE=$n "$SRC" > "$log" 2>&1; then
				fail "$lang $cc case $n ($what): compiled"
			elif grep -Eq "(error|note): .*$pat" "$log"; then
				ok "$lang $cc case $n ($what): error names the probe: $(grep -Em1 "(error|note): .*$pat" "$log" | sed 's/^.*\(error\|note\): *//' | cut -c1-110)"
			else
				fail "$lang $cc case $n ($what): no diagnostic naming the probe"; cat "$log"
			fi
		done
	done
done
finish
