/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Library lookup shared inside libtsdt (deps.c); tsdt_find_library() is
 * declared in catalog.h, tsdt_find_needed_libs() in <tsdt/libtsdt.h>. */
#ifndef TSDT_DEPS_H
#define TSDT_DEPS_H

#include <tsdt/libtsdt.h>

/* The dynamic linker's system directories, in search order: those named in
 * /etc/ld.so.conf.d/\*.conf (what ldconfig caches), then the default ones.
 * A NULL-terminated array in one allocation (free() it), or NULL with errno
 * ENOMEM. */
char **tsdt_system_lib_dirs(void);

#endif /* TSDT_DEPS_H */
