/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Helpers shared by libtsdt's sources (not installed). */
#ifndef TSDT_INTERNAL_H
#define TSDT_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tsdt/libtsdt.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* @v truncated to @size bytes (1, 2, 4; 0 or 8: as it is) and extended by
 * @is_signed: a value as the BPF side delivers it (tsdt.bpf.h) */
static inline uint64_t tsdt_value_fit(uint64_t v, unsigned int size,
				      bool is_signed)
{
	if (size == 0 || size >= 8)
		return v;
	v &= (1ULL << (size * 8)) - 1;
	if (is_signed && (v >> (size * 8 - 1)) & 1)
		v |= ~0ULL << (size * 8);
	return v;
}

/* NULL + errno at the public API */
static inline void *tsdt_err_ptr(int err)
{
	errno = err < 0 ? -err : err;
	return NULL;
}

/* Opts structs (libbpf's scheme): sz must cover at least the size field,
 * and bytes past the fields this version knows about must be zero. */
static inline bool tsdt_opts_valid(const void *opts, size_t known_sz,
				   size_t user_sz)
{
	const char *p = opts;

	if (!opts)
		return true;
	if (user_sz < sizeof(size_t))
		return false;
	for (size_t i = known_sz; i < user_sz; i++)
		if (p[i])
			return false;
	return true;
}

#define tsdt_offsetofend(TYPE, FIELD) \
	(offsetof(TYPE, FIELD) + sizeof(((TYPE *)0)->FIELD))

/* TSDT_OPTS_VALID(opts, tsdt_catalog_opts); the static assertion catches a
 * type name that is not opts' own (libbpf's attach_usdt slip). */
#define TSDT_OPTS_VALID(opts, type) ({                                        \
	_Static_assert(__builtin_types_compatible_p(typeof(*(opts)),          \
						    struct type),             \
		       "TSDT_OPTS_VALID: wrong opts type");                   \
	tsdt_opts_valid((opts), tsdt_offsetofend(struct type,                 \
						 type##__last_field),         \
			(opts) ? (opts)->sz : 0);                             \
})

#define TSDT_OPTS_HAS(opts, field) \
	((opts) && (opts)->sz >= tsdt_offsetofend(typeof(*(opts)), field))
#define TSDT_OPTS_GET(opts, field, fallback) \
	(TSDT_OPTS_HAS(opts, field) ? (opts)->field : (fallback))

/* proc.c: the one parser of each /proc file read. */
struct tsdt_maps_line {             /* one line of /proc/PID/maps */
	uint64_t start, end, off;
	uint64_t dev;                   /* the kernel's dev_t: major << 20 | minor */
	uint64_t ino;
	char perms[5];
	bool deleted;                   /* " (deleted)", cut from path */
	char *path;                     /* into the line (its end cut); NULL:
					 * anonymous or [special] */
};
/* Parses @line (NUL-terminated, modified). 0, or -EINVAL. */
int tsdt_maps_parse_line(char *line, struct tsdt_maps_line *m);
/* The path to open @m's file from here: /proc/PID/root/PATH (the process's
 * mount namespace), or /proc/PID/map_files/START-END for a file deleted
 * since it was mapped. */
void tsdt_maps_open_path(pid_t pid, const struct tsdt_maps_line *m, char *buf,
			 size_t sz);
/* /proc/PID/stat: the state letter and the parent. 0 or a negative errno. */
int tsdt_proc_stat(pid_t pid, char *state, pid_t *ppid);

#endif /* TSDT_INTERNAL_H */
