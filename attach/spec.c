// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * USDT argument specs: "[-]SIZE[f]@LOCATION".
 *
 * Each .note.stapsdt note carries one string with every argument of the
 * site, separated by spaces, e.g. "-4@%edi 8@-16(%rbp) -4@NBuffers(%rip)".
 * SIZE is the argument's size in bytes (1, 2, 4, 8), negative when the value
 * is signed; an 'f' after it (SystemTap >= 4.8) says the bits are a float or
 * double. LOCATION is an assembler operand of the target: this file decodes
 * the prefix and hands the operand to one function per architecture
 * (spec-x86.c, spec-arm64.c); every other architecture gets -ENOTSUP.
 */
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "log.h"
#include "spec.h"

enum tsdt_arch tsdt_arch_from_elf(int e_machine)
{
	switch (e_machine) {
	case EM_X86_64:
		return TSDT_ARCH_X86_64;
	case EM_AARCH64:
		return TSDT_ARCH_AARCH64;
	default:
		return TSDT_ARCH_UNKNOWN;
	}
}

const char *tsdt_arch__str(enum tsdt_arch arch)
{
	switch (arch) {
	case TSDT_ARCH_X86_64:
		return "x86-64";
	case TSDT_ARCH_AARCH64:
		return "aarch64";
	default:
		return "unknown";
	}
}

const char *tsdt_arg_loc__str(enum tsdt_arg_loc loc)
{
	switch (loc) {
	case TSDT_ARG_CONST: return "const";
	case TSDT_ARG_REG: return "reg";
	case TSDT_ARG_REG_DEREF: return "reg_deref";
	case TSDT_ARG_SIB: return "sib";
	case TSDT_ARG_STATIC: return "static";
	case TSDT_ARG_FPREG: return "fpreg";
	}
	return "unknown";
}

bool tsdt_spec_int(const char **s, int64_t *val)
{
	const char *p = *s;
	bool neg = false;
	uint64_t v = 0;
	int base = 10, digits = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
		base = 16;
		p += 2;
	}
	for (;; p++, digits++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return false; /* overflow */
		v = v * base + d;
	}
	if (!digits)
		return false;
	/* accept the full unsigned range for hex constants ($0xffff...): they
	 * are bit patterns; decimal must fit int64_t */
	if (base == 10 && v > (uint64_t)INT64_MAX + (neg ? 1 : 0))
		return false;
	*val = neg ? (int64_t)(0 - v) : (int64_t)v;
	*s = p;
	return true;
}

int tsdt_spec_split(const char *args, const char **starts, size_t *lens,
		    int max)
{
	const char *p = args;
	int n = 0;

	for (;;) {
		const char *start;
		int depth = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		start = p;
		for (; *p; p++) {
			if (*p == '[' || *p == '(')
				depth++;
			else if ((*p == ']' || *p == ')') && depth > 0)
				depth--;
			else if ((*p == ' ' || *p == '\t') && depth == 0)
				break;
		}
		if (n >= max)
			return -E2BIG;
		starts[n] = start;
		lens[n] = p - start;
		n++;
	}
	return n;
}

int tsdt_spec_parse(enum tsdt_arch arch, const char *str,
		    struct tsdt_arg_spec *ret, char *err, size_t err_sz)
{
	struct tsdt_arg_spec spec = {};
	const char *p = str;
	int64_t size;

	if (arch != TSDT_ARCH_X86_64 && arch != TSDT_ARCH_AARCH64) {
		snprintf(err, err_sz, "unsupported architecture (%s)",
			 tsdt_arch__str(arch));
		return -ENOTSUP;
	}
	while (*p == ' ')
		p++;
	if (!*p) {
		snprintf(err, err_sz, "empty argument spec");
		return -EINVAL;
	}
	/* SIZE: optional '-', then decimal digits */
	size = 0;
	{
		bool neg = *p == '-';
		int digits = 0;

		p += neg;
		for (; *p >= '0' && *p <= '9' && digits < 4; p++, digits++)
			size = size * 10 + (*p - '0');
		if (!digits)
			size = -1000; /* no size */
		else if (neg)
			size = -size;
	}
	if (size == -1000 || (*p != '@' && *p != 'f')) {
		snprintf(err, err_sz,
			 "expected SIZE@LOCATION (like -4@%%edi), got '%s'", str);
		return -EINVAL;
	}
	spec.is_signed = size < 0;
	size = size < 0 ? -size : size;
	if (*p == 'f') {
		spec.is_float = true;
		p++;
	}
	if (*p != '@') {
		snprintf(err, err_sz, "expected '@' after the size in '%s'", str);
		return -EINVAL;
	}
	p++;
	if (size != 1 && size != 2 && size != 4 && size != 8) {
		snprintf(err, err_sz, "bad argument size %" PRId64
			 " in '%s' (must be 1, 2, 4 or 8)", size, str);
		return -EINVAL;
	}
	if (spec.is_float && size != 4 && size != 8) {
		snprintf(err, err_sz, "bad float size %" PRId64 " in '%s'",
			 size, str);
		return -EINVAL;
	}
	spec.size = size;
	if (!*p) {
		snprintf(err, err_sz, "missing location after '@' in '%s'", str);
		return -EINVAL;
	}
	{
		int e;
		char sub[200];

		sub[0] = 0;
		if (arch == TSDT_ARCH_X86_64)
			e = tsdt_spec_parse_x86_64(p, &spec, sub, sizeof(sub));
		else
			e = tsdt_spec_parse_aarch64(p, &spec, sub, sizeof(sub));
		if (e) {
			snprintf(err, err_sz, "%s in '%s'", sub, str);
			return e;
		}
	}
	*ret = spec;
	return 0;
}

int tsdt_arg_spec_parse(enum tsdt_arch arch, const char *str,
			struct tsdt_arg_spec *ret)
{
	char err[256];
	int e;

	if (!str || !ret)
		return -EINVAL;
	e = tsdt_spec_parse(arch, str, ret, err, sizeof(err));
	if (e)
		pr_warn("spec: %s\n", err);
	return e;
}

struct tsdt_arg_spec *tsdt_arg_spec__parse(enum tsdt_arch arch,
					   const char *str)
{
	struct tsdt_arg_spec *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return tsdt_err_ptr(-ENOMEM);
	err = tsdt_arg_spec_parse(arch, str, s);
	if (err) {
		free(s);
		return tsdt_err_ptr(err);
	}
	return s;
}

void tsdt_arg_spec__free(struct tsdt_arg_spec *spec)
{
	free(spec);
}

enum tsdt_arg_loc tsdt_arg_spec__loc(const struct tsdt_arg_spec *s) { return s->loc; }
int tsdt_arg_spec__size(const struct tsdt_arg_spec *s) { return s->size; }
bool tsdt_arg_spec__is_signed(const struct tsdt_arg_spec *s) { return s->is_signed; }
bool tsdt_arg_spec__is_float(const struct tsdt_arg_spec *s) { return s->is_float; }
int64_t tsdt_arg_spec__value(const struct tsdt_arg_spec *s) { return s->val; }
const char *tsdt_arg_spec__reg(const struct tsdt_arg_spec *s) { return s->reg; }
int tsdt_arg_spec__reg_off(const struct tsdt_arg_spec *s) { return s->reg_off; }
const char *tsdt_arg_spec__index_reg(const struct tsdt_arg_spec *s) { return s->index_reg; }
int tsdt_arg_spec__index_reg_off(const struct tsdt_arg_spec *s) { return s->index_reg_off; }
int tsdt_arg_spec__scale(const struct tsdt_arg_spec *s) { return s->scale; }
const char *tsdt_arg_spec__symbol(const struct tsdt_arg_spec *s) { return s->sym; }
uint64_t tsdt_arg_spec__addr(const struct tsdt_arg_spec *s) { return s->addr; }

static const char *int_name(int size, bool is_signed, bool is_float)
{
	static const char *const names[2][9] = {
		{ [1] = "uint8", [2] = "uint16", [4] = "uint32", [8] = "uint64" },
		{ [1] = "int8", [2] = "int16", [4] = "int32", [8] = "int64" },
	};

	if (is_float)
		return size == 4 ? "float" : "double";
	if (size < 0 || size > 8 || !names[is_signed][size])
		return "?";
	return names[is_signed][size];
}

/* aarch64 register names (x0, w1, sp, d0, v0, xzr) print without '%'; the
 * one name both sets share, "sp", is 8 bytes on aarch64 and 2 on x86-64. */
static bool is_arm_reg(const char *r, int reg_size)
{
	if (!strcmp(r, "sp"))
		return reg_size == 8;
	if (!strcmp(r, "xzr") || !strcmp(r, "wzr"))
		return true;
	if (!strchr("xwvdsqbh", r[0]) || !r[1])
		return false;
	for (r++; *r; r++)
		if (!isdigit((unsigned char)*r))
			return false;
	return true;
}

/* A constant as tracing reads it: truncated to the spec's size, extended
 * by its sign ("1@$-120" is uint8 136, as the BPF side delivers it). */
static void const_text(const struct tsdt_arg_spec *s, const char *ty,
		       char *buf, size_t sz)
{
	uint64_t v = tsdt_value_fit((uint64_t)s->val, s->size, s->is_signed);

	if (s->is_signed)
		snprintf(buf, sz, "%s constant %" PRId64, ty, (int64_t)v);
	else
		snprintf(buf, sz, "%s constant %" PRIu64, ty, v);
}

const char *tsdt_arg_spec__str(const struct tsdt_arg_spec *s, char *buf,
			       size_t sz)
{
	const char *ty = int_name(s->size, s->is_signed, s->is_float);
	const char *pct = is_arm_reg(s->reg, s->reg_size) ? "" : "%";
	char symoff[96] = "";

	if (!sz)
		return buf;
	if (s->sym[0]) {
		if (s->val)
			snprintf(symoff, sizeof(symoff), "%s%+" PRId64, s->sym, s->val);
		else
			snprintf(symoff, sizeof(symoff), "%s", s->sym);
	}
	switch (s->loc) {
	case TSDT_ARG_CONST:
		if (s->sym[0] && s->addr)
			snprintf(buf, sz, "%s constant %" PRId64 " (&%s)", ty, s->val, s->sym);
		else if (s->sym[0])
			snprintf(buf, sz, "%s constant &%s (unresolved)", ty, symoff);
		else
			const_text(s, ty, buf, sz);
		break;
	case TSDT_ARG_REG:
		snprintf(buf, sz, "%s in %s%s", ty, pct, s->reg);
		break;
	case TSDT_ARG_REG_DEREF:
		if (!*pct && s->sym[0] && !s->addr)
			snprintf(buf, sz, "%s at [%s, #%s] (unresolved)", ty, s->reg,
				 s->sym);
		else if (s->sym[0] && !s->addr)
			snprintf(buf, sz, "%s at %s(%s%s) (unresolved)", ty, symoff,
				 pct, s->reg);
		else if (!*pct)
			snprintf(buf, sz, "%s at [%s, %" PRId64 "]%s%s", ty, s->reg,
				 s->val, s->sym[0] ? " " : "", s->sym);
		else if (s->sym[0])
			snprintf(buf, sz, "%s at 0x%" PRIx64 "(%s%s) (%s)", ty,
				 (uint64_t)s->val, pct, s->reg, s->sym);
		else
			snprintf(buf, sz, "%s at %" PRId64 "(%s%s)", ty, s->val, pct, s->reg);
		break;
	case TSDT_ARG_SIB:
		snprintf(buf, sz, "%s at %" PRId64 "(%s%s,%%%s,%d)%s%s%s", ty,
			 s->val, s->reg[0] ? pct : "", s->reg, s->index_reg,
			 s->scale, s->sym[0] ? " (" : "", s->sym,
			 s->sym[0] ? (s->addr ? ")" : ", unresolved)") : "");
		break;
	case TSDT_ARG_STATIC:
		if (s->addr)
			snprintf(buf, sz, "%s at %s = 0x%" PRIx64, ty, symoff, s->addr);
		else
			snprintf(buf, sz, "%s at %s (unresolved)", ty, symoff);
		break;
	case TSDT_ARG_FPREG:
		snprintf(buf, sz, "%s in %s%s (not readable from BPF)", ty,
			 pct, s->reg);
		break;
	default:
		snprintf(buf, sz, "?");
	}
	return buf;
}
