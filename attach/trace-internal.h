/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The generic tracer's objects, shared by its files (libtsdt-internal):
 *   trace.c          the tracer: options, probes, load, attach, getters
 *   trace-startup.c  start-up latency: RCU warm-up and ring-creation threads
 *   trace-poll.c     reading the ring: pacing, records to events
 *   event.c          event getters and typed values
 *   follow.c         following process families: fork, exec, exit, load
 */
#ifndef TSDT_TRACE_INTERNAL_H
#define TSDT_TRACE_INTERNAL_H

#include <linux/types.h>
#include <stdint.h>
#include <pthread.h>
#include <regex.h>
#include <semaphore.h>
#include <stdbool.h>
#include <time.h>

#include <tsdt/libtsdt.h>

#include "spec.h"
#include "trace.h"

struct tsdt_tracer {
	pid_t pid;
	bool force_per_site;
	bool count_only;
	bool no_sleepable;
	bool no_nop5;
	size_t ringbuf_size;
	unsigned int str_max;

	/* tsdt_tracer__add_global(): values read after every probe's own
	 * arguments */
#define TSDT_TRACER_MAX_GLOBALS 4
	struct tsdt_tracer_global {
		char *name;
		struct tsdt_type type;
		bool sized;       /* no type given: the symbol's size, signed */
		bool user_typed;  /* the caller gave its type (checked against
				   * the debug information's) */
		bool found;       /* in some file traced */
		char why[512];    /* why the debug information did not have it */
	} globals[TSDT_TRACER_MAX_GLOBALS];
	size_t global_cnt;
	/* the globals' specs of each file traced at start, worked out once
	 * before load (their types shape the records) and used at attach */
	struct tsdt_tracer_gspecs {
		const struct tsdt_binary *bin;
		struct tsdt_arg_spec specs[TSDT_TRACER_MAX_GLOBALS];
		struct tsdt_type types[TSDT_TRACER_MAX_GLOBALS];
	} *gcache;
	size_t gcache_cnt;

	const struct tsdt_probe **probes;
	/* per probe: the string slot of each argument in its records, -1 for
	 * an argument that is not a string (computed once, at add) */
	signed char (*str_slots)[TSDT_MAX_ARGS];
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
	/* one link per file at start, one per probe added later; what each
	 * holds, to detach a file's probes (tsdt_tracer__remove_binary()) */
	struct tsdt_trace_link {
		struct tsdt_link *link;
		const struct tsdt_binary *bin;
		__u32 *ids;             /* its spec slots, given back at removal */
		size_t id_cnt;
		size_t *pidx;           /* its probes (tracer indexes), in the
					 * order of their slots */
		size_t pidx_cnt;
	} *links;
	size_t link_cnt;
	/* per probe: 0, or removed, not attached now, since this
	 * CLOCK_MONOTONIC ns (taken before its hits stop: the reader drops
	 * its events stamped from then on, which a program that read its
	 * spec just before may still send) */
	long long *detached;
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

	/* following (follow.c) */
	bool follow, no_hold;
	char *cgroup;
	tsdt_file_fn_t file_fn;
	void *file_ctx;
	size_t max_procs;
	char *role_filter;
	bool count_by_role;
	/* role_cmdline, compiled */
	regex_t role_re;
	bool role_re_ok;
	/* role_global: which global, and the names of its values */
	int role_global;           /* index in globals[], -1: none */
	struct tsdt_role_value {
		int64_t value;
		char name[TSDT_ROLE_NAME_MAX];
	} *role_values;
	size_t role_value_cnt;
	char role_scratch[24];     /* a value without a name, as text */
	struct tsdt_follow *fl;
	pid_t link_pid;         /* the links' pid filter: -1 when following */

	/* spans (span.c) */
	struct tsdt_span_def {
		char *name;
		struct tsdt_pattern *begin, *end;
		struct tsdt_pattern *stages[TSDT_SPAN_MAX_STAGES];
		size_t stage_cnt;
		char *part[TSDT_SPAN_KEY_PARTS];  /* "pid", "tid", "arg2", "id" */
		size_t part_cnt;
		char *group;                      /* NULL, "role", "pid", an arg */
		uint64_t timeout_ns;
		bool syscalls;                    /* a syscall span */
		uint64_t timed_out;               /* expired in user space */
		uint64_t samples[8][TSDT_SPAN_KEY_PARTS]; /* some of their keys */
		size_t sample_cnt;
	} spans[TSDT_SPAN_MAX];
	size_t span_cnt;
	struct tsdt_span_probe *span_probes; /* per probe (probe_cap) */
	size_t max_open_spans;
	bool span_records;
	int sys_span;              /* the syscall span's index, -1: none */
	bool sys_all;
	__u8 sys_want[1024];       /* syscall numbers it times */
	struct bpf_link *sys_links[2];
	bool ring_used;            /* !count_only || span_records */
	long long span_scan_ns;    /* last tsdt_tracer__expire_spans() */

	/* current poll */
	tsdt_event_fn_t fn;
	void *fn_ctx;
	int cb_ret;
	size_t proc_delivered;  /* process events delivered in this poll */
};

struct tsdt_event {
	const struct tsdt_tracer *tr;
	const struct tsdt_trace_event *raw;   /* PROBE */
	const struct tsdt_proc_rec *proc;     /* process events, else NULL */
	const struct tsdt_span_rec *span;     /* SPAN, else NULL */
	const char *path, *old_path;          /* EXEC, LOAD */
	pid_t ppid;
	uint64_t lost;                        /* EXIT */
	const __u64 *args;           /* raw->arg_cnt values */
	const char *strs;            /* the string slots, or NULL */
	size_t size;
};

static inline long long tsdt_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline double tsdt_mono_ms(void)
{
	return tsdt_mono_ns() / 1e6;
}

/* trace-startup.c: starts the threads in tsdt_tracer__new(); waits for the
 * ring buffer thread (once), 0 or its -errno, reported; joins whatever
 * still runs and closes the ring's fd. */
void tsdt_tracer_startup_begin(struct tsdt_tracer *tr);
int tsdt_tracer_ring_wait(struct tsdt_tracer *tr);
void tsdt_tracer_startup_end(struct tsdt_tracer *tr);

/* follow.c: following's part of the tracer. prepare(): before load, its
 * programs' autoload and rodata; start(): after load, before the probes
 * are attached (followed set, programs, keeper); started(): after they are
 * (/proc walk); collect(): reads the process ring (holds are dealt with
 * at once), queueing its events; flush(): delivers those up to time
 * @upto to the poll's callback (a non-zero return stops it), counting them
 * in *@delivered; after_batch(): after each batch; end():
 * continues every held process, stops the keeper. */
bool tsdt_follow_active(const struct tsdt_tracer *tr);
struct trace_bpf;
int tsdt_follow_prepare(struct tsdt_tracer *tr, struct trace_bpf *skel);
int tsdt_follow_start(struct tsdt_tracer *tr);
int tsdt_follow_started(struct tsdt_tracer *tr);
int tsdt_follow_collect(struct tsdt_tracer *tr);
bool tsdt_follow_pending(const struct tsdt_tracer *tr);
int tsdt_follow_flush(struct tsdt_tracer *tr, uint64_t upto, size_t *delivered);
void tsdt_follow_after_batch(struct tsdt_tracer *tr);
pid_t tsdt_follow_ppid(const struct tsdt_tracer *tr, pid_t pid);
const char *tsdt_follow_role(const struct tsdt_tracer *tr, pid_t pid);
/* trace.c: argument @i of @p's events: the probe's own, then the
 * tracer's globals */
const char *tsdt_tracer_arg_name(const struct tsdt_tracer *tr,
				 const struct tsdt_probe *p, int i);
const struct tsdt_type *tsdt_tracer_arg_type(const struct tsdt_tracer *tr,
					     const struct tsdt_probe *p, int i);
/* trace.c: the name of a value of tsdt_tracer_opts.role_global */
const char *tsdt_tracer_role_value_name(const struct tsdt_tracer *tr, int64_t v);
void tsdt_follow_end(struct tsdt_tracer *tr);

/* span.c: the spans' part of the tracer. probe_added(): probe @i was
 * added (its part in each span, written to the kernel when running);
 * prepare(): before load (rodata, map sizes); start(): after load (the
 * probes' parts); on_rec(): a TSDT_REC_SPAN record to the poll's callback;
 * free(). */
int tsdt_span_probe_added(struct tsdt_tracer *tr, size_t i);
int tsdt_span_prepare(struct tsdt_tracer *tr, struct trace_bpf *skel);
int tsdt_span_start(struct tsdt_tracer *tr);
int tsdt_span_on_rec(struct tsdt_tracer *tr, const void *data, size_t size);
void tsdt_span_free(struct tsdt_tracer *tr);
/* detach the syscall programs (before the object goes) */
void tsdt_span_detach(struct tsdt_tracer *tr);
/* from tsdt_tracer__poll(): expiry scans, at most every 200 ms */
void tsdt_span_poll_tick(struct tsdt_tracer *tr);
/* follow.c: the name of role key @key (a TSDT_ROLE name's hash, or a
 * role global's value with the top bit set), or NULL */
const char *tsdt_tracer_role_key_name(const struct tsdt_tracer *tr,
				      uint64_t key);

/* trace-poll.c: the ring buffer reader's callback */
int tsdt_tracer_on_sample(void *ctx, const void *data, size_t size);

#endif /* TSDT_TRACE_INTERNAL_H */
