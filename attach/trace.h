/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The generic tracer's event record, shared by trace.bpf.c and trace.c.
 * Include <linux/types.h> or vmlinux.h first. */
#ifndef TSDT_TRACE_H
#define TSDT_TRACE_H

#define TSDT_TRACE_COMM_LEN 16
#define TSDT_TRACE_STR_MAX_LIMIT 4096
#define TSDT_TRACE_STR_MAX_DEFAULT 256

/*
 * Every record in the ring begins with this header, as every record of a
 * perf ring begins with struct perf_event_header: its kind, and its size
 * in bytes (the whole record), so that records of several kinds (probe
 * hits; later fork, exec, exit, dlopen) share one ring, in one order and on
 * one clock. A reader skips (and counts) a kind it does not know.
 */
enum tsdt_rec_type {
	TSDT_REC_PROBE = 1,     /* struct tsdt_trace_event: a probe hit */
	TSDT_REC_FORK,          /* struct tsdt_proc_rec: a followed process forked */
	TSDT_REC_EXEC,          /* struct tsdt_proc_rec + path: it exec'd */
	TSDT_REC_EXIT,          /* struct tsdt_proc_rec: its last thread exited */
	TSDT_REC_LOAD,          /* struct tsdt_proc_rec: it mapped a file
				 * executable (ld.so at start-up, dlopen) */
	TSDT_REC_ROLE,          /* struct tsdt_proc_rec + name: it declared a
				 * role (tsdt:role); dev holds the name's hash */
};

#define TSDT_ROLE_NAME_MAX 32   /* bytes of a role name kept, NUL included */

/* The role key the kernel keeps: FNV-1a (64 bits) of the name's bytes,
 * top bit cleared (keys with it set are values of a role global), 1 for a
 * name that hashes to 0; 0 means no role. */
static inline __u64 tsdt_role_hash(const char *s, unsigned int max)
{
	__u64 h = 0xcbf29ce484222325ULL;

	for (unsigned int i = 0; i < max && s[i]; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	h &= ~(1ULL << 63);
	return h ? h : 1;
}

/* tsdt_rec_header.misc of EXEC and LOAD records: the process was stopped
 * (SIGSTOP) because the file was new to the tracer; the reader continues
 * it once the file's probes are attached (follow.c). */
#define TSDT_REC_HELD 1

#define TSDT_TRACE_PATH_MAX 256

struct tsdt_rec_header {
	__u16 type;        /* enum tsdt_rec_type */
	__u16 misc;        /* per type; 0 for TSDT_REC_PROBE */
	__u32 size;        /* of the record, header included */
};

/*
 * One record per probe hit, as short as the site allows (the traced thread
 * pays for every cache line it writes into the ring):
 *
 *   struct tsdt_trace_event            48 bytes
 *   __u64 args[arg_cnt]                sign/zero-extended; strings: pointer
 *   str_cnt times (sites with string arguments only):
 *     struct tsdt_trace_str + str_max bytes: the k-th string argument (in
 *     argument order), NUL-terminated
 *
 * A site without strings costs 48 + 8 * arg_cnt bytes (+ 8 of ring buffer
 * header): one 64-byte line for a one-argument probe.
 */
struct tsdt_trace_event {
	struct tsdt_rec_header hdr;  /* TSDT_REC_PROBE */
	__u64 ts;          /* bpf_ktime_get_ns() */
	__u32 pid;         /* tgid */
	__u32 tid;
	__u32 probe_idx;   /* index in the tracer (the spec's cookie) */
	__u8 arg_cnt;
	__u8 str_cnt;
	__u16 err_mask;    /* bit i: argument i could not be read (it is 0) */
	char comm[TSDT_TRACE_COMM_LEN];
};

/*
 * A process event (follow.c; the programs in trace.bpf.c). pid and tid are
 * the process and thread that caused it; for EXEC, tid is the thread that
 * called execve (its id before the exec: a non-main thread takes the
 * process's id). EXEC records are followed by the path execve was given,
 * NUL-terminated (at most TSDT_TRACE_PATH_MAX bytes).
 */
struct tsdt_proc_rec {
	struct tsdt_rec_header hdr;  /* FORK, EXEC, EXIT or LOAD */
	__u64 ts;          /* bpf_ktime_get_ns(), as probe hits */
	__u32 pid;
	__u32 tid;
	__u32 ppid;        /* the process's parent (tgid) */
	__u32 child;       /* FORK: the new process; EXIT: exit_code, as a
			    * wait status */
	/* EXEC and ROLE records are followed by a NUL-terminated string: the
	 * path, the role's name */
	__u64 dev, ino;    /* EXEC, LOAD: the file (kernel dev_t, inode) */
	__u64 addr;        /* LOAD: start of the executable mapping, 0: unknown */
	__u64 pgoff;       /* LOAD: its file offset, in bytes */
	char comm[TSDT_TRACE_COMM_LEN];
};

/* A followed process, in the `followed` map (key: tgid). */
struct tsdt_follow_val {
	__u32 ppid;
	__u32 flags;       /* TSDT_FOLLOW_EXITED: kept until the reader has
			    * seen its exit, for its loss count */
	__u64 lost;        /* its events lost (the ring was full) */
};
#define TSDT_FOLLOW_EXITED 1

/* A file the reader has examined (`known` map): mapping it holds no one. */
struct tsdt_file_key {
	__u64 dev;         /* the kernel's dev_t: major << 20 | minor */
	__u64 ino;
};

struct tsdt_trace_str {
	__s32 res;         /* bytes copied incl. the NUL, or -errno */
	__u32 pad;
};

#ifndef __bpf__
/*
 * libtsdt-internal (not exported by libtsdt.so; bench/loadcost.c links
 * libtsdt.a): what loading the tracer's program costs.
 */
#include <stdbool.h>

struct tsdt_tracer;

struct tsdt_tracer_load_stats {
	double load_ms;          /* waiting for the ring buffer thread, then
				  * bpf_object__load(): maps and program */
	double ring_wait_ms;     /* of which waiting for the ring buffer */
	double ring_lag_ms;      /* its thread: from creation to running */
	double ring_create_ms;   /* its thread: BPF_MAP_CREATE */
	unsigned int verify_us;  /* the verifier's "verification time" */
	unsigned int insns;      /* the verifier's "processed N insns" */
	unsigned int states;     /* its "total_states" */
};

/*
 * Loads the tracer's program (sleepable or not) for the probes added so
 * far, exactly as tsdt_tracer__start() would, but with the verifier's
 * statistics log (BPF_LOG_STATS) when @st is given, then unloads it.
 * 0 or -errno.
 */
int tsdt_tracer__load_stats(struct tsdt_tracer *tr, bool sleepable,
			    struct tsdt_tracer_load_stats *st);
#endif

#endif /* TSDT_TRACE_H */
