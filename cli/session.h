/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A tracing session of `tsdt trace` and `tsdt stat`: libtsdt's target
 * (probes and process, tsdt_target) and tracer, set up and torn down the
 * same way for both; each command keeps only what it does with the tracer
 * (trace: events and their output; stat: the interval tables). What is
 * left here is the command line's: -p/-c, the -c string's words, exit
 * statuses.
 *
 * In order:
 *   cli_session__open()      check the command line; create the tracer
 *                            when the process to trace is known already;
 *                            read the catalogues and select the probes
 *   (the command: signals, output file)
 *   cli_session__start()     -c: fork the command, gated; create the tracer
 *                            if not yet; add every probe; attach
 *   (the command: its header)
 *   cli_session__release()   -c: let the command exec
 *   (the command: its loop)
 *   cli_session__stop_command(), cli_session__exit_code()
 *   cli_session__free()      never leaves the command behind
 *
 * Messages are the library's (through the print callback, prefixed with
 * the command's name) or printed here with that prefix.
 */
#ifndef TSDT_CLI_SESSION_H
#define TSDT_CLI_SESSION_H

#include <stdbool.h>
#include <sys/types.h>

#include <tsdt/libtsdt.h>

struct cli_session {
	const char *name;              /* "tsdt trace": prefixes messages */
	struct tsdt_tracer_opts topts; /* the command's; pid is the target's */
	/* --provider-file (cli_add_provider_file()), NULL-terminated */
	const char **provider_files;
	int provider_file_cnt;
	const char *command;           /* -c as given, or NULL */
	char **argv;                   /* its words (wordexp), or NULL */
	struct tsdt_target *target;
	struct tsdt_tracer *tr;        /* NULL until created */
	/* following (docs/following.md): the options below, shared by
	 * trace and stat (cli_session__parse_opt()) */
	bool no_follow;                /* --no-follow */
	bool no_hold;                  /* --no-hold */
	const char *cgroup;            /* --cgroup PATH */
	bool allow_no_match;           /* -Z */
	bool nop5;                     /* --nop5 */
	const char *with[8];           /* --with NAME[:TYPE][,...] */
	int with_cnt;
	const char *role;              /* --role NAME */
	const char *role_global;       /* --role-global NAME */
	const char *role_names;        /* --role-names V=NAME,... */
	const char *role_cmdline;      /* --role-cmdline REGEX */
	bool no_stock_types;           /* --no-auto-types */
	/* the command's own set-up of the tracer (tsdt span: its spans),
	 * after the probes and globals are added, before the attach: 0 or
	 * a negative errno (the command has reported it) */
	int (*setup)(void *ctx, struct tsdt_tracer *tr);
	bool no_probes_ok;             /* no pattern is no error (tsdt span -S) */
	void *setup_ctx;
};

/* The options every session command takes, for its struct option table,
 * its help (CLI_SESSION_HELP) and its getopt loop
 * (cli_session__parse_opt()). */
enum {
	CLI_OPT_NO_FOLLOW = 1000,
	CLI_OPT_NO_HOLD,
	CLI_OPT_CGROUP,
	CLI_OPT_NOP5,
	CLI_OPT_WITH,
	CLI_OPT_ROLE,
	CLI_OPT_ROLE_GLOBAL,
	CLI_OPT_ROLE_NAMES,
	CLI_OPT_ROLE_CMDLINE,
	CLI_OPT_NO_AUTO_TYPES,
};
#define CLI_SESSION_OPTIONS \
	{ "allow-no-match", no_argument,      NULL, 'Z' }, \
	{ "no-follow",     no_argument,       NULL, CLI_OPT_NO_FOLLOW }, \
	{ "no-hold",       no_argument,       NULL, CLI_OPT_NO_HOLD }, \
	{ "cgroup",        required_argument, NULL, CLI_OPT_CGROUP }, \
	{ "nop5",          no_argument,       NULL, CLI_OPT_NOP5 }, \
	{ "with",          required_argument, NULL, CLI_OPT_WITH }, \
	{ "role",          required_argument, NULL, CLI_OPT_ROLE }, \
	{ "role-global",   required_argument, NULL, CLI_OPT_ROLE_GLOBAL }, \
	{ "role-names",    required_argument, NULL, CLI_OPT_ROLE_NAMES }, \
	{ "role-cmdline",  required_argument, NULL, CLI_OPT_ROLE_CMDLINE }, \
	{ "no-auto-types", no_argument,       NULL, CLI_OPT_NO_AUTO_TYPES }
#define CLI_SESSION_HELP \
"      --no-auto-types      no stock types: probes that neither a type note\n" \
"                           nor --provider-file types stay untyped (by\n" \
"                           default share/tsdt/providers types PostgreSQL,\n" \
"                           CPython, libstdc++...: docs/stock-types.md)\n" \
"      --role NAME          following: only processes whose role is NAME\n" \
"                           (declared with TSDT_ROLE(), or inherited)\n" \
"      --role-global NAME   roles of a program without TSDT_ROLE(): the\n" \
"                           value of its global integer NAME at each hit\n" \
"      --role-names V=NAME,...  names of those values (1=supervisor,...)\n" \
"      --role-cmdline REGEX roles from each process's command line (its\n" \
"                           process title): REGEX's first group, or match,\n" \
"                           e.g. 'postgres: ([a-z ]+[a-z])'; read every 50 ms\n" \
"      --with NAME[:TYPE][,...]  add the value of global variable NAME of\n" \
"                           each probe's file to its events (.symtab or\n" \
"                           .dynsym; TYPE as in C, e.g. 'const char *'; by\n" \
"                           default a signed integer of the symbol's size)\n" \
"  -Z, --allow-no-match     a probe that matches nothing yet is no error: it is\n" \
"                           attached when a followed process runs or loads a\n" \
"                           program or library that has it (as DTrace's -Z)\n" \
"      --no-follow          -p/-c: that process only, not the processes it\n" \
"                           forks (followed by default, in the kernel, from\n" \
"                           their first instruction)\n" \
"      --cgroup PATH        trace every process of cgroup v2 directory PATH,\n" \
"                           now and later (a container, a service)\n" \
"      --no-hold            following: do not stop a process at the exec or\n" \
"                           load of a file new to tsdt until its probes are\n" \
"                           attached (its first events may then be missed)\n" \
"      --nop5               following: attach <sys/tsdt.h> sites at their\n" \
"                           five-byte nop too (optimized uprobes; each new\n" \
"                           process then pays a page rewrite per probe page)\n"

/* true when @opt is a session option (handled: 0), else -1 */
int cli_session__parse_opt(struct cli_session *s, int opt, const char *arg);

/* Is the session following process families? */
bool cli_session__following(const struct cli_session *s);

/* A session that cli_session__free() can free whatever happens next. */
#define CLI_SESSION_INIT(NAME) { .name = (NAME) }

/*
 * Check -p/-c and the probe patterns, then select the probes. The tracer
 * (options @topts, copied) is created first when the process is known
 * (-p, or every process): its warm-up thread then starts the kernel's RCU
 * grace period for uprobe registration (8-12 ms, the largest part of
 * attaching) while the catalogue is read. Not with -c: no thread while we
 * fork; cli_session__start() creates it then.
 * Returns 0, or the exit status (2: usage, 1: other error) with a message.
 */
int cli_session__open(struct cli_session *s, pid_t pid, const char *command,
		      char **pats, int pat_cnt,
		      const struct tsdt_tracer_opts *topts);

/* -c: fork the command (gated until released); the tracer if not yet;
 * add every selected probe; attach. 0 or a negative errno, with a message. */
int cli_session__start(struct cli_session *s);

/* -c: let the command exec (no-op without -c). 0 or a negative errno, with
 * a message. */
int cli_session__release(struct cli_session *s);

/* Has the traced process (-p) or the command (-c) ended? Following:
 * has every process of its family ended too? */
bool cli_session__ended(struct cli_session *s);

/* -c: if the command still runs, send it @sig (SIGTERM when 0) and wait up
 * to 2 s for it to end. No-op without -c. */
void cli_session__stop_command(struct cli_session *s, int sig);

/* -c: the command's exit status (128 + N when signal N killed it), or -1
 * while it has not been seen to end. */
int cli_session__command_status(const struct cli_session *s);

/* The exit status after tracing ended without error: without -c 0; with
 * -c the command's, or 128 + @sig (SIGTERM when 0) when it has not been
 * seen to end. */
int cli_session__exit_code(const struct cli_session *s, int sig);

/* Kill a command left running (SIGKILL), free the tracer, the target and
 * the provider-file list. */
void cli_session__free(struct cli_session *s);

#endif
