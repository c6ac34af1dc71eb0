// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Fixture for the attach tests: fires typed probes (<sys/tsdt.h>) and
 * untyped ones (<sys/sdt.h>) with known values of every argument kind, every
 * 5 ms, until killed.
 *
 *   target [COLD_FILE]
 *
 * COLD_FILE: a file whose first bytes are a NUL-terminated string; each
 * round maps it afresh (never touching the page) and passes the mapping to
 * attach_test:cold, so a non-sleepable BPF read of it fails and a sleepable
 * one faults it in.
 * Prints "ready PID" once started, and, on SIGUSR1, the values of the
 * semaphores (for the detach tests): "sem ints=N misc=N sdt_ints=N".
 */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
#include <sys/tsdt.h>

enum color { RED = 1, GREEN = 2, BLUE = 3 };
struct foo { int x; };
struct bar { int y; };

TSDT_PROBE_DEFINE(attach_test, ints, (int8_t, a), (uint8_t, b), (int16_t, c),
		  (uint16_t, d), (int32_t, e), (uint32_t, f), (int64_t, g),
		  (uint64_t, h));
TSDT_PROBE_DEFINE(attach_test, misc, (bool, ok), (enum color, col),
		  (struct foo *, fp), (float, fl), (double, db),
		  (const char *, str));
TSDT_PROBE_DEFINE(attach_test, cold, (const char *, str), (int, round));
TSDT_PROBE_DEFINE(attach_test, global, (int, counter));

/* semaphores of the untyped <sys/sdt.h> probes */
#define SDT_SEM(n) \
	unsigned short sdt_test_##n##_semaphore \
		__attribute__((section(".probes"), used))
SDT_SEM(ints);
SDT_SEM(misc);
SDT_SEM(global);
SDT_SEM(dbl);

volatile int8_t va = -5;
volatile uint8_t vb = 250;
volatile int16_t vc = -30000;
volatile uint16_t vd = 60000;
volatile int32_t ve = -2000000000;
volatile uint32_t vf = 4000000000u;
volatile int64_t vg = -9000000000000000000ll;
volatile uint64_t vh = 18000000000000000000ull;
volatile bool vok = true;
volatile enum color vcol = BLUE;
struct foo gfoo = { 42 };
volatile float vfl = 1.5f;
volatile double vdb = -2.25;
const char *vstr = "hello, tsdt";
int global_counter = 1234567;

static volatile sig_atomic_t report;

void fire_xmm(double d, long n); /* target-xmm.c */

static void on_usr1(int sig)
{
	report = 1;
}

static __attribute__((noinline)) void fire(const char *cold, int round)
{
	int8_t a = va; uint8_t b = vb; int16_t c = vc; uint16_t d = vd;
	int32_t e = ve; uint32_t f = vf; int64_t g = vg; uint64_t h = vh;

	TSDT_PROBE(attach_test, ints, a, b, c, d, e, f, g, h);
	TSDT_PROBE(attach_test, misc, vok, vcol, &gfoo, vfl, vdb, vstr);
	TSDT_PROBE(attach_test, global, global_counter);
	if (cold)
		TSDT_PROBE(attach_test, cold, cold, round);
	STAP_PROBE8(sdt_test, ints, a, b, c, d, e, f, g, h);
	STAP_PROBE3(sdt_test, misc, (long)vok, &gfoo, vstr);
	STAP_PROBE1(sdt_test, global, global_counter);
	{
		double d = vdb * 3; /* -6.75 */

		STAP_PROBE2(sdt_test, dbl, d, 7); /* 8f@%rax: readable */
		fire_xmm(d, round);               /* 8f@%xmm0: not */
	}
}

int main(int argc, char **argv)
{
	const char *cold_path = argc > 1 ? argv[1] : NULL;
	int fd = -1;

	signal(SIGUSR1, on_usr1);
	if (cold_path) {
		fd = open(cold_path, O_RDONLY);
		if (fd < 0) {
			perror(cold_path);
			return 1;
		}
	}
	printf("ready %d foo=%p sem_ints=%p sem_misc=%p sem_sdt_ints=%p\n",
	       (int)getpid(), (void *)&gfoo,
	       (void *)&attach_test_ints_semaphore,
	       (void *)&attach_test_misc_semaphore,
	       (void *)&sdt_test_ints_semaphore);
	fflush(stdout);
	for (int round = 0;; round++) {
		char *cold = NULL;

		if (fd >= 0) {
			cold = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
			if (cold == MAP_FAILED)
				return 1;
		}
		fire(cold, round);
		if (cold)
			munmap(cold, 4096);
		if (report) {
			report = 0;
			printf("sem ints=%u misc=%u sdt_ints=%u\n",
			       (unsigned)attach_test_ints_semaphore,
			       (unsigned)attach_test_misc_semaphore,
			       (unsigned)sdt_test_ints_semaphore);
			fflush(stdout);
		}
		usleep(5000);
	}
}
