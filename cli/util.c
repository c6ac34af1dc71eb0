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

int cli_add_provider_file(const char ***files, int *cnt, const char *path)
{
	const char **p = realloc(*files, (*cnt + 2) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	p[(*cnt)++] = path;
	p[*cnt] = NULL;
	*files = p;
	return 0;
}

static bool cli_verbose;
static const char *cli_name;


static int cli_print(enum tsdt_print_level level, const char *fmt, va_list ap)
{
	char buf[1024];

	if (level != TSDT_WARN && !cli_verbose)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* a warning is the command's message (once: the command adds none of
	 * its own); debug and info lines are the library's */
	fputs(level == TSDT_WARN && cli_name ? cli_name : "libtsdt", stderr);
	fputs(": ", stderr);
	fputs(buf, stderr);
	if (!*buf || buf[strlen(buf) - 1] != '\n')
		fputc('\n', stderr);
	return 0;
}

void cli_report_hidden_warnings(const char *cmd, size_t n)
{
	/* type disagreements between a provider file and the notes (every
	 * bool of PostgreSQL's): info messages, shown with -v, else counted */
	if (n && !cli_verbose)
		fprintf(stderr, "%s: %zu warning%s about argument types (sizes or "
			"signs that differ between a provider file and the probe "
			"notes) not shown; -v shows them\n", cmd, n,
			n == 1 ? "" : "s");
}

void cli_set_print(const char *name, bool verbose)
{
	cli_name = name;
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

void cli_report_following(const char *cmd, const struct tsdt_tracer *tr,
			  bool quiet)
{
	unsigned long long full = tsdt_tracer__follow_full_cnt(tr);
	unsigned long long plost = tsdt_tracer__proc_lost_cnt(tr);

	/* a command that forked or exec'd nothing: nothing to say */
	if (!quiet && (tsdt_tracer__proc_event_cnt(tr, TSDT_EVENT_FORK) ||
		       tsdt_tracer__proc_event_cnt(tr, TSDT_EVENT_EXEC) > 1))
		fprintf(stderr, "%s: followed %llu forks, %llu execs, %llu exits, %llu loads; %llu stops at a new file (longest %.2f ms)\n",
			cmd,
			(unsigned long long)tsdt_tracer__proc_event_cnt(tr, TSDT_EVENT_FORK),
			(unsigned long long)tsdt_tracer__proc_event_cnt(tr, TSDT_EVENT_EXEC),
			(unsigned long long)tsdt_tracer__proc_event_cnt(tr, TSDT_EVENT_EXIT),
			(unsigned long long)tsdt_tracer__proc_event_cnt(tr, TSDT_EVENT_LOAD),
			(unsigned long long)tsdt_tracer__hold_cnt(tr),
			tsdt_tracer__hold_max_ns(tr) / 1e6);
	if (full)
		fprintf(stderr, "%s: WARNING: %llu forked processes were not followed: the followed set was full\n",
			cmd, full);
	if (plost)
		fprintf(stderr, "%s: WARNING: %llu process events lost: the ring buffer was full (try a larger --buffer-size)\n",
			cmd, plost);
}
