// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Loads a BPF object whose handlers come from a tsdt-gen -B header, attaches
 * every handler to its probe in BINARY with libtsdt (types checked), waits
 * until each has run once (bit I of out[15] set by the I-th program), then
 * prints the object's `__u64 out[16]`, alone in section ".data.out", as
 * "outN=VALUE" lines.
 * Used by tests/integration/gen-bpf-attach.sh.
 *
 *   gen-loader BPF.o BINARY
 *
 * Exit: 0 all hit; 2 an attach was refused ("refused PROBE: errno" on
 * stdout, libtsdt's reason on stderr); 1 other errors or timeout.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <tsdt/libtsdt.h>

#define MAX_PROGS 16

static int print_fn(enum tsdt_print_level level, const char *fmt, va_list ap)
{
	return level == TSDT_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	struct tsdt_link *links[MAX_PROGS] = {};
	struct tsdt_catalog *cat = NULL;
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	struct bpf_map *bss;
	uint64_t out[16];
	int n = 0, ret = 1, key = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: gen-loader BPF.o BINARY\n");
		return 1;
	}
	tsdt_set_print(print_fn);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (tsdt_object__prepare(obj, NULL) < 0 || bpf_object__load(obj)) {
		fprintf(stderr, "load %s failed\n", argv[1]);
		goto out;
	}
	cat = tsdt_catalog__open_file(argv[2], NULL);
	if (!cat || tsdt_catalog__binary_cnt(cat) != 1) {
		fprintf(stderr, "no probes in %s\n", argv[2]);
		goto out;
	}
	bpf_object__for_each_program(prog, obj) {
		char provider[64], name[64];
		const struct tsdt_probe *probe;

		if (n == MAX_PROGS ||
		    tsdt_program__probe_name(prog, provider, name, sizeof(name)))
			continue;
		probe = tsdt_binary__find_probe(tsdt_catalog__binary(cat, 0), provider, name);
		if (!probe) {
			fprintf(stderr, "no probe %s:%s in %s\n", provider, name, argv[2]);
			goto out;
		}
		links[n] = tsdt_program__attach(prog, probe, NULL);
		if (!links[n]) {
			printf("refused %s:%s: %s\n", provider, name, strerror(errno));
			ret = 2;
			goto out;
		}
		n++;
	}
	printf("attached %d\n", n);
	fflush(stdout);

	bss = bpf_object__find_map_by_name(obj, ".data.out");
	if (!bss) {
		fprintf(stderr, "no .data.out map\n");
		goto out;
	}
	/* out[15] counts the handlers that have run, as a bit mask */
	for (int i = 0; i < 500; i++) {
		if (bpf_map__lookup_elem(bss, &key, sizeof(key), out, sizeof(out), 0)) {
			fprintf(stderr, "read .data.out: %s\n", strerror(errno));
			goto out;
		}
		if (out[15] == (1ull << n) - 1)
			break;
		usleep(10000);
	}
	if (out[15] != (1ull << n) - 1) {
		fprintf(stderr, "timeout: handlers run 0x%llx\n", (unsigned long long)out[15]);
		goto out;
	}
	for (int i = 0; i < 15; i++)
		printf("out%d=%lld\n", i, (long long)out[i]);
	ret = 0;
out:
	for (int i = 0; i < n; i++)
		tsdt_link__destroy(links[i]);
	tsdt_catalog__free(cat);
	bpf_object__close(obj);
	return ret;
}
