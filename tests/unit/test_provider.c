// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests of the provider-file parser (attach/provider.c): what good files
 * parse into, and the exact message of each kind of bad input.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "provider.h"

static struct tsdt_provider_file *parse(const char *text, char *err,
					size_t err_sz)
{
	return tsdt_provider_file__parse(text, strlen(text), "t.d", err, err_sz);
}

static int quiet(enum tsdt_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

/* What the logging hook received last. */
static char logged[1024];
static int capture(enum tsdt_print_level level, const char *fmt, va_list ap)
{
	return vsnprintf(logged, sizeof(logged), fmt, ap);
}

static void assert_arg(const struct tsdt_pf_probe *p, int i, const char *type,
		       const char *spelling, const char *name)
{
	assert_true(i < p->arg_cnt);
	assert_string_equal(p->args[i].type, type);
	assert_string_equal(p->args[i].spelling, spelling);
	if (name)
		assert_string_equal(p->args[i].name, name);
	else
		assert_null(p->args[i].name);
}

static void test_basic(void **state)
{
	char err[256];
	struct tsdt_provider_file *pf = parse(
		"provider myapp {\n"
		"\tprobe request__start(uint64_t id, const char *path);\n"
		"\tprobe tick();\n"
		"\tprobe idle(void);\n"
		"};\n", err, sizeof(err));
	const struct tsdt_pf_probe *p;

	assert_non_null(pf);
	assert_string_equal(err, "");
	assert_int_equal(pf->provider_cnt, 1);
	assert_string_equal(pf->providers[0].name, "myapp");
	assert_int_equal(pf->providers[0].probe_cnt, 3);
	assert_int_equal(tsdt_provider_file__probe_cnt(pf), 3);

	p = tsdt_provider_file__find_probe(pf, "myapp", "request__start");
	assert_non_null(p);
	assert_string_equal(p->name, "request__start");
	assert_int_equal(p->arg_cnt, 2);
	assert_arg(p, 0, "uint64_t", "uint64_t", "id");
	assert_arg(p, 1, "const char *", "const char *", "path");
	assert_string_equal(p->loc.file, "t.d");
	assert_int_equal(p->loc.line, 2);
	assert_int_equal(p->loc.col, 8);
	assert_int_equal(p->args[1].loc.line, 2);
	assert_int_equal(p->args[1].loc.col, 36);

	p = tsdt_provider_file__find_probe(pf, "myapp", "tick");
	assert_non_null(p);
	assert_int_equal(p->arg_cnt, 0);
	p = tsdt_provider_file__find_probe(pf, "myapp", "idle");
	assert_non_null(p);
	assert_int_equal(p->arg_cnt, 0);

	assert_null(tsdt_provider_file__find_probe(pf, "myapp", "request_start"));
	assert_null(tsdt_provider_file__find_probe(pf, "other", "tick"));
	assert_null(tsdt_provider_file__find_probe(NULL, "myapp", "tick"));
	tsdt_provider_file__free(pf);
	tsdt_provider_file__free(NULL);
}

static void test_types(void **state)
{
	char err[256];
	struct tsdt_provider_file *pf = parse(
		"provider t { probe p(unsigned int, unsigned long long n,\n"
		"  struct foo *f, char **argv, const   char*s, char * const q,\n"
		"  unsigned, long int x, struct bar, enum e v, void *ptr, bool); };",
		err, sizeof(err));
	const struct tsdt_pf_probe *p;

	assert_non_null(pf);
	p = tsdt_provider_file__find_probe(pf, "t", "p");
	assert_int_equal(p->arg_cnt, 12);
	assert_arg(p, 0, "unsigned int", "unsigned int", NULL);
	assert_arg(p, 1, "unsigned long long", "unsigned long long", "n");
	assert_arg(p, 2, "struct foo *", "struct foo *", "f");
	assert_arg(p, 3, "char **", "char **", "argv");
	assert_arg(p, 4, "const char *", "const char *", "s");
	assert_arg(p, 5, "char * const", "char * const", "q");
	assert_arg(p, 6, "unsigned", "unsigned", NULL);
	assert_arg(p, 7, "long int", "long int", "x");
	assert_arg(p, 8, "struct bar", "struct bar", NULL);
	assert_arg(p, 9, "enum e", "enum e", "v");
	assert_arg(p, 10, "void *", "void *", "ptr");
	assert_arg(p, 11, "bool", "bool", NULL);
	tsdt_provider_file__free(pf);
}

/* PostgreSQL's probes.d constructs, read without a preprocessor. */
static void test_defines_pragmas_comments(void **state)
{
	char err[256];
	struct tsdt_provider_file *pf = parse(
		"/* ----\n * header\n */\n"
		"#pragma D attributes Evolving/Evolving/Common provider postgresql provider\n"
		"#define LocalTransactionId unsigned int\n"
		"#define bool unsigned char  /* as PostgreSQL does */\n"
		"#define Ptr void *\n"
		"#define Alias LocalTransactionId\n"
		"#define LIMIT 10\n"
		"  #  define SPACED int // indented directive\n"
		"provider postgresql { // C++ comment\n"
		"\tprobe transaction__start(LocalTransactionId);\n"
		"\tprobe x(bool b, Ptr p, Alias a, SPACED);\n"
		"};\n"
		"#undef Ptr\n"
		"provider second { probe y(Ptr p); }\n", err, sizeof(err));
	const struct tsdt_pf_probe *p;

	assert_non_null(pf);
	p = tsdt_provider_file__find_probe(pf, "postgresql", "transaction__start");
	assert_non_null(p);
	assert_arg(p, 0, "unsigned int", "LocalTransactionId", NULL);
	assert_int_equal(p->loc.line, 12);
	p = tsdt_provider_file__find_probe(pf, "postgresql", "x");
	assert_arg(p, 0, "unsigned char", "bool", "b");
	assert_arg(p, 1, "void *", "Ptr", "p");
	assert_arg(p, 2, "unsigned int", "Alias", "a");
	assert_arg(p, 3, "int", "SPACED", NULL);
	/* after #undef, the name is a plain typedef name again */
	p = tsdt_provider_file__find_probe(pf, "second", "y");
	assert_arg(p, 0, "Ptr", "Ptr", "p");
	tsdt_provider_file__free(pf);
}

/* Positions come from cpp's line markers. */
static void test_line_markers(void **state)
{
	char err[256];
	const char *text =
		"# 0 \"probes/app.d\"\n"
		"# 0 \"<built-in>\"\n"
		"# 1 \"/usr/include/stdc-predef.h\" 1 3 4\n"
		"# 0 \"<command-line>\" 2\n"
		"# 1 \"probes/app.d\"\n"
		"\n"
		"\n"
		"provider app {\n"
		"#line 40 \"other.d\"\n"
		"  probe a(int);\n"
		"# 7 \"probes/app.d\"\n"
		"  probe b(int x y);\n"
		"};\n";
	struct tsdt_provider_file *pf;

	pf = parse(text, err, sizeof(err));
	assert_null(pf);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err, "probes/app.d:7:17: expected ')' or ',' after argument name");

	pf = parse("# 12 \"x.d\"\nprovider p { probe a(int); };", err, sizeof(err));
	assert_non_null(pf);
	assert_string_equal(pf->providers[0].probes[0].loc.file, "x.d");
	assert_int_equal(pf->providers[0].probes[0].loc.line, 12);
	assert_string_equal(pf->path, "t.d");
	tsdt_provider_file__free(pf);
}

static void test_unnamed_and_void_ptr(void **state)
{
	char err[256];
	struct tsdt_provider_file *pf = parse(
		"provider p { probe a(void *); probe b(const void *const p); };",
		err, sizeof(err));

	assert_non_null(pf);
	assert_arg(&pf->providers[0].probes[0], 0, "void *", "void *", NULL);
	assert_arg(&pf->providers[0].probes[1], 0, "const void * const",
		   "const void * const", "p");
	tsdt_provider_file__free(pf);
}

static void test_empty(void **state)
{
	char err[256];
	struct tsdt_provider_file *pf;

	pf = tsdt_provider_file__parse(NULL, 0, "empty.d", err, sizeof(err));
	assert_non_null(pf);
	assert_int_equal(pf->provider_cnt, 0);
	tsdt_provider_file__free(pf);
	/* a UTF-8 byte-order mark is skipped; positions start after it */
	pf = parse("\xef\xbb\xbf# 1 \"x.d\"\nprovider p { probe a(); };", err, sizeof(err));
	assert_non_null(pf);
	assert_int_equal(pf->providers[0].loc.col, 10);
	tsdt_provider_file__free(pf);
	pf = parse("/* only a comment */\n#pragma D x\n", err, sizeof(err));
	assert_non_null(pf);
	assert_int_equal(pf->provider_cnt, 0);
	tsdt_provider_file__free(pf);
}

struct bad {
	const char *text;
	const char *msg;
};

static const struct bad bad_inputs[] = {
	{ "provider p {\n  probe a(int 5);\n};",
	  "t.d:2:15: expected ')' or ',' after argument type" },
	{ "provider p {\n  probe a(const char *s;\n};",
	  "t.d:2:24: expected ')' or ',' after argument name" },
	{ "provider p {\n  probe a(int,);\n};",
	  "t.d:2:15: expected argument type after ','" },
	{ "provider p { probe a(,); };",
	  "t.d:1:22: expected argument type or ')'" },
	{ "provider p { probe a(int) }",
	  "t.d:1:27: expected ';' after probe declaration" },
	{ "provider p { probe (int); };",
	  "t.d:1:20: expected probe name after 'probe'" },
	{ "provider p { probe a int; };",
	  "t.d:1:22: expected '(' after probe name" },
	{ "provider { };", "t.d:1:10: expected provider name after 'provider'" },
	{ "provider p probe", "t.d:1:12: expected '{' after provider name" },
	{ "provider p { prob a(); };",
	  "t.d:1:14: expected 'probe' or '}' in provider 'p'" },
	{ "provider p { probe a();", "t.d:1:24: expected 'probe' or '}' in provider 'p'" },
	{ "probe a();", "t.d:1:1: expected 'provider', or a declaration ('struct NAME;', 'typedef TYPE NAME;')" },
	{ "provider p { probe a(); }; }", "t.d:1:28: expected 'provider', or a declaration ('struct NAME;', 'typedef TYPE NAME;')" },
	/* declarations before a provider */
	{ "struct;", "t.d:1:7: expected a tag name after 'struct'" },
	{ "struct int;", "t.d:1:8: expected a tag name after 'struct'" },
	{ "struct req { int a; };", "t.d:1:12: a provider file declares types, it does not define them: write 'struct NAME;' and pass a pointer" },
	{ "union u", "t.d:1:8: expected ';' after 'union NAME'" },
	{ "typedef int;", "t.d:1:1: expected 'typedef TYPE NAME;'" },
	{ "typedef int x", "t.d:1:14: expected ';' after 'typedef TYPE NAME'" },
	/* translated arguments */
	{ "provider p { probe a(int x) : int x; };", "t.d:1:31: expected '(' after ':' (translated arguments)" },
	{ "provider p { probe a(int x) : (int x; };", "t.d:1:29: unterminated translated argument list" },
	{ "provider p { probe a(int a, int a); };",
	  "t.d:1:33: duplicate argument name 'a' in probe 'a'" },
	{ "provider p {\n probe a();\n probe a(int);\n};",
	  "t.d:3:8: probe 'a' of provider 'p' already declared at line 2" },
	{ "provider p { };\nprovider p { };",
	  "t.d:2:10: provider 'p' already declared at line 1" },
	{ "provider p { probe a(void, int); };",
	  "t.d:1:22: argument of type 'void' (use '()' or '(void)' alone for no arguments)" },
	{ "provider p { probe a(struct *s); };",
	  "t.d:1:22: expected a tag name after 'struct'" },
	{ "provider p { probe a(const); };",
	  "t.d:1:22: expected a type, not only qualifiers" },
	{ "provider p { probe a(char *p q); };",
	  "t.d:1:30: expected ')' or ',' after argument name" },
	{ "provider p { probe a(size_t n m); };",
	  "t.d:1:31: expected ')' or ',' after argument name" },
	{ "provider p { probe a(int[4]); };",
	  "t.d:1:25: expected ')' or ',' after argument type" },
	{ "provider p { probe a(int (*fn)(void)); };",
	  "t.d:1:26: expected ')' or ',' after argument type" },
	{ "provider p { probe a(int,int,int,int,int,int,int,int,int,int,int,int,int); };",
	  "t.d:1:70: too many arguments for probe 'a' (at most 12)" },
	{ "provider p { /* unterminated\n probe a(); };",
	  "t.d:1:14: unterminated comment" },
	{ "#include <stdint.h>\nprovider p {};",
	  "t.d:1:1: directive '#include' needs the C preprocessor (tsdt-gen -C)" },
	{ "#if 1\n#endif\n", "t.d:1:1: directive '#if' needs the C preprocessor (tsdt-gen -C)" },
	{ "#define F(x) x\n", "t.d:1:9: function-like macro 'F' needs the C preprocessor (tsdt-gen -C)" },
	{ "#define N 4\nprovider p { probe a(N); };",
	  "t.d:2:22: macro 'N' (defined at 1:9) does not expand to a type" },
	{ "#define A B\n#define B A\nprovider p { probe a(A); };",
	  "t.d:3:22: macro 'A' expands too deeply (recursive #define?)" },
	{ "#define E\nprovider p { probe a(E); };",
	  "t.d:2:22: macro 'E' expands to no type" },
	{ "provider p { probe a(int) # ; };",
	  "t.d:1:27: unexpected '#' (a directive must start a line)" },
	{ "# 5 \"unterminated\nprovider p {};",
	  "t.d:1:5: unterminated file name in line marker" },
	{ "# 99999999999 \"x.d\"\n", "t.d:1:3: line number too large in line marker" },
	/* an empty name in a line marker keeps the current file */
	{ "# 5 \"\"\nprovider p {", "t.d:5:13: expected 'probe' or '}' in provider 'p'" },
	{ "#line x\n", "t.d:1:7: expected a line number after '#line'" },
	{ "#undef\n", "t.d:1:7: expected a macro name after '#undef'" },
	{ "#undef A B\n", "t.d:1:10: unexpected text after '#undef NAME'" },
	{ "#define\n", "t.d:1:8: expected a macro name after '#define'" },
	{ "#!\n", "t.d:1:1: expected a preprocessor directive after '#'" },
	{ "provider p { probe a(\x01); };", "t.d:1:22: expected argument type or ')'" },
	{ "provider p\0{ probe a(); };", "t.d:1:11: expected '{' after provider name" },
};

static void test_bad_inputs(void **state)
{
	char err[256];

	for (size_t i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
		const struct bad *b = &bad_inputs[i];
		/* the NUL test case: its length is past the embedded NUL */
		size_t len = strlen(b->text);
		struct tsdt_provider_file *pf;

		if (!strcmp(b->text, "provider p"))
			len = sizeof("provider p\0{ probe a(); };") - 1;
		pf = tsdt_provider_file__parse(b->text, len, "t.d", err, sizeof(err));
		if (pf || strcmp(err, b->msg))
			fail_msg("input %zu \"%s\":\n  got  \"%s\"\n  want \"%s\"", i,
				 b->text, pf ? "(parsed)" : err, b->msg);
		assert_int_equal(errno, EINVAL);
	}
}

static void test_limits(void **state)
{
	char text[2048], name[300], err[512], want[512], ty[1024];
	struct tsdt_provider_file *pf;

	/* 255 characters (as the type note takes, and more than SystemTap's
	 * users write: a 64-character provider is no limit): fine; 256: too
	 * long, told with the name shortened */
	memset(name, 'n', 255);
	name[255] = 0;
	snprintf(text, sizeof(text), "provider %s { probe %s(int %s); };", name, name, name);
	pf = parse(text, err, sizeof(err));
	assert_non_null(pf);
	assert_string_equal(pf->providers[0].probes[0].name, name);
	tsdt_provider_file__free(pf);

	memset(name, 'n', 256);
	name[256] = 0;
	snprintf(text, sizeof(text), "provider p { probe %s(); };", name);
	pf = parse(text, err, sizeof(err));
	assert_null(pf);
	snprintf(want, sizeof(want),
		 "t.d:1:20: probe name '%.76s...' is too long (at most 255 characters)", name);
	assert_string_equal(err, want);

	snprintf(text, sizeof(text), "provider %s {};", name);
	pf = parse(text, err, sizeof(err));
	assert_null(pf);
	snprintf(want, sizeof(want),
		 "t.d:1:10: provider name '%.76s...' is too long (at most 255 characters)", name);
	assert_string_equal(err, want);

	snprintf(text, sizeof(text), "provider p { probe a(int %s); };", name);
	pf = parse(text, err, sizeof(err));
	assert_null(pf);
	snprintf(want, sizeof(want),
		 "t.d:1:26: name '%.76s...' is too long (at most 255 characters)", name);
	assert_string_equal(err, want);

	/* a type of more than 255 characters, through a macro */
	ty[0] = 0;
	for (int i = 0; i < 16; i++)
		strcat(ty, " * const volatile");
	snprintf(text, sizeof(text), "#define L unsigned long long\n"
		 "provider p { probe a(L%s); };", ty);
	pf = parse(text, err, sizeof(err));
	assert_null(pf);
	assert_string_equal(err, "t.d:2:22: argument type 'unsigned long long * const volatile * const volatile * const volatile * cons...' is too long (at most 255 characters)");

	/* too large an input */
	pf = tsdt_provider_file__parse("", TSDT_PF_MAX_SIZE + 1, "big.d", err, sizeof(err));
	assert_null(pf);
	assert_int_equal(errno, EFBIG);
}

/* Declarations and DTrace's translated arguments: accepted, the native
 * arguments kept, typedefs expanded as #defines are. */
static void test_declarations(void **state)
{
	char err[256];
	struct tsdt_provider_file *pf;
	const struct tsdt_pf_probe *p;

	pf = parse("struct req;\nunion u;\nenum e;\n"
		   "typedef unsigned long req_id_t;\ntypedef struct req req_t;\n"
		   "provider app {\n"
		   "\tprobe begin(req_t *r, req_id_t id);\n"
		   "\tprobe tr(int a, char *b) : (int a, string b);\n"
		   "};\n", err, sizeof(err));
	if (!pf)
		fail_msg("%s", err);
	p = tsdt_provider_file__find_probe(pf, "app", "begin");
	assert_non_null(p);
	assert_string_equal(p->args[0].type, "struct req *");
	assert_string_equal(p->args[0].spelling, "req_t *");
	assert_string_equal(p->args[1].type, "unsigned long");
	p = tsdt_provider_file__find_probe(pf, "app", "tr");
	assert_non_null(p);
	assert_int_equal(p->arg_cnt, 2);
	assert_string_equal(p->args[1].type, "char *");
	assert_string_equal(p->args[1].name, "b");
	tsdt_provider_file__free(pf);
}

static void test_error_buffer_and_log(void **state)
{
	char small[12];
	struct tsdt_provider_file *pf;
	tsdt_print_fn_t old;

	/* a short buffer is truncated, never overrun; NULL is fine */
	pf = parse("provider p { probe a(5); };", small, sizeof(small));
	assert_null(pf);
	assert_string_equal(small, "t.d:1:22: e");
	pf = parse("provider p { probe a(5); };", NULL, 0);
	assert_null(pf);

	/* the message also goes through the logging hook */
	old = tsdt_set_print(capture);
	logged[0] = 0;
	pf = parse("provider p {", NULL, 0);
	tsdt_set_print(old);
	assert_null(pf);
	assert_string_equal(logged, "provider: t.d:1:13: expected 'probe' or '}' in provider 'p'\n");
}

/* found by fuzz/provider: a huge file name in a line marker pushed the
 * position out of the message */
static void test_long_file_name(void **state)
{
	char text[600], err[256], want[256];
	struct tsdt_provider_file *pf;

	snprintf(text, sizeof(text), "# 3 \"%0400d\"\n probe", 0);
	pf = parse(text, err, sizeof(err));
	assert_null(pf);
	snprintf(want, sizeof(want), "%0128d:3:2: expected 'provider', or a declaration ('struct NAME;', 'typedef TYPE NAME;')", 0);
	assert_string_equal(err, want);
}

static void test_open(void **state)
{
	char path[] = "/tmp/test_provider-XXXXXX", err[512], want[600];
	const char *text = "provider f { probe a(int); };\n";
	struct tsdt_provider_file *pf;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	pf = tsdt_provider_file__open(path, err, sizeof(err));
	assert_non_null(pf);
	assert_string_equal(pf->path, path);
	assert_string_equal(pf->providers[0].probes[0].loc.file, path);
	tsdt_provider_file__free(pf);
	unlink(path);

	pf = tsdt_provider_file__open(path, err, sizeof(err));
	assert_null(pf);
	assert_int_equal(errno, ENOENT);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err, want);

	pf = tsdt_provider_file__open("/tmp", err, sizeof(err));
	assert_null(pf);
	assert_int_equal(errno, EISDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_defines_pragmas_comments),
		cmocka_unit_test(test_line_markers),
		cmocka_unit_test(test_unnamed_and_void_ptr),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_declarations),
		cmocka_unit_test(test_error_buffer_and_log),
		cmocka_unit_test(test_long_file_name),
		cmocka_unit_test(test_open),
	};

	tsdt_set_print(quiet);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
