/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libtsdt: read typed USDT probes from binaries and processes, and attach
 * type-checked BPF handlers to them.
 *
 * Conventions (the libbpf ones):
 *  - objects are opaque; read them through getters named object__field();
 *  - functions returning int return 0 (or a count) on success and a negative
 *    errno on failure; functions returning a pointer return NULL and set errno;
 *  - calls that may grow take a const struct x_opts * whose first field is
 *    its size (use TSDT_OPTS() to declare one); NULL means all defaults;
 *  - the library never prints: messages go to the callback installed with
 *    tsdt_set_print(), and error details also go there;
 *  - destructors accept NULL.
 *
 * Layers, each in its own header section below:
 *   types    the canonical type model and the one compatibility check
 *   spec     decoded argument specifications (x86-64, aarch64)
 *   catalog  probes of one ELF file, or of every file mapped by a process
 *   deps     the shared libraries a program needs, found as ld.so finds them
 *   attach   typed BPF handlers on probes (see <tsdt/tsdt.bpf.h>)
 *   trace    the generic tracer behind `tsdt trace` / `tsdt stat`
 */
#ifndef TSDT_LIBTSDT_H
#define TSDT_LIBTSDT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <tsdt/hist.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TSDT_API __attribute__((visibility("default")))

/* Most arguments a probe can have (same limit as <sys/sdt.h>). */
#define TSDT_MAX_ARGS 12

/*
 * TSDT_OPTS(type, name, fields...) declares and zero-fills an opts struct
 * and sets its size field, e.g.
 *	TSDT_OPTS(tsdt_catalog_opts, opts, .provider_files = files);
 */
#define TSDT_OPTS(TYPE, NAME, ...)                                            \
	struct TYPE NAME = ({                                                 \
		memset(&NAME, 0, sizeof(struct TYPE));                        \
		(struct TYPE){ .sz = sizeof(struct TYPE), __VA_ARGS__ };      \
	})

/* ------------------------------------------------------------------ log */

enum tsdt_print_level {
	TSDT_WARN,
	TSDT_INFO,
	TSDT_DEBUG,
};

typedef int (*tsdt_print_fn_t)(enum tsdt_print_level level, const char *fmt,
			       va_list args);

/**
 * @brief **tsdt_set_print()** installs the function that receives every
 * message of the library (warnings, details of errors, debug traces).
 * The default prints warnings and info to stderr; NULL silences the library.
 * @return the previous function.
 */
TSDT_API tsdt_print_fn_t tsdt_set_print(tsdt_print_fn_t fn);

/* ---------------------------------------------------------------- types */

/*
 * The canonical type model. Our type note, provider files and BPF handlers'
 * BTF all parse into it; tsdt_type__check() is the one compatibility rule.
 */
enum tsdt_type_kind {
	TSDT_TYPE_UNTYPED = 0, /* only size and sign are known (a bare note) */
	TSDT_TYPE_INT,         /* integer, 1/2/4/8 bytes, signed or not */
	TSDT_TYPE_BOOL,
	TSDT_TYPE_ENUM,
	TSDT_TYPE_FLOAT,       /* float (4) or double (8) */
	TSDT_TYPE_PTR,         /* pointer to anything but char */
	TSDT_TYPE_STR,         /* char * / const char *: a NUL-terminated string */
};

#define TSDT_TYPE_NAME_MAX 64

struct tsdt_type {
	enum tsdt_type_kind kind;
	unsigned int size;     /* bytes; 0 when unknown */
	bool is_signed;
	/* C spelling, canonical: "uint32_t", "const char *", "struct foo *";
	 * empty for TSDT_TYPE_UNTYPED. */
	char name[TSDT_TYPE_NAME_MAX];
};

/**
 * @brief **tsdt_type__parse()** parses a C type spelling ("unsigned int",
 * "const char*", "uint64_t", "struct foo *", "bool", "double") into @ret.
 * Typedef names it does not know give kind TSDT_TYPE_UNTYPED with the name
 * kept and size 0.
 * @return 0, or -EINVAL for something that is not a type.
 */
TSDT_API int tsdt_type__parse(const char *spelling, struct tsdt_type *ret);

/**
 * @brief **tsdt_type__str()** writes a human-readable type into @buf:
 * the name, or for untyped values their size and sign ("int32 (untyped)").
 * @return @buf.
 */
TSDT_API const char *tsdt_type__str(const struct tsdt_type *t, char *buf,
				    size_t sz);

/**
 * @brief **tsdt_type__check()** decides whether a handler that reads a value
 * as @reader may read an argument whose probe declares @probe. On refusal it
 * writes a reason into @why (if non-NULL) such as
 * "handler reads uint64_t, probe declares const char *".
 * @return 0 when compatible, -EPROTOTYPE when not.
 */
TSDT_API int tsdt_type__check(const struct tsdt_type *reader,
			      const struct tsdt_type *probe, char *why,
			      size_t why_sz);

/* The name of a type kind, as tsdt's JSON writes it: "untyped", "int",
 * "bool", "enum", "float", "ptr", "str" ("unknown" for other values). */
TSDT_API const char *tsdt_type_kind__str(enum tsdt_type_kind kind);

/* ----------------------------------------------------------------- spec */

enum tsdt_arch {
	TSDT_ARCH_UNKNOWN = 0,
	TSDT_ARCH_X86_64,
	TSDT_ARCH_AARCH64,
};

enum tsdt_arg_loc {
	TSDT_ARG_CONST,     /* $imm / bare number: val */
	TSDT_ARG_REG,       /* %reg / x0: value of reg */
	TSDT_ARG_REG_DEREF, /* off(%reg) / [x1, off]: *(reg + off) */
	TSDT_ARG_SIB,       /* off(%base,%index,scale): *(base + index*scale + off) */
	TSDT_ARG_STATIC,    /* sym+off(%rip): *(load bias + addr) */
	TSDT_ARG_FPREG,     /* %xmm0 / d0: decoded, not readable from BPF */
};

/* One argument's location and size, decoded: opaque, read with the
 * getters below (the catalog's sites own theirs: tsdt_site__arg_spec()). */
struct tsdt_arg_spec;

/**
 * @brief **tsdt_arg_spec__parse()** decodes one argument spec ("-4@%edi",
 * "8@-16(%rbp)", "-4@NBuffers(%rip)", "8f@%xmm0", "-4@[sp, 16]") for @arch.
 * Symbols are not resolved here (see the catalog).
 * @return the spec (free with tsdt_arg_spec__free()), or NULL with errno:
 * EINVAL with a message for malformed input, ENOTSUP for an architecture
 * this library does not decode, ENOMEM.
 */
TSDT_API struct tsdt_arg_spec *tsdt_arg_spec__parse(enum tsdt_arch arch,
						    const char *str);
/** Frees a spec from tsdt_arg_spec__parse(); accepts NULL. */
TSDT_API void tsdt_arg_spec__free(struct tsdt_arg_spec *spec);

/* A spec's parts. Size in bytes (1, 2, 4, 8: the note's size without its
 * sign); value: the constant (CONST), the displacement (REG_DEREF, SIB) or
 * the offset from the symbol (STATIC); registers by name as written
 * ("edi", "x1"; "" when none) and by their byte offset in the kernel's
 * struct pt_regs; scale of SIB's index; symbol ("" when none) and its
 * link-time address (0 until the catalog resolves it: a spec with a symbol
 * and address 0 cannot be read). */
TSDT_API enum tsdt_arg_loc tsdt_arg_spec__loc(const struct tsdt_arg_spec *spec);
TSDT_API int tsdt_arg_spec__size(const struct tsdt_arg_spec *spec);
TSDT_API bool tsdt_arg_spec__is_signed(const struct tsdt_arg_spec *spec);
TSDT_API bool tsdt_arg_spec__is_float(const struct tsdt_arg_spec *spec);
TSDT_API int64_t tsdt_arg_spec__value(const struct tsdt_arg_spec *spec);
TSDT_API const char *tsdt_arg_spec__reg(const struct tsdt_arg_spec *spec);
TSDT_API int tsdt_arg_spec__reg_off(const struct tsdt_arg_spec *spec);
TSDT_API const char *
tsdt_arg_spec__index_reg(const struct tsdt_arg_spec *spec);
TSDT_API int tsdt_arg_spec__index_reg_off(const struct tsdt_arg_spec *spec);
TSDT_API int tsdt_arg_spec__scale(const struct tsdt_arg_spec *spec);
TSDT_API const char *tsdt_arg_spec__symbol(const struct tsdt_arg_spec *spec);
TSDT_API uint64_t tsdt_arg_spec__addr(const struct tsdt_arg_spec *spec);

/**
 * @brief **tsdt_arg_spec__str()** writes a decoded, human-readable form of
 * @spec ("int32 in %edi", "uint64 at -16(%rbp)", "int32 at NBuffers = 0x..").
 * @return @buf.
 */
TSDT_API const char *tsdt_arg_spec__str(const struct tsdt_arg_spec *spec,
					char *buf, size_t sz);

/* Names as tsdt's JSON writes them ("unknown" for other values): of an
 * architecture, "x86-64", "aarch64"; of a location, "const", "reg",
 * "reg_deref", "sib", "static", "fpreg". */
TSDT_API const char *tsdt_arch__str(enum tsdt_arch arch);
TSDT_API const char *tsdt_arg_loc__str(enum tsdt_arg_loc loc);

/* -------------------------------------------------------------- catalog */

struct tsdt_catalog; /* every probe of one file, or of a process */
struct tsdt_binary;  /* one ELF file with probes */
struct tsdt_probe;   /* provider:name in one binary: its sites and types */
struct tsdt_site;    /* one probe site (one .note.stapsdt note) */

enum tsdt_type_source {
	TSDT_TYPES_NONE = 0,   /* untyped: sizes and signs from the notes */
	TSDT_TYPES_NOTE,       /* our .note.tsdt in the binary */
	TSDT_TYPES_PROVIDER,   /* a provider file given by the user */
	TSDT_TYPES_STOCK,      /* a provider file of tsdt's own library of
				* stock software (share/tsdt/providers) */
	TSDT_TYPES_PATTERN,    /* a pattern's own types,
				* "provider:name(const char *file, ...)" */
};

struct tsdt_catalog_opts {
	size_t sz;
	/* NULL-terminated list of provider files (DTrace syntax, already
	 * preprocessed or not) giving types to probes without a type note */
	const char *const *provider_files;
	/* for tsdt_catalog__open_pid(): also read current semaphore values */
	bool read_semaphores;
	/* Stock types: probes that neither a type note nor a provider file
	 * types take them from the provider files of @stock_dir (NULL: the
	 * environment's TSDT_PROVIDERS_DIR, else the installed
	 * share/tsdt/providers); per binary and provider, the file whose
	 * probe set fits the binary's best (one file per program version).
	 * @no_stock_types turns this off. */
	const char *stock_dir;
	bool no_stock_types;
	size_t :0;
};
#define tsdt_catalog_opts__last_field no_stock_types

/**
 * @brief **tsdt_catalog__open_file()** reads every probe of one ELF file.
 * @path may also be a library name ("libstdc++", "libc.so.6"), searched in
 * the dynamic linker's directories.
 * @return a catalog (free with tsdt_catalog__free()), or NULL with errno set;
 * -ENOENT/-ENOEXEC etc., with a message naming the file.
 * A file without probes gives an empty catalog, not an error.
 */
TSDT_API struct tsdt_catalog *
tsdt_catalog__open_file(const char *path,
			const struct tsdt_catalog_opts *opts);

/**
 * @brief **tsdt_catalog__open_pid()** reads every probe of every executable
 * and library mapped by process @pid, through /proc/PID/maps and
 * /proc/PID/root (so processes in other mount namespaces work). Never writes
 * to the process.
 */
TSDT_API struct tsdt_catalog *
tsdt_catalog__open_pid(pid_t pid, const struct tsdt_catalog_opts *opts);

/** Frees @cat and every binary, probe and site it owns (pointers obtained
 * from its getters die with it); accepts NULL. */
TSDT_API void tsdt_catalog__free(struct tsdt_catalog *cat);

/* Number of problems reported (through the print callback) while reading
 * that degrade the result without failing the open: an argument spec that
 * cannot be decoded, a type note or provider file that disagrees with the
 * notes, an unresolved symbol. `tsdt list` exits non-zero when it is not 0. */
TSDT_API int tsdt_catalog__problem_cnt(const struct tsdt_catalog *cat);
/* Number of arguments whose provider-file type has another size or sign
 * than a site's spec passes (PostgreSQL's bools are 4-byte ints): told at
 * info level, once per argument; not problems, since each site is read by
 * its own spec. */
TSDT_API size_t tsdt_catalog__mismatch_cnt(const struct tsdt_catalog *cat);

/* The files of @cat (one for open_file, one per mapped file with probes for
 * open_pid); tsdt_catalog__binary() returns NULL (errno ENOENT) past the end. */
TSDT_API size_t tsdt_catalog__binary_cnt(const struct tsdt_catalog *cat);
TSDT_API const struct tsdt_binary *
tsdt_catalog__binary(const struct tsdt_catalog *cat, size_t i);

/* The path the user knows (as given, or as mapped in the process). */
TSDT_API const char *tsdt_binary__path(const struct tsdt_binary *bin);
/* The path to open from here (e.g. /proc/PID/root/usr/lib/...). */
TSDT_API const char *tsdt_binary__open_path(const struct tsdt_binary *bin);
/* True when @a and @b were read from the same file (device and inode, as
 * the kernel's uprobes identify it), whatever the paths: one file seen
 * through a bind mount or two /proc/PID/root paths is one binary. */
TSDT_API bool tsdt_binary__same_file(const struct tsdt_binary *a,
				     const struct tsdt_binary *b);
/* From the ELF header; TSDT_ARCH_UNKNOWN: specs were not decoded. */
TSDT_API enum tsdt_arch tsdt_binary__arch(const struct tsdt_binary *bin);
/* Load bias in the process (tsdt_catalog__open_pid), 0 otherwise. */
TSDT_API uint64_t tsdt_binary__load_bias(const struct tsdt_binary *bin);
/* Probes in the order of their first note; tsdt_binary__probe() returns
 * NULL (errno ENOENT) past the end. */
TSDT_API size_t tsdt_binary__probe_cnt(const struct tsdt_binary *bin);
TSDT_API const struct tsdt_probe *
tsdt_binary__probe(const struct tsdt_binary *bin, size_t i);
/* Find a probe by exact provider and name; NULL if absent. */
TSDT_API const struct tsdt_probe *
tsdt_binary__find_probe(const struct tsdt_binary *bin, const char *provider,
			const char *name);

TSDT_API const struct tsdt_binary *
tsdt_probe__binary(const struct tsdt_probe *probe);
/* Provider and name as in the notes ("postgresql", "transaction__start"). */
TSDT_API const char *tsdt_probe__provider(const struct tsdt_probe *probe);
TSDT_API const char *tsdt_probe__name(const struct tsdt_probe *probe);
/* Arguments of the probe (of its first site; sites that disagree are
 * reported when the catalog is read). */
TSDT_API int tsdt_probe__arg_cnt(const struct tsdt_probe *probe);
/* Where the argument types come from. */
TSDT_API enum tsdt_type_source
tsdt_probe__type_source(const struct tsdt_probe *probe);
/* The provider file the types come from (TSDT_TYPES_PROVIDER or
 * TSDT_TYPES_STOCK), as given or found; for TSDT_TYPES_PATTERN, the
 * pattern's text; NULL otherwise. */
TSDT_API const char *tsdt_probe__type_file(const struct tsdt_probe *probe);
/* Where types come from, as tsdt's JSON writes it: "none", "note",
 * "provider-file", "stock", "pattern" ("unknown" for other values). */
TSDT_API const char *tsdt_type_source__str(enum tsdt_type_source src);
/* The type of argument @i: from the type note or provider file, else an
 * untyped type with the size and sign of the sites' specs (sites that
 * disagree merge to the largest size, signed if any is; kind FLOAT when
 * every site's spec has SystemTap's 'f' marker). */
TSDT_API const struct tsdt_type *
tsdt_probe__arg_type(const struct tsdt_probe *probe, int i);
/* The argument's name, or NULL when none is known. */
TSDT_API const char *tsdt_probe__arg_name(const struct tsdt_probe *probe,
					  int i);
/* File offset of the semaphore (for the kernel's ref_ctr_offset), 0 if none. */
TSDT_API uint64_t tsdt_probe__semaphore_offset(const struct tsdt_probe *probe);
/* Link-time address of the semaphore, 0 if none. */
TSDT_API uint64_t tsdt_probe__semaphore_addr(const struct tsdt_probe *probe);
/* Current semaphore value (open_pid with read_semaphores), or -1. */
TSDT_API int tsdt_probe__semaphore_value(const struct tsdt_probe *probe);
/* Sites (notes) of the probe, in file order; tsdt_probe__site() returns
 * NULL (errno ENOENT) past the end. */
TSDT_API size_t tsdt_probe__site_cnt(const struct tsdt_probe *probe);
TSDT_API const struct tsdt_site *
tsdt_probe__site(const struct tsdt_probe *probe, size_t i);

/* Link-time virtual address of the site (after .stapsdt.base adjustment). */
TSDT_API uint64_t tsdt_site__addr(const struct tsdt_site *site);
/* File offset of the site (what uprobes attach to). */
TSDT_API uint64_t tsdt_site__file_offset(const struct tsdt_site *site);
/*
 * True when the site is the one <sys/tsdt.h> emits on x86-64: a one-byte
 * nop, then a five-byte nop with the stack pointer 128 bytes lower
 * (`lea -0x80(%rsp),%rsp; nopl 0x0(%rax,%rax,1); lea 0x80(%rsp),%rsp`),
 * below the caller's red zone. Consumers that know nothing of it attach at
 * the nop (tsdt_site__file_offset()); on a kernel with optimized uprobes
 * (x86-64, Linux 6.18+) a uprobe on the five-byte nop, six bytes further,
 * becomes a call instead of a trap after its first hit, and the call's
 * pushes land below the red zone. libtsdt's attach functions do that by
 * themselves when the kernel has optimized uprobes, and read %rsp-relative
 * arguments 128 bytes further there. A bare nop + five-byte nop (tsdt's
 * site before 2026-12) is false: a call there would write into the red
 * zone of the function holding the site.
 */
TSDT_API bool tsdt_site__has_nop5(const struct tsdt_site *site);
/* The raw argument string of the note ("-4@%edi 8@%rsi"). */
TSDT_API const char *tsdt_site__raw_args(const struct tsdt_site *site);
/* Number of argument specs of this site. */
TSDT_API int tsdt_site__arg_cnt(const struct tsdt_site *site);
/* The decoded spec of argument @i; NULL with errno EINVAL when the spec
 * could not be decoded (a warning said why), ENOENT when out of range. */
TSDT_API const struct tsdt_arg_spec *
tsdt_site__arg_spec(const struct tsdt_site *site, int i);

/* ------------------------------------------------------------- patterns */

/*
 * A probe pattern, "[BINARY-OR-LIBRARY:]PROVIDER:NAME", the syntax with
 * which every tsdt tool selects probes (attach/pattern.c):
 *   - PROVIDER and NAME are fnmatch(3) globs; a pattern without ':' is a
 *     NAME ("*:NAME");
 *   - NAME may use DTrace's spelling, '-' for "__" ("transaction-start"
 *     matches transaction__start), except inside [...];
 *   - BINARY (which may contain ':') matches a binary whose path or file
 *     name it matches as a glob, whose canonical path equals its own (when
 *     it contains '/'), or whose file name is it followed by '.' or '-' (a
 *     library stem: "libc" for libc.so.6).
 * Which binaries a pattern's BINARY opens is the caller's (a session's)
 * business; these functions only parse and match.
 */
struct tsdt_pattern;

/**
 * @brief **tsdt_pattern__new()** parses @text.
 * @return a pattern (free with tsdt_pattern__free()), or NULL with errno
 * EINVAL (an empty part, as in "p:" or ":p:n") or ENOMEM.
 */
TSDT_API struct tsdt_pattern *tsdt_pattern__new(const char *text);
TSDT_API void tsdt_pattern__free(struct tsdt_pattern *pat);
/* The text given, and its parts (the name after DTrace spelling); binary
 * is NULL when the pattern has none. */
TSDT_API const char *tsdt_pattern__text(const struct tsdt_pattern *pat);
TSDT_API const char *tsdt_pattern__binary(const struct tsdt_pattern *pat);
TSDT_API const char *tsdt_pattern__provider(const struct tsdt_pattern *pat);
TSDT_API const char *tsdt_pattern__name(const struct tsdt_pattern *pat);
/* True when the binary part has glob characters. */
TSDT_API bool tsdt_pattern__binary_is_glob(const struct tsdt_pattern *pat);
/* Whether @pat gives argument types: "python:function__entry(const char
 * *file, const char *func, int line)" (written as in a provider file). */
TSDT_API bool tsdt_pattern__has_types(const struct tsdt_pattern *pat);
/**
 * @brief **tsdt_catalog__apply_pattern_types()** gives the probes of @cat
 * that @pat matches @pat's argument types, as a provider file would
 * (probes with a type note keep theirs; a size that differs from a site's
 * is told at info level). A tsdt_target does this by itself for its
 * patterns.
 * @return the number of probes typed, or -EINVAL (told) when a matching
 * probe has another number of arguments or a type is unknown.
 */
TSDT_API int tsdt_catalog__apply_pattern_types(struct tsdt_catalog *cat,
					       const struct tsdt_pattern *pat);
/* True when PROVIDER and NAME match (the binary part is not looked at). */
TSDT_API bool tsdt_pattern__match_names(const struct tsdt_pattern *pat,
					const char *provider,
					const char *name);
/* True when the binary part matches @path (always, without one). */
TSDT_API bool tsdt_pattern__match_path(const struct tsdt_pattern *pat,
				       const char *path);
/* Both, for @probe and its binary's path (tsdt_binary__path()). */
TSDT_API bool tsdt_pattern__match(const struct tsdt_pattern *pat,
				  const struct tsdt_probe *probe);

/* --------------------------------------------------------------- targets */

/*
 * A target: what a session traces, for `tsdt trace`, `tsdt stat` and a
 * user's tool alike (attach/target.c says which files each pattern
 * searches). Probes are selected by patterns (tsdt_pattern) in:
 *   - a process (pid): the files it maps;
 *   - a command started here (argv): its executable and the shared
 *     libraries it needs; the command is forked by tsdt_target__spawn() and
 *     held before its exec until tsdt_target__release(), so it is traced
 *     from its first instruction, and never runs untraced (a target freed
 *     before release makes it exit 127);
 *   - or every process running the files that patterns name.
 * Use:
 *
 *	t = tsdt_target__new(&topts);            pid, or argv, provider files
 *	tsdt_target__add_pattern(t, "app:req*"); for each pattern
 *	tsdt_target__select(t);                  read files, select probes
 *	tsdt_target__spawn(t);                   a command: fork it, gated
 *	(add tsdt_target__probe(t, i) to a tracer for tsdt_target__pid(t))
 *	tsdt_target__release(t);                 a command: let it exec
 *	... tsdt_target__ended(t) ...
 *	tsdt_target__free(t);
 *
 * Messages (through the print callback) name the pattern or file that
 * failed; the target owns the catalogs its probes come from.
 */
struct tsdt_target;

struct tsdt_target_opts {
	size_t sz;
	pid_t pid;                          /* a process, or 0 */
	char *const *argv;                  /* a command (argv[0] found as
					     * execvp() would), or NULL */
	const char *const *provider_files;  /* NULL-terminated, or NULL */
	/* a pattern that matches nothing now (or, without a process or a
	 * command, names no binary) is a warning, not an error: when the
	 * session follows processes, the files they run or load later may
	 * have its probes (tsdt_target__add_file()); DTrace's -Z */
	bool allow_no_match;
	/* as in tsdt_catalog_opts: stock types off, another stock directory */
	bool no_stock_types;
	const char *stock_dir;
	size_t :0;
};
#define tsdt_target_opts__last_field stock_dir

/**
 * @brief **tsdt_target__new()** creates a target.
 * @return the target, or NULL with errno: EINVAL (a pid and a command
 * both), ENOENT (the command was not found; the message says so), ENOMEM.
 */
TSDT_API struct tsdt_target *
tsdt_target__new(const struct tsdt_target_opts *opts);
/* Adds a pattern: 0, or -EINVAL for a bad one (the message names it). */
/* A pattern that may match nothing, now or ever, without an error or a
 * warning: what a session adds by itself (tsdt:role). */
TSDT_API int tsdt_target__add_optional_pattern(struct tsdt_target *t,
					       const char *text);
TSDT_API int tsdt_target__add_pattern(struct tsdt_target *t,
				      const char *pattern);
/**
 * @brief **tsdt_target__select()** reads the files the patterns need and
 * selects their probes, each once (by file: tsdt_binary__same_file()).
 * @return 0; -ENOENT when a pattern matches nothing (the message names
 * it and where it looked), -EINVAL for a pattern that names no binary
 * without a process or command, or the catalog's error.
 */
TSDT_API int tsdt_target__select(struct tsdt_target *t);
TSDT_API size_t tsdt_target__probe_cnt(const struct tsdt_target *t);
TSDT_API const struct tsdt_probe *
tsdt_target__probe(const struct tsdt_target *t, size_t i);
/* Sites of the probes selected. */
TSDT_API size_t tsdt_target__site_cnt(const struct tsdt_target *t);
/* tsdt_catalog__mismatch_cnt() of the catalogs read, summed. */
TSDT_API size_t tsdt_target__mismatch_cnt(const struct tsdt_target *t);
/* The process: the pid given, the command's once spawned, else 0. */
/**
 * @brief **tsdt_target__add_file()** selects, with the target's patterns,
 * the probes of one more file: a program a followed process execs, a
 * library it loads (tsdt_tracer_opts.file_fn). @path is matched against
 * the patterns' binary parts, @open_path (NULL: @path) is read. New probes
 * are appended: tsdt_target__probe(t, i) for the last n indexes.
 * @return n, the number of probes added (0: none matched, the file has no
 * probes, or it was read already), or a negative errno (reported).
 */
TSDT_API int tsdt_target__add_file(struct tsdt_target *t, const char *path,
				   const char *open_path);
TSDT_API pid_t tsdt_target__pid(const struct tsdt_target *t);
/* The command (argv as given, its executable as found), or NULL. */
TSDT_API char *const *tsdt_target__argv(const struct tsdt_target *t);
TSDT_API const char *tsdt_target__command_path(const struct tsdt_target *t);
/* The command: fork it, held before its exec (0 or -errno); let it exec
 * (0 or -errno; no-op without a command or when released already). */
TSDT_API int tsdt_target__spawn(struct tsdt_target *t);
TSDT_API int tsdt_target__release(struct tsdt_target *t);
/* Non-blocking: has the process (or the command, which it reaps) ended? */
TSDT_API bool tsdt_target__ended(struct tsdt_target *t);
/* The command's wait status (waitpid()) once ended, else -1. */
TSDT_API int tsdt_target__wait_status(const struct tsdt_target *t);
/* The command: send @sig (or, never released, let it exit at its gate),
 * then wait up to @ms for it to end. */
TSDT_API void tsdt_target__stop(struct tsdt_target *t, int sig, int ms);
/* Frees the target and its catalogs (the command, if never released,
 * exits 127; a running one is left running). Accepts NULL. */
TSDT_API void tsdt_target__free(struct tsdt_target *t);

/* ----------------------------------------------------------------- deps */

struct tsdt_needed_libs_opts {
	size_t sz;
	/* the LD_LIBRARY_PATH the program will run with (directories
	 * separated by ':'), or NULL for none. For a program started from
	 * this process with its environment: getenv("LD_LIBRARY_PATH"). */
	const char *library_path;
	size_t :0;
};
#define tsdt_needed_libs_opts__last_field library_path

/**
 * @brief **tsdt_find_needed_libs()** finds the shared libraries that the
 * program (or library) @path needs when it starts, as the dynamic linker
 * finds them, without running it: DT_NEEDED entries breadth first, each
 * library once; for each name DT_RPATH (of the object and those that
 * loaded it, when the object has no DT_RUNPATH), LD_LIBRARY_PATH, the
 * object's DT_RUNPATH, then the system directories (/etc/ld.so.conf.d, then
 * the default ones); $ORIGIN expanded; files of another ELF class or machine
 * skipped. Not modelled: LD_PRELOAD, $LIB, $PLATFORM, glibc-hwcaps
 * subdirectories, setuid secure mode. A library not found is left out with
 * a debug message (the dynamic linker reports it when the program starts).
 * @path itself is not in the result. A static program needs none.
 * @return the number of libraries found (>= 0), with *@paths set to their
 * paths as found (e.g. "/lib/x86_64-linux-gnu/libc.so.6"), in load order:
 * a NULL-terminated array allocated in one block with its strings (free()
 * it). Or a negative errno, *@paths NULL: -ENOENT etc. when @path cannot be
 * opened, -ENOEXEC when it is not ELF or its dynamic section is malformed,
 * -EINVAL for bad arguments or opts, -ENOMEM.
 */
TSDT_API int tsdt_find_needed_libs(const char *path,
				   const struct tsdt_needed_libs_opts *opts,
				   char ***paths);

/* ---------------------------------------------------------------- attach */

/*
 * Typed BPF handlers (see <tsdt/tsdt.bpf.h> and docs/bpf-handlers.md).
 * A handler is written with TSDT_HANDLER() in a BPF object; the sequence is
 *
 *	obj = bpf_object__open_file(...);          (or a skeleton's __open())
 *	tsdt_object__prepare(obj, &opts);          before load
 *	bpf_object__load(obj);
 *	link = tsdt_program__attach(prog, probe, &opts);   probe from a catalog
 *	...
 *	tsdt_link__destroy(link);
 *
 * Links are file descriptors only (never pinned), so a tracer that dies,
 * even by SIGKILL, leaves no uprobe behind and every semaphore it enabled
 * goes back to its previous value.
 */
struct bpf_object;
struct bpf_program;
struct tsdt_link; /* one handler attached to every site of one probe */

struct tsdt_attach_opts {
	size_t sz;
	/* the process to trace; -1 (or 0, the default) for every process
	 * that runs the binary, now or later. A pid whose process has not
	 * exec'd the binary yet works (the filter is the thread group). */
	pid_t pid;
	/* use per-site perf-event uprobes even if uprobe_multi is available;
	 * must be the same at tsdt_object__prepare() and attach time */
	bool force_per_site;
	/* attach at the site's nop (an int3 trap per hit) even where
	 * tsdt_site__has_nop5(); by default the five-byte nop is used when
	 * the kernel has optimized uprobes. Which is cheaper per hit depends
	 * on the machine (bench/hitcost.sh); both leave the traced program's
	 * stack as it is. */
	bool no_nop5;
	/* tsdt_program__attach(): globals of the probe's own file the handler
	 * reads with tsdt_global(ctx, k, &v) (<tsdt/tsdt.bpf.h>), k in the
	 * order given: each "NAME" or "NAME:TYPE", NAME a global or static
	 * variable or a member path ("MyProcPort->application_name",
	 * through debug information: docs/roles.md), TYPE the C type the
	 * handler reads it as ("const char *": a string), checked against
	 * the variable's before attach (-EPROTOTYPE). At most 4, and the
	 * probe's arguments and these at most 12. */
	const char *const *globals;
	size_t global_cnt;
	size_t :0;
};
#define tsdt_attach_opts__last_field global_cnt

/**
 * @brief **tsdt_object__prepare()** must be called after bpf_object__open()
 * and before bpf_object__load(): for every handler program of @obj (those
 * made by TSDT_HANDLER(), in sections "tsdt" and "tsdt.s") it sets the
 * program type (kprobe), the expected attach type for the attach mode
 * chosen (uprobe_multi when the kernel has it and @opts does not force the
 * per-site mode) and BPF_F_SLEEPABLE for "tsdt.s" programs.
 * @return the number of handler programs prepared (>= 0), or a negative
 * errno (-EBUSY if @obj is already loaded).
 */
TSDT_API int tsdt_object__prepare(struct bpf_object *obj,
				  const struct tsdt_attach_opts *opts);

/**
 * @brief **tsdt_program__attach()** checks the types @prog declares (in its
 * BTF, see <tsdt/tsdt.bpf.h>) against @probe's, and on success attaches it
 * to every site of @probe, enabling the semaphore through the kernel's
 * ref_ctr_offset. @prog must be loaded (its BTF and spec map are found
 * through the kernel). @probe (and its catalog) may be freed after the call.
 * @return a link (destroy with tsdt_link__destroy()), or NULL with errno:
 * -EPROTOTYPE when types disagree or the handler names another probe (the
 * message names probe, argument index and name, and both types), -E2BIG
 * when the handler reads more arguments than the probe has, -ENOSPC when
 * the spec map is full, -ENOENT when @prog declares no types (not made by
 * TSDT_HANDLER()), -ENOTSUP for an argument BPF cannot read (%xmm).
 */
TSDT_API struct tsdt_link *
tsdt_program__attach(const struct bpf_program *prog,
		     const struct tsdt_probe *probe,
		     const struct tsdt_attach_opts *opts);

/**
 * @brief **tsdt_program__check()** runs only the type check of
 * tsdt_program__attach(); @why receives the first mismatch, in the same
 * words as the attach error. @prog must be loaded.
 * @return 0 or -EPROTOTYPE / -E2BIG / -ENOENT (no declared types).
 */
TSDT_API int tsdt_program__check(const struct bpf_program *prog,
				 const struct tsdt_probe *probe, char *why,
				 size_t why_sz);

/**
 * @brief **tsdt_program__probe_name()** gives the probe a handler names
 * ("provider", "name"), from its BTF, copied into @provider and @name
 * (each @sz bytes). @prog must be loaded.
 * @return 0, or -ENOENT when @prog declares no probe.
 */
TSDT_API int tsdt_program__probe_name(const struct bpf_program *prog,
				      char *provider, char *name, size_t sz);

/** Number of probe sites @link is attached to. */
TSDT_API size_t tsdt_link__site_cnt(const struct tsdt_link *link);
/** true when @link is one uprobe_multi link, false for per-site uprobes. */
TSDT_API bool tsdt_link__is_multi(const struct tsdt_link *link);
/** Number of those sites attached at their five-byte nop (see
 * tsdt_site__has_nop5()): the optimized-uprobe path. */
TSDT_API size_t tsdt_link__nop5_cnt(const struct tsdt_link *link);

/** Detaches (all sites at once), frees its specs; accepts NULL. */
TSDT_API void tsdt_link__destroy(struct tsdt_link *link);

/* ----------------------------------------------------------------- trace */

/*
 * The generic tracer behind `tsdt trace` and `tsdt stat`: one BPF program
 * (attach/trace.bpf.c) reads every argument of every site according to the
 * site's spec and the probe's declared type (strings copied), and sends one
 * event per hit through a BPF ring buffer; or, in count-only mode, only
 * counts hits per probe. Use:
 *
 *	tr = tsdt_tracer__new(&opts);
 *	tsdt_tracer__add_probe(tr, probe);       for each probe (any binaries)
 *	tsdt_tracer__start(tr);                  load + attach
 *	while (!stop) {
 *		tsdt_tracer__poll(tr, 100, on_event, ctx);
 *		tsdt_tracer__add_probe(tr, other);   attached at once
 *	}
 *	lost = tsdt_tracer__lost_cnt(tr);
 *	tsdt_tracer__free(tr);                   detach
 *
 * The ring buffer never wakes the reader (BPF_RB_NO_WAKEUP: a wakeup per
 * event would make each hit 2.6x dearer); tsdt_tracer__poll() polls it.
 * Events that do not fit are counted (tsdt_tracer__lost_cnt()), never hidden.
 * The probes added must stay valid (their catalog not freed) until
 * tsdt_tracer__free(), or their catalog be adopted by the tracer.
 * Ring records carry a tagged header (attach/trace.h), so that records of
 * other kinds (process events) can share the ring, in one order and on one
 * clock; tsdt_event__kind() says which kind an event is.
 */
struct tsdt_tracer;
struct tsdt_event; /* one event, valid only inside the callback */

/* What an event is: a probe hit, or (following) a process event. A
 * callback should skip kinds it does not know. */
enum tsdt_event_kind {
	TSDT_EVENT_PROBE = 1,
	TSDT_EVENT_FORK,     /* pid forked tsdt_event__child() */
	TSDT_EVENT_EXEC,     /* pid now runs tsdt_event__path() */
	TSDT_EVENT_EXIT,     /* its last thread exited: tsdt_event__status() */
	TSDT_EVENT_LOAD,     /* it mapped tsdt_event__path() executable at
			      * tsdt_event__base(): a library loaded at
			      * start-up or by dlopen */
	TSDT_EVENT_ROLE,     /* it took role tsdt_event__role() */
	TSDT_EVENT_SPAN,     /* a span ended (tsdt_tracer_opts.span_records):
			      * tsdt_event__span(); pid, tid, time and probe
			      * are its end's */
};
/* "probe", "fork", "exec", "exit", "load", "role" ("unknown" for others) */
TSDT_API const char *tsdt_event_kind__str(enum tsdt_event_kind kind);

/*
 * A file a followed process maps executable, new to the tracer: @path as
 * the process sees it, @open_path to open from here (through
 * /proc/PID/root). 0, or a negative errno (reported; the process goes on).
 */
typedef int (*tsdt_file_fn_t)(void *ctx, struct tsdt_tracer *tr, pid_t pid,
			      const char *path, const char *open_path);

struct tsdt_tracer_opts {
	size_t sz;
	/* one process, or 0 / -1 for every process (now or later) */
	pid_t pid;
	/* per-site perf-event uprobes instead of uprobe_multi links */
	bool force_per_site;
	/* tsdt stat: count hits per probe, send no events */
	bool count_only;
	/* use a non-sleepable program: strings on pages not yet resident then
	 * fail to read (reported per event with -EFAULT) instead of being
	 * faulted in */
	bool no_sleepable;
	/* ring buffer size in bytes, a power of two; 0 means 8 MiB */
	size_t ringbuf_size;
	/* bytes kept per string argument, including the NUL: 0 means 256;
	 * at most 4096 (rounded up to a multiple of 8) */
	unsigned int str_max;
	/* attach every site at its one-byte nop, even where it has a
	 * five-byte nop (see tsdt_attach_opts.no_nop5) */
	bool no_nop5;
	/* room for probes and sites added after tsdt_tracer__start(): the
	 * maps are sized at start to hold at least this many (0: 256 probes
	 * and 1024 sites, or twice what was added before start if more) */
	size_t max_probes;
	size_t max_sites;
	/* follow @pid's family (docs/following.md): the process and every
	 * process it forks, from before the child's first instruction, in
	 * the kernel (the scheduler's fork, exec and exit tracepoints);
	 * children @pid had forked before are found in /proc. Probes are
	 * attached for every process (one link per file) and filtered by the
	 * followed set. Without it, @pid alone (its threads). The files @pid
	 * maps at start are taken as examined: the caller selected probes
	 * from them (as tsdt_target does for a pid). */
	bool follow;
	/* trace the processes of this cgroup v2 directory (an absolute path,
	 * e.g. /sys/fs/cgroup/system.slice/x.service), now and later,
	 * whatever their pid: exclusive with @pid */
	const char *cgroup;
	/* following: when a followed process execs or maps executable a file
	 * the tracer has not examined yet, it is stopped (SIGSTOP, before it
	 * runs an instruction of that file) until @file_fn has had the file
	 * and its probes are attached, then continued: nothing is missed.
	 * With no_hold it runs on, and events of that file's probes that
	 * fire before the attach are missed (docs/following.md measures the
	 * window). */
	bool no_hold;
	/* following: called (from tsdt_tracer__poll()) for each file a
	 * followed process maps executable that the tracer has not examined
	 * yet: the program after an exec, the libraries it loads, a dlopen.
	 * It may add the file's probes with tsdt_tracer__add_probe() (see
	 * tsdt_target__add_file()); the process waits meanwhile. */
	tsdt_file_fn_t file_fn;
	void *file_ctx;
	/* following: most processes followed at once (0: 32768) */
	size_t max_procs;
	/* following attaches every site at its one-byte nop (as no_nop5):
	 * the kernel's optimization of a five-byte nop rewrites the probe's
	 * page in each new process on its first hit, which made a fork+exit
	 * loop 20% slower here (bench/follow.sh); this keeps it (for a few
	 * long-lived processes with hot probes) */
	bool follow_nop5;
	/* roles (following; <sys/tsdt.h>'s TSDT_ROLE, the probe tsdt:role,
	 * which the caller adds like any probe): only hits of processes whose
	 * role is @role_filter (NULL: all), and hits counted per role in the
	 * kernel (tsdt_tracer__for_each_role_hit()) */
	const char *role_filter;
	bool count_by_role;
	/* roles of a program without TSDT_ROLE: the value of this global
	 * integer of each probe's file, read at every hit (so a role that
	 * changes is seen at once), named by @role_names ("1=supervisor,
	 * 2=worker"; a value without a name is its number) */
	const char *role_global;
	const char *role_names;
	/* spans (tsdt_tracer__add_span()): one record per span ended, as a
	 * TSDT_EVENT_SPAN event (for a trace file), also with count_only;
	 * and room for this many spans open at once (0: 65536; a begin that
	 * does not fit is counted, tsdt_span_counts.full) */
	bool span_records;
	size_t max_open_spans;
	/* following: roles from each process's /proc/PID/cmdline (its
	 * arguments, joined by spaces; what a program that sets its process
	 * title shows, as PostgreSQL's "postgres: walsender ..."), matched
	 * against this POSIX extended regular expression: the role is its
	 * first group, or the whole match (at most 31 bytes); no match, no
	 * role. Read again every 50 ms from tsdt_tracer__poll(), so a title
	 * that changes is a role that changes, within that; exclusive with
	 * role_global. */
	const char *role_cmdline;
	size_t :0;
};
#define tsdt_tracer_opts__last_field role_cmdline

/**
 * @brief **tsdt_tracer__new()** creates a tracer (nothing is loaded yet).
 * @return the tracer, or NULL with errno (-EINVAL for bad opts).
 */
TSDT_API struct tsdt_tracer *
tsdt_tracer__new(const struct tsdt_tracer_opts *opts);

/**
 * @brief **tsdt_tracer__add_probe()** adds @probe (all its sites) to the
 * probes traced. Before tsdt_tracer__start() it is attached at start, with
 * the other probes of its binary; after start it is attached at once, with
 * a link of its own, while the other probes keep firing (call it from the
 * thread that polls). A probe already added (same provider and name in the
 * same file, by device and inode: tsdt_binary__same_file(), whatever its
 * path) is not added twice: its index is returned (and, if it was removed
 * with tsdt_tracer__remove_binary(), it is attached again).
 * An argument BPF cannot read (a floating-point register, as <sys/sdt.h>
 * may emit for a double) gets a warning and is reported by
 * tsdt_event__arg_status() in each event.
 * The probe (its catalog) must stay valid until tsdt_tracer__free(), or be
 * handed to the tracer with tsdt_tracer__adopt_catalog().
 * @return the probe's index in the tracer (>= 0), or a negative errno:
 * -ENOSPC when the maps sized at start have no room left for it (see
 * tsdt_tracer_opts.max_probes and max_sites), or the attach's error.
 */
TSDT_API int tsdt_tracer__add_probe(struct tsdt_tracer *tr,
				    const struct tsdt_probe *probe);

/**
 * @brief **tsdt_tracer__start()** loads the BPF program and attaches it to
 * every site of every probe added (one uprobe_multi link per binary, or one
 * perf-event uprobe per site), enabling semaphores through the kernel.
 * @return 0 or a negative errno, with a message (-ENOENT: no probe added);
 * on failure nothing stays attached.
 */
TSDT_API int tsdt_tracer__start(struct tsdt_tracer *tr);

/**
 * @brief **tsdt_tracer__remove_binary()** detaches, in a running tracer,
 * every probe of @bin's file (device and inode: any path to it), as when a
 * library is dlclose'd or a process execs another program: their links go,
 * their semaphores are lowered and their spec slots are free again. Their
 * indexes stay (tsdt_tracer__probe(), tsdt_tracer__hit_cnt(), events still
 * in the ring); tsdt_tracer__add_probe() of such a probe attaches it again.
 * @return the number of probes detached (0: none was attached), or
 * -EINVAL (not started).
 */
TSDT_API int tsdt_tracer__remove_binary(struct tsdt_tracer *tr,
					const struct tsdt_binary *bin);

/**
 * @brief **tsdt_tracer__add_global()** adds, to the events of every probe
 * traced, the value of global variable @name of the probe's own file (the
 * executable or library that holds the probe), read at each hit at that
 * file's place in the process (PIE or not), from .symtab, else .dynsym.
 * It comes after the probe's own arguments, as one more argument named
 * @name (tsdt_event__arg_name()) of type @type: NULL for an integer of the
 * symbol's size (1, 2, 4 or 8 bytes), signed; a string type ("const char
 * *") reads the pointer the variable holds, then the string. A probe whose
 * file lacks the symbol gets it unreadable. Before tsdt_tracer__start().
 * @return 0, or -EINVAL (bad name or type, or started), -E2BIG (more than
 * four), -ENOMEM.
 */
TSDT_API int tsdt_tracer__add_global(struct tsdt_tracer *tr, const char *name,
				     const struct tsdt_type *type);
/* The globals added: count, name and type (NULL past the end). */
TSDT_API size_t tsdt_tracer__global_cnt(const struct tsdt_tracer *tr);
TSDT_API const char *tsdt_tracer__global_name(const struct tsdt_tracer *tr,
					      size_t i);
TSDT_API const struct tsdt_type *
tsdt_tracer__global_type(const struct tsdt_tracer *tr, size_t i);

/**
 * @brief **tsdt_tracer__remove_probe()** stops tracing probe @i in a running
 * tracer: no event, no hit counted from now on (events of hits before the
 * call that are still in the ring are delivered by the next
 * tsdt_tracer__poll(); a hit from the call on is never, even one whose
 * program was already running on another CPU). A probe added after start
 * has a link of its own, which goes (its semaphore is lowered); one
 * attached at start shares its file's link, so its spec slots are cleared
 * and the program drops its hits (its sites still trap, at a cost per hit,
 * until the file's probes are removed). tsdt_tracer__add_probe() of it
 * attaches it again, at the same index.
 * @return 1 when removed, 0 when it was not attached, -EINVAL.
 */
TSDT_API int tsdt_tracer__remove_probe(struct tsdt_tracer *tr, size_t i);

/**
 * @brief **tsdt_tracer__adopt_catalog()** hands @cat to the tracer, which
 * frees it in tsdt_tracer__free(): the probes of catalogs a tool discovers
 * while tracing (a library loaded later) stay valid as long as the tracer.
 * @return 0, or -ENOMEM (@cat is then still the caller's).
 */
TSDT_API int tsdt_tracer__adopt_catalog(struct tsdt_tracer *tr,
					struct tsdt_catalog *cat);

/*
 * Called for each event; a non-zero return stops tsdt_tracer__poll(), which
 * then returns that value.
 */
typedef int (*tsdt_event_fn_t)(void *ctx, const struct tsdt_event *ev);

/**
 * @brief **tsdt_tracer__poll()** delivers the events waiting in the ring
 * buffer to @fn; when there are none, waits up to @timeout_ms (0: do not
 * wait, -1: until an event), looking again after 100 us, then at growing
 * intervals up to 5 ms while nothing comes. A call that may wait reads at
 * most one batch per 100 us (unless more than 1/8 of the ring is waiting),
 * so an event may reach @fn up to 100 us after its hit: a reader right
 * behind the traced thread would keep taking the cache lines it writes
 * next (it doubled the cost of each event). With @timeout_ms 0 (draining)
 * it never waits.
 * Never returns events in count-only mode.
 * @return the number of events delivered (>= 0), a callback's non-zero
 * return, or a negative errno (-EINTR when a signal interrupted the wait).
 */
TSDT_API int tsdt_tracer__poll(struct tsdt_tracer *tr, int timeout_ms,
			       tsdt_event_fn_t fn, void *ctx);

/* Number of probes added, and probe @i (NULL when out of range). */
TSDT_API size_t tsdt_tracer__probe_cnt(const struct tsdt_tracer *tr);
TSDT_API const struct tsdt_probe *
tsdt_tracer__probe(const struct tsdt_tracer *tr, size_t i);
/* Hits of probe @i so far (all CPUs, all sites); also in count-only mode. */
TSDT_API uint64_t tsdt_tracer__hit_cnt(const struct tsdt_tracer *tr,
				       size_t i);
/* Events dropped because the ring buffer was full (all probes). */
TSDT_API uint64_t tsdt_tracer__lost_cnt(const struct tsdt_tracer *tr);
/**
 * @brief **tsdt_tracer__add_examined()** tells a following tracer that the
 * caller has selected probes from @path and the shared libraries it needs
 * already (as tsdt_target does for a command: tsdt_target__command_path()),
 * so that a followed process that execs or loads them is not stopped.
 * @return 0, or a negative errno (-ENOENT: no such file; -EINVAL: not
 * following, or not started).
 */
TSDT_API int tsdt_tracer__add_examined(struct tsdt_tracer *tr,
				       const char *path);

/*
 * Hits per probe and role counted in the kernel (count_by_role): @fn gets
 * each probe index, role name (NULL: processes without a role) and hits.
 * @return 0, or @fn's non-zero return, or a negative errno.
 */
typedef int (*tsdt_role_hit_fn_t)(void *ctx, size_t probe, const char *role,
				  uint64_t hits);
TSDT_API int tsdt_tracer__for_each_role_hit(const struct tsdt_tracer *tr,
					    tsdt_role_hit_fn_t fn, void *ctx);

/* true when the tracer follows processes (tsdt_tracer_opts.follow with a
 * pid, or .cgroup) */
TSDT_API bool tsdt_tracer__is_following(const struct tsdt_tracer *tr);

/*
 * Following: processes followed now (alive; every one when counting), or
 * 0 when not following. A session that follows a command ends when it is
 * 0 again.
 */
TSDT_API size_t tsdt_tracer__followed_cnt(const struct tsdt_tracer *tr);
/* Process events seen so far, by kind (TSDT_EVENT_FORK etc.). */
TSDT_API uint64_t tsdt_tracer__proc_event_cnt(const struct tsdt_tracer *tr,
					      enum tsdt_event_kind kind);
/* Following: processes stopped at a new file (and continued), and the
 * longest such stop in ns. */
TSDT_API uint64_t tsdt_tracer__hold_cnt(const struct tsdt_tracer *tr);
TSDT_API uint64_t tsdt_tracer__hold_max_ns(const struct tsdt_tracer *tr);
/* Following: forks not followed because the followed set was full
 * (tsdt_tracer_opts.max_procs), and process events lost (ring full). */
TSDT_API uint64_t tsdt_tracer__follow_full_cnt(const struct tsdt_tracer *tr);
TSDT_API uint64_t tsdt_tracer__proc_lost_cnt(const struct tsdt_tracer *tr);
/* After start: true if the program is sleepable (strings faulted in). */
TSDT_API bool tsdt_tracer__is_sleepable(const struct tsdt_tracer *tr);
/* After start: true if uprobe_multi links are used, false for per-site. */
TSDT_API bool tsdt_tracer__is_multi(const struct tsdt_tracer *tr);

/** Detaches everything and frees; accepts NULL. */
TSDT_API void tsdt_tracer__free(struct tsdt_tracer *tr);

/*
 * Event getters; an event and what they return are valid only inside the
 * callback. Time is CLOCK_MONOTONIC in ns (bpf_ktime_get_ns()); pid is the
 * thread group id, tid the thread's; comm the thread's name at the hit;
 * probe the tracer's probe that fired.
 */
/* What an event is: tsdt_event__kind(), enum tsdt_event_kind above. */
TSDT_API enum tsdt_event_kind tsdt_event__kind(const struct tsdt_event *ev);
/* The tracer the event came from. */
TSDT_API const struct tsdt_tracer *
tsdt_event__tracer(const struct tsdt_event *ev);
TSDT_API uint64_t tsdt_event__timestamp(const struct tsdt_event *ev);
TSDT_API pid_t tsdt_event__pid(const struct tsdt_event *ev);
TSDT_API pid_t tsdt_event__tid(const struct tsdt_event *ev);
TSDT_API const char *tsdt_event__comm(const struct tsdt_event *ev);
TSDT_API const struct tsdt_probe *
tsdt_event__probe(const struct tsdt_event *ev);
/* Following: the parent of the event's process (kept after it exits, for
 * events still in the ring), 0 when unknown. */
TSDT_API pid_t tsdt_event__ppid(const struct tsdt_event *ev);
/* FORK: the new process; else 0. */
TSDT_API pid_t tsdt_event__child(const struct tsdt_event *ev);
/* EXEC: the path given to execve; LOAD: the file mapped (as the process
 * sees it; "" when unknown); else NULL. */
TSDT_API const char *tsdt_event__path(const struct tsdt_event *ev);
/* EXEC: the program the process ran before (NULL when unknown). */
TSDT_API const char *tsdt_event__old_path(const struct tsdt_event *ev);
/* EXIT: the wait status (WIFEXITED(), WTERMSIG(), ...); else -1. */
TSDT_API int tsdt_event__status(const struct tsdt_event *ev);
/* LOAD: where the file's offset 0 is mapped (its load base); else 0. */
TSDT_API uint64_t tsdt_event__base(const struct tsdt_event *ev);
/* EXEC, LOAD: the process was stopped until this file's probes were
 * attached (tsdt_tracer_opts.no_hold). */
TSDT_API bool tsdt_event__held(const struct tsdt_event *ev);
/* EXIT: events of this process lost because the ring was full. */
TSDT_API uint64_t tsdt_event__lost(const struct tsdt_event *ev);
/* Following: the role of the event's process at the event (the name its
 * last tsdt:role hit gave, or its parent's before it declared one), NULL
 * when it has none. A ROLE event (TSDT_EVENT_ROLE) is a declaration. */
TSDT_API const char *tsdt_event__role(const struct tsdt_event *ev);
/* Index of the event's probe in its tracer (as tsdt_tracer__add_probe()). */
TSDT_API size_t tsdt_event__probe_index(const struct tsdt_event *ev);
/* Arguments read at this site (the site's count, at most 12). */
TSDT_API int tsdt_event__arg_cnt(const struct tsdt_event *ev);
/* Argument @i as 64 bits: sign- or zero-extended per the site's spec;
 * floats are their bits (a float in the low 32 bits); for strings, the
 * pointer. 0 when @i is out of range. */
TSDT_API uint64_t tsdt_event__arg_raw(const struct tsdt_event *ev, int i);
/* 0, or -EFAULT when the BPF program could not read argument @i (its
 * memory was not readable, or it is in a floating-point register; the raw
 * value is then 0). */
TSDT_API int tsdt_event__arg_status(const struct tsdt_event *ev, int i);
/* The name of argument @i: the probe's (tsdt_probe__arg_name(), NULL when
 * it has none), or a global's added with tsdt_tracer__add_global(). */
TSDT_API const char *tsdt_event__arg_name(const struct tsdt_event *ev, int i);
/* The probe's type of argument @i (tsdt_probe__arg_type()), or the
 * global's. */
TSDT_API const struct tsdt_type *
tsdt_event__arg_type(const struct tsdt_event *ev, int i);
/**
 * @brief **tsdt_event__arg_str()** gives the copied text of a string
 * argument (type kind TSDT_TYPE_STR) in *@str, NUL-terminated, possibly
 * truncated to the tracer's str_max - 1 bytes (see
 * tsdt_event__arg_str_truncated()).
 * @return the length (>= 0); -EFAULT when the BPF program could not read
 * it (the string pointer is still in tsdt_event__arg_raw()); -EINVAL when
 * argument @i is not a string; -ENOENT for a NULL pointer.
 */
TSDT_API int tsdt_event__arg_str(const struct tsdt_event *ev, int i,
				 const char **str);
/* true when string argument @i filled its str_max bytes: it may go on. */
TSDT_API bool tsdt_event__arg_str_truncated(const struct tsdt_event *ev,
					    int i);

/*
 * An argument decoded by its declared type and its site's spec, for a
 * caller to format (the CLI's text and JSON writers do only that).
 */
enum tsdt_value_kind {
	TSDT_VALUE_UNREADABLE = 0, /* err: BPF could not read it */
	TSDT_VALUE_STR,            /* str, len, truncated; u: its address */
	TSDT_VALUE_STR_NULL,       /* a NULL string pointer */
	TSDT_VALUE_STR_ERR,        /* err: the string at u could not be read */
	TSDT_VALUE_PTR,            /* u */
	TSDT_VALUE_BOOL,           /* u: 0 or 1 */
	TSDT_VALUE_FLOAT,          /* d; is_float: the argument is a float */
	TSDT_VALUE_INT,            /* i: signed, sign-extended from its size */
	TSDT_VALUE_UINT,           /* u: unsigned, zero-extended */
};

struct tsdt_value {
	enum tsdt_value_kind kind;
	int err;             /* UNREADABLE, STR_ERR: a negative errno */
	bool truncated;      /* STR: the copy filled str_max (it may go on) */
	bool is_float;       /* FLOAT: 4 bytes (else a double) */
	size_t len;          /* STR: bytes before the NUL */
	const char *str;     /* STR: NUL-terminated, valid in the callback */
	int64_t i;
	uint64_t u;
	double d;
};

/**
 * @brief **tsdt_event__arg_value()** decodes argument @i of @ev into @v: a
 * string as its text, a bool as 0/1, a float's bits as a float or double,
 * an integer truncated to its declared size and extended with its declared
 * sign (a provider file may declare uint32_t where the note says -4), a
 * pointer as its address; an argument BPF could not read as UNREADABLE
 * (never its 0 as if it were the value).
 * @return 0, or -EINVAL (no argument @i; @v is then UNREADABLE).
 */
TSDT_API int tsdt_event__arg_value(const struct tsdt_event *ev, int i,
				   struct tsdt_value *v);

/* ----------------------------------------------------------------- spans */

/*
 * Spans (docs/spans.md): a begin probe and an end probe, possibly fired in
 * two processes, matched by a key in the kernel: the begin's time goes
 * into a BPF hash map under its key, the end takes it out and adds its
 * latency to a histogram of its group, in the kernel. No event per hit
 * reaches user space (count_only works), unless span_records asks for one
 * per span. Stages are probes between, matched by the same key: the time
 * from the point before each stage to it is summed, for its share.
 *
 * A key part is an argument of each probe by name (its provider file's or
 * type note's names) or as argN, a global added with
 * tsdt_tracer__add_global() by its name, "pid" or "tid"; two parts are
 * joined by '+' ("conn+xid"). Each probe's part is resolved on that
 * probe's own arguments, so a begin's "id" may be its first argument and
 * the end's its second. Function probes (BINARY:fn:SYM and fn-return) and
 * USDT probes mix freely: a function's duration is the span
 * "fn:SYM" .. "fn-return:SYM" keyed by "tid".
 *
 * Nothing is dropped without a count (tsdt_span_counts): ends without an
 * open begin, begins of a key already open (the newer replaces it),
 * begins that did not fit, begins left open longer than @timeout_ns
 * (taken out by tsdt_tracer__poll() and counted, with some keys), and
 * begins still open (tsdt_span_counts.open: at the end, the unmatched).
 */
struct tsdt_span_opts {
	size_t sz;
	const char *name;     /* NULL: "BEGIN..END" */
	const char *begin;    /* probe patterns (tsdt_pattern__new()) */
	const char *end;
	const char *stages;   /* NULL, or up to 4 patterns, ',' between, in
			       * the order the work passes them */
	const char *key;      /* NULL: "tid" */
	/* histograms per group: NULL or "none" (one), "role" (the begin's
	 * process's, following), "pid" (the begin's process), or an argument
	 * of the begin probe (by name, argN, a global) */
	const char *group;
	uint64_t timeout_ns;  /* 0: begins stay open until the end */
	/* a syscall span instead (no begin, end, stages or key): each system
	 * call of the processes traced, from its entry to its exit, per
	 * thread; "*" for all, or names or numbers with ',' between
	 * ("read,write,futex"); @group "syscall" (NULL), "role", "pid" or
	 * "none". One per tracer. exit and exit_group never return and are
	 * not timed. While attached, every system call of the machine takes
	 * the raw_syscalls tracepoints' slow path. */
	const char *syscalls;
	size_t :0;
};
#define tsdt_span_opts__last_field syscalls

/**
 * @brief **tsdt_tracer__add_span()** defines a span, before
 * tsdt_tracer__start(). The probes it names are matched against every
 * probe the tracer traces, now and later (following); the caller still
 * adds them (tsdt_tracer__add_probe()).
 * @return the span's index (>= 0), or -EINVAL (bad patterns or key,
 * reported), -EEXIST (a span of that name), -E2BIG (8 spans already),
 * -EBUSY (started).
 */
TSDT_API int tsdt_tracer__add_span(struct tsdt_tracer *tr,
				   const struct tsdt_span_opts *opts);
TSDT_API size_t tsdt_tracer__span_cnt(const struct tsdt_tracer *tr);
TSDT_API const char *tsdt_tracer__span_name(const struct tsdt_tracer *tr,
					    size_t i);
TSDT_API size_t tsdt_tracer__span_stage_cnt(const struct tsdt_tracer *tr,
					    size_t i);
/* the pattern of stage @k of span @i */
TSDT_API const char *tsdt_tracer__span_stage(const struct tsdt_tracer *tr,
					     size_t i, size_t k);
/* how many (probe, part) pairs of the probes traced take part in span @i */
TSDT_API size_t tsdt_tracer__span_probe_cnt(const struct tsdt_tracer *tr,
					    size_t i);

/*
 * A latency histogram, in ns, as the kernel keeps it: exact below 4, then
 * 4 buckets per power of two (within 25% of the value; <tsdt/hist.h>, whose
 * tsdt_hist_bucket() a BPF handler can count with too);
 * tsdt_hist__bucket*() map values and buckets. stage_sum[k] is the total
 * time from the point before stage k (the begin, or the stage before it
 * that the span passed) to stage k, over the stage_cnt[k] spans that
 * passed it.
 */
#define TSDT_HIST_STAGES 4
struct tsdt_hist {
	uint64_t count, sum, min, max;
	uint64_t stage_sum[TSDT_HIST_STAGES];
	uint64_t stage_cnt[TSDT_HIST_STAGES];
	uint64_t buckets[TSDT_HIST_BUCKETS];
};

/* The bucket of @v; the lowest and highest value of bucket @b. */
TSDT_API int tsdt_hist__bucket(uint64_t v);
TSDT_API uint64_t tsdt_hist__bucket_low(int b);
TSDT_API uint64_t tsdt_hist__bucket_high(int b);
/* The @p-th percentile (0..100): the upper bound of the bucket that holds
 * it, within [min, max]; 0 for an empty histogram. */
TSDT_API uint64_t tsdt_hist__percentile(const struct tsdt_hist *h, double p);
/* A histogram's buckets folded into powers of two, for a bpftrace-like
 * display: rows[r] counts [2^r, 2^(r+1)) (row 0: [0, 2)); lo and hi the
 * first and last row not empty (-1 for none), max the largest row. */
struct tsdt_hist_rows {
	uint64_t rows[64];
	int lo, hi;
	uint64_t max;
};
/* Folds the first @n (at most TSDT_HIST_BUCKETS) buckets of @buckets, in
 * tsdt_hist_bucket()'s layout (a struct tsdt_hist's, or a shorter array of
 * a handler's own), into @out. */
TSDT_API void tsdt_hist__log2(const uint64_t *buckets, size_t n,
			      struct tsdt_hist_rows *out);
/* @out = @a - @b (an interval from two readings; @b may be NULL); the
 * interval's min and max are those of its buckets, within @a's. */
TSDT_API void tsdt_hist__sub(struct tsdt_hist *out, const struct tsdt_hist *a,
			     const struct tsdt_hist *b);

/* One histogram: span @span, group @group (a pid, an argument's value, a
 * role key) and, for roles, its name (NULL when unknown). Non-zero stops. */
typedef int (*tsdt_span_hist_fn_t)(void *ctx, size_t span, uint64_t group,
				   const char *group_name,
				   const struct tsdt_hist *h);
/* Calls @fn for every histogram in the kernel now (a copy); 0, @fn's
 * non-zero return, or a negative errno. */
TSDT_API int tsdt_tracer__for_each_span_hist(const struct tsdt_tracer *tr,
					     tsdt_span_hist_fn_t fn,
					     void *ctx);

struct tsdt_span_counts {
	size_t sz;
	uint64_t begins;        /* begin hits with a key */
	uint64_t ends;          /* ends matched: spans counted */
	uint64_t orphan_ends;   /* ends with no begin of their key open */
	uint64_t replaced;      /* begins of a key already open */
	uint64_t full;          /* begins not kept: max_open_spans reached */
	uint64_t records_lost;  /* span records that did not fit the ring */
	uint64_t hist_full;     /* spans not counted: too many groups */
	uint64_t timed_out;     /* begins open longer than the timeout */
	uint64_t open;          /* begins open now */
	size_t sample_cnt;      /* keys of the first timed-out ones */
	uint64_t samples[8][2];
	size_t :0;
};
#define tsdt_span_counts__last_field samples

/* Span @i's counters now (a walk of the open spans: O(open)). 0 or -EINVAL. */
TSDT_API int tsdt_tracer__span_counts(struct tsdt_tracer *tr, size_t i,
				      struct tsdt_span_counts *c);
/* Up to @max keys of span @i's open begins; their number, or -EINVAL. */
TSDT_API int tsdt_tracer__open_span_keys(struct tsdt_tracer *tr, size_t i,
					 uint64_t (*keys)[2], size_t max);
/* Takes out and counts begins open longer than their span's timeout
 * (tsdt_tracer__poll() does it every 200 ms); how many, or -EINVAL. */
TSDT_API int tsdt_tracer__expire_spans(struct tsdt_tracer *tr);

/* The build architecture's name of system call @nr (NULL when unknown),
 * and the number of @name (-ENOENT when unknown). */
TSDT_API const char *tsdt_syscall__name(long nr);
TSDT_API long tsdt_syscall__nr(const char *name);

/* A span ended (TSDT_EVENT_SPAN). */
struct tsdt_span_info {
	size_t sz;
	size_t span;                 /* its index */
	uint64_t begin_ns, end_ns;   /* CLOCK_MONOTONIC */
	pid_t begin_pid, begin_tid;
	pid_t end_pid, end_tid;
	uint64_t key[2];             /* its key's parts (0 past the last) */
	uint64_t group;
	uint64_t stage_ns[TSDT_HIST_STAGES]; /* when each stage was passed, 0:
					       * it was not */
	size_t :0;
};
#define tsdt_span_info__last_field stage_ns

/* Fills @si from a TSDT_EVENT_SPAN event; 0, or -EINVAL for other kinds. */
TSDT_API int tsdt_event__span(const struct tsdt_event *ev,
			      struct tsdt_span_info *si);

/* --------------------------------------------------------------- writers */

/*
 * Output writers: the tracer's events as text or JSON Lines
 * (docs/trace-json.md), the formats of `tsdt trace`, for any tool. A writer
 * formats records into its own buffer and writes them to @fd between
 * records only: the file, or a pipe it shares with the traced command,
 * receives whole lines (on a pipe at most PIPE_BUF bytes per write, which
 * the kernel never splits). Use:
 *
 *	w = tsdt_writer__new("json", fd, &wopts);
 *	tsdt_writer__start(w, tr, &start);           header / start record
 *	tsdt_tracer__poll(tr, 100, fn, w);           fn: tsdt_writer__event()
 *	tsdt_writer__flush(w);                       after each poll
 *	tsdt_writer__summary(w, tr, &sum);           at the end
 *	tsdt_writer__free(w);                        flushes; fd stays open
 *
 * Event kinds a writer does not know are skipped. Errors (write(2)'s, or
 * -ENOMEM) are sticky: every later call returns the first.
 */
struct tsdt_writer;

struct tsdt_writer_opts {
	size_t sz;
	/* text: CLOCK_MONOTONIC seconds instead of local wall time */
	bool monotonic;
	/* text: no column header line */
	bool no_header;
	size_t :0;
};
#define tsdt_writer_opts__last_field no_header

/* What the start record says of the session. */
struct tsdt_writer_start {
	size_t sz;
	pid_t pid;               /* the process traced, 0: none */
	char *const *argv;       /* the command started, NULL: none */
	size_t :0;
};
#define tsdt_writer_start__last_field argv

/* What the summary record says. */
struct tsdt_writer_summary {
	size_t sz;
	uint64_t events;         /* events written */
	uint64_t lost;           /* events lost (tsdt_tracer__lost_cnt()) */
	double duration_s;
	const char *reason;      /* why tracing ended: "exited", "signal", ... */
	bool has_exit_status;
	int exit_status;         /* the command's, when has_exit_status */
	size_t :0;
};
#define tsdt_writer_summary__last_field exit_status

/* The formats, in order ("text", "json", "perfetto": a Chrome JSON trace
 * for Perfetto's UI, docs/perfetto.md); NULL past the end. */
TSDT_API const char *tsdt_writer__format_name(size_t i);

/**
 * @brief **tsdt_writer__new()** creates a writer of @format to @fd.
 * @return the writer, or NULL with errno EINVAL (no such format: the
 * message names the formats) or ENOMEM.
 */
TSDT_API struct tsdt_writer *
tsdt_writer__new(const char *format, int fd,
		 const struct tsdt_writer_opts *opts);
/* The header (text) or start record (json) for the probes of @tr. */
TSDT_API int tsdt_writer__start(struct tsdt_writer *w,
				const struct tsdt_tracer *tr,
				const struct tsdt_writer_start *st);
/* One event (in the poll callback); 0 or the writer's error. */
TSDT_API int tsdt_writer__event(struct tsdt_writer *w,
				const struct tsdt_event *ev);
/* A loss report (json: a "lost" record; text writes none: the terminal's). */
TSDT_API int tsdt_writer__lost(struct tsdt_writer *w, uint64_t lost,
			       uint64_t total);
/* The summary record (json), then flushes. */
TSDT_API int tsdt_writer__summary(struct tsdt_writer *w,
				  const struct tsdt_tracer *tr,
				  const struct tsdt_writer_summary *sum);
/* Writes what is buffered (whole records). 0 or the writer's -errno. */
TSDT_API int tsdt_writer__flush(struct tsdt_writer *w);
/* Flushes and frees; @fd is the caller's. Accepts NULL. */
TSDT_API void tsdt_writer__free(struct tsdt_writer *w);

/**
 * @brief **tsdt_json__write_str()** writes @s[0..len) to @f as a JSON
 * string, quotes included, with the writers' one escaper: control
 * characters, and bytes that are not valid UTF-8 (overlong forms,
 * surrogates included), as \u00XX, so the output is valid JSON whatever
 * the bytes. For tools writing their own JSON (tsdt list --json).
 * @return 0, or -EIO / -ENOMEM.
 */
TSDT_API int tsdt_json__write_str(FILE *f, const char *s, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* TSDT_LIBTSDT_H */
