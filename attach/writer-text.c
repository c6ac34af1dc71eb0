// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The text format: a header line, then one line per event:
 *
 *   TIME            PID     TID     COMM             PROBE ARGS
 *   08:44:22.694391 1349    1349    app              app:request__start id=1 path="/index.html"
 *
 * time local (or CLOCK_MONOTONIC seconds), columns padded, arguments as
 * name=value decoded by type (tsdt_event__arg_value()): strings quoted and
 * escaped ("..." after one cut at the string size), NULL, pointers in hex,
 * bools as true/false, floats as the shortest text that reads back,
 * integers by their declared sign, an unreadable one as <unreadable: -14>.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "writer.h"

static int text_start(struct tsdt_writer *w, const struct tsdt_tracer *tr,
		      const struct tsdt_writer_start *st)
{
	if (!w->no_header) {
		static const char hdr[] = "%-15s %-7s %-7s %-16s %s\n";
		char line[128];
		int n = snprintf(line, sizeof(line), hdr,
				 w->monotonic ? "TIME(s)" : "TIME", "PID",
				 "TID", "COMM", "PROBE ARGS");

		tsdt_w_put(w, line, n);
	}
	return w->err;
}

/* " name=" per argument ("argN" when unnamed), and "provider:name" */
static int text_build(struct tsdt_writer *w, struct tsdt_writer_probe *p)
{
	int argc = tsdt_writer_arg_cnt(p);
	char buf[256];
	int n;

	n = snprintf(buf, sizeof(buf), "%s:%s", tsdt_probe__provider(p->probe),
		     tsdt_probe__name(p->probe));
	p->name = strdup(buf);
	p->name_len = n < (int)sizeof(buf) ? n : (int)sizeof(buf) - 1;
	p->args = calloc(argc > 0 ? argc : 1, sizeof(*p->args));
	p->arg_lens = calloc(argc > 0 ? argc : 1, sizeof(*p->arg_lens));
	if (!p->name || !p->args || !p->arg_lens)
		return -ENOMEM;
	for (int i = 0; i < argc; i++) {
		const char *name = tsdt_writer_arg_name(p, i);

		if (name && *name)
			n = snprintf(buf, sizeof(buf), " %s=", name);
		else
			n = snprintf(buf, sizeof(buf), " arg%d=", i);
		p->args[i] = strdup(buf);
		if (!p->args[i])
			return -ENOMEM;
		p->arg_lens[i] = n < (int)sizeof(buf) ? n : (int)sizeof(buf) - 1;
		p->arg_cnt = i + 1;
	}
	return 0;
}

/* spaces after @n characters to fill a column of @width, then one more */
static void pad_col(struct tsdt_writer *w, size_t n, size_t width)
{
	static const char spaces[] = "                                ";

	if (n < width && width - n < sizeof(spaces))
		tsdt_w_put(w, spaces, width - n);
	tsdt_w_c(w, ' ');
}

/* @s left-aligned in a column of @width characters, then a space */
static void put_col(struct tsdt_writer *w, const char *s, size_t len,
		    size_t width)
{
	tsdt_w_put(w, s, len);
	pad_col(w, len, width);
}

static void put_uint_col(struct tsdt_writer *w, uint64_t v, size_t width)
{
	size_t start = w->len;

	tsdt_w_u64(w, v);
	pad_col(w, w->len - start, width);
}

static void put_value(struct tsdt_writer *w, const struct tsdt_event *ev,
		      int i)
{
	struct tsdt_value v;
	char buf[64];
	int n;

	tsdt_event__arg_value(ev, i, &v);
	switch (v.kind) {
	case TSDT_VALUE_UNREADABLE:
		n = snprintf(buf, sizeof(buf), "<unreadable: %d>", v.err);
		tsdt_w_put(w, buf, n);
		break;
	case TSDT_VALUE_STR:
		tsdt_w_c(w, '"');
		tsdt_w_c_escaped(w, v.str, v.len);
		tsdt_w_c(w, '"');
		if (v.truncated)
			tsdt_w_put(w, "...", 3);
		break;
	case TSDT_VALUE_STR_NULL:
		tsdt_w_put(w, "NULL", 4);
		break;
	case TSDT_VALUE_STR_ERR:
		n = snprintf(buf, sizeof(buf), "<unreadable 0x%" PRIx64 ": %d>",
			     v.u, v.err);
		tsdt_w_put(w, buf, n);
		break;
	case TSDT_VALUE_PTR:
		tsdt_w_hex(w, v.u);
		break;
	case TSDT_VALUE_BOOL:
		tsdt_w_str(w, v.u ? "true" : "false");
		break;
	case TSDT_VALUE_FLOAT:
		tsdt_w_float(w, v.d, v.is_float, false);
		break;
	case TSDT_VALUE_INT:
		tsdt_w_i64(w, v.i);
		break;
	case TSDT_VALUE_UINT:
		tsdt_w_u64(w, v.u);
		break;
	}
}

/* The columns every line begins with: time, pid, tid, comm. */
static void put_head(struct tsdt_writer *w, const struct tsdt_event *ev)
{
	long long ts = tsdt_event__timestamp(ev);
	const char *comm = tsdt_event__comm(ev);

	if (w->monotonic) {
		tsdt_w_u64(w, ts / 1000000000LL);
		tsdt_w_c(w, '.');
		tsdt_w_digits(w, ts % 1000000000LL / 1000, 6);
	} else {
		long long real = ts + w->real_off;

		tsdt_w_time_prefix(w, real / 1000000000LL, false);
		tsdt_w_digits(w, real % 1000000000LL / 1000, 6);
	}
	tsdt_w_c(w, ' ');
	put_uint_col(w, tsdt_event__pid(ev), 7);
	put_uint_col(w, tsdt_event__tid(ev), 7);
	put_col(w, comm, strlen(comm), 16);
}

static void put_path(struct tsdt_writer *w, const char *key, const char *s)
{
	tsdt_w_str(w, key);
	tsdt_w_c(w, '"');
	tsdt_w_c_escaped(w, s ? s : "", s ? strlen(s) : 0);
	tsdt_w_c(w, '"');
}

/* " role=NAME" at the end of the line of a process that has a role */
static void put_role(struct tsdt_writer *w, const struct tsdt_event *ev)
{
	const char *role = tsdt_event__role(ev);

	if (role) {
		tsdt_w_str(w, " role=");
		tsdt_w_c_escaped(w, role, strlen(role));
	}
}

/* A process event: "proc:KIND" in the probe column, then its facts. */
static void text_proc(struct tsdt_writer *w, const struct tsdt_event *ev)
{
	enum tsdt_event_kind k = tsdt_event__kind(ev);
	int st;

	put_head(w, ev);
	tsdt_w_str(w, "proc:");
	tsdt_w_str(w, tsdt_event_kind__str(k));
	tsdt_w_str(w, " ppid=");
	tsdt_w_u64(w, tsdt_event__ppid(ev));
	switch (k) {
	case TSDT_EVENT_FORK:
		tsdt_w_str(w, " child=");
		tsdt_w_u64(w, tsdt_event__child(ev));
		break;
	case TSDT_EVENT_EXEC:
		put_path(w, " path=", tsdt_event__path(ev));
		if (tsdt_event__old_path(ev))
			put_path(w, " old=", tsdt_event__old_path(ev));
		break;
	case TSDT_EVENT_EXIT:
		st = tsdt_event__status(ev);
		if (WIFSIGNALED(st)) {
			tsdt_w_str(w, " signal=");
			tsdt_w_u64(w, WTERMSIG(st));
		} else {
			tsdt_w_str(w, " status=");
			tsdt_w_u64(w, WEXITSTATUS(st));
		}
		if (tsdt_event__lost(ev)) {
			tsdt_w_str(w, " lost=");
			tsdt_w_u64(w, tsdt_event__lost(ev));
		}
		break;
	case TSDT_EVENT_LOAD:
		put_path(w, " path=", tsdt_event__path(ev));
		tsdt_w_str(w, " base=");
		tsdt_w_hex(w, tsdt_event__base(ev));
		break;
	default:
		break;
	}
	if (tsdt_event__held(ev))
		tsdt_w_str(w, " held");
	put_role(w, ev);
	tsdt_w_c(w, '\n');
}

static void text_event(struct tsdt_writer *w, const struct tsdt_event *ev)
{
	const struct tsdt_tracer *tr = tsdt_event__tracer(ev);
	struct tsdt_writer_probe *p =
		tsdt_writer_probe(w, tr, tsdt_event__probe_index(ev), text_build);
	int argc = tsdt_event__arg_cnt(ev);

	if (!p)
		return;
	put_head(w, ev);
	tsdt_w_put(w, p->name, p->name_len);
	for (int i = 0; i < argc; i++) {
		if (i < p->arg_cnt) {
			tsdt_w_put(w, p->args[i], p->arg_lens[i]);
		} else {
			tsdt_w_str(w, " arg");
			tsdt_w_u64(w, i);
			tsdt_w_c(w, '=');
		}
		put_value(w, ev, i);
	}
	put_role(w, ev);
	tsdt_w_c(w, '\n');
}

const struct tsdt_writer_format tsdt_writer_text = {
	.name = "text",
	.start = text_start,
	.event = text_event,
	.proc = text_proc,
	/* losses and the summary go to the terminal, the caller's */
};
