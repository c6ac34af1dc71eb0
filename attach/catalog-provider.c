// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Types from provider files, for probes without a type note.
 *
 * Two kinds of provider files, parsed by provider.c (which expands the
 * file's own #defines, so PostgreSQL-style files need no cpp):
 *
 *  - the caller's (tsdt_catalog_opts.provider_files, `--provider-file`):
 *    a probe is matched by provider and probe name exactly; the first file
 *    that has it wins;
 *  - the stock ones, tsdt's library of types for software built with plain
 *    <sys/sdt.h> (providers/ in the source tree, installed in
 *    share/tsdt/providers): for the probes no caller's file typed, per
 *    binary and provider, the one file whose probe set fits the binary's
 *    best (fewest of the binary's probes missing or with another argument
 *    count, then fewest probes the binary does not have), so that one file
 *    per program version works (postgresql-15.d, postgresql-16.d, ...).
 *
 * Either kind may be limited to some binaries (`#pragma tsdt binary GLOB`).
 * The notes are the truth about what each site passes, so:
 *
 *  - a different number of arguments is an error: reported, counted in
 *    tsdt_catalog__problem_cnt(), and the probe stays untyped;
 *  - a type this library does not know (an unknown typedef) leaves that
 *    argument untyped, with a warning (also counted);
 *  - a size or sign that differs from a site's spec is told at info level,
 *    once per probe, naming its arguments (PostgreSQL passes bools as
 *    4-byte ints): the file's type is kept, since the BPF side reads each
 *    site by its own spec and extends the value; a caller's file's
 *    disagreements are counted (tsdt_catalog__mismatch_cnt(), not
 *    problems), a stock file's are known and are not.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog.h"
#include "internal.h"
#include "log.h"
#include "provider.h"

#include "attach/stock-dir.h" /* generated: TSDT_STOCK_DIR, ..._SRC_... */

static bool is_dir(const char *path)
{
	struct stat st;

	return path && !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* The stock directory: the caller's, the environment's (*@named: one
 * that must exist), the installed one, else (an uninstalled build) the
 * source tree's. NULL: none. */
static const char *stock_dir(const struct tsdt_catalog_opts *opts,
			     bool *named)
{
	const char *d = TSDT_OPTS_GET(opts, stock_dir, NULL);

	*named = true;
	if (d)
		return d;
	d = getenv("TSDT_PROVIDERS_DIR");
	if (d && d[0])
		return d;
	*named = false;
	if (is_dir(TSDT_STOCK_DIR))
		return TSDT_STOCK_DIR;
#ifdef TSDT_SRC_STOCK_DIR
	if (is_dir(TSDT_SRC_STOCK_DIR))
		return TSDT_SRC_STOCK_DIR;
#endif
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends the stock files (*.d of the stock directory, by name) to the
 * NULL-terminated *@pfs of *@n. A file that cannot be read is skipped with
 * a warning: one broken file must not keep the others out. */
static int load_stock(const struct tsdt_catalog_opts *opts,
		      struct tsdt_provider_file ***pfs, size_t *n)
{
	bool named;
	const char *dir = stock_dir(opts, &named);
	char **names = NULL;
	size_t cnt = 0, cap = 0, found = 0;
	struct dirent *de;
	int err = 0;
	DIR *d;

	if (!dir) {
		pr_debug("catalog: no stock provider directory\n");
		return 0;
	}
	d = opendir(dir);
	if (!d) {
		/* the caller's or environment's directory: say so */
		if (named)
			pr_warn("catalog: stock provider directory %s: %s\n",
				dir, strerror(errno));
		return 0;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 3 || strcmp(de->d_name + l - 2, ".d") ||
		    de->d_name[0] == '.')
			continue;
		if (cnt == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 16) *
						   sizeof(*nn));

			if (!nn) {
				err = -ENOMEM;
				goto out;
			}
			names = nn;
		}
		if (asprintf(&names[cnt], "%s/%s", dir, de->d_name) < 0) {
			err = -ENOMEM;
			goto out;
		}
		cnt++;
	}
	qsort(names, cnt, sizeof(*names), cmp_str);
	for (size_t i = 0; i < cnt; i++) {
		struct tsdt_provider_file *pf, **np;
		char msg[512];

		pf = tsdt_provider_file__open(names[i], msg, sizeof(msg));
		if (!pf) {
			if (errno == ENOMEM) {
				err = -ENOMEM;
				goto out;
			}
			/* the parser said why, by position */
			pr_warn("catalog: stock provider file %s skipped\n",
				names[i]);
			continue;
		}
		pf->stock = true;
		np = realloc(*pfs, (*n + 2) * sizeof(*np));
		if (!np) {
			tsdt_provider_file__free(pf);
			err = -ENOMEM;
			goto out;
		}
		np[(*n)++] = pf;
		np[*n] = NULL;
		*pfs = np;
		found++;
	}
	pr_debug("catalog: %zu stock provider file%s read from %s\n", found,
		 found == 1 ? "" : "s", dir);
out:
	for (size_t i = 0; i < cnt; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return err;
}

int tsdt_catalog_load_provider_files(const struct tsdt_catalog_opts *opts,
				     struct tsdt_provider_file ***ret)
{
	const char *const *files = TSDT_OPTS_GET(opts, provider_files, NULL);
	struct tsdt_provider_file **pfs;
	size_t n = 0, given = 0;
	int err;

	*ret = NULL;
	if (!TSDT_OPTS_VALID(opts, tsdt_catalog_opts)) {
		pr_warn("catalog: bad tsdt_catalog_opts (sz %zu)\n", opts->sz);
		return -EINVAL;
	}
	while (files && files[given])
		given++;
	pfs = calloc(given + 1, sizeof(*pfs));
	if (!pfs)
		return -ENOMEM;
	for (; n < given; n++) {
		char msg[512];

		pfs[n] = tsdt_provider_file__open(files[n], msg, sizeof(msg));
		if (!pfs[n]) {
			int e = -errno;

			/* the parser logged "FILE:LINE:COL: message" */
			pr_warn("catalog: cannot use provider file %s\n",
				files[n]);
			tsdt_catalog_free_provider_files(pfs);
			return e ? e : -EINVAL;
		}
	}
	if (given)
		pr_debug("catalog: %zu provider file%s read\n", given,
			 given == 1 ? "" : "s");
	if (!TSDT_OPTS_GET(opts, no_stock_types, false)) {
		err = load_stock(opts, &pfs, &n);
		if (err) {
			tsdt_catalog_free_provider_files(pfs);
			return err;
		}
	}
	if (!n) {
		free(pfs);
		pfs = NULL;
	}
	*ret = pfs;
	return 0;
}

void tsdt_catalog_free_provider_files(struct tsdt_provider_file **pfs)
{
	if (!pfs)
		return;
	for (size_t i = 0; pfs[i]; i++)
		tsdt_provider_file__free(pfs[i]);
	free(pfs);
}

/* Tells, once per probe, the arguments whose type has another size or sign
 * than a site's spec passes. */
static void check_sizes(struct tsdt_binary *bin, struct tsdt_probe *p,
			const struct tsdt_provider_file *pf,
			const struct tsdt_pf_probe *pp)
{
	char msg[1024];
	size_t len = 0;
	int bad = 0;

	msg[0] = 0;
	for (int i = 0; i < p->arg_cnt; i++) {
		const struct tsdt_type *t = &p->types[i];
		bool sign_matters = t->kind == TSDT_TYPE_INT;
		char tb[TSDT_TYPE_NAME_MAX + 32];

		if (t->kind == TSDT_TYPE_UNTYPED)
			continue;
		for (size_t s = 0; s < p->site_cnt; s++) {
			const struct tsdt_site *site = &p->sites[s];
			const struct tsdt_arg_spec *sp = &site->args[i];
			int w;

			if (!site->arg_ok[i])
				continue;
			if (sp->size == (int)t->size &&
			    (!sign_matters || sp->is_signed == t->is_signed))
				continue;
			w = snprintf(msg + len, sizeof(msg) - len,
				     "%sarg %d%s%s%s %s, passed as %sint%d",
				     bad ? "; " : "", i,
				     p->arg_names[i] ? " '" : "",
				     p->arg_names[i] ? p->arg_names[i] : "",
				     p->arg_names[i] ? "'" : "",
				     tsdt_type__str(t, tb, sizeof(tb)),
				     sp->is_signed ? "" : "u", sp->size * 8);
			if (w > 0 && (size_t)w < sizeof(msg) - len)
				len += (size_t)w;
			bad++;
			break; /* one site says it */
		}
	}
	if (!bad)
		return;
	if (!pf->stock)
		bin->cat->mismatch_cnt++;
	pr_info("catalog: %s: probe %s:%s: %s:%d declares %s; each site is "
		"read as it passes it\n", bin->path, p->provider, p->name,
		pp->loc.file ? pp->loc.file : pf->path, pp->loc.line, msg);
}

/* Gives @p the types of @pp from @pf. */
static int apply_probe(struct tsdt_binary *bin, struct tsdt_probe *p,
		       const struct tsdt_provider_file *pf,
		       const struct tsdt_pf_probe *pp)
{
	if (pp->arg_cnt != p->arg_cnt) {
		/* the caller's file: an error; a stock file: a version none is
		 * written for, not the caller's problem (told with -v) */
		tsdt_pr(pf->stock ? TSDT_INFO : TSDT_WARN,
			"catalog: %s: probe %s:%s: %s%s:%d declares %d "
			"argument%s, the binary's notes have %d; the probe is "
			"left untyped\n", bin->path, p->provider, p->name,
			pf->stock ? "stock file " : "error: ",
			pp->loc.file ? pp->loc.file : pf->path, pp->loc.line,
			pp->arg_cnt, pp->arg_cnt == 1 ? "" : "s", p->arg_cnt);
		if (!pf->stock)
			bin->problem_cnt++;
		return 0;
	}
	free(p->type_file);
	p->type_file = strdup(pf->path);
	if (!p->type_file)
		return -ENOMEM;
	p->type_src = pf->stock ? TSDT_TYPES_STOCK
		    : pf->pattern ? TSDT_TYPES_PATTERN : TSDT_TYPES_PROVIDER;
	for (int i = 0; i < p->arg_cnt; i++) {
		const struct tsdt_pf_arg *a = &pp->args[i];
		struct tsdt_type t;

		free(p->arg_names[i]);
		p->arg_names[i] = a->name ? strdup(a->name) : NULL;
		if (tsdt_type__parse(a->type, &t) ||
		    t.kind == TSDT_TYPE_UNTYPED) {
			pr_warn("catalog: %s: probe %s:%s arg %d: %s:%d: "
				"unknown type '%s'; the argument stays "
				"untyped\n", bin->path, p->provider,
				p->name, i, a->loc.file ? a->loc.file
							: pf->path,
				a->loc.line, a->type);
			bin->problem_cnt++;
			continue; /* keeps the untyped size and sign */
		}
		p->types[i] = t;
	}
	check_sizes(bin, p, pf, pp);
	return 0;
}

/* How badly stock file @pf fits @bin's probes of @provider: the binary's
 * probes it lacks (or declares with another argument count) weigh most,
 * then the probes it has that the binary lacks. -1: it has none of them. */
static long stock_misfit(const struct tsdt_binary *bin, const char *provider,
			 const struct tsdt_provider_file *pf)
{
	const struct tsdt_pf_provider *prov = NULL;
	size_t have = 0, lack = 0, in_bin = 0;

	for (size_t i = 0; i < pf->provider_cnt && !prov; i++)
		if (!strcmp(pf->providers[i].name, provider))
			prov = &pf->providers[i];
	if (!prov)
		return -1;
	for (size_t i = 0; i < bin->probe_cnt; i++) {
		const struct tsdt_probe *p = &bin->probes[i];
		const struct tsdt_pf_probe *pp;

		if (strcmp(p->provider, provider))
			continue;
		in_bin++;
		pp = tsdt_provider_file__find_probe(pf, provider, p->name);
		if (pp && pp->arg_cnt == p->arg_cnt)
			have++;
		else
			lack++;
	}
	if (!have)
		return -1;
	return (long)lack * 100000 + (long)(prov->probe_cnt - (in_bin - lack));
}

int tsdt_catalog_apply_provider_files(struct tsdt_binary *bin,
				      struct tsdt_provider_file *const *pfs)
{
	bool *claimed; /* a caller's file has the probe (typed it or not) */
	int err = 0;

	if (!pfs || !bin->probe_cnt)
		return 0;
	claimed = calloc(bin->probe_cnt, sizeof(*claimed));
	if (!claimed)
		return -ENOMEM;
	/* the caller's files first, in their order */
	for (size_t pi = 0; pi < bin->probe_cnt; pi++) {
		struct tsdt_probe *p = &bin->probes[pi];

		if (p->type_src != TSDT_TYPES_NONE)
			continue;
		for (size_t f = 0; pfs[f]; f++) {
			const struct tsdt_pf_probe *pp;

			if (pfs[f]->stock ||
			    !tsdt_provider_file__applies_to(pfs[f], bin->path))
				continue;
			pp = tsdt_provider_file__find_probe(pfs[f], p->provider,
							    p->name);
			if (!pp)
				continue;
			/* one that disagrees leaves it untyped, as it says:
			 * the caller's file overrides the stock ones */
			claimed[pi] = true;
			if ((err = apply_probe(bin, p, pfs[f], pp)))
				goto out;
			break;
		}
	}
	/* then, per provider still untyped, the stock file that fits best */
	for (size_t pi = 0; pi < bin->probe_cnt; pi++) {
		struct tsdt_probe *p = &bin->probes[pi];
		const struct tsdt_provider_file *best = NULL;
		long best_misfit = -1;
		bool seen = false, want = false;

		for (size_t q = 0; q < pi && !seen; q++)
			seen = !strcmp(bin->probes[q].provider, p->provider);
		if (seen)
			continue; /* this provider was done */
		for (size_t q = pi; q < bin->probe_cnt && !want; q++)
			want = bin->probes[q].type_src == TSDT_TYPES_NONE &&
			       !claimed[q] &&
			       !strcmp(bin->probes[q].provider, p->provider);
		if (!want)
			continue; /* typed already, every probe of it */
		for (size_t f = 0; pfs[f]; f++) {
			long m;

			if (!pfs[f]->stock ||
			    !tsdt_provider_file__applies_to(pfs[f], bin->path))
				continue;
			m = stock_misfit(bin, p->provider, pfs[f]);
			if (m >= 0 && (best_misfit < 0 || m < best_misfit)) {
				best = pfs[f];
				best_misfit = m;
			}
		}
		if (!best)
			continue;
		pr_debug("catalog: %s: provider %s typed by stock file %s\n",
			 bin->path, p->provider, best->path);
		for (size_t q = pi; q < bin->probe_cnt; q++) {
			struct tsdt_probe *o = &bin->probes[q];
			const struct tsdt_pf_probe *pp;

			if (o->type_src != TSDT_TYPES_NONE || claimed[q] ||
			    strcmp(o->provider, p->provider))
				continue;
			pp = tsdt_provider_file__find_probe(best, o->provider,
							    o->name);
			if (pp && (err = apply_probe(bin, o, best, pp)))
				goto out;
		}
	}
out:
	free(claimed);
	return err;
}

int tsdt_catalog_apply_pattern(struct tsdt_probe *p,
			       const struct tsdt_pattern *pat)
{
	const struct tsdt_pf_probe *pp = tsdt_pattern_types(pat);
	const struct tsdt_provider_file *pf = tsdt_pattern_type_file(pat);
	struct tsdt_binary *bin = p->bin;

	if (!pp)
		return 0;
	if (p->type_src == TSDT_TYPES_NOTE) {
		pr_info("catalog: %s: probe %s:%s has its own types (a type "
			"note); those of pattern '%s' are not used\n",
			bin->path, p->provider, p->name,
			tsdt_pattern__text(pat));
		return 0;
	}
	if (p->type_src == TSDT_TYPES_PATTERN)
		return 0; /* an earlier pattern typed it */
	if (pp->arg_cnt != p->arg_cnt) {
		pr_warn("catalog: %s: probe %s:%s: pattern '%s' declares %d "
			"argument%s, the binary's notes have %d\n", bin->path,
			p->provider, p->name, tsdt_pattern__text(pat),
			pp->arg_cnt, pp->arg_cnt == 1 ? "" : "s", p->arg_cnt);
		return -EINVAL;
	}
	for (int i = 0; i < pp->arg_cnt; i++) {
		struct tsdt_type t;

		if (tsdt_type__parse(pp->args[i].type, &t) ||
		    t.kind == TSDT_TYPE_UNTYPED) {
			pr_warn("catalog: pattern '%s': argument %d: unknown type "
				"'%s'\n", tsdt_pattern__text(pat), i,
				pp->args[i].type);
			return -EINVAL;
		}
	}
	return apply_probe(bin, p, pf, pp);
}

int tsdt_catalog__apply_pattern_types(struct tsdt_catalog *cat,
				      const struct tsdt_pattern *pat)
{
	int n = 0, err;

	if (!cat || !pat)
		return -EINVAL;
	if (!tsdt_pattern__has_types(pat))
		return 0;
	for (size_t b = 0; b < cat->bin_cnt; b++) {
		struct tsdt_binary *bin = cat->bins[b];

		for (size_t i = 0; i < bin->probe_cnt; i++) {
			struct tsdt_probe *p = &bin->probes[i];

			if (!tsdt_pattern__match(pat, p))
				continue;
			err = tsdt_catalog_apply_pattern(p, pat);
			if (err)
				return err;
			n += p->type_src == TSDT_TYPES_PATTERN;
		}
	}
	return n;
}
