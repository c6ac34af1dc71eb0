// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The libbpf peer of the hit-cost benchmark: a BPF_USDT handler (libbpf's
 * own <bpf/usdt.bpf.h> argument fetching) that reads the probe's argument
 * and counts the hit, the same work as bench/hit-tsdt.bpf.c; and raw_hit,
 * the floor of what any handler can cost.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

__u64 hits;
__u64 last;

SEC("usdt")
int BPF_USDT(usdt_hit, long i)
{
	__sync_fetch_and_add(&hits, 1);
	last = i;
	return 0;
}

/* The floor: a raw uprobe_multi program that counts and reads one register
 * (the argument's, per this build's note), no spec lookup at all. */
SEC("uprobe.multi")
int raw_hit(struct pt_regs *ctx)
{
	__sync_fetch_and_add(&hits, 1);
	last = PT_REGS_RC(ctx);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
