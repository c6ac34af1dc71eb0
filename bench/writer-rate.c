// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * writer-rate: how many events per second of the reader's own CPU time
 * libtsdt reads, decodes and writes, per output format. A tracer on
 * tests/trace/fixture's tt:seq(i) (one integer) and tt:misc (a string, a
 * double, a bool, an enum, pointers) is started; the fixture fires N events
 * (--burst N); the poll loop hands each event to a writer on /dev/null
 * ("text", "json") or to a callback that only counts ("none": the reader's
 * floor). Measured: the poll loop's thread CPU time (CLOCK_THREAD_CPUTIME_ID)
 * until all N events are read. Rounds interleave the variants; medians.
 * Target: at least 4 M events/s through the writer.
 *
 * Usage: writer-rate FIXTURE [N [ROUNDS]]
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tsdt/libtsdt.h>

#include "bench-util.h"

struct ctx {
	struct tsdt_writer *w;
	long events;
};

static int on_event(void *arg, const struct tsdt_event *ev)
{
	struct ctx *c = arg;

	c->events++;
	return c->w ? tsdt_writer__event(c->w, ev) : 0;
}

static double thread_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int quiet(enum tsdt_print_level level, const char *fmt, va_list ap)
{
	return level == TSDT_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

/* One run: returns events per CPU-second, or -1. */
static double run(const char *fixture, const char *probe, const char *format,
		  long n, unsigned long long *lost)
{
	TSDT_OPTS(tsdt_tracer_opts, topts, .ringbuf_size = 64u << 20);
	struct tsdt_catalog *cat = tsdt_catalog__open_file(fixture, NULL);
	const struct tsdt_probe *p;
	struct tsdt_tracer *tr = NULL;
	struct ctx c = { 0 };
	char nbuf[32];
	double cpu = 0, ret = -1;
	int fd = -1, status;
	pid_t child;

	if (!cat)
		return -1;
	p = tsdt_binary__find_probe(tsdt_catalog__binary(cat, 0), "tt", probe);
	tr = tsdt_tracer__new(&topts);
	if (!p || !tr || tsdt_tracer__add_probe(tr, p) < 0 ||
	    tsdt_tracer__start(tr))
		goto out;
	if (strcmp(format, "none")) {
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		c.w = tsdt_writer__new(format, fd, NULL);
		if (!c.w || tsdt_writer__start(c.w, tr, NULL))
			goto out;
	}
	snprintf(nbuf, sizeof(nbuf), "%ld", n);
	child = fork();
	if (child == 0) {
		if (!strcmp(probe, "seq"))
			execl(fixture, fixture, "--burst", nbuf, (char *)NULL);
		else
			execl(fixture, fixture, nbuf, "0", (char *)NULL);
		_exit(127);
	}
	while (c.events < n) {
		double t0 = thread_s();
		int r = tsdt_tracer__poll(tr, 100, on_event, &c);

		if (c.w)
			tsdt_writer__flush(c.w);
		cpu += thread_s() - t0;
		if (r < 0)
			break;
		if (waitpid(child, &status, WNOHANG) == child) {
			t0 = thread_s();
			while (tsdt_tracer__poll(tr, 0, on_event, &c) > 0)
				;
			if (c.w)
				tsdt_writer__flush(c.w);
			cpu += thread_s() - t0;
			child = 0;
			break;
		}
	}
	if (child > 0)
		waitpid(child, &status, 0);
	*lost = tsdt_tracer__lost_cnt(tr);
	if (cpu > 0)
		ret = c.events / cpu;
out:
	tsdt_writer__free(c.w);
	if (fd >= 0)
		close(fd);
	tsdt_tracer__free(tr);
	tsdt_catalog__free(cat);
	return ret;
}

int main(int argc, char **argv)
{
	static const char *const formats[] = { "none", "text", "json" };
	static const char *const probes[] = { "seq", "misc" };
	long n = argc > 2 ? atol(argv[2]) : 1000000;
	int rounds = argc > 3 ? atoi(argv[3]) : 5;
	double r[2][3][64];

	if (argc < 2 || n < 1 || rounds < 1 || rounds > 64) {
		fprintf(stderr, "usage: writer-rate FIXTURE [N [ROUNDS]]\n");
		return 2;
	}
	tsdt_set_print(quiet);
	for (int k = 0; k < rounds; k++)
		for (int p = 0; p < 2; p++)
			for (int f = 0; f < 3; f++) {
				unsigned long long lost = 0;
				/* tt:misc fires with other probes per loop:
				 * fewer of them */
				long m = p ? n / 10 : n;

				r[p][f][k] = run(argv[1], probes[p], formats[f],
						 m, &lost);
				if (r[p][f][k] < 0 || lost) {
					fprintf(stderr, "writer-rate: %s %s: %s (lost %llu)\n",
						probes[p], formats[f],
						r[p][f][k] < 0 ? "failed" : "lost events",
						lost);
					return 1;
				}
			}
	printf("writer-rate: events per second of the reader's CPU time (read, decode, write to /dev/null), %d interleaved rounds, medians\n",
	       rounds);
	printf("%-10s %12s %12s %12s\n", "probe", "none", "text", "json");
	for (int p = 0; p < 2; p++) {
		printf("%-10s", p ? "tt:misc" : "tt:seq");
		for (int f = 0; f < 3; f++)
			printf(" %10.2f M", median(r[p][f], rounds) / 1e6);
		printf("\n");
	}
	printf("(tt:seq: %ld events of one integer; tt:misc: %ld of a string, a double, a bool, an enum and pointers)\n",
	       n, n / 10);
	return 0;
}
