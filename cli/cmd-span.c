// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tsdt span: the latency from a begin probe to an end probe, possibly in
 * two processes, matched by a key in the kernel; log2 histograms per
 * group, printed every interval, and what did not match. With --perfetto,
 * also a trace file (libtsdt's "perfetto" writer) of the probes' events,
 * the processes and each span. A thin layer over libtsdt's spans
 * (tsdt_tracer__add_span()); probe selection, the command and the tracer's
 * set-up are the session's (session.c), as for tsdt trace and tsdt stat.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
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

static volatile sig_atomic_t span_signal;

static void span_on_signal(int sig)
{
	span_signal = sig;
}

static const char span_usage[] =
"Usage: tsdt span [-p PID | -c 'CMD ARGS' | --cgroup PATH] [--no-follow]\n"
"                 --begin PROBE --end PROBE [--stage PROBE]... [-k KEY]\n"
"                 [--by GROUP] [--name NAME] [--timeout TIME]\n"
"                 [-i INTERVAL] [-n COUNT] [--json] [--perfetto FILE]\n"
"                 [--provider-file FILE]... [-v] [PROBE...]\n"
"\n"
"Time spans of work from a begin probe to an end probe, which may fire in\n"
"another process (a request from client to server), matched by a key in the\n"
"kernel: no event per hit is copied to user space. Latency histograms are\n"
"kept in the kernel, per group; every INTERVAL, and at the end, print per\n"
"group the spans ended, their rate, p50/p90/p99/max and a log2 histogram,\n"
"then begins without an end. PROBE patterns as for tsdt trace.\n"
"\n"
"Options:\n"
"  -p, --pid PID            in process PID and the processes it forks\n"
"  -c, --command 'CMD ARGS' run CMD, follow it and the processes it forks,\n"
"                           exit with its exit status when they have ended\n"
CLI_SESSION_HELP
"  -b, --begin PROBE        the probe that begins a span\n"
"  -e, --end PROBE          the probe that ends it\n"
"  -s, --stage PROBE        a probe the work passes between (up to 4, in\n"
"                           order): each one's share of the span is printed\n"
"  -S, --syscalls LIST      time system calls instead, entry to exit per\n"
"                           thread: '*' or names (read,write,futex), by syscall\n"
"                           (or --by role, pid); no --begin/--end\n"
"  -k, --key KEY            what matches an end to its begin: an argument by\n"
"                           name (as tsdt list -v shows it) or argN, a global\n"
"                           (--with), pid or tid; two joined by '+'\n"
"                           (default: tid)\n"
"      --by GROUP           histograms per role, pid (the begin's process), or\n"
"                           begin argument (name or argN)\n"
"      --name NAME          the span's name (default BEGIN..END)\n"
"      --timeout TIME       a begin open longer than TIME is counted as\n"
"                           unmatched and forgotten (default: kept to the end)\n"
"  -i, --interval TIME      print every TIME (seconds, or 250ms, 2s, 1m);\n"
"                           default 1s\n"
"  -n, --count N            stop after N intervals\n"
"  -j, --json               JSON Lines, one object per interval\n"
"      --perfetto FILE      also write a trace of the events, processes and\n"
"                           spans that Perfetto's UI opens (Chrome JSON trace\n"
"                           format; extra PROBE arguments add their events)\n"
"      --provider-file FILE as for tsdt trace; repeatable\n"
"  -v, --verbose            print libtsdt's debug messages\n"
"  -h, --help               show this help\n"
"\n"
"Exit status: 0 success; 1 error; 2 usage error; with -c, the command's\n"
"exit status (128+N if killed by signal N).\n"
"\n"
"Examples:\n"
"  tsdt span -c './client' -b 'req:send' -e 'server:req:done' -k id\n"
"  tsdt span -p 4242 -b 'postgresql:query__start' -e 'postgresql:query__done' \\\n"
"            --by pid -i 5\n"
"  tsdt span -c ./app -b 'app:fn:parse' -e 'app:fn-return:parse' -k tid\n"
"  tsdt span -c 'make -j2' -S '*' -i 5         # every syscall, by syscall\n"
"  tsdt span -c ./srv -b 'srv:req:start' -e 'srv:req:finish' -k id \\\n"
"            --by role --perfetto /tmp/srv.json\n";

enum { OPT_PROVIDER_FILE = 256, OPT_BY, OPT_NAME, OPT_TIMEOUT, OPT_PERFETTO };
#define SPAN_SHORT "p:c:b:e:s:k:S:i:n:jvhZ"

static const struct option span_options[] = {
	{ "pid",           required_argument, NULL, 'p' },
	{ "command",       required_argument, NULL, 'c' },
	{ "begin",         required_argument, NULL, 'b' },
	{ "end",           required_argument, NULL, 'e' },
	{ "stage",         required_argument, NULL, 's' },
	{ "key",           required_argument, NULL, 'k' },
	{ "syscalls",      required_argument, NULL, 'S' },
	{ "by",            required_argument, NULL, OPT_BY },
	{ "name",          required_argument, NULL, OPT_NAME },
	{ "timeout",       required_argument, NULL, OPT_TIMEOUT },
	{ "interval",      required_argument, NULL, 'i' },
	{ "count",         required_argument, NULL, 'n' },
	{ "json",          no_argument,       NULL, 'j' },
	{ "perfetto",      required_argument, NULL, OPT_PERFETTO },
	{ "provider-file", required_argument, NULL, OPT_PROVIDER_FILE },
	{ "verbose",       no_argument,       NULL, 'v' },
	{ "help",          no_argument,       NULL, 'h' },
	CLI_SESSION_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

/* What the command keeps: the span's definition, the last reading of each
 * group's histogram (for the interval's), the trace writer. */
struct span_cmd {
	const char *begin, *end, *key, *by, *name, *syscalls;
	char stages[1024];
	size_t stage_cnt;
	long timeout_ms;
	bool json;
	struct tsdt_writer *w;
	int w_fd;
	unsigned long long spans_written;
	struct group_prev {
		size_t span;
		uint64_t group;
		struct tsdt_hist h;
		bool seen;         /* in this reading */
	} *prev;
	size_t prev_cnt;
	/* one interval's reading */
	double secs;
	bool final;
	int n_out;
};

static int span_setup(void *ctx, struct tsdt_tracer *tr)
{
	struct span_cmd *c = ctx;
	TSDT_OPTS(tsdt_span_opts, so, .name = c->name, .begin = c->begin,
		  .end = c->end, .stages = c->stage_cnt ? c->stages : NULL,
		  .key = c->key, .group = c->by, .syscalls = c->syscalls,
		  .timeout_ns = (uint64_t)c->timeout_ms * 1000000ULL);
	int err = tsdt_tracer__add_span(tr, &so);

	if (err < 0) {
		fprintf(stderr, "tsdt span: cannot define the span: %s\n",
			strerror(-err));
		return err;
	}
	if (!tsdt_tracer__span_probe_cnt(tr, err)) {
		fprintf(stderr, "tsdt span: no probe selected takes part in span '%s'\n",
			tsdt_tracer__span_name(tr, err));
		return -ENOENT;
	}
	return 0;
}

/* ns as text: "850ns", "12.3us", "4.56ms", "1.23s" */
static const char *fmt_ns(char *buf, size_t n, double ns)
{
	if (ns < 1000)
		snprintf(buf, n, "%.0fns", ns);
	else if (ns < 1e6)
		snprintf(buf, n, "%.1fus", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, n, "%.2fms", ns / 1e6);
	else
		snprintf(buf, n, "%.2fs", ns / 1e9);
	return buf;
}

static const char *group_text(const struct span_cmd *c, char *buf, size_t n,
			      uint64_t group, const char *name)
{
	const char *by = c->by ? c->by : c->syscalls ? "syscall" : NULL;

	if (!by)
		return "-";
	if (name)
		return name;
	if (!strcmp(by, "role"))
		snprintf(buf, n, group ? "role:%#" PRIx64 : "(none)", group);
	else
		snprintf(buf, n, "%" PRId64, (int64_t)group);
	return buf;
}

static struct group_prev *find_prev(struct span_cmd *c, size_t span,
				    uint64_t group)
{
	struct group_prev *p;

	for (size_t i = 0; i < c->prev_cnt; i++)
		if (c->prev[i].span == span && c->prev[i].group == group)
			return &c->prev[i];
	p = realloc(c->prev, (c->prev_cnt + 1) * sizeof(*p));
	if (!p)
		return NULL;
	c->prev = p;
	p = &c->prev[c->prev_cnt++];
	memset(p, 0, sizeof(*p));
	p->span = span;
	p->group = group;
	return p;
}

/* 2^@r as bpftrace's histograms write it: 512, 1K, 2M, 4G; @r < 0: 0 */
static const char *pow2_text(char *buf, size_t n, int r)
{
	static const char sfx[] = " KMGTPE";

	if (r < 0)
		snprintf(buf, n, "0");
	else
		snprintf(buf, n, "%llu%.*s", 1ULL << (r % 10), r >= 10, &sfx[r / 10]);
	return buf;
}

/* log2 rows (4 buckets each) of @h, in ns, from the first to the last not empty */
static void print_hist_text(const struct tsdt_hist *h)
{
	struct tsdt_hist_rows hr;

	tsdt_hist__log2(h->buckets, TSDT_HIST_BUCKETS, &hr);
	for (int r = hr.lo; r >= 0 && r <= hr.hi; r++) {
		char a[16], b[16], range[40];
		int bar = hr.max ? (int)((hr.rows[r] * 40 + hr.max - 1) / hr.max) : 0;

		snprintf(range, sizeof(range), "[%s, %s)",
			 pow2_text(a, sizeof(a), r ? r : -1), pow2_text(b, sizeof(b), r + 1));
		printf("    %14s |%-40.*s| %" PRIu64 "\n", range, bar,
		       "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@", hr.rows[r]);
	}
}

static void put_hist_json(const struct tsdt_hist *h)
{
	bool first = true;

	putchar('[');
	for (int b = 0; b < TSDT_HIST_BUCKETS; b++) {
		if (!h->buckets[b])
			continue;
		printf("%s[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]", first ? "" : ",",
		       tsdt_hist__bucket_low(b), tsdt_hist__bucket_high(b),
		       h->buckets[b]);
		first = false;
	}
	putchar(']');
}

struct print_ctx {
	struct span_cmd *c;
	const struct tsdt_tracer *tr;
	size_t span;
};

static int print_group(void *ctx, size_t span, uint64_t group,
		       const char *gname, const struct tsdt_hist *h)
{
	struct print_ctx *pc = ctx;
	struct span_cmd *c = pc->c;
	struct group_prev *p;
	struct tsdt_hist d;
	char g[64], t[5][32];
	size_t stages = tsdt_tracer__span_stage_cnt(pc->tr, span);

	if (span != pc->span)
		return 0;
	p = find_prev(c, span, group);
	if (!p)
		return -ENOMEM;
	tsdt_hist__sub(&d, h, &p->h);
	p->h = *h;
	if (!d.count && !c->final)
		return 0;
	if (c->json) {
		printf("%s{\"group\":", c->n_out++ ? "," : "");
		if (!c->by && !c->syscalls)
			fputs("null", stdout);
		else if (gname || (c->by && !strcmp(c->by, "role")))
			tsdt_json__write_str(stdout, group_text(c, g, sizeof(g), group, gname),
					     strlen(group_text(c, g, sizeof(g), group, gname)));
		else
			printf("%" PRId64, (int64_t)group);
		printf(",\"count\":%" PRIu64 ",\"total\":%" PRIu64
		       ",\"rate\":%.3f,\"sum_ns\":%" PRIu64 ",\"min_ns\":%" PRIu64
		       ",\"p50_ns\":%" PRIu64 ",\"p90_ns\":%" PRIu64
		       ",\"p99_ns\":%" PRIu64 ",\"max_ns\":%" PRIu64,
		       d.count, h->count, c->secs > 0 ? d.count / c->secs : 0.0,
		       d.sum, d.min, tsdt_hist__percentile(&d, 50),
		       tsdt_hist__percentile(&d, 90), tsdt_hist__percentile(&d, 99),
		       d.max);
		fputs(",\"stages\":[", stdout);
		for (size_t k = 0; k < stages; k++) {
			const char *st = tsdt_tracer__span_stage(pc->tr, span, k);

			printf("%s{\"stage\":", k ? "," : "");
			tsdt_json__write_str(stdout, st, strlen(st));
			printf(",\"count\":%" PRIu64 ",\"sum_ns\":%" PRIu64
			       ",\"share\":%.4f}", d.stage_cnt[k], d.stage_sum[k],
			       d.sum ? (double)d.stage_sum[k] / d.sum : 0.0);
		}
		fputs("],\"hist\":", stdout);
		put_hist_json(&d);
		putchar('}');
		return 0;
	}
	printf("  %-20s %10" PRIu64 " %10.1f %9s %9s %9s %9s %12" PRIu64 "\n",
	       group_text(c, g, sizeof(g), group, gname), d.count,
	       c->secs > 0 ? d.count / c->secs : 0.0,
	       fmt_ns(t[0], sizeof(t[0]), tsdt_hist__percentile(&d, 50)),
	       fmt_ns(t[1], sizeof(t[1]), tsdt_hist__percentile(&d, 90)),
	       fmt_ns(t[2], sizeof(t[2]), tsdt_hist__percentile(&d, 99)),
	       fmt_ns(t[3], sizeof(t[3]), d.max), h->count);
	if (stages && d.sum) {
		uint64_t rest = d.sum;

		printf("    stages:");
		for (size_t k = 0; k < stages; k++) {
			printf(" %s %.1f%% (mean %s)%s",
			       tsdt_tracer__span_stage(pc->tr, span, k),
			       100.0 * d.stage_sum[k] / d.sum,
			       fmt_ns(t[4], sizeof(t[4]), d.stage_cnt[k] ?
				      (double)d.stage_sum[k] / d.stage_cnt[k] : 0),
			       ",");
			rest -= d.stage_sum[k] < rest ? d.stage_sum[k] : rest;
		}
		printf(" to the end %.1f%%\n", 100.0 * rest / d.sum);
	}
	if (d.count) {
		printf("    %14s\n", "ns");
		print_hist_text(&d);
	}
	return 0;
}

static void print_keys(const uint64_t (*keys)[2], size_t n, bool two,
		       bool json)
{
	for (size_t i = 0; i < n; i++) {
		if (json && two)
			printf("%s[%" PRIu64 ",%" PRIu64 "]", i ? "," : "",
			       keys[i][0], keys[i][1]);
		else if (json)
			printf("%s%" PRIu64, i ? "," : "", keys[i][0]);
		else if (two)
			printf(" %" PRIu64 "+%" PRIu64, keys[i][0], keys[i][1]);
		else
			printf(" %" PRIu64, keys[i][0]);
	}
}

static void print_interval(struct span_cmd *c, struct tsdt_tracer *tr,
			   double secs, bool final)
{
	TSDT_OPTS(tsdt_span_counts, cnt);
	bool two = c->key && strchr(c->key, '+');

	c->secs = secs;
	c->final = final;
	if (c->json) {
		fputs("{\"type\":\"spans\",\"time\":\"", stdout);
		{
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			cli_put_rfc3339(stdout, ts.tv_sec * 1000000000LL + ts.tv_nsec);
		}
		printf("\",\"interval_s\":%.6f,\"final\":%s,\"spans\":[", secs,
		       final ? "true" : "false");
	} else {
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		printf("%02d:%02d:%02d%s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
		       final ? " (final)" : "");
	}
	for (size_t i = 0; i < tsdt_tracer__span_cnt(tr); i++) {
		struct print_ctx pc = { .c = c, .tr = tr, .span = i };
		const char *name = tsdt_tracer__span_name(tr, i);

		tsdt_tracer__span_counts(tr, i, &cnt);
		if (c->json) {
			printf("%s{\"span\":", i ? "," : "");
			tsdt_json__write_str(stdout, name, strlen(name));
			printf(",\"begins\":%" PRIu64 ",\"ends\":%" PRIu64
			       ",\"open\":%" PRIu64 ",\"orphan_ends\":%" PRIu64
			       ",\"timed_out\":%" PRIu64 ",\"replaced\":%" PRIu64
			       ",\"full\":%" PRIu64 ",\"groups\":[",
			       cnt.begins, cnt.ends, cnt.open, cnt.orphan_ends,
			       cnt.timed_out, cnt.replaced, cnt.full);
			c->n_out = 0;
			tsdt_tracer__for_each_span_hist(tr, print_group, &pc);
			putchar(']');
			if (final) {
				uint64_t keys[8][2];
				int n = tsdt_tracer__open_span_keys(tr, i, keys, 8);

				fputs(",\"open_keys\":[", stdout);
				print_keys((const uint64_t (*)[2])keys, n > 0 ? n : 0,
					   two, true);
				fputs("],\"timed_out_keys\":[", stdout);
				print_keys((const uint64_t (*)[2])cnt.samples,
					   cnt.sample_cnt, two, true);
				putchar(']');
			}
			putchar('}');
			continue;
		}
		printf("span %s: %" PRIu64 " begun, %" PRIu64 " ended, %" PRIu64
		       " open", name, cnt.begins, cnt.ends, cnt.open);
		if (cnt.orphan_ends)
			printf(", %" PRIu64 " ends without a begin", cnt.orphan_ends);
		if (cnt.timed_out)
			printf(", %" PRIu64 " timed out", cnt.timed_out);
		if (cnt.replaced)
			printf(", %" PRIu64 " begins of a key already open (the older one dropped)",
			       cnt.replaced);
		if (cnt.full)
			printf(", %" PRIu64 " begins not kept (too many open)", cnt.full);
		if (cnt.hist_full)
			printf(", %" PRIu64 " not counted (too many groups)", cnt.hist_full);
		printf("\n  %-20s %10s %10s %9s %9s %9s %9s %12s\n",
		       c->by ? c->by : c->syscalls ? "syscall" : "GROUP", "COUNT", "RATE/s", "P50", "P90",
		       "P99", "MAX", "TOTAL");
		tsdt_tracer__for_each_span_hist(tr, print_group, &pc);
		if (final && cnt.open) {
			uint64_t keys[8][2];
			int n = tsdt_tracer__open_span_keys(tr, i, keys, 8);

			printf("  unmatched: %" PRIu64 " begun and not ended (keys:",
			       cnt.open);
			print_keys((const uint64_t (*)[2])keys, n > 0 ? n : 0, two,
				   false);
			printf("%s)\n", cnt.open > 8 ? " ..." : "");
		}
		if (final && cnt.timed_out) {
			printf("  timed out: %" PRIu64 " (first keys:", cnt.timed_out);
			print_keys((const uint64_t (*)[2])cnt.samples,
				   cnt.sample_cnt, two, false);
			printf(")\n");
		}
	}
	if (c->json)
		puts("]}");
	else
		putchar('\n');
	fflush(stdout);
}

static int on_event(void *ctx, const struct tsdt_event *ev)
{
	struct span_cmd *c = ctx;

	if (!c->w)
		return 0;
	if (tsdt_event__kind(ev) == TSDT_EVENT_SPAN)
		c->spans_written++;
	return tsdt_writer__event(c->w, ev) ? -EIO : 0;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int cmd_span(int argc, char **argv)
{
	struct cli_session s = CLI_SESSION_INIT("tsdt span");
	struct span_cmd c = { .w_fd = -1 };
	const char *command = NULL, *perfetto = NULL;
	bool verbose = false;
	long pid = 0, interval_ms = 1000, count = 0;
	struct sigaction sa = { .sa_handler = span_on_signal };
	char **pats = NULL;
	int opt, ret = 1, pat_cnt = 0;

	while ((opt = getopt_long(argc, argv, SPAN_SHORT,
				  span_options, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (cli_parse_long(optarg, 1, INT32_MAX, &pid)) {
				fprintf(stderr, "tsdt span: bad pid '%s'\n", optarg);
				goto usage;
			}
			break;
		case 'c':
			command = optarg;
			break;
		case 'b':
			c.begin = optarg;
			break;
		case 'e':
			c.end = optarg;
			break;
		case 's':
			if (c.stage_cnt == 4 ||
			    strlen(c.stages) + strlen(optarg) + 2 > sizeof(c.stages)) {
				fprintf(stderr, "tsdt span: at most 4 stages\n");
				goto usage;
			}
			if (c.stage_cnt++)
				strcat(c.stages, ",");
			strcat(c.stages, optarg);
			break;
		case 'k':
			c.key = optarg;
			break;
		case 'S':
			c.syscalls = optarg;
			break;
		case OPT_BY:
			c.by = optarg;
			break;
		case OPT_NAME:
			c.name = optarg;
			break;
		case OPT_TIMEOUT:
			if (cli_parse_duration_ms(optarg, &c.timeout_ms)) {
				fprintf(stderr, "tsdt span: bad timeout '%s'\n", optarg);
				goto usage;
			}
			break;
		case 'i':
			if (cli_parse_duration_ms(optarg, &interval_ms)) {
				fprintf(stderr, "tsdt span: bad interval '%s'\n", optarg);
				goto usage;
			}
			break;
		case 'n':
			if (cli_parse_long(optarg, 1, LONG_MAX, &count)) {
				fprintf(stderr, "tsdt span: bad count '%s'\n", optarg);
				goto usage;
			}
			break;
		case 'j':
			c.json = true;
			break;
		case OPT_PERFETTO:
			perfetto = optarg;
			break;
		case OPT_PROVIDER_FILE:
			if (cli_add_provider_file(&s.provider_files,
						  &s.provider_file_cnt, optarg))
				goto out;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			fputs(span_usage, stdout);
			cli_session__free(&s);
			return 0;
		default:
			if (!cli_session__parse_opt(&s, opt, optarg))
				break;
			goto usage;
		}
	}
	if (c.syscalls && (c.begin || c.end || c.stage_cnt || c.key)) {
		fprintf(stderr, "tsdt span: --syscalls times system calls: no --begin, --end, --stage or --key\n");
		goto usage;
	}
	if (!c.syscalls && (!c.begin || !c.end)) {
		fprintf(stderr, "tsdt span: --begin and --end are required\n");
		goto usage;
	}
	if (c.by && !strcmp(c.by, "none"))
		c.by = NULL;
	/* the probes traced: the span's, then any more for the trace file */
	pats = calloc(argc - optind + 2 + c.stage_cnt, sizeof(*pats));
	if (!pats)
		goto out;
	if (!c.syscalls) {
		pats[pat_cnt++] = (char *)c.begin;
		pats[pat_cnt++] = (char *)c.end;
	}
	s.no_probes_ok = c.syscalls != NULL;
	{
		char *save = NULL, *copy = strdup(c.stages), *tok;

		for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok;
		     tok = strtok_r(NULL, ",", &save)) {
			char *st = strdup(tok);

			if (st)
				pats[pat_cnt++] = st;
		}
		free(copy);
	}
	{
		int first_extra = pat_cnt;

		for (int i = optind; i < argc; i++)
			pats[pat_cnt++] = argv[i];
		if (pat_cnt > first_extra && !perfetto)
			fprintf(stderr, "tsdt span: note: probes beyond the span's are traced only for --perfetto\n");
	}
	cli_set_print("tsdt span", verbose);
	s.setup = span_setup;
	s.setup_ctx = &c;
	{
		TSDT_OPTS(tsdt_tracer_opts, topts, .count_only = !perfetto,
			  .span_records = perfetto != NULL,
			  .count_by_role = false);

		ret = cli_session__open(&s, pid, command, pats, pat_cnt, &topts);
		if (ret)
			goto out;
		ret = 1;
	}
	if (perfetto) {
		c.w_fd = open(perfetto, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (c.w_fd < 0) {
			fprintf(stderr, "tsdt span: %s: %s\n", perfetto, strerror(errno));
			goto out;
		}
		c.w = tsdt_writer__new("perfetto", c.w_fd, NULL);
		if (!c.w) {
			fprintf(stderr, "tsdt span: %s: %s\n", perfetto, strerror(errno));
			goto out;
		}
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (cli_session__start(&s))
		goto out;
	if (c.w && tsdt_writer__start(c.w, s.tr, NULL)) {
		fprintf(stderr, "tsdt span: %s: %s\n", perfetto, strerror(errno));
		goto out;
	}
	fprintf(stderr, "Timing span %s over %zu probe%s... Hit Ctrl-C to end.\n",
		tsdt_tracer__span_name(s.tr, 0), tsdt_tracer__probe_cnt(s.tr),
		tsdt_tracer__probe_cnt(s.tr) == 1 ? "" : "s");
	if (cli_session__release(&s))
		goto out;
	{
		long long start = now_ns(), last = start;
		long long next = start + interval_ms * 1000000LL;
		long printed = 0;
		bool ended = false;
		int n;

		while (!span_signal && !ended) {
			long long wait = next - now_ns();

			if (wait > 100000000LL)
				wait = 100000000LL;
			if (wait > 0) {
				n = tsdt_tracer__poll(s.tr, (int)((wait + 999999) / 1000000),
						      on_event, &c);
				if (n > 0 && c.w)
					tsdt_writer__flush(c.w);
				if (n < 0 && n != -EINTR) {
					fprintf(stderr, "tsdt span: %s\n", strerror(-n));
					break;
				}
			}
			ended = cli_session__ended(&s);
			if (ended || span_signal) {
				/* what the ring holds fired before the end */
				while (tsdt_tracer__poll(s.tr, 0, on_event, &c) > 0)
					;
				/* begins older than the timeout, timed out */
				tsdt_tracer__expire_spans(s.tr);
			}
			if (now_ns() >= next || ended || span_signal) {
				bool last_one = count && printed + 1 >= count;
				long long now = now_ns();

				print_interval(&c, s.tr, (now - last) / 1e9,
					       ended || span_signal || last_one);
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
	if (c.w) {
		TSDT_OPTS(tsdt_writer_summary, sum, .reason = span_signal ? "signal" : "exited");

		if (tsdt_writer__summary(c.w, s.tr, &sum))
			fprintf(stderr, "tsdt span: %s: %s\n", perfetto, strerror(errno));
		else
			fprintf(stderr, "tsdt span: wrote %s (%llu spans): open it in https://ui.perfetto.dev\n",
				perfetto, c.spans_written);
	}
	if (cli_session__following(&s))
		cli_report_following("tsdt span", s.tr, true);
	cli_session__stop_command(&s, span_signal);
	ret = cli_session__exit_code(&s, span_signal);
out:
	tsdt_writer__free(c.w);
	if (c.w_fd >= 0)
		close(c.w_fd);
	cli_session__free(&s);
	for (int i = 2; pats && !c.syscalls && i < 2 + (int)c.stage_cnt && i < pat_cnt; i++)
		free(pats[i]);
	free(pats);
	free(c.prev);
	return ret;

usage:
	fprintf(stderr, "Try 'tsdt span --help'.\n");
	cli_session__free(&s);
	return 2;
}
