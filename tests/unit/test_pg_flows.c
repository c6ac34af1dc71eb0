// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests of pg-top's replication flows (examples/pg/pg-flows.c): the
 * events of a transaction in any order make one path, a transaction sent
 * by two walsenders two, each with the commit of its own walsender's apply
 * worker, and what is not known yet is not guessed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <linux/types.h>

#include "../../examples/pg/pg-flows.h"

enum { PUB = 100, W1 = 201, W2 = 202, S1 = 301, S2 = 302 };

static void ev(struct pg_flows *f, __u32 kind, __u32 pid, __u64 lsn, __u64 ts)
{
	struct pg_event e;

	memset(&e, 0, sizeof(e));
	e.kind = kind;
	e.pid = pid;
	e.ts = ts;
	e.cluster = pid >= S1 ? 2 : 1;
	if (kind == PG_EV_COMMIT && e.cluster == 2)
		e.xact.origin_lsn = lsn;
	else
		e.xact.end_lsn = lsn;
	pg_flows_event(f, &e);
}

/* a walsender's events for @lsn from @t: decoding, sending, sent, return */
static void send(struct pg_flows *f, __u32 wal, __u64 lsn, __u64 t)
{
	ev(f, PG_EV_DECODE_START, wal, lsn, t);
	ev(f, PG_EV_SEND_START, wal, lsn, t + 10);
	ev(f, PG_EV_SENT, wal, lsn, t + 12);
	ev(f, PG_EV_DECODE_END, wal, lsn, t + 15);
}

static const struct pg_flow *path(const struct pg_flows *f, __u64 lsn, __u32 wal)
{
	for (size_t i = 0; i < f->flow_cnt; i++)
		if (f->flows[i].lsn == lsn && f->flows[i].wal_pid == wal)
			return &f->flows[i];
	return NULL;
}

static size_t complete(const struct pg_flows *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->flow_cnt; i++)
		n += pg_flow_complete(&f->flows[i]);
	return n;
}

static void test_one_path(void **state)
{
	struct pg_flows f = { 0 };
	const struct pg_flow *p;
	struct pg_flow_stages sg;

	(void)state;
	/* the walsender decodes before the publisher's commit probe fires;
	 * the publisher's and the apply worker's later commits repeat the
	 * LSN (read-only transactions): the first counts */
	send(&f, W1, 0x1000, 1000);
	ev(&f, PG_EV_COMMIT, PUB, 0x1000, 1005);
	ev(&f, PG_EV_COMMIT, S1, 0x1000, 1040);
	ev(&f, PG_EV_COMMIT, PUB, 0x1000, 5000);
	ev(&f, PG_EV_COMMIT, S1, 0x1000, 6000);
	ev(&f, PG_EV_COMMIT, PUB, 0, 7000); /* no LSN: not a transaction */
	pg_flows_resolve(&f);
	assert_int_equal(f.lsn_cnt, 1);
	assert_int_equal(f.sent, 1);
	assert_int_equal(complete(&f), 1);
	p = path(&f, 0x1000, W1);
	assert_non_null(p);
	assert_int_equal(p->pub_pid, PUB);
	assert_int_equal(p->sub_pid, S1);
	assert_int_equal(pg_flow_start(p), 1000);
	sg = pg_flow_stages(p);
	assert_int_equal(sg.total, 40);
	assert_int_equal(sg.wait + sg.decode + sg.send + sg.apply, sg.total);
	assert_int_equal(sg.decode, 10);
	assert_int_equal(sg.send, 2);
	assert_int_equal(f.unpaired, 0);
	pg_flows_free(&f);
}

/* two subscriptions: a transaction both walsenders send is two paths, each
 * with its walsender's apply worker (learnt from the transactions only one
 * sent), whatever order the apply workers commit in */
static void test_fan_out(void **state)
{
	struct pg_flows f = { 0 };
	const struct pg_flow *p1, *p2;

	(void)state;
	ev(&f, PG_EV_COMMIT, PUB, 0xC000, 100);
	send(&f, W1, 0xC000, 110);
	send(&f, W2, 0xC000, 120);
	ev(&f, PG_EV_COMMIT, S2, 0xC000, 150);
	ev(&f, PG_EV_COMMIT, S1, 0xC000, 160);
	pg_flows_resolve(&f);
	/* not known yet which apply worker each walsender sends to */
	assert_int_equal(complete(&f), 0);
	assert_int_equal(f.unpaired, 2);

	ev(&f, PG_EV_COMMIT, PUB, 0xA000, 200);
	send(&f, W1, 0xA000, 210);
	ev(&f, PG_EV_COMMIT, S1, 0xA000, 240);
	ev(&f, PG_EV_COMMIT, PUB, 0xB000, 300);
	send(&f, W2, 0xB000, 310);
	ev(&f, PG_EV_COMMIT, S2, 0xB000, 350);
	pg_flows_resolve(&f);
	assert_int_equal(f.lsn_cnt, 3);
	assert_int_equal(f.sent, 3);
	assert_int_equal(complete(&f), 4);
	assert_int_equal(f.unpaired, 0);
	p1 = path(&f, 0xC000, W1);
	p2 = path(&f, 0xC000, W2);
	assert_non_null(p1);
	assert_non_null(p2);
	assert_int_equal(p1->sub_pid, S1);
	assert_int_equal(p1->sub_ts, 160);
	assert_int_equal(p2->sub_pid, S2);
	assert_int_equal(p2->sub_ts, 150);
	/* resolving again changes nothing */
	pg_flows_resolve(&f);
	assert_int_equal(complete(&f), 4);
	assert_int_equal(path(&f, 0xC000, W1)->sub_pid, S1);
	pg_flows_free(&f);
	assert_null(f.flows);
}

/* what is missing leaves a path incomplete: no publisher commit, no apply,
 * a walsender that decoded but sent nothing tells nothing */
static void test_incomplete(void **state)
{
	struct pg_flows f = { 0 };

	(void)state;
	send(&f, W1, 0x2000, 10);               /* no publisher commit */
	ev(&f, PG_EV_COMMIT, S1, 0x2000, 50);
	ev(&f, PG_EV_COMMIT, PUB, 0x3000, 60);  /* never sent */
	ev(&f, PG_EV_COMMIT, PUB, 0x4000, 70);
	send(&f, W1, 0x4000, 80);               /* not applied */
	pg_flows_resolve(&f);
	assert_int_equal(f.lsn_cnt, 3);
	assert_int_equal(f.sent, 2);             /* not 0x3000 */
	assert_int_equal(complete(&f), 0);
	assert_int_equal(f.unpaired, 0);
	pg_flows_free(&f);
}

/* many LSNs: the index grows and finds each again */
static void test_many(void **state)
{
	struct pg_flows f = { 0 };

	(void)state;
	for (__u64 i = 1; i <= 20000; i++) {
		ev(&f, PG_EV_COMMIT, PUB, i << 8, i * 100);
		send(&f, W1, i << 8, i * 100 + 1);
		ev(&f, PG_EV_COMMIT, S1, i << 8, i * 100 + 50);
	}
	pg_flows_resolve(&f);
	assert_int_equal(f.lsn_cnt, 20000);
	assert_int_equal(f.sent, 20000);
	assert_int_equal(complete(&f), 20000);
	assert_int_equal(path(&f, 12345 << 8, W1)->sub_ts, 12345 * 100 + 50);
	pg_flows_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_path),
		cmocka_unit_test(test_fan_out),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
