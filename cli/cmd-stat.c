// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tsdt stat: count the hits of the selected probes in the kernel (no events
 * travel) and print the counts every interval. A thin layer over libtsdt's
 * tracer in count-only mode; probe selection, the command and the tracer's
 * set-up and tear-down are shared with tsdt trace (session.c).
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tsdt/libtsdt.h>

#include "cli.h"
#include "session.h"
#include "util.h"

static volatile sig_atomic_t stat_signal;

static void stat_on_signal(int sig)
{
	stat_signal = sig;
}

static const char stat_usage[] =
"Usage: tsdt stat [-p PID | -c 'CMD ARGS' | --cgroup PATH] [--no-follow]\n"
"                 [-i INTERVAL] [-n COUNT] [-a]\n"
"                 [--provider-file FILE]... [--json] [--per-site] [--no-nop5]\n"
"                 [-v] PROBE...\n"
"\n"
"Count hits of the probes given, in the kernel (no event is copied), and\n"
"print the hits of each probe every INTERVAL: hits in the interval and in\n"
"total. PROBE is [BINARY-OR-LIBRARY:]PROVIDER:NAME with globs, as for\n"
"tsdt trace.\n"
"\n"
"Options:\n"
"  -p, --pid PID            count in process PID and the processes it forks\n"
"  -c, --command 'CMD ARGS' run CMD, count its hits and those of the processes\n"
"                           it forks from their first instruction, exit with\n"
"                           its exit status when they have all ended\n"
CLI_SESSION_HELP
"  -i, --interval TIME      print every TIME (seconds, or 250ms, 2s, 1m, 1h);\n"
"                           default 1s\n"
"  -n, --count N            stop after N intervals\n"
"  -a, --all                also list probes without hits\n"
"      --by role            also the total hits per probe and role, counted in\n"
"                           the kernel (roles: TSDT_ROLE(), docs/roles.md)\n"
"      --provider-file FILE as for tsdt trace; repeatable\n"
"  -j, --json               JSON Lines (docs/trace-json.md)\n"
"      --per-site           per-site perf-event uprobes, not uprobe_multi\n"
"      --no-nop5            attach <sys/tsdt.h> sites at their one-byte nop\n"
"                           (int3), not their five-byte nop (see tsdt-trace(1))\n"
"  -v, --verbose            print libtsdt's debug messages\n"
"  -h, --help               show this help\n"
"\n"
"Exit status: 0 success; 1 error; 2 usage error; with -c, the command's\n"
"exit status (128+N if killed by signal N).\n"
"\n"
"Examples:\n"
"  tsdt stat -p 4242 'postgresql:*'            # every second, until Ctrl-C\n"
"  tsdt stat -i 5 -n 3 /usr/lib/postgresql/15/bin/postgres:postgresql:*\n"
"  tsdt stat -c 'make -j4' 'myapp:*'           # totals when the command ends\n";

enum { OPT_PROVIDER_FILE = 256, OPT_PER_SITE, OPT_NO_NOP5, OPT_BY };

static const struct option stat_options[] = {
	{ "pid",           required_argument, NULL, 'p' },
	{ "command",       required_argument, NULL, 'c' },
	{ "interval",      required_argument, NULL, 'i' },
	{ "count",         required_argument, NULL, 'n' },
	{ "all",           no_argument,       NULL, 'a' },
	{ "provider-file", required_argument, NULL, OPT_PROVIDER_FILE },
	{ "json",          no_argument,       NULL, 'j' },
	{ "per-site",      no_argument,       NULL, OPT_PER_SITE },
	{ "no-nop5",       no_argument,       NULL, OPT_NO_NOP5 },
	{ "verbose",       no_argument,       NULL, 'v' },
	{ "help",          no_argument,       NULL, 'h' },
	{ "by",            required_argument, NULL, OPT_BY },
	CLI_SESSION_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

static long long now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void put_probe_json(FILE *f, const struct tsdt_probe *p)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%s:%s", tsdt_probe__provider(p),
			 tsdt_probe__name(p));

	tsdt_json__write_str(f, buf, n < (int)sizeof(buf) ? n : (int)sizeof(buf) - 1);
}

/* --by role: the totals per probe and role, counted in the kernel */
struct role_print {
	const struct tsdt_tracer *tr;
	bool json;
	int n;
};

static int print_role_hit(void *ctx, size_t probe, const char *role,
			  uint64_t hits)
{
	struct role_print *rp = ctx;
	const struct tsdt_probe *p = tsdt_tracer__probe(rp->tr, probe);
	char name[256];

	if (!p)
		return 0;
	if (rp->json) {
		printf("%s{\"probe\":", rp->n++ ? "," : "");
		put_probe_json(stdout, p);
		fputs(",\"role\":", stdout);
		if (role)
			tsdt_json__write_str(stdout, role, strlen(role));
		else
			fputs("null", stdout);
		printf(",\"total\":%" PRIu64 "}", hits);
		return 0;
	}
	snprintf(name, sizeof(name), "%s:%s", tsdt_probe__provider(p),
		 tsdt_probe__name(p));
	printf("%-48s %-16s %14" PRIu64 "\n", name, role ? role : "-", hits);
	rp->n++;
	return 0;
}

static void print_by_role(struct tsdt_tracer *tr, bool json)
{
	struct role_print rp = { .tr = tr, .json = json };

	if (json) {
		fputs(",\"by_role\":[", stdout);
		tsdt_tracer__for_each_role_hit(tr, print_role_hit, &rp);
		putchar(']');
		return;
	}
	printf("%-48s %-16s %14s\n", "PROBE", "ROLE", "TOTAL");
	tsdt_tracer__for_each_role_hit(tr, print_role_hit, &rp);
	putchar('\n');
}

static bool by_role;

static void print_interval(struct tsdt_tracer *tr, uint64_t *prev, bool json,
			   bool all, double secs, bool final)
{
	size_t n = tsdt_tracer__probe_cnt(tr);
	uint64_t cur[n ? n : 1];
	size_t silent = 0;

	for (size_t i = 0; i < n; i++)
		cur[i] = tsdt_tracer__hit_cnt(tr, i);
	if (json) {
		fputs("{\"type\":\"interval\",\"time\":\"", stdout);
		cli_put_rfc3339(stdout, now_ns(CLOCK_REALTIME));
		printf("\",\"interval_s\":%.6f,\"hits\":{", secs);
		for (size_t i = 0; i < n; i++) {
			if (i)
				putchar(',');
			put_probe_json(stdout, tsdt_tracer__probe(tr, i));
			printf(":%" PRIu64, cur[i] - prev[i]);
		}
		fputs("},\"total\":{", stdout);
		for (size_t i = 0; i < n; i++) {
			if (i)
				putchar(',');
			put_probe_json(stdout, tsdt_tracer__probe(tr, i));
			printf(":%" PRIu64, cur[i]);
		}
		putchar('}');
		if (by_role)
			print_by_role(tr, true);
		printf(",\"final\":%s}\n", final ? "true" : "false");
	} else {
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		printf("%02d:%02d:%02d%s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
		       final ? " (final)" : "");
		printf("%-48s %12s %14s\n", "PROBE", "HITS", "TOTAL");
		for (size_t i = 0; i < n; i++) {
			const struct tsdt_probe *p = tsdt_tracer__probe(tr, i);
			char name[256];

			if (!all && cur[i] == prev[i]) {
				silent++;
				continue;
			}
			snprintf(name, sizeof(name), "%s:%s", tsdt_probe__provider(p),
				 tsdt_probe__name(p));
			printf("%-48s %12" PRIu64 " %14" PRIu64 "\n", name,
			       cur[i] - prev[i], cur[i]);
		}
		if (silent)
			printf("(%zu probe%s without hits)\n", silent,
			       silent == 1 ? "" : "s");
		putchar('\n');
		if (by_role)
			print_by_role(tr, false);
	}
	fflush(stdout);
	memcpy(prev, cur, n * sizeof(*prev));
}

int cmd_stat(int argc, char **argv)
{
	struct cli_session s = CLI_SESSION_INIT("tsdt stat");
	const char *command = NULL;
	bool per_site = false, verbose = false, json = false, all = false;
	bool no_nop5 = false;
	long pid = 0, interval_ms = 1000, count = 0;
	struct sigaction sa = { .sa_handler = stat_on_signal };
	uint64_t *prev = NULL;
	int opt, ret = 1;

	while ((opt = getopt_long(argc, argv, "p:c:i:n:ajvhZ", stat_options,
				  NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (cli_parse_long(optarg, 1, INT32_MAX, &pid)) {
				fprintf(stderr, "tsdt stat: bad pid '%s'\n", optarg);
				goto usage;
			}
			break;
		case 'c':
			command = optarg;
			break;
		case 'i':
			if (cli_parse_duration_ms(optarg, &interval_ms)) {
				fprintf(stderr, "tsdt stat: bad interval '%s'\n", optarg);
				goto usage;
			}
			break;
		case 'n':
			if (cli_parse_long(optarg, 1, LONG_MAX, &count)) {
				fprintf(stderr, "tsdt stat: bad count '%s'\n", optarg);
				goto usage;
			}
			break;
		case 'a':
			all = true;
			break;
		case OPT_BY:
			if (strcmp(optarg, "role")) {
				fprintf(stderr, "tsdt stat: --by '%s': only 'role' is known\n",
					optarg);
				goto usage;
			}
			by_role = true;
			break;
		case OPT_PROVIDER_FILE:
			if (cli_add_provider_file(&s.provider_files,
						  &s.provider_file_cnt, optarg))
				goto out;
			break;
		case 'j':
			json = true;
			break;
		case OPT_PER_SITE:
			per_site = true;
			break;
		case OPT_NO_NOP5:
			no_nop5 = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			fputs(stat_usage, stdout);
			cli_session__free(&s);
			return 0;
		default:
			if (!cli_session__parse_opt(&s, opt, optarg))
				break;
			goto usage;
		}
	}
	cli_set_print("tsdt stat", verbose);
	{
		TSDT_OPTS(tsdt_tracer_opts, topts, .force_per_site = per_site,
			  .no_nop5 = no_nop5, .count_only = true,
			  .count_by_role = by_role);

		ret = cli_session__open(&s, pid, command, argv + optind,
					argc - optind, &topts);
		if (ret)
			goto out;
		ret = 1;
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (cli_session__start(&s))
		goto out;
	prev = calloc(tsdt_tracer__probe_cnt(s.tr) + 1, sizeof(*prev));
	if (!prev)
		goto out;
	fprintf(stderr, "Counting %zu probe%s at %zu site%s... Hit Ctrl-C to end.\n",
		tsdt_tracer__probe_cnt(s.tr),
		tsdt_tracer__probe_cnt(s.tr) == 1 ? "" : "s",
		tsdt_target__site_cnt(s.target),
		tsdt_target__site_cnt(s.target) == 1 ? "" : "s");
	if (cli_session__release(&s))
		goto out;

	{
		long long start = now_ns(CLOCK_MONOTONIC), last = start;
		long long next = start + interval_ms * 1000000LL;
		long printed = 0;
		bool ended = false;

		while (!stat_signal && !ended) {
			long long now = now_ns(CLOCK_MONOTONIC);
			long long wait = next - now;

			if (wait > 100000000LL)
				wait = 100000000LL;
			/* following: process events come through the ring
			 * (a process waits at a new file until it is read) */
			if (wait > 0 && cli_session__following(&s))
				tsdt_tracer__poll(s.tr, (int)((wait + 999999) / 1000000),
						  NULL, NULL);
			else if (wait > 0)
				nanosleep(&(struct timespec){ 0, wait }, NULL);
			ended = cli_session__ended(&s);
			now = now_ns(CLOCK_MONOTONIC);
			if (now >= next || ended || stat_signal) {
				/* the last table is final, -n's too */
				bool last_one = count && printed + 1 >= count;

				print_interval(s.tr, prev, json, all, (now - last) / 1e9,
					       ended || stat_signal || last_one);
				last = now;
				next += interval_ms * 1000000LL;
				if (next < now)
					next = now + interval_ms * 1000000LL;
				if (last_one)
					break;
				printed++;
			}
		}
	}
	cli_session__stop_command(&s, stat_signal);
	ret = cli_session__exit_code(&s, stat_signal);

out:
	cli_session__free(&s);
	free(prev);
	return ret;

usage:
	fprintf(stderr, "Try 'tsdt stat --help'.\n");
	cli_session__free(&s);
	return 2;
}
