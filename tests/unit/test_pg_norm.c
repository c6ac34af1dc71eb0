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

/* the other strings PostgreSQL's scanner has: each whole is one constant */
static void test_strings(void **state)
{
	(void)state;
	expect("SELECT E'it\\'s', e'a\\\\', E'x''y'", "SELECT $1, $2, $3");
	expect("SELECT B'101', x'1F', b'0' || X'ab'", "SELECT $1, $2, $3 || $4");
	expect("SELECT be'x', ex'1', E 'a'", "SELECT be$1, ex$2, E $3"); /* identifiers */
	/* U&'...' whole; U&"..." an identifier; bu&'x' an identifier, an
	 * operator and a string; u & 'x' too */
	expect("SELECT U&'d\\0061t\\+000061', u&'it''s' FROM U&\"t\\0061\"",
	       "SELECT $1, $2 FROM U&\"t\\0061\"");
	expect("SELECT bu&'x', u & 'y', U&", "SELECT bu&$1, u & $2, U&");
	/* a UESCAPE clause's character is kept, as pg_stat_statements keeps
	 * it; not after a comment, nor after another string */
	expect("SELECT U&'d!0061t' UESCAPE '!'", "SELECT $1 UESCAPE '!'");
	expect("SELECT U&'d!0061t'\n  uescape'!', 'x', 7", "SELECT $1\n  uescape'!', $2, $3");
	expect("SELECT U&'it''s' UESCAPE '#' || 'y'", "SELECT $1 UESCAPE '#' || $2");
	expect("SELECT U&'x' /* c */ UESCAPE '!'", "SELECT $1 /* c */ UESCAPE $2");
	expect("SELECT 'x' UESCAPE '!'", "SELECT $1 UESCAPE $2");
	expect("SELECT U&'x' UESCAPEX '!'", "SELECT $1 UESCAPEX $2");
	expect("SELECT U&'x' UESC '!'", "SELECT $1 UESC $2");
	expect("SELECT U&'x' UESCAPE - 1", "SELECT $1 UESCAPE - $2");
	expect("SELECT $$it's$$, $f$a $$ b$f$, $a$x$ab$y$a$", "SELECT $1, $2, $3");
	expect("SELECT $$1$$ + 2, $1, x$y$", "SELECT $1 + $2, $1, x$y$");
	expect("SELECT $$unterminated", "SELECT $1");
	expect("SELECT $a+1", "SELECT $1+$2"); /* no dollar quote after all */
	/* not SQL; fuzz/crashes/pg-norm/dollar-quote (the fuzzer's oracle
	 * took the "$$" it makes for a dollar quote's start) */
	expect("SELECT $'x'", "SELECT $$1");
	/* a tag longer than PG_NORM_TAG_MAX - 2: the rest is the constant */
	expect("SELECT $abcdefghijklmnop$x$abcdefghijklmnop$, 1", "SELECT $1");
	expect("SELECT $abcdefghijklmn$x$abcdefghijklmn$, 1", "SELECT $1, $2");
}

static void test_numbers(void **state)
{
	(void)state;
	expect("SELECT .5, 1.5e-3, 2E+10, 3e7, 4.e2", "SELECT $1, $2, $3, $4, $5");
	expect("SELECT 1ex, t.c5", "SELECT $1ex, t.c5");
}

/* comments are kept, constants in them too, and say nothing of what follows */
static void test_comments(void **state)
{
	(void)state;
	expect("SELECT 1 -- 2 'x'\n, 3", "SELECT $1 -- 2 'x'\n, $2");
	expect("SELECT /* 1 /* 'x' */ 2 */ 3", "SELECT /* 1 /* 'x' */ 2 */ $1");
	expect("SELECT /*/ 1 */ 2", "SELECT /*/ 1 */ $1");
	expect("SELECT x --5", "SELECT x --5");
	/* the byte before a minus is the last outside a comment */
	expect("SELECT f(/* a */ -5), x /* ( */ -5", "SELECT f(/* a */ $1), x /* ( */ -$2");
	expect("SELECT x -- (\n-5", "SELECT x -- (\n-$1");
	expect("SELECT /* unterminated 5", "SELECT /* unterminated 5");
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
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_same_hash_same_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
