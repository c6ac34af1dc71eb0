// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The generic tracer behind `tsdt trace` and `tsdt stat`.
 *
 * One BPF program (trace.bpf.c) serves every site of every probe: each
 * site's spec (argument locations, plus which arguments are strings) is in
 * the tsdt_specs map at the site's cookie, and the spec's own cookie field
 * is the probe's index in the tracer. Sites are attached with one
 * uprobe_multi link per binary (tsdt_link__create() in attach.c), or one
 * perf-event uprobe per site.
 *
 * Delivery: a BPF ring buffer whose records are submitted with
 * BPF_RB_NO_WAKEUP, because a wakeup per event makes the traced thread pay
 * for the reader's scheduling (2.6x per hit, measured). So the reader polls:
 * tsdt_tracer__poll() consumes what is there and otherwise naps, 100 us
 * after a busy look, doubling while the ring stays empty up to 5 ms (an
 * idle tracer costs ~200 wakeups/s; a busy one never lets the ring fill).
 * It reads in batches, at most one per 100 us, and hands space back once
 * per batch (ringbuf.c; the traced thread pays for every cache line the
 * reader shares with it; trace-poll.c says why). Reserve failures are
 * counted per CPU in the `lost` map and reported by tsdt_tracer__lost_cnt().
 *
 * Incremental: probes added after start are attached at once, each with a
 * link of its own; the maps are sized at start with room for them, and
 * spec slots come from a free list kept here (no scan of the map).
 *
 * Strings: when a probe traced has a string argument the program is
 * sleepable, so a string on a page the process never touched is faulted in
 * (bpf_copy_from_user_str) instead of coming back empty; without strings
 * the cheaper non-sleepable program runs. If the kernel refuses to load the
 * sleepable program (no sleepable uprobes), the tracer falls back to the non-sleepable one
 * and says so (pr_info); a string that then cannot be read is reported
 * with -EFAULT in its event.
 *
 * Loading cost (bench/loadcost.c measures it): the verifier checks ~1.3 K
 * instructions per program (trace.bpf.c says why so few), and the ring
 * buffer map is created ahead by a thread (trace-startup.c) while the
 * caller reads its catalogue.
 *
 * Files: this one (the tracer object), trace-startup.c, trace-poll.c,
 * event.c; their shared objects are in trace-internal.h.
 */
#include <errno.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach-internal.h"
#include "catalog.h"
#include "debuginfo.h"
#include "elf-reader.h"
#include "internal.h"
#include "log.h"
#include "ringbuf.h"
#include "trace-internal.h"
#include "attach/trace.skel.h"

#define DEFAULT_RINGBUF (8u << 20) /* 130 K one-argument events; creating 16 MiB took 3.3 ms */
/* room for probes added after start (tsdt_tracer_opts.max_probes/_sites) */
#define DEFAULT_PROBE_SLOTS 256
#define DEFAULT_SPEC_SLOTS 1024

/* role_global and role_names ("1=supervisor,2=worker"): 0 or -errno */
static int role_global_init(struct tsdt_tracer *tr, const char *global,
			    const char *names)
{
	char *list, *item, *save = NULL;
	int err;

	{
		/* NAME[:TYPE]: a string type makes the role the text */
		char gname[128];
		const char *colon = strchr(global, ':');
		struct tsdt_type t;

		snprintf(gname, sizeof(gname), "%.*s",
			 colon ? (int)(colon - global) : (int)strlen(global), global);
		if (colon && (tsdt_type__parse(colon + 1, &t) ||
			      t.kind == TSDT_TYPE_UNTYPED)) {
			pr_warn("trace: role global '%s': '%s' is not a type tsdt knows\n",
				gname, colon + 1);
			return -EINVAL;
		}
		err = tsdt_tracer__add_global(tr, gname, colon ? &t : NULL);
		if (err)
			return err;
	}
	tr->role_global = (int)tr->global_cnt - 1;
	if (!names)
		return 0;
	list = strdup(names);
	if (!list)
		return -ENOMEM;
	for (item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		struct tsdt_role_value *v;
		char *eq = strchr(item, '='), *end;
		long long val;

		if (!eq || eq == item || !eq[1]) {
			pr_warn("trace: role names: '%s' is not VALUE=NAME\n", item);
			free(list);
			return -EINVAL;
		}
		*eq = 0;
		errno = 0;
		val = strtoll(item, &end, 0);
		if (errno || *end) {
			pr_warn("trace: role names: '%s' is not a number\n", item);
			free(list);
			return -EINVAL;
		}
		v = realloc(tr->role_values, (tr->role_value_cnt + 1) * sizeof(*v));
		if (!v) {
			free(list);
			return -ENOMEM;
		}
		tr->role_values = v;
		v = &v[tr->role_value_cnt++];
		v->value = val;
		snprintf(v->name, sizeof(v->name), "%s", eq + 1);
	}
	free(list);
	return 0;
}

/* One enumerator of role_global's enum type, from debug information. */
static int add_role_value(void *ctx, int64_t value, const char *name)
{
	struct tsdt_tracer *tr = ctx;
	struct tsdt_role_value *v;

	v = realloc(tr->role_values, (tr->role_value_cnt + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	tr->role_values = v;
	v = &v[tr->role_value_cnt++];
	v->value = value;
	snprintf(v->name, sizeof(v->name), "%s", name);
	return 0;
}

/* The name of role value @v of role_global (a number without a name: its
 * text, in a scratch buffer valid until the next call). */
const char *tsdt_tracer_role_value_name(const struct tsdt_tracer *tr, int64_t v)
{
	struct tsdt_tracer *t = (struct tsdt_tracer *)tr;

	for (size_t i = 0; i < tr->role_value_cnt; i++)
		if (tr->role_values[i].value == v)
			return tr->role_values[i].name;
	snprintf(t->role_scratch, sizeof(t->role_scratch), "%lld", (long long)v);
	return t->role_scratch;
}

/* The kernel's role key for role name @name. */
static __u64 role_key(const struct tsdt_tracer *tr, const char *name)
{
	char *end;
	long long v;

	if (tr->role_global < 0 ||
	    tr->globals[tr->role_global].type.kind == TSDT_TYPE_STR)
		return tsdt_role_hash(name, TSDT_ROLE_NAME_MAX - 1);
	for (size_t i = 0; i < tr->role_value_cnt; i++)
		if (!strcmp(tr->role_values[i].name, name))
			return (__u64)tr->role_values[i].value | (1ULL << 63);
	v = strtoll(name, &end, 0);
	return *end ? 0 : ((__u64)v | (1ULL << 63));
}

struct tsdt_tracer *tsdt_tracer__new(const struct tsdt_tracer_opts *opts)
{
	struct tsdt_tracer *tr;
	size_t rb;
	unsigned int sm;

	if (!TSDT_OPTS_VALID(opts, tsdt_tracer_opts))
		return tsdt_err_ptr(-EINVAL);
	rb = TSDT_OPTS_GET(opts, ringbuf_size, 0);
	if (!rb)
		rb = DEFAULT_RINGBUF;
	if (rb < (size_t)getpagesize() || (rb & (rb - 1))) {
		pr_warn("trace: ring buffer size %zu is not a power of two of at least a page\n",
			rb);
		return tsdt_err_ptr(-EINVAL);
	}
	if (rb > 1ul << 31) { /* a map's max_entries is 32 bits */
		pr_warn("trace: ring buffer size %zu is more than 2 GiB\n", rb);
		return tsdt_err_ptr(-EINVAL);
	}
	sm = TSDT_OPTS_GET(opts, str_max, 0);
	if (!sm)
		sm = TSDT_TRACE_STR_MAX_DEFAULT;
	if (sm > TSDT_TRACE_STR_MAX_LIMIT) {
		pr_warn("trace: str_max %u is more than %d\n", sm,
			TSDT_TRACE_STR_MAX_LIMIT);
		return tsdt_err_ptr(-EINVAL);
	}
	sm = (sm + 7) & ~7u;

	tr = calloc(1, sizeof(*tr));
	if (!tr)
		return tsdt_err_ptr(-ENOMEM);
	tr->pid = TSDT_OPTS_GET(opts, pid, 0);
	if (tr->pid <= 0)
		tr->pid = -1;
	tr->force_per_site = TSDT_OPTS_GET(opts, force_per_site, false);
	tr->count_only = TSDT_OPTS_GET(opts, count_only, false);
	tr->span_records = TSDT_OPTS_GET(opts, span_records, false);
	tr->max_open_spans = TSDT_OPTS_GET(opts, max_open_spans, 0);
	tr->ring_used = !tr->count_only || tr->span_records;
	tr->sys_span = -1;
	tr->no_sleepable = TSDT_OPTS_GET(opts, no_sleepable, false);
	tr->no_nop5 = TSDT_OPTS_GET(opts, no_nop5, false);
	tr->opt_probes = TSDT_OPTS_GET(opts, max_probes, 0);
	tr->opt_sites = TSDT_OPTS_GET(opts, max_sites, 0);
	tr->follow = TSDT_OPTS_GET(opts, follow, false);
	tr->no_hold = TSDT_OPTS_GET(opts, no_hold, false);
	tr->file_fn = TSDT_OPTS_GET(opts, file_fn, NULL);
	tr->file_ctx = TSDT_OPTS_GET(opts, file_ctx, NULL);
	tr->max_procs = TSDT_OPTS_GET(opts, max_procs, 0);
	if (TSDT_OPTS_GET(opts, cgroup, NULL)) {
		const char *cg = TSDT_OPTS_GET(opts, cgroup, NULL);

		if (tr->pid > 0) {
			pr_warn("trace: a cgroup and a process exclude each other\n");
			free(tr);
			return tsdt_err_ptr(-EINVAL);
		}
		tr->cgroup = strdup(cg);
		if (!tr->cgroup) {
			free(tr);
			return tsdt_err_ptr(-ENOMEM);
		}
	}
	tr->count_by_role = TSDT_OPTS_GET(opts, count_by_role, false);
	{
		const char *rf = TSDT_OPTS_GET(opts, role_filter, NULL);

		if (rf && !(tr->role_filter = strdup(rf))) {
			free(tr->cgroup);
			free(tr);
			return tsdt_err_ptr(-ENOMEM);
		}
	}
	tr->role_global = -1;
	if (TSDT_OPTS_GET(opts, role_cmdline, NULL)) {
		const char *re = TSDT_OPTS_GET(opts, role_cmdline, NULL);
		int rc = regcomp(&tr->role_re, re, REG_EXTENDED);

		if (rc) {
			char msg[128];

			regerror(rc, &tr->role_re, msg, sizeof(msg));
			pr_warn("trace: role_cmdline '%s': %s\n", re, msg);
			tsdt_tracer__free(tr);
			return tsdt_err_ptr(-EINVAL);
		}
		tr->role_re_ok = true;
		if (TSDT_OPTS_GET(opts, role_global, NULL)) {
			pr_warn("trace: roles from the command line or from a global, not both\n");
			tsdt_tracer__free(tr);
			return tsdt_err_ptr(-EINVAL);
		}
	}
	if (TSDT_OPTS_GET(opts, role_global, NULL)) {
		int err = role_global_init(tr, TSDT_OPTS_GET(opts, role_global, NULL),
					   TSDT_OPTS_GET(opts, role_names, NULL));

		if (err) {
			tsdt_tracer__free(tr);
			return tsdt_err_ptr(err);
		}
	}
	if (tr->follow && tr->pid <= 0)
		tr->follow = false; /* every process is traced already */
	/* following filters in the program; the links reach every process */
	tr->link_pid = tsdt_follow_active(tr) ? -1 : tr->pid;
	if (tsdt_follow_active(tr) && !TSDT_OPTS_GET(opts, follow_nop5, false))
		tr->no_nop5 = true;
	tr->ringbuf_size = rb;
	tr->str_max = sm;
	tr->ring_fd = -1;
	tr->ncpus = libbpf_num_possible_cpus();
	if (tr->ncpus <= 0) {
		free(tr);
		return tsdt_err_ptr(-EINVAL);
	}
	tsdt_tracer_startup_begin(tr);
	return tr;
}

static int attach_probes(struct tsdt_tracer *tr, const size_t *idx, size_t n);

/* The string slot of each argument of probe @i in its records (-1: not a
 * string): its own arguments, then the globals. */
static void str_slots(struct tsdt_tracer *tr, size_t i)
{
	const struct tsdt_probe *probe = tr->probes[i];
	int argc = tsdt_probe__arg_cnt(probe);
	signed char k = 0;

	for (int j = 0; j < TSDT_MAX_ARGS; j++) {
		const struct tsdt_type *t = NULL;

		if (j < argc)
			t = tsdt_probe__arg_type(probe, j);
		else if ((size_t)(j - argc) < tr->global_cnt)
			t = &tr->globals[j - argc].type;
		tr->str_slots[i][j] = t && t->kind == TSDT_TYPE_STR ? k++ : -1;
	}
}

int tsdt_tracer__add_global(struct tsdt_tracer *tr, const char *name,
			    const struct tsdt_type *type)
{
	struct tsdt_tracer_global *g;

	if (!tr || !name || !name[0] || tr->started)
		return -EINVAL;
	if (tr->global_cnt == TSDT_TRACER_MAX_GLOBALS)
		return -E2BIG;
	if (type && type->kind != TSDT_TYPE_STR && type->size != 1 &&
	    type->size != 2 && type->size != 4 && type->size != 8) {
		pr_warn("trace: global '%s': type '%s' has no size BPF can read (1, 2, 4 or 8 bytes)\n",
			name, type->name);
		return -EINVAL;
	}
	g = &tr->globals[tr->global_cnt];
	g->name = strdup(name);
	if (!g->name)
		return -ENOMEM;
	if (type) {
		g->type = *type;
		g->user_typed = true;
	} else {
		g->sized = true;
		g->type = (struct tsdt_type){ .kind = TSDT_TYPE_INT, .size = 8,
					      .is_signed = true };
		snprintf(g->type.name, sizeof(g->type.name), "int64_t");
	}
	if (g->type.kind == TSDT_TYPE_STR)
		g->type.size = 8;
	tr->global_cnt++;
	/* probes added already get the new slot too */
	for (size_t i = 0; i < tr->probe_cnt; i++)
		str_slots(tr, i);
	return 0;
}

const char *tsdt_tracer_arg_name(const struct tsdt_tracer *tr,
				 const struct tsdt_probe *p, int i)
{
	int argc = tsdt_probe__arg_cnt(p);

	return i < argc ? tsdt_probe__arg_name(p, i)
			: tsdt_tracer__global_name(tr, i - argc);
}

const struct tsdt_type *tsdt_tracer_arg_type(const struct tsdt_tracer *tr,
					     const struct tsdt_probe *p, int i)
{
	int argc = tsdt_probe__arg_cnt(p);

	return i < argc ? tsdt_probe__arg_type(p, i)
			: tsdt_tracer__global_type(tr, i - argc);
}

size_t tsdt_tracer__global_cnt(const struct tsdt_tracer *tr)
{
	return tr ? tr->global_cnt : 0;
}

const char *tsdt_tracer__global_name(const struct tsdt_tracer *tr, size_t i)
{
	return tr && i < tr->global_cnt ? tr->globals[i].name : NULL;
}

const struct tsdt_type *tsdt_tracer__global_type(const struct tsdt_tracer *tr,
						 size_t i)
{
	return tr && i < tr->global_cnt ? &tr->globals[i].type : NULL;
}

/*
 * The globals of @bin, as specs read relative to the site (each probe's
 * own file): symbol values from .symtab/.dynsym; a global @bin lacks has
 * address 0 (unreadable). Types without a size take the symbol's. 0 or
 * -errno.
 */
static int global_specs(struct tsdt_tracer *tr, const struct tsdt_binary *bin,
			struct tsdt_arg_spec *specs, struct tsdt_type *types)
{
	const char *names[TSDT_TRACER_MAX_GLOBALS];
	uint64_t vals[TSDT_TRACER_MAX_GLOBALS] = {}, sizes[TSDT_TRACER_MAX_GLOBALS] = {};
	bool found[TSDT_TRACER_MAX_GLOBALS] = {};
	struct tsdt_debuginfo *di = NULL;
	char di_why[512] = "";
	bool di_tried = false;
	struct tsdt_elf ef;
	size_t n = tr->global_cnt;
	int err;

	if (!n)
		return 0;
	/* the specs worked out before start for this file (start's first
	 * pass, for the records' layout): the same, not read again */
	for (size_t c = 0; c < tr->gcache_cnt; c++)
		if (tsdt_binary__same_file(tr->gcache[c].bin, bin)) {
			memcpy(specs, tr->gcache[c].specs, n * sizeof(*specs));
			memcpy(types, tr->gcache[c].types, n * sizeof(*types));
			return 0;
		}
	for (size_t k = 0; k < n; k++)
		names[k] = tr->globals[k].name;
	err = tsdt_elf_open(&ef, tsdt_binary__open_path(bin), tsdt_binary__path(bin));
	if (err)
		return err;
	err = tsdt_elf_resolve_syms(&ef, names, n, vals, sizes, found);
	tsdt_elf_close(&ef);
	if (err)
		return err;
	for (size_t k = 0; k < n; k++) {
		struct tsdt_arg_spec *a = &specs[k];
		struct tsdt_type *t = &types[k];

		*t = tr->globals[k].type;
		memset(a, 0, sizeof(*a));
		a->loc = TSDT_ARG_STATIC;
		snprintf(a->sym, sizeof(a->sym), "%s", names[k]);
		/* in a symbol table: the debug information's type, when it
		 * has one, is the global's if none was given (before start
		 * only: the records' layout depends on it), and must agree
		 * with the one given (as a handler's with a probe's) */
		if (found[k] && (tr->globals[k].user_typed ||
				 (tr->globals[k].sized && !tr->started))) {
			char why[512], gb[TSDT_TYPE_NAME_MAX + 32], db[TSDT_TYPE_NAME_MAX + 32];
			struct tsdt_type dt;
			uint64_t addr;
			int derefs;
			int64_t offs[3];

			if (!di_tried) {
				di = tsdt_debuginfo_open_why(tsdt_binary__open_path(bin),
							     di_why, sizeof(di_why));
				di_tried = true;
			}
			if (di && !tsdt_debuginfo_find_path(di, tsdt_binary__path(bin),
							    names[k], &addr, &dt,
							    &derefs, offs, why,
							    sizeof(why)) && !derefs) {
				if (tr->globals[k].user_typed &&
				    tsdt_type__check(&tr->globals[k].type, &dt, NULL, 0)) {
					pr_warn("trace: %s: global '%s' is %s, not %s\n",
						tsdt_binary__path(bin), names[k],
						tsdt_type__str(&dt, db, sizeof(db)),
						tsdt_type__str(&tr->globals[k].type, gb, sizeof(gb)));
					tsdt_debuginfo_close(di);
					return -EPROTOTYPE;
				}
				if (tr->globals[k].sized) {
					tr->globals[k].type = dt;
					tr->globals[k].sized = false;
					tr->gcache_cnt = 0; /* typed otherwise before */
					*t = dt;
				}
			}
		}
		if (tr->globals[k].sized && found[k]) {
			if (sizes[k] != 1 && sizes[k] != 2 && sizes[k] != 4 &&
			    sizes[k] != 8) {
				pr_warn("trace: %s: global '%s' is %llu bytes: give its type (NAME:TYPE)\n",
					tsdt_binary__path(bin), names[k],
					(unsigned long long)sizes[k]);
				found[k] = false;
			} else {
				t->size = sizes[k];
				snprintf(t->name, sizeof(t->name), "int%llu_t",
					 (unsigned long long)sizes[k] * 8);
			}
		}
		if (!found[k]) {
			/* not in the symbol tables (a static variable of a
			 * stripped file): its debug information */
			struct tsdt_type dt;
			char why[512];
			uint64_t addr;

			if (!di_tried) {
				di = tsdt_debuginfo_open_why(tsdt_binary__open_path(bin),
							     di_why, sizeof(di_why));
				di_tried = true;
			}
			if (!di)
				snprintf(why, sizeof(why), "%s", di_why);
			if (di && !tsdt_debuginfo_find_path(di, tsdt_binary__path(bin),
							    names[k], &addr, &dt,
							    &a->derefs, a->chain_off,
							    why, sizeof(why))) {
				char gb[TSDT_TYPE_NAME_MAX + 32], db[TSDT_TYPE_NAME_MAX + 32];

				if (tr->globals[k].user_typed &&
				    tsdt_type__check(&tr->globals[k].type, &dt, NULL, 0)) {
					pr_warn("trace: %s: '%s' is %s, not %s\n",
						tsdt_binary__path(bin), names[k],
						tsdt_type__str(&dt, db, sizeof(db)),
						tsdt_type__str(&tr->globals[k].type, gb, sizeof(gb)));
					tsdt_debuginfo_close(di);
					return -EPROTOTYPE;
				}
				found[k] = true;
				vals[k] = addr;
				/* the type from debug information, for every
				 * event's layout: only before start */
				if (tr->globals[k].sized && !tr->started) {
					tr->globals[k].type = dt;
					tr->globals[k].sized = false;
					tr->gcache_cnt = 0; /* typed otherwise before */
				}
				*t = tr->globals[k].type;
				pr_debug("trace: %s: '%s' from debug information\n",
					 tsdt_binary__path(bin), names[k]);
			} else {
				pr_info("trace: %s\n", why);
				snprintf(tr->globals[k].why, sizeof(tr->globals[k].why),
					 "%s", why);
			}
		}
		a->size = t->size;
		a->is_signed = t->is_signed;
		a->addr = found[k] ? vals[k] : 0;
		tr->globals[k].found |= found[k];
		if (!found[k])
			pr_info("trace: %s: no global '%s' (.symtab, .dynsym): unreadable in its probes' events\n",
				tsdt_binary__path(bin), names[k]);
	}
	/* a role global without --role-names: its enum's names */
	if (tr->role_global >= 0 && !tr->role_value_cnt && !tr->started) {
		if (!di_tried)
			di = tsdt_debuginfo_open(tsdt_binary__open_path(bin));
		if (tsdt_debuginfo_enum_names(di, tr->globals[tr->role_global].name,
					      add_role_value, tr) > 0)
			pr_debug("trace: role names of '%s' from its enum\n",
				 tr->globals[tr->role_global].name);
	}
	tsdt_debuginfo_close(di);
	return 0;
}

int tsdt_tracer__add_probe(struct tsdt_tracer *tr,
			   const struct tsdt_probe *probe)
{
	size_t i, sites;
	int j, err;

	if (!tr || !probe)
		return -EINVAL;
	for (i = 0; i < tr->probe_cnt; i++) {
		if (!tsdt_probe_same(tr->probes[i], probe))
			continue;
		if (tr->started && tr->detached[i]) {
			/* removed with its file, now wanted again (the file
			 * was dlopen'ed again, say): attach it anew */
			err = attach_probes(tr, &i, 1);
			if (err)
				return err;
		}
		return (int)i;
	}
	sites = tsdt_probe__site_cnt(probe);
	if (tr->started && (tr->probe_cnt >= tr->probe_slots ||
			    sites > tr->free_cnt)) {
		pr_warn("trace: no room for %s:%s (%zu sites) in the running tracer: %zu of %zu probes and %zu of %zu sites in use (tsdt_tracer_opts.max_probes, max_sites)\n",
			tsdt_probe__provider(probe), tsdt_probe__name(probe),
			sites, tr->probe_cnt, tr->probe_slots,
			tr->spec_slots - tr->free_cnt, tr->spec_slots);
		return -ENOSPC;
	}
	for (i = 0; i < sites; i++) {
		const struct tsdt_site *s = tsdt_probe__site(probe, i);

		for (j = 0; j < tsdt_site__arg_cnt(s); j++) {
			const struct tsdt_arg_spec *a = tsdt_site__arg_spec(s, j);

			if (a && a->loc == TSDT_ARG_FPREG)
				pr_warn("trace: %s:%s at 0x%llx arg %d ('%s'): floating-point registers cannot be read from BPF; its events will mark it unreadable\n",
					tsdt_probe__provider(probe),
					tsdt_probe__name(probe),
					(unsigned long long)tsdt_site__addr(s),
					j, tsdt_site__raw_args(s));
			else if (a && a->loc == TSDT_ARG_STATIC && !a->addr)
				pr_warn("trace: %s:%s at 0x%llx arg %d: symbol '%s' is in no symbol table of the file (stripped?); its events will mark it unreadable\n",
					tsdt_probe__provider(probe),
					tsdt_probe__name(probe),
					(unsigned long long)tsdt_site__addr(s),
					j, a->sym);
		}
	}
	if (tr->probe_cnt == tr->probe_cap) {
		size_t cap = tr->probe_cap ? tr->probe_cap * 2 : 16;
		const struct tsdt_probe **p;
		signed char (*ss)[TSDT_MAX_ARGS];
		long long *d;

		p = realloc(tr->probes, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		tr->probes = p;
		ss = realloc(tr->str_slots, cap * sizeof(*ss));
		if (!ss)
			return -ENOMEM;
		tr->str_slots = ss;
		d = realloc(tr->detached, cap * sizeof(*d));
		if (!d)
			return -ENOMEM;
		tr->detached = d;
		tr->probe_cap = cap;
	}
	tr->probes[tr->probe_cnt] = probe;
	tr->detached[tr->probe_cnt] = 0;
	str_slots(tr, tr->probe_cnt);
	err = tsdt_span_probe_added(tr, tr->probe_cnt);
	if (err)
		return err;
	if (tr->started) {
		i = tr->probe_cnt;
		if (sites && !tr->sleepable && !tr->no_sleepable)
			for (j = 0; j < tsdt_probe__arg_cnt(probe); j++)
				if (tsdt_probe__arg_type(probe, j)->kind ==
				    TSDT_TYPE_STR) {
					pr_info("trace: %s:%s has string arguments, the running program is not sleepable: strings on pages not yet resident will fail to read (-EFAULT)\n",
						tsdt_probe__provider(probe),
						tsdt_probe__name(probe));
					break;
				}
		tr->probe_cnt++;
		err = attach_probes(tr, &i, 1);
		if (err) {
			tr->probe_cnt--;
			return err;
		}
		tr->site_cnt += sites;
		return (int)i;
	}
	tr->site_cnt += sites;
	return (int)tr->probe_cnt++;
}

int tsdt_tracer__adopt_catalog(struct tsdt_tracer *tr, struct tsdt_catalog *cat)
{
	struct tsdt_catalog **cats;

	if (!tr || !cat)
		return -EINVAL;
	cats = realloc(tr->cats, (tr->cat_cnt + 1) * sizeof(*cats));
	if (!cats)
		return -ENOMEM;
	tr->cats = cats;
	tr->cats[tr->cat_cnt++] = cat;
	return 0;
}

static void detach_all(struct tsdt_tracer *tr)
{
	size_t i;

	tsdt_ringbuf__free(tr->rb);
	tr->rb = NULL;
	tsdt_span_detach(tr);
	for (i = 0; i < tr->link_cnt; i++) {
		tsdt_link__destroy(tr->links[i].link);
		free(tr->links[i].ids);
		free(tr->links[i].pidx);
	}
	free(tr->links);
	tr->links = NULL;
	tr->link_cnt = 0;
	trace_bpf__destroy(tr->skel);
	tr->skel = NULL;
}

/* The figures of a BPF_LOG_STATS verifier log (0 when absent). */
static void parse_verifier_stats(const char *log,
				 struct tsdt_tracer_load_stats *st)
{
	const char *p;

	if ((p = strstr(log, "verification time ")))
		sscanf(p, "verification time %u", &st->verify_us);
	if ((p = strstr(log, "processed ")))
		sscanf(p, "processed %u insns", &st->insns);
	if ((p = strstr(log, "total_states ")))
		sscanf(p, "total_states %u", &st->states);
}

/* Loads the program (sleepable or not); 0 or -errno. With @st, asks the
 * verifier for its statistics and times the load. */
static int load(struct tsdt_tracer *tr, bool sleepable,
		struct tsdt_tracer_load_stats *st)
{
	TSDT_OPTS(tsdt_attach_opts, aopts, .force_per_site = tr->force_per_site);
	struct trace_bpf *skel;
	char log[4096];
	double t0;
	int err;

	skel = trace_bpf__open();
	if (!skel)
		return -errno;
	skel->rodata->count_only = tr->count_only;
	skel->rodata->str_max = tr->str_max;
	bpf_program__set_autoload(skel->progs.trace_hit, !sleepable);
	bpf_program__set_autoload(skel->progs.trace_hit_s, sleepable);
	/* count-only: the ring is never written; keep it one page (and the
	 * process ring too when not following) */
	err = bpf_map__set_max_entries(skel->maps.events,
				       !tr->ring_used ? (size_t)getpagesize()
						      : tr->ringbuf_size);
	if (!err && !tsdt_follow_active(tr))
		err = bpf_map__set_max_entries(skel->maps.proc_events,
					       getpagesize());
	if (!err)
		err = tsdt_follow_prepare(tr, skel);
	skel->rodata->count_by_role = tr->count_by_role;
	if (tr->role_global >= 0) {
		skel->rodata->role_from_end = tr->global_cnt - tr->role_global;
		skel->rodata->role_str =
			tr->globals[tr->role_global].type.kind == TSDT_TYPE_STR;
	}
	if (tr->role_filter) {
		skel->rodata->role_filter = role_key(tr, tr->role_filter);
		if (!skel->rodata->role_filter) {
			pr_warn("trace: role '%s' is none of the names of global '%s'\n",
				tr->role_filter, tr->globals[tr->role_global].name);
			trace_bpf__destroy(skel);
			return -EINVAL;
		}
	}
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.hits, tr->probe_slots);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.tsdt_specs,
					       tr->spec_slots);
	if (!err)
		err = tsdt_object__prepare(skel->obj, &aopts);
	t0 = tsdt_mono_ms();
	if (err >= 0)
		err = tsdt_span_prepare(tr, skel);
	if (err >= 0 && tr->ring_used) {
		err = tsdt_tracer_ring_wait(tr);
		if (!err && tr->ring_fd >= 0)
			err = bpf_map__reuse_fd(skel->maps.events, tr->ring_fd);
	}
	if (st) {
		memset(st, 0, sizeof(*st));
		st->ring_wait_ms = tsdt_mono_ms() - t0;
		if (tr->ring_fd >= 0) {
			st->ring_lag_ms = tr->ring_t[1] - tr->ring_t[0];
			st->ring_create_ms = tr->ring_t[2] - tr->ring_t[1];
		}
	}
	if (err >= 0 && st) {
		struct bpf_program *p = sleepable ? skel->progs.trace_hit_s
						  : skel->progs.trace_hit;

		log[0] = 0;
		err = bpf_program__set_log_buf(p, log, sizeof(log));
		if (!err)
			err = bpf_program__set_log_level(p, 4 /* stats */);
	}
	if (err >= 0)
		err = trace_bpf__load(skel);
	if (err >= 0 && st) {
		st->load_ms = tsdt_mono_ms() - t0;
		parse_verifier_stats(log, st);
	}
	if (err < 0) {
		trace_bpf__destroy(skel);
		return err;
	}
	tr->skel = skel;
	tr->sleepable = sleepable;
	tr->multi = bpf_program__expected_attach_type(skel->progs.trace_hit) ==
		    BPF_TRACE_UPROBE_MULTI;
	return 0;
}

/*
 * The maps' room: what was added before start, and headroom for what is
 * added while running (twice as much, at least the defaults, or what
 * tsdt_tracer_opts asks for). Both maps are arrays, so room is memory
 * only: 1024 spec slots are 312 KiB of kernel memory.
 */
static void size_maps(struct tsdt_tracer *tr)
{
	size_t p = tr->opt_probes ? tr->opt_probes : DEFAULT_PROBE_SLOTS;
	size_t s = tr->opt_sites ? tr->opt_sites : DEFAULT_SPEC_SLOTS;

	if (!tr->opt_probes && p < 2 * tr->probe_cnt)
		p = 2 * tr->probe_cnt;
	if (!tr->opt_sites && s < 2 * tr->site_cnt)
		s = 2 * tr->site_cnt;
	tr->probe_slots = p > tr->probe_cnt ? p : tr->probe_cnt;
	tr->spec_slots = s > tr->site_cnt ? s : tr->site_cnt;
	if (!tr->probe_slots)
		tr->probe_slots = 1;
	if (!tr->spec_slots)
		tr->spec_slots = 1;
}

int tsdt_tracer__load_stats(struct tsdt_tracer *tr, bool sleepable,
			    struct tsdt_tracer_load_stats *st)
{
	int err;

	if (!tr)
		return -EINVAL;
	if (tr->started || tr->skel)
		return -EBUSY;
	size_maps(tr);
	err = load(tr, sleepable, st);
	if (err)
		return err;
	trace_bpf__destroy(tr->skel);
	tr->skel = NULL;
	return 0;
}

/*
 * Attaches the tracer's probes @idx[0..n) (all in one file) with one link,
 * their spec slots taken from the free list (given back if it fails).
 */
static int attach_probes(struct tsdt_tracer *tr, const size_t *idx, size_t n)
{
	const struct tsdt_probe **group;
	struct tsdt_trace_link *links;
	size_t *pidx = NULL;
	struct tsdt_link *link;
	__u64 *cookies;
	__u32 *ids;
	size_t i, sites = 0;
	int err = 0;

	for (i = 0; i < n; i++)
		sites += tsdt_probe__site_cnt(tr->probes[idx[i]]);
	if (!sites)
		return 0;
	if (sites > tr->free_cnt)
		return -ENOSPC;
	links = realloc(tr->links, (tr->link_cnt + 1) * sizeof(*links));
	if (!links)
		return -ENOMEM;
	tr->links = links;
	group = calloc(n, sizeof(*group));
	cookies = calloc(n, sizeof(*cookies));
	pidx = calloc(n, sizeof(*pidx));
	/* the top of the free stack, in increasing order */
	ids = malloc(sites * sizeof(*ids));
	if (!group || !cookies || !ids || !pidx) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(ids, tr->free_ids + tr->free_cnt - sites, sites * sizeof(*ids));
	for (i = 0; i < n; i++) {
		group[i] = tr->probes[idx[i]];
		cookies[i] = idx[i];
		pidx[i] = idx[i];
	}
	{
		struct tsdt_arg_spec gspecs[TSDT_TRACER_MAX_GLOBALS];
		struct tsdt_type gtypes[TSDT_TRACER_MAX_GLOBALS];
		struct tsdt_link_opts lo = {
			.prog = tr->sleepable ? tr->skel->progs.trace_hit_s
					      : tr->skel->progs.trace_hit,
			.spec_map_fd = bpf_map__fd(tr->skel->maps.tsdt_specs),
			.probes = group,
			.probe_cnt = n,
			.cookies = cookies,
			.pid = tr->link_pid,
			.per_site = !tr->multi,
			.nop5 = !tr->no_nop5,
			.spec_ids = ids,
			.extras = gspecs,
			.extra_types = gtypes,
			.extra_cnt = tr->global_cnt,
			.retprobe = tsdt_probe_is_return(group[0]),
		};

		err = global_specs(tr, tsdt_probe__binary(group[0]), gspecs, gtypes);
		if (err)
			goto out;
		/* at a return the ip is the caller's: a global of the
		 * function's file cannot be placed from it */
		for (size_t k = 0; lo.retprobe && k < tr->global_cnt; k++)
			gspecs[k].addr = 0;
		link = tsdt_link__create(&lo);
	}
	if (!link) {
		err = -errno;
		goto out;
	}
	tr->free_cnt -= sites;
	tr->links[tr->link_cnt++] = (struct tsdt_trace_link){
		.link = link,
		.bin = tsdt_probe__binary(group[0]),
		.ids = ids,
		.id_cnt = sites,
		.pidx = pidx,
		.pidx_cnt = n,
	};
	ids = NULL;
	pidx = NULL;
	for (i = 0; i < n; i++)
		tr->detached[idx[i]] = 0;
out:
	free(group);
	free(cookies);
	free(ids);
	free(pidx);
	return err;
}

int tsdt_tracer__remove_probe(struct tsdt_tracer *tr, size_t i)
{
	long long now = tsdt_mono_ns();

	if (!tr || !tr->started || i >= tr->probe_cnt)
		return -EINVAL;
	if (tr->detached[i])
		return 0;
	for (size_t l = 0; l < tr->link_cnt; l++) {
		struct tsdt_trace_link *lk = &tr->links[l];
		size_t off = 0, k;

		for (k = 0; k < lk->pidx_cnt && lk->pidx[k] != i; k++)
			off += tsdt_probe__site_cnt(tr->probes[lk->pidx[k]]);
		if (k == lk->pidx_cnt)
			continue;
		if (lk->pidx_cnt == 1) {
			/* its own link: detached, slots free again */
			tsdt_link__destroy(lk->link);
			memcpy(tr->free_ids + tr->free_cnt, lk->ids,
			       lk->id_cnt * sizeof(*lk->ids));
			tr->free_cnt += lk->id_cnt;
			free(lk->ids);
			free(lk->pidx);
			tr->links[l] = tr->links[--tr->link_cnt];
		} else {
			/* one of its file's link: its slots are cleared, so the
			 * program drops its hits (its sites still trap until
			 * the link goes); they are not reused while the link
			 * lives */
			struct tsdt_bpf_spec zero = {};
			int fd = bpf_map__fd(tr->skel->maps.tsdt_specs);

			for (size_t s = 0; s < tsdt_probe__site_cnt(tr->probes[i]); s++)
				if (bpf_map_update_elem(fd, &lk->ids[off + s], &zero, 0))
					return -errno;
		}
		tr->detached[i] = now;
		pr_debug("trace: %s:%s removed\n", tsdt_probe__provider(tr->probes[i]),
			 tsdt_probe__name(tr->probes[i]));
		return 1;
	}
	return 0;
}

int tsdt_tracer__remove_binary(struct tsdt_tracer *tr,
			       const struct tsdt_binary *bin)
{
	long long now = tsdt_mono_ns();
	size_t i, kept = 0;
	int n = 0;

	if (!tr || !bin)
		return -EINVAL;
	if (!tr->started)
		return -EINVAL;
	for (i = 0; i < tr->link_cnt; i++) {
		struct tsdt_trace_link *l = &tr->links[i];

		if (!tsdt_binary__same_file(l->bin, bin)) {
			tr->links[kept++] = *l;
			continue;
		}
		/* its slots are cleared in the map by the link, then free */
		tsdt_link__destroy(l->link);
		memcpy(tr->free_ids + tr->free_cnt, l->ids,
		       l->id_cnt * sizeof(*l->ids));
		tr->free_cnt += l->id_cnt;
		free(l->ids);
		free(l->pidx);
	}
	tr->link_cnt = kept;
	for (i = 0; i < tr->probe_cnt; i++)
		if (!tr->detached[i] &&
		    tsdt_binary__same_file(tsdt_probe__binary(tr->probes[i]), bin)) {
			tr->detached[i] = now;
			n++;
		}
	pr_debug("trace: %s: %d probes detached\n", tsdt_binary__path(bin), n);
	return n;
}

int tsdt_tracer__start(struct tsdt_tracer *tr)
{
	double t_start = tsdt_mono_ms(), t_loaded, t_link = 0, t0;
	bool *done = NULL, want_sleepable = false;
	size_t i, j, n, *idx = NULL;
	int err;

	if (!tr)
		return -EINVAL;
	if (tr->started)
		return -EBUSY;
	if (!tr->probe_cnt && !tsdt_follow_active(tr) && tr->sys_span < 0) {
		pr_warn("trace: no probe to trace\n");
		return -ENOENT;
	}
	size_maps(tr);

	/* Only strings need a sleepable program (to fault pages in); a
	 * non-sleepable one costs less per hit, so use it when no probe traced
	 * has a string argument. */
	/* the globals' types, from the files' debug information where the
	 * user gave none: the records' layout depends on them */
	if (tr->global_cnt) {
		for (i = 0; i < tr->probe_cnt; i++) {
			const struct tsdt_binary *b = tsdt_probe__binary(tr->probes[i]);
			struct tsdt_tracer_gspecs *c;
			bool seen = false;

			for (j = 0; j < tr->gcache_cnt && !seen; j++)
				seen = tsdt_binary__same_file(b, tr->gcache[j].bin);
			if (seen)
				continue;
			struct tsdt_tracer_gspecs g = { .bin = b };

			/* (a type this file gives a global drops the entries
			 * before it: they are worked out again at attach) */
			err = global_specs(tr, b, g.specs, g.types);
			if (err == -EPROTOTYPE)
				return err; /* a type given that is not the variable's */
			c = realloc(tr->gcache, (tr->gcache_cnt + 1) * sizeof(*c));
			if (!c)
				return -ENOMEM;
			tr->gcache = c;
			tr->gcache[tr->gcache_cnt++] = g;
		}
		for (i = 0; i < tr->probe_cnt; i++)
			str_slots(tr, i);
	}
	/* following with nothing selected yet: strings may come later */
	want_sleepable = !tr->probe_cnt;
	for (i = 0; i < tr->global_cnt; i++)
		if (tr->globals[i].type.kind == TSDT_TYPE_STR)
			want_sleepable = true;
	for (i = 0; i < tr->probe_cnt && !want_sleepable; i++)
		for (int a = 0; a < tsdt_probe__arg_cnt(tr->probes[i]); a++)
			if (tsdt_probe__arg_type(tr->probes[i], a)->kind ==
			    TSDT_TYPE_STR)
				want_sleepable = true;

	/* a ring buffer that could not be created (reported by
	 * ring_wait()) fails either program */
	err = -EINVAL;
	if (!tr->no_sleepable && want_sleepable) {
		err = load(tr, true, NULL);
		if (err && !tr->ring_err)
			pr_info("trace: cannot load the sleepable program (%s); strings on pages not yet resident will fail to read (-EFAULT)\n",
				strerror(-err));
	}
	if (err && !tr->ring_err)
		err = load(tr, false, NULL);
	if (err) {
		if (!tr->ring_err)
			pr_warn("trace: cannot load the tracing program: %s\n",
				strerror(-err));
		return err;
	}
	t_loaded = tsdt_mono_ms();

	/* every spec slot free: a stack whose top is slot 0 */
	tr->free_ids = calloc(tr->spec_slots, sizeof(*tr->free_ids));
	idx = calloc(tr->probe_cnt, sizeof(*idx));
	done = calloc(tr->probe_cnt, sizeof(*done));
	if (!tr->free_ids || !idx || !done) {
		err = -ENOMEM;
		goto err_out;
	}
	for (i = 0; i < tr->spec_slots; i++)
		tr->free_ids[i] = tr->spec_slots - 1 - i;
	tr->free_cnt = tr->spec_slots;

	/* following: the followed set and its programs before any probe */
	err = tsdt_follow_start(tr);
	if (err)
		goto err_out;

	/* one link per file (device and inode, whatever the paths), and
	 * one more for its function returns */
	for (i = 0; i < tr->probe_cnt; i++) {
		const struct tsdt_binary *bin;

		if (done[i])
			continue;
		bin = tsdt_probe__binary(tr->probes[i]);
		for (n = 0, j = i; j < tr->probe_cnt; j++) {
			if (done[j] ||
			    !tsdt_binary__same_file(
				    bin, tsdt_probe__binary(tr->probes[j])) ||
			    tsdt_probe_is_return(tr->probes[j]) !=
				    tsdt_probe_is_return(tr->probes[i]))
				continue;
			done[j] = true;
			idx[n++] = j;
		}
		t0 = tsdt_mono_ms();
		err = attach_probes(tr, idx, n);
		t_link += tsdt_mono_ms() - t0;
		if (err)
			goto err_out;
	}

	err = tsdt_span_start(tr);
	if (err)
		goto err_out;
	if (tr->ring_used) {
		tr->rb = tsdt_ringbuf__new(bpf_map__fd(tr->skel->maps.events));
		if (!tr->rb) {
			err = -errno;
			goto err_out;
		}
	}
	for (i = 0; i < tr->global_cnt; i++)
		if (!tr->globals[i].found)
			pr_warn("trace: global '%s' is in none of the files traced (.symtab, .dynsym, debug information): its value is unreadable in every event%s%s\n",
				tr->globals[i].name,
				tr->globals[i].why[0] ? "; " : "",
				tr->globals[i].why);
	free(idx);
	free(done);
	tr->started = true;
	tsdt_follow_started(tr);
	pr_debug("trace: %zu probes, %zu sites, %zu links (%s, %s); room for %zu probes and %zu sites\n",
		 tr->probe_cnt, tr->site_cnt, tr->link_cnt,
		 tr->multi ? "uprobe_multi" : "per-site",
		 tr->sleepable ? "sleepable" : "non-sleepable",
		 tr->probe_slots, tr->spec_slots);
	if (tr->ring_fd >= 0)
		pr_debug("trace: timing: ring buffer made ahead: thread running after %.2f ms, map created in %.2f ms, start waited %.2f ms for it\n",
			 tr->ring_t[1] - tr->ring_t[0],
			 tr->ring_t[2] - tr->ring_t[1], tr->ring_wait_ms);
	/* bench/attach.sh reads this line (tsdt trace -v) */
	pr_debug("trace: timing: start %.2f ms = load (maps, verifier) %.2f ms + links (specs, link create) %.2f ms + rest %.2f ms\n",
		 tsdt_mono_ms() - t_start, t_loaded - t_start, t_link,
		 tsdt_mono_ms() - t_loaded - t_link);
	return 0;

err_out:
	free(idx);
	free(done);
	tsdt_follow_end(tr);
	free(tr->free_ids);
	tr->free_ids = NULL;
	tr->free_cnt = 0;
	detach_all(tr);
	return err;
}


size_t tsdt_tracer__probe_cnt(const struct tsdt_tracer *tr)
{
	return tr ? tr->probe_cnt : 0;
}

const struct tsdt_probe *tsdt_tracer__probe(const struct tsdt_tracer *tr,
					    size_t i)
{
	return tr && i < tr->probe_cnt ? tr->probes[i] : NULL;
}

static uint64_t percpu_sum(const struct tsdt_tracer *tr, int map_fd,
			   __u32 key)
{
	__u64 vals[tr->ncpus];
	uint64_t sum = 0;
	int i;

	if (bpf_map_lookup_elem(map_fd, &key, vals))
		return 0;
	for (i = 0; i < tr->ncpus; i++)
		sum += vals[i];
	return sum;
}

uint64_t tsdt_tracer__hit_cnt(const struct tsdt_tracer *tr, size_t i)
{
	if (!tr || !tr->skel || i >= tr->probe_cnt)
		return 0;
	return percpu_sum(tr, bpf_map__fd(tr->skel->maps.hits), i);
}

uint64_t tsdt_tracer__lost_cnt(const struct tsdt_tracer *tr)
{
	if (!tr || !tr->skel)
		return 0;
	return percpu_sum(tr, bpf_map__fd(tr->skel->maps.lost), 0);
}

bool tsdt_tracer__is_sleepable(const struct tsdt_tracer *tr)
{
	return tr && tr->started && tr->sleepable;
}

bool tsdt_tracer__is_multi(const struct tsdt_tracer *tr)
{
	return tr && tr->started && tr->multi;
}

void tsdt_tracer__free(struct tsdt_tracer *tr)
{
	if (!tr)
		return;
	tsdt_follow_end(tr);
	detach_all(tr);
	tsdt_tracer_startup_end(tr);
	tsdt_span_free(tr);
	if (tr->role_re_ok)
		regfree(&tr->role_re);
	free(tr->cgroup);
	free(tr->role_filter);
	free(tr->role_values);
	free(tr->gcache);
	for (size_t i = 0; i < tr->global_cnt; i++)
		free(tr->globals[i].name);
	free(tr->free_ids);
	free(tr->probes);
	free(tr->str_slots);
	free(tr->detached);
	for (size_t i = 0; i < tr->cat_cnt; i++)
		tsdt_catalog__free(tr->cats[i]);
	free(tr->cats);
	free(tr);
}

