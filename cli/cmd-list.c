// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tsdt list: the probes of binaries, libraries or a process. Options and
 * formatting only; libtsdt's catalog does the reading. The JSON schema is
 * documented in docs/list-json.md.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tsdt/libtsdt.h>

#include "cli.h"
#include "util.h"

#define MAX_PROVIDER_FILES 64

static void usage(FILE *f)
{
	fprintf(f,
"Usage: tsdt list [-v] [--json] [--provider-file FILE]... [--no-auto-types]\n"
"                 PATH... [PATTERN...]\n"
"       tsdt list [-v] [--json] [--provider-file FILE]... [--no-auto-types]\n"
"                 -p PID [PATTERN...]\n"
"\n"
"List the USDT probes of executables and libraries (PATH: a file, or a\n"
"library name such as libstdc++ found in the dynamic linker's directories),\n"
"or of every file mapped by process PID. One line per probe: provider:name,\n"
"its arguments (typed from the binary's type note, a provider file or tsdt's\n"
"stock types, else their sizes), the number of sites and the semaphore's\n"
"file offset (and its current value with -p). Under each file, a 'types:'\n"
"line says where the types of its probes came from.\n"
"\n"
"PATTERN is [binary:]provider:name[(TYPE NAME, ...)] with fnmatch(3) globs,\n"
"as for tsdt trace; the types in parentheses type the probes it matches\n"
"(as a provider file would).\n"
"(a library by its stem, e.g. libc; probe names in DTrace spelling, e.g.\n"
"transaction-start); without -p a pattern must contain ':' to be told\n"
"from a path.\n"
"\n"
"Options:\n"
"  -v, --verbose             also every site: address, file offset, raw and\n"
"                            decoded argument specs; and each argument whose\n"
"                            provider-file type differs from what its sites\n"
"                            pass (once per probe)\n"
"  -j, --json                print JSON (schema: docs/list-json.md)\n"
"  -P, --provider-file FILE  types for probes without a type note, from a\n"
"                            DTrace provider file (repeatable); it wins over\n"
"                            the stock types\n"
"      --no-auto-types       no stock types (share/tsdt/providers, which type\n"
"                            PostgreSQL, CPython, libstdc++...)\n"
"  -p, --pid PID             list the probes of a running process\n"
"  -h, --help                show this help\n"
"\n"
"Exit status: 0 ok; 1 a file could not be read, a problem was reported\n"
"(e.g. a provider file disagrees with the binary), or patterns matched\n"
"nothing; 2 bad usage.\n"
"\n"
"Examples:\n"
"  tsdt list /usr/lib/postgresql/15/bin/postgres\n"
"  tsdt list --provider-file probes/postgresql.d \\\n"
"            /usr/lib/postgresql/15/bin/postgres 'postgresql:lock*'\n"
"  tsdt list -v libstdc++\n"
"  tsdt list --no-auto-types /usr/bin/python3.11\n"
"  tsdt list /usr/bin/python3.11 \\\n"
"            'python:line(const char *file, const char *func, int line)'\n"
"  tsdt list -p $(pgrep -o postgres) --json\n");
}

struct list_ctx {
	bool verbose, json, pid_mode;
	struct tsdt_pattern **pats;
	unsigned long *matched; /* per pattern: probes it selected */
	int pat_cnt;
	int printed_bins; /* JSON: comma placement */
};

static void json_str(const char *s)
{
	if (!s)
		fputs("null", stdout);
	else
		tsdt_json__write_str(stdout, s, strlen(s));
}

/* "uint32_t xid" or, untyped, "int32" */
static void arg_text(const struct tsdt_probe *p, int i, char *buf, size_t sz)
{
	const struct tsdt_type *t = tsdt_probe__arg_type(p, i);
	const char *name = tsdt_probe__arg_name(p, i);
	char tb[128];

	if (!t) {
		snprintf(buf, sz, "?");
		return;
	}
	if (t->kind == TSDT_TYPE_UNTYPED && t->size)
		snprintf(tb, sizeof(tb), "%sint%u", t->is_signed ? "" : "u",
			 t->size * 8);
	else
		tsdt_type__str(t, tb, sizeof(tb));
	if (name)
		snprintf(buf, sz, "%s%s%s", tb,
			 tb[strlen(tb) - 1] == '*' ? "" : " ", name);
	else
		snprintf(buf, sz, "%s", tb);
}

static bool probe_matches(const struct list_ctx *ctx,
			  const struct tsdt_probe *p)
{
	for (int i = 0; i < ctx->pat_cnt; i++)
		if (tsdt_pattern__match(ctx->pats[i], p))
			return true;
	return !ctx->pat_cnt;
}

/* probe_matches(), counting what each pattern selected */
static bool probe_selected(struct list_ctx *ctx, const struct tsdt_probe *p)
{
	bool any = false;

	if (!ctx->pat_cnt)
		return true;
	for (int i = 0; i < ctx->pat_cnt; i++) {
		if (!tsdt_pattern__match(ctx->pats[i], p))
			continue;
		ctx->matched[i]++;
		any = true;
	}
	return any;
}

static void print_text_probe(struct list_ctx *ctx, const struct tsdt_probe *p)
{
	size_t sites = tsdt_probe__site_cnt(p);
	char buf[256];

	printf("  %s:%s(", tsdt_probe__provider(p), tsdt_probe__name(p));
	for (int i = 0; i < tsdt_probe__arg_cnt(p); i++) {
		arg_text(p, i, buf, sizeof(buf));
		printf("%s%s", i ? ", " : "", buf);
	}
	printf(")  %zu site%s", sites, sites == 1 ? "" : "s");
	if (tsdt_probe__semaphore_addr(p)) {
		printf("  semaphore 0x%" PRIx64, tsdt_probe__semaphore_offset(p));
		if (tsdt_probe__semaphore_value(p) >= 0)
			printf(" = %d", tsdt_probe__semaphore_value(p));
	}
	putchar('\n');
	if (!ctx->verbose)
		return;
	for (size_t s = 0; s < sites; s++) {
		const struct tsdt_site *site = tsdt_probe__site(p, s);

		printf("    site 0x%" PRIx64 " (file offset 0x%" PRIx64 "%s): %s\n",
		       tsdt_site__addr(site), tsdt_site__file_offset(site),
		       tsdt_site__has_nop5(site) ? ", + five-byte nop" : "",
		       tsdt_site__raw_args(site)[0] ? tsdt_site__raw_args(site)
						    : "(no arguments)");
		for (int a = 0; a < tsdt_site__arg_cnt(site); a++) {
			const struct tsdt_arg_spec *sp =
				tsdt_site__arg_spec(site, a);

			printf("      arg%d: %s\n", a,
			       sp ? tsdt_arg_spec__str(sp, buf, sizeof(buf))
				  : "(not decoded)");
		}
	}
}

static void print_json_spec(const struct tsdt_arg_spec *sp)
{
	enum tsdt_arg_loc loc = tsdt_arg_spec__loc(sp);
	const char *reg = tsdt_arg_spec__reg(sp), *sym = tsdt_arg_spec__symbol(sp);
	int64_t val = tsdt_arg_spec__value(sp);
	char buf[256];

	printf("{\"loc\":\"%s\",\"size\":%d,\"signed\":%s,\"float\":%s",
	       tsdt_arg_loc__str(loc), tsdt_arg_spec__size(sp),
	       tsdt_arg_spec__is_signed(sp) ? "true" : "false",
	       tsdt_arg_spec__is_float(sp) ? "true" : "false");
	switch (loc) {
	case TSDT_ARG_CONST:
		printf(",\"value\":%" PRId64, val);
		break;
	case TSDT_ARG_REG:
	case TSDT_ARG_FPREG:
		printf(",\"reg\":");
		json_str(reg);
		printf(",\"reg_off\":%d", tsdt_arg_spec__reg_off(sp));
		break;
	case TSDT_ARG_REG_DEREF:
		printf(",\"reg\":");
		json_str(reg);
		printf(",\"reg_off\":%d,\"offset\":%" PRId64,
		       tsdt_arg_spec__reg_off(sp), val);
		break;
	case TSDT_ARG_SIB:
		printf(",\"reg\":");
		json_str(reg[0] ? reg : NULL);
		printf(",\"reg_off\":%d,\"index_reg\":", tsdt_arg_spec__reg_off(sp));
		json_str(tsdt_arg_spec__index_reg(sp));
		printf(",\"index_reg_off\":%d,\"scale\":%d,\"offset\":%" PRId64,
		       tsdt_arg_spec__index_reg_off(sp), tsdt_arg_spec__scale(sp),
		       val);
		break;
	case TSDT_ARG_STATIC:
		printf(",\"offset\":%" PRId64, val);
		break;
	}
	if (sym[0]) {
		printf(",\"symbol\":");
		json_str(sym);
		if (tsdt_arg_spec__addr(sp))
			printf(",\"addr\":\"0x%" PRIx64 "\"", tsdt_arg_spec__addr(sp));
		else
			printf(",\"addr\":null");
	}
	printf(",\"text\":");
	json_str(tsdt_arg_spec__str(sp, buf, sizeof(buf)));
	putchar('}');
}

static void print_json_probe(const struct tsdt_probe *p, bool first)
{
	char buf[256];

	printf("%s\n    {\"provider\":", first ? "" : ",");
	json_str(tsdt_probe__provider(p));
	printf(",\"name\":");
	json_str(tsdt_probe__name(p));
	printf(",\"type_source\":\"%s\",\"type_file\":",
	       tsdt_type_source__str(tsdt_probe__type_source(p)));
	json_str(tsdt_probe__type_file(p));
	printf(",\"args\":[");
	for (int i = 0; i < tsdt_probe__arg_cnt(p); i++) {
		const struct tsdt_type *t = tsdt_probe__arg_type(p, i);

		printf("%s{\"name\":", i ? "," : "");
		json_str(tsdt_probe__arg_name(p, i));
		printf(",\"type\":");
		json_str(t->kind == TSDT_TYPE_UNTYPED && !t->name[0] ? NULL
								    : t->name);
		printf(",\"kind\":\"%s\",\"size\":%u,\"signed\":%s,\"text\":",
		       tsdt_type_kind__str(t->kind), t->size,
		       t->is_signed ? "true" : "false");
		arg_text(p, i, buf, sizeof(buf));
		json_str(buf);
		putchar('}');
	}
	printf("],\"semaphore\":");
	if (tsdt_probe__semaphore_addr(p)) {
		printf("{\"addr\":\"0x%" PRIx64 "\",\"offset\":\"0x%" PRIx64
		       "\",\"value\":", tsdt_probe__semaphore_addr(p),
		       tsdt_probe__semaphore_offset(p));
		if (tsdt_probe__semaphore_value(p) >= 0)
			printf("%d}", tsdt_probe__semaphore_value(p));
		else
			printf("null}");
	} else {
		printf("null");
	}
	printf(",\"sites\":[");
	for (size_t s = 0; s < tsdt_probe__site_cnt(p); s++) {
		const struct tsdt_site *site = tsdt_probe__site(p, s);

		printf("%s\n      {\"addr\":\"0x%" PRIx64 "\",\"file_offset\":\"0x%"
		       PRIx64 "\",\"nop5\":%s,\"args\":", s ? "," : "",
		       tsdt_site__addr(site), tsdt_site__file_offset(site),
		       tsdt_site__has_nop5(site) ? "true" : "false");
		json_str(tsdt_site__raw_args(site));
		printf(",\"specs\":[");
		for (int a = 0; a < tsdt_site__arg_cnt(site); a++) {
			const struct tsdt_arg_spec *sp =
				tsdt_site__arg_spec(site, a);

			if (a)
				putchar(',');
			if (sp)
				print_json_spec(sp);
			else
				printf("null");
		}
		printf("]}");
	}
	printf("]}");
}

/* Whether @p and @q got their types from the same place. */
static bool same_type_source(const struct tsdt_probe *p,
			     const struct tsdt_probe *q)
{
	const char *a = tsdt_probe__type_file(p), *b = tsdt_probe__type_file(q);

	return tsdt_probe__type_source(p) == tsdt_probe__type_source(q) &&
	       (a == b || (a && b && !strcmp(a, b)));
}

/* "  types: stock /usr/share/tsdt/providers/postgresql-15.d (57 probes)",
 * one line per source of the probes listed */
static void print_type_sources(struct list_ctx *ctx,
			       const struct tsdt_binary *b)
{
	size_t n = tsdt_binary__probe_cnt(b);

	for (size_t i = 0; i < n; i++) {
		const struct tsdt_probe *p = tsdt_binary__probe(b, i);
		enum tsdt_type_source src = tsdt_probe__type_source(p);
		const char *file = tsdt_probe__type_file(p);
		const char *quote = src == TSDT_TYPES_PATTERN ? "'" : "";
		size_t cnt = 0;
		bool seen = false;

		if (!probe_matches(ctx, p))
			continue;
		for (size_t j = 0; j < i && !seen; j++) {
			const struct tsdt_probe *q = tsdt_binary__probe(b, j);

			seen = probe_matches(ctx, q) && same_type_source(p, q);
		}
		if (seen)
			continue;
		for (size_t j = i; j < n; j++) {
			const struct tsdt_probe *q = tsdt_binary__probe(b, j);

			cnt += probe_matches(ctx, q) && same_type_source(p, q);
		}
		printf("  types: %s%s%s%s%s (%zu probe%s)\n",
		       src == TSDT_TYPES_NONE ? "none, sizes from the notes"
		       : src == TSDT_TYPES_NOTE ? "type note (.note.tsdt)"
		       : src == TSDT_TYPES_STOCK ? "stock"
		       : src == TSDT_TYPES_PATTERN ? "pattern"
						 : "provider file",
		       file ? " " : "", file ? quote : "", file ? file : "",
		       file ? quote : "", cnt, cnt == 1 ? "" : "s");
	}
}

static void print_binary(struct list_ctx *ctx, const struct tsdt_binary *b)
{
	bool first = true;
	size_t n = tsdt_binary__probe_cnt(b);

	if (ctx->json) {
		printf("%s\n  {\"path\":", ctx->printed_bins++ ? "," : "");
		json_str(tsdt_binary__path(b));
		printf(",\"open_path\":");
		json_str(tsdt_binary__open_path(b));
		printf(",\"arch\":\"%s\",\"load_bias\":", tsdt_arch__str(tsdt_binary__arch(b)));
		if (ctx->pid_mode)
			printf("\"0x%" PRIx64 "\"", tsdt_binary__load_bias(b));
		else
			printf("null");
		printf(",\"probes\":[");
		for (size_t i = 0; i < n; i++) {
			const struct tsdt_probe *p = tsdt_binary__probe(b, i);

			if (!probe_selected(ctx, p))
				continue;
			print_json_probe(p, first);
			first = false;
		}
		printf("]}");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct tsdt_probe *p = tsdt_binary__probe(b, i);

		if (!probe_selected(ctx, p))
			continue;
		if (first) {
			printf("%s", tsdt_binary__path(b));
			if (ctx->pid_mode)
				printf("  (load bias 0x%" PRIx64 ")",
				       tsdt_binary__load_bias(b));
			putchar('\n');
			first = false;
		}
		print_text_probe(ctx, p);
	}
	if (!first)
		print_type_sources(ctx, b);
}

int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "provider-file", required_argument, NULL, 'P' },
		{ "pid", required_argument, NULL, 'p' },
		{ "no-auto-types", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *pfiles[MAX_PROVIDER_FILES + 1] = {};
	struct list_ctx ctx = {};
	const char **paths = NULL;
	int npf = 0, npaths = 0, ret = 0, opt;
	bool open_failed = false, no_stock = false;
	long pid = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "vjP:p:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'v':
			ctx.verbose = true;
			break;
		case 'j':
			ctx.json = true;
			break;
		case 'P':
			if (npf == MAX_PROVIDER_FILES) {
				fprintf(stderr, "tsdt list: at most %d provider files\n",
					MAX_PROVIDER_FILES);
				return 2;
			}
			pfiles[npf++] = optarg;
			break;
		case 'p':
			if (cli_parse_long(optarg, 1, INT32_MAX, &pid)) {
				fprintf(stderr, "tsdt list: bad PID '%s'\n", optarg);
				return 2;
			}
			ctx.pid_mode = true;
			break;
		case 'A':
			no_stock = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	/* the library's warnings as "tsdt list: ...", its info (a provider
	 * file's type that a site passes otherwise) with -v */
	cli_set_print("tsdt list", ctx.verbose);
	paths = calloc(argc, sizeof(*paths));
	ctx.pats = calloc(argc, sizeof(*ctx.pats));
	ctx.matched = calloc(argc, sizeof(*ctx.matched));
	if (!paths || !ctx.pats || !ctx.matched) {
		fprintf(stderr, "tsdt list: out of memory\n");
		ret = 1;
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		const char *a = argv[i];

		if (!ctx.pid_mode && (!strchr(a, ':') || !access(a, F_OK))) {
			paths[npaths++] = a;
			continue;
		}
		ctx.pats[ctx.pat_cnt] = tsdt_pattern__new(a);
		if (!ctx.pats[ctx.pat_cnt++]) {
			/* a bad one: the library said where and what */
			if (errno != EINVAL)
				fprintf(stderr, "tsdt list: pattern '%s': %s\n", a,
					strerror(errno));
			ret = 2;
			goto out;
		}
	}
	if (!ctx.pid_mode && !npaths) {
		fprintf(stderr, "tsdt list: give a PATH or -p PID\n\n");
		usage(stderr);
		ret = 2;
		goto out;
	}

	{
		TSDT_OPTS(tsdt_catalog_opts, copts,
			  .provider_files = npf ? pfiles : NULL,
			  .read_semaphores = ctx.pid_mode,
			  .no_stock_types = no_stock);
		int n = ctx.pid_mode ? 1 : npaths;

		if (ctx.json) {
			printf("{\"version\":1,\"pid\":");
			if (ctx.pid_mode)
				printf("%ld", pid);
			else
				printf("null");
			printf(",\"binaries\":[");
		}
		for (int i = 0; i < n; i++) {
			struct tsdt_catalog *cat;

			cat = ctx.pid_mode ? tsdt_catalog__open_pid(pid, &copts)
					   : tsdt_catalog__open_file(paths[i], &copts);
			if (!cat) {
				/* the library said why (the file, or a provider
				 * file it could not read) */
				if (ctx.pid_mode)
					fprintf(stderr, "tsdt list: pid %ld: %s\n",
						pid, strerror(errno));
				ret = 1;
				open_failed = true;
				continue;
			}
			/* ad-hoc types: "provider:name(TYPE NAME, ...)" */
			for (int k = 0; k < ctx.pat_cnt; k++)
				if (tsdt_catalog__apply_pattern_types(cat, ctx.pats[k]) < 0)
					ret = 1;
			if (tsdt_catalog__problem_cnt(cat))
				ret = 1;
			for (size_t b = 0; b < tsdt_catalog__binary_cnt(cat); b++)
				print_binary(&ctx, tsdt_catalog__binary(cat, b));
			if (!ctx.json && !ctx.pat_cnt && !ctx.pid_mode &&
			    tsdt_catalog__binary_cnt(cat) == 1 &&
			    !tsdt_binary__probe_cnt(tsdt_catalog__binary(cat, 0)))
				fprintf(stderr, "tsdt list: %s: no USDT probes\n",
					tsdt_binary__path(tsdt_catalog__binary(cat, 0)));
			if (ctx.pid_mode && !ctx.json &&
			    !tsdt_catalog__binary_cnt(cat))
				fprintf(stderr, "tsdt list: pid %ld: no mapped file "
					"has USDT probes\n", pid);
			tsdt_catalog__free(cat);
		}
		if (ctx.json)
			printf("\n]}\n");
	}
	/* a file that could not be read (its error said why) matched nothing:
	 * "no probe matches" would only hide that */
	for (int i = 0; i < ctx.pat_cnt && !open_failed; i++) {
		if (ctx.matched[i])
			continue;
		fprintf(stderr, "tsdt list: no probe matches '%s'\n",
			tsdt_pattern__text(ctx.pats[i]));
		ret = ret ? ret : 1;
	}
out:
	for (int i = 0; i < ctx.pat_cnt; i++)
		tsdt_pattern__free(ctx.pats[i]);
	free(ctx.pats);
	free(ctx.matched);
	free(paths);
	return ret;
}
