/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Library half of the build-matrix test: lib_unused() is never called, so
 * -ffunction-sections -Wl,--gc-sections must drop it and its notes. */
#include "matrix.h"

volatile int sink;
static int obj;

int lib_used(int n)
{
	TSDT_PROBE(mx, lib_used, (uint64_t)n * 3, (int16_t)-n);
	TSDT_PROBE(mx, shared, n, "lib", n / 2.0);
	if (TSDT_PROBE_ENABLED(mx, lib_used))
		sink++;
	return n + 1;
}

int lib_unused(int n)
{
	TSDT_PROBE(mx, lib_unused, (uint8_t)n, &obj);
	TSDT_PROBE(mx, shared, -n, "unused", 0.0);
	return n - 1;
}
