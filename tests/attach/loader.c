// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Attach one test handler of handlers.bpf.c to a probe, the way an
 * application uses libtsdt, and print what it received.
 *
 *   loader [-s] [-1] [-p PID] [-w MS] [-H] HANDLER BINARY PROVIDER:NAME
 *
 *   -s      per-site uprobes (default: uprobe_multi)
 *   -1      attach at the site's one-byte nop even when it has a five-byte
 *           nop (no_nop5; default: there, on an optimized-uprobe kernel)
 *   -p PID  trace one process (default: all)
 *   -w MS   wait at most MS ms for the first hit (default 5000)
 *   -d MS   stay attached MS ms after the first hit (default 20)
 *   -H      hold: after attaching print "attached", then wait for a signal
 *           (SIGINT/SIGTERM detach and exit 0)
 *   -g G    a global the handler reads (tsdt_attach_opts.globals: NAME or
 *           NAME:TYPE); repeatable
 *
 * Prints "attached multi=M sites=N nop5=K", then "hits=N v0=.. v7=.. str_ret=R
 * str='S'" (values as signed decimal; v3/v4 also as hex). On refusal
 * prints "refused errno=NAME" and exits 2; libtsdt's messages go to
 * stderr.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <tsdt/libtsdt.h>

#include "handlers.h"
#include "tests/attach/handlers.skel.h"

#define TEST_SLOT_NAME(n) #n,
static const char *slot_names[] = { TEST_HANDLERS(TEST_SLOT_NAME) };

static volatile sig_atomic_t stop;
static void on_sig(int sig) { stop = 1; }

static int print_fn(enum tsdt_print_level level, const char *fmt, va_list ap)
{
	if (level == TSDT_DEBUG && !getenv("LOADER_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static const char *errname(int e)
{
	switch (e) {
	case EPROTOTYPE: return "EPROTOTYPE";
	case E2BIG: return "E2BIG";
	case ENOENT: return "ENOENT";
	case ENOTSUP: return "ENOTSUP";
	case EINVAL: return "EINVAL";
	default: return strerror(e);
	}
}

int main(int argc, char **argv)
{
	bool per_site = false, hold = false, no_nop5 = false;
	int pid = -1, wait_ms = 5000, delay_ms = 20, opt, slot = -1, i, err;
	struct handlers_bpf *skel;
	struct tsdt_catalog *cat;
	const struct tsdt_probe *probe = NULL;
	struct bpf_program *prog;
	struct tsdt_link *link;
	char *colon, *end;
	const char *globals[8];
	size_t global_cnt = 0;

	while ((opt = getopt(argc, argv, "s1p:w:d:Hg:")) != -1) {
		switch (opt) {
		case 'g':
			if (global_cnt < 8)
				globals[global_cnt++] = optarg;
			break;
		case 's': per_site = true; break;
		case '1': no_nop5 = true; break;
		case 'p':
			pid = strtol(optarg, &end, 10);
			if (*end || pid <= 0)
				return fprintf(stderr, "bad pid\n"), 1;
			break;
		case 'w': wait_ms = atoi(optarg); break;
		case 'H': hold = true; break;
		case 'd': delay_ms = atoi(optarg); break;
		default: return 1;
		}
	}
	if (argc - optind != 3)
		return fprintf(stderr, "usage: loader [-s] [-1] [-p PID] [-w MS] [-H] HANDLER BINARY PROVIDER:NAME\n"), 1;
	for (i = 0; i < SLOT_CNT; i++)
		if (!strcmp(slot_names[i], argv[optind]))
			slot = i;
	if (slot < 0)
		return fprintf(stderr, "no handler %s\n", argv[optind]), 1;
	colon = strchr(argv[optind + 2], ':');
	if (!colon)
		return fprintf(stderr, "PROVIDER:NAME\n"), 1;
	*colon = 0;

	tsdt_set_print(print_fn);
	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);

	cat = tsdt_catalog__open_file(argv[optind + 1], NULL);
	if (!cat)
		return fprintf(stderr, "catalog: %s\n", strerror(errno)), 1;
	for (i = 0; i < (int)tsdt_catalog__binary_cnt(cat) && !probe; i++)
		probe = tsdt_binary__find_probe(tsdt_catalog__binary(cat, i),
						argv[optind + 2], colon + 1);
	if (!probe)
		return fprintf(stderr, "no probe %s:%s\n", argv[optind + 2], colon + 1), 1;

	TSDT_OPTS(tsdt_attach_opts, aopts, .pid = pid,
		  .force_per_site = per_site, .no_nop5 = no_nop5,
		  .globals = globals, .global_cnt = global_cnt);
	skel = handlers_bpf__open();
	if (!skel)
		return fprintf(stderr, "open: %s\n", strerror(errno)), 1;
	err = tsdt_object__prepare(skel->obj, &aopts);
	if (err < 0)
		return fprintf(stderr, "prepare: %s\n", strerror(-err)), 1;
	err = handlers_bpf__load(skel);
	if (err)
		return fprintf(stderr, "load: %s\n", strerror(-err)), 1;
	prog = bpf_object__find_program_by_name(skel->obj, argv[optind]);

	link = tsdt_program__attach(prog, probe, &aopts);
	if (!link) {
		err = errno;
		printf("refused errno=%s\n", errname(err));
		handlers_bpf__destroy(skel);
		tsdt_catalog__free(cat);
		return 2;
	}
	/* the probe's catalog may go once attached */
	tsdt_catalog__free(cat);
	printf("attached multi=%d sites=%zu nop5=%zu\n",
	       tsdt_link__is_multi(link), tsdt_link__site_cnt(link),
	       tsdt_link__nop5_cnt(link));
	fflush(stdout);

	if (hold) {
		while (!stop)
			pause();
		tsdt_link__destroy(link);
		handlers_bpf__destroy(skel);
		printf("detached\n");
		return 0;
	}

	struct test_result *r = &skel->bss->results[slot];
	for (i = 0; i < wait_ms && !stop; i++) {
		if (__atomic_load_n(&r->hits, __ATOMIC_ACQUIRE))
			break;
		usleep(1000);
	}
	usleep(delay_ms * 1000); /* let a hit in progress finish writing */
	tsdt_link__destroy(link);
	printf("hits=%s pid=%u", r->hits ? "yes" : "0", r->pid);
	for (i = 0; i < 9; i++)
		printf(" v%d=%lld", i, (long long)r->v[i]);
	printf(" hex2=0x%llx hex3=0x%llx hex4=0x%llx str_ret=%lld str='%s'\n",
	       (unsigned long long)r->v[2], (unsigned long long)r->v[3],
	       (unsigned long long)r->v[4], (long long)r->str_ret, r->str);
	i = r->hits ? 0 : 3;
	handlers_bpf__destroy(skel);
	return i;
}
