// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * hit-libbpf: attach bench/hit-libbpf.bpf.c's BPF_USDT handler with libbpf's
 * bpf_program__attach_usdt() (one perf-event uprobe per site), print
 * "attached", wait for SIGINT/SIGTERM, detach and print "hits N".
 *
 * Usage: hit-libbpf PID BINARY PROVIDER NAME     (PID -1: every process)
 *        hit-libbpf --raw PID BINARY OFFSET REF_CTR_OFFSET
 *           the raw_hit program on one uprobe_multi link at file OFFSET
 *           (libbpf's bpf_program__attach_uprobe_multi), semaphore at
 *           REF_CTR_OFFSET (both as `tsdt list -v --json` prints them)
 */
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bench/hit-libbpf.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

int main(int argc, char **argv)
{
	struct hit_libbpf_bpf *skel;
	struct bpf_link *link;
	char *end;
	long pid;
	int err;

	bool raw = argc > 1 && !strcmp(argv[1], "--raw");

	if (raw)
		argc--, argv++;
	if (argc != 5) {
		fprintf(stderr, "usage: hit-libbpf [--raw] PID BINARY PROVIDER NAME|OFFSET REF_CTR\n");
		return 2;
	}
	errno = 0;
	pid = strtol(argv[1], &end, 10);
	if (errno || end == argv[1] || *end) {
		fprintf(stderr, "hit-libbpf: bad pid '%s'\n", argv[1]);
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	skel = hit_libbpf_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "hit-libbpf: load: %s\n", strerror(errno));
		return 1;
	}
	if (raw) {
		unsigned long off = strtoul(argv[3], NULL, 0);
		unsigned long ref = strtoul(argv[4], NULL, 0);
		LIBBPF_OPTS(bpf_uprobe_multi_opts, mopts, .offsets = &off,
			    .ref_ctr_offsets = &ref, .cnt = 1);

		link = bpf_program__attach_uprobe_multi(skel->progs.raw_hit, pid,
							argv[2], NULL, &mopts);
	} else {
		link = bpf_program__attach_usdt(skel->progs.usdt_hit, pid,
						argv[2], argv[3], argv[4], NULL);
	}
	if (!link) {
		err = errno;
		fprintf(stderr, "hit-libbpf: attach_usdt %s:%s in %s: %s\n",
			argv[3], argv[4], argv[2], strerror(err));
		hit_libbpf_bpf__destroy(skel);
		return 1;
	}
	printf("attached\n");
	fflush(stdout);
	while (!stop)
		pause();
	bpf_link__destroy(link);
	printf("hits %llu\n", (unsigned long long)skel->bss->hits);
	hit_libbpf_bpf__destroy(skel);
	return 0;
}
