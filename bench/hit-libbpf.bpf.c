// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The libbpf peer of the hit-cost benchmark: a BPF_USDT handler (libbpf's
 * own <bpf/usdt.bpf.h> argument fetching) that reads the probe's argument
 * and counts the hit, the same work as bench/hit-tsdt.bpf.c.
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

char LICENSE[] SEC("license") = "Dual BSD/GPL";
