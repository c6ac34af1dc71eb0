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
#define PG_KEYS_MAX  1024 /* distinct (backend type, application) pairs */

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
	char app[PG_APP_MAX];
	char text[PG_QUERY_MAX];        /* the current query's text */
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

/*
 * The lexer of constants that both the kernel's hash of a query text
 * (pg-top.bpf.c) and the text pg-top shows (pg-top.c) follow, so that the
 * two agree: a quoted string ('...', with '' inside), a number that does
 * not end an identifier ("= 42", not t1, $1 or "col 1"), and a minus sign
 * before a number after an operator, '(' or ',' ("+ -5") are a constant.
 * pg_norm_step() says what byte @c, followed by @next, is, in the state
 * *@n (zeroed at the text's start). A lexer of constants only: E''
 * escapes, dollar quoting and comments are kept as they are.
 */
enum { PG_NORM_KEEP, PG_NORM_SKIP, PG_NORM_CONST };

struct pg_norm {
	int st;                 /* 0: SQL, 1: in a string, 2: in a number,
				 * 3: in a quoted identifier ("...", kept) */
	unsigned char pc;       /* the byte before */
	unsigned char pns;      /* the last byte not a space before */
};

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

static __always_inline int pg_norm_digit(unsigned char c)
{
	return (unsigned char)(c - '0') < 10;
}

/* a letter, digit, '_', '$' or a byte of a multibyte character */
static __always_inline int pg_norm_ident(unsigned char c)
{
	return pg_norm_digit(c) || (unsigned char)((c | 0x20) - 'a') < 26 ||
	       c == '_' || c == '$' || c >= 0x80;
}

static __always_inline int pg_norm_what(struct pg_norm *n, unsigned char c,
					unsigned char next)
{
	switch (n->st) {
	case 1:
		if (c == '\'')
			n->st = 0;
		return PG_NORM_SKIP;
	case 2:
		if (pg_norm_digit(c) || c == '.')
			return PG_NORM_SKIP;
		n->st = 0;
		break;
	case 3:
		if (c == '"')
			n->st = 0;
		return PG_NORM_KEEP;
	}
	if (pg_norm_digit(c)) {
		if (pg_norm_ident(n->pc))
			return PG_NORM_KEEP;
		n->st = 2;
		return PG_NORM_CONST;
	}
	if (c == '\'') {
		n->st = 1;
		return n->pc == '\'' ? PG_NORM_SKIP : PG_NORM_CONST; /* '' */
	}
	if (c == '"') {
		n->st = 3;
		return PG_NORM_KEEP;
	}
	/* a unary minus: after an operator, '(' or ',' (not after an
	 * identifier, a constant or ')') */
	if (c == '-' && pg_norm_digit(next) && n->pns && n->pns != ')' &&
	    n->pns != '\'' && !pg_norm_ident(n->pns)) {
		n->st = 2;
		return PG_NORM_CONST;
	}
	return PG_NORM_KEEP;
}

/* @next: the byte after @c, which matters only when @c is '-' (a caller
 * may pass 0 for any other) */
static __always_inline int pg_norm_step(struct pg_norm *n, unsigned char c,
					unsigned char next)
{
	int what = pg_norm_what(n, c, next);

	n->pc = c;
	if (c > ' ') /* not a space, tab or newline */
		n->pns = c;
	return what;
}

#endif /* PG_TOP_H */
