// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/integration/trace-deps.sh's view of tsdt_find_needed_libs():
 *
 *   needed PROGRAM     prints the libraries found, one per line, in load
 *                      order, with this process's LD_LIBRARY_PATH; debug
 *                      messages (libraries not found) go to stderr
 *
 * Exits 0, or 1 with the error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tsdt/libtsdt.h>

static int print_all(enum tsdt_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	TSDT_OPTS(tsdt_needed_libs_opts, opts,
		  .library_path = getenv("LD_LIBRARY_PATH"));
	char **paths;
	int n;

	if (argc != 2) {
		fprintf(stderr, "usage: needed PROGRAM\n");
		return 2;
	}
	tsdt_set_print(print_all);
	n = tsdt_find_needed_libs(argv[1], &opts, &paths);
	if (n < 0) {
		fprintf(stderr, "needed: %s: %s\n", argv[1], strerror(-n));
		return 1;
	}
	for (int i = 0; i < n; i++)
		printf("%s\n", paths[i]);
	if (paths[n]) {
		fprintf(stderr, "needed: the list is not NULL-terminated\n");
		return 1;
	}
	free(paths);
	return 0;
}
