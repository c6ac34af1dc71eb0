/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * pg-top's latency histograms, one layout for the kernel and user space
 * (included by pg-top.h: pg-top.bpf.c counts into them, pg-top.c reads
 * percentiles and bars out of them).
 *
 * Log-linear buckets of nanoseconds, as HdrHistogram's: each power of two
 * from 2^PG_HIST_LO ns (1.024 us) to 2^PG_HIST_HI ns (68.7 s) is cut into
 * PG_HIST_SUB buckets of equal width, so a bucket is at most 1/PG_HIST_SUB
 * of its lower bound wide (25%; a log2 bucket is 100%). Bucket 0 holds
 * [0, 2^PG_HIST_LO), the last [2^PG_HIST_HI, inf).
 */
#ifndef PG_HIST_H
#define PG_HIST_H

#define PG_HIST_SUB_BITS 2
#define PG_HIST_SUB  (1 << PG_HIST_SUB_BITS)
#define PG_HIST_LO   10
#define PG_HIST_HI   36
#define PG_HIST_MAX  (2 + (PG_HIST_HI - PG_HIST_LO) * PG_HIST_SUB)

#ifndef PG_HIST_INLINE
#define PG_HIST_INLINE static inline __attribute__((always_inline))
#endif

/* The bucket of @ns: branch-free enough for a BPF handler (a log2 by
 * halving, then the PG_HIST_SUB_BITS bits below the top one). */
PG_HIST_INLINE __u32 pg_hist_bucket(__u64 ns)
{
	__u64 v = ns;
	__u32 o = 0, i;

	if (ns < (1ULL << PG_HIST_LO))
		return 0;
	if (ns >= (1ULL << PG_HIST_HI))
		return PG_HIST_MAX - 1;
	if (v >> 32) { v >>= 32; o += 32; }
	if (v >> 16) { v >>= 16; o += 16; }
	if (v >> 8) { v >>= 8; o += 8; }
	if (v >> 4) { v >>= 4; o += 4; }
	if (v >> 2) { v >>= 2; o += 2; }
	if (v >> 1) { o += 1; }
	/* PG_HIST_LO <= o < PG_HIST_HI */
	i = 1 + (o - PG_HIST_LO) * PG_HIST_SUB +
	    (__u32)((ns >> (o - PG_HIST_SUB_BITS)) & (PG_HIST_SUB - 1));
	/* always true; a bound the verifier sees */
	return i < PG_HIST_MAX ? i : PG_HIST_MAX - 1;
}

/* The lower bound of bucket @i in ns (0 for bucket 0). */
PG_HIST_INLINE __u64 pg_hist_from(__u32 i)
{
	__u32 o;

	if (i == 0)
		return 0;
	if (i >= PG_HIST_MAX - 1)
		return 1ULL << PG_HIST_HI;
	o = PG_HIST_LO + (i - 1) / PG_HIST_SUB;
	return (1ULL << o) + (__u64)((i - 1) % PG_HIST_SUB) * (1ULL << (o - PG_HIST_SUB_BITS));
}

/* The upper bound of bucket @i in ns (exclusive); the last bucket's is
 * taken as twice its lower bound. */
PG_HIST_INLINE __u64 pg_hist_to(__u32 i)
{
	return i >= PG_HIST_MAX - 1 ? 2ULL << PG_HIST_HI : pg_hist_from(i + 1);
}

#ifndef __bpf__
/* The @pct-th percentile (0 < @pct <= 100) of the entries of @h, in ns,
 * interpolated linearly within the bucket it falls in (the entries taken as
 * spread evenly over the bucket, as Prometheus's histogram_quantile() does):
 * off by less than the bucket's width. 0 for no entries. */
static inline double pg_hist_pct(const __u64 *h, double pct)
{
	__u64 n = 0, seen = 0;
	double want;

	for (__u32 i = 0; i < PG_HIST_MAX; i++)
		n += h[i];
	if (!n)
		return 0;
	want = n * pct / 100.0;
	for (__u32 i = 0; i < PG_HIST_MAX; i++) {
		if (!h[i])
			continue;
		if (seen + h[i] >= want) {
			double lo = (double)pg_hist_from(i), hi = (double)pg_hist_to(i);
			double f = (want - seen) / h[i];

			return lo + (f < 0 ? 0 : f) * (hi - lo);
		}
		seen += h[i];
	}
	return (double)pg_hist_from(PG_HIST_MAX - 1);
}
#endif

#endif /* PG_HIST_H */
