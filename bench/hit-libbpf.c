// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * hit-libbpf: attach bench/hit-libbpf.bpf.c's BPF_USDT handler with libbpf's
 * bpf_program__attach_usdt() (one perf-event uprobe per site), print
 * "attached", wait for SIGINT/SIGTERM, detach and print "hits N".
 *
 * Usage: hit-libbpf PID BINARY PROVIDER NAME     (PID -1: every process)
 */
#include <errno.h>
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

	if (argc != 5) {
		fprintf(stderr, "usage: hit-libbpf PID BINARY PROVIDER NAME\n");
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
	link = bpf_program__attach_usdt(skel->progs.usdt_hit, pid, argv[2],
					argv[3], argv[4], NULL);
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
