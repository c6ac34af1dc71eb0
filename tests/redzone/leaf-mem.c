// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rz:mem(v): a probe whose argument is a memory operand (constraint "m"
 * instead of <sys/tsdt.h>'s "nr"), in a leaf function that also keeps a
 * volatile array in the red zone. At -O2 the operand is the inlined fire
 * function's copy of v below %rsp ("8@-N(%rsp)"), so every tracer must read
 * an %rsp-relative argument right at the site. See leaf.c.
 */
#define TSDT_ARG_CONSTRAINT "m"
#include <sys/tsdt.h>

TSDT_PROBE_DEFINE(rz, mem, (long, v));

#ifdef __cplusplus
extern "C"
#endif
long leaf_mem(long v);

__attribute__((noinline)) long leaf_mem(long v)
{
	volatile long a[8];
	long s = 0;

	for (int i = 0; i < 8; i++)
		a[i] = v * 3 + i;
	TSDT_PROBE(rz, mem, v);
	for (int i = 0; i < 8; i++)
		s += a[i] - i;
	return s / 24;
}
