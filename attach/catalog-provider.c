// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Types from provider files, for probes without a type note.
 *
 * The caller names provider files (tsdt_catalog_opts.provider_files, `tsdt
 * list --provider-file`); provider.c parses them (it expands the file's
 * own #defines, so PostgreSQL-style files need no cpp). A probe of the binary
 * is matched by provider and probe name exactly; the first file that has it
 * wins. The notes are the truth about what each site passes, so:
 *
 *  - a different number of arguments is an error: reported, counted in
 *    tsdt_catalog__problem_cnt(), and the probe stays untyped;
 *  - a type this library does not know (an unknown typedef) leaves that
 *    argument untyped, with a warning (also counted);
 *  - a size or sign that differs from a site's spec is a warning naming the
 *    probe, the argument and both (PostgreSQL passes bool as a 4-byte int),
 *    at info level, once per argument, counted apart
 *    (tsdt_catalog__mismatch_cnt(), not a problem): the provider file's type
 *    is kept, since the BPF side reads each site by its own spec and extends
 *    the value.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "log.h"
#include "provider.h"

int tsdt_catalog_load_provider_files(const struct tsdt_catalog_opts *opts,
				     struct tsdt_provider_file ***ret)
{
	const char *const *files =
		opts && opts->sz > offsetof(struct tsdt_catalog_opts,
					    provider_files)
		? opts->provider_files : NULL;
	struct tsdt_provider_file **pfs;
	size_t n = 0;

	*ret = NULL;
	if (!files || !files[0])
		return 0;
	while (files[n])
		n++;
	pfs = calloc(n + 1, sizeof(*pfs));
	if (!pfs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char err[512];

		err[0] = 0;
		pfs[i] = tsdt_provider_file__open(files[i], err, sizeof(err));
		if (!pfs[i]) {
			int e = -errno;

			/* the parser logged "FILE:LINE:COL: message" */
			pr_warn("catalog: cannot use provider file %s\n",
				files[i]);
			tsdt_catalog_free_provider_files(pfs);
			return e ? e : -EINVAL;
		}
	}
	pr_debug("catalog: %zu provider file%s read\n", n, n == 1 ? "" : "s");
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

static void check_sizes(struct tsdt_binary *bin, struct tsdt_probe *p, int i,
			const char *file, int line)
{
	const struct tsdt_type *t = &p->types[i];
	char tb[TSDT_TYPE_NAME_MAX + 32];
	const char *aname = p->arg_names[i] ? p->arg_names[i] : "";

	for (size_t s = 0; s < p->site_cnt; s++) {
		const struct tsdt_site *site = &p->sites[s];
		const struct tsdt_arg_spec *sp = &site->args[i];
		bool sign_matters = t->kind == TSDT_TYPE_INT;

		if (!site->arg_ok[i])
			continue;
		if (sp->size == (int)t->size &&
		    (!sign_matters || sp->is_signed == t->is_signed))
			continue;
		bin->cat->mismatch_cnt++;
		pr_info("catalog: %s: probe %s:%s arg %d%s%s%s: warning: %s:%d "
			"declares %s, the site at 0x%" PRIx64 " passes %sint%d\n",
			bin->path, p->provider, p->name, i,
			aname[0] ? " '" : "", aname, aname[0] ? "'" : "",
			file, line, tsdt_type__str(t, tb, sizeof(tb)),
			site->addr, sp->is_signed ? "" : "u", sp->size * 8);
		return; /* once per argument */
	}
}

int tsdt_catalog_apply_provider_files(struct tsdt_binary *bin,
				      struct tsdt_provider_file *const *pfs)
{
	if (!pfs)
		return 0;
	for (size_t pi = 0; pi < bin->probe_cnt; pi++) {
		struct tsdt_probe *p = &bin->probes[pi];
		const struct tsdt_pf_probe *pp = NULL;
		const struct tsdt_provider_file *pf = NULL;

		if (p->type_src != TSDT_TYPES_NONE)
			continue;
		for (size_t f = 0; pfs[f] && !pp; f++) {
			pp = tsdt_provider_file__find_probe(pfs[f], p->provider,
							    p->name);
			pf = pfs[f];
		}
		if (!pp)
			continue;
		if (pp->arg_cnt != p->arg_cnt) {
			pr_warn("catalog: %s: probe %s:%s: error: %s:%d declares "
				"%d arguments, the binary's notes have %d; the "
				"probe is left untyped\n", bin->path, p->provider,
				p->name, pp->loc.file ? pp->loc.file : pf->path,
				pp->loc.line, pp->arg_cnt, p->arg_cnt);
			bin->problem_cnt++;
			continue;
		}
		p->type_src = TSDT_TYPES_PROVIDER;
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
			check_sizes(bin, p, i, a->loc.file ? a->loc.file
							   : pf->path, a->loc.line);
		}
	}
	return 0;
}
