// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe-cost: what an unattached probe costs in a hot loop.
 *
 * Loops of two shapes (see LOOPS) differ only in the probe they fire each
 * iteration:
 *   none      no probe
 *   sdt       SystemTap's <sys/sdt.h> STAP_PROBE2
 *   old-site  tsdt's x86-64 site before December 2026 (nop + five-byte nop)
 *   tsdt      <sys/tsdt.h> TSDT_PROBE (same two arguments)
 *   tsdt-if   TSDT_PROBE_IF_ENABLED (the is-enabled check, then the probe)
 * Runs are interleaved (none, sdt, old-site, tsdt, ..., e-none, ...) so that
 * frequency changes and noisy neighbours hit every variant alike; each
 * variant's figure is the median over the runs of thread CPU time per
 * iteration, printed with its ratio to the no-probe loop.
 *
 * Usage: probe-cost [RUNS [ITERATIONS]]   (default 21 runs of 20M)
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
#include <sys/tsdt.h>

__extension__ unsigned short bench_sdt_hit_semaphore
	__attribute__((section(".probes"), used)) = 0;
TSDT_PROBE_DEFINE(bench, hit, (uint64_t, i), (uint64_t, acc));

#define WORK(acc, i) ((acc) = (acc) * 6364136223846793005ull + (i))
/* keeps acc in a register and the loop from being vectorised or folded */
#define OPAQUE(x) __asm__ __volatile__("" : "+r"(x))

/* The x86-64 site before December 2026: a nop and a bare five-byte nop (no
 * note: an optimized uprobe's call there writes into the red zone, see
 * docs/probe-header.md), for comparison with today's two extra leas. */
#if defined(__x86_64__)
#define OLD_SITE(i, acc)                                                       \
	__asm__ __volatile__("nop\n.byte 0x0f, 0x1f, 0x44, 0x00, 0x00"         \
			     : : "r"(i), "r"(acc))
#else
#define OLD_SITE(i, acc) __asm__ __volatile__("nop" : : "r"(i), "r"(acc))
#endif

/*
 * Two loop shapes per probe: "work", a multiply-add chain (latency-bound,
 * as most code around a probe is: the site's instructions can run beside
 * it), and "empty", nothing but the loop counter (throughput-bound: the
 * worst case, where every instruction of the site shows).
 */
#define LOOPS(name, PROBE)                                                     \
	__attribute__((noinline)) static uint64_t loop_##name(uint64_t n)     \
	{                                                                     \
		uint64_t acc = 1;                                             \
		for (uint64_t i = 0; i < n; i++) {                            \
			WORK(acc, i);                                         \
			PROBE;                                                \
			OPAQUE(acc);                                          \
		}                                                             \
		return acc;                                                   \
	}                                                                     \
	__attribute__((noinline)) static uint64_t empty_##name(uint64_t n)    \
	{                                                                     \
		uint64_t acc = n;                                             \
		for (uint64_t i = 0; i < n; i++) {                            \
			OPAQUE(i);                                            \
			PROBE;                                                \
		}                                                             \
		return acc;                                                   \
	}

LOOPS(none, (void)0)
LOOPS(sdt, STAP_PROBE2(bench_sdt, hit, i, acc))
LOOPS(old, OLD_SITE(i, acc))
LOOPS(tsdt, TSDT_PROBE(bench, hit, i, acc))
LOOPS(tsdt_if, TSDT_PROBE_IF_ENABLED(bench, hit, i, acc))

static double thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

#define NVAR 10
static const char *const names[NVAR] = {
	"none", "sdt", "old-site", "tsdt", "tsdt-if",
	"e-none", "e-sdt", "e-old-site", "e-tsdt", "e-tsdt-if",
};
static uint64_t (*const loops[NVAR])(uint64_t) = {
	loop_none, loop_sdt, loop_old, loop_tsdt, loop_tsdt_if,
	empty_none, empty_sdt, empty_old, empty_tsdt, empty_tsdt_if,
};

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 21;
	uint64_t n = argc > 2 ? strtoull(argv[2], NULL, 10) : 20000000ull;
	volatile uint64_t sink = 0;
	double *ns[NVAR], med[NVAR];

	if (runs < 1 || n < 1) {
		fprintf(stderr, "usage: %s [RUNS [ITERATIONS]]\n", argv[0]);
		return 2;
	}
	for (int v = 0; v < NVAR; v++) {
		ns[v] = calloc(runs, sizeof(double));
		if (!ns[v])
			return 1;
		sink += loops[v](n / 10); /* warm up */
	}
	for (int r = 0; r < runs; r++) {
		for (int v = 0; v < NVAR; v++) {
			double t0 = thread_ns();

			sink += loops[v](n);
			ns[v][r] = (thread_ns() - t0) / n;
		}
	}
	printf("probe-cost: %d interleaved runs of %llu iterations, thread CPU time, medians\n",
	       runs, (unsigned long long)n);
	printf("%-10s %10s %10s %10s %8s\n", "variant", "ns/iter", "min", "max", "ratio");
	for (int v = 0; v < NVAR; v++) {
		qsort(ns[v], runs, sizeof(double), cmp_double);
		med[v] = ns[v][runs / 2];
	}
	for (int v = 0; v < NVAR; v++)
		printf("%-10s %10.3f %10.3f %10.3f %8.3f\n", names[v], med[v], ns[v][0],
		       ns[v][runs - 1], med[v] / med[v < NVAR / 2 ? 0 : NVAR / 2]);
	printf("(ratio: median ns per iteration / the no-probe loop's of the same shape;\n"
	       " e-: the empty loop; old-site: nop + bare five-byte nop; unattached probes)\n");
	return sink == 42; /* keep the results alive */
}
