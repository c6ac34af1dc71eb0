// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests of pg-top's lexer of query constants (examples/pg/pg-top.h,
 * pg-norm.h): what is a constant, what stays, and that texts the kernel
 * hashes alike are shown alike. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <linux/types.h>

#include "../../examples/pg/pg-norm.h"

static void expect(const char *in, const char *want)
{
	char out[256];

	pg_normalize_text(in, out, sizeof(out));
	if (strcmp(out, want))
		fail_msg("'%s' -> '%s', want '%s'", in, out, want);
}

static void test_constants(void **state)
{
	(void)state;
	expect("SELECT 42;", "SELECT $1;");
	expect("UPDATE a SET x = x + 7 WHERE id = 12345;", "UPDATE a SET x = x + $1 WHERE id = $2;");
	expect("SELECT 1.5, 2", "SELECT $1, $2");
	expect("SELECT 'it''s', 'x'", "SELECT $1, $2");
	expect("SELECT ''", "SELECT $1");
	expect("INSERT INTO t VALUES (1,'a b',-3)", "INSERT INTO t VALUES ($1,$2,$3)");
	expect("SELECT x + -5, x - 5, x -5, f(-5)", "SELECT x + $1, x - $2, x -$3, f($4)");
}

static void test_kept(void **state)
{
	(void)state;
	expect("SELECT t1.c2 FROM t1", "SELECT t1.c2 FROM t1");     /* identifiers */
	expect("EXECUTE p($1, $2)", "EXECUTE p($1, $2)");           /* parameters */
	expect("SELECT \"col 1\", \"it's\" FROM \"t\"\"2\"", "SELECT \"col 1\", \"it's\" FROM \"t\"\"2\"");
	expect("BEGIN;", "BEGIN;");
	expect("", "");
	expect("SELECT caf\xc3\xa9" "1", "SELECT caf\xc3\xa9" "1"); /* a multibyte identifier */
	expect("SELECT -5", "SELECT -$1");  /* after a keyword: taken as binary */
	expect("SELECT 'unterminated", "SELECT $1");
}

static void test_truncated(void **state)
{
	char out[8];

	(void)state;
	pg_normalize_text("SELECT 1, 2, 3", out, sizeof(out));
	assert_string_equal(out, "SELECT ");
	pg_normalize_text("SELECT", out, 1);
	assert_string_equal(out, "");
}

/* the state after a text decides nothing of the next: each starts at {0} */
static void test_same_hash_same_text(void **state)
{
	char a[64], b[64];

	(void)state;
	pg_normalize_text("WHERE aid = 7 AND s = 'x'", a, sizeof(a));
	pg_normalize_text("WHERE aid = 123456 AND s = 'longer ''one'''", b, sizeof(b));
	assert_string_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constants),
		cmocka_unit_test(test_kept),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_same_hash_same_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
