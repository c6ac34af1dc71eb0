// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Output "source": the C file behind "object" (dtrace -G). It gives
 * every probe's semaphore (2 bytes in .probes, hidden, as the kernel's
 * ref_ctr_offset and SystemTap's dtrace -G expect) a strong definition
 * with TSDT_SEMAPHORE_DEFINE(); build systems written for DTrace link the
 * resulting object into the program (PostgreSQL's utils/probes.o). The
 * header's TSDT_PROBE_DEFINE() defines the same semaphores weak, so the
 * program links with or without this object, and the linker keeps one
 * semaphore per probe in each executable or shared library.
 */
#include <stdio.h>

#include "gen.h"

int gen_write_source(FILE *f, const struct gen_ctx *ctx)
{
	const struct tsdt_provider_file *pf = ctx->pf;

	gen_banner(f, ctx, "Probe semaphores");
	fputs("#include <sys/tsdt.h>\n", f);
	/* dtrace -G's object is never empty (ISO C wants a declaration) */
	fputs("\nextern int _tsdt_gen_unused;\n", f);
	for (size_t i = 0; i < pf->provider_cnt; i++) {
		const struct tsdt_pf_provider *prov = &pf->providers[i];

		fputc('\n', f);
		for (size_t j = 0; j < prov->probe_cnt; j++) {
			const struct tsdt_pf_probe *probe = &prov->probes[j];

			fprintf(f, "TSDT_SEMAPHORE_DEFINE(%s, %s);\n", prov->name,
				probe->name);
		}
	}
	return 0;
}
