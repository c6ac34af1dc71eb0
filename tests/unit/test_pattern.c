// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Probe patterns (attach/pattern.c): parsing, provider:name globs, DTrace
 * spelling, binary matching (path, file name, glob, canonical path,
 * library stem), and the enum names tsdt's JSON uses. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <tsdt/libtsdt.h>

static void check_parse(const char *text, const char *bin, const char *prov,
			const char *name)
{
	struct tsdt_pattern *p = tsdt_pattern__new(text);

	assert_non_null(p);
	if (bin)
		assert_string_equal(tsdt_pattern__binary(p), bin);
	else
		assert_null(tsdt_pattern__binary(p));
	assert_string_equal(tsdt_pattern__provider(p), prov);
	assert_string_equal(tsdt_pattern__name(p), name);
	assert_string_equal(tsdt_pattern__text(p), text);
	tsdt_pattern__free(p);
}

static void check_refused(const char *text)
{
	errno = 0;
	assert_null(tsdt_pattern__new(text));
	assert_int_equal(errno, EINVAL);
}

static void test_parse(void **state)
{
	check_parse("a:b", NULL, "a", "b");
	check_parse("bin:a:b", "bin", "a", "b");
	check_parse("/p/x:y:a:b", "/p/x:y", "a", "b");
	check_parse("name", NULL, "*", "name");
	check_parse("*:*", NULL, "*", "*");
	check_parse("libc:*:*", "libc", "*", "*");
	/* DTrace spelling: '-' is "__", but not inside a bracket expression */
	check_parse("postgresql:transaction-start", NULL, "postgresql",
		    "transaction__start");
	check_parse("p:lock-wait-*", NULL, "p", "lock__wait__*");
	check_parse("p:x[a-c]-y", NULL, "p", "x[a-c]__y");
	check_parse("p:x[]-]-y", NULL, "p", "x[]-]__y");
	check_parse("p:x[!]-]-y", NULL, "p", "x[!]-]__y");
	check_parse("my-app:p:n", "my-app", "p", "n");
	check_refused("a::b");
	check_refused(":a:b");
	check_refused("a:");
	check_refused(":b");
	check_refused("");
	check_refused(NULL);
	tsdt_pattern__free(NULL);
}

/* "provider:name(TYPES)": the selector without the types, which the
 * provider-file parser reads */
static void test_types(void **state)
{
	struct tsdt_pattern *p;

	p = tsdt_pattern__new("python:function__*(const char *file, const char *fn, int line)");
	assert_non_null(p);
	assert_true(tsdt_pattern__has_types(p));
	assert_string_equal(tsdt_pattern__provider(p), "python");
	assert_string_equal(tsdt_pattern__name(p), "function__*");
	assert_null(tsdt_pattern__binary(p));
	assert_true(tsdt_pattern__match_names(p, "python", "function__entry"));
	tsdt_pattern__free(p);

	p = tsdt_pattern__new("/usr/bin/x:app:foo-entry()");
	assert_non_null(p);
	assert_true(tsdt_pattern__has_types(p));
	assert_string_equal(tsdt_pattern__binary(p), "/usr/bin/x");
	assert_string_equal(tsdt_pattern__name(p), "foo__entry");
	tsdt_pattern__free(p);

	p = tsdt_pattern__new("app:a");
	assert_false(tsdt_pattern__has_types(p));
	tsdt_pattern__free(p);

	check_refused("app:a(int;)");
	check_refused("app:a(int x, int x)");
	check_refused(":(int x)");
}

static void test_match_names(void **state)
{
	struct tsdt_pattern *p = tsdt_pattern__new("postgresql:transaction__*");

	assert_non_null(p);
	assert_true(tsdt_pattern__match_names(p, "postgresql", "transaction__start"));
	assert_false(tsdt_pattern__match_names(p, "postgresql", "query__start"));
	assert_false(tsdt_pattern__match_names(p, "postgres", "transaction__start"));
	assert_false(tsdt_pattern__match_names(p, NULL, "transaction__start"));
	assert_true(tsdt_pattern__match_path(p, "/any/path"));
	assert_false(tsdt_pattern__binary_is_glob(p));
	tsdt_pattern__free(p);

	p = tsdt_pattern__new("postgresql:transaction-*");
	assert_true(tsdt_pattern__match_names(p, "postgresql", "transaction__commit"));
	assert_false(tsdt_pattern__match_names(p, "postgresql", "transaction_commit"));
	tsdt_pattern__free(p);
	p = tsdt_pattern__new("python:function-entry");
	assert_true(tsdt_pattern__match_names(p, "python", "function__entry"));
	tsdt_pattern__free(p);
}

static void test_match_path(void **state)
{
	struct tsdt_pattern *p = tsdt_pattern__new("libc:a:b");

	assert_true(tsdt_pattern__match_path(p, "/usr/lib/x86_64-linux-gnu/libc.so.6"));
	assert_false(tsdt_pattern__match_path(p, "/usr/lib/x86_64-linux-gnu/libcrypt.so.1"));
	tsdt_pattern__free(p);
	p = tsdt_pattern__new("libfoo:a:b");
	assert_true(tsdt_pattern__match_path(p, "/opt/lib/libfoo-1.2.so"));
	assert_false(tsdt_pattern__match_path(p, "/opt/lib/libfoobar.so"));
	tsdt_pattern__free(p);
	p = tsdt_pattern__new("postgres:a:b");
	assert_true(tsdt_pattern__match_path(p, "/usr/lib/postgresql/15/bin/postgres"));
	assert_false(tsdt_pattern__match_path(p, "/usr/lib/postgresql/15/bin/postgres2"));
	tsdt_pattern__free(p);
	p = tsdt_pattern__new("*/bin/post*:a:b");
	assert_true(tsdt_pattern__binary_is_glob(p));
	assert_true(tsdt_pattern__match_path(p, "/usr/lib/postgresql/15/bin/postgres"));
	assert_false(tsdt_pattern__match_path(p, "/usr/lib/libpq.so.5"));
	tsdt_pattern__free(p);
	p = tsdt_pattern__new("/bin/../bin/sh:a:b");
	assert_true(tsdt_pattern__match_path(p, "/bin/sh"));
	assert_false(tsdt_pattern__match_path(p, "/bin/ls"));
	assert_false(tsdt_pattern__match_path(p, NULL));
	tsdt_pattern__free(p);
}

static void test_names(void **state)
{
	assert_string_equal(tsdt_type_kind__str(TSDT_TYPE_STR), "str");
	assert_string_equal(tsdt_type_kind__str(TSDT_TYPE_UNTYPED), "untyped");
	assert_string_equal(tsdt_type_kind__str((enum tsdt_type_kind)99), "unknown");
	assert_string_equal(tsdt_type_source__str(TSDT_TYPES_PROVIDER), "provider-file");
	assert_string_equal(tsdt_type_source__str(TSDT_TYPES_NOTE), "note");
	assert_string_equal(tsdt_type_source__str(TSDT_TYPES_NONE), "none");
	assert_string_equal(tsdt_arg_loc__str(TSDT_ARG_SIB), "sib");
	assert_string_equal(tsdt_arch__str(TSDT_ARCH_X86_64), "x86-64");
	assert_string_equal(tsdt_arch__str(TSDT_ARCH_AARCH64), "aarch64");
	assert_string_equal(tsdt_arch__str(TSDT_ARCH_UNKNOWN), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_match_names),
		cmocka_unit_test(test_match_path),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
