// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The programs of tests/integration/trace-deps.sh, one source linked
 * against libprov.so in several ways (see tests/build.mk):
 *
 *   app-runpath   DT_RUNPATH $ORIGIN/lib
 *   app-rpath     DT_RPATH $ORIGIN/lib
 *   app-plain     no path: LD_LIBRARY_PATH or nothing
 *   app-gone      app-runpath that also needs libgone.so
 *
 *   app-* [ROUNDS]   fires app:tick(round) then libprov's probes, ROUNDS
 *                    times (default 3), round = 1..ROUNDS
 */
#include <stdint.h>
#include <stdlib.h>

#include <sys/tsdt.h>

TSDT_PROBE_DEFINE(app, tick, (int32_t, round));

void prov_fire(int round); /* prov.c */

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 3;

	for (int i = 1; i <= rounds; i++) {
		TSDT_PROBE(app, tick, i);
		prov_fire(i);
	}
	return 0;
}
