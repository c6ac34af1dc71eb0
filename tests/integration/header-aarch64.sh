#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# <sys/tsdt.h> on aarch64: the fixture cross-compiled with Debian's
# aarch64-linux-gnu-gcc (-O0 and -O2, C and C++) must carry the same probes,
# sizes and signs as SystemTap's <sys/sdt.h> built the same way, a type
# note per site (the same types as on x86-64 except plain char, unsigned on
# aarch64), and argument specs in aarch64 syntax that libbpf reads: a
# register (x0..x30) or a constant, never an 'f' marker or a v/d register.
. "$(dirname "$0")/../header/lib.sh"
CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++
export READELF=aarch64-linux-gnu-readelf
for c in $CC $CXX; do command -v $c > /dev/null || { echo "$c missing (run scripts/install-deps.sh)"; exit 1; }; done
# <sys/sdt.h> is architecture-independent; Debian installs it for the host only
mkdir -p "$W/sdtinc/sys"
cp /usr/include/x86_64-linux-gnu/sys/sdt.h /usr/include/x86_64-linux-gnu/sys/sdt-config.h "$W/sdtinc/sys/"

cat > "$W/types.want" <<'WANT'
fx:ints v1 int/1/1/int8_t/i8 int/1/0/uint8_t/u8 int/2/1/int16_t/i16 int/2/0/uint16_t/u16 int/4/1/int32_t/i32 int/4/0/uint32_t/u32 int/8/1/int64_t/i64 int/8/0/uint64_t/u64 int/1/0/char/ch int/8/1/long/l int/8/0/size_t/sz int/2/0/unsigned_short/us
fx:misc v1 bool/1/0/_Bool/flag int/4/0/enum_color/color float/4/0/float/f float/8/0/double/d str/8/0/const_char_*/str ptr/8/0/void_*/ptr ptr/8/0/struct_foo_*/foo str/8/0/char_*/buf
fx:noargs v1 
fx:request__start v1 int/8/0/uint64_t/id str/8/0/const_char_*/path
fx:request__start v1 int/8/0/uint64_t/id str/8/0/const_char_*/path
WANT
for lang in c c++; do
	cc=$CC; [ $lang = c++ ] && cc=$CXX
	for opt in -O0 -O2; do
		tag=$lang$opt
		build "$W/ours-$tag" $lang $cc $opt || { fail "$tag: build"; continue; }
		build "$W/ref-$tag" $lang $cc $opt -I"$W/sdtinc" -DUSE_SDT -Wno-unused-parameter || { fail "$tag: build ref"; continue; }
		file "$W/ours-$tag" | grep -q 'ARM aarch64' && ok "$tag: aarch64 ELF" || fail "$tag: not aarch64: $(file "$W/ours-$tag")"
		"$NOTES" sdt "$W/ours-$tag" > "$W/ours.sdt"
		"$NOTES" sdt "$W/ref-$tag" | sed 's/F//g' > "$W/ref.sdt"
		expect_same "$tag: stapsdt notes decode as <sys/sdt.h>'s" "$W/ref.sdt" "$W/ours.sdt"
		"$NOTES" check "$W/ours-$tag" > "$W/check.txt" && ok "$tag: type notes: $(cat "$W/check.txt")" ||
			{ fail "$tag: type notes"; cat "$W/check.txt"; }
		if [ $lang = c ]; then
			"$NOTES" tsdt "$W/ours-$tag" > "$W/types.txt"
			expect_same "$tag: decoded type notes" "$W/types.want" "$W/types.txt"
		fi
		# every argument spec: SIZE@xN or SIZE@CONST
		$READELF -n "$W/ours-$tag" | sed -n 's/^ *Arguments: *//p' | tr ' ' '\n' | sed '/^$/d' > "$W/specs.txt"
		bad=$(grep -Ev '^-?[1248]@(x([0-9]|[12][0-9]|30)|-?[0-9]+)$' "$W/specs.txt" | tr '\n' ' ')
		n=$(wc -l < "$W/specs.txt")
		[ "$n" -eq 24 ] && [ -z "$bad" ] && ok "$tag: $n argument specs, all x registers or constants" ||
			{ fail "$tag: argument specs ($n): bad: $bad"; }
	done
done
finish
