// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The JSON Lines format (docs/trace-json.md, version 1): a "start" record
 * with the probes and their argument types, one "event" record per hit
 * with each argument's name, type and value (or error), "lost" records,
 * and a "summary". Every line is valid JSON whatever the traced program's
 * bytes (tsdt_w_json_str()).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "writer.h"

static void put_type(struct tsdt_writer *w, const struct tsdt_type *t)
{
	char buf[TSDT_TYPE_NAME_MAX + 32];

	tsdt_type__str(t, buf, sizeof(buf));
	tsdt_w_json_str(w, buf, strlen(buf));
}

/* '{"name":..,"type":..' of argument @i of @p */
static void put_arg_named(struct tsdt_writer *w, const char *name,
			  const struct tsdt_type *type)
{
	tsdt_w_str(w, "{\"name\":");
	if (name && *name)
		tsdt_w_json_str(w, name, strlen(name));
	else
		tsdt_w_str(w, "null");
	tsdt_w_str(w, ",\"type\":");
	put_type(w, type);
}

static void put_arg_head(struct tsdt_writer *w, const struct tsdt_probe *p,
			 int i)
{
	put_arg_named(w, tsdt_probe__arg_name(p, i), tsdt_probe__arg_type(p, i));
}

static void put_probe_name(struct tsdt_writer *w, const struct tsdt_probe *p)
{
	const char *prov = tsdt_probe__provider(p), *name = tsdt_probe__name(p);
	size_t a = strlen(prov), b = strlen(name);
	char buf[a + b + 2];

	memcpy(buf, prov, a);
	buf[a] = ':';
	memcpy(buf + a + 1, name, b + 1);
	tsdt_w_json_str(w, buf, a + b + 1);
}

static void head_fn(struct tsdt_writer *w, const void *arg)
{
	const struct tsdt_probe *p = arg;
	const char *bin = tsdt_binary__path(tsdt_probe__binary(p));

	tsdt_w_str(w, ",\"probe\":");
	put_probe_name(w, p);
	tsdt_w_str(w, ",\"binary\":");
	tsdt_w_json_str(w, bin, strlen(bin));
	tsdt_w_str(w, ",\"args\":[");
}

struct arg_ref {
	const struct tsdt_writer_probe *p;
	int i;
};

static void arg_fn(struct tsdt_writer *w, const void *arg)
{
	const struct arg_ref *r = arg;

	put_arg_named(w, tsdt_writer_arg_name(r->p, r->i),
		      tsdt_writer_arg_type(r->p, r->i));
}

static int json_build(struct tsdt_writer *w, struct tsdt_writer_probe *p)
{
	int argc = tsdt_writer_arg_cnt(p);

	p->head = tsdt_writer_scratch(head_fn, p->probe, &p->head_len);
	p->args = calloc(argc > 0 ? argc : 1, sizeof(*p->args));
	p->arg_lens = calloc(argc > 0 ? argc : 1, sizeof(*p->arg_lens));
	if (!p->head || !p->args || !p->arg_lens)
		return -ENOMEM;
	for (int i = 0; i < argc; i++) {
		struct arg_ref r = { p, i };

		p->args[i] = tsdt_writer_scratch(arg_fn, &r, &p->arg_lens[i]);
		if (!p->args[i])
			return -ENOMEM;
		p->arg_cnt = i + 1;
	}
	return 0;
}

static int json_start(struct tsdt_writer *w, const struct tsdt_tracer *tr,
		      const struct tsdt_writer_start *st)
{
	size_t n = tsdt_tracer__probe_cnt(tr), sites = 0;
	pid_t pid = TSDT_OPTS_GET(st, pid, 0);
	char *const *argv = TSDT_OPTS_GET(st, argv, NULL);

	tsdt_w_str(w, "{\"type\":\"start\",\"version\":1");
	if (pid > 0) {
		tsdt_w_str(w, ",\"pid\":");
		tsdt_w_u64(w, pid);
	}
	if (argv) {
		tsdt_w_str(w, ",\"command\":[");
		for (char *const *a = argv; *a; a++) {
			if (a != argv)
				tsdt_w_c(w, ',');
			tsdt_w_json_str(w, *a, strlen(*a));
		}
		tsdt_w_c(w, ']');
	}
	tsdt_w_str(w, ",\"probes\":[");
	for (size_t i = 0; i < n; i++) {
		const struct tsdt_probe *p = tsdt_tracer__probe(tr, i);
		const char *bin = tsdt_binary__path(tsdt_probe__binary(p));

		sites += tsdt_probe__site_cnt(p);
		if (i)
			tsdt_w_c(w, ',');
		tsdt_w_str(w, "{\"probe\":");
		put_probe_name(w, p);
		tsdt_w_str(w, ",\"binary\":");
		tsdt_w_json_str(w, bin, strlen(bin));
		tsdt_w_str(w, ",\"sites\":");
		tsdt_w_u64(w, tsdt_probe__site_cnt(p));
		tsdt_w_str(w, ",\"types\":\"");
		tsdt_w_str(w, tsdt_type_source__str(tsdt_probe__type_source(p)));
		tsdt_w_str(w, "\",\"args\":[");
		for (int a = 0; a < tsdt_probe__arg_cnt(p); a++) {
			if (a)
				tsdt_w_c(w, ',');
			put_arg_head(w, p, a);
			tsdt_w_c(w, '}');
		}
		tsdt_w_str(w, "]}");
	}
	tsdt_w_str(w, "],\"sites\":");
	tsdt_w_u64(w, sites);
	tsdt_w_str(w, ",\"mode\":\"");
	tsdt_w_str(w, tsdt_tracer__is_multi(tr) ? "uprobe_multi" : "per-site");
	tsdt_w_str(w, "\"}\n");
	return w->err;
}

/* the rest of argument @i of @ev, after its head, closing brace included */
static void put_arg(struct tsdt_writer *w, const struct tsdt_event *ev, int i)
{
	struct tsdt_value v;

	tsdt_event__arg_value(ev, i, &v);
	if (v.kind == TSDT_VALUE_UNREADABLE || v.kind == TSDT_VALUE_STR_ERR) {
		tsdt_w_str(w, ",\"error\":");
		tsdt_w_i64(w, v.err);
	} else {
		tsdt_w_str(w, ",\"value\":");
		tsdt_w_json_value(w, &v);
		if (v.kind == TSDT_VALUE_STR && v.truncated)
			tsdt_w_str(w, ",\"truncated\":true");
	}
	/* strings: their address too */
	if (v.kind == TSDT_VALUE_STR || v.kind == TSDT_VALUE_STR_NULL ||
	    v.kind == TSDT_VALUE_STR_ERR) {
		tsdt_w_str(w, ",\"addr\":\"");
		tsdt_w_hex(w, v.u);
		tsdt_w_c(w, '"');
	}
	tsdt_w_c(w, '}');
}

/* What every event record begins with: type, time, ts_ns, pid, tid, ppid
 * (when known), comm. */
static void json_head(struct tsdt_writer *w, const struct tsdt_event *ev,
		      const char *type)
{
	long long ts = tsdt_event__timestamp(ev);
	long long real = ts + w->real_off;
	const char *comm = tsdt_event__comm(ev), *role;
	pid_t ppid;

	tsdt_w_str(w, "{\"type\":\"");
	tsdt_w_str(w, type);
	tsdt_w_str(w, "\",\"time\":\"");
	tsdt_w_time_prefix(w, real / 1000000000LL, true);
	tsdt_w_digits(w, real % 1000000000LL, 9);
	tsdt_w_str(w, "Z\",\"ts_ns\":");
	tsdt_w_u64(w, ts);
	tsdt_w_str(w, ",\"pid\":");
	tsdt_w_u64(w, tsdt_event__pid(ev));
	tsdt_w_str(w, ",\"tid\":");
	tsdt_w_u64(w, tsdt_event__tid(ev));
	if ((ppid = tsdt_event__ppid(ev))) {
		tsdt_w_str(w, ",\"ppid\":");
		tsdt_w_u64(w, ppid);
	}
	tsdt_w_str(w, ",\"comm\":");
	tsdt_w_json_str(w, comm, strlen(comm));
	if ((role = tsdt_event__role(ev))) {
		tsdt_w_str(w, ",\"role\":");
		tsdt_w_json_str(w, role, strlen(role));
	}
}

static void json_event(struct tsdt_writer *w, const struct tsdt_event *ev)
{
	const struct tsdt_tracer *tr = tsdt_event__tracer(ev);
	struct tsdt_writer_probe *p =
		tsdt_writer_probe(w, tr, tsdt_event__probe_index(ev), json_build);
	int argc = tsdt_event__arg_cnt(ev);

	if (!p)
		return;
	json_head(w, ev, "event");
	tsdt_w_put(w, p->head, p->head_len);
	for (int i = 0; i < argc; i++) {
		if (i)
			tsdt_w_c(w, ',');
		if (i < p->arg_cnt)
			tsdt_w_put(w, p->args[i], p->arg_lens[i]);
		else
			put_arg_head(w, p->probe, i);
		put_arg(w, ev, i);
	}
	tsdt_w_str(w, "]}\n");
}

/* A process event: {"type":"fork"|"exec"|"exit"|"load", ...} */
static void json_proc(struct tsdt_writer *w, const struct tsdt_event *ev)
{
	enum tsdt_event_kind k = tsdt_event__kind(ev);
	const char *path;
	int st;

	json_head(w, ev, tsdt_event_kind__str(k));
	switch (k) {
	case TSDT_EVENT_FORK:
		tsdt_w_str(w, ",\"child\":");
		tsdt_w_u64(w, tsdt_event__child(ev));
		break;
	case TSDT_EVENT_EXEC:
		path = tsdt_event__path(ev);
		tsdt_w_str(w, ",\"path\":");
		tsdt_w_json_str(w, path, strlen(path));
		if ((path = tsdt_event__old_path(ev))) {
			tsdt_w_str(w, ",\"old_path\":");
			tsdt_w_json_str(w, path, strlen(path));
		}
		break;
	case TSDT_EVENT_EXIT:
		st = tsdt_event__status(ev);
		if (WIFSIGNALED(st)) {
			tsdt_w_str(w, ",\"signal\":");
			tsdt_w_u64(w, WTERMSIG(st));
		} else {
			tsdt_w_str(w, ",\"exit_code\":");
			tsdt_w_u64(w, WEXITSTATUS(st));
		}
		tsdt_w_str(w, ",\"lost\":");
		tsdt_w_u64(w, tsdt_event__lost(ev));
		break;
	case TSDT_EVENT_LOAD:
		path = tsdt_event__path(ev);
		tsdt_w_str(w, ",\"path\":");
		tsdt_w_json_str(w, path, strlen(path));
		tsdt_w_str(w, ",\"base\":");
		tsdt_w_u64(w, tsdt_event__base(ev));
		break;
	default:
		break;
	}
	if (k == TSDT_EVENT_EXEC || k == TSDT_EVENT_LOAD)
		tsdt_w_str(w, tsdt_event__held(ev) ? ",\"held\":true"
						   : ",\"held\":false");
	tsdt_w_str(w, "}\n");
}

/* A span ended: {"type":"span","span":NAME,...} with its begin's and
 * end's process, thread and time, and its key */
static void json_span(struct tsdt_writer *w, const struct tsdt_event *ev)
{
	TSDT_OPTS(tsdt_span_info, si);
	const char *name;

	if (tsdt_event__span(ev, &si))
		return;
	name = tsdt_tracer__span_name(tsdt_event__tracer(ev), si.span);
	json_head(w, ev, "span");
	tsdt_w_str(w, ",\"span\":");
	tsdt_w_json_str(w, name ? name : "", name ? strlen(name) : 0);
	tsdt_w_str(w, ",\"begin_ns\":");
	tsdt_w_u64(w, si.begin_ns);
	tsdt_w_str(w, ",\"end_ns\":");
	tsdt_w_u64(w, si.end_ns);
	tsdt_w_str(w, ",\"latency_ns\":");
	tsdt_w_u64(w, si.end_ns - si.begin_ns);
	tsdt_w_str(w, ",\"begin_pid\":");
	tsdt_w_u64(w, si.begin_pid);
	tsdt_w_str(w, ",\"begin_tid\":");
	tsdt_w_u64(w, si.begin_tid);
	tsdt_w_str(w, ",\"key\":[");
	tsdt_w_u64(w, si.key[0]);
	tsdt_w_c(w, ',');
	tsdt_w_u64(w, si.key[1]);
	tsdt_w_str(w, "],\"group\":");
	tsdt_w_u64(w, si.group);
	tsdt_w_str(w, "}\n");
}

static void json_lost(struct tsdt_writer *w, uint64_t lost, uint64_t total)
{
	tsdt_w_str(w, "{\"type\":\"lost\",\"lost\":");
	tsdt_w_u64(w, lost);
	tsdt_w_str(w, ",\"total_lost\":");
	tsdt_w_u64(w, total);
	tsdt_w_str(w, "}\n");
}

static void json_summary(struct tsdt_writer *w, const struct tsdt_tracer *tr,
			 const struct tsdt_writer_summary *sum)
{
	size_t n = tsdt_tracer__probe_cnt(tr);
	const char *reason = TSDT_OPTS_GET(sum, reason, NULL);
	char buf[64];
	int len;

	tsdt_w_str(w, "{\"type\":\"summary\",\"events\":");
	tsdt_w_u64(w, TSDT_OPTS_GET(sum, events, 0));
	tsdt_w_str(w, ",\"lost\":");
	tsdt_w_u64(w, TSDT_OPTS_GET(sum, lost, 0));
	tsdt_w_str(w, ",\"hits\":{");
	for (size_t i = 0; i < n; i++) {
		if (i)
			tsdt_w_c(w, ',');
		put_probe_name(w, tsdt_tracer__probe(tr, i));
		tsdt_w_c(w, ':');
		tsdt_w_u64(w, tsdt_tracer__hit_cnt(tr, i));
	}
	len = snprintf(buf, sizeof(buf), "},\"duration_s\":%.6f",
		       TSDT_OPTS_GET(sum, duration_s, 0.0));
	tsdt_w_put(w, buf, len);
	tsdt_w_str(w, ",\"reason\":");
	tsdt_w_json_str(w, reason ? reason : "", reason ? strlen(reason) : 0);
	if (tsdt_tracer__is_following(tr)) {
		static const enum tsdt_event_kind kinds[] = {
			TSDT_EVENT_FORK, TSDT_EVENT_EXEC, TSDT_EVENT_EXIT,
			TSDT_EVENT_LOAD,
		};

		tsdt_w_str(w, ",\"processes\":{");
		for (size_t i = 0; i < 4; i++) {
			tsdt_w_str(w, i ? ",\"" : "\"");
			tsdt_w_str(w, tsdt_event_kind__str(kinds[i]));
			tsdt_w_str(w, "s\":");
			tsdt_w_u64(w, tsdt_tracer__proc_event_cnt(tr, kinds[i]));
		}
		tsdt_w_str(w, ",\"holds\":");
		tsdt_w_u64(w, tsdt_tracer__hold_cnt(tr));
		tsdt_w_str(w, ",\"longest_hold_ns\":");
		tsdt_w_u64(w, tsdt_tracer__hold_max_ns(tr));
		tsdt_w_str(w, ",\"not_followed\":");
		tsdt_w_u64(w, tsdt_tracer__follow_full_cnt(tr));
		tsdt_w_str(w, ",\"records_lost\":");
		tsdt_w_u64(w, tsdt_tracer__proc_lost_cnt(tr));
		tsdt_w_c(w, '}');
	}
	if (TSDT_OPTS_GET(sum, has_exit_status, false)) {
		tsdt_w_str(w, ",\"exit_status\":");
		tsdt_w_i64(w, TSDT_OPTS_GET(sum, exit_status, 0));
	}
	tsdt_w_str(w, "}\n");
}

const struct tsdt_writer_format tsdt_writer_json = {
	.name = "json",
	.start = json_start,
	.event = json_event,
	.proc = json_proc,
	.span = json_span,
	.lost = json_lost,
	.summary = json_summary,
};
