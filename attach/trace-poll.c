// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Reading the tracer's ring buffer: tsdt_tracer__poll()'s pacing (see the
 * comment above it) and the records it hands to the caller as events.
 * Records are read by ringbuf.c; each begins with a tagged header
 * (trace.h): probe hits become events, kinds this reader does not know are
 * skipped and counted.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "log.h"
#include "ringbuf.h"
#include "trace-internal.h"

#define POLL_MIN_US 100   /* nap after a poll that found events; at most
			   * one batch per POLL_MIN_US (see tsdt_tracer__poll) */
#define POLL_MAX_US 5000  /* longest nap when idle: 7500 events at 1.5 M/s */
#define CB_STOP (-4095) /* on_sample(): a callback's non-zero return, kept in
			 * cb_ret, stops tsdt_ringbuf__consume() */
int tsdt_tracer_on_sample(void *ctx, const void *data, size_t size)
{
	struct tsdt_tracer *tr = ctx;
	const struct tsdt_trace_event *raw = data;
	struct tsdt_event ev = { .tr = tr, .raw = raw, .size = size };
	const struct tsdt_rec_header *hdr = data;
	size_t need;
	int ret;

	/* process records written since this batch's look at their ring
	 * (a fork, a role taken) come before this event: they were written
	 * before it, by its process or its parent; looking costs one load of
	 * the ring's producer position when there are none */
	if (tr->fl && size >= sizeof(*raw))
		tsdt_follow_collect(tr);
	/* process events that happened before this one go first */
	if (size >= sizeof(*raw) && tsdt_follow_pending(tr) &&
	    (ret = tsdt_follow_flush(tr, raw->ts, &tr->proc_delivered))) {
		tr->cb_ret = ret;
		return CB_STOP;
	}
	if (size >= sizeof(struct tsdt_span_rec) && hdr->type == TSDT_REC_SPAN) {
		/* process records before it first, as for probe hits */
		const struct tsdt_span_rec *sr = data;

		if (tr->fl)
			tsdt_follow_collect(tr);
		if (tsdt_follow_pending(tr) &&
		    (ret = tsdt_follow_flush(tr, sr->end_ts, &tr->proc_delivered))) {
			tr->cb_ret = ret;
			return CB_STOP;
		}
		ret = tsdt_span_on_rec(tr, data, size);
		if (ret) {
			tr->cb_ret = ret;
			return CB_STOP;
		}
		return 0;
	}
	if (size < sizeof(*hdr) || hdr->size > size ||
	    hdr->type != TSDT_REC_PROBE) {
		/* a kind this reader does not know (or a broken record):
		 * skipped, counted */
		if (!tr->unknown_recs++)
			pr_warn("trace: skipping ring records of unknown kind (first: type %u, %zu bytes)\n",
				size >= sizeof(*hdr) ? hdr->type : 0, size);
		return 0;
	}
	if (size < sizeof(*raw) || raw->probe_idx >= tr->probe_cnt ||
	    raw->arg_cnt > TSDT_MAX_ARGS || raw->str_cnt > raw->arg_cnt) {
		tr->unknown_recs++;
		return 0;
	}
	/* a hit of a removed probe from its removal on: sent by a program
	 * that had read the probe's spec just before it was cleared */
	if (tr->detached[raw->probe_idx] &&
	    (long long)raw->ts >= tr->detached[raw->probe_idx])
		return 0;
	need = sizeof(*raw) + raw->arg_cnt * sizeof(__u64);
	ev.args = (const __u64 *)(raw + 1);
	if (raw->str_cnt) {
		ev.strs = (const char *)raw + need;
		need += raw->str_cnt *
			(sizeof(struct tsdt_trace_str) + tr->str_max);
	}
	if (size < need)
		return 0;
	if (!tr->fn)
		return 0;
	ret = tr->fn(tr->fn_ctx, &ev);
	if (ret) {
		tr->cb_ret = ret;
		return CB_STOP;
	}
	return 0;
}

/* Sleeps @ns (> 0); -EINTR if a signal came. */
static int nap_ns(long long ns)
{
	struct timespec nap = { .tv_sec = ns / 1000000000LL,
				.tv_nsec = ns % 1000000000LL };

	return nanosleep(&nap, NULL) && errno == EINTR ? -EINTR : 0;
}

/*
 * Pacing: at most one batch per POLL_MIN_US. A reader that takes every
 * event as soon as it is committed keeps reading the cache lines the traced
 * thread writes next (producer_pos, the next record's header), and each
 * event then costs the traced thread misses on them: bpf_stats, trace_hit,
 * reader and traced thread on two CPUs, 190 ns per event without pacing,
 * 100 ns with it (110 ns with both on one CPU). So a poll that may wait
 * waits until POLL_MIN_US after the previous batch began (150 events at
 * 1.5 M events/s); a poll with timeout 0 (draining) never waits. Unless the
 * ring is small for the event rate: when a batch finds more than an eighth
 * of the ring waiting, the next one does not wait.
 */
int tsdt_tracer__poll(struct tsdt_tracer *tr, int timeout_ms,
		      tsdt_event_fn_t fn, void *ctx)
{
	long long deadline = 0, w;
	int n;

	if (!tr || !tr->started)
		return -EINVAL;
	if (timeout_ms > 0)
		deadline = tsdt_mono_ns() + timeout_ms * 1000000LL;
	for (;;) {
		tsdt_span_poll_tick(tr);
		if (tr->rb && timeout_ms != 0 && tr->pace) {
			w = tr->batch_ns + POLL_MIN_US * 1000LL - tsdt_mono_ns();
			if (deadline && w > deadline - tsdt_mono_ns())
				w = deadline - tsdt_mono_ns();
			if (w > 0 && nap_ns(w))
				return -EINTR;
		}
		if (tr->rb || tr->fl) {
			int ret;

			tr->fn = fn;
			tr->fn_ctx = ctx;
			tr->cb_ret = 0;
			tr->proc_delivered = 0;
			/* process records first: a held process waits */
			tsdt_follow_collect(tr);
			n = 0;
			if (tr->rb) {
				tr->pace = tsdt_ringbuf__backlog(tr->rb) <=
					   tsdt_ringbuf__size(tr->rb) / 8;
				tr->batch_ns = tsdt_mono_ns();
				n = tsdt_ringbuf__consume(tr->rb,
							  tsdt_tracer_on_sample, tr);
			}
			if (n != CB_STOP &&
			    (ret = tsdt_follow_flush(tr, UINT64_MAX,
						     &tr->proc_delivered))) {
				tr->cb_ret = ret;
				n = CB_STOP;
			}
			tr->fn = NULL;
			tsdt_follow_after_batch(tr);
			if (n == CB_STOP)
				return tr->cb_ret;
			n += tr->proc_delivered;
			if (n != 0) {
				tr->nap_us = POLL_MIN_US;
				return n;
			}
		}
		if (timeout_ms == 0)
			return 0;
		if (deadline && tsdt_mono_ns() >= deadline)
			return 0;
		if (tr->nap_us < POLL_MIN_US)
			tr->nap_us = POLL_MIN_US;
		w = tr->nap_us * 1000LL;
		tr->nap_us *= 2;
		if (tr->nap_us > POLL_MAX_US)
			tr->nap_us = POLL_MAX_US;
		if (nap_ns(w))
			return -EINTR;
	}
}
