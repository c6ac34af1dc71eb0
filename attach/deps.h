/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Library and program lookup shared inside libtsdt (deps.c);
 * tsdt_find_needed_libs() is public, in <tsdt/libtsdt.h>. */
#ifndef TSDT_DEPS_H
#define TSDT_DEPS_H

#include <tsdt/libtsdt.h>

/* The dynamic linker's system directories, in search order: those named in
 * /etc/ld.so.conf.d/\*.conf (what ldconfig caches), then the default ones.
 * A NULL-terminated array in one allocation (free() it), or NULL with errno
 * ENOMEM. */
char **tsdt_system_lib_dirs(void);

/* Finds a library by name ("libstdc++", "libc.so.6", "stdc++") in the dynamic
 * linker's directories; writes its path into @buf. 0 or -ENOENT. */
int tsdt_find_library(const char *name, char *buf, size_t sz);

/* An executable found the way execvp(3) finds it: @cmd itself when it
 * contains a '/', else the first PATH entry holding it (PATH unset:
 * /usr/local/bin:/usr/bin:/bin). 0 with the path in @buf, or -ENOENT. */
int tsdt_find_in_path(const char *cmd, char *buf, size_t sz);

#endif /* TSDT_DEPS_H */
