// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tsdt-gen's command line: that of `dtrace -h` / `dtrace -G` (as Solaris'
 * and SystemTap's dtrace accept it, so DTRACE=tsdt-gen works in projects
 * written for DTrace), plus our own outputs (--bpf, --source, --format).
 *
 *   -C runs the C preprocessor over the provider file first: $CPP if set,
 *      else "$CC -E -x c" if CC is set, else "cpp"; -I/-D/-U are passed on.
 *   -G compiles the "source" output with $CC (default cc) and $CFLAGS.
 *   Other arguments that are not options (PostgreSQL passes its object
 *   files to dtrace -G, which Solaris' dtrace rewrites) are ignored.
 *   -x OPT, -32, -64, -fpic, -fPIC, -k, --types and --no-pyparsing (the
 *   last two from SystemTap's dtrace) are accepted for
 *   compatibility and ignored.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gen.h"

#ifndef TSDT_VERSION
#define TSDT_VERSION "0.1.0"
#endif

#define MAX_CMD_ARGS 512

struct gen_args {
	const char *prog;
	const struct gen_format *fmt;
	const char *input;
	const char *output;
	bool cpp;
	bool verbose;
	int pp_cnt; /* -I/-D/-U, in order, as "-Ifoo" strings */
	char *pp[MAX_CMD_ARGS / 2];
};

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s (-h | -G | -B | --source | --format=FORMAT) [-C] [-I DIR]\n"
		"          [-D NAME[=VALUE]] [-U NAME] [-v] -s FILE.d [-o OUTPUT]\n"
		"\n"
		"Compile a DTrace-style provider file into a probe header over\n"
		"<sys/tsdt.h> (-h), an object defining the probes' semaphores (-G)\n"
		"or a header of typed BPF handlers (-B). Accepts dtrace's command line.\n"
		"\n"
		"Options:\n"
		"  -h            write the application header (default OUTPUT: FILE.h)\n"
		"  -G            write the semaphore object, compiled with $CC (FILE.o)\n"
		"  -B, --bpf     write the BPF handler header (FILE.bpf.h)\n"
		"  --source      write the C source of the -G object (FILE.c)\n"
		"  --format=F    any output by name: header object source bpf\n"
		"  -C            run the C preprocessor on FILE.d first ($CPP, or $CC -E)\n"
		"  -I DIR, -D NAME[=VALUE], -U NAME\n"
		"                preprocessor options (for -C, and for $CC with -G)\n"
		"  -s FILE.d     the provider file\n"
		"  -o OUTPUT     output file ('-' for standard output, not with -G)\n"
		"  -v            show the commands run\n"
		"  -x OPT, -32, -64, -fpic, -fPIC, -k   accepted and ignored (dtrace)\n"
		"\n"
		"Examples:\n"
		"  %s -h -s probes/app.d -o app_probes.h\n"
		"  %s -G -s probes/app.d -o app_probes.o\n"
		"  %s -C -h -s probes.d -o probes.h     # as PostgreSQL's build runs dtrace\n"
		"  %s -B -s probes/app.d -o app_probes.bpf.h\n",
		prog, prog, prog, prog, prog);
}

static int quiet_print(enum tsdt_print_level level, const char *fmt,
		       va_list args)
{
	return 0;
}

static int verbose_print(enum tsdt_print_level level, const char *fmt,
			 va_list args)
{
	if (level == TSDT_WARN)
		return 0; /* errors come back to us and are printed once */
	return vfprintf(stderr, fmt, args);
}

static int set_format(struct gen_args *a, const char *name)
{
	const struct gen_format *fmt = gen_format__find(name);

	if (!fmt) {
		fprintf(stderr, "%s: unknown output format '%s' (header, object, source, bpf)\n",
			a->prog, name);
		return -EINVAL;
	}
	if (a->fmt && a->fmt != fmt) {
		fprintf(stderr, "%s: choose one output: -%s given after another\n",
			a->prog, !strcmp(name, "header") ? "h" :
				 !strcmp(name, "object") ? "G" :
				 !strcmp(name, "bpf") ? "B" : "-format");
		return -EINVAL;
	}
	a->fmt = fmt;
	return 0;
}

static int add_pp(struct gen_args *a, char opt, const char *val)
{
	size_t n = strlen(val) + 3;

	if (a->pp_cnt >= (int)(sizeof(a->pp) / sizeof(a->pp[0]))) {
		fprintf(stderr, "%s: too many -I/-D/-U options\n", a->prog);
		return -E2BIG;
	}
	a->pp[a->pp_cnt] = malloc(n);
	if (!a->pp[a->pp_cnt])
		return -ENOMEM;
	snprintf(a->pp[a->pp_cnt++], n, "-%c%s", opt, val);
	return 0;
}

/* @return 0 to go on, 1 to exit 0 (help/version), <0 for a usage error. */
static int parse_args(struct gen_args *a, int argc, char **argv)
{
	int err;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (arg[0] != '-' || !arg[1]) {
			/* object files for Solaris' dtrace -G: ignored */
			if (a->verbose)
				fprintf(stderr, "%s: ignoring argument '%s'\n", a->prog, arg);
			continue;
		}
		if (!strcmp(arg, "-64") || !strcmp(arg, "-32") ||
		    !strcmp(arg, "-fpic") || !strcmp(arg, "-fPIC") ||
		    !strcmp(arg, "--types") || !strcmp(arg, "--no-pyparsing"))
			continue;
		if (!strcmp(arg, "--help")) {
			usage(stdout, a->prog);
			return 1;
		}
		if (!strcmp(arg, "--version")) {
			printf("tsdt-gen %s\n", TSDT_VERSION);
			return 1;
		}
		if (!strcmp(arg, "--bpf")) {
			if ((err = set_format(a, "bpf")))
				return err;
			continue;
		}
		if (!strcmp(arg, "--source")) {
			if ((err = set_format(a, "source")))
				return err;
			continue;
		}
		if (!strncmp(arg, "--format", 8) && (arg[8] == '=' || !arg[8])) {
			const char *v = arg[8] == '=' ? arg + 9 : argv[++i];

			if (!v) {
				fprintf(stderr, "%s: --format needs a value\n", a->prog);
				return -EINVAL;
			}
			if ((err = set_format(a, v)))
				return err;
			continue;
		}
		if (arg[1] == '-') {
			fprintf(stderr, "%s: unknown option '%s'\n", a->prog, arg);
			return -EINVAL;
		}
		/* short options, getopt-style: flags may be grouped (-Ch), an
		 * option's value follows it (-Idir) or is the next argument */
		for (const char *c = arg + 1; *c; c++) {
			const char *val = NULL;

			if (strchr("osIDUx", *c)) {
				if (c[1]) {
					val = c + 1;
				} else if (i + 1 < argc) {
					val = argv[++i];
				} else {
					fprintf(stderr, "%s: option '-%c' needs a value\n", a->prog, *c);
					return -EINVAL;
				}
			}
			switch (*c) {
			case 'h': err = set_format(a, "header"); break;
			case 'G': err = set_format(a, "object"); break;
			case 'B': err = set_format(a, "bpf"); break;
			case 'C': a->cpp = true; err = 0; break;
			case 'v': a->verbose = true; err = 0; break;
			case 'k': err = 0; break;
			case 'V':
				printf("tsdt-gen %s\n", TSDT_VERSION);
				return 1;
			case 'o': a->output = val; err = 0; break;
			case 's':
				if (a->input) {
					fprintf(stderr, "%s: only one provider file (-s) is supported\n", a->prog);
					return -EINVAL;
				}
				a->input = val;
				err = 0;
				break;
			case 'I':
			case 'D':
			case 'U':
				err = add_pp(a, *c, val);
				break;
			case 'x': err = 0; break;
			default:
				fprintf(stderr, "%s: unknown option '-%c'\n", a->prog, *c);
				return -EINVAL;
			}
			if (err)
				return err;
			if (val)
				break;
		}
	}
	if (!a->fmt) {
		fprintf(stderr, "%s: say what to write: -h, -G, -B or --format\n", a->prog);
		return -EINVAL;
	}
	if (!a->input) {
		fprintf(stderr, "%s: no provider file: give one with -s FILE.d\n", a->prog);
		return -EINVAL;
	}
	return 0;
}

/* Splits @s at blanks into @argv (no quoting, as make variables go). */
static int split_words(char *s, char **argv, int *n, int max)
{
	for (char *tok = strtok(s, " \t\n"); tok; tok = strtok(NULL, " \t\n")) {
		if (*n >= max - 1)
			return -E2BIG;
		argv[(*n)++] = tok;
	}
	return 0;
}

static void show_cmd(char **argv)
{
	for (int i = 0; argv[i]; i++)
		fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
	fputc('\n', stderr);
}

/*
 * Runs @argv, its standard input from @in_fd (or ours, with -1); with @out,
 * collects its standard output into a malloc'ed buffer.
 * @return the exit status (0 ok), or a negative errno.
 */
static int run(char **argv, int in_fd, char **out, size_t *out_len)
{
	int pfd[2] = { -1, -1 }, status;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	pid_t pid;

	if (out && pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		if (out) {
			close(pfd[0]);
			close(pfd[1]);
		}
		return err;
	}
	if (pid == 0) {
		if (in_fd >= 0)
			dup2(in_fd, STDIN_FILENO);
		if (out)
			dup2(pfd[1], STDOUT_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "tsdt-gen: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (out) {
		close(pfd[1]);
		for (;;) {
			ssize_t n;

			if (len == cap) {
				char *nb = cap > TSDT_PF_MAX_SIZE ? NULL
								   : realloc(buf, cap ? cap * 2 : 65536);

				if (!nb) {
					/* too big or no memory: drain, then fail */
					char sink[4096];

					while (read(pfd[0], sink, sizeof(sink)) > 0)
						;
					free(buf);
					buf = NULL;
					len = SIZE_MAX;
					break;
				}
				buf = nb;
				cap = cap ? cap * 2 : 65536;
			}
			n = read(pfd[0], buf + len, cap - len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			len += (size_t)n;
		}
		close(pfd[0]);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			free(buf);
			return -errno;
		}
	}
	if (out) {
		if (len == SIZE_MAX)
			return -EFBIG;
		*out = buf;
		*out_len = len;
	} else {
		free(buf);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static struct tsdt_provider_file *load(const struct gen_args *a, char *err,
				       size_t err_sz)
{
	char *argv[MAX_CMD_ARGS], *cmd = NULL, *text = NULL;
	struct tsdt_provider_file *pf = NULL;
	const char *env;
	size_t len = 0;
	int n = 0, rc;

	if (!a->cpp)
		return tsdt_provider_file__open(a->input, err, err_sz);

	if ((env = getenv("CPP")) && *env) {
		cmd = strdup(env);
		if (!cmd || split_words(cmd, argv, &n, MAX_CMD_ARGS - 8))
			goto too_long;
	} else if ((env = getenv("CC")) && *env) {
		cmd = strdup(env);
		if (!cmd || split_words(cmd, argv, &n, MAX_CMD_ARGS - 8))
			goto too_long;
		argv[n++] = "-E";
		argv[n++] = "-x";
		argv[n++] = "c";
	} else {
		argv[n++] = "cpp";
	}
	if (!n)
		argv[n++] = "cpp";
	for (int i = 0; i < a->pp_cnt; i++) {
		if (n >= MAX_CMD_ARGS - 3)
			goto too_long;
		argv[n++] = a->pp[i];
	}
	argv[n++] = (char *)a->input;
	argv[n] = NULL;
	if (a->verbose)
		show_cmd(argv);
	rc = run(argv, -1, &text, &len);
	if (rc) {
		if (rc < 0)
			snprintf(err, err_sz, "%s: cannot run the C preprocessor '%s': %s",
				 a->input, argv[0], strerror(-rc));
		else
			snprintf(err, err_sz, "%s: the C preprocessor '%s' failed (exit status %d)",
				 a->input, argv[0], rc);
		free(text);
		free(cmd);
		errno = rc < 0 ? -rc : EINVAL;
		return NULL;
	}
	pf = tsdt_provider_file__parse(text, len, a->input, err, err_sz);
	free(text);
	free(cmd);
	return pf;

too_long:
	free(cmd);
	snprintf(err, err_sz, "%s: preprocessor command too long", a->input);
	errno = E2BIG;
	return NULL;
}

/* FILE.d -> FILE + ext in the current directory, as dtrace does. */
static char *default_output(const char *input, const char *ext)
{
	const char *base = strrchr(input, '/');
	const char *dot;
	char *out;
	size_t n;

	base = base ? base + 1 : input;
	dot = strrchr(base, '.');
	n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	out = malloc(n + strlen(ext) + 1);
	if (out)
		sprintf(out, "%.*s%s", (int)n, base, ext);
	return out;
}

/* Writes @fmt to @path (through a temporary file renamed on success). */
static int write_output(const struct gen_args *a, const struct gen_format *fmt,
			const struct gen_ctx *ctx, const char *path)
{
	char *tmp;
	FILE *f;
	int fd, err;

	if (!strcmp(path, "-")) {
		err = fmt->write(stdout, ctx);
		if (fflush(stdout) || ferror(stdout)) {
			fprintf(stderr, "%s: writing standard output: %s\n", a->prog, strerror(errno));
			return -EIO;
		}
		return err;
	}
	if (asprintf(&tmp, "%s.tmpXXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		fprintf(stderr, "%s: cannot create %s: %s\n", a->prog, path, strerror(-err));
		free(tmp);
		return err;
	}
	fchmod(fd, 0644 & ~umask(umask(0)));
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		goto fail;
	}
	err = fmt->write(f, ctx);
	if (ferror(f))
		err = err ? err : -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (err)
		goto fail;
	if (rename(tmp, path)) {
		err = -errno;
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	fprintf(stderr, "%s: cannot write %s: %s\n", a->prog, path, strerror(-err));
	unlink(tmp);
	free(tmp);
	return err;
}

/* Where <sys/tsdt.h> is when running from a build tree or an install:
 * DIR/../include next to this program. */
static char *self_include_dir(void)
{
	char exe[PATH_MAX], *dir, *inc, *hdr;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return NULL;
	exe[n] = 0;
	dir = dirname(exe);
	if (asprintf(&inc, "-I%s/../include", dir) < 0)
		return NULL;
	if (asprintf(&hdr, "%s/sys/tsdt.h", inc + 2) < 0) {
		free(inc);
		return NULL;
	}
	if (access(hdr, R_OK)) {
		free(inc);
		inc = NULL;
	}
	free(hdr);
	return inc;
}

/*
 * -G: write the source to an unlinked temporary file and compile it with $CC
 * from standard input (`-x c -`): the object then names no temporary file
 * (its STT_FILE symbol and debug information say "<stdin>"), so that two
 * runs give the same bytes, as reproducible builds need.
 */
static int write_object(const struct gen_args *a, const struct gen_ctx *ctx,
			const char *path)
{
	char *argv[MAX_CMD_ARGS], *cc = NULL, *cflags = NULL, *selfinc = NULL;
	const char *env, *tmpdir = getenv("TMPDIR");
	int src_fd = -1, fd, n = 0, rc, err = 0;
	FILE *f = NULL;

	if (!strcmp(path, "-")) {
		fprintf(stderr, "%s: -G writes an object file: give -o FILE.o\n", a->prog);
		return -EINVAL;
	}
	fd = open(tmpdir && *tmpdir ? tmpdir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		fprintf(stderr, "%s: cannot create a temporary file in %s: %s\n", a->prog,
			tmpdir && *tmpdir ? tmpdir : "/tmp", strerror(-err));
		return err;
	}
	f = fdopen(fd, "w+");
	if (!f) {
		err = -errno;
		close(fd);
		return err;
	}
	err = gen_write_source(f, ctx);
	if (!err && fflush(f))
		err = -errno;
	if (err) {
		fprintf(stderr, "%s: cannot write the source of %s: %s\n", a->prog, path,
			strerror(-err));
		goto out;
	}
	src_fd = fileno(f);
	if (lseek(src_fd, 0, SEEK_SET) < 0) {
		err = -errno;
		goto out;
	}

	env = getenv("CC");
	cc = strdup(env && *env ? env : "cc");
	if (!cc || split_words(cc, argv, &n, MAX_CMD_ARGS / 4) || !n) {
		err = -EINVAL;
		fprintf(stderr, "%s: bad CC '%s'\n", a->prog, env ? env : "");
		goto out;
	}
	for (int i = 0; i < a->pp_cnt && n < MAX_CMD_ARGS / 2; i++)
		argv[n++] = a->pp[i];
	selfinc = self_include_dir();
	if (selfinc)
		argv[n++] = selfinc;
	env = getenv("CFLAGS");
	if (env && *env) {
		cflags = strdup(env);
		if (!cflags || split_words(cflags, argv, &n, MAX_CMD_ARGS - 10)) {
			err = -E2BIG;
			fprintf(stderr, "%s: CFLAGS too long\n", a->prog);
			goto out;
		}
	}
	argv[n++] = "-fPIC";
	argv[n++] = "-c";
	argv[n++] = "-x";
	argv[n++] = "c";
	argv[n++] = "-";
	argv[n++] = "-o";
	argv[n++] = (char *)path;
	argv[n] = NULL;
	if (a->verbose)
		show_cmd(argv);
	rc = run(argv, src_fd, NULL, NULL);
	if (rc) {
		fprintf(stderr, "%s: compiling the semaphores of %s with '%s' failed%s\n",
			a->prog, a->input, argv[0],
			rc < 0 ? "" : " (is <sys/tsdt.h> in the include path? use -I DIR)");
		err = -EINVAL;
	}
out:
	fclose(f);
	free(cc);
	free(cflags);
	free(selfinc);
	return err;
}

/*
 * Two probes whose macro names collide (a__b and a_b, or providers foo and
 * FOO) would redefine each other's macros: refuse, naming both.
 */
static int check_macro_names(const struct tsdt_provider_file *pf)
{
	char a[2 * TSDT_PF_NAME_MAX + 2], b[2 * TSDT_PF_NAME_MAX + 2];

	for (size_t i = 0; i < pf->provider_cnt; i++) {
		const struct tsdt_pf_provider *pi = &pf->providers[i];

		for (size_t j = 0; j < pi->probe_cnt; j++) {
			const struct tsdt_pf_probe *x = &pi->probes[j];

			gen_macro_stem(pi->name, x->name, a, sizeof(a));
			for (size_t k = 0; k <= i; k++) {
				const struct tsdt_pf_provider *pk = &pf->providers[k];

				for (size_t l = 0; l < (k == i ? j : pk->probe_cnt); l++) {
					const struct tsdt_pf_probe *y = &pk->probes[l];

					gen_macro_stem(pk->name, y->name, b, sizeof(b));
					if (strcmp(a, b))
						continue;
					fprintf(stderr, "%s:%d:%d: probe %s:%s gives the same macro name %s as %s:%s (%s:%d)\n",
						x->loc.file, x->loc.line, x->loc.col,
						pi->name, x->name, a, pk->name, y->name,
						y->loc.file, y->loc.line);
					return -EINVAL;
				}
			}
		}
	}
	return 0;
}

static bool is_qualifier(const char *w)
{
	return !strcmp(w, "const") || !strcmp(w, "volatile") ||
	       !strcmp(w, "restrict") || !strcmp(w, "__restrict");
}

/* The words of the type spelling @type without its qualifiers and stars,
 * into @out[@sz] ("const char *" -> "char", "struct req *const" ->
 * "struct req"); false when they do not fit. */
static bool type_base(const char *type, char *out, size_t sz)
{
	char buf[TSDT_PF_NAME_MAX], *w, *save = NULL;
	size_t n = 0;

	snprintf(buf, sizeof(buf), "%s", type);
	out[0] = 0;
	for (w = strtok_r(buf, " *", &save); w; w = strtok_r(NULL, " *", &save)) {
		if (is_qualifier(w))
			continue;
		n += (size_t)snprintf(out + n, sz - n, "%s%s", n ? " " : "", w);
		if (n >= sz)
			return false;
	}
	return true;
}

/* Whether @type (a C spelling, #defines expanded) names a type tsdt knows:
 * a C or <stdint.h> type, a pointer to one, or a pointer to a struct, union
 * or enum (which the header declares). */
static bool known_type(const char *type)
{
	char base[TSDT_PF_NAME_MAX];
	struct tsdt_type t;

	if (tsdt_type__parse(type, &t) || t.kind == TSDT_TYPE_UNTYPED)
		return false;
	if (t.kind != TSDT_TYPE_PTR && t.kind != TSDT_TYPE_STR)
		return true;
	/* a pointer: its base */
	if (!type_base(type, base, sizeof(base)))
		return false;
	if (!strncmp(base, "struct ", 7) || !strncmp(base, "union ", 6) ||
	    !strncmp(base, "enum ", 5) || !strcmp(base, "void"))
		return true;
	return !tsdt_type__parse(base, &t) && t.kind != TSDT_TYPE_UNTYPED;
}

/* An argument type that is neither a C type nor declared in the file would
 * only fail later, in the C compiler, inside generated code: refuse it
 * here, where it is written. */
static int check_types(const struct tsdt_provider_file *pf)
{
	int bad = 0;

	for (size_t i = 0; i < pf->provider_cnt; i++) {
		const struct tsdt_pf_provider *prov = &pf->providers[i];

		for (size_t j = 0; j < prov->probe_cnt; j++) {
			const struct tsdt_pf_probe *x = &prov->probes[j];

			for (int k = 0; k < x->arg_cnt; k++) {
				const struct tsdt_pf_arg *arg = &x->args[k];

				if (known_type(arg->type))
					continue;
				{
					/* the name to declare: the spelling's
					 * first word that is not a qualifier */
					char base[TSDT_PF_NAME_MAX], *w, *save = NULL;

					type_base(arg->spelling, base, sizeof(base));
					w = strtok_r(base, " ", &save);
					if (!w)
						w = base;
					fprintf(stderr, "%s:%d:%d: probe %s:%s argument %d%s%s%s: unknown type '%s' "
						"(declare %s in the provider file, e.g. 'typedef unsigned int %s;' "
						"or 'typedef struct NAME %s;')\n",
						arg->loc.file, arg->loc.line, arg->loc.col, prov->name,
						x->name, k, arg->name ? " '" : "",
						arg->name ? arg->name : "", arg->name ? "'" : "",
						arg->spelling, w, w, w);
				}
				bad++;
			}
		}
	}
	return bad ? -EINVAL : 0;
}

/* Names the C compiler predefines as macros in GNU modes: they would expand
 * inside TSDT_PROBE_DEFINE() and the probe macros (see docs/probe-header.md). */
static void warn_macro_like_names(const struct tsdt_provider_file *pf)
{
	static const char *const predefined[] = { "linux", "unix", "i386", NULL };

	for (size_t i = 0; i < pf->provider_cnt; i++) {
		const struct tsdt_pf_provider *prov = &pf->providers[i];

		for (const char *const *w = predefined; *w; w++)
			if (!strcmp(prov->name, *w))
				fprintf(stderr, "%s:%d:%d: warning: provider name '%s' is a predefined macro in GNU C; use -std=c11 (not gnu11) or another name\n",
					prov->loc.file, prov->loc.line, prov->loc.col, *w);
		for (size_t j = 0; j < prov->probe_cnt; j++)
			for (const char *const *w = predefined; *w; w++)
				if (!strcmp(prov->probes[j].name, *w))
					fprintf(stderr, "%s:%d:%d: warning: probe name '%s' is a predefined macro in GNU C; use -std=c11 (not gnu11) or another name\n",
						prov->probes[j].loc.file, prov->probes[j].loc.line,
						prov->probes[j].loc.col, *w);
	}
}

int tsdt_gen_main(int argc, char **argv, const char *prog)
{
	struct gen_args a = { .prog = prog };
	struct tsdt_provider_file *pf = NULL;
	struct gen_ctx ctx = {};
	tsdt_print_fn_t old;
	char err[1024] = "", *out = NULL;
	int rc, ret = 1;

	rc = parse_args(&a, argc, argv);
	if (rc) {
		if (rc < 0)
			fprintf(stderr, "Try '%s --help'.\n", prog);
		ret = rc > 0 ? 0 : 2;
		goto cleanup;
	}
	old = tsdt_set_print(a.verbose ? verbose_print : quiet_print);
	pf = load(&a, err, sizeof(err));
	tsdt_set_print(old);
	if (!pf) {
		fprintf(stderr, "%s\n", err[0] ? err : strerror(errno));
		goto cleanup;
	}
	if (!pf->provider_cnt)
		fprintf(stderr, "%s: warning: no provider in %s\n", prog, a.input);
	if (check_macro_names(pf) || check_types(pf))
		goto cleanup;
	warn_macro_like_names(pf);
	out = a.output ? strdup(a.output) : default_output(a.input, a.fmt->ext);
	if (!out) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto cleanup;
	}
	ctx.pf = pf;
	ctx.input = a.input;
	ctx.output = out;
	if (a.fmt->write)
		rc = write_output(&a, a.fmt, &ctx, out);
	else
		rc = write_object(&a, &ctx, out);
	ret = rc ? 1 : 0;
cleanup:
	tsdt_provider_file__free(pf);
	for (int i = 0; i < a.pp_cnt; i++)
		free(a.pp[i]);
	free(out);
	return ret;
}
