// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: the provider-file parser (attach/provider.c) on any bytes,
 * then every output format of the generator on what parsed. The parser must
 * either succeed with a well-formed result or fail with a
 * "FILE:LINE:COL: message" error; it must never crash or leak.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provider.h"

/* The generator is not part of libtsdt: compile its writers in here. */
#include "../sdk/gen.c"
#include "../sdk/gen-header.c"
#include "../sdk/gen-source.c"
#include "../sdk/gen-bpf.c"

static int quiet(enum tsdt_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tsdt_provider_file *pf;
	char err[256];

	tsdt_set_print(quiet);
	pf = tsdt_provider_file__parse((const char *)data, size, "fuzz.d", err,
				       sizeof(err));
	if (!pf) {
		/* every error names the input and a position */
		if (strncmp(err, "fuzz.d:", 7) && strncmp(err, "fuzz.d: ", 8) &&
		    !strstr(err, ":"))
			abort();
		if (!err[0])
			abort();
		return 0;
	}
	for (size_t i = 0; i < pf->provider_cnt; i++) {
		const struct tsdt_pf_provider *prov = &pf->providers[i];

		if (!prov->name[0] || strlen(prov->name) >= TSDT_PF_NAME_MAX)
			abort();
		for (size_t j = 0; j < prov->probe_cnt; j++) {
			const struct tsdt_pf_probe *probe = &prov->probes[j];

			if (probe->arg_cnt < 0 || probe->arg_cnt > TSDT_MAX_ARGS)
				abort();
			if (tsdt_provider_file__find_probe(pf, prov->name, probe->name) != probe)
				abort();
			for (int k = 0; k < probe->arg_cnt; k++) {
				const struct tsdt_pf_arg *a = &probe->args[k];

				if (!a->type[0] || strlen(a->type) >= TSDT_PF_NAME_MAX ||
				    !a->spelling[0] || !a->loc.file || a->loc.line < 0)
					abort();
			}
		}
	}
	{
		static FILE *null;
		struct gen_ctx ctx = { .pf = pf, .input = "fuzz.d", .output = "-" };

		if (!null)
			null = fopen("/dev/null", "w");
		for (size_t i = 0; null && i < gen_format_cnt; i++)
			if (gen_formats[i].write && gen_formats[i].write(null, &ctx))
				abort();
	}
	tsdt_provider_file__free(pf);
	return 0;
}
