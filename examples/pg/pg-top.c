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

#include "pg-flows.h"
#include "pg-norm.h"
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
	"              [--exact-texts | --no-texts] [--lock-min MS] [--hist]\n"
	"              [--groups N]\n"
	"              [--subscriber DATADIR [--perfetto FILE]]\n"
	"\n"
	"Trace a running PostgreSQL 15 cluster: its postmaster and every process\n"
	"it forks, before or after the attach. Every interval, per backend type\n"
	"and application_name (totals since the attach): transactions started,\n"
	"committed, aborted and prepared and their latency; queries and their\n"
	"latency; the top queries by total time with their text; lock waits\n"
	"(lock tag, mode, duration) and checkpoints (buffers written, WAL\n"
	"files), as they end.\n"
	"Queries that differ only in their constants are one, shown with $1, $2\n"
	"for them (as pg_stat_statements does); a query is counted by the\n"
	"application and backend type its transaction started with.\n"
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
	"  --exact-texts  a query per text as sent, constants and all\n"
	"  --no-texts     queries counted and timed, their texts not read (no\n"
	"                 top queries; cheaper per query)\n"
	"  --lock-min MS  print each lock wait of MS ms or more as it ends\n"
	"                 (default 10; 0: all); all are counted by lock type and\n"
	"                 mode in the summary\n"
	"  --hist         also print each group's transaction and query latency\n"
	"                 histograms (powers of two of ns; --json has them\n"
	"                 always, in buckets a quarter of a power of two wide)\n"
	"  --groups N     backend type and application pairs counted (default\n"
	"                 256; each takes about 2.3 KB of kernel memory per CPU)\n"
	"  --subscriber DATADIR  a subscriber cluster of this machine: follow each\n"
	"                 transaction by its commit LSN from the publisher's commit\n"
	"                 through the walsender's decoding (ReorderBufferCommit,\n"
	"                 ReorderBufferFinishPrepared) and sending\n"
	"                 (logicalrep_write_commit, OutputPluginWrite) to the\n"
	"                 apply worker's commit: end-to-end latency and each\n"
	"                 stage's share; a transaction sent to several\n"
	"                 subscriptions is a flow through each\n"
	"  --perfetto FILE  with --subscriber: write a Perfetto trace, each\n"
	"                 transaction a flow across the three processes\n"
	"\n"
	"Examples:\n"
	"  pg-top -D /var/lib/postgresql/15/main\n"
	"  pg-top -p $(head -1 /var/lib/postgresql/15/main/postmaster.pid) --app pgbench -i 1\n"
	"  pg-top -D /srv/pub --subscriber /srv/sub --perfetto repl.json\n";

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

/*
 * Whether postmaster @pm runs the PostgreSQL pg-top knows (15: its
 * BackendType names, lock tag types and modes, and the arguments of the
 * functions it follows are 15's): the major version in PG_VERSION of the
 * data directory, the postmaster's working directory. Says why not.
 */
static bool known_version(long pm, const char *what)
{
	char path[64], ver[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld", pm);
	if (access(path, F_OK)) {
		fprintf(stderr, "pg-top: %s %ld: %s\n", what, pm, strerror(ESRCH));
		return false;
	}
	snprintf(path, sizeof(path), "/proc/%ld/cwd/PG_VERSION", pm);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "pg-top: %s %ld: no PG_VERSION in its working directory (%s): "
			"not a PostgreSQL server's process?\n", what, pm, strerror(errno));
		return false;
	}
	if (!fgets(ver, sizeof(ver), f))
		ver[0] = 0;
	fclose(f);
	ver[strcspn(ver, "\n")] = 0;
	if (strcmp(ver, "15")) {
		fprintf(stderr, "pg-top: %s %ld runs PostgreSQL %s; pg-top knows PostgreSQL 15's "
			"backend types, lock tags and functions, and would misname them\n",
			what, pm, ver[0] ? ver : "(empty PG_VERSION)");
		return false;
	}
	return true;
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

/* The postmaster and its children now, as processes of cluster @cluster
 * in @procs; the fork tracepoint, attached before, adds every later one. */
static int seed_members(int fd, pid_t pm, __u32 cluster)
{
	struct pg_proc one = { .cluster = cluster };
	__u32 k = pm;
	struct dirent *de;
	int n = 1;
	DIR *d;

	if (bpf_map_update_elem(fd, &k, &one, BPF_NOEXIST) && errno != EEXIST)
		return -errno;
	d = opendir("/proc");
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		long pid = strtol(de->d_name, NULL, 10);

		if (pid <= 0 || ppid_of((pid_t)pid) != pm)
			continue;
		k = (__u32)pid;
		/* BPF_NOEXIST: one forked since the tracepoint's attach may
		 * already have counted something */
		if (!bpf_map_update_elem(fd, &k, &one, BPF_NOEXIST) || errno == EEXIST)
			n++;
	}
	closedir(d);
	return n;
}

/* --------------------------------------------------------------- output */

/* PostgreSQL 15's LockTagType, as pg_locks.locktype names them, and its
 * lock modes (storage/lock.h, storage/lockdefs.h) */
static const char *const lock_types[] = {
	"relation", "extend", "frozenid", "page", "tuple", "transactionid",
	"virtualxid", "spectoken", "object", "userlock", "advisory",
};
static const char *const lock_modes[] = {
	"NoLock", "AccessShareLock", "RowShareLock", "RowExclusiveLock",
	"ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock",
	"ExclusiveLock", "AccessExclusiveLock",
};
#define LOCK_TYPES (sizeof(lock_types) / sizeof(lock_types[0]))
#define LOCK_MODES (sizeof(lock_modes) / sizeof(lock_modes[0]))
_Static_assert(LOCK_TYPES < PG_LOCK_TYPES && LOCK_MODES < PG_LOCK_MODES,
	       "the kernel's lock_stats has a last \"other\" type and mode");

static const char *lock_type_name(__u32 t)
{
	return t < LOCK_TYPES ? lock_types[t] : "?";
}

static const char *lock_mode_name(__s32 m)
{
	return m >= 0 && (size_t)m < LOCK_MODES ? lock_modes[m] : "?";
}

/* What a lock tag names, as pg_locks's columns read its four fields. */
static void lock_what(const struct pg_event *e, char *buf, size_t sz)
{
	const __u32 *f = e->lock.field;

	switch (e->lock.type) {
	case 0: snprintf(buf, sz, "relation %u of database %u", f[1], f[0]); break;
	case 1: snprintf(buf, sz, "extend of relation %u of database %u", f[1], f[0]); break;
	case 2: snprintf(buf, sz, "frozenid of database %u", f[0]); break;
	case 3: snprintf(buf, sz, "page %u of relation %u of database %u", f[2], f[1], f[0]); break;
	case 4: snprintf(buf, sz, "tuple (%u,%u) of relation %u of database %u", f[2], f[3],
			 f[1], f[0]); break;
	case 5: snprintf(buf, sz, "transactionid %u", f[0]); break;
	case 6: snprintf(buf, sz, "virtualxid %d/%u", (int)f[0], f[1]); break;
	case 7: snprintf(buf, sz, "spectoken %u of transactionid %u", f[1], f[0]); break;
	case 8: case 9: case 10:
		snprintf(buf, sz, "%s %u/%u/%u of database %u", lock_type_name(e->lock.type),
			 f[1], f[2], f[3], f[0]);
		break;
	default:
		snprintf(buf, sz, "type %u tag %u/%u/%u/%u", e->lock.type, f[0], f[1], f[2], f[3]);
	}
}

#define FN_LINKS_MAX 16

struct ctx {
	struct pg_top_bpf *skel;
	struct bpf_link *fn_links[FN_LINKS_MAX]; /* the function uprobes */
	size_t fn_link_cnt;
	struct pg_key *keys;    /* by id, read for each summary */
	__u32 keys_max;         /* --groups */
	bool json, replication, exact_texts, no_texts;
	int top;
	__u64 ckpts;
	struct pg_flows fl;     /* --subscriber: the replicated transactions */
	/* lock waits: printed as they end from lock_min_ns on (the kernel
	 * sends no shorter one); all counted there by lock type and mode */
	__u64 lock_min_ns, locks_shown;
	bool hist;
};

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

static void print_replication(struct ctx *c)
{
	__u64 *e2e = calloc(c->fl.flow_cnt + 1, sizeof(*e2e));
	double wait = 0, dec = 0, snd = 0, apply = 0, total = 0;
	size_t n = 0;

	if (!e2e)
		return;
	pg_flows_resolve(&c->fl);
	for (size_t i = 0; i < c->fl.flow_cnt; i++) {
		const struct pg_flow *f = &c->fl.flows[i];

		if (!pg_flow_complete(f))
			continue;
		struct pg_flow_stages sg = pg_flow_stages(f);

		e2e[n++] = sg.total;
		wait += sg.wait;
		dec += sg.decode;
		snd += sg.send;
		apply += sg.apply;
		total += sg.total;
	}
	qsort(e2e, n, sizeof(*e2e), cmp_u64);
	if (c->json) {
		printf(",\"replication\":{\"transactions\":%zu,\"sent\":%zu,\"complete\":%zu,"
		       "\"unpaired\":%zu", c->fl.lsn_cnt, c->fl.sent, n, c->fl.unpaired);
		printf(",\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f",
		       n ? e2e[n / 2] / 1e6 : 0, n ? e2e[(n * 99) / 100] / 1e6 : 0,
		       n ? e2e[n - 1] / 1e6 : 0);
		printf(",\"share\":{\"wait\":%.4f,\"decode\":%.4f,\"send\":%.4f,\"apply\":%.4f}",
		       total ? wait / total : 0, total ? dec / total : 0,
		       total ? snd / total : 0, total ? apply / total : 0);
		printf(",\"flows\":[");
		for (size_t i = 0, k = 0; i < c->fl.flow_cnt && k < 1000; i++) {
			const struct pg_flow *f = &c->fl.flows[i];

			struct pg_flow_stages sg;

			if (!pg_flow_complete(f))
				continue;
			sg = pg_flow_stages(f);
			printf("%s{\"lsn\":\"%X/%X\",\"publisher_pid\":%u,\"walsender_pid\":%u,"
			       "\"subscriber_pid\":%u,\"wait_ms\":%.3f,\"decode_ms\":%.3f,"
			       "\"send_ms\":%.3f,\"apply_ms\":%.3f,\"total_ms\":%.3f}",
			       k++ ? "," : "",
			       (unsigned)(f->lsn >> 32), (unsigned)f->lsn, f->pub_pid, f->wal_pid,
			       f->sub_pid, sg.wait / 1e6, sg.decode / 1e6, sg.send / 1e6,
			       sg.apply / 1e6, sg.total / 1e6);
		}
		printf("]}");
	} else {
		printf("logical replication: %zu transactions seen, %zu sent to a subscription, "
		       "%zu followed from the publisher's commit to the subscriber's\n",
		       c->fl.lsn_cnt, c->fl.sent, n);
		if (c->fl.unpaired)
			printf("  %zu sent to several subscriptions not followed yet (which "
			       "apply worker a walsender sends to is not known yet)\n",
			       c->fl.unpaired);
		if (n)
			printf("  end to end: p50 %.3f ms, p99 %.3f ms, max %.3f ms; share: "
			       "waiting for the walsender %.0f%%, decoding %.0f%%, sending "
			       "%.0f%%, applying %.0f%%\n", e2e[n / 2] / 1e6,
			       e2e[(n * 99) / 100] / 1e6, e2e[n - 1] / 1e6, 100 * wait / total,
			       100 * dec / total, 100 * snd / total, 100 * apply / total);
	}
	free(e2e);
}

/* A Perfetto (Chrome JSON) trace: one slice per stage on each process's
 * track, and each transaction a flow from the publisher's commit through
 * the walsender to the apply worker's commit. */
static int write_perfetto(struct ctx *c, const char *path, pid_t pub, pid_t sub)
{
	FILE *f = fopen(path, "w");
	__u64 t0 = 0;
	bool first = true;

	if (!f)
		return -errno;
	pg_flows_resolve(&c->fl);
	for (size_t i = 0; i < c->fl.flow_cnt; i++)
		if (pg_flow_complete(&c->fl.flows[i]) && (!t0 || pg_flow_start(&c->fl.flows[i]) < t0))
			t0 = pg_flow_start(&c->fl.flows[i]);
	fprintf(f, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
	fprintf(f, "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%d,\"args\":{\"name\":\"publisher (postmaster %d)\"}},\n", pub, pub);
	fprintf(f, "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%d,\"args\":{\"name\":\"subscriber (postmaster %d)\"}}", sub, sub);
	for (size_t i = 0; i < c->fl.flow_cnt; i++) {
		const struct pg_flow *x = &c->fl.flows[i];
		double ts_pub, ts_dec, ts_snd, ts_sent, ts_sub;
		char lsn[32];

		if (!pg_flow_complete(x))
			continue;
		snprintf(lsn, sizeof(lsn), "%X/%X", (unsigned)(x->lsn >> 32), (unsigned)x->lsn);
		{
			struct pg_flow_stages sg = pg_flow_stages(x);
			__u64 st = pg_flow_start(x);

			ts_pub = (x->pub_ts - t0) / 1e3;
			ts_dec = (x->dec_ts - t0) / 1e3;
			ts_snd = (st + sg.wait + sg.decode - t0) / 1e3;
			ts_sent = (st + sg.wait + sg.decode + sg.send - t0) / 1e3;
			ts_sub = (st + sg.total - t0) / 1e3;
		}
		/* slices: the commit (an instant-long slice), the decoding and
		 * the sending, the apply worker's commit; the flow binds to
		 * them */
		fprintf(f, ",\n{\"ph\":\"X\",\"name\":\"commit %s\",\"cat\":\"xact\",\"pid\":%d,\"tid\":%u,\"ts\":%.3f,\"dur\":1,\"args\":{\"lsn\":\"%s\"}}",
			lsn, pub, x->pub_pid, ts_pub, lsn);
		fprintf(f, ",\n{\"ph\":\"X\",\"name\":\"decode %s\",\"cat\":\"xact\",\"pid\":%d,\"tid\":%u,\"ts\":%.3f,\"dur\":%.3f,\"args\":{\"lsn\":\"%s\"}}",
			lsn, pub, x->wal_pid, ts_dec, ts_snd - ts_dec > 1 ? ts_snd - ts_dec : 1, lsn);
		fprintf(f, ",\n{\"ph\":\"X\",\"name\":\"send %s\",\"cat\":\"xact\",\"pid\":%d,\"tid\":%u,\"ts\":%.3f,\"dur\":%.3f,\"args\":{\"lsn\":\"%s\"}}",
			lsn, pub, x->wal_pid, ts_snd, ts_sent - ts_snd > 1 ? ts_sent - ts_snd : 1, lsn);
		fprintf(f, ",\n{\"ph\":\"X\",\"name\":\"apply commit %s\",\"cat\":\"xact\",\"pid\":%d,\"tid\":%u,\"ts\":%.3f,\"dur\":1,\"args\":{\"lsn\":\"%s\"}}",
			lsn, sub, x->sub_pid, ts_sub, lsn);
		fprintf(f, ",\n{\"ph\":\"s\",\"name\":\"xact\",\"cat\":\"xact\",\"id\":%zu,\"pid\":%d,\"tid\":%u,\"ts\":%.3f}",
			i + 1, pub, x->pub_pid, ts_pub);
		fprintf(f, ",\n{\"ph\":\"t\",\"name\":\"xact\",\"cat\":\"xact\",\"id\":%zu,\"pid\":%d,\"tid\":%u,\"ts\":%.3f}",
			i + 1, pub, x->wal_pid, ts_dec);
		fprintf(f, ",\n{\"ph\":\"f\",\"bp\":\"e\",\"name\":\"xact\",\"cat\":\"xact\",\"id\":%zu,\"pid\":%d,\"tid\":%u,\"ts\":%.3f}",
			i + 1, sub, x->sub_pid, ts_sub);
		first = false;
	}
	(void)first;
	fprintf(f, "\n]}\n");
	return fclose(f) ? -errno : 0;
}

/* pg-top's PG_HIST_MAX buckets of a histogram (pg-top.h) as libtsdt's
 * struct tsdt_hist, for its functions (no min, max or sum) */
static void hist_of(const __u64 *buckets, struct tsdt_hist *h)
{
	memset(h, 0, sizeof(*h));
	for (int i = 0; i < PG_HIST_MAX; i++) {
		h->buckets[i] = buckets[i];
		h->count += buckets[i];
	}
}

/* The @pct-th percentile of @hist's entries in ms (libtsdt's: the upper
 * bound of its bucket, a quarter of a power of two wide); 0 for none. (A
 * transaction that began before the attach is counted, but has no latency
 * in the histogram.) */
static double pct_ms(const __u64 *hist, double pct)
{
	struct tsdt_hist h;

	hist_of(hist, &h);
	return (double)tsdt_hist__percentile(&h, pct) / 1e6;
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
	if (e->kind >= PG_EV_COMMIT) {
		pg_flows_event(&c->fl, e);
		return 0;
	}
	if (e->kind == PG_EV_LOCK_WAIT) {
		char what[128];

		c->locks_shown++;
		lock_what(e, what, sizeof(what));
		if (c->json) {
			printf("{\"type\":\"lock_wait\",\"pid\":%u,\"backend_type\":", e->pid);
			json_str(btype_name(e->k.btype, tb, sizeof(tb)));
			printf(",\"application\":");
			json_str(e->k.app);
			printf(",\"tag\":[%u,%u,%u,%u],\"locktag_type\":%u,\"mode\":%d,"
			       "\"locktype\":\"%s\",\"mode_name\":\"%s\",\"lock\":",
			       e->lock.field[0], e->lock.field[1], e->lock.field[2],
			       e->lock.field[3], e->lock.type, e->lock.mode,
			       lock_type_name(e->lock.type), lock_mode_name(e->lock.mode));
			json_str(what);
			printf(",\"ms\":%.3f}\n", e->ns / 1e6);
		} else {
			printf("lock wait: pid %u (%s%s%s) %s, %s: %.3f ms\n",
			       e->pid, btype_name(e->k.btype, tb, sizeof(tb)),
			       e->k.app[0] ? ", " : "", e->k.app, what,
			       lock_mode_name(e->lock.mode), e->ns / 1e6);
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
	struct pg_key k;
	struct pg_query_key qk;
	struct pg_query q;
	char text[PG_QUERY_MAX];        /* read for the rows shown only */
};

static int cmp_qrow(const void *a, const void *b)
{
	const struct qrow *x = a, *y = b;

	return x->q.total_ns < y->q.total_ns ? 1 : x->q.total_ns > y->q.total_ns ? -1 : 0;
}

/* The per-CPU values of @key in map @fd (each @sz bytes), malloc'ed, and
 * their count in *@n; NULL with errno. */
static void *lookup_percpu(int fd, const void *key, size_t sz, int *n)
{
	void *v;

	*n = libbpf_num_possible_cpus();
	if (*n <= 0 || !(v = calloc(*n, sz))) {
		errno = ENOMEM;
		return NULL;
	}
	if (bpf_map_lookup_elem(fd, key, v)) {
		int e = errno;

		free(v);
		errno = e;
		return NULL;
	}
	return v;
}

/* The stats of key id @kid, summed over the CPUs (every field is a
 * counter). */
static int sum_stats(int fd, __u32 kid, struct pg_stats *out)
{
	struct pg_stats *v;
	int n;

	memset(out, 0, sizeof(*out));
	if (!(v = lookup_percpu(fd, &kid, sizeof(*v), &n)))
		return -errno;
	for (int i = 0; i < n; i++) {
		const __u64 *a = (const __u64 *)&v[i];
		__u64 *o = (__u64 *)out;

		for (size_t j = 0; j < sizeof(*out) / sizeof(__u64); j++)
			o[j] += a[j];
	}
	free(v);
	return 0;
}

/* A query's figures over the CPUs. */
static int sum_query(int fd, const struct pg_query_key *k, struct pg_query *out)
{
	struct pg_query *v;
	int n;

	memset(out, 0, sizeof(*out));
	if (!(v = lookup_percpu(fd, k, sizeof(*v), &n)))
		return -errno;
	for (int i = 0; i < n; i++) {
		out->cnt += v[i].cnt;
		out->total_ns += v[i].total_ns;
		if (v[i].max_ns > out->max_ns)
			out->max_ns = v[i].max_ns;
	}
	free(v);
	return 0;
}

static unsigned long long queries_dropped(struct ctx *c)
{
	unsigned long long sum = 0;
	__u32 zero = 0;
	__u64 *v;
	int n;

	v = lookup_percpu(bpf_map__fd(c->skel->maps.dropped), &zero, sizeof(*v), &n);
	for (int i = 0; v && i < n; i++)
		sum += v[i];
	free(v);
	return sum;
}

/* The keys the handlers have given an id, into c->keys by id (btype ~0U
 * for an id not given). */
static void read_keys(struct ctx *c)
{
	struct pg_key *keys = c->keys;
	int fd = bpf_map__fd(c->skel->maps.keys);
	struct pg_key k, *prev = NULL;
	__u32 id;

	for (size_t i = 0; i < c->keys_max; i++)
		keys[i].btype = ~0U;
	while (!bpf_map_get_next_key(fd, prev, &k)) {
		prev = &k;
		if (!bpf_map_lookup_elem(fd, &k, &id) && id < c->keys_max)
			keys[id] = k;
	}
}

static bool stats_empty(const struct pg_stats *s)
{
	return !s->xact_start && !s->xact_commit && !s->xact_abort && !s->xact_prepare &&
	       !s->query_cnt && !s->unread && !s->lock_waits;
}

/* The kernel's lock_stats summed over the CPUs into @agg; the waits in
 * all. */
static __u64 read_lock_stats(const struct ctx *c,
			     struct pg_lock_stat agg[PG_LOCK_TYPES * PG_LOCK_MODES])
{
	int fd = bpf_map__fd(c->skel->maps.lock_stats);
	__u64 all = 0;

	for (__u32 i = 0; i < PG_LOCK_TYPES * PG_LOCK_MODES; i++) {
		struct pg_lock_stat *v;
		int n;

		agg[i].cnt = agg[i].ns = 0;
		if (!(v = lookup_percpu(fd, &i, sizeof(*v), &n)))
			continue;
		for (int k = 0; k < n; k++) {
			agg[i].cnt += v[k].cnt;
			agg[i].ns += v[k].ns;
		}
		all += agg[i].cnt;
		free(v);
	}
	return all;
}

/* The lock waits of @agg by lock type and mode, most waited for first:
 * JSON objects, or text on the current line. */
static void print_lock_agg(const struct ctx *c, const struct pg_lock_stat *agg)
{
	bool done[PG_LOCK_TYPES * PG_LOCK_MODES] = {};

	for (bool first = true;; first = false) {
		size_t b = 0;
		__u64 best = 0;

		for (size_t i = 0; i < PG_LOCK_TYPES * PG_LOCK_MODES; i++)
			if (!done[i] && agg[i].cnt && agg[i].ns + 1 > best) {
				best = agg[i].ns + 1;
				b = i;
			}
		if (!best)
			return;
		done[b] = true;
		if (c->json)
			printf("%s{\"locktype\":\"%s\",\"mode\":\"%s\",\"waits\":%llu,\"ms\":%.3f}",
			       first ? "" : ",", lock_type_name(b / PG_LOCK_MODES),
			       lock_mode_name(b % PG_LOCK_MODES),
			       (unsigned long long)agg[b].cnt, agg[b].ns / 1e6);
		else
			printf("%s %s %s %llu (%.1f ms)", first ? "" : ",",
			       lock_type_name(b / PG_LOCK_MODES), lock_mode_name(b % PG_LOCK_MODES),
			       (unsigned long long)agg[b].cnt, agg[b].ns / 1e6);
	}
}

/* a power of two of ns, as bpftrace writes it: 512, 1K, 2M */
static const char *pow2_str(unsigned i, char *buf, size_t sz)
{
	static const char sfx[] = " KMG";
	unsigned k = i / 10 < 3 ? i / 10 : 3;

	snprintf(buf, sz, "%llu%.*s", 1ULL << (i - 10 * k), k ? 1 : 0, &sfx[k]);
	return buf;
}

/* A latency histogram (tsdt_hist_bucket()'s buckets): text bars of its
 * powers of two of ns, bpftrace's look (each the sum of its buckets), from
 * the first to the last non-empty one; or JSON [[from_ns, count], ...] of
 * its non-empty buckets. */
static void print_hist(const struct ctx *c, const char *title, const __u64 *h)
{
	struct tsdt_hist th;
	struct tsdt_hist_rows hr;
	/* the last bucket, 2^36 ns and above, is the only one of its row */
	int top = 63 - __builtin_clzll(tsdt_hist__bucket_low(PG_HIST_MAX - 1));
	bool first = true;

	if (c->json) {
		putchar('[');
		for (int i = 0; i < PG_HIST_MAX; i++)
			if (h[i]) {
				printf("%s[%llu,%llu]", first ? "" : ",",
				       (unsigned long long)tsdt_hist__bucket_low(i),
				       (unsigned long long)h[i]);
				first = false;
			}
		putchar(']');
		return;
	}
	hist_of(h, &th);
	tsdt_hist__log2(th.buckets, PG_HIST_MAX, &hr);
	if (hr.lo < 0)
		return;
	printf("  %s (ns):\n", title);
	for (int r = hr.lo; r <= hr.hi; r++) {
		static const char bar[] = "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@";
		char a[24], b[24], range[56];
		int w = (int)(hr.rows[r] * 40 / hr.max);

		if (r == top)
			snprintf(range, sizeof(range), "[%s, ...)", pow2_str(r, a, sizeof(a)));
		else
			snprintf(range, sizeof(range), "[%s, %s)", r ? pow2_str(r, a, sizeof(a)) : "0",
				 pow2_str(r + 1, b, sizeof(b)));
		printf("  %-14s %10llu |%-40.*s|\n", range, (unsigned long long)hr.rows[r], w, bar);
	}
}

static void print_summary(struct ctx *c, double secs)
{
	int sfd = bpf_map__fd(c->skel->maps.stats);
	int qfd = bpf_map__fd(c->skel->maps.queries);
	int tfd = bpf_map__fd(c->skel->maps.query_texts);
	struct qrow *rows = NULL;
	size_t nrows = 0, cap = 0;
	struct pg_query_key qk, *qprev = NULL;
	struct pg_lock_stat lagg[PG_LOCK_TYPES * PG_LOCK_MODES];
	/* --hist: the groups' histograms, printed after their table */
	struct ghist {
		__u32 id;
		__u64 xact[PG_HIST_MAX], query[PG_HIST_MAX];
	} *gh = NULL;
	size_t ngh = 0;
	bool first = true;
	__u64 locks;
	char tb[32];

	read_keys(c);

	if (c->json)
		printf("{\"type\":\"summary\",\"seconds\":%.3f,\"groups\":[", secs);
	else
		printf("\n--- %.1f s since attach ---\n%-20s %-16s %8s %8s %7s %5s %9s %9s %9s %9s %9s\n",
		       secs, "BACKEND TYPE", "APPLICATION", "XSTART", "COMMIT",
		       "ABORT", "PREP", "XACT p50", "XACT p99", "QUERIES", "Q p50", "Q p99");
	for (__u32 id = 0; id < c->keys_max; id++) {
		const struct pg_key *kp = &c->keys[id];
		struct pg_stats s;

		if (kp->btype == ~0U || sum_stats(sfd, id, &s) || stats_empty(&s))
			continue;
		if (c->json) {
			printf("%s{\"backend_type\":", first ? "" : ",");
			json_str(btype_name(kp->btype, tb, sizeof(tb)));
			printf(",\"application\":");
			json_str(kp->app);
			printf(",\"xact_start\":%llu,\"xact_commit\":%llu,\"xact_abort\":%llu,"
			       "\"xact_prepare\":%llu,\"xact_p50_ms\":%.3f,\"xact_p99_ms\":%.3f,\"queries\":%llu,"
			       "\"query_ms\":%.3f,\"query_p50_ms\":%.3f,\"query_p99_ms\":%.3f,"
			       "\"queries_unread\":%llu,\"lock_waits\":%llu,\"lock_ms\":%.3f",
			       (unsigned long long)s.xact_start, (unsigned long long)s.xact_commit,
			       (unsigned long long)s.xact_abort, (unsigned long long)s.xact_prepare,
			       pct_ms(s.xact_hist, 50), pct_ms(s.xact_hist, 99),
			       (unsigned long long)s.query_cnt, s.query_ns / 1e6,
			       pct_ms(s.query_hist, 50),
			       pct_ms(s.query_hist, 99),
			       (unsigned long long)s.unread, (unsigned long long)s.lock_waits,
			       s.lock_ns / 1e6);
			printf(",\"xact_hist\":");
			print_hist(c, NULL, s.xact_hist);
			printf(",\"query_hist\":");
			print_hist(c, NULL, s.query_hist);
			putchar('}');
		} else {
			printf("%-20s %-16s %8llu %8llu %7llu %5llu %7.2fms %7.2fms %9llu %7.2fms %7.2fms\n",
			       btype_name(kp->btype, tb, sizeof(tb)), kp->app[0] ? kp->app : "-",
			       (unsigned long long)s.xact_start, (unsigned long long)s.xact_commit,
			       (unsigned long long)s.xact_abort, (unsigned long long)s.xact_prepare,
			       pct_ms(s.xact_hist, 50), pct_ms(s.xact_hist, 99),
			       (unsigned long long)s.query_cnt,
			       pct_ms(s.query_hist, 50),
			       pct_ms(s.query_hist, 99));
			if (c->hist) {
				struct ghist *n = realloc(gh, (ngh + 1) * sizeof(*gh));

				if (n) {
					gh = n;
					gh[ngh].id = id;
					memcpy(gh[ngh].xact, s.xact_hist, sizeof(s.xact_hist));
					memcpy(gh[ngh++].query, s.query_hist, sizeof(s.query_hist));
				}
			}
		}
		first = false;
	}
	for (size_t i = 0; i < ngh; i++) {
		const struct pg_key *kp = &c->keys[gh[i].id];
		char t[128];

		snprintf(t, sizeof(t), "%s, %s: transaction latency",
			 btype_name(kp->btype, tb, sizeof(tb)), kp->app[0] ? kp->app : "-");
		print_hist(c, t, gh[i].xact);
		snprintf(t, sizeof(t), "%s, %s: query latency",
			 btype_name(kp->btype, tb, sizeof(tb)), kp->app[0] ? kp->app : "-");
		print_hist(c, t, gh[i].query);
	}
	free(gh);
	locks = read_lock_stats(c, lagg);
	/* top queries */
	while (!bpf_map_get_next_key(qfd, qprev, &qk)) {
		qprev = &qk;
		if (nrows == cap) {
			struct qrow *n = realloc(rows, (cap = cap ? cap * 2 : 64) * sizeof(*n));

			if (!n)
				break;
			rows = n;
		}
		if (qk.kid == 0 || qk.kid > c->keys_max || c->keys[qk.kid - 1].btype == ~0U)
			continue;
		rows[nrows].k = c->keys[qk.kid - 1];
		rows[nrows].qk = qk;
		if (!sum_query(qfd, &qk, &rows[nrows].q))
			nrows++;
	}
	qsort(rows, nrows, sizeof(*rows), cmp_qrow);
	/* the texts shown: the first seen, its constants as $1, $2 */
	for (size_t i = 0; i < nrows && (int)i < c->top; i++) {
		struct pg_query_text qt;

		if (bpf_map_lookup_elem(tfd, &rows[i].qk, &qt))
			snprintf(qt.text, sizeof(qt.text), "(text not found: %s)", strerror(errno));
		else
			qt.text[sizeof(qt.text) - 1] = 0;
		if (c->exact_texts)
			memcpy(rows[i].text, qt.text, sizeof(qt.text));
		else
			pg_normalize_text(qt.text, rows[i].text, sizeof(rows[i].text));
	}
	if (c->json) {
		printf("],\"top_queries\":[");
		for (size_t i = 0; i < nrows && (int)i < c->top; i++) {
			const struct qrow *r = &rows[i];

			printf("%s{\"backend_type\":", i ? "," : "");
			json_str(btype_name(r->k.btype, tb, sizeof(tb)));
			printf(",\"application\":");
			json_str(r->k.app);
			printf(",\"calls\":%llu,\"total_ms\":%.3f,\"max_ms\":%.3f,\"query\":",
			       (unsigned long long)r->q.cnt, r->q.total_ns / 1e6,
			       r->q.max_ns / 1e6);
			json_str(r->text);
			putchar('}');
		}
		printf("],\"lock_waits_by_type\":[");
		print_lock_agg(c, lagg);
		printf("],\"lock_min_ms\":%.3f", c->lock_min_ns / 1e6);
		printf(",\"distinct_queries\":%zu,\"queries_dropped\":%llu,"
		       "\"lock_waits\":%llu,\"checkpoints\":%llu,"
		       "\"lost_events\":%llu,\"keys_full\":%llu", nrows,
		       queries_dropped(c),
		       (unsigned long long)locks,
		       (unsigned long long)c->ckpts,
		       (unsigned long long)c->skel->bss->lost_events,
		       (unsigned long long)c->skel->bss->keys_full);
		if (c->replication)
			print_replication(c);
		printf("}\n");
	} else {
		if (!c->no_texts)
			printf("top queries by total time:\n%10s %8s %9s  %-16s %s\n", "TOTAL ms",
			       "CALLS", "MEAN ms", "APPLICATION", "QUERY");
		for (size_t i = 0; i < nrows && (int)i < c->top; i++) {
			const struct qrow *r = &rows[i];

			printf("%10.2f %8llu %9.3f  %-16s %.*s\n", r->q.total_ns / 1e6,
			       (unsigned long long)r->q.cnt,
			       r->q.cnt ? r->q.total_ns / 1e6 / r->q.cnt : 0,
			       r->k.app[0] ? r->k.app : "-", 100, r->text);
		}
		if (queries_dropped(c))
			printf("(%llu queries of texts not kept: %zu distinct texts fill "
			       "the table)\n", queries_dropped(c), nrows);
		if (locks) {
			printf("lock waits: %llu, by lock type and mode:",
			       (unsigned long long)locks);
			print_lock_agg(c, lagg);
			printf("\n  (%llu of %.0f ms or more printed as they ended)\n",
			       (unsigned long long)c->locks_shown, c->lock_min_ns / 1e6);
		}
		if (c->replication)
			print_replication(c);
		if (c->skel->bss->lost_events)
			printf("(%llu events lost)\n",
			       (unsigned long long)c->skel->bss->lost_events);
		if (c->skel->bss->keys_full)
			printf("(%llu hits of processes not counted: more than %u "
			       "backend type and application pairs; see --groups)\n",
			       (unsigned long long)c->skel->bss->keys_full, c->keys_max);
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

struct fn_probe {
	struct bpf_program *prog;
	const char *fn;         /* an exported function of the binary */
	bool ret;               /* at its return */
};

/* Each of the @n function probes @fns on @bin in every process, its link
 * kept in @c; -errno, said which, when one fails. */
static int attach_fns(struct ctx *c, const char *bin, const struct fn_probe *fns,
		      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		LIBBPF_OPTS(bpf_uprobe_opts, uo, .func_name = fns[i].fn,
			    .retprobe = fns[i].ret);
		struct bpf_link *l;

		if (c->fn_link_cnt == FN_LINKS_MAX)
			return -E2BIG;
		l = bpf_program__attach_uprobe_opts(fns[i].prog, -1, bin, 0, &uo);
		if (!l) {
			int err = -errno;

			fprintf(stderr, "pg-top: attaching to %s()%s: %s\n", fns[i].fn,
				fns[i].ret ? "'s return" : "", strerror(-err));
			return err;
		}
		c->fn_links[c->fn_link_cnt++] = l;
	}
	return 0;
}

static int attach_handlers(struct pg_top_bpf *skel, const char *bin,
			   struct tsdt_link **links, size_t *link_cnt)
{
	static const char *const globals[] = {
		"MyBackendType:int", "application_name:const char *",
		"XactLastCommitEnd:unsigned long",
		"replorigin_session_origin_lsn:unsigned long",
	};
	TSDT_OPTS(tsdt_target_opts, topts);
	TSDT_OPTS(tsdt_attach_opts, aopts, .pid = -1, .globals = globals,
		  .global_cnt = 4);
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
		/* every handler of ours names its probe: one that does not
		 * (its BTF not in the kernel, said above) is not skipped */
		if ((err = tsdt_program__probe_name(prog, prov, name, sizeof(name)))) {
			fprintf(stderr, "pg-top: handler %s: no probe name: %s\n",
				bpf_program__name(prog), strerror(-err));
			goto out;
		}
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
	enum { OPT_APP = 256, OPT_PID, OPT_TYPE, OPT_TOP, OPT_JSON, OPT_SUB, OPT_PERFETTO,
	       OPT_EXACT, OPT_NO_TEXTS, OPT_LOCK_MIN, OPT_HIST, OPT_GROUPS };
	static const struct option longopts[] = {
		{ "app", required_argument, NULL, OPT_APP },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "subscriber", required_argument, NULL, OPT_SUB },
		{ "perfetto", required_argument, NULL, OPT_PERFETTO },
		{ "exact-texts", no_argument, NULL, OPT_EXACT },
		{ "no-texts", no_argument, NULL, OPT_NO_TEXTS },
		{ "lock-min", required_argument, NULL, OPT_LOCK_MIN },
		{ "hist", no_argument, NULL, OPT_HIST },
		{ "groups", required_argument, NULL, OPT_GROUPS },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *datadir = NULL, *app = NULL, *type = NULL, *subdir = NULL,
		   *perfetto = NULL;
	long sub_pm = 0;
	long pm = 0, interval = 5, duration = 0, fpid = 0;
	struct tsdt_link *links[16] = {};
	size_t link_cnt = 0;
	struct ring_buffer *rb = NULL;
	struct ctx c = { .top = 10, .lock_min_ns = 10000000, .keys_max = PG_KEYS_DEFAULT };
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
		case OPT_SUB: subdir = optarg; break;
		case OPT_PERFETTO: perfetto = optarg; break;
		case OPT_EXACT: c.exact_texts = true; break;
		case OPT_NO_TEXTS: c.no_texts = true; break;
		case OPT_HIST: c.hist = true; break;
		case OPT_GROUPS: {
			long v = parse_num("--groups", optarg);

			if (v < 1 || v > PG_KEYS_MAX) {
				fprintf(stderr, "pg-top: --groups wants 1 to %d, not '%s'\n",
					PG_KEYS_MAX, optarg);
				return 2;
			}
			c.keys_max = (__u32)v;
			break;
		}
		case OPT_LOCK_MIN:
			c.lock_min_ns = (__u64)parse_num("--lock-min", optarg) * 1000000;
			break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (!pm == !datadir || optind < argc || interval < 1) {
		fputs(usage, stderr);
		return 2;
	}
	if (c.exact_texts && c.no_texts) {
		fprintf(stderr, "pg-top: --exact-texts or --no-texts, not both\n");
		return 2;
	}
	if (perfetto && !subdir) {
		fprintf(stderr, "pg-top: --perfetto traces replication: give --subscriber\n");
		return 2;
	}
	if (datadir && (pm = pid_from_datadir(datadir)) < 0)
		return 1;
	if (subdir && (sub_pm = pid_from_datadir(subdir)) < 0)
		return 1;
	if (!known_version(pm, "postmaster") ||
	    (sub_pm && !known_version(sub_pm, "the subscriber's postmaster")))
		return 1;
	c.replication = subdir;
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
	c.skel->rodata->replication = c.replication;
	c.skel->rodata->exact_texts = c.exact_texts;
	c.skel->rodata->no_texts = c.no_texts;
	c.skel->rodata->lock_min_ns = c.lock_min_ns;
	c.skel->rodata->keys_max = c.keys_max;
	c.keys = calloc(c.keys_max, sizeof(*c.keys));
	err = c.keys ? bpf_map__set_max_entries(c.skel->maps.keys, c.keys_max) : -ENOMEM;
	if (!err)
		err = bpf_map__set_max_entries(c.skel->maps.stats, c.keys_max);
	if (err) {
		fprintf(stderr, "pg-top: --groups %u: %s\n", c.keys_max, strerror(-err));
		goto out;
	}
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
	err = seed_members(bpf_map__fd(c.skel->maps.procs), (pid_t)pm, 1);
	if (err < 0) {
		fprintf(stderr, "pg-top: %s\n", strerror(-err));
		goto out;
	}
	fprintf(stderr, "pg-top: postmaster %ld (%s), %d processes now\n", pm, bin, err);
	if (c.replication) {
		char sbin[4096];

		snprintf(exe, sizeof(exe), "/proc/%ld/exe", sub_pm);
		n = readlink(exe, sbin, sizeof(sbin) - 1);
		if (n < 0 || (sbin[n] = 0, strcmp(sbin, bin))) {
			fprintf(stderr, "pg-top: the subscriber (postmaster %ld) must run %s too\n",
				sub_pm, bin);
			goto out;
		}
		err = seed_members(bpf_map__fd(c.skel->maps.procs), (pid_t)sub_pm, 2);
		if (err < 0) {
			fprintf(stderr, "pg-top: %s\n", strerror(-err));
			goto out;
		}
		fprintf(stderr, "pg-top: subscriber postmaster %ld, %d processes now\n",
			sub_pm, err);
		/* the decoding (ReorderBufferCommit(), or
		 * ReorderBufferFinishPrepared() at COMMIT/ROLLBACK PREPARED
		 * for a two_phase subscription), the sending of the commit
		 * message (logicalrep_write_commit(), _stream_commit() for a
		 * transaction streamed before its commit, _commit_prepared(),
		 * _rollback_prepared()), then the return of
		 * OutputPluginWrite() */
		const struct fn_probe repl[] = {
			{ c.skel->progs.on_decode, "ReorderBufferCommit", false },
			{ c.skel->progs.on_decode_ret, "ReorderBufferCommit", true },
			{ c.skel->progs.on_decode, "ReorderBufferFinishPrepared", false },
			{ c.skel->progs.on_decode_ret, "ReorderBufferFinishPrepared", true },
			{ c.skel->progs.on_send, "logicalrep_write_commit", false },
			{ c.skel->progs.on_send, "logicalrep_write_stream_commit", false },
			{ c.skel->progs.on_send, "logicalrep_write_commit_prepared", false },
			{ c.skel->progs.on_send, "logicalrep_write_rollback_prepared", false },
			{ c.skel->progs.on_write_ret, "OutputPluginWrite", true },
		};

		if (attach_fns(&c, bin, repl, sizeof(repl) / sizeof(repl[0])))
			goto out;
	}
	/* PREPARE TRANSACTION: the end of a transaction for its session */
	const struct fn_probe prep[] = {
		{ c.skel->progs.on_prepare_ret, "EndPrepare", true },
	};
	if (attach_fns(&c, bin, prep, 1))
		goto out;
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

		/* the handlers wake nobody (BPF_RB_NO_WAKEUP: a wakeup costs
		 * the traced backend microseconds): a nap, then what came */
		ring_buffer__poll(rb, 100);
		ring_buffer__consume(rb);
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
	if (perfetto) {
		err = write_perfetto(&c, perfetto, (pid_t)pm, (pid_t)sub_pm);
		if (err) {
			fprintf(stderr, "pg-top: %s: %s\n", perfetto, strerror(-err));
			ret = 1;
		} else {
			fprintf(stderr, "pg-top: Perfetto trace of the replication in %s "
				"(open it in ui.perfetto.dev)\n", perfetto);
		}
	}
out:
	ring_buffer__free(rb);
	for (size_t i = 0; i < link_cnt; i++)
		tsdt_link__destroy(links[i]);
	for (size_t i = 0; i < c.fn_link_cnt; i++)
		bpf_link__destroy(c.fn_links[i]);
	pg_top_bpf__destroy(c.skel);
	free(c.keys);
	pg_flows_free(&c.fl);
	return ret;
}
