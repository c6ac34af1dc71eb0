/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Provider files: the one parser of DTrace-style provider definitions
 * (`provider NAME { probe NAME(TYPE [NAME], ...); ... };`), used by the
 * generator tsdt-gen and by the catalog (`tsdt list --provider-file`).
 * Internal to libtsdt (hidden symbols); not part of the public API.
 *
 * Accepted input:
 *  - C (slash-star) and C++ (slash-slash) comments;
 *  - `#pragma ...` lines (ignored, as DTrace's `#pragma D attributes`),
 *    except `#pragma tsdt binary GLOB...`: the file applies to the
 *    binaries whose path (a glob with '/') or file name matches a glob;
 *  - line markers `# 12 "file.d"` and `#line 12 "file.d"` (as the C
 *    preprocessor writes them), so that positions name the original file;
 *  - object-like `#define NAME TOKENS` and `#undef NAME`, expanded inside
 *    argument types (enough for files such as PostgreSQL's probes.d to be
 *    read without running cpp); any other directive is an error;
 *  - argument types of several tokens (`unsigned long long`, `const char *`,
 *    `struct foo *`, `char **`), an optional argument name, `(void)` or `()`
 *    for no arguments; the `;` after a provider's `}` is optional.
 *
 * Errors are reported as "FILE:LINE:COL: message" (positions from line
 * markers when present), written into the caller's buffer and logged with
 * pr_warn(). Limits: TSDT_MAX_ARGS arguments, identifiers and types of
 * at most TSDT_PF_NAME_MAX - 1 characters.
 */
#ifndef TSDT_SDK_PROVIDER_H
#define TSDT_SDK_PROVIDER_H

#include <stddef.h>
#include <tsdt/libtsdt.h>

/* Longest provider/probe/argument name or type spelling, plus the NUL (as
 * long as the type note takes: TSDT_NOTE_NAME_MAX). */
#define TSDT_PF_NAME_MAX 256
/* Longest accepted input (bytes). */
#define TSDT_PF_MAX_SIZE (16u << 20)

/* A position in the original source (file names are owned by the
 * struct tsdt_provider_file and live as long as it). */
struct tsdt_pf_loc {
	const char *file;
	int line; /* 1-based */
	int col;  /* 1-based, in bytes */
};

struct tsdt_pf_arg {
	/* C spelling after expansion of the file's own #defines, tokens
	 * joined by one space, stars kept together: "const char **" */
	char *type;
	/* the spelling as written (before #define expansion), same format */
	char *spelling;
	/* the argument's name, or NULL when unnamed (outputs call it argI,
	 * I counting from 0) */
	char *name;
	struct tsdt_pf_loc loc;
};

struct tsdt_pf_probe {
	char *name; /* as written, `__` kept: "transaction__start" */
	int arg_cnt;
	struct tsdt_pf_arg args[TSDT_MAX_ARGS];
	struct tsdt_pf_loc loc;
};

struct tsdt_pf_provider {
	char *name;
	size_t probe_cnt;
	struct tsdt_pf_probe *probes;
	struct tsdt_pf_loc loc;
};

struct tsdt_provider_file {
	char *path; /* the name given to the parser */
	size_t provider_cnt;
	struct tsdt_pf_provider *providers;
	/* `#pragma tsdt binary GLOB...`: the binaries the file types (none:
	 * every binary); see tsdt_provider_file__applies_to() */
	size_t binary_cnt;
	char **binaries;
	/* set by the catalog: read from the stock directory, not given */
	bool stock;
	/* set by pattern.c: the types of a pattern, "provider:name(...)" */
	bool pattern;
	/* private: interned file names of line markers */
	size_t file_cnt;
	char **files;
};

/**
 * tsdt_provider_file__parse() parses @len bytes of @buf (need not be
 * NUL-terminated); @name names the input in messages.
 * On error, @err (if non-NULL) receives "FILE:LINE:COL: message".
 * @return the parsed file (free with tsdt_provider_file__free()), or NULL
 * with errno: EINVAL for a syntax error or a limit, ENOMEM, EFBIG.
 */
struct tsdt_provider_file *
tsdt_provider_file__parse(const char *buf, size_t len, const char *name,
			  char *err, size_t err_sz);

/* As tsdt_provider_file__parse(), without logging the error (the caller
 * tells it, e.g. a pattern's types with the pattern's own column). */
struct tsdt_provider_file *
tsdt_provider_file__parse_quiet(const char *buf, size_t len, const char *name,
				char *err, size_t err_sz);

/**
 * tsdt_provider_file__open() reads and parses the file at @path.
 * @return as tsdt_provider_file__parse(); errno from open/read (with
 * "PATH: strerror" in @err) when the file can't be read.
 */
struct tsdt_provider_file *
tsdt_provider_file__open(const char *path, char *err, size_t err_sz);

/** Frees @pf and everything it owns; accepts NULL. */
void tsdt_provider_file__free(struct tsdt_provider_file *pf);

/**
 * tsdt_provider_file__find_probe() finds probe @name (exact spelling, e.g.
 * "transaction__start") of provider @provider.
 * @return the probe, or NULL.
 */
const struct tsdt_pf_probe *
tsdt_provider_file__find_probe(const struct tsdt_provider_file *pf,
			       const char *provider, const char *name);

/** True when @pf applies to the binary at @path (no `#pragma tsdt
 * binary`, or a glob of it matches). */
bool tsdt_provider_file__applies_to(const struct tsdt_provider_file *pf,
				    const char *path);

/** Total number of probes in all providers of @pf. */
size_t tsdt_provider_file__probe_cnt(const struct tsdt_provider_file *pf);

#endif /* TSDT_SDK_PROVIDER_H */
