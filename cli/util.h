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



/* Install libtsdt's print callback for command @name ("tsdt trace"):
 * warnings as "tsdt trace: ...", debug and info messages (with @verbose)
 * as "libtsdt: ...". */
void cli_set_print(const char *name, bool verbose);
/* Without -v, how many type disagreements between a provider file and the
 * notes libtsdt found (tsdt_catalog__mismatch_cnt(): info messages, which
 * only -v shows), if any. */
void cli_report_hidden_warnings(const char *cmd, size_t n);

/* Following: what was followed (unless @quiet), and warnings for forks not
 * followed and process events lost. */
struct tsdt_tracer;
void cli_report_following(const char *cmd, const struct tsdt_tracer *tr,
			  bool quiet);

/* Append @path to the NULL-terminated list *@files of *@cnt provider files
 * (--provider-file). 0 or -ENOMEM. */
int cli_add_provider_file(const char ***files, int *cnt, const char *path);

/* Format CLOCK_REALTIME ns as RFC 3339 UTC with nanoseconds. */
void cli_put_rfc3339(FILE *f, long long real_ns);

#endif
