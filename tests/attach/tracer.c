// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Drives the generic tracer API (tsdt_tracer__*) for the attach tests.
 *
 *   tracer [-s] [-1] [-S] [-p PID] [-n EVENTS] [-t MS] [-C] [-P]
 *          [-a MS:[FILE:]PROV:NAME]... BINARY [FILE:]PROV:NAME...
 *
 *   -s  per-site uprobes      -S  non-sleepable program
 *   -1  at the one-byte nop of sites that have a five-byte nop (no_nop5)
 *   -p  one process           -n  stop after EVENTS events (default 1)
 *   -t  stop after MS ms (default 5000)
 *   -C  count only: print "hits PROV:NAME N" per probe at the end
 *   -q  quiet: count events, print "events N" at the end
 *   -r  ring buffer size in bytes
 *   -P  print "events PROV:NAME N" per probe at the end (events received)
 *   -a  MS ms after start, add [FILE:]PROV:NAME to the running tracer and
 *       print "added PROV:NAME index=I probes=N" (repeatable)
 *   -R  MS:FILE  MS ms after start, remove FILE's probes from the running
 *       tracer and print "removed FILE probes=N" (repeatable; -a and -R
 *       run in the order of their times)
 *   -D  MS:PROV:NAME  MS ms after start, remove that one probe
 *       (tsdt_tracer__remove_probe()), print "dropped PROV:NAME ret=R"
 * A probe may name its own FILE (default BINARY); each FILE is read once
 * per argument (two paths of one file are two catalogs, one binary).
 *
 * Prints "started multi=M sleepable=S", then one line per event:
 *   PROV:NAME pid=P tid=T comm=C a0=V a1=V ...
 * values by type (tsdt_event__arg_value()): "text" or <error N>,
 * signed/unsigned decimal (bools 0/1), %g floats, 0x.. pointers; and at
 * the end "lost N".
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tsdt/libtsdt.h>

static int want = 1, got;
static bool quiet;
static unsigned long per_probe[1024];
static volatile sig_atomic_t stop;

static void on_sig(int sig)
{
	stop = 1;
}

static int print_fn(enum tsdt_print_level level, const char *fmt, va_list ap)
{
	if (level == TSDT_DEBUG && !getenv("TRACER_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int on_event(void *ctx, const struct tsdt_event *ev)
{
	const struct tsdt_probe *p = tsdt_event__probe(ev);
	size_t idx;
	int i;

	if (tsdt_event__kind(ev) != TSDT_EVENT_PROBE)
		return 0;
	for (idx = 0; idx < tsdt_tracer__probe_cnt(ctx); idx++)
		if (tsdt_tracer__probe(ctx, idx) == p && idx < 1024)
			per_probe[idx]++;
	if (quiet)
		return ++got >= want ? 1 : 0;

	printf("%s:%s pid=%d tid=%d comm=%s", tsdt_probe__provider(p),
	       tsdt_probe__name(p), (int)tsdt_event__pid(ev),
	       (int)tsdt_event__tid(ev), tsdt_event__comm(ev));
	for (i = 0; i < tsdt_event__arg_cnt(ev); i++) {
		struct tsdt_value v;

		tsdt_event__arg_value(ev, i, &v);
		printf(" a%d=", i);
		switch (v.kind) {
		case TSDT_VALUE_UNREADABLE:
			printf("<unreadable %d>", v.err);
			break;
		case TSDT_VALUE_STR:
			printf("\"%s\"", v.str);
			break;
		case TSDT_VALUE_STR_NULL:
			printf("<error %d>", -ENOENT);
			break;
		case TSDT_VALUE_STR_ERR:
			printf("<error %d>", v.err);
			break;
		case TSDT_VALUE_FLOAT:
			printf("%g", v.d);
			break;
		case TSDT_VALUE_PTR:
			printf("0x%llx", (unsigned long long)v.u);
			break;
		case TSDT_VALUE_INT:
			printf("%lld", (long long)v.i);
			break;
		case TSDT_VALUE_BOOL:
		case TSDT_VALUE_UINT:
			printf("%llu", (unsigned long long)v.u);
			break;
		}
	}
	printf("\n");
	return ++got >= want ? 1 : 0;
}

/* The probe named by "[FILE:]PROV:NAME" (FILE default @bin), read from a
 * catalog of its own that the tracer adopts. */
static const struct tsdt_probe *find_probe(struct tsdt_tracer *tr,
					   const char *bin, const char *text)
{
	struct tsdt_pattern *pat = tsdt_pattern__new(text);
	const struct tsdt_probe *p = NULL;
	struct tsdt_catalog *cat;

	if (!pat)
		return NULL;
	cat = tsdt_catalog__open_file(tsdt_pattern__binary(pat) ?
				      tsdt_pattern__binary(pat) : bin, NULL);
	if (cat)
		p = tsdt_binary__find_probe(tsdt_catalog__binary(cat, 0),
					    tsdt_pattern__provider(pat),
					    tsdt_pattern__name(pat));
	if (!p)
		fprintf(stderr, "no probe %s\n", text);
	if (!cat || tsdt_tracer__adopt_catalog(tr, cat)) {
		tsdt_catalog__free(cat);
		p = NULL;
	}
	tsdt_pattern__free(pat);
	return p;
}

int main(int argc, char **argv)
{
	TSDT_OPTS(tsdt_tracer_opts, opts);
	struct tsdt_tracer *tr;
	int opt, ms = 5000, err, i, elapsed = 0, add_cnt = 0, added = 0;
	bool count = false, print_per_probe = false;
	const char *adds[16];
	int add_ms[16];
	int add_rm[16];
	struct timespec t0, t1;

	while ((opt = getopt(argc, argv, "s1Sp:n:t:Cqr:Pa:R:D:")) != -1) {
		switch (opt) {
		case 's': opts.force_per_site = true; break;
		case '1': opts.no_nop5 = true; break;
		case 'S': opts.no_sleepable = true; break;
		case 'p': opts.pid = atoi(optarg); break;
		case 'n': want = atoi(optarg); break;
		case 't': ms = atoi(optarg); break;
		case 'C': opts.count_only = count = true; break;
		case 'q': quiet = true; break;
		case 'r': opts.ringbuf_size = strtoul(optarg, NULL, 0); break;
		case 'P': print_per_probe = true; break;
		case 'a':
		case 'R':
		case 'D':
			if (add_cnt == 16 || !strchr(optarg, ':'))
				return 1;
			add_rm[add_cnt] = opt == 'R' ? 1 : opt == 'D' ? 2 : 0;
			add_ms[add_cnt] = atoi(optarg);
			adds[add_cnt++] = strchr(optarg, ':') + 1;
			break;
		default: return 1;
		}
	}
	if (argc - optind < 2)
		return fprintf(stderr, "usage: tracer [-s1SC] [-p PID] [-n N] [-t MS] BINARY PROV:NAME...\n"), 1;
	tsdt_set_print(print_fn);
	/* also when started in the background of a script (SIG_IGN) */
	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);
	tr = tsdt_tracer__new(&opts);
	if (!tr)
		return fprintf(stderr, "tracer: %s\n", strerror(errno)), 1;
	for (i = optind + 1; i < argc; i++) {
		const struct tsdt_probe *p = find_probe(tr, argv[optind], argv[i]);

		if (!p)
			return 1;
		err = tsdt_tracer__add_probe(tr, p);
		if (err < 0)
			return fprintf(stderr, "add: %s\n", strerror(-err)), 1;
	}
	err = tsdt_tracer__start(tr);
	if (err)
		return fprintf(stderr, "start: %s\n", strerror(-err)), 1;
	printf("started multi=%d sleepable=%d\n", tsdt_tracer__is_multi(tr),
	       tsdt_tracer__is_sleepable(tr));
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (elapsed < ms && (count || got < want) && !stop) {
		while (added < add_cnt && elapsed >= add_ms[added]) {
			const struct tsdt_probe *p;

			if (add_rm[added] == 2) {
				size_t j, n = tsdt_tracer__probe_cnt(tr);
				char name[256];

				for (j = 0; j < n; j++) {
					p = tsdt_tracer__probe(tr, j);
					snprintf(name, sizeof(name), "%s:%s",
						 tsdt_probe__provider(p),
						 tsdt_probe__name(p));
					if (!strcmp(name, adds[added]))
						break;
				}
				err = j < n ? tsdt_tracer__remove_probe(tr, j) : -ENOENT;
				if (err < 0)
					return fprintf(stderr, "drop %s: %s\n",
						       adds[added], strerror(-err)), 1;
				/* the hits before the removal first: what
				 * follows the line must be none of its */
				if (tsdt_tracer__poll(tr, 0, on_event, tr) < 0)
					return 1;
				printf("dropped %s ret=%d\n", adds[added], err);
				fflush(stdout);
				added++;
				continue;
			}
			if (add_rm[added]) {
				struct tsdt_catalog *c =
					tsdt_catalog__open_file(adds[added], NULL);

				err = c ? tsdt_tracer__remove_binary(
					tr, tsdt_catalog__binary(c, 0)) : -ENOENT;
				tsdt_catalog__free(c);
				if (err < 0)
					return fprintf(stderr, "remove %s: %s\n",
						       adds[added], strerror(-err)), 1;
				printf("removed %s probes=%d\n", adds[added], err);
				fflush(stdout);
				added++;
				continue;
			}
			p = find_probe(tr, argv[optind], adds[added]);
			err = p ? tsdt_tracer__add_probe(tr, p) : -ENOENT;
			if (err < 0)
				return fprintf(stderr, "add %s: %s\n", adds[added],
					       strerror(-err)), 1;
			printf("added %s:%s index=%d probes=%zu\n",
			       tsdt_probe__provider(p), tsdt_probe__name(p), err,
			       tsdt_tracer__probe_cnt(tr));
			fflush(stdout);
			added++;
		}
		err = tsdt_tracer__poll(tr, 20, on_event, tr);
		if (err == -EINTR)
			break;
		if (err < 0)
			return fprintf(stderr, "poll: %s\n", strerror(-err)), 1;
		if (err == 1 && got >= want)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		elapsed = (t1.tv_sec - t0.tv_sec) * 1000 +
			  (t1.tv_nsec - t0.tv_nsec) / 1000000;
	}
	if (quiet)
		printf("events %d\n", got);
	if (print_per_probe)
		for (i = 0; i < (int)tsdt_tracer__probe_cnt(tr); i++) {
			const struct tsdt_probe *p = tsdt_tracer__probe(tr, i);

			printf("events %s:%s %lu\n", tsdt_probe__provider(p),
			       tsdt_probe__name(p), i < 1024 ? per_probe[i] : 0);
		}
	if (count)
		for (i = 0; i < (int)tsdt_tracer__probe_cnt(tr); i++) {
			const struct tsdt_probe *p = tsdt_tracer__probe(tr, i);

			printf("hits %s:%s %llu\n", tsdt_probe__provider(p),
			       tsdt_probe__name(p),
			       (unsigned long long)tsdt_tracer__hit_cnt(tr, i));
		}
	printf("lost %llu\n", (unsigned long long)tsdt_tracer__lost_cnt(tr));
	tsdt_tracer__free(tr);
	return got >= want || count ? 0 : 3;
}
