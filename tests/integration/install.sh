#!/bin/bash
# `make install PREFIX=... DESTDIR=...` after the tree is built: headers,
# libraries, programs and man pages land under DESTDIR/PREFIX, and the
# pkg-config file names that PREFIX (not the default it was built with).
. "$(dirname "$0")/../trace/lib.sh"
D=$TMP/dest
P=/opt/tsdt-install-test
make --no-print-directory -s install PREFIX=$P DESTDIR="$D" OUT="$OUT" > "$TMP/make.out" 2>&1
check "make install succeeds" [ $? = 0 ]
check "tsdt.pc says prefix=$P" grep -qx "prefix=$P" "$D$P/lib/pkgconfig/tsdt.pc"
for f in include/sys/tsdt.h include/tsdt/libtsdt.h include/tsdt/tsdt.bpf.h \
	 lib/libtsdt.a lib/libtsdt.so.0 bin/tsdt bin/tsdt-gen share/man/man1/tsdt-trace.1; do
	check "$f installed" [ -e "$D$P/$f" ]
done
check "the installed tsdt runs" "$D$P/bin/tsdt" --help
n=$(ls providers/*.d | wc -l)
check "the $n stock provider files installed" [ "$(ls "$D$P"/share/tsdt/providers/*.d | wc -l)" = "$n" ]
check "the installed library looks for them there" grep -qF "$P/share/tsdt/providers" "$D$P/lib/libtsdt.so.0"
TSDT_PROVIDERS_DIR="$D$P/share/tsdt/providers" "$D$P/bin/tsdt" list /usr/bin/python3.11 > "$TMP/py.out"
check "the installed files type python3.11" grep -qF "types: stock $D$P/share/tsdt/providers/python-3.11.d" "$TMP/py.out"
# a second install with another prefix rewrites the .pc
make --no-print-directory -s install PREFIX=$P-2 DESTDIR="$D" OUT="$OUT" > "$TMP/make.out" 2>&1
check "a second PREFIX gives its own .pc" grep -qx "prefix=$P-2" "$D$P-2/lib/pkgconfig/tsdt.pc"
finish
