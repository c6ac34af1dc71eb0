// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Leaf functions that keep live data in the x86-64 red zone (the 128 bytes
 * below %rsp that the System V ABI gives a function that calls nothing)
 * across a <sys/tsdt.h> probe site. A tracer that writes below %rsp at the
 * site (an optimized uprobe's `call` pushes its return address at -8(%rsp))
 * changes what they return. Built as C and as C++, by gcc and clang, at -O0
 * and -O2 (tests/redzone/build.mk); tests/integration/redzone.sh traces it.
 *
 *   leaf_asm       the value written at -8(%rsp) by inline assembly, read
 *                  back after the site (the form of the bug report)
 *   leaf_fill      all 128 bytes of the red zone filled and checked by one
 *                  asm statement on each side of the site (their own
 *                  registers only)
 *   leaf_compiled  a volatile local array that the compiler itself puts in
 *                  the red zone (-O2: at negative %rsp offsets; -O0: at
 *                  negative %rbp offsets with no stack adjustment), its
 *                  address the probe's argument: checked in the disassembly
 *   leaf_legacy    (control) the red zone across a bare `nop; nop5` with no
 *                  note: the previous site layout, which an optimized
 *                  uprobe on the five-byte nop corrupts; the test attaches
 *                  a raw uprobe at the symbol tsdt_rz_legacy_nop5 to show
 *                  that the check does catch a corrupting tracer here
 *
 * Probes: rz:asm(v), rz:fill(), rz:compiled(v, p) where p points into the
 * red zone, rz:mem(v) whose argument is a memory operand (compiled with
 * TSDT_ARG_CONSTRAINT "m" in leaf-mem.c: at -O2 an %rsp-relative spec).
 *
 * Usage: leaf N      calls each leaf N times with v = 1..N; prints
 *                    "calls=N wrong_asm=A wrong_fill=F wrong_compiled=C
 *                    wrong_mem=M wrong_legacy=L sum=S" (S: the sum of v)
 *                    and "trampoline=T" (1 when the kernel mapped its
 *                    [uprobes-trampoline] page into this process: an
 *                    optimized uprobe was hit), and exits 0 when nothing
 *                    was wrong.
 *        leaf -w N   the same, after a line "ready" on stdout and one line
 *                    read from stdin (for tracers that attach to a pid).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/tsdt.h>

TSDT_PROBE_DEFINE(rz, asm, (long, v));
TSDT_PROBE_DEFINE(rz, fill);
TSDT_PROBE_DEFINE(rz, compiled, (long, v), (const volatile long *, p));

#ifdef __cplusplus
extern "C" {
#endif
long leaf_asm(long v);
long leaf_fill(long v);
long leaf_compiled(long v);
long leaf_legacy(long v);
long leaf_mem(long v); /* leaf-mem.c */
#ifdef __cplusplus
}
#endif

#define NOINLINE __attribute__((noinline))

NOINLINE long leaf_asm(long v)
{
	long out;

	__asm__ __volatile__("movq %0, -8(%%rsp)" : : "r"(v) : "memory");
	TSDT_PROBE(rz, asm, v);
	__asm__ __volatile__("movq -8(%%rsp), %0" : "=r"(out) : : "memory");
	return out;
}

/*
 * Fills -128..-1(%rsp) with v ^ offset, then checks every slot and returns
 * the v it finds there (-1 when a slot changed). The site between has no
 * argument, and nothing the compiler keeps in memory is read between the
 * two asm statements (at -O0 gcc keeps its copy of v in the red zone: the
 * fill overwrites it, and it is never read again).
 */
NOINLINE long leaf_fill(long v)
{
	long out, bad;

	__asm__ __volatile__(
		"lea -128(%%rsp), %%rcx\n"
		"xor %%eax, %%eax\n"
		"1: mov %[v], %%rdx\n"
		"xor %%rax, %%rdx\n"
		"mov %%rdx, (%%rcx,%%rax)\n"
		"add $8, %%rax\n"
		"cmp $128, %%rax\n"
		"jb 1b\n"
		: : [v] "r"(v) : "rax", "rcx", "rdx", "memory", "cc");
	TSDT_PROBE(rz, fill);
	__asm__ __volatile__(
		"lea -128(%%rsp), %%rcx\n"
		"mov (%%rcx), %[out]\n"
		"xor %[bad], %[bad]\n"
		"xor %%eax, %%eax\n"
		"1: mov %[out], %%rdx\n"
		"xor %%rax, %%rdx\n"
		"cmp %%rdx, (%%rcx,%%rax)\n"
		"je 2f\n"
		"inc %[bad]\n"
		"2: add $8, %%rax\n"
		"cmp $128, %%rax\n"
		"jb 1b\n"
		: [out] "=&r"(out), [bad] "=&r"(bad)
		: : "rax", "rcx", "rdx", "memory", "cc");
	return bad ? -1 : out;
}

NOINLINE long leaf_compiled(long v)
{
	volatile long a[6];
	long s = 0;

	for (int i = 0; i < 6; i++)
		a[i] = v + i;
	TSDT_PROBE(rz, compiled, v, &a[3]);
	for (int i = 0; i < 6; i++)
		s += a[i] - i;
	return s / 6;
}

/* The previous layout of an x86-64 site, with no note: a `nop`, then the
 * five-byte nop `0f 1f 44 00 00` that an optimized uprobe turns into a
 * call. Only the test's control attaches here. */
NOINLINE long leaf_legacy(long v)
{
	long out;

	__asm__ __volatile__("movq %0, -8(%%rsp)" : : "r"(v) : "memory");
	__asm__ __volatile__("nop\n"
			     ".globl tsdt_rz_legacy_nop5\n"
			     ".type tsdt_rz_legacy_nop5, @function\n"
			     "tsdt_rz_legacy_nop5:\n"
			     ".byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n");
	__asm__ __volatile__("movq -8(%%rsp), %0" : "=r"(out) : : "memory");
	return out;
}

/* 1 when the kernel has mapped its optimized-uprobe trampoline here */
static int has_trampoline(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int found = 0;

	while (f && fgets(line, sizeof(line), f))
		found |= strstr(line, "[uprobes-trampoline]") != NULL;
	if (f)
		fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	long wrong_asm = 0, wrong_fill = 0, wrong_compiled = 0, wrong_mem = 0;
	long wrong_legacy = 0, sum = 0, n;
	int wait = argc > 2 && !strcmp(argv[1], "-w");
	char line[16];

	if (argc < 2 + wait) {
		fprintf(stderr, "usage: leaf [-w] N\n");
		return 2;
	}
	n = atol(argv[1 + wait]);
	if (wait) {
		printf("ready\n");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return 2;
	}
	for (long v = 1; v <= n; v++) {
		wrong_asm += leaf_asm(v) != v;
		wrong_fill += leaf_fill(v) != v;
		wrong_compiled += leaf_compiled(v) != v;
		wrong_mem += leaf_mem(v) != v;
		wrong_legacy += leaf_legacy(v) != v;
		sum += v;
	}
	printf("calls=%ld wrong_asm=%ld wrong_fill=%ld wrong_compiled=%ld "
	       "wrong_mem=%ld wrong_legacy=%ld sum=%ld trampoline=%d\n", n,
	       wrong_asm, wrong_fill, wrong_compiled, wrong_mem, wrong_legacy,
	       sum, has_trampoline());
	return wrong_asm || wrong_fill || wrong_compiled || wrong_mem ||
	       wrong_legacy;
}
