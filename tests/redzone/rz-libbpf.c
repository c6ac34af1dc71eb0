// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rz-libbpf: attach rz-libbpf.bpf.c's BPF_USDT handler with libbpf's own
 * bpf_program__attach_usdt() to each PROVIDER:NAME given, in every process
 * running BINARY; with --raw SYMBOL, also attach the plain uprobe raw_hit
 * at that function symbol of BINARY (bpf_program__attach_uprobe). Prints
 * "attached", waits for SIGINT/SIGTERM, detaches and prints one line
 * "PROVIDER:NAME hits=N sum=S" per probe and "raw hits=N".
 *
 * Usage: rz-libbpf [--raw SYMBOL] BINARY PROVIDER:NAME...
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "tests/redzone/rz-libbpf.skel.h"

#define MAX_PROBES 8

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[MAX_PROBES + 1] = {};
	const char *raw = NULL, *bin;
	struct rz_libbpf_bpf *skel;
	int n = 0, i, ret = 1;

	if (argc > 2 && !strcmp(argv[1], "--raw")) {
		raw = argv[2];
		argc -= 2, argv += 2;
	}
	if (argc < 2 || argc - 2 > MAX_PROBES) {
		fprintf(stderr, "usage: rz-libbpf [--raw SYMBOL] BINARY PROVIDER:NAME...\n");
		return 2;
	}
	bin = argv[1];
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	skel = rz_libbpf_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "rz-libbpf: load: %s\n", strerror(errno));
		return 1;
	}
	for (i = 2; i < argc; i++, n++) {
		char prov[128];
		const char *name = strchr(argv[i], ':');
		LIBBPF_OPTS(bpf_usdt_opts, uopts, .usdt_cookie = n);

		if (!name || name - argv[i] >= (long)sizeof(prov)) {
			fprintf(stderr, "rz-libbpf: '%s': expected PROVIDER:NAME\n",
				argv[i]);
			goto out;
		}
		snprintf(prov, sizeof(prov), "%.*s", (int)(name - argv[i]),
			 argv[i]);
		links[n] = bpf_program__attach_usdt(skel->progs.usdt_hit, -1,
						    bin, prov, name + 1, &uopts);
		if (!links[n]) {
			fprintf(stderr, "rz-libbpf: attach_usdt %s in %s: %s\n",
				argv[i], bin, strerror(errno));
			goto out;
		}
	}
	if (raw) {
		LIBBPF_OPTS(bpf_uprobe_opts, ropts, .func_name = raw);

		links[n] = bpf_program__attach_uprobe_opts(skel->progs.raw_hit,
							   -1, bin, 0, &ropts);
		if (!links[n]) {
			fprintf(stderr, "rz-libbpf: uprobe %s in %s: %s\n", raw,
				bin, strerror(errno));
			goto out;
		}
	}
	printf("attached\n");
	fflush(stdout);
	while (!stop)
		pause();
	ret = 0;
out:
	for (i = 0; i < MAX_PROBES + 1; i++)
		bpf_link__destroy(links[i]);
	if (!ret) {
		for (i = 0; i < n; i++)
			printf("%s hits=%llu sum=%lld\n", argv[i + 2],
			       (unsigned long long)skel->bss->hits[i],
			       (long long)skel->bss->sums[i]);
		printf("raw hits=%llu\n",
		       (unsigned long long)skel->bss->raw_hits);
	}
	rz_libbpf_bpf__destroy(skel);
	return ret;
}
