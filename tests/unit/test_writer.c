// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The output writers' shared pieces (attach/writer.c): JSON and C-string
 * escaping, shortest floats, whole-line writes to a pipe (no write splits
 * a line, none exceeds PIPE_BUF), sticky errors, the format table. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <tsdt/libtsdt.h>

#include "writer.h"

static char *json(const char *s, size_t len)
{
	char *buf = NULL;
	size_t sz;
	FILE *f = open_memstream(&buf, &sz);

	assert_non_null(f);
	assert_int_equal(tsdt_json__write_str(f, s, len), 0);
	fclose(f);
	return buf;
}

struct esc {
	const char *s;
	size_t len;
};

static void c_esc_fn(struct tsdt_writer *w, const void *arg)
{
	const struct esc *e = arg;

	tsdt_w_c_escaped(w, e->s, e->len);
}

static void test_escape(void **state)
{
	static const char in[] = "a\"b\\\n\t\x01\xc3\xa9\xff~";
	struct esc e = { in, sizeof(in) - 1 };
	char *s;

	s = json(in, sizeof(in) - 1);
	assert_string_equal(s, "\"a\\\"b\\\\\\n\\t\\u0001\xc3\xa9\\u00ff~\"");
	free(s);
	s = tsdt_writer_scratch(c_esc_fn, &e, NULL);
	assert_string_equal(s, "a\\\"b\\\\\\n\\t\\x01\\xc3\\xa9\\xff~");
	free(s);
	/* a truncated UTF-8 sequence, a surrogate and an overlong form are
	 * not UTF-8 */
	s = json("\xe2\x82", 2);
	assert_string_equal(s, "\"\\u00e2\\u0082\"");
	free(s);
	s = json("\xed\xa0\x80", 3);
	assert_string_equal(s, "\"\\u00ed\\u00a0\\u0080\"");
	free(s);
	s = json("\xc0\xaf", 2);
	assert_string_equal(s, "\"\\u00c0\\u00af\"");
	free(s);
	s = json("\x7f", 1);
	assert_string_equal(s, "\"\\u007f\"");
	free(s);
	s = json("", 0);
	assert_string_equal(s, "\"\"");
	free(s);
}

struct fl {
	double v;
	bool is_float, json;
};

static void float_fn(struct tsdt_writer *w, const void *arg)
{
	const struct fl *f = arg;

	tsdt_w_float(w, f->v, f->is_float, f->json);
}

static void check_float(double v, bool is_float, bool js, const char *want)
{
	struct fl f = { v, is_float, js };
	char *s = tsdt_writer_scratch(float_fn, &f, NULL);

	assert_string_equal(s, want);
	free(s);
}

static void test_float(void **state)
{
	check_float(0.1, false, false, "0.1");
	check_float(100, false, false, "100.0");
	check_float(100, false, true, "100");
	check_float(-3.25, false, false, "-3.25");
	check_float(0.1 + 0.2, false, true, "0.30000000000000004");
	check_float(0.1f, true, true, "0.1");
	check_float(1.0 / 3, false, true, "0.3333333333333333");
	check_float(0.0 / 0.0, false, true, "\"nan\"");
	check_float(-1.0 / 0.0, false, false, "-inf");
}

/*
 * Lines of different lengths, one longer than PIPE_BUF, flushed now and
 * then: a writer on a pipe writes at most PIPE_BUF bytes of whole lines at
 * a time (a longer line alone). The writes are seen one by one through a
 * SOCK_SEQPACKET socket (which keeps each write a message), with the
 * pipe's chunk size.
 */
static void test_whole_lines(void **state)
{
	char *buf = malloc(1 << 16);
	size_t total = 0, want = 0;
	struct tsdt_writer *w;
	int p[2], sp[2], msgs = 0;

	assert_non_null(buf);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	w = tsdt_writer__new("text", p[1], NULL);
	assert_non_null(w);
	assert_int_equal(w->chunk, PIPE_BUF);     /* a pipe is seen as one */
	tsdt_writer__free(w);
	close(p[0]);
	close(p[1]);

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    sp), 0);
	w = tsdt_writer__new("text", sp[1], NULL);
	assert_non_null(w);
	w->chunk = PIPE_BUF;
	for (int i = 0; i < 3000; i++) {
		int n = i == 1234 ? 3 * PIPE_BUF : 1 + (i * 37) % 300;

		for (int k = 0; k < n; k++)
			tsdt_w_c(w, 'a' + i % 26);
		tsdt_w_c(w, '\n');
		want += n + 1;
		if (i % 500 == 499 || i == 2999) {
			assert_int_equal(tsdt_writer__flush(w), 0);
			while (total < want) {
				ssize_t r = read(sp[0], buf, 1 << 16);

				assert_true(r > 0);
				assert_int_equal(buf[r - 1], '\n');
				/* longer than PIPE_BUF: only the long line */
				if (r > PIPE_BUF)
					assert_non_null(memchr(buf, '\n', r) ==
							buf + r - 1 ? buf : NULL);
				total += r;
				msgs++;
			}
		}
	}
	assert_int_equal(total, want);
	assert_true(msgs >= (int)(want / PIPE_BUF));
	tsdt_writer__free(w);
	close(sp[0]);
	/* a write error is sticky */
	w = tsdt_writer__new("json", sp[1], NULL);
	close(sp[1]);
	tsdt_w_str(w, "x\n");
	assert_int_equal(tsdt_writer__flush(w), -EBADF);
	assert_int_equal(tsdt_writer__flush(w), -EBADF);
	tsdt_writer__free(w);
	free(buf);
}

static void test_formats(void **state)
{
	assert_string_equal(tsdt_writer__format_name(0), "text");
	assert_string_equal(tsdt_writer__format_name(1), "json");
	assert_string_equal(tsdt_writer__format_name(2), "perfetto");
	assert_null(tsdt_writer__format_name(3));
	errno = 0;
	assert_null(tsdt_writer__new("protobuf-but-not-yet", 1, NULL));
	assert_int_equal(errno, EINVAL);
	assert_null(tsdt_writer__new("text", -1, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_float),
		cmocka_unit_test(test_whole_lines),
		cmocka_unit_test(test_formats),
	};

	tsdt_set_print(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
