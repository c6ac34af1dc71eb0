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

/* an event as built on the stack: the header and every argument */
struct full_event {
	struct tsdt_trace_event h;
	__u64 args[TSDT_BPF_MAX_ARGS];
};

static __always_inline __u32 fill(struct pt_regs *ctx,
				  const struct tsdt_bpf_spec *spec,
				  struct full_event *e, const int sleepable)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 i, n = spec->arg_cnt;

	if (n > TSDT_BPF_MAX_ARGS)
		n = TSDT_BPF_MAX_ARGS;
	e->h.ts = bpf_ktime_get_ns();
	e->h.pid = id >> 32;
	e->h.tid = (__u32)id;
	e->h.probe_idx = (__u32)spec->cookie;
	e->h.arg_cnt = n;
	e->h.str_cnt = spec->str_cnt;
	e->h.err_mask = 0;
	bpf_get_current_comm(e->h.comm, sizeof(e->h.comm));
	for (i = 0; i < TSDT_BPF_MAX_ARGS; i++) {
		if (i >= n)
			break;
		if (sleepable ? trace_arg_s(ctx, spec, i, &e->args[i])
			      : trace_arg(ctx, spec, i, &e->args[i]))
			e->h.err_mask |= 1 << i;
	}
	return n;
}

static __always_inline int trace(struct pt_regs *ctx, const int sleepable)
{
	const struct tsdt_bpf_spec *spec = tsdt_spec(ctx);
	struct full_event e;
	struct bpf_dynptr dp;
	__u32 i, k = 0, n, size, off;

	if (!spec)
		return 0;
	count(&hits, (__u32)spec->cookie);
	if (count_only)
		return 0;

	fill(ctx, spec, &e, sleepable);
	/*
	 * The size, from a fresh read of the count: were it the loop's own
	 * bound, the verifier would track it precisely through every
	 * iteration and keep one state per argument count (400 K instructions
	 * to verify instead of a few thousand).
	 */
	n = *(volatile __u16 *)&spec->arg_cnt;
	if (n > TSDT_BPF_MAX_ARGS)
		n = TSDT_BPF_MAX_ARGS;
	size = sizeof(e.h) + n * sizeof(__u64);
	if (size > sizeof(e))
		return 0;
	if (!spec->str_cnt) {
		/* a copy of the few bytes used: cheaper than reserving the
		 * largest record */
		if (bpf_ringbuf_output(&events, &e, size, BPF_RB_NO_WAKEUP))
			count(&lost, 0);
		return 0;
	}

	if (bpf_ringbuf_reserve_dynptr(&events, size + (spec->str_cnt & 0xf) *
				       (sizeof(struct tsdt_trace_str) + str_max),
				       0, &dp)) {
		bpf_ringbuf_discard_dynptr(&dp, BPF_RB_NO_WAKEUP);
		count(&lost, 0);
		return 0;
	}
	bpf_dynptr_write(&dp, 0, &e, size, 0);
	off = size;
	for (i = 0; i < TSDT_BPF_MAX_ARGS; i++) {
		struct tsdt_trace_str *st;
		long res;

		if (i >= n || k >= spec->str_cnt)
			break;
		if (!(spec->args[i].flags & TSDT_BPF_ARG_STR))
			continue;
		k++;
		st = bpf_dynptr_data(&dp, off, sizeof(*st) + str_max);
		if (!st)
			break;
		off += sizeof(*st) + str_max;
		if (e.h.err_mask & (1 << i)) { /* the pointer was unreadable */
			st->res = -14; /* EFAULT */
			((char *)(st + 1))[0] = 0;
			continue;
		}
		res = __tsdt_read_str(st + 1, str_max,
				      (const void *)e.args[i], sleepable);
		st->res = res;
	}
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
