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
 *   ...:name(TYPE NAME, ...)  the probes' argument types, written as in a
 *                          provider file (ad-hoc types for binaries built
 *                          without them; checked against the notes as a
 *                          provider file is: tsdt_catalog__apply_pattern_types())
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

#include "catalog.h"
#include "internal.h"
#include "log.h"
#include "provider.h"

struct tsdt_pattern {
	char *text;
	char *binary;   /* NULL: any */
	char *provider;
	char *name;     /* DTrace '-' already turned into "__" */
	/* "(TYPE NAME, ...)" after the name: the argument types, parsed by
	 * the provider-file parser as one probe "p:a"; NULL: none */
	struct tsdt_provider_file *types;
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
	tsdt_provider_file__free(pat->types);
	free(pat);
}

/*
 * The argument list of "provider:name(const char *file, int line)", parsed
 * as provider files are (one parser): wrapped into "provider p { probe a
 * (...); };". A message's column is moved back to the pattern's.
 */
static int parse_types(struct tsdt_pattern *pat, const char *text,
		       const char *open)
{
	static const char head[] = "provider p { probe a";
	size_t n = strlen(open);
	char *buf, err[512];
	int e;

	if (asprintf(&buf, "%s%s; };", head, open) < 0)
		return -ENOMEM;
	pat->types = tsdt_provider_file__parse_quiet(buf, strlen(buf), text,
						     err, sizeof(err));
	e = errno;
	free(buf);
	if (pat->types) {
		pat->types->pattern = true;
		return 0;
	}
	if (e == ENOMEM)
		return -ENOMEM;
	{
		/* "TEXT:1:COL: message" */
		const char *msg = err;
		size_t tl = strlen(text);
		long col = 0;

		if (!strncmp(msg, text, tl) && !strncmp(msg + tl, ":1:", 3)) {
			char *end;

			col = strtol(msg + tl + 3, &end, 10);
			if (*end == ':') {
				msg = end + 2;
				col -= (long)(sizeof(head) - 1);
				col += (long)(open - text);
			}
		}
		if (col < 1 || col > (long)(open - text + n + 1))
			col = (long)(open - text) + 1;
		pr_warn("bad probe pattern '%s': column %ld: %s\n", text, col, msg);
	}
	return -EINVAL;
}

struct tsdt_pattern *tsdt_pattern__new(const char *text)
{
	const char *last, *prev = NULL;
	struct tsdt_pattern *pat;
	char *sel = NULL;
	int err = -ENOMEM;

	if (!text)
		return tsdt_err_ptr(-EINVAL);
	pat = calloc(1, sizeof(*pat));
	if (!pat)
		return tsdt_err_ptr(-ENOMEM);
	pat->text = strdup(text);
	{
		/* "provider:name(TYPES)": types, then the selector alone */
		const char *open = strchr(text, '(');
		size_t len = strlen(text);

		if (open && len && text[len - 1] == ')') {
			err = parse_types(pat, text, open);
			if (err)
				goto err_out;
			sel = strndup(text, open - text);
			if (!sel)
				goto err_out;
			text = sel;
		}
		err = -ENOMEM;
	}
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
	if (!*pat->provider || !*pat->name || (pat->binary && !*pat->binary)) {
		pr_warn("bad probe pattern '%s': expected "
			"[binary:]provider:name[(TYPE NAME, ...)]\n", pat->text);
		goto err_out;
	}
	free(sel);
	return pat;
err_out:
	free(sel);
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

bool tsdt_pattern__has_types(const struct tsdt_pattern *pat)
{
	return pat && pat->types;
}

const struct tsdt_pf_probe *tsdt_pattern_types(const struct tsdt_pattern *pat)
{
	return pat && pat->types ? &pat->types->providers[0].probes[0] : NULL;
}

const struct tsdt_provider_file *
tsdt_pattern_type_file(const struct tsdt_pattern *pat)
{
	return pat ? pat->types : NULL;
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
