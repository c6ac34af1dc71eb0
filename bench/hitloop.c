// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * hitloop: the traced program of the hit-cost and event-rate benchmarks.
 * A tight loop fires one USDT probe, tsdt_bench:hit(long i), N times and
 * reports the thread's CPU time (user + kernel, so the uprobe trap and the
 * BPF program are included) per iteration.
 *
 * Two probes, each with a semaphore, so that every tracer under comparison
 * (tsdt, libbpf's attach_usdt, bpftrace) sees the very same site:
 *   tsdt_bench:hit    a plain <sys/sdt.h> probe (a one-byte nop)
 *   tsdt_bench:thit   a <sys/tsdt.h> probe (a nop and a five-byte nop, which
 *                     optimized uprobes can turn into a call)
 * The harness learns that a tracer is attached by watching the semaphore,
 * which every one of them raises through the kernel's ref_ctr_offset.
 *
 * Modes (--tsdt: fire tsdt_bench:thit instead of tsdt_bench:hit):
 *   hitloop [--tsdt]        serve commands on stdin, one reply line each:
 *                             w      wait until the semaphore is raised (20 s)
 *                             z      wait until it is back to 0 (20 s)
 *                             r N    run N iterations; reply ns per iteration
 *                             q      quit
 *   hitloop [--tsdt] --burst N  run N iterations at once (for `tsdt trace -c`),
 *                           print "N ITERS WALL_NS CPU_NS" to stderr
 */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

#include <sys/tsdt.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

__extension__ unsigned short tsdt_bench_hit_semaphore
	__attribute__((unused, section(".probes")));

TSDT_PROBE_DEFINE(tsdt_bench, thit, (long, i));

static bool use_tsdt;

static long long now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static __attribute__((noinline)) void loop_sdt(long n)
{
	for (long i = 0; i < n; i++)
		STAP_PROBE1(tsdt_bench, hit, i);
}

static __attribute__((noinline)) void loop_tsdt(long n)
{
	for (long i = 0; i < n; i++)
		TSDT_PROBE(tsdt_bench, thit, i);
}

static void loop(long n)
{
	if (use_tsdt)
		loop_tsdt(n);
	else
		loop_sdt(n);
}

static int wait_sem(int raised)
{
	long long end = now_ns(CLOCK_MONOTONIC) + 20000000000LL;

	while (now_ns(CLOCK_MONOTONIC) < end) {
		unsigned short v = use_tsdt ?
			TSDT_PROBE_ENABLED(tsdt_bench, thit) :
			*(volatile unsigned short *)&tsdt_bench_hit_semaphore;

		if (raised ? v != 0 : v == 0)
			return 0;
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	return -1;
}

static long parse_count(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || *end || n < 0) {
		fprintf(stderr, "hitloop: bad count '%s'\n", s);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	char line[128];

	if (argc > 1 && !strcmp(argv[1], "--tsdt")) {
		use_tsdt = true;
		argc--, argv++;
	}
	if (argc == 3 && !strcmp(argv[1], "--burst")) {
		long n = parse_count(argv[2]);
		long long w0 = now_ns(CLOCK_MONOTONIC);
		long long c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);

		loop(n);
		fprintf(stderr, "hitloop %ld %lld %lld\n", n,
			now_ns(CLOCK_MONOTONIC) - w0,
			now_ns(CLOCK_THREAD_CPUTIME_ID) - c0);
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: hitloop [--tsdt] [--burst N]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = 0;
		if (!strcmp(line, "w") || !strcmp(line, "z")) {
			puts(wait_sem(line[0] == 'w') ? "timeout" : "ok");
		} else if (!strncmp(line, "r ", 2)) {
			long n = parse_count(line + 2);
			long long c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);

			loop(n);
			printf("%.2f\n", (double)(now_ns(CLOCK_THREAD_CPUTIME_ID) - c0) /
					 (n ? n : 1));
		} else if (!strcmp(line, "q")) {
			break;
		} else {
			printf("error: unknown command '%s'\n", line);
		}
	}
	return 0;
}
