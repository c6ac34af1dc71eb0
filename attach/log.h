/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Internal logging of libtsdt. The library never prints: every message goes
 * through the callback installed with tsdt_set_print() (default: warnings and
 * info to stderr). Messages end with '\n' and start with a subsystem prefix
 * ("catalog: ", "attach: ").
 */
#ifndef TSDT_LOG_H
#define TSDT_LOG_H

#include <tsdt/libtsdt.h>

__attribute__((format(printf, 2, 3), visibility("hidden")))
void tsdt_pr(enum tsdt_print_level level, const char *fmt, ...);

#define pr_warn(fmt, ...)  tsdt_pr(TSDT_WARN, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)  tsdt_pr(TSDT_INFO, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) tsdt_pr(TSDT_DEBUG, fmt, ##__VA_ARGS__)

#endif /* TSDT_LOG_H */
