// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libinner.so of tests/integration/trace-deps.sh: needed by libprov.so,
 * not by the program. */
#include <stdint.h>

#include <sys/tsdt.h>

TSDT_PROBE_DEFINE(libinner, deep, (int64_t, x));

void inner_fire(int round)
{
	TSDT_PROBE(libinner, deep, -10LL * round);
}
