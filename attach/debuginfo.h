/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Debug information through elfutils (debuginfo.c), libtsdt-internal. */
#ifndef TSDT_DEBUGINFO_H
#define TSDT_DEBUGINFO_H

#include <stddef.h>
#include <stdint.h>

#include <tsdt/libtsdt.h>

/*
 * The link-time address and the type of variable @name (a global or a
 * static one) of @path, from its debug information wherever gdb would find
 * it (the file, .gnu_debuglink, /usr/lib/debug/.build-id/, DEBUGINFOD_URLS).
 * 0, or a negative errno with the reason in @why (naming the file, and the
 * build-id when there is no debug information).
 */
int tsdt_debuginfo_find_var(const char *path, const char *name,
			    uint64_t *addr, struct tsdt_type *type,
			    char *why, size_t why_sz);

#endif /* TSDT_DEBUGINFO_H */
