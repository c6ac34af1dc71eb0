/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Note descriptor parsers, on raw buffers (no ELF needed, so they can be
 * fuzzed): the stapsdt probe note (owner "stapsdt", type 3) and our type note
 * (owner "tsdt", type 1, docs/type-note.md). Strings point into the buffer.
 */
#ifndef TSDT_NOTE_H
#define TSDT_NOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tsdt/libtsdt.h>

#define TSDT_NT_STAPSDT 3
#define TSDT_NT_TSDT_PROBE 1
#define TSDT_NOTE_NAME_MAX 256   /* longest provider or probe name */
#define TSDT_NOTE_ARGS_MAX 4096  /* longest argument string */

struct tsdt_stapsdt_note {
	uint64_t pc, base, sema;
	const char *provider, *name, *args;
};

/* @addr_sz: 8 for ELF64, 4 for ELF32; @big_endian: the file's byte order. */
int tsdt_note_parse_stapsdt(const void *desc, size_t sz, int addr_sz,
			    bool big_endian, struct tsdt_stapsdt_note *ret,
			    char *err, size_t err_sz);

struct tsdt_type_note_arg {
	uint8_t kind, size, flags;
	const char *type, *argname;
};

struct tsdt_type_note {
	uint8_t version, nargs;
	const char *provider, *name;
	struct tsdt_type_note_arg args[TSDT_MAX_ARGS];
};

int tsdt_note_parse_type(const void *desc, size_t sz,
			 struct tsdt_type_note *ret, char *err, size_t err_sz);

/* The type of a type-note argument in the canonical model. */
void tsdt_type_note_arg__type(const struct tsdt_type_note_arg *a,
			      struct tsdt_type *t);

#endif /* TSDT_NOTE_H */
