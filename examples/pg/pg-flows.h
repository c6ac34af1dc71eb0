/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * pg-top's logical-replication flows: the replicated transactions, matched
 * by the end LSN of their commit record from the events pg-top.bpf.c sends
 * (the publisher's commit, a walsender's decoding and sending, an apply
 * worker's commit), in user space. pg-top.c reports them; tests/unit/
 * test_pg_flows.c feeds them events of its own.
 */
#ifndef PG_FLOWS_H
#define PG_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "pg-top.h"

#define PG_FLOW_SUBS 4

/*
 * Replicated transactions, by the end LSN of their commit record. Each
 * walsender that sends a transaction makes a path of it (a flow): one
 * transaction may go to several subscriptions (publications that overlap;
 * PostgreSQL 15 sends even an empty prepared transaction to a two_phase
 * subscription). An LSN's own entry (wal_pid 0) keeps its publisher's
 * commit and the subscribers' commits; pg_flows_resolve() gives each path
 * the commit of its walsender's apply worker.
 */
struct pg_flow {
	__u64 lsn;
	/* CLOCK_MONOTONIC ns, 0: not yet: the publisher's commit, the
	 * walsender's ReorderBufferCommit(), its logicalrep_write_commit(),
	 * the OutputPluginWrite() return after that, ReorderBufferCommit()'s
	 * return, the apply worker's commit */
	__u64 pub_ts, dec_ts, snd_ts, sent_ts, ret_ts, sub_ts;
	__u32 pub_pid, wal_pid, sub_pid;
	__u32 own;              /* a path: the index of its LSN's own entry */
	/* an LSN's own entry: its paths; the subscribers' commits, one per
	 * apply worker (the first: later ones of the same worker repeat its
	 * origin LSN) */
	__u32 paths, nsub;
	__u32 subs_pid[PG_FLOW_SUBS];
	__u64 subs_ts[PG_FLOW_SUBS];
};

/* a walsender and the apply worker it sends to */
struct pg_flow_pair {
	__u32 wal_pid, sub_pid;
};

#define PG_FLOW_PAIRS 64

/* The flows of one run; zero it to start, pg_flows_free() at the end. */
struct pg_flows {
	struct pg_flow *flows;  /* paths and the LSNs' own entries */
	size_t flow_cnt, flow_cap;
	size_t lsn_cnt;         /* LSNs (their own entries) */
	size_t *index;          /* open addressing: (lsn, wal_pid) -> flows[i] + 1 */
	size_t index_cap;       /* a power of two, > 2 * flow_cnt */
	struct pg_flow_pair pairs[PG_FLOW_PAIRS];
	size_t pair_cnt;
	size_t unpaired;        /* paths whose apply worker is not known */
	size_t sent;            /* LSNs some walsender sent */
};

#define PG_FLOWS_MAX 1000000 /* entries kept: later LSNs are not followed */

/* Takes a replication event (kind PG_EV_COMMIT and after) into @c. */
void pg_flows_event(struct pg_flows *c, const struct pg_event *e);

/* Gives each path its publisher's commit and its apply worker's (see
 * pg-flows.c); call before reading the paths. */
void pg_flows_resolve(struct pg_flows *c);

/* Whether @f is a path with every stage (after pg_flows_resolve()). */
bool pg_flow_complete(const struct pg_flow *f);

/* The start of a path: its commit, or its decoding if that came first. */
__u64 pg_flow_start(const struct pg_flow *f);

/* The stages on the flow's own timeline, each >= 0, summing to its total:
 * waiting for the walsender (commit -> ReorderBufferCommit()), decoding
 * (its changes decoded and sent, until logicalrep_write_commit()),
 * sending (the commit message, until the OutputPluginWrite() after it
 * returns), applying (the rest, to the apply worker's commit: the network,
 * the worker's receiving and applying). Each point is kept between the
 * one before and the subscriber's commit (the apply can end before the
 * walsender's function returns); without the OutputPluginWrite()'s
 * return (the write failed) sending ends at ReorderBufferCommit()'s. */
struct pg_flow_stages {
	__u64 wait, decode, send, apply, total;
};

/* The stages of the complete path @f. */
struct pg_flow_stages pg_flow_stages(const struct pg_flow *f);

void pg_flows_free(struct pg_flows *c);

#endif /* PG_FLOWS_H */
