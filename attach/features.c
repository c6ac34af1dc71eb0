// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel feature probes (as libbpf's features.c): what the running kernel
 * can do, asked the way libbpf asks, used by the attach code and the
 * tracer's start-up. Declared in attach-internal.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach-internal.h"
#include "internal.h"

int tsdt_empty_uprobe_multi_prog(void)
{
	struct bpf_insn insns[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 0 }, /* r0 = 0 */
		{ .code = 0x95 },                         /* exit */
	};
	LIBBPF_OPTS(bpf_prog_load_opts, popts,
		    .expected_attach_type = BPF_TRACE_UPROBE_MULTI);
	int fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns,
			       ARRAY_SIZE(insns), &popts);

	return fd < 0 ? -errno : fd;
}

int tsdt_uprobe_multi_link_one(int prog_fd, const char *path)
{
	LIBBPF_OPTS(bpf_link_create_opts, lopts);
	unsigned long offset = 0;
	int fd;

	lopts.uprobe_multi.path = path;
	lopts.uprobe_multi.offsets = &offset;
	lopts.uprobe_multi.cnt = 1;
	fd = bpf_link_create(prog_fd, 0, BPF_TRACE_UPROBE_MULTI, &lopts);
	return fd < 0 ? -errno : fd;
}

bool tsdt_kernel_has_uprobe_multi(void)
{
	int prog_fd, link_fd;

	prog_fd = tsdt_empty_uprobe_multi_prog();
	if (prog_fd < 0)
		return false;
	/* "/" cannot be opened as a binary: a kernel with uprobe_multi says
	 * -EBADF, one without says -EINVAL (as libbpf probes it). */
	link_fd = tsdt_uprobe_multi_link_one(prog_fd, "/");
	if (link_fd >= 0)
		close(link_fd);
	close(prog_fd);
	return link_fd == -EBADF;
}

/*
 * Optimized uprobes (x86-64, Linux 6.18): a uprobe on a five-byte nop is
 * rewritten into a call to a trampoline that enters the kernel through the
 * uprobe syscall. Called from anywhere else that syscall fails with ENXIO;
 * a kernel without it says ENOSYS. (libbpf probes it the same way.)
 */
bool tsdt_kernel_has_optimized_uprobes(void)
{
#if defined(__x86_64__)
	return syscall(336 /* __NR_uprobe */) < 0 && errno == ENXIO;
#else
	return false;
#endif
}
