// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The print hook: the one place libtsdt's messages leave the library.
 *
 * The hook is the one piece of process-wide state of the library, as in
 * libbpf (libbpf_set_print): a program installs it once, before using the
 * library, so it is not protected against concurrent tsdt_set_print() calls.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static int default_print(enum tsdt_print_level level, const char *fmt,
			 va_list args)
{
	if (level == TSDT_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static tsdt_print_fn_t print_fn = default_print;

tsdt_print_fn_t tsdt_set_print(tsdt_print_fn_t fn)
{
	tsdt_print_fn_t old = print_fn;

	print_fn = fn;
	return old;
}

void tsdt_pr(enum tsdt_print_level level, const char *fmt, ...)
{
	tsdt_print_fn_t fn = print_fn;
	int saved = errno; /* callers print then return -errno */
	va_list args;

	if (!fn)
		return;
	va_start(args, fmt);
	fn(level, fmt, args);
	va_end(args);
	errno = saved;
}
