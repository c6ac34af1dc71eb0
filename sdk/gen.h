/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tsdt-gen: the provider compiler. A parsed provider file (provider.h) is
 * written out in one of several formats, each one function behind the
 * table gen_formats[] (gen.c); adding an output is adding one file with
 * one write function and one table row.
 *
 * The generator is a program, not library code: it is linked into
 * tsdt-gen and into the tsdt CLI (`tsdt gen`), both through
 * tsdt_gen_main(), and it prints its errors on stderr.
 */
#ifndef TSDT_SDK_GEN_H
#define TSDT_SDK_GEN_H

#include <stdbool.h>
#include <stdio.h>

#include "provider.h"

struct gen_ctx {
	const struct tsdt_provider_file *pf;
	const char *input;  /* the provider file as named on the command line */
	const char *output; /* the output file name ("-" for stdout) */
};

struct gen_format {
	const char *name;  /* "header", "object", ... (--format NAME) */
	const char *desc;
	const char *ext;   /* default output suffix: ".h", ".o" */
	/* Writes the output to @f; returns 0 or a negative errno, with a
	 * message already printed. NULL for "object", which compiles the
	 * "source" output (see gen-main.c). */
	int (*write)(FILE *f, const struct gen_ctx *ctx);
};

extern const struct gen_format gen_formats[];
extern const size_t gen_format_cnt;

const struct gen_format *gen_format__find(const char *name);

int gen_write_header(FILE *f, const struct gen_ctx *ctx);
int gen_write_source(FILE *f, const struct gen_ctx *ctx);
int gen_write_bpf(FILE *f, const struct gen_ctx *ctx);

/* Helpers shared by the formats. */

/* DTrace's macro stem: "POSTGRESQL_TRANSACTION_START" for provider
 * "postgresql", probe "transaction__start" (upper case, "__" -> "_"). */
const char *gen_macro_stem(const char *provider, const char *probe,
			   char *buf, size_t sz);

/* The name outputs give argument @i: its name, or "argI" (made unique
 * among the probe's names) when unnamed. */
const char *gen_arg_name(const struct tsdt_pf_probe *probe, int i,
			 char *buf, size_t sz);

/* The opening comment of every generated file. */
void gen_banner(FILE *f, const struct gen_ctx *ctx, const char *what);
/* Text inside a comment, with any star-slash broken. */
void gen_comment_text(FILE *f, const char *s);
/* One line: the probe as declared, as a comment. */
void gen_probe_comment(FILE *f, const char *provider,
		       const struct tsdt_pf_probe *probe);
/* ", (type, name)" for each argument (TSDT_PROBE_DEFINE/TSDT_HANDLER). */
void gen_typed_args(FILE *f, const struct tsdt_pf_probe *probe);
/* Whether some argument type has one of the NULL-terminated @words as
 * a whole token ("bool", "uint32_t"). */
bool gen_uses_word(const struct tsdt_provider_file *pf,
		   const char *const *words);
/* "a, b, c" (with @lead, ", a, b, c"): the arguments' names. */
void gen_arg_names(FILE *f, const struct tsdt_pf_probe *probe, bool lead);

/* Runs the generator with a dtrace-compatible command line; @prog names
 * the program in messages ("tsdt-gen", "tsdt gen").
 * @return the exit code: 0 ok, 1 error, 2 usage. */
int tsdt_gen_main(int argc, char **argv, const char *prog);

/* The struct or union tag @type uses ("struct req" of "const struct req *")
 * into @buf; false when none. */
bool gen_arg_tag(const char *type, char *buf, size_t sz);
/* Whether an argument before (@prov, @probe, @arg) uses @tag too. */
bool gen_tag_seen_before(const struct tsdt_provider_file *pf, size_t prov,
			 size_t probe, int arg, const char *tag);

#endif /* TSDT_SDK_GEN_H */
