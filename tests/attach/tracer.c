// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Drives the generic tracer API (tsdt_tracer__*) for the attach tests.
 *
 *   tracer [-s] [-1] [-S] [-p PID] [-n EVENTS] [-t MS] [-C] BINARY PROV:NAME...
 *
 *   -s  per-site uprobes      -S  non-sleepable program
 *   -1  at the one-byte nop of sites that have a five-byte nop (no_nop5)
 *   -p  one process           -n  stop after EVENTS events (default 1)
 *   -t  stop after MS ms (default 5000)
 *   -C  count only: print "hits PROV:NAME N" per probe at the end
 *   -q  quiet: count events, print "events N" at the end
 *   -r  ring buffer size in bytes
 *
 * Prints "started multi=M sleepable=S", then one line per event:
 *   PROV:NAME pid=P tid=T comm=C a0=V a1=V ...
 * values by type: "text" or <error N>, signed/unsigned decimal, %g floats,
 * 0x.. pointers; and at the end "lost N".
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
	int i;

	if (quiet)
		return ++got >= want ? 1 : 0;

	printf("%s:%s pid=%d tid=%d comm=%s", tsdt_probe__provider(p),
	       tsdt_probe__name(p), (int)tsdt_event__pid(ev),
	       (int)tsdt_event__tid(ev), tsdt_event__comm(ev));
	for (i = 0; i < tsdt_event__arg_cnt(ev); i++) {
		const struct tsdt_type *t = tsdt_event__arg_type(ev, i);
		uint64_t v = tsdt_event__arg_raw(ev, i);
		const char *s;
		int n;

		printf(" a%d=", i);
		if (t->kind != TSDT_TYPE_STR && tsdt_event__arg_status(ev, i)) {
			printf("<unreadable %d>", tsdt_event__arg_status(ev, i));
			continue;
		}
		switch (t->kind) {
		case TSDT_TYPE_STR:
			n = tsdt_event__arg_str(ev, i, &s);
			if (n >= 0)
				printf("\"%s\"", s);
			else
				printf("<error %d>", n);
			break;
		case TSDT_TYPE_FLOAT:
			if (t->size == 4) {
				float f;
				uint32_t b = (uint32_t)v;

				memcpy(&f, &b, 4);
				printf("%g", f);
			} else {
				double d;

				memcpy(&d, &v, 8);
				printf("%g", d);
			}
			break;
		case TSDT_TYPE_PTR:
			printf("0x%llx", (unsigned long long)v);
			break;
		default:
			if (t->is_signed)
				printf("%lld", (long long)v);
			else
				printf("%llu", (unsigned long long)v);
		}
	}
	printf("\n");
	return ++got >= want ? 1 : 0;
}

int main(int argc, char **argv)
{
	TSDT_OPTS(tsdt_tracer_opts, opts);
	struct tsdt_catalog *cat;
	struct tsdt_tracer *tr;
	int opt, ms = 5000, err, i, elapsed = 0;
	bool count = false;
	struct timespec t0, t1;

	while ((opt = getopt(argc, argv, "s1Sp:n:t:Cqr:")) != -1) {
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
		default: return 1;
		}
	}
	if (argc - optind < 2)
		return fprintf(stderr, "usage: tracer [-s1SC] [-p PID] [-n N] [-t MS] BINARY PROV:NAME...\n"), 1;
	tsdt_set_print(print_fn);
	/* also when started in the background of a script (SIG_IGN) */
	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);
	cat = tsdt_catalog__open_file(argv[optind], NULL);
	if (!cat)
		return fprintf(stderr, "catalog: %s\n", strerror(errno)), 1;
	tr = tsdt_tracer__new(&opts);
	if (!tr)
		return fprintf(stderr, "tracer: %s\n", strerror(errno)), 1;
	for (i = optind + 1; i < argc; i++) {
		char *c = strchr(argv[i], ':');
		const struct tsdt_probe *p;

		if (!c)
			return 1;
		*c = 0;
		p = tsdt_binary__find_probe(tsdt_catalog__binary(cat, 0),
					    argv[i], c + 1);
		if (!p)
			return fprintf(stderr, "no probe %s:%s\n", argv[i], c + 1), 1;
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
		err = tsdt_tracer__poll(tr, 50, on_event, NULL);
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
	if (count)
		for (i = 0; i < (int)tsdt_tracer__probe_cnt(tr); i++) {
			const struct tsdt_probe *p = tsdt_tracer__probe(tr, i);

			printf("hits %s:%s %llu\n", tsdt_probe__provider(p),
			       tsdt_probe__name(p),
			       (unsigned long long)tsdt_tracer__hit_cnt(tr, i));
		}
	printf("lost %llu\n", (unsigned long long)tsdt_tracer__lost_cnt(tr));
	tsdt_tracer__free(tr);
	tsdt_catalog__free(cat);
	return got >= want || count ? 0 : 3;
}
