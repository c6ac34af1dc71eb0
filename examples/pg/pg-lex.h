/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * pg-top's lexer of query constants, one for the kernel and user space
 * (included by pg-top.h: pg-top.bpf.c hashes with it, pg-norm.h shows
 * texts with it).
 */
#ifndef PG_LEX_H
#define PG_LEX_H

/*
 * The lexer of constants that both the kernel's hash of a query text
 * (pg-top.bpf.c) and the text pg-top shows (pg-top.c) follow, so that the
 * two agree. A constant is, as PostgreSQL's scanner has it and
 * pg_stat_statements replaces it:
 *  - a quoted string: '...' (with '' inside); E'...' (backslash escapes),
 *    B'...', X'...' and U&'...' (the prefix is part of the constant);
 *    $$...$$ and $tag$...$tag$ (a tag of up to PG_NORM_TAG_MAX - 2 bytes;
 *    after a longer one the rest of the text is the constant);
 *  - a number that does not end an identifier ("= 42", ".5", "1.5e-3",
 *    not t1, $1 or "col 1"), and a minus sign before a number after an
 *    operator, '(' or ',' ("+ -5").
 * Comments (-- to the end of the line, and nested slash-star ones) and
 * quoted identifiers ("...") are kept as they are, constants in them too.
 * So is the escape character of a UESCAPE clause after a U&'...' string
 * (U&'d!0061t' UESCAPE '!' is "$1 UESCAPE '!'", as in pg_stat_statements:
 * PostgreSQL's grammar makes no constant of it), when only spaces come
 * between the string, UESCAPE and the character (a comment there makes the
 * character a constant). pg_norm_step() says what byte @c, followed by
 * @next and @next2 (0 after the text's end), is, in the state *@n (zeroed
 * at the text's start).
 */
enum { PG_NORM_KEEP, PG_NORM_SKIP, PG_NORM_CONST };

enum {
	PG_NORM_SQL,
	PG_NORM_STR,      /* '...', B'...', X'...' */
	PG_NORM_NUM,
	PG_NORM_QIDENT,   /* "...": kept */
	PG_NORM_LINE,     /* -- comment: kept */
	PG_NORM_BLOCK,    /* slash-star comment: kept */
	PG_NORM_ESTR,     /* E'...' */
	PG_NORM_DTAG,     /* the $tag$ opening a dollar-quoted string */
	PG_NORM_DBODY,    /* the dollar-quoted string, up to its tag again */
	PG_NORM_REST,     /* after a tag too long: the rest is the constant */
	PG_NORM_UOPEN,    /* the quote opening U&'...' */
	PG_NORM_USTR,     /* U&'...' */
	PG_NORM_KSTR,     /* the escape character after UESCAPE: kept */
};

#define PG_NORM_TAG_MAX 16

struct pg_norm {
	unsigned char st;       /* PG_NORM_SQL, ... */
	unsigned char eat;      /* 1 + what the next byte is, when it is the
				 * second of a two-byte token (0: not) */
	unsigned char lastq;    /* the state of the string last closed ('' in
				 * it goes on with it) */
	unsigned char depth;    /* of nested comments */
	unsigned char pc;       /* the byte before */
	unsigned char pns;      /* the last byte not a space before */
	unsigned char tlen, m;  /* the dollar tag's length, bytes matched */
	unsigned char ue;       /* after a U&'...': 1 + the letters of UESCAPE
				 * matched since (8: all, then spaces; 0: none
				 * looked for) */
	unsigned char tag[PG_NORM_TAG_MAX]; /* "$tag$" */
};

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

static __always_inline int pg_norm_digit(unsigned char c)
{
	return (unsigned char)(c - '0') < 10;
}

/* a letter, '_' or a byte of a multibyte character: what may start an
 * identifier (or a dollar tag) */
static __always_inline int pg_norm_alpha(unsigned char c)
{
	return (unsigned char)((c | 0x20) - 'a') < 26 || c == '_' || c >= 0x80;
}

/* what may go on with an identifier: that, a digit or '$' */
static __always_inline int pg_norm_ident(unsigned char c)
{
	return pg_norm_alpha(c) || pg_norm_digit(c) || c == '$';
}

static __always_inline int pg_norm_eat(struct pg_norm *n, int what)
{
	n->eat = (unsigned char)(1 + what);
	return what;
}

static __always_inline int pg_norm_what(struct pg_norm *n, unsigned char c,
					unsigned char next, unsigned char next2)
{
	if (n->eat) {
		int what = n->eat - 1;

		n->eat = 0;
		return what;
	}
	switch (n->st) {
	case PG_NORM_STR:
	case PG_NORM_ESTR:
	case PG_NORM_USTR:
		if (c == '\'') {
			n->lastq = n->st;
			n->st = PG_NORM_SQL;
			n->ue = n->lastq == PG_NORM_USTR;
		} else if (c == '\\' && n->st == PG_NORM_ESTR) {
			pg_norm_eat(n, PG_NORM_SKIP);
		}
		return PG_NORM_SKIP;
	case PG_NORM_NUM:
		if (pg_norm_digit(c) || c == '.')
			return PG_NORM_SKIP;
		if ((c | 0x20) == 'e' &&
		    (pg_norm_digit(next) || next == '+' || next == '-')) {
			if (!pg_norm_digit(next))
				pg_norm_eat(n, PG_NORM_SKIP);
			return PG_NORM_SKIP;
		}
		n->st = PG_NORM_SQL;
		break;
	case PG_NORM_QIDENT:
		if (c == '"')
			n->st = PG_NORM_SQL;
		return PG_NORM_KEEP;
	case PG_NORM_LINE:
		if (c == '\n' || c == '\r')
			n->st = PG_NORM_SQL;
		return PG_NORM_KEEP;
	case PG_NORM_BLOCK:
		if (c == '*' && next == '/') {
			if (!--n->depth)
				n->st = PG_NORM_SQL;
			return pg_norm_eat(n, PG_NORM_KEEP);
		}
		if (c == '/' && next == '*') {
			if (n->depth < 255)
				n->depth++;
			return pg_norm_eat(n, PG_NORM_KEEP);
		}
		return PG_NORM_KEEP;
	case PG_NORM_DTAG:
		if (c == '$') {
			n->tag[n->tlen++ & (PG_NORM_TAG_MAX - 1)] = c;
			n->st = PG_NORM_DBODY;
			n->m = 0;
			return PG_NORM_SKIP;
		}
		if (pg_norm_ident(c)) {
			/* room for the closing '$' */
			if (n->tlen >= PG_NORM_TAG_MAX - 1)
				n->st = PG_NORM_REST;
			else
				n->tag[n->tlen++ & (PG_NORM_TAG_MAX - 1)] = c;
			return PG_NORM_SKIP;
		}
		/* "$a+": no dollar quote after all ('$' and the tag so far
		 * were the constant) */
		n->st = PG_NORM_SQL;
		break;
	case PG_NORM_DBODY:
		if (c == n->tag[n->m & (PG_NORM_TAG_MAX - 1)]) {
			if (++n->m == n->tlen)
				n->st = PG_NORM_SQL;
		} else {
			/* '$' only starts and ends a tag: a byte that breaks
			 * a match starts another only if it is '$' */
			n->m = c == '$';
		}
		return PG_NORM_SKIP;
	case PG_NORM_REST:
		return PG_NORM_SKIP;
	case PG_NORM_UOPEN:
		n->st = PG_NORM_USTR;
		return PG_NORM_SKIP;
	case PG_NORM_KSTR:
		if (c == '\'') {
			n->lastq = n->st;
			n->st = PG_NORM_SQL;
		}
		return PG_NORM_KEEP;
	}
	/* after a U&'...': spaces, UESCAPE, spaces, then the quote of its
	 * escape character, all kept (every byte of it before the quote is
	 * kept below too); anything else ends the look */
	if (n->ue) {
		/* "uescape", a byte each from the lowest (no array: a
		 * function's static has no place in a BPF object's BTF) */
		const unsigned long long kw = 0x0065706163736575ULL;

		if (c && c <= ' ' && (n->ue == 1 || n->ue == 8))
			return PG_NORM_KEEP;
		if (n->ue < 8 && (c | 0x20) == ((kw >> (8 * ((n->ue - 1) & 7))) & 0xff)) {
			n->ue++;
			return PG_NORM_KEEP;
		}
		if (n->ue == 8 && c == '\'') {
			n->ue = 0;
			n->st = PG_NORM_KSTR;
			return PG_NORM_KEEP;
		}
		n->ue = 0;
	}
	if (pg_norm_digit(c) || (c == '.' && pg_norm_digit(next))) {
		if (pg_norm_ident(n->pc))
			return PG_NORM_KEEP;
		n->st = PG_NORM_NUM;
		return PG_NORM_CONST;
	}
	if (c == '\'') {
		if (n->pc == '\'') { /* '' goes on with the string */
			n->st = n->lastq;
			return n->st == PG_NORM_KSTR ? PG_NORM_KEEP : PG_NORM_SKIP;
		}
		n->st = PG_NORM_STR;
		return PG_NORM_CONST;
	}
	if (next == '\'' && !pg_norm_ident(n->pc) &&
	    ((c | 0x20) == 'e' || (c | 0x20) == 'b' || (c | 0x20) == 'x')) {
		n->st = (c | 0x20) == 'e' ? PG_NORM_ESTR : PG_NORM_STR;
		pg_norm_eat(n, PG_NORM_SKIP);
		return PG_NORM_CONST;
	}
	/* U&'...': U, then & (eaten), then the quote (PG_NORM_UOPEN) */
	if ((c | 0x20) == 'u' && next == '&' && next2 == '\'' &&
	    !pg_norm_ident(n->pc)) {
		n->st = PG_NORM_UOPEN;
		pg_norm_eat(n, PG_NORM_SKIP);
		return PG_NORM_CONST;
	}
	if (c == '$' && !pg_norm_ident(n->pc) &&
	    (next == '$' || pg_norm_alpha(next))) {
		n->st = PG_NORM_DTAG;
		n->tag[0] = c;
		n->tlen = 1;
		return PG_NORM_CONST;
	}
	if (c == '"') {
		n->st = PG_NORM_QIDENT;
		return PG_NORM_KEEP;
	}
	if (c == '-' && next == '-') {
		n->st = PG_NORM_LINE;
		return PG_NORM_KEEP;
	}
	if (c == '/' && next == '*') {
		n->st = PG_NORM_BLOCK;
		n->depth = 1;
		return pg_norm_eat(n, PG_NORM_KEEP);
	}
	/* a unary minus: after an operator, '(' or ',' (not after an
	 * identifier, a constant or ')') */
	if (c == '-' && pg_norm_digit(next) && n->pns && n->pns != ')' &&
	    n->pns != '\'' && !pg_norm_ident(n->pns)) {
		n->st = PG_NORM_NUM;
		return PG_NORM_CONST;
	}
	return PG_NORM_KEEP;
}

/*
 * The bytes pg_norm_what() looks at in PG_NORM_SQL (bit 1: always; bit 2:
 * before a quote, the E, B or X of a string constant; bit 4: before '&',
 * the U of U&'...'): every other byte there is kept and only becomes the
 * byte before (pc, and pns if not a space), whatever follows it.
 */
#define PG_NORM_C_ANY 1
#define PG_NORM_C_QUOTE 2
#define PG_NORM_C_AMP 4
static const unsigned char pg_norm_class[256] = {
	['0' ... '9'] = PG_NORM_C_ANY,
	['.'] = PG_NORM_C_ANY, ['\''] = PG_NORM_C_ANY, ['$'] = PG_NORM_C_ANY,
	['"'] = PG_NORM_C_ANY, ['-'] = PG_NORM_C_ANY, ['/'] = PG_NORM_C_ANY,
	['e'] = PG_NORM_C_QUOTE, ['E'] = PG_NORM_C_QUOTE,
	['b'] = PG_NORM_C_QUOTE, ['B'] = PG_NORM_C_QUOTE,
	['x'] = PG_NORM_C_QUOTE, ['X'] = PG_NORM_C_QUOTE,
	['u'] = PG_NORM_C_AMP, ['U'] = PG_NORM_C_AMP,
};

/* pg_norm_step() without its fast path: every byte through pg_norm_what()
 * (the fuzzer checks that the two agree) */
static __always_inline int pg_norm_step_slow(struct pg_norm *n, unsigned char c,
					     unsigned char next, unsigned char next2)
{
	unsigned char st = n->st;
	/* the '/' closing a comment is the only byte eaten in SQL */
	int comment = st == PG_NORM_LINE || st == PG_NORM_BLOCK ||
		      (n->eat && st == PG_NORM_SQL);
	int what = pg_norm_what(n, c, next, next2);

	n->pc = c;
	/* not a space, tab or newline, nor in a comment */
	if (c > ' ' && !comment && n->st != PG_NORM_LINE && n->st != PG_NORM_BLOCK)
		n->pns = c;
	return what;
}

/*
 * @next, @next2: the two bytes after @c (0 from the end of the text on:
 * @next2 is 0 when @next is; it is looked at only when @next is '&', and
 * may be passed as 0 otherwise). Most bytes of a query are letters, spaces
 * and punctuation between tokens: they take the fast path (a look-up in
 * pg_norm_class[]), the rest pg_norm_what()'s switch, half of
 * query__start's time in the kernel before.
 */
static __always_inline int pg_norm_step(struct pg_norm *n, unsigned char c,
					unsigned char next, unsigned char next2)
{
	unsigned char k = pg_norm_class[c];

	if (n->st == PG_NORM_SQL && !n->eat && !n->ue &&
	    !(k & PG_NORM_C_ANY) && !((k & PG_NORM_C_QUOTE) && next == '\'') &&
	    !((k & PG_NORM_C_AMP) && next == '&')) {
		n->pc = c;
		if (c > ' ')
			n->pns = c;
		return PG_NORM_KEEP;
	}
	return pg_norm_step_slow(n, c, next, next2);
}

#endif /* PG_LEX_H */
