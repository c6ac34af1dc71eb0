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
	TSDT_REC_SPAN,          /* struct tsdt_span_rec: a span ended (with
				 * tsdt_tracer_opts.span_records) */
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

/*
 * Spans (span.c; matched in trace.bpf.c): a begin probe and an end probe,
 * maybe in other processes, and up to TSDT_SPAN_MAX_STAGES stage probes in
 * between, matched by a key of one or two parts. What each probe is to
 * each span is its entry in the span_probes map (key: the probe's index);
 * a key part is an argument of the probe's records (its own, then the
 * tracer's globals), its process or its thread.
 */
#define TSDT_SPAN_MAX 8          /* spans per tracer */
#define TSDT_SPAN_PER_PROBE 4    /* spans one probe takes part in */
#define TSDT_SPAN_MAX_STAGES 4
#define TSDT_SPAN_KEY_PARTS 2
#define TSDT_SPAN_BUCKETS 256    /* see tsdt_hist__bucket() */

enum tsdt_span_point { TSDT_SPAN_BEGIN = 0, TSDT_SPAN_END = 1,
		       TSDT_SPAN_STAGE0 = 2 /* + stage */ };
enum tsdt_span_part { TSDT_SPAN_PART_NONE = 0, TSDT_SPAN_PART_ARG,
		      TSDT_SPAN_PART_PID, TSDT_SPAN_PART_TID };
enum tsdt_span_group { TSDT_SPAN_GROUP_NONE = 0, TSDT_SPAN_GROUP_ROLE,
		       TSDT_SPAN_GROUP_PID, TSDT_SPAN_GROUP_ARG };

struct tsdt_span_member {
	__u8 span;
	__u8 point;                           /* enum tsdt_span_point */
	__u8 part[TSDT_SPAN_KEY_PARTS];       /* enum tsdt_span_part */
	__u8 arg[TSDT_SPAN_KEY_PARTS];        /* PART_ARG: which */
	__u8 group;                           /* begin: enum tsdt_span_group */
	__u8 group_arg;
};

struct tsdt_span_probe {
	__u32 cnt;
	__u32 pad;
	struct tsdt_span_member m[TSDT_SPAN_PER_PROBE];
};

struct tsdt_span_key {
	__u32 span;
	__u32 pad;
	__u64 k[TSDT_SPAN_KEY_PARTS];
};

/* an open span (span_open map): its begin, and each stage's first hit */
struct tsdt_span_open {
	__u64 ts;
	__u32 pid, tid;
	__u64 group;
	__u64 stage_ts[TSDT_SPAN_MAX_STAGES];
};

struct tsdt_span_hkey {
	__u32 span;
	__u32 pad;
	__u64 group;
};

/* one histogram (span_hists map): latencies in ns; stage_sum[k] sums the
 * time from the point before stage k (the begin or an earlier stage seen)
 * to stage k, over the stage_cnt[k] spans that passed it */
struct tsdt_span_hist {
	__u64 count, sum, min, max;
	__u64 stage_sum[TSDT_SPAN_MAX_STAGES];
	__u64 stage_cnt[TSDT_SPAN_MAX_STAGES];
	__u64 buckets[TSDT_SPAN_BUCKETS];
};

/* per-span counters (span_cnts, per CPU): key span * TSDT_SPAN_CNT_N + c */
enum {
	TSDT_SPAN_CNT_BEGIN,     /* begins */
	TSDT_SPAN_CNT_END,       /* ends matched */
	TSDT_SPAN_CNT_ORPHAN,    /* ends with no open span of their key */
	TSDT_SPAN_CNT_REPLACED,  /* begins of a key already open */
	TSDT_SPAN_CNT_FULL,      /* begins not kept: span_open full */
	TSDT_SPAN_CNT_REC_LOST,  /* span records that did not fit the ring */
	TSDT_SPAN_CNT_HIST_FULL, /* ends not counted: span_hists full */
	TSDT_SPAN_CNT_N = 8,
};

/* a span ended (TSDT_REC_SPAN) */
struct tsdt_span_rec {
	struct tsdt_rec_header hdr;
	__u32 span;
	__u32 end_probe;
	__u64 begin_ts, end_ts;
	__u32 begin_pid, begin_tid, end_pid, end_tid;
	__u64 k[TSDT_SPAN_KEY_PARTS];
	__u64 group;
	__u64 stage_ts[TSDT_SPAN_MAX_STAGES];
	char comm[TSDT_TRACE_COMM_LEN];   /* the end's thread */
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
