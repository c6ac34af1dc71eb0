/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Output writers (libtsdt-internal): the table of formats (writer.c), and
 * what a format's file (writer-text.c, writer-json.c) writes with. Adding a
 * format is adding one file with its struct tsdt_writer_format and one row
 * in writer.c's table, as sdk/gen.c's gen_formats[] does for the generator.
 *
 * A writer formats records into its own buffer and writes it out only
 * between records, so the file (or a pipe shared with the traced command)
 * only ever receives whole lines; see tsdt_writer__flush().
 */
#ifndef TSDT_WRITER_H
#define TSDT_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tsdt/libtsdt.h>

struct tsdt_writer;

struct tsdt_writer_format {
	const char *name;
	int (*start)(struct tsdt_writer *w, const struct tsdt_tracer *tr,
		     const struct tsdt_writer_start *st);
	void (*event)(struct tsdt_writer *w, const struct tsdt_event *ev);
	/* a process event (fork, exec, exit, load), or NULL: skipped */
	void (*proc)(struct tsdt_writer *w, const struct tsdt_event *ev);
	/* a span ended (TSDT_EVENT_SPAN), or NULL: skipped */
	void (*span)(struct tsdt_writer *w, const struct tsdt_event *ev);
	void (*lost)(struct tsdt_writer *w, uint64_t lost, uint64_t total);
	void (*summary)(struct tsdt_writer *w, const struct tsdt_tracer *tr,
			const struct tsdt_writer_summary *sum);
	/* frees the format's own state (priv), or NULL */
	void (*free)(struct tsdt_writer *w);
};

extern const struct tsdt_writer_format tsdt_writer_text;
extern const struct tsdt_writer_format tsdt_writer_json;
extern const struct tsdt_writer_format tsdt_writer_perfetto;

/* What a format keeps per probe of the tracer, built at its first event:
 * the constant parts of its records. */
struct tsdt_writer_probe {
	const struct tsdt_probe *probe;
	const struct tsdt_tracer *tr;
	char *name;             /* text: "provider:name" */
	size_t name_len;
	char *head;             /* json: ',"probe":..,"binary":..,"args":[' */
	size_t head_len;
	char **args;            /* text: " name="; json: '{"name":..,"type":..' */
	size_t *arg_lens;
	int arg_cnt;
};

/* A probe's arguments as its events carry them: its own, then the
 * tracer's globals (tsdt_tracer__add_global()). */
int tsdt_writer_arg_cnt(const struct tsdt_writer_probe *p);
const char *tsdt_writer_arg_name(const struct tsdt_writer_probe *p, int i);
const struct tsdt_type *tsdt_writer_arg_type(const struct tsdt_writer_probe *p,
					     int i);

struct tsdt_writer {
	const struct tsdt_writer_format *fmt;
	int fd;
	size_t chunk;           /* largest write (PIPE_BUF for a pipe) */
	char *buf;
	size_t len, cap;
	int err;                /* the first error, sticky (-errno) */
	bool monotonic, no_header;
	long long real_off;     /* CLOCK_MONOTONIC -> CLOCK_REALTIME, ns */
	/* the second last formatted, and its text: one localtime per second */
	long long time_sec;
	char time_text[32];
	size_t time_len;
	struct tsdt_writer_probe *probes;
	size_t probe_cnt;
	void *priv;             /* the format's own state */
};

/* Room for @n more bytes (the buffer grows; on failure err is set and the
 * record is dropped at its end). */
bool tsdt_writer_reserve(struct tsdt_writer *w, size_t n);

static inline void tsdt_w_put(struct tsdt_writer *w, const void *s, size_t n)
{
	if (w->len + n > w->cap && !tsdt_writer_reserve(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static inline void tsdt_w_c(struct tsdt_writer *w, char c)
{
	if (w->len + 1 > w->cap && !tsdt_writer_reserve(w, 1))
		return;
	w->buf[w->len++] = c;
}

static inline void tsdt_w_str(struct tsdt_writer *w, const char *s)
{
	tsdt_w_put(w, s, strlen(s));
}

void tsdt_w_u64(struct tsdt_writer *w, uint64_t v);
void tsdt_w_i64(struct tsdt_writer *w, int64_t v);
void tsdt_w_hex(struct tsdt_writer *w, uint64_t v);          /* 0x.. */
void tsdt_w_digits(struct tsdt_writer *w, unsigned long v, int width);
/* shortest text that reads back as the same double (float); nan/inf as
 * words (quoted in JSON); in text a whole number keeps a ".0" */
void tsdt_w_float(struct tsdt_writer *w, double v, bool is_float, bool json);
/* @s[0..len) as a JSON string, quotes included: control characters and
 * bytes that are not valid UTF-8 as \u00XX (valid JSON whatever the
 * bytes); as the inside of a C string literal (\" \\ \n \t \r \xNN) */
void tsdt_w_json_str(struct tsdt_writer *w, const char *s, size_t len);
void tsdt_w_c_escaped(struct tsdt_writer *w, const char *s, size_t len);
/* a decoded value as a JSON value (json and perfetto): a string as text,
 * NULL as null, a pointer as a "0x.." string, bool, number; false for the
 * kinds it does not write (UNREADABLE, STR_ERR: the caller's) */
struct tsdt_value;
bool tsdt_w_json_value(struct tsdt_writer *w, const struct tsdt_value *v);
/* the wall-clock prefix of second @sec: "08:31:02." (local) or, @utc,
 * "2026-11-25T08:31:02." */
void tsdt_w_time_prefix(struct tsdt_writer *w, long long sec, bool utc);

/* The cached parts of tracer probe @idx (the format's own, built by
 * @build at its first use); NULL on allocation failure (err set). */
struct tsdt_writer_probe *
tsdt_writer_probe(struct tsdt_writer *w, const struct tsdt_tracer *tr,
		  size_t idx,
		  int (*build)(struct tsdt_writer *w, struct tsdt_writer_probe *p));

/* Formats into a malloc'ed string: what @fn writes into a scratch writer. */
char *tsdt_writer_scratch(void (*fn)(struct tsdt_writer *w, const void *arg),
			  const void *arg, size_t *len);

#endif /* TSDT_WRITER_H */
