/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Loops for tests/integration/header-cost.sh: each shape exists without a
 * probe (none_*), with a <sys/tsdt.h> probe (tsdt_*) and with a
 * <sys/sdt.h> probe (sdt_*). The test disassembles them: an unattached
 * tsdt probe must add exactly one nop to the loop, nothing else.
 */
#include <stdint.h>
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
#include <sys/tsdt.h>

__extension__ unsigned short c_two_semaphore __attribute__((section(".probes"), used)) = 0;
__extension__ unsigned short c_six_semaphore __attribute__((section(".probes"), used)) = 0;
__extension__ unsigned short c_node_semaphore __attribute__((section(".probes"), used)) = 0;
TSDT_PROBE_DEFINE(t, two, (uint64_t, i), (uint64_t, acc));
TSDT_PROBE_DEFINE(t, six, (uint64_t, a), (uint64_t, b), (uint32_t, c),
		  (int32_t, d), (uint16_t, e), (int64_t, f));
struct node { struct node *next; long val; };
TSDT_PROBE_DEFINE(t, node, (const struct node *, n), (long, val));

#define OPAQUE(x) __asm__ __volatile__("" : "+r"(x))
#define WORK(acc, i) ((acc) = (acc) * 6364136223846793005ull + (i))

#define LOOP2(NAME, PROBE)                                                     \
	uint64_t NAME(uint64_t n);                                            \
	uint64_t NAME(uint64_t n)                                             \
	{                                                                     \
		uint64_t acc = 1;                                             \
		for (uint64_t i = 0; i < n; i++) {                            \
			WORK(acc, i);                                         \
			PROBE;                                                \
			OPAQUE(acc);                                          \
		}                                                             \
		return acc;                                                   \
	}
LOOP2(none_two, (void)0)
LOOP2(tsdt_two, TSDT_PROBE(t, two, i, acc))
LOOP2(sdt_two, STAP_PROBE2(c, two, i, acc))

#define LOOP6(NAME, PROBE)                                                     \
	uint64_t NAME(uint64_t n, uint64_t b, uint32_t c, int32_t d, uint16_t e, \
		      int64_t f);                                             \
	uint64_t NAME(uint64_t n, uint64_t b, uint32_t c, int32_t d, uint16_t e, \
		      int64_t f)                                              \
	{                                                                     \
		uint64_t a = 1;                                               \
		for (uint64_t i = 0; i < n; i++) {                            \
			WORK(a, i);                                           \
			PROBE;                                                \
			OPAQUE(a); OPAQUE(b); OPAQUE(c); OPAQUE(d);           \
			OPAQUE(e); OPAQUE(f);                                 \
		}                                                             \
		return a + b + c + (uint64_t)d + e + (uint64_t)f;             \
	}
LOOP6(none_six, (void)0)
LOOP6(tsdt_six, TSDT_PROBE(t, six, a, b, c, d, e, f))
LOOP6(sdt_six, STAP_PROBE6(c, six, a, b, c, d, e, f))

#define LOOPN(NAME, PROBE)                                                     \
	long NAME(const struct node *n);                                      \
	long NAME(const struct node *n)                                       \
	{                                                                     \
		long sum = 0;                                                 \
		for (; n; n = n->next) {                                      \
			long val = n->val;                                    \
			PROBE;                                                \
			sum += val;                                           \
		}                                                             \
		return sum;                                                   \
	}
LOOPN(none_node, (void)0)
LOOPN(tsdt_node, TSDT_PROBE(t, node, n, val))
LOOPN(sdt_node, STAP_PROBE2(c, node, n, val))
