// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The generic tracer behind `tsdt trace` and `tsdt stat`.
 *
 * One BPF program (trace.bpf.c) serves every site of every probe: each
 * site's spec (argument locations, plus which arguments are strings) is in
 * the tsdt_specs map at the site's cookie, and the spec's own cookie field
 * is the probe's index in the tracer. Sites are attached with one
 * uprobe_multi link per binary (tsdt_link__create() in attach.c), or one
 * perf-event uprobe per site.
 *
 * Delivery: a BPF ring buffer whose records are submitted with
 * BPF_RB_NO_WAKEUP, because a wakeup per event makes the traced thread pay
 * for the reader's scheduling (2.6x per hit, measured). So the reader polls:
 * tsdt_tracer__poll() consumes what is there and otherwise naps, 100 us
 * after a busy look, doubling while the ring stays empty up to 5 ms (an
 * idle tracer costs ~200 wakeups/s; a busy one never lets the ring fill).
 * It reads in batches, at most one per 100 us, and hands space back once
 * per batch (ringbuf.c; the traced thread pays for every cache line the
 * reader shares with it: 215 -> 100 ns per event, see
 * tsdt_tracer__poll()). Reserve failures are counted per CPU in the `lost`
 * map and reported by tsdt_tracer__lost_cnt().
 *
 * Strings: when a probe traced has a string argument the program is
 * sleepable, so a string on a page the process never touched is faulted in
 * (bpf_copy_from_user_str) instead of coming back empty; without strings
 * the cheaper non-sleepable program runs. If the kernel refuses to load the sleepable program
 * (no sleepable uprobes), the tracer falls back to the non-sleepable one
 * and says so (pr_info); a string that then cannot be read is reported
 * with -EFAULT in its event.
 *
 * Loading cost (bench/loadcost.c measures it): the verifier checks ~1.3 K
 * instructions per program (trace.bpf.c says why so few), and the ring
 * buffer map is created ahead by a thread (ring_create()) while the caller
 * reads its catalogue.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/types.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach-internal.h"
#include "internal.h"
#include "log.h"
#include "ringbuf.h"
#include "trace.h"
#include "attach/trace.skel.h"

#define POLL_MIN_US 100   /* nap after a poll that found events; at most
			   * one batch per POLL_MIN_US (see tsdt_tracer__poll) */
#define POLL_MAX_US 5000  /* longest nap when idle: 7500 events at 1.5 M/s */
#define DEFAULT_RINGBUF (8u << 20) /* 130 K one-argument events; creating 16 MiB took 3.3 ms */
#define CB_STOP (-4095) /* on_sample(): a callback's non-zero return, kept in
			 * cb_ret, stops tsdt_ringbuf__consume() */
/* room for probes added after start (tsdt_tracer_opts.max_probes/_sites) */
#define DEFAULT_PROBE_SLOTS 256
#define DEFAULT_SPEC_SLOTS 1024

struct tsdt_tracer {
	pid_t pid;
	bool force_per_site;
	bool count_only;
	bool no_sleepable;
	bool no_nop5;
	size_t ringbuf_size;
	unsigned int str_max;

	const struct tsdt_probe **probes;
	size_t probe_cnt, probe_cap;
	size_t site_cnt;              /* of the probes added */
	struct tsdt_catalog **cats;   /* adopted (tsdt_tracer__adopt_catalog) */
	size_t cat_cnt;

	/* the maps' room, fixed at load; free slots of the spec map as a
	 * stack (popped in increasing order) */
	size_t opt_probes, opt_sites; /* tsdt_tracer_opts.max_probes/_sites */
	size_t probe_slots, spec_slots;
	__u32 *free_ids;
	size_t free_cnt;
	unsigned long long unknown_recs; /* ring records of no known kind */

	struct trace_bpf *skel;
	struct tsdt_link **links;
	size_t link_cnt;
	struct tsdt_ringbuf *rb;
	bool started, sleepable, multi;
	int ncpus;
	long nap_us;
	long long batch_ns;     /* when the last consume began */
	bool pace;              /* wait POLL_MIN_US between batches */

	/* RCU grace-period warm-up (see warm_up()) */
	pthread_t warm_thread;
	sem_t warm_sem;         /* posted just before the warm-up link */
	bool warm_started;

	/* the ring buffer, created ahead (see ring_create()) */
	pthread_t ring_thread;
	bool ring_started;      /* not joined yet */
	int ring_fd;            /* -1: none (libbpf creates it) */
	int ring_err;           /* the thread's -errno */
	double ring_t[3];       /* ms: thread created, running, map made */
	double ring_wait_ms;    /* how long load() waited for it */

	/* current poll */
	tsdt_event_fn_t fn;
	void *fn_ctx;
	int cb_ret;
};

struct tsdt_event {
	const struct tsdt_tracer *tr;
	const struct tsdt_trace_event *raw;
	const __u64 *args;           /* raw->arg_cnt values */
	const char *strs;            /* the string slots, or NULL */
	size_t size;
};

/*
 * Registering a uprobe takes the kernel's dup_mmap_sem (a per-CPU rw
 * semaphore) for writing. When no writer has taken it for a while, that
 * waits for one RCU grace period (rcu_sync_enter -> synchronize_rcu): 8-12
 * ms on the 2-vCPU HZ=250 VM, whatever the number of uprobes, and most of
 * the time `tsdt trace` takes to attach (bench/linkcost.c: 71 uprobes take
 * 0.2 ms when RCU grace periods are expedited). Once a writer has been
 * through, later writers pass at once until a grace period after the last
 * one left.
 *
 * So the tracer starts that grace period early: a thread registers (and
 * unregisters) one uprobe on an empty memfd, which no process maps, while
 * the main thread loads the program and creates the maps; the real link
 * then finds the semaphore's fast path open. Nothing is attached to any
 * process. If it fails (no uprobe_multi, no memfd), nothing is lost but
 * the head start. tsdt_tracer__new() waits (~0.1-0.7 ms) until the thread
 * is about to create its link: left alone, a new thread on this VM started
 * running only 0.5-4 ms later (the busy main thread kept the CPU until the
 * next tick), which was most of the head start.
 */
static void *warm_up(void *arg)
{
	struct tsdt_tracer *tr = arg;
	char path[64];
	int mfd, prog_fd, link_fd;

	mfd = memfd_create("tsdt-rcu-warm-up", MFD_CLOEXEC);
	prog_fd = mfd < 0 ? -1 : tsdt_empty_uprobe_multi_prog();
	sem_post(&tr->warm_sem);
	if (prog_fd >= 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
		link_fd = tsdt_uprobe_multi_link_one(prog_fd, path);
		/* closing waits for tasks-trace RCU (~30 ms): here, not in
		 * the main thread */
		if (link_fd >= 0)
			close(link_fd);
		close(prog_fd);
	}
	if (mfd >= 0)
		close(mfd);
	return NULL;
}

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static double mono_ms(void)
{
	return mono_ns() / 1e6;
}

/*
 * Creating the ring buffer map (BPF_MAP_CREATE) takes ~2 ms for the
 * default 8 MiB, the kernel allocating and mapping its pages. A thread
 * started by tsdt_tracer__new() creates it while the caller reads the
 * catalogue and while tsdt_tracer__start() opens the object; load() then
 * waits for it (usually done) and hands it to libbpf (bpf_map__reuse_fd())
 * instead of libbpf creating it on the critical path. Its error, if any,
 * is reported by tsdt_tracer__start(). Not for count_only: its ring is one
 * page, cheaper than a thread.
 */
static void *ring_create(void *arg)
{
	struct tsdt_tracer *tr = arg;
	int fd;

	tr->ring_t[1] = mono_ms();
	fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "events", 0, 0,
			    tr->ringbuf_size, NULL);
	tr->ring_err = fd < 0 ? -errno : 0;
	tr->ring_fd = fd < 0 ? -1 : fd;
	tr->ring_t[2] = mono_ms();
	return NULL;
}

/* Waits for the ring buffer thread (once); 0 or its -errno, reported. */
static int ring_wait(struct tsdt_tracer *tr)
{
	double t0 = mono_ms();

	if (!tr->ring_started)
		return tr->ring_err;
	pthread_join(tr->ring_thread, NULL);
	tr->ring_started = false;
	tr->ring_wait_ms = mono_ms() - t0;
	if (tr->ring_err)
		pr_warn("trace: cannot create the %zu KiB ring buffer: %s\n",
			tr->ringbuf_size >> 10, strerror(-tr->ring_err));
	return tr->ring_err;
}

struct tsdt_tracer *tsdt_tracer__new(const struct tsdt_tracer_opts *opts)
{
	struct tsdt_tracer *tr;
	size_t rb;
	unsigned int sm;

	if (!TSDT_OPTS_VALID(opts, tsdt_tracer_opts))
		return tsdt_err_ptr(-EINVAL);
	rb = TSDT_OPTS_GET(opts, ringbuf_size, 0);
	if (!rb)
		rb = DEFAULT_RINGBUF;
	if (rb < (size_t)getpagesize() || (rb & (rb - 1))) {
		pr_warn("trace: ring buffer size %zu is not a power of two of at least a page\n",
			rb);
		return tsdt_err_ptr(-EINVAL);
	}
	if (rb > 1ul << 31) { /* a map's max_entries is 32 bits */
		pr_warn("trace: ring buffer size %zu is more than 2 GiB\n", rb);
		return tsdt_err_ptr(-EINVAL);
	}
	sm = TSDT_OPTS_GET(opts, str_max, 0);
	if (!sm)
		sm = TSDT_TRACE_STR_MAX_DEFAULT;
	if (sm > TSDT_TRACE_STR_MAX_LIMIT) {
		pr_warn("trace: str_max %u is more than %d\n", sm,
			TSDT_TRACE_STR_MAX_LIMIT);
		return tsdt_err_ptr(-EINVAL);
	}
	sm = (sm + 7) & ~7u;

	tr = calloc(1, sizeof(*tr));
	if (!tr)
		return tsdt_err_ptr(-ENOMEM);
	tr->pid = TSDT_OPTS_GET(opts, pid, 0);
	if (tr->pid <= 0)
		tr->pid = -1;
	tr->force_per_site = TSDT_OPTS_GET(opts, force_per_site, false);
	tr->count_only = TSDT_OPTS_GET(opts, count_only, false);
	tr->no_sleepable = TSDT_OPTS_GET(opts, no_sleepable, false);
	tr->no_nop5 = TSDT_OPTS_GET(opts, no_nop5, false);
	tr->opt_probes = TSDT_OPTS_GET(opts, max_probes, 0);
	tr->opt_sites = TSDT_OPTS_GET(opts, max_sites, 0);
	tr->ringbuf_size = rb;
	tr->str_max = sm;
	tr->ring_fd = -1;
	tr->ncpus = libbpf_num_possible_cpus();
	if (tr->ncpus <= 0) {
		free(tr);
		return tsdt_err_ptr(-EINVAL);
	}
	if (!TSDT_OPTS_GET(opts, no_warm_up, false) &&
	    !sem_init(&tr->warm_sem, 0, 0)) {
		tr->warm_started = !pthread_create(&tr->warm_thread, NULL,
						   warm_up, tr);
		if (tr->warm_started) {
			struct timespec until;

			/* never more than 10 ms: only a head start */
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += 10 * 1000000;
			if (until.tv_nsec >= 1000000000) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000;
			}
			while (sem_timedwait(&tr->warm_sem, &until) &&
			       errno == EINTR)
				;
		} else {
			sem_destroy(&tr->warm_sem);
		}
	}
	/* if the thread cannot start, libbpf creates the ring at load */
	tr->ring_t[0] = mono_ms();
	if (!tr->count_only)
		tr->ring_started = !pthread_create(&tr->ring_thread, NULL,
						   ring_create, tr);
	return tr;
}

static bool same_probe(const struct tsdt_probe *a, const struct tsdt_probe *b)
{
	return a == b ||
	       (tsdt_binary__same_file(tsdt_probe__binary(a),
				       tsdt_probe__binary(b)) &&
		!strcmp(tsdt_probe__provider(a), tsdt_probe__provider(b)) &&
		!strcmp(tsdt_probe__name(a), tsdt_probe__name(b)));
}

static int attach_probes(struct tsdt_tracer *tr, const size_t *idx, size_t n);

int tsdt_tracer__add_probe(struct tsdt_tracer *tr,
			   const struct tsdt_probe *probe)
{
	size_t i, sites;
	int j, err;

	if (!tr || !probe)
		return -EINVAL;
	for (i = 0; i < tr->probe_cnt; i++)
		if (same_probe(tr->probes[i], probe))
			return (int)i;
	sites = tsdt_probe__site_cnt(probe);
	if (tr->started && (tr->probe_cnt >= tr->probe_slots ||
			    sites > tr->free_cnt)) {
		pr_warn("trace: no room for %s:%s (%zu sites) in the running tracer: %zu of %zu probes and %zu of %zu sites in use (tsdt_tracer_opts.max_probes, max_sites)\n",
			tsdt_probe__provider(probe), tsdt_probe__name(probe),
			sites, tr->probe_cnt, tr->probe_slots,
			tr->spec_slots - tr->free_cnt, tr->spec_slots);
		return -ENOSPC;
	}
	for (i = 0; i < sites; i++) {
		const struct tsdt_site *s = tsdt_probe__site(probe, i);

		for (j = 0; j < tsdt_site__arg_cnt(s); j++) {
			const struct tsdt_arg_spec *a = tsdt_site__arg_spec(s, j);

			if (a && a->loc == TSDT_ARG_FPREG)
				pr_warn("trace: %s:%s at 0x%llx arg %d ('%s'): floating-point registers cannot be read from BPF; its events will mark it unreadable\n",
					tsdt_probe__provider(probe),
					tsdt_probe__name(probe),
					(unsigned long long)tsdt_site__addr(s),
					j, tsdt_site__raw_args(s));
		}
	}
	if (tr->probe_cnt == tr->probe_cap) {
		size_t cap = tr->probe_cap ? tr->probe_cap * 2 : 16;
		const struct tsdt_probe **p;

		p = realloc(tr->probes, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		tr->probes = p;
		tr->probe_cap = cap;
	}
	tr->probes[tr->probe_cnt] = probe;
	if (tr->started) {
		i = tr->probe_cnt;
		if (sites && !tr->sleepable && !tr->no_sleepable)
			for (j = 0; j < tsdt_probe__arg_cnt(probe); j++)
				if (tsdt_probe__arg_type(probe, j)->kind ==
				    TSDT_TYPE_STR) {
					pr_info("trace: %s:%s has string arguments, the running program is not sleepable: strings on pages not yet resident will fail to read (-EFAULT)\n",
						tsdt_probe__provider(probe),
						tsdt_probe__name(probe));
					break;
				}
		tr->probe_cnt++;
		err = attach_probes(tr, &i, 1);
		if (err) {
			tr->probe_cnt--;
			return err;
		}
		tr->site_cnt += sites;
		return (int)i;
	}
	tr->site_cnt += sites;
	return (int)tr->probe_cnt++;
}

int tsdt_tracer__adopt_catalog(struct tsdt_tracer *tr, struct tsdt_catalog *cat)
{
	struct tsdt_catalog **cats;

	if (!tr || !cat)
		return -EINVAL;
	cats = realloc(tr->cats, (tr->cat_cnt + 1) * sizeof(*cats));
	if (!cats)
		return -ENOMEM;
	tr->cats = cats;
	tr->cats[tr->cat_cnt++] = cat;
	return 0;
}

static void detach_all(struct tsdt_tracer *tr)
{
	size_t i;

	tsdt_ringbuf__free(tr->rb);
	tr->rb = NULL;
	for (i = 0; i < tr->link_cnt; i++)
		tsdt_link__destroy(tr->links[i]);
	free(tr->links);
	tr->links = NULL;
	tr->link_cnt = 0;
	trace_bpf__destroy(tr->skel);
	tr->skel = NULL;
}

static int on_sample(void *ctx, const void *data, size_t size)
{
	struct tsdt_tracer *tr = ctx;
	const struct tsdt_trace_event *raw = data;
	struct tsdt_event ev = { .tr = tr, .raw = raw, .size = size };
	const struct tsdt_rec_header *hdr = data;
	size_t need;
	int ret;

	if (size < sizeof(*hdr) || hdr->size > size ||
	    hdr->type != TSDT_REC_PROBE) {
		/* a kind this reader does not know (or a broken record):
		 * skipped, counted */
		if (!tr->unknown_recs++)
			pr_warn("trace: skipping ring records of unknown kind (first: type %u, %zu bytes)\n",
				size >= sizeof(*hdr) ? hdr->type : 0, size);
		return 0;
	}
	if (size < sizeof(*raw) || raw->probe_idx >= tr->probe_cnt ||
	    raw->arg_cnt > TSDT_MAX_ARGS || raw->str_cnt > raw->arg_cnt) {
		tr->unknown_recs++;
		return 0;
	}
	need = sizeof(*raw) + raw->arg_cnt * sizeof(__u64);
	ev.args = (const __u64 *)(raw + 1);
	if (raw->str_cnt) {
		ev.strs = (const char *)raw + need;
		need += raw->str_cnt *
			(sizeof(struct tsdt_trace_str) + tr->str_max);
	}
	if (size < need)
		return 0;
	if (!tr->fn)
		return 0;
	ret = tr->fn(tr->fn_ctx, &ev);
	if (ret) {
		tr->cb_ret = ret;
		return CB_STOP;
	}
	return 0;
}

/* The figures of a BPF_LOG_STATS verifier log (0 when absent). */
static void parse_verifier_stats(const char *log,
				 struct tsdt_tracer_load_stats *st)
{
	const char *p;

	if ((p = strstr(log, "verification time ")))
		sscanf(p, "verification time %u", &st->verify_us);
	if ((p = strstr(log, "processed ")))
		sscanf(p, "processed %u insns", &st->insns);
	if ((p = strstr(log, "total_states ")))
		sscanf(p, "total_states %u", &st->states);
}

/* Loads the program (sleepable or not); 0 or -errno. With @st, asks the
 * verifier for its statistics and times the load. */
static int load(struct tsdt_tracer *tr, bool sleepable,
		struct tsdt_tracer_load_stats *st)
{
	TSDT_OPTS(tsdt_attach_opts, aopts, .force_per_site = tr->force_per_site);
	struct trace_bpf *skel;
	char log[4096];
	double t0;
	int err;

	skel = trace_bpf__open();
	if (!skel)
		return -errno;
	skel->rodata->count_only = tr->count_only;
	skel->rodata->str_max = tr->str_max;
	bpf_program__set_autoload(skel->progs.trace_hit, !sleepable);
	bpf_program__set_autoload(skel->progs.trace_hit_s, sleepable);
	/* count-only: the ring is never written; keep it one page */
	err = bpf_map__set_max_entries(skel->maps.events,
				       tr->count_only ? (size_t)getpagesize()
						      : tr->ringbuf_size);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.hits, tr->probe_slots);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.tsdt_specs,
					       tr->spec_slots);
	if (!err)
		err = tsdt_object__prepare(skel->obj, &aopts);
	t0 = mono_ms();
	if (err >= 0 && !tr->count_only) {
		err = ring_wait(tr);
		if (!err && tr->ring_fd >= 0)
			err = bpf_map__reuse_fd(skel->maps.events, tr->ring_fd);
	}
	if (st) {
		memset(st, 0, sizeof(*st));
		st->ring_wait_ms = mono_ms() - t0;
		if (tr->ring_fd >= 0) {
			st->ring_lag_ms = tr->ring_t[1] - tr->ring_t[0];
			st->ring_create_ms = tr->ring_t[2] - tr->ring_t[1];
		}
	}
	if (err >= 0 && st) {
		struct bpf_program *p = sleepable ? skel->progs.trace_hit_s
						  : skel->progs.trace_hit;

		log[0] = 0;
		err = bpf_program__set_log_buf(p, log, sizeof(log));
		if (!err)
			err = bpf_program__set_log_level(p, 4 /* stats */);
	}
	if (err >= 0)
		err = trace_bpf__load(skel);
	if (err >= 0 && st) {
		st->load_ms = mono_ms() - t0;
		parse_verifier_stats(log, st);
	}
	if (err < 0) {
		trace_bpf__destroy(skel);
		return err;
	}
	tr->skel = skel;
	tr->sleepable = sleepable;
	tr->multi = bpf_program__expected_attach_type(skel->progs.trace_hit) ==
		    BPF_TRACE_UPROBE_MULTI;
	return 0;
}

/*
 * The maps' room: what was added before start, and headroom for what is
 * added while running (twice as much, at least the defaults, or what
 * tsdt_tracer_opts asks for). Both maps are arrays, so room is memory
 * only: 1024 spec slots are 312 KiB of kernel memory.
 */
static void size_maps(struct tsdt_tracer *tr)
{
	size_t p = tr->opt_probes ? tr->opt_probes : DEFAULT_PROBE_SLOTS;
	size_t s = tr->opt_sites ? tr->opt_sites : DEFAULT_SPEC_SLOTS;

	if (!tr->opt_probes && p < 2 * tr->probe_cnt)
		p = 2 * tr->probe_cnt;
	if (!tr->opt_sites && s < 2 * tr->site_cnt)
		s = 2 * tr->site_cnt;
	tr->probe_slots = p > tr->probe_cnt ? p : tr->probe_cnt;
	tr->spec_slots = s > tr->site_cnt ? s : tr->site_cnt;
	if (!tr->probe_slots)
		tr->probe_slots = 1;
	if (!tr->spec_slots)
		tr->spec_slots = 1;
}

int tsdt_tracer__load_stats(struct tsdt_tracer *tr, bool sleepable,
			    struct tsdt_tracer_load_stats *st)
{
	int err;

	if (!tr)
		return -EINVAL;
	if (tr->started || tr->skel)
		return -EBUSY;
	size_maps(tr);
	err = load(tr, sleepable, st);
	if (err)
		return err;
	trace_bpf__destroy(tr->skel);
	tr->skel = NULL;
	return 0;
}

/*
 * Attaches the tracer's probes @idx[0..n) (all in one file) with one link,
 * their spec slots taken from the free list (given back if it fails).
 */
static int attach_probes(struct tsdt_tracer *tr, const size_t *idx, size_t n)
{
	const struct tsdt_probe **group;
	struct tsdt_link **links;
	struct tsdt_link *link;
	__u64 *cookies;
	size_t i, sites = 0;
	int err = 0;

	for (i = 0; i < n; i++)
		sites += tsdt_probe__site_cnt(tr->probes[idx[i]]);
	if (!sites)
		return 0;
	if (sites > tr->free_cnt)
		return -ENOSPC;
	links = realloc(tr->links, (tr->link_cnt + 1) * sizeof(*links));
	if (!links)
		return -ENOMEM;
	tr->links = links;
	group = calloc(n, sizeof(*group));
	cookies = calloc(n, sizeof(*cookies));
	if (!group || !cookies) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		group[i] = tr->probes[idx[i]];
		cookies[i] = idx[i];
	}
	{
		struct tsdt_link_opts lo = {
			.prog = tr->sleepable ? tr->skel->progs.trace_hit_s
					      : tr->skel->progs.trace_hit,
			.spec_map_fd = bpf_map__fd(tr->skel->maps.tsdt_specs),
			.probes = group,
			.probe_cnt = n,
			.cookies = cookies,
			.pid = tr->pid,
			.per_site = !tr->multi,
			.nop5 = !tr->no_nop5,
			/* the top of the stack, in increasing order */
			.spec_ids = tr->free_ids + tr->free_cnt - sites,
		};

		tr->free_cnt -= sites;
		link = tsdt_link__create(&lo);
	}
	if (!link) {
		err = -errno;
		tr->free_cnt += sites;
		goto out;
	}
	tr->links[tr->link_cnt++] = link;
out:
	free(group);
	free(cookies);
	return err;
}

int tsdt_tracer__start(struct tsdt_tracer *tr)
{
	double t_start = mono_ms(), t_loaded, t_link = 0, t0;
	bool *done = NULL, want_sleepable = false;
	size_t i, j, n, *idx = NULL;
	int err;

	if (!tr)
		return -EINVAL;
	if (tr->started)
		return -EBUSY;
	if (!tr->probe_cnt) {
		pr_warn("trace: no probe to trace\n");
		return -ENOENT;
	}
	size_maps(tr);

	/* Only strings need a sleepable program (to fault pages in); a
	 * non-sleepable one costs less per hit, so use it when no probe traced
	 * has a string argument. */
	for (i = 0; i < tr->probe_cnt && !want_sleepable; i++)
		for (int a = 0; a < tsdt_probe__arg_cnt(tr->probes[i]); a++)
			if (tsdt_probe__arg_type(tr->probes[i], a)->kind ==
			    TSDT_TYPE_STR)
				want_sleepable = true;

	/* a ring buffer that could not be created (reported by
	 * ring_wait()) fails either program */
	err = -EINVAL;
	if (!tr->no_sleepable && want_sleepable) {
		err = load(tr, true, NULL);
		if (err && !tr->ring_err)
			pr_info("trace: cannot load the sleepable program (%s); strings on pages not yet resident will fail to read (-EFAULT)\n",
				strerror(-err));
	}
	if (err && !tr->ring_err)
		err = load(tr, false, NULL);
	if (err) {
		if (!tr->ring_err)
			pr_warn("trace: cannot load the tracing program: %s\n",
				strerror(-err));
		return err;
	}
	t_loaded = mono_ms();

	/* every spec slot free: a stack whose top is slot 0 */
	tr->free_ids = calloc(tr->spec_slots, sizeof(*tr->free_ids));
	idx = calloc(tr->probe_cnt, sizeof(*idx));
	done = calloc(tr->probe_cnt, sizeof(*done));
	if (!tr->free_ids || !idx || !done) {
		err = -ENOMEM;
		goto err_out;
	}
	for (i = 0; i < tr->spec_slots; i++)
		tr->free_ids[i] = tr->spec_slots - 1 - i;
	tr->free_cnt = tr->spec_slots;

	/* one link per file (device and inode, whatever the paths) */
	for (i = 0; i < tr->probe_cnt; i++) {
		const struct tsdt_binary *bin;

		if (done[i])
			continue;
		bin = tsdt_probe__binary(tr->probes[i]);
		for (n = 0, j = i; j < tr->probe_cnt; j++) {
			if (done[j] ||
			    !tsdt_binary__same_file(
				    bin, tsdt_probe__binary(tr->probes[j])))
				continue;
			done[j] = true;
			idx[n++] = j;
		}
		t0 = mono_ms();
		err = attach_probes(tr, idx, n);
		t_link += mono_ms() - t0;
		if (err)
			goto err_out;
	}

	if (!tr->count_only) {
		tr->rb = tsdt_ringbuf__new(bpf_map__fd(tr->skel->maps.events));
		if (!tr->rb) {
			err = -errno;
			goto err_out;
		}
	}
	free(idx);
	free(done);
	tr->started = true;
	pr_debug("trace: %zu probes, %zu sites, %zu links (%s, %s); room for %zu probes and %zu sites\n",
		 tr->probe_cnt, tr->site_cnt, tr->link_cnt,
		 tr->multi ? "uprobe_multi" : "per-site",
		 tr->sleepable ? "sleepable" : "non-sleepable",
		 tr->probe_slots, tr->spec_slots);
	if (tr->ring_fd >= 0)
		pr_debug("trace: timing: ring buffer made ahead: thread running after %.2f ms, map created in %.2f ms, start waited %.2f ms for it\n",
			 tr->ring_t[1] - tr->ring_t[0],
			 tr->ring_t[2] - tr->ring_t[1], tr->ring_wait_ms);
	/* bench/attach.sh reads this line (tsdt trace -v) */
	pr_debug("trace: timing: start %.2f ms = load (maps, verifier) %.2f ms + links (specs, link create) %.2f ms + rest %.2f ms\n",
		 mono_ms() - t_start, t_loaded - t_start, t_link,
		 mono_ms() - t_loaded - t_link);
	return 0;

err_out:
	free(idx);
	free(done);
	free(tr->free_ids);
	tr->free_ids = NULL;
	tr->free_cnt = 0;
	detach_all(tr);
	return err;
}


/* Sleeps @ns (> 0); -EINTR if a signal came. */
static int nap_ns(long long ns)
{
	struct timespec nap = { .tv_sec = ns / 1000000000LL,
				.tv_nsec = ns % 1000000000LL };

	return nanosleep(&nap, NULL) && errno == EINTR ? -EINTR : 0;
}

/*
 * Pacing: at most one batch per POLL_MIN_US. A reader that takes every
 * event as soon as it is committed keeps reading the cache lines the traced
 * thread writes next (producer_pos, the next record's header), and each
 * event then costs the traced thread misses on them: bpf_stats, trace_hit,
 * reader and traced thread on two CPUs, 190 ns per event without pacing,
 * 100 ns with it (110 ns with both on one CPU). So a poll that may wait
 * waits until POLL_MIN_US after the previous batch began (150 events at
 * 1.5 M events/s); a poll with timeout 0 (draining) never waits. Unless the
 * ring is small for the event rate: when a batch finds more than an eighth
 * of the ring waiting, the next one does not wait.
 */
int tsdt_tracer__poll(struct tsdt_tracer *tr, int timeout_ms,
		      tsdt_event_fn_t fn, void *ctx)
{
	long long deadline = 0, w;
	int n;

	if (!tr || !tr->started)
		return -EINVAL;
	if (timeout_ms > 0)
		deadline = mono_ns() + timeout_ms * 1000000LL;
	for (;;) {
		if (tr->rb && timeout_ms != 0 && tr->pace) {
			w = tr->batch_ns + POLL_MIN_US * 1000LL - mono_ns();
			if (deadline && w > deadline - mono_ns())
				w = deadline - mono_ns();
			if (w > 0 && nap_ns(w))
				return -EINTR;
		}
		if (tr->rb) {
			tr->pace = tsdt_ringbuf__backlog(tr->rb) <=
				   tsdt_ringbuf__size(tr->rb) / 8;
			tr->batch_ns = mono_ns();
			tr->fn = fn;
			tr->fn_ctx = ctx;
			tr->cb_ret = 0;
			n = tsdt_ringbuf__consume(tr->rb, on_sample, tr);
			tr->fn = NULL;
			if (n == CB_STOP)
				return tr->cb_ret;
			if (n != 0) {
				tr->nap_us = POLL_MIN_US;
				return n;
			}
		}
		if (timeout_ms == 0)
			return 0;
		if (deadline && mono_ns() >= deadline)
			return 0;
		if (tr->nap_us < POLL_MIN_US)
			tr->nap_us = POLL_MIN_US;
		w = tr->nap_us * 1000LL;
		tr->nap_us *= 2;
		if (tr->nap_us > POLL_MAX_US)
			tr->nap_us = POLL_MAX_US;
		if (nap_ns(w))
			return -EINTR;
	}
}

size_t tsdt_tracer__probe_cnt(const struct tsdt_tracer *tr)
{
	return tr ? tr->probe_cnt : 0;
}

const struct tsdt_probe *tsdt_tracer__probe(const struct tsdt_tracer *tr,
					    size_t i)
{
	return tr && i < tr->probe_cnt ? tr->probes[i] : NULL;
}

static uint64_t percpu_sum(const struct tsdt_tracer *tr, int map_fd,
			   __u32 key)
{
	__u64 vals[tr->ncpus];
	uint64_t sum = 0;
	int i;

	if (bpf_map_lookup_elem(map_fd, &key, vals))
		return 0;
	for (i = 0; i < tr->ncpus; i++)
		sum += vals[i];
	return sum;
}

uint64_t tsdt_tracer__hit_cnt(const struct tsdt_tracer *tr, size_t i)
{
	if (!tr || !tr->skel || i >= tr->probe_cnt)
		return 0;
	return percpu_sum(tr, bpf_map__fd(tr->skel->maps.hits), i);
}

uint64_t tsdt_tracer__lost_cnt(const struct tsdt_tracer *tr)
{
	if (!tr || !tr->skel)
		return 0;
	return percpu_sum(tr, bpf_map__fd(tr->skel->maps.lost), 0);
}

bool tsdt_tracer__is_sleepable(const struct tsdt_tracer *tr)
{
	return tr && tr->started && tr->sleepable;
}

bool tsdt_tracer__is_multi(const struct tsdt_tracer *tr)
{
	return tr && tr->started && tr->multi;
}

void tsdt_tracer__free(struct tsdt_tracer *tr)
{
	if (!tr)
		return;
	detach_all(tr);
	if (tr->warm_started) {
		pthread_join(tr->warm_thread, NULL);
		sem_destroy(&tr->warm_sem);
	}
	if (tr->ring_started)
		pthread_join(tr->ring_thread, NULL);
	if (tr->ring_fd >= 0)
		close(tr->ring_fd);
	free(tr->free_ids);
	free(tr->probes);
	for (size_t i = 0; i < tr->cat_cnt; i++)
		tsdt_catalog__free(tr->cats[i]);
	free(tr->cats);
	free(tr);
}

/* --------------------------------------------------------------- events */

enum tsdt_event_kind tsdt_event__kind(const struct tsdt_event *ev)
{
	return ev->raw->hdr.type == TSDT_REC_PROBE ? TSDT_EVENT_PROBE : 0;
}

uint64_t tsdt_event__timestamp(const struct tsdt_event *ev)
{
	return ev->raw->ts;
}

pid_t tsdt_event__pid(const struct tsdt_event *ev)
{
	return ev->raw->pid;
}

pid_t tsdt_event__tid(const struct tsdt_event *ev)
{
	return ev->raw->tid;
}

const char *tsdt_event__comm(const struct tsdt_event *ev)
{
	/* bpf_get_current_comm() NUL-terminates within 16 bytes */
	return ev->raw->comm;
}

const struct tsdt_probe *tsdt_event__probe(const struct tsdt_event *ev)
{
	return ev->tr->probes[ev->raw->probe_idx];
}

size_t tsdt_event__probe_index(const struct tsdt_event *ev)
{
	return ev->raw->probe_idx;
}

int tsdt_event__arg_cnt(const struct tsdt_event *ev)
{
	return ev->raw->arg_cnt;
}

uint64_t tsdt_event__arg_raw(const struct tsdt_event *ev, int i)
{
	if (i < 0 || i >= ev->raw->arg_cnt)
		return 0;
	return ev->args[i];
}

int tsdt_event__arg_status(const struct tsdt_event *ev, int i)
{
	if (i < 0 || i >= ev->raw->arg_cnt)
		return -EINVAL;
	return ev->raw->err_mask & (1u << i) ? -EFAULT : 0;
}

const struct tsdt_type *tsdt_event__arg_type(const struct tsdt_event *ev,
					     int i)
{
	if (i < 0 || i >= ev->raw->arg_cnt)
		return NULL;
	return tsdt_probe__arg_type(tsdt_event__probe(ev), i);
}

/* The string slot of argument @i, or NULL if @i is not a string. */
static const struct tsdt_trace_str *str_slot(const struct tsdt_event *ev,
					     int i)
{
	const struct tsdt_probe *probe = tsdt_event__probe(ev);
	const struct tsdt_type *t;
	size_t slot = 0;
	int j;

	if (i < 0 || i >= ev->raw->arg_cnt || !ev->strs)
		return NULL;
	t = tsdt_probe__arg_type(probe, i);
	if (!t || t->kind != TSDT_TYPE_STR)
		return NULL;
	for (j = 0; j < i; j++) {
		t = tsdt_probe__arg_type(probe, j);
		if (t && t->kind == TSDT_TYPE_STR)
			slot++;
	}
	if (slot >= ev->raw->str_cnt)
		return NULL;
	return (const struct tsdt_trace_str *)(ev->strs +
		slot * (sizeof(struct tsdt_trace_str) + ev->tr->str_max));
}

int tsdt_event__arg_str(const struct tsdt_event *ev, int i, const char **str)
{
	const struct tsdt_trace_str *st = str_slot(ev, i);
	const char *s;

	*str = NULL;
	if (!st)
		return -EINVAL;
	if (!ev->args[i])
		return -ENOENT;
	if (st->res <= 0)
		return st->res < 0 ? st->res : -EFAULT;
	s = (const char *)(st + 1);
	*str = s;
	return (int)strnlen(s, ev->tr->str_max - 1);
}

bool tsdt_event__arg_str_truncated(const struct tsdt_event *ev, int i)
{
	const struct tsdt_trace_str *st = str_slot(ev, i);

	/* the copy filled the slot: the string may go on */
	return st && st->res > 0 && (unsigned int)st->res >= ev->tr->str_max;
}
