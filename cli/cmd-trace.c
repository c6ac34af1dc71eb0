// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tsdt trace: print every hit of the selected probes with its arguments
 * decoded by type. A thin layer over libtsdt's tracer (tsdt_tracer__*):
 * this file parses options, formats events (text or JSON Lines, schema in
 * docs/trace-json.md) and owns the terminal and the signals; probe
 * selection, the command and the tracer's set-up and tear-down are shared
 * with tsdt stat (session.c, over libtsdt's tsdt_target).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tsdt/libtsdt.h>

#include "cli.h"
#include "session.h"
#include "util.h"

/* ------------------------------------------------------------ output */

/* What tsdt trace adds around libtsdt's writer (tsdt_writer__*): the
 * terminal's messages, counts, and why tracing ended. */
struct trace_out {
	struct tsdt_writer *w;
	int fd;                 /* -o FILE, else 1 */
	bool json;
	const char *format;     /* --format, else json or text */
	bool monotonic;
	bool quiet;
	bool proc_events;       /* --proc-events */
	unsigned long long events;
	unsigned long long lost_reported;
	long long t_start;      /* CLOCK_MONOTONIC ns */
	const char *reason;
	bool write_error;
	int write_errno;
};

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int on_event(void *ctx, const struct tsdt_event *ev)
{
	struct trace_out *out = ctx;
	int err;

	if (tsdt_event__kind(ev) != TSDT_EVENT_PROBE) {
		if (tsdt_event__kind(ev) == TSDT_EVENT_EXIT && tsdt_event__lost(ev))
			fprintf(stderr, "tsdt trace: WARNING: process %d (%s): %llu events lost\n",
				(int)tsdt_event__pid(ev), tsdt_event__comm(ev),
				(unsigned long long)tsdt_event__lost(ev));
		if (!out->proc_events)
			return 0;
	} else {
		out->events++;
	}
	err = tsdt_writer__event(out->w, ev);
	if (err) {
		out->write_error = true;
		out->write_errno = -err;
		return -EIO;
	}
	return 0;
}

static int trace_out__begin(struct trace_out *out, struct tsdt_tracer *tr,
			    const struct cli_session *s)
{
	pid_t pid = tsdt_target__pid(s->target);
	size_t sites = tsdt_target__site_cnt(s->target);
	TSDT_OPTS(tsdt_writer_opts, wopts, .monotonic = out->monotonic,
		  .no_header = out->quiet);
	TSDT_OPTS(tsdt_writer_start, start, .pid = pid,
		  .argv = tsdt_target__argv(s->target));
	size_t n = tsdt_tracer__probe_cnt(tr);
	int err;

	out->t_start = mono_ns();
	out->w = tsdt_writer__new(out->format ? out->format :
				  out->json ? "json" : "text", out->fd, &wopts);
	if (!out->w)
		return -errno;
	if (!out->quiet) {
		fprintf(stderr, "Tracing %zu probe%s at %zu site%s", n,
			n == 1 ? "" : "s", sites, sites == 1 ? "" : "s");
		if (s->command)
			fprintf(stderr, " in '%s' (pid %d)", s->command, (int)pid);
		else if (pid > 0)
			fprintf(stderr, " in process %d", (int)pid);
		else if (s->cgroup)
			fprintf(stderr, " in cgroup %s", s->cgroup);
		if (cli_session__following(s) && !s->cgroup)
			fprintf(stderr, " and its descendants");
		fprintf(stderr, " (%s%s)... Hit Ctrl-C to end.\n",
			tsdt_tracer__is_multi(tr) ? "uprobe_multi" : "per-site uprobes",
			tsdt_tracer__is_sleepable(tr) ? ", sleepable" : "");
	}
	err = tsdt_writer__start(out->w, tr, &start);
	if (err) {
		out->write_error = true;
		out->write_errno = -err;
	}
	return err;
}

static void report_lost(struct trace_out *out, struct tsdt_tracer *tr)
{
	unsigned long long lost = tsdt_tracer__lost_cnt(tr);

	if (lost == out->lost_reported)
		return;
	fprintf(stderr, "tsdt trace: WARNING: %llu events lost (%llu in total): "
		"the reader could not keep up; try a larger --buffer-size or -o FILE\n",
		lost - out->lost_reported, lost);
	tsdt_writer__lost(out->w, lost - out->lost_reported, lost);
	out->lost_reported = lost;
}

static void trace_out__end(struct trace_out *out, struct tsdt_tracer *tr,
			   const struct cli_session *s)
{
	int status = cli_session__command_status(s);
	double dur = (mono_ns() - out->t_start) / 1e9;
	TSDT_OPTS(tsdt_writer_summary, sum);

	report_lost(out, tr);
	sum.events = out->events;
	sum.lost = out->lost_reported;
	sum.duration_s = dur;
	sum.reason = out->reason;
	sum.has_exit_status = status >= 0;
	sum.exit_status = status;
	if (tsdt_writer__summary(out->w, tr, &sum) && !out->write_error) {
		out->write_error = true;
		out->write_errno = errno;
	}
	if (!out->quiet || out->lost_reported)
		fprintf(stderr, "tsdt trace: %llu events, %llu lost, in %.3f s\n",
			out->events, out->lost_reported, dur);
	if (cli_session__following(s))
		cli_report_following("tsdt trace", tr, out->quiet);
}

/* Poll events until a signal, the end of the traced process, or an error.
 * Returns 0 or 1 (error). */
static int trace_out__loop(struct trace_out *out, struct cli_session *s,
			   volatile sig_atomic_t *sig)
{
	struct tsdt_tracer *tr = s->tr;
	long long next_lost = mono_ns() + 1000000000LL, deadline = 0;
	int forwarded = 0, ret = 0, err;

	out->reason = "signal";
	for (;;) {
		int n = tsdt_tracer__poll(tr, 100, on_event, out);

		/* a batch at a time, so that readers of a pipe or file see
		 * events as they come (one write per poll, not per event) */
		if (n > 0 && (err = tsdt_writer__flush(out->w))) {
			out->write_error = true;
			out->write_errno = -err;
			n = -EIO;
		}
		if (n < 0 && out->write_error && out->write_errno == EPIPE) {
			/* the reader went away (tsdt trace ... | head) */
			out->reason = "output closed";
			break;
		}
		if (n < 0 && n != -EINTR) {
			if (!out->write_error)
				fprintf(stderr, "tsdt trace: reading events: %s\n",
					strerror(-n));
			else
				fprintf(stderr, "tsdt trace: writing events: %s\n",
					strerror(out->write_errno));
			out->reason = "error";
			ret = 1;
			break;
		}
		if (*sig) {
			/* -c: pass the signal on, then trace until it ends */
			if (!s->command || cli_session__command_status(s) >= 0 ||
			    forwarded == *sig)
				break;
			forwarded = *sig;
			kill(tsdt_target__pid(s->target), forwarded);
			deadline = mono_ns() + 2000000000LL;
		}
		if (deadline && mono_ns() > deadline)
			break;
		if (cli_session__ended(s)) {
			/* everything it fired is in the ring buffer by now */
			while ((n = tsdt_tracer__poll(tr, 0, on_event, out)) > 0)
				;
			out->reason = *sig ? "signal" : "exited";
			break;
		}
		if (mono_ns() >= next_lost) {
			report_lost(out, tr);
			next_lost = mono_ns() + 1000000000LL;
		}
	}
	if (ret == 0 && !out->write_error) {
		int n;

		/* what the ring holds was fired before the end: written, not
		 * left unread (a signal ends the loop between polls) */
		while ((n = tsdt_tracer__poll(tr, 0, on_event, out)) > 0)
			if (tsdt_writer__flush(out->w))
				break;
		cli_session__stop_command(s, *sig);
	}
	trace_out__end(out, tr, s);
	return ret;
}

static void trace_out__free(struct trace_out *out)
{
	tsdt_writer__free(out->w);
	out->w = NULL;
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static const char trace_usage[] =
"Usage: tsdt trace [-p PID | -c 'CMD ARGS' | --cgroup PATH] [--no-follow]\n"
"                  [--proc-events] [--provider-file FILE]... [--json]\n"
"                  [-o FILE] [--per-site] [--no-nop5] [-v] PROBE...\n"
"\n"
"Print every hit of the probes given, one line per event: time, pid, tid,\n"
"comm, probe, and its arguments decoded by type (strings quoted, signed\n"
"numbers signed, floats as floats, pointers in hex, untyped arguments as\n"
"integers of their size and sign).\n"
"\n"
"PROBE is [BINARY-OR-LIBRARY:]PROVIDER:NAME; each part may use globs (* ? [..]),\n"
"a library may be named by its stem (libc), a probe name in DTrace spelling\n"
"(transaction-start for transaction__start). Without a binary part, the probes\n"
"are looked for in every binary and library of the process (-p), or in the\n"
"command's executable and the shared libraries it needs (-c), and in every\n"
"program and library the processes followed run or load later\n"
"(docs/following.md). Functions are probes too: BINARY:fn:SYMBOL at entry\n"
"(arg0..arg5: the first six integer argument registers), BINARY:fn-return:SYMBOL\n"
"at return (ret), SYMBOL a glob over .symtab/.dynsym. A PROBE may end with\n"
"its argument types, as in a provider file, for software that has none:\n"
"'python:function__return(const char *file, const char *func, int line)'.\n"
"\n"
"Options:\n"
"  -p, --pid PID            trace process PID and the processes it forks\n"
"  -c, --command 'CMD ARGS' run CMD, trace it and the processes it forks from\n"
"                           their first instruction, and exit with its exit\n"
"                           status when they have all ended\n"
CLI_SESSION_HELP
"      --proc-events        also print process events: fork, exec, exit, and\n"
"                           load (a library mapped, at start-up or by dlopen)\n"
"      --provider-file FILE types for probes whose binary carries none (a DTrace\n"
"                           provider file, e.g. probes/postgresql.d); repeatable\n"
"  -j, --json               one JSON object per line (docs/trace-json.md)\n"
"      --format FORMAT      text, json (as --json) or perfetto: a trace file for\n"
"                           Perfetto's UI, with process events (docs/perfetto.md)\n"
"  -o, --output FILE        write events to FILE instead of standard output\n"
"      --per-site           attach one perf-event uprobe per site instead of\n"
"                           one uprobe_multi link per binary\n"
"      --no-nop5            attach <sys/tsdt.h> sites at their one-byte nop (an\n"
"                           int3 trap per hit, as other tools do) instead of\n"
"                           their five-byte nop (an optimized uprobe, Linux\n"
"                           6.18+ x86-64)\n"
"  -b, --buffer-size SIZE   ring buffer size (power of two; K/M suffix),\n"
"                           default 8M\n"
"  -s, --string-size N      bytes kept per string argument, NUL included\n"
"                           (default 256; rounded up to a multiple of 8)\n"
"      --no-sleepable       do not fault in strings not yet in memory\n"
"  -T, --monotonic          print CLOCK_MONOTONIC seconds instead of wall time\n"
"  -q, --quiet              no header line and no messages but errors and loss\n"
"  -v, --verbose            print libtsdt's debug messages and each type\n"
"                           warning about a provider file (else counted)\n"
"  -h, --help               show this help\n"
"\n"
"Lost events (the reader could not keep up) are reported on stderr while\n"
"tracing and at exit, and in the JSON summary record. Ctrl-C (SIGINT) or\n"
"SIGTERM detaches and prints the summary; with -c the signal is passed on\n"
"to the command.\n"
"\n"
"Exit status: 0 success; 1 error (no probe matched, attach failed, ...);\n"
"2 usage error; with -c, the command's exit status (128+N if killed by\n"
"signal N).\n"
"\n"
"Examples:\n"
"  tsdt trace -c ./demo 'demo:*'              # trace a command from its start\n"
"  tsdt trace --proc-events -c 'sh run.sh' 'app:*'  # and what it forks, execs\n"
"  tsdt trace --cgroup /sys/fs/cgroup/system.slice/pg.service 'postgresql:*'\n"
"  tsdt trace -p 4242 'postgresql:transaction__*'\n"
"  tsdt trace /usr/lib/postgresql/15/bin/postgres:postgresql:checkpoint__done\n"
"                                             # every process running postgres\n"
"  tsdt trace -p 4242 --provider-file probes/postgresql.d 'postgresql:query__start'\n"
"  tsdt trace -p 4242 'libc:*:*'              # probes of one library only\n"
"  tsdt trace -p 4242 'libc:fn-return:getpid' # a function's return value\n"
"  tsdt trace --json -o events.jsonl -c './app --fast' 'app:request*'\n";

enum {
	OPT_PROVIDER_FILE = 256,
	OPT_PER_SITE,
	OPT_NO_SLEEPABLE,
	OPT_NO_NOP5,
	OPT_PROC_EVENTS,
	OPT_FORMAT,
};

static const struct option trace_options[] = {
	{ "pid",           required_argument, NULL, 'p' },
	{ "command",       required_argument, NULL, 'c' },
	{ "provider-file", required_argument, NULL, OPT_PROVIDER_FILE },
	{ "json",          no_argument,       NULL, 'j' },
	{ "format",        required_argument, NULL, OPT_FORMAT },
	{ "output",        required_argument, NULL, 'o' },
	{ "per-site",      no_argument,       NULL, OPT_PER_SITE },
	{ "buffer-size",   required_argument, NULL, 'b' },
	{ "string-size",   required_argument, NULL, 's' },
	{ "no-sleepable",  no_argument,       NULL, OPT_NO_SLEEPABLE },
	{ "no-nop5",       no_argument,       NULL, OPT_NO_NOP5 },
	{ "monotonic",     no_argument,       NULL, 'T' },
	{ "quiet",         no_argument,       NULL, 'q' },
	{ "verbose",       no_argument,       NULL, 'v' },
	{ "help",          no_argument,       NULL, 'h' },
	{ "proc-events",   no_argument,       NULL, OPT_PROC_EVENTS },
	CLI_SESSION_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

static int parse_size(const char *s, long *ret)
{
	char buf[32];
	size_t n = strlen(s);
	long mult = 1, v;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n + 1);
	switch (buf[n - 1]) {
	case 'k': case 'K': mult = 1L << 10; buf[n - 1] = 0; break;
	case 'm': case 'M': mult = 1L << 20; buf[n - 1] = 0; break;
	case 'g': case 'G': mult = 1L << 30; buf[n - 1] = 0; break;
	}
	if (cli_parse_long(buf, 1, 1L << 32, &v))
		return -EINVAL;
	*ret = v * mult;
	return 0;
}

int cmd_trace(int argc, char **argv)
{
	struct trace_out out = { 0 };
	struct cli_session s = CLI_SESSION_INIT("tsdt trace");
	const char *command = NULL, *output = NULL;
	bool per_site = false, no_sleepable = false, verbose = false;
	bool no_nop5 = false;
	long pid = 0, bufsz = 0, strsz = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	int opt, ret = 1, err;

	out.fd = STDOUT_FILENO;
	while ((opt = getopt_long(argc, argv, "p:c:jo:b:s:TqvhZ", trace_options,
				  NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (cli_parse_long(optarg, 1, INT32_MAX, &pid)) {
				fprintf(stderr, "tsdt trace: bad pid '%s'\n", optarg);
				goto usage;
			}
			break;
		case 'c':
			command = optarg;
			break;
		case OPT_PROVIDER_FILE:
			if (cli_add_provider_file(&s.provider_files,
						  &s.provider_file_cnt, optarg)) {
				cli_session__free(&s);
				return 1;
			}
			break;
		case 'j':
			out.json = true;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") && strcmp(optarg, "json") &&
			    strcmp(optarg, "perfetto")) {
				fprintf(stderr, "tsdt trace: --format '%s': text, json or perfetto\n",
					optarg);
				goto usage;
			}
			out.format = optarg;
			out.json = !strcmp(optarg, "json");
			if (!strcmp(optarg, "perfetto"))
				out.proc_events = true;
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_PER_SITE:
			per_site = true;
			break;
		case 'b':
			if (parse_size(optarg, &bufsz) || (bufsz & (bufsz - 1)) ||
			    bufsz < 4096) {
				fprintf(stderr, "tsdt trace: bad buffer size '%s': "
					"expected a power of two of at least 4K\n", optarg);
				goto usage;
			}
			break;
		case 's':
			if (cli_parse_long(optarg, 2, 4096, &strsz)) {
				fprintf(stderr, "tsdt trace: bad string size '%s': "
					"expected 2..4096\n", optarg);
				goto usage;
			}
			break;
		case OPT_NO_SLEEPABLE:
			no_sleepable = true;
			break;
		case OPT_NO_NOP5:
			no_nop5 = true;
			break;
		case 'T':
			out.monotonic = true;
			break;
		case 'q':
			out.quiet = true;
			break;
		case 'v':
			verbose = true;
			break;
		case OPT_PROC_EVENTS:
			out.proc_events = true;
			break;
		case 'h':
			fputs(trace_usage, stdout);
			cli_session__free(&s);
			return 0;
		default:
			if (!cli_session__parse_opt(&s, opt, optarg))
				break;
			fprintf(stderr, "Try 'tsdt trace --help'.\n");
			goto usage;
		}
	}
	cli_set_print("tsdt trace", verbose);

	{
		TSDT_OPTS(tsdt_tracer_opts, topts,
			  .force_per_site = per_site,
			  .no_nop5 = no_nop5,
			  .no_sleepable = no_sleepable,
			  .ringbuf_size = bufsz,
			  .str_max = strsz);

		ret = cli_session__open(&s, pid, command, argv + optind,
					argc - optind, &topts);
		if (ret)
			goto out;
		ret = 1;
	}

	if (output) {
		out.fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			      0666);
		if (out.fd < 0) {
			fprintf(stderr, "tsdt trace: cannot open '%s': %s\n", output,
				strerror(errno));
			goto out;
		}
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (cli_session__start(&s))
		goto out;
	if ((err = trace_out__begin(&out, s.tr, &s))) {
		fprintf(stderr, "tsdt trace: writing the start of the output: %s\n",
			strerror(-err));
		goto out;
	}
	if (cli_session__release(&s))
		goto out;
	ret = trace_out__loop(&out, &s, &got_signal);
	if (ret == 0)
		ret = cli_session__exit_code(&s, got_signal);

out:
	trace_out__free(&out);
	cli_session__free(&s);
	if (output && out.fd >= 0 && close(out.fd)) {
		fprintf(stderr, "tsdt trace: writing '%s': %s\n", output,
			strerror(errno));
		ret = 1;
	}
	return ret;

usage:
	cli_session__free(&s);
	return 2;
}
