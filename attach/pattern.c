// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Probe patterns: "[binary-or-library:]provider:name", the one syntax every
 * tool of tsdt (list, trace, stat, the examples, a user's own) selects
 * probes with, so that the same pattern selects the same probes everywhere.
 *
 *   provider:name          fnmatch(3) globs (* ? [..]) on each part
 *   name                   "*:name" (a caller may require the ':')
 *   binary:provider:name   the binary part may itself contain ':'; it
 *                          matches a binary whose path equals it (as a
 *                          glob), whose file name does, whose canonical
 *                          path is its canonical path (when it contains
 *                          '/'), or whose file name starts with it followed
 *                          by '.' or '-' (a library stem: "libc" for
 *                          libc.so.6, "libfoo" for libfoo-1.2.so)
 *
 * Probe names may be written in DTrace's spelling, with '-' for each "__"
 * of the C name ("transaction-start" for transaction__start), as DTrace's
 * and PostgreSQL's documentation write them: outside a bracket expression
 * a '-' in the name part is read as "__".
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct tsdt_pattern {
	char *text;
	char *binary;   /* NULL: any */
	char *provider;
	char *name;     /* DTrace '-' already turned into "__" */
};

/* @s[0..n) with each '-' outside [...] replaced by "__" */
static char *dtrace_name(const char *s, size_t n)
{
	char *out = malloc(2 * n + 1), *o = out;
	bool in_bracket = false;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (in_bracket) {
			/* "[]..]" and "[!]..]": a ']' first is literal */
			if (c == ']' && !(o[-1] == '[' ||
					  (o[-1] == '!' && o[-2] == '[')))
				in_bracket = false;
			*o++ = c;
		} else if (c == '[') {
			in_bracket = true;
			*o++ = c;
		} else if (c == '-') {
			*o++ = '_';
			*o++ = '_';
		} else {
			*o++ = c;
		}
	}
	*o = 0;
	return out;
}

void tsdt_pattern__free(struct tsdt_pattern *pat)
{
	if (!pat)
		return;
	free(pat->text);
	free(pat->binary);
	free(pat->provider);
	free(pat->name);
	free(pat);
}

struct tsdt_pattern *tsdt_pattern__new(const char *text)
{
	const char *last, *prev = NULL;
	struct tsdt_pattern *pat;
	int err = -ENOMEM;

	if (!text)
		return tsdt_err_ptr(-EINVAL);
	pat = calloc(1, sizeof(*pat));
	if (!pat)
		return tsdt_err_ptr(-ENOMEM);
	pat->text = strdup(text);
	last = strrchr(text, ':');
	if (!last) {
		pat->provider = strdup("*");
		pat->name = dtrace_name(text, strlen(text));
	} else {
		for (const char *p = text; p < last; p++)
			if (*p == ':')
				prev = p;
		if (prev) {
			pat->binary = strndup(text, prev - text);
			pat->provider = strndup(prev + 1, last - prev - 1);
		} else {
			pat->provider = strndup(text, last - text);
		}
		pat->name = dtrace_name(last + 1, strlen(last + 1));
	}
	if (!pat->text || !pat->provider || !pat->name ||
	    (prev && !pat->binary))
		goto err_out;
	err = -EINVAL;
	if (!*pat->provider || !*pat->name || (pat->binary && !*pat->binary))
		goto err_out;
	return pat;
err_out:
	tsdt_pattern__free(pat);
	return tsdt_err_ptr(err);
}

const char *tsdt_pattern__text(const struct tsdt_pattern *pat)
{
	return pat ? pat->text : NULL;
}

const char *tsdt_pattern__binary(const struct tsdt_pattern *pat)
{
	return pat ? pat->binary : NULL;
}

const char *tsdt_pattern__provider(const struct tsdt_pattern *pat)
{
	return pat ? pat->provider : NULL;
}

const char *tsdt_pattern__name(const struct tsdt_pattern *pat)
{
	return pat ? pat->name : NULL;
}

bool tsdt_pattern__binary_is_glob(const struct tsdt_pattern *pat)
{
	return pat && pat->binary && strpbrk(pat->binary, "*?[");
}

bool tsdt_pattern__match_names(const struct tsdt_pattern *pat,
			       const char *provider, const char *name)
{
	return pat && provider && name && !fnmatch(pat->provider, provider, 0) &&
	       !fnmatch(pat->name, name, 0);
}

bool tsdt_pattern__match_path(const struct tsdt_pattern *pat,
			      const char *path)
{
	const char *base, *want;
	size_t n;

	if (!pat || !path)
		return false;
	want = pat->binary;
	if (!want)
		return true;
	if (!fnmatch(want, path, 0))
		return true;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (strchr(want, '/')) {
		/* a path: also compare canonical forms (symlinks, "./") */
		char a[PATH_MAX], b[PATH_MAX];

		return realpath(want, a) && realpath(path, b) && !strcmp(a, b);
	}
	if (!fnmatch(want, base, 0))
		return true;
	n = strlen(want);
	return !strncmp(base, want, n) && (base[n] == '.' || base[n] == '-');
}

bool tsdt_pattern__match(const struct tsdt_pattern *pat,
			 const struct tsdt_probe *probe)
{
	return probe &&
	       tsdt_pattern__match_names(pat, tsdt_probe__provider(probe),
					 tsdt_probe__name(probe)) &&
	       tsdt_pattern__match_path(pat,
			tsdt_binary__path(tsdt_probe__binary(probe)));
}
