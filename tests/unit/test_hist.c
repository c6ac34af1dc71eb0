// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests of tsdt's latency histograms (<tsdt/hist.h>, tsdt_hist__*() of
 * <tsdt/libtsdt.h>): the kernel's bucket function is the library's, the
 * buckets tile the 64-bit values without gaps and are at most a quarter of
 * their lowest value wide, a percentile is the upper bound of the bucket
 * of the sample it stands for, within [min, max], and the powers of two
 * tsdt span and pg-top display fold the buckets exactly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <tsdt/libtsdt.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_rand(void)
{
	/* xorshift64 */
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void check_in_bucket(uint64_t v)
{
	int b = tsdt_hist__bucket(v);

	if ((unsigned int)b != tsdt_hist_bucket(v))
		fail_msg("%llu: the library's bucket %d, the kernel's %u", (unsigned long long)v,
			 b, tsdt_hist_bucket(v));
	if (b < 0 || b >= TSDT_HIST_BUCKETS)
		fail_msg("%llu: bucket %d of %d", (unsigned long long)v, b, TSDT_HIST_BUCKETS);
	if (v < tsdt_hist__bucket_low(b) || v > tsdt_hist__bucket_high(b))
		fail_msg("%llu in bucket %d: [%llu, %llu]", (unsigned long long)v, b,
			 (unsigned long long)tsdt_hist__bucket_low(b),
			 (unsigned long long)tsdt_hist__bucket_high(b));
}

static void test_tiling(void **state)
{
	int last = tsdt_hist__bucket(UINT64_MAX);

	(void)state;
	for (int v = 0; v < 4; v++)
		assert_int_equal(tsdt_hist__bucket(v), v);
	assert_int_equal(tsdt_hist__bucket(4), 4);
	assert_int_equal(tsdt_hist__bucket(7), 7);
	assert_int_equal(tsdt_hist__bucket(8), 8);
	assert_int_equal(tsdt_hist__bucket(9), 8);
	assert_true(last < TSDT_HIST_BUCKETS);
	for (int b = 0; b < last; b++) {
		uint64_t lo = tsdt_hist__bucket_low(b), hi = tsdt_hist__bucket_high(b);

		/* contiguous, and each bound is in its own bucket */
		assert_true(lo <= hi);
		assert_int_equal(hi + 1, tsdt_hist__bucket_low(b + 1));
		assert_int_equal(tsdt_hist__bucket(lo), b);
		assert_int_equal(tsdt_hist__bucket(hi), b);
		assert_int_equal(tsdt_hist__bucket(hi + 1), b + 1);
		/* a quarter of its lowest value wide at most */
		if (b >= 4)
			assert_true((hi + 1 - lo) * 4 <= lo);
	}
	/* 1 ms: [917504, 1048575] */
	assert_int_equal(tsdt_hist__bucket_low(tsdt_hist__bucket(1000000)), 917504);
	assert_int_equal(tsdt_hist__bucket_high(tsdt_hist__bucket(1000000)), 1048575);
	for (int i = 0; i < 200000; i++)
		check_in_bucket(next_rand() >> (next_rand() % 64));
	for (int s = 0; s < 64; s++) {
		check_in_bucket(1ULL << s);
		check_in_bucket((1ULL << s) - 1);
		check_in_bucket((1ULL << s) + 1);
	}
	check_in_bucket(UINT64_MAX);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* @n samples from @gen into a histogram; each percentile is at or above
 * the sample it stands for (the ceil(n * p / 100)-th) and within its
 * bucket, and within [min, max] */
static void check_percentiles(uint64_t (*gen)(void), int n)
{
	static const double pcts[] = { 1, 10, 25, 50, 75, 90, 99, 99.9 };
	struct tsdt_hist *h = calloc(1, sizeof(*h));
	uint64_t *v = calloc(n, sizeof(*v));

	assert_non_null(h);
	assert_non_null(v);
	h->min = UINT64_MAX;
	for (int i = 0; i < n; i++) {
		v[i] = gen();
		h->buckets[tsdt_hist__bucket(v[i])]++;
		h->count++;
		h->sum += v[i];
		if (v[i] < h->min)
			h->min = v[i];
		if (v[i] > h->max)
			h->max = v[i];
	}
	qsort(v, n, sizeof(*v), cmp_u64);
	for (size_t k = 0; k < sizeof(pcts) / sizeof(pcts[0]); k++) {
		size_t rank = (size_t)(n * pcts[k] / 100.0 + 0.999999);
		uint64_t want = v[(rank ? rank : 1) - 1];
		uint64_t got = tsdt_hist__percentile(h, pcts[k]);
		int b = tsdt_hist__bucket(want);

		if (got < want || got > tsdt_hist__bucket_high(b) || got < h->min || got > h->max)
			fail_msg("p%g of %d: %llu, the sample %llu is in [%llu, %llu]", pcts[k], n,
				 (unsigned long long)got, (unsigned long long)want,
				 (unsigned long long)tsdt_hist__bucket_low(b),
				 (unsigned long long)tsdt_hist__bucket_high(b));
	}
	assert_int_equal(tsdt_hist__percentile(h, 0), h->min);
	assert_int_equal(tsdt_hist__percentile(h, 100), h->max);
	free(v);
	free(h);
}

/* 1 to 2 ms, evenly */
static uint64_t gen_uniform(void)
{
	return 1000000 + next_rand() % 1000000;
}

/* spread over six powers of ten, from 300 ns */
static uint64_t gen_wide(void)
{
	uint64_t x = 300;

	for (int d = next_rand() % 6; d > 0; d--)
		x *= 10;
	return x + next_rand() % (x * 9);
}

/* a few values, repeated */
static uint64_t gen_steps(void)
{
	static const uint64_t s[] = { 2000, 2000, 2000, 50000, 4000000 };

	return s[next_rand() % 5];
}

static void test_percentiles(void **state)
{
	struct tsdt_hist h = { 0 };

	(void)state;
	assert_int_equal(tsdt_hist__percentile(&h, 50), 0);
	assert_int_equal(tsdt_hist__percentile(NULL, 50), 0);
	for (int n = 1; n <= 1000; n *= 10) {
		check_percentiles(gen_uniform, n);
		check_percentiles(gen_wide, n);
		check_percentiles(gen_steps, n);
	}
	check_percentiles(gen_wide, 100000);
	/* buckets only (no min, max: pg-top's): the bucket's upper bound */
	h.buckets[tsdt_hist__bucket(20000000)] = 4;
	h.count = 4;
	assert_int_equal(tsdt_hist__percentile(&h, 50), 20971519);
}

/* the powers of two: each bucket's count in the row of its lowest value,
 * the first and last rows not empty, the largest; a shorter array too */
static void test_log2(void **state)
{
	struct tsdt_hist *h = calloc(1, sizeof(*h));
	struct tsdt_hist_rows r;
	uint64_t sum = 0;

	(void)state;
	assert_non_null(h);
	tsdt_hist__log2(h->buckets, TSDT_HIST_BUCKETS, &r);
	assert_int_equal(r.lo, -1);
	assert_int_equal(r.hi, -1);
	assert_int_equal(r.max, 0);
	h->buckets[tsdt_hist__bucket(0)] += 1;          /* row 0 */
	h->buckets[tsdt_hist__bucket(1)] += 2;          /* row 0 */
	h->buckets[tsdt_hist__bucket(1000)] += 5;       /* row 9: [512, 1024) */
	h->buckets[tsdt_hist__bucket(1023)] += 6;       /* row 9, another bucket */
	h->buckets[tsdt_hist__bucket(1024)] += 7;       /* row 10 */
	h->buckets[tsdt_hist__bucket(UINT64_MAX)] += 1; /* row 63 */
	tsdt_hist__log2(h->buckets, TSDT_HIST_BUCKETS, &r);
	assert_int_equal(r.rows[0], 3);
	assert_int_equal(r.rows[9], 11);
	assert_int_equal(r.rows[10], 7);
	assert_int_equal(r.rows[63], 1);
	for (int i = 0; i < 64; i++)
		sum += r.rows[i];
	assert_int_equal(sum, 22);
	assert_int_equal(r.lo, 0);
	assert_int_equal(r.hi, 63);
	assert_int_equal(r.max, 11);
	/* the first 41 buckets only: up to 2^11 */
	tsdt_hist__log2(h->buckets, 41, &r);
	assert_int_equal(r.hi, 10);
	assert_int_equal(r.rows[63], 0);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiling),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_log2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
