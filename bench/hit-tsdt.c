// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * hit-tsdt: attach bench/hit-tsdt.bpf.c's typed handler to tsdt_bench:hit
 * (or with --tsdt to tsdt_bench:thit) with tsdt_program__attach()
 * (uprobe_multi, or per-site uprobes with --per-site; at the one-byte nop
 * even where the site has a five-byte nop with --nop1), print "attached",
 * wait for SIGINT/SIGTERM, detach and print "hits N".
 *
 * Usage: hit-tsdt [--per-site] [--tsdt] [--nop1] PID BINARY
 *        (PID -1: every process)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <tsdt/libtsdt.h>

#include "bench/hit-tsdt.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

int main(int argc, char **argv)
{
	const struct tsdt_binary *bin;
	const struct tsdt_probe *probe;
	struct tsdt_catalog *cat;
	struct hit_tsdt_bpf *skel;
	struct tsdt_link *link;
	bool per_site = false, tsdt = false, nop1 = false;
	char *end;
	long pid;
	int err;

	for (; argc > 1 && !strncmp(argv[1], "--", 2); argc--, argv++) {
		if (!strcmp(argv[1], "--per-site"))
			per_site = true;
		else if (!strcmp(argv[1], "--tsdt"))
			tsdt = true;
		else if (!strcmp(argv[1], "--nop1"))
			nop1 = true;
		else
			argc = 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: hit-tsdt [--per-site] [--tsdt] [--nop1] PID BINARY\n");
		return 2;
	}
	errno = 0;
	pid = strtol(argv[1], &end, 10);
	if (errno || end == argv[1] || *end) {
		fprintf(stderr, "hit-tsdt: bad pid '%s'\n", argv[1]);
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	TSDT_OPTS(tsdt_attach_opts, opts, .pid = pid, .force_per_site = per_site,
		  .no_nop5 = nop1);

	cat = tsdt_catalog__open_file(argv[2], NULL);
	if (!cat) {
		fprintf(stderr, "hit-tsdt: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	bin = tsdt_catalog__binary_cnt(cat) ? tsdt_catalog__binary(cat, 0) : NULL;
	probe = bin ? tsdt_binary__find_probe(bin, "tsdt_bench",
					      tsdt ? "thit" : "hit") : NULL;
	if (!probe) {
		fprintf(stderr, "hit-tsdt: no tsdt_bench:%s in %s\n",
			tsdt ? "thit" : "hit", argv[2]);
		return 1;
	}
	skel = hit_tsdt_bpf__open();
	if (!skel) {
		fprintf(stderr, "hit-tsdt: open: %s\n", strerror(errno));
		return 1;
	}
	err = tsdt_object__prepare(skel->obj, &opts);
	if (err < 0 || (err = hit_tsdt_bpf__load(skel))) {
		fprintf(stderr, "hit-tsdt: prepare/load: %s\n", strerror(-err));
		return 1;
	}
	link = tsdt_program__attach(tsdt ? skel->progs.tsdt_thit :
					   skel->progs.tsdt_hit, probe, &opts);
	if (!link) {
		fprintf(stderr, "hit-tsdt: attach: %s\n", strerror(errno));
		return 1;
	}
	printf("attached %zu sites (%s, %zu at a five-byte nop)\n",
	       tsdt_link__site_cnt(link),
	       tsdt_link__is_multi(link) ? "uprobe_multi" : "per-site",
	       tsdt_link__nop5_cnt(link));
	fflush(stdout);
	while (!stop)
		pause();
	tsdt_link__destroy(link);
	printf("hits %llu\n", (unsigned long long)skel->bss->hits);
	hit_tsdt_bpf__destroy(skel);
	tsdt_catalog__free(cat);
	return 0;
}
