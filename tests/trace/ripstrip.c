// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Fixture of tests/integration/trace-ripstrip.sh, with <sys/sdt.h> (whose
 * "nor" constraint lets gcc pass a global as a rip-relative memory operand,
 * as PostgreSQL's checkpoint__done does): tt_rip:both(n, counter) passes the
 * static `counter` as "-4@counter(%rip)", tt_rip:plain(n) a register only.
 * Built, then stripped (tests/build.mk): `counter` is in no symbol table, so
 * that one argument cannot be resolved. Fires both probes N times (default
 * 5), n = 1..N, counter = 100 + n.
 */
#include <stdlib.h>
#include <sys/sdt.h>

static volatile int counter;

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5;

	for (int i = 1; i <= n; i++) {
		counter = 100 + i;
		STAP_PROBE2(tt_rip, both, i, counter);
		STAP_PROBE1(tt_rip, plain, i);
	}
	return 0;
}
