#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# <sys/tsdt.h> notes against SystemTap's <sys/sdt.h>: the same probes fired
# with the same arguments, compiled both ways (C and C++, gcc and clang,
# -O0 and -O2), must decode identically in `readelf -n` (provider, name,
# argument count, sizes, signedness, semaphore present). The only allowed
# difference is <sys/sdt.h>'s float marker ("8f@"), which ours never emits.
# Also: every site has its .note.tsdt with matching sizes and signs, no
# argument is rip-relative, and gdb and bpftrace list every probe.
. "$(dirname "$0")/../header/lib.sh"

for lang in c c++; do
	for cc in gcc clang; do
		[ $lang = c++ ] && { [ $cc = gcc ] && cc=g++ || cc=clang++; }
		for opt in -O0 -O2; do
			tag="$lang-$cc$opt"
			build "$W/ours-$tag" $lang $cc $opt || { fail "$tag: build with <sys/tsdt.h>"; continue; }
			build "$W/ref-$tag" $lang $cc $opt -DUSE_SDT -Wno-unused-parameter ||
				{ fail "$tag: build with <sys/sdt.h>"; continue; }
			"$NOTES" sdt "$W/ours-$tag" > "$W/ours-$tag.sdt"
			# the reference's float marker (F) is the one intended difference
			"$NOTES" sdt "$W/ref-$tag" | sed 's/F//g' > "$W/ref-$tag.sdt"
			[ "$(wc -l < "$W/ours-$tag.sdt")" -eq 5 ] && ok "$tag: 5 probe sites" ||
				fail "$tag: expected 5 sites, got $(wc -l < "$W/ours-$tag.sdt")"
			expect_same "$tag: stapsdt notes decode as <sys/sdt.h>'s" "$W/ref-$tag.sdt" "$W/ours-$tag.sdt"
			if "$NOTES" check "$W/ours-$tag" > "$W/check.txt"; then ok "$tag: $(cat "$W/check.txt")"
			else fail "$tag: type notes"; cat "$W/check.txt"; fi
			"$W/ours-$tag" > /dev/null || fail "$tag: fixture runs"
		done
	done
done

# The type note of the fixture, decoded independently (python, from readelf).
"$NOTES" tsdt "$W/ours-c-gcc-O2" > "$W/types.txt"
cat > "$W/types.want" <<'WANT'
fx:ints v1 int/1/1/int8_t/i8 int/1/0/uint8_t/u8 int/2/1/int16_t/i16 int/2/0/uint16_t/u16 int/4/1/int32_t/i32 int/4/0/uint32_t/u32 int/8/1/int64_t/i64 int/8/0/uint64_t/u64 int/1/1/char/ch int/8/1/long/l int/8/0/size_t/sz int/2/0/unsigned_short/us
fx:misc v1 bool/1/0/_Bool/flag int/4/0/enum_color/color float/4/0/float/f float/8/0/double/d str/8/0/const_char_*/str ptr/8/0/void_*/ptr ptr/8/0/struct_foo_*/foo str/8/0/char_*/buf
fx:noargs v1 
fx:request__start v1 int/8/0/uint64_t/id str/8/0/const_char_*/path
fx:request__start v1 int/8/0/uint64_t/id str/8/0/const_char_*/path
WANT
expect_same "C type notes (kinds, sizes, signs, spellings, names)" "$W/types.want" "$W/types.txt"
# C++: bool is a keyword (not _Bool) and enums are kind enum
"$NOTES" tsdt "$W/ours-c++-g++-O2" | grep '^fx:misc' > "$W/types-cxx.txt"
grep -q ' bool/1/0/bool/flag enum/4/0/enum_color/color ' "$W/types-cxx.txt" &&
	ok "C++ type notes: bool and enum kinds" || { fail "C++ type notes"; cat "$W/types-cxx.txt"; }

# C++ enums: signedness of the underlying type (an enum class is int), where
# <sys/sdt.h> says unsigned; a plain enum without negatives is unsigned
cat > "$W/enums.cc" <<'CXX'
#include <cstdint>
#include <sys/tsdt.h>
enum class Signed : int { Minus = -1 };
enum class Wide : std::uint64_t { Big = 1ull << 40 };
enum Plain { A, B };
TSDT_PROBE_DEFINE(cx, enums, (Signed, s), (Wide, w), (Plain, p));
int main() { TSDT_PROBE(cx, enums, Signed::Minus, Wide::Big, B); return 0; }
CXX
for cxx in g++ clang++; do
	if $cxx -std=c++11 -O2 -I"$ROOT/include" "$W/enums.cc" -o "$W/enums-$cxx"; then
		"$NOTES" sdt "$W/enums-$cxx" > "$W/enums.sdt"; "$NOTES" tsdt "$W/enums-$cxx" > "$W/enums.tsdt"
		grep -qx 'cx:enums sem=yes args=-4 8 4' "$W/enums.sdt" &&
			grep -qx 'cx:enums v1 enum/4/1/Signed/s enum/8/0/Wide/w enum/4/0/Plain/p' "$W/enums.tsdt" &&
			ok "$cxx: C++ enum sizes and signs from the underlying types" ||
			{ fail "$cxx: C++ enums"; cat "$W/enums.sdt" "$W/enums.tsdt"; }
	else
		fail "$cxx: build enums.cc"
	fi
done

# gdb lists every probe with its semaphore
bin=$W/ours-c-gcc-O2
gdb -batch -ex 'info probes' "$bin" > "$W/gdb.txt" 2>&1
for p in noargs ints misc request__start; do
	grep -Eq "^stap +fx +$p +0x[0-9a-f]+ +0x[0-9a-f]+ " "$W/gdb.txt" && ok "gdb info probes: fx:$p with semaphore" ||
		{ fail "gdb info probes: fx:$p"; cat "$W/gdb.txt"; }
done
# gdb reads the values at a probe (an independent argument decoder)
gdb -batch -ex 'break -probe-stap fx:ints' -ex run -ex 'p $_probe_argc' \
	-ex 'p $_probe_arg0' -ex 'p $_probe_arg1' -ex 'p $_probe_arg6' -ex 'p $_probe_arg7' \
	-ex 'p $_probe_arg8' -ex 'p $_probe_arg11' -ex 'kill' "$bin" > "$W/gdb-args.txt" 2>&1
vals=$(grep -E '^\$[0-9]+ = ' "$W/gdb-args.txt" | sed 's/^\$[0-9]* = //' | tr '\n' ' ')
[ "$vals" = "12 -8 200 -6400000000000 18000000000000000000 120 65535 " ] &&
	ok "gdb reads fx:ints arguments: $vals" || { fail "gdb reads fx:ints arguments: '$vals'"; cat "$W/gdb-args.txt"; }

# bpftrace lists every probe
bpftrace -l "usdt:$bin:*" > "$W/bpftrace-l.txt" 2>&1
for p in noargs ints misc request__start; do
	grep -q "^usdt:$bin:fx:$p\$" "$W/bpftrace-l.txt" && ok "bpftrace -l: fx:$p" ||
		{ fail "bpftrace -l: fx:$p"; cat "$W/bpftrace-l.txt"; }
done

# The complete example of docs/probe-header.md compiles (C and C++), runs,
# and carries its three probes with type notes.
awk '/^```c$/ { n++; if (n == 1) { p = 1; next } } /^```$/ { p = 0 } p' "$ROOT/docs/probe-header.md" > "$W/example.c"
for v in "c gcc" "c++ g++" "c clang"; do
	set -- $v
	if $2 -x $1 -O2 -Wall -Wextra -Werror -I"$ROOT/include" "$W/example.c" -o "$W/example-$2" &&
		"$W/example-$2" && "$NOTES" check "$W/example-$2" > "$W/check.txt" &&
		[ "$(cut -d' ' -f1 "$W/check.txt" | head -1)" = ok ] &&
		[ "$("$NOTES" tsdt "$W/example-$2" | wc -l)" -eq 3 ]; then
		ok "docs/probe-header.md example ($1, $2): builds, runs, 3 typed sites"
	else
		fail "docs/probe-header.md example ($1, $2)"; cat "$W/check.txt" 2>/dev/null
	fi
done
finish
