/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Probe fixture for the <sys/tsdt.h> tests: the same probes, fired with the
 * same values, either through <sys/tsdt.h> (default) or through SystemTap's
 * <sys/sdt.h> (-DUSE_SDT, every argument cast to its declared type), so the
 * tests can compare the notes of both builds and the values consumers read.
 *
 * Usage: fixture [LOOPS [SLEEP_MS]]  (default 1 loop, no sleep)
 * Each loop fires every probe once. Values are read from volatile globals so
 * that they live in registers or memory, not only in immediates.
 * Built as C and as C++.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum color { RED, GREEN, BLUE };
struct foo { int x; };

#ifdef USE_SDT
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
#define SEM(p, n) \
	__extension__ unsigned short p##_##n##_semaphore \
	__attribute__((section(".probes"), used)) = 0;
#ifdef __cplusplus
extern "C" {
#endif
SEM(fx, noargs)
SEM(fx, ints)
SEM(fx, misc)
SEM(fx, request__start)
#ifdef __cplusplus
}
#endif
#define FIRE_NOARGS() STAP_PROBE(fx, noargs)
#define FIRE_INTS(a, b, c, d, e, f, g, h, i, j, k, l)                         \
	STAP_PROBE12(fx, ints, (int8_t)(a), (uint8_t)(b), (int16_t)(c),       \
		     (uint16_t)(d), (int32_t)(e), (uint32_t)(f), (int64_t)(g), \
		     (uint64_t)(h), (char)(i), (long)(j), (size_t)(k),         \
		     (unsigned short)(l))
#define FIRE_MISC(a, b, c, d, e, f, g, h)                                      \
	STAP_PROBE8(fx, misc, (bool)(a), (enum color)(b), (float)(c),          \
		    (double)(d), (const char *)(e), (void *)(f),               \
		    (struct foo *)(g), (char *)(h))
#define FIRE_REQ(a, b) STAP_PROBE2(fx, request__start, (uint64_t)(a), (const char *)(b))
#define ENABLED_REQ() __builtin_expect(fx_request__start_semaphore, 0)
#else
#include <sys/tsdt.h>
TSDT_PROBE_DEFINE(fx, noargs);
TSDT_PROBE_DEFINE(fx, ints, (int8_t, i8), (uint8_t, u8), (int16_t, i16),
		  (uint16_t, u16), (int32_t, i32), (uint32_t, u32),
		  (int64_t, i64), (uint64_t, u64), (char, ch), (long, l),
		  (size_t, sz), (unsigned short, us));
TSDT_PROBE_DEFINE(fx, misc, (bool, flag), (enum color, color), (float, f),
		  (double, d), (const char *, str), (void *, ptr),
		  (struct foo *, foo), (char *, buf));
TSDT_PROBE_DEFINE(fx, request__start, (uint64_t, id), (const char *, path));
#define FIRE_NOARGS() TSDT_PROBE(fx, noargs)
#define FIRE_INTS(...) TSDT_PROBE(fx, ints, __VA_ARGS__)
#define FIRE_MISC(...) TSDT_PROBE(fx, misc, __VA_ARGS__)
#define FIRE_REQ(...) TSDT_PROBE(fx, request__start, __VA_ARGS__)
#define ENABLED_REQ() TSDT_PROBE_ENABLED(fx, request__start)
#endif

/* The values every consumer test expects (see tests/integration/header-*). */
volatile int8_t v_i8 = -8;
volatile uint8_t v_u8 = 200;
volatile int16_t v_i16 = -1600;
volatile uint16_t v_u16 = 60000;
volatile int32_t v_i32 = -320000;
volatile uint32_t v_u32 = 4000000000u;
volatile int64_t v_i64 = -6400000000000ll;
volatile uint64_t v_u64 = 18000000000000000000ull;
volatile char v_ch = 'x';
volatile long v_l = -5;
volatile size_t v_sz = 12345;
volatile bool v_flag = true;
volatile enum color v_color = BLUE;
volatile float v_f = 2.5f;        /* bits 0x40200000 */
volatile double v_d = -1.25;      /* bits 0xbff4000000000000 */
char v_buf[] = "buffer";
const char *volatile v_str = "hello";
void *volatile v_ptr = (void *)0x1234;
struct foo *volatile v_foo = (struct foo *)0x5678;

/* A second site of fx:request__start, in another function. */
__attribute__((noinline)) static void request(uint64_t id, const char *path)
{
	FIRE_REQ(id, path);
}

/* Fault in the pages of the strings the probes pass: BPF string reads of
 * a page the process never touched fail (see /work/shared/FACTS.md). */
volatile char sink;
static void touch(const char *s)
{
	while (*s)
		sink = *s++;
}

int main(int argc, char **argv)
{
	long loops = argc > 1 ? atol(argv[1]) : 1;
	long sleep_ms = argc > 2 ? atol(argv[2]) : 0;
	struct timespec ts = { sleep_ms / 1000, (sleep_ms % 1000) * 1000000L };
	long enabled = 0;

	touch(v_str);
	touch(v_buf);
	touch("/index.html");

	for (long i = 0; i < loops; i++) {
		FIRE_NOARGS();
		FIRE_INTS(v_i8, v_u8, v_i16, v_u16, v_i32, v_u32, v_i64, v_u64,
			  v_ch, v_l, v_sz, 65535);
		FIRE_MISC(v_flag, v_color, v_f, v_d, v_str, v_ptr, v_foo,
			  v_buf);
		FIRE_REQ(42, "/index.html");
		request(v_u64 - 1, v_str);
		if (ENABLED_REQ())
			enabled++;
		if (sleep_ms)
			nanosleep(&ts, NULL);
	}
	printf("enabled %ld of %ld\n", enabled, loops);
	return 0;
}
