// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Output writers: the table of formats and what they share (a buffer that
 * reaches the file in whole lines, digits, floats, escaping, time). The
 * formats are writer-text.c and writer-json.c (docs/trace-json.md).
 *
 * Events are formatted at millions per second: records are built in the
 * writer's buffer with the helpers below (no stdio, no printf on the hot
 * path), and the buffer is written with write(2) between records only,
 * when it is half full or at tsdt_writer__flush(). So the file never
 * receives part of a line, even when the traced command writes to the same
 * standard output: on a pipe each write is at most PIPE_BUF bytes of whole
 * lines (the kernel keeps such writes whole); on a file or terminal, the
 * buffer at once.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "log.h"
#include "trace-internal.h"
#include "writer.h"

#define WRITER_BUF (256u << 10)

static const struct tsdt_writer_format *const formats[] = {
	&tsdt_writer_text,
	&tsdt_writer_json,
	&tsdt_writer_perfetto,
};

const char *tsdt_writer__format_name(size_t i)
{
	return i < ARRAY_SIZE(formats) ? formats[i]->name : NULL;
}

/* CLOCK_REALTIME - CLOCK_MONOTONIC, the realtime reading bracketed by two
 * monotonic ones */
static long long mono_to_real_offset(void)
{
	struct timespec m1, r, m2;

	clock_gettime(CLOCK_MONOTONIC, &m1);
	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m2);
	return (r.tv_sec * 1000000000LL + r.tv_nsec) -
	       ((m1.tv_sec + m2.tv_sec) * 500000000LL +
		(m1.tv_nsec + m2.tv_nsec) / 2);
}

struct tsdt_writer *tsdt_writer__new(const char *format, int fd,
				     const struct tsdt_writer_opts *opts)
{
	const struct tsdt_writer_format *fmt = NULL;
	struct tsdt_writer *w;
	struct stat st;

	if (!format || fd < 0 || !TSDT_OPTS_VALID(opts, tsdt_writer_opts))
		return tsdt_err_ptr(-EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (!strcmp(formats[i]->name, format))
			fmt = formats[i];
	if (!fmt) {
		pr_warn("writer: no output format '%s' (text, json, perfetto)\n", format);
		return tsdt_err_ptr(-EINVAL);
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return tsdt_err_ptr(-ENOMEM);
	w->buf = malloc(WRITER_BUF);
	if (!w->buf) {
		free(w);
		return tsdt_err_ptr(-ENOMEM);
	}
	w->cap = WRITER_BUF;
	w->fmt = fmt;
	w->fd = fd;
	w->chunk = !fstat(fd, &st) && S_ISFIFO(st.st_mode) ? PIPE_BUF : SIZE_MAX;
	w->monotonic = TSDT_OPTS_GET(opts, monotonic, false);
	w->no_header = TSDT_OPTS_GET(opts, no_header, false);
	w->real_off = mono_to_real_offset();
	return w;
}

bool tsdt_w_json_value(struct tsdt_writer *w, const struct tsdt_value *v)
{
	switch (v->kind) {
	case TSDT_VALUE_STR:
		tsdt_w_json_str(w, v->str, v->len);
		return true;
	case TSDT_VALUE_STR_NULL:
		tsdt_w_str(w, "null");
		return true;
	case TSDT_VALUE_PTR:
		tsdt_w_c(w, '"');
		tsdt_w_hex(w, v->u);
		tsdt_w_c(w, '"');
		return true;
	case TSDT_VALUE_BOOL:
		tsdt_w_str(w, v->u ? "true" : "false");
		return true;
	case TSDT_VALUE_FLOAT:
		tsdt_w_float(w, v->d, v->is_float, true);
		return true;
	case TSDT_VALUE_INT:
		tsdt_w_i64(w, v->i);
		return true;
	case TSDT_VALUE_UINT:
		tsdt_w_u64(w, v->u);
		return true;
	default:
		return false;
	}
}

bool tsdt_writer_reserve(struct tsdt_writer *w, size_t n)
{
	size_t cap = w->cap;
	char *b;

	while (cap < w->len + n)
		cap *= 2;
	b = realloc(w->buf, cap);
	if (!b) {
		if (!w->err)
			w->err = -ENOMEM;
		return false;
	}
	w->buf = b;
	w->cap = cap;
	return true;
}

/* write(2) all of @p[0..n), retrying short writes and EINTR */
static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		p += r;
		n -= r;
	}
	return 0;
}

int tsdt_writer__flush(struct tsdt_writer *w)
{
	size_t off = 0;

	if (!w)
		return -EINVAL;
	while (!w->err && off < w->len) {
		size_t n = w->len - off;

		if (n > w->chunk) {
			/* whole lines, at most one chunk (a longer line
			 * alone) */
			const char *nl = memrchr(w->buf + off, '\n', w->chunk);

			n = nl ? (size_t)(nl - (w->buf + off)) + 1 : 0;
			if (!n) {
				nl = memchr(w->buf + off, '\n', w->len - off);
				n = nl ? (size_t)(nl - (w->buf + off)) + 1
				       : w->len - off;
			}
		}
		w->err = write_all(w->fd, w->buf + off, n);
		off += n;
	}
	w->len = 0;
	return w->err;
}

/* after each record: out when half full */
static int record_end(struct tsdt_writer *w)
{
	if (w->len >= w->cap / 2)
		return tsdt_writer__flush(w);
	return w->err;
}

int tsdt_writer__start(struct tsdt_writer *w, const struct tsdt_tracer *tr,
		       const struct tsdt_writer_start *st)
{
	int err;

	if (!w || !tr || !TSDT_OPTS_VALID(st, tsdt_writer_start))
		return -EINVAL;
	err = w->fmt->start(w, tr, st);
	if (err)
		return err;
	return tsdt_writer__flush(w);
}

int tsdt_writer__event(struct tsdt_writer *w, const struct tsdt_event *ev)
{
	size_t mark;

	if (!w || !ev)
		return -EINVAL;
	if (w->err)
		return w->err;
	mark = w->len;
	switch (tsdt_event__kind(ev)) {
	case TSDT_EVENT_PROBE:
		w->fmt->event(w, ev);
		break;
	case TSDT_EVENT_FORK:
	case TSDT_EVENT_EXEC:
	case TSDT_EVENT_EXIT:
	case TSDT_EVENT_LOAD:
	case TSDT_EVENT_ROLE:
		if (!w->fmt->proc)
			return 0;
		w->fmt->proc(w, ev);
		break;
	case TSDT_EVENT_SPAN:
		if (!w->fmt->span)
			return 0;
		w->fmt->span(w, ev);
		break;
	default:
		return 0; /* a kind this writer does not know */
	}
	if (w->err == -ENOMEM) /* half a record is no record */
		w->len = mark;
	return record_end(w);
}

int tsdt_writer__lost(struct tsdt_writer *w, uint64_t lost, uint64_t total)
{
	if (!w)
		return -EINVAL;
	if (w->fmt->lost)
		w->fmt->lost(w, lost, total);
	return record_end(w);
}

int tsdt_writer__summary(struct tsdt_writer *w, const struct tsdt_tracer *tr,
			 const struct tsdt_writer_summary *sum)
{
	if (!w || !tr || !TSDT_OPTS_VALID(sum, tsdt_writer_summary))
		return -EINVAL;
	if (w->fmt->summary)
		w->fmt->summary(w, tr, sum);
	return tsdt_writer__flush(w);
}

void tsdt_writer__free(struct tsdt_writer *w)
{
	if (!w)
		return;
	tsdt_writer__flush(w);
	if (w->fmt->free)
		w->fmt->free(w);
	for (size_t i = 0; i < w->probe_cnt; i++) {
		struct tsdt_writer_probe *p = &w->probes[i];

		free(p->name);
		free(p->head);
		for (int a = 0; a < p->arg_cnt; a++)
			free(p->args[a]);
		free(p->args);
		free(p->arg_lens);
	}
	free(w->probes);
	free(w->buf);
	free(w);
}

int tsdt_writer_arg_cnt(const struct tsdt_writer_probe *p)
{
	return tsdt_probe__arg_cnt(p->probe) + (int)tsdt_tracer__global_cnt(p->tr);
}

const char *tsdt_writer_arg_name(const struct tsdt_writer_probe *p, int i)
{
	return tsdt_tracer_arg_name(p->tr, p->probe, i);
}

const struct tsdt_type *tsdt_writer_arg_type(const struct tsdt_writer_probe *p,
					     int i)
{
	return tsdt_tracer_arg_type(p->tr, p->probe, i);
}

struct tsdt_writer_probe *
tsdt_writer_probe(struct tsdt_writer *w, const struct tsdt_tracer *tr,
		  size_t idx,
		  int (*build)(struct tsdt_writer *w, struct tsdt_writer_probe *p))
{
	struct tsdt_writer_probe *p;

	if (idx >= w->probe_cnt) {
		size_t n = idx + 16;

		p = realloc(w->probes, n * sizeof(*p));
		if (!p)
			goto nomem;
		memset(p + w->probe_cnt, 0, (n - w->probe_cnt) * sizeof(*p));
		w->probes = p;
		w->probe_cnt = n;
	}
	p = &w->probes[idx];
	if (!p->probe) {
		const struct tsdt_probe *probe = tsdt_tracer__probe(tr, idx);

		if (!probe)
			return NULL;
		p->probe = probe;
		p->tr = tr;
		if (build(w, p)) {
			p->probe = NULL;
			goto nomem;
		}
	}
	return p;
nomem:
	if (!w->err)
		w->err = -ENOMEM;
	return NULL;
}

char *tsdt_writer_scratch(void (*fn)(struct tsdt_writer *w, const void *arg),
			  const void *arg, size_t *len)
{
	struct tsdt_writer s = { .cap = 64 };

	s.buf = malloc(s.cap);
	if (!s.buf)
		return NULL;
	fn(&s, arg);
	tsdt_w_c(&s, 0);
	if (s.err) {
		free(s.buf);
		return NULL;
	}
	if (len)
		*len = s.len - 1;
	return s.buf;
}

/* ------------------------------------------------------------ helpers */

void tsdt_w_u64(struct tsdt_writer *w, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	do
		*--p = '0' + v % 10;
	while (v /= 10);
	tsdt_w_put(w, p, buf + sizeof(buf) - p);
}

void tsdt_w_i64(struct tsdt_writer *w, int64_t v)
{
	if (v < 0) {
		tsdt_w_c(w, '-');
		tsdt_w_u64(w, -(uint64_t)v);
	} else {
		tsdt_w_u64(w, v);
	}
}

void tsdt_w_hex(struct tsdt_writer *w, uint64_t v)
{
	char buf[20], *p = buf + sizeof(buf);

	do
		*--p = "0123456789abcdef"[v & 15];
	while (v >>= 4);
	*--p = 'x';
	*--p = '0';
	tsdt_w_put(w, p, buf + sizeof(buf) - p);
}

void tsdt_w_digits(struct tsdt_writer *w, unsigned long v, int width)
{
	char buf[20];

	if (width > (int)sizeof(buf))
		width = sizeof(buf);
	for (int i = width - 1; i >= 0; i--, v /= 10)
		buf[i] = '0' + v % 10;
	tsdt_w_put(w, buf, width);
}

void tsdt_w_float(struct tsdt_writer *w, double v, bool is_float, bool json)
{
	char buf[40];

	if (isnan(v) || isinf(v)) {
		const char *s = isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";

		if (json)
			tsdt_w_c(w, '"');
		tsdt_w_str(w, s);
		if (json)
			tsdt_w_c(w, '"');
		return;
	}
	/* the fewest significant digits from 15 (float: 6) to 17 that read
	 * back as the same value; %g drops trailing zeros, so a value that
	 * needs fewer prints fewer ("0.1", "100") */
	for (int prec = is_float ? 6 : 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (is_float ? strtof(buf, NULL) == (float)v
			     : strtod(buf, NULL) == v)
			break;
	}
	tsdt_w_str(w, buf);
	/* keep floats recognisable as floats in text: 2 -> 2.0 */
	if (!json && !strpbrk(buf, ".eEn"))
		tsdt_w_str(w, ".0");
}

void tsdt_w_c_escaped(struct tsdt_writer *w, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		switch (c) {
		case '"':  tsdt_w_put(w, "\\\"", 2); break;
		case '\\': tsdt_w_put(w, "\\\\", 2); break;
		case '\n': tsdt_w_put(w, "\\n", 2); break;
		case '\t': tsdt_w_put(w, "\\t", 2); break;
		case '\r': tsdt_w_put(w, "\\r", 2); break;
		default:
			if (c < 0x20 || c >= 0x7f) {
				char e[4] = { '\\', 'x', "0123456789abcdef"[c >> 4],
					      "0123456789abcdef"[c & 15] };

				tsdt_w_put(w, e, 4);
			} else {
				tsdt_w_c(w, c);
			}
		}
	}
}

/* Length of the valid UTF-8 sequence at s (at most len bytes), or 0:
 * overlong forms, surrogates and code points past U+10FFFF are not. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	size_t n;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

void tsdt_w_json_str(struct tsdt_writer *w, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	tsdt_w_c(w, '"');
	for (size_t i = 0; i < len;) {
		unsigned char c = u[i];
		size_t n;

		/* a run of plain ASCII is copied at once */
		for (n = i; n < len && u[n] >= 0x20 && u[n] < 0x7f &&
			    u[n] != '"' && u[n] != '\\'; n++)
			;
		if (n > i) {
			tsdt_w_put(w, u + i, n - i);
			i = n;
			continue;
		}
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', c };

			tsdt_w_put(w, e, 2);
			i++;
		} else if (c == '\n') {
			tsdt_w_put(w, "\\n", 2), i++;
		} else if (c == '\t') {
			tsdt_w_put(w, "\\t", 2), i++;
		} else if (c == '\r') {
			tsdt_w_put(w, "\\r", 2), i++;
		} else if (c >= 0x20 && c != 0x7f &&
			   (n = utf8_seq(u + i, len - i))) {
			tsdt_w_put(w, u + i, n);
			i += n;
		} else {
			char e[6] = { '\\', 'u', '0', '0',
				      "0123456789abcdef"[c >> 4],
				      "0123456789abcdef"[c & 15] };

			tsdt_w_put(w, e, 6);
			i++;
		}
	}
	tsdt_w_c(w, '"');
}

void tsdt_w_time_prefix(struct tsdt_writer *w, long long sec, bool utc)
{
	if (sec != w->time_sec || !w->time_len) {
		time_t t = sec;
		struct tm tm;

		if (utc)
			gmtime_r(&t, &tm);
		else
			localtime_r(&t, &tm);
		w->time_len = strftime(w->time_text, sizeof(w->time_text),
				       utc ? "%Y-%m-%dT%H:%M:%S." : "%H:%M:%S.",
				       &tm);
		w->time_sec = sec;
	}
	tsdt_w_put(w, w->time_text, w->time_len);
}

int tsdt_json__write_str(FILE *f, const char *s, size_t len)
{
	struct tsdt_writer scratch = { .cap = 256 };
	int ret = 0;

	if (!f || (!s && len))
		return -EINVAL;
	scratch.buf = malloc(scratch.cap);
	if (!scratch.buf)
		return -ENOMEM;
	tsdt_w_json_str(&scratch, s ? s : "", len);
	if (scratch.err)
		ret = scratch.err;
	else if (fwrite(scratch.buf, 1, scratch.len, f) != scratch.len)
		ret = -EIO;
	free(scratch.buf);
	return ret;
}
