// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Output "header" (dtrace -h): the application header. For each probe,
 * the DTrace macros PROVIDER_PROBE(args...) and PROVIDER_PROBE_ENABLED()
 * (names as SystemTap's dtrace makes them: upper case, "__" -> "_"), on
 * top of <sys/tsdt.h>: a TSDT_PROBE_DEFINE() with the declared types, so
 * call sites are type-checked and the types are recorded in the binary.
 */
#include <ctype.h>
#include <stdio.h>

#include "gen.h"

static const char *const stdint_words[] = {
	"int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t",
	"uint32_t", "uint64_t", "intptr_t", "uintptr_t", "intmax_t",
	"uintmax_t", NULL,
};
static const char *const stddef_words[] = { "size_t", "ptrdiff_t", NULL };
static const char *const stdbool_words[] = { "bool", NULL };

static void guard(FILE *f, const struct gen_ctx *ctx)
{
	fputs("TSDT_GEN", f);
	for (size_t i = 0; i < ctx->pf->provider_cnt; i++) {
		fputc('_', f);
		for (const char *s = ctx->pf->providers[i].name; *s; s++)
			fputc(toupper((unsigned char)*s), f);
	}
	fputs("_H", f);
}

/* `struct req;` for every struct or union tag the probes use, once: a tag
 * first seen in a prototype's parameter list would be local to it. */
static void gen_tag_declarations(FILE *f, const struct tsdt_provider_file *pf)
{
	bool any = false;

	for (size_t i = 0; i < pf->provider_cnt; i++) {
		const struct tsdt_pf_provider *prov = &pf->providers[i];

		for (size_t j = 0; j < prov->probe_cnt; j++) {
			const struct tsdt_pf_probe *probe = &prov->probes[j];

			for (int k = 0; k < probe->arg_cnt; k++) {
				char tag[TSDT_PF_NAME_MAX + 8];

				if (!gen_arg_tag(probe->args[k].type, tag, sizeof(tag)) ||
				    gen_tag_seen_before(pf, i, j, k, tag))
					continue;
				if (!any)
					fputs("\n/* the tags the probes' arguments use */\n", f);
				any = true;
				fprintf(f, "%s;\n", tag);
			}
		}
	}
}

int gen_write_header(FILE *f, const struct gen_ctx *ctx)
{
	const struct tsdt_provider_file *pf = ctx->pf;
	char stem[2 * TSDT_PF_NAME_MAX + 2];

	gen_banner(f, ctx, "Probe header");
	fputs("#ifndef ", f);
	guard(f, ctx);
	fputs("\n#define ", f);
	guard(f, ctx);
	fputs("\n\n", f);
	/* the standard headers of the types the probes use */
	if (gen_uses_word(pf, stdint_words))
		fputs("#include <stdint.h>\n", f);
	if (gen_uses_word(pf, stddef_words))
		fputs("#include <stddef.h>\n", f);
	if (gen_uses_word(pf, stdbool_words))
		fputs("#if !defined(__cplusplus) && !defined(bool) && !defined(TSDT_GEN_NO_STDBOOL)\n"
		      "#include <stdbool.h>\n"
		      "#endif\n", f);
	fputs("#include <sys/tsdt.h>\n", f);
	gen_tag_declarations(f, pf);

	for (size_t i = 0; i < pf->provider_cnt; i++) {
		const struct tsdt_pf_provider *prov = &pf->providers[i];

		fprintf(f, "\n/* provider %s */\n", prov->name);
		for (size_t j = 0; j < prov->probe_cnt; j++) {
			const struct tsdt_pf_probe *probe = &prov->probes[j];

			gen_macro_stem(prov->name, probe->name, stem, sizeof(stem));
			fputc('\n', f);
			gen_probe_comment(f, prov->name, probe);
			fprintf(f, "TSDT_PROBE_DEFINE(%s, %s", prov->name, probe->name);
			gen_typed_args(f, probe);
			fprintf(f, ");\n");
			fprintf(f, "#define %s(", stem);
			gen_arg_names(f, probe, false);
			fprintf(f, ") \\\n\tTSDT_PROBE(%s, %s", prov->name, probe->name);
			gen_arg_names(f, probe, true);
			fprintf(f, ")\n");
			fprintf(f, "#define %s_ENABLED() \\\n\tTSDT_PROBE_ENABLED(%s, %s)\n",
				stem, prov->name, probe->name);
		}
	}
	fputs("\n#endif /* ", f);
	guard(f, ctx);
	fputs(" */\n", f);
	return 0;
}
