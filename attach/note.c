// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Note descriptors, checked before every read.
 *
 * stapsdt (type 3) descriptor: three addresses of the file's class size
 * (8 bytes on ELF64, 4 on ELF32) in the file's byte order -- the probe's pc,
 * the link-time address of .stapsdt.base, and the semaphore (0 if none) --
 * then "provider\0name\0args\0". Strings must be NUL-terminated inside the
 * descriptor; anything after the argument string is ignored (padding).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "note.h"

static uint64_t get_addr(const unsigned char *p, int sz, bool be)
{
	uint64_t v = 0;

	for (int i = 0; i < sz; i++)
		v |= (uint64_t)p[be ? sz - 1 - i : i] << (8 * i);
	return v;
}

/* The NUL-terminated string at *off, bounded by sz and max; advances *off. */
static const char *get_str(const unsigned char *d, size_t sz, size_t *off,
			   size_t max, const char *what, char *err,
			   size_t err_sz)
{
	const unsigned char *s = d + *off;
	const unsigned char *nul;

	if (*off >= sz) {
		snprintf(err, err_sz, "truncated note: %s missing", what);
		return NULL;
	}
	nul = memchr(s, 0, sz - *off);
	if (!nul) {
		snprintf(err, err_sz, "%s is not NUL-terminated within the note",
			 what);
		return NULL;
	}
	if ((size_t)(nul - s) > max) {
		snprintf(err, err_sz, "%s longer than %zu bytes", what, max);
		return NULL;
	}
	*off += nul - s + 1;
	return (const char *)s;
}

int tsdt_note_parse_stapsdt(const void *desc, size_t sz, int addr_sz,
			    bool big_endian, struct tsdt_stapsdt_note *ret,
			    char *err, size_t err_sz)
{
	const unsigned char *d = desc;
	struct tsdt_stapsdt_note n = {};
	size_t off = 3 * (size_t)addr_sz;

	if (addr_sz != 4 && addr_sz != 8) {
		snprintf(err, err_sz, "bad address size %d", addr_sz);
		return -EINVAL;
	}
	if (!desc || sz < off) {
		snprintf(err, err_sz,
			 "truncated note: %zu bytes, need %zu for its addresses",
			 desc ? sz : 0, off);
		return -EINVAL;
	}
	n.pc = get_addr(d, addr_sz, big_endian);
	n.base = get_addr(d + addr_sz, addr_sz, big_endian);
	n.sema = get_addr(d + 2 * addr_sz, addr_sz, big_endian);
	if (!(n.provider = get_str(d, sz, &off, TSDT_NOTE_NAME_MAX,
				   "provider name", err, err_sz)))
		return -EINVAL;
	if (!(n.name = get_str(d, sz, &off, TSDT_NOTE_NAME_MAX, "probe name",
			       err, err_sz)))
		return -EINVAL;
	if (!(n.args = get_str(d, sz, &off, TSDT_NOTE_ARGS_MAX,
			       "argument string", err, err_sz)))
		return -EINVAL;
	if (!n.provider[0] || !n.name[0]) {
		snprintf(err, err_sz, "empty %s name",
			 n.provider[0] ? "probe" : "provider");
		return -EINVAL;
	}
	*ret = n;
	return 0;
}

int tsdt_note_parse_type(const void *desc, size_t sz,
			 struct tsdt_type_note *ret, char *err, size_t err_sz)
{
	const unsigned char *d = desc;
	struct tsdt_type_note n = {};
	size_t off = 2;

	if (!desc || sz < 2) {
		snprintf(err, err_sz, "truncated type note: %zu bytes",
			 desc ? sz : 0);
		return -EINVAL;
	}
	n.version = d[0];
	n.nargs = d[1];
	if (n.version != 1) {
		snprintf(err, err_sz, "type note version %u not supported "
			 "(this library reads version 1)", n.version);
		return -ENOTSUP;
	}
	if (n.nargs > TSDT_MAX_ARGS) {
		snprintf(err, err_sz, "type note has %u arguments (at most %d)",
			 n.nargs, TSDT_MAX_ARGS);
		return -EINVAL;
	}
	if (!(n.provider = get_str(d, sz, &off, TSDT_NOTE_NAME_MAX,
				   "provider name", err, err_sz)))
		return -EINVAL;
	if (!(n.name = get_str(d, sz, &off, TSDT_NOTE_NAME_MAX, "probe name",
			       err, err_sz)))
		return -EINVAL;
	for (int i = 0; i < n.nargs; i++) {
		struct tsdt_type_note_arg *a = &n.args[i];
		char what[48];

		if (sz - off < 3) {
			snprintf(err, err_sz,
				 "truncated type note: argument %d missing", i);
			return -EINVAL;
		}
		a->kind = d[off];
		a->size = d[off + 1];
		a->flags = d[off + 2];
		off += 3;
		if (a->kind < TSDT_TYPE_INT || a->kind > TSDT_TYPE_STR) {
			snprintf(err, err_sz, "argument %d: unknown kind %u", i,
				 a->kind);
			return -EINVAL;
		}
		if (a->size != 1 && a->size != 2 && a->size != 4 && a->size != 8) {
			snprintf(err, err_sz, "argument %d: bad size %u", i,
				 a->size);
			return -EINVAL;
		}
		if (a->flags & ~1u) {
			snprintf(err, err_sz, "argument %d: unknown flags 0x%x", i,
				 a->flags);
			return -EINVAL;
		}
		snprintf(what, sizeof(what), "argument %d type", i);
		if (!(a->type = get_str(d, sz, &off, TSDT_TYPE_NAME_MAX - 1,
					what, err, err_sz)))
			return -EINVAL;
		snprintf(what, sizeof(what), "argument %d name", i);
		if (!(a->argname = get_str(d, sz, &off, TSDT_NOTE_NAME_MAX,
					   what, err, err_sz)))
			return -EINVAL;
	}
	if (!n.provider[0] || !n.name[0]) {
		snprintf(err, err_sz, "empty %s name",
			 n.provider[0] ? "probe" : "provider");
		return -EINVAL;
	}
	*ret = n;
	return 0;
}

void tsdt_type_note_arg__type(const struct tsdt_type_note_arg *a,
			      struct tsdt_type *t)
{
	memset(t, 0, sizeof(*t));
	t->kind = a->kind;
	t->size = a->size;
	t->is_signed = a->flags & 1;
	snprintf(t->name, sizeof(t->name), "%s", a->type);
	/* A C compiler cannot tell an enum from its integer type, so the
	 * header records kind 1 for it; the spelling still says "enum X". */
	if (t->kind == TSDT_TYPE_INT && !strncmp(t->name, "enum ", 5))
		t->kind = TSDT_TYPE_ENUM;
}
