// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Provider files: a hand-written lexer and recursive-descent parser for
 * DTrace-style provider definitions.
 *
 *   file     := { provider }
 *   provider := 'provider' IDENT '{' { probe } '}' [ ';' ]
 *   probe    := 'probe' IDENT '(' [ 'void' | arg { ',' arg } ] ')' ';'
 *   arg      := IDENT { IDENT | '*' }        type, then an optional name
 *
 * The argument's name is its last identifier when that identifier is not
 * a C type word and what precedes it is a type on its own: `unsigned int`
 * and `LocalTransactionId` are unnamed, `const char *path` and `size_t n`
 * are named. Preprocessing lines are handled by the lexer (see provider.h).
 *
 * Nothing here trusts the input: every read is bounded by the buffer's
 * length, every limit is an error message with a position, and the first
 * error stops the parse (the caller gets NULL and the message).
 */
#include <errno.h>
#include <fnmatch.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "provider.h"

enum tok_kind {
	TOK_EOF,
	TOK_IDENT,
	TOK_NUMBER,
	TOK_PUNCT, /* one character: { } ( ) ; , * and anything else */
};

struct token {
	enum tok_kind kind;
	const char *text; /* into the input buffer */
	size_t len;
	struct tsdt_pf_loc loc;
};

struct define {
	char *name;
	size_t tok_cnt;
	char **toks; /* replacement tokens (identifiers and '*') */
	bool not_type; /* the replacement has other tokens: not a type */
	bool undefined; /* #undef'd (kept: the map points to it) */
	struct tsdt_pf_loc loc;
};

/*
 * A string -> index map (open addressing, FNV-1a), so that a file with
 * very many probes, macros or line markers parses in linear time. Keys
 * point to strings owned elsewhere that outlive the map.
 */
struct strmap {
	size_t cap; /* a power of two, or 0 */
	size_t cnt;
	struct strmap_slot {
		const char *key; /* NULL: empty */
		size_t len;
		size_t val;
	} *slots;
};

static size_t strmap_hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return (size_t)h;
}

static struct strmap_slot *strmap_slot(const struct strmap *m, const char *s,
				       size_t len)
{
	size_t i = strmap_hash(s, len) & (m->cap - 1);

	while (m->slots[i].key && (m->slots[i].len != len ||
				   memcmp(m->slots[i].key, s, len)))
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

/* @return the value stored for @s, or NULL. */
static size_t *strmap_find(const struct strmap *m, const char *s, size_t len)
{
	struct strmap_slot *slot;

	if (!m->cap)
		return NULL;
	slot = strmap_slot(m, s, len);
	return slot->key ? &slot->val : NULL;
}

/* Adds (or replaces) @key -> @val. @return 0 or -ENOMEM. */
static int strmap_put(struct strmap *m, const char *key, size_t val)
{
	size_t len = strlen(key);
	struct strmap_slot *slot;

	if ((m->cnt + 1) * 2 > m->cap) {
		struct strmap bigger = { .cap = m->cap ? m->cap * 2 : 64 };

		bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
		if (!bigger.slots)
			return -ENOMEM;
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->slots[i].key)
				continue;
			*strmap_slot(&bigger, m->slots[i].key, m->slots[i].len) = m->slots[i];
			bigger.cnt++;
		}
		free(m->slots);
		*m = bigger;
	}
	slot = strmap_slot(m, key, len);
	if (!slot->key)
		m->cnt++;
	slot->key = key;
	slot->len = len;
	slot->val = val;
	return 0;
}

static void strmap_free(struct strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

struct parser {
	const char *buf;
	size_t len;
	size_t pos;
	int line, col;
	const char *file; /* current logical file (interned) */
	bool bol;         /* only whitespace since the start of the line */

	struct tsdt_provider_file *pf;
	size_t define_cnt;
	struct define *defines;
	struct strmap define_map;   /* name -> index in defines */
	struct strmap file_map;     /* interned file names -> index */
	struct strmap provider_map; /* provider name -> index */
	struct strmap probe_map;    /* probe name -> index, current provider */

	struct token tok; /* current token */
	bool failed;
	int err; /* negative errno of the first error */
	char msg[512];
};

/* ------------------------------------------------------------ errors */

__attribute__((format(printf, 3, 4)))
static int perr(struct parser *p, const struct tsdt_pf_loc *loc,
		const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return p->err;
	p->failed = true;
	p->err = -EINVAL;
	/* a file name from a line marker may be anything: bound it */
	n = snprintf(p->msg, sizeof(p->msg), "%.128s:%d:%d: ",
		     loc->file ? loc->file : "<input>", loc->line, loc->col);
	if (n < 0 || (size_t)n >= sizeof(p->msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(p->msg + n, sizeof(p->msg) - n, fmt, ap);
	va_end(ap);
	return p->err;
}

static int pnomem(struct parser *p)
{
	if (!p->failed) {
		p->failed = true;
		p->err = -ENOMEM;
		snprintf(p->msg, sizeof(p->msg), "%s: out of memory",
			 p->pf && p->pf->path ? p->pf->path : "<input>");
	}
	return p->err;
}

/* Shows an identifier in a message, shortened if very long. */
static const char *show(const char *s, size_t len, char *buf, size_t sz)
{
	if (len + 1 > sz && sz > 4)
		snprintf(buf, sz, "%.*s...", (int)(sz - 4), s);
	else
		snprintf(buf, sz, "%.*s", (int)len, s);
	return buf;
}

/* ------------------------------------------------------------- lexer */

static const char *intern_file(struct parser *p, const char *s, size_t len)
{
	char **files;
	char *copy;

	size_t *idx = strmap_find(&p->file_map, s, len);

	if (idx)
		return p->pf->files[*idx];
	files = realloc(p->pf->files, (p->pf->file_cnt + 1) * sizeof(*files));
	if (!files)
		return NULL;
	p->pf->files = files;
	copy = strndup(s, len);
	if (!copy)
		return NULL;
	if (strmap_put(&p->file_map, copy, p->pf->file_cnt)) {
		free(copy);
		return NULL;
	}
	files[p->pf->file_cnt++] = copy;
	return copy;
}

static int peekc(const struct parser *p, size_t ahead)
{
	return p->pos + ahead < p->len ? (unsigned char)p->buf[p->pos + ahead]
				       : -1;
}

static void advance(struct parser *p)
{
	if (p->pos >= p->len)
		return;
	if (p->buf[p->pos] == '\n') {
		p->line++;
		p->col = 1;
		p->bol = true;
	} else {
		p->col++;
	}
	p->pos++;
}

static void cur_loc(const struct parser *p, struct tsdt_pf_loc *loc)
{
	loc->file = p->file;
	loc->line = p->line;
	loc->col = p->col;
}

static bool is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(int c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

static bool is_hspace(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Skips blanks, comments and backslash-newlines; within a directive
 * (@in_directive) stops at the end of the line.
 * @return 0 or a negative error (unterminated comment).
 */
static int skip_space(struct parser *p, bool in_directive)
{
	for (;;) {
		int c = peekc(p, 0);

		if (c < 0)
			return 0;
		if (is_hspace(c)) {
			advance(p);
		} else if (c == '\n') {
			if (in_directive)
				return 0;
			advance(p);
		} else if (c == '\\' && peekc(p, 1) == '\n') {
			advance(p);
			advance(p);
			p->bol = false;
		} else if (c == '\\' && peekc(p, 1) == '\r' && peekc(p, 2) == '\n') {
			advance(p);
			advance(p);
			advance(p);
			p->bol = false;
		} else if (c == '/' && peekc(p, 1) == '*') {
			struct tsdt_pf_loc loc;
			bool bol = p->bol;

			cur_loc(p, &loc);
			advance(p);
			advance(p);
			while (!(peekc(p, 0) == '*' && peekc(p, 1) == '/')) {
				if (peekc(p, 0) < 0)
					return perr(p, &loc, "unterminated comment");
				advance(p);
			}
			advance(p);
			advance(p);
			/* a comment does not end the line (for '#') */
			p->bol = bol;
		} else if (c == '/' && peekc(p, 1) == '/') {
			while (peekc(p, 0) >= 0 && peekc(p, 0) != '\n')
				advance(p);
		} else {
			return 0;
		}
	}
}

/* Lexes one token at the current position (blanks already skipped). */
static void lex_token(struct parser *p, struct token *t)
{
	int c = peekc(p, 0);

	cur_loc(p, &t->loc);
	t->text = p->buf + p->pos;
	t->len = 0;
	if (c < 0) {
		t->kind = TOK_EOF;
		return;
	}
	p->bol = false;
	if (is_ident_start(c)) {
		t->kind = TOK_IDENT;
		while (is_ident_char(peekc(p, 0)))
			advance(p);
	} else if (c >= '0' && c <= '9') {
		t->kind = TOK_NUMBER;
		while (is_ident_char(peekc(p, 0)))
			advance(p);
	} else {
		t->kind = TOK_PUNCT;
		advance(p);
	}
	t->len = (size_t)(p->buf + p->pos - t->text);
}

static void skip_line(struct parser *p)
{
	while (peekc(p, 0) >= 0 && peekc(p, 0) != '\n') {
		if (peekc(p, 0) == '\\' && peekc(p, 1) == '\n')
			advance(p);
		advance(p);
	}
}

/* After a directive: only blanks/comments may remain on the line. */
static int end_directive(struct parser *p, const char *what)
{
	struct token t;

	if (skip_space(p, true))
		return p->err;
	if (peekc(p, 0) >= 0 && peekc(p, 0) != '\n') {
		lex_token(p, &t);
		return perr(p, &t.loc, "unexpected text after %s", what);
	}
	return 0;
}

static bool tok_is(const struct token *t, const char *s)
{
	return t->kind != TOK_EOF && t->len == strlen(s) &&
	       !memcmp(t->text, s, t->len);
}

/* The macro named @s, defined or #undef'd; NULL if never defined. */
static struct define *lookup_define(struct parser *p, const char *s, size_t len)
{
	size_t *idx = strmap_find(&p->define_map, s, len);

	return idx ? &p->defines[*idx] : NULL;
}

static struct define *find_define(struct parser *p, const char *s, size_t len)
{
	struct define *d = lookup_define(p, s, len);

	return d && !d->undefined ? d : NULL;
}

static void define_clear(struct define *d)
{
	free(d->name);
	for (size_t i = 0; i < d->tok_cnt; i++)
		free(d->toks[i]);
	free(d->toks);
	memset(d, 0, sizeof(*d));
}

/* `# NUM "file" flags...` or `#line NUM "file"`; the number is lexed. */
static int line_marker(struct parser *p, const struct token *num)
{
	long line = 0;
	const char *file = p->file;
	struct tsdt_pf_loc loc;

	for (size_t i = 0; i < num->len; i++) {
		char c = num->text[i];

		if (c < '0' || c > '9')
			return perr(p, &num->loc, "expected a line number in line marker");
		line = line * 10 + (c - '0');
		if (line > 1000000000L)
			return perr(p, &num->loc, "line number too large in line marker");
	}
	if (skip_space(p, true))
		return p->err;
	if (peekc(p, 0) == '"') {
		char *name;
		size_t n = 0;

		cur_loc(p, &loc);
		advance(p);
		{
			/* the name is at most the rest of the line */
			const char *nl = memchr(p->buf + p->pos, '\n', p->len - p->pos);
			size_t max = nl ? (size_t)(nl - (p->buf + p->pos)) : p->len - p->pos;

			name = malloc(max + 1);
		}
		if (!name)
			return pnomem(p);
		for (;;) {
			int c = peekc(p, 0);

			if (c < 0 || c == '\n') {
				free(name);
				return perr(p, &loc, "unterminated file name in line marker");
			}
			advance(p);
			if (c == '"')
				break;
			if (c == '\\' && peekc(p, 0) >= 0 && peekc(p, 0) != '\n') {
				c = peekc(p, 0);
				advance(p);
			}
			name[n++] = (char)c;
		}
		/* an empty name keeps the current file */
		if (n) {
			file = intern_file(p, name, n);
			if (!file) {
				free(name);
				return pnomem(p);
			}
		}
		free(name);
	}
	/* flags (1 2 3 4) and anything else the preprocessor adds */
	skip_line(p);
	if (peekc(p, 0) == '\n')
		advance(p);
	/* the next line is line @line of @file */
	p->line = (int)line;
	p->col = 1;
	p->file = file;
	return 0;
}

/* Adds macro *@d (taken: cleared on error too), or replaces the one of its
 * name. */
static int store_define(struct parser *p, struct define *d)
{
	struct define *old = lookup_define(p, d->name, strlen(d->name)), *defs;

	if (old) {
		/* the map's key is the old name: keep it, take the rest */
		free(d->name);
		d->name = old->name;
		old->name = NULL;
		define_clear(old);
		*old = *d;
		return 0;
	}
	defs = realloc(p->defines, (p->define_cnt + 1) * sizeof(*defs));
	if (!defs || (p->defines = defs,
		      strmap_put(&p->define_map, d->name, p->define_cnt))) {
		define_clear(d);
		return pnomem(p);
	}
	p->defines[p->define_cnt++] = *d;
	return 0;
}

static int directive_define(struct parser *p)
{
	struct token name, t;
	struct define d = {};
	char sbuf[80];

	if (skip_space(p, true))
		return p->err;
	lex_token(p, &name);
	if (name.kind != TOK_IDENT)
		return perr(p, &name.loc, "expected a macro name after '#define'");
	if (name.len >= TSDT_PF_NAME_MAX)
		return perr(p, &name.loc, "macro name '%s' is too long (at most %d characters)",
			    show(name.text, name.len, sbuf, sizeof(sbuf)), TSDT_PF_NAME_MAX - 1);
	if (peekc(p, 0) == '(')
		return perr(p, &name.loc, "function-like macro '%.*s' needs the C preprocessor (tsdt-gen -C)",
			    (int)name.len, name.text);
	d.name = strndup(name.text, name.len);
	if (!d.name)
		return pnomem(p);
	d.loc = name.loc;
	for (;;) {
		char **toks;

		if (skip_space(p, true))
			goto err;
		if (peekc(p, 0) < 0 || peekc(p, 0) == '\n')
			break;
		lex_token(p, &t);
		if (t.kind != TOK_IDENT && !tok_is(&t, "*")) {
			/* Not a type: keep the macro but make it unusable in
			 * types (an error names it where it is used). */
			skip_line(p);
			for (size_t i = 0; i < d.tok_cnt; i++)
				free(d.toks[i]);
			free(d.toks);
			d.toks = NULL;
			d.tok_cnt = 0;
			d.not_type = true;
			break;
		}
		if (d.tok_cnt >= 64) {
			perr(p, &t.loc, "macro '%s' is too long", d.name);
			goto err;
		}
		toks = realloc(d.toks, (d.tok_cnt + 1) * sizeof(*toks));
		if (!toks) {
			pnomem(p);
			goto err;
		}
		d.toks = toks;
		d.toks[d.tok_cnt] = strndup(t.text, t.len);
		if (!d.toks[d.tok_cnt]) {
			pnomem(p);
			goto err;
		}
		d.tok_cnt++;
	}
	return store_define(p, &d);
err:
	define_clear(&d);
	return p->err;
}

/* Adds (or replaces) macro @name with the replacement @toks (@cnt tokens,
 * copied): what `typedef TYPE NAME;` declares, read as a #define is. */
static int put_define(struct parser *p, const char *name, size_t name_len,
		      char *const *toks, size_t cnt,
		      const struct tsdt_pf_loc *loc)
{
	struct define d = {};

	d.name = strndup(name, name_len);
	d.toks = calloc(cnt ? cnt : 1, sizeof(*d.toks));
	if (!d.name || !d.toks)
		goto nomem;
	d.loc = *loc;
	for (; d.tok_cnt < cnt; d.tok_cnt++)
		if (!(d.toks[d.tok_cnt] = strdup(toks[d.tok_cnt])))
			goto nomem;
	return store_define(p, &d);
nomem:
	define_clear(&d);
	return pnomem(p);
}

/* `#pragma tsdt binary GLOB...`: the file types the probes of the binaries
 * whose path or file name matches one of the globs only (fnmatch(3)). */
static int pragma_tsdt(struct parser *p)
{
	struct tsdt_provider_file *pf = p->pf;
	struct token t;

	if (skip_space(p, true))
		return p->err;
	lex_token(p, &t);
	if (!tok_is(&t, "binary"))
		return perr(p, &t.loc, "expected 'binary' after '#pragma tsdt' "
			    "(#pragma tsdt binary GLOB...)");
	for (;;) {
		struct tsdt_pf_loc loc;
		size_t start, n;
		char **nb;

		if (skip_space(p, true))
			return p->err;
		if (peekc(p, 0) < 0 || peekc(p, 0) == '\n')
			break;
		cur_loc(p, &loc);
		start = p->pos;
		while (peekc(p, 0) >= 0 && !is_hspace(peekc(p, 0)) &&
		       peekc(p, 0) != '\n' && peekc(p, 0) != '\\')
			advance(p);
		n = p->pos - start;
		if (!n) /* a lone backslash */
			return perr(p, &loc, "unexpected '\\' in '#pragma tsdt binary'");
		if (n >= 4096)
			return perr(p, &loc, "binary pattern too long");
		nb = realloc(pf->binaries, (pf->binary_cnt + 1) * sizeof(*nb));
		if (!nb)
			return pnomem(p);
		pf->binaries = nb;
		nb[pf->binary_cnt] = strndup(p->buf + start, n);
		if (!nb[pf->binary_cnt])
			return pnomem(p);
		pf->binary_cnt++;
	}
	if (!pf->binary_cnt)
		return perr(p, &t.loc, "'#pragma tsdt binary' needs a file name "
			    "or glob");
	return 0;
}

/* At '#' at the start of a line. */
static int directive(struct parser *p)
{
	struct token t;
	struct tsdt_pf_loc hash;

	cur_loc(p, &hash);
	advance(p); /* '#' */
	p->bol = false;
	if (skip_space(p, true))
		return p->err;
	if (peekc(p, 0) < 0 || peekc(p, 0) == '\n')
		return 0; /* null directive */
	lex_token(p, &t);
	if (t.kind == TOK_NUMBER)
		return line_marker(p, &t);
	if (tok_is(&t, "line")) {
		if (skip_space(p, true))
			return p->err;
		lex_token(p, &t);
		if (t.kind != TOK_NUMBER)
			return perr(p, &t.loc, "expected a line number after '#line'");
		return line_marker(p, &t);
	}
	if (tok_is(&t, "pragma")) {
		if (skip_space(p, true))
			return p->err;
		lex_token(p, &t);
		if (tok_is(&t, "tsdt"))
			return pragma_tsdt(p);
		skip_line(p); /* DTrace's `#pragma D attributes` and others */
		return 0;
	}
	if (tok_is(&t, "ident")) {
		skip_line(p);
		return 0;
	}
	if (tok_is(&t, "define"))
		return directive_define(p);
	if (tok_is(&t, "undef")) {
		struct define *d;

		if (skip_space(p, true))
			return p->err;
		lex_token(p, &t);
		if (t.kind != TOK_IDENT)
			return perr(p, &t.loc, "expected a macro name after '#undef'");
		d = find_define(p, t.text, t.len);
		if (d) {
			/* keep the name (the map's key), drop the rest */
			for (size_t i = 0; i < d->tok_cnt; i++)
				free(d->toks[i]);
			free(d->toks);
			d->toks = NULL;
			d->tok_cnt = 0;
			d->not_type = false;
			d->undefined = true;
		}
		return end_directive(p, "'#undef NAME'");
	}
	if (t.kind == TOK_IDENT)
		return perr(p, &hash, "directive '#%.*s' needs the C preprocessor (tsdt-gen -C)",
			    t.len > 32 ? 32 : (int)t.len, t.text);
	return perr(p, &hash, "expected a preprocessor directive after '#'");
}

/* Moves to the next token, handling directives. */
static int next(struct parser *p)
{
	for (;;) {
		if (skip_space(p, false))
			return p->err;
		if (peekc(p, 0) == '#') {
			if (!p->bol) {
				lex_token(p, &p->tok);
				return perr(p, &p->tok.loc, "unexpected '#' (a directive must start a line)");
			}
			if (directive(p))
				return p->err;
			continue;
		}
		lex_token(p, &p->tok);
		return 0;
	}
}

/* ------------------------------------------------------------ parser */

static bool is_qualifier(const char *s)
{
	return !strcmp(s, "const") || !strcmp(s, "volatile") ||
	       !strcmp(s, "restrict") || !strcmp(s, "__restrict");
}

static bool is_type_word(const char *s)
{
	static const char *const words[] = {
		"void", "char", "short", "int", "long", "float", "double",
		"signed", "unsigned", "_Bool", "bool", "struct", "union",
		"enum", "__int128", "_Complex", "const", "volatile",
		"restrict", "__restrict",
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(s, words[i]))
			return true;
	return false;
}

struct toklist {
	size_t cnt;
	char *t[TSDT_PF_NAME_MAX]; /* a type can't have more tokens than chars */
	struct tsdt_pf_loc loc[TSDT_PF_NAME_MAX];
};

static void toklist_free(struct toklist *l)
{
	for (size_t i = 0; i < l->cnt; i++)
		free(l->t[i]);
	l->cnt = 0;
}

static int toklist_add(struct parser *p, struct toklist *l, const char *s,
		       size_t len, const struct tsdt_pf_loc *loc,
		       const struct tsdt_pf_loc *arg_loc)
{
	if (l->cnt >= TSDT_PF_NAME_MAX)
		return perr(p, arg_loc, "argument type is too long (at most %d characters)",
			    TSDT_PF_NAME_MAX - 1);
	l->t[l->cnt] = strndup(s, len);
	if (!l->t[l->cnt])
		return pnomem(p);
	l->loc[l->cnt++] = *loc;
	return 0;
}

/* Joins tokens: one space between tokens, none between two stars. */
static char *toklist_join(const struct toklist *l, size_t from, size_t to)
{
	size_t n = 1;
	char *s;

	for (size_t i = from; i < to; i++)
		n += strlen(l->t[i]) + 1;
	s = malloc(n);
	if (!s)
		return NULL;
	s[0] = 0;
	for (size_t i = from; i < to; i++) {
		if (i > from && !(l->t[i][0] == '*' && l->t[i - 1][0] == '*'))
			strcat(s, " ");
		strcat(s, l->t[i]);
	}
	return s;
}

/* Appends @tok to @out, expanding the file's macros; @top is the token
 * as written (named in messages). */
static int expand(struct parser *p, struct toklist *out, const char *tok,
		  const char *top, const struct tsdt_pf_loc *loc,
		  const struct tsdt_pf_loc *arg_loc, int depth)
{
	struct define *d = is_ident_start((unsigned char)tok[0])
				   ? find_define(p, tok, strlen(tok))
				   : NULL;

	if (!d)
		return toklist_add(p, out, tok, strlen(tok), loc, arg_loc);
	if (depth > 16)
		return perr(p, loc, "macro '%s' expands too deeply (recursive #define?)", top);
	if (d->not_type)
		return perr(p, loc, "macro '%s' (defined at %d:%d) does not expand to a type",
			    tok, d->loc.line, d->loc.col);
	for (size_t i = 0; i < d->tok_cnt; i++)
		if (expand(p, out, d->toks[i], top, loc, arg_loc, depth + 1))
			return p->err;
	return 0;
}

/* Whether the last of @l's tokens is an argument name. */
static bool ends_with_name(const struct toklist *l)
{
	const char *last, *prev;
	bool has_type = false;

	if (l->cnt < 2)
		return false;
	last = l->t[l->cnt - 1];
	prev = l->t[l->cnt - 2];
	if (!is_ident_start((unsigned char)last[0]) || is_type_word(last))
		return false;
	if (!strcmp(prev, "struct") || !strcmp(prev, "union") ||
	    !strcmp(prev, "enum"))
		return false;
	for (size_t i = 0; i + 1 < l->cnt; i++)
		if (!is_qualifier(l->t[i]))
			has_type = true;
	return has_type;
}

static int parse_arg(struct parser *p, struct tsdt_pf_probe *probe,
		     struct tsdt_pf_arg *arg)
{
	struct toklist w = {}, x = {};
	struct tsdt_pf_loc loc = p->tok.loc;
	size_t ntype;
	bool star = false;
	char sbuf[80];

	arg->loc = loc;
	if (p->tok.kind != TOK_IDENT) {
		perr(p, &loc, probe->arg_cnt ? "expected argument type after ','"
					     : "expected argument type or ')'");
		goto out;
	}
	while (p->tok.kind == TOK_IDENT || tok_is(&p->tok, "*")) {
		if (p->tok.kind == TOK_IDENT && p->tok.len >= TSDT_PF_NAME_MAX) {
			perr(p, &p->tok.loc, "name '%s' is too long (at most %d characters)",
			     show(p->tok.text, p->tok.len, sbuf, sizeof(sbuf)),
			     TSDT_PF_NAME_MAX - 1);
			goto out;
		}
		/* after a '*', only '*', qualifiers and the name may come */
		if (star && p->tok.kind == TOK_IDENT && w.cnt &&
		    !is_qualifier(w.t[w.cnt - 1]) && w.t[w.cnt - 1][0] != '*') {
			perr(p, &p->tok.loc, "expected ')' or ',' after argument name");
			goto out;
		}
		if (tok_is(&p->tok, "*"))
			star = true;
		if (toklist_add(p, &w, p->tok.text, p->tok.len, &p->tok.loc, &loc))
			goto out;
		if (next(p))
			goto out;
	}
	if (!tok_is(&p->tok, ",") && !tok_is(&p->tok, ")")) {
		perr(p, &p->tok.loc, ends_with_name(&w)
			? "expected ')' or ',' after argument name"
			: "expected ')' or ',' after argument type");
		goto out;
	}
	ntype = ends_with_name(&w) ? w.cnt - 1 : w.cnt;
	if (ntype < w.cnt) {
		arg->name = strdup(w.t[ntype]);
		if (!arg->name) {
			pnomem(p);
			goto out;
		}
		for (int i = 0; i < probe->arg_cnt; i++) {
			if (probe->args[i].name && !strcmp(probe->args[i].name, arg->name)) {
				perr(p, &w.loc[ntype], "duplicate argument name '%s' in probe '%s'",
				     arg->name, probe->name);
				goto out;
			}
		}
	}
	/* a typedef name can't be combined with other type words nor
	 * follow one: in `int a b` or `size_t n m`, the extra word is */
	{
		bool base = false, named = false;

		for (size_t i = 0; i < ntype && w.t[i][0] != '*'; i++) {
			const char *t = w.t[i];
			bool tag = i && (!strcmp(w.t[i - 1], "struct") ||
					 !strcmp(w.t[i - 1], "union") ||
					 !strcmp(w.t[i - 1], "enum"));

			if (is_qualifier(t))
				continue;
			if ((!strcmp(t, "struct") || !strcmp(t, "union") ||
			     !strcmp(t, "enum")) &&
			    (i + 1 >= ntype || !is_ident_start((unsigned char)w.t[i + 1][0]) ||
			     is_type_word(w.t[i + 1]))) {
				perr(p, &w.loc[i], "expected a tag name after '%s'", t);
				goto out;
			}
			if (tag) {
				named = true;
			} else if (is_type_word(t) && !named) {
				base = true;
			} else if (!is_type_word(t) && !base && !named) {
				named = true;
			} else {
				/* t is the name when it isn't a type word;
				 * then what follows it is wrong */
				size_t at = !is_type_word(t) && i + 1 < w.cnt ? i + 1 : i;

				perr(p, &w.loc[at], "expected ')' or ',' after argument name");
				goto out;
			}
		}
	}
	for (size_t i = 0; i < ntype; i++)
		if (expand(p, &x, w.t[i], w.t[i], &w.loc[i], &loc, 0))
			goto out;
	arg->spelling = toklist_join(&w, 0, ntype);
	arg->type = toklist_join(&x, 0, x.cnt);
	if (!arg->spelling || !arg->type) {
		pnomem(p);
		goto out;
	}
	if (strlen(arg->type) >= TSDT_PF_NAME_MAX) {
		perr(p, &loc, "argument type '%s' is too long (at most %d characters)",
		     show(arg->type, strlen(arg->type), sbuf, sizeof(sbuf)),
		     TSDT_PF_NAME_MAX - 1);
		goto out;
	}
	if (!x.cnt || !is_ident_start((unsigned char)x.t[0][0])) {
		perr(p, &loc, "macro '%s' expands to no type", w.t[0]);
		goto out;
	}
	{
		bool has_type = false;

		for (size_t i = 0; i < x.cnt; i++)
			if (!is_qualifier(x.t[i]) && x.t[i][0] != '*')
				has_type = true;
		if (!has_type) {
			perr(p, &loc, "expected a type, not only qualifiers");
			goto out;
		}
	}
	if (!strcmp(arg->type, "void")) {
		perr(p, &loc, "argument of type 'void' (use '()' or '(void)' alone for no arguments)");
		goto out;
	}
out:
	toklist_free(&w);
	toklist_free(&x);
	return p->failed ? p->err : 0;
}

static void probe_clear(struct tsdt_pf_probe *probe)
{
	free(probe->name);
	for (int i = 0; i < TSDT_MAX_ARGS; i++) {
		free(probe->args[i].type);
		free(probe->args[i].spelling);
		free(probe->args[i].name);
	}
	memset(probe, 0, sizeof(*probe));
}

static int parse_probe(struct parser *p, struct tsdt_pf_provider *prov)
{
	struct tsdt_pf_probe *probes, *probe;
	char sbuf[80];

	/* at 'probe' */
	if (next(p))
		return p->err;
	if (p->tok.kind != TOK_IDENT)
		return perr(p, &p->tok.loc, "expected probe name after 'probe'");
	if (p->tok.len >= TSDT_PF_NAME_MAX)
		return perr(p, &p->tok.loc, "probe name '%s' is too long (at most %d characters)",
			    show(p->tok.text, p->tok.len, sbuf, sizeof(sbuf)),
			    TSDT_PF_NAME_MAX - 1);
	{
		size_t *i = strmap_find(&p->probe_map, p->tok.text, p->tok.len);

		if (i) {
			const struct tsdt_pf_probe *o = &prov->probes[*i];

			return perr(p, &p->tok.loc, "probe '%s' of provider '%s' already declared at line %d",
				    o->name, prov->name, o->loc.line);
		}
	}
	probes = realloc(prov->probes, (prov->probe_cnt + 1) * sizeof(*probes));
	if (!probes)
		return pnomem(p);
	prov->probes = probes;
	probe = &probes[prov->probe_cnt];
	memset(probe, 0, sizeof(*probe));
	probe->loc = p->tok.loc;
	probe->name = strndup(p->tok.text, p->tok.len);
	if (!probe->name)
		return pnomem(p);
	prov->probe_cnt++; /* owned from now on (freed on error) */
	if (strmap_put(&p->probe_map, probe->name, prov->probe_cnt - 1))
		return pnomem(p);

	if (next(p))
		return p->err;
	if (!tok_is(&p->tok, "("))
		return perr(p, &p->tok.loc, "expected '(' after probe name");
	if (next(p))
		return p->err;
	if (tok_is(&p->tok, "void")) {
		/* (void) means no arguments; (void *p) is an argument */
		size_t pos = p->pos;
		int line = p->line, col = p->col;
		const char *file = p->file;
		bool bol = p->bol;
		struct token save = p->tok;

		if (next(p))
			return p->err;
		if (tok_is(&p->tok, ")"))
			goto close;
		p->pos = pos, p->line = line, p->col = col, p->file = file;
		p->bol = bol;
		p->tok = save;
	}
	if (!tok_is(&p->tok, ")")) {
		for (;;) {
			if (probe->arg_cnt >= TSDT_MAX_ARGS)
				return perr(p, &p->tok.loc, "too many arguments for probe '%s' (at most %d)",
					    probe->name, TSDT_MAX_ARGS);
			if (parse_arg(p, probe, &probe->args[probe->arg_cnt]))
				return p->err;
			probe->arg_cnt++;
			if (tok_is(&p->tok, ")"))
				break;
			/* at ',' */
			if (next(p))
				return p->err;
		}
	}
close:
	if (next(p))
		return p->err;
	if (tok_is(&p->tok, ":")) {
		/* DTrace's translated arguments, `: (int a, string b)`: what D
		 * programs see; the native list before it is what the C side
		 * passes, so that one is kept */
		struct tsdt_pf_loc colon = p->tok.loc;
		int depth = 0;

		if (next(p))
			return p->err;
		if (!tok_is(&p->tok, "("))
			return perr(p, &p->tok.loc, "expected '(' after ':' (translated arguments)");
		do {
			if (tok_is(&p->tok, "("))
				depth++;
			else if (tok_is(&p->tok, ")"))
				depth--;
			else if (p->tok.kind == TOK_EOF || tok_is(&p->tok, ";"))
				return perr(p, &colon, "unterminated translated argument list");
			if (next(p))
				return p->err;
		} while (depth > 0);
	}
	if (!tok_is(&p->tok, ";"))
		return perr(p, &p->tok.loc, "expected ';' after probe declaration");
	return next(p);
}

/*
 * Declarations before (or between) providers, as DTrace provider files have
 * them for argument types: `struct NAME;`, `union NAME;`, `enum NAME;`
 * (forward declarations: the generated header declares every tag it uses
 * anyway) and `typedef TYPE NAME;` (read as `#define NAME TYPE`).
 */
static int parse_declaration(struct parser *p)
{
	char sbuf[80];

	if (!tok_is(&p->tok, "typedef")) {
		struct token kw = p->tok;

		if (next(p))
			return p->err;
		if (p->tok.kind == TOK_IDENT && p->tok.len >= TSDT_PF_NAME_MAX)
			return perr(p, &p->tok.loc, "name '%s' is too long (at most %d characters)",
				    show(p->tok.text, p->tok.len, sbuf, sizeof(sbuf)),
				    TSDT_PF_NAME_MAX - 1);
		if (p->tok.kind == TOK_IDENT) {
			char tag[TSDT_PF_NAME_MAX];

			memcpy(tag, p->tok.text, p->tok.len);
			tag[p->tok.len] = 0;
			if (is_type_word(tag))
				return perr(p, &p->tok.loc, "expected a tag name after '%.*s'",
					    (int)kw.len, kw.text);
		} else {
			return perr(p, &p->tok.loc, "expected a tag name after '%.*s'",
				    (int)kw.len, kw.text);
		}
		if (next(p))
			return p->err;
		if (tok_is(&p->tok, "{"))
			return perr(p, &p->tok.loc, "a provider file declares types, it does not "
				    "define them: write '%.*s NAME;' and pass a pointer",
				    (int)kw.len, kw.text);
		if (!tok_is(&p->tok, ";"))
			return perr(p, &p->tok.loc, "expected ';' after '%.*s NAME'",
				    (int)kw.len, kw.text);
		return next(p);
	}
	/* typedef TYPE NAME ; */
	{
		struct toklist w = {}, x = {};
		struct tsdt_pf_loc loc = p->tok.loc;
		int err = 0;

		if (next(p))
			return p->err;
		while (p->tok.kind == TOK_IDENT || tok_is(&p->tok, "*")) {
			if (p->tok.kind == TOK_IDENT && p->tok.len >= TSDT_PF_NAME_MAX) {
				err = perr(p, &p->tok.loc, "name '%s' is too long (at most %d characters)",
					   show(p->tok.text, p->tok.len, sbuf, sizeof(sbuf)),
					   TSDT_PF_NAME_MAX - 1);
				goto out;
			}
			if ((err = toklist_add(p, &w, p->tok.text, p->tok.len, &p->tok.loc, &loc)))
				goto out;
			if ((err = next(p)))
				goto out;
		}
		if (!tok_is(&p->tok, ";")) {
			err = perr(p, &p->tok.loc, "expected ';' after 'typedef TYPE NAME'");
			goto out;
		}
		if (w.cnt < 2 || !is_ident_start((unsigned char)w.t[w.cnt - 1][0]) ||
		    is_type_word(w.t[w.cnt - 1])) {
			err = perr(p, &loc, "expected 'typedef TYPE NAME;'");
			goto out;
		}
		for (size_t i = 0; i + 1 < w.cnt; i++)
			if ((err = expand(p, &x, w.t[i], w.t[i], &w.loc[i], &loc, 0)))
				goto out;
		if ((err = put_define(p, w.t[w.cnt - 1], strlen(w.t[w.cnt - 1]),
				      x.t, x.cnt, &w.loc[w.cnt - 1])))
			goto out;
		err = next(p);
out:
		toklist_free(&w);
		toklist_free(&x);
		return err ? err : (p->failed ? p->err : 0);
	}
}

static int parse_provider(struct parser *p)
{
	struct tsdt_provider_file *pf = p->pf;
	struct tsdt_pf_provider *provs, *prov;
	char sbuf[80];

	/* at 'provider' */
	if (next(p))
		return p->err;
	if (p->tok.kind != TOK_IDENT)
		return perr(p, &p->tok.loc, "expected provider name after 'provider'");
	if (p->tok.len >= TSDT_PF_NAME_MAX)
		return perr(p, &p->tok.loc, "provider name '%s' is too long (at most %d characters)",
			    show(p->tok.text, p->tok.len, sbuf, sizeof(sbuf)),
			    TSDT_PF_NAME_MAX - 1);
	{
		size_t *i = strmap_find(&p->provider_map, p->tok.text, p->tok.len);

		if (i) {
			const struct tsdt_pf_provider *o = &pf->providers[*i];

			return perr(p, &p->tok.loc, "provider '%s' already declared at line %d",
				    o->name, o->loc.line);
		}
	}
	provs = realloc(pf->providers, (pf->provider_cnt + 1) * sizeof(*provs));
	if (!provs)
		return pnomem(p);
	pf->providers = provs;
	prov = &provs[pf->provider_cnt];
	memset(prov, 0, sizeof(*prov));
	prov->loc = p->tok.loc;
	prov->name = strndup(p->tok.text, p->tok.len);
	if (!prov->name)
		return pnomem(p);
	pf->provider_cnt++;
	if (strmap_put(&p->provider_map, prov->name, pf->provider_cnt - 1))
		return pnomem(p);
	strmap_free(&p->probe_map); /* probe names are per provider */

	if (next(p))
		return p->err;
	if (!tok_is(&p->tok, "{"))
		return perr(p, &p->tok.loc, "expected '{' after provider name");
	if (next(p))
		return p->err;
	for (;;) {
		if (tok_is(&p->tok, "}"))
			break;
		if (!tok_is(&p->tok, "probe"))
			return perr(p, &p->tok.loc, "expected 'probe' or '}' in provider '%s'",
				    prov->name);
		if (parse_probe(p, prov))
			return p->err;
	}
	if (next(p))
		return p->err;
	if (tok_is(&p->tok, ";"))
		return next(p);
	return 0;
}

static struct tsdt_provider_file *
parse_file(const char *buf, size_t len, const char *name, char *err,
	   size_t err_sz, bool quiet);

struct tsdt_provider_file *
tsdt_provider_file__parse(const char *buf, size_t len, const char *name,
			  char *err, size_t err_sz)
{
	return parse_file(buf, len, name, err, err_sz, false);
}

struct tsdt_provider_file *
tsdt_provider_file__parse_quiet(const char *buf, size_t len, const char *name,
				char *err, size_t err_sz)
{
	return parse_file(buf, len, name, err, err_sz, true);
}

static struct tsdt_provider_file *
parse_file(const char *buf, size_t len, const char *name, char *err,
	   size_t err_sz, bool quiet)
{
	struct parser p = {};
	int ret = 0;

	if (err && err_sz)
		err[0] = 0;
	if (!name)
		name = "<input>";
	if (!buf && len) {
		errno = EINVAL;
		return NULL;
	}
	if (len > TSDT_PF_MAX_SIZE) {
		if (err && err_sz)
			snprintf(err, err_sz, "%s: file too large (more than %u bytes)",
				 name, TSDT_PF_MAX_SIZE);
		pr_warn("provider: %s: file too large\n", name);
		errno = EFBIG;
		return NULL;
	}
	p.pf = calloc(1, sizeof(*p.pf));
	if (!p.pf || !(p.pf->path = strdup(name))) {
		tsdt_provider_file__free(p.pf);
		errno = ENOMEM;
		return NULL;
	}
	p.buf = buf ? buf : "";
	p.len = len;
	p.line = 1;
	p.col = 1;
	p.bol = true;
	if (p.len >= 3 && !memcmp(p.buf, "\xef\xbb\xbf", 3))
		p.pos = 3; /* a UTF-8 byte-order mark */
	p.file = intern_file(&p, name, strlen(name));
	if (!p.file) {
		pnomem(&p);
		goto done;
	}
	if (next(&p))
		goto done;
	while (p.tok.kind != TOK_EOF) {
		if (tok_is(&p.tok, "struct") || tok_is(&p.tok, "union") ||
		    tok_is(&p.tok, "enum") || tok_is(&p.tok, "typedef")) {
			if (parse_declaration(&p))
				break;
			continue;
		}
		if (!tok_is(&p.tok, "provider")) {
			perr(&p, &p.tok.loc, "expected 'provider', or a declaration "
			     "('struct NAME;', 'typedef TYPE NAME;')");
			break;
		}
		if (parse_provider(&p))
			break;
	}
done:
	for (size_t i = 0; i < p.define_cnt; i++)
		define_clear(&p.defines[i]);
	free(p.defines);
	strmap_free(&p.define_map);
	strmap_free(&p.file_map);
	strmap_free(&p.provider_map);
	strmap_free(&p.probe_map);
	if (p.failed) {
		ret = p.err;
		if (err && err_sz)
			snprintf(err, err_sz, "%s", p.msg);
		if (!quiet)
			pr_warn("provider: %s\n", p.msg);
		tsdt_provider_file__free(p.pf);
		errno = -ret;
		return NULL;
	}
	return p.pf;
}

struct tsdt_provider_file *
tsdt_provider_file__open(const char *path, char *err, size_t err_sz)
{
	struct tsdt_provider_file *pf;
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fd, e;

	if (err && err_sz)
		err[0] = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto sys_err;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto sys_err;
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			if (cap > TSDT_PF_MAX_SIZE) {
				errno = EFBIG;
				goto sys_err;
			}
			cap = cap ? cap * 2 : 16384;
			nb = realloc(buf, cap);
			if (!nb)
				goto sys_err;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto sys_err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	pf = tsdt_provider_file__parse(buf, len, path, err, err_sz);
	e = errno;
	free(buf);
	errno = e;
	return pf;

sys_err:
	e = errno;
	if (fd >= 0)
		close(fd);
	free(buf);
	if (err && err_sz)
		snprintf(err, err_sz, "%s: %s", path, strerror(e));
	pr_warn("provider: %s: %s\n", path, strerror(e));
	errno = e;
	return NULL;
}

void tsdt_provider_file__free(struct tsdt_provider_file *pf)
{
	if (!pf)
		return;
	for (size_t i = 0; i < pf->provider_cnt; i++) {
		struct tsdt_pf_provider *prov = &pf->providers[i];

		for (size_t j = 0; j < prov->probe_cnt; j++)
			probe_clear(&prov->probes[j]);
		free(prov->probes);
		free(prov->name);
	}
	free(pf->providers);
	for (size_t i = 0; i < pf->file_cnt; i++)
		free(pf->files[i]);
	free(pf->files);
	for (size_t i = 0; i < pf->binary_cnt; i++)
		free(pf->binaries[i]);
	free(pf->binaries);
	free(pf->path);
	free(pf);
}

const struct tsdt_pf_probe *
tsdt_provider_file__find_probe(const struct tsdt_provider_file *pf,
			       const char *provider, const char *name)
{
	if (!pf || !provider || !name)
		return NULL;
	for (size_t i = 0; i < pf->provider_cnt; i++) {
		const struct tsdt_pf_provider *prov = &pf->providers[i];

		if (strcmp(prov->name, provider))
			continue;
		for (size_t j = 0; j < prov->probe_cnt; j++)
			if (!strcmp(prov->probes[j].name, name))
				return &prov->probes[j];
	}
	return NULL;
}

bool tsdt_provider_file__applies_to(const struct tsdt_provider_file *pf,
				    const char *path)
{
	const char *base;

	if (!pf->binary_cnt)
		return true;
	if (!path)
		return false;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (size_t i = 0; i < pf->binary_cnt; i++) {
		const char *g = pf->binaries[i];

		/* a glob with a '/' is matched against the whole path */
		if (!fnmatch(g, strchr(g, '/') ? path : base, 0))
			return true;
	}
	return false;
}

size_t tsdt_provider_file__probe_cnt(const struct tsdt_provider_file *pf)
{
	size_t n = 0;

	for (size_t i = 0; pf && i < pf->provider_cnt; i++)
		n += pf->providers[i].probe_cnt;
	return n;
}
