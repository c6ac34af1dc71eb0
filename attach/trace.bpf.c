// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The generic tracer (tsdt trace / tsdt stat): one program for every site
 * of every probe traced. It reads all arguments of the site that fired from
 * its spec (cookie -> tsdt_specs), copies string arguments, and submits one
 * event to the ring buffer without waking the reader (BPF_RB_NO_WAKEUP:
 * trace.c polls). Hits are counted per probe, and events that do not fit
 * are counted in `lost`: never silently dropped.
 *
 * Two copies of the program: trace_hit (non-sleepable: strings with
 * bpf_probe_read_user_str) and trace_hit_s (sleepable: bpf_copy_from_user*,
 * which fault non-resident pages in). trace.c loads one of them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define TSDT_MAX_SPECS 1 /* resized by trace.c before load */
/* no kfunc: tsdt trace starts without parsing the kernel's BTF */
#define TSDT_NO_COPY_STR_KFUNC
/* registers through a global function: verified once, not per call site */
#define __TSDT_REG trace_reg
__u64 trace_reg(struct pt_regs *ctx, int off);
#include <tsdt/tsdt.bpf.h>
#include <tsdt/hist.h>
#include "trace.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile bool count_only = false;
const volatile __u32 str_max = TSDT_TRACE_STR_MAX_DEFAULT;
/* which processes are traced (follow.c): FOLLOW_NONE every process the
 * links reach; FOLLOW_SET those in `followed`; FOLLOW_CGROUP those in the
 * cgroup cgroup_id (or below it) */
#define FOLLOW_NONE 0
#define FOLLOW_SET 1
#define FOLLOW_CGROUP 2
const volatile __u32 follow_mode = FOLLOW_NONE;
const volatile bool follow_children = true;  /* FOLLOW_SET: add forks */
const volatile __u32 follow_root = 0;        /* FOLLOW_SET: the process
					      * given (no lookup for it) */
const volatile bool hold_new = true;         /* stop at a new file */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24); /* resized by trace.c */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1); /* resized by trace.c: one per probe */
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* resized by trace.c */
	__type(key, __u32);     /* tgid */
	__type(value, struct tsdt_follow_val);
} followed SEC(".maps");

/* process records have a ring of their own: a flood of probe events
 * never costs a fork, exec or exit (or the exit's loss count) */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 18);
} proc_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct tsdt_file_key);
	__type(value, __u8);
} known SEC(".maps");

/* processes stopped by a program below, not continued yet: the keeper
 * (follow.c) continues them if the tracer dies */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);     /* tgid */
	__type(value, __u64);   /* when */
} held SEC(".maps");

/* FOLLOW_CGROUP: the cgroup (its id, and its depth below the root);
 * a cgroup map would do, but sleepable programs cannot use one */
const volatile __u64 cgroup_id = 0;
const volatile __u32 cgroup_level = 0;

static __always_inline bool in_cgroup(void)
{
	return bpf_get_current_ancestor_cgroup_id(cgroup_level) == cgroup_id;
}

/* roles (tsdt:role): the process's current role key (tsdt_role_hash()) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u32);     /* tgid */
	__type(value, __u64);
} roles SEC(".maps");

/* hits per (probe, role), with count_by_role */
struct role_hit_key {
	__u32 probe;
	__u32 pad;
	__u64 role;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct role_hit_key);
	__type(value, __u64);
} role_hits SEC(".maps");

const volatile bool count_by_role = false;
const volatile __u64 role_filter = 0;    /* only this role's hits; 0: all */
/* roles from a global (tsdt_tracer_opts.role_global): the global is the
 * role_from_end-th argument from the end of every spec; its value, with
 * the top bit set, is the role key */
const volatile __u32 role_from_end = 0;
const volatile bool role_str = false;    /* the global is a string: the
					  * key of its text, as TSDT_ROLE's */
#define ROLE_VALUE_BIT (1ULL << 63)

int trace_arg(struct pt_regs *ctx, const struct tsdt_bpf_spec *spec, __u64 i,
	      __u64 *res);
int trace_arg_s(struct pt_regs *ctx, const struct tsdt_bpf_spec *spec,
		__u64 i, __u64 *res);

static __always_inline __u64 str_role(__u64 ptr, const int sleepable);

static __always_inline __u64 current_role(struct pt_regs *ctx,
					  const struct tsdt_bpf_spec *spec,
					  const int sleepable)
{
	__u32 tgid;
	__u64 *r, v = 0;

	if (role_from_end) {
		if (role_from_end > spec->arg_cnt)
			return 0;
		if (sleepable ? trace_arg_s(ctx, spec, spec->arg_cnt - role_from_end, &v)
			      : trace_arg(ctx, spec, spec->arg_cnt - role_from_end, &v))
			return 0;
		if (role_str)
			return str_role(v, sleepable);
		return v | ROLE_VALUE_BIT;
	}
	tgid = bpf_get_current_pid_tgid() >> 32;
	r = bpf_map_lookup_elem(&roles, &tgid);
	return r ? *r : 0;
}

/* [0] followed map full (a fork not followed), [1] process records lost */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} follow_errs SEC(".maps");

static __always_inline void count(void *map, __u32 key)
{
	__u64 *c = bpf_map_lookup_elem(map, &key);

	if (c)
		__sync_fetch_and_add(c, 1);
}

/*
 * One argument, as global functions: the verifier checks a global function
 * once, on its own, instead of once per argument of the unrolled loop of
 * fill() (with the string code, that was 400 K instructions to verify and
 * 0.3 s per `tsdt trace`). One per sleepability, since only a sleepable
 * program may call bpf_copy_from_user().
 */
__noinline int trace_arg(struct pt_regs *ctx, const struct tsdt_bpf_spec *spec,
			 __u64 i, __u64 *res)
{
	/* a global function's arguments are full 64-bit unknowns */
	if (!spec || !res || i >= TSDT_BPF_MAX_ARGS)
		return -TSDT_EINVAL;
	return __tsdt_arg(ctx, spec, i, res, 0);
}

__noinline int trace_arg_s(struct pt_regs *ctx,
			   const struct tsdt_bpf_spec *spec, __u64 i,
			   __u64 *res)
{
	if (!spec || !res || i >= TSDT_BPF_MAX_ARGS)
		return -TSDT_EINVAL;
	return __tsdt_arg(ctx, spec, i, res, 1);
}

__noinline __u64 trace_reg(struct pt_regs *ctx, int off)
{
	return ____tsdt_reg(ctx, off);
}

/* an event as built on the stack: the header and every argument */
struct full_event {
	struct tsdt_trace_event h;
	__u64 args[TSDT_BPF_MAX_ARGS];
};

/*
 * The two loops over a site's arguments run under bpf_loop() (which the
 * verifier inlines into a plain loop: no helper call per argument). Its
 * callback is verified with the argument index unknown, until its states
 * converge (a couple of passes), where an open-coded loop is verified once
 * per index and per path through the body (7096 instructions to verify
 * trace_hit and 8249 trace_hit_s, most of them in the string loop; now
 * 1334 and 1436: bench/loadcost.c).
 */
struct fill_ctx {
	struct pt_regs *ctx;
	const struct tsdt_bpf_spec *spec;
	struct full_event *e;
};

static __always_inline long fill_one(__u64 i, struct fill_ctx *c,
				     const int sleepable)
{
	if (i >= TSDT_BPF_MAX_ARGS)
		return 1;
	if (sleepable ? trace_arg_s(c->ctx, c->spec, i, &c->e->args[i])
		      : trace_arg(c->ctx, c->spec, i, &c->e->args[i]))
		c->e->h.err_mask |= 1 << i;
	return 0;
}

static long fill_cb(__u64 i, void *c)
{
	return fill_one(i, c, 0);
}

static long fill_cb_s(__u64 i, void *c)
{
	return fill_one(i, c, 1);
}

static __always_inline __u32 fill(struct pt_regs *ctx,
				  const struct tsdt_bpf_spec *spec,
				  struct full_event *e, const int sleepable)
{
	struct fill_ctx c = { .ctx = ctx, .spec = spec, .e = e };
	__u64 id = bpf_get_current_pid_tgid();
	__u32 n = spec->arg_cnt;

	if (n > TSDT_BPF_MAX_ARGS)
		n = TSDT_BPF_MAX_ARGS;
	e->h.hdr.type = TSDT_REC_PROBE;
	e->h.hdr.misc = 0;
	e->h.ts = bpf_ktime_get_ns();
	e->h.pid = id >> 32;
	e->h.tid = (__u32)id;
	e->h.probe_idx = (__u32)spec->cookie;
	e->h.arg_cnt = n;
	e->h.str_cnt = spec->str_cnt;
	e->h.err_mask = 0;
	bpf_get_current_comm(e->h.comm, sizeof(e->h.comm));
	bpf_loop(n, sleepable ? fill_cb_s : fill_cb, &c, 0);
	return n;
}

struct str_ctx {
	const struct tsdt_bpf_spec *spec;
	const struct full_event *e;
	struct bpf_dynptr *dp;
	__u32 off;            /* of the next string slot in the record */
	__u32 k;              /* string arguments seen */
};

static __always_inline long str_one(__u64 i, struct str_ctx *c,
				    const int sleepable)
{
	struct tsdt_trace_str *st;

	if (i >= TSDT_BPF_MAX_ARGS || c->k >= c->spec->str_cnt)
		return 1;
	if (!(c->spec->args[i].flags & TSDT_BPF_ARG_STR))
		return 0;
	c->k++;
	st = bpf_dynptr_data(c->dp, c->off, sizeof(*st) + str_max);
	if (!st)
		return 1;
	c->off += sizeof(*st) + str_max;
	if (c->e->h.err_mask & (1 << i)) { /* the pointer was unreadable */
		st->res = -14; /* EFAULT */
		((char *)(st + 1))[0] = 0;
		return 0;
	}
	st->res = __tsdt_read_str(st + 1, str_max,
				  (const void *)c->e->args[i], sleepable);
	return 0;
}

static long str_cb(__u64 i, void *c)
{
	return str_one(i, c, 0);
}

static long str_cb_s(__u64 i, void *c)
{
	return str_one(i, c, 1);
}

struct role_rec {
	struct tsdt_proc_rec r;
	char name[TSDT_ROLE_NAME_MAX];
};


/* A tsdt:role hit: its string becomes the process's role (roles), and a
 * ROLE record tells the reader the name of the key. */
static __always_inline void set_role(struct pt_regs *ctx,
				     const struct tsdt_bpf_spec *spec,
				     const int sleepable)
{
	struct role_rec *e;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 ptr = 0, h = 0xcbf29ce484222325ULL;
	long n;

	if (sleepable ? trace_arg_s(ctx, spec, 0, &ptr) : trace_arg(ctx, spec, 0, &ptr))
		return;
	e = bpf_ringbuf_reserve(&proc_events, sizeof(*e), 0);
	if (!e) {
		count(&follow_errs, 1);
		return;
	}
	/* helpers only, no task_struct: the probe programs load without the
	 * kernel's BTF */
	__builtin_memset(&e->r, 0, sizeof(e->r));
	e->r.hdr.type = TSDT_REC_ROLE;
	e->r.ts = bpf_ktime_get_ns();
	e->r.pid = tgid;
	e->r.tid = (__u32)bpf_get_current_pid_tgid();
	bpf_get_current_comm(e->r.comm, sizeof(e->r.comm));
	n = __tsdt_read_str(e->name, sizeof(e->name), (const void *)ptr, sleepable);
	if (n <= 0) {
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		return;
	}
	for (int i = 0; i < TSDT_ROLE_NAME_MAX; i++) {
		if (!e->name[i])
			break;
		h ^= (unsigned char)e->name[i];
		h *= 0x100000001b3ULL;
	}
	h &= ~(1ULL << 63); /* as tsdt_role_hash() */
	if (!h)
		h = 1;
	e->r.dev = h;
	e->r.hdr.size = sizeof(e->r) + n;
	bpf_map_update_elem(&roles, &tgid, &h, BPF_ANY);
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

/* A string role global's text at this hit: its key; a change of the
 * process's role is a ROLE record (the reader learns the name). */
static __always_inline __u64 str_role(__u64 ptr, const int sleepable)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	char buf[TSDT_ROLE_NAME_MAX];
	__u64 h = 0xcbf29ce484222325ULL, *r;
	struct role_rec *e;
	long n;

	n = __tsdt_read_str(buf, sizeof(buf), (const void *)ptr, sleepable);
	if (n <= 0)
		return 0;
	for (int i = 0; i < TSDT_ROLE_NAME_MAX; i++) {
		if (!buf[i])
			break;
		h ^= (unsigned char)buf[i];
		h *= 0x100000001b3ULL;
	}
	h &= ~(1ULL << 63); /* as tsdt_role_hash() */
	if (!h)
		h = 1;
	r = bpf_map_lookup_elem(&roles, &tgid);
	if (r && *r == h)
		return h;
	bpf_map_update_elem(&roles, &tgid, &h, BPF_ANY);
	e = bpf_ringbuf_reserve(&proc_events, sizeof(*e), 0);
	if (!e) {
		count(&follow_errs, 1);
		return h;
	}
	__builtin_memset(&e->r, 0, sizeof(e->r));
	e->r.hdr.type = TSDT_REC_ROLE;
	e->r.ts = bpf_ktime_get_ns();
	e->r.pid = tgid;
	e->r.tid = (__u32)bpf_get_current_pid_tgid();
	e->r.dev = h;
	bpf_get_current_comm(e->r.comm, sizeof(e->r.comm));
	__builtin_memcpy(e->name, buf, sizeof(buf));
	e->name[TSDT_ROLE_NAME_MAX - 1] = 0;
	e->r.hdr.size = sizeof(*e);
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return h;
}

static __always_inline void count_role(__u64 probe, __u64 role)
{
	struct role_hit_key k = { .probe = (__u32)probe, .role = role };
	__u64 one = 1, *c = bpf_map_lookup_elem(&role_hits, &k);

	if (c)
		__sync_fetch_and_add(c, 1);
	else if (bpf_map_update_elem(&role_hits, &k, &one, BPF_NOEXIST))
		if ((c = bpf_map_lookup_elem(&role_hits, &k)))
			__sync_fetch_and_add(c, 1);
}

/* ---------------------------------------------------------------- spans */
/*
 * Spans (span.c): each probe's part in up to TSDT_SPAN_PER_PROBE spans
 * (span_probes, by probe index); at a begin its key's entry in span_open
 * (time, process, thread, group), at a stage that stage's first time, at an
 * end the entry taken out and its latency counted in its group's
 * histogram (span_hists): no event reaches user space, unless span_records
 * asks for one record per span ended. Everything that does not match or
 * fit is counted (span_cnts), never dropped silently.
 */
const volatile bool spans_on = false;
const volatile bool span_records = false;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* resized by trace.c: one per probe */
	__type(key, __u32);
	__type(value, struct tsdt_span_probe);
} span_probes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* resized by trace.c (max_open_spans) */
	__type(key, struct tsdt_span_key);
	__type(value, struct tsdt_span_open);
} span_open SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct tsdt_span_hkey);
	__type(value, struct tsdt_span_hist);
} span_hists SEC(".maps");

/* a zeroed histogram, never written: the first value of a new group */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tsdt_span_hist);
} span_zero SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TSDT_SPAN_MAX * TSDT_SPAN_CNT_N);
	__type(key, __u32);
	__type(value, __u64);
} span_cnts SEC(".maps");

static __always_inline void span_count(__u32 span, __u32 c)
{
	count(&span_cnts, span * TSDT_SPAN_CNT_N + c);
}

static __always_inline void span_hist_add(__u32 span, __u64 group, __u64 d,
					  const struct tsdt_span_open *o,
					  __u64 now)
{
	struct tsdt_span_hkey hk = { .span = span, .group = group };
	struct tsdt_span_hist *h;
	__u32 zero = 0, b;
	__u64 prev, cur;
	void *z;

	h = bpf_map_lookup_elem(&span_hists, &hk);
	if (!h) {
		z = bpf_map_lookup_elem(&span_zero, &zero);
		if (!z)
			return;
		bpf_map_update_elem(&span_hists, &hk, z, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&span_hists, &hk);
		if (!h) {
			span_count(span, TSDT_SPAN_CNT_HIST_FULL);
			return;
		}
	}
	__sync_fetch_and_add(&h->count, 1);
	__sync_fetch_and_add(&h->sum, d);
	b = tsdt_hist_bucket(d);
	if (b < TSDT_SPAN_BUCKETS)
		__sync_fetch_and_add(&h->buckets[b], 1);
	/* min and max: compare-and-swap, retried a few times */
	for (int i = 0; i < 4; i++) {
		cur = h->max;
		if (d <= cur)
			break;
		if (__sync_val_compare_and_swap(&h->max, cur, d) == cur)
			break;
	}
	for (int i = 0; i < 4; i++) {
		cur = h->min;
		if (cur && d >= cur)
			break;
		if (__sync_val_compare_and_swap(&h->min, cur, d) == cur)
			break;
	}
	prev = o->ts;
	for (int k = 0; k < TSDT_SPAN_MAX_STAGES; k++) {
		__u64 t = o->stage_ts[k];

		if (!t || t < prev || t > now)
			continue;
		__sync_fetch_and_add(&h->stage_sum[k], t - prev);
		__sync_fetch_and_add(&h->stage_cnt[k], 1);
		prev = t;
	}
}

/* a span ended at @now: counted, in its histogram, and its record */
static __always_inline void span_finish(__u32 span,
					const struct tsdt_span_key *key,
					const struct tsdt_span_open *o,
					__u64 now, __u32 end_probe)
{
	__u64 id = bpf_get_current_pid_tgid();

	span_count(span, TSDT_SPAN_CNT_END);
	span_hist_add(span, o->group, now > o->ts ? now - o->ts : 0, o, now);
	if (span_records) {
		struct tsdt_span_rec *r;

		r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
		if (!r) {
			span_count(span, TSDT_SPAN_CNT_REC_LOST);
			return;
		}
		r->hdr.type = TSDT_REC_SPAN;
		r->hdr.misc = 0;
		r->hdr.size = sizeof(*r);
		r->span = span;
		r->end_probe = end_probe;
		r->begin_ts = o->ts;
		r->end_ts = now;
		r->begin_pid = o->pid;
		r->begin_tid = o->tid;
		r->end_pid = id >> 32;
		r->end_tid = (__u32)id;
		r->k[0] = key->k[0];
		r->k[1] = key->k[1];
		r->group = o->group;
		for (int k = 0; k < TSDT_SPAN_MAX_STAGES; k++)
			r->stage_ts[k] = o->stage_ts[k];
		bpf_get_current_comm(r->comm, sizeof(r->comm));
		bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	}
}

static __always_inline void span_member(struct pt_regs *ctx,
					const struct tsdt_bpf_spec *spec,
					const struct tsdt_span_member *m,
					__u64 now, const int sleepable)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct tsdt_span_key key = { .span = m->span };
	struct tsdt_span_open o = {}, *op;
	__u32 span = m->span;

	if (span >= TSDT_SPAN_MAX)
		return;
	for (int p = 0; p < TSDT_SPAN_KEY_PARTS; p++) {
		__u64 v = 0;

		switch (m->part[p]) {
		case TSDT_SPAN_PART_ARG:
			if (sleepable ? trace_arg_s(ctx, spec, m->arg[p], &v)
				      : trace_arg(ctx, spec, m->arg[p], &v))
				return; /* no key, no match: the hit is not
					 * counted as begin or end */
			break;
		case TSDT_SPAN_PART_PID:
			v = id >> 32;
			break;
		case TSDT_SPAN_PART_TID:
			v = (__u32)id;
			break;
		}
		key.k[p] = v;
	}
	if (m->point == TSDT_SPAN_BEGIN) {
		long err;

		o.ts = now;
		o.pid = id >> 32;
		o.tid = (__u32)id;
		switch (m->group) {
		case TSDT_SPAN_GROUP_ROLE:
			o.group = current_role(ctx, spec, sleepable);
			break;
		case TSDT_SPAN_GROUP_PID:
			o.group = id >> 32;
			break;
		case TSDT_SPAN_GROUP_ARG:
			if (sleepable ? trace_arg_s(ctx, spec, m->group_arg, &o.group)
				      : trace_arg(ctx, spec, m->group_arg, &o.group))
				o.group = 0;
			break;
		}
		span_count(span, TSDT_SPAN_CNT_BEGIN);
		err = bpf_map_update_elem(&span_open, &key, &o, BPF_NOEXIST);
		if (err == -17 /* EEXIST */) {
			span_count(span, TSDT_SPAN_CNT_REPLACED);
			err = bpf_map_update_elem(&span_open, &key, &o, BPF_ANY);
		}
		if (err)
			span_count(span, TSDT_SPAN_CNT_FULL);
		return;
	}
	op = bpf_map_lookup_elem(&span_open, &key);
	if (m->point >= TSDT_SPAN_STAGE0) {
		__u32 k = m->point - TSDT_SPAN_STAGE0;

		if (op && k < TSDT_SPAN_MAX_STAGES && !op->stage_ts[k])
			op->stage_ts[k] = now;
		return;
	}
	/* the end: a copy, then the entry out (another CPU may end the same
	 * key: only the one whose delete succeeds counts it) */
	if (!op) {
		span_count(span, TSDT_SPAN_CNT_ORPHAN);
		return;
	}
	o = *op;
	if (bpf_map_delete_elem(&span_open, &key)) {
		span_count(span, TSDT_SPAN_CNT_ORPHAN);
		return;
	}
	span_finish(span, &key, &o, now, (__u32)spec->cookie);
}

static __always_inline int span_hit_body(struct pt_regs *ctx,
					 const struct tsdt_bpf_spec *spec,
					 const int sleepable)
{
	__u32 probe = (__u32)spec->cookie;
	const struct tsdt_span_probe *sp;
	__u64 now = bpf_ktime_get_ns();

	sp = bpf_map_lookup_elem(&span_probes, &probe);
	if (!sp)
		return 0;
	for (int i = 0; i < TSDT_SPAN_PER_PROBE; i++) {
		if (i >= sp->cnt)
			break;
		span_member(ctx, spec, &sp->m[i], now, sleepable);
	}
	return 0;
}

/* global functions: verified once, apart from the program */
__noinline int span_hit(struct pt_regs *ctx, const struct tsdt_bpf_spec *spec)
{
	if (!ctx || !spec)
		return 0;
	return span_hit_body(ctx, spec, 0);
}

__noinline int span_hit_s(struct pt_regs *ctx, const struct tsdt_bpf_spec *spec)
{
	if (!ctx || !spec)
		return 0;
	return span_hit_body(ctx, spec, 1);
}

/*
 * Syscall spans (tsdt_span_opts.syscalls): a syscall's entry to its exit,
 * per thread, for the processes traced, grouped by syscall (or by the
 * process's role or pid). Loaded only for such a span: the raw_syscalls
 * tracepoints put every system call of the machine on the slow path while
 * attached.
 */
#define TSDT_SYS_MAX 1024
const volatile __u32 sys_span = 0;
const volatile __u32 sys_group = 0;     /* TSDT_SPAN_GROUP_*, or SYSCALL */
const volatile __u32 sys_pid = 0;       /* not following: this process (0:
					 * every process) */
const volatile bool sys_all = false;
const volatile __s32 sys_noreturn[2] = { -1, -1 }; /* exit, exit_group */
#define SYS_GROUP_SYSCALL 100

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TSDT_SYS_MAX);
	__type(key, __u32);
	__type(value, __u8);
} sys_want SEC(".maps");

static __always_inline bool sys_traced(__u32 tgid)
{
	struct tsdt_follow_val *pv;

	if (follow_mode == FOLLOW_SET) {
		if (tgid == follow_root)
			return true;
		pv = bpf_map_lookup_elem(&followed, &tgid);
		return pv && !(pv->flags & TSDT_FOLLOW_EXITED);
	}
	if (follow_mode == FOLLOW_CGROUP)
		return in_cgroup();
	return !sys_pid || tgid == sys_pid;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(span_sys_enter, struct pt_regs *regs, long nr)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct tsdt_span_key key = { .span = sys_span };
	struct tsdt_span_open o = {};
	__u32 tgid = id >> 32, k = (__u32)nr;
	__u64 *role;
	long err;

	if (nr < 0 || nr >= TSDT_SYS_MAX || nr == sys_noreturn[0] ||
	    nr == sys_noreturn[1] || !sys_traced(tgid))
		return 0;
	if (!sys_all) {
		__u8 *w = bpf_map_lookup_elem(&sys_want, &k);

		if (!w || !*w)
			return 0;
	}
	key.k[0] = (__u32)id;
	o.ts = bpf_ktime_get_ns();
	o.pid = tgid;
	o.tid = (__u32)id;
	if (sys_group == SYS_GROUP_SYSCALL)
		o.group = nr;
	else if (sys_group == TSDT_SPAN_GROUP_PID)
		o.group = tgid;
	else if (sys_group == TSDT_SPAN_GROUP_ROLE &&
		 (role = bpf_map_lookup_elem(&roles, &tgid)))
		o.group = *role;
	span_count(sys_span, TSDT_SPAN_CNT_BEGIN);
	err = bpf_map_update_elem(&span_open, &key, &o, BPF_NOEXIST);
	if (err == -17 /* EEXIST: a begin whose exit was not seen */) {
		span_count(sys_span, TSDT_SPAN_CNT_REPLACED);
		err = bpf_map_update_elem(&span_open, &key, &o, BPF_ANY);
	}
	if (err)
		span_count(sys_span, TSDT_SPAN_CNT_FULL);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(span_sys_exit, struct pt_regs *regs, long ret)
{
	__u64 id = bpf_get_current_pid_tgid(), now;
	struct tsdt_span_key key = { .span = sys_span };
	struct tsdt_span_open o, *op;

	key.k[0] = (__u32)id;
	/* only threads with an entry open: no other test on this path */
	op = bpf_map_lookup_elem(&span_open, &key);
	if (!op)
		return 0;
	now = bpf_ktime_get_ns();
	o = *op;
	if (bpf_map_delete_elem(&span_open, &key))
		return 0;
	span_finish(sys_span, &key, &o, now, (__u32)-1);
	return 0;
}

/* An event that did not fit: counted in all, and for its process */
static __always_inline void lose(struct tsdt_follow_val *pv)
{
	count(&lost, 0);
	if (!pv && follow_mode == FOLLOW_SET) {
		/* the root, not looked up on the way in */
		__u32 tgid = bpf_get_current_pid_tgid() >> 32;

		pv = bpf_map_lookup_elem(&followed, &tgid);
	}
	if (pv)
		__sync_fetch_and_add(&pv->lost, 1);
}

static __always_inline int trace(struct pt_regs *ctx, const int sleepable)
{
	const struct tsdt_bpf_spec *spec = tsdt_spec(ctx);
	struct tsdt_follow_val *pv = NULL;
	struct full_event e;
	struct bpf_dynptr dp;
	struct str_ctx sc;
	__u32 n, size;

	/* a slot cleared (tsdt_tracer__remove_probe()): its hits are dropped */
	if (!spec || !(spec->flags & TSDT_BPF_SPEC_USED))
		return 0;
	if (follow_mode == FOLLOW_SET) {
		__u32 tgid = bpf_get_current_pid_tgid() >> 32;

		/* the process given: followed until it exits (and then
		 * fires no more); its loss is counted in all */
		if (tgid != follow_root) {
			pv = bpf_map_lookup_elem(&followed, &tgid);
			if (!pv || (pv->flags & TSDT_FOLLOW_EXITED))
				return 0;
		}
	} else if (follow_mode == FOLLOW_CGROUP && !in_cgroup()) {
		return 0;
	}
	if (spec->flags & TSDT_BPF_SPEC_ROLE)
		set_role(ctx, spec, sleepable);
	if (role_filter || count_by_role) {
		__u64 role = current_role(ctx, spec, sleepable);

		if (role_filter && role != role_filter)
			return 0;
		if (count_by_role)
			count_role(spec->cookie, role);
	}
	count(&hits, (__u32)spec->cookie);
	if (spans_on) {
		if (sleepable)
			span_hit_s(ctx, spec);
		else
			span_hit(ctx, spec);
	}
	if (count_only)
		return 0;

	n = fill(ctx, spec, &e, sleepable);
	size = sizeof(e.h) + n * sizeof(__u64);
	if (size > sizeof(e))
		return 0;
	e.h.hdr.size = size;
	if (!spec->str_cnt) {
		/* a copy of the few bytes used: cheaper than reserving the
		 * largest record */
		if (bpf_ringbuf_output(&events, &e, size, BPF_RB_NO_WAKEUP))
			lose(pv);
		return 0;
	}

	e.h.hdr.size = size + (spec->str_cnt & 0xf) *
		       (sizeof(struct tsdt_trace_str) + str_max);
	if (bpf_ringbuf_reserve_dynptr(&events, e.h.hdr.size, 0, &dp)) {
		bpf_ringbuf_discard_dynptr(&dp, BPF_RB_NO_WAKEUP);
		lose(pv);
		return 0;
	}
	bpf_dynptr_write(&dp, 0, &e, size, 0);
	sc.spec = spec;
	sc.e = &e;
	sc.dp = &dp;
	sc.off = size;
	sc.k = 0;
	bpf_loop(n, sleepable ? str_cb_s : str_cb, &sc, 0);
	bpf_ringbuf_submit_dynptr(&dp, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tsdt")
int trace_hit(struct pt_regs *ctx)
{
	return trace(ctx, 0);
}

SEC("tsdt.s")
int trace_hit_s(struct pt_regs *ctx)
{
	return trace(ctx, 1);
}

/* ------------------------------------------------------------ following */
/*
 * Process families, followed in the kernel (follow.c loads these only when
 * following): a fork of a followed process adds the child to `followed`
 * before the child runs; exec and executable mappings of files the reader
 * has not examined yet stop the process (SIGSTOP to the thread, taken on
 * its way back to user space, before any instruction of the new file
 * runs) until the reader has attached that file's probes and continues it.
 * Every such change is a record in the ring, on the probes' clock.
 */
#define SIGSTOP 19
#define SIGCONT 18
#define SIG_DFL_ ((void *)0)
#define SIG_IGN_ ((void *)1)

static __always_inline bool followed_now(__u32 tgid)
{
	struct tsdt_follow_val *pv;

	if (follow_mode == FOLLOW_CGROUP)
		return in_cgroup();
	pv = bpf_map_lookup_elem(&followed, &tgid);
	return pv && !(pv->flags & TSDT_FOLLOW_EXITED);
}

static __always_inline void proc_rec(struct tsdt_proc_rec *r, __u16 type,
				     struct task_struct *t)
{
	__builtin_memset(r, 0, sizeof(*r));
	r->hdr.type = type;
	r->hdr.size = sizeof(*r);
	r->ts = bpf_ktime_get_ns();
	r->pid = t->tgid;
	r->tid = t->pid;
	r->ppid = t->real_parent->tgid;
	bpf_probe_read_kernel_str(r->comm, sizeof(r->comm), t->comm);
}

static __always_inline void proc_out(struct tsdt_proc_rec *r)
{
	if (bpf_ringbuf_output(&proc_events, r, sizeof(*r), BPF_RB_NO_WAKEUP))
		count(&follow_errs, 1);
}

/* Stops the current thread's process until the reader continues it, when
 * the file is new to the reader. Returns TSDT_REC_HELD or 0. */
static __always_inline __u16 hold_if_new(__u32 tgid, __u64 dev, __u64 ino,
					 bool may_stop, struct tsdt_proc_rec *r)
{
	struct tsdt_file_key k = {};
	__u64 now;

	k.dev = dev;
	k.ino = ino;
	r->dev = k.dev;
	r->ino = k.ino;
	if (!hold_new || !may_stop || bpf_map_lookup_elem(&known, &k))
		return 0;
	now = bpf_ktime_get_ns();
	/* the entry first: the keeper must see every stop it may undo */
	if (bpf_map_update_elem(&held, &tgid, &now, BPF_ANY))
		return 0;
	if (bpf_send_signal_thread(SIGSTOP)) {
		bpf_map_delete_elem(&held, &tgid);
		return 0;
	}
	return TSDT_REC_HELD;
}

static __always_inline __u16 hold_if_new_inode(__u32 tgid, struct inode *ino,
					       struct tsdt_proc_rec *r)
{
	/* at exec: one thread, and every handler back to default */
	return hold_if_new(tgid, ino->i_sb->s_dev, ino->i_ino, true, r);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(follow_fork, struct task_struct *parent, struct task_struct *child)
{
	struct tsdt_proc_rec r;
	__u32 ptgid = parent->tgid, ctgid = child->tgid;

	if (ctgid == ptgid || !followed_now(ptgid)) /* a thread, or not ours */
		return 0;
	if (follow_mode == FOLLOW_SET) {
		struct tsdt_follow_val v = {};

		if (!follow_children)
			return 0;
		v.ppid = child->real_parent->tgid;
		if (bpf_map_update_elem(&followed, &ctgid, &v, BPF_ANY)) {
			count(&follow_errs, 0);
			return 0;
		}
	}
	{
		__u64 *role = bpf_map_lookup_elem(&roles, &ptgid);

		if (role) {
			__u64 v = *role;

			bpf_map_update_elem(&roles, &ctgid, &v, BPF_ANY);
		}
	}
	proc_rec(&r, TSDT_REC_FORK, parent);
	r.child = ctgid;
	proc_out(&r);
	return 0;
}

/* an exec record with its path */
struct exec_rec {
	struct tsdt_proc_rec r;
	char path[TSDT_TRACE_PATH_MAX];
};

SEC("tp_btf/sched_process_exec")
int BPF_PROG(follow_exec, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	struct exec_rec *e;
	__u32 tgid = p->tgid;
	long n;

	if (!followed_now(tgid))
		return 0;
	e = bpf_ringbuf_reserve(&proc_events, sizeof(*e), 0);
	if (!e) {
		/* not lost silently: and the process must not miss events
		 * of a file the reader has not seen, so it is stopped all the
		 * same; the reader, seeing a lost process record, rescans */
		struct tsdt_proc_rec r;

		count(&follow_errs, 1);
		hold_if_new_inode(tgid, bprm->file->f_inode, &r);
		return 0;
	}
	bpf_map_delete_elem(&roles, &tgid); /* another program */
	proc_rec(&e->r, TSDT_REC_EXEC, p);
	e->r.tid = old_pid;
	e->r.hdr.misc = hold_if_new_inode(tgid, bprm->file->f_inode, &e->r);
	n = bpf_probe_read_kernel_str(e->path, sizeof(e->path), bprm->filename);
	if (n < 0)
		e->path[0] = 0;
	e->r.hdr.size = sizeof(e->r) + (n > 0 ? n : 1);
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(follow_exit, struct task_struct *p, bool group_dead)
{
	struct tsdt_follow_val *pv;
	struct tsdt_proc_rec r;
	__u32 tgid = p->tgid;

	if (!group_dead || !followed_now(tgid))
		return 0;
	bpf_map_delete_elem(&held, &tgid);
	bpf_map_delete_elem(&roles, &tgid);
	proc_rec(&r, TSDT_REC_EXIT, p);
	r.child = p->exit_code;
	if (follow_mode == FOLLOW_SET &&
	    (pv = bpf_map_lookup_elem(&followed, &tgid)))
		pv->flags |= TSDT_FOLLOW_EXITED;
	proc_out(&r);
	return 0;
}

/*
 * A file mapped executable by mmap(2): the dynamic linker loading a
 * library at start-up or at dlopen (execve's own mappings are the exec
 * record's). Seen when mmap(2) drops the mmap lock it took for writing
 * (the mmap_lock_released tracepoint): the mapping is made; the file is
 * the call's descriptor, the address the call's (MAP_FIXED, as the dynamic
 * linker maps each segment after the first) or the one vm_unmapped_area()
 * chose for it; a stop sent then is taken as the call returns, before the
 * caller runs another instruction. Why not the alternatives: fentry and
 * LSM programs need BPF trampolines, absent from kernels without ftrace
 * (as this one); a syscall tracepoint (sys_exit_mmap) puts every system
 * call of every process on the machine on the slow path (+50 ns each,
 * measured here); these two tracepoints cost only mmap and page-fault
 * lock releases, and little there.
 */
#define PROT_EXEC 0x4
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#if defined(__TARGET_ARCH_x86)
#define SYS_NR(r) ((long)(r)->orig_ax)
#define SYS_MMAP 9
#define MMAP_ADDR(r) ((r)->di)
#define MMAP_PROT(r) ((r)->dx)
#define MMAP_FLAGS(r) ((r)->r10)
#define MMAP_FD(r) ((r)->r8)
#define MMAP_OFF(r) ((r)->r9)
#elif defined(__TARGET_ARCH_arm64)
#define SYS_NR(r) ((long)(r)->syscallno)
#define SYS_MMAP 222
#define MMAP_ADDR(r) ((r)->regs[0])
#define MMAP_PROT(r) ((r)->regs[2])
#define MMAP_FLAGS(r) ((r)->regs[3])
#define MMAP_FD(r) ((r)->regs[4])
#define MMAP_OFF(r) ((r)->regs[5])
#endif

/* the address vm_unmapped_area() chose, per thread in mmap(2) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} unmapped SEC(".maps");

/* the registers of a followed thread's mmap(2) that maps executable */
static __always_inline struct pt_regs *exec_mmap(struct task_struct *t)
{
#ifdef SYS_MMAP
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(t);

	if (!regs || SYS_NR(regs) != SYS_MMAP || !(MMAP_PROT(regs) & PROT_EXEC))
		return NULL;
	if (!followed_now(t->tgid))
		return NULL;
	return regs;
#else
	return NULL;
#endif
}

SEC("tp_btf/vm_unmapped_area")
int BPF_PROG(follow_unmapped, unsigned long addr,
	     struct vm_unmapped_area_info *info)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u32 tid = t->pid;
	__u64 a = addr;

	if (exec_mmap(t))
		bpf_map_update_elem(&unmapped, &tid, &a, BPF_ANY);
	return 0;
}

/* the file behind descriptor @fd of the current task, or NULL */
static __always_inline struct file *fd_file(struct task_struct *t, __u64 fd)
{
	struct fdtable *fdt = t->files->fdt;
	struct file **fds, *f = NULL;

	if (fd >= fdt->max_fds)
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), fds + fd))
		return NULL;
	return f;
}

SEC("tp_btf/mmap_lock_released")
int BPF_PROG(follow_mmap, struct mm_struct *mm, bool write)
{
	struct task_struct *t;
	struct tsdt_proc_rec r;
	struct pt_regs *regs;
	struct inode *ino;
	struct file *f;
	__u32 tid;
	__u64 addr, *p;

	if (!write)
		return 0;
	t = bpf_get_current_task_btf();
	if (t->mm != mm || !(regs = exec_mmap(t)))
		return 0;
#ifdef SYS_MMAP
	/* the lock is still held here (the tracepoint runs before it is
	 * released): no bpf_find_vma(); the call's own arguments say what
	 * it mapped, at the address it asked for or was given */
	tid = t->pid;
	if (MMAP_FLAGS(regs) & MAP_FIXED) {
		addr = MMAP_ADDR(regs);
	} else {
		p = bpf_map_lookup_elem(&unmapped, &tid);
		if (!p)
			return 0;
		addr = *p;
		bpf_map_delete_elem(&unmapped, &tid);
	}
	if (MMAP_FLAGS(regs) & MAP_ANONYMOUS)
		return 0;
	f = fd_file(t, MMAP_FD(regs));
	if (!f)
		return 0;
	ino = BPF_CORE_READ(f, f_inode);
	if (!ino)
		return 0;
	proc_rec(&r, TSDT_REC_LOAD, t);
	r.addr = addr;
	r.pgoff = MMAP_OFF(regs);
	/* A stop leaves the process as it was only when it is alone and has
	 * no SIGCONT handler: a group stop makes other threads' epoll_wait()
	 * and the like fail with EINTR (signal(7)), and SIGCONT would run a
	 * handler. Else no stop: the reader attaches the file's probes from
	 * this record, a little later. */
	{
		void *cont = t->sighand->action[SIGCONT - 1].sa.sa_handler;
		bool may_stop = t->signal->nr_threads == 1 &&
				(cont == SIG_DFL_ || cont == SIG_IGN_);

		r.hdr.misc = hold_if_new(t->tgid, BPF_CORE_READ(ino, i_sb, s_dev),
					 BPF_CORE_READ(ino, i_ino), may_stop, &r);
	}
	proc_out(&r);
#endif
	return 0;
}
