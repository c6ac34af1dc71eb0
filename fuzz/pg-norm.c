// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: pg-top's lexer of query constants (examples/pg/pg-top.h,
 * pg-norm.h) on any bytes, into output buffers of every size up to the
 * text's own plus its constants' "$n": always NUL-terminated, never past
 * the buffer, and a text normalized again is unchanged; and the lexer's
 * fast path leaves what its slow path alone would.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#include "../examples/pg/pg-norm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *out, *again;
	size_t cap = 4 * size + 8;

	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = 0;
	out = malloc(cap);
	again = malloc(cap);
	/* the fast path and pg_norm_what() alone agree, byte for byte, in
	 * what they say and the state they leave */
	{
		struct pg_norm a = { 0 }, b = { 0 };

		for (size_t i = 0; i < size && in[i]; i++) {
			unsigned char c = (unsigned char)in[i];
			unsigned char next = (unsigned char)in[i + 1];
			unsigned char next2 = next ? (unsigned char)in[i + 2] : 0;

			if (pg_norm_step(&a, c, next, next2) !=
				    pg_norm_step_slow(&b, c, next, next2) ||
			    memcmp(&a, &b, sizeof(a)))
				abort();
		}
	}
	if (out && again) {
		for (size_t sz = 1; sz <= cap; sz += 1 + sz / 4) {
			char *o = malloc(sz);

			if (!o)
				break;
			pg_normalize_text(in, o, sz);
			if (strlen(o) >= sz)
				abort();
			free(o);
		}
		pg_normalize_text(in, out, cap);
		pg_normalize_text(out, again, cap);
		/* $n is a parameter, not a constant: nothing more to take out
		 * (unless a quote is left: of an unterminated string, or kept
		 * in a quoted identifier; or a '$' kept before a constant's
		 * $n, which makes "$$", a dollar quote's start) */
		if (!strchr(out, '\'') && !strstr(out, "$$") && strcmp(out, again))
			abort();
	}
	free(in);
	free(out);
	free(again);
	return 0;
}
