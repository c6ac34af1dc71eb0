/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * pg-top: what its BPF handlers (pg-top.bpf.c) and its reader (pg-top.c)
 * share. Keys are (backend type, application_name): PostgreSQL 15's
 * BackendType value (MyBackendType) and the GUC's text.
 */
#ifndef PG_TOP_H
#define PG_TOP_H

#include "pg-lex.h"
#include <tsdt/hist.h>

/* latency histograms: tsdt_hist_bucket()'s buckets of ns up to 2^36 (68.7
 * s), the last one also for what is above (read by libtsdt's
 * tsdt_hist__percentile()) */
#define PG_HIST_MAX  141

#define PG_APP_MAX   32   /* application_name bytes kept (NAMEDATALEN: 64) */
#define PG_QUERY_MAX 192  /* query text bytes kept */
/* distinct (backend type, application) pairs: by default, and at most
 * (pg-top --groups; each takes sizeof(struct pg_stats) per CPU) */
#define PG_KEYS_DEFAULT 256
#define PG_KEYS_MAX     65536

struct pg_key {
	__u32 btype;            /* MyBackendType */
	char app[PG_APP_MAX];   /* application_name, "" for none */
};

/* lock waits by LockTagType and mode (each capped: the last is "other") */
#define PG_LOCK_TYPES 12
#define PG_LOCK_MODES 10

struct pg_lock_stat {
	__u64 cnt, ns;
};

struct pg_stats {
	__u64 xact_start, xact_commit, xact_abort;
	__u64 xact_prepare;             /* ended by PREPARE TRANSACTION */
	__u64 xact_ns;                  /* total time of the ended ones */
	__u64 xact_hist[PG_HIST_MAX];
	__u64 query_cnt, query_ns;
	__u64 query_hist[PG_HIST_MAX];
	__u64 lock_waits, lock_ns;
	__u64 unread;                   /* query texts that could not be read */
};

/* top queries: per key (its id: the value of `keys`) and query text, by a
 * hash of the text computed once, at query__start (a 16-byte key is cheaper
 * to look up at every query__done than the text itself) */
struct pg_query_key {
	__u32 kid;
	__u32 pad;
	__u64 hash;
};

/*
 * A process of the cluster(s), in the map `procs` by its pid: the entry's
 * being there is the membership (the postmaster and what it forks: the
 * fork tracepoint adds the children, pg-top.c the ones there before).
 */
struct pg_proc {
	__u32 cluster;          /* 1: -p/-D's, 2: --subscriber's */
	/* the process's key: the globals last read and the id of the key
	 * they make (0: none yet, or the table of keys is full), and whether
	 * the filters let it through */
	__u32 kid;
	__u64 btype;            /* MyBackendType */
	__u64 app_ptr;          /* application_name: the GUC's pointer
				 * (PostgreSQL allocates a new string for each
				 * new value: its text is read again only when
				 * the pointer changes) */
	__u32 pass;
	/* the key of the transaction that runs, or ran last: the process's
	 * key at its start (a new connection's first transaction starts
	 * before application_name is set, and ends after); 0: not counted.
	 * A query is counted by its transaction's key (so query__start reads
	 * no global: a query starts just before its implicit transaction
	 * does, and ends after it). xseen: a transaction was seen. */
	__u32 xkid, xseen;
	__u32 query_ok;         /* the current query's text was read */
	__s32 ckpt_flags;
	__u64 xact_ns, query_ns, lock_ns, ckpt_ns;
	__u64 qhash;            /* the current query text's hash */
	struct pg_norm norm;    /* the lexer's state while hashing it (in
				 * the map, not on the stack: the verifier
				 * tracks no value of it there) */
	char app[PG_APP_MAX];
	/* the current query's text (8-byte aligned: hashed in words) */
	char text[PG_QUERY_MAX] __attribute__((aligned(8)));
};

/* a query's figures, per CPU (the map `queries`) */
struct pg_query {
	__u64 cnt, total_ns, max_ns;
};

/* its text as the first of its calls sent it, one copy for all CPUs (the
 * map `query_texts`, by the same key, added before the figures) */
struct pg_query_text {
	char text[PG_QUERY_MAX];
};

enum pg_event_kind {
	PG_EV_LOCK_WAIT = 1,    /* a lock wait ended */
	PG_EV_CHECKPOINT,       /* a checkpoint ended */
	/* logical replication (--subscriber): the stages of one transaction,
	 * matched in user space by the end LSN of its commit record */
	PG_EV_COMMIT,           /* a commit: XactLastCommitEnd, and (an apply
				 * worker's) replorigin_session_origin_lsn */
	PG_EV_DECODE_START,     /* a walsender's ReorderBufferCommit() (or
				 * ReorderBufferFinishPrepared()): end_lsn,
				 * told when it sends the transaction, with
				 * the decoding's start as its ts */
	PG_EV_DECODE_END,       /* ... its return */
	PG_EV_SEND_START,       /* ... its logicalrep_write_commit(): the
				 * changes decoded and sent, the commit
				 * message being built */
	PG_EV_SENT,             /* ... the return of the OutputPluginWrite()
				 * after it: the commit message handed to
				 * the socket */
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
