// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: a whole file through tsdt_find_needed_libs() (libelf,
 * program headers, the dynamic section, DT_NEEDED / DT_RPATH / DT_RUNPATH
 * strings, $ORIGIN expansion). The input is written to a memfd and opened
 * through /proc/self/fd; names it needs are looked up in the real system
 * directories (a random name is found nowhere). Seeds: small dynamically
 * linked programs (tests/deps), with RPATH, RUNPATH and plain NEEDED.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <tsdt/libtsdt.h>

#include "input-file.h"

static int quiet(enum tsdt_print_level l, const char *fmt, va_list ap)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], **libs = NULL;
	int n;

	tsdt_set_print(quiet);
	if (fuzz_input_file(data, size, path))
		return 0;
	n = tsdt_find_needed_libs(path, NULL, &libs);
	if (n < 0) {
		if (libs)
			abort(); /* documented: NULL on error */
		return 0;
	}
	for (int i = 0; i < n; i++)
		if (!libs[i] || !libs[i][0])
			abort();
	if (libs[n])
		abort(); /* NULL-terminated */
	free(libs);
	return 0;
}
