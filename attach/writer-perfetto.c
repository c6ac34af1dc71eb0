// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The "perfetto" output format: a trace in the Chrome JSON Trace Event
 * format, which Perfetto's UI (ui.perfetto.dev) and chrome://tracing open
 * (docs/perfetto.md). One JSON object:
 *
 *   {"displayTimeUnit":"ns","otherData":{...,"clock":"CLOCK_MONOTONIC"},
 *    "traceEvents":[ one event per line ]}
 *
 * Times ("ts", "dur") are microseconds of CLOCK_MONOTONIC (the clock of
 * bpf_ktime_get_ns()), with three decimals: nanoseconds, exactly.
 *   - a process track per pid, named "ROLE PID" or "COMM PID" (named again
 *     when its role changes), a thread track per tid ("COMM TID")
 *   - a probe hit: an instant on its thread ("ph":"i","s":"t"), its typed
 *     arguments in "args"
 *   - fork, exec, exit, load, role: instants on the process track ("s":"p")
 *   - a span: an async slice ("ph":"b"/"e", "cat":"span") on its begin's
 *     process, from its begin to its end, its key and stages in "args";
 *     when begin and end are on two threads (or processes), a flow from
 *     one to the other: two zero-length slices ("ph":"X"), the begin's with
 *     "flow_out", the end's with "flow_in", joined by one "bind_id" (the
 *     v2 flow events of the format)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "internal.h"
#include "writer.h"

struct pf_state {
	uint64_t recs;            /* events written (a ',' before each next) */
	uint64_t flows;           /* bind ids given */
	uint64_t spans;           /* async ids given */
	struct pf_track {
		int32_t pid, tid;      /* tid 0: the process track */
		char name[48];         /* the name given it last */
	} *tracks;
	size_t track_cnt, track_cap;
};

static struct pf_state *state(struct tsdt_writer *w)
{
	if (!w->priv) {
		w->priv = calloc(1, sizeof(struct pf_state));
		if (!w->priv && !w->err)
			w->err = -ENOMEM;
	}
	return w->priv;
}

static void pf_free(struct tsdt_writer *w)
{
	struct pf_state *s = w->priv;

	if (s)
		free(s->tracks);
	free(s);
	w->priv = NULL;
}

/* the separator before an event, and its opening brace */
static void ev_open(struct tsdt_writer *w, struct pf_state *s)
{
	tsdt_w_str(w, s->recs++ ? ",{" : "{");
}

/* microseconds, three decimals */
static void put_us(struct tsdt_writer *w, uint64_t ns)
{
	tsdt_w_u64(w, ns / 1000);
	tsdt_w_c(w, '.');
	tsdt_w_digits(w, ns % 1000, 3);
}

static void put_pid_tid(struct tsdt_writer *w, int32_t pid, int32_t tid)
{
	tsdt_w_str(w, ",\"pid\":");
	tsdt_w_i64(w, pid);
	tsdt_w_str(w, ",\"tid\":");
	tsdt_w_i64(w, tid);
}

/* a track's name, as metadata, when it is new or its name changed */
static void name_track(struct tsdt_writer *w, struct pf_state *s, int32_t pid,
		       int32_t tid, const char *label, int32_t id)
{
	struct pf_track *t = NULL;
	char name[48];
	int n;

	n = snprintf(name, sizeof(name), "%s %d", label, (int)id);
	if (n < 0)
		return;
	for (size_t i = 0; i < s->track_cnt; i++)
		if (s->tracks[i].pid == pid && s->tracks[i].tid == tid) {
			t = &s->tracks[i];
			break;
		}
	if (t && !strcmp(t->name, name))
		return;
	if (!t) {
		if (s->track_cnt == s->track_cap) {
			size_t cap = s->track_cap ? 2 * s->track_cap : 64;
			struct pf_track *nt = realloc(s->tracks, cap * sizeof(*nt));

			if (!nt) {
				if (!w->err)
					w->err = -ENOMEM;
				return;
			}
			s->tracks = nt;
			s->track_cap = cap;
		}
		t = &s->tracks[s->track_cnt++];
		t->pid = pid;
		t->tid = tid;
	}
	snprintf(t->name, sizeof(t->name), "%s", name);
	ev_open(w, s);
	tsdt_w_str(w, tid ? "\"ph\":\"M\",\"name\":\"thread_name\""
			  : "\"ph\":\"M\",\"name\":\"process_name\"");
	put_pid_tid(w, pid, tid ? tid : pid);
	tsdt_w_str(w, ",\"args\":{\"name\":");
	tsdt_w_json_str(w, name, strlen(name));
	tsdt_w_str(w, "}}\n");
}

/* the tracks of @ev's process and thread */
static void tracks_of(struct tsdt_writer *w, struct pf_state *s,
		      const struct tsdt_event *ev)
{
	const char *role = tsdt_event__role(ev), *comm = tsdt_event__comm(ev);
	int32_t pid = tsdt_event__pid(ev), tid = tsdt_event__tid(ev);

	if (tsdt_event__kind(ev) == TSDT_EVENT_EXIT)
		return; /* a process that ends needs no new name */
	name_track(w, s, pid, 0, role ? role : comm, pid);
	name_track(w, s, pid, tid, comm, tid);
}

static int pf_start(struct tsdt_writer *w, const struct tsdt_tracer *tr,
		    const struct tsdt_writer_start *st)
{
	(void)tr;
	(void)st;
	if (!state(w))
		return w->err;
	tsdt_w_str(w, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"producer\":\"tsdt\","
		      "\"clock\":\"CLOCK_MONOTONIC\",\"ts_unit\":\"us\"},\n"
		      "\"traceEvents\":[\n");
	return w->err;
}

static void put_value(struct tsdt_writer *w, const struct tsdt_event *ev, int i)
{
	struct tsdt_value v;

	tsdt_event__arg_value(ev, i, &v);
	if (tsdt_w_json_value(w, &v))
		return;
	tsdt_w_str(w, "\"<unreadable: ");
	tsdt_w_i64(w, v.err);
	tsdt_w_str(w, ">\"");
}

static void pf_event(struct tsdt_writer *w, const struct tsdt_event *ev)
{
	const struct tsdt_probe *p = tsdt_event__probe(ev);
	struct pf_state *s = state(w);
	char name[256];
	int argc = tsdt_event__arg_cnt(ev), n;

	if (!s || !p)
		return;
	tracks_of(w, s, ev);
	n = snprintf(name, sizeof(name), "%s:%s", tsdt_probe__provider(p),
		     tsdt_probe__name(p));
	ev_open(w, s);
	tsdt_w_str(w, "\"ph\":\"i\",\"s\":\"t\",\"cat\":\"probe\",\"name\":");
	tsdt_w_json_str(w, name, n < (int)sizeof(name) ? (size_t)n : sizeof(name) - 1);
	put_pid_tid(w, tsdt_event__pid(ev), tsdt_event__tid(ev));
	tsdt_w_str(w, ",\"ts\":");
	put_us(w, tsdt_event__timestamp(ev));
	tsdt_w_str(w, ",\"args\":{");
	for (int i = 0; i < argc; i++) {
		const char *an = tsdt_event__arg_name(ev, i);
		char buf[16];

		if (i)
			tsdt_w_c(w, ',');
		if (!an) {
			snprintf(buf, sizeof(buf), "arg%d", i);
			an = buf;
		}
		tsdt_w_json_str(w, an, strlen(an));
		tsdt_w_c(w, ':');
		put_value(w, ev, i);
	}
	tsdt_w_str(w, "}}\n");
}

static void pf_proc(struct tsdt_writer *w, const struct tsdt_event *ev)
{
	enum tsdt_event_kind k = tsdt_event__kind(ev);
	struct pf_state *s = state(w);
	const char *path;
	int st;

	if (!s)
		return;
	tracks_of(w, s, ev);
	if (k == TSDT_EVENT_FORK) {
		/* the child's track, named as its parent until it says more */
		const char *role = tsdt_event__role(ev);

		name_track(w, s, tsdt_event__child(ev), 0,
			   role ? role : tsdt_event__comm(ev), tsdt_event__child(ev));
	}
	ev_open(w, s);
	tsdt_w_str(w, "\"ph\":\"i\",\"s\":\"p\",\"cat\":\"process\",\"name\":\"");
	tsdt_w_str(w, tsdt_event_kind__str(k));
	tsdt_w_c(w, '"');
	put_pid_tid(w, tsdt_event__pid(ev), tsdt_event__tid(ev));
	tsdt_w_str(w, ",\"ts\":");
	put_us(w, tsdt_event__timestamp(ev));
	tsdt_w_str(w, ",\"args\":{");
	switch (k) {
	case TSDT_EVENT_FORK:
		tsdt_w_str(w, "\"child\":");
		tsdt_w_u64(w, tsdt_event__child(ev));
		break;
	case TSDT_EVENT_EXEC:
	case TSDT_EVENT_LOAD:
		path = tsdt_event__path(ev);
		tsdt_w_str(w, "\"path\":");
		tsdt_w_json_str(w, path ? path : "", path ? strlen(path) : 0);
		break;
	case TSDT_EVENT_EXIT:
		st = tsdt_event__status(ev);
		if (WIFSIGNALED(st)) {
			tsdt_w_str(w, "\"signal\":");
			tsdt_w_u64(w, WTERMSIG(st));
		} else {
			tsdt_w_str(w, "\"exit_code\":");
			tsdt_w_u64(w, WEXITSTATUS(st));
		}
		break;
	case TSDT_EVENT_ROLE:
		path = tsdt_event__role(ev);
		tsdt_w_str(w, "\"role\":");
		tsdt_w_json_str(w, path ? path : "", path ? strlen(path) : 0);
		break;
	default:
		break;
	}
	tsdt_w_str(w, "}}\n");
}

/* a span's args: key parts, exact times, stages passed */
static void span_args(struct tsdt_writer *w, const struct tsdt_span_info *si)
{
	tsdt_w_str(w, ",\"args\":{\"key\":");
	tsdt_w_u64(w, si->key[0]);
	if (si->key[1]) {
		tsdt_w_str(w, ",\"key2\":");
		tsdt_w_u64(w, si->key[1]);
	}
	tsdt_w_str(w, ",\"begin_ns\":");
	tsdt_w_u64(w, si->begin_ns);
	tsdt_w_str(w, ",\"end_ns\":");
	tsdt_w_u64(w, si->end_ns);
	tsdt_w_str(w, ",\"latency_ns\":");
	tsdt_w_u64(w, si->end_ns - si->begin_ns);
	tsdt_w_str(w, ",\"end_pid\":");
	tsdt_w_i64(w, si->end_pid);
	tsdt_w_str(w, ",\"end_tid\":");
	tsdt_w_i64(w, si->end_tid);
	for (int k = 0; k < TSDT_HIST_STAGES; k++) {
		if (!si->stage_ns[k])
			continue;
		tsdt_w_str(w, ",\"stage");
		tsdt_w_u64(w, k);
		tsdt_w_str(w, "_ns\":");
		tsdt_w_u64(w, si->stage_ns[k]);
	}
	tsdt_w_c(w, '}');
}

static void flow_slice(struct tsdt_writer *w, struct pf_state *s,
		       const char *name, const struct tsdt_span_info *si,
		       bool out, uint64_t bind)
{
	ev_open(w, s);
	tsdt_w_str(w, "\"ph\":\"X\",\"cat\":\"span\",\"name\":");
	tsdt_w_json_str(w, name, strlen(name));
	put_pid_tid(w, out ? si->begin_pid : si->end_pid,
		    out ? si->begin_tid : si->end_tid);
	tsdt_w_str(w, ",\"ts\":");
	put_us(w, out ? si->begin_ns : si->end_ns);
	tsdt_w_str(w, ",\"dur\":0,\"bind_id\":");
	tsdt_w_u64(w, bind);
	tsdt_w_str(w, out ? ",\"flow_out\":true" : ",\"flow_in\":true");
	span_args(w, si);
	tsdt_w_str(w, "}\n");
}

static void pf_span(struct tsdt_writer *w, const struct tsdt_event *ev)
{
	TSDT_OPTS(tsdt_span_info, si);
	struct pf_state *s = state(w);
	const char *name;
	uint64_t id;

	if (!s || tsdt_event__span(ev, &si))
		return;
	name = tsdt_tracer__span_name(tsdt_event__tracer(ev), si.span);
	if (!name)
		name = "span";
	tracks_of(w, s, ev);
	id = ++s->spans;
	for (int e = 0; e < 2; e++) {
		ev_open(w, s);
		tsdt_w_str(w, e ? "\"ph\":\"e\"" : "\"ph\":\"b\"");
		tsdt_w_str(w, ",\"cat\":\"span\",\"name\":");
		tsdt_w_json_str(w, name, strlen(name));
		tsdt_w_str(w, ",\"id\":\"");
		tsdt_w_hex(w, id);
		tsdt_w_c(w, '"');
		put_pid_tid(w, si.begin_pid, si.begin_tid);
		tsdt_w_str(w, ",\"ts\":");
		put_us(w, e ? si.end_ns : si.begin_ns);
		if (!e)
			span_args(w, &si);
		tsdt_w_str(w, "}\n");
	}
	if (si.begin_pid != si.end_pid || si.begin_tid != si.end_tid) {
		uint64_t bind = ++s->flows;

		flow_slice(w, s, name, &si, true, bind);
		flow_slice(w, s, name, &si, false, bind);
	}
}

static void pf_summary(struct tsdt_writer *w, const struct tsdt_tracer *tr,
		       const struct tsdt_writer_summary *sum)
{
	(void)tr;
	(void)sum;
	if (!state(w))
		return;
	tsdt_w_str(w, "]}\n");
}

const struct tsdt_writer_format tsdt_writer_perfetto = {
	.name = "perfetto",
	.start = pf_start,
	.event = pf_event,
	.proc = pf_proc,
	.span = pf_span,
	.summary = pf_summary,
	.free = pf_free,
};
