// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The libbpf peer of tests/integration/redzone.sh: a BPF_USDT handler
 * (libbpf's own <bpf/usdt.bpf.h>) that counts the hits of each probe (its
 * index is the USDT cookie) and sums its first argument; and raw_hit, a
 * plain uprobe that only counts (the control on a bare five-byte nop).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#define RZ_MAX_PROBES 8

__u64 hits[RZ_MAX_PROBES];
__s64 sums[RZ_MAX_PROBES];
__u64 raw_hits;

SEC("usdt")
int usdt_hit(struct pt_regs *ctx)
{
	__u64 i = bpf_usdt_cookie(ctx);
	long v = 0;

	if (i >= RZ_MAX_PROBES)
		return 0;
	__sync_fetch_and_add(&hits[i], 1);
	if (bpf_usdt_arg_cnt(ctx) > 0 && !bpf_usdt_arg(ctx, 0, &v))
		__sync_fetch_and_add(&sums[i], v);
	return 0;
}

SEC("uprobe")
int raw_hit(struct pt_regs *ctx)
{
	__sync_fetch_and_add(&raw_hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
