// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * demo-top: a user's own tool on libtsdt. It attaches the typed handlers of
 * demo-top.bpf.c to the demo program's probes and prints request totals
 * every interval. Nothing here is private to tsdt: it is what any tool
 * built on libtsdt looks like.
 *
 * With --mistyped it instead tries to attach demo-mistyped.bpf.c, whose
 * handler reads a string argument as an integer, and shows the refusal.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <tsdt/libtsdt.h>

#include "demo-top.h"
#include "demo-top.skel.h"
#include "demo-mistyped.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int print_fn(enum tsdt_print_level level, const char *fmt, va_list ap)
{
	if (level == TSDT_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int libbpf_print_fn(enum libbpf_print_level level, const char *fmt,
			   va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static const char usage[] =
	"Usage: demo-top [-p PID] [-i SECONDS] [-d SECONDS] [--mistyped] BINARY\n"
	"\n"
	"Attach typed BPF handlers to the demo program's request probes and\n"
	"print totals every interval.\n"
	"\n"
	"  -p PID       trace only this process (default: every process)\n"
	"  -i SECONDS   print interval (default 1)\n"
	"  -d SECONDS   stop after this long (default: until Ctrl-C)\n"
	"  --mistyped   try a handler that reads a string as an integer\n"
	"\n"
	"Examples:\n"
	"  demo-top .output/examples/demo/demo\n"
	"  demo-top --mistyped .output/examples/demo/demo\n";

static long parse_num(const char *opt, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0) {
		fprintf(stderr, "demo-top: %s wants a non-negative number, not '%s'\n",
			opt, s);
		exit(2);
	}
	return v;
}

/* Probes BINARY:demo:NAME are selected as tsdt trace selects them, by a
 * tsdt_target (whose catalog stays valid as long as the target). */
static int select_probes(struct tsdt_target *t, const char *bin)
{
	static const char *const names[] = { "request__start", "request__done" };
	char pat[4096];

	for (size_t i = 0; i < 2; i++) {
		snprintf(pat, sizeof(pat), "%s:demo:%s", bin, names[i]);
		if (tsdt_target__add_pattern(t, pat))
			return -1;
	}
	return tsdt_target__select(t); /* the library says what failed */
}

static const struct tsdt_probe *find_probe(struct tsdt_target *t,
					   const char *name)
{
	for (size_t i = 0; i < tsdt_target__probe_cnt(t); i++) {
		const struct tsdt_probe *p = tsdt_target__probe(t, i);

		if (!strcmp(tsdt_probe__name(p), name))
			return p;
	}
	return NULL;
}

static int run_mistyped(const struct tsdt_probe *start,
			const struct tsdt_attach_opts *opts)
{
	struct demo_mistyped_bpf *skel = demo_mistyped_bpf__open();
	struct tsdt_link *link;
	int err;

	if (!skel)
		return 1;
	err = tsdt_object__prepare(skel->obj, opts); /* handler count, or <0 */
	if (err >= 0)
		err = demo_mistyped_bpf__load(skel);
	if (err) {
		fprintf(stderr, "demo-top: loading the handler: %s\n", strerror(-err));
		demo_mistyped_bpf__destroy(skel);
		return 1;
	}
	link = tsdt_program__attach(skel->progs.on_start_mistyped, start, opts);
	err = link ? 0 : -errno;
	tsdt_link__destroy(link);
	demo_mistyped_bpf__destroy(skel);
	if (!err) {
		fprintf(stderr, "demo-top: the mistyped handler was attached!\n");
		return 1;
	}
	printf("demo-top: refused, as it should be (errno %d)\n", -err);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mistyped", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	long pid = -1, interval = 1, duration = 0;
	bool mistyped = false;
	struct tsdt_target *target = NULL;
	const struct tsdt_probe *start, *done;
	struct demo_top_bpf *skel = NULL;
	struct tsdt_link *l1 = NULL, *l2 = NULL;
	int c, ret = 1, err;

	while ((c = getopt_long(argc, argv, "p:i:d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': pid = parse_num("-p", optarg); break;
		case 'i': interval = parse_num("-i", optarg); break;
		case 'd': duration = parse_num("-d", optarg); break;
		case 'm': mistyped = true; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc - 1 || interval == 0) {
		fputs(usage, stderr);
		return 2;
	}
	tsdt_set_print(print_fn);
	libbpf_set_print(libbpf_print_fn);

	TSDT_OPTS(tsdt_attach_opts, opts, .pid = (pid_t)pid);

	target = tsdt_target__new(NULL);
	if (!target || select_probes(target, argv[optind]))
		goto out;
	start = find_probe(target, "request__start");
	done = find_probe(target, "request__done");
	if (!start || !done)
		goto out;
	if (mistyped) {
		ret = run_mistyped(start, &opts);
		goto out;
	}

	skel = demo_top_bpf__open();
	if (!skel)
		goto out;
	err = tsdt_object__prepare(skel->obj, &opts); /* handler count, or <0 */
	if (err >= 0)
		err = demo_top_bpf__load(skel);
	if (err) {
		fprintf(stderr, "demo-top: loading handlers: %s\n", strerror(-err));
		goto out;
	}
	l1 = tsdt_program__attach(skel->progs.on_start, start, &opts);
	l2 = l1 ? tsdt_program__attach(skel->progs.on_done, done, &opts) : NULL;
	if (!l1 || !l2) {
		fprintf(stderr, "demo-top: attach: %s\n", strerror(errno));
		goto out;
	}
	printf("demo-top: typed handlers attached to demo:request__start (%zu sites) "
	       "and demo:request__done (%zu sites); Ctrl-C to stop\n",
	       tsdt_link__site_cnt(l1), tsdt_link__site_cnt(l2));
	fflush(stdout);

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (long t = 0; !stop && (!duration || t < duration); t += interval) {
		struct demo_totals tot;
		__u32 zero = 0;

		sleep((unsigned int)interval);
		if (bpf_map__lookup_elem(skel->maps.totals, &zero, sizeof(zero),
					 &tot, sizeof(tot), 0))
			continue;
		printf("requests %llu  errors %llu  bytes %llu  unread paths %llu  "
		       "last %.6fs  slowest %.3f ms '%s'\n",
		       (unsigned long long)tot.requests,
		       (unsigned long long)tot.errors,
		       (unsigned long long)tot.bytes,
		       (unsigned long long)tot.path_faults, tot.last_seconds,
		       tot.max_ns / 1e6, tot.slowest);
		fflush(stdout);
	}
	ret = 0;
out:
	tsdt_link__destroy(l2);
	tsdt_link__destroy(l1);
	demo_top_bpf__destroy(skel);
	tsdt_target__free(target);
	return ret;
}
