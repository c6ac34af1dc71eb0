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
 * processes are the postmaster and what it forks, kept in `members` by the
 * fork and exit tracepoints below, seeded from /proc by pg-top.c, so that
 * other clusters on the machine are not counted and backends forked before
 * or after the attach are.
 *
 * Each handler reads four globals of the binary (tsdt_attach_opts.globals,
 * in this order): MyBackendType, application_name, XactLastCommitEnd (the
 * end of the last commit record written) and replorigin_session_origin_lsn
 * (in an apply worker, the publisher's end LSN of the transaction it
 * applies). With two clusters (--subscriber), `members` says which one a
 * process is of, and the walsender's ReorderBufferCommit() is traced too
 * (a plain uprobe on the exported function: x86-64 arguments).
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

struct pg_proc {
	/* the key at the transaction's and the query's start: an end is
	 * counted where its start was (a new connection's first transaction
	 * starts before application_name is set, and ends after) */
	struct pg_key xkey;
	__u64 xact_ns, query_ns, lock_ns, ckpt_ns;
	/* application_name's text, read again only when the GUC's pointer
	 * changes (PostgreSQL allocates a new string for each new value) */
	__u64 app_ptr;
	char app[PG_APP_MAX];
	__s32 ckpt_flags;
	__u32 query_ok;
	/* the current query: its key (the key at its start and its text's
	 * hash) and text */
	struct pg_query_key q;
	char text[PG_QUERY_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u8);    /* the cluster: 1, or 2 (--subscriber) */
} members SEC(".maps");

/* ReorderBufferCommit()'s end_lsn, per thread, for its return */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u64);
} decoding SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct pg_proc);
} procs SEC(".maps");

/* per CPU, as the queries below: no atomic on a line both CPUs write (the
 * reader sums them) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct pg_key);
	__type(value, struct pg_stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct pg_query_key);
	__type(value, struct pg_query);
} queries SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

/* a new text's value, built here: too large for the stack */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pg_query);
} scratch SEC(".maps");

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

static const struct pg_stats zero_stats;

static __always_inline __u32 tgid(void)
{
	return bpf_get_current_pid_tgid() >> 32;
}

static const struct pg_proc zero_proc;

static __always_inline struct pg_proc *get_proc(void)
{
	__u32 pid = tgid();
	struct pg_proc *p = bpf_map_lookup_elem(&procs, &pid);

	if (p)
		return p;
	bpf_map_update_elem(&procs, &pid, &zero_proc, BPF_NOEXIST);
	return bpf_map_lookup_elem(&procs, &pid);
}

/* The process's key in *@k and its entry (created if new); NULL when it is
 * not the cluster's. */
static __always_inline struct pg_proc *get_key(struct pt_regs *ctx,
					       struct pg_key *k)
{
	__u32 pid = tgid();
	struct pg_proc *p;
	__u64 v = 0;

	if (!bpf_map_lookup_elem(&members, &pid) || !(p = get_proc()))
		return NULL;
	__builtin_memset(k, 0, sizeof(*k));
	if (!tsdt_global(ctx, 0, &v))
		k->btype = (__u32)v;
	v = 0;
	tsdt_global(ctx, 1, &v);
	if (v != p->app_ptr) {
		p->app_ptr = v;
		__builtin_memset(p->app, 0, sizeof(p->app));
		if (v && bpf_probe_read_user_str(p->app, sizeof(p->app),
						 (const void *)v) < 0)
			p->app_ptr = 0; /* read again next time */
	}
	__builtin_memcpy(k->app, p->app, sizeof(k->app));
	return p;
}

/* Whether the filters leave @k (of the current process) out. */
static __always_inline bool filtered(const struct pg_key *k)
{
	if (filter_pid && tgid() != filter_pid)
		return true;
	if (filter_btype >= 0 && k->btype != (__u32)filter_btype)
		return true;
	if (filter_app[0]) {
		for (int i = 0; i < PG_APP_MAX; i++) {
			if (k->app[i] != filter_app[i])
				return true;
			if (!k->app[i])
				break;
		}
	}
	return false;
}

static __always_inline struct pg_stats *get_stats(const struct pg_key *k)
{
	struct pg_stats *s = bpf_map_lookup_elem(&stats, k);

	if (s)
		return s;
	bpf_map_update_elem(&stats, k, &zero_stats, BPF_NOEXIST);
	return bpf_map_lookup_elem(&stats, k);
}

static __always_inline __u32 bucket(__u64 ns)
{
	__u32 r = 0;

	if (ns >> 32) { ns >>= 32; r += 32; }
	if (ns >> 16) { ns >>= 16; r += 16; }
	if (ns >> 8) { ns >>= 8; r += 8; }
	if (ns >> 4) { ns >>= 4; r += 4; }
	if (ns >> 2) { ns >>= 2; r += 2; }
	if (ns >> 1) { r += 1; }
	return r < PG_HIST_MAX ? r : PG_HIST_MAX - 1;
}

/* ------------------------------------------------------- transactions */

POSTGRESQL_TRANSACTION_START_HANDLER(on_xact_start)
{
	struct pg_key k;
	struct pg_stats *s;
	struct pg_proc *p;

	if (!(p = get_key(ctx, &k)))
		return 0;
	/* kept even when filtered out: its end is counted by this key */
	p->xkey = k;
	p->xact_ns = bpf_ktime_get_ns();
	if (filtered(&k) || !(s = get_stats(&k)))
		return 0;
	s->xact_start += 1;
	return 0;
}

static __always_inline void xact_end(struct pt_regs *ctx, bool commit)
{
	__u32 pid = tgid();
	struct pg_proc *p = bpf_map_lookup_elem(&procs, &pid);
	struct pg_stats *s;
	struct pg_key k;
	__u64 d = 0;

	/* started after the attach: counted by its start's key, without
	 * reading the globals again */
	if (p && p->xact_ns) {
		k = p->xkey;
		d = bpf_ktime_get_ns() - p->xact_ns;
		p->xact_ns = 0;
	} else if (!get_key(ctx, &k)) {
		return;
	}
	if (filtered(&k))
		return;
	s = get_stats(&k);
	if (!s)
		return;
	if (commit)
		s->xact_commit += 1;
	else
		s->xact_abort += 1;
	if (!d)
		return; /* began before the attach */
	s->xact_ns += d;
	s->xact_hist[bucket(d)] += 1;
}

POSTGRESQL_TRANSACTION_COMMIT_HANDLER(on_xact_commit)
{
	__u32 pid = tgid();
	__u8 *cl = bpf_map_lookup_elem(&members, &pid);
	struct pg_event *e;
	__u64 v = 0;

	xact_end(ctx, true);
	if (!replication || !cl)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost_events, 1);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = PG_EV_COMMIT;
	e->pid = pid;
	e->cluster = *cl;
	e->ts = bpf_ktime_get_ns();
	if (!tsdt_global(ctx, 0, &v))
		e->k.btype = (__u32)v;
	if (!tsdt_global(ctx, 2, &v))
		e->xact.end_lsn = v;
	if (!tsdt_global(ctx, 3, &v))
		e->xact.origin_lsn = v;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

POSTGRESQL_TRANSACTION_ABORT_HANDLER(on_xact_abort)
{
	xact_end(ctx, false);
	return 0;
}

/* ------------------------------------------------------------ queries */

/* Not sleepable (a sleepable uprobe costs more per hit): the query text is
 * in the buffer the backend has just received it in; a text that cannot
 * be read is counted (unread), never shown empty. */
POSTGRESQL_QUERY_START_HANDLER(on_query_start)
{
	struct pg_proc *p;
	struct pg_key k;

	if (!(p = get_key(ctx, &k)))
		return 0;
	p->q.k = k;
	p->query_ok = tsdt_read_str(p->text, sizeof(p->text), query) > 0;
	{
		__u64 h = 14695981039346656037ULL;

		for (int i = 0; i < PG_QUERY_MAX; i++) {
			char c = p->text[i];

			if (!c)
				break;
			h = (h ^ (__u8)c) * 1099511628211ULL;
		}
		p->q.hash = h;
	}
	p->query_ns = bpf_ktime_get_ns();
	return 0;
}

POSTGRESQL_QUERY_DONE_HANDLER(on_query_done)
{
	struct pg_stats *s;
	struct pg_query *q;
	struct pg_proc *p;
	__u32 pid = tgid();
	__u64 d;

	/* only what started after the attach: no globals to read */
	p = bpf_map_lookup_elem(&procs, &pid);
	if (!p || !p->query_ns)
		return 0;
	d = bpf_ktime_get_ns() - p->query_ns;
	p->query_ns = 0;
	if (filtered(&p->q.k) || !(s = get_stats(&p->q.k)))
		return 0;
	s->query_cnt += 1;
	s->query_ns += d;
	s->query_hist[bucket(d)] += 1;
	if (!p->query_ok) {
		s->unread += 1;
		return 0;
	}
	q = bpf_map_lookup_elem(&queries, &p->q);
	if (!q) {
		/* -E2BIG (7): the table is full */
		if (!queries_full) {
			__u32 zero = 0;
			struct pg_query *n = bpf_map_lookup_elem(&scratch, &zero);

			if (n) {
				n->cnt = n->total_ns = n->max_ns = 0;
				__builtin_memcpy(n->text, p->text, sizeof(n->text));
				if (bpf_map_update_elem(&queries, &p->q, n, BPF_NOEXIST) == -7)
					queries_full = true;
			}
		}
		q = bpf_map_lookup_elem(&queries, &p->q);
		if (!q) {
			__u32 zero = 0;
			__u64 *n = bpf_map_lookup_elem(&dropped, &zero);

			if (n)
				(*n)++;
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
	struct pg_key k;
	struct pg_proc *p;

	if (!(p = get_key(ctx, &k)))
		return 0;
	p->lock_ns = bpf_ktime_get_ns();
	return 0;
}

POSTGRESQL_LOCK_WAIT_DONE_HANDLER(on_lock_done)
{
	struct pg_event *e;
	struct pg_stats *s;
	struct pg_proc *p;
	struct pg_key k;
	__u32 pid = tgid();
	__u64 d;

	if (!(p = get_key(ctx, &k)) || !p->lock_ns || filtered(&k) ||
	    !(s = get_stats(&k)))
		return 0;
	d = bpf_ktime_get_ns() - p->lock_ns;
	p->lock_ns = 0;
	s->lock_waits += 1;
	s->lock_ns += d;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost_events, 1);
		return 0;
	}
	e->kind = PG_EV_LOCK_WAIT;
	e->pid = pid;
	e->k = k;
	e->ns = d;
	e->lock.field[0] = field1;
	e->lock.field[1] = field2;
	e->lock.field[2] = field3;
	e->lock.field[3] = field4;
	e->lock.type = type;
	e->lock.mode = mode;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* -------------------------------------------------------- checkpoints */

POSTGRESQL_CHECKPOINT_START_HANDLER(on_ckpt_start)
{
	struct pg_key k;
	struct pg_proc *p;

	if (!(p = get_key(ctx, &k)))
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
	struct pg_key k;
	__u32 pid = tgid();

	if (!(p = get_key(ctx, &k)) || filtered(&k))
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost_events, 1);
		return 0;
	}
	e->kind = PG_EV_CHECKPOINT;
	e->pid = pid;
	e->k = k;
	e->ns = p->ckpt_ns ? bpf_ktime_get_ns() - p->ckpt_ns : 0;
	e->ckpt.flags = p->ckpt_flags;
	p->ckpt_ns = 0;
	e->ckpt.written = buffers_written;
	e->ckpt.total = buffers_total;
	e->ckpt.wal_added = wal_added;
	e->ckpt.wal_removed = wal_removed;
	e->ckpt.wal_recycled = wal_recycled;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* ------------------------------------------------- the cluster's family */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ppid = parent->tgid, cpid = child->tgid;
	__u8 *cl;

	if (ppid != cpid && (cl = bpf_map_lookup_elem(&members, &ppid))) {
		__u8 c = *cl;

		bpf_map_update_elem(&members, &cpid, &c, BPF_ANY);
	}
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *task)
{
	__u32 pid = task->tgid;

	if (task->pid != task->tgid)
		return 0; /* a thread */
	bpf_map_delete_elem(&members, &pid);
	bpf_map_delete_elem(&procs, &pid);
	return 0;
}

/* --------------------------------------- the walsender's decoding */

static __always_inline void decode_event(__u32 kind, __u64 lsn)
{
	__u32 pid = tgid();
	__u8 *cl = bpf_map_lookup_elem(&members, &pid);
	struct pg_event *e;

	if (!cl)
		return;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost_events, 1);
		return;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->pid = pid;
	e->cluster = *cl;
	e->ts = bpf_ktime_get_ns();
	e->xact.end_lsn = lsn;
	bpf_ringbuf_submit(e, 0);
}

/* void ReorderBufferCommit(ReorderBuffer *rb, TransactionId xid,
 *     XLogRecPtr commit_lsn, XLogRecPtr end_lsn, ...) */
SEC("uprobe")
int BPF_UPROBE(on_decode, void *rb, __u32 xid, __u64 commit_lsn, __u64 end_lsn)
{
	__u64 tid = bpf_get_current_pid_tgid();

	bpf_map_update_elem(&decoding, &tid, &end_lsn, BPF_ANY);
	decode_event(PG_EV_DECODE_START, end_lsn);
	return 0;
}

SEC("uretprobe")
int BPF_URETPROBE(on_decode_ret)
{
	__u64 tid = bpf_get_current_pid_tgid();
	__u64 *lsn = bpf_map_lookup_elem(&decoding, &tid);

	if (!lsn)
		return 0;
	decode_event(PG_EV_DECODE_END, *lsn);
	bpf_map_delete_elem(&decoding, &tid);
	return 0;
}
