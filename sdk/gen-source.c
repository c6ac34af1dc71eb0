// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Output "source": the C file behind "object" (dtrace -G). It defines
 * every probe's semaphore (2 bytes in .probes, as the kernel's
 * ref_ctr_offset and SystemTap's dtrace -G expect) by declaring each
 * probe with TSDT_PROBE_DEFINE(); build systems written for DTrace link
 * the resulting object into the program (PostgreSQL's utils/probes.o).
 */
#include <stdio.h>

#include "gen.h"

int gen_write_source(FILE *f, const struct gen_ctx *ctx)
{
	const struct tsdt_provider_file *pf = ctx->pf;

	gen_banner(f, ctx, "Probe semaphores");
	fputs("#include <sys/tsdt.h>\n", f);
	for (size_t i = 0; i < pf->provider_cnt; i++) {
		const struct tsdt_pf_provider *prov = &pf->providers[i];

		fputc('\n', f);
		for (size_t j = 0; j < prov->probe_cnt; j++) {
			const struct tsdt_pf_probe *probe = &prov->probes[j];

			fprintf(f, "TSDT_PROBE_DEFINE(%s, %s", prov->name, probe->name);
			gen_typed_args(f, probe);
			fprintf(f, ");\n");
		}
	}
	return 0;
}
