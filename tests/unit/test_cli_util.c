// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests of the CLI helpers (cli/util.c): strict numbers, durations,
 * command lookup, RFC 3339 time (probe patterns: test_pattern.c; escaping:
 * test_writer.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../../cli/util.c"
#include "deps.h" /* tsdt_find_in_path(), libtsdt-internal */

static void test_parse_long(void **state)
{
	long v = 7;

	assert_int_equal(cli_parse_long("12", 0, 100, &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(cli_parse_long("-3", -5, 5, &v), 0);
	assert_int_equal(v, -3);
	v = 7;
	assert_int_equal(cli_parse_long("12abc", 0, 100, &v), -EINVAL);
	assert_int_equal(cli_parse_long("", 0, 100, &v), -EINVAL);
	assert_int_equal(cli_parse_long(" 12", 0, 100, &v), -EINVAL);
	assert_int_equal(cli_parse_long("abc", 0, 100, &v), -EINVAL);
	assert_int_equal(cli_parse_long(NULL, 0, 100, &v), -EINVAL);
	assert_int_equal(cli_parse_long("101", 0, 100, &v), -ERANGE);
	assert_int_equal(cli_parse_long("0", 1, 100, &v), -ERANGE);
	assert_int_equal(cli_parse_long("99999999999999999999", 0, LONG_MAX, &v), -ERANGE);
	assert_int_equal(v, 7); /* untouched on failure */
}

static void test_duration(void **state)
{
	long ms = 0;

	assert_int_equal(cli_parse_duration_ms("0.5", &ms), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(cli_parse_duration_ms("250ms", &ms), 0);
	assert_int_equal(ms, 250);
	assert_int_equal(cli_parse_duration_ms("2s", &ms), 0);
	assert_int_equal(ms, 2000);
	assert_int_equal(cli_parse_duration_ms("1m", &ms), 0);
	assert_int_equal(ms, 60000);
	assert_int_equal(cli_parse_duration_ms("1h", &ms), 0);
	assert_int_equal(ms, 3600000);
	assert_int_equal(cli_parse_duration_ms("0.0001", &ms), 0);
	assert_int_equal(ms, 1);
	assert_int_equal(cli_parse_duration_ms("0", &ms), -EINVAL);
	assert_int_equal(cli_parse_duration_ms("-1", &ms), -EINVAL);
	assert_int_equal(cli_parse_duration_ms("1x", &ms), -EINVAL);
	assert_int_equal(cli_parse_duration_ms("nan", &ms), -EINVAL);
	assert_int_equal(cli_parse_duration_ms("inf", &ms), -EINVAL);
	assert_int_equal(cli_parse_duration_ms("", &ms), -EINVAL);
	assert_int_equal(cli_parse_duration_ms("s", &ms), -EINVAL);
}

static void test_find_in_path(void **state)
{
	char buf[PATH_MAX];

	assert_int_equal(tsdt_find_in_path("sh", buf, sizeof(buf)), 0);
	assert_int_equal(access(buf, X_OK), 0);
	assert_int_equal(tsdt_find_in_path("no-such-command-xyz", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(tsdt_find_in_path("", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(tsdt_find_in_path("/bin/sh", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/bin/sh");
	assert_int_not_equal(tsdt_find_in_path("/nonexistent/x", buf, sizeof(buf)), 0);
}

static void test_rfc3339(void **state)
{
	char *buf = NULL;
	size_t sz;
	FILE *f = open_memstream(&buf, &sz);

	cli_put_rfc3339(f, 1795595238123456789LL);
	fclose(f);
	assert_string_equal(buf, "2026-11-25T08:27:18.123456789Z");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_long),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_find_in_path),
		cmocka_unit_test(test_rfc3339),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
