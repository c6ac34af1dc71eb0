// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Part of the attach test target: a <sys/sdt.h> probe whose double lives in
 * an %xmm register ("8f@%xmm0"), which BPF cannot read. SystemTap's header
 * emits that for some compilers and options; here the operand constraint
 * is forced to "x" (SSE register) to get it every time.
 */
#define STAP_SDT_ARG_CONSTRAINT x
#include <sys/sdt.h>

void fire_xmm(double d, long n);

__attribute__((noinline)) void fire_xmm(double d, long n)
{
	double x = d * 2;

	STAP_PROBE1(sdt_test, xmm, x);
	(void)n;
}
