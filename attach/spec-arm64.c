// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * aarch64 argument locations, as GCC and clang print them:
 *
 *   x0..x30, w0..w30, sp       register (w: its low 32 bits)
 *   xzr, wzr                   the zero register: constant 0
 *   [x1], [sp, 16], [x1, -8]   memory at reg + off ('#' before off allowed)
 *   [x6, #:lo12:sym]           memory at reg + the low 12 bits of sym's
 *                              address (after an adrp of sym's page); sym
 *                              is kept as ":lo12:sym" and the catalog
 *                              resolves it into val
 *   #imm, imm                  constant
 *   d0, s0, v0.. (b/h/q too)   SIMD/FP register: TSDT_ARG_FPREG, not
 *                              readable from BPF
 *
 * reg_off is the offset in the kernel's struct user_pt_regs, which starts the
 * arm64 struct pt_regs BPF programs receive: regs[31], sp, pc, pstate.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "spec.h"

struct arm64_user_pt_regs {
	uint64_t regs[31];
	uint64_t sp;
	uint64_t pc;
	uint64_t pstate;
};

enum { R_BAD, R_GPR, R_ZERO, R_FP };

/* Register name at *p (advancing). Returns its class; fills name/off/size. */
static int parse_reg(const char **s, char *name, size_t name_sz, int *off,
		     int *size)
{
	const char *p = *s;
	size_t n = 0;
	long num = 0;

	while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9'))
		n++;
	if (!n || n >= name_sz) {
		snprintf(name, name_sz, "%.*s", (int)(n < 16 ? n : 15), p);
		return R_BAD;
	}
	memcpy(name, p, n);
	name[n] = 0;
	*s = p + n;
	if (!strcmp(name, "sp")) {
		*off = offsetof(struct arm64_user_pt_regs, sp);
		*size = 8;
		return R_GPR;
	}
	if (!strcmp(name, "xzr") || !strcmp(name, "wzr")) {
		*off = -1;
		*size = name[0] == 'x' ? 8 : 4;
		return R_ZERO;
	}
	if (n < 2 || n > 3 || !strchr("xwbhsdqv", name[0]))
		return R_BAD;
	for (size_t i = 1; i < n; i++) {
		if (name[i] < '0' || name[i] > '9')
			return R_BAD;
		num = num * 10 + (name[i] - '0');
	}
	if (n == 3 && name[1] == '0')
		return R_BAD; /* x01 */
	if (name[0] == 'x' || name[0] == 'w') {
		if (num > 30)
			return R_BAD;
		*off = offsetof(struct arm64_user_pt_regs, regs) + num * 8;
		*size = name[0] == 'x' ? 8 : 4;
		return R_GPR;
	}
	if (num > 31)
		return R_BAD;
	*off = -1;
	*size = name[0] == 'b' ? 1 : name[0] == 'h' ? 2 : name[0] == 's' ? 4 :
		name[0] == 'd' ? 8 : 16;
	return R_FP;
}

int tsdt_spec_parse_aarch64(const char *loc, struct tsdt_arg_spec *spec,
			    char *err, size_t err_sz)
{
	const char *p = loc;
	char name[16];
	int off, size, cls;

	if (*p == '#' || *p == '-' || *p == '+' || (*p >= '0' && *p <= '9')) {
		if (*p == '#')
			p++;
		if (!tsdt_spec_int(&p, &spec->val)) {
			snprintf(err, err_sz, "bad constant");
			return -EINVAL;
		}
		if (*p) {
			snprintf(err, err_sz, "unexpected '%s' after constant", p);
			return -EINVAL;
		}
		spec->loc = TSDT_ARG_CONST;
		return 0;
	}
	if (*p == '[') {
		p++;
		while (*p == ' ')
			p++;
		cls = parse_reg(&p, name, sizeof(name), &off, &size);
		if (cls != R_GPR || size != 8) {
			snprintf(err, err_sz, "bad base register '%s'", name);
			return -EINVAL;
		}
		snprintf(spec->reg, sizeof(spec->reg), "%.7s", name);
		spec->reg_off = off;
		spec->reg_size = size;
		while (*p == ' ')
			p++;
		if (*p == ',') {
			p++;
			while (*p == ' ')
				p++;
			if (*p == '#')
				p++;
			if (!strncmp(p, ":lo12:", 6)) {
				/* [x6, #:lo12:sym]: x6 holds sym's page (adrp);
				 * the offset is the low 12 bits of sym's address,
				 * filled in by the catalog from the symbol tables */
				size_t n = 6;

				while (p[n] && p[n] != ']' && p[n] != ' ')
					n++;
				if (n == 6 || n >= sizeof(spec->sym)) {
					snprintf(err, err_sz, "bad :lo12: symbol");
					return -EINVAL;
				}
				memcpy(spec->sym, p, n);
				spec->sym[n] = 0;
				p += n;
			} else if (!tsdt_spec_int(&p, &spec->val)) {
				snprintf(err, err_sz, "bad offset after '%s,'", name);
				return -EINVAL;
			}
			while (*p == ' ')
				p++;
		}
		if (*p != ']') {
			snprintf(err, err_sz, "expected ']'");
			return -EINVAL;
		}
		p++;
		if (*p) {
			snprintf(err, err_sz, "unexpected '%s' after ']'", p);
			return -EINVAL;
		}
		spec->loc = TSDT_ARG_REG_DEREF;
		return 0;
	}
	cls = parse_reg(&p, name, sizeof(name), &off, &size);
	if (cls == R_BAD) {
		snprintf(err, err_sz, "unknown register '%s'", name);
		return -EINVAL;
	}
	if (*p) {
		snprintf(err, err_sz, "unexpected '%s' after register", p);
		return -EINVAL;
	}
	if (cls == R_ZERO) {
		spec->loc = TSDT_ARG_CONST;
		spec->val = 0;
		return 0;
	}
	snprintf(spec->reg, sizeof(spec->reg), "%.7s", name);
	spec->reg_off = off;
	spec->reg_size = size;
	spec->loc = cls == R_FP ? TSDT_ARG_FPREG : TSDT_ARG_REG;
	return 0;
}
