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

static __always_inline void fill(struct pt_regs *ctx,
				 const struct tsdt_bpf_spec *spec,
				 struct tsdt_trace_event *e, const int sleepable)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 i;

	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->probe_idx = (__u32)spec->cookie;
	e->arg_cnt = spec->arg_cnt;
	e->str_cnt = spec->str_cnt;
	e->str_slot_size = str_max;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	for (i = 0; i < TSDT_BPF_MAX_ARGS; i++) {
		long err;

		e->str_res[i] = 0;
		if (i >= spec->arg_cnt) {
			e->args[i] = 0;
			continue;
		}
		err = __tsdt_arg(ctx, spec, i, &e->args[i], sleepable);
		if (err)
			e->str_res[i] = err;
	}
}

static __always_inline int trace(struct pt_regs *ctx, const int sleepable)
{
	const struct tsdt_bpf_spec *spec = tsdt_spec(ctx);
	struct tsdt_trace_event *e;
	struct bpf_dynptr dp;
	__u32 i, k = 0, size;

	if (!spec)
		return 0;
	count(&hits, (__u32)spec->cookie);
	if (count_only)
		return 0;

	if (!spec->str_cnt) {
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (!e) {
			count(&lost, 0);
			return 0;
		}
		fill(ctx, spec, e, sleepable);
		bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
		return 0;
	}

	size = spec->str_cnt;
	if (size > TSDT_BPF_MAX_ARGS)
		size = TSDT_BPF_MAX_ARGS;
	size = sizeof(*e) + size * str_max;
	if (bpf_ringbuf_reserve_dynptr(&events, size, 0, &dp)) {
		bpf_ringbuf_discard_dynptr(&dp, BPF_RB_NO_WAKEUP);
		count(&lost, 0);
		return 0;
	}
	e = bpf_dynptr_data(&dp, 0, sizeof(*e));
	if (!e) {
		bpf_ringbuf_discard_dynptr(&dp, BPF_RB_NO_WAKEUP);
		return 0;
	}
	fill(ctx, spec, e, sleepable);
	for (i = 0; i < TSDT_BPF_MAX_ARGS; i++) {
		char *s;
		long n;

		if (i >= spec->arg_cnt || k >= TSDT_BPF_MAX_ARGS)
			break;
		if (!(spec->args[i].flags & TSDT_BPF_ARG_STR))
			continue;
		s = bpf_dynptr_data(&dp, sizeof(*e) + k * str_max, str_max);
		k++;
		if (!s)
			break;
		if (e->str_res[i]) { /* the pointer itself was unreadable */
			s[0] = 0;
			continue;
		}
		n = __tsdt_read_str(s, str_max, (const void *)e->args[i],
				    sleepable);
		e->str_res[i] = n;
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
