// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Static variables that only debug information knows once the program is
 * stripped (tests/integration/trace-debuginfo.sh): st:tick(i) fires K
 * times, with st_count == i * 3 and st_label naming the round's parity.
 *   statics K
 */
#include <stdint.h>
#include <stdlib.h>

#include <sys/tsdt.h>

TSDT_PROBE_DEFINE(st, tick, (uint32_t, i));

static volatile int64_t st_count;
static const char *volatile st_label = "start";

int main(int argc, char **argv)
{
	unsigned int k = argc > 1 ? atoi(argv[1]) : 3;

	for (unsigned int i = 0; i < k; i++) {
		st_count = (int64_t)i * 3;
		st_label = i % 2 ? "odd" : "even";
		TSDT_PROBE(st, tick, i);
	}
	return 0;
}
