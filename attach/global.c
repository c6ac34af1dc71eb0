// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Globals for typed handlers (tsdt_attach_opts.globals): a global or
 * static variable, or a member path ("MyProcPort->application_name"), of
 * the probe's own file resolved into a spec read relative to the site (as
 * the tracer's --with), typed, and the type the handler says it reads
 * checked against the variable's before attach, with the one compatibility
 * check probe arguments use (tsdt_type__check()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo.h"
#include "elf-reader.h"
#include "internal.h"
#include "log.h"
#include "spec.h"

/* "NAME[:TYPE]" into @name and (when given) @want; -EINVAL when TYPE
 * does not parse */
static int split(const char *item, char *name, size_t name_sz,
		 struct tsdt_type *want, bool *typed)
{
	const char *colon = strchr(item, ':');
	size_t n = colon ? (size_t)(colon - item) : strlen(item);

	*typed = false;
	if (!n || n >= name_sz)
		return -EINVAL;
	memcpy(name, item, n);
	name[n] = 0;
	if (!colon)
		return 0;
	if (tsdt_type__parse(colon + 1, want))
		return -EINVAL;
	*typed = true;
	return 0;
}

int tsdt_global_resolve(const struct tsdt_binary *bin, const char *item,
			struct tsdt_arg_spec *spec, struct tsdt_type *type)
{
	char name[256], why[512] = "", tb[TSDT_TYPE_NAME_MAX + 32];
	const char *names[1];
	struct tsdt_debuginfo *di;
	struct tsdt_type want = {}, known = {};
	bool typed, found = false, has_type = false;
	uint64_t val = 0, size = 0;
	struct tsdt_elf ef;
	int err;

	if (split(item, name, sizeof(name), &want, &typed)) {
		pr_warn("attach: global '%s': NAME or NAME:TYPE, TYPE as in C\n", item);
		return -EINVAL;
	}
	memset(spec, 0, sizeof(*spec));
	spec->loc = TSDT_ARG_STATIC;
	snprintf(spec->sym, sizeof(spec->sym), "%.*s", (int)sizeof(spec->sym) - 1, name);
	/* a plain name: the symbol tables first */
	if (!strpbrk(name, ".->[")) {
		names[0] = name;
		err = tsdt_elf_open(&ef, tsdt_binary__open_path(bin),
				    tsdt_binary__path(bin));
		if (err)
			return err;
		err = tsdt_elf_resolve_syms(&ef, names, 1, &val, &size, &found);
		tsdt_elf_close(&ef);
		if (err)
			return err;
	}
	/* its type, or the variable or path itself: the debug information */
	di = tsdt_debuginfo_open_why(tsdt_binary__open_path(bin), why, sizeof(why));
	if (di) {
		uint64_t addr;

		if (!tsdt_debuginfo_find_path(di, tsdt_binary__path(bin), name,
					      &addr, &known, &spec->derefs,
					      spec->chain_off, why, sizeof(why))) {
			has_type = true;
			if (!found || spec->derefs) {
				val = addr;
				found = true;
			}
		}
		tsdt_debuginfo_close(di);
	}
	if (!found) {
		pr_warn("attach: %s: no global '%s' (.symtab, .dynsym, debug information)%s%s\n",
			tsdt_binary__path(bin), name, why[0] ? ": " : "", why);
		return -ENOENT;
	}
	if (!has_type) {
		/* only the symbol's size is known */
		if (typed && want.kind != TSDT_TYPE_STR && want.size != size) {
			pr_warn("attach: %s: global '%s' is %llu bytes, the handler reads it as %s\n",
				tsdt_binary__path(bin), name,
				(unsigned long long)size, tsdt_type__str(&want, tb, sizeof(tb)));
			return -EPROTOTYPE;
		}
		if (typed && want.kind == TSDT_TYPE_STR && size != 8) {
			pr_warn("attach: %s: global '%s' is %llu bytes, not a pointer: the handler reads it as %s\n",
				tsdt_binary__path(bin), name,
				(unsigned long long)size, tsdt_type__str(&want, tb, sizeof(tb)));
			return -EPROTOTYPE;
		}
		if (!typed) {
			if (size != 1 && size != 2 && size != 4 && size != 8) {
				pr_warn("attach: %s: global '%s' is %llu bytes: give its type (NAME:TYPE)\n",
					tsdt_binary__path(bin), name,
					(unsigned long long)size);
				return -EINVAL;
			}
			want = (struct tsdt_type){ .kind = TSDT_TYPE_INT,
						   .size = (int)size, .is_signed = true };
			snprintf(want.name, sizeof(want.name), "int%llu_t",
				 (unsigned long long)size * 8);
		}
		known = want;
	} else if (typed) {
		char kb[TSDT_TYPE_NAME_MAX + 32];

		if (tsdt_type__check(&want, &known, NULL, 0)) {
			pr_warn("attach: %s: global '%s' is %s, the handler reads it as %s\n",
				tsdt_binary__path(bin), name,
				tsdt_type__str(&known, kb, sizeof(kb)),
				tsdt_type__str(&want, tb, sizeof(tb)));
			return -EPROTOTYPE;
		}
		known = want;
	}
	if (known.kind == TSDT_TYPE_STR)
		known.size = 8;
	if (known.size != 1 && known.size != 2 && known.size != 4 && known.size != 8) {
		pr_warn("attach: %s: global '%s' is %s, which BPF cannot read as one value\n",
			tsdt_binary__path(bin), name, tsdt_type__str(&known, tb, sizeof(tb)));
		return -EINVAL;
	}
	spec->addr = val;
	spec->size = known.size;
	spec->is_signed = known.is_signed;
	*type = known;
	return 0;
}
