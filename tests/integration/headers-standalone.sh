#!/bin/bash
# Every public header compiles on its own, in C and C++, with gcc and clang,
# under strict warnings; the BPF header compiles for the BPF target.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-.output}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
try() {
	local what=$1; shift
	if "$@" 2>"$tmp/err"; then echo "ok: $what"
	else echo "FAIL: $what"; sed 's/^/    /' "$tmp/err"; fails=$((fails + 1)); fi
}
for h in sys/tsdt.h tsdt/libtsdt.h tsdt/hist.h; do
	printf '#include <%s>\n' "$h" > "$tmp/t.c"
	cp "$tmp/t.c" "$tmp/t.cc"
	for cc in gcc clang; do
		try "$h alone ($cc, C)" $cc -std=gnu99 -Wall -Wextra -Werror -Iinclude -c "$tmp/t.c" -o "$tmp/t.o"
	done
	for cxx in g++ clang++; do
		try "$h alone ($cxx, C++11)" $cxx -std=c++11 -Wall -Wextra -Werror -Iinclude -c "$tmp/t.cc" -o "$tmp/t.o"
	done
done
# The BPF side: with vmlinux.h, as handlers include it.
printf '#include "vmlinux.h"\n#include <tsdt/tsdt.bpf.h>\nchar LICENSE[] SEC("license") = "GPL";\n' > "$tmp/b.bpf.c"
try "tsdt/tsdt.bpf.h alone (clang -target bpf)" \
	clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror -I"$OUT" -Iinclude \
	-I/usr/include/$(gcc -print-multiarch) -c "$tmp/b.bpf.c" -o "$tmp/b.o"
# <tsdt/hist.h> for the BPF target too, its bucket function used
printf '#include "vmlinux.h"\n#include <bpf/bpf_helpers.h>\n#include <tsdt/hist.h>\n__u64 h[TSDT_HIST_BUCKETS];\nSEC("uprobe") int f(void *ctx) { h[tsdt_hist_bucket(bpf_ktime_get_ns()) & 255]++; return 0; }\nchar LICENSE[] SEC("license") = "GPL";\n' > "$tmp/h.bpf.c"
try "tsdt/hist.h (clang -target bpf)" \
	clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror -I"$OUT" -Iinclude \
	-I/usr/include/$(gcc -print-multiarch) -c "$tmp/h.bpf.c" -o "$tmp/h.o"
[ $fails = 0 ] && echo "all public headers compile alone" || exit 1
