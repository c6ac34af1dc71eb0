/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The bucket layout of a tsdt latency histogram (struct tsdt_hist of
 * <tsdt/libtsdt.h>), for BPF programs and user space alike: a handler that
 * counts into buckets of its own with tsdt_hist_bucket() can read them back
 * with tsdt_hist__bucket_low()/_high() and tsdt_hist__percentile(). No
 * other header needed (<tsdt/libtsdt.h> includes it).
 *
 * Values 0 to 3 have a bucket each; from 4 on, each power of two is cut
 * into 4 buckets of equal width, so a bucket is at most a quarter of its
 * lowest value wide: bucket 4 * (l - 1) + k holds [(4 + k) << (l - 2),
 * (5 + k) << (l - 2)) for 2^l <= v < 2^(l+1), k the two bits after the
 * leading one. TSDT_HIST_BUCKETS of them cover every 64-bit value; a
 * histogram of fewer keeps its last bucket for what is above.
 */
#ifndef TSDT_HIST_H
#define TSDT_HIST_H

#define TSDT_HIST_BUCKETS 256

/* The bucket of @v, 0 to 251: a log2 by halving (no loop, no builtin, as
 * the BPF verifier wants), then the two bits after the leading one. */
static inline __attribute__((always_inline)) unsigned int
tsdt_hist_bucket(unsigned long long v)
{
	unsigned long long x = v;
	unsigned int l = 0;

	if (v < 4)
		return (unsigned int)v;
	if (x >> 32) { x >>= 32; l += 32; }
	if (x >> 16) { x >>= 16; l += 16; }
	if (x >> 8) { x >>= 8; l += 8; }
	if (x >> 4) { x >>= 4; l += 4; }
	if (x >> 2) { x >>= 2; l += 2; }
	if (x >> 1) { l += 1; }
	return 4 * (l - 1) + (unsigned int)((v >> (l - 2)) & 3);
}

#endif /* TSDT_HIST_H */
