// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libfam.so of tests/integration/follow-exec.sh: dlopen'ed by
 * `family dlopen`, never linked. */
#include <stdint.h>
#include <unistd.h>

#include <sys/tsdt.h>

TSDT_PROBE_DEFINE(libfam, fire, (int32_t, pid), (uint32_t, i));

/* a library's own global, read by `tsdt trace --with` at the library's
 * place in the process */
volatile uint64_t fam_gen = 1000;

void libfam_fire(unsigned int k)
{
	for (unsigned int i = 0; i < k; i++) {
		fam_gen = 1000 + i;
		TSDT_PROBE(libfam, fire, (int32_t)getpid(), i);
	}
}
