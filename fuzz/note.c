// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: note descriptors. The first byte picks the parser
 * (stapsdt ELF64 little/big endian, ELF32, or the .note.tsdt type note);
 * the rest is the descriptor. A parsed stapsdt note's argument string then
 * goes through the spec splitter and parser for both architectures, as the
 * catalog does.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tsdt/libtsdt.h>
#include "note.h"
#include "spec.h"

static int quiet(enum tsdt_print_level l, const char *fmt, va_list ap)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256], buf[256];
	uint8_t *copy;
	int sel;

	tsdt_set_print(quiet);
	if (!size)
		return 0;
	sel = data[0] & 3;
	/* an exact-size heap copy, so ASan sees reads past the end */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if (sel == 3) {
		struct tsdt_type_note n;

		if (!tsdt_note_parse_type(copy, size - 1, &n, err, sizeof(err))) {
			for (int i = 0; i < n.nargs; i++) {
				struct tsdt_type t;

				tsdt_type_note_arg__type(&n.args[i], &t);
				tsdt_type__str(&t, buf, sizeof(buf));
				tsdt_type__parse(n.args[i].type, &t);
			}
		}
	} else {
		struct tsdt_stapsdt_note n;

		if (!tsdt_note_parse_stapsdt(copy, size - 1, sel == 2 ? 4 : 8,
					     sel == 1, &n, err, sizeof(err))) {
			const char *st[TSDT_MAX_ARGS];
			size_t ln[TSDT_MAX_ARGS];
			int cnt = tsdt_spec_split(n.args, st, ln, TSDT_MAX_ARGS);

			for (int i = 0; i < cnt; i++) {
				struct tsdt_arg_spec s;
				char spec[256];

				snprintf(spec, sizeof(spec), "%.*s", (int)ln[i], st[i]);
				if (!tsdt_spec_parse(TSDT_ARCH_X86_64, spec, &s, err,
						     sizeof(err)))
					tsdt_arg_spec__str(&s, buf, sizeof(buf));
				if (!tsdt_spec_parse(TSDT_ARCH_AARCH64, spec, &s, err,
						     sizeof(err)))
					tsdt_arg_spec__str(&s, buf, sizeof(buf));
			}
		}
	}
	free(copy);
	return 0;
}
