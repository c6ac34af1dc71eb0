// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tsdt trace: print every hit of the selected probes with its arguments
 * decoded by type. A thin layer over libtsdt's tracer (tsdt_tracer__*):
 * this file parses options, formats events (text or JSON Lines, schema in
 * docs/trace-json.md) and owns the terminal and the signals; probe
 * selection, the command and the tracer's set-up and tear-down are shared
 * with tsdt stat (session.c, target.c).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tsdt/libtsdt.h>

#include "cli.h"
#include "session.h"
#include "util.h"

/* ------------------------------------------------------------ output */

struct trace_out {
	FILE *f;
	bool json;
	bool monotonic;
	bool quiet;
	long long real_off;     /* CLOCK_MONOTONIC -> CLOCK_REALTIME */
	unsigned long long events;
	unsigned long long lost_reported;
	long long t_start;      /* CLOCK_MONOTONIC ns */
	const char *reason;
	bool write_error;
	int write_errno;
	/* the second last formatted, and its text ("08:31:02." or
	 * "2026-11-25T08:31:02."): one localtime/gmtime per second */
	long long time_sec;
	char time_text[32];
	size_t time_len;
	/* "provider:name" per tracer probe index (probe_cnt), built once */
	size_t probe_cnt;
	char **names;
	size_t *name_lens;
	/* --json: per probe index, the constant parts of its events:
	 * ',"probe":..,"binary":..,"args":[' and per argument
	 * '{"name":..,"type":..' */
	char **jprobe;
	char ***jargs;
	int *jarg_cnt;
};

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Hot path helpers: events are formatted at millions per second, where
 * printf's format parsing dominates; these write digits directly. */
static void put_u64(FILE *f, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	do
		*--p = '0' + v % 10;
	while (v /= 10);
	fwrite(p, 1, buf + sizeof(buf) - p, f);
}

static void put_i64(FILE *f, int64_t v)
{
	if (v < 0) {
		putc('-', f);
		put_u64(f, -(uint64_t)v);
	} else {
		put_u64(f, v);
	}
}

static void put_hex(FILE *f, uint64_t v)
{
	char buf[20], *p = buf + sizeof(buf);

	do
		*--p = "0123456789abcdef"[v & 15];
	while (v >>= 4);
	*--p = 'x';
	*--p = '0';
	fwrite(p, 1, buf + sizeof(buf) - p, f);
}

/* v as exactly @width digits (v < 10^width) */
static void put_digits(FILE *f, unsigned long v, int width)
{
	char buf[20];

	for (int i = width - 1; i >= 0; i--, v /= 10)
		buf[i] = '0' + v % 10;
	fwrite(buf, 1, width, f);
}

/* @s left-aligned in a column of @width characters, then a space */
static void put_col(FILE *f, const char *s, size_t len, size_t width)
{
	fwrite(s, 1, len, f);
	for (; len < width; len++)
		putc(' ', f);
	putc(' ', f);
}

static void put_int_col(FILE *f, int v, size_t width)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d", v);

	put_col(f, buf, n, width);
}

/* Shortest decimal that reads back as the same double (or float). */
static void put_float(FILE *f, double v, bool is_float, bool json)
{
	char buf[40];

	if (isnan(v) || isinf(v)) {
		const char *s = isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";

		fprintf(f, json ? "\"%s\"" : "%s", s);
		return;
	}
	for (int prec = is_float ? 6 : 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (is_float ? strtof(buf, NULL) == (float)v : strtod(buf, NULL) == v)
			break;
	}
	/* keep floats recognisable as floats in text: 2 -> 2.0 */
	if (!json && !strpbrk(buf, ".eEn"))
		strcat(buf, ".0");
	fputs(buf, f);
}

static void put_arg_name(FILE *f, const struct tsdt_probe *p, int i)
{
	const char *name = tsdt_probe__arg_name(p, i);

	if (name && *name) {
		fputs(name, f);
	} else {
		fputs("arg", f);
		put_u64(f, i);
	}
}

/* value of argument i (text form) */
static void put_arg_text(FILE *f, const struct tsdt_event *ev, int i)
{
	struct tsdt_value v;

	tsdt_event__arg_value(ev, i, &v);
	switch (v.kind) {
	case TSDT_VALUE_UNREADABLE:
		fprintf(f, "<unreadable: %d>", v.err);
		break;
	case TSDT_VALUE_STR:
		fputc('"', f);
		cli_put_c_escaped(f, v.str, v.len);
		fputc('"', f);
		if (v.truncated)
			fputs("...", f);
		break;
	case TSDT_VALUE_STR_NULL:
		fputs("NULL", f);
		break;
	case TSDT_VALUE_STR_ERR:
		fprintf(f, "<unreadable 0x%" PRIx64 ": %d>", v.u, v.err);
		break;
	case TSDT_VALUE_PTR:
		put_hex(f, v.u);
		break;
	case TSDT_VALUE_BOOL:
		fputs(v.u ? "true" : "false", f);
		break;
	case TSDT_VALUE_FLOAT:
		put_float(f, v.d, v.is_float, false);
		break;
	case TSDT_VALUE_INT:
		put_i64(f, v.i);
		break;
	case TSDT_VALUE_UINT:
		put_u64(f, v.u);
		break;
	}
}

static void put_type_json(FILE *f, const struct tsdt_type *t)
{
	char buf[TSDT_TYPE_NAME_MAX + 32];

	tsdt_type__str(t, buf, sizeof(buf));
	cli_put_json_str(f, buf, strlen(buf));
}

/* '{"name":..,"type":..' of argument @i of @p */
static void put_arg_json_head(FILE *f, const struct tsdt_probe *p, int i)
{
	const char *name = tsdt_probe__arg_name(p, i);

	fputs("{\"name\":", f);
	if (name && *name)
		cli_put_json_str(f, name, strlen(name));
	else
		fputs("null", f);
	fputs(",\"type\":", f);
	put_type_json(f, tsdt_probe__arg_type(p, i));
}

/* the rest of argument @i of @ev, after its head, closing brace included */
static void put_arg_json(FILE *f, const struct tsdt_event *ev, int i)
{
	struct tsdt_value v;

	tsdt_event__arg_value(ev, i, &v);
	switch (v.kind) {
	case TSDT_VALUE_UNREADABLE:
		fprintf(f, ",\"error\":%d", v.err);
		break;
	case TSDT_VALUE_STR:
	case TSDT_VALUE_STR_NULL:
	case TSDT_VALUE_STR_ERR:
		if (v.kind == TSDT_VALUE_STR) {
			fputs(",\"value\":", f);
			cli_put_json_str(f, v.str, v.len);
			if (v.truncated)
				fputs(",\"truncated\":true", f);
		} else if (v.kind == TSDT_VALUE_STR_NULL) {
			fputs(",\"value\":null", f);
		} else {
			fprintf(f, ",\"error\":%d", v.err);
		}
		fputs(",\"addr\":\"", f);
		put_hex(f, v.u);
		putc('"', f);
		break;
	case TSDT_VALUE_PTR:
		fputs(",\"value\":\"", f);
		put_hex(f, v.u);
		putc('"', f);
		break;
	case TSDT_VALUE_BOOL:
		fprintf(f, ",\"value\":%s", v.u ? "true" : "false");
		break;
	case TSDT_VALUE_FLOAT:
		fputs(",\"value\":", f);
		put_float(f, v.d, v.is_float, true);
		break;
	case TSDT_VALUE_INT:
		fputs(",\"value\":", f);
		put_i64(f, v.i);
		break;
	case TSDT_VALUE_UINT:
		fputs(",\"value\":", f);
		put_u64(f, v.u);
		break;
	}
	fputc('}', f);
}

static void put_probe_name_json(FILE *f, const struct tsdt_probe *p)
{
	const char *prov = tsdt_probe__provider(p), *name = tsdt_probe__name(p);
	size_t a = strlen(prov), b = strlen(name);
	char buf[a + b + 2];

	memcpy(buf, prov, a);
	buf[a] = ':';
	memcpy(buf + a + 1, name, b + 1);
	cli_put_json_str(f, buf, a + b + 1);
}

/* the cached wall-clock prefix of second @sec */
static void put_time_prefix(struct trace_out *out, long long sec)
{
	if (sec != out->time_sec || !out->time_len) {
		time_t t = sec;
		struct tm tm;

		if (out->json)
			gmtime_r(&t, &tm);
		else
			localtime_r(&t, &tm);
		out->time_len = strftime(out->time_text, sizeof(out->time_text),
					 out->json ? "%Y-%m-%dT%H:%M:%S." : "%H:%M:%S.",
					 &tm);
		out->time_sec = sec;
	}
	fwrite(out->time_text, 1, out->time_len, out->f);
}

static int on_event(void *ctx, const struct tsdt_event *ev)
{
	struct trace_out *out = ctx;
	const struct tsdt_probe *p = tsdt_event__probe(ev);
	size_t idx = tsdt_event__probe_index(ev);
	long long ts = tsdt_event__timestamp(ev);
	const char *comm = tsdt_event__comm(ev);
	int argc = tsdt_event__arg_cnt(ev);
	FILE *f = out->f;

	out->events++;
	if (out->json) {
		long long real = ts + out->real_off;

		fputs("{\"type\":\"event\",\"time\":\"", f);
		put_time_prefix(out, real / 1000000000LL);
		put_digits(f, real % 1000000000LL, 9);
		fputs("Z\",\"ts_ns\":", f);
		put_u64(f, ts);
		fputs(",\"pid\":", f);
		put_u64(f, tsdt_event__pid(ev));
		fputs(",\"tid\":", f);
		put_u64(f, tsdt_event__tid(ev));
		fputs(",\"comm\":", f);
		cli_put_json_str(f, comm, strlen(comm));
		fputs(out->jprobe[idx], f);
		for (int i = 0; i < argc; i++) {
			if (i)
				putc(',', f);
			if (i < out->jarg_cnt[idx])
				fputs(out->jargs[idx][i], f);
			else
				put_arg_json_head(f, p, i);
			put_arg_json(f, ev, i);
		}
		fputs("]}\n", f);
	} else {
		if (out->monotonic) {
			put_u64(f, ts / 1000000000LL);
			putc('.', f);
			put_digits(f, ts % 1000000000LL / 1000, 6);
		} else {
			long long real = ts + out->real_off;

			put_time_prefix(out, real / 1000000000LL);
			put_digits(f, real % 1000000000LL / 1000, 6);
		}
		putc(' ', f);
		put_int_col(f, tsdt_event__pid(ev), 7);
		put_int_col(f, tsdt_event__tid(ev), 7);
		put_col(f, comm, strlen(comm), 16);
		fwrite(out->names[idx], 1, out->name_lens[idx], f);
		for (int i = 0; i < argc; i++) {
			putc(' ', f);
			put_arg_name(f, p, i);
			putc('=', f);
			put_arg_text(f, ev, i);
		}
		putc('\n', f);
	}
	if (ferror(f)) {
		out->write_error = true;
		out->write_errno = errno;
		return -EIO;
	}
	return 0;
}

static int trace_out__begin(struct trace_out *out, struct tsdt_tracer *tr,
			    const struct cli_target *t)
{
	size_t n = tsdt_tracer__probe_cnt(tr);
	FILE *f = out->f;

	out->real_off = cli_mono_to_real_offset();
	out->t_start = mono_ns();
	/* single-threaded: no stdio locking on the hot path */
	__fsetlocking(f, FSETLOCKING_BYCALLER);
	out->probe_cnt = n;
	out->names = calloc(n ? n : 1, sizeof(*out->names));
	out->name_lens = calloc(n ? n : 1, sizeof(*out->name_lens));
	for (size_t i = 0; out->names && out->name_lens && i < n; i++) {
		const struct tsdt_probe *p = tsdt_tracer__probe(tr, i);

		if (asprintf(&out->names[i], "%s:%s", tsdt_probe__provider(p),
			     tsdt_probe__name(p)) < 0)
			out->names[i] = NULL;
		else
			out->name_lens[i] = strlen(out->names[i]);
	}
	for (size_t i = 0; i < n; i++)
		if (!out->names || !out->name_lens || !out->names[i])
			return -ENOMEM;
	if (out->json) {
		out->jprobe = calloc(n ? n : 1, sizeof(*out->jprobe));
		out->jargs = calloc(n ? n : 1, sizeof(*out->jargs));
		out->jarg_cnt = calloc(n ? n : 1, sizeof(*out->jarg_cnt));
		if (!out->jprobe || !out->jargs || !out->jarg_cnt)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++) {
			const struct tsdt_probe *p = tsdt_tracer__probe(tr, i);
			const char *bin = tsdt_binary__path(tsdt_probe__binary(p));
			int argc = tsdt_probe__arg_cnt(p);
			size_t sz;
			FILE *m;

			m = open_memstream(&out->jprobe[i], &sz);
			if (!m)
				return -ENOMEM;
			fputs(",\"probe\":", m);
			cli_put_json_str(m, out->names[i], out->name_lens[i]);
			fputs(",\"binary\":", m);
			cli_put_json_str(m, bin, strlen(bin));
			fputs(",\"args\":[", m);
			if (fclose(m))
				return -ENOMEM;
			out->jargs[i] = calloc(argc > 0 ? argc : 1, sizeof(char *));
			if (!out->jargs[i])
				return -ENOMEM;
			for (int a = 0; a < argc; a++) {
				m = open_memstream(&out->jargs[i][a], &sz);
				if (!m)
					return -ENOMEM;
				put_arg_json_head(m, p, a);
				if (fclose(m))
					return -ENOMEM;
				out->jarg_cnt[i] = a + 1;
			}
		}
	}
	if (!out->quiet) {
		fprintf(stderr, "Tracing %zu probe%s at %zu site%s", n,
			n == 1 ? "" : "s", t->site_cnt, t->site_cnt == 1 ? "" : "s");
		if (t->command)
			fprintf(stderr, " in '%s' (pid %d)", t->command, (int)t->pid);
		else if (t->pid > 0)
			fprintf(stderr, " in process %d", (int)t->pid);
		fprintf(stderr, " (%s%s)... Hit Ctrl-C to end.\n",
			tsdt_tracer__is_multi(tr) ? "uprobe_multi" : "per-site uprobes",
			tsdt_tracer__is_sleepable(tr) ? ", sleepable" : "");
	}
	if (!out->json) {
		if (!out->quiet)
			fprintf(f, "%-15s %-7s %-7s %-16s %s\n", out->monotonic ? "TIME(s)" : "TIME",
				"PID", "TID", "COMM", "PROBE ARGS");
		fflush(f);
		return 0;
	}
	fputs("{\"type\":\"start\",\"version\":1", f);
	if (t->pid > 0)
		fprintf(f, ",\"pid\":%d", (int)t->pid);
	if (t->argv) {
		fputs(",\"command\":[", f);
		for (char **a = t->argv; *a; a++) {
			if (a != t->argv)
				fputc(',', f);
			cli_put_json_str(f, *a, strlen(*a));
		}
		fputc(']', f);
	}
	fputs(",\"probes\":[", f);
	for (size_t i = 0; i < n; i++) {
		const struct tsdt_probe *p = tsdt_tracer__probe(tr, i);
		const char *bin = tsdt_binary__path(tsdt_probe__binary(p));

		if (i)
			fputc(',', f);
		fputs("{\"probe\":", f);
		put_probe_name_json(f, p);
		fputs(",\"binary\":", f);
		cli_put_json_str(f, bin, strlen(bin));
		fprintf(f, ",\"sites\":%zu,\"types\":\"%s\",\"args\":[",
			tsdt_probe__site_cnt(p),
			tsdt_type_source__str(tsdt_probe__type_source(p)));
		for (int a = 0; a < tsdt_probe__arg_cnt(p); a++) {
			const char *name = tsdt_probe__arg_name(p, a);

			if (a)
				fputc(',', f);
			fputs("{\"name\":", f);
			if (name && *name)
				cli_put_json_str(f, name, strlen(name));
			else
				fputs("null", f);
			fputs(",\"type\":", f);
			put_type_json(f, tsdt_probe__arg_type(p, a));
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fprintf(f, "],\"sites\":%zu,\"mode\":\"%s\"}\n", t->site_cnt,
		tsdt_tracer__is_multi(tr) ? "uprobe_multi" : "per-site");
	fflush(f);
	return 0;
}

static void report_lost(struct trace_out *out, struct tsdt_tracer *tr)
{
	unsigned long long lost = tsdt_tracer__lost_cnt(tr);

	if (lost == out->lost_reported)
		return;
	fprintf(stderr, "tsdt trace: WARNING: %llu events lost (%llu in total): "
		"the reader could not keep up; try a larger --buffer-size or -o FILE\n",
		lost - out->lost_reported, lost);
	if (out->json)
		fprintf(out->f, "{\"type\":\"lost\",\"lost\":%llu,\"total_lost\":%llu}\n",
			lost - out->lost_reported, lost);
	out->lost_reported = lost;
}

static void trace_out__end(struct trace_out *out, struct tsdt_tracer *tr,
			   const struct cli_target *t, int exit_code)
{
	size_t n = tsdt_tracer__probe_cnt(tr);
	double dur = (mono_ns() - out->t_start) / 1e9;
	FILE *f = out->f;

	report_lost(out, tr);
	if (out->json) {
		fprintf(f, "{\"type\":\"summary\",\"events\":%llu,\"lost\":%llu,\"hits\":{",
			out->events, out->lost_reported);
		for (size_t i = 0; i < n; i++) {
			if (i)
				fputc(',', f);
			put_probe_name_json(f, tsdt_tracer__probe(tr, i));
			fprintf(f, ":%" PRIu64, tsdt_tracer__hit_cnt(tr, i));
		}
		fprintf(f, "},\"duration_s\":%.6f,\"reason\":\"%s\"", dur, out->reason);
		if (t->command && t->child_done)
			fprintf(f, ",\"exit_status\":%d", exit_code);
		fputs("}\n", f);
	}
	fflush(f);
	if (!out->quiet || out->lost_reported)
		fprintf(stderr, "tsdt trace: %llu events, %llu lost, in %.3f s\n",
			out->events, out->lost_reported, dur);
}

/* Poll events until a signal, the end of the traced process, or an error.
 * Returns 0 or 1 (error). */
static int trace_out__loop(struct trace_out *out, struct cli_session *s,
			   volatile sig_atomic_t *sig)
{
	struct tsdt_tracer *tr = s->tr;
	struct cli_target *t = &s->target;
	long long next_lost = mono_ns() + 1000000000LL, deadline = 0;
	int forwarded = 0, ret = 0;

	out->reason = "signal";
	for (;;) {
		int n = tsdt_tracer__poll(tr, 100, on_event, out);

		/* a batch at a time, so that readers of a pipe or file see
		 * events as they come (one write per poll, not per event) */
		if (n > 0 && fflush(out->f)) {
			out->write_error = true;
			out->write_errno = errno;
			n = -EIO;
		}
		if (n < 0 && out->write_error && out->write_errno == EPIPE) {
			/* the reader went away (tsdt trace ... | head) */
			out->reason = "output closed";
			break;
		}
		if (n < 0 && n != -EINTR) {
			if (!out->write_error)
				fprintf(stderr, "tsdt trace: reading events: %s\n",
					strerror(-n));
			else
				fprintf(stderr, "tsdt trace: writing events: %s\n",
					strerror(out->write_errno));
			out->reason = "error";
			ret = 1;
			break;
		}
		if (*sig) {
			/* -c: pass the signal on, then trace until it ends */
			if (!t->child || t->child_done || forwarded == *sig)
				break;
			forwarded = *sig;
			kill(t->child, forwarded);
			deadline = mono_ns() + 2000000000LL;
		}
		if (deadline && mono_ns() > deadline)
			break;
		if (cli_target__ended(t)) {
			/* everything it fired is in the ring buffer by now */
			while ((n = tsdt_tracer__poll(tr, 0, on_event, out)) > 0)
				;
			out->reason = *sig ? "signal" : "exited";
			break;
		}
		if (mono_ns() >= next_lost) {
			report_lost(out, tr);
			next_lost = mono_ns() + 1000000000LL;
		}
	}
	if (ret == 0 && !out->write_error)
		cli_session__stop_command(s, *sig);
	trace_out__end(out, tr, t, cli_target__exit_code(t));
	return ret;
}

static void trace_out__free(struct trace_out *out)
{
	for (size_t i = 0; out->names && i < out->probe_cnt; i++)
		free(out->names[i]);
	free(out->names);
	free(out->name_lens);
	for (size_t i = 0; out->jprobe && i < out->probe_cnt; i++) {
		free(out->jprobe[i]);
		for (int a = 0; out->jargs && out->jargs[i] && a < out->jarg_cnt[i]; a++)
			free(out->jargs[i][a]);
		if (out->jargs)
			free(out->jargs[i]);
	}
	free(out->jprobe);
	free(out->jargs);
	free(out->jarg_cnt);
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static const char trace_usage[] =
"Usage: tsdt trace [-p PID | -c 'CMD ARGS'] [--provider-file FILE]... [--json]\n"
"                  [-o FILE] [--per-site] [--no-nop5] [-v] PROBE...\n"
"\n"
"Print every hit of the probes given, one line per event: time, pid, tid,\n"
"comm, probe, and its arguments decoded by type (strings quoted, signed\n"
"numbers signed, floats as floats, pointers in hex, untyped arguments as\n"
"integers of their size and sign).\n"
"\n"
"PROBE is [BINARY-OR-LIBRARY:]PROVIDER:NAME; each part may use globs (* ? [..]),\n"
"a library may be named by its stem (libc), a probe name in DTrace spelling\n"
"(transaction-start for transaction__start). Without a binary part, the probes\n"
"are looked for in every binary and library of the process (-p), or in the\n"
"command's executable and the shared libraries it needs (-c).\n"
"\n"
"Options:\n"
"  -p, --pid PID            trace process PID only (its binaries and libraries)\n"
"  -c, --command 'CMD ARGS' run CMD, trace it from its first instruction, and\n"
"                           exit with its exit status when it ends\n"
"      --provider-file FILE types for probes whose binary carries none (a DTrace\n"
"                           provider file, e.g. probes/postgresql.d); repeatable\n"
"  -j, --json               one JSON object per line (docs/trace-json.md)\n"
"  -o, --output FILE        write events to FILE instead of standard output\n"
"      --per-site           attach one perf-event uprobe per site instead of\n"
"                           one uprobe_multi link per binary\n"
"      --no-nop5            attach <sys/tsdt.h> sites at their one-byte nop (an\n"
"                           int3 trap per hit, as other tools do) instead of\n"
"                           their five-byte nop (an optimized uprobe, Linux\n"
"                           6.18+ x86-64)\n"
"  -b, --buffer-size SIZE   ring buffer size (power of two; K/M suffix),\n"
"                           default 8M\n"
"  -s, --string-size N      bytes kept per string argument, NUL included\n"
"                           (default 256; rounded up to a multiple of 8)\n"
"      --no-sleepable       do not fault in strings not yet in memory\n"
"  -T, --monotonic          print CLOCK_MONOTONIC seconds instead of wall time\n"
"  -q, --quiet              no header line and no messages but errors and loss\n"
"  -v, --verbose            print libtsdt's debug messages and each type\n"
"                           warning about a provider file (else counted)\n"
"  -h, --help               show this help\n"
"\n"
"Lost events (the reader could not keep up) are reported on stderr while\n"
"tracing and at exit, and in the JSON summary record. Ctrl-C (SIGINT) or\n"
"SIGTERM detaches and prints the summary; with -c the signal is passed on\n"
"to the command.\n"
"\n"
"Exit status: 0 success; 1 error (no probe matched, attach failed, ...);\n"
"2 usage error; with -c, the command's exit status (128+N if killed by\n"
"signal N).\n"
"\n"
"Examples:\n"
"  tsdt trace -c ./demo 'demo:*'              # trace a command from its start\n"
"  tsdt trace -p 4242 'postgresql:transaction__*'\n"
"  tsdt trace /usr/lib/postgresql/15/bin/postgres:postgresql:checkpoint__done\n"
"                                             # every process running postgres\n"
"  tsdt trace -p 4242 --provider-file probes/postgresql.d 'postgresql:query__start'\n"
"  tsdt trace -p 4242 'libc:*:*'              # probes of one library only\n"
"  tsdt trace --json -o events.jsonl -c './app --fast' 'app:request*'\n";

enum {
	OPT_PROVIDER_FILE = 256,
	OPT_PER_SITE,
	OPT_NO_SLEEPABLE,
	OPT_NO_NOP5,
};

static const struct option trace_options[] = {
	{ "pid",           required_argument, NULL, 'p' },
	{ "command",       required_argument, NULL, 'c' },
	{ "provider-file", required_argument, NULL, OPT_PROVIDER_FILE },
	{ "json",          no_argument,       NULL, 'j' },
	{ "output",        required_argument, NULL, 'o' },
	{ "per-site",      no_argument,       NULL, OPT_PER_SITE },
	{ "buffer-size",   required_argument, NULL, 'b' },
	{ "string-size",   required_argument, NULL, 's' },
	{ "no-sleepable",  no_argument,       NULL, OPT_NO_SLEEPABLE },
	{ "no-nop5",       no_argument,       NULL, OPT_NO_NOP5 },
	{ "monotonic",     no_argument,       NULL, 'T' },
	{ "quiet",         no_argument,       NULL, 'q' },
	{ "verbose",       no_argument,       NULL, 'v' },
	{ "help",          no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_size(const char *s, long *ret)
{
	char buf[32];
	size_t n = strlen(s);
	long mult = 1, v;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n + 1);
	switch (buf[n - 1]) {
	case 'k': case 'K': mult = 1L << 10; buf[n - 1] = 0; break;
	case 'm': case 'M': mult = 1L << 20; buf[n - 1] = 0; break;
	case 'g': case 'G': mult = 1L << 30; buf[n - 1] = 0; break;
	}
	if (cli_parse_long(buf, 1, 1L << 32, &v))
		return -EINVAL;
	*ret = v * mult;
	return 0;
}

int cmd_trace(int argc, char **argv)
{
	struct trace_out out = { 0 };
	struct cli_session s = CLI_SESSION_INIT("tsdt trace");
	const char *command = NULL, *output = NULL;
	bool per_site = false, no_sleepable = false, verbose = false;
	bool no_nop5 = false;
	long pid = 0, bufsz = 0, strsz = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	int opt, ret = 1;

	out.f = stdout;
	while ((opt = getopt_long(argc, argv, "p:c:jo:b:s:Tqvh", trace_options,
				  NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (cli_parse_long(optarg, 1, INT32_MAX, &pid)) {
				fprintf(stderr, "tsdt trace: bad pid '%s'\n", optarg);
				goto usage;
			}
			break;
		case 'c':
			command = optarg;
			break;
		case OPT_PROVIDER_FILE:
			if (cli_add_provider_file(&s.provider_files,
						  &s.provider_file_cnt, optarg)) {
				cli_session__free(&s);
				return 1;
			}
			break;
		case 'j':
			out.json = true;
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_PER_SITE:
			per_site = true;
			break;
		case 'b':
			if (parse_size(optarg, &bufsz) || (bufsz & (bufsz - 1)) ||
			    bufsz < 4096) {
				fprintf(stderr, "tsdt trace: bad buffer size '%s': "
					"expected a power of two of at least 4K\n", optarg);
				goto usage;
			}
			break;
		case 's':
			if (cli_parse_long(optarg, 2, 4096, &strsz)) {
				fprintf(stderr, "tsdt trace: bad string size '%s': "
					"expected 2..4096\n", optarg);
				goto usage;
			}
			break;
		case OPT_NO_SLEEPABLE:
			no_sleepable = true;
			break;
		case OPT_NO_NOP5:
			no_nop5 = true;
			break;
		case 'T':
			out.monotonic = true;
			break;
		case 'q':
			out.quiet = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			fputs(trace_usage, stdout);
			cli_session__free(&s);
			return 0;
		default:
			fprintf(stderr, "Try 'tsdt trace --help'.\n");
			goto usage;
		}
	}
	cli_set_verbose(verbose);

	{
		TSDT_OPTS(tsdt_tracer_opts, topts,
			  .force_per_site = per_site,
			  .no_nop5 = no_nop5,
			  .no_sleepable = no_sleepable,
			  .ringbuf_size = bufsz,
			  .str_max = strsz,
			  /* for bench/attach.sh's with/without comparison */
			  .no_warm_up = getenv("TSDT_NO_WARM_UP") != NULL);

		ret = cli_session__open(&s, pid, command, argv + optind,
					argc - optind, &topts);
		if (ret)
			goto out;
		ret = 1;
	}

	if (output) {
		out.f = fopen(output, "we");
		if (!out.f) {
			fprintf(stderr, "tsdt trace: cannot open '%s': %s\n", output,
				strerror(errno));
			out.f = stdout;
			goto out;
		}
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (cli_session__start(&s))
		goto out;
	if (trace_out__begin(&out, s.tr, &s.target)) {
		fprintf(stderr, "tsdt trace: out of memory\n");
		goto out;
	}
	if (cli_session__release(&s))
		goto out;
	ret = trace_out__loop(&out, &s, &got_signal);
	if (ret == 0)
		ret = cli_session__exit_code(&s, got_signal);

out:
	trace_out__free(&out);
	cli_session__free(&s);
	if (out.f && out.f != stdout) {
		if (fclose(out.f)) {
			fprintf(stderr, "tsdt trace: writing '%s': %s\n", output,
				strerror(errno));
			ret = 1;
		}
	} else if (fflush(stdout) && errno != EPIPE) {
		ret = 1;
	}
	return ret;

usage:
	cli_session__free(&s);
	return 2;
}
