// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * x86-64 argument locations: AT&T operands as GCC and clang print them.
 *
 *   %reg                       register (any of the 8/16/32/64-bit names)
 *   $imm, $-imm, $0x1f         constant
 *   imm                        constant (bare number; compilers do not emit
 *                              absolute memory operands into notes)
 *   $sym, $sym+off             address of a symbol (non-PIE code), CONST
 *                              with sym set: the catalog adds its value
 *   off(%reg), (%reg)          memory at reg + off
 *   off(%b,%i,s), (,%i,s)      memory at b + i * s + off
 *   sym(%reg), sym+off(%b,%i,s) as above with a symbol's address added
 *   sym(%rip), sym+8(%rip),    memory at a symbol's address (+/- off):
 *   sym-8(%rip)                TSDT_ARG_STATIC, resolved by the catalog
 *   %xmm0..%xmm15              SSE register: decoded as TSDT_ARG_FPREG, but
 *                              BPF cannot read it (not in pt_regs)
 *
 * reg_off is the byte offset of the register in the kernel's x86-64
 * struct pt_regs (what BPF programs receive); for the high-byte registers
 * %ah..%dh it is that offset + 1, so reading from reg_off gives the byte.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "spec.h"

/* The kernel's struct pt_regs on x86-64 (arch/x86/include/asm/ptrace.h),
 * copied so that the offsets do not depend on the host's headers. */
struct x86_64_pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	unsigned long ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
};

#define OFF(f) offsetof(struct x86_64_pt_regs, f)
_Static_assert(OFF(sp) == TSDT_X86_64_SP_REG_OFF, "spec.h's %rsp offset");

static const struct x86_reg {
	const char *name;
	int off;
	int size;
} x86_regs[] = {
	{ "rax", OFF(ax), 8 }, { "eax", OFF(ax), 4 }, { "ax", OFF(ax), 2 },
	{ "al", OFF(ax), 1 },  { "ah", OFF(ax) + 1, 1 },
	{ "rbx", OFF(bx), 8 }, { "ebx", OFF(bx), 4 }, { "bx", OFF(bx), 2 },
	{ "bl", OFF(bx), 1 },  { "bh", OFF(bx) + 1, 1 },
	{ "rcx", OFF(cx), 8 }, { "ecx", OFF(cx), 4 }, { "cx", OFF(cx), 2 },
	{ "cl", OFF(cx), 1 },  { "ch", OFF(cx) + 1, 1 },
	{ "rdx", OFF(dx), 8 }, { "edx", OFF(dx), 4 }, { "dx", OFF(dx), 2 },
	{ "dl", OFF(dx), 1 },  { "dh", OFF(dx) + 1, 1 },
	{ "rsi", OFF(si), 8 }, { "esi", OFF(si), 4 }, { "si", OFF(si), 2 },
	{ "sil", OFF(si), 1 },
	{ "rdi", OFF(di), 8 }, { "edi", OFF(di), 4 }, { "di", OFF(di), 2 },
	{ "dil", OFF(di), 1 },
	{ "rbp", OFF(bp), 8 }, { "ebp", OFF(bp), 4 }, { "bp", OFF(bp), 2 },
	{ "bpl", OFF(bp), 1 },
	{ "rsp", OFF(sp), 8 }, { "esp", OFF(sp), 4 }, { "sp", OFF(sp), 2 },
	{ "spl", OFF(sp), 1 },
	{ "rip", OFF(ip), 8 },
#define RN(n, f)                                                       \
	{ "r" #n, OFF(f), 8 }, { "r" #n "d", OFF(f), 4 },              \
	{ "r" #n "w", OFF(f), 2 }, { "r" #n "b", OFF(f), 1 },          \
	{ "r" #n "l", OFF(f), 1 }
	RN(8, r8), RN(9, r9), RN(10, r10), RN(11, r11),
	RN(12, r12), RN(13, r13), RN(14, r14), RN(15, r15),
#undef RN
};

/* Parses "%name" at *s (advancing it). Returns the register or NULL; for
 * %xmmN sets *xmm to N. */
static const struct x86_reg *parse_reg(const char **s, int *xmm, char *name,
				       size_t name_sz)
{
	const char *p = *s + 1;
	size_t n = 0;

	*xmm = -1;
	name[0] = 0;
	if (**s != '%')
		return NULL;
	while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9'))
		n++;
	if (!n || n >= name_sz) {
		snprintf(name, name_sz, "%.*s", (int)(n < 16 ? n : 16), p);
		return NULL;
	}
	memcpy(name, p, n);
	name[n] = 0;
	*s = p + n;
	for (size_t i = 0; i < sizeof(x86_regs) / sizeof(x86_regs[0]); i++)
		if (!strcmp(name, x86_regs[i].name))
			return &x86_regs[i];
	if (!strncmp(name, "xmm", 3) && name[3]) {
		int v = 0;

		for (const char *d = name + 3; *d; d++) {
			if (*d < '0' || *d > '9')
				return NULL;
			v = v * 10 + (*d - '0');
			if (v > 31)
				return NULL;
		}
		if (name[3] == '0' && name[4])
			return NULL;
		*xmm = v;
	}
	return NULL;
}

static bool is_sym_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == '.' || c == '$';
}

static bool is_sym_char(char c)
{
	return is_sym_start(c) || (c >= '0' && c <= '9') || c == '@';
}

/* symbol name at *s, advancing; false if too long */
static bool parse_sym(const char **s, char *sym, size_t sym_sz)
{
	const char *p = *s;
	size_t n = 0;

	while (is_sym_char(p[n]))
		n++;
	if (n >= sym_sz)
		return false;
	memcpy(sym, p, n);
	sym[n] = 0;
	*s = p + n;
	return true;
}

/* "sym", "sym+8", "sym-8", "8", "-8", "0x10", "" before '(' */
static int parse_disp(const char **s, struct tsdt_arg_spec *spec, char *err,
		      size_t err_sz)
{
	const char *p = *s;

	spec->val = 0;
	if (is_sym_start(*p) && *p != '$') {
		if (!parse_sym(&p, spec->sym, sizeof(spec->sym))) {
			snprintf(err, err_sz, "symbol name longer than %zu bytes",
				 sizeof(spec->sym) - 1);
			return -EINVAL;
		}
		if (*p == '+' || *p == '-') {
			if (!tsdt_spec_int(&p, &spec->val)) {
				snprintf(err, err_sz, "bad offset after symbol '%s'",
					 spec->sym);
				return -EINVAL;
			}
		}
	} else if (*p != '(') {
		if (!tsdt_spec_int(&p, &spec->val)) {
			snprintf(err, err_sz, "bad displacement");
			return -EINVAL;
		}
		/* "40+CheckpointStats(%rip)": offset first, then symbol */
		if (*p == '+' && is_sym_start(p[1]) && p[1] != '$') {
			int64_t more = 0;

			p++;
			if (!parse_sym(&p, spec->sym, sizeof(spec->sym))) {
				snprintf(err, err_sz,
					 "symbol name longer than %zu bytes",
					 sizeof(spec->sym) - 1);
				return -EINVAL;
			}
			if ((*p == '+' || *p == '-') && !tsdt_spec_int(&p, &more)) {
				snprintf(err, err_sz, "bad offset after symbol '%s'",
					 spec->sym);
				return -EINVAL;
			}
			spec->val += more;
		}
	}
	*s = p;
	return 0;
}

static void set_reg(char *dst, size_t dst_sz, const char *name)
{
	size_t n = strnlen(name, dst_sz - 1);

	memcpy(dst, name, n);
	dst[n] = 0;
}

int tsdt_spec_parse_x86_64(const char *loc, struct tsdt_arg_spec *spec,
			   char *err, size_t err_sz)
{
	const struct x86_reg *reg;
	const char *p = loc;
	char name[16];
	int xmm, e;

	if (*p == '%') {
		/* %reg */
		reg = parse_reg(&p, &xmm, name, sizeof(name));
		if (!reg && xmm < 0) {
			snprintf(err, err_sz, "unknown register '%%%s'", name);
			return -EINVAL;
		}
		if (*p) {
			snprintf(err, err_sz, "unexpected '%s' after register", p);
			return -EINVAL;
		}
		if (xmm >= 0) {
			spec->loc = TSDT_ARG_FPREG;
			set_reg(spec->reg, sizeof(spec->reg), name);
			spec->reg_off = -1;
			spec->reg_size = 16;
			return 0;
		}
		if (!strcmp(reg->name, "rip")) {
			snprintf(err, err_sz, "%%rip is not an argument value");
			return -EINVAL;
		}
		spec->loc = TSDT_ARG_REG;
		set_reg(spec->reg, sizeof(spec->reg), reg->name);
		spec->reg_off = reg->off;
		spec->reg_size = reg->size;
		return 0;
	}
	if (*p == '$') {
		/* $imm or $sym[+-off] */
		p++;
		spec->loc = TSDT_ARG_CONST;
		if (is_sym_start(*p)) {
			if ((e = parse_disp(&p, spec, err, err_sz)))
				return e;
		} else if (!tsdt_spec_int(&p, &spec->val)) {
			snprintf(err, err_sz, "bad constant");
			return -EINVAL;
		}
		if (*p) {
			snprintf(err, err_sz, "unexpected '%s' after constant", p);
			return -EINVAL;
		}
		return 0;
	}
	/* bare number, or a memory operand: disp(base[,index[,scale]]) */
	if ((e = parse_disp(&p, spec, err, err_sz)))
		return e;
	if (!*p && !spec->sym[0]) {
		spec->loc = TSDT_ARG_CONST;
		return 0;
	}
	if (*p != '(') {
		if (!*p)
			snprintf(err, err_sz, "bare symbol without a base register");
		else
			snprintf(err, err_sz, "unexpected '%s'", p);
		return -EINVAL;
	}
	p++;
	spec->scale = 1;
	if (*p == '%') {
		reg = parse_reg(&p, &xmm, name, sizeof(name));
		if (!reg) {
			snprintf(err, err_sz, "unknown base register '%%%s'", name);
			return -EINVAL;
		}
		if (reg->size != 8) {
			snprintf(err, err_sz, "base register '%%%s' is not 64-bit",
				 name);
			return -EINVAL;
		}
		set_reg(spec->reg, sizeof(spec->reg), reg->name);
		spec->reg_off = reg->off;
		spec->reg_size = reg->size;
	} else if (*p == ',') {
		spec->reg_off = -1; /* (,%index,scale): no base register */
	} else {
		snprintf(err, err_sz, "expected a register after '('");
		return -EINVAL;
	}
	if (*p == ')' && !strcmp(spec->reg, "rip")) {
		if (!spec->sym[0]) {
			snprintf(err, err_sz,
				 "rip-relative operand without a symbol");
			return -EINVAL;
		}
		p++;
		spec->loc = TSDT_ARG_STATIC;
		spec->reg[0] = 0;
		spec->reg_off = 0;
		spec->reg_size = 0;
		spec->scale = 0;
	} else if (*p == ')') {
		p++;
		spec->loc = TSDT_ARG_REG_DEREF;
		spec->scale = 0;
	} else {
		/* ,%index[,scale] */
		int64_t scale = 1;

		if (*p != ',') {
			snprintf(err, err_sz, "expected ')' or ','");
			return -EINVAL;
		}
		if (!strcmp(spec->reg, "rip")) {
			snprintf(err, err_sz, "%%rip cannot have an index");
			return -EINVAL;
		}
		p++; /* ',' */
		reg = parse_reg(&p, &xmm, name, sizeof(name));
		if (!reg || reg->size != 8 || !strcmp(reg->name, "rsp") ||
		    !strcmp(reg->name, "rip")) {
			snprintf(err, err_sz, "bad index register '%%%s'", name);
			return -EINVAL;
		}
		set_reg(spec->index_reg, sizeof(spec->index_reg), reg->name);
		spec->index_reg_off = reg->off;
		if (*p == ',') {
			p++;
			if (!tsdt_spec_int(&p, &scale) ||
			    (scale != 1 && scale != 2 && scale != 4 && scale != 8)) {
				snprintf(err, err_sz, "bad scale (must be 1, 2, 4 or 8)");
				return -EINVAL;
			}
		}
		if (*p != ')') {
			snprintf(err, err_sz, "expected ')'");
			return -EINVAL;
		}
		p++;
		spec->loc = TSDT_ARG_SIB;
		spec->scale = scale;
	}
	if (*p) {
		snprintf(err, err_sz, "unexpected '%s' after the memory operand", p);
		return -EINVAL;
	}
	return 0;
}
