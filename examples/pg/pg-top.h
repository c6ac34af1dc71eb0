/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * pg-top: what its BPF handlers (pg-top.bpf.c) and its reader (pg-top.c)
 * share. Keys are (backend type, application_name): PostgreSQL 15's
 * BackendType value (MyBackendType) and the GUC's text.
 */
#ifndef PG_TOP_H
#define PG_TOP_H

#define PG_APP_MAX   32   /* application_name bytes kept (NAMEDATALEN: 64) */
#define PG_QUERY_MAX 192  /* query text bytes kept */
#define PG_HIST_MAX  40   /* log2 buckets of nanoseconds: [2^i, 2^(i+1)) */

struct pg_key {
	__u32 btype;            /* MyBackendType */
	char app[PG_APP_MAX];   /* application_name, "" for none */
};

struct pg_stats {
	__u64 xact_start, xact_commit, xact_abort;
	__u64 xact_ns;                  /* total time of the ended ones */
	__u64 xact_hist[PG_HIST_MAX];
	__u64 query_cnt, query_ns;
	__u64 query_hist[PG_HIST_MAX];
	__u64 lock_waits, lock_ns;
	__u64 unread;                   /* query texts that could not be read */
};

/* top queries: per key and query text, by the text's FNV-1a hash (computed
 * once, at query__start: a 44-byte key is cheaper to look up at every
 * query__done than the text itself) */
struct pg_query_key {
	struct pg_key k;
	__u64 hash;
};

struct pg_query {
	__u64 cnt, total_ns, max_ns;
	char text[PG_QUERY_MAX];        /* written once, by the first */
};

enum pg_event_kind {
	PG_EV_LOCK_WAIT = 1,    /* a lock wait ended */
	PG_EV_CHECKPOINT,       /* a checkpoint ended */
	/* logical replication (--subscriber): the stages of one transaction,
	 * matched in user space by the end LSN of its commit record */
	PG_EV_COMMIT,           /* a commit: XactLastCommitEnd, and (an apply
				 * worker's) replorigin_session_origin_lsn */
	PG_EV_DECODE_START,     /* a walsender's ReorderBufferCommit(): end_lsn */
	PG_EV_DECODE_END,       /* ... its return (the changes sent) */
};

struct pg_event {
	__u32 kind, pid;
	struct pg_key k;
	__u64 ns;                       /* duration */
	__u64 ts;                       /* CLOCK_MONOTONIC of the hit */
	__u32 cluster;                  /* 1: -p/-D's, 2: --subscriber's */
	union {
		struct {
			__u64 end_lsn, origin_lsn;
		} xact;
		struct {
			__u32 field[4], type;
			__s32 mode;
		} lock;
		struct {
			__s32 flags, written, total, wal_added, wal_removed,
			      wal_recycled;
		} ckpt;
	};
};

#endif /* PG_TOP_H */
