// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Attaching typed BPF handlers to USDT probes.
 *
 * A handler (TSDT_HANDLER() in <tsdt/tsdt.bpf.h>) is a kprobe-type BPF
 * program in section "tsdt" or "tsdt.s" (sleepable). libbpf does not know
 * these section names, so tsdt_object__prepare() sets each program's type,
 * its expected attach type and its flags before the object is loaded:
 *
 *  - uprobe_multi mode: expected attach type BPF_TRACE_UPROBE_MULTI, and one
 *    uprobe_multi link per handler and binary (all sites in one syscall;
 *    closing it detaches all of them at once, ~100x faster than closing
 *    perf-event uprobes one by one);
 *  - per-site mode (no uprobe_multi in the kernel, or forced): one
 *    perf-event uprobe per site.
 *
 * The kernel refuses a program loaded for one mode in the other, so the mode
 * is fixed at prepare time; tsdt_program__attach() follows the program's
 * expected attach type.
 *
 * Arguments: each attached site gets one struct tsdt_bpf_spec in the
 * object's tsdt_specs array map, at a free index (a slot is free when its
 * TSDT_BPF_SPEC_USED flag is clear) which becomes the site's BPF cookie.
 * Slots are freed when the link is destroyed. Nothing is kept per process:
 * rip-relative arguments are read at ip - site_addr + addr.
 *
 * Where: a site's note gives the address of a one-byte nop. Sites written by
 * <sys/tsdt.h> on x86-64 follow it with a five-byte nop placed 128 bytes
 * below the caller's stack pointer (catalog.c); on a kernel with optimized
 * uprobes (Linux 6.18+) a uprobe there, six bytes on, becomes a call into
 * the kernel instead of a trap after the first hit (bench/hitcost.sh), and
 * the call's pushes land below the caller's red zone. At that nop %rsp is
 * 128 bytes lower than at the note's address, so %rsp-relative arguments
 * are read 128 bytes further (sp_shift()). Other consumers keep using the
 * one-byte nop; both can be attached at once.
 *
 * Semaphores are enabled by the kernel through ref_ctr_offset (uprobe_multi
 * ref_ctr_offsets, or the perf-event uprobe's ref_ctr_offset): the library
 * never writes another process's memory, and when the links go (close(),
 * exit, or SIGKILL of the tracer) the kernel decrements them again. Links
 * are never pinned.
 *
 * The handler's BTF and spec map are found through the kernel (the loaded
 * program's btf_id and map ids), since libbpf gives no way from a
 * bpf_program to its bpf_object.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "attach-internal.h"
#include "catalog.h"
#include "internal.h"
#include "log.h"
#include "spec.h"

#define SPEC_MAP_NAME "tsdt_specs"

struct tsdt_link {
	bool multi;
	size_t site_cnt;
	size_t nop5_cnt;       /* sites attached at their five-byte nop */
	size_t bpf_link_cnt;
	struct bpf_link **bpf_links;
	int spec_map_fd;       /* dup'd; -1 if none */
	__u32 *spec_ids;       /* one per site */
	size_t spec_cnt;
};

static bool is_handler(const struct bpf_program *prog, bool *sleepable)
{
	const char *sec = bpf_program__section_name(prog);

	if (!sec)
		return false;
	if (!strcmp(sec, "tsdt")) {
		*sleepable = false;
		return true;
	}
	if (!strcmp(sec, "tsdt.s")) {
		*sleepable = true;
		return true;
	}
	return false;
}

int tsdt_object__prepare(struct bpf_object *obj,
			 const struct tsdt_attach_opts *opts)
{
	struct bpf_program *prog;
	bool multi, sleepable;
	int n = 0, err;

	if (!obj)
		return -EINVAL;
	if (!TSDT_OPTS_VALID(opts, tsdt_attach_opts))
		return -EINVAL;
	multi = !TSDT_OPTS_GET(opts, force_per_site, false) &&
		tsdt_kernel_has_uprobe_multi();

	bpf_object__for_each_program(prog, obj) {
		if (!is_handler(prog, &sleepable))
			continue;
		err = bpf_program__set_type(prog, BPF_PROG_TYPE_KPROBE);
		if (!err)
			err = bpf_program__set_expected_attach_type(prog,
				multi ? BPF_TRACE_UPROBE_MULTI : 0);
		if (!err && sleepable)
			err = bpf_program__set_flags(prog,
				bpf_program__flags(prog) | BPF_F_SLEEPABLE);
		if (err) {
			pr_warn("attach: cannot prepare program '%s' (%s); call tsdt_object__prepare() before bpf_object__load()\n",
				bpf_program__name(prog), strerror(-err));
			return err;
		}
		pr_debug("attach: program '%s': %s%s\n",
			 bpf_program__name(prog),
			 multi ? "uprobe_multi" : "per-site uprobes",
			 sleepable ? ", sleepable" : "");
		n++;
	}
	return n;
}

/* ---------------------------------------------------- kernel-side info */

/* The loaded program's BTF and its tsdt_specs map (fd, or -1). */
static int prog_kernel_info(const struct bpf_program *prog, struct btf **btf,
			    int *map_fd, __u32 *expected_attach_type)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), map_ids[64];
	int fd = bpf_program__fd(prog), err;
	__u32 i, n;

	*btf = NULL;
	*map_fd = -1;
	if (fd < 0) {
		pr_warn("attach: program '%s' is not loaded; attach after bpf_object__load()\n",
			bpf_program__name(prog));
		return -EINVAL;
	}
	info.nr_map_ids = ARRAY_SIZE(map_ids);
	info.map_ids = (__u64)(unsigned long)map_ids;
	err = bpf_prog_get_info_by_fd(fd, &info, &len);
	if (err)
		return -errno;
	if (expected_attach_type)
		*expected_attach_type = 0;
	if (!info.btf_id) {
		pr_warn("attach: program '%s' has no BTF in the kernel\n",
			bpf_program__name(prog));
		return -ENOENT;
	}
	*btf = btf__load_from_kernel_by_id(info.btf_id);
	if (!*btf)
		return -errno;

	n = info.nr_map_ids < ARRAY_SIZE(map_ids) ? info.nr_map_ids
						  : ARRAY_SIZE(map_ids);
	for (i = 0; i < n; i++) {
		struct bpf_map_info minfo = {};
		__u32 mlen = sizeof(minfo);
		int mfd = bpf_map_get_fd_by_id(map_ids[i]);

		if (mfd < 0)
			continue;
		if (!bpf_map_get_info_by_fd(mfd, &minfo, &mlen) &&
		    !strcmp(minfo.name, SPEC_MAP_NAME) &&
		    minfo.value_size == sizeof(struct tsdt_bpf_spec)) {
			*map_fd = mfd;
			break;
		}
		close(mfd);
	}
	return 0;
}

/* ---------------------------------------------------------- type check */

static int check_sig(const char *prog_name, const struct tsdt_handler_sig *sig,
		     const struct tsdt_probe *probe, char *why, size_t why_sz,
		     bool log)
{
	const char *prov = tsdt_probe__provider(probe);
	const char *name = tsdt_probe__name(probe);
	char reason[256], buf[512];
	int i, cnt = tsdt_probe__arg_cnt(probe);

	if (strcmp(sig->provider, prov) || strcmp(sig->name, name)) {
		snprintf(buf, sizeof(buf),
			 "%s:%s: handler '%s' is written for probe %s:%s",
			 prov, name, prog_name, sig->provider, sig->name);
		goto refuse;
	}
	if (sig->arg_cnt > cnt) {
		snprintf(buf, sizeof(buf),
			 "%s:%s: handler '%s' reads %d arguments, probe has %d",
			 prov, name, prog_name, sig->arg_cnt, cnt);
		if (why && why_sz)
			snprintf(why, why_sz, "%s", buf);
		if (log)
			pr_warn("attach: %s\n", buf);
		return -E2BIG;
	}
	for (i = 0; i < sig->arg_cnt; i++) {
		const struct tsdt_type *pt = tsdt_probe__arg_type(probe, i);

		if (!pt)
			return -EINVAL;
		if (!tsdt_type__check(&sig->types[i], pt, reason,
				      sizeof(reason)))
			continue;
		snprintf(buf, sizeof(buf), "%s:%s arg %d '%s': %s", prov, name,
			 i, sig->arg_names[i], reason);
		goto refuse;
	}
	return 0;
refuse:
	if (why && why_sz)
		snprintf(why, why_sz, "%s", buf);
	if (log)
		pr_warn("attach: %s\n", buf);
	return -EPROTOTYPE;
}

/* The declared signature of a loaded handler, from the BTF the kernel
 * holds for it. */
static int loaded_prog_sig(const struct bpf_program *prog,
			   struct tsdt_handler_sig *sig)
{
	struct btf *btf;
	int map_fd, err;

	err = prog_kernel_info(prog, &btf, &map_fd, NULL);
	if (map_fd >= 0)
		close(map_fd);
	if (err)
		return err;
	err = tsdt_btf__handler_sig(btf, bpf_program__name(prog), sig);
	btf__free(btf);
	return err;
}

int tsdt_program__check(const struct bpf_program *prog,
			const struct tsdt_probe *probe, char *why,
			size_t why_sz)
{
	struct tsdt_handler_sig sig;
	int err;

	if (!prog || !probe)
		return -EINVAL;
	err = loaded_prog_sig(prog, &sig);
	if (err)
		return err;
	return check_sig(bpf_program__name(prog), &sig, probe, why, why_sz,
			 false);
}

int tsdt_program__probe_name(const struct bpf_program *prog, char *provider,
			     char *name, size_t sz)
{
	struct tsdt_handler_sig sig;
	int err;

	if (!prog || !provider || !name || !sz)
		return -EINVAL;
	err = loaded_prog_sig(prog, &sig);
	if (err)
		return err;
	snprintf(provider, sz, "%s", sig.provider);
	snprintf(name, sz, "%s", sig.name);
	return 0;
}

/* ---------------------------------------------------------------- specs */

/*
 * The spec of a site attached at its five-byte nop, where %rsp is @shift
 * bytes below its value at the note's address (x86-64, <sys/tsdt.h>):
 * every %rsp-based location moves by @shift (a base register only: %rsp
 * cannot be an index), the value of %rsp itself too (REG adds val).
 */
static void sp_shift(struct tsdt_bpf_spec *spec, __s64 shift)
{
	for (int i = 0; i < spec->arg_cnt; i++) {
		struct tsdt_bpf_arg *a = &spec->args[i];

		if (a->reg_off != TSDT_X86_64_SP_REG_OFF)
			continue;
		if (a->loc == TSDT_BPF_ARG_REG ||
		    a->loc == TSDT_BPF_ARG_REG_DEREF ||
		    a->loc == TSDT_BPF_ARG_SIB)
			a->val += shift;
	}
}

int tsdt_bpf_spec__fill(const struct tsdt_probe *probe,
			const struct tsdt_site *site, int arg_cnt,
			__u64 cookie, bool allow_unreadable,
			struct tsdt_bpf_spec *out)
{
	int i;

	memset(out, 0, sizeof(*out));
	if (arg_cnt > tsdt_site__arg_cnt(site) || arg_cnt > TSDT_BPF_MAX_ARGS)
		return -E2BIG;
	out->site_addr = tsdt_site__addr(site);
	out->cookie = cookie;
	out->arg_cnt = arg_cnt;
	out->flags = TSDT_BPF_SPEC_USED;
	for (i = 0; i < arg_cnt; i++) {
		const struct tsdt_arg_spec *s = tsdt_site__arg_spec(site, i);
		const struct tsdt_type *t = tsdt_probe__arg_type(probe, i);
		struct tsdt_bpf_arg *a = &out->args[i];

		if (!s)
			return -EINVAL;
		a->size = s->size;
		a->flags = s->is_signed ? TSDT_BPF_ARG_SIGNED : 0;
		if (s->is_float || (t && t->kind == TSDT_TYPE_FLOAT))
			a->flags |= TSDT_BPF_ARG_FLOAT;
		if (t && t->kind == TSDT_TYPE_STR) {
			a->flags |= TSDT_BPF_ARG_STR;
			out->str_cnt++;
		}
		a->val = s->val;
		a->reg_off = s->reg_off;
		a->index_reg_off = s->index_reg_off;
		a->scale = s->scale;
		switch (s->loc) {
		case TSDT_ARG_CONST:
			a->loc = TSDT_BPF_ARG_CONST;
			break;
		case TSDT_ARG_REG:
			a->loc = TSDT_BPF_ARG_REG;
			break;
		case TSDT_ARG_REG_DEREF:
			a->loc = TSDT_BPF_ARG_REG_DEREF;
			break;
		case TSDT_ARG_SIB:
			a->loc = TSDT_BPF_ARG_SIB;
			if (!s->index_reg[0])
				a->index_reg_off = -1;
			break;
		case TSDT_ARG_STATIC:
			a->loc = TSDT_BPF_ARG_STATIC;
			a->addr = s->addr;
			if (!s->addr && allow_unreadable) {
				/* a stripped file: the tracer reports this
				 * argument as unreadable, the rest is read */
				a->loc = TSDT_BPF_ARG_UNREADABLE;
				break;
			}
			if (!s->addr) {
				pr_warn("attach: %s:%s at 0x%llx arg %d: symbol '%s' not resolved\n",
					tsdt_probe__provider(probe),
					tsdt_probe__name(probe),
					(unsigned long long)tsdt_site__addr(site),
					i, s->sym);
				return -ENOENT;
			}
			break;
		default:
			if (allow_unreadable) {
				/* the BPF side reports it as unreadable */
				a->loc = TSDT_BPF_ARG_UNREADABLE;
				break;
			}
			pr_warn("attach: %s:%s at 0x%llx arg %d: '%s' cannot be read from BPF (floating-point register)\n",
				tsdt_probe__provider(probe),
				tsdt_probe__name(probe),
				(unsigned long long)tsdt_site__addr(site), i,
				tsdt_site__raw_args(site));
			return -ENOTSUP;
		}
		if (a->size != 1 && a->size != 2 && a->size != 4 &&
		    a->size != 8)
			return -EINVAL;
	}
	return 0;
}

/*
 * Pads @spec to @probe's argument count (a site with fewer: unreadable) and
 * appends @n globals, read like rip-relative arguments (address of the
 * site's file + the symbol's), typed @types.
 */
static void add_extras(struct tsdt_bpf_spec *spec, const struct tsdt_probe *p,
		       const struct tsdt_arg_spec *extras,
		       const struct tsdt_type *types, size_t n)
{
	int base = tsdt_probe__arg_cnt(p);

	if (!n || base < 0 || base >= TSDT_BPF_MAX_ARGS)
		return;
	if (base + n > TSDT_BPF_MAX_ARGS)
		n = TSDT_BPF_MAX_ARGS - base;
	for (int i = spec->arg_cnt; i < base; i++) {
		memset(&spec->args[i], 0, sizeof(spec->args[i]));
		spec->args[i].loc = TSDT_BPF_ARG_UNREADABLE;
		spec->args[i].size = 8;
	}
	for (size_t k = 0; k < n; k++) {
		struct tsdt_bpf_arg *a = &spec->args[base + k];

		memset(a, 0, sizeof(*a));
		a->size = extras[k].size;
		a->flags = extras[k].is_signed ? TSDT_BPF_ARG_SIGNED : 0;
		if (types[k].kind == TSDT_TYPE_FLOAT)
			a->flags |= TSDT_BPF_ARG_FLOAT;
		if (types[k].kind == TSDT_TYPE_STR) {
			a->flags |= TSDT_BPF_ARG_STR;
			spec->str_cnt++;
		}
		a->loc = extras[k].addr ? TSDT_BPF_ARG_STATIC
					: TSDT_BPF_ARG_UNREADABLE;
		a->addr = extras[k].addr;
		if (extras[k].addr && extras[k].derefs) {
			a->loc = TSDT_BPF_ARG_STATIC_CHAIN;
			a->scale = extras[k].derefs;
			a->val = extras[k].chain_off[0];
			a->reg_off = extras[k].chain_off[1];
			a->index_reg_off = extras[k].chain_off[2];
		}
	}
	spec->arg_cnt = base + n;
	/* where they begin, for tsdt_global() */
	spec->flags |= TSDT_BPF_SPEC_GLOBALS_AT(base);
}

/* Finds @cnt free slots of the spec map into @ids. */
static int alloc_spec_ids(int map_fd, __u32 *ids, size_t cnt)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), key;
	struct tsdt_bpf_spec spec;
	size_t got = 0;

	if (bpf_map_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	for (key = 0; key < info.max_entries && got < cnt; key++) {
		if (bpf_map_lookup_elem(map_fd, &key, &spec))
			return -errno;
		if (!(spec.flags & TSDT_BPF_SPEC_USED))
			ids[got++] = key;
	}
	if (got < cnt) {
		pr_warn("attach: spec map is full (%u entries, %zu more needed); define TSDT_MAX_SPECS larger before including <tsdt/tsdt.bpf.h>\n",
			info.max_entries, cnt - got);
		return -ENOSPC;
	}
	return 0;
}

/* ---------------------------------------------------------------- links */

void tsdt_link__destroy(struct tsdt_link *link)
{
	struct tsdt_bpf_spec empty = {};
	size_t i;

	if (!link)
		return;
	for (i = 0; i < link->bpf_link_cnt; i++)
		bpf_link__destroy(link->bpf_links[i]);
	if (link->spec_map_fd >= 0) {
		for (i = 0; i < link->spec_cnt; i++)
			bpf_map_update_elem(link->spec_map_fd,
					    &link->spec_ids[i], &empty, 0);
		close(link->spec_map_fd);
	}
	free(link->bpf_links);
	free(link->spec_ids);
	free(link);
}

size_t tsdt_link__site_cnt(const struct tsdt_link *link)
{
	return link ? link->site_cnt : 0;
}

bool tsdt_link__is_multi(const struct tsdt_link *link)
{
	return link && link->multi;
}

size_t tsdt_link__nop5_cnt(const struct tsdt_link *link)
{
	return link ? link->nop5_cnt : 0;
}

struct tsdt_link *tsdt_link__create(const struct tsdt_link_opts *o)
{
	const struct bpf_program *prog = o->prog;
	const struct tsdt_probe *const *probes = o->probes;
	const __u64 *cookies = o->cookies;
	const int *arg_cnts = o->arg_cnts;
	size_t probe_cnt = o->probe_cnt;
	int spec_map_fd = o->spec_map_fd;
	bool per_site = o->per_site, nop5 = o->nop5;
	pid_t pid = o->pid;
	unsigned long *offsets = NULL, *ref_ctrs = NULL;
	__u64 *bcookies = NULL;
	struct tsdt_link *link;
	const char *path;
	size_t i, j, k, n = 0;
	int err = 0;

	if (!probe_cnt)
		return tsdt_err_ptr(-EINVAL);
	path = tsdt_binary__open_path(tsdt_probe__binary(probes[0]));
	for (i = 0; i < probe_cnt; i++)
		n += tsdt_probe__site_cnt(probes[i]);
	if (pid <= 0)
		pid = -1;
	nop5 = nop5 && tsdt_kernel_has_optimized_uprobes();

	link = calloc(1, sizeof(*link));
	if (!link)
		return tsdt_err_ptr(-ENOMEM);
	link->spec_map_fd = -1;
	link->multi = !per_site;
	link->site_cnt = n;
	if (!n)
		return link;
	link->spec_ids = calloc(n, sizeof(*link->spec_ids));
	offsets = calloc(n, sizeof(*offsets));
	ref_ctrs = calloc(n, sizeof(*ref_ctrs));
	bcookies = calloc(n, sizeof(*bcookies));
	link->bpf_links = calloc(per_site ? n : 1, sizeof(*link->bpf_links));
	if (!link->spec_ids || !offsets || !ref_ctrs || !bcookies ||
	    !link->bpf_links) {
		err = -ENOMEM;
		goto err_out;
	}

	/* specs first: a site may fire as soon as it is attached */
	if (spec_map_fd >= 0) {
		link->spec_map_fd = dup(spec_map_fd);
		if (link->spec_map_fd < 0) {
			err = -errno;
			goto err_out;
		}
		if (o->spec_ids)
			memcpy(link->spec_ids, o->spec_ids,
			       n * sizeof(*link->spec_ids));
		else
			err = alloc_spec_ids(spec_map_fd, link->spec_ids, n);
		if (err)
			goto err_out;
	}
	for (i = 0, k = 0; i < probe_cnt; i++) {
		const struct tsdt_probe *p = probes[i];
		int cnt = arg_cnts ? arg_cnts[i] : -1;

		for (j = 0; j < tsdt_probe__site_cnt(p); j++, k++) {
			const struct tsdt_site *s = tsdt_probe__site(p, j);
			struct tsdt_bpf_spec spec;
			int c = cnt;
			bool at5;

			if (c < 0) /* all of this site's */
				c = tsdt_site__arg_cnt(s) < TSDT_BPF_MAX_ARGS ?
				    tsdt_site__arg_cnt(s) : TSDT_BPF_MAX_ARGS;

			/* the five-byte nop, six bytes on (see catalog.c) */
			at5 = nop5 && tsdt_site__has_nop5(s);
			offsets[k] = tsdt_site__file_offset(s) +
				     (at5 ? TSDT_X86_NOP5_OFF : 0);
			ref_ctrs[k] = tsdt_probe__semaphore_offset(p);
			link->nop5_cnt += at5;
			bcookies[k] = link->spec_ids[k];
			if (link->spec_map_fd < 0)
				continue;
			/* the tracer (all arguments) shows an argument in a
			 * floating-point register as unreadable; a handler
			 * that reads one is refused */
			err = tsdt_bpf_spec__fill(p, s, c,
						  cookies ? cookies[i] : 0,
						  !arg_cnts, &spec);
			if (err)
				goto err_out;
			add_extras(&spec, p, o->extras, o->extra_types,
				   o->extra_cnt);
			if (!strcmp(tsdt_probe__provider(p), "tsdt") &&
			    !strcmp(tsdt_probe__name(p), "role"))
				spec.flags |= TSDT_BPF_SPEC_ROLE;
			/* the uprobe's ip is where it is attached, and %rsp
			 * is 128 bytes lower there */
			if (at5) {
				spec.site_addr += TSDT_X86_NOP5_OFF;
				sp_shift(&spec, TSDT_X86_NOP5_SP_SHIFT);
			}
			if (bpf_map_update_elem(link->spec_map_fd,
						&link->spec_ids[k], &spec, 0)) {
				err = -errno;
				goto err_out;
			}
			link->spec_cnt = k + 1;
		}
	}

	if (!per_site) {
		LIBBPF_OPTS(bpf_uprobe_multi_opts, mopts,
			    .offsets = offsets,
			    .ref_ctr_offsets = ref_ctrs,
			    .cookies = bcookies,
			    .cnt = n,
			    .retprobe = o->retprobe);
		struct timespec t0, t1;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		link->bpf_links[0] = bpf_program__attach_uprobe_multi(
			prog, pid, path, NULL, &mopts);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		/* bench/attach.sh reads this (tsdt trace -v): the kernel's
		 * share, mostly one RCU grace period (see trace.c) */
		pr_debug("attach: timing: uprobe_multi link create, %zu sites: %.2f ms\n",
			 n, (t1.tv_sec - t0.tv_sec) * 1e3 +
			    (t1.tv_nsec - t0.tv_nsec) / 1e6);
		if (!link->bpf_links[0]) {
			err = -errno;
			pr_warn("attach: cannot attach '%s' to %zu sites of %s (uprobe_multi): %s\n",
				bpf_program__name(prog), n, path,
				strerror(-err));
			goto err_out;
		}
		link->bpf_link_cnt = 1;
	} else {
		for (k = 0; k < n; k++) {
			LIBBPF_OPTS(bpf_uprobe_opts, uopts,
				    .ref_ctr_offset = ref_ctrs[k],
				    .bpf_cookie = bcookies[k],
				    .retprobe = o->retprobe);
			struct bpf_link *l;

			l = bpf_program__attach_uprobe_opts(prog, pid, path,
							    offsets[k], &uopts);
			if (!l) {
				err = -errno;
				pr_warn("attach: cannot attach '%s' to %s at offset 0x%lx: %s\n",
					bpf_program__name(prog), path,
					offsets[k], strerror(-err));
				goto err_out;
			}
			link->bpf_links[link->bpf_link_cnt++] = l;
		}
	}
	pr_debug("attach: '%s' attached to %zu sites of %s (%s, pid %d; %zu on a five-byte nop)\n",
		 bpf_program__name(prog), n, path,
		 per_site ? "per-site" : "uprobe_multi", (int)pid,
		 link->nop5_cnt);
	free(offsets);
	free(ref_ctrs);
	free(bcookies);
	return link;

err_out:
	free(offsets);
	free(ref_ctrs);
	free(bcookies);
	tsdt_link__destroy(link);
	return tsdt_err_ptr(err);
}

struct tsdt_link *tsdt_program__attach(const struct bpf_program *prog,
				       const struct tsdt_probe *probe,
				       const struct tsdt_attach_opts *opts)
{
	struct tsdt_handler_sig sig;
	struct tsdt_link *link = NULL;
	struct btf *btf = NULL;
	int map_fd = -1, err;
	bool per_site;

	if (!prog || !probe)
		return tsdt_err_ptr(-EINVAL);
	if (!TSDT_OPTS_VALID(opts, tsdt_attach_opts))
		return tsdt_err_ptr(-EINVAL);

	err = prog_kernel_info(prog, &btf, &map_fd, NULL);
	if (err)
		goto out;
	err = tsdt_btf__handler_sig(btf, bpf_program__name(prog), &sig);
	if (err)
		goto out;
	err = check_sig(bpf_program__name(prog), &sig, probe, NULL, 0, true);
	if (err)
		goto out;
	if (map_fd < 0 && sig.arg_cnt) {
		pr_warn("attach: program '%s' has no %s map\n",
			bpf_program__name(prog), SPEC_MAP_NAME);
		err = -ENOENT;
		goto out;
	}

	/* the mode the program was loaded for */
	per_site = bpf_program__expected_attach_type(prog) !=
		   BPF_TRACE_UPROBE_MULTI;
	if (TSDT_OPTS_GET(opts, force_per_site, false) && !per_site)
		pr_debug("attach: '%s' was prepared for uprobe_multi; force_per_site ignored\n",
			 bpf_program__name(prog));

	{
		const char *const *globals = TSDT_OPTS_GET(opts, globals, NULL);
		size_t gcnt = globals ? TSDT_OPTS_GET(opts, global_cnt, 0) : 0;
		struct tsdt_arg_spec gspecs[4];
		struct tsdt_type gtypes[4];
		struct tsdt_link_opts lo = {
			.prog = prog,
			.spec_map_fd = map_fd,
			.probes = &probe,
			.probe_cnt = 1,
			.arg_cnts = &sig.arg_cnt,
			.pid = TSDT_OPTS_GET(opts, pid, 0),
			.per_site = per_site,
			.nop5 = !TSDT_OPTS_GET(opts, no_nop5, false),
			.extras = gspecs,
			.extra_types = gtypes,
			.extra_cnt = gcnt,
		};

		if (gcnt > 4 || tsdt_probe__arg_cnt(probe) + gcnt > TSDT_BPF_MAX_ARGS) {
			pr_warn("attach: program '%s': %zu globals: at most 4, and 12 with %s:%s's %d arguments\n",
				bpf_program__name(prog), gcnt, tsdt_probe__provider(probe),
				tsdt_probe__name(probe), tsdt_probe__arg_cnt(probe));
			err = -E2BIG;
			goto out;
		}
		if (gcnt && map_fd < 0) {
			pr_warn("attach: program '%s' has no %s map: it cannot read globals\n",
				bpf_program__name(prog), SPEC_MAP_NAME);
			err = -ENOENT;
			goto out;
		}
		for (size_t k = 0; k < gcnt; k++) {
			err = tsdt_global_resolve(tsdt_probe__binary(probe), globals[k],
						  &gspecs[k], &gtypes[k]);
			if (err) {
				pr_warn("attach: program '%s' on %s:%s: global %zu ('%s') refused\n",
					bpf_program__name(prog), tsdt_probe__provider(probe),
					tsdt_probe__name(probe), k, globals[k]);
				goto out;
			}
		}
		link = tsdt_link__create(&lo);
	}
	err = link ? 0 : -errno;
out:
	if (map_fd >= 0)
		close(map_fd);
	btf__free(btf);
	if (err)
		return tsdt_err_ptr(err);
	return link;
}
