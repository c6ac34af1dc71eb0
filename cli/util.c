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

void cli_put_c_escaped(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		switch (c) {
		case '"':  fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			if (c < 0x20 || c >= 0x7f)
				fprintf(f, "\\x%02x", c);
			else
				fputc(c, f);
		}
	}
}

/* Length of the valid UTF-8 sequence at s (at most len bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	size_t n;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

void cli_put_json_str(FILE *f, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	fputc('"', f);
	for (size_t i = 0; i < len;) {
		unsigned char c = u[i];
		size_t n;

		/* a run of plain ASCII is written at once */
		for (n = i; n < len && u[n] >= 0x20 && u[n] < 0x7f &&
			    u[n] != '"' && u[n] != '\\'; n++)
			;
		if (n > i) {
			fwrite(u + i, 1, n - i, f);
			i = n;
			continue;
		}
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			i++;
		} else if (c == '\n') {
			fputs("\\n", f), i++;
		} else if (c == '\t') {
			fputs("\\t", f), i++;
		} else if (c == '\r') {
			fputs("\\r", f), i++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c), i++;
		} else if ((n = utf8_seq(u + i, len - i))) {
			fwrite(u + i, 1, n, f);
			i += n;
		} else {
			fprintf(f, "\\u%04x", c), i++;
		}
	}
	fputc('"', f);
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

long long cli_mono_to_real_offset(void)
{
	struct timespec m1, r, m2;

	/* the realtime reading bracketed by two monotonic ones */
	clock_gettime(CLOCK_MONOTONIC, &m1);
	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m2);
	return (r.tv_sec * 1000000000LL + r.tv_nsec) -
	       ((m1.tv_sec + m2.tv_sec) * 500000000LL + (m1.tv_nsec + m2.tv_nsec) / 2);
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
