// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The probe catalogue: every USDT probe of an ELF file.
 *
 * A probe site is one .note.stapsdt note (owner "stapsdt", type 3), whoever
 * wrote it (<sys/tsdt.h>, SystemTap's <sys/sdt.h>, Folly, ...):
 *
 *   pc     link-time address of the site's nop
 *   base   link-time address of the .stapsdt.base section when the note
 *          was written. Prelink moves sections but leaves notes alone, so
 *          when the file's .stapsdt.base now sits elsewhere every address
 *          of the note moves by the same amount:
 *              addr = pc + (.stapsdt.base's sh_addr - base)
 *          (libbpf and gdb do the same for pc; gdb also for the semaphore)
 *   sema   link-time address of the probe's 2-byte semaphore, 0 if none
 *   provider, name, args   strings; args are specs (see spec.c)
 *
 * What uprobes need are file offsets: a site's is found through the PT_LOAD
 * segment that holds it (addr - p_vaddr + p_offset), the semaphore's (the
 * kernel's ref_ctr_offset) through the section that holds it, .probes for
 * <sys/sdt.h> and us, .data or .bss elsewhere (addr - sh_addr + sh_offset;
 * segments for a semaphore in .bss).
 *
 * Sites with the same provider and name are one probe; they should agree on
 * the semaphore and the number of arguments (a disagreement is reported).
 * Types come from our .note.tsdt (docs/type-note.md), else from provider
 * files given by the caller (provider.c), else the probe is untyped: the
 * sizes and signs of its first site's specs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "deps.h"
#include "elf-reader.h"
#include "internal.h"
#include "log.h"
#include "note.h"
#include "spec.h"
#include "types.h"

/* -------------------------------------------------------- reading notes */

struct raw_site {
	struct tsdt_stapsdt_note note;
	size_t idx;
};

struct read_ctx {
	struct tsdt_elf *ef;
	const char *path;
	struct raw_site *sites;
	size_t cnt, cap;
};

static int collect_stapsdt(void *ctx_, const void *desc, size_t sz,
			   size_t note_idx)
{
	struct read_ctx *ctx = ctx_;
	struct tsdt_stapsdt_note n;
	char err[160];
	int e;

	e = tsdt_note_parse_stapsdt(desc, sz, ctx->ef->addr_sz,
				    ctx->ef->big_endian, &n, err, sizeof(err));
	if (e) {
		pr_warn("catalog: %s: .note.stapsdt note #%zu: %s\n", ctx->path,
			ctx->cnt, err);
		return e;
	}
	if (ctx->cnt == ctx->cap) {
		size_t cap = ctx->cap ? ctx->cap * 2 : 64;
		struct raw_site *s = realloc(ctx->sites, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		ctx->sites = s;
		ctx->cap = cap;
	}
	ctx->sites[ctx->cnt].note = n;
	ctx->sites[ctx->cnt].idx = ctx->cnt;
	ctx->cnt++;
	return 0;
}

static int cmp_raw(const void *a_, const void *b_)
{
	const struct raw_site *a = a_, *b = b_;
	int c = strcmp(a->note.provider, b->note.provider);

	if (!c)
		c = strcmp(a->note.name, b->note.name);
	if (!c)
		c = a->idx < b->idx ? -1 : a->idx > b->idx;
	return c;
}

struct probe_order {
	size_t first_idx;
	size_t start, cnt; /* in the sorted raw array */
};

static int cmp_order(const void *a, const void *b)
{
	size_t x = ((const struct probe_order *)a)->first_idx;
	size_t y = ((const struct probe_order *)b)->first_idx;

	return x < y ? -1 : x > y;
}

/* ------------------------------------------------------------ freeing */

static void probe_free(struct tsdt_probe *p)
{
	for (size_t i = 0; i < p->site_cnt; i++)
		free(p->sites[i].raw_args);
	free(p->sites);
	for (int i = 0; i < TSDT_MAX_ARGS; i++)
		free(p->arg_names[i]);
	free(p->type_file);
	free(p->provider);
	free(p->name);
}

void tsdt_catalog_free_binary(struct tsdt_binary *bin)
{
	if (!bin)
		return;
	for (size_t i = 0; i < bin->probe_cnt; i++)
		probe_free(&bin->probes[i]);
	free(bin->probes);
	free(bin->path);
	free(bin->open_path);
	free(bin);
}

void tsdt_catalog__free(struct tsdt_catalog *cat)
{
	if (!cat)
		return;
	for (size_t i = 0; i < cat->bin_cnt; i++)
		tsdt_catalog_free_binary(cat->bins[i]);
	free(cat->bins);
	free(cat);
}

/* ------------------------------------------------------------- sites */

/*
 * <sys/tsdt.h> on x86-64 follows the site's one-byte nop (the address in the
 * note, where every consumer puts its int3) with a five-byte nop that sits
 * 128 bytes below the caller's stack pointer: `lea -0x80(%rsp),%rsp;
 * nopl 0x0(%rax,%rax,1); lea 0x80(%rsp),%rsp`. A kernel with optimized
 * uprobes (Linux 6.18+, x86-64) turns a uprobe on a five-byte nop into a
 * call to a trampoline after its first hit: the call's pushes land below
 * the red zone there (include/sys/tsdt.h, docs/probe-header.md). The
 * attach code uses it when the kernel has them (attach.c). Only this exact
 * sequence counts: a bare `nop; nop5` (the layout of tsdt before 2026-12)
 * is attached at its nop, since a call there writes into the red zone.
 */
static bool site_has_nop5(const struct tsdt_binary *bin, struct tsdt_elf *ef,
			  const struct tsdt_site *site)
{
	static const unsigned char site_bytes[TSDT_X86_SITE_LEN] = {
		0x90,                                     /* nop */
		0x48, 0x8d, 0x64, 0x24, 0x80,             /* lea -0x80(%rsp),%rsp */
		0x0f, 0x1f, 0x44, 0x00, 0x00,             /* nopl 0x0(%rax,%rax,1) */
		0x48, 0x8d, 0xa4, 0x24, 0x80, 0, 0, 0,    /* lea 0x80(%rsp),%rsp */
	};
	unsigned char b[sizeof(site_bytes)];

	_Static_assert(TSDT_X86_NOP5_OFF == 6, "nop5 offset in site_bytes");
	_Static_assert(TSDT_X86_NOP5_SP_SHIFT == 0x80, "lea in site_bytes");
	return bin->arch == TSDT_ARCH_X86_64 &&
	       !tsdt_elf_read_at(ef, site->file_off, b, sizeof(b)) &&
	       !memcmp(b, site_bytes, sizeof(b));
}

static int site_decode(struct tsdt_binary *bin, struct tsdt_site *site,
		       bool *arch_warned)
{
	const char *starts[TSDT_MAX_ARGS];
	size_t lens[TSDT_MAX_ARGS];
	int n;

	n = tsdt_spec_split(site->raw_args, starts, lens, TSDT_MAX_ARGS);
	if (n < 0) {
		pr_warn("catalog: %s: probe %s:%s at 0x%" PRIx64
			": more than %d arguments\n", bin->path,
			site->probe->provider, site->probe->name, site->addr,
			TSDT_MAX_ARGS);
		return -E2BIG;
	}
	site->arg_cnt = n;
	for (int i = 0; i < n; i++) {
		char spec[256], err[320];
		int e;

		snprintf(spec, sizeof(spec), "%.*s", (int)lens[i], starts[i]);
		e = tsdt_spec_parse(bin->arch, spec, &site->args[i], err,
				    sizeof(err));
		if (e == -ENOTSUP) {
			if (!*arch_warned)
				pr_warn("catalog: %s: %s: argument specs are "
					"not decoded\n", bin->path, err);
			*arch_warned = true;
		} else if (e) {
			pr_warn("catalog: %s: probe %s:%s at 0x%" PRIx64
				" argument %d: %s\n", bin->path,
				site->probe->provider, site->probe->name,
				site->addr, i, err);
			bin->problem_cnt++;
		}
		site->arg_ok[i] = !e;
		if (e) /* tsdt_site__arg_spec() gives NULL for it */
			memset(&site->args[i], 0, sizeof(site->args[i]));
	}
	return 0;
}

/* Resolves every symbol of rip-relative (and $sym / sym(%reg)) arguments. */
static int resolve_symbols(struct tsdt_binary *bin, struct tsdt_elf *ef)
{
	struct tsdt_arg_spec **specs = NULL;
	const char **names = NULL;
	uint64_t *vals = NULL;
	bool *found = NULL;
	size_t n = 0, k = 0;
	int err = 0;

	for (size_t i = 0; i < bin->probe_cnt; i++)
		for (size_t j = 0; j < bin->probes[i].site_cnt; j++) {
			struct tsdt_site *s = &bin->probes[i].sites[j];

			for (int a = 0; a < s->arg_cnt; a++)
				n += s->arg_ok[a] && s->args[a].sym[0];
		}
	if (!n)
		return 0;
	specs = calloc(n, sizeof(*specs));
	names = calloc(n, sizeof(*names));
	vals = calloc(n, sizeof(*vals));
	found = calloc(n, sizeof(*found));
	if (!specs || !names || !vals || !found) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < bin->probe_cnt; i++)
		for (size_t j = 0; j < bin->probes[i].site_cnt; j++) {
			struct tsdt_site *s = &bin->probes[i].sites[j];

			for (int a = 0; a < s->arg_cnt; a++)
				if (s->arg_ok[a] && s->args[a].sym[0]) {
					const char *sym = s->args[a].sym;

					specs[k] = &s->args[a];
					if (!strncmp(sym, ":lo12:", 6))
						sym += 6;
					names[k++] = sym;
				}
		}
	err = tsdt_elf_resolve_syms(ef, names, n, vals, NULL, found);
	if (err)
		goto out;
	for (k = 0; k < n; k++) {
		struct tsdt_arg_spec *sp = specs[k];

		if (!found[k]) {
			pr_warn("catalog: %s: symbol '%s' of an argument spec "
				"is in neither .symtab nor .dynsym\n", bin->path,
				sp->sym);
			bin->problem_cnt++;
			continue;
		}
		sp->addr = vals[k] + sp->val;
		if (sp->loc == TSDT_ARG_STATIC)
			continue; /* read at load bias + addr */
		/* $sym, sym(%reg), sym(,%idx,8) (non-PIE code) and aarch64's
		 * [xN, #:lo12:sym]: fold the symbol into the constant or
		 * displacement, so readers need not know about symbols */
		if (!strncmp(sp->sym, ":lo12:", 6))
			sp->val = sp->addr & 0xfff;
		else
			sp->val = sp->addr;
	}
out:
	free(specs);
	free(names);
	free(vals);
	free(found);
	return err;
}

/* ------------------------------------------------------------- types */

/*
 * The type of an untyped probe's arguments, from its sites' specs. Sites may
 * disagree (PostgreSQL's sort__start passes a bool as 1 byte at one site and
 * 4 at another): the merged type has the largest size, and is signed if any
 * site's is, so a handler that reads it accepts every site's value (BPF reads
 * each site by its own spec and extends it).
 */
static void set_untyped(struct tsdt_probe *p)
{
	p->type_src = TSDT_TYPES_NONE;
	free(p->type_file);
	p->type_file = NULL;
	for (int i = 0; i < TSDT_MAX_ARGS; i++) {
		struct tsdt_type *t = &p->types[i];
		bool first = true;

		memset(t, 0, sizeof(*t));
		free(p->arg_names[i]);
		p->arg_names[i] = NULL;
		for (size_t si = 0; si < p->site_cnt; si++) {
			const struct tsdt_site *s = &p->sites[si];
			const struct tsdt_arg_spec *a = &s->args[i];

			if (i >= s->arg_cnt || !s->arg_ok[i])
				continue;
			if (first) {
				t->size = a->size;
				t->is_signed = a->is_signed;
				/* the 'f' marker is type information */
				t->kind = a->is_float ? TSDT_TYPE_FLOAT
						      : TSDT_TYPE_UNTYPED;
				first = false;
				continue;
			}
			if ((int)t->size == a->size && t->is_signed == a->is_signed &&
			    (t->kind == TSDT_TYPE_FLOAT) == a->is_float)
				continue;
			pr_debug("catalog: %s: probe %s:%s arg %d: sites pass "
				 "%s%d and %s%d bytes\n", p->bin->path,
				 p->provider, p->name, i,
				 t->is_signed ? "signed " : "", t->size,
				 a->is_signed ? "signed " : "", a->size);
			if (a->size > (int)t->size)
				t->size = a->size;
			t->is_signed |= a->is_signed;
			if (!a->is_float)
				t->kind = TSDT_TYPE_UNTYPED;
		}
		if (t->kind == TSDT_TYPE_FLOAT) {
			t->is_signed = false; /* not meaningful */
			strcpy(t->name, t->size == 4 ? "float" : "double");
		}
	}
}

struct type_ctx {
	struct tsdt_binary *bin;
	bool *seen; /* per probe: a type note was applied */
	bool *bad;  /* per probe: conflicting type notes */
	size_t cnt;
};

static bool same_type_note(const struct tsdt_probe *p,
			   const struct tsdt_type_note *n)
{
	if (n->nargs != p->arg_cnt)
		return false;
	for (int i = 0; i < n->nargs; i++) {
		struct tsdt_type t;

		tsdt_type_note_arg__type(&n->args[i], &t);
		if (t.kind != p->types[i].kind || t.size != p->types[i].size ||
		    t.is_signed != p->types[i].is_signed ||
		    strcmp(n->args[i].argname,
			   p->arg_names[i] ? p->arg_names[i] : ""))
			return false;
	}
	return true;
}

static int apply_type_note(void *ctx_, const void *desc, size_t sz,
			   size_t note_idx)
{
	struct type_ctx *ctx = ctx_;
	struct tsdt_binary *bin = ctx->bin;
	struct tsdt_type_note n;
	struct tsdt_probe *p;
	char err[160];
	size_t pi;
	int e;

	ctx->cnt++;
	e = tsdt_note_parse_type(desc, sz, &n, err, sizeof(err));
	if (e) {
		pr_warn("catalog: %s: .note.tsdt note #%zu: %s\n", bin->path,
			ctx->cnt - 1, err);
		bin->problem_cnt++;
		return 0; /* the probe stays untyped; keep reading */
	}
	p = (struct tsdt_probe *)tsdt_binary__find_probe(bin, n.provider,
							   n.name);
	if (!p) {
		pr_warn("catalog: %s: type note for %s:%s, which has no "
			".note.stapsdt note\n", bin->path, n.provider, n.name);
		bin->problem_cnt++;
		return 0;
	}
	pi = p - bin->probes;
	if (ctx->bad[pi])
		return 0;
	if (ctx->seen[pi]) {
		if (!same_type_note(p, &n)) {
			pr_warn("catalog: %s: probe %s:%s: its type notes "
				"disagree; the probe is left untyped\n",
				bin->path, p->provider, p->name);
			bin->problem_cnt++;
			ctx->bad[pi] = true;
			set_untyped(p);
		}
		return 0;
	}
	if (n.nargs != p->arg_cnt) {
		pr_warn("catalog: %s: probe %s:%s: type note declares %u "
			"arguments, the probe has %d; the probe is left "
			"untyped\n", bin->path, p->provider, p->name, n.nargs,
			p->arg_cnt);
		bin->problem_cnt++;
		ctx->bad[pi] = true;
		return 0;
	}
	ctx->seen[pi] = true;
	p->type_src = TSDT_TYPES_NOTE;
	for (int i = 0; i < n.nargs; i++) {
		tsdt_type_note_arg__type(&n.args[i], &p->types[i]);
		tsdt_type_canonical_name(&p->types[i], n.args[i].type);
		free(p->arg_names[i]);
		p->arg_names[i] = n.args[i].argname[0]
				  ? strdup(n.args[i].argname) : NULL;
	}
	return 0;
}

static int read_type_notes(struct tsdt_binary *bin, struct tsdt_elf *ef)
{
	struct type_ctx ctx = { .bin = bin };
	Elf_Scn *scn;
	GElf_Shdr sh;
	int err;

	scn = tsdt_elf_find_scn(ef, ".note.tsdt", NULL, &sh);
	if (!scn || !bin->probe_cnt)
		return 0;
	ctx.seen = calloc(bin->probe_cnt, sizeof(bool));
	ctx.bad = calloc(bin->probe_cnt, sizeof(bool));
	if (!ctx.seen || !ctx.bad) {
		err = -ENOMEM;
		goto out;
	}
	for (; scn; scn = tsdt_elf_find_scn(ef, ".note.tsdt", scn, &sh)) {
		err = tsdt_elf_for_each_note(ef, scn, "tsdt", TSDT_NT_TSDT_PROBE,
					     apply_type_note, &ctx);
		if (err == -ENOMEM)
			goto out;
		if (err) {
			/* malformed section: the probes stay as they are */
			bin->problem_cnt++;
			err = 0;
		}
	}
out:
	free(ctx.seen);
	free(ctx.bad);
	return err;
}

/* ------------------------------------------------------------- build */

static int build_probes(struct tsdt_binary *bin, struct tsdt_elf *ef,
			struct raw_site *raw, size_t cnt, uint64_t base_addr,
			bool has_base)
{
	struct probe_order *order = NULL;
	size_t nprobes = 0;
	bool arch_warned = false;
	int err = 0;

	if (cnt) /* qsort(NULL, 0) is undefined */
		qsort(raw, cnt, sizeof(*raw), cmp_raw);
	order = calloc(cnt ? cnt : 1, sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (size_t i = 0; i < cnt; i++) {
		if (i && !strcmp(raw[i].note.provider, raw[i - 1].note.provider) &&
		    !strcmp(raw[i].note.name, raw[i - 1].note.name)) {
			order[nprobes - 1].cnt++;
			continue;
		}
		order[nprobes].first_idx = raw[i].idx;
		order[nprobes].start = i;
		order[nprobes].cnt = 1;
		nprobes++;
	}
	qsort(order, nprobes, sizeof(*order), cmp_order);
	bin->probes = calloc(nprobes ? nprobes : 1, sizeof(*bin->probes));
	if (!bin->probes) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t pi = 0; pi < nprobes; pi++) {
		struct tsdt_probe *p = &bin->probes[pi];
		struct raw_site *first = &raw[order[pi].start];

		bin->probe_cnt++;
		p->bin = bin;
		p->sema_value = -1;
		p->provider = strdup(first->note.provider);
		p->name = strdup(first->note.name);
		p->sites = calloc(order[pi].cnt, sizeof(*p->sites));
		if (!p->provider || !p->name || !p->sites) {
			err = -ENOMEM;
			goto out;
		}
		for (size_t si = 0; si < order[pi].cnt; si++) {
			struct raw_site *r = &raw[order[pi].start + si];
			struct tsdt_site *s = &p->sites[si];

			p->site_cnt++;
			s->probe = p;
			s->note_idx = r->idx;
			s->addr = r->note.pc;
			s->sema_addr = r->note.sema;
			if (has_base && r->note.base) {
				s->addr += base_addr - r->note.base;
				if (s->sema_addr)
					s->sema_addr += base_addr - r->note.base;
			}
			s->raw_args = strdup(r->note.args);
			if (!s->raw_args) {
				err = -ENOMEM;
				goto out;
			}
			if (tsdt_elf_vaddr_to_off_seg(ef, s->addr, &s->file_off)) {
				pr_warn("catalog: %s: probe %s:%s: site address "
					"0x%" PRIx64 " is in no loadable segment\n",
					bin->path, p->provider, p->name, s->addr);
				err = -EINVAL;
				goto out;
			}
			s->nop5 = site_has_nop5(bin, ef, s);
			err = site_decode(bin, s, &arch_warned);
			if (err)
				goto out;
			if (si == 0) {
				p->arg_cnt = s->arg_cnt;
				p->sema_addr = s->sema_addr;
				continue;
			}
			if (s->arg_cnt != p->arg_cnt) {
				pr_warn("catalog: %s: probe %s:%s: site 0x%" PRIx64
					" has %d arguments, site 0x%" PRIx64
					" has %d\n", bin->path, p->provider,
					p->name, p->sites[0].addr, p->arg_cnt,
					s->addr, s->arg_cnt);
				bin->problem_cnt++;
			}
			if (s->sema_addr != p->sema_addr) {
				pr_warn("catalog: %s: probe %s:%s: sites disagree "
					"on the semaphore (0x%" PRIx64 " and 0x%"
					PRIx64 "); using the first\n", bin->path,
					p->provider, p->name, p->sema_addr,
					s->sema_addr);
				bin->problem_cnt++;
			}
		}
		if (p->sema_addr) {
			const char *scn = NULL;

			if (tsdt_elf_vaddr_to_off_scn(ef, p->sema_addr,
						      &p->sema_off, &scn) &&
			    tsdt_elf_vaddr_to_off_seg(ef, p->sema_addr,
						      &p->sema_off)) {
				pr_warn("catalog: %s: probe %s:%s: semaphore "
					"address 0x%" PRIx64 " is in no section "
					"nor segment\n", bin->path, p->provider,
					p->name, p->sema_addr);
				bin->problem_cnt++;
				p->sema_off = 0;
			}
		}
		set_untyped(p);
	}
out:
	free(order);
	return err;
}

int tsdt_catalog_add_file(struct tsdt_catalog *cat, const char *path,
			  const char *open_path,
			  struct tsdt_provider_file *const *pfs,
			  struct tsdt_binary **ret)
{
	struct read_ctx ctx = {};
	struct tsdt_binary *bin = NULL, **bins;
	struct tsdt_elf ef;
	uint64_t base_addr = 0;
	bool has_base = false;
	Elf_Scn *scn;
	GElf_Shdr sh;
	int err;

	err = tsdt_elf_open(&ef, open_path, path);
	if (err)
		return err;
	bin = calloc(1, sizeof(*bin));
	if (!bin || !(bin->path = strdup(path)) ||
	    !(bin->open_path = strdup(open_path))) {
		err = -ENOMEM;
		goto err_out;
	}
	bin->cat = cat;
	bin->dev = ef.dev;
	bin->ino = ef.ino;
	bin->arch = tsdt_arch_from_elf(ef.ehdr.e_machine);
	if (ef.ehdr.e_type != ET_EXEC && ef.ehdr.e_type != ET_DYN) {
		/* an object file's notes hold unrelocated addresses */
		pr_warn("catalog: %s: not an executable or shared library "
			"(ELF type %u); list the linked program instead\n",
			path, ef.ehdr.e_type);
		err = -ENOEXEC;
		goto err_out;
	}
	scn = tsdt_elf_find_scn(&ef, ".stapsdt.base", NULL, &sh);
	if (scn) {
		has_base = true;
		base_addr = sh.sh_addr;
	}
	ctx.ef = &ef;
	ctx.path = path;
	for (scn = NULL; (scn = tsdt_elf_find_scn(&ef, ".note.stapsdt", scn, &sh));) {
		err = tsdt_elf_for_each_note(&ef, scn, "stapsdt",
					     TSDT_NT_STAPSDT, collect_stapsdt,
					     &ctx);
		if (err)
			goto err_out;
	}
	if (ctx.cnt) {
		err = build_probes(bin, &ef, ctx.sites, ctx.cnt, base_addr,
				   has_base);
		if (err)
			goto err_out;
		err = resolve_symbols(bin, &ef);
		if (err)
			goto err_out;
		err = read_type_notes(bin, &ef);
		if (err)
			goto err_out;
		err = tsdt_catalog_apply_provider_files(bin, pfs);
		if (err)
			goto err_out;
	}
	bins = realloc(cat->bins, (cat->bin_cnt + 1) * sizeof(*bins));
	if (!bins) {
		err = -ENOMEM;
		goto err_out;
	}
	cat->bins = bins;
	cat->bins[cat->bin_cnt++] = bin;
	cat->problem_cnt += bin->problem_cnt;
	free(ctx.sites);
	tsdt_elf_close(&ef);
	if (ret)
		*ret = bin;
	return 0;
err_out:
	if (err == -ENOMEM)
		pr_warn("catalog: %s: out of memory\n", path);
	free(ctx.sites);
	tsdt_catalog_free_binary(bin);
	tsdt_elf_close(&ef);
	return err;
}

struct tsdt_catalog *tsdt_catalog__open_file(const char *path,
					     const struct tsdt_catalog_opts *opts)
{
	struct tsdt_provider_file **pfs = NULL;
	struct tsdt_catalog *cat;
	int err;

	if (!path)
		return tsdt_err_ptr(-EINVAL);
	err = tsdt_catalog_load_provider_files(opts, &pfs);
	if (err)
		return tsdt_err_ptr(err);
	cat = tsdt_catalog_open_file_pfs(path, pfs);
	err = cat ? 0 : -errno;
	tsdt_catalog_free_provider_files(pfs);
	return cat ? cat : tsdt_err_ptr(err);
}

struct tsdt_catalog *
tsdt_catalog_open_file_pfs(const char *path,
			   struct tsdt_provider_file *const *pfs)
{
	struct tsdt_catalog *cat;
	char lib[4096];
	const char *open_path = path;
	int err;

	if (!strchr(path, '/') && access(path, F_OK)) {
		if (tsdt_find_library(path, lib, sizeof(lib))) {
			pr_warn("catalog: %s: no such file, nor a library of "
				"that name in the dynamic linker's "
				"directories\n", path);
			return tsdt_err_ptr(-ENOENT);
		}
		open_path = lib;
	}
	cat = calloc(1, sizeof(*cat));
	if (!cat)
		return tsdt_err_ptr(-ENOMEM);
	err = tsdt_catalog_add_file(cat, open_path, open_path, pfs, NULL);
	if (err) {
		tsdt_catalog__free(cat);
		return tsdt_err_ptr(err);
	}
	return cat;
}

/* ------------------------------------------------------------ getters */

size_t tsdt_catalog__binary_cnt(const struct tsdt_catalog *cat)
{
	return cat ? cat->bin_cnt : 0;
}

const struct tsdt_binary *tsdt_catalog__binary(const struct tsdt_catalog *cat,
					       size_t i)
{
	if (!cat || i >= cat->bin_cnt)
		return tsdt_err_ptr(-ENOENT);
	return cat->bins[i];
}

int tsdt_catalog__problem_cnt(const struct tsdt_catalog *cat)
{
	return cat ? cat->problem_cnt : 0;
}

size_t tsdt_catalog__mismatch_cnt(const struct tsdt_catalog *cat)
{
	return cat ? cat->mismatch_cnt : 0;
}

const char *tsdt_binary__path(const struct tsdt_binary *bin)
{
	return bin->path;
}

const char *tsdt_binary__open_path(const struct tsdt_binary *bin)
{
	return bin->open_path;
}

bool tsdt_binary__same_file(const struct tsdt_binary *a,
			    const struct tsdt_binary *b)
{
	return a && b && (a == b || (a->dev == b->dev && a->ino == b->ino));
}

bool tsdt_probe_same(const struct tsdt_probe *a, const struct tsdt_probe *b)
{
	return a == b ||
	       (!strcmp(a->provider, b->provider) && !strcmp(a->name, b->name) &&
		tsdt_binary__same_file(a->bin, b->bin));
}

enum tsdt_arch tsdt_binary__arch(const struct tsdt_binary *bin)
{
	return bin->arch;
}

uint64_t tsdt_binary__load_bias(const struct tsdt_binary *bin)
{
	return bin->load_bias;
}

size_t tsdt_binary__probe_cnt(const struct tsdt_binary *bin)
{
	return bin->probe_cnt;
}

const struct tsdt_probe *tsdt_binary__probe(const struct tsdt_binary *bin,
					    size_t i)
{
	if (i >= bin->probe_cnt)
		return tsdt_err_ptr(-ENOENT);
	return &bin->probes[i];
}

const struct tsdt_probe *tsdt_binary__find_probe(const struct tsdt_binary *bin,
						 const char *provider,
						 const char *name)
{
	for (size_t i = 0; i < bin->probe_cnt; i++)
		if (!strcmp(bin->probes[i].provider, provider) &&
		    !strcmp(bin->probes[i].name, name))
			return &bin->probes[i];
	return NULL;
}

const struct tsdt_binary *tsdt_probe__binary(const struct tsdt_probe *probe)
{
	return probe->bin;
}

const char *tsdt_probe__provider(const struct tsdt_probe *probe)
{
	return probe->provider;
}

const char *tsdt_probe__name(const struct tsdt_probe *probe)
{
	return probe->name;
}

int tsdt_probe__arg_cnt(const struct tsdt_probe *probe)
{
	return probe->arg_cnt;
}

enum tsdt_type_source tsdt_probe__type_source(const struct tsdt_probe *probe)
{
	return probe->type_src;
}

const char *tsdt_probe__type_file(const struct tsdt_probe *probe)
{
	return probe->type_file;
}

const char *tsdt_type_source__str(enum tsdt_type_source src)
{
	switch (src) {
	case TSDT_TYPES_NONE: return "none";
	case TSDT_TYPES_NOTE: return "note";
	case TSDT_TYPES_PROVIDER: return "provider-file";
	case TSDT_TYPES_STOCK: return "stock";
	case TSDT_TYPES_PATTERN: return "pattern";
	}
	return "unknown";
}

const struct tsdt_type *tsdt_probe__arg_type(const struct tsdt_probe *probe,
					     int i)
{
	if (i < 0 || i >= probe->arg_cnt)
		return tsdt_err_ptr(-ENOENT);
	return &probe->types[i];
}

const char *tsdt_probe__arg_name(const struct tsdt_probe *probe, int i)
{
	if (i < 0 || i >= probe->arg_cnt)
		return NULL;
	return probe->arg_names[i];
}

uint64_t tsdt_probe__semaphore_offset(const struct tsdt_probe *probe)
{
	return probe->sema_off;
}

uint64_t tsdt_probe__semaphore_addr(const struct tsdt_probe *probe)
{
	return probe->sema_addr;
}

int tsdt_probe__semaphore_value(const struct tsdt_probe *probe)
{
	return probe->sema_value;
}

size_t tsdt_probe__site_cnt(const struct tsdt_probe *probe)
{
	return probe->site_cnt;
}

const struct tsdt_site *tsdt_probe__site(const struct tsdt_probe *probe,
					 size_t i)
{
	if (i >= probe->site_cnt)
		return tsdt_err_ptr(-ENOENT);
	return &probe->sites[i];
}

uint64_t tsdt_site__addr(const struct tsdt_site *site)
{
	return site->addr;
}

uint64_t tsdt_site__file_offset(const struct tsdt_site *site)
{
	return site->file_off;
}

bool tsdt_site__has_nop5(const struct tsdt_site *site)
{
	return site && site->nop5;
}

const char *tsdt_site__raw_args(const struct tsdt_site *site)
{
	return site->raw_args;
}

int tsdt_site__arg_cnt(const struct tsdt_site *site)
{
	return site->arg_cnt;
}

const struct tsdt_arg_spec *tsdt_site__arg_spec(const struct tsdt_site *site,
						int i)
{
	if (i < 0 || i >= site->arg_cnt)
		return tsdt_err_ptr(-ENOENT);
	if (!site->arg_ok[i])
		return tsdt_err_ptr(-EINVAL);
	return &site->args[i];
}
