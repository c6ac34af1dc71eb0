// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pg-top's BPF side: typed handlers on PostgreSQL's own probes, generated
 * from providers/postgresql-15.d by `tsdt-gen -B` (so libtsdt refuses them
 * if the binary's probes disagree), aggregating in the kernel per backend
 * type and application: transactions, their latency, queries, their
 * latency and text, lock waits and checkpoints (those two as events).
 *
 * Every handler is attached to the postgres binary for every process that
 * runs it (tsdt_attach_opts.pid = -1: uprobes are per file); the cluster's
 * processes are the postmaster and what it forks, the entries of `procs`,
 * added by the fork tracepoint below and seeded from /proc by pg-top.c, so
 * that other clusters on the machine are not counted and backends forked
 * before or after the attach are.
 *
 * The handlers can read four globals of the binary (tsdt_attach_opts.globals,
 * in this order): MyBackendType, application_name, XactLastCommitEnd (the
 * end of the last commit record written) and replorigin_session_origin_lsn
 * (in an apply worker, the publisher's end LSN of the transaction it
 * applies). With two clusters (--subscriber), a process's entry says which
 * one it is of, and the walsender's ReorderBufferCommit(),
 * logicalrep_write_commit() and OutputPluginWrite() are traced too (plain
 * uprobes on the exported functions: x86-64 arguments).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "pg_probes.bpf.h"
#include "pg-top.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* filters, set before load (0 / "": none) */
const volatile __u32 filter_pid = 0;
const volatile __s32 filter_btype = -1;
const volatile char filter_app[PG_APP_MAX] = {};
/* --subscriber: also the replication stages (PG_EV_COMMIT, ...) */
const volatile bool replication = false;
/* --exact-texts: a query per text as sent, constants and all (by default
 * texts that differ only in their constants are one query, as in
 * pg_stat_statements) */
const volatile bool exact_texts = false;
/* --no-texts: queries counted and timed, no text read (no top queries) */
const volatile bool no_texts = false;
/* lock waits shorter than this are counted, not sent as events */
const volatile __u64 lock_min_ns = 0;
/* --groups: the entries of `keys` and `stats` (set to the same) */
const volatile __u32 keys_max = PG_KEYS_DEFAULT;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct pg_proc);
} procs SEC(".maps");

/* every lock wait, by lock tag type and mode (index type * PG_LOCK_MODES
 * + mode) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PG_LOCK_TYPES * PG_LOCK_MODES);
	__type(key, __u32);
	__type(value, struct pg_lock_stat);
} lock_stats SEC(".maps");

/* The transaction a walsender's thread decodes (ReorderBufferCommit() or
 * ReorderBufferFinishPrepared() until its return): every walsender decodes
 * every transaction, and tells of it only when it sends it (pgoutput skips
 * a transaction with nothing for its publications). */
struct pg_decoding {
	__u64 lsn;              /* end_lsn */
	__u64 ts;               /* the decoding's start */
	__u32 sent;             /* its commit message is being or was sent */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct pg_decoding);
} decoding SEC(".maps");

/* the same while the commit message is being written (from
 * logicalrep_write_commit() to the return of the OutputPluginWrite()
 * after it) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u64);
} sending SEC(".maps");

/* (backend type, application) -> its id, the index of its stats: a hit
 * looks its process up once (procs) and then indexes arrays; the key is
 * looked up only when the process's globals change */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PG_KEYS_DEFAULT);   /* keys_max, set by pg-top */
	__type(key, struct pg_key);
	__type(value, __u32);
} keys SEC(".maps");
__u32 next_kid;
/* key look-ups that found no room in `keys` (their hits not counted; told) */
__u64 keys_full;

/* per CPU, as the queries below: no atomic on a line both CPUs write (the
 * reader sums them) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PG_KEYS_DEFAULT);   /* keys_max */
	__type(key, __u32);
	__type(value, struct pg_stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct pg_query_key);
	__type(value, struct pg_query);
} queries SEC(".maps");

/* the texts of `queries`' keys, once (a per-CPU copy of each would cost
 * PG_QUERY_MAX bytes per CPU per query) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct pg_query_key);
	__type(value, struct pg_query_text);
} query_texts SEC(".maps");

/* lock waits, checkpoints, replication stages; submitted without a wakeup
 * (pg-top.c reads it every 100 ms) */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

/* a new process's entry, built here: too large for the stack */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pg_proc);
} proc_scratch SEC(".maps");

/* events that did not fit in the ring (told by pg-top) */
__u64 lost_events;
/* query texts not kept: `queries` was full (then no insert is tried: a
 * failing insert costs as much as one that works, per query); counted per
 * CPU, as most queries of a workload with literals are */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} dropped SEC(".maps");
bool queries_full;

_Static_assert(__builtin_offsetof(struct pg_proc, text) % 8 == 0,
	       "the text is hashed in 8-byte words");

static __always_inline __u32 tgid(void)
{
	return bpf_get_current_pid_tgid() >> 32;
}

/* The current process's entry; NULL when it is not the cluster's. */
static __always_inline struct pg_proc *this_proc(void)
{
	__u32 pid = tgid();

	return bpf_map_lookup_elem(&procs, &pid);
}

/* Whether the filters leave a process of @btype and @app out. */
static __always_inline bool filtered(__u32 btype, const char *app)
{
	if (filter_pid && tgid() != filter_pid)
		return true;
	if (filter_btype >= 0 && btype != (__u32)filter_btype)
		return true;
	if (filter_app[0]) {
		for (int i = 0; i < PG_APP_MAX; i++) {
			if (app[i] != filter_app[i])
				return true;
			if (!app[i])
				break;
		}
	}
	return false;
}

/* The id + 1 of @k, given one if new; 0 when `keys` is full. */
static __always_inline __u32 key_id(const struct pg_key *k)
{
	__u32 *id = bpf_map_lookup_elem(&keys, k);
	__u32 n;

	if (id)
		return *id + 1;
	n = __sync_fetch_and_add(&next_kid, 1);
	if (n < keys_max && !bpf_map_update_elem(&keys, k, &n, BPF_NOEXIST))
		return n + 1;
	/* another CPU added it first (its id wins; n is not used), or no
	 * room */
	id = bpf_map_lookup_elem(&keys, k);
	if (id)
		return *id + 1;
	__sync_fetch_and_add(&keys_full, 1);
	return 0;
}

/*
 * The current process's entry with its key (p->kid, p->pass) brought up to
 * date from the globals of the site of @spec (the handler's):
 * MyBackendType and application_name's pointer are read at every call (two
 * user reads), the rest only when they changed. NULL when the process is
 * not the cluster's.
 */
static __always_inline struct pg_proc *get_key(struct pt_regs *ctx,
					       const struct tsdt_bpf_spec *spec)
{
	struct pg_proc *p = this_proc();
	__u64 bt = 0, ap = 0;
	struct pg_key k;

	if (!p || !spec)
		return NULL;
	tsdt_spec_global(ctx, spec, 0, &bt);
	tsdt_spec_global(ctx, spec, 1, &ap);
	if (p->kid && bt == p->btype && ap == p->app_ptr)
		return p;
	if (ap != p->app_ptr || !p->kid) {
		__builtin_memset(p->app, 0, sizeof(p->app));
		if (ap && bpf_probe_read_user_str(p->app, sizeof(p->app),
						  (const void *)ap) < 0)
			ap = 0; /* read again next time */
	}
	p->btype = bt;
	p->app_ptr = ap;
	__builtin_memset(&k, 0, sizeof(k));
	k.btype = (__u32)bt;
	__builtin_memcpy(k.app, p->app, sizeof(k.app));
	p->kid = key_id(&k);
	p->pass = p->kid && !filtered(k.btype, k.app);
	return p;
}

/* The process's key becomes its transaction's: the transaction's end and
 * its queries are counted by it (0 when the filters leave it out). */
static __always_inline void bind_xact(struct pg_proc *p)
{
	p->xkid = p->pass ? p->kid : 0;
	p->xseen = 1;
}

/* The stats of key id @kid (+ 1, as in pg_proc), or NULL for 0. */
static __always_inline struct pg_stats *get_stats(__u32 kid)
{
	__u32 i = kid - 1;

	if (!kid)
		return NULL;
	return bpf_map_lookup_elem(&stats, &i);
}

/* @ns's bucket in a latency histogram of PG_HIST_MAX (pg-top.h) */
static __always_inline __u32 hist_bucket(__u64 ns)
{
	__u32 b = tsdt_hist_bucket(ns);

	return b < PG_HIST_MAX ? b : PG_HIST_MAX - 1;
}

/* A new event of @kind from the current process @p in the ring (zeroed,
 * its pid, cluster and time set), or NULL, counted as lost. Submit it with
 * BPF_RB_NO_WAKEUP: pg-top.c reads the ring every 100 ms. */
static __always_inline struct pg_event *new_event(__u32 kind,
						  const struct pg_proc *p)
{
	struct pg_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		__sync_fetch_and_add(&lost_events, 1);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->pid = tgid();
	e->cluster = p->cluster;
	e->ts = bpf_ktime_get_ns();
	return e;
}

/* The event's key, from the process's globals as last read. */
static __always_inline void event_key(struct pg_event *e, const struct pg_proc *p)
{
	e->k.btype = (__u32)p->btype;
	__builtin_memcpy(e->k.app, p->app, sizeof(e->k.app));
}

/* ------------------------------------------------------- transactions */

POSTGRESQL_TRANSACTION_START_HANDLER(on_xact_start)
{
	struct pg_stats *s;
	struct pg_proc *p;

	if (!(p = get_key(ctx, tsdt_handler_spec())))
		return 0;
	bind_xact(p);
	p->xact_ns = bpf_ktime_get_ns();
	if ((s = get_stats(p->xkid)))
		s->xact_start += 1;
	return 0;
}

enum xact_outcome { XACT_COMMIT, XACT_ABORT, XACT_PREPARE };

/* The current process's transaction ended with @how: counted by its key
 * (the key of its start, or of now for one that began before the attach:
 * read from the globals at a probe, the last one read at a function). */
static __always_inline struct pg_proc *xact_end(struct pt_regs *ctx,
						const struct tsdt_bpf_spec *spec,
						enum xact_outcome how)
{
	struct pg_proc *p = this_proc();
	struct pg_stats *s;
	__u32 kid;
	__u64 d = 0;

	if (!p)
		return NULL;
	if (p->xact_ns) {
		/* started after the attach: counted by its start's key,
		 * without reading the globals again */
		kid = p->xkid;
		d = bpf_ktime_get_ns() - p->xact_ns;
		p->xact_ns = 0;
	} else {
		/* began before the attach: the key now */
		if (how != XACT_PREPARE ? !get_key(ctx, spec) : !p->kid)
			return NULL;
		bind_xact(p);
		kid = p->xkid;
	}
	if (!(s = get_stats(kid)))
		return p;
	if (how == XACT_COMMIT)
		s->xact_commit += 1;
	else if (how == XACT_ABORT)
		s->xact_abort += 1;
	else
		s->xact_prepare += 1;
	if (!d)
		return p; /* began before the attach */
	s->xact_ns += d;
	s->xact_hist[hist_bucket(d)] += 1;
	return p;
}

POSTGRESQL_TRANSACTION_COMMIT_HANDLER(on_xact_commit)
{
	const struct tsdt_bpf_spec *spec = tsdt_handler_spec();
	struct pg_proc *p = xact_end(ctx, spec, XACT_COMMIT);
	struct pg_event *e;
	__u64 v = 0;

	if (!replication || !p || !(e = new_event(PG_EV_COMMIT, p)))
		return 0;
	if (!tsdt_spec_global(ctx, spec, 0, &v))
		e->k.btype = (__u32)v;
	if (!tsdt_spec_global(ctx, spec, 2, &v))
		e->xact.end_lsn = v;
	if (!tsdt_spec_global(ctx, spec, 3, &v))
		e->xact.origin_lsn = v;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

POSTGRESQL_TRANSACTION_ABORT_HANDLER(on_xact_abort)
{
	xact_end(ctx, tsdt_handler_spec(), XACT_ABORT);
	return 0;
}

/* void EndPrepare(GlobalTransaction gxact) has returned: PREPARE
 * TRANSACTION wrote and flushed the prepare record; the transaction ends
 * there for its session (neither its commit nor its abort probe fires; a
 * later COMMIT PREPARED or ROLLBACK PREPARED runs in a transaction of its
 * own, commonly of another session). */
SEC("uretprobe")
int BPF_URETPROBE(on_prepare_ret)
{
	xact_end(ctx, NULL, XACT_PREPARE);
	return 0;
}

/* ------------------------------------------------------------ queries */

/* A 64-bit hash of the @n bytes (n <= PG_QUERY_MAX) of @text, 8 at a time:
 * FNV-1a's step on words (each step a bijection of the word, so texts that
 * differ in one word never collide), then a final mix. */
static __always_inline __u64 exact_hash(const char *text, long n)
{
	__u64 h = 14695981039346656037ULL;

	for (int i = 0; i < PG_QUERY_MAX / 8; i++) {
		long left = n - i * 8;
		__u64 w;

		if (left <= 0)
			break;
		w = *(const __u64 *)(text + i * 8);
		if (left < 8)
			w &= (1ULL << (left * 8)) - 1; /* little-endian */
		h = (h ^ w) * 1099511628211ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h ^ (__u64)n;
}

/*
 * A 64-bit hash (FNV-1a) of the NUL-terminated @text with its constants
 * taken out (pg_norm_step(), pg-lex.h): each hashes as one marker, so that
 * "WHERE aid = 7" and "WHERE aid = 12345" are one query, as
 * pg_stat_statements counts them (pg-top.c shows the first text seen with
 * the constants replaced by $1, $2, ...). The lexer's state *@n is in a
 * map value and read back from it at each byte (the barrier): the verifier
 * knows nothing of a value loaded from a map, so the iterations' states
 * are alike and prune, where on the stack or in registers each byte's
 * every (state, previous byte) pair would be a state of its own (more than
 * the verifier's million instructions).
 */
static __always_inline __u64 normalized_hash(struct pg_norm *n, const char *text)
{
	__u64 h = 14695981039346656037ULL;

	__builtin_memset(n, 0, sizeof(*n));

	for (int i = 0; i < PG_QUERY_MAX; i++) {
		__u8 c = text[i], next, next2;
		int what;

		if (!c)
			break;
		asm volatile("" ::: "memory");
		next = i + 1 < PG_QUERY_MAX ? text[i + 1] : 0;
		/* looked at only after '&' (U&'...'): read only then */
		next2 = next == '&' && i + 2 < PG_QUERY_MAX ? text[i + 2] : 0;
		what = pg_norm_step(n, c, next, next2);
		if (what == PG_NORM_SKIP)
			continue;
		h = (h ^ (what == PG_NORM_CONST ? 1 : c)) * 1099511628211ULL;
	}
	return h;
}

/* Not sleepable (a sleepable uprobe costs more per hit): the query text is
 * in the buffer the backend has just received it in; a text that cannot
 * be read is counted (unread), never shown empty. No global is read here:
 * the query is counted by its transaction's key, at query__done. */
POSTGRESQL_QUERY_START_HANDLER(on_query_start)
{
	struct pg_proc *p = this_proc();
	long n;

	if (!p)
		return 0;
	p->query_ns = bpf_ktime_get_ns();
	if (no_texts)
		return 0;
	/* n counts the NUL: hash the text without it */
	n = tsdt_read_str(p->text, sizeof(p->text), query);
	p->query_ok = n > 0;
	if (n > 0)
		p->qhash = exact_texts ? exact_hash(p->text, n - 1) :
					 normalized_hash(&p->norm, p->text);
	return 0;
}

POSTGRESQL_QUERY_DONE_HANDLER(on_query_done)
{
	struct pg_query_key qk = {};
	struct pg_stats *s;
	struct pg_query *q;
	struct pg_proc *p = this_proc();
	__u64 d;

	/* only what started after the attach */
	if (!p || !p->query_ns)
		return 0;
	d = bpf_ktime_get_ns() - p->query_ns;
	p->query_ns = 0;
	if (!p->xseen) {
		/* its transaction began before the attach */
		if (!get_key(ctx, tsdt_handler_spec()))
			return 0;
		bind_xact(p);
	}
	if (!(s = get_stats(p->xkid)))
		return 0;
	s->query_cnt += 1;
	s->query_ns += d;
	s->query_hist[hist_bucket(d)] += 1;
	if (no_texts)
		return 0;
	if (!p->query_ok) {
		s->unread += 1;
		return 0;
	}
	qk.kid = p->xkid;
	qk.hash = p->qhash;
	q = bpf_map_lookup_elem(&queries, &qk);
	if (!q) {
		struct pg_query n = {};
		__u32 zero = 0;
		__u64 *nd;

		/* a new query (a per-CPU hash's entry is every CPU's): its
		 * text first, then its figures; -E2BIG (7): a table is full,
		 * and from then on no insert and no second lookup; -EEXIST
		 * (17): another CPU added it meanwhile */
		if (!queries_full) {
			long e = bpf_map_update_elem(&query_texts, &qk, p->text, BPF_NOEXIST);

			if (!e || e == -17)
				e = bpf_map_update_elem(&queries, &qk, &n, BPF_NOEXIST);
			if (e == -7)
				queries_full = true;
			else
				q = bpf_map_lookup_elem(&queries, &qk);
		}
		if (!q) {
			if ((nd = bpf_map_lookup_elem(&dropped, &zero)))
				(*nd)++;
			return 0;
		}
	}
	q->cnt += 1;
	q->total_ns += d;
	if (d > q->max_ns)
		q->max_ns = d;
	return 0;
}

/* --------------------------------------------------------- lock waits */

POSTGRESQL_LOCK_WAIT_START_HANDLER(on_lock_start)
{
	struct pg_proc *p;

	if (!(p = get_key(ctx, tsdt_handler_spec())))
		return 0;
	p->lock_ns = bpf_ktime_get_ns();
	return 0;
}

POSTGRESQL_LOCK_WAIT_DONE_HANDLER(on_lock_done)
{
	struct pg_lock_stat *ls;
	struct pg_event *e;
	struct pg_stats *s;
	struct pg_proc *p;
	__u32 i;
	__u64 d;

	if (!(p = get_key(ctx, tsdt_handler_spec())) || !p->lock_ns ||
	    !p->pass || !(s = get_stats(p->kid)))
		return 0;
	d = bpf_ktime_get_ns() - p->lock_ns;
	p->lock_ns = 0;
	s->lock_waits += 1;
	s->lock_ns += d;
	i = (type < PG_LOCK_TYPES - 1 ? type : PG_LOCK_TYPES - 1) * PG_LOCK_MODES +
	    ((__u32)mode < PG_LOCK_MODES - 1 ? (__u32)mode : PG_LOCK_MODES - 1);
	if ((ls = bpf_map_lookup_elem(&lock_stats, &i))) {
		ls->cnt += 1;
		ls->ns += d;
	}
	if (d < lock_min_ns || !(e = new_event(PG_EV_LOCK_WAIT, p)))
		return 0;
	event_key(e, p);
	e->ns = d;
	e->lock.field[0] = field1;
	e->lock.field[1] = field2;
	e->lock.field[2] = field3;
	e->lock.field[3] = field4;
	e->lock.type = type;
	e->lock.mode = mode;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

/* -------------------------------------------------------- checkpoints */

POSTGRESQL_CHECKPOINT_START_HANDLER(on_ckpt_start)
{
	struct pg_proc *p;

	if (!(p = get_key(ctx, tsdt_handler_spec())))
		return 0;
	p->ckpt_ns = bpf_ktime_get_ns();
	p->ckpt_flags = flags;
	return 0;
}

/* Its arguments are rip-relative (-4@NBuffers(%rip) ...): the handler reads
 * them as any other, by the site's spec. */
POSTGRESQL_CHECKPOINT_DONE_HANDLER(on_ckpt_done)
{
	struct pg_event *e;
	struct pg_proc *p;

	if (!(p = get_key(ctx, tsdt_handler_spec())) || !p->pass ||
	    !(e = new_event(PG_EV_CHECKPOINT, p)))
		return 0;
	event_key(e, p);
	e->ns = p->ckpt_ns ? e->ts - p->ckpt_ns : 0;
	e->ckpt.flags = p->ckpt_flags;
	p->ckpt_ns = 0;
	e->ckpt.written = buffers_written;
	e->ckpt.total = buffers_total;
	e->ckpt.wal_added = wal_added;
	e->ckpt.wal_removed = wal_removed;
	e->ckpt.wal_recycled = wal_recycled;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

/* ------------------------------------------------- the cluster's family */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ppid = parent->tgid, cpid = child->tgid, zero = 0;
	struct pg_proc *pp, *n;

	if (ppid == cpid || !(pp = bpf_map_lookup_elem(&procs, &ppid)))
		return 0;
	n = bpf_map_lookup_elem(&proc_scratch, &zero);
	if (!n)
		return 0;
	__builtin_memset(n, 0, sizeof(*n));
	n->cluster = pp->cluster;
	bpf_map_update_elem(&procs, &cpid, n, BPF_ANY);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *task)
{
	__u32 pid = task->tgid;

	if (task->pid != task->tgid)
		return 0; /* a thread */
	bpf_map_delete_elem(&procs, &pid);
	return 0;
}

/* --------------------------------------- the walsender's decoding */

/* An event of @kind of the transaction of @lsn, at @ts (0: now) */
static __always_inline void decode_event(__u32 kind, __u64 lsn, __u64 ts)
{
	struct pg_proc *p = this_proc();
	struct pg_event *e;

	if (!p || !(e = new_event(kind, p)))
		return;
	e->xact.end_lsn = lsn;
	if (ts)
		e->ts = ts;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

/* void ReorderBufferCommit(ReorderBuffer *rb, TransactionId xid,
 *     XLogRecPtr commit_lsn, XLogRecPtr end_lsn, ...), and
 * ReorderBufferFinishPrepared() (the same first four) for COMMIT PREPARED
 * or ROLLBACK PREPARED of a transaction a two_phase subscription received
 * at its PREPARE; end_lsn: the end of the commit (or abort) record */
SEC("uprobe")
int BPF_UPROBE(on_decode, void *rb, __u32 xid, __u64 commit_lsn, __u64 end_lsn)
{
	__u64 tid = bpf_get_current_pid_tgid();
	struct pg_decoding d = { .lsn = end_lsn, .ts = bpf_ktime_get_ns() };

	if (this_proc())
		bpf_map_update_elem(&decoding, &tid, &d, BPF_ANY);
	return 0;
}

SEC("uretprobe")
int BPF_URETPROBE(on_decode_ret)
{
	__u64 tid = bpf_get_current_pid_tgid();
	struct pg_decoding *d = bpf_map_lookup_elem(&decoding, &tid);

	if (!d)
		return 0;
	if (d->sent)
		decode_event(PG_EV_DECODE_END, d->lsn, 0);
	bpf_map_delete_elem(&decoding, &tid);
	bpf_map_delete_elem(&sending, &tid); /* if the write failed */
	return 0;
}

/* void logicalrep_write_commit(StringInfo out, ReorderBufferTXN *txn,
 *     XLogRecPtr commit_lsn), and logicalrep_write_stream_commit() for a
 * streamed transaction, logicalrep_write_commit_prepared() and
 * logicalrep_write_rollback_prepared() for the end of one prepared on a
 * two_phase subscription: pgoutput builds the commit message of the
 * transaction being decoded (the thread's in `decoding`); the
 * OutputPluginWrite() that returns next has handed it to the socket. */
SEC("uprobe")
int BPF_UPROBE(on_send)
{
	__u64 tid = bpf_get_current_pid_tgid();
	struct pg_decoding *d = bpf_map_lookup_elem(&decoding, &tid);
	__u64 l;

	if (!d)
		return 0;
	l = d->lsn;
	/* the decoding told of now, since it is sent */
	if (!d->sent) {
		d->sent = 1;
		decode_event(PG_EV_DECODE_START, l, d->ts);
	}
	bpf_map_update_elem(&sending, &tid, &l, BPF_ANY);
	decode_event(PG_EV_SEND_START, l, 0);
	return 0;
}

SEC("uretprobe")
int BPF_URETPROBE(on_write_ret)
{
	__u64 tid = bpf_get_current_pid_tgid();
	__u64 *lsn = bpf_map_lookup_elem(&sending, &tid);

	if (!lsn)
		return 0; /* a change's message, not the commit's */
	decode_event(PG_EV_SENT, *lsn, 0);
	bpf_map_delete_elem(&sending, &tid);
	return 0;
}
