// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests of pg-top's latency histograms (examples/pg/pg-hist.h): the
 * buckets tile the nanoseconds without gaps and are at most a quarter of
 * their lower bound wide, and a percentile falls in the bucket of the
 * sample it estimates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/types.h>

#include "../../examples/pg/pg-hist.h"

static __u64 rng = 0x9e3779b97f4a7c15ULL;

static __u64 next_rand(void)
{
	/* xorshift64 */
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void check_in_bucket(__u64 ns)
{
	__u32 b = pg_hist_bucket(ns);

	if (b >= PG_HIST_MAX)
		fail_msg("%llu ns: bucket %u of %d", (unsigned long long)ns, b, PG_HIST_MAX);
	if (ns < pg_hist_from(b) || (b < PG_HIST_MAX - 1 && ns >= pg_hist_to(b)))
		fail_msg("%llu ns in bucket %u: [%llu, %llu)", (unsigned long long)ns, b,
			 (unsigned long long)pg_hist_from(b), (unsigned long long)pg_hist_to(b));
}

static void test_tiling(void **state)
{
	(void)state;
	assert_int_equal(pg_hist_from(0), 0);
	assert_int_equal(pg_hist_bucket(0), 0);
	assert_int_equal(pg_hist_bucket((1ULL << PG_HIST_LO) - 1), 0);
	assert_int_equal(pg_hist_bucket(1ULL << PG_HIST_LO), 1);
	assert_int_equal(pg_hist_bucket((1ULL << PG_HIST_HI) - 1), PG_HIST_MAX - 2);
	assert_int_equal(pg_hist_bucket(1ULL << PG_HIST_HI), PG_HIST_MAX - 1);
	assert_int_equal(pg_hist_bucket(~0ULL), PG_HIST_MAX - 1);
	for (__u32 b = 0; b + 1 < PG_HIST_MAX; b++) {
		__u64 from = pg_hist_from(b), to = pg_hist_to(b);

		/* contiguous, and each bound is in its own bucket */
		assert_true(from < to);
		assert_int_equal(to, pg_hist_from(b + 1));
		assert_int_equal(pg_hist_bucket(from), b);
		assert_int_equal(pg_hist_bucket(to - 1), b);
		assert_int_equal(pg_hist_bucket(to), b + 1);
		/* a quarter of its lower bound wide at most */
		if (b > 0)
			assert_true((to - from) * PG_HIST_SUB <= from);
	}
	/* 1 ms: the bucket [917504, 1048576) */
	assert_int_equal(pg_hist_from(pg_hist_bucket(1000000)), 917504);
	assert_int_equal(pg_hist_to(pg_hist_bucket(1000000)), 1048576);
	for (int i = 0; i < 200000; i++)
		check_in_bucket(next_rand() >> (next_rand() % 64));
	for (int s = 0; s < 64; s++) {
		check_in_bucket(1ULL << s);
		check_in_bucket((1ULL << s) - 1);
		check_in_bucket((1ULL << s) + 1);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/* @n samples from @gen into a histogram; each percentile's estimate is in
 * the bucket of the sample it estimates (the ceil(n * p / 100)-th) */
static void check_percentiles(__u64 (*gen)(void), int n)
{
	static const double pcts[] = { 1, 10, 25, 50, 75, 90, 99, 99.9, 100 };
	__u64 h[PG_HIST_MAX] = { 0 };
	__u64 *v = calloc(n, sizeof(*v));

	assert_non_null(v);
	for (int i = 0; i < n; i++) {
		v[i] = gen();
		h[pg_hist_bucket(v[i])]++;
	}
	qsort(v, n, sizeof(*v), cmp_u64);
	for (size_t k = 0; k < sizeof(pcts) / sizeof(pcts[0]); k++) {
		size_t rank = (size_t)(n * pcts[k] / 100.0 + 0.999999);
		__u64 want = v[(rank ? rank : 1) - 1];
		__u32 b = pg_hist_bucket(want);
		double got = pg_hist_pct(h, pcts[k]);

		if (got < (double)pg_hist_from(b) || got > (double)pg_hist_to(b))
			fail_msg("p%g of %d: %.0f ns, the sample %llu ns is in [%llu, %llu)",
				 pcts[k], n, got, (unsigned long long)want,
				 (unsigned long long)pg_hist_from(b),
				 (unsigned long long)pg_hist_to(b));
	}
	free(v);
}

/* 1 to 2 ms, evenly */
static __u64 gen_uniform(void)
{
	return 1000000 + next_rand() % 1000000;
}

/* spread over six powers of ten, from 300 ns */
static __u64 gen_wide(void)
{
	__u64 x = 300;

	for (int d = next_rand() % 6; d > 0; d--)
		x *= 10;
	return x + next_rand() % (x * 9);
}

/* a few values, repeated */
static __u64 gen_steps(void)
{
	static const __u64 s[] = { 2000, 2000, 2000, 50000, 4000000 };

	return s[next_rand() % 5];
}

static void test_percentiles(void **state)
{
	__u64 h[PG_HIST_MAX] = { 0 };

	(void)state;
	assert_true(pg_hist_pct(h, 50) == 0);
	for (int n = 1; n <= 1000; n *= 10) {
		check_percentiles(gen_uniform, n);
		check_percentiles(gen_wide, n);
		check_percentiles(gen_steps, n);
	}
	check_percentiles(gen_wide, 100000);
	/* evenly spread over [1 ms, 2 ms): the median within 2% of 1.5 ms
	 * (a log2 histogram's upper bound said 2.10 ms); the 99th is in the
	 * bucket [1.84, 2.10) ms, which the samples fill only to 2 ms */
	for (int i = 0; i < 100000; i++)
		h[pg_hist_bucket(gen_uniform())]++;
	assert_true(pg_hist_pct(h, 50) > 1.47e6 && pg_hist_pct(h, 50) < 1.53e6);
	assert_true(pg_hist_pct(h, 99) > 1.96e6 && pg_hist_pct(h, 99) < 2.0972e6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiling),
		cmocka_unit_test(test_percentiles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
