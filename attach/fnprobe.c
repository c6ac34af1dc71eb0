// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Function probes: the entry and the return of functions, by symbol, as
 * probes of two pseudo-providers, "fn" (arguments: the ABI's first six
 * integer argument registers) and "fn-return" (the return value register),
 * so that patterns ("BINARY:fn:SYMBOL", globs), targets, the tracer and the
 * writers treat them as USDT probes. Each function is one probe with one
 * site at its entry; a "fn-return" probe is attached as a uretprobe
 * (tsdt_probe_is_return()). Symbols come from .symtab, else .dynsym
 * (STT_FUNC, defined, with an address); aliases of one address give one
 * probe. Without debug information the arguments are untyped 64-bit
 * integers (arg0..arg5). With it (debuginfo.c, x86-64), each function's
 * parameters are its arguments, by name and type, placed by the SysV ABI:
 * integers, pointers, enums and bools in %rdi, %rsi, %rdx, %rcx, %r8, %r9,
 * then on the stack; floats in %xmm registers (decoded, unreadable from
 * BPF); a struct passed by value leaves the function untyped (its place
 * depends on its layout). The return value is typed too.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "elf-reader.h"
#include "internal.h"
#include "log.h"
#include "debuginfo.h"
#include "spec.h"

static const char *const x86_entry[] = { "8@%rdi", "8@%rsi", "8@%rdx",
					 "8@%rcx", "8@%r8", "8@%r9" };
static const char *const x86_ret[] = { "8@%rax" };
static const char *const arm64_entry[] = { "8@x0", "8@x1", "8@x2",
					   "8@x3", "8@x4", "8@x5" };
static const char *const arm64_ret[] = { "8@x0" };

bool tsdt_probe_is_return(const struct tsdt_probe *p)
{
	return p && !strcmp(p->provider, TSDT_FN_RETURN_PROVIDER);
}

/*
 * The specs of @fn's arguments from its debug information (x86-64): 0 with
 * @p's types, names and @specs filled, or -ENOENT to keep the raw ones.
 */
static int typed_specs(struct tsdt_debuginfo *di, struct tsdt_probe *p,
		       const char *fn, bool ret, char specs[][32], int *cnt)
{
	static const char *const iregs[] = { "rdi", "rsi", "rdx", "rcx", "r8", "r9" };
	struct tsdt_debuginfo_param params[TSDT_MAX_ARGS];
	struct tsdt_type rt;
	int n, ni = 0, nf = 0, stack = 0;

	if (!di || p->bin->arch != TSDT_ARCH_X86_64)
		return -ENOENT;
	n = tsdt_debuginfo_fn_params(di, fn, TSDT_MAX_ARGS, params, &rt);
	if (n < 0)
		return n;
	if (ret) {
		if (rt.kind == TSDT_TYPE_UNTYPED)
			return -ENOENT; /* void, or a struct */
		p->types[0] = rt;
		snprintf(specs[0], 32, rt.kind == TSDT_TYPE_FLOAT ? "8f@%%xmm0" : "8@%%rax");
		*cnt = 1;
		return 0;
	}
	for (int i = 0; i < n; i++)
		if (params[i].type.kind == TSDT_TYPE_UNTYPED)
			return -ENOENT;
	for (int i = 0; i < n; i++) {
		struct tsdt_type *t = &params[i].type;

		p->types[i] = *t;
		free(p->arg_names[i]);
		p->arg_names[i] = strdup(params[i].name[0] ? params[i].name : "arg");
		if (t->kind == TSDT_TYPE_FLOAT)
			snprintf(specs[i], 32, "8f@%%xmm%d", nf++);
		else if (ni < 6)
			snprintf(specs[i], 32, "8@%%%s", iregs[ni++]);
		else /* on the stack, above the return address */
			snprintf(specs[i], 32, "8@%d(%%rsp)", 8 * ++stack);
	}
	*cnt = n;
	return 0;
}

/* Fills @p as a function probe @name at @addr (file offset @off). */
static int fn_probe(struct tsdt_probe *p, struct tsdt_binary *bin,
		    const char *name, uint64_t addr, uint64_t off, bool ret,
		    struct tsdt_debuginfo *di)
{
	char typed[TSDT_MAX_ARGS][32];
	int tn = 0;
	const char *const *specs;
	int n;
	char raw[256] = "";

	if (bin->arch == TSDT_ARCH_X86_64) {
		specs = ret ? x86_ret : x86_entry;
	} else if (bin->arch == TSDT_ARCH_AARCH64) {
		specs = ret ? arm64_ret : arm64_entry;
	} else {
		return -ENOTSUP;
	}
	n = ret ? 1 : 6;
	memset(p, 0, sizeof(*p));
	p->bin = bin;
	p->provider = strdup(ret ? TSDT_FN_RETURN_PROVIDER : TSDT_FN_PROVIDER);
	p->name = strdup(name);
	p->sites = calloc(1, sizeof(*p->sites));
	if (!p->provider || !p->name || !p->sites)
		return -ENOMEM;
	p->arg_cnt = n;
	p->type_src = TSDT_TYPES_NONE;
	p->sema_value = -1;
	p->site_cnt = 1;
	p->sites[0].probe = p;
	p->sites[0].addr = addr;
	p->sites[0].file_off = off;
	p->sites[0].arg_cnt = n;
	for (int i = 0; i < n; i++) {
		char an[8];
		int err;

		p->types[i] = (struct tsdt_type){ .kind = TSDT_TYPE_UNTYPED,
						  .size = 8 };
		snprintf(an, sizeof(an), ret ? "ret" : "arg%d", i);
		p->arg_names[i] = strdup(an);
		if (!p->arg_names[i])
			return -ENOMEM;
		err = tsdt_arg_spec_parse(bin->arch, specs[i], &p->sites[0].args[i]);
		if (err)
			return err;
		p->sites[0].arg_ok[i] = true;
		snprintf(raw + strlen(raw), sizeof(raw) - strlen(raw), "%s%s",
			 i ? " " : "", specs[i]);
	}
	if (!typed_specs(di, p, name, ret, typed, &tn)) {
		raw[0] = 0;
		p->arg_cnt = p->sites[0].arg_cnt = tn;
		p->type_src = TSDT_TYPES_NOTE; /* typed, as by a note */
		for (int i = 0; i < tn; i++) {
			int err = tsdt_arg_spec_parse(bin->arch, typed[i],
						      &p->sites[0].args[i]);

			if (err)
				return err;
			p->sites[0].arg_ok[i] = true;
			snprintf(raw + strlen(raw), sizeof(raw) - strlen(raw),
				 "%s%s", i ? " " : "", typed[i]);
		}
		for (int i = tn; i < TSDT_MAX_ARGS; i++) {
			free(p->arg_names[i]);
			p->arg_names[i] = NULL;
		}
	}
	p->sites[0].raw_args = strdup(raw);
	return p->sites[0].raw_args ? 0 : -ENOMEM;
}

/* a symbol seen: its name and address */
struct fn_sym {
	char *name;
	uint64_t addr, off;
};

int tsdt_catalog_add_functions(struct tsdt_catalog *cat, const char *path,
			       const char *open_path, const char *glob,
			       bool ret, struct tsdt_binary **out)
{
	static const Elf64_Word types[] = { SHT_SYMTAB, SHT_DYNSYM };
	struct tsdt_binary *bin = NULL, **bins;
	struct fn_sym *syms = NULL;
	struct tsdt_debuginfo *di = NULL;
	size_t nsyms = 0, cap = 0;
	struct tsdt_elf ef;
	int err;

	err = tsdt_elf_open(&ef, open_path, path);
	if (err)
		return err;
	for (size_t t = 0; t < 2; t++) {
		Elf_Scn *scn = NULL;
		GElf_Shdr sh;

		while ((scn = elf_nextscn(ef.elf, scn))) {
			Elf_Data *data;

			if (!gelf_getshdr(scn, &sh) || sh.sh_type != types[t] ||
			    !sh.sh_entsize || !(data = elf_getdata(scn, NULL)))
				continue;
			for (size_t i = 0; i < data->d_size / sh.sh_entsize; i++) {
				GElf_Sym sym;
				const char *name;
				uint64_t off;
				bool dup = false;

				if (!gelf_getsym(data, i, &sym) ||
				    GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
				    sym.st_shndx == SHN_UNDEF || !sym.st_value ||
				    !(name = elf_strptr(ef.elf, sh.sh_link, sym.st_name)) ||
				    !name[0] || fnmatch(glob, name, 0))
					continue;
				for (size_t k = 0; k < nsyms && !dup; k++)
					dup = syms[k].addr == sym.st_value;
				if (dup || tsdt_elf_segment_off(ef.elf, sym.st_value, true, &off))
					continue;
				if (nsyms == cap) {
					size_t ncap = cap ? cap * 2 : 16;
					struct fn_sym *ns = realloc(syms, ncap * sizeof(*ns));

					if (!ns) {
						err = -ENOMEM;
						goto out;
					}
					syms = ns;
					cap = ncap;
				}
				syms[nsyms].name = strdup(name);
				if (!syms[nsyms].name) {
					err = -ENOMEM;
					goto out;
				}
				syms[nsyms].addr = sym.st_value;
				syms[nsyms++].off = off;
			}
		}
	}
	bin = calloc(1, sizeof(*bin));
	if (!bin || !(bin->path = strdup(path)) ||
	    !(bin->open_path = strdup(open_path)) ||
	    (nsyms && !(bin->probes = calloc(nsyms, sizeof(*bin->probes))))) {
		err = -ENOMEM;
		goto out;
	}
	bin->cat = cat;
	bin->dev = ef.dev;
	bin->ino = ef.ino;
	bin->arch = tsdt_arch_from_elf(ef.ehdr.e_machine);
	if (nsyms)
		di = tsdt_debuginfo_open(open_path);
	for (size_t k = 0; k < nsyms; k++) {
		err = fn_probe(&bin->probes[k], bin, syms[k].name, syms[k].addr,
			       syms[k].off, ret, di);
		bin->probe_cnt = k + 1;
		if (err) {
			pr_warn("catalog: %s: function %s: %s\n", path,
				syms[k].name, strerror(-err));
			goto out;
		}
	}
	bins = realloc(cat->bins, (cat->bin_cnt + 1) * sizeof(*bins));
	if (!bins) {
		err = -ENOMEM;
		goto out;
	}
	cat->bins = bins;
	cat->bins[cat->bin_cnt++] = bin;
	if (out)
		*out = bin;
	pr_debug("catalog: %s: %zu functions match '%s'%s\n", path, nsyms, glob,
		 ret ? " (return)" : "");
	bin = NULL;
out:
	for (size_t k = 0; k < nsyms; k++)
		free(syms[k].name);
	free(syms);
	tsdt_catalog_free_binary(bin);
	tsdt_debuginfo_close(di);
	tsdt_elf_close(&ef);
	return err;
}
