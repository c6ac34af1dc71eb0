// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Spans: a begin probe and an end probe, maybe in two processes, matched by
 * a key in the kernel (trace.bpf.c: span_open, span_hists, span_cnts), with
 * stages between; latency histograms kept in the kernel per group. This
 * file is the tracer's side: span definitions, each probe's part in them
 * (span_probes), reading the histograms and counters back, expiring begins
 * left open, and the span records (TSDT_REC_SPAN) as events.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "internal.h"
#include "log.h"
#include "trace-internal.h"
#include "attach/trace.skel.h"

#define DEFAULT_MAX_OPEN 65536
#define SYS_MAX 1024             /* trace.bpf.c's TSDT_SYS_MAX */
#define SYS_GROUP_SYSCALL 100    /* trace.bpf.c's */

static const struct sys_name {
	const char *name;
	long nr;
} sys_names[] = {
#include "attach/syscall-names.h"
};

const char *tsdt_syscall__name(long nr)
{
	for (size_t i = 0; i < ARRAY_SIZE(sys_names); i++)
		if (sys_names[i].nr == nr)
			return sys_names[i].name;
	return NULL;
}

long tsdt_syscall__nr(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(sys_names); i++)
		if (!strcmp(sys_names[i].name, name))
			return sys_names[i].nr;
	return -ENOENT;
}

/* "*", "all", or names and numbers with ',' between: into tr->sys_want */
static int parse_syscalls(struct tsdt_tracer *tr, const char *span,
			  const char *list)
{
	char *copy, *save = NULL, *tok;
	int n = 0;

	if (!strcmp(list, "*") || !strcmp(list, "all")) {
		tr->sys_all = true;
		return 0;
	}
	copy = strdup(list);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		long nr = strtol(tok, &end, 10);

		if (*end || end == tok)
			nr = tsdt_syscall__nr(tok);
		if (nr < 0 || nr >= SYS_MAX) {
			pr_warn("span '%s': no system call '%s' on this architecture\n",
				span, tok);
			free(copy);
			return -EINVAL;
		}
		tr->sys_want[nr] = 1;
		n++;
	}
	free(copy);
	return n ? 0 : -EINVAL;
}
#define SCAN_EVERY_NS 200000000LL /* expiry scans from tsdt_tracer__poll() */

_Static_assert(sizeof(struct tsdt_hist) == sizeof(struct tsdt_span_hist),
	       "struct tsdt_hist is the kernel's struct tsdt_span_hist");
_Static_assert(TSDT_HIST_BUCKETS == TSDT_SPAN_BUCKETS, "buckets");
_Static_assert(TSDT_HIST_STAGES == TSDT_SPAN_MAX_STAGES, "stages");

/* ------------------------------------------------------------ histograms */

int tsdt_hist__bucket(uint64_t v)
{
	return (int)tsdt_hist_bucket(v);
}

uint64_t tsdt_hist__bucket_low(int b)
{
	int l;

	if (b < 4)
		return b < 0 ? 0 : (uint64_t)b;
	if (b >= TSDT_HIST_BUCKETS)
		return UINT64_MAX;
	l = b / 4 + 1;
	return (uint64_t)(4 + b % 4) << (l - 2);
}

uint64_t tsdt_hist__bucket_high(int b)
{
	if (b < 4)
		return tsdt_hist__bucket_low(b);
	if (b + 1 >= TSDT_HIST_BUCKETS)
		return UINT64_MAX;
	return tsdt_hist__bucket_low(b + 1) - 1;
}

uint64_t tsdt_hist__percentile(const struct tsdt_hist *h, double p)
{
	uint64_t want, seen = 0, v;

	if (!h || !h->count)
		return 0;
	if (p <= 0)
		return h->min;
	if (p >= 100)
		return h->max;
	/* the smallest bucket with p% of the values at or below it: its
	 * upper bound, never more than the largest value seen */
	want = (uint64_t)((double)h->count * p / 100.0 + 0.999999);
	if (!want)
		want = 1;
	for (int b = 0; b < TSDT_HIST_BUCKETS; b++) {
		seen += h->buckets[b];
		if (seen >= want) {
			v = tsdt_hist__bucket_high(b);
			if (h->max && v > h->max)
				v = h->max;
			if (v < h->min)
				v = h->min;
			return v;
		}
	}
	return h->max;
}

void tsdt_hist__log2(const uint64_t *buckets, size_t n, struct tsdt_hist_rows *out)
{
	memset(out, 0, sizeof(*out));
	out->lo = out->hi = -1;
	if (n > TSDT_HIST_BUCKETS)
		n = TSDT_HIST_BUCKETS;
	for (size_t b = 0; b < n; b++) {
		uint64_t v = tsdt_hist__bucket_low((int)b);

		out->rows[v ? 63 - __builtin_clzll(v) : 0] += buckets[b];
	}
	for (int r = 0; r < 64; r++)
		if (out->rows[r]) {
			if (out->lo < 0)
				out->lo = r;
			out->hi = r;
			if (out->rows[r] > out->max)
				out->max = out->rows[r];
		}
}

void tsdt_hist__sub(struct tsdt_hist *out, const struct tsdt_hist *a,
		    const struct tsdt_hist *b)
{
	struct tsdt_hist r = *a;

	if (b) {
		r.count -= b->count;
		r.sum -= b->sum;
		for (int k = 0; k < TSDT_HIST_STAGES; k++) {
			r.stage_sum[k] -= b->stage_sum[k];
			r.stage_cnt[k] -= b->stage_cnt[k];
		}
		for (int i = 0; i < TSDT_HIST_BUCKETS; i++)
			r.buckets[i] -= b->buckets[i];
		/* min and max of the interval: the bounds of its buckets
		 * (the kernel keeps them for all time only) */
		if (r.count) {
			int lo = -1, hi = -1;

			for (int i = 0; i < TSDT_HIST_BUCKETS; i++)
				if (r.buckets[i]) {
					if (lo < 0)
						lo = i;
					hi = i;
				}
			if (lo >= 0) {
				uint64_t l = tsdt_hist__bucket_low(lo);
				uint64_t h = tsdt_hist__bucket_high(hi);

				r.min = l > a->min ? l : a->min;
				r.max = h < a->max ? h : a->max;
			}
		} else {
			r.min = r.max = 0;
		}
	}
	*out = r;
}

/* ---------------------------------------------------------- definitions */

static const struct tsdt_span_def *span_def(const struct tsdt_tracer *tr,
					    size_t i)
{
	return tr && i < tr->span_cnt ? &tr->spans[i] : NULL;
}

static void def_free(struct tsdt_span_def *d)
{
	free(d->name);
	tsdt_pattern__free(d->begin);
	tsdt_pattern__free(d->end);
	for (size_t i = 0; i < d->stage_cnt; i++)
		tsdt_pattern__free(d->stages[i]);
	for (size_t i = 0; i < d->part_cnt; i++)
		free(d->part[i]);
	free(d->group);
	memset(d, 0, sizeof(*d));
}

void tsdt_span_free(struct tsdt_tracer *tr)
{
	for (size_t i = 0; i < tr->span_cnt; i++)
		def_free(&tr->spans[i]);
	tr->span_cnt = 0;
	free(tr->span_probes);
	tr->span_probes = NULL;
}

/* "a+b": its parts, each non-empty, into @out */
static int split_parts(const char *s, char **out, size_t max, size_t *cnt)
{
	const char *p = s;

	*cnt = 0;
	while (*p) {
		const char *e = strchr(p, '+');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (!n || *cnt == max)
			return -EINVAL;
		out[*cnt] = strndup(p, n);
		if (!out[*cnt])
			return -ENOMEM;
		(*cnt)++;
		p += n;
		if (*p == '+' && !*++p)
			return -EINVAL;
	}
	return *cnt ? 0 : -EINVAL;
}

static struct tsdt_pattern *span_pattern(const char *span, const char *what,
					 const char *text)
{
	struct tsdt_pattern *p = tsdt_pattern__new(text);

	if (!p)
		pr_warn("span '%s': bad %s probe pattern '%s'\n", span, what, text);
	return p;
}

int tsdt_tracer__add_span(struct tsdt_tracer *tr,
			  const struct tsdt_span_opts *opts)
{
	const char *begin, *end, *name, *key, *stages, *group, *syscalls;
	struct tsdt_span_def *d;
	char buf[512];
	int err = -EINVAL;

	if (!tr || !TSDT_OPTS_VALID(opts, tsdt_span_opts))
		return -EINVAL;
	if (tr->started || tr->skel) {
		pr_warn("span: spans are added before tsdt_tracer__start()\n");
		return -EBUSY;
	}
	begin = TSDT_OPTS_GET(opts, begin, NULL);
	end = TSDT_OPTS_GET(opts, end, NULL);
	syscalls = TSDT_OPTS_GET(opts, syscalls, NULL);
	if (syscalls && (begin || end)) {
		pr_warn("span: a syscall span has no begin or end probe\n");
		return -EINVAL;
	}
	if (syscalls && tr->sys_span >= 0) {
		pr_warn("span: one syscall span per tracer\n");
		return -EEXIST;
	}
	if (!syscalls && (!begin || !end)) {
		pr_warn("span: a span needs a begin and an end probe pattern\n");
		return -EINVAL;
	}
	if (tr->span_cnt == TSDT_SPAN_MAX) {
		pr_warn("span: at most %d spans per tracer\n", TSDT_SPAN_MAX);
		return -E2BIG;
	}
	name = TSDT_OPTS_GET(opts, name, NULL);
	if (!name && syscalls) {
		snprintf(buf, sizeof(buf), "syscalls(%s)", syscalls);
		name = buf;
	} else if (!name) {
		snprintf(buf, sizeof(buf), "%s..%s", begin, end);
		name = buf;
	}
	for (size_t i = 0; i < tr->span_cnt; i++)
		if (!strcmp(tr->spans[i].name, name)) {
			pr_warn("span '%s': a span of that name exists\n", name);
			return -EEXIST;
		}
	d = &tr->spans[tr->span_cnt];
	memset(d, 0, sizeof(*d));
	d->name = strdup(name);
	if (!d->name)
		return -ENOMEM;
	if (syscalls) {
		d->syscalls = true;
		memset(tr->sys_want, 0, sizeof(tr->sys_want));
		tr->sys_all = false;
		err = parse_syscalls(tr, name, syscalls);
		if (err)
			goto err;
		group = TSDT_OPTS_GET(opts, group, NULL);
		if (group && strcmp(group, "syscall") && strcmp(group, "role") &&
		    strcmp(group, "pid") && strcmp(group, "none")) {
			pr_warn("span '%s': a syscall span is grouped by syscall, role, pid or none, not '%s'\n",
				name, group);
			err = -EINVAL;
			goto err;
		}
		d->group = strdup(group ? group : "syscall");
		if (!d->group) {
			err = -ENOMEM;
			goto err;
		}
		tr->sys_span = (int)tr->span_cnt;
		return (int)tr->span_cnt++;
	}
	d->begin = span_pattern(name, "begin", begin);
	d->end = span_pattern(name, "end", end);
	if (!d->begin || !d->end)
		goto err;
	stages = TSDT_OPTS_GET(opts, stages, NULL);
	if (stages && *stages) {
		char *copy = strdup(stages), *save = NULL, *tok;

		if (!copy) {
			err = -ENOMEM;
			goto err;
		}
		for (tok = strtok_r(copy, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (d->stage_cnt == TSDT_SPAN_MAX_STAGES) {
				pr_warn("span '%s': at most %d stages\n", name,
					TSDT_SPAN_MAX_STAGES);
				free(copy);
				goto err;
			}
			d->stages[d->stage_cnt] = span_pattern(name, "stage", tok);
			if (!d->stages[d->stage_cnt]) {
				free(copy);
				goto err;
			}
			d->stage_cnt++;
		}
		free(copy);
	}
	key = TSDT_OPTS_GET(opts, key, NULL);
	if (!key)
		key = "tid";
	err = split_parts(key, d->part, TSDT_SPAN_KEY_PARTS, &d->part_cnt);
	if (err) {
		if (err == -EINVAL)
			pr_warn("span '%s': bad key '%s': one or two parts joined by '+' (an argument's name, argN, a global added, pid, tid)\n",
				name, key);
		goto err;
	}
	group = TSDT_OPTS_GET(opts, group, NULL);
	if (group && *group && strcmp(group, "none")) {
		if (!strcmp(group, "role") && !tr->follow && !tr->cgroup &&
		    tr->role_global < 0)
			pr_info("span '%s': grouped by role, but roles are known only when following (or with a role global)\n",
				name);
		d->group = strdup(group);
		if (!d->group) {
			err = -ENOMEM;
			goto err;
		}
	}
	d->timeout_ns = TSDT_OPTS_GET(opts, timeout_ns, 0);
	for (size_t i = 0; i < tr->probe_cnt; i++) {
		err = tsdt_span_probe_added(tr, i);
		if (err)
			goto err;
	}
	return (int)tr->span_cnt++;
err:
	def_free(d);
	return err;
}

size_t tsdt_tracer__span_cnt(const struct tsdt_tracer *tr)
{
	return tr ? tr->span_cnt : 0;
}

const char *tsdt_tracer__span_name(const struct tsdt_tracer *tr, size_t i)
{
	const struct tsdt_span_def *d = span_def(tr, i);

	return d ? d->name : NULL;
}

size_t tsdt_tracer__span_stage_cnt(const struct tsdt_tracer *tr, size_t i)
{
	const struct tsdt_span_def *d = span_def(tr, i);

	return d ? d->stage_cnt : 0;
}

const char *tsdt_tracer__span_stage(const struct tsdt_tracer *tr, size_t i,
				    size_t k)
{
	const struct tsdt_span_def *d = span_def(tr, i);

	return d && k < d->stage_cnt ? tsdt_pattern__text(d->stages[k]) : NULL;
}

size_t tsdt_tracer__span_probe_cnt(const struct tsdt_tracer *tr, size_t i)
{
	size_t n = 0;

	if (span_def(tr, i) && tr->spans[i].syscalls)
		return 1; /* the syscall tracepoints */
	if (!span_def(tr, i) || !tr->span_probes)
		return 0;
	for (size_t p = 0; p < tr->probe_cnt; p++)
		for (__u32 m = 0; m < tr->span_probes[p].cnt; m++)
			n += tr->span_probes[p].m[m].span == i;
	return n;
}

/* ------------------------------------------------------- probes' parts */

/* argument @what of tracer probe @pi: "argN" or a name (the probe's own,
 * then the globals'); its index, or -1 */
static int find_arg(const struct tsdt_tracer *tr, size_t pi, const char *what)
{
	const struct tsdt_probe *p = tr->probes[pi];
	int n = tsdt_probe__arg_cnt(p) + (int)tr->global_cnt;
	char *end;

	if (!strncmp(what, "arg", 3) && what[3] >= '0' && what[3] <= '9') {
		long v = strtol(what + 3, &end, 10);

		if (!*end)
			return v < n && v < TSDT_MAX_ARGS ? (int)v : -1;
	}
	for (int i = 0; i < n && i < TSDT_MAX_ARGS; i++) {
		const char *an = tsdt_tracer_arg_name(tr, p, i);

		if (an && !strcmp(an, what))
			return i;
	}
	return -1;
}

static int write_probe(struct tsdt_tracer *tr, size_t i)
{
	__u32 k = (__u32)i;

	if (!tr->skel || !tr->span_cnt || !tr->span_probes || i >= tr->probe_cap)
		return 0;
	if (bpf_map__update_elem(tr->skel->maps.span_probes, &k, sizeof(k),
				 &tr->span_probes[i], sizeof(tr->span_probes[i]),
				 BPF_ANY))
		return -errno;
	return 0;
}

int tsdt_span_probe_added(struct tsdt_tracer *tr, size_t i)
{
	const struct tsdt_probe *p = tr->probes[i];
	struct tsdt_span_probe sp = {};
	int err;

	/* no span yet, not even one being added */
	if (!tr->span_cnt && !tr->spans[0].name)
		return 0;
	if (i >= tr->probe_cap)
		return -EINVAL;
	{
		struct tsdt_span_probe *n =
			realloc(tr->span_probes, tr->probe_cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		tr->span_probes = n;
	}
	for (size_t s = 0; s <= tr->span_cnt && s < TSDT_SPAN_MAX; s++) {
		/* the span being added (span_cnt) too: tsdt_tracer__add_span()
		 * calls this before counting it */
		struct tsdt_span_def *d = &tr->spans[s];
		int point = -1;

		if (!d->name || d->syscalls)
			continue;
		if (tsdt_pattern__match(d->begin, p))
			point = TSDT_SPAN_BEGIN;
		else if (tsdt_pattern__match(d->end, p))
			point = TSDT_SPAN_END;
		for (size_t k = 0; point < 0 && k < d->stage_cnt; k++)
			if (tsdt_pattern__match(d->stages[k], p))
				point = TSDT_SPAN_STAGE0 + (int)k;
		if (point < 0)
			continue;
		if (sp.cnt == TSDT_SPAN_PER_PROBE) {
			pr_warn("span '%s': %s:%s takes part in more than %d spans; not in this one\n",
				d->name, tsdt_probe__provider(p),
				tsdt_probe__name(p), TSDT_SPAN_PER_PROBE);
			continue;
		}
		struct tsdt_span_member m = { .span = (__u8)s, .point = (__u8)point };
		bool ok = true;

		for (size_t k = 0; k < d->part_cnt; k++) {
			if (!strcmp(d->part[k], "pid")) {
				m.part[k] = TSDT_SPAN_PART_PID;
			} else if (!strcmp(d->part[k], "tid")) {
				m.part[k] = TSDT_SPAN_PART_TID;
			} else {
				int a = find_arg(tr, i, d->part[k]);

				if (a < 0) {
					pr_warn("span '%s': %s:%s has no argument '%s' (its key): it takes no part in the span\n",
						d->name, tsdt_probe__provider(p),
						tsdt_probe__name(p), d->part[k]);
					ok = false;
					break;
				}
				m.part[k] = TSDT_SPAN_PART_ARG;
				m.arg[k] = (__u8)a;
			}
		}
		if (!ok)
			continue;
		if (point == TSDT_SPAN_BEGIN && d->group) {
			if (!strcmp(d->group, "role")) {
				m.group = TSDT_SPAN_GROUP_ROLE;
			} else if (!strcmp(d->group, "pid")) {
				m.group = TSDT_SPAN_GROUP_PID;
			} else {
				int a = find_arg(tr, i, d->group);

				if (a < 0) {
					pr_warn("span '%s': begin probe %s:%s has no argument '%s' to group by: its spans are in one group\n",
						d->name, tsdt_probe__provider(p),
						tsdt_probe__name(p), d->group);
				} else {
					m.group = TSDT_SPAN_GROUP_ARG;
					m.group_arg = (__u8)a;
				}
			}
		}
		sp.m[sp.cnt++] = m;
		pr_debug("span '%s': %s:%s is its %s\n", d->name,
			 tsdt_probe__provider(p), tsdt_probe__name(p),
			 point == TSDT_SPAN_BEGIN ? "begin" :
			 point == TSDT_SPAN_END ? "end" : "stage");
	}
	tr->span_probes[i] = sp;
	err = write_probe(tr, i);
	if (err)
		pr_warn("span: cannot write the spans of %s:%s: %s\n",
			tsdt_probe__provider(p), tsdt_probe__name(p),
			strerror(-err));
	return err;
}

int tsdt_span_prepare(struct tsdt_tracer *tr, struct trace_bpf *skel)
{
	size_t open = tr->max_open_spans ? tr->max_open_spans : DEFAULT_MAX_OPEN;
	int err;

	{
		bool sys = tr->sys_span >= 0;
		const char *g = sys ? tr->spans[tr->sys_span].group : NULL;

		bpf_program__set_autoload(skel->progs.span_sys_enter, sys);
		bpf_program__set_autoload(skel->progs.span_sys_exit, sys);
		if (sys) {
			skel->rodata->sys_span = tr->sys_span;
			skel->rodata->sys_all = tr->sys_all;
			skel->rodata->sys_group =
				!strcmp(g, "syscall") ? SYS_GROUP_SYSCALL :
				!strcmp(g, "role") ? TSDT_SPAN_GROUP_ROLE :
				!strcmp(g, "pid") ? TSDT_SPAN_GROUP_PID : 0;
			/* not following: the process given (its threads) */
			skel->rodata->sys_pid = tr->pid > 0 ? tr->pid : 0;
			skel->rodata->sys_noreturn[0] = tsdt_syscall__nr("exit");
			skel->rodata->sys_noreturn[1] = tsdt_syscall__nr("exit_group");
		}
	}
	skel->rodata->spans_on = tr->span_cnt > 0;
	skel->rodata->span_records = tr->span_cnt > 0 && tr->span_records;
	err = bpf_map__set_max_entries(skel->maps.span_probes,
				       tr->span_cnt ? tr->probe_slots : 1);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.span_open,
					       tr->span_cnt ? open : 1);
	if (!err && !tr->span_cnt)
		err = bpf_map__set_max_entries(skel->maps.span_hists, 1);
	return err;
}

int tsdt_span_start(struct tsdt_tracer *tr)
{
	int err;

	for (size_t i = 0; i < tr->span_cnt; i++)
		if (!tsdt_tracer__span_probe_cnt(tr, i))
			pr_info("span '%s': no probe traced takes part in it yet\n",
				tr->spans[i].name);
	for (size_t i = 0; tr->span_cnt && i < tr->probe_cnt; i++) {
		err = write_probe(tr, i);
		if (err)
			return err;
	}
	if (tr->sys_span >= 0) {
		struct bpf_program *progs[2] = { tr->skel->progs.span_sys_enter,
						 tr->skel->progs.span_sys_exit };

		for (__u32 nr = 0; nr < SYS_MAX; nr++) {
			if (!tr->sys_want[nr])
				continue;
			err = bpf_map__update_elem(tr->skel->maps.sys_want, &nr,
						   sizeof(nr), &tr->sys_want[nr], 1, BPF_ANY);
			if (err) {
				pr_warn("span: cannot select system call %u: %s\n",
					nr, strerror(-err));
				return err;
			}
		}
		for (int i = 0; i < 2; i++) {
			tr->sys_links[i] = bpf_program__attach(progs[i]);
			if (!tr->sys_links[i]) {
				err = -errno;
				pr_warn("span '%s': cannot attach to the syscall tracepoints: %s\n",
					tr->spans[tr->sys_span].name, strerror(-err));
				return err;
			}
		}
	}
	tr->span_scan_ns = tsdt_mono_ns();
	return 0;
}

void tsdt_span_detach(struct tsdt_tracer *tr)
{
	for (int i = 0; i < 2; i++) {
		bpf_link__destroy(tr->sys_links[i]);
		tr->sys_links[i] = NULL;
	}
}

/* ----------------------------------------------------------- reading */

int tsdt_tracer__for_each_span_hist(const struct tsdt_tracer *tr,
				    tsdt_span_hist_fn_t fn, void *ctx)
{
	struct tsdt_span_hkey key, next;
	struct tsdt_span_hist *h;
	void *prev = NULL;
	int fd, ret = 0;

	if (!tr || !fn || !tr->skel)
		return -EINVAL;
	if (!tr->span_cnt)
		return 0;
	h = malloc(sizeof(*h));
	if (!h)
		return -ENOMEM;
	fd = bpf_map__fd(tr->skel->maps.span_hists);
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		const char *gname = NULL;
		const struct tsdt_span_def *d;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, h) || key.span >= tr->span_cnt)
			continue;
		d = &tr->spans[key.span];
		if (d->group && !strcmp(d->group, "role"))
			gname = tsdt_tracer_role_key_name(tr, key.group);
		else if (d->group && !strcmp(d->group, "syscall"))
			gname = tsdt_syscall__name((long)key.group);
		ret = fn(ctx, key.span, key.group, gname,
			 (const struct tsdt_hist *)h);
		if (ret)
			break;
	}
	free(h);
	return ret;
}

static uint64_t span_cnt(const struct tsdt_tracer *tr, size_t span, int c)
{
	__u64 vals[tr->ncpus];
	__u32 k = span * TSDT_SPAN_CNT_N + c;
	uint64_t sum = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(tr->skel->maps.span_cnts), &k, vals))
		return 0;
	for (int i = 0; i < tr->ncpus; i++)
		sum += vals[i];
	return sum;
}

/*
 * One pass over span_open: counts each span's open entries and, with
 * @expire, takes out and counts those older than their span's timeout
 * (at most 8 keys kept per span).
 */
static int scan_open(struct tsdt_tracer *tr, bool expire, uint64_t *open)
{
	struct tsdt_span_key key, next, *old = NULL;
	struct tsdt_span_open o;
	long long now = tsdt_mono_ns();
	size_t old_cnt = 0, old_cap = 0;
	void *prev = NULL;
	int fd, n = 0;

	fd = bpf_map__fd(tr->skel->maps.span_open);
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		struct tsdt_span_def *d;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &o) || key.span >= tr->span_cnt)
			continue;
		d = &tr->spans[key.span];
		if (expire && d->timeout_ns && (uint64_t)now > o.ts &&
		    (uint64_t)now - o.ts > d->timeout_ns) {
			/* deleted after the walk: a walk goes on from the key
			 * it was given, which must still be there */
			if (old_cnt == old_cap) {
				size_t cap = old_cap ? 2 * old_cap : 64;
				struct tsdt_span_key *k =
					realloc(old, cap * sizeof(*k));

				if (!k)
					break;
				old = k;
				old_cap = cap;
			}
			old[old_cnt++] = key;
			continue;
		}
		if (open)
			open[key.span]++;
	}
	for (size_t i = 0; i < old_cnt; i++) {
		struct tsdt_span_def *d = &tr->spans[old[i].span];

		/* an end that takes it out first is a match, not a timeout;
		 * one that comes after is an end without a begin */
		if (bpf_map_delete_elem(fd, &old[i]))
			continue;
		d->timed_out++;
		if (d->sample_cnt < 8)
			memcpy(d->samples[d->sample_cnt++], old[i].k,
			       sizeof(old[i].k));
		n++;
	}
	free(old);
	return n;
}

int tsdt_tracer__expire_spans(struct tsdt_tracer *tr)
{
	bool any = false;

	if (!tr || !tr->skel)
		return -EINVAL;
	for (size_t i = 0; i < tr->span_cnt; i++)
		any |= tr->spans[i].timeout_ns > 0;
	tr->span_scan_ns = tsdt_mono_ns();
	return any ? scan_open(tr, true, NULL) : 0;
}

void tsdt_span_poll_tick(struct tsdt_tracer *tr)
{
	if (tr->span_cnt && tsdt_mono_ns() - tr->span_scan_ns > SCAN_EVERY_NS)
		tsdt_tracer__expire_spans(tr);
}

int tsdt_tracer__span_counts(struct tsdt_tracer *tr, size_t i,
			     struct tsdt_span_counts *c)
{
	uint64_t open[TSDT_SPAN_MAX] = {};
	const struct tsdt_span_def *d = span_def(tr, i);

	if (!d || !c || c->sz < tsdt_offsetofend(struct tsdt_span_counts, open))
		return -EINVAL;
	if (!tr->skel)
		return -EINVAL;
	scan_open(tr, false, open);
	memset((char *)c + sizeof(c->sz), 0, c->sz - sizeof(c->sz));
	c->begins = span_cnt(tr, i, TSDT_SPAN_CNT_BEGIN);
	c->ends = span_cnt(tr, i, TSDT_SPAN_CNT_END);
	c->orphan_ends = span_cnt(tr, i, TSDT_SPAN_CNT_ORPHAN);
	c->replaced = span_cnt(tr, i, TSDT_SPAN_CNT_REPLACED);
	c->full = span_cnt(tr, i, TSDT_SPAN_CNT_FULL);
	c->records_lost = span_cnt(tr, i, TSDT_SPAN_CNT_REC_LOST);
	c->hist_full = span_cnt(tr, i, TSDT_SPAN_CNT_HIST_FULL);
	c->timed_out = d->timed_out;
	c->open = open[i];
	if (c->sz >= tsdt_offsetofend(struct tsdt_span_counts, samples)) {
		c->sample_cnt = d->sample_cnt;
		memcpy(c->samples, d->samples, sizeof(c->samples));
	}
	return 0;
}

int tsdt_tracer__open_span_keys(struct tsdt_tracer *tr, size_t i,
				uint64_t (*keys)[2], size_t max)
{
	struct tsdt_span_key key, next;
	void *prev = NULL;
	size_t n = 0;
	int fd;

	if (!span_def(tr, i) || !tr->skel)
		return -EINVAL;
	fd = bpf_map__fd(tr->skel->maps.span_open);
	while (n < max && !bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (key.span != i)
			continue;
		keys[n][0] = key.k[0];
		keys[n][1] = key.k[1];
		n++;
	}
	return (int)n;
}

/* -------------------------------------------------------------- events */

int tsdt_span_on_rec(struct tsdt_tracer *tr, const void *data, size_t size)
{
	const struct tsdt_span_rec *r = data;
	struct tsdt_trace_event pe = {};
	struct tsdt_event ev = { .tr = tr, .raw = &pe, .span = r, .size = size };

	if (size < sizeof(*r) || r->span >= tr->span_cnt) {
		tr->unknown_recs++;
		return 0;
	}
	if (!tr->fn)
		return 0;
	/* the getters common to all events: the end's */
	pe.hdr = r->hdr;
	pe.ts = r->end_ts;
	pe.pid = r->end_pid;
	pe.tid = r->end_tid;
	pe.probe_idx = r->end_probe;
	memcpy(pe.comm, r->comm, sizeof(pe.comm));
	return tr->fn(tr->fn_ctx, &ev);
}

int tsdt_event__span(const struct tsdt_event *ev, struct tsdt_span_info *si)
{
	const struct tsdt_span_rec *r = ev ? ev->span : NULL;

	if (!r || !si || si->sz < tsdt_offsetofend(struct tsdt_span_info, group))
		return -EINVAL;
	memset((char *)si + sizeof(si->sz), 0, si->sz - sizeof(si->sz));
	si->span = r->span;
	si->begin_ns = r->begin_ts;
	si->end_ns = r->end_ts;
	si->begin_pid = r->begin_pid;
	si->begin_tid = r->begin_tid;
	si->end_pid = r->end_pid;
	si->end_tid = r->end_tid;
	si->key[0] = r->k[0];
	si->key[1] = r->k[1];
	si->group = r->group;
	if (si->sz >= tsdt_offsetofend(struct tsdt_span_info, stage_ns))
		memcpy(si->stage_ns, r->stage_ts, sizeof(si->stage_ns));
	return 0;
}
