// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: one argument spec ("-4@%edi", "-4@[sp, 16]"), parsed for
 * the architecture picked by the first byte, then printed; also the type
 * parser and the compatibility check on the same text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tsdt/libtsdt.h>
#include "spec.h"

static int quiet(enum tsdt_print_level l, const char *fmt, va_list ap)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum tsdt_arch arches[] = {
		TSDT_ARCH_X86_64, TSDT_ARCH_AARCH64, TSDT_ARCH_UNKNOWN,
	};
	struct tsdt_arg_spec s;
	struct tsdt_type t, u;
	char buf[256], why[256];
	char *str;

	tsdt_set_print(quiet);
	if (!size)
		return 0;
	str = malloc(size);
	if (!str)
		return 0;
	memcpy(str, data + 1, size - 1);
	str[size - 1] = 0; /* exactly sized: reads past the NUL are caught */
	if (!tsdt_arg_spec_parse(arches[data[0] % 3], str, &s))
		tsdt_arg_spec__str(&s, buf, sizeof(buf));
	if (!tsdt_type__parse(str, &t)) {
		tsdt_type__str(&t, buf, sizeof(buf));
		u = t;
		tsdt_type__check(&t, &u, why, sizeof(why));
		u.kind = TSDT_TYPE_UNTYPED;
		tsdt_type__check(&t, &u, why, sizeof(why));
	}
	free(str);
	return 0;
}
