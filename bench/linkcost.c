// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What one uprobe_multi BPF_LINK_CREATE costs in the kernel, by the number
 * of offsets, with and without ref_ctr_offsets (semaphores).
 *
 * Usage: linkcost BINARY ROUNDS OFF[:REFCTR]...
 *
 * Loads a 2-instruction uprobe_multi program once, then for N = 1, 10, 71
 * (and every site given, if fewer/more) creates and closes one link on the
 * first N offsets, ROUNDS times each, interleaved, with and without the
 * ref_ctr_offsets. Prints the median create and close time of each
 * variant. With LINKCOST_MAP=1 in the environment, this process itself maps
 * BINARY (read-only, private, so the kernel sees an executable-capable VMA
 * and installs the breakpoints and semaphore increments in it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define MAX_OFF 4096

#include "bench-util.h"

int main(int argc, char **argv)
{
	struct bpf_insn insns[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 0 }, /* r0 = 0 */
		{ .code = 0x95 },                         /* exit */
	};
	LIBBPF_OPTS(bpf_prog_load_opts, popts,
		    .expected_attach_type = BPF_TRACE_UPROBE_MULTI);
	static unsigned long off[MAX_OFF], ref[MAX_OFF];
	int counts[] = { 1, 10, 71 };
	const char *path;
	int rounds, n = 0, prog, i, c, r, s;
	double *tc[3][2], *tx[3][2];

	if (argc < 4) {
		fprintf(stderr, "usage: linkcost BINARY ROUNDS OFF[:REFCTR]...\n");
		return 2;
	}
	path = argv[1];
	rounds = atoi(argv[2]);
	for (i = 3; i < argc && n < MAX_OFF; i++, n++) {
		char *end;

		off[n] = strtoul(argv[i], &end, 0);
		ref[n] = *end == ':' ? strtoul(end + 1, NULL, 0) : 0;
	}
	if (rounds < 1 || !n) {
		fprintf(stderr, "linkcost: need ROUNDS >= 1 and offsets\n");
		return 2;
	}
	counts[2] = n;
	if (getenv("LINKCOST_MAP") && atoi(getenv("LINKCOST_MAP"))) {
		int fd = open(path, O_RDONLY);
		off_t sz = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;

		if (sz <= 0 || mmap(NULL, sz, PROT_READ, MAP_PRIVATE, fd, 0) ==
				   MAP_FAILED) {
			fprintf(stderr, "linkcost: cannot map %s\n", path);
			return 1;
		}
	}
	prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "linkcost", "GPL", insns, 2,
			     &popts);
	if (prog < 0) {
		fprintf(stderr, "linkcost: prog load: %s\n", strerror(errno));
		return 1;
	}
	for (c = 0; c < 3; c++)
		for (s = 0; s < 2; s++) {
			tc[c][s] = calloc(rounds, sizeof(double));
			tx[c][s] = calloc(rounds, sizeof(double));
		}
	for (r = 0; r < rounds; r++)
		for (c = 0; c < 3; c++)
			for (s = 0; s < 2; s++) {
				LIBBPF_OPTS(bpf_link_create_opts, lo);
				double t0, t1, t2;
				int fd;

				lo.uprobe_multi.path = path;
				lo.uprobe_multi.offsets = off;
				lo.uprobe_multi.ref_ctr_offsets = s ? ref : NULL;
				lo.uprobe_multi.cnt = counts[c] < n ? counts[c] : n;
				t0 = now_ms();
				fd = bpf_link_create(prog, 0, BPF_TRACE_UPROBE_MULTI, &lo);
				t1 = now_ms();
				if (fd < 0) {
					fprintf(stderr, "linkcost: link create (%d offsets): %s\n",
						counts[c], strerror(errno));
					return 1;
				}
				close(fd);
				t2 = now_ms();
				tc[c][s][r] = t1 - t0;
				tx[c][s][r] = t2 - t1;
			}
	printf("%-8s %-10s %12s %12s %14s\n", "offsets", "ref_ctr", "create ms",
	       "close ms", "create us/off");
	for (c = 0; c < 3; c++)
		for (s = 0; s < 2; s++) {
			int k = counts[c] < n ? counts[c] : n;
			double m = median(tc[c][s], rounds);

			printf("%-8d %-10s %12.3f %12.3f %14.1f\n", k,
			       s ? "yes" : "no", m, median(tx[c][s], rounds),
			       m * 1e3 / k);
		}
	return 0;
}
