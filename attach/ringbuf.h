/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A reader of one BPF ring buffer map (BPF_MAP_TYPE_RINGBUF) that hands
 * free space back to the producer once per batch of records instead of once
 * per record (ringbuf.c says why). libtsdt-internal: the generic tracer
 * (trace.c) reads its events with it; libbpf still creates the map.
 */
#ifndef TSDT_RINGBUF_H
#define TSDT_RINGBUF_H

#include <stddef.h>

struct tsdt_ringbuf;

/* Called for each record, in the order they were reserved; @data is valid
 * only during the call. A non-zero return stops the consumer. */
typedef int (*tsdt_ringbuf_fn_t)(void *ctx, const void *data, size_t size);

/*
 * Maps the ring buffer map @map_fd (its consumer page read-write, its
 * producer page and data read-only). NULL + errno on error (EINVAL: not a
 * ring buffer map).
 */
struct tsdt_ringbuf *tsdt_ringbuf__new(int map_fd);

/*
 * Delivers every committed record to @fn, until none is left (a record
 * still being written ends the pass: it comes in a later call), skipping
 * discarded ones. Free space goes back to the producer at the end of each
 * pass over the records seen, at least every quarter of the ring, and
 * before returning.
 * @return the number of records delivered (capped at INT_MAX), or @fn's
 * non-zero return (the record it was given counts as consumed).
 */
int tsdt_ringbuf__consume(struct tsdt_ringbuf *rb, tsdt_ringbuf_fn_t fn,
			  void *ctx);

/* Bytes the producer has reserved that the reader has not freed yet. */
unsigned long tsdt_ringbuf__backlog(const struct tsdt_ringbuf *rb);

/* The ring's data size in bytes (the map's max_entries). */
size_t tsdt_ringbuf__size(const struct tsdt_ringbuf *rb);

/* Unmaps; accepts NULL. Does not close the map. */
void tsdt_ringbuf__free(struct tsdt_ringbuf *rb);

#endif /* TSDT_RINGBUF_H */
