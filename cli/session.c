// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The set-up and tear-down `tsdt trace` and `tsdt stat` share around
 * libtsdt's tracer; see session.h. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "util.h"

static int new_tracer(struct cli_session *s)
{
	s->topts.pid = s->target.pid;
	s->tr = tsdt_tracer__new(&s->topts);
	if (!s->tr) {
		int err = -errno;

		fprintf(stderr, "%s: %s\n", s->name, strerror(-err));
		return err;
	}
	return 0;
}

int cli_session__open(struct cli_session *s, pid_t pid, const char *command,
		      char **pats, int pat_cnt,
		      const struct tsdt_tracer_opts *topts)
{
	int err;

	s->topts = *topts;
	err = cli_target__init(&s->target, pid, command, s->provider_files,
			       pats, pat_cnt);
	if (err) {
		if (err == -EINVAL)
			fprintf(stderr, "Try '%s --help'.\n", s->name);
		return err == -EINVAL ? 2 : 1;
	}
	/* the tracer first, when the process to trace is known already */
	if (!command && new_tracer(s))
		return 1;
	err = cli_target__select(&s->target);
	cli_report_hidden_warnings(s->name);
	return err ? 1 : 0;
}

int cli_session__start(struct cli_session *s)
{
	struct cli_target *t = &s->target;
	int err;

	if (t->command && (err = cli_target__spawn(t))) {
		fprintf(stderr, "%s: cannot start '%s': %s\n", s->name,
			t->command, strerror(-err));
		return err;
	}
	/* with -c, only now that the command is started */
	if (!s->tr && (err = new_tracer(s)))
		return err;
	for (size_t i = 0; i < t->probe_cnt; i++) {
		const struct tsdt_probe *p = t->probes[i];

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
	err = tsdt_tracer__start(s->tr);
	if (err) {
		fprintf(stderr, "%s: cannot attach: %s\n", s->name, strerror(-err));
		return err;
	}
	return 0;
}

int cli_session__release(struct cli_session *s)
{
	int err;

	if (!s->target.command)
		return 0;
	err = cli_target__release(&s->target);
	if (err)
		fprintf(stderr, "%s: cannot start '%s'\n", s->name,
			s->target.command);
	return err;
}

void cli_session__stop_command(struct cli_session *s, int sig)
{
	if (s->target.command && !s->target.child_done)
		cli_target__stop_child(&s->target, sig ? sig : SIGTERM, 2000);
}

int cli_session__exit_code(const struct cli_session *s, int sig)
{
	if (!s->target.command)
		return 0;
	return s->target.child_done ? cli_target__exit_code(&s->target)
				    : 128 + (sig ? sig : SIGTERM);
}

void cli_session__free(struct cli_session *s)
{
	/* never leave the command behind (it is gated until traced) */
	if (s->target.command && s->target.child && !s->target.child_done)
		cli_target__stop_child(&s->target, SIGKILL, 2000);
	tsdt_tracer__free(s->tr);
	s->tr = NULL;
	cli_target__free(&s->target);
	free(s->provider_files);
	s->provider_files = NULL;
	s->provider_file_cnt = 0;
}
