/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What `tsdt trace` and `tsdt stat` trace: the probes selected by the
 * user's patterns, in which binaries, for which process (-p PID, a command
 * started with -c, or every process). A thin layer over the catalog.
 *
 * Binaries come from, for a pattern "[binary:]provider:name":
 *   - its binary part: with -p, matched against the binaries the process
 *     maps (path, basename, glob or library stem), and if none matches
 *     opened as a file (a library the process has not loaded yet); without
 *     -p, a path (globs expanded), a command found in PATH, or a library
 *     name the catalog searches for;
 *   - else, with -p: every binary and library the process maps;
 *     with -c: the command's executable (resolved through PATH) and the
 *     shared libraries it needs, found as the dynamic linker will find
 *     them when it starts (tsdt_find_needed_libs(): DT_NEEDED recursively,
 *     DT_RPATH, LD_LIBRARY_PATH, DT_RUNPATH, system directories; a library
 *     not found is left out, a debug message); libraries it opens later
 *     (dlopen) are not searched: name them as BINARY:PROVIDER:NAME;
 *     otherwise it is an error.
 */
#ifndef TSDT_CLI_TARGET_H
#define TSDT_CLI_TARGET_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include <tsdt/libtsdt.h>

#include "util.h"

struct cli_target {
	/* inputs */
	pid_t pid;                     /* -p, else 0 */
	const char *command;           /* -c, else NULL */
	const char **provider_files;   /* NULL-terminated, may be NULL */
	struct tsdt_pattern **pats;
	int pat_cnt;

	/* -c: the command */
	char **argv;                   /* words of the command */
	char cmd_path[PATH_MAX];       /* its executable, resolved */
	size_t cmd_cat, cmd_cat_cnt;   /* its catalogs in cats[]: the
					* executable's, then those of the
					* libraries it needs that have probes */
	int cmd_lib_cnt;               /* libraries it needs (found) */
	pid_t child;                   /* forked, gated until released */
	int gate_fd;                   /* write end of the gate, or -1 */
	bool child_done;
	int child_status;              /* wait status when child_done */

	/* selected probes (in catalogs owned here) */
	struct tsdt_catalog **cats;
	size_t cat_cnt;
	const struct tsdt_probe **probes;
	size_t probe_cnt;
	size_t site_cnt;
};

/* Fill from argv: patterns (exits are the caller's business). Checks what
 * trace and stat share: -p and -c exclude each other, one pattern at least.
 * Returns 0, or -EINVAL with a message printed. */
int cli_target__init(struct cli_target *t, pid_t pid, const char *command,
		     const char **provider_files, char **pats, int pat_cnt);
/* Open catalogs and select probes; messages name what failed. */
int cli_target__select(struct cli_target *t);
/* -c: fork the command, stopped before exec until released; sets t->pid. */
int cli_target__spawn(struct cli_target *t);
/* -c: let the command exec. */
int cli_target__release(struct cli_target *t);
/* Non-blocking: has the traced process (-p) or the command (-c) ended? */
bool cli_target__ended(struct cli_target *t);
/* -c: the exit code tsdt should return (status, or 128 + signal). */
int cli_target__exit_code(const struct cli_target *t);
/* -c: send @sig to the command and wait up to @ms for it to end. */
void cli_target__stop_child(struct cli_target *t, int sig, int ms);
void cli_target__free(struct cli_target *t);
/* Append @path to the NULL-terminated list *@files of *@cnt provider files
 * (--provider-file). 0 or -ENOMEM. */
int cli_add_provider_file(const char ***files, int *cnt, const char *path);

#endif
