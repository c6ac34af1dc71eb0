// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The set-up and tear-down `tsdt trace` and `tsdt stat` share around
 * libtsdt's target and tracer; see session.h. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <wordexp.h>

#include "session.h"
#include "util.h"

int cli_session__parse_opt(struct cli_session *s, int opt, const char *arg)
{
	switch (opt) {
	case CLI_OPT_NO_FOLLOW:
		s->no_follow = true;
		return 0;
	case CLI_OPT_NO_HOLD:
		s->no_hold = true;
		return 0;
	case CLI_OPT_CGROUP:
		s->cgroup = arg;
		return 0;
	case 'Z':
		s->allow_no_match = true;
		return 0;
	case CLI_OPT_NOP5:
		s->nop5 = true;
		return 0;
	case CLI_OPT_ROLE:
		s->role = arg;
		return 0;
	case CLI_OPT_ROLE_GLOBAL:
		s->role_global = arg;
		return 0;
	case CLI_OPT_ROLE_NAMES:
		s->role_names = arg;
		return 0;
	case CLI_OPT_ROLE_CMDLINE:
		s->role_cmdline = arg;
		return 0;
	case CLI_OPT_NO_AUTO_TYPES:
		s->no_stock_types = true;
		return 0;
	case CLI_OPT_WITH:
		if (s->with_cnt == (int)(sizeof(s->with) / sizeof(s->with[0]))) {
			fprintf(stderr, "%s: too many --with\n", s->name);
			return 1;
		}
		s->with[s->with_cnt++] = arg;
		return 0;
	}
	return -1;
}

bool cli_session__following(const struct cli_session *s)
{
	return s->cgroup || (!s->no_follow &&
			     (s->command || tsdt_target__pid(s->target) > 0));
}

/* A file a followed process maps, new to the session: its probes that the
 * patterns select are attached (the process waits meanwhile). */
static int on_file(void *ctx, struct tsdt_tracer *tr, pid_t pid,
		   const char *path, const char *open_path)
{
	struct cli_session *s = ctx;
	size_t before = tsdt_target__probe_cnt(s->target), i;
	int n = tsdt_target__add_file(s->target, path, open_path), err;

	for (i = before; n > 0 && i < tsdt_target__probe_cnt(s->target); i++) {
		const struct tsdt_probe *p = tsdt_target__probe(s->target, i);

		err = tsdt_tracer__add_probe(tr, p);
		if (err < 0)
			fprintf(stderr, "%s: process %d: cannot trace %s:%s in %s: %s\n",
				s->name, (int)pid, tsdt_probe__provider(p),
				tsdt_probe__name(p), path, strerror(-err));
	}
	return n;
}

/* --with: NAME[:TYPE] items, comma-separated, each a global of the
 * tracer. 0 or a negative errno, with a message. */
static int add_globals(struct cli_session *s)
{
	for (int i = 0; i < s->with_cnt; i++) {
		char *list = strdup(s->with[i]), *item, *save = NULL;
		int err = list ? 0 : -ENOMEM;

		for (item = list ? strtok_r(list, ",", &save) : NULL; item && !err;
		     item = strtok_r(NULL, ",", &save)) {
			char *colon = strchr(item, ':');
			struct tsdt_type type;
			const struct tsdt_type *tp = NULL;

			if (colon) {
				*colon = 0;
				if (tsdt_type__parse(colon + 1, &type) ||
				    type.kind == TSDT_TYPE_UNTYPED) {
					fprintf(stderr, "%s: --with %s: '%s' is not a type tsdt knows (e.g. int32_t, unsigned int, const char *)\n",
						s->name, item, colon + 1);
					err = -EINVAL;
					break;
				}
				tp = &type;
			}
			err = tsdt_tracer__add_global(s->tr, item, tp);
			if (err)
				fprintf(stderr, "%s: --with %s: %s\n", s->name, item,
					err == -E2BIG ? "at most 4 globals" : strerror(-err));
		}
		free(list);
		if (err)
			return err;
	}
	return 0;
}

static int new_tracer(struct cli_session *s)
{
	s->topts.pid = tsdt_target__pid(s->target);
	s->topts.follow = !s->no_follow;
	s->topts.no_hold = s->no_hold;
	s->topts.cgroup = s->cgroup;
	s->topts.follow_nop5 = s->nop5;
	s->topts.role_filter = s->role;
	s->topts.role_global = s->role_global;
	s->topts.role_names = s->role_names;
	s->topts.role_cmdline = s->role_cmdline;
	s->topts.file_fn = on_file;
	s->topts.file_ctx = s;
	s->tr = tsdt_tracer__new(&s->topts);
	if (!s->tr) {
		int err = -errno;

		fprintf(stderr, "%s: %s\n", s->name, strerror(-err));
		return err;
	}
	return 0;
}

/* -c's string into words, as a shell would split them (no command
 * substitution). 0, or 2 with a message. */
static int split_command(struct cli_session *s, const char *command)
{
	wordexp_t we;
	int err = wordexp(command, &we, WRDE_NOCMD | WRDE_SHOWERR);

	if (err || we.we_wordc == 0) {
		fprintf(stderr, "%s: cannot parse command '%s'%s\n", s->name,
			command,
			err == WRDE_CMDSUB ? ": command substitution is not allowed" : "");
		if (!err)
			wordfree(&we);
		return 2;
	}
	s->argv = we.we_wordv; /* freed with wordfree() in free() */
	return 0;
}

int cli_session__open(struct cli_session *s, pid_t pid, const char *command,
		      char **pats, int pat_cnt,
		      const struct tsdt_tracer_opts *topts)
{
	int err;

	s->topts = *topts;
	if (pid && command) {
		fprintf(stderr, "%s: -p and -c exclude each other\n", s->name);
		goto usage;
	}
	if (s->cgroup && (pid || command)) {
		fprintf(stderr, "%s: --cgroup excludes -p and -c\n", s->name);
		goto usage;
	}
	if (s->cgroup && s->cgroup[0] != '/') {
		fprintf(stderr, "%s: --cgroup wants an absolute path (e.g. /sys/fs/cgroup/...), not '%s'\n",
			s->name, s->cgroup);
		goto usage;
	}
	if (pat_cnt <= 0 && !s->no_probes_ok) {
		fprintf(stderr, "%s: no probe given (PROVIDER:NAME or BINARY:PROVIDER:NAME)\n",
			s->name);
		goto usage;
	}
	if (command && split_command(s, command))
		goto usage;
	s->command = command;
	{
		TSDT_OPTS(tsdt_target_opts, opts, .pid = pid, .argv = s->argv,
			  .provider_files = s->provider_files,
			  .allow_no_match = s->allow_no_match,
			  .no_stock_types = s->no_stock_types);

		s->target = tsdt_target__new(&opts);
		if (!s->target)
			return errno == EINVAL ? 2 : 1;
	}
	for (int i = 0; i < pat_cnt; i++)
		if ((err = tsdt_target__add_pattern(s->target, pats[i])))
			goto usage;
	/* roles: <sys/tsdt.h>'s TSDT_ROLE() sites, wherever they are */
	if (cli_session__following(s) &&
	    tsdt_target__add_optional_pattern(s->target, "tsdt:role"))
		return 1;
	if (s->role_names && !s->role_global) {
		fprintf(stderr, "%s: --role-names names the values of --role-global\n",
			s->name);
		goto usage;
	}
	if (s->role_cmdline && !cli_session__following(s)) {
		fprintf(stderr, "%s: --role-cmdline needs following (-p, -c or --cgroup, not --no-follow)\n",
			s->name);
		goto usage;
	}
	if (s->role && !cli_session__following(s) && !s->role_global) {
		fprintf(stderr, "%s: --role needs following (-p, -c or --cgroup, not --no-follow)\n",
			s->name);
		goto usage;
	}
	/* the tracer first, when the process to trace is known already */
	if (!command && new_tracer(s))
		return 1;
	err = tsdt_target__select(s->target);
	cli_report_hidden_warnings(s->name, tsdt_target__mismatch_cnt(s->target));
	return err ? 1 : 0;
usage:
	fprintf(stderr, "Try '%s --help'.\n", s->name);
	return 2;
}

int cli_session__start(struct cli_session *s)
{
	int err;

	if (s->command && (err = tsdt_target__spawn(s->target))) {
		fprintf(stderr, "%s: cannot start '%s': %s\n", s->name,
			s->command, strerror(-err));
		return err;
	}
	/* with -c, only now that the command is started */
	if (!s->tr && (err = new_tracer(s)))
		return err;
	for (size_t i = 0; i < tsdt_target__probe_cnt(s->target); i++) {
		const struct tsdt_probe *p = tsdt_target__probe(s->target, i);

		err = tsdt_tracer__add_probe(s->tr, p);
		if (err < 0) {
			fprintf(stderr, "%s: cannot %s %s:%s in %s: %s\n", s->name,
				s->topts.count_only ? "count" : "trace",
				tsdt_probe__provider(p), tsdt_probe__name(p),
				tsdt_binary__path(tsdt_probe__binary(p)),
				strerror(-err));
			return err;
		}
	}
	if ((err = add_globals(s)))
		return err;
	if (s->setup && (err = s->setup(s->setup_ctx, s->tr)))
		return err;
	err = tsdt_tracer__start(s->tr);
	if (err) {
		fprintf(stderr, "%s: cannot attach: %s\n", s->name,
			err == -EPROTOTYPE ? "types disagree (above)" : strerror(-err));
		return err;
	}
	/* the target selected from the command's program and libraries:
	 * its exec needs no stop */
	if (s->command && cli_session__following(s))
		tsdt_tracer__add_examined(s->tr, tsdt_target__command_path(s->target));
	return 0;
}

int cli_session__release(struct cli_session *s)
{
	int err;

	if (!s->command)
		return 0;
	err = tsdt_target__release(s->target);
	if (err)
		fprintf(stderr, "%s: cannot start '%s'\n", s->name, s->command);
	return err;
}

bool cli_session__ended(struct cli_session *s)
{
	if (s->cgroup)
		return false; /* a cgroup lives on: until a signal */
	if (!tsdt_target__ended(s->target))
		return false;
	return !cli_session__following(s) || !tsdt_tracer__followed_cnt(s->tr);
}

void cli_session__stop_command(struct cli_session *s, int sig)
{
	if (s->command && tsdt_target__wait_status(s->target) < 0)
		tsdt_target__stop(s->target, sig ? sig : SIGTERM, 2000);
}

int cli_session__command_status(const struct cli_session *s)
{
	int st = s->command ? tsdt_target__wait_status(s->target) : -1;

	if (st < 0)
		return -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 1;
}

int cli_session__exit_code(const struct cli_session *s, int sig)
{
	int st;

	if (!s->command)
		return 0;
	st = cli_session__command_status(s);
	return st >= 0 ? st : 128 + (sig ? sig : SIGTERM);
}

void cli_session__free(struct cli_session *s)
{
	/* never leave the command behind (it is gated until traced) */
	if (s->command && s->target && tsdt_target__pid(s->target) > 0 &&
	    tsdt_target__wait_status(s->target) < 0)
		tsdt_target__stop(s->target, SIGKILL, 2000);
	tsdt_tracer__free(s->tr);
	s->tr = NULL;
	tsdt_target__free(s->target);
	s->target = NULL;
	if (s->argv) {
		wordexp_t we = { .we_wordc = 0, .we_wordv = s->argv };

		for (char **a = s->argv; *a; a++)
			we.we_wordc++;
		wordfree(&we);
		s->argv = NULL;
	}
	free(s->provider_files);
	s->provider_files = NULL;
	s->provider_file_cnt = 0;
}
