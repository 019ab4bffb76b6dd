/* expr.c - the expression language: an on-demand lexer over the rule
 * line, a recursive-descent parser to a tree, and the evaluator.
 * MIT licence, see COPYING.  The language is documented in
 * man/opflow-rules.5; the semantics worth a second look:
 *   - a missing field is null; null == null only; ordering comparisons
 *     and regex matches with null are false; != is the negation of ==;
 *   - a string compared with a number is read as a number when it is one,
 *     compared with a time it is read as a time (naive times in --tz);
 *     two strings that are both RFC 3339 times compare as times;
 *   - regexes are literals, compiled once; =~ on a string from a variable
 *     would mean compiling per record, so the language has no such thing.
 */
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

enum kind {
	E_LIT, E_PATH, E_TEXT, E_NOT, E_NEG, E_AND, E_OR, E_CMP, E_ARITH, E_MATCH,
	E_IN, E_CALL, E_LIST, E_TEMPLATE,
};
enum cmpop { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE };

typedef struct {
	const char *name;
	size_t len;
	long idx;		/* >= 0: an array index */
} seg;

enum fn {
	F_LEN, F_LOWER, F_UPPER, F_TRIM, F_HAS, F_CONTAINS, F_STARTSWITH, F_ENDSWITH,
	F_COALESCE, F_NOW, F_MINUTES, F_HOURS, F_DAYS, F_YEAR, F_QUARTER, F_MONTH,
	F_WEEK, F_DAY, F_WEEKDAY, F_HOUR, F_NUMBER, F_STRING, F_TIME, F_ABS, F_ROUND,
	F_MIN, F_MAX, F_PREV, F_MEAN_PREV, F_STDDEV_PREV,
};

static const struct fninfo {
	const char *name;
	int min, max;
	unsigned feat;
} fns[] = {
	[F_LEN] = { "len", 1, 1, 0 }, [F_LOWER] = { "lower", 1, 1, 0 },
	[F_UPPER] = { "upper", 1, 1, 0 }, [F_TRIM] = { "trim", 1, 1, 0 },
	[F_HAS] = { "has", 1, 2, 0 }, [F_CONTAINS] = { "contains", 2, 2, 0 },
	[F_STARTSWITH] = { "startswith", 2, 2, 0 }, [F_ENDSWITH] = { "endswith", 2, 2, 0 },
	[F_COALESCE] = { "coalesce", 1, 32, 0 }, [F_NOW] = { "now", 0, 0, 0 },
	[F_MINUTES] = { "minutes", 2, 2, 0 }, [F_HOURS] = { "hours", 2, 2, 0 },
	[F_DAYS] = { "days", 2, 2, 0 }, [F_YEAR] = { "year", 1, 1, 0 },
	[F_QUARTER] = { "quarter", 1, 1, 0 }, [F_MONTH] = { "month", 1, 1, 0 },
	[F_WEEK] = { "week", 1, 1, 0 }, [F_DAY] = { "day", 1, 1, 0 },
	[F_WEEKDAY] = { "weekday", 1, 1, 0 }, [F_HOUR] = { "hour", 1, 1, 0 },
	[F_NUMBER] = { "number", 1, 1, 0 }, [F_STRING] = { "string", 1, 1, 0 },
	[F_TIME] = { "time", 1, 1, 0 }, [F_ABS] = { "abs", 1, 1, 0 },
	[F_ROUND] = { "round", 1, 2, 0 }, [F_MIN] = { "min", 2, 2, 0 },
	[F_MAX] = { "max", 2, 2, 0 },
	[F_PREV] = { "prev", 1, 1, OP_FEAT_HISTORY },
	[F_MEAN_PREV] = { "mean_prev", 2, 2, OP_FEAT_HISTORY },
	[F_STDDEV_PREV] = { "stddev_prev", 2, 2, OP_FEAT_HISTORY },
};
#define NFNS (sizeof fns / sizeof *fns)

/* what history keeps per group for one call: the last `window` values */
typedef struct {
	size_t n, next;
	op_val v[];
} ring;

struct op_expr {
	uint8_t kind, op;
	uint16_t height;
	size_t pos;
	op_expr *a, *b;
	op_val lit;
	seg *segs;
	size_t nseg;
	op_rx *rx;
	int fn;
	op_expr **args;
	size_t nargs;
	/* per-record cache of a path's top-level field */
	unsigned long gen;
	const op_field *cached;
	/* history */
	size_t window;
	op_hmap *groups;
};

/* ---- lexing ---------------------------------------------------------- */

size_t op_p_skip(op_parser *p)
{
	while (p->pos < p->len && (p->text[p->pos] == ' ' || p->text[p->pos] == '\t'))
		p->pos++;
	if (p->pos < p->len && p->text[p->pos] == '#')
		p->pos = p->len;	/* a comment runs to the end of the line */
	p->tokpos = p->pos;
	return p->pos;
}

static int at(op_parser *p, const char *s)
{
	op_p_skip(p);
	size_t n = strlen(s);
	return p->len - p->pos >= n && !memcmp(p->text + p->pos, s, n);
}

static int accept(op_parser *p, const char *s)
{
	if (!at(p, s))
		return 0;
	p->pos += strlen(s);
	return 1;
}

static int is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident(int c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* the identifier at the cursor (not consumed); its length */
static size_t ident_len(op_parser *p)
{
	op_p_skip(p);
	size_t i = p->pos;
	if (i >= p->len || !is_ident_start((unsigned char)p->text[i]))
		return 0;
	while (i < p->len && is_ident((unsigned char)p->text[i]))
		i++;
	return i - p->pos;
}

static int accept_word(op_parser *p, const char *w)
{
	size_t n = ident_len(p);
	if (n != strlen(w) || memcmp(p->text + p->pos, w, n))
		return 0;
	p->pos += n;
	return 1;
}

static const char *describe(op_parser *p)
{
	static char buf[48];
	op_p_skip(p);
	if (p->pos >= p->len)
		return "end of line";
	size_t n = 0;
	while (p->pos + n < p->len && n < 20 && p->text[p->pos + n] != ' ' && p->text[p->pos + n] != '\t')
		n++;
	snprintf(buf, sizeof buf, "'%.*s'", (int)n, p->text + p->pos);
	return buf;
}

static op_expr *node(op_parser *p, int kind, size_t pos)
{
	op_expr *e = op_arena_alloc(p->arena, sizeof *e);
	e->kind = (uint8_t)kind;
	e->pos = pos;
	return e;
}

static op_expr *binary(op_parser *p, int kind, int op, op_expr *a, op_expr *b, size_t pos)
{
	op_expr *e = node(p, kind, pos);
	e->op = (uint8_t)op;
	e->a = a;
	e->b = b;
	unsigned h = a->height > b->height ? a->height : b->height;
	/* long chains (a || b || c ...) grow the tree without recursion in
	 * the parser; evaluation recurses, so its height is bounded here */
	if (h + 1 > 512)
		op_p_error_at(p, pos, "expression too long (over 512 operators in a chain)");
	e->height = (uint16_t)(h + 1);
	return e;
}

/* A "string" at the cursor, decoded (\" \\ \n \t \/ \uXXXX). */
static char *lex_string(op_parser *p, size_t *outlen, int tmpl)
{
	op_p_skip(p);
	size_t start = p->pos;
	if (p->pos >= p->len || p->text[p->pos] != '"')
		return NULL;
	op_buf b = {0};
	size_t i = p->pos + 1;
	for (;;) {
		if (i >= p->len) {
			op_buf_free(&b);
			op_p_error_at(p, start, "unterminated string");
		}
		char c = p->text[i];
		if (c == '"')
			break;
		if (c == '\\' && i + 1 < p->len) {
			char d = p->text[i + 1];
			i += 2;
			switch (d) {
			case 'n': op_buf_addc(&b, '\n'); break;
			case 't': op_buf_addc(&b, '\t'); break;
			case 'r': op_buf_addc(&b, '\r'); break;
			case '"': case '\\': case '/': op_buf_addc(&b, d); break;
			/* in a template, \{ and \} are literal braces: marked
			 * with bytes no template may otherwise hold */
			case '{': op_buf_addc(&b, tmpl ? '\x01' : '{'); break;
			case '}': op_buf_addc(&b, tmpl ? '\x02' : '}'); break;
			case 'u': {
				unsigned u = 0;
				int k;
				for (k = 0; k < 4 && i + k < p->len; k++) {
					char h = p->text[i + k];
					int v = h >= '0' && h <= '9' ? h - '0' : (h | 0x20) >= 'a' && (h | 0x20) <= 'f' ? (h | 0x20) - 'a' + 10 : -1;
					if (v < 0)
						break;
					u = u << 4 | (unsigned)v;
				}
				if (k < 4 || !u || (u >= 0xD800 && u <= 0xDFFF)) {
					op_buf_free(&b);
					op_p_error_at(p, i - 2, "bad \\u escape (four hex digits, no surrogates)");
				}
				i += 4;
				char enc[4];
				size_t n = u < 0x80 ? 1 : u < 0x800 ? 2 : 3;
				if (n == 1)
					enc[0] = (char)u;
				else if (n == 2)
					enc[0] = (char)(0xC0 | u >> 6), enc[1] = (char)(0x80 | (u & 63));
				else
					enc[0] = (char)(0xE0 | u >> 12), enc[1] = (char)(0x80 | (u >> 6 & 63)),
					enc[2] = (char)(0x80 | (u & 63));
				op_buf_add(&b, enc, n);
				break;
			}
			default:
				op_buf_free(&b);
				op_p_error_at(p, i - 2, "unknown escape '\\%c' in string", d);
			}
			continue;
		}
		if (tmpl && (c == '\x01' || c == '\x02')) {
			op_buf_free(&b);
			op_p_error_at(p, i, "control character in template");
		}
		op_buf_addc(&b, c);
		i++;
	}
	p->pos = i + 1;
	char *s = op_arena_strndup(p->arena, b.p ? b.p : "", b.len);
	*outlen = b.len;
	op_buf_free(&b);
	return s;
}

op_rx *op_parse_regex(op_parser *p)
{
	op_p_skip(p);
	size_t start = p->pos;
	if (p->pos >= p->len || p->text[p->pos] != '/')
		op_p_error(p, "/regex/ expected, found %s", describe(p));
	op_buf pat = {0};
	size_t i = p->pos + 1;
	int inclass = 0;
	for (;; i++) {
		if (i >= p->len) {
			op_buf_free(&pat);
			op_p_error_at(p, start, "unterminated regex (no closing /)");
		}
		char c = p->text[i];
		if (c == '\\' && i + 1 < p->len) {
			if (p->text[i + 1] != '/')
				op_buf_addc(&pat, c);
			op_buf_addc(&pat, p->text[++i]);
			continue;
		}
		if (c == '[')
			inclass = 1;
		else if (c == ']')
			inclass = 0;
		else if (c == '/' && !inclass)
			break;
		op_buf_addc(&pat, c);
	}
	size_t f = ++i;
	while (i < p->len && is_ident((unsigned char)p->text[i]))
		i++;
	char flags[16], err[300];
	size_t nf = i - f < sizeof flags - 1 ? i - f : sizeof flags - 1, off = 0;
	memcpy(flags, p->text + f, nf);
	flags[nf] = 0;
	op_rx *rx = op_rx_compile(pat.p ? pat.p : "", pat.len, flags, err, sizeof err, &off);
	op_buf_free(&pat);
	if (!rx)
		op_p_error_at(p, nf && strstr(err, "flag") ? f : start + 1 + off, "%s", err);
	op_rules_track_rx(p->rules, rx);
	p->pos = i;
	return rx;
}

/* ---- parsing --------------------------------------------------------- */

static op_expr *parse_or(op_parser *p);

static void enter(op_parser *p)
{
	if (++p->depth > OP_EXPR_MAX_DEPTH)
		op_p_error(p, "expression nested too deeply (over %d levels)", OP_EXPR_MAX_DEPTH);
}

static op_expr *parse_path(op_parser *p, size_t pos, const char *first, size_t firstlen)
{
	seg segs[64];
	size_t n = 0;
	if (first) {
		segs[n].name = first;
		segs[n].len = firstlen;
		segs[n++].idx = -1;
	}
	for (;;) {
		/* no blanks inside a path: `a .b` is not a.b */
		size_t here = p->pos;
		if (here < p->len && p->text[here] == '.') {
			p->pos++;
			if (n == 64)
				op_p_error_at(p, here, "path too long (over 64 parts)");
			if (p->pos < p->len && p->text[p->pos] == '"') {
				size_t len;
				segs[n].name = lex_string(p, &len, 0);
				segs[n].len = len;
			} else {
				size_t l = 0;
				while (p->pos + l < p->len && is_ident((unsigned char)p->text[p->pos + l]))
					l++;
				if (!l)
					op_p_error_at(p, p->pos, "field name expected after '.'");
				segs[n].name = op_arena_strndup(p->arena, p->text + p->pos, l);
				segs[n].len = l;
				p->pos += l;
			}
			segs[n++].idx = -1;
		} else if (here < p->len && p->text[here] == '[' && n) {
			p->pos++;
			char *end;
			long idx = strtol(p->text + p->pos, &end, 10);
			if (end == p->text + p->pos || idx < 0 || *end != ']')
				op_p_error_at(p, p->pos, "array index (a whole number) and ']' expected");
			if (n == 64)
				op_p_error_at(p, here, "path too long (over 64 parts)");
			segs[n].name = NULL;
			segs[n].len = 0;
			segs[n++].idx = idx;
			p->pos = (size_t)(end - p->text) + 1;
		} else {
			break;
		}
	}
	if (!n)
		op_p_error_at(p, pos, "field name expected");
	op_expr *e = node(p, E_PATH, pos);
	e->segs = op_arena_alloc(p->arena, n * sizeof *segs);
	memcpy(e->segs, segs, n * sizeof *segs);
	e->nseg = n;
	return e;
}

static op_expr *parse_call(op_parser *p, size_t pos, const char *name, size_t len)
{
	int fn = -1;
	for (size_t i = 0; i < NFNS; i++)
		if (strlen(fns[i].name) == len && !memcmp(fns[i].name, name, len))
			fn = (int)i;
	if (fn < 0) {
		const char *cands[NFNS + 1];
		for (size_t i = 0; i < NFNS; i++)
			cands[i] = fns[i].name;
		cands[NFNS] = NULL;
		char w[64];
		snprintf(w, sizeof w, "%.*s", (int)len, name);
		const char *hint = op_p_suggest(w, cands);
		if (hint)
			op_p_error_at(p, pos, "unknown function '%s' (did you mean '%s'?)", w, hint);
		op_p_error_at(p, pos, "unknown function '%s'", w);
	}
	if (fns[fn].feat && !(p->features & fns[fn].feat))
		op_p_error_at(p, pos, "%s() is only available in exc-flag rules", fns[fn].name);
	op_expr *args[32];
	size_t n = 0;
	if (!accept(p, ")")) {
		for (;;) {
			if (n == 32)
				op_p_error(p, "too many arguments");
			args[n++] = parse_or(p);
			if (accept(p, ")"))
				break;
			if (!accept(p, ","))
				op_p_error(p, "',' or ')' expected in the arguments of %s(), found %s",
					   fns[fn].name, describe(p));
		}
	}
	if ((int)n < fns[fn].min || (int)n > fns[fn].max) {
		if (fns[fn].min == fns[fn].max)
			op_p_error_at(p, pos, "%s() takes %d argument%s, not %zu", fns[fn].name,
				      fns[fn].min, fns[fn].min == 1 ? "" : "s", n);
		op_p_error_at(p, pos, "%s() takes %d to %d arguments, not %zu", fns[fn].name,
			      fns[fn].min, fns[fn].max, n);
	}
	op_expr *e = node(p, E_CALL, pos);
	e->fn = fn;
	e->nargs = n;
	e->args = op_arena_alloc(p->arena, n * sizeof *args);
	memcpy(e->args, args, n * sizeof *args);
	if (fns[fn].feat & OP_FEAT_HISTORY) {
		e->window = 1;
		if (fn != F_PREV) {
			op_expr *w = args[1];
			if (w->kind != E_LIT || w->lit.t != OP_VNUM || w->lit.u.n < 1 || w->lit.u.n > 10000 ||
			    w->lit.u.n != floor(w->lit.u.n))
				op_p_error_at(p, w->pos, "%s(): the window is a whole number from 1 to 10000",
					      fns[fn].name);
			e->window = (size_t)w->lit.u.n;
		}
		e->groups = op_arena_alloc(p->arena, sizeof *e->groups);
		op_rules *r = p->rules;
		if (r->nhist == r->caphist) {
			r->caphist = r->caphist ? 2 * r->caphist : 8;
			r->hist = op_xrealloc(r->hist, r->caphist * sizeof *r->hist);
		}
		r->hist[r->nhist++] = e;
	}
	return e;
}

static op_expr *parse_number(op_parser *p, size_t pos)
{
	size_t i = p->pos;
	const char *s = p->text;
	while (i < p->len && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
		i++;
	if (i < p->len && (s[i] == 'e' || s[i] == 'E') && i + 1 < p->len &&
	    ((s[i + 1] >= '0' && s[i + 1] <= '9') || s[i + 1] == '-' || s[i + 1] == '+')) {
		i += 2;
		while (i < p->len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	op_expr *e = node(p, E_LIT, pos);
	if (i < p->len && is_ident_start((unsigned char)s[i])) {
		/* a duration: 30m 4h 2d 1w 4bh 2bd 1h30m */
		while (i < p->len && is_ident((unsigned char)s[i]))
			i++;
		int64_t v;
		int business;
		if (op_duration_parse(s + p->pos, i - p->pos, &v, &business))
			op_p_error_at(p, pos, "bad duration '%.*s' (units: s m h d w, business bh bd)",
				      (int)(i - p->pos), s + p->pos);
		e->lit.t = OP_VDUR;
		e->lit.u.dur = v;
		e->lit.business = (uint8_t)business;
	} else {
		char tmp[64];
		size_t n = i - p->pos;
		if (n >= sizeof tmp)
			op_p_error_at(p, pos, "number too long");
		memcpy(tmp, s + p->pos, n);
		tmp[n] = 0;
		char *end;
		double d = strtod(tmp, &end);
		if (*end || !isfinite(d))
			op_p_error_at(p, pos, "bad number '%s'", tmp);
		e->lit.t = OP_VNUM;
		e->lit.u.n = d;
	}
	p->pos = i;
	return e;
}

static op_expr *parse_primary(op_parser *p)
{
	size_t pos = op_p_skip(p);
	if (pos >= p->len)
		op_p_error(p, "value expected, found end of line");
	char c = p->text[pos];
	if (c == '(') {
		p->pos++;
		enter(p);
		op_expr *e = parse_or(p);
		p->depth--;
		if (!accept(p, ")"))
			op_p_error(p, "')' expected, found %s", describe(p));
		return e;
	}
	if (c == '[') {
		p->pos++;
		op_expr *items[256];
		size_t n = 0;
		enter(p);	/* [[[...]]] nests as deep as parentheses do */
		if (!accept(p, "]")) {
			for (;;) {
				if (n == 256)
					op_p_error(p, "list too long (over 256 items)");
				items[n++] = parse_or(p);
				if (accept(p, "]"))
					break;
				if (!accept(p, ","))
					op_p_error(p, "',' or ']' expected in list, found %s", describe(p));
			}
		}
		p->depth--;
		op_expr *e = node(p, E_LIST, pos);
		e->args = op_arena_alloc(p->arena, n * sizeof *items);
		memcpy(e->args, items, n * sizeof *items);
		e->nargs = n;
		return e;
	}
	if (c == '"') {
		size_t len;
		char *s = lex_string(p, &len, 0);
		op_expr *e = node(p, E_LIT, pos);
		e->lit.t = OP_VSTR;
		e->lit.u.str.s = s;
		e->lit.u.str.len = len;
		return e;
	}
	if (c >= '0' && c <= '9')
		return parse_number(p, pos);
	if (c == '.' && pos + 1 < p->len && p->text[pos + 1] == '"')
		return parse_path(p, pos, NULL, 0);
	if (c == '/')
		op_p_error(p, "a /regex/ goes on the right of =~ or !~");
	size_t n = ident_len(p);
	if (!n)
		op_p_error(p, "value expected, found %s", describe(p));
	const char *w = p->text + pos;
	p->pos += n;
	if (n == 4 && !memcmp(w, "true", 4)) {
		op_expr *e = node(p, E_LIT, pos);
		e->lit.t = OP_VBOOL;
		e->lit.u.b = 1;
		return e;
	}
	if (n == 5 && !memcmp(w, "false", 5)) {
		op_expr *e = node(p, E_LIT, pos);
		e->lit.t = OP_VBOOL;
		return e;
	}
	if (n == 4 && !memcmp(w, "null", 4))
		return node(p, E_LIT, pos);
	if (p->pos < p->len && p->text[p->pos] == '(') {
		p->pos++;
		enter(p);
		op_expr *e = parse_call(p, pos, w, n);
		p->depth--;
		return e;
	}
	if (n == 4 && !memcmp(w, "text", 4) && !(p->pos < p->len && (p->text[p->pos] == '.' || p->text[p->pos] == '[')))
		return node(p, E_TEXT, pos);
	return parse_path(p, pos, op_arena_strndup(p->arena, w, n), n);
}

static op_expr *parse_unary(op_parser *p)
{
	size_t pos = op_p_skip(p);
	if (at(p, "-") && !at(p, "->")) {
		p->pos++;
		enter(p);
		op_expr *a = parse_unary(p);
		p->depth--;
		if (a->kind == E_LIT && a->lit.t == OP_VNUM) {
			a->lit.u.n = -a->lit.u.n;
			return a;
		}
		op_expr *e = node(p, E_NEG, pos);
		e->a = a;
		e->height = (uint16_t)(a->height + 1);
		return e;
	}
	return parse_primary(p);
}

static op_expr *parse_mul(op_parser *p)
{
	op_expr *a = parse_unary(p);
	for (;;) {
		size_t pos = op_p_skip(p);
		if (accept(p, "*"))
			a = binary(p, E_ARITH, '*', a, parse_unary(p), pos);
		else if (at(p, "/"))
			p->pos++, a = binary(p, E_ARITH, '/', a, parse_unary(p), pos);
		else
			return a;
	}
}

static op_expr *parse_add(op_parser *p)
{
	op_expr *a = parse_mul(p);
	for (;;) {
		size_t pos = op_p_skip(p);
		if (accept(p, "+"))
			a = binary(p, E_ARITH, '+', a, parse_mul(p), pos);
		else if (at(p, "-") && !at(p, "->"))
			p->pos++, a = binary(p, E_ARITH, '-', a, parse_mul(p), pos);
		else
			return a;
	}
}

static op_expr *parse_cmp(op_parser *p)
{
	op_expr *a = parse_add(p);
	size_t pos = op_p_skip(p);
	static const struct { const char *s; int kind, op; } ops[] = {
		{ "==", E_CMP, C_EQ }, { "!=", E_CMP, C_NE }, { "<=", E_CMP, C_LE },
		{ ">=", E_CMP, C_GE }, { "=~", E_MATCH, 0 }, { "!~", E_MATCH, 1 },
		{ "<", E_CMP, C_LT }, { ">", E_CMP, C_GT },
	};
	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
		if (!accept(p, ops[i].s))
			continue;
		if (ops[i].kind == E_MATCH) {
			op_expr *e = node(p, E_MATCH, pos);
			e->op = (uint8_t)ops[i].op;
			e->a = a;
			e->height = (uint16_t)(a->height + 1);
			op_p_skip(p);
			if (p->pos >= p->len || p->text[p->pos] != '/')
				op_p_error(p, "/regex/ expected after %s, found %s", ops[i].s, describe(p));
			e->rx = op_parse_regex(p);
			return e;
		}
		return binary(p, E_CMP, ops[i].op, a, parse_add(p), pos);
	}
	if (at(p, "=") )
		op_p_error(p, "'=' is not a comparison: use '=='");
	if (accept_word(p, "in"))
		return binary(p, E_IN, 0, a, parse_add(p), pos);
	return a;
}

static op_expr *parse_not(op_parser *p)
{
	size_t pos = op_p_skip(p);
	if ((at(p, "!") && !at(p, "!=") && !at(p, "!~")) || accept_word(p, "not")) {
		if (p->text[pos] == '!')
			p->pos++;
		enter(p);
		op_expr *a = parse_not(p);
		p->depth--;
		op_expr *e = node(p, E_NOT, pos);
		e->a = a;
		e->height = (uint16_t)(a->height + 1);
		return e;
	}
	return parse_cmp(p);
}

static op_expr *parse_and(op_parser *p)
{
	op_expr *a = parse_not(p);
	for (;;) {
		size_t pos = op_p_skip(p);
		if (accept(p, "&&") || accept_word(p, "and"))
			a = binary(p, E_AND, 0, a, parse_not(p), pos);
		else
			return a;
	}
}

static op_expr *parse_or(op_parser *p)
{
	op_expr *a = parse_and(p);
	for (;;) {
		size_t pos = op_p_skip(p);
		if (accept(p, "||") || accept_word(p, "or"))
			a = binary(p, E_OR, 0, a, parse_and(p), pos);
		else
			return a;
	}
}

op_expr *op_parse_expr(op_parser *p)
{
	op_expr *e = parse_or(p);
	/* a stray operator right after a whole expression is a mistake, not
	 * the start of the statement's next word */
	op_p_skip(p);
	if (p->pos < p->len && strchr("=!<>&|+*/)]", p->text[p->pos]) && !at(p, "->"))
		op_p_error(p, "unexpected %s in expression", describe(p));
	return e;
}

op_expr *op_parse_postfix(op_parser *p)
{
	return parse_unary(p);
}

int op_expr_is_path(const op_expr *e)
{
	return e->kind == E_PATH;
}

const char *op_expr_field(const op_expr *e)
{
	return e->kind == E_PATH && e->nseg == 1 && e->segs[0].idx < 0 ? e->segs[0].name : NULL;
}

/* "text {expr} more" -> E_TEMPLATE: literal and expression parts.  s is
 * the decoded string (\x01 \x02 stand for \{ \}); at0 is where it
 * stands in the line, where any error in it is reported. */
op_expr *op_parse_template(op_parser *p, const char *s, size_t n, size_t at0)
{
	op_expr *parts[2048];
	size_t np = 0, i = 0;
	/* the literal being read: in the arena, not malloc'd, so that an
	 * error in a placeholder, which jumps out, leaks nothing */
	char *lit = op_arena_alloc(p->arena, n + 1);
	size_t litlen = 0;
	op_expr *e = node(p, E_TEMPLATE, at0);
	while (i <= n) {
		if (i == n || s[i] == '{') {
			if (litlen || i == n) {
				op_expr *l = node(p, E_LIT, at0 + i);
				l->lit.t = OP_VSTR;
				l->lit.u.str.s = op_arena_strndup(p->arena, lit, litlen);
				l->lit.u.str.len = litlen;
				if (np == 2048)
					op_p_error_at(p, at0, "template too long (over 1000 placeholders)");
				parts[np++] = l;
				litlen = 0;
			}
			if (i == n)
				break;
			const char *close = memchr(s + i, '}', n - i);
			if (!close)
				op_p_error_at(p, at0, "'{' without '}' in template (write \\{ for a brace)");
			/* parse the placeholder as an expression of its own */
			op_parser sub = *p;
			sub.fixed_pos = (long)at0;
			sub.text = s;
			sub.len = (size_t)(close - s);
			sub.pos = i + 1;
			sub.seg = NULL;
			sub.nseg = 0;
			op_expr *x = op_parse_expr(&sub);
			op_p_skip(&sub);
			if (sub.pos != sub.len)
				op_p_error_at(p, at0, "placeholder {%.*s}: unexpected '%.*s'", (int)(close - s - i - 1),
					      s + i + 1, (int)(sub.len - sub.pos), s + sub.pos);
			if (np == 2048)
				op_p_error_at(p, at0, "template too long (over 1000 placeholders)");
			parts[np++] = x;
			i = (size_t)(close - s) + 1;
			continue;
		}
		lit[litlen++] = s[i] == '\x01' ? '{' : s[i] == '\x02' ? '}' : s[i];
		i++;
	}
	e->args = op_arena_alloc(p->arena, np * sizeof *parts);
	memcpy(e->args, parts, np * sizeof *parts);
	e->nargs = np;
	return e;
}

/* ---- values ---------------------------------------------------------- */

void op_eval_init(op_eval *ev, op_time now, const op_tz *tz)
{
	memset(ev, 0, sizeof *ev);
	ev->now = now;
	ev->tz = tz;
}

void op_eval_record(op_eval *ev, op_rec *r)
{
	ev->rec = r;
	ev->gen++;
	op_arena_reset(&ev->scratch);
	ev->err[0] = 0;
}

void op_eval_free(op_eval *ev)
{
	op_arena_free(&ev->scratch);
	op_buf_free(&ev->tmp);
}

static int err(op_eval *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int err(op_eval *ev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ev->err, sizeof ev->err, fmt, ap);
	va_end(ap);
	return -1;
}

static void set_str(op_val *v, const char *s, size_t n)
{
	v->t = OP_VSTR;
	v->u.str.s = s;
	v->u.str.len = n;
}

static char *scratch(op_eval *ev, size_t n)
{
	return op_arena_alloc(&ev->scratch, n + 1);
}

/* A JSON value span from the record as a value. */
static void from_span(op_eval *ev, const char *v, size_t n, int esc, op_val *out)
{
	memset(out, 0, sizeof *out);
	switch (op_jtype_of(v)) {
	case OP_JSTR:
		if (!esc) {
			set_str(out, v + 1, n - 2);
		} else {
			const char *s;
			size_t len;
			op_jstr(v, n, 1, &ev->tmp, &s, &len);
			char *c = scratch(ev, len);
			memcpy(c, s, len);
			set_str(out, c, len);
		}
		break;
	case OP_JNUM:
		out->t = OP_VNUM;
		out->u.n = op_jnum(v, n);
		out->raw = v;
		out->rawlen = n;
		break;
	case OP_JTRUE: out->t = OP_VBOOL; out->u.b = 1; break;
	case OP_JFALSE: out->t = OP_VBOOL; break;
	case OP_JNULL: break;
	default: out->t = OP_VJSON; out->u.str.s = v; out->u.str.len = n;
	}
}

int op_val_num(const op_val *v, double *d)
{
	if (v->t == OP_VNUM) {
		*d = v->u.n;
		return 1;
	}
	if (v->t == OP_VSTR && v->u.str.len && v->u.str.len < 64) {
		char tmp[64], *end;
		memcpy(tmp, v->u.str.s, v->u.str.len);
		tmp[v->u.str.len] = 0;
		/* numbers only: strtod would also read "nan", "inf", hex */
		const char *q = tmp + (tmp[0] == '-' || tmp[0] == '+');
		if (!((*q >= '0' && *q <= '9') || (*q == '.' && q[1] >= '0' && q[1] <= '9')))
			return 0;
		if (strpbrk(tmp, "xXnN"))
			return 0;
		*d = strtod(tmp, &end);
		return !*end && isfinite(*d);
	}
	return 0;
}

static int str_time(op_eval *ev, const char *s, size_t n, op_time *t)
{
	int naive = 0;
	/* cheap first look: times start with four digits and a '-' */
	if (n < 10 || s[4] != '-' || s[0] < '0' || s[0] > '9')
		return 0;
	if (op_time_parse(s, n, t, &naive))
		return 0;
	if (naive && ev->tz)
		*t = op_tz_to_utc(ev->tz, *t, NULL);
	return op_time_in_range(*t);
}

int op_val_time(op_eval *ev, const op_val *v, op_time *t)
{
	if (v->t == OP_VTIME) {
		*t = v->u.tm;
		return 1;
	}
	if (v->t == OP_VSTR)
		return str_time(ev, v->u.str.s, v->u.str.len, t);
	return 0;
}

static void fmt_num(op_buf *b, double d)
{
	if (d == floor(d) && fabs(d) < 1e15) {
		op_buf_printf(b, "%.0f", d == 0 ? 0.0 : d);	/* no "-0" */
		return;
	}
	/* the shortest text that reads back as the same double */
	char tmp[32];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	op_buf_adds(b, tmp);
}

static void fmt_dur(op_buf *b, const op_val *v)
{
	int64_t s = v->u.dur;
	if (v->business == 1) {
		op_buf_printf(b, "%lldbh", (long long)(s / 60));
		return;
	}
	if (v->business == 2) {
		op_buf_printf(b, "%lldbd", (long long)s);
		return;
	}
	if (s < 0) {
		op_buf_addc(b, '-');
		s = -s;
	}
	if (!s)
		op_buf_adds(b, "0s");
	static const struct { int64_t n; char u; } units[] = { { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' } };
	for (size_t i = 0; i < 4; i++)
		if (s >= units[i].n) {
			op_buf_printf(b, "%lld%c", (long long)(s / units[i].n), units[i].u);
			s %= units[i].n;
		}
}

void op_val_json(op_buf *b, const op_val *v)
{
	char t[21];
	switch (v->t) {
	case OP_VNULL: op_buf_adds(b, "null"); break;
	case OP_VBOOL: op_buf_adds(b, v->u.b ? "true" : "false"); break;
	case OP_VNUM:
		if (v->raw)
			op_buf_add(b, v->raw, v->rawlen);
		else if (!isfinite(v->u.n))
			op_buf_adds(b, "null");
		else
			fmt_num(b, v->u.n);
		break;
	case OP_VSTR: op_buf_json_str(b, v->u.str.s, v->u.str.len); break;
	case OP_VTIME:
		op_time_format(v->u.tm, t);
		op_buf_json_str(b, t, 20);
		break;
	case OP_VDUR: {
		op_buf d = {0};
		fmt_dur(&d, v);
		op_buf_json_str(b, d.p, d.len);
		op_buf_free(&d);
		break;
	}
	case OP_VLIST:
		op_buf_addc(b, '[');
		for (size_t i = 0; i < v->u.list.n; i++) {
			if (i)
				op_buf_addc(b, ',');
			op_val_json(b, &v->u.list.v[i]);
		}
		op_buf_addc(b, ']');
		break;
	case OP_VJSON: op_buf_add(b, v->u.str.s, v->u.str.len); break;
	}
}

void op_val_text(op_buf *b, const op_val *v)
{
	char t[21];
	switch (v->t) {
	case OP_VNULL: break;
	case OP_VSTR: op_buf_add(b, v->u.str.s, v->u.str.len); break;
	case OP_VTIME: op_time_format(v->u.tm, t); op_buf_add(b, t, 20); break;
	case OP_VDUR: fmt_dur(b, v); break;
	case OP_VLIST:
		for (size_t i = 0; i < v->u.list.n; i++) {
			if (i)
				op_buf_adds(b, ", ");
			op_val_text(b, &v->u.list.v[i]);
		}
		break;
	default: op_val_json(b, v);
	}
}

int op_truthy(const op_val *v)
{
	switch (v->t) {
	case OP_VNULL: return 0;
	case OP_VBOOL: return v->u.b;
	case OP_VNUM: return v->u.n != 0;
	case OP_VSTR: return v->u.str.len != 0;
	case OP_VLIST: return v->u.list.n != 0;
	case OP_VJSON: return v->u.str.len > 2;	/* not [] or {} */
	default: return 1;
	}
}

void op_val_as_text(op_eval *ev, const op_val *v, const char **s, size_t *n)
{
	if (v->t == OP_VSTR) {
		*s = v->u.str.s;
		*n = v->u.str.len;
		return;
	}
	op_buf b = {0};
	op_val_text(&b, v);
	char *c = scratch(ev, b.len);
	if (b.len)
		memcpy(c, b.p, b.len);
	*s = c;
	*n = b.len;
	op_buf_free(&b);
}

/* ---- evaluation ------------------------------------------------------ */

static int eval(op_eval *ev, const op_expr *e, op_val *out);

static int eval_path(op_eval *ev, const op_expr *e0, op_val *out)
{
	op_expr *e = (op_expr *)e0;	/* the field cache is the only thing written */
	memset(out, 0, sizeof *out);
	if (!ev->rec)
		return 0;
	const op_field *f;
	if (e->gen == ev->gen) {
		f = e->cached;
	} else {
		f = op_rec_get(ev->rec, e->segs[0].name, e->segs[0].len);
		e->cached = f;
		e->gen = ev->gen;
	}
	if (!f)
		return 0;
	const char *v = f->v;
	size_t n = f->vlen;
	for (size_t i = 1; i < e->nseg; i++) {
		int ok = e->segs[i].idx >= 0 ? op_jarr_get(v, n, (size_t)e->segs[i].idx, &v, &n)
					     : op_jobj_get(v, n, e->segs[i].name, e->segs[i].len, &v, &n, &ev->tmp);
		if (!ok)
			return 0;
	}
	from_span(ev, v, n, e->nseg == 1 ? f->vesc : memchr(v, '\\', n) != NULL, out);
	return 0;
}

/* `text`: subject and body, decoded, joined by a newline; once per record */
static void eval_text(op_eval *ev, op_val *out)
{
	if (ev->text_gen != ev->gen || !ev->text) {
		op_val sub = {0}, body = {0};
		const op_field *f = ev->rec ? op_rec_get(ev->rec, "subject", 7) : NULL;
		if (f && f->type == OP_JSTR)
			from_span(ev, f->v, f->vlen, f->vesc, &sub);
		f = ev->rec ? op_rec_get(ev->rec, "body", 4) : NULL;
		if (f && f->type == OP_JSTR)
			from_span(ev, f->v, f->vlen, f->vesc, &body);
		size_t a = sub.t == OP_VSTR ? sub.u.str.len : 0, b = body.t == OP_VSTR ? body.u.str.len : 0;
		char *c = scratch(ev, a + b + 1);
		if (a)
			memcpy(c, sub.u.str.s, a);
		c[a] = '\n';
		if (b)
			memcpy(c + a + 1, body.u.str.s, b);
		ev->text = c;
		ev->textlen = a + 1 + b;
		ev->text_gen = ev->gen;
	}
	set_str(out, ev->text, ev->textlen);
}

static int values_equal(op_eval *ev, const op_val *a, const op_val *b);

/* <0, 0, >0 in *res when a and b are comparable (returns 1). */
static int compare(op_eval *ev, const op_val *a, const op_val *b, int *res)
{
	double x, y;
	op_time s, t;
	if (a->t == OP_VNULL || b->t == OP_VNULL)
		return 0;
	if (a->t == OP_VNUM && b->t == OP_VNUM) {
		x = a->u.n, y = b->u.n;
		goto nums;
	}
	if (a->t == OP_VTIME || b->t == OP_VTIME) {
		if (!op_val_time(ev, a, &s) || !op_val_time(ev, b, &t))
			return 0;
		*res = (s > t) - (s < t);
		return 1;
	}
	if (a->t == OP_VDUR || b->t == OP_VDUR) {
		if (a->t != b->t || a->business != b->business)
			return 0;
		*res = (a->u.dur > b->u.dur) - (a->u.dur < b->u.dur);
		return 1;
	}
	if ((a->t == OP_VNUM && b->t == OP_VSTR) || (a->t == OP_VSTR && b->t == OP_VNUM)) {
		if (!op_val_num(a, &x) || !op_val_num(b, &y))
			return 0;
		goto nums;
	}
	if (a->t == OP_VSTR && b->t == OP_VSTR) {
		if (str_time(ev, a->u.str.s, a->u.str.len, &s) && str_time(ev, b->u.str.s, b->u.str.len, &t)) {
			*res = (s > t) - (s < t);
			return 1;
		}
		size_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
		int c = n ? memcmp(a->u.str.s, b->u.str.s, n) : 0;
		*res = c ? c : (a->u.str.len > b->u.str.len) - (a->u.str.len < b->u.str.len);
		return 1;
	}
	if (a->t == OP_VBOOL && b->t == OP_VBOOL) {
		*res = a->u.b - b->u.b;
		return 1;
	}
	if (a->t == OP_VJSON && b->t == OP_VJSON) {
		*res = !(a->u.str.len == b->u.str.len && !memcmp(a->u.str.s, b->u.str.s, a->u.str.len));
		return 1;
	}
	if (a->t == OP_VLIST && b->t == OP_VLIST) {
		if (a->u.list.n != b->u.list.n) {
			*res = 1;
			return 1;
		}
		for (size_t i = 0; i < a->u.list.n; i++)
			if (!values_equal(ev, &a->u.list.v[i], &b->u.list.v[i])) {
				*res = 1;
				return 1;
			}
		*res = 0;
		return 1;
	}
	return 0;
nums:
	*res = (x > y) - (x < y);
	return 1;
}

static int values_equal(op_eval *ev, const op_val *a, const op_val *b)
{
	int r;
	if (a->t == OP_VNULL || b->t == OP_VNULL)
		return a->t == b->t;
	return compare(ev, a, b, &r) && r == 0;
}

static int member(op_eval *ev, const op_val *x, const op_val *in)
{
	if (in->t == OP_VLIST) {
		for (size_t i = 0; i < in->u.list.n; i++)
			if (values_equal(ev, x, &in->u.list.v[i]))
				return 1;
		return 0;
	}
	if (in->t == OP_VJSON && *in->u.str.s == '[') {
		size_t pos = 0, n;
		const char *v;
		while (op_jarr_next(in->u.str.s, in->u.str.len, &pos, &v, &n)) {
			op_val y;
			from_span(ev, v, n, memchr(v, '\\', n) != NULL, &y);
			if (values_equal(ev, x, &y))
				return 1;
		}
		return 0;
	}
	if (in->t == OP_VJSON && *in->u.str.s == '{' && x->t == OP_VSTR) {
		const char *v;
		size_t n;
		return op_jobj_get(in->u.str.s, in->u.str.len, x->u.str.s, x->u.str.len, &v, &n, &ev->tmp);
	}
	if (in->t == OP_VSTR && x->t != OP_VNULL) {
		const char *s;
		size_t n;
		op_val_as_text(ev, x, &s, &n);
		return n <= in->u.str.len && memmem(in->u.str.s, in->u.str.len, s, n) != NULL;
	}
	return 0;
}

static int business_add(op_eval *ev, op_time t, const op_val *d, int sign, op_val *out)
{
	if (!ev->business)
		return err(ev, "business time (%s) needs the working hours of enq-route rules",
			   d->business == 1 ? "bh" : "bd");
	op_time r;
	int rc = ev->business(ev->cal, t, sign * d->u.dur, d->business, &r);
	if (rc)
		return err(ev, "business time: %s", rc == -2 ? "the result falls outside years 0001..9999"
							     : "no working hours in the calendar");
	out->t = OP_VTIME;
	out->u.tm = r;
	return 0;
}

static int arith(op_eval *ev, int op, const op_val *a, const op_val *b, op_val *out)
{
	double x, y;
	op_time s, t;
	memset(out, 0, sizeof *out);
	if (a->t == OP_VNULL || b->t == OP_VNULL)
		return 0;
	if (op == '+' && a->t == OP_VSTR && b->t == OP_VSTR) {
		char *c = scratch(ev, a->u.str.len + b->u.str.len);
		memcpy(c, a->u.str.s, a->u.str.len);
		memcpy(c + a->u.str.len, b->u.str.s, b->u.str.len);
		set_str(out, c, a->u.str.len + b->u.str.len);
		return 0;
	}
	if (op_val_num(a, &x) && op_val_num(b, &y)) {
		double r = op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : y != 0 ? x / y : NAN;
		if (isfinite(r)) {
			out->t = OP_VNUM;
			out->u.n = r;
		}
		return 0;
	}
	/* time +- duration, time - time */
	if (b->t == OP_VDUR && (op == '+' || op == '-') && op_val_time(ev, a, &t)) {
		if (b->business)
			return business_add(ev, t, b, op == '+' ? 1 : -1, out);
		out->t = OP_VTIME;
		out->u.tm = op == '+' ? t + b->u.dur : t - b->u.dur;
		return 0;
	}
	if (a->t == OP_VDUR && op == '+' && op_val_time(ev, b, &t)) {
		if (a->business)
			return business_add(ev, t, a, 1, out);
		out->t = OP_VTIME;
		out->u.tm = t + a->u.dur;
		return 0;
	}
	if (op == '-' && op_val_time(ev, a, &s) && op_val_time(ev, b, &t)) {
		out->t = OP_VDUR;
		out->u.dur = s - t;
		return 0;
	}
	if (a->t == OP_VDUR && b->t == OP_VDUR && a->business == b->business) {
		if (op == '+' || op == '-') {
			*out = *a;
			out->u.dur = op == '+' ? a->u.dur + b->u.dur : a->u.dur - b->u.dur;
		} else if (op == '/' && b->u.dur) {
			out->t = OP_VNUM;
			out->u.n = (double)a->u.dur / (double)b->u.dur;
		}
		return 0;
	}
	if (a->t == OP_VDUR && (op == '*' || op == '/') && op_val_num(b, &y)) {
		double r = op == '*' ? (double)a->u.dur * y : y ? (double)a->u.dur / y : NAN;
		if (isfinite(r) && fabs(r) < 9e15) {
			*out = *a;
			out->u.dur = (int64_t)llround(r);
		}
		return 0;
	}
	return 0;
}

static void calendar(op_eval *ev, int fn, op_time t, op_val *out)
{
	op_tm tm;
	op_tz_local(ev->tz, t, &tm);
	char *c = scratch(ev, 32);
	static const char *wd[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
	switch (fn) {
	case F_YEAR: out->t = OP_VNUM; out->u.n = (double)tm.year; return;
	case F_HOUR: out->t = OP_VNUM; out->u.n = tm.hour; return;
	case F_QUARTER: snprintf(c, 32, "%04lld-Q%u", (long long)tm.year, (tm.month + 2) / 3); break;
	case F_MONTH: snprintf(c, 32, "%04lld-%02u", (long long)tm.year, tm.month); break;
	case F_DAY: snprintf(c, 32, "%04lld-%02u-%02u", (long long)tm.year, tm.month, tm.day); break;
	case F_WEEKDAY: snprintf(c, 32, "%s", wd[tm.wday]); break;
	case F_WEEK: {
		int64_t iy;
		unsigned w;
		op_iso_week(op_days_from_civil(tm.year, tm.month, tm.day), &iy, &w);
		snprintf(c, 32, "%04lld-W%02u", (long long)iy, w);
		break;
	}
	}
	set_str(out, c, strlen(c));
}

static void lower_upper(op_eval *ev, const op_val *v, int up, op_val *out)
{
	const char *s;
	size_t n;
	op_val_as_text(ev, v, &s, &n);
	char *c = scratch(ev, n);
	/* ASCII only; other letters pass through unchanged (documented) */
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (up && ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 32);
		else if (!up && ch >= 'A' && ch <= 'Z')
			ch = (char)(ch + 32);
		c[i] = ch;
	}
	set_str(out, c, n);
}

static ring *hist_ring(const op_expr *e, op_eval *ev, int create)
{
	const char *g = ev->group ? ev->group : "";
	size_t gl = ev->group ? ev->grouplen : 0;
	if (!create)
		return op_hmap_get(e->groups, g, gl);
	int isnew;
	void **slot = op_hmap_put(e->groups, g, gl, &isnew);
	if (isnew)
		*slot = op_xcalloc(1, sizeof(ring) + e->window * sizeof(op_val));
	return *slot;
}

static int call(op_eval *ev, const op_expr *e, op_val *out)
{
	op_val a = {0}, b = {0};
	double x, y;
	op_time s, t;
	const char *str, *str2;
	size_t n, n2;
	memset(out, 0, sizeof *out);
	switch (e->fn) {
	case F_NOW:
		out->t = OP_VTIME;
		out->u.tm = ev->now;
		return 0;
	case F_COALESCE:
		for (size_t i = 0; i < e->nargs; i++) {
			if (eval(ev, e->args[i], out))
				return -1;
			if (out->t != OP_VNULL && !(out->t == OP_VSTR && !out->u.str.len))
				return 0;
		}
		memset(out, 0, sizeof *out);
		return 0;
	case F_PREV: case F_MEAN_PREV: case F_STDDEV_PREV: {
		ring *r = hist_ring(e, ev, 0);
		if (!r || !r->n)
			return 0;
		if (e->fn == F_PREV) {
			*out = r->v[(r->next + e->window - 1) % e->window];
			return 0;
		}
		double sum = 0, sq = 0;
		size_t k = 0;
		for (size_t i = 0; i < r->n; i++)
			if (r->v[i].t == OP_VNUM)
				sum += r->v[i].u.n, k++;
		if (!k || (e->fn == F_STDDEV_PREV && k < 2))
			return 0;
		double mean = sum / (double)k;
		if (e->fn == F_MEAN_PREV) {
			out->t = OP_VNUM;
			out->u.n = mean;
			return 0;
		}
		for (size_t i = 0; i < r->n; i++)
			if (r->v[i].t == OP_VNUM)
				sq += (r->v[i].u.n - mean) * (r->v[i].u.n - mean);
		out->t = OP_VNUM;
		out->u.n = sqrt(sq / (double)(k - 1));	/* sample standard deviation */
		return 0;
	}
	}
	if (e->nargs >= 1 && eval(ev, e->args[0], &a))
		return -1;
	if (e->nargs >= 2 && eval(ev, e->args[1], &b))
		return -1;
	switch (e->fn) {
	case F_LEN:
		out->t = OP_VNUM;
		if (a.t == OP_VSTR) {
			size_t chars = 0;	/* characters, not bytes */
			for (size_t i = 0; i < a.u.str.len; i++)
				chars += ((unsigned char)a.u.str.s[i] & 0xC0) != 0x80;
			out->u.n = (double)chars;
		} else if (a.t == OP_VLIST) {
			out->u.n = (double)a.u.list.n;
		} else if (a.t == OP_VJSON) {
			size_t pos = 0, k = 0;
			const char *v;
			if (*a.u.str.s == '[')
				while (op_jarr_next(a.u.str.s, a.u.str.len, &pos, &v, &n))
					k++;
			out->u.n = (double)k;
		} else if (a.t == OP_VNULL) {
			out->u.n = 0;
		} else {
			out->t = OP_VNULL;
		}
		return 0;
	case F_LOWER: case F_UPPER:
		if (a.t != OP_VNULL)
			lower_upper(ev, &a, e->fn == F_UPPER, out);
		return 0;
	case F_TRIM:
		if (a.t == OP_VNULL)
			return 0;
		op_val_as_text(ev, &a, &str, &n);
		while (n && (*str == ' ' || *str == '\t' || *str == '\n' || *str == '\r'))
			str++, n--;
		while (n && (str[n - 1] == ' ' || str[n - 1] == '\t' || str[n - 1] == '\n' || str[n - 1] == '\r'))
			n--;
		set_str(out, str, n);
		return 0;
	case F_HAS:
		out->t = OP_VBOOL;
		if (e->nargs == 1)	/* present and not empty */
			out->u.b = op_truthy(&a) || (a.t == OP_VNUM) || (a.t == OP_VBOOL);
		else
			out->u.b = member(ev, &b, &a);
		return 0;
	case F_CONTAINS: case F_STARTSWITH: case F_ENDSWITH:
		out->t = OP_VBOOL;
		if (a.t == OP_VNULL || b.t == OP_VNULL)
			return 0;
		op_val_as_text(ev, &a, &str, &n);
		op_val_as_text(ev, &b, &str2, &n2);
		if (n2 > n)
			return 0;
		out->u.b = e->fn == F_CONTAINS ? memmem(str, n, str2, n2) != NULL
			 : e->fn == F_STARTSWITH ? !memcmp(str, str2, n2) : !memcmp(str + n - n2, str2, n2);
		return 0;
	case F_MINUTES: case F_HOURS: case F_DAYS:
		if (!op_val_time(ev, &a, &s) || !op_val_time(ev, &b, &t))
			return 0;
		out->t = OP_VNUM;
		out->u.n = (double)(t - s) / (e->fn == F_MINUTES ? 60.0 : e->fn == F_HOURS ? 3600.0 : 86400.0);
		return 0;
	case F_YEAR: case F_QUARTER: case F_MONTH: case F_WEEK: case F_DAY: case F_WEEKDAY: case F_HOUR:
		if (op_val_time(ev, &a, &t))
			calendar(ev, e->fn, t, out);
		return 0;
	case F_NUMBER:
		if (op_val_num(&a, &x)) {
			out->t = OP_VNUM;
			out->u.n = x;
		}
		return 0;
	case F_STRING:
		if (a.t != OP_VNULL) {
			op_val_as_text(ev, &a, &str, &n);
			set_str(out, str, n);
		}
		return 0;
	case F_TIME:
		if (op_val_time(ev, &a, &t)) {
			out->t = OP_VTIME;
			out->u.tm = t;
		}
		return 0;
	case F_ABS:
		if (op_val_num(&a, &x)) {
			out->t = OP_VNUM;
			out->u.n = fabs(x);
		} else if (a.t == OP_VDUR) {
			*out = a;
			out->u.dur = a.u.dur < 0 ? -a.u.dur : a.u.dur;
		}
		return 0;
	case F_ROUND:
		if (op_val_num(&a, &x)) {
			double k = 1;
			if (e->nargs == 2 && op_val_num(&b, &y) && y >= 0 && y <= 15)
				k = pow(10, floor(y));
			out->t = OP_VNUM;
			out->u.n = round(x * k) / k;
		}
		return 0;
	case F_MIN: case F_MAX: {
		int r;
		if (a.t == OP_VNULL || b.t == OP_VNULL) {
			*out = a.t == OP_VNULL ? b : a;
			return 0;
		}
		if (compare(ev, &a, &b, &r))
			*out = (e->fn == F_MIN) == (r <= 0) ? a : b;
		return 0;
	}
	}
	return err(ev, "internal error: function %d", e->fn);
}

static int eval(op_eval *ev, const op_expr *e, op_val *out)
{
	op_val a, b;
	int r;
	switch (e->kind) {
	case E_LIT:
		*out = e->lit;
		return 0;
	case E_PATH:
		return eval_path(ev, e, out);
	case E_TEXT:
		eval_text(ev, out);
		return 0;
	case E_NOT:
		if (eval(ev, e->a, &a))
			return -1;
		out->t = OP_VBOOL;
		out->u.b = !op_truthy(&a);
		return 0;
	case E_NEG:
		if (eval(ev, e->a, &a))
			return -1;
		memset(out, 0, sizeof *out);
		if (op_val_num(&a, &out->u.n)) {
			out->t = OP_VNUM;
			out->u.n = -out->u.n;
		} else if (a.t == OP_VDUR) {
			*out = a;
			out->u.dur = -a.u.dur;
		}
		return 0;
	case E_AND: case E_OR:
		if (eval(ev, e->a, &a))
			return -1;
		out->t = OP_VBOOL;
		if (op_truthy(&a) == (e->kind == E_OR)) {
			out->u.b = e->kind == E_OR;
			return 0;
		}
		if (eval(ev, e->b, &b))
			return -1;
		out->t = OP_VBOOL;
		out->u.b = op_truthy(&b);
		return 0;
	case E_CMP:
		if (eval(ev, e->a, &a) || eval(ev, e->b, &b))
			return -1;
		out->t = OP_VBOOL;
		if (e->op == C_EQ || e->op == C_NE) {
			out->u.b = values_equal(ev, &a, &b) == (e->op == C_EQ);
			return 0;
		}
		if (!compare(ev, &a, &b, &r)) {
			out->u.b = 0;
			return 0;
		}
		out->u.b = e->op == C_LT ? r < 0 : e->op == C_LE ? r <= 0 : e->op == C_GT ? r > 0 : r >= 0;
		return 0;
	case E_MATCH: {
		if (eval(ev, e->a, &a))
			return -1;
		out->t = OP_VBOOL;
		out->u.b = 0;
		if (a.t == OP_VNULL || a.t == OP_VLIST)
			return 0;
		const char *s;
		size_t n;
		op_val_as_text(ev, &a, &s, &n);
		r = op_rx_match(e->rx, s, n, ev->err, sizeof ev->err);
		if (r < 0)
			return -1;
		out->u.b = r == (e->op == 0);
		return 0;
	}
	case E_IN:
		if (eval(ev, e->a, &a) || eval(ev, e->b, &b))
			return -1;
		out->t = OP_VBOOL;
		out->u.b = a.t != OP_VNULL && member(ev, &a, &b);
		return 0;
	case E_ARITH:
		if (eval(ev, e->a, &a) || eval(ev, e->b, &b))
			return -1;
		return arith(ev, e->op, &a, &b, out);
	case E_CALL:
		return call(ev, e, out);
	case E_LIST: {
		op_val *items = op_arena_alloc(&ev->scratch, (e->nargs ? e->nargs : 1) * sizeof *items);
		for (size_t i = 0; i < e->nargs; i++)
			if (eval(ev, e->args[i], &items[i]))
				return -1;
		out->t = OP_VLIST;
		out->u.list.v = items;
		out->u.list.n = e->nargs;
		return 0;
	}
	case E_TEMPLATE: {
		op_buf b2 = {0};
		if (op_render(ev, e, &b2)) {
			op_buf_free(&b2);
			return -1;
		}
		char *c = scratch(ev, b2.len);
		if (b2.len)
			memcpy(c, b2.p, b2.len);
		set_str(out, c, b2.len);
		op_buf_free(&b2);
		return 0;
	}
	}
	return err(ev, "internal error: node %d", e->kind);
}

int op_eval_expr(op_eval *ev, const op_expr *e, op_val *out)
{
	return eval(ev, e, out);
}

int op_eval_cond(op_eval *ev, const op_expr *e)
{
	op_val v;
	if (eval(ev, e, &v))
		return -1;
	return op_truthy(&v);
}

int op_render(op_eval *ev, const op_expr *t, op_buf *out)
{
	for (size_t i = 0; i < t->nargs; i++) {
		op_val v;
		if (eval(ev, t->args[i], &v))
			return -1;
		op_val_text(out, &v);
	}
	return 0;
}

/* ---- history --------------------------------------------------------- */

static void keep(op_val *dst, const op_val *v)
{
	/* strings outlive the record: copy them */
	if (dst->t == OP_VSTR)
		free((char *)dst->u.str.s);
	*dst = *v;
	dst->raw = NULL;	/* it pointed into the record line */
	if (v->t == OP_VSTR || v->t == OP_VJSON) {
		dst->t = OP_VSTR;
		dst->u.str.s = op_xstrndup(v->u.str.s, v->u.str.len);
	} else if (v->t == OP_VLIST) {
		memset(dst, 0, sizeof *dst);
	}
}

void op_history_commit(op_eval *ev)
{
	op_rules *r = ev->rules;
	for (size_t i = 0; r && i < r->nhist; i++) {
		const op_expr *e = r->hist[i];
		op_val v;
		if (eval(ev, e->args[0], &v))
			memset(&v, 0, sizeof v);	/* the error was reported by the rule */
		ring *g = hist_ring(e, ev, 1);
		keep(&g->v[g->next], &v);
		g->next = (g->next + 1) % e->window;
		if (g->n < e->window)
			g->n++;
	}
}

static size_t free_window;
static void free_ring(void *p)
{
	ring *g = p;
	for (size_t i = 0; i < free_window; i++)
		if (g->v[i].t == OP_VSTR)
			free((char *)g->v[i].u.str.s);
	free(g);
}

void op_history_free(op_rules *r)
{
	for (size_t i = 0; i < r->nhist; i++) {
		free_window = r->hist[i]->window;
		op_hmap_free(r->hist[i]->groups, free_ring);
	}
	free(r->hist);
}

/* ---- strings and templates for statement parsers --------------------- */

const char *op_p_string(op_parser *p, const char *what, size_t *len)
{
	size_t n;
	op_p_skip(p);
	char *s = lex_string(p, &n, 0);
	if (!s)
		op_p_error(p, "%s (a \"string\") expected, found %s", what, describe(p));
	if (len)
		*len = n;
	return s;
}

op_expr *op_p_template(op_parser *p, const char *what)
{
	size_t n, at0 = op_p_skip(p);
	char *s = lex_string(p, &n, 1);
	if (!s)
		op_p_error(p, "%s (a \"string\") expected, found %s", what, describe(p));
	return op_parse_template(p, s, n, at0);
}
