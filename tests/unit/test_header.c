// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Run-time semantics of <sys/tsdt.h> (the notes are checked by the
 * tests/integration/header-*.sh scripts): the is-enabled check follows the
 * probe's semaphore, TSDT_PROBE_IF_ENABLED evaluates its arguments only when
 * enabled, TSDT_PROBE always evaluates them exactly once, and the
 * semaphore is the 2-byte counter the kernel's ref_ctr_offset expects.
 * Built like every unit test, under ASan and UBSan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/tsdt.h>

TSDT_PROBE_DEFINE(ut, counted, (int, n), (const char *, s), (double, d));
TSDT_PROBE_DEFINE(ut, bare);

static int calls;

static int next(void)
{
	return ++calls;
}

static void test_semaphore_shape(void **state)
{
	(void)state;
	assert_int_equal(sizeof(ut_counted_semaphore), 2);
	assert_int_equal(ut_counted_semaphore, 0);
	assert_ptr_not_equal(&ut_counted_semaphore, &ut_bare_semaphore);
}

static void test_enabled_follows_semaphore(void **state)
{
	(void)state;
	assert_false(TSDT_PROBE_ENABLED(ut, counted));
	ut_counted_semaphore = 1; /* what the kernel does on attach */
	assert_true(TSDT_PROBE_ENABLED(ut, counted));
	assert_false(TSDT_PROBE_ENABLED(ut, bare));
	ut_counted_semaphore = 2; /* two tracers */
	assert_true(TSDT_PROBE_ENABLED(ut, counted));
	ut_counted_semaphore = 0;
	assert_false(TSDT_PROBE_ENABLED(ut, counted));
}

static void test_if_enabled_evaluates_only_when_enabled(void **state)
{
	(void)state;
	calls = 0;
	TSDT_PROBE_IF_ENABLED(ut, counted, next(), "x", 1.0);
	assert_int_equal(calls, 0);
	ut_counted_semaphore = 1;
	TSDT_PROBE_IF_ENABLED(ut, counted, next(), "x", 1.0);
	assert_int_equal(calls, 1);
	ut_counted_semaphore = 0;
	TSDT_PROBE_IF_ENABLED(ut, counted, next(), "x", 1.0);
	assert_int_equal(calls, 1);
}

static void test_probe_evaluates_once(void **state)
{
	(void)state;
	calls = 0;
	TSDT_PROBE(ut, counted, next(), "x", 2.5);
	assert_int_equal(calls, 1);
	for (int i = 0; i < 3; i++)
		TSDT_PROBE(ut, counted, next(), "y", (double)i);
	assert_int_equal(calls, 4);
	TSDT_PROBE(ut, bare);
	TSDT_PROBE_IF_ENABLED(ut, bare);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_semaphore_shape),
		cmocka_unit_test(test_enabled_follows_semaphore),
		cmocka_unit_test(test_if_enabled_evaluates_only_when_enabled),
		cmocka_unit_test(test_probe_evaluates_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
