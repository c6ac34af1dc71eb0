// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Helpers shared by the CLI's subcommands; see util.h. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tsdt/libtsdt.h>

#include "util.h"

int cli_parse_long(const char *s, long min, long max, long *ret)
{
	char *end;
	long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int cli_parse_duration_ms(const char *s, long *ret_ms)
{
	double v, mult = 1000;
	char *end;

	if (!s || !*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno)
		return -EINVAL;
	if (!strcmp(end, "ms"))
		mult = 1;
	else if (!strcmp(end, "s") || !*end)
		mult = 1000;
	else if (!strcmp(end, "m"))
		mult = 60000;
	else if (!strcmp(end, "h"))
		mult = 3600000;
	else
		return -EINVAL;
	v *= mult;
	if (!(v > 0) || v > (double)LONG_MAX / 2)
		return -EINVAL;
	*ret_ms = v < 1 ? 1 : (long)v;
	return 0;
}

int cli_find_in_path(const char *cmd, char *buf, size_t sz)
{
	const char *path, *p, *colon;

	if (!*cmd)
		return -ENOENT;
	if (strchr(cmd, '/')) {
		if (access(cmd, X_OK))
			return -errno;
		if ((size_t)snprintf(buf, sz, "%s", cmd) >= sz)
			return -ENAMETOOLONG;
		return 0;
	}
	path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = colon + 1) {
		size_t len;

		colon = strchr(p, ':');
		len = colon ? (size_t)(colon - p) : strlen(p);
		if ((size_t)snprintf(buf, sz, "%.*s%s%s", (int)len, p,
				     len ? "/" : "", cmd) < sz &&
		    !access(buf, X_OK))
			return 0;
		if (!colon)
			break;
	}
	return -ENOENT;
}

static bool cli_verbose;

static unsigned int cli_hidden_warnings;

static int cli_print(enum tsdt_print_level level, const char *fmt, va_list ap)
{
	char buf[1024];

	if (level != TSDT_WARN && !cli_verbose)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* type disagreements between a provider file and the notes (every
	 * bool of PostgreSQL's): counted, shown with -v */
	if (!cli_verbose && strstr(buf, ": warning: ")) {
		cli_hidden_warnings++;
		return 0;
	}
	fputs("libtsdt: ", stderr);
	fputs(buf, stderr);
	if (!*buf || buf[strlen(buf) - 1] != '\n')
		fputc('\n', stderr);
	return 0;
}

void cli_report_hidden_warnings(const char *cmd)
{
	if (cli_hidden_warnings)
		fprintf(stderr, "%s: %u warning%s about argument types (sizes or "
			"signs that differ between a provider file and the probe "
			"notes) not shown; -v shows them\n", cmd,
			cli_hidden_warnings, cli_hidden_warnings == 1 ? "" : "s");
	cli_hidden_warnings = 0;
}

void cli_set_verbose(bool verbose)
{
	cli_verbose = verbose;
	tsdt_set_print(cli_print);
}

void cli_put_rfc3339(FILE *f, long long real_ns)
{
	time_t sec = real_ns / 1000000000LL;
	struct tm tm;
	char buf[32];

	gmtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "%s.%09lldZ", buf, real_ns % 1000000000LL);
}
