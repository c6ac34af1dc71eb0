// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Probe selection and the traced process for `tsdt trace` / `tsdt stat`;
 * see target.h. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wordexp.h>

#include "target.h"

int cli_target__init(struct cli_target *t, pid_t pid, const char *command,
		     const char **provider_files, char **pats, int pat_cnt)
{
	memset(t, 0, sizeof(*t));
	t->gate_fd = -1;
	if (pid && command) {
		fprintf(stderr, "tsdt: -p and -c exclude each other\n");
		return -EINVAL;
	}
	if (pat_cnt <= 0) {
		fprintf(stderr, "tsdt: no probe given (PROVIDER:NAME or BINARY:PROVIDER:NAME)\n");
		return -EINVAL;
	}
	t->pid = pid;
	t->command = command;
	t->provider_files = provider_files;
	t->pats = calloc(pat_cnt, sizeof(*t->pats));
	if (!t->pats)
		return -ENOMEM;
	for (int i = 0; i < pat_cnt; i++) {
		t->pats[i] = tsdt_pattern__new(pats[i]);
		if (!t->pats[i]) {
			int err = -errno;

			fprintf(stderr, "tsdt: bad probe pattern '%s': %s\n", pats[i],
				err == -EINVAL ? "expected [binary:]provider:name"
					       : strerror(-err));
			return err;
		}
		t->pat_cnt++;
	}
	if (command) {
		wordexp_t we;
		int err = wordexp(command, &we, WRDE_NOCMD | WRDE_SHOWERR);

		if (err || we.we_wordc == 0) {
			fprintf(stderr, "tsdt: cannot parse command '%s'%s\n", command,
				err == WRDE_CMDSUB ? ": command substitution is not allowed" : "");
			if (!err)
				wordfree(&we);
			return -EINVAL;
		}
		t->argv = we.we_wordv; /* kept; freed with the process */
		if (cli_find_in_path(t->argv[0], t->cmd_path, sizeof(t->cmd_path))) {
			fprintf(stderr, "tsdt: command '%s' not found%s\n", t->argv[0],
				strchr(t->argv[0], '/') ? "" : " in PATH");
			return -ENOENT;
		}
	}
	return 0;
}

static struct tsdt_catalog *add_catalog(struct cli_target *t,
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

static struct tsdt_catalog *open_file(struct cli_target *t, const char *path)
{
	TSDT_OPTS(tsdt_catalog_opts, opts,
		  .provider_files = (const char *const *)t->provider_files);
	struct tsdt_catalog *cat = tsdt_catalog__open_file(path, &opts);

	if (!cat) {
		int err = errno;

		fprintf(stderr, "tsdt: cannot read probes of '%s': %s\n", path,
			strerror(err));
		errno = err;
		return NULL;
	}
	return add_catalog(t, cat);
}

static bool same_probe(const struct tsdt_probe *a, const struct tsdt_probe *b)
{
	/* one file through two paths is one binary (the tracer agrees) */
	return a == b ||
	       (!strcmp(tsdt_probe__provider(a), tsdt_probe__provider(b)) &&
		!strcmp(tsdt_probe__name(a), tsdt_probe__name(b)) &&
		tsdt_binary__same_file(tsdt_probe__binary(a),
				       tsdt_probe__binary(b)));
}

static int add_probe(struct cli_target *t, const struct tsdt_probe *probe)
{
	const struct tsdt_probe **probes;

	for (size_t i = 0; i < t->probe_cnt; i++)
		if (same_probe(t->probes[i], probe))
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
static long match_binary(struct cli_target *t, const struct tsdt_pattern *pat,
			 const struct tsdt_binary *bin)
{
	long n = 0;

	for (size_t i = 0; i < tsdt_binary__probe_cnt(bin); i++) {
		const struct tsdt_probe *p = tsdt_binary__probe(bin, i);
		int err;

		if (!tsdt_pattern__match_names(pat, tsdt_probe__provider(p),
					       tsdt_probe__name(p)))
			continue;
		err = add_probe(t, p);
		if (err)
			return err;
		n++;
	}
	return n;
}

static long match_catalog(struct cli_target *t, const struct tsdt_pattern *pat,
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

/* A pattern's binary part without -p: files to open. */
static long match_files(struct cli_target *t, const struct tsdt_pattern *pat)
{
	const char *binary = tsdt_pattern__binary(pat);
	char path[PATH_MAX];
	long n = 0;

	if (tsdt_pattern__binary_is_glob(pat)) {
		glob_t g;
		int err = glob(binary, 0, NULL, &g);

		if (err == GLOB_NOMATCH) {
			fprintf(stderr, "tsdt: no file matches '%s'\n", binary);
			return -ENOENT;
		}
		if (err)
			return -ENOMEM;
		for (size_t i = 0; i < g.gl_pathc; i++) {
			struct tsdt_catalog *cat = open_file(t, g.gl_pathv[i]);
			long m;

			if (!cat) {
				globfree(&g);
				return -errno;
			}
			m = match_catalog(t, pat, cat, false, NULL);
			if (m < 0) {
				globfree(&g);
				return m;
			}
			n += m;
		}
		globfree(&g);
		return n;
	}
	/* a command in PATH ("postgres" is not in PATH, "bash" is), else a
	 * path or a library name for the catalog */
	if (strchr(binary, '/') || cli_find_in_path(binary, path, sizeof(path)))
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
static int open_command(struct cli_target *t)
{
	TSDT_OPTS(tsdt_needed_libs_opts, nopts,
		  .library_path = getenv("LD_LIBRARY_PATH"));
	TSDT_OPTS(tsdt_catalog_opts, opts,
		  .provider_files = (const char *const *)t->provider_files);
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
		struct tsdt_catalog *cat = tsdt_catalog__open_file(libs[i], &opts);
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

int cli_target__select(struct cli_target *t)
{
	struct tsdt_catalog *pid_cat = NULL;
	bool cmd_open = false;

	if (t->pid > 0) {
		TSDT_OPTS(tsdt_catalog_opts, opts,
			  .provider_files = (const char *const *)t->provider_files);

		pid_cat = add_catalog(t, tsdt_catalog__open_pid(t->pid, &opts));
		if (!pid_cat) {
			fprintf(stderr, "tsdt: cannot read probes of process %d: %s\n",
				(int)t->pid, strerror(errno));
			return -ESRCH;
		}
	}
	for (int i = 0; i < t->pat_cnt; i++) {
		const struct tsdt_pattern *pat = t->pats[i];
		const char *binary = tsdt_pattern__binary(pat);
		long n;

		if (binary && pid_cat) {
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
		} else if (t->command) {
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
		} else {
			fprintf(stderr,
				"tsdt: probe '%s' names no binary: write it as BINARY:%s:%s, "
				"or give -p PID or -c CMD\n",
				tsdt_pattern__text(pat), tsdt_pattern__provider(pat),
				tsdt_pattern__name(pat));
			return -EINVAL;
		}
		if (n < 0)
			return n;
		if (n == 0) {
			fprintf(stderr, "tsdt: no probe matches '%s'",
				tsdt_pattern__text(pat));
			if (pid_cat && !binary)
				fprintf(stderr, " in process %d", (int)t->pid);
			else if (pid_cat && tsdt_pattern__binary_is_glob(pat))
				fprintf(stderr, " among the files process %d maps",
					(int)t->pid);
			else if (t->command && !binary)
				fprintf(stderr, " in %s or the %d librar%s it needs",
					t->cmd_path, t->cmd_lib_cnt,
					t->cmd_lib_cnt == 1 ? "y" : "ies");
			fprintf(stderr, " (see tsdt list)\n");
			return -ENOENT;
		}
	}
	return 0;
}

int cli_target__spawn(struct cli_target *t)
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
		fprintf(stderr, "tsdt: cannot run '%s': %s\n", t->cmd_path,
			strerror(errno));
		_exit(127);
	}
	close(gate[0]);
	t->gate_fd = gate[1];
	t->child = pid;
	t->pid = pid;
	return 0;
}

int cli_target__release(struct cli_target *t)
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

bool cli_target__ended(struct cli_target *t)
{
	if (t->child) {
		if (!t->child_done &&
		    waitpid(t->child, &t->child_status, WNOHANG) == t->child)
			t->child_done = true;
		return t->child_done;
	}
	if (t->pid > 0) {
		char path[64], buf[256], *p;
		FILE *f;
		bool zombie = false;

		if (kill(t->pid, 0) && errno == ESRCH)
			return true;
		/* exited but not reaped yet: state Z (or X) in /proc/PID/stat */
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)t->pid);
		f = fopen(path, "re");
		if (!f)
			return false;
		if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) &&
		    p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
			zombie = true;
		fclose(f);
		return zombie;
	}
	return false;
}

int cli_target__exit_code(const struct cli_target *t)
{
	if (!t->child_done)
		return 1;
	if (WIFEXITED(t->child_status))
		return WEXITSTATUS(t->child_status);
	if (WIFSIGNALED(t->child_status))
		return 128 + WTERMSIG(t->child_status);
	return 1;
}

void cli_target__stop_child(struct cli_target *t, int sig, int ms)
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
		if (cli_target__ended(t))
			return;
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
}

void cli_target__free(struct cli_target *t)
{
	if (t->gate_fd >= 0)
		close(t->gate_fd);
	for (size_t i = 0; i < t->cat_cnt; i++)
		tsdt_catalog__free(t->cats[i]);
	free(t->cats);
	free(t->probes);
	for (int i = 0; i < t->pat_cnt; i++)
		tsdt_pattern__free(t->pats[i]);
	free(t->pats);
	if (t->argv) {
		wordexp_t we = { .we_wordc = 0, .we_wordv = t->argv, .we_offs = 0 };

		for (char **a = t->argv; *a; a++)
			we.we_wordc++;
		wordfree(&we);
	}
	memset(t, 0, sizeof(*t));
	t->gate_fd = -1;
}

int cli_add_provider_file(const char ***files, int *cnt, const char *path)
{
	const char **p = realloc(*files, (*cnt + 2) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	p[(*cnt)++] = path;
	p[*cnt] = NULL;
	*files = p;
	return 0;
}
