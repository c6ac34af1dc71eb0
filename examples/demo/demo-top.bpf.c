// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * demo-top's BPF handlers: typed handlers generated from probes/demo.d by
 * `tsdt-gen -B`, so the argument types here and in the demo program come
 * from one file, and libtsdt refuses to attach them to a probe whose types
 * disagree.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "demo_probes.bpf.h"
#include "demo-top.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct start {
	__u64 ns;
	char path[DEMO_PATH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct demo_totals);
} totals SEC(".maps");

/* Sleepable, so the path is read even from a page the program has not
 * touched yet. */
DEMO_REQUEST_START_HANDLER_SLEEPABLE(on_start)
{
	struct start s = { .ns = bpf_ktime_get_ns() };

	if (tsdt_read_str(s.path, sizeof(s.path), path) < 0) {
		__u32 zero = 0;
		struct demo_totals *t = bpf_map_lookup_elem(&totals, &zero);

		if (t)
			__sync_fetch_and_add(&t->path_faults, 1);
	}
	bpf_map_update_elem(&starts, &id, &s, BPF_ANY);
	return 0;
}

DEMO_REQUEST_DONE_HANDLER(on_done)
{
	__u32 zero = 0;
	struct demo_totals *t = bpf_map_lookup_elem(&totals, &zero);
	struct start *s = bpf_map_lookup_elem(&starts, &id);
	__u64 ns;

	if (!t)
		return 0;
	t->requests++;
	t->bytes += bytes;
	t->last_seconds = seconds; /* BPF has no FP arithmetic: copy only */
	if (!ok)
		t->errors++;
	if (!s) {
		t->unmatched++;
		return 0;
	}
	ns = bpf_ktime_get_ns() - s->ns;
	if (ns > t->max_ns) {
		t->max_ns = ns;
		__builtin_memcpy(t->slowest, s->path, sizeof(t->slowest));
	}
	bpf_map_delete_elem(&starts, &id);
	return 0;
}
