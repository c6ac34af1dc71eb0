// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* pg-top's logical-replication flows (pg-flows.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "pg-flows.h"

static size_t lsn_slot(__u64 lsn, __u32 wal_pid, size_t cap)
{
	return (size_t)(((lsn ^ ((__u64)wal_pid << 40)) * 0x9E3779B97F4A7C15ULL) >> 17) &
	       (cap - 1);
}

static int index_grow(struct pg_flows *c)
{
	size_t cap = c->index_cap ? c->index_cap * 2 : 4096;
	size_t *idx = calloc(cap, sizeof(*idx));

	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < c->flow_cnt; i++) {
		size_t j = lsn_slot(c->flows[i].lsn, c->flows[i].wal_pid, cap);

		while (idx[j])
			j = (j + 1) & (cap - 1);
		idx[j] = i + 1;
	}
	free(c->index);
	c->index = idx;
	c->index_cap = cap;
	return 0;
}

/* The index in c->flows of @lsn's path through walsender @wal_pid (0: the
 * LSN's own entry), or -1: none. */
static long flow_find(const struct pg_flows *c, __u64 lsn, __u32 wal_pid)
{
	if (!c->index_cap)
		return -1;
	for (size_t j = lsn_slot(lsn, wal_pid, c->index_cap); c->index[j];
	     j = (j + 1) & (c->index_cap - 1)) {
		const struct pg_flow *f = &c->flows[c->index[j] - 1];

		if (f->lsn == lsn && f->wal_pid == wal_pid)
			return (long)(c->index[j] - 1);
	}
	return -1;
}

/* @lsn's path through walsender @wal_pid (0: the LSN's own entry), created
 * if new, and the LSN's entry too; NULL: no memory, or too many. Pointers
 * into c->flows from before the call may no longer hold. */
static struct pg_flow *flow_of(struct pg_flows *c, __u64 lsn, __u32 wal_pid)
{
	long i = flow_find(c, lsn, wal_pid);
	size_t j, own = 0;

	if (i >= 0)
		return &c->flows[i];
	if (wal_pid) {
		struct pg_flow *o = flow_of(c, lsn, 0);

		if (!o)
			return NULL;
		own = (size_t)(o - c->flows);
	}
	if (c->flow_cnt == c->flow_cap) {
		size_t cap = c->flow_cap ? c->flow_cap * 2 : 1024;
		struct pg_flow *n;

		if (cap > PG_FLOWS_MAX)
			return NULL;
		n = realloc(c->flows, cap * sizeof(*n));
		if (!n)
			return NULL;
		c->flows = n;
		c->flow_cap = cap;
	}
	if (2 * (c->flow_cnt + 1) >= c->index_cap && index_grow(c))
		return NULL;
	memset(&c->flows[c->flow_cnt], 0, sizeof(c->flows[0]));
	c->flows[c->flow_cnt].lsn = lsn;
	c->flows[c->flow_cnt].wal_pid = wal_pid;
	c->flows[c->flow_cnt].own = (__u32)own;
	if (wal_pid)
		c->flows[own].paths++;
	else
		c->lsn_cnt++;
	for (j = lsn_slot(lsn, wal_pid, c->index_cap); c->index[j];
	     j = (j + 1) & (c->index_cap - 1))
		;
	c->index[j] = ++c->flow_cnt;
	return &c->flows[c->flow_cnt - 1];
}

static __u32 pair_of(const struct pg_flows *c, __u32 wal_pid)
{
	for (size_t i = 0; i < c->pair_cnt; i++)
		if (c->pairs[i].wal_pid == wal_pid)
			return c->pairs[i].sub_pid;
	return 0;
}

/*
 * Each path gets its publisher's commit and the commit of its walsender's
 * apply worker. Which apply worker a walsender sends to is learnt from the
 * transactions that only one walsender sent and only one apply worker
 * committed; a transaction that went to several then has each path's
 * apply worker by its walsender (or none yet: c->unpaired). Counts the
 * LSNs a walsender sent (c->sent).
 */
void pg_flows_resolve(struct pg_flows *c)
{
	c->unpaired = 0;
	c->sent = 0;
	for (size_t i = 0; i < c->flow_cnt; i++) {
		const struct pg_flow *f = &c->flows[i];
		const struct pg_flow *own = &c->flows[f->own];

		if (!f->wal_pid) {
			c->sent += f->paths > 0;
			continue;
		}
		if (own->paths == 1 && own->nsub == 1 && !pair_of(c, f->wal_pid) &&
		    c->pair_cnt < PG_FLOW_PAIRS)
			c->pairs[c->pair_cnt++] = (struct pg_flow_pair){
				f->wal_pid, own->subs_pid[0] };
	}
	for (size_t i = 0; i < c->flow_cnt; i++) {
		struct pg_flow *f = &c->flows[i];
		const struct pg_flow *own = &c->flows[f->own];
		__u32 sub;

		if (!f->wal_pid)
			continue;
		f->pub_ts = own->pub_ts;
		f->pub_pid = own->pub_pid;
		f->sub_ts = 0;
		f->sub_pid = 0;
		if (own->paths == 1 && own->nsub == 1) {
			f->sub_ts = own->subs_ts[0];
			f->sub_pid = own->subs_pid[0];
			continue;
		}
		if (!own->nsub)
			continue;
		if (!(sub = pair_of(c, f->wal_pid))) {
			c->unpaired++;
			continue;
		}
		for (__u32 k = 0; k < own->nsub; k++)
			if (own->subs_pid[k] == sub) {
				f->sub_ts = own->subs_ts[k];
				f->sub_pid = sub;
			}
	}
}

/* A stage's event: the first for its LSN (and walsender, or apply worker)
 * counts (a read-only transaction leaves XactLastCommitEnd, and an apply
 * worker its origin LSN, as they were: later commits of the same process
 * repeat them). A walsender tells of a transaction only when it sends it. */
void pg_flows_event(struct pg_flows *c, const struct pg_event *e)
{
	struct pg_flow *f;

	if (e->kind == PG_EV_COMMIT && e->cluster == 1 && e->xact.end_lsn) {
		f = flow_of(c, e->xact.end_lsn, 0);
		if (f && !f->pub_ts) {
			f->pub_ts = e->ts;
			f->pub_pid = e->pid;
		}
	} else if (e->kind == PG_EV_COMMIT && e->cluster == 2 && e->xact.origin_lsn) {
		f = flow_of(c, e->xact.origin_lsn, 0);
		if (!f)
			return;
		for (__u32 k = 0; k < f->nsub; k++)
			if (f->subs_pid[k] == e->pid)
				return;
		if (f->nsub < PG_FLOW_SUBS) {
			f->subs_pid[f->nsub] = e->pid;
			f->subs_ts[f->nsub++] = e->ts;
		}
	} else if (e->cluster == 1 && e->kind >= PG_EV_DECODE_START && e->kind <= PG_EV_SENT) {
		__u64 *ts;

		if (!(f = flow_of(c, e->xact.end_lsn, e->pid)))
			return;
		ts = e->kind == PG_EV_DECODE_START ? &f->dec_ts :
		     e->kind == PG_EV_DECODE_END ? &f->ret_ts :
		     e->kind == PG_EV_SEND_START ? &f->snd_ts : &f->sent_ts;
		if (!*ts)
			*ts = e->ts;
	}
}

/* a path (pg_flows_resolve() done) with every stage */
bool pg_flow_complete(const struct pg_flow *f)
{
	return f->wal_pid && f->pub_ts && f->dec_ts && (f->sent_ts || f->ret_ts) && f->sub_ts;
}

/* The start of a flow: its commit, or the decoding if that came first (the
 * commit probe fires after the commit record is written, and may run
 * after the walsender has decoded it) */
__u64 pg_flow_start(const struct pg_flow *f)
{
	return f->dec_ts < f->pub_ts ? f->dec_ts : f->pub_ts;
}

static __u64 max_u64(__u64 a, __u64 b) { return a > b ? a : b; }

static __u64 clamp_u64(__u64 v, __u64 lo, __u64 hi) { return v < lo ? lo : v > hi ? hi : v; }

struct pg_flow_stages pg_flow_stages(const struct pg_flow *f)
{
	__u64 st = pg_flow_start(f), sub = max_u64(f->sub_ts, f->dec_ts);
	__u64 end = f->sent_ts ? f->sent_ts : f->ret_ts;
	__u64 snd = clamp_u64(f->snd_ts && f->sent_ts ? f->snd_ts : end, f->dec_ts, sub);
	__u64 sent = clamp_u64(end, snd, sub);
	struct pg_flow_stages s = {
		.wait = f->dec_ts - st,
		.decode = snd - f->dec_ts,
		.send = sent - snd,
		.apply = sub - sent,
		.total = sub - st,
	};
	return s;
}

void pg_flows_free(struct pg_flows *c)
{
	free(c->flows);
	free(c->index);
	memset(c, 0, sizeof(*c));
}
