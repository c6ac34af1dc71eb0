// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: pg-top's replication flows (examples/pg/pg-flows.c) fed
 * any sequence of events (6 bytes each: kind, process, LSN, time), with a
 * resolve after some: no crash, and every complete path's stages are each
 * within its total and sum to it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#include "../examples/pg/pg-flows.c"

static void check(struct pg_flows *f)
{
	pg_flows_resolve(f);
	for (size_t i = 0; i < f->flow_cnt; i++) {
		const struct pg_flow *p = &f->flows[i];
		struct pg_flow_stages s;

		if (!pg_flow_complete(p))
			continue;
		s = pg_flow_stages(p);
		if (s.wait > s.total || s.decode > s.total || s.send > s.total ||
		    s.apply > s.total || s.wait + s.decode + s.send + s.apply != s.total)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pg_flows f = { 0 };
	__u64 t = 0;

	for (size_t i = 0; i + 6 <= size; i += 6) {
		const uint8_t *d = data + i;
		struct pg_event e;

		memset(&e, 0, sizeof(e));
		e.kind = PG_EV_COMMIT + d[0] % 6;       /* the replication events */
		e.pid = 100 + d[1] % 8;
		e.cluster = d[1] & 0x80 ? 2 : 1;
		e.xact.end_lsn = e.xact.origin_lsn = d[2] % 16;
		t += d[3];
		e.ts = t + (__u64)(d[4] & 0x7) * 50;  /* not always in order */
		pg_flows_event(&f, &e);
		if (d[5] == 0xff)
			check(&f);
	}
	check(&f);
	pg_flows_free(&f);
	return 0;
}
