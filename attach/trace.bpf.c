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

#define TSDT_MAX_SPECS 1 /* resized by trace.c before load */
/* no kfunc: tsdt trace starts without parsing the kernel's BTF */
#define TSDT_NO_COPY_STR_KFUNC
/* registers through a global function: verified once, not per call site */
#define __TSDT_REG trace_reg
__u64 trace_reg(struct pt_regs *ctx, int off);
#include <tsdt/tsdt.bpf.h>
#include "trace.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile bool count_only = false;
const volatile __u32 str_max = TSDT_TRACE_STR_MAX_DEFAULT;

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

static __always_inline int trace(struct pt_regs *ctx, const int sleepable)
{
	const struct tsdt_bpf_spec *spec = tsdt_spec(ctx);
	struct full_event e;
	struct bpf_dynptr dp;
	struct str_ctx sc;
	__u32 n, size;

	if (!spec)
		return 0;
	count(&hits, (__u32)spec->cookie);
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
			count(&lost, 0);
		return 0;
	}

	e.h.hdr.size = size + (spec->str_cnt & 0xf) *
		       (sizeof(struct tsdt_trace_str) + str_max);
	if (bpf_ringbuf_reserve_dynptr(&events, e.h.hdr.size, 0, &dp)) {
		bpf_ringbuf_discard_dynptr(&dp, BPF_RB_NO_WAKEUP);
		count(&lost, 0);
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
