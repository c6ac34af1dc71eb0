/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Compile-fail cases of <sys/tsdt.h>, one per -DCASE=N (CASE=0 compiles):
 * tests/integration/header-compile-fail.sh builds each as C and C++ with
 * gcc and clang and checks the error names the probe.
 */
#include <stdint.h>
#include <sys/tsdt.h>

struct foo { int a; };
struct bar { int b; };
union un { int i; long l; };

TSDT_PROBE_DEFINE(myapp, request_start, (uint64_t, id), (struct bar *, b));
TSDT_PROBE_DEFINE(myapp, name_buf, (char *, buf));
TSDT_PROBE_DEFINE(myapp, ptr_arg, (const void *, p));
TSDT_PROBE_DEFINE(myapp, tick);

#if CASE == 5
TSDT_PROBE_DEFINE(myapp, by_value, (int, x), (struct foo, f));
#elif CASE == 6
TSDT_PROBE_DEFINE(myapp, by_union, (union un, u));
#elif CASE == 7
TSDT_PROBE_DEFINE(myapp, thirteen, (int, a1), (int, a2), (int, a3), (int, a4),
		  (int, a5), (int, a6), (int, a7), (int, a8), (int, a9),
		  (int, a10), (int, a11), (int, a12), (int, a13));
#elif CASE == 8
TSDT_PROBE_DEFINE(myapp, wide, (long double, x));
#endif

int main(int argc, char **argv);
int main(int argc, char **argv)
{
	struct foo f = { 1 };
	struct bar b = { 2 };
	const char *cs = "x";

	(void)argc; (void)argv; (void)f; (void)b; (void)cs;
#if CASE == 0
	TSDT_PROBE(myapp, request_start, 1, &b);
	TSDT_PROBE(myapp, name_buf, argv[0]);
	TSDT_PROBE(myapp, ptr_arg, &f);
	TSDT_PROBE(myapp, tick);
	TSDT_PROBE_IF_ENABLED(myapp, tick);
	TSDT_PROBE_IF_ENABLED(myapp, name_buf, argv[0]);
	if (TSDT_PROBE_ENABLED(myapp, tick))
		return 1;
#elif CASE == 1 /* char * for uint64_t */
	TSDT_PROBE(myapp, request_start, argv[0], &b);
#elif CASE == 2 /* struct foo * for struct bar * */
	TSDT_PROBE(myapp, request_start, 1, &f);
#elif CASE == 3 /* a 3rd argument to a 2-argument probe */
	TSDT_PROBE(myapp, request_start, 1, &b, 3);
#elif CASE == 4 /* a struct by value */
	TSDT_PROBE(myapp, request_start, f, &b);
#elif CASE == 9 /* const char * for char * */
	TSDT_PROBE(myapp, name_buf, cs);
#elif CASE == 10 /* an integer for a pointer */
	TSDT_PROBE(myapp, ptr_arg, argc);
#elif CASE == 11 /* too few arguments */
	TSDT_PROBE(myapp, request_start, 1);
#endif
	return 0;
}
