/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Small helpers shared by the CLI's subcommands: strict number parsing,
 * command lookup in PATH, the print callback, RFC 3339 time. (Escaping for
 * the text and JSON outputs is libtsdt's: attach/writer.c.)
 */
#ifndef TSDT_CLI_UTIL_H
#define TSDT_CLI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Parse a whole string as a decimal integer in [min, max]: "12abc", "",
 * " 12" and out-of-range values are refused.
 * Returns 0, or -EINVAL / -ERANGE.
 */
int cli_parse_long(const char *s, long min, long max, long *ret);

/*
 * Parse a duration: a positive decimal number of seconds with an optional
 * unit suffix "ms", "s", "m", "h" ("0.5", "250ms", "2s", "1m"). Returns 0 and
 * the duration in milliseconds (at least 1), or -EINVAL.
 */
int cli_parse_duration_ms(const char *s, long *ret_ms);

/*
 * Find an executable the way execvp(3) does: @cmd itself when it contains a
 * '/', else the first PATH entry holding it. Returns 0 with the path in
 * @buf, or -ENOENT.
 */
int cli_find_in_path(const char *cmd, char *buf, size_t sz);


/*
 * Route libtsdt's messages to stderr: warnings always, info and debug with
 * @verbose (-v).
 */
void cli_set_verbose(bool verbose);
/* Without -v, libtsdt's warnings about type disagreements (": warning: ")
 * are only counted; this prints how many were hidden, if any. */
void cli_report_hidden_warnings(const char *cmd);

/* Format CLOCK_REALTIME ns as RFC 3339 UTC with nanoseconds. */
void cli_put_rfc3339(FILE *f, long long real_ns);

#endif
