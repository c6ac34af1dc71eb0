// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libprov.so of tests/integration/trace-deps.sh: a shared library with
 * probes, built twice (PROV_VARIANT 1 and 2, in two directories) so the
 * test sees which copy the dynamic linker loaded. It needs libinner.so
 * through its own $ORIGIN RUNPATH, a dependency of a dependency.
 */
#include <stdint.h>

#include <sys/tsdt.h>

#ifndef PROV_VARIANT
#define PROV_VARIANT 1
#endif

TSDT_PROBE_DEFINE(libprov, hit, (int32_t, round), (uint64_t, big),
		  (const char *, what));
TSDT_PROBE_DEFINE(libprov, variant, (int32_t, v));

void inner_fire(int round); /* inner.c */

void prov_fire(int round)
{
	TSDT_PROBE(libprov, hit, round, 0xfeedface00000000ULL + round,
		   "from libprov");
	TSDT_PROBE(libprov, variant, PROV_VARIANT);
	inner_fire(round);
}
