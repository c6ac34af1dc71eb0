/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Internals shared by attach.c, btf-args.c and trace.c (not installed). */
#ifndef TSDT_ATTACH_INTERNAL_H
#define TSDT_ATTACH_INTERNAL_H

#include <linux/types.h>
#include <stdbool.h>

#include <tsdt/libtsdt.h>
#include <tsdt/bpf-spec.h>

struct btf;
struct bpf_program;

/* What a handler declares: its probe and typed arguments. */
struct tsdt_handler_sig {
	char provider[128];
	char name[128];
	int arg_cnt;
	struct tsdt_type types[TSDT_MAX_ARGS];
	char arg_names[TSDT_MAX_ARGS][64];
};

/* btf-args.c */
int tsdt_btf__type(const struct btf *btf, __u32 id, struct tsdt_type *ret);
int tsdt_btf__handler_sig(const struct btf *btf, const char *prog_name,
			  struct tsdt_handler_sig *sig);

/* attach.c */
bool tsdt_kernel_has_uprobe_multi(void);
/* The kernel turns uprobes on five-byte nops into calls (x86-64). */
bool tsdt_kernel_has_optimized_uprobes(void);
/* An empty BPF_TRACE_UPROBE_MULTI program: its fd, or -errno. */
int tsdt_empty_uprobe_multi_prog(void);
/* One uprobe_multi link of @prog_fd on @path at offset 0 (all processes):
 * its fd, or -errno. */
int tsdt_uprobe_multi_link_one(int prog_fd, const char *path);

/* Fills @out for @site; @arg_cnt arguments (<= the site's). An argument
 * BPF cannot read (%xmm) is an error, or, with @allow_unreadable, marked
 * TSDT_BPF_ARG_UNREADABLE. */
int tsdt_bpf_spec__fill(const struct tsdt_probe *probe,
			const struct tsdt_site *site, int arg_cnt,
			__u64 cookie, bool allow_unreadable,
			struct tsdt_bpf_spec *out);

/*
 * Attaches @prog to every site of @probe_cnt probes (all in one binary),
 * writing one spec per site into @spec_map_fd (free slots found by
 * scanning), probe i's specs with cookie @cookies[i] (NULL: 0) and
 * @arg_cnts[i] arguments (NULL: all of each site's, arguments in
 * floating-point registers marked unreadable). A site that has a
 * five-byte nop (tsdt_site__has_nop5()) is attached there when the kernel
 * has optimized uprobes, unless @nop5 is false.
 */
struct tsdt_link *tsdt_link__create(const struct bpf_program *prog,
				    int spec_map_fd,
				    const struct tsdt_probe *const *probes,
				    const __u64 *cookies, const int *arg_cnts,
				    size_t probe_cnt, pid_t pid, bool per_site,
				    bool nop5);

#endif /* TSDT_ATTACH_INTERNAL_H */
