/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The generic tracer's event record, shared by trace.bpf.c and trace.c.
 * Include <linux/types.h> or vmlinux.h first. */
#ifndef TSDT_TRACE_H
#define TSDT_TRACE_H

#define TSDT_TRACE_COMM_LEN 16
#define TSDT_TRACE_STR_MAX_LIMIT 4096
#define TSDT_TRACE_STR_MAX_DEFAULT 256

/*
 * One event per probe hit. Followed, for a site with string arguments, by
 * str_cnt slots of str_max bytes: slot k holds the k-th string argument
 * (in argument order), NUL-terminated; str_res[i] is its read result.
 */
struct tsdt_trace_event {
	__u64 ts;                /* bpf_ktime_get_ns() */
	__u32 pid;               /* tgid */
	__u32 tid;
	__u32 probe_idx;         /* index in the tracer (the spec's cookie) */
	__u16 arg_cnt;
	__u16 str_cnt;
	char comm[TSDT_TRACE_COMM_LEN];
	__u64 args[12];          /* sign/zero-extended; strings: the pointer */
	__s16 str_res[12];       /* string args: bytes incl. NUL, or -errno;
				  * arguments that failed to read: -errno */
	__u64 str_slot_size;     /* str_max, so the reader needs no state */
};

#endif /* TSDT_TRACE_H */
