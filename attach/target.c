// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A target: what a tracing session traces. The probes selected by
 * patterns (attach/pattern.c), in which binaries, for which process: one
 * (a pid), a command started here (argv: forked, held at a gate before its
 * exec until released, so that it is traced from its first instruction),
 * or every process. `tsdt trace`, `tsdt stat` and a user's tool select
 * with it; a thin layer over the catalog.
 *
 * Binaries come from, for a pattern "[binary:]provider:name":
 *   - its binary part: with a pid, matched against the binaries the process
 *     maps (path, basename, glob or library stem), and if none matches
 *     opened as a file (a library the process has not loaded yet); without
 *     a pid, a path (globs expanded), a command found in PATH, or a library
 *     name the catalog searches for;
 *   - else, with a pid: every binary and library the process maps;
 *     with a command: the command's executable (resolved through PATH) and the
 *     shared libraries it needs, found as the dynamic linker will find
 *     them when it starts (tsdt_find_needed_libs(): DT_NEEDED recursively,
 *     DT_RPATH, LD_LIBRARY_PATH, DT_RUNPATH, system directories; a library
 *     not found is left out, a debug message); libraries it opens later
 *     (dlopen) are not searched: name them as BINARY:PROVIDER:NAME;
 *     otherwise it is an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "deps.h"
#include "internal.h"
#include "log.h"

struct tsdt_target {
	pid_t pid;                     /* the process, or 0 (every process) */
	bool allow_no_match;           /* tsdt_target_opts.allow_no_match */
	char **argv;                   /* the command, copied, or NULL */
	char cmd_path[PATH_MAX];       /* its executable, resolved */
	/* tsdt_target_opts.provider_files and the stock files, parsed once */
	struct tsdt_provider_file **pfs;
	struct tsdt_pattern **pats;
	bool *pat_optional;            /* matching nothing is no error */
	int pat_cnt;

	size_t cmd_cat, cmd_cat_cnt;   /* the command's catalogs in cats[]:
					* the executable's, then those of the
					* libraries it needs that have probes */
	int cmd_lib_cnt;               /* libraries it needs (found) */
	pid_t child;                   /* forked, gated until released */
	int gate_fd;                   /* write end of the gate, or -1 */
	bool child_done;
	int child_status;              /* wait status when child_done */

	struct tsdt_catalog **cats;
	size_t cat_cnt;
	const struct tsdt_probe **probes;
	size_t probe_cnt;
	size_t site_cnt;
};

static char **copy_strv(char *const *v)
{
	size_t n = 0, sz = 0;
	char **out, *p;

	for (; v[n]; n++)
		sz += strlen(v[n]) + 1;
	out = malloc((n + 1) * sizeof(*out) + sz);
	if (!out)
		return NULL;
	p = (char *)(out + n + 1);
	for (size_t i = 0; i < n; i++) {
		out[i] = strcpy(p, v[i]);
		p += strlen(v[i]) + 1;
	}
	out[n] = NULL;
	return out;
}

struct tsdt_target *tsdt_target__new(const struct tsdt_target_opts *opts)
{
	char *const *argv;
	const char *const *pf;
	struct tsdt_target *t;
	int err;

	if (!TSDT_OPTS_VALID(opts, tsdt_target_opts))
		return tsdt_err_ptr(-EINVAL);
	argv = TSDT_OPTS_GET(opts, argv, NULL);
	pf = TSDT_OPTS_GET(opts, provider_files, NULL);
	if (argv && !argv[0])
		return tsdt_err_ptr(-EINVAL);
	if (argv && TSDT_OPTS_GET(opts, pid, 0) > 0) {
		pr_warn("target: a process and a command exclude each other\n");
		return tsdt_err_ptr(-EINVAL);
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return tsdt_err_ptr(-ENOMEM);
	t->gate_fd = -1;
	t->allow_no_match = TSDT_OPTS_GET(opts, allow_no_match, false);
	t->pid = TSDT_OPTS_GET(opts, pid, 0);
	if (t->pid < 0)
		t->pid = 0;
	{
		TSDT_OPTS(tsdt_catalog_opts, copts, .provider_files = pf,
			  .stock_dir = TSDT_OPTS_GET(opts, stock_dir, NULL),
			  .no_stock_types = TSDT_OPTS_GET(opts, no_stock_types,
							  false));

		/* once, the given files and the stock ones, for every file
		 * this target reads (a bad one is reported here, by name) */
		err = tsdt_catalog_load_provider_files(&copts, &t->pfs);
		if (err)
			goto err_out;
	}
	if (argv) {
		t->argv = copy_strv(argv);
		if (!t->argv) {
			err = -ENOMEM;
			goto err_out;
		}
		err = tsdt_find_in_path(t->argv[0], t->cmd_path,
					sizeof(t->cmd_path));
		if (err) {
			pr_warn("target: command '%s' not found%s\n", t->argv[0],
				strchr(t->argv[0], '/') ? "" : " in PATH");
			goto err_out;
		}
	}
	return t;
err_out:
	tsdt_target__free(t);
	return tsdt_err_ptr(err);
}

static int add_pattern(struct tsdt_target *t, const char *text, bool optional);

int tsdt_target__add_pattern(struct tsdt_target *t, const char *text)
{
	return add_pattern(t, text, false);
}

int tsdt_target__add_optional_pattern(struct tsdt_target *t, const char *text)
{
	return add_pattern(t, text, true);
}

static int add_pattern(struct tsdt_target *t, const char *text, bool optional)
{
	bool *opt;
	struct tsdt_pattern **pats, *pat;

	if (!t || !text)
		return -EINVAL;
	pat = tsdt_pattern__new(text);
	if (!pat) {
		int err = -errno;

		if (err != -EINVAL) /* a bad one: the pattern said why */
			pr_warn("target: probe pattern '%s': %s\n", text,
				strerror(-err));
		return err;
	}
	pats = realloc(t->pats, (t->pat_cnt + 1) * sizeof(*pats));
	if (!pats) {
		tsdt_pattern__free(pat);
		return -ENOMEM;
	}
	t->pats = pats;
	opt = realloc(t->pat_optional, (t->pat_cnt + 1) * sizeof(*opt));
	if (!opt) {
		tsdt_pattern__free(pat);
		return -ENOMEM;
	}
	t->pat_optional = opt;
	t->pat_optional[t->pat_cnt] = optional;
	t->pats[t->pat_cnt++] = pat;
	return 0;
}

size_t tsdt_target__probe_cnt(const struct tsdt_target *t)
{
	return t ? t->probe_cnt : 0;
}

const struct tsdt_probe *tsdt_target__probe(const struct tsdt_target *t,
					    size_t i)
{
	return t && i < t->probe_cnt ? t->probes[i] : NULL;
}

size_t tsdt_target__site_cnt(const struct tsdt_target *t)
{
	return t ? t->site_cnt : 0;
}

size_t tsdt_target__mismatch_cnt(const struct tsdt_target *t)
{
	size_t n = 0;

	for (size_t i = 0; t && i < t->cat_cnt; i++)
		n += tsdt_catalog__mismatch_cnt(t->cats[i]);
	return n;
}

pid_t tsdt_target__pid(const struct tsdt_target *t)
{
	return t ? t->pid : 0;
}

char *const *tsdt_target__argv(const struct tsdt_target *t)
{
	return t ? t->argv : NULL;
}

const char *tsdt_target__command_path(const struct tsdt_target *t)
{
	return t && t->argv ? t->cmd_path : NULL;
}

static struct tsdt_catalog *add_catalog(struct tsdt_target *t,
					struct tsdt_catalog *cat)
{
	struct tsdt_catalog **cats;

	if (!cat)
		return NULL;
	cats = realloc(t->cats, (t->cat_cnt + 1) * sizeof(*cats));
	if (!cats) {
		tsdt_catalog__free(cat);
		errno = ENOMEM;
		return NULL;
	}
	t->cats = cats;
	t->cats[t->cat_cnt++] = cat;
	return cat;
}

static struct tsdt_catalog *open_file(struct tsdt_target *t, const char *path)
{
	struct tsdt_catalog *cat = tsdt_catalog_open_file_pfs(path, t->pfs);

	if (!cat)
		return NULL; /* the catalog said why */
	return add_catalog(t, cat);
}

static int add_probe(struct tsdt_target *t, const struct tsdt_probe *probe)
{
	const struct tsdt_probe **probes;

	for (size_t i = 0; i < t->probe_cnt; i++)
		if (tsdt_probe_same(t->probes[i], probe))
			return 0;
	probes = realloc(t->probes, (t->probe_cnt + 1) * sizeof(*probes));
	if (!probes)
		return -ENOMEM;
	t->probes = probes;
	t->probes[t->probe_cnt++] = probe;
	t->site_cnt += tsdt_probe__site_cnt(probe);
	return 0;
}

/* Add the probes of @bin matching @pat; returns how many matched or <0. */
static long match_binary(struct tsdt_target *t, const struct tsdt_pattern *pat,
			 const struct tsdt_binary *bin)
{
	long n = 0;

	for (size_t i = 0; i < tsdt_binary__probe_cnt(bin); i++) {
		const struct tsdt_probe *p = tsdt_binary__probe(bin, i);
		int err;

		if (!tsdt_pattern__match_names(pat, tsdt_probe__provider(p),
					       tsdt_probe__name(p)))
			continue;
		/* the pattern's own types: the catalogs are the target's */
		err = tsdt_catalog_apply_pattern((struct tsdt_probe *)p, pat);
		if (err)
			return err;
		err = add_probe(t, p);
		if (err)
			return err;
		n++;
	}
	return n;
}

static long match_catalog(struct tsdt_target *t, const struct tsdt_pattern *pat,
			  struct tsdt_catalog *cat, bool filter_binary,
			  bool *bin_seen)
{
	long n = 0;

	for (size_t i = 0; i < tsdt_catalog__binary_cnt(cat); i++) {
		const struct tsdt_binary *bin = tsdt_catalog__binary(cat, i);
		long m;

		if (filter_binary &&
		    !tsdt_pattern__match_path(pat, tsdt_binary__path(bin)))
			continue;
		if (bin_seen)
			*bin_seen = true;
		m = match_binary(t, pat, bin);
		if (m < 0)
			return m;
		n += m;
	}
	return n;
}

/* The USDT probes of one file matching @pat. */
static long match_usdt_file(struct tsdt_target *t, const struct tsdt_pattern *pat,
			    const char *path, bool ret)
{
	struct tsdt_catalog *cat = open_file(t, path);

	(void)ret;
	if (!cat)
		return -errno;
	return match_catalog(t, pat, cat, false, NULL);
}

typedef long (*file_match_fn)(struct tsdt_target *t,
			      const struct tsdt_pattern *pat, const char *path,
			      bool ret);

/* @fn on every file the pattern's binary glob names. */
static long match_glob(struct tsdt_target *t, const struct tsdt_pattern *pat,
		       file_match_fn fn, bool ret)
{
	const char *binary = tsdt_pattern__binary(pat);
	long n = 0, m;
	glob_t g;
	int err = glob(binary, 0, NULL, &g);

	if (err == GLOB_NOMATCH) {
		pr_warn("target: no file matches '%s'\n", binary);
		return -ENOENT;
	}
	if (err)
		return -ENOMEM;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		m = fn(t, pat, g.gl_pathv[i], ret);
		if (m < 0) {
			globfree(&g);
			return m;
		}
		n += m;
	}
	globfree(&g);
	return n;
}

/* A pattern's binary part without -p: files to open. */
static long match_files(struct tsdt_target *t, const struct tsdt_pattern *pat)
{
	const char *binary = tsdt_pattern__binary(pat);
	char path[PATH_MAX];

	if (tsdt_pattern__binary_is_glob(pat))
		return match_glob(t, pat, match_usdt_file, false);
	/* a command in PATH ("postgres" is not in PATH, "bash" is), else a
	 * path or a library name for the catalog */
	if (strchr(binary, '/') || tsdt_find_in_path(binary, path, sizeof(path)))
		snprintf(path, sizeof(path), "%s", binary);
	{
		struct tsdt_catalog *cat = open_file(t, path);

		if (!cat)
			return -errno;
		return match_catalog(t, pat, cat, false, NULL);
	}
}

/*
 * -c: catalogs of the command's executable and of the shared libraries it
 * needs, found as the dynamic linker will find them (tsdt_find_needed_libs(),
 * with tsdt's LD_LIBRARY_PATH, which the command inherits). A library
 * without probes costs its notes only and is not kept; one that cannot be
 * found or read is left out (the library says why, with -v; the dynamic
 * linker reports a truly missing one when the command starts).
 * Sets t->cmd_cat, t->cmd_cat_cnt (in t->cats) and t->cmd_lib_cnt.
 */
static int open_command(struct tsdt_target *t)
{
	TSDT_OPTS(tsdt_needed_libs_opts, nopts,
		  .library_path = getenv("LD_LIBRARY_PATH"));
	char **libs = NULL;
	int n;

	if (!open_file(t, t->cmd_path))
		return -errno;
	t->cmd_cat = t->cat_cnt - 1;
	t->cmd_cat_cnt = 1;
	n = tsdt_find_needed_libs(t->cmd_path, &nopts, &libs);
	if (n == -ENOMEM)
		return n;
	for (int i = 0; i < n; i++) {
		struct tsdt_catalog *cat = tsdt_catalog_open_file_pfs(libs[i],
								    t->pfs);
		const struct tsdt_binary *bin = cat ? tsdt_catalog__binary(cat, 0) : NULL;

		if (!bin || !tsdt_binary__probe_cnt(bin)) {
			tsdt_catalog__free(cat);
			continue;
		}
		if (!add_catalog(t, cat)) {
			free(libs);
			return -ENOMEM;
		}
		t->cmd_cat_cnt++;
	}
	t->cmd_lib_cnt = n > 0 ? n : 0;
	free(libs);
	return 0;
}

/* A pattern of function probes: provider "fn" or "fn-return". */
static bool fn_pattern(const struct tsdt_pattern *pat, bool *ret)
{
	const char *prov = tsdt_pattern__provider(pat);

	*ret = !strcmp(prov, TSDT_FN_RETURN_PROVIDER);
	return *ret || !strcmp(prov, TSDT_FN_PROVIDER);
}

/* The function probes of one file matching @pat (a catalog of their own). */
static long match_fn_file(struct tsdt_target *t, const struct tsdt_pattern *pat,
			  const char *path, bool ret)
{
	struct tsdt_catalog *cat = calloc(1, sizeof(*cat));
	int err;

	if (!cat)
		return -ENOMEM;
	err = tsdt_catalog_add_functions(cat, path, path, tsdt_pattern__name(pat),
					 ret, NULL);
	if (err) {
		if (err != -ENOMEM)
			pr_warn("target: cannot read the functions of %s: %s\n",
				path, strerror(-err));
		tsdt_catalog__free(cat);
		return err;
	}
	if (!add_catalog(t, cat))
		return -ENOMEM;
	return match_catalog(t, pat, cat, false, NULL);
}

/*
 * "BINARY:fn:SYMBOL" / "BINARY:fn-return:SYMBOL": the binary part a path
 * (globs expanded), a command in PATH, or a library name; without one, the
 * command's program (-c) or the process's (-p).
 */
static long match_functions(struct tsdt_target *t, const struct tsdt_pattern *pat,
			    bool ret)
{
	const char *binary = tsdt_pattern__binary(pat);
	char path[PATH_MAX];

	if (!binary) {
		if (t->argv)
			return match_fn_file(t, pat, t->cmd_path, ret);
		if (t->pid > 0) {
			snprintf(path, sizeof(path), "/proc/%d/exe", (int)t->pid);
			return match_fn_file(t, pat, path, ret);
		}
		pr_warn("target: '%s' names no binary: write it as BINARY:%s:%s\n",
			tsdt_pattern__text(pat), tsdt_pattern__provider(pat),
			tsdt_pattern__name(pat));
		return -EINVAL;
	}
	if (tsdt_pattern__binary_is_glob(pat))
		return match_glob(t, pat, match_fn_file, ret);
	if (!strchr(binary, '/') && tsdt_find_in_path(binary, path, sizeof(path)) &&
	    tsdt_find_library(binary, path, sizeof(path)))
		snprintf(path, sizeof(path), "%s", binary);
	else if (strchr(binary, '/'))
		snprintf(path, sizeof(path), "%s", binary);
	return match_fn_file(t, pat, path, ret);
}

int tsdt_target__select(struct tsdt_target *t)
{
	struct tsdt_catalog *pid_cat = NULL;
	bool cmd_open = false;

	if (t->pid > 0) {
		pid_cat = add_catalog(t, tsdt_catalog_open_pid_pfs(t->pid, false,
								   t->pfs));
		if (!pid_cat)
			return -ESRCH; /* the catalog said why */
	}
	for (int i = 0; i < t->pat_cnt; i++) {
		const struct tsdt_pattern *pat = t->pats[i];
		const char *binary = tsdt_pattern__binary(pat);
		bool ret;
		long n;

		if (fn_pattern(pat, &ret)) {
			n = match_functions(t, pat, ret);
		} else if (binary && pid_cat) {
			bool seen = false;

			n = match_catalog(t, pat, pid_cat, true, &seen);
			/* a file the process has not mapped (yet), say a
			 * library it will dlopen: open it; a glob only
			 * selects among the mapped files */
			if (n == 0 && !seen && !tsdt_pattern__binary_is_glob(pat))
				n = match_files(t, pat);
		} else if (binary) {
			n = match_files(t, pat);
		} else if (pid_cat) {
			n = match_catalog(t, pat, pid_cat, false, NULL);
		} else if (t->argv) {
			if (!cmd_open) {
				int err = open_command(t);

				if (err)
					return err;
				cmd_open = true;
			}
			n = 0;
			for (size_t c = t->cmd_cat; c < t->cmd_cat + t->cmd_cat_cnt; c++) {
				long m = match_catalog(t, pat, t->cats[c], false, NULL);

				if (m < 0)
					return m;
				n += m;
			}
		} else if (t->allow_no_match || t->pat_optional[i]) {
			continue; /* for the files followed processes map */
		} else {
			pr_warn("target: probe '%s' names no binary: write it as BINARY:%s:%s, "
				"or give a process (-p PID) or a command (-c CMD)\n",
				tsdt_pattern__text(pat), tsdt_pattern__provider(pat),
				tsdt_pattern__name(pat));
			return -EINVAL;
		}
		if (n < 0)
			return n;
		if (n == 0 && t->pat_optional[i])
			continue;
		if (n == 0) {
			char where[PATH_MAX + 64] = "";

			if (pid_cat && !binary)
				snprintf(where, sizeof(where), " in process %d",
					 (int)t->pid);
			else if (pid_cat && tsdt_pattern__binary_is_glob(pat))
				snprintf(where, sizeof(where),
					 " among the files process %d maps",
					 (int)t->pid);
			else if (t->argv && !binary)
				snprintf(where, sizeof(where),
					 " in %s or the %d librar%s it needs",
					 t->cmd_path, t->cmd_lib_cnt,
					 t->cmd_lib_cnt == 1 ? "y" : "ies");
			if (t->allow_no_match) {
				pr_warn("target: no probe matches '%s'%s yet\n",
					tsdt_pattern__text(pat), where);
				continue;
			}
			pr_warn("target: no probe matches '%s'%s (see tsdt list)\n",
				tsdt_pattern__text(pat), where);
			return -ENOENT;
		}
	}
	return 0;
}

int tsdt_target__add_file(struct tsdt_target *t, const char *path,
			  const char *open_path)
{
	struct tsdt_catalog *cat;
	struct tsdt_binary *bin = NULL;
	size_t before, sites;
	struct stat st;
	long n = 0;
	int err;

	if (!t || !path)
		return -EINVAL;
	if (!open_path)
		open_path = path;
	/* a file read already (a pattern named it, or the command needs it) */
	if (!stat(open_path, &st))
		for (size_t i = 0; i < t->cat_cnt; i++)
			for (size_t j = 0; j < tsdt_catalog__binary_cnt(t->cats[i]); j++) {
				const struct tsdt_binary *b =
					tsdt_catalog__binary(t->cats[i], j);

				if (b->dev == (uint64_t)st.st_dev &&
				    b->ino == (uint64_t)st.st_ino)
					return 0;
			}
	cat = calloc(1, sizeof(*cat));
	if (!cat)
		return -ENOMEM;
	err = tsdt_catalog_add_file(cat, path, open_path, t->pfs, &bin);
	if (err || !bin->probe_cnt) {
		tsdt_catalog__free(cat);
		return err;
	}
	before = t->probe_cnt;
	sites = t->site_cnt;
	for (int i = 0; i < t->pat_cnt; i++) {
		const struct tsdt_pattern *pat = t->pats[i];
		long m;

		if (!tsdt_pattern__match_path(pat, path))
			continue;
		m = match_binary(t, pat, bin);
		if (m < 0) {
			n = m;
			break;
		}
		n += m;
	}
	if (n <= 0 || t->probe_cnt == before) {
		t->probe_cnt = before;
		t->site_cnt = sites;
		tsdt_catalog__free(cat);
		return n < 0 ? (int)n : 0;
	}
	if (!add_catalog(t, cat)) {
		t->probe_cnt = before;
		t->site_cnt = sites;
		return -ENOMEM;
	}
	pr_debug("target: %s: %zu probes selected\n", path, t->probe_cnt - before);
	return (int)(t->probe_cnt - before);
}

int tsdt_target__spawn(struct tsdt_target *t)
{
	int gate[2];
	pid_t pid;

	if (pipe2(gate, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(gate[0]);
		close(gate[1]);
		return err;
	}
	if (pid == 0) {
		char c;

		close(gate[1]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		/* EOF without a byte: the tracer gave up; never run untraced */
		if (read(gate[0], &c, 1) != 1)
			_exit(127);
		execv(t->cmd_path, t->argv);
		/* no print callback in the child: straight to stderr */
		dprintf(STDERR_FILENO, "tsdt: cannot run '%s': %s\n",
			t->cmd_path, strerror(errno));
		_exit(127);
	}
	close(gate[0]);
	t->gate_fd = gate[1];
	t->child = pid;
	t->pid = pid;
	return 0;
}

int tsdt_target__release(struct tsdt_target *t)
{
	int err = 0;

	if (t->gate_fd < 0)
		return 0;
	if (write(t->gate_fd, "x", 1) != 1)
		err = -errno;
	close(t->gate_fd);
	t->gate_fd = -1;
	return err;
}

bool tsdt_target__ended(struct tsdt_target *t)
{
	if (t->child) {
		if (!t->child_done &&
		    waitpid(t->child, &t->child_status, WNOHANG) == t->child)
			t->child_done = true;
		return t->child_done;
	}
	if (t->pid > 0) {
		char state;

		if (kill(t->pid, 0) && errno == ESRCH)
			return true;
		/* exited but not reaped yet: state Z (or X) */
		return !tsdt_proc_stat(t->pid, &state, NULL) &&
		       (state == 'Z' || state == 'X');
	}
	return false;
}

int tsdt_target__wait_status(const struct tsdt_target *t)
{
	return t && t->child_done ? t->child_status : -1;
}

void tsdt_target__stop(struct tsdt_target *t, int sig, int ms)
{
	if (!t->child || t->child_done)
		return;
	if (t->gate_fd >= 0) { /* never released: it exits 127 at EOF */
		close(t->gate_fd);
		t->gate_fd = -1;
	} else {
		kill(t->child, sig);
	}
	for (int i = 0; i <= ms; i += 10) {
		if (tsdt_target__ended(t))
			return;
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
}

void tsdt_target__free(struct tsdt_target *t)
{
	if (!t)
		return;
	if (t->gate_fd >= 0) /* never released: it exits 127 at EOF */
		close(t->gate_fd);
	for (size_t i = 0; i < t->cat_cnt; i++)
		tsdt_catalog__free(t->cats[i]);
	free(t->cats);
	free(t->probes);
	for (int i = 0; i < t->pat_cnt; i++)
		tsdt_pattern__free(t->pats[i]);
	free(t->pats);
	free(t->pat_optional);
	free(t->argv);
	tsdt_catalog_free_provider_files(t->pfs);
	free(t);
}
