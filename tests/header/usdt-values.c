// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * usdt-values BINARY [ARGS...]: attaches usdt-values.bpf.c's handlers to the
 * fixture's probes with libbpf's bpf_program__attach_usdt() (every process
 * running BINARY), runs BINARY ARGS..., then prints what the handlers read,
 * one "name value" line each, for tests/integration/header-consumers.sh.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "usdt-values.h"
#include "usdt-values.skel.h"

static int attach(struct bpf_program *prog, const char *bin, const char *name,
		  struct bpf_link **link)
{
	*link = bpf_program__attach_usdt(prog, -1, bin, "fx", name, NULL);
	if (!*link) {
		int err = -errno;

		fprintf(stderr, "attach fx:%s: %s\n", name, strerror(-err));
		return err;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct usdt_values_bpf *skel;
	struct bpf_link *links[4] = {};
	int err = 1, status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: %s BINARY [ARGS...]\n", argv[0]);
		return 2;
	}
	skel = usdt_values_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "open/load: %s\n", strerror(errno));
		return 1;
	}
	if (attach(skel->progs.on_noargs, argv[1], "noargs", &links[0]) ||
	    attach(skel->progs.on_ints, argv[1], "ints", &links[1]) ||
	    attach(skel->progs.on_misc, argv[1], "misc", &links[2]) ||
	    attach(skel->progs.on_request, argv[1], "request__start", &links[3]))
		goto out;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "%s failed\n", argv[1]);
		goto out;
	}
	const struct values *v = &skel->bss->vals;
	printf("hits %u %u %u %u\n", v->noargs_hits, v->ints_hits, v->misc_hits, v->req_hits);
	printf("ints %lld %llu %lld %llu %lld %llu %lld %llu %d %lld %llu %llu\n",
	       v->i8, v->u8, v->i16, v->u16, v->i32, v->u32, v->i64, v->u64,
	       v->ch, v->l, v->sz, v->us);
	printf("misc %d %d 0x%x 0x%llx %s 0x%llx 0x%llx %s\n", v->flag, v->color,
	       v->fbits, v->dbits, v->str, v->ptr, v->foo, v->buf);
	printf("request %llu %s %llu %s\n", v->req_id[0], v->req_path[0],
	       v->req_id[1], v->req_path[1]);
	err = 0;
out:
	for (int i = 0; i < 4; i++)
		bpf_link__destroy(links[i]);
	usdt_values_bpf__destroy(skel);
	return err;
}
