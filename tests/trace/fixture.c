// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Fixture of the `tsdt trace` / `tsdt stat` integration tests: probes with
 * every kind of argument, fired with known values (from volatile globals, so
 * they travel in registers and memory rather than as immediates).
 *
 *   trace-fixture [LOOPS [SLEEP_MS [EXIT]]]   LOOPS rounds (0: forever) of
 *        tt:ints, tt:misc, tt:noargs and tt_sdt:untyped (a <sys/sdt.h>
 *        probe without types, fixture-sdt.c), then exit with status EXIT
 *   trace-fixture --burst N [THREADS]         fire tt:seq(i) N times, fast,
 *        in each of THREADS threads (default 1) started together
 *
 * Expected values are printed by `trace-fixture --expect` (one line per
 * probe, in tsdt trace's NAME=VALUE form) so tests never hard-code them.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include <sys/tsdt.h>

enum color { RED, GREEN, BLUE };

TSDT_PROBE_DEFINE(tt, ints, (int8_t, i8), (uint8_t, u8), (int16_t, i16),
		  (uint16_t, u16), (int32_t, i32), (uint32_t, u32),
		  (int64_t, i64), (uint64_t, u64), (char, ch), (long, l),
		  (size_t, sz), (unsigned short, us));
TSDT_PROBE_DEFINE(tt, misc, (bool, flag), (enum color, color), (float, f),
		  (double, d), (const char *, str), (void *, ptr),
		  (const char *, nul), (const char *, bad),
		  (const char *, far));
TSDT_PROBE_DEFINE(tt, noargs);
TSDT_PROBE_DEFINE(tt, seq, (uint64_t, i));

void fire_untyped(int round); /* fixture-sdt.c */

volatile int8_t v_i8 = INT8_MIN;
volatile uint8_t v_u8 = UINT8_MAX;
volatile int16_t v_i16 = INT16_MIN;
volatile uint16_t v_u16 = UINT16_MAX;
volatile int32_t v_i32 = INT32_MIN;
volatile uint32_t v_u32 = UINT32_MAX;
volatile int64_t v_i64 = INT64_MIN;
volatile uint64_t v_u64 = UINT64_MAX;
volatile char v_ch = 'A';
volatile long v_l = -1;
volatile size_t v_sz = 12345678901;
volatile unsigned short v_us = 4242;
volatile bool v_flag = true;
volatile enum color v_color = BLUE;
volatile float v_f = 0.1f;
volatile double v_d = -3.25;
const char *volatile v_str = "hi \"there\"\n\ttab";
void *volatile v_ptr = (void *)0x1234abcdUL;
const char *volatile v_nul = NULL;
const char *volatile v_bad = (const char *)0x10;
/* A string in the middle of a large read-only array: its page is never
 * touched by the process (fault-around maps 64 KiB at most). */
#define FAR_OFF (512 * 1024)
static const char big[1 << 20] __attribute__((aligned(4096), used)) = {
	[0] = 'x',
	[FAR_OFF] = 'f', 'a', 'r', ' ', 'a', 'w', 'a', 'y',
};
static const char *far_str(void)
{
	return big + FAR_OFF;
}

static void fire_all(int round)
{
	TSDT_PROBE(tt, ints, v_i8, v_u8, v_i16, v_u16, v_i32, v_u32, v_i64,
		   v_u64, v_ch, v_l, v_sz, v_us);
	TSDT_PROBE(tt, misc, v_flag, v_color, v_f, v_d, v_str, v_ptr, v_nul,
		   v_bad, far_str());
	TSDT_PROBE(tt, noargs);
	fire_untyped(round);
}

static long burst_n;
static pthread_barrier_t burst_start;

static void *burst(void *arg)
{
	pthread_barrier_wait(&burst_start);
	for (long i = 0; i < burst_n; i++)
		TSDT_PROBE(tt, seq, i);
	return arg;
}

int main(int argc, char **argv)
{
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "--burst")) {
		long n = strtol(argv[2], NULL, 10);
		int threads = argc == 4 ? atoi(argv[3]) : 1;
		pthread_t th[64];

		if (threads < 1 || threads > 64)
			return 2;
		burst_n = n;
		pthread_barrier_init(&burst_start, NULL, threads);
		for (int t = 1; t < threads; t++)
			if (pthread_create(&th[t], NULL, burst, NULL))
				return 1;
		burst(NULL);
		for (int t = 1; t < threads; t++)
			pthread_join(th[t], NULL);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--expect")) {
		printf("tt:ints i8=%d u8=%u i16=%d u16=%u i32=%d u32=%u i64=%lld "
		       "u64=%llu ch=%d l=%ld sz=%zu us=%u\n",
		       v_i8, v_u8, v_i16, v_u16, v_i32, v_u32, (long long)v_i64,
		       (unsigned long long)v_u64, v_ch, v_l, v_sz, v_us);
		printf("tt:misc flag=true color=%d f=0.1 d=-3.25 "
		       "str=\"hi \\\"there\\\"\\n\\ttab\" ptr=%p nul=NULL "
		       "bad=<unreadable 0x10: -14> far=\"far away\"\n",
		       v_color, v_ptr);
		printf("tt:noargs\n");
		printf("tt_sdt:untyped arg0=-5 arg1=4000000000 arg2=-2 arg3=ROUND\n");
		return 0;
	}
	long loops = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
	long sleep_ms = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
	int status = argc > 3 ? atoi(argv[3]) : 0;

	for (long i = 0; loops == 0 || i < loops; i++) {
		fire_all((int)i);
		if (sleep_ms)
			nanosleep(&(struct timespec){ sleep_ms / 1000,
						      sleep_ms % 1000 * 1000000 },
				  NULL);
	}
	return status;
}
