// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The ring buffer reader (attach/ringbuf.c) over a ring laid out in memory
 * as the kernel lays out a BPF ring buffer map (consumer page, producer
 * page, data mapped twice), with this test as the producer: order, discard
 * and busy records, a callback stopping the pass, records wrapping around
 * the end, and how often consumer_pos is stored (once per pass, at least
 * every quarter of the ring; never once per record).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../../attach/ringbuf.c"

#define DATA_SZ 4096ul

struct fake {
	struct tsdt_ringbuf *rb;
	unsigned long *prod;   /* the producer page, writable here */
	char *data;            /* writable view of the data */
};

/* A ring as tsdt_ringbuf__new() would map it, built without a map. */
static void fake_new(struct fake *f)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *region;
	int fd;

	f->rb = calloc(1, sizeof(*f->rb));
	assert_non_null(f->rb);
	f->rb->page_size = pg;
	f->rb->mask = DATA_SZ - 1;
	f->rb->release_every = DATA_SZ / 4;
	f->rb->prod_map_sz = pg + 2 * DATA_SZ;
	f->rb->consumer_pos = mmap(NULL, pg, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(f->rb->consumer_pos != MAP_FAILED);
	region = mmap(NULL, f->rb->prod_map_sz, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(region != MAP_FAILED);
	fd = memfd_create("test-ringbuf", 0);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, DATA_SZ), 0);
	assert_true(mmap(region + pg, DATA_SZ, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, fd, 0) != MAP_FAILED);
	assert_true(mmap(region + pg + DATA_SZ, DATA_SZ, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, fd, 0) != MAP_FAILED);
	close(fd);
	f->rb->producer_pos = (const unsigned long *)region;
	f->rb->data = region + pg;
	f->prod = (unsigned long *)region;
	f->data = region + pg;
}

/* Starts the ring at position @pos (empty). */
static void fake_at(struct fake *f, unsigned long pos)
{
	*f->rb->consumer_pos = pos;
	*f->prod = pos;
}

/* Appends a record of @size bytes holding @seq (then 0xab bytes), with
 * header flags @flags; returns its position. */
static unsigned long put(struct fake *f, __u64 seq, size_t size, __u32 flags)
{
	unsigned long pos = *f->prod;
	char *hdr = f->data + (pos & (DATA_SZ - 1));
	__u32 len = (__u32)size | flags;

	assert_true(size >= sizeof(seq));
	memcpy(hdr + BPF_RINGBUF_HDR_SZ, &seq, sizeof(seq));
	memset(hdr + BPF_RINGBUF_HDR_SZ + sizeof(seq), 0xab,
	       size - sizeof(seq));
	memcpy(hdr, &len, sizeof(len));
	*f->prod = pos + ((BPF_RINGBUF_HDR_SZ + size + 7) & ~7ul);
	return pos;
}

static void set_flags(struct fake *f, unsigned long pos, __u32 len)
{
	memcpy(f->data + (pos & (DATA_SZ - 1)), &len, sizeof(len));
}

struct seen {
	struct fake *f;
	__u64 seq[512];
	size_t size[512];
	unsigned long cons[512]; /* consumer_pos during the callback */
	int n;
	int stop_at;             /* return -7 on this seq (-1: never) */
};

static int on_rec(void *ctx, const void *data, size_t size)
{
	struct seen *s = ctx;
	const unsigned char *p = data;
	size_t i;

	assert_true(s->n < 512);
	memcpy(&s->seq[s->n], data, sizeof(__u64));
	for (i = sizeof(__u64); i < size; i++)
		assert_int_equal(p[i], 0xab);
	s->size[s->n] = size;
	s->cons[s->n] = *s->f->rb->consumer_pos;
	s->n++;
	return (int)s->seq[s->n - 1] == s->stop_at ? -7 : 0;
}

static void test_order_and_discard(void **state)
{
	struct fake f;
	struct seen s = { .f = &f, .stop_at = -1 };

	(void)state;
	fake_new(&f);
	put(&f, 0, 8, 0);
	put(&f, 1, 13, 0); /* rounded up: 8 + 13 -> 24 */
	put(&f, 2, 8, BPF_RINGBUF_DISCARD_BIT);
	put(&f, 3, 40, 0);
	put(&f, 4, 8, 0);
	assert_int_equal(tsdt_ringbuf__backlog(f.rb), 16 + 24 + 16 + 48 + 16);
	assert_int_equal(tsdt_ringbuf__consume(f.rb, on_rec, &s), 4);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.seq[0], 0);
	assert_int_equal(s.seq[1], 1);
	assert_int_equal(s.size[1], 13);
	assert_int_equal(s.seq[2], 3);
	assert_int_equal(s.size[2], 40);
	assert_int_equal(s.seq[3], 4);
	assert_int_equal(*f.rb->consumer_pos, *f.prod);
	assert_int_equal(tsdt_ringbuf__backlog(f.rb), 0);
	/* nothing new: nothing delivered */
	assert_int_equal(tsdt_ringbuf__consume(f.rb, on_rec, &s), 0);
	assert_int_equal(tsdt_ringbuf__size(f.rb), DATA_SZ);
	tsdt_ringbuf__free(f.rb);
}

static void test_busy_waits(void **state)
{
	struct fake f;
	struct seen s = { .f = &f, .stop_at = -1 };
	unsigned long busy;

	(void)state;
	fake_new(&f);
	put(&f, 0, 8, 0);
	put(&f, 1, 8, 0);
	busy = put(&f, 2, 8, BPF_RINGBUF_BUSY_BIT);
	put(&f, 3, 8, 0);
	assert_int_equal(tsdt_ringbuf__consume(f.rb, on_rec, &s), 2);
	/* the records before the busy one are freed, not the busy one */
	assert_int_equal(*f.rb->consumer_pos, busy);
	assert_int_equal(tsdt_ringbuf__consume(f.rb, on_rec, &s), 0);
	set_flags(&f, busy, 8); /* committed */
	assert_int_equal(tsdt_ringbuf__consume(f.rb, on_rec, &s), 2);
	assert_int_equal(s.n, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(s.seq[i], i);
	assert_int_equal(*f.rb->consumer_pos, *f.prod);
	tsdt_ringbuf__free(f.rb);
}

static void test_callback_stops(void **state)
{
	struct fake f;
	struct seen s = { .f = &f, .stop_at = 1 };
	unsigned long after1;

	(void)state;
	fake_new(&f);
	put(&f, 0, 8, 0);
	after1 = put(&f, 1, 8, 0) + 16;
	put(&f, 2, 8, 0);
	assert_int_equal(tsdt_ringbuf__consume(f.rb, on_rec, &s), -7);
	assert_int_equal(s.n, 2);
	/* the record that stopped it was consumed: never delivered twice */
	assert_int_equal(*f.rb->consumer_pos, after1);
	assert_int_equal(tsdt_ringbuf__consume(f.rb, on_rec, &s), 1);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.seq[2], 2);
	tsdt_ringbuf__free(f.rb);
}

static void test_wrap(void **state)
{
	struct fake f;
	struct seen s = { .f = &f, .stop_at = -1 };

	(void)state;
	fake_new(&f);
	/* positions only grow: start far from 0, 16 bytes before the end */
	fake_at(&f, 5 * DATA_SZ - 16);
	put(&f, 7, 64, 0); /* header and 8 bytes before the end, rest after */
	put(&f, 8, 8, 0);
	assert_int_equal(tsdt_ringbuf__consume(f.rb, on_rec, &s), 2);
	assert_int_equal(s.seq[0], 7);
	assert_int_equal(s.size[0], 64);
	assert_int_equal(s.seq[1], 8);
	assert_int_equal(*f.rb->consumer_pos, 5 * DATA_SZ - 16 + 72 + 16);
	tsdt_ringbuf__free(f.rb);
}

static void test_batch_release(void **state)
{
	struct fake f;
	struct seen s = { .f = &f, .stop_at = -1 };
	unsigned long start = 3 * DATA_SZ, quarter = DATA_SZ / 4;
	int i, changes = 0;

	(void)state;
	fake_new(&f);
	fake_at(&f, start);
	/* 200 records of 16 bytes: 3200 bytes, three quarters of the ring */
	for (i = 0; i < 200; i++)
		put(&f, i, 8, 0);
	assert_int_equal(tsdt_ringbuf__consume(f.rb, on_rec, &s), 200);
	for (i = 0; i < 200; i++) {
		unsigned long at = start + 16ul * i; /* this record's position */

		assert_int_equal(s.seq[i], i);
		/* never ahead of the records being read; never more than a
		 * quarter behind */
		assert_true(s.cons[i] <= at);
		assert_true(at - s.cons[i] < quarter);
		if (i && s.cons[i] != s.cons[i - 1])
			changes++;
	}
	/* stored every quarter (3 times within the pass), not per record */
	assert_int_equal(changes, 3);
	assert_int_equal(*f.rb->consumer_pos, start + 3200);
	tsdt_ringbuf__free(f.rb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_discard),
		cmocka_unit_test(test_busy_waits),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_batch_release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
