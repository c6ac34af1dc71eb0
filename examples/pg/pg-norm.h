/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * pg-top's shown query texts: a text with its constants replaced by $1,
 * $2, ..., by the lexer the kernel's hash follows (pg_norm_step(),
 * pg-lex.h). User space only (pg-top.c, tests/unit/test_pg_norm.c,
 * fuzz/pg-norm.c).
 */
#ifndef PG_NORM_H
#define PG_NORM_H

#include <stdio.h>
#include "pg-lex.h"

/* @in with its constants replaced by $1, $2, ... into @out[@sz] (sz > 0:
 * always NUL-terminated, cut where the next piece would not fit). */
static inline void pg_normalize_text(const char *in, char *out, size_t sz)
{
	struct pg_norm nm = { 0 };
	size_t j = 0;
	int k = 0;

	for (const unsigned char *p = (const unsigned char *)in; *p && j + 1 < sz; p++) {
		int what = pg_norm_step(&nm, *p, p[1], p[1] ? p[2] : 0);

		if (what == PG_NORM_CONST) {
			int n = snprintf(out + j, sz - j, "$%d", ++k);

			if (n < 0 || (size_t)n >= sz - j)
				break;
			j += (size_t)n;
		} else if (what == PG_NORM_KEEP) {
			out[j++] = (char)*p;
		}
	}
	out[j] = 0;
}

#endif /* PG_NORM_H */
