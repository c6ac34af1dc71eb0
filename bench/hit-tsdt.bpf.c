// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The tsdt side of the hit-cost benchmark: a typed handler that reads the
 * probe's argument and counts the hit, the same work as the BPF_USDT
 * handler of bench/hit-libbpf.bpf.c.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <tsdt/tsdt.bpf.h>

__u64 hits;
__u64 last;

TSDT_HANDLER(tsdt_hit, tsdt_bench, hit, (long, i))
{
	__sync_fetch_and_add(&hits, 1);
	last = i;
	return 0;
}

/* the same, for the <sys/tsdt.h> probe */
TSDT_HANDLER(tsdt_thit, tsdt_bench, thit, (long, i))
{
	__sync_fetch_and_add(&hits, 1);
	last = i;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
