// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The type model: parsing C spellings, printing, and the one compatibility
 * rule between what a handler reads and what a probe declares.
 *
 * tsdt_type__check(reader, probe) -- the rules, in order:
 *
 *  1. A reader whose type is unknown (TSDT_TYPE_UNTYPED, e.g. an unknown
 *     typedef) is refused.
 *  2. Probe UNTYPED (a bare .note.stapsdt: only size and sign known):
 *     - INT/BOOL/ENUM reader of the same size and signedness: yes;
 *     - INT/BOOL/ENUM reader larger than the argument, same signedness:
 *       yes (widening; BPF_USDT extends the same way);
 *     - PTR/STR reader when the argument is 8 bytes: yes (sign ignored);
 *     - FLOAT reader: no. (An untyped argument whose spec carries the 'f'
 *       marker is given kind FLOAT by the catalog, so rule 6 applies.)
 *  3. Otherwise the kinds must match, except:
 *     - STR and PTR: a probe's STR (char * / const char *) may be read as
 *       any pointer (void *, const uint8_t *); a probe's PTR cannot be read
 *       as a string (nothing says it points at one);
 *     - a probe's BOOL or ENUM may be read as an INT of the same size (any
 *       signedness).
 *  4. INT: same size and same signedness.
 *     BOOL, ENUM: same size.
 *  5. PTR: when both pointees are known (the names end in '*'), they must
 *     be the same type, ignoring const ("struct foo *" vs "struct bar *" is
 *     refused); a "void *" on either side accepts any pointer, as C does.
 *  6. FLOAT: same size (float 4, double 8).
 *  On refusal, @why gets "handler reads R, probe declares P" with both types
 *  printed by tsdt_type__str().
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "types.h"

#define MAX_WORDS 16

struct words {
	int n;
	char w[MAX_WORDS][TSDT_TYPE_NAME_MAX];
	int stars;
	bool is_const; /* const before the first '*' (qualifies the pointee) */
};

/* "const  char*" -> words {const, char}, stars 1. Returns -EINVAL if it has
 * characters no type spelling has. */
static int split_words(const char *s, struct words *w)
{
	memset(w, 0, sizeof(*w));
	while (*s) {
		if (isspace((unsigned char)*s)) {
			s++;
		} else if (*s == '*') {
			w->stars++;
			s++;
		} else if (isalpha((unsigned char)*s) || *s == '_') {
			size_t n = 0;
			const char *b = s;

			while (isalnum((unsigned char)*s) || *s == '_')
				s++, n++;
			if (n >= TSDT_TYPE_NAME_MAX || w->n >= MAX_WORDS)
				return -EINVAL;
			if ((n == 5 && !strncmp(b, "const", 5)) ||
			    (n == 8 && !strncmp(b, "volatile", 8)) ||
			    (n == 8 && !strncmp(b, "restrict", 8)) ||
			    (n == 10 && !strncmp(b, "__restrict", 10))) {
				if (n == 5 && !w->stars)
					w->is_const = true;
				continue;
			}
			if (w->stars) /* "char * foo": a name after the stars */
				return -EINVAL;
			memcpy(w->w[w->n], b, n);
			w->w[w->n][n] = 0;
			w->n++;
		} else {
			return -EINVAL;
		}
	}
	return w->n ? 0 : -EINVAL;
}

static const struct named {
	const char *name;
	enum tsdt_type_kind kind;
	unsigned char size;
	bool is_signed;
} named_types[] = {
	{ "int8_t", TSDT_TYPE_INT, 1, true },
	{ "int16_t", TSDT_TYPE_INT, 2, true },
	{ "int32_t", TSDT_TYPE_INT, 4, true },
	{ "int64_t", TSDT_TYPE_INT, 8, true },
	{ "uint8_t", TSDT_TYPE_INT, 1, false },
	{ "uint16_t", TSDT_TYPE_INT, 2, false },
	{ "uint32_t", TSDT_TYPE_INT, 4, false },
	{ "uint64_t", TSDT_TYPE_INT, 8, false },
	{ "__s8", TSDT_TYPE_INT, 1, true },
	{ "__s16", TSDT_TYPE_INT, 2, true },
	{ "__s32", TSDT_TYPE_INT, 4, true },
	{ "__s64", TSDT_TYPE_INT, 8, true },
	{ "__u8", TSDT_TYPE_INT, 1, false },
	{ "__u16", TSDT_TYPE_INT, 2, false },
	{ "__u32", TSDT_TYPE_INT, 4, false },
	{ "__u64", TSDT_TYPE_INT, 8, false },
	{ "s8", TSDT_TYPE_INT, 1, true },
	{ "s16", TSDT_TYPE_INT, 2, true },
	{ "s32", TSDT_TYPE_INT, 4, true },
	{ "s64", TSDT_TYPE_INT, 8, true },
	{ "u8", TSDT_TYPE_INT, 1, false },
	{ "u16", TSDT_TYPE_INT, 2, false },
	{ "u32", TSDT_TYPE_INT, 4, false },
	{ "u64", TSDT_TYPE_INT, 8, false },
	{ "size_t", TSDT_TYPE_INT, 8, false },
	{ "ssize_t", TSDT_TYPE_INT, 8, true },
	{ "uintptr_t", TSDT_TYPE_INT, 8, false },
	{ "intptr_t", TSDT_TYPE_INT, 8, true },
	{ "ptrdiff_t", TSDT_TYPE_INT, 8, true },
	{ "off_t", TSDT_TYPE_INT, 8, true },
	{ "off64_t", TSDT_TYPE_INT, 8, true },
	{ "loff_t", TSDT_TYPE_INT, 8, true },
	{ "time_t", TSDT_TYPE_INT, 8, true },
	{ "intmax_t", TSDT_TYPE_INT, 8, true },
	{ "uintmax_t", TSDT_TYPE_INT, 8, false },
	{ "pid_t", TSDT_TYPE_INT, 4, true },
	{ "tid_t", TSDT_TYPE_INT, 4, true },
	{ "uid_t", TSDT_TYPE_INT, 4, false },
	{ "gid_t", TSDT_TYPE_INT, 4, false },
	{ "mode_t", TSDT_TYPE_INT, 4, false },
	{ "dev_t", TSDT_TYPE_INT, 8, false },
	{ "ino_t", TSDT_TYPE_INT, 8, false },
	{ "socklen_t", TSDT_TYPE_INT, 4, false },
	{ "wchar_t", TSDT_TYPE_INT, 4, true },
	{ "char16_t", TSDT_TYPE_INT, 2, false },
	{ "char32_t", TSDT_TYPE_INT, 4, false },
	{ "bool", TSDT_TYPE_BOOL, 1, false },
	{ "_Bool", TSDT_TYPE_BOOL, 1, false },
	{ "float", TSDT_TYPE_FLOAT, 4, false },
	{ "double", TSDT_TYPE_FLOAT, 8, false },
};

static const char *int_canon(unsigned size, bool is_signed)
{
	switch (size) {
	case 1: return is_signed ? "int8_t" : "uint8_t";
	case 2: return is_signed ? "int16_t" : "uint16_t";
	case 4: return is_signed ? "int32_t" : "uint32_t";
	default: return is_signed ? "int64_t" : "uint64_t";
	}
}

/* C keyword integer types: "unsigned long long int", "short", "signed". */
static int parse_keywords(const struct words *w, struct tsdt_type *t)
{
	int sign = 0, nchar = 0, nshort = 0, nlong = 0, nint = 0;

	for (int i = 0; i < w->n; i++) {
		const char *s = w->w[i];

		if (!strcmp(s, "signed") || !strcmp(s, "__signed__"))
			sign = sign ? 9 : 1;
		else if (!strcmp(s, "unsigned"))
			sign = sign ? 9 : 2;
		else if (!strcmp(s, "char"))
			nchar++;
		else if (!strcmp(s, "short"))
			nshort++;
		else if (!strcmp(s, "long"))
			nlong++;
		else if (!strcmp(s, "int"))
			nint++;
		else
			return -ENOENT; /* not a keyword type */
	}
	if (sign == 9 || nchar + nshort > 1 || nint > 1 || nlong > 2 ||
	    (nchar && (nint || nlong)) || (nshort && nlong))
		return -EINVAL;
	t->kind = TSDT_TYPE_INT;
	t->size = nchar ? 1 : nshort ? 2 : nlong ? 8 : 4;
	/* plain char is signed on x86-64, unsigned on aarch64; we take the
	 * x86-64 choice (the probe's note gives the real sign) */
	t->is_signed = sign != 2;
	if (nchar && !sign)
		snprintf(t->name, sizeof(t->name), "char");
	else
		snprintf(t->name, sizeof(t->name), "%s",
			 int_canon(t->size, t->is_signed));
	return 0;
}

/* the base spelling of @w without qualifiers, words joined by spaces */
static void join_words(const struct words *w, char *buf, size_t sz)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; i < w->n && off < sz; i++)
		off += snprintf(buf + off, sz - off, "%s%s", i ? " " : "",
				w->w[i]);
}

const char *tsdt_type_kind__str(enum tsdt_type_kind kind)
{
	switch (kind) {
	case TSDT_TYPE_UNTYPED: return "untyped";
	case TSDT_TYPE_INT: return "int";
	case TSDT_TYPE_BOOL: return "bool";
	case TSDT_TYPE_ENUM: return "enum";
	case TSDT_TYPE_FLOAT: return "float";
	case TSDT_TYPE_PTR: return "ptr";
	case TSDT_TYPE_STR: return "str";
	}
	return "unknown";
}

int tsdt_type__parse(const char *spelling, struct tsdt_type *ret)
{
	struct tsdt_type t = {};
	struct words w;
	char base[TSDT_TYPE_NAME_MAX * 2];
	int e;

	if (!spelling || !ret || split_words(spelling, &w) || w.stars > 8)
		return -EINVAL;
	join_words(&w, base, sizeof(base));
	if (strlen(base) + (w.is_const ? 6 : 0) + w.stars + 1 >=
	    TSDT_TYPE_NAME_MAX)
		return -EINVAL;
	if ((!strcmp(w.w[0], "struct") || !strcmp(w.w[0], "union") ||
	     !strcmp(w.w[0], "enum")) && w.n != 2)
		return -EINVAL;
	if (w.stars) {
		if (w.stars == 1 && !strcmp(base, "char")) {
			t.kind = TSDT_TYPE_STR;
			snprintf(t.name, sizeof(t.name), "%schar *",
				 w.is_const ? "const " : "");
		} else {
			t.kind = TSDT_TYPE_PTR;
			if (snprintf(t.name, sizeof(t.name), "%s%s %.*s",
				     w.is_const ? "const " : "", base, w.stars,
				     "********") >= (int)sizeof(t.name))
				return -EINVAL;
		}
		t.size = 8;
		*ret = t;
		return 0;
	}
	if (!strcmp(w.w[0], "struct") || !strcmp(w.w[0], "union") ||
	    !strcmp(base, "void"))
		return -EINVAL; /* by value: no probe can pass it */
	if (!strcmp(w.w[0], "enum")) {
		t.kind = TSDT_TYPE_ENUM;
		t.size = 4;
		t.is_signed = false;
		if (snprintf(t.name, sizeof(t.name), "%s", base) >=
		    (int)sizeof(t.name))
			return -EINVAL;
		*ret = t;
		return 0;
	}
	e = parse_keywords(&w, &t);
	if (e == -EINVAL)
		return e;
	if (!e) {
		*ret = t;
		return 0;
	}
	if (w.n == 1) {
		for (size_t i = 0; i < ARRAY_SIZE(named_types); i++) {
			if (strcmp(w.w[0], named_types[i].name))
				continue;
			t.kind = named_types[i].kind;
			t.size = named_types[i].size;
			t.is_signed = named_types[i].is_signed;
			/* <stdbool.h>'s bool is _Bool: one spelling for both */
			snprintf(t.name, sizeof(t.name), "%s",
				 t.kind == TSDT_TYPE_BOOL ? "bool" : w.w[0]);
			*ret = t;
			return 0;
		}
		/* a typedef we do not know */
		t.kind = TSDT_TYPE_UNTYPED;
		snprintf(t.name, sizeof(t.name), "%s", w.w[0]);
		*ret = t;
		return 0;
	}
	if (!strcmp(w.w[w.n - 1], "double") && w.n == 2 &&
	    !strcmp(w.w[0], "long"))
		return -EINVAL; /* long double: 16 bytes, no register holds it */
	return -EINVAL;
}

void tsdt_type_canonical_name(struct tsdt_type *t, const char *spelling)
{
	struct tsdt_type p;

	if (!tsdt_type__parse(spelling, &p) && p.kind == t->kind &&
	    (p.kind == TSDT_TYPE_PTR || p.kind == TSDT_TYPE_STR ||
	     (p.size == t->size && p.is_signed == t->is_signed))) {
		memcpy(t->name, p.name, sizeof(t->name));
		return;
	}
	/* keep the spelling (e.g. a typedef), spaces normalised */
	{
		size_t o = 0;
		bool sp = false;

		for (const char *s = spelling; *s && o + 1 < sizeof(t->name); s++) {
			if (isspace((unsigned char)*s)) {
				sp = o > 0;
				continue;
			}
			if (sp && o + 2 < sizeof(t->name))
				t->name[o++] = ' ';
			sp = false;
			t->name[o++] = *s;
		}
		t->name[o] = 0;
	}
}

const char *tsdt_type__str(const struct tsdt_type *t, char *buf, size_t sz)
{
	if (!sz)
		return buf;
	if (t->kind != TSDT_TYPE_UNTYPED && t->name[0]) {
		snprintf(buf, sz, "%s", t->name);
	} else if (t->kind == TSDT_TYPE_UNTYPED && t->size) {
		snprintf(buf, sz, "%sint%u (untyped)", t->is_signed ? "" : "u",
			 t->size * 8);
	} else if (t->name[0]) {
		snprintf(buf, sz, "%s (unknown type)", t->name);
	} else if (t->kind == TSDT_TYPE_FLOAT) {
		snprintf(buf, sz, "%s", t->size == 4 ? "float" : "double");
	} else {
		snprintf(buf, sz, "unknown type");
	}
	return buf;
}

/* pointee of "const struct foo *": "struct foo"; NULL when unknown (the
 * name does not end in '*', e.g. a typedef'd pointer); "" for void. */
static const char *pointee(const char *name, char *buf, size_t sz)
{
	struct words w;
	char base[TSDT_TYPE_NAME_MAX * 2];

	if (!name[0] || name[strlen(name) - 1] != '*' ||
	    split_words(name, &w) || w.stars > 8)
		return NULL;
	join_words(&w, base, sizeof(base));
	if (w.stars == 1 && !strcmp(base, "void"))
		return "";
	snprintf(buf, sz, "%s %.*s", base, w.stars - 1, "********");
	return buf;
}

static bool int_like(enum tsdt_type_kind k)
{
	return k == TSDT_TYPE_INT || k == TSDT_TYPE_BOOL || k == TSDT_TYPE_ENUM;
}

static bool check(const struct tsdt_type *r, const struct tsdt_type *p)
{
	if (r->kind == TSDT_TYPE_UNTYPED)
		return false;
	if (p->kind == TSDT_TYPE_UNTYPED) {
		if (!p->size)
			return false;
		if (int_like(r->kind))
			return r->size >= p->size && r->is_signed == p->is_signed;
		if (r->kind == TSDT_TYPE_PTR || r->kind == TSDT_TYPE_STR)
			return p->size == 8;
		return false;
	}
	if (p->kind == TSDT_TYPE_STR)
		return r->kind == TSDT_TYPE_STR || r->kind == TSDT_TYPE_PTR;
	if ((p->kind == TSDT_TYPE_BOOL || p->kind == TSDT_TYPE_ENUM) &&
	    r->kind == TSDT_TYPE_INT)
		return r->size == p->size;
	if (r->kind != p->kind)
		return false;
	switch (p->kind) {
	case TSDT_TYPE_INT:
		return r->size == p->size && r->is_signed == p->is_signed;
	case TSDT_TYPE_BOOL:
	case TSDT_TYPE_ENUM:
	case TSDT_TYPE_FLOAT:
		return r->size == p->size;
	case TSDT_TYPE_PTR: {
		char rb[TSDT_TYPE_NAME_MAX * 2], pb[TSDT_TYPE_NAME_MAX * 2];
		const char *rp = pointee(r->name, rb, sizeof(rb));
		const char *pp = pointee(p->name, pb, sizeof(pb));

		if (!rp || !pp || !rp[0] || !pp[0])
			return true;
		return !strcmp(rp, pp);
	}
	default:
		return false;
	}
}

int tsdt_type__check(const struct tsdt_type *reader,
		     const struct tsdt_type *probe, char *why, size_t why_sz)
{
	char rb[TSDT_TYPE_NAME_MAX + 32], pb[TSDT_TYPE_NAME_MAX + 32];

	if (!reader || !probe)
		return -EINVAL;
	if (check(reader, probe))
		return 0;
	if (why && why_sz)
		snprintf(why, why_sz, "handler reads %s, probe declares %s",
			 tsdt_type__str(reader, rb, sizeof(rb)),
			 tsdt_type__str(probe, pb, sizeof(pb)));
	return -EPROTOTYPE;
}
