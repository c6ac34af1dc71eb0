// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * span-user: spans matched in user space, the way a tool does it without
 * tsdt_tracer__add_span(): every begin and end hit travels to user space
 * as an event (libtsdt's tracer, every process), and a hash table keyed by
 * the id matches them; latencies go into a struct tsdt_hist. The peer of
 * `tsdt span` in bench/spans.sh.
 *
 * Usage: span-user BINARY BEGIN_PROBE END_PROBE KEY
 *        (probes as PROVIDER:NAME; KEY an argument name of both)
 * Prints "ready" once attached; at SIGINT/SIGTERM drains the ring and
 * prints "matched M unmatched U lost L p50 P".
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tsdt/libtsdt.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

#define SLOTS (1u << 20)

struct matcher {
	const struct tsdt_probe *begin, *end;
	const char *key;
	int begin_arg, end_arg;
	uint64_t *keys, *times;      /* open addressing; key 0: empty */
	uint64_t matched, unmatched;
	struct tsdt_hist h;
};

static int arg_index(const struct tsdt_probe *p, const char *name)
{
	for (int i = 0; i < tsdt_probe__arg_cnt(p); i++)
		if (tsdt_probe__arg_name(p, i) &&
		    !strcmp(tsdt_probe__arg_name(p, i), name))
			return i;
	return -1;
}

static uint64_t *slot(struct matcher *m, uint64_t k, bool insert)
{
	uint32_t i = (uint32_t)((k * 0x9e3779b97f4a7c15ULL) >> 44) & (SLOTS - 1);

	for (;; i = (i + 1) & (SLOTS - 1)) {
		if (m->keys[i] == k)
			return &m->times[i];
		if (!m->keys[i]) {
			if (!insert)
				return NULL;
			m->keys[i] = k;
			return &m->times[i];
		}
	}
}

/* removal with backward shift, so probing stays correct */
static void unslot(struct matcher *m, uint64_t k)
{
	uint32_t i = (uint32_t)((k * 0x9e3779b97f4a7c15ULL) >> 44) & (SLOTS - 1), j;

	while (m->keys[i] != k) {
		if (!m->keys[i])
			return;
		i = (i + 1) & (SLOTS - 1);
	}
	for (j = i;;) {
		uint32_t h;

		m->keys[i] = 0;
		for (;;) {
			j = (j + 1) & (SLOTS - 1);
			if (!m->keys[j])
				return;
			h = (uint32_t)((m->keys[j] * 0x9e3779b97f4a7c15ULL) >> 44) & (SLOTS - 1);
			if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
				continue;
			break;
		}
		m->keys[i] = m->keys[j];
		m->times[i] = m->times[j];
		i = j;
	}
}

static int on_event(void *ctx, const struct tsdt_event *ev)
{
	struct matcher *m = ctx;
	const struct tsdt_probe *p;
	uint64_t k, *t, d;

	if (tsdt_event__kind(ev) != TSDT_EVENT_PROBE)
		return 0;
	p = tsdt_event__probe(ev);
	if (p == m->begin) {
		k = tsdt_event__arg_raw(ev, m->begin_arg) + 1;
		*slot(m, k, true) = tsdt_event__timestamp(ev);
	} else if (p == m->end) {
		k = tsdt_event__arg_raw(ev, m->end_arg) + 1;
		t = slot(m, k, false);
		if (!t) {
			m->unmatched++;
			return 0;
		}
		d = tsdt_event__timestamp(ev) - *t;
		unslot(m, k);
		m->matched++;
		m->h.count++;
		m->h.sum += d;
		m->h.buckets[tsdt_hist__bucket(d)]++;
		if (d > m->h.max)
			m->h.max = d;
		if (!m->h.min || d < m->h.min)
			m->h.min = d;
	}
	return 0;
}

static const struct tsdt_probe *find(const struct tsdt_binary *bin,
				     const char *spec)
{
	char prov[128];
	const char *c = strchr(spec, ':');

	if (!c || (size_t)(c - spec) >= sizeof(prov))
		return NULL;
	memcpy(prov, spec, c - spec);
	prov[c - spec] = 0;
	return tsdt_binary__find_probe(bin, prov, c + 1);
}

int main(int argc, char **argv)
{
	struct matcher m = {};
	const struct tsdt_binary *bin;
	struct tsdt_catalog *cat;
	struct tsdt_tracer *tr;
	int err;

	if (argc != 5) {
		fprintf(stderr, "usage: span-user BINARY BEGIN_PROBE END_PROBE KEY\n");
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	cat = tsdt_catalog__open_file(argv[1], NULL);
	if (!cat) {
		fprintf(stderr, "span-user: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	bin = tsdt_catalog__binary(cat, 0);
	m.begin = bin ? find(bin, argv[2]) : NULL;
	m.end = bin ? find(bin, argv[3]) : NULL;
	if (!m.begin || !m.end) {
		fprintf(stderr, "span-user: %s or %s not in %s\n", argv[2], argv[3], argv[1]);
		return 1;
	}
	m.begin_arg = arg_index(m.begin, argv[4]);
	m.end_arg = arg_index(m.end, argv[4]);
	m.keys = calloc(SLOTS, sizeof(*m.keys));
	m.times = calloc(SLOTS, sizeof(*m.times));
	if (m.begin_arg < 0 || m.end_arg < 0 || !m.keys || !m.times) {
		fprintf(stderr, "span-user: no argument '%s' in both probes\n", argv[4]);
		return 1;
	}
	{
		TSDT_OPTS(tsdt_tracer_opts, opts, .pid = -1, .ringbuf_size = 64 << 20);

		tr = tsdt_tracer__new(&opts);
	}
	if (!tr || tsdt_tracer__add_probe(tr, m.begin) < 0 ||
	    tsdt_tracer__add_probe(tr, m.end) < 0 || (err = tsdt_tracer__start(tr))) {
		fprintf(stderr, "span-user: cannot trace: %s\n", strerror(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		tsdt_tracer__poll(tr, 100, on_event, &m);
	while (tsdt_tracer__poll(tr, 0, on_event, &m) > 0)
		;
	printf("matched %llu unmatched %llu lost %llu p50 %llu\n",
	       (unsigned long long)m.matched, (unsigned long long)m.unmatched,
	       (unsigned long long)tsdt_tracer__lost_cnt(tr),
	       (unsigned long long)tsdt_hist__percentile(&m.h, 50));
	tsdt_tracer__free(tr);
	tsdt_catalog__free(cat);
	return 0;
}
