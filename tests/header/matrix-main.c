/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Program half of the build-matrix test. */
#include "matrix.h"

int main(int argc, char **argv)
{
	TSDT_PROBE(mx, main, argc, argv);
	TSDT_PROBE(mx, shared, argc, argv[0], 1.5);
	return lib_used(argc) == argc + 1 ? 0 : 1;
}
