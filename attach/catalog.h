/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The catalog's objects (private: the public API has getters only). */
#ifndef TSDT_CATALOG_H
#define TSDT_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include <tsdt/libtsdt.h>

#include "spec.h"

/*
 * The x86-64 site of <sys/tsdt.h> (catalog.c, include/sys/tsdt.h): its
 * length, the offset of its five-byte nop from the note's address, and how
 * far below the caller's %rsp the stack pointer is at that nop.
 */
#define TSDT_X86_SITE_LEN 19
#define TSDT_X86_NOP5_OFF 6
#define TSDT_X86_NOP5_SP_SHIFT 128

struct tsdt_site {
	struct tsdt_probe *probe;
	uint64_t addr;          /* link-time, after .stapsdt.base adjustment */
	uint64_t file_off;
	bool nop5;              /* x86-64: <sys/tsdt.h>'s site, with a
				   five-byte nop at +TSDT_X86_NOP5_OFF
				   (see tsdt_site__has_nop5()) */
	uint64_t sema_addr;     /* as in this note (adjusted) */
	size_t note_idx;        /* index among the file's stapsdt notes */
	char *raw_args;
	int arg_cnt;
	/* arg_ok[i] false: spec i could not be decoded (warned) */
	bool arg_ok[TSDT_MAX_ARGS];
	struct tsdt_arg_spec args[TSDT_MAX_ARGS];
};

struct tsdt_probe {
	struct tsdt_binary *bin;
	char *provider, *name;
	int arg_cnt;
	enum tsdt_type_source type_src;
	char *type_file;        /* the provider file that typed it, or NULL */
	struct tsdt_type types[TSDT_MAX_ARGS];
	char *arg_names[TSDT_MAX_ARGS];
	uint64_t sema_addr, sema_off;
	int sema_value;         /* -1 unknown */
	size_t site_cnt;
	struct tsdt_site *sites;
};

struct tsdt_binary {
	struct tsdt_catalog *cat;
	char *path, *open_path;
	uint64_t dev, ino;      /* the file read (uprobes are per inode) */
	enum tsdt_arch arch;
	uint64_t load_bias;
	size_t probe_cnt;
	struct tsdt_probe *probes;
	/* number of problems reported while reading (warnings that degrade
	 * the result, e.g. a provider file that disagrees) */
	int problem_cnt;
};

struct tsdt_catalog {
	size_t bin_cnt;
	struct tsdt_binary **bins;
	int problem_cnt;
	size_t mismatch_cnt;    /* provider-file type vs site spec notes */
};

/* The same probe (provider and name) of the same file (device and inode),
 * whatever the paths it was read through: selected and attached once. */
bool tsdt_probe_same(const struct tsdt_probe *a, const struct tsdt_probe *b);

/* Reads one file into a new binary appended to @cat. @path is shown, @open_path
 * is opened. Returns 0 or a negative errno (messages printed). */
struct tsdt_provider_file;
int tsdt_catalog_add_file(struct tsdt_catalog *cat, const char *path,
			  const char *open_path,
			  struct tsdt_provider_file *const *pfs,
			  struct tsdt_binary **ret);

/* catalog-provider.c: parse the provider files of @opts into a
 * NULL-terminated array (*ret NULL when there are none); -EINVAL for
 * opts of a bad size (logged). */
struct tsdt_provider_file;
int tsdt_catalog_load_provider_files(const struct tsdt_catalog_opts *opts,
				     struct tsdt_provider_file ***ret);
void tsdt_catalog_free_provider_files(struct tsdt_provider_file **pfs);
/* tsdt_catalog__open_pid() with provider files parsed already (a target
 * parses its own, and the stock ones, once) */
struct tsdt_catalog *
tsdt_catalog_open_pid_pfs(pid_t pid, bool read_sema,
			  struct tsdt_provider_file *const *pfs);
/* tsdt_catalog__open_file() with provider files parsed already (a target
 * parses each once for all the files it reads); NULL with errno. */
struct tsdt_catalog *
tsdt_catalog_open_file_pfs(const char *path,
			   struct tsdt_provider_file *const *pfs);
/* Types from @pfs for probes without a type note; disagreements are
 * reported and counted in bin->problem_cnt. */
int tsdt_catalog_apply_provider_files(struct tsdt_binary *bin,
				      struct tsdt_provider_file *const *pfs);
/* Frees one binary (not linked from a catalog any more). */
void tsdt_catalog_free_binary(struct tsdt_binary *bin);

/* catalog-provider.c: gives @p the types of pattern @pat
 * ("provider:name(TYPE NAME, ...)"), unless a type note types it: 0, or
 * -EINVAL (told) when they cannot apply (another argument count). */
struct tsdt_pattern;
int tsdt_catalog_apply_pattern(struct tsdt_probe *p,
			       const struct tsdt_pattern *pat);
/* pattern.c: a pattern's types, parsed (NULL: none) */
const struct tsdt_pf_probe *tsdt_pattern_types(const struct tsdt_pattern *pat);
const struct tsdt_provider_file *
tsdt_pattern_type_file(const struct tsdt_pattern *pat);

/* fnprobe.c: function probes, as probes of the pseudo-providers "fn"
 * (entry: the first six integer argument registers) and "fn-return" (the
 * return value), one site at each function's entry. */
#define TSDT_FN_PROVIDER "fn"
#define TSDT_FN_RETURN_PROVIDER "fn-return"
/* A new binary in @cat for @path (read through @open_path): one probe per
 * function whose symbol matches @glob. 0 or a negative errno. */
int tsdt_catalog_add_functions(struct tsdt_catalog *cat, const char *path,
			       const char *open_path, const char *glob,
			       bool ret, struct tsdt_binary **out);
/* A "fn-return" probe: attached as a uretprobe. */
bool tsdt_probe_is_return(const struct tsdt_probe *p);

#endif /* TSDT_CATALOG_H */
