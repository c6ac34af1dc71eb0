/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Small helpers shared by the CLI's subcommands: strict number parsing,
 * command lookup in PATH, and escaping of text for the
 * human and JSON outputs. No library calls, no BPF, no ELF.
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
 * Write @len bytes of @s as the inside of a double-quoted C string:
 * \" \\ \n \t \r and \xNN for other non-printable bytes.
 */
void cli_put_c_escaped(FILE *f, const char *s, size_t len);
/*
 * Write @len bytes of @s as a JSON string, quotes included. Control
 * characters become \uNNNN; bytes that are not valid UTF-8 become \u00NN
 * (their Latin-1 reading) so that every line is valid JSON.
 */
void cli_put_json_str(FILE *f, const char *s, size_t len);

/*
 * Route libtsdt's messages to stderr: warnings always, info and debug with
 * @verbose (-v).
 */
void cli_set_verbose(bool verbose);
/* Without -v, libtsdt's warnings about type disagreements (": warning: ")
 * are only counted; this prints how many were hidden, if any. */
void cli_report_hidden_warnings(const char *cmd);

/* Wall-clock offset to add to CLOCK_MONOTONIC ns to get CLOCK_REALTIME ns. */
long long cli_mono_to_real_offset(void);
/* Format CLOCK_REALTIME ns as RFC 3339 UTC with nanoseconds. */
void cli_put_rfc3339(FILE *f, long long real_ns);

#endif
