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

/* features.c: kernel feature probes */
bool tsdt_kernel_has_uprobe_multi(void);
/* The kernel turns uprobes on five-byte nops into calls (x86-64). */
bool tsdt_kernel_has_optimized_uprobes(void);
/* An empty BPF_TRACE_UPROBE_MULTI program: its fd, or -errno. */
int tsdt_empty_uprobe_multi_prog(void);
/* One uprobe_multi link of @prog_fd on @path at offset 0 (all processes):
 * its fd, or -errno. */
int tsdt_uprobe_multi_link_one(int prog_fd, const char *path);

/* Fills @out for @site; @arg_cnt arguments (<= the site's). An argument
 * BPF cannot read (%xmm, or a rip-relative symbol the file does not name) is
 * an error, or, with @allow_unreadable, marked
 * TSDT_BPF_ARG_UNREADABLE. */
int tsdt_bpf_spec__fill(const struct tsdt_probe *probe,
			const struct tsdt_site *site, int arg_cnt,
			__u64 cookie, bool allow_unreadable,
			struct tsdt_bpf_spec *out);

/* What tsdt_link__create() attaches, and how. */
struct tsdt_link_opts {
	const struct bpf_program *prog;
	int spec_map_fd;                        /* -1: the program reads none */
	const struct tsdt_probe *const *probes; /* all in one binary */
	size_t probe_cnt;
	const __u64 *cookies;   /* probe i's specs get cookies[i]; NULL: 0 */
	const int *arg_cnts;    /* probe i's specs hold arg_cnts[i] arguments;
				 * NULL: all of each site's, arguments in
				 * floating-point registers marked unreadable */
	pid_t pid;              /* <= 0: every process */
	bool per_site;          /* one perf-event uprobe per site */
	bool retprobe;          /* uretprobes: at the functions' returns
				 * ("fn-return" probes) */
	bool nop5;              /* sites with tsdt's five-byte nop
				 * (tsdt_site__has_nop5()) attached there when
				 * the kernel has optimized uprobes */
	/* globals read at every site after the probe's arguments (the
	 * tracer's tsdt_tracer__add_global()): rip-relative-like specs of
	 * this binary (addr 0: not in it, unreadable) and their types */
	const struct tsdt_arg_spec *extras;
	const struct tsdt_type *extra_types;
	size_t extra_cnt;
	const __u32 *spec_ids;  /* the spec map slots to use, one per site in
				 * probe and site order (the caller keeps a
				 * free list); NULL: free slots are found by
				 * scanning the map */
};

/*
 * global.c: "NAME[:TYPE]" (a variable or a member path of @bin's) as a
 * spec read relative to the site, and its type; TYPE, when given, checked
 * against the variable's (-EPROTOTYPE). 0 or a negative errno, reported.
 */
int tsdt_global_resolve(const struct tsdt_binary *bin, const char *item,
			struct tsdt_arg_spec *spec, struct tsdt_type *type);

/*
 * Attaches @o->prog to every site of @o's probes, writing one spec per site
 * into the spec map first. The link clears its slots when destroyed.
 */
struct tsdt_link *tsdt_link__create(const struct tsdt_link_opts *o);

#endif /* TSDT_ATTACH_INTERNAL_H */
