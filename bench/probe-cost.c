// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe-cost: what an unattached probe costs in a hot loop.
 *
 * Four loops do the same work (a multiply-add chain, so the loop cannot be
 * folded away) and differ only in the probe they fire each iteration:
 *   none      no probe
 *   sdt       SystemTap's <sys/sdt.h> STAP_PROBE2
 *   tsdt      <sys/tsdt.h> TSDT_PROBE (same two arguments)
 *   tsdt-if   TSDT_PROBE_IF_ENABLED (the is-enabled check, then the probe)
 * Runs are interleaved (none, sdt, tsdt, tsdt-if, none, ...) so that
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

__attribute__((noinline)) static uint64_t loop_none(uint64_t n)
{
	uint64_t acc = 1;

	for (uint64_t i = 0; i < n; i++) {
		WORK(acc, i);
		OPAQUE(acc);
	}
	return acc;
}

__attribute__((noinline)) static uint64_t loop_sdt(uint64_t n)
{
	uint64_t acc = 1;

	for (uint64_t i = 0; i < n; i++) {
		WORK(acc, i);
		STAP_PROBE2(bench_sdt, hit, i, acc);
		OPAQUE(acc);
	}
	return acc;
}

__attribute__((noinline)) static uint64_t loop_tsdt(uint64_t n)
{
	uint64_t acc = 1;

	for (uint64_t i = 0; i < n; i++) {
		WORK(acc, i);
		TSDT_PROBE(bench, hit, i, acc);
		OPAQUE(acc);
	}
	return acc;
}

__attribute__((noinline)) static uint64_t loop_tsdt_if(uint64_t n)
{
	uint64_t acc = 1;

	for (uint64_t i = 0; i < n; i++) {
		WORK(acc, i);
		TSDT_PROBE_IF_ENABLED(bench, hit, i, acc);
		OPAQUE(acc);
	}
	return acc;
}

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

#define NVAR 4
static const char *const names[NVAR] = { "none", "sdt", "tsdt", "tsdt-if" };
static uint64_t (*const loops[NVAR])(uint64_t) = {
	loop_none, loop_sdt, loop_tsdt, loop_tsdt_if,
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
		       ns[v][runs - 1], med[v] / med[0]);
	printf("(ratio: median ns per iteration / the no-probe loop's; unattached probes)\n");
	return sink == 42; /* keep the results alive */
}
