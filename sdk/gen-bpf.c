// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Output "bpf": the BPF-side header. For each probe,
 *	#define PROVIDER_PROBE_HANDLER(prog) TSDT_HANDLER(prog, provider, probe, (type, name), ...)
 * and PROVIDER_PROBE_HANDLER_SLEEPABLE(prog) (TSDT_HANDLER_SLEEPABLE: a
 * sleepable program whose string reads fault pages in),
 * over <tsdt/tsdt.bpf.h>, so that a handler is written as
 *	PROVIDER_PROBE_HANDLER(on_start) { ...use the arguments by name...; return 0; }
 * with the types of the provider file: handler and probe come from one
 * source, and the attach library checks them against the binary's.
 *
 * Types are written as spelled in the provider file (after its own
 * #defines, or after the C preprocessor with -C): a typedef name of the
 * application (uint32_t, Oid) must be known to the BPF program, e.g.
 * defined before this header is included.
 */
#include <stdio.h>

#include "gen.h"

int gen_write_bpf(FILE *f, const struct gen_ctx *ctx)
{
	const struct tsdt_provider_file *pf = ctx->pf;
	char stem[2 * TSDT_PF_NAME_MAX + 2];

	gen_banner(f, ctx, "BPF handler header");
	fputs("#pragma once\n\n#include <tsdt/tsdt.bpf.h>\n", f);
	for (size_t i = 0; i < pf->provider_cnt; i++) {
		const struct tsdt_pf_provider *prov = &pf->providers[i];

		fprintf(f, "\n/* provider %s */\n", prov->name);
		for (size_t j = 0; j < prov->probe_cnt; j++) {
			const struct tsdt_pf_probe *probe = &prov->probes[j];

			gen_macro_stem(prov->name, probe->name, stem, sizeof(stem));
			fputc('\n', f);
			gen_probe_comment(f, prov->name, probe);
			fprintf(f, "#define %s_HANDLER(prog) \\\n\tTSDT_HANDLER(prog, %s, %s",
				stem, prov->name, probe->name);
			gen_typed_args(f, probe);
			fprintf(f, ")\n");
			fprintf(f, "#define %s_HANDLER_SLEEPABLE(prog) \\\n\tTSDT_HANDLER_SLEEPABLE(prog, %s, %s",
				stem, prov->name, probe->name);
			gen_typed_args(f, probe);
			fprintf(f, ")\n");
		}
	}
	return 0;
}
