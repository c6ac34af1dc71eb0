// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A handler with a wrong idea of its probe: it reads request__start's path
 * as an integer. The BPF verifier cannot know (a USDT note only says
 * "8@%rsi"); libtsdt reads the declared types from this object's BTF and
 * from the binary's .note.tsdt and refuses to attach it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <tsdt/tsdt.bpf.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

TSDT_HANDLER(on_start_mistyped, demo, request__start,
	     (__u64, id), (__u64, path))
{
	bpf_printk("request %llu path %llx", id, path);
	return 0;
}
