// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Argument specs: every form on x86-64 and aarch64, and malformed input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <tsdt/libtsdt.h>
#include "spec.h"

/* pt_regs offsets, written out independently of spec-x86.c */
enum { R15 = 0, R14 = 8, R13 = 16, R12 = 24, RBP = 32, RBX = 40, R11 = 48,
       R10 = 56, R9 = 64, R8 = 72, RAX = 80, RCX = 88, RDX = 96, RSI = 104,
       RDI = 112, RSP = 152 };

struct ok_case {
	const char *str;
	enum tsdt_arg_loc loc;
	int size;
	bool is_signed, is_float;
	int64_t val;
	const char *reg;
	int reg_off, reg_size;
	const char *index_reg;
	int index_reg_off, scale;
	const char *sym;
};

static const struct ok_case x86_ok[] = {
	{ "-4@%edi", TSDT_ARG_REG, 4, true, false, 0, "edi", RDI, 4 },
	{ "8@%rsi", TSDT_ARG_REG, 8, false, false, 0, "rsi", RSI, 8 },
	{ "8@%rax", TSDT_ARG_REG, 8, false, false, 0, "rax", RAX, 8 },
	{ "4@%eax", TSDT_ARG_REG, 4, false, false, 0, "eax", RAX, 4 },
	{ "2@%ax", TSDT_ARG_REG, 2, false, false, 0, "ax", RAX, 2 },
	{ "1@%al", TSDT_ARG_REG, 1, false, false, 0, "al", RAX, 1 },
	{ "1@%ah", TSDT_ARG_REG, 1, false, false, 0, "ah", RAX + 1, 1 },
	{ "8@%rbx", TSDT_ARG_REG, 8, false, false, 0, "rbx", RBX, 8 },
	{ "1@%bl", TSDT_ARG_REG, 1, false, false, 0, "bl", RBX, 1 },
	{ "1@%bh", TSDT_ARG_REG, 1, false, false, 0, "bh", RBX + 1, 1 },
	{ "4@%ecx", TSDT_ARG_REG, 4, false, false, 0, "ecx", RCX, 4 },
	{ "2@%cx", TSDT_ARG_REG, 2, false, false, 0, "cx", RCX, 2 },
	{ "1@%ch", TSDT_ARG_REG, 1, false, false, 0, "ch", RCX + 1, 1 },
	{ "-4@%edx", TSDT_ARG_REG, 4, true, false, 0, "edx", RDX, 4 },
	{ "1@%dl", TSDT_ARG_REG, 1, false, false, 0, "dl", RDX, 1 },
	{ "1@%dh", TSDT_ARG_REG, 1, false, false, 0, "dh", RDX + 1, 1 },
	{ "2@%si", TSDT_ARG_REG, 2, false, false, 0, "si", RSI, 2 },
	{ "1@%sil", TSDT_ARG_REG, 1, false, false, 0, "sil", RSI, 1 },
	{ "-4@%esi", TSDT_ARG_REG, 4, true, false, 0, "esi", RSI, 4 },
	{ "8@%rdi", TSDT_ARG_REG, 8, false, false, 0, "rdi", RDI, 8 },
	{ "2@%di", TSDT_ARG_REG, 2, false, false, 0, "di", RDI, 2 },
	{ "1@%dil", TSDT_ARG_REG, 1, false, false, 0, "dil", RDI, 1 },
	{ "8@%rbp", TSDT_ARG_REG, 8, false, false, 0, "rbp", RBP, 8 },
	{ "4@%ebp", TSDT_ARG_REG, 4, false, false, 0, "ebp", RBP, 4 },
	{ "2@%bp", TSDT_ARG_REG, 2, false, false, 0, "bp", RBP, 2 },
	{ "1@%bpl", TSDT_ARG_REG, 1, false, false, 0, "bpl", RBP, 1 },
	{ "8@%rsp", TSDT_ARG_REG, 8, false, false, 0, "rsp", RSP, 8 },
	{ "4@%esp", TSDT_ARG_REG, 4, false, false, 0, "esp", RSP, 4 },
	{ "1@%spl", TSDT_ARG_REG, 1, false, false, 0, "spl", RSP, 1 },
	{ "8@%r8", TSDT_ARG_REG, 8, false, false, 0, "r8", R8, 8 },
	{ "-4@%r8d", TSDT_ARG_REG, 4, true, false, 0, "r8d", R8, 4 },
	{ "2@%r9w", TSDT_ARG_REG, 2, false, false, 0, "r9w", R9, 2 },
	{ "1@%r10b", TSDT_ARG_REG, 1, false, false, 0, "r10b", R10, 1 },
	{ "8@%r11", TSDT_ARG_REG, 8, false, false, 0, "r11", R11, 8 },
	{ "-4@%r12d", TSDT_ARG_REG, 4, true, false, 0, "r12d", R12, 4 },
	{ "8@%r13", TSDT_ARG_REG, 8, false, false, 0, "r13", R13, 8 },
	{ "-4@%r14d", TSDT_ARG_REG, 4, true, false, 0, "r14d", R14, 4 },
	{ "8@%r15", TSDT_ARG_REG, 8, false, false, 0, "r15", R15, 8 },
	{ "1@%r15b", TSDT_ARG_REG, 1, false, false, 0, "r15b", R15, 1 },
	/* constants */
	{ "-4@$1", TSDT_ARG_CONST, 4, true, false, 1 },
	{ "-4@$-1", TSDT_ARG_CONST, 4, true, false, -1 },
	{ "8@$0x1f", TSDT_ARG_CONST, 8, false, false, 0x1f },
	{ "8@$-0x10", TSDT_ARG_CONST, 8, false, false, -0x10 },
	{ "4@123", TSDT_ARG_CONST, 4, false, false, 123 },
	{ "-8@-5", TSDT_ARG_CONST, 8, true, false, -5 },
	{ "8@$9223372036854775807", TSDT_ARG_CONST, 8, false, false, INT64_MAX },
	{ "-8@$-9223372036854775808", TSDT_ARG_CONST, 8, true, false, INT64_MIN },
	{ "8@$sym", TSDT_ARG_CONST, 8, false, false, 0, .sym = "sym" },
	{ "8@$sym+16", TSDT_ARG_CONST, 8, false, false, 16, .sym = "sym" },
	/* memory */
	{ "4@60(%rax)", TSDT_ARG_REG_DEREF, 4, false, false, 60, "rax", RAX, 8 },
	{ "-4@-20(%rbp)", TSDT_ARG_REG_DEREF, 4, true, false, -20, "rbp", RBP, 8 },
	{ "8@(%rdi)", TSDT_ARG_REG_DEREF, 8, false, false, 0, "rdi", RDI, 8 },
	{ "8@0x10(%r12)", TSDT_ARG_REG_DEREF, 8, false, false, 16, "r12", R12, 8 },
	{ "-4@112(%rsp)", TSDT_ARG_REG_DEREF, 4, true, false, 112, "rsp", RSP, 8 },
	{ "8@8(%rax,%rbx,8)", TSDT_ARG_SIB, 8, false, false, 8, "rax", RAX, 8,
	  "rbx", RBX, 8 },
	{ "4@(%rdi,%rsi)", TSDT_ARG_SIB, 4, false, false, 0, "rdi", RDI, 8,
	  "rsi", RSI, 1 },
	{ "4@-4(%rdi,%r9,4)", TSDT_ARG_SIB, 4, false, false, -4, "rdi", RDI, 8,
	  "r9", R9, 4 },
	{ "8@(,%rax,8)", TSDT_ARG_SIB, 8, false, false, 0, "", -1, 0,
	  "rax", RAX, 8 },
	{ "8@table(,%rax,8)", TSDT_ARG_SIB, 8, false, false, 0, "", -1, 0,
	  "rax", RAX, 8, .sym = "table" },
	{ "8@arr+8(%rbx)", TSDT_ARG_REG_DEREF, 8, false, false, 8, "rbx", RBX, 8,
	  .sym = "arr" },
	/* rip-relative */
	{ "-4@NBuffers(%rip)", TSDT_ARG_STATIC, 4, true, false, 0, "", 0, 0,
	  .sym = "NBuffers" },
	{ "-4@40+CheckpointStats(%rip)", TSDT_ARG_STATIC, 4, true, false, 40,
	  "", 0, 0, .sym = "CheckpointStats" },
	{ "8@sym+8(%rip)", TSDT_ARG_STATIC, 8, false, false, 8, "", 0, 0,
	  .sym = "sym" },
	{ "8@sym-8(%rip)", TSDT_ARG_STATIC, 8, false, false, -8, "", 0, 0,
	  .sym = "sym" },
	{ "4@.LC0(%rip)", TSDT_ARG_STATIC, 4, false, false, 0, "", 0, 0,
	  .sym = ".LC0" },
	{ "8@_ZN3foo3barE(%rip)", TSDT_ARG_STATIC, 8, false, false, 0, "", 0, 0,
	  .sym = "_ZN3foo3barE" },
	/* floats */
	{ "8f@%xmm0", TSDT_ARG_FPREG, 8, false, true, 0, "xmm0", -1, 16 },
	{ "-8f@%xmm15", TSDT_ARG_FPREG, 8, true, true, 0, "xmm15", -1, 16 },
	{ "4f@-8(%rbp)", TSDT_ARG_REG_DEREF, 4, false, true, -8, "rbp", RBP, 8 },
	{ "8f@%rax", TSDT_ARG_REG, 8, false, true, 0, "rax", RAX, 8 },
};

/* user_pt_regs: regs[31], sp, pc, pstate */
static const struct ok_case arm_ok[] = {
	{ "-4@x0", TSDT_ARG_REG, 4, true, false, 0, "x0", 0, 8 },
	{ "8@x1", TSDT_ARG_REG, 8, false, false, 0, "x1", 8, 8 },
	{ "8@x30", TSDT_ARG_REG, 8, false, false, 0, "x30", 240, 8 },
	{ "-4@w2", TSDT_ARG_REG, 4, true, false, 0, "w2", 16, 4 },
	{ "4@w30", TSDT_ARG_REG, 4, false, false, 0, "w30", 240, 4 },
	{ "8@sp", TSDT_ARG_REG, 8, false, false, 0, "sp", 248, 8 },
	{ "-4@[sp, 16]", TSDT_ARG_REG_DEREF, 4, true, false, 16, "sp", 248, 8 },
	{ "8@[sp]", TSDT_ARG_REG_DEREF, 8, false, false, 0, "sp", 248, 8 },
	{ "8@[x1]", TSDT_ARG_REG_DEREF, 8, false, false, 0, "x1", 8, 8 },
	{ "-4@[x1, -8]", TSDT_ARG_REG_DEREF, 4, true, false, -8, "x1", 8, 8 },
	{ "4@[x29, #24]", TSDT_ARG_REG_DEREF, 4, false, false, 24, "x29", 232, 8 },
	{ "4@[x19,8]", TSDT_ARG_REG_DEREF, 4, false, false, 8, "x19", 152, 8 },
	{ "-4@#5", TSDT_ARG_CONST, 4, true, false, 5 },
	{ "-4@#-5", TSDT_ARG_CONST, 4, true, false, -5 },
	{ "8@42", TSDT_ARG_CONST, 8, false, false, 42 },
	{ "8@-42", TSDT_ARG_CONST, 8, false, false, -42 },
	{ "8@0x10", TSDT_ARG_CONST, 8, false, false, 16 },
	{ "8@xzr", TSDT_ARG_CONST, 8, false, false, 0 },
	{ "-8@[x6, #:lo12:.LANCHOR0]", TSDT_ARG_REG_DEREF, 8, true, false, 0,
	  "x6", 48, 8, .sym = ":lo12:.LANCHOR0" },
	{ "8@[x2, :lo12:g]", TSDT_ARG_REG_DEREF, 8, false, false, 0,
	  "x2", 16, 8, .sym = ":lo12:g" },
	{ "8f@d0", TSDT_ARG_FPREG, 8, false, true, 0, "d0", -1, 8 },
	{ "4f@s1", TSDT_ARG_FPREG, 4, false, true, 0, "s1", -1, 4 },
	{ "8f@v31", TSDT_ARG_FPREG, 8, false, true, 0, "v31", -1, 16 },
};

static void check_ok(enum tsdt_arch arch, const struct ok_case *c)
{
	struct tsdt_arg_spec s;
	char err[256] = "", buf[256];
	int e;

	memset(&s, 0x5a, sizeof(s));
	e = tsdt_spec_parse(arch, c->str, &s, err, sizeof(err));
	if (e)
		fail_msg("'%s': %d %s", c->str, e, err);
	assert_int_equal(s.loc, c->loc);
	assert_int_equal(s.size, c->size);
	assert_int_equal(s.is_signed, c->is_signed);
	assert_int_equal(s.is_float, c->is_float);
	if (s.val != c->val)
		fail_msg("'%s': val %lld, want %lld", c->str, (long long)s.val,
			 (long long)c->val);
	assert_string_equal(s.sym, c->sym ? c->sym : "");
	assert_int_equal(s.addr, 0);
	if (c->loc == TSDT_ARG_REG || c->loc == TSDT_ARG_REG_DEREF ||
	    c->loc == TSDT_ARG_SIB || c->loc == TSDT_ARG_FPREG) {
		assert_string_equal(s.reg, c->reg);
		if (s.reg_off != c->reg_off)
			fail_msg("'%s': reg_off %d, want %d", c->str, s.reg_off,
				 c->reg_off);
		assert_int_equal(s.reg_size, c->reg_size);
	}
	if (c->loc == TSDT_ARG_SIB) {
		assert_string_equal(s.index_reg, c->index_reg);
		assert_int_equal(s.index_reg_off, c->index_reg_off);
		assert_int_equal(s.scale, c->scale);
	}
	/* the public parser agrees, and the decoded text is non-empty */
	{
		struct tsdt_arg_spec s2;

		assert_int_equal(tsdt_arg_spec_parse(arch, c->str, &s2), 0);
		assert_memory_equal(&s, &s2, offsetof(struct tsdt_arg_spec, addr));
	}
	tsdt_arg_spec__str(&s, buf, sizeof(buf));
	assert_true(strlen(buf) > 3);
}

static void test_x86_forms(void **state)
{
	for (size_t i = 0; i < sizeof(x86_ok) / sizeof(x86_ok[0]); i++)
		check_ok(TSDT_ARCH_X86_64, &x86_ok[i]);
}

static void test_arm64_forms(void **state)
{
	for (size_t i = 0; i < sizeof(arm_ok) / sizeof(arm_ok[0]); i++)
		check_ok(TSDT_ARCH_AARCH64, &arm_ok[i]);
}

struct bad_case {
	const char *str;
	const char *msg; /* substring of the error */
};

static const struct bad_case x86_bad[] = {
	{ "", "empty" },
	{ "4", "SIZE@LOCATION" },
	{ "@%eax", "SIZE@LOCATION" },
	{ "%eax", "SIZE@LOCATION" },
	{ "3@%eax", "bad argument size 3" },
	{ "16@%eax", "bad argument size 16" },
	{ "0@%eax", "bad argument size 0" },
	{ "-0x4@%eax", "SIZE@LOCATION" },
	{ "2f@%ax", "bad float size 2" },
	{ "4@", "missing location" },
	{ "4@%foo", "unknown register '%foo'" },
	{ "4@%eaxx", "unknown register" },
	{ "4@%xmm32", "unknown register" },
	{ "4@%", "unknown register" },
	{ "4@%eax,", "unexpected" },
	{ "4@$", "bad constant" },
	{ "4@$12x", "unexpected" },
	{ "8@$99999999999999999999", "bad constant" },
	{ "4@8(%eax)", "not 64-bit" },
	{ "4@8(%rax", "expected ')'" }, /* unterminated: reported somehow */
	{ "4@8(%rax,%rbx,3)", "bad scale" },
	{ "4@8(%rax,%rsp,2)", "bad index register" },
	{ "4@8(%rax,%ebx,2)", "bad index register" },
	{ "4@8(%rax))", "unexpected" },
	{ "4@8(%rip)", "without a symbol" },
	{ "4@sym", "bare symbol" },
	{ "4@sym(%rip,%rax,2)", "index" },
	{ "4@(", "expected a register" },
	{ "8@%rip", "not an argument value" },
	{ "4@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(%rip)",
	  "longer than" },
	{ "4@x0", "bare symbol" },
};

static const struct bad_case arm_bad[] = {
	{ "4@x31", "unknown register 'x31'" },
	{ "4@w99", "unknown register" },
	{ "4@r0", "unknown register" },
	{ "4@x01", "unknown register" },
	{ "4@[x1", "expected ']'" },
	{ "4@[w1, 8]", "bad base register" },
	{ "4@[x1, ]", "bad offset" },
	{ "4@[x1, 8]x", "unexpected" },
	{ "4@#", "bad constant" },
	{ "4@x1x", "unknown register" },
	{ "4@%eax", "unknown register" },
	{ "4@[x1, x2]", "bad offset" },
	{ "4@[x1, #:lo12:]", "bad :lo12: symbol" },
};

static void check_bad(enum tsdt_arch arch, const struct bad_case *c)
{
	struct tsdt_arg_spec s;
	char err[256] = "";
	int e;

	e = tsdt_spec_parse(arch, c->str, &s, err, sizeof(err));
	if (e != -EINVAL)
		fail_msg("'%s' (%s): got %d, want -EINVAL", c->str,
			 tsdt_arch__str(arch), e);
	if (!strstr(err, c->msg))
		fail_msg("'%s': error '%s' lacks '%s'", c->str, err, c->msg);
	/* errors that concern the location quote the spec */
	if (c->str[0] && strchr(c->str, '@') && c->str[strlen(c->str) - 1] != '@' &&
	    !strstr(err, c->str))
		fail_msg("'%s': error '%s' does not quote the spec", c->str, err);
}

static void test_x86_malformed(void **state)
{
	for (size_t i = 0; i < sizeof(x86_bad) / sizeof(x86_bad[0]); i++)
		check_bad(TSDT_ARCH_X86_64, &x86_bad[i]);
}

static void test_arm64_malformed(void **state)
{
	for (size_t i = 0; i < sizeof(arm_bad) / sizeof(arm_bad[0]); i++)
		check_bad(TSDT_ARCH_AARCH64, &arm_bad[i]);
}

static void test_unsupported_arch(void **state)
{
	struct tsdt_arg_spec s;
	char err[128] = "";

	assert_int_equal(tsdt_spec_parse(TSDT_ARCH_UNKNOWN, "4@%eax", &s, err,
					 sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "unsupported architecture"));
	assert_int_equal(tsdt_arg_spec_parse((enum tsdt_arch)99, "4@x0", &s),
			 -ENOTSUP);
	assert_int_equal(tsdt_arg_spec_parse(TSDT_ARCH_X86_64, NULL, &s),
			 -EINVAL);
}

static void test_split(void **state)
{
	const char *st[TSDT_MAX_ARGS];
	size_t ln[TSDT_MAX_ARGS];
	char buf[64];
	int n;

	n = tsdt_spec_split("-4@%edi  8@-16(%rbp) -4@[sp, 16] 8@[x1]", st, ln,
			    TSDT_MAX_ARGS);
	assert_int_equal(n, 4);
	snprintf(buf, sizeof(buf), "%.*s", (int)ln[2], st[2]);
	assert_string_equal(buf, "-4@[sp, 16]");
	snprintf(buf, sizeof(buf), "%.*s", (int)ln[1], st[1]);
	assert_string_equal(buf, "8@-16(%rbp)");
	assert_int_equal(tsdt_spec_split("", st, ln, TSDT_MAX_ARGS), 0);
	assert_int_equal(tsdt_spec_split("   ", st, ln, TSDT_MAX_ARGS), 0);
	assert_int_equal(tsdt_spec_split("1@$1 1@$1 1@$1", st, ln, 2), -E2BIG);
	/* an unbalanced bracket does not read past the end */
	assert_int_equal(tsdt_spec_split("4@[sp, 16", st, ln, 4), 1);
}

static void test_str(void **state)
{
	struct tsdt_arg_spec s;
	char buf[128];

	assert_int_equal(tsdt_arg_spec_parse(TSDT_ARCH_X86_64, "-4@%edi", &s), 0);
	assert_string_equal(tsdt_arg_spec__str(&s, buf, sizeof(buf)),
			    "int32 in %edi");
	/* constants as tracing reads them: size, then sign */
	assert_int_equal(tsdt_arg_spec_parse(TSDT_ARCH_X86_64, "1@$-120", &s), 0);
	assert_string_equal(tsdt_arg_spec__str(&s, buf, sizeof(buf)),
			    "uint8 constant 136");
	assert_int_equal(tsdt_arg_spec_parse(TSDT_ARCH_X86_64, "-1@$-120", &s), 0);
	assert_string_equal(tsdt_arg_spec__str(&s, buf, sizeof(buf)),
			    "int8 constant -120");
	assert_int_equal(tsdt_arg_spec_parse(TSDT_ARCH_X86_64, "-4@$4294967295", &s), 0);
	assert_string_equal(tsdt_arg_spec__str(&s, buf, sizeof(buf)),
			    "int32 constant -1");
	assert_int_equal(tsdt_arg_spec_parse(TSDT_ARCH_X86_64, "8@$-1", &s), 0);
	assert_string_equal(tsdt_arg_spec__str(&s, buf, sizeof(buf)),
			    "uint64 constant 18446744073709551615");
	assert_int_equal(tsdt_arg_spec_parse(TSDT_ARCH_X86_64, "8@-16(%rbp)", &s), 0);
	assert_string_equal(tsdt_arg_spec__str(&s, buf, sizeof(buf)),
			    "uint64 at -16(%rbp)");
	assert_int_equal(tsdt_arg_spec_parse(TSDT_ARCH_X86_64, "-4@NBuffers(%rip)", &s), 0);
	assert_string_equal(tsdt_arg_spec__str(&s, buf, sizeof(buf)),
			    "int32 at NBuffers (unresolved)");
	s.addr = 0x875f7c;
	assert_string_equal(tsdt_arg_spec__str(&s, buf, sizeof(buf)),
			    "int32 at NBuffers = 0x875f7c");
	assert_int_equal(tsdt_arg_spec_parse(TSDT_ARCH_AARCH64, "-4@[sp, 16]", &s), 0);
	assert_string_equal(tsdt_arg_spec__str(&s, buf, sizeof(buf)),
			    "int32 at [sp, 16]");
	assert_int_equal(tsdt_arg_spec_parse(TSDT_ARCH_AARCH64, "8@x3", &s), 0);
	assert_string_equal(tsdt_arg_spec__str(&s, buf, sizeof(buf)),
			    "uint64 in x3");
	assert_int_equal(tsdt_arg_spec_parse(TSDT_ARCH_X86_64, "8f@%xmm1", &s), 0);
	assert_string_equal(tsdt_arg_spec__str(&s, buf, sizeof(buf)),
			    "double in %xmm1 (not readable from BPF)");
	/* tiny buffers are fine */
	tsdt_arg_spec__str(&s, buf, 1);
	assert_string_equal(buf, "");
}

static int quiet(enum tsdt_print_level l, const char *fmt, va_list ap)
{
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_forms),
		cmocka_unit_test(test_arm64_forms),
		cmocka_unit_test(test_x86_malformed),
		cmocka_unit_test(test_arm64_malformed),
		cmocka_unit_test(test_unsupported_arch),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_str),
	};

	tsdt_set_print(quiet);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
