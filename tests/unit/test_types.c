// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The type model: parsing C spellings, printing, and every rule of
 * tsdt_type__check() (see the comment at the top of attach/types.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <tsdt/libtsdt.h>

struct parse_case {
	const char *spelling;
	enum tsdt_type_kind kind;
	unsigned size;
	bool is_signed;
	const char *name;
};

static const struct parse_case parse_ok[] = {
	{ "int", TSDT_TYPE_INT, 4, true, "int32_t" },
	{ "signed", TSDT_TYPE_INT, 4, true, "int32_t" },
	{ "unsigned", TSDT_TYPE_INT, 4, false, "uint32_t" },
	{ "unsigned int", TSDT_TYPE_INT, 4, false, "uint32_t" },
	{ "  unsigned   int ", TSDT_TYPE_INT, 4, false, "uint32_t" },
	{ "char", TSDT_TYPE_INT, 1, true, "char" },
	{ "signed char", TSDT_TYPE_INT, 1, true, "int8_t" },
	{ "unsigned char", TSDT_TYPE_INT, 1, false, "uint8_t" },
	{ "short", TSDT_TYPE_INT, 2, true, "int16_t" },
	{ "short int", TSDT_TYPE_INT, 2, true, "int16_t" },
	{ "unsigned short", TSDT_TYPE_INT, 2, false, "uint16_t" },
	{ "long", TSDT_TYPE_INT, 8, true, "int64_t" },
	{ "long int", TSDT_TYPE_INT, 8, true, "int64_t" },
	{ "unsigned long", TSDT_TYPE_INT, 8, false, "uint64_t" },
	{ "long long", TSDT_TYPE_INT, 8, true, "int64_t" },
	{ "unsigned long long int", TSDT_TYPE_INT, 8, false, "uint64_t" },
	{ "long unsigned", TSDT_TYPE_INT, 8, false, "uint64_t" },
	{ "const int", TSDT_TYPE_INT, 4, true, "int32_t" },
	{ "volatile unsigned", TSDT_TYPE_INT, 4, false, "uint32_t" },
	{ "int8_t", TSDT_TYPE_INT, 1, true, "int8_t" },
	{ "uint16_t", TSDT_TYPE_INT, 2, false, "uint16_t" },
	{ "int32_t", TSDT_TYPE_INT, 4, true, "int32_t" },
	{ "uint64_t", TSDT_TYPE_INT, 8, false, "uint64_t" },
	{ "__u32", TSDT_TYPE_INT, 4, false, "__u32" },
	{ "__s64", TSDT_TYPE_INT, 8, true, "__s64" },
	{ "u8", TSDT_TYPE_INT, 1, false, "u8" },
	{ "size_t", TSDT_TYPE_INT, 8, false, "size_t" },
	{ "ssize_t", TSDT_TYPE_INT, 8, true, "ssize_t" },
	{ "pid_t", TSDT_TYPE_INT, 4, true, "pid_t" },
	{ "uid_t", TSDT_TYPE_INT, 4, false, "uid_t" },
	{ "off_t", TSDT_TYPE_INT, 8, true, "off_t" },
	{ "uintptr_t", TSDT_TYPE_INT, 8, false, "uintptr_t" },
	{ "bool", TSDT_TYPE_BOOL, 1, false, "bool" },
	{ "_Bool", TSDT_TYPE_BOOL, 1, false, "bool" },
	{ "float", TSDT_TYPE_FLOAT, 4, false, "float" },
	{ "double", TSDT_TYPE_FLOAT, 8, false, "double" },
	{ "enum color", TSDT_TYPE_ENUM, 4, false, "enum color" },
	{ "char *", TSDT_TYPE_STR, 8, false, "char *" },
	{ "char*", TSDT_TYPE_STR, 8, false, "char *" },
	{ "const char *", TSDT_TYPE_STR, 8, false, "const char *" },
	{ "char const*", TSDT_TYPE_STR, 8, false, "const char *" },
	{ "const char * const", TSDT_TYPE_STR, 8, false, "const char *" },
	{ "void *", TSDT_TYPE_PTR, 8, false, "void *" },
	{ "const void*", TSDT_TYPE_PTR, 8, false, "const void *" },
	{ "struct foo *", TSDT_TYPE_PTR, 8, false, "struct foo *" },
	{ "struct foo*", TSDT_TYPE_PTR, 8, false, "struct foo *" },
	{ "const struct foo *", TSDT_TYPE_PTR, 8, false, "const struct foo *" },
	{ "char **", TSDT_TYPE_PTR, 8, false, "char **" },
	{ "unsigned char *", TSDT_TYPE_PTR, 8, false, "unsigned char *" },
	{ "int *", TSDT_TYPE_PTR, 8, false, "int *" },
	{ "Oid", TSDT_TYPE_UNTYPED, 0, false, "Oid" },
};

static const char *const parse_bad[] = {
	"", "   ", "*", "struct foo", "union u", "void", "int int",
	"short long", "signed unsigned", "char long", "long long long",
	"long double", "int[4]", "int (*)(void)", "struct", "enum",
	"struct a b *", "char * name", "int @",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	"int *********",
};

static void test_parse(void **state)
{
	for (size_t i = 0; i < sizeof(parse_ok) / sizeof(parse_ok[0]); i++) {
		const struct parse_case *c = &parse_ok[i];
		struct tsdt_type t;

		if (tsdt_type__parse(c->spelling, &t))
			fail_msg("'%s' refused", c->spelling);
		if (t.kind != c->kind || t.size != c->size ||
		    t.is_signed != c->is_signed || strcmp(t.name, c->name))
			fail_msg("'%s': kind %d size %u signed %d name '%s'",
				 c->spelling, t.kind, t.size, t.is_signed, t.name);
	}
	for (size_t i = 0; i < sizeof(parse_bad) / sizeof(parse_bad[0]); i++) {
		struct tsdt_type t;

		if (tsdt_type__parse(parse_bad[i], &t) != -EINVAL)
			fail_msg("'%s' accepted", parse_bad[i]);
	}
	assert_int_equal(tsdt_type__parse(NULL, NULL), -EINVAL);
}

static void test_str(void **state)
{
	struct tsdt_type t = {};
	char buf[64];

	t.kind = TSDT_TYPE_UNTYPED;
	t.size = 4;
	t.is_signed = true;
	assert_string_equal(tsdt_type__str(&t, buf, sizeof(buf)), "int32 (untyped)");
	t.is_signed = false;
	t.size = 8;
	assert_string_equal(tsdt_type__str(&t, buf, sizeof(buf)), "uint64 (untyped)");
	tsdt_type__parse("const char *", &t);
	assert_string_equal(tsdt_type__str(&t, buf, sizeof(buf)), "const char *");
	tsdt_type__parse("Oid", &t);
	assert_string_equal(tsdt_type__str(&t, buf, sizeof(buf)), "Oid (unknown type)");
	tsdt_type__str(&t, buf, 3);
	assert_string_equal(buf, "Oi");
}

static struct tsdt_type T(const char *s)
{
	struct tsdt_type t;

	if (tsdt_type__parse(s, &t))
		fail_msg("bad spelling '%s' in test", s);
	return t;
}

static struct tsdt_type U(int size, bool is_signed)
{
	struct tsdt_type t = { .kind = TSDT_TYPE_UNTYPED, .size = size,
			       .is_signed = is_signed };
	return t;
}

static void yes(struct tsdt_type r, struct tsdt_type p)
{
	char why[160] = "";

	if (tsdt_type__check(&r, &p, why, sizeof(why)))
		fail_msg("%s / %s refused: %s", r.name, p.name, why);
}

static void no(struct tsdt_type r, struct tsdt_type p)
{
	char why[160] = "";
	char rb[80], pb[80], want[200];

	if (tsdt_type__check(&r, &p, why, sizeof(why)) != -EPROTOTYPE)
		fail_msg("%s / %s accepted", r.name, p.name);
	snprintf(want, sizeof(want), "handler reads %s, probe declares %s",
		 tsdt_type__str(&r, rb, sizeof(rb)),
		 tsdt_type__str(&p, pb, sizeof(pb)));
	assert_string_equal(why, want);
}

static void test_check_message(void **state)
{
	struct tsdt_type r = T("uint64_t"), p = T("const char *");
	char why[128];

	assert_int_equal(tsdt_type__check(&r, &p, why, sizeof(why)), -EPROTOTYPE);
	assert_string_equal(why, "handler reads uint64_t, probe declares const char *");
	/* NULL why is fine */
	assert_int_equal(tsdt_type__check(&r, &p, NULL, 0), -EPROTOTYPE);
	assert_int_equal(tsdt_type__check(NULL, &p, NULL, 0), -EINVAL);
}

static void test_check_ints(void **state)
{
	yes(T("uint32_t"), T("unsigned int"));
	yes(T("int"), T("int32_t"));
	yes(T("size_t"), T("uint64_t"));
	no(T("uint32_t"), T("int32_t"));     /* sign */
	no(T("int64_t"), T("int32_t"));      /* size (typed: no widening) */
	no(T("int16_t"), T("int32_t"));
	no(T("bool"), T("int8_t"));          /* kind */
	no(T("enum e"), T("uint32_t"));
	no(T("double"), T("int64_t"));
	no(T("void *"), T("uint64_t"));
	no(T("const char *"), T("uint64_t"));
}

static void test_check_bool_enum(void **state)
{
	yes(T("bool"), T("_Bool"));
	yes(T("uint8_t"), T("bool"));        /* BOOL as an int of its size */
	yes(T("int8_t"), T("bool"));
	no(T("uint32_t"), T("bool"));
	yes(T("enum a"), T("enum a"));
	yes(T("int32_t"), T("enum a"));      /* ENUM as an int of its size */
	yes(T("uint32_t"), T("enum a"));
	no(T("int64_t"), T("enum a"));
	no(T("bool"), T("enum a"));
}

static void test_check_float(void **state)
{
	yes(T("double"), T("double"));
	yes(T("float"), T("float"));
	no(T("float"), T("double"));
	no(T("double"), T("float"));
	no(T("int64_t"), T("double"));
	no(T("uint32_t"), T("float"));
}

static void test_check_pointers(void **state)
{
	yes(T("const char *"), T("char *"));   /* STR == STR */
	yes(T("char *"), T("const char *"));
	yes(T("void *"), T("const char *"));   /* STR read as a pointer */
	yes(T("const unsigned char *"), T("const char *"));
	no(T("const char *"), T("void *"));    /* a pointer is not a string */
	no(T("char *"), T("struct foo *"));
	yes(T("struct foo *"), T("struct foo *"));
	yes(T("const struct foo *"), T("struct foo *"));
	no(T("struct foo *"), T("struct bar *"));
	yes(T("void *"), T("struct bar *"));   /* void * reads any pointer */
	yes(T("struct bar *"), T("void *"));   /* as C converts void * */
	no(T("int *"), T("long *"));
	no(T("char **"), T("char ***"));
	yes(T("char **"), T("char **"));
	no(T("uint64_t"), T("void *"));
	/* pointee unknown (a typedef'd pointer) accepts */
	{
		struct tsdt_type p = { .kind = TSDT_TYPE_PTR, .size = 8 };

		strcpy(p.name, "Relation");
		yes(T("struct RelationData *"), p);
	}
}

static void test_check_untyped(void **state)
{
	/* same size and sign */
	yes(T("int32_t"), U(4, true));
	yes(T("uint32_t"), U(4, false));
	no(T("uint32_t"), U(4, true));
	no(T("int32_t"), U(4, false));
	/* widening with the same sign */
	yes(T("int64_t"), U(4, true));
	yes(T("uint64_t"), U(1, false));
	no(T("uint64_t"), U(4, true));
	/* narrowing */
	no(T("int16_t"), U(4, true));
	/* BOOL/ENUM readers like ints */
	yes(T("bool"), U(1, false));
	no(T("bool"), U(4, true));            /* PostgreSQL's bool: -4 */
	yes(T("enum e"), U(4, false));
	/* pointers and strings on 8-byte values, either sign */
	yes(T("const char *"), U(8, false));
	yes(T("void *"), U(8, true));
	yes(T("struct foo *"), U(8, false));
	no(T("const char *"), U(4, false));
	/* floats: never on an untyped integer (the catalog turns an 'f'
	 * marker into kind FLOAT) */
	no(T("double"), U(8, false));
	no(T("float"), U(4, true));
	/* unknown size */
	no(T("int32_t"), U(0, false));
	/* a reader whose type is unknown */
	no(T("Oid"), U(4, false));
	no(T("Oid"), T("Oid"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_str),
		cmocka_unit_test(test_check_message),
		cmocka_unit_test(test_check_ints),
		cmocka_unit_test(test_check_bool_enum),
		cmocka_unit_test(test_check_float),
		cmocka_unit_test(test_check_pointers),
		cmocka_unit_test(test_check_untyped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
