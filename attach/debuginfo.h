/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Debug information through elfutils (debuginfo.c), libtsdt-internal. */
#ifndef TSDT_DEBUGINFO_H
#define TSDT_DEBUGINFO_H

#include <stddef.h>
#include <stdint.h>

#include <tsdt/libtsdt.h>

/* A function's parameter, from its debug information. */
struct tsdt_debuginfo_param {
	char name[64];
	struct tsdt_type type;   /* UNTYPED: a kind tsdt does not model */
};

/* A file's debug information, found the way gdb finds it (the file,
 * .gnu_debuglink, /usr/lib/debug/.build-id/, DEBUGINFOD_URLS), opened
 * once for several lookups; NULL when there is none, the reason in @why
 * (naming the file and its build-id) when @why is given. */
struct tsdt_debuginfo;
struct tsdt_debuginfo *tsdt_debuginfo_open(const char *path);
struct tsdt_debuginfo *tsdt_debuginfo_open_why(const char *path, char *why,
					       size_t why_sz);
void tsdt_debuginfo_close(struct tsdt_debuginfo *di);

/*
 * The link-time address and the type of "var->member.member->member" (a
 * global or static variable, then struct members and pointers) of @di's
 * file (@path, for messages): the variable's address plus the offsets
 * before the first '->' in *@addr, then *@derefs (0 to 3) times a pointer
 * is read and chain_off[k] added; @type is the last one's. 0, or a negative
 * errno with the reason in @why.
 */
int tsdt_debuginfo_find_path(struct tsdt_debuginfo *di, const char *path,
			     const char *expr, uint64_t *addr,
			     struct tsdt_type *type, int *derefs,
			     int64_t chain_off[3], char *why, size_t why_sz);

/*
 * The parameters (at most @max, in order) and the return type of function
 * @fn: their number (>= 0), or -ENOENT. A parameter of a type tsdt does not
 * model (a struct by value) is UNTYPED; @ret is UNTYPED for void.
 */
int tsdt_debuginfo_fn_params(struct tsdt_debuginfo *di, const char *fn, int max,
			     struct tsdt_debuginfo_param *params,
			     struct tsdt_type *ret);

/*
 * The names of the values of variable @var's enum type (each enumerator to
 * @fn, which stops them with a non-zero return): their number, or -ENOENT
 * (no such variable, not an enum).
 */
int tsdt_debuginfo_enum_names(struct tsdt_debuginfo *di, const char *var,
			      int (*fn)(void *ctx, int64_t value, const char *name),
			      void *ctx);

#endif /* TSDT_DEBUGINFO_H */
