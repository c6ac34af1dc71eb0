// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pg-top: a PostgreSQL engineer's live view of a running cluster, built on
 * libtsdt's public API with its own typed BPF handlers (pg-top.bpf.c):
 * per backend type and application, transactions started, committed and
 * aborted with their latency, queries with their latency and the top ones
 * by total time with their text, lock waits with their lock tag, and
 * checkpoints with their figures. No provider file: the handlers' types
 * come from providers/postgresql-15.d, and libtsdt checks them against the
 * binary's probes (typed by the same stock file) before attaching.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <tsdt/libtsdt.h>

#include "pg-top.h"
#include "pg-top.skel.h"

/* PostgreSQL 15's BackendType (src/include/miscadmin.h), as
 * pg_stat_activity.backend_type names them */
static const char *const btype_names[] = {
	"not initialized", "autovacuum launcher", "autovacuum worker",
	"client backend", "background worker", "background writer",
	"checkpointer", "startup", "walreceiver", "walsender", "walwriter",
	"archiver", "logger",
};
#define BTYPE_CNT (sizeof(btype_names) / sizeof(btype_names[0]))

static const char *btype_name(__u32 t, char *buf, size_t sz)
{
	if (t < BTYPE_CNT)
		return btype_names[t];
	snprintf(buf, sz, "type %u", t);
	return buf;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int print_fn(enum tsdt_print_level level, const char *fmt, va_list ap)
{
	/* warnings only: the stock types' known size differences are info */
	if (level != TSDT_WARN)
		return 0;
	fputs("pg-top: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

static int libbpf_print_fn(enum libbpf_print_level level, const char *fmt,
			   va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static const char usage[] =
	"Usage: pg-top (-p POSTMASTER_PID | -D DATADIR) [-i SECONDS] [-d SECONDS]\n"
	"              [--app NAME] [--pid PID] [--type TYPE] [--top N] [--json]\n"
	"\n"
	"Trace a running PostgreSQL 15 cluster: its postmaster and every process\n"
	"it forks, before or after the attach. Every interval, per backend type\n"
	"and application_name (totals since the attach): transactions started,\n"
	"committed and aborted and their latency; queries and their latency; the\n"
	"top queries by total time with their text; lock waits (lock tag, mode,\n"
	"duration) and checkpoints (buffers written, WAL files), as they end.\n"
	"\n"
	"  -p PID         the cluster's postmaster\n"
	"  -D DATADIR     the cluster's data directory (its postmaster.pid)\n"
	"  -i SECONDS     print interval (default 5)\n"
	"  -d SECONDS     stop after this long (default: until Ctrl-C)\n"
	"  --app NAME     only processes whose application_name is NAME\n"
	"  --pid PID      only this backend\n"
	"  --type TYPE    only this backend type ('client backend', walsender, ...)\n"
	"  --top N        top queries shown (default 10)\n"
	"  --json         one JSON object per interval instead of tables\n"
	"\n"
	"Examples:\n"
	"  pg-top -D /var/lib/postgresql/15/main\n"
	"  pg-top -p $(head -1 /var/lib/postgresql/15/main/postmaster.pid) --app pgbench -i 1\n";

static long parse_num(const char *opt, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0) {
		fprintf(stderr, "pg-top: %s wants a non-negative number, not '%s'\n",
			opt, s);
		exit(2);
	}
	return v;
}

/* ---------------------------------------------------------- the cluster */

static pid_t pid_from_datadir(const char *dir)
{
	char path[4096];
	long pid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/postmaster.pid", dir);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "pg-top: %s: %s (is the cluster running?)\n",
			path, strerror(errno));
		return -1;
	}
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 0) {
		fprintf(stderr, "pg-top: %s: no postmaster PID on its first line\n",
			path);
		pid = -1;
	}
	fclose(f);
	return (pid_t)pid;
}

static pid_t ppid_of(pid_t pid)
{
	char path[64], buf[512], *p;
	long ppid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	p = strrchr(buf, ')'); /* comm may hold anything */
	if (p && sscanf(p + 1, " %*c %ld", &ppid) != 1)
		ppid = 0;
	return (pid_t)ppid;
}

/* The postmaster and its children now in @members; the fork tracepoint,
 * attached before, adds every later one. */
static int seed_members(int fd, pid_t pm)
{
	__u8 one = 1;
	__u32 k = pm;
	struct dirent *de;
	int n = 1;
	DIR *d;

	if (bpf_map_update_elem(fd, &k, &one, BPF_ANY))
		return -errno;
	d = opendir("/proc");
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		long pid = strtol(de->d_name, NULL, 10);

		if (pid <= 0 || ppid_of((pid_t)pid) != pm)
			continue;
		k = (__u32)pid;
		if (!bpf_map_update_elem(fd, &k, &one, BPF_ANY))
			n++;
	}
	closedir(d);
	return n;
}

/* --------------------------------------------------------------- output */

struct ctx {
	struct pg_top_bpf *skel;
	bool json;
	int top;
	__u64 locks, ckpts;
};

static double pct_ms(const __u64 *hist, __u64 n, double pct)
{
	__u64 want = (__u64)(n * pct / 100.0 + 0.999999), seen = 0;

	if (!n)
		return 0;
	for (int i = 0; i < PG_HIST_MAX; i++) {
		seen += hist[i];
		if (seen >= want) /* the bucket's upper bound */
			return (double)(2ULL << i) / 1e6;
	}
	return 0;
}

static void json_str(const char *s)
{
	tsdt_json__write_str(stdout, s, strlen(s));
}

static int on_event(void *data, void *raw, size_t sz)
{
	struct ctx *c = data;
	const struct pg_event *e = raw;
	char tb[32];

	if (sz < sizeof(*e))
		return 0;
	if (e->kind == PG_EV_LOCK_WAIT) {
		c->locks++;
		if (c->json) {
			printf("{\"type\":\"lock_wait\",\"pid\":%u,\"backend_type\":", e->pid);
			json_str(btype_name(e->k.btype, tb, sizeof(tb)));
			printf(",\"application\":");
			json_str(e->k.app);
			printf(",\"tag\":[%u,%u,%u,%u],\"locktag_type\":%u,\"mode\":%d,\"ms\":%.3f}\n",
			       e->lock.field[0], e->lock.field[1], e->lock.field[2],
			       e->lock.field[3], e->lock.type, e->lock.mode, e->ns / 1e6);
		} else {
			printf("lock wait: pid %u (%s%s%s) tag %u/%u/%u/%u type %u mode %d: %.3f ms\n",
			       e->pid, btype_name(e->k.btype, tb, sizeof(tb)),
			       e->k.app[0] ? ", " : "", e->k.app, e->lock.field[0],
			       e->lock.field[1], e->lock.field[2], e->lock.field[3],
			       e->lock.type, e->lock.mode, e->ns / 1e6);
		}
	} else if (e->kind == PG_EV_CHECKPOINT) {
		c->ckpts++;
		if (c->json)
			printf("{\"type\":\"checkpoint\",\"pid\":%u,\"flags\":%d,\"buffers_written\":%d,"
			       "\"buffers_total\":%d,\"wal_added\":%d,\"wal_removed\":%d,"
			       "\"wal_recycled\":%d,\"ms\":%.3f}\n", e->pid, e->ckpt.flags,
			       e->ckpt.written, e->ckpt.total, e->ckpt.wal_added,
			       e->ckpt.wal_removed, e->ckpt.wal_recycled, e->ns / 1e6);
		else
			printf("checkpoint: pid %u flags 0x%x: %d of %d buffers written, "
			       "WAL files %d added, %d removed, %d recycled: %.1f ms\n",
			       e->pid, e->ckpt.flags, e->ckpt.written, e->ckpt.total,
			       e->ckpt.wal_added, e->ckpt.wal_removed,
			       e->ckpt.wal_recycled, e->ns / 1e6);
	}
	fflush(stdout);
	return 0;
}

struct qrow {
	struct pg_query_key k;
	struct pg_query q;
};

static int cmp_qrow(const void *a, const void *b)
{
	const struct qrow *x = a, *y = b;

	return x->q.total_ns < y->q.total_ns ? 1 : x->q.total_ns > y->q.total_ns ? -1 : 0;
}

static void print_summary(struct ctx *c, double secs)
{
	int sfd = bpf_map__fd(c->skel->maps.stats);
	int qfd = bpf_map__fd(c->skel->maps.queries);
	struct pg_key k, *prev = NULL;
	struct qrow *rows = NULL;
	size_t nrows = 0, cap = 0;
	struct pg_query_key qk, *qprev = NULL;
	bool first = true;
	char tb[32];

	if (c->json)
		printf("{\"type\":\"summary\",\"seconds\":%.3f,\"groups\":[", secs);
	else
		printf("\n--- %.1f s since attach ---\n%-20s %-16s %8s %8s %7s %9s %9s %9s %9s %9s\n",
		       secs, "BACKEND TYPE", "APPLICATION", "XSTART", "COMMIT",
		       "ABORT", "XACT p50", "XACT p99", "QUERIES", "Q p50", "Q p99");
	while (!bpf_map_get_next_key(sfd, prev, &k)) {
		struct pg_stats s;

		prev = &k;
		if (bpf_map_lookup_elem(sfd, &k, &s))
			continue;
		if (c->json) {
			printf("%s{\"backend_type\":", first ? "" : ",");
			json_str(btype_name(k.btype, tb, sizeof(tb)));
			printf(",\"application\":");
			json_str(k.app);
			printf(",\"xact_start\":%llu,\"xact_commit\":%llu,\"xact_abort\":%llu,"
			       "\"xact_p50_ms\":%.3f,\"xact_p99_ms\":%.3f,\"queries\":%llu,"
			       "\"query_ms\":%.3f,\"query_p50_ms\":%.3f,\"query_p99_ms\":%.3f,"
			       "\"queries_unread\":%llu,\"lock_waits\":%llu,\"lock_ms\":%.3f}",
			       (unsigned long long)s.xact_start, (unsigned long long)s.xact_commit,
			       (unsigned long long)s.xact_abort,
			       pct_ms(s.xact_hist, s.xact_commit + s.xact_abort, 50),
			       pct_ms(s.xact_hist, s.xact_commit + s.xact_abort, 99),
			       (unsigned long long)s.query_cnt, s.query_ns / 1e6,
			       pct_ms(s.query_hist, s.query_cnt, 50),
			       pct_ms(s.query_hist, s.query_cnt, 99),
			       (unsigned long long)s.unread, (unsigned long long)s.lock_waits,
			       s.lock_ns / 1e6);
		} else {
			printf("%-20s %-16s %8llu %8llu %7llu %7.2fms %7.2fms %9llu %7.2fms %7.2fms\n",
			       btype_name(k.btype, tb, sizeof(tb)), k.app[0] ? k.app : "-",
			       (unsigned long long)s.xact_start, (unsigned long long)s.xact_commit,
			       (unsigned long long)s.xact_abort,
			       pct_ms(s.xact_hist, s.xact_commit + s.xact_abort, 50),
			       pct_ms(s.xact_hist, s.xact_commit + s.xact_abort, 99),
			       (unsigned long long)s.query_cnt,
			       pct_ms(s.query_hist, s.query_cnt, 50),
			       pct_ms(s.query_hist, s.query_cnt, 99));
		}
		first = false;
	}
	/* top queries */
	while (!bpf_map_get_next_key(qfd, qprev, &qk)) {
		qprev = &qk;
		if (nrows == cap) {
			struct qrow *n = realloc(rows, (cap = cap ? cap * 2 : 64) * sizeof(*n));

			if (!n)
				break;
			rows = n;
		}
		rows[nrows].k = qk;
		if (!bpf_map_lookup_elem(qfd, &qk, &rows[nrows].q))
			nrows++;
	}
	qsort(rows, nrows, sizeof(*rows), cmp_qrow);
	if (c->json) {
		printf("],\"top_queries\":[");
		for (size_t i = 0; i < nrows && (int)i < c->top; i++) {
			const struct qrow *r = &rows[i];

			printf("%s{\"backend_type\":", i ? "," : "");
			json_str(btype_name(r->k.k.btype, tb, sizeof(tb)));
			printf(",\"application\":");
			json_str(r->k.k.app);
			printf(",\"calls\":%llu,\"total_ms\":%.3f,\"max_ms\":%.3f,\"query\":",
			       (unsigned long long)r->q.cnt, r->q.total_ns / 1e6,
			       r->q.max_ns / 1e6);
			json_str(r->q.text);
			putchar('}');
		}
		printf("],\"distinct_queries\":%zu,\"lock_waits\":%llu,\"checkpoints\":%llu,"
		       "\"lost_events\":%llu}\n", nrows, (unsigned long long)c->locks,
		       (unsigned long long)c->ckpts,
		       (unsigned long long)c->skel->bss->lost_events);
	} else {
		printf("top queries by total time:\n%10s %8s %9s  %-16s %s\n", "TOTAL ms",
		       "CALLS", "MEAN ms", "APPLICATION", "QUERY");
		for (size_t i = 0; i < nrows && (int)i < c->top; i++) {
			const struct qrow *r = &rows[i];

			printf("%10.2f %8llu %9.3f  %-16s %.*s\n", r->q.total_ns / 1e6,
			       (unsigned long long)r->q.cnt,
			       r->q.cnt ? r->q.total_ns / 1e6 / r->q.cnt : 0,
			       r->k.k.app[0] ? r->k.k.app : "-", 100, r->q.text);
		}
		if (c->skel->bss->lost_events)
			printf("(%llu lock-wait or checkpoint events lost)\n",
			       (unsigned long long)c->skel->bss->lost_events);
	}
	free(rows);
	fflush(stdout);
}

/* ---------------------------------------------------------------- main */

static const char *const probe_names[] = {
	"transaction__start", "transaction__commit", "transaction__abort",
	"query__start", "query__done", "lock__wait__start", "lock__wait__done",
	"checkpoint__start", "checkpoint__done",
};

static int attach_handlers(struct pg_top_bpf *skel, const char *bin,
			   struct tsdt_link **links, size_t *link_cnt)
{
	static const char *const globals[] = { "MyBackendType:int",
					       "application_name:const char *" };
	TSDT_OPTS(tsdt_target_opts, topts);
	TSDT_OPTS(tsdt_attach_opts, aopts, .pid = -1, .globals = globals,
		  .global_cnt = 2);
	struct tsdt_target *t = tsdt_target__new(&topts);
	struct bpf_program *prog;
	char pat[4200];
	int err = 0;

	if (!t)
		return -errno;
	for (size_t i = 0; i < sizeof(probe_names) / sizeof(probe_names[0]); i++) {
		snprintf(pat, sizeof(pat), "%s:postgresql:%s", bin, probe_names[i]);
		if ((err = tsdt_target__add_pattern(t, pat)))
			goto out;
	}
	if ((err = tsdt_target__select(t)))
		goto out;
	bpf_object__for_each_program(prog, skel->obj) {
		char prov[64], name[128];
		const struct tsdt_probe *probe = NULL;

		if (strncmp(bpf_program__section_name(prog), "tsdt", 4))
			continue; /* the fork and exit tracepoints */
		if (tsdt_program__probe_name(prog, prov, name, sizeof(name)))
			continue;
		for (size_t i = 0; i < tsdt_target__probe_cnt(t) && !probe; i++) {
			const struct tsdt_probe *p = tsdt_target__probe(t, i);

			if (!strcmp(tsdt_probe__name(p), name))
				probe = p;
		}
		if (!probe) {
			fprintf(stderr, "pg-top: %s has no probe %s:%s\n", bin, prov, name);
			err = -ENOENT;
			goto out;
		}
		links[*link_cnt] = tsdt_program__attach(prog, probe, &aopts);
		if (!links[*link_cnt]) {
			err = -errno; /* the library said why (types, ...) */
			goto out;
		}
		(*link_cnt)++;
	}
out:
	tsdt_target__free(t);
	return err;
}

int main(int argc, char **argv)
{
	enum { OPT_APP = 256, OPT_PID, OPT_TYPE, OPT_TOP, OPT_JSON };
	static const struct option longopts[] = {
		{ "app", required_argument, NULL, OPT_APP },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *datadir = NULL, *app = NULL, *type = NULL;
	long pm = 0, interval = 5, duration = 0, fpid = 0;
	struct tsdt_link *links[16] = {};
	size_t link_cnt = 0;
	struct ring_buffer *rb = NULL;
	struct ctx c = { .top = 10 };
	struct timespec t0, now, last;
	char exe[64], bin[4096];
	int opt, err, ret = 1;
	ssize_t n;

	while ((opt = getopt_long(argc, argv, "p:D:i:d:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p': pm = parse_num("-p", optarg); break;
		case 'D': datadir = optarg; break;
		case 'i': interval = parse_num("-i", optarg); break;
		case 'd': duration = parse_num("-d", optarg); break;
		case OPT_APP: app = optarg; break;
		case OPT_PID: fpid = parse_num("--pid", optarg); break;
		case OPT_TYPE: type = optarg; break;
		case OPT_TOP: c.top = (int)parse_num("--top", optarg); break;
		case OPT_JSON: c.json = true; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (!pm == !datadir || optind < argc || interval < 1) {
		fputs(usage, stderr);
		return 2;
	}
	if (datadir && (pm = pid_from_datadir(datadir)) < 0)
		return 1;
	snprintf(exe, sizeof(exe), "/proc/%ld/exe", pm);
	n = readlink(exe, bin, sizeof(bin) - 1);
	if (n < 0) {
		fprintf(stderr, "pg-top: process %ld: %s\n", pm, strerror(errno));
		return 1;
	}
	bin[n] = 0;
	tsdt_set_print(print_fn);
	libbpf_set_print(libbpf_print_fn);

	c.skel = pg_top_bpf__open();
	if (!c.skel) {
		fprintf(stderr, "pg-top: opening the BPF object: %s\n", strerror(errno));
		return 1;
	}
	c.skel->rodata->filter_pid = (__u32)fpid;
	if (app)
		snprintf((char *)c.skel->rodata->filter_app, PG_APP_MAX, "%s", app);
	if (type) {
		long v = -1;

		for (size_t i = 0; i < BTYPE_CNT; i++)
			if (!strcmp(type, btype_names[i]))
				v = (long)i;
		if (v < 0) {
			char *end;

			v = strtol(type, &end, 10);
			if (*end || v < 0) {
				fprintf(stderr, "pg-top: unknown backend type '%s'\n", type);
				goto out;
			}
		}
		c.skel->rodata->filter_btype = (__s32)v;
	}
	{
		TSDT_OPTS(tsdt_attach_opts, aopts, .pid = -1);

		err = tsdt_object__prepare(c.skel->obj, &aopts);
		if (err >= 0)
			err = pg_top_bpf__load(c.skel);
		if (err) {
			fprintf(stderr, "pg-top: loading the handlers: %s\n", strerror(-err));
			goto out;
		}
	}
	/* the family first (fork, exit), then the processes there already */
	c.skel->links.on_fork = bpf_program__attach(c.skel->progs.on_fork);
	c.skel->links.on_exit = bpf_program__attach(c.skel->progs.on_exit);
	if (!c.skel->links.on_fork || !c.skel->links.on_exit) {
		fprintf(stderr, "pg-top: attaching the fork and exit tracepoints: %s\n",
			strerror(errno));
		goto out;
	}
	err = seed_members(bpf_map__fd(c.skel->maps.members), (pid_t)pm);
	if (err < 0) {
		fprintf(stderr, "pg-top: %s\n", strerror(-err));
		goto out;
	}
	fprintf(stderr, "pg-top: postmaster %ld (%s), %d processes now\n", pm, bin, err);
	err = attach_handlers(c.skel, bin, links, &link_cnt);
	if (err)
		goto out;
	rb = ring_buffer__new(bpf_map__fd(c.skel->maps.events), on_event, &c, NULL);
	if (!rb) {
		fprintf(stderr, "pg-top: ring buffer: %s\n", strerror(errno));
		goto out;
	}
	fprintf(stderr, "pg-top: %zu handlers attached; Ctrl-C to end\n", link_cnt);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	last = t0;
	while (!stop) {
		double since, el;

		ring_buffer__poll(rb, 100);
		clock_gettime(CLOCK_MONOTONIC, &now);
		since = (now.tv_sec - last.tv_sec) + (now.tv_nsec - last.tv_nsec) / 1e9;
		el = (now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9;
		if (duration && el >= duration)
			break;
		if (since >= interval) {
			print_summary(&c, el);
			last = now;
		}
	}
	ring_buffer__consume(rb);
	clock_gettime(CLOCK_MONOTONIC, &now);
	print_summary(&c, (now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9);
	ret = 0;
out:
	ring_buffer__free(rb);
	for (size_t i = 0; i < link_cnt; i++)
		tsdt_link__destroy(links[i]);
	pg_top_bpf__destroy(c.skel);
	return ret;
}
