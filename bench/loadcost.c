// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What loading the generic tracer (`tsdt trace`'s BPF program) costs, for
 * each of its two programs: trace_hit (non-sleepable) and trace_hit_s
 * (sleepable, chosen when a probe traced has a string argument).
 *
 * Usage: loadcost [-n RUNS] [-g MS] [-b BYTES] BINARY [PROVIDER:NAME]...
 *
 * Reads the probes of BINARY (all of them, or those given; '*' matches any
 * provider or name as in `tsdt trace`), then RUNS times, alternating the
 * two programs: creates a tracer as `tsdt trace` does (tsdt_tracer__new(),
 * no warm-up thread), adds the probes, waits MS ms (default 0: what the CLI
 * spends reading the catalogue between the two), and loads the program
 * through the same code as tsdt_tracer__start() with the verifier's
 * statistics log on (BPF_LOG_STATS, which costs the verifier nothing
 * measurable), then unloads it. Nothing is attached.
 *
 * Prints, per program, the medians of: the wall time of loading (maps and
 * program, as tsdt_tracer__start() sees it), the verifier's own
 * "verification time" and "processed N insns" and its total_states; and
 * the median time of creating (and closing) a ring buffer of the tracer's
 * size on its own, for reference.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <tsdt/libtsdt.h>

#include "trace.h" /* libtsdt-internal: tsdt_tracer__load_stats() */

#define MAX_RUNS 1000
#define PAUSE_MS 50

#include "bench-util.h"

static int print_fn(enum tsdt_print_level level, const char *fmt, va_list ap)
{
	if (level == TSDT_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static bool selected(const struct tsdt_probe *p, char **pats, int n)
{
	int i;

	if (!n)
		return true;
	for (i = 0; i < n; i++) {
		const char *c = strchr(pats[i], ':');
		char prov[256];

		if (!c || c - pats[i] >= (long)sizeof(prov))
			continue;
		memcpy(prov, pats[i], c - pats[i]);
		prov[c - pats[i]] = 0;
		if (!fnmatch(prov, tsdt_probe__provider(p), 0) &&
		    !fnmatch(c + 1, tsdt_probe__name(p), 0))
			return true;
	}
	return false;
}

static int parse_int(const char *s, long lo, long hi, long *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*ret = v;
	return 0;
}

int main(int argc, char **argv)
{
	static double load[2][MAX_RUNS], ver[2][MAX_RUNS], ins[2][MAX_RUNS],
		sts[2][MAX_RUNS], rbw[2][MAX_RUNS], rbl[2][MAX_RUNS],
		rbm[2][MAX_RUNS], rbc[MAX_RUNS];
	const struct tsdt_binary *bin;
	struct tsdt_catalog *cat;
	long runs = 11, gap_ms = 0, rb = 8 << 20;
	size_t i, probes = 0, sites = 0;
	int opt, r, s, err;

	/* no warm-up thread: it would register a uprobe while loading
	 * (attach/trace-startup.c) */
	setenv("TSDT_NO_WARM_UP", "1", 1);
	while ((opt = getopt(argc, argv, "n:g:b:")) != -1) {
		switch (opt) {
		case 'n':
			if (parse_int(optarg, 1, MAX_RUNS, &runs))
				goto usage;
			break;
		case 'g':
			if (parse_int(optarg, 0, 10000, &gap_ms))
				goto usage;
			break;
		case 'b':
			if (parse_int(optarg, 4096, 1L << 30, &rb))
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc)
		goto usage;
	tsdt_set_print(print_fn);
	cat = tsdt_catalog__open_file(argv[optind], NULL);
	if (!cat) {
		fprintf(stderr, "loadcost: %s: %s\n", argv[optind],
			strerror(errno));
		return 1;
	}
	bin = tsdt_catalog__binary(cat, 0);
	for (i = 0; bin && i < tsdt_binary__probe_cnt(bin); i++) {
		const struct tsdt_probe *p = tsdt_binary__probe(bin, i);

		if (selected(p, argv + optind + 1, argc - optind - 1)) {
			probes++;
			sites += tsdt_probe__site_cnt(p);
		}
	}
	if (!probes) {
		fprintf(stderr, "loadcost: no probe selected in %s\n",
			argv[optind]);
		tsdt_catalog__free(cat);
		return 1;
	}

	for (r = 0; r < runs; r++) {
		for (s = 0; s < 2; s++) {
			/* let the kernel finish freeing the last run's maps
			 * (a ring buffer's pages go in a deferred work):
			 * tsdt trace creates its maps on a quiet kernel */
			usleep(PAUSE_MS * 1000);
			TSDT_OPTS(tsdt_tracer_opts, topts, .ringbuf_size = rb);
			struct tsdt_tracer_load_stats st;
			struct tsdt_tracer *tr = tsdt_tracer__new(&topts);

			if (!tr) {
				fprintf(stderr, "loadcost: tracer: %s\n",
					strerror(errno));
				return 1;
			}
			for (i = 0; i < tsdt_binary__probe_cnt(bin); i++) {
				const struct tsdt_probe *p =
					tsdt_binary__probe(bin, i);

				if (selected(p, argv + optind + 1,
					     argc - optind - 1) &&
				    (err = tsdt_tracer__add_probe(tr, p)) < 0) {
					fprintf(stderr, "loadcost: add: %s\n",
						strerror(-err));
					return 1;
				}
			}
			if (gap_ms)
				usleep(gap_ms * 1000);
			err = tsdt_tracer__load_stats(tr, s, &st);
			tsdt_tracer__free(tr);
			if (err) {
				fprintf(stderr, "loadcost: loading %s: %s\n",
					s ? "trace_hit_s" : "trace_hit",
					strerror(-err));
				return 1;
			}
			load[s][r] = st.load_ms;
			rbw[s][r] = st.ring_wait_ms;
			rbl[s][r] = st.ring_lag_ms;
			rbm[s][r] = st.ring_create_ms;
			ver[s][r] = st.verify_us;
			ins[s][r] = st.insns;
			sts[s][r] = st.states;
		}
		{
			double t0;
			int fd;

			usleep(PAUSE_MS * 1000);
			t0 = now_ms();
			fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0,
					    0, rb, NULL);

			if (fd < 0) {
				fprintf(stderr, "loadcost: ring buffer: %s\n",
					strerror(errno));
				return 1;
			}
			close(fd);
			rbc[r] = now_ms() - t0;
		}
	}

	printf("loadcost: %s, %zu probes, %zu sites, %ld runs, gap %ld ms (medians)\n",
	       argv[optind], probes, sites, runs, gap_ms);
	printf("%-12s %9s %12s %10s %8s %7s\n", "program", "load_ms",
	       "ring_wait_ms", "verify_us", "insns", "states");
	for (s = 0; s < 2; s++)
		printf("%-12s %9.2f %12.2f %10.0f %8.0f %7.0f\n",
		       s ? "trace_hit_s" : "trace_hit", median(load[s], runs),
		       median(rbw[s], runs), median(ver[s], runs),
		       median(ins[s], runs), median(sts[s], runs));
	printf("ring buffer thread: %.2f/%.2f ms from its creation to running, %.2f/%.2f ms to create the map (trace_hit/trace_hit_s runs)\n",
	       median(rbl[0], runs), median(rbl[1], runs),
	       median(rbm[0], runs), median(rbm[1], runs));
	printf("ring buffer %ld bytes on its own: create+close %.2f ms\n", rb,
	       median(rbc, runs));
	tsdt_catalog__free(cat);
	return 0;

usage:
	fprintf(stderr, "usage: loadcost [-n RUNS] [-g MS] [-b BYTES] BINARY [PROVIDER:NAME]...\n");
	return 2;
}
