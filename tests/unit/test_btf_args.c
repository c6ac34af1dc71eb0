// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Reading a handler's declared types from BTF (attach/btf-args.c): the BTF
 * that TSDT_HANDLER() produces is built here with libbpf's btf__add_*(),
 * including malformed variants.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <bpf/btf.h>

#include "attach-internal.h"

static int quiet(enum tsdt_print_level l, const char *f, va_list ap)
{
	return 0;
}

struct ids {
	int s8, u64, td_u64_inner, td_u64, boolean, td_bool, cchar, ptr_cchar;
	int foo, ptr_foo, cptr_foo, ptr_void, en, flt, dbl, u8, ptr_u8;
};

static struct btf *base_types(struct ids *t)
{
	struct btf *btf = btf__new_empty();
	int c;

	assert_non_null(btf);
	t->s8 = btf__add_int(btf, "signed char", 1, BTF_INT_SIGNED);
	t->u64 = btf__add_int(btf, "unsigned long long", 8, 0);
	t->td_u64_inner = btf__add_typedef(btf, "__u64", t->u64);
	t->td_u64 = btf__add_typedef(btf, "uint64_t", t->td_u64_inner);
	t->boolean = btf__add_int(btf, "_Bool", 1, BTF_INT_BOOL);
	t->td_bool = btf__add_typedef(btf, "bool", t->boolean);
	c = btf__add_int(btf, "char", 1, BTF_INT_SIGNED);
	t->cchar = btf__add_const(btf, c);
	t->ptr_cchar = btf__add_ptr(btf, t->cchar);
	t->foo = btf__add_struct(btf, "foo", 4);
	btf__add_field(btf, "x", t->s8, 0, 0);
	t->ptr_foo = btf__add_ptr(btf, t->foo);
	t->cptr_foo = btf__add_ptr(btf, btf__add_const(btf, t->foo));
	t->ptr_void = btf__add_ptr(btf, 0);
	t->en = btf__add_enum(btf, "color", 4);
	btf__add_enum_value(btf, "RED", 1);
	t->flt = btf__add_float(btf, "float", 4);
	t->dbl = btf__add_float(btf, "double", 8);
	t->u8 = btf__add_int(btf, "unsigned char", 1, 0);
	t->ptr_u8 = btf__add_ptr(btf, btf__add_typedef(btf, "uint8_t", t->u8));
	return btf;
}

static void test_type_mapping(void **state)
{
	struct ids t;
	struct btf *btf = base_types(&t);
	struct tsdt_type r;

	assert_int_equal(tsdt_btf__type(btf, t.td_u64, &r), 0);
	assert_int_equal(r.kind, TSDT_TYPE_INT);
	assert_int_equal(r.size, 8);
	assert_false(r.is_signed);
	assert_string_equal(r.name, "uint64_t"); /* outermost typedef */

	assert_int_equal(tsdt_btf__type(btf, t.s8, &r), 0);
	assert_int_equal(r.kind, TSDT_TYPE_INT);
	assert_true(r.is_signed);
	assert_string_equal(r.name, "signed char");

	assert_int_equal(tsdt_btf__type(btf, t.td_bool, &r), 0);
	assert_int_equal(r.kind, TSDT_TYPE_BOOL);
	assert_int_equal(r.size, 1);

	assert_int_equal(tsdt_btf__type(btf, t.ptr_cchar, &r), 0);
	assert_int_equal(r.kind, TSDT_TYPE_STR);
	assert_string_equal(r.name, "const char *");

	assert_int_equal(tsdt_btf__type(btf, t.ptr_foo, &r), 0);
	assert_int_equal(r.kind, TSDT_TYPE_PTR);
	assert_string_equal(r.name, "struct foo *");

	assert_int_equal(tsdt_btf__type(btf, t.cptr_foo, &r), 0);
	assert_string_equal(r.name, "const struct foo *");

	assert_int_equal(tsdt_btf__type(btf, t.ptr_void, &r), 0);
	assert_int_equal(r.kind, TSDT_TYPE_PTR);
	assert_string_equal(r.name, "void *");

	/* a pointer to uint8_t is a pointer, not a string */
	assert_int_equal(tsdt_btf__type(btf, t.ptr_u8, &r), 0);
	assert_int_equal(r.kind, TSDT_TYPE_PTR);
	assert_string_equal(r.name, "uint8_t *");

	assert_int_equal(tsdt_btf__type(btf, t.en, &r), 0);
	assert_int_equal(r.kind, TSDT_TYPE_INT);
	assert_int_equal(r.size, 4);
	assert_string_equal(r.name, "enum color");

	assert_int_equal(tsdt_btf__type(btf, t.dbl, &r), 0);
	assert_int_equal(r.kind, TSDT_TYPE_FLOAT);
	assert_int_equal(r.size, 8);

	/* a struct by value cannot be read from a probe */
	assert_int_equal(tsdt_btf__type(btf, t.foo, &r), -ENOTSUP);
	assert_string_equal(r.name, "struct foo");
	/* a bad id */
	assert_int_equal(tsdt_btf__type(btf, 9999, &r), -EINVAL);
	btf__free(btf);
}

/* struct tsdt_args__NAME with the given member types and a tag */
static int add_sig(struct btf *btf, const char *name, const char *tag,
		   int n, const int *types)
{
	char sname[64], m[16];
	int sid, i;

	snprintf(sname, sizeof(sname), "tsdt_args__%s", name);
	sid = btf__add_struct(btf, sname, n * 8);
	for (i = 0; i < n; i++) {
		snprintf(m, sizeof(m), "a%d", i);
		btf__add_field(btf, m, types[i], i * 64, 0);
	}
	if (tag)
		btf__add_decl_tag(btf, tag, sid, -1);
	return sid;
}

static void test_handler_sig(void **state)
{
	struct ids t;
	struct btf *btf = base_types(&t);
	struct tsdt_handler_sig sig;
	int good[] = { t.td_u64, t.ptr_cchar, t.dbl, t.td_bool };
	int bad[] = { t.td_u64, t.foo };
	int many[13];

	for (int i = 0; i < 13; i++)
		many[i] = t.s8;
	add_sig(btf, "h", "tsdt.probe=myapp:request_start", 4, good);
	add_sig(btf, "notag", NULL, 1, good);
	add_sig(btf, "badtag", "tsdt.probe=nocolon", 1, good);
	add_sig(btf, "emptyname", "tsdt.probe=myapp:", 1, good);
	add_sig(btf, "byval", "tsdt.probe=p:n", 2, bad);
	add_sig(btf, "many", "tsdt.probe=p:n", 13, many);
	add_sig(btf, "none", "tsdt.probe=p:tick", 0, NULL);
	/* another tag on the struct that is not ours is ignored */
	btf__add_decl_tag(btf, "other=1",
			  btf__find_by_name_kind(btf, "tsdt_args__h",
						 BTF_KIND_STRUCT), -1);

	assert_int_equal(tsdt_btf__handler_sig(btf, "h", &sig), 0);
	assert_string_equal(sig.provider, "myapp");
	assert_string_equal(sig.name, "request_start");
	assert_int_equal(sig.arg_cnt, 4);
	assert_string_equal(sig.arg_names[1], "a1");
	assert_int_equal(sig.types[0].kind, TSDT_TYPE_INT);
	assert_int_equal(sig.types[1].kind, TSDT_TYPE_STR);
	assert_int_equal(sig.types[2].kind, TSDT_TYPE_FLOAT);
	assert_int_equal(sig.types[3].kind, TSDT_TYPE_BOOL);

	assert_int_equal(tsdt_btf__handler_sig(btf, "none", &sig), 0);
	assert_int_equal(sig.arg_cnt, 0);
	assert_string_equal(sig.name, "tick");

	assert_int_equal(tsdt_btf__handler_sig(btf, "absent", &sig), -ENOENT);
	assert_int_equal(tsdt_btf__handler_sig(btf, "notag", &sig), -ENOENT);
	assert_int_equal(tsdt_btf__handler_sig(btf, "badtag", &sig), -EINVAL);
	assert_int_equal(tsdt_btf__handler_sig(btf, "emptyname", &sig), -EINVAL);
	assert_int_equal(tsdt_btf__handler_sig(btf, "byval", &sig), -ENOTSUP);
	assert_int_equal(tsdt_btf__handler_sig(btf, "many", &sig), -E2BIG);
	btf__free(btf);
}

/* what the handler's types meet: the one rule, tsdt_type__check() */
static void test_check_words(void **state)
{
	struct ids t;
	struct btf *btf = base_types(&t);
	struct tsdt_type r, p;
	char why[256];

	assert_int_equal(tsdt_btf__type(btf, t.td_u64, &r), 0);
	assert_int_equal(tsdt_type__parse("const char *", &p), 0);
	assert_int_equal(tsdt_type__check(&r, &p, why, sizeof(why)),
			 -EPROTOTYPE);
	assert_string_equal(why,
			    "handler reads uint64_t, probe declares const char *");
	assert_int_equal(tsdt_type__parse("uint64_t", &p), 0);
	assert_int_equal(tsdt_type__check(&r, &p, why, sizeof(why)), 0);
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_mapping),
		cmocka_unit_test(test_handler_sig),
		cmocka_unit_test(test_check_words),
	};

	tsdt_set_print(quiet);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
