#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Build matrix of <sys/tsdt.h>: the same two-file program (tests/header/
# matrix-*.c, probes declared in a shared header) built with gcc and clang
# (GNU ld, and lld for a --gc-sections build),
# -O0..-O3, PIE and non-PIE, LTO (which drops the unused function), -ffunction-sections -Wl,--gc-sections,
# as a static library, as a shared library, stripped, and with the
# semaphores defined by a separate object (TSDT_EXTERN_SEMAPHORES), and C++
# inline and template functions with probes in two files (COMDAT). In every build the
# decoded stapsdt and tsdt notes must equal the expected set (no notes of
# gc'd code, none dangling), every site must have its type note, sizes and
# signs must agree, and all sites of a probe share one semaphore per object.
. "$(dirname "$0")/../header/lib.sh"
LIB=$HDR/matrix-lib.c MAIN=$HDR/matrix-main.c
INC="-I$ROOT/include -I$HDR"

# expected notes: all sites, or all but lib_unused()'s two
want_all() {
	cat <<'WANT'
mx:lib_unused v1 int/1/0/uint8_t/b ptr/8/0/void_*/p
mx:lib_used v1 int/8/0/uint64_t/v int/2/1/int16_t/s
mx:main v1 int/8/1/long/argc ptr/8/0/char_**/argv
mx:shared v1 int/4/1/int32_t/n str/8/0/const_char_*/who float/8/0/double/ratio
mx:shared v1 int/4/1/int32_t/n str/8/0/const_char_*/who float/8/0/double/ratio
mx:shared v1 int/4/1/int32_t/n str/8/0/const_char_*/who float/8/0/double/ratio
WANT
}
want_sdt_all() {
	cat <<'WANT'
mx:lib_unused sem=yes args=1 8
mx:lib_used sem=yes args=8 -2
mx:main sem=yes args=-8 8
mx:shared sem=yes args=-4 8 8
mx:shared sem=yes args=-4 8 8
mx:shared sem=yes args=-4 8 8
WANT
}
want_all > "$W/all.tsdt"; grep -v -e lib_unused "$W/all.tsdt" | sed '$d' > "$W/gc.tsdt"
want_sdt_all > "$W/all.sdt"; grep -v -e lib_unused "$W/all.sdt" | sed '$d' > "$W/gc.sdt"

# verify LABEL EXPECT(all|gc) FILE...: notes of the files together
verify() {
	local label=$1 exp=$2; shift 2
	local f
	: > "$W/got.tsdt"; : > "$W/got.sdt"
	for f in "$@"; do
		"$NOTES" tsdt "$f" >> "$W/got.tsdt"
		"$NOTES" sdt "$f" >> "$W/got.sdt"
		if ! "$NOTES" check "$f" > "$W/check.txt"; then
			fail "$label: $(basename "$f"): note check"; cat "$W/check.txt"; return
		fi
	done
	sort -o "$W/got.tsdt" "$W/got.tsdt"; sort -o "$W/got.sdt" "$W/got.sdt"
	if diff -u "$W/$exp.tsdt" "$W/got.tsdt" > "$W/d1" && diff -u "$W/$exp.sdt" "$W/got.sdt" > "$W/d2"; then
		ok "$label: $(wc -l < "$W/got.sdt") sites, notes as expected"
	else
		fail "$label"; cat "$W/d1" "$W/d2" 2>/dev/null
	fi
}
run() { "$@" > /dev/null || fail "$1 runs"; }

for cc in gcc clang; do
	for opt in -O0 -O1 -O2 -O3; do
		pies="-pie -no-pie"; [ $opt = -O1 ] || [ $opt = -O3 ] && pies=-pie
		for pie in $pies; do
			fpie=-fPIE; [ $pie = -no-pie ] && fpie=-fno-pie
			exe=$W/exe-$cc$opt$pie
			$cc $opt $fpie $pie $INC "$MAIN" "$LIB" -o "$exe" || { fail "build $exe"; continue; }
			verify "$cc $opt $pie" all "$exe"; run "$exe"
		done
		exe=$W/gc-$cc$opt
		$cc $opt -ffunction-sections -fdata-sections -Wl,--gc-sections $INC "$MAIN" "$LIB" -o "$exe" ||
			{ fail "build $exe"; continue; }
		verify "$cc $opt --gc-sections" gc "$exe"; run "$exe"
	done
	# lld: --gc-sections with another linker
	exe=$W/lld-gc-$cc
	$cc -O2 -fuse-ld=lld -ffunction-sections -Wl,--gc-sections $INC "$MAIN" "$LIB" -o "$exe" &&
		{ verify "$cc -O2 -fuse-ld=lld --gc-sections" gc "$exe"; run "$exe"; } || fail "build $exe"
	# LTO (clang's needs lld with GNU ld lacking its plugin)
	lto="-flto"; [ $cc = clang ] && lto="-flto -fuse-ld=lld"
	exe=$W/lto-$cc
	# (LTO sees the whole program: lib_unused() goes, and its notes with it)
	$cc -O2 $lto $INC "$MAIN" "$LIB" -o "$exe" && { verify "$cc -O2 $lto" gc "$exe"; run "$exe"; } ||
		fail "build $exe"
	exe=$W/ltogc-$cc
	$cc -O2 $lto -ffunction-sections -Wl,--gc-sections $INC "$MAIN" "$LIB" -o "$exe" &&
		{ verify "$cc -O2 $lto --gc-sections" gc "$exe"; run "$exe"; } || fail "build $exe"
	# static library: lib_unused() is in the same object as lib_used(), so
	# its notes come along unless --gc-sections drops the function
	$cc -O2 -ffunction-sections -c $INC "$LIB" -o "$W/lib-$cc.o" && rm -f "$W/libmx-$cc.a" &&
		ar rcs "$W/libmx-$cc.a" "$W/lib-$cc.o" || fail "build libmx-$cc.a"
	exe=$W/static-$cc
	$cc -O2 $INC "$MAIN" "$W/libmx-$cc.a" -o "$exe" && { verify "$cc static library" all "$exe"; run "$exe"; } ||
		fail "build $exe"
	exe=$W/staticgc-$cc
	$cc -O2 $INC "$MAIN" "$W/libmx-$cc.a" -Wl,--gc-sections -o "$exe" &&
		{ verify "$cc static library --gc-sections" gc "$exe"; run "$exe"; } || fail "build $exe"
	# shared library: its own notes and its own semaphores
	so=$W/libmx-$cc.so exe=$W/shared-$cc
	$cc -O2 -fPIC -shared $INC "$LIB" -o "$so" && $cc -O2 $INC "$MAIN" -L"$W" -lmx-$cc -o "$exe" ||
		{ fail "build $so"; continue; }
	verify "$cc shared library + executable" all "$exe" "$so"
	LD_LIBRARY_PATH=$W run "$exe"
	nm -D "$so" | grep -q semaphore && fail "$cc: semaphores exported from $so" ||
		ok "$cc: semaphores hidden in $so (each object its own)"
	# a generator's header declares (TSDT_EXTERN_SEMAPHORES), its object defines
	exe=$W/extern-$cc
	if $cc -O2 -DTSDT_EXTERN_SEMAPHORES $INC "$MAIN" "$LIB" "$HDR/matrix-sems.c" -o "$exe"; then
		verify "$cc TSDT_EXTERN_SEMAPHORES + TSDT_SEMAPHORE_DEFINE" all "$exe"; run "$exe"
	else
		fail "build $exe"
	fi
	$cc -O2 -DTSDT_EXTERN_SEMAPHORES $INC "$MAIN" "$LIB" -o "$W/extern-nodef" > "$W/ld.txt" 2>&1 &&
		fail "$cc: TSDT_EXTERN_SEMAPHORES without definitions links" ||
		{ grep -q "undefined reference to .mx_main_semaphore" "$W/ld.txt" && ok "$cc: TSDT_EXTERN_SEMAPHORES only declares" ||
			{ fail "$cc: TSDT_EXTERN_SEMAPHORES link error"; cat "$W/ld.txt"; }; }
	# stripped: same notes
	strip -o "$W/stripped-$cc" "$W/exe-$cc-O2-pie"
	verify "$cc strip" all "$W/stripped-$cc"
done

# C++ COMDAT: helper() and twice<int>() are emitted by both files; at -O0
# (not inlined) the link keeps one copy of each, so 2 sites, none dangling
for cxx in g++ clang++; do
	for gc in "" "-ffunction-sections -Wl,--gc-sections"; do
		exe=$W/comdat-$cxx
		if $cxx -O0 $gc -I"$ROOT/include" -I"$HDR" "$HDR/comdat1.cc" "$HDR/comdat2.cc" -o "$exe"; then
			if "$NOTES" check "$exe" > "$W/check.txt" && [ "$(cat "$W/check.txt")" = "ok 2 sites" ]; then
				ok "$cxx -O0 $gc: COMDAT copies folded with their notes ($(cat "$W/check.txt"))"
			else
				fail "$cxx -O0 $gc: COMDAT notes: $(cat "$W/check.txt")"
			fi
			run "$exe" 1
		else
			fail "build $exe"
		fi
	done
done
finish
