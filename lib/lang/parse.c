/* parse.c - expressions and templates to trees: recursive descent over
 * the tokens of lex.c, calls checked against the table of builtin.c.
 * MIT licence, see COPYING.  The grammar is in man/opflow-rules.5. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "check.h"
#include "datefmt.h"
#include "rules.h"

static op_expr *parse_or(op_parser *p);

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

static op_expr *unary(op_parser *p, int kind, op_expr *a, size_t pos)
{
	op_expr *e = node(p, kind, pos);
	e->a = a;
	e->height = (uint16_t)(a->height + 1);
	return e;
}

static void enter(op_parser *p)
{
	if (++p->depth > OP_EXPR_MAX_DEPTH)
		op_p_error(p, "expression nested too deeply (over %d levels)", OP_EXPR_MAX_DEPTH);
}

op_rx *op_parse_regex(op_parser *p)
{
	op_buf pat = {0};
	char flags[16];
	op_err e;
	size_t at, fat, off = 0;
	op_lex_regex(p, &pat, flags, sizeof flags, &at, &fat);
	op_rx *rx = op_rx_compile(pat.p ? pat.p : "", pat.len, flags, &e, &off);
	op_buf_free(&pat);
	if (!rx) {
		/* off counts pattern bytes; each \/ before it is two in the line */
		size_t col = at + 1;
		for (; off && col < fat; off--, col++)
			col += p->text[col] == '\\' && p->text[col + 1] == '/';
		op_p_error_at(p, *flags && strstr(e.msg, "flag") ? fat : col, "%s", e.msg);
	}
	op_lang *l = p->lang;
	l->rx = op_grow(l->rx, l->nrx, &l->caprx, sizeof *l->rx);
	l->rx[l->nrx++] = rx;
	op_note_add(p, OP_NOTE_RX)->rx = rx;	/* --check: one matching "" */
	return rx;
}

/* the parts after a path's first: .name ."name" [N], with no blank
 * before them (`a .b` is not a.b) */
static op_expr *parse_path(op_parser *p, size_t pos, const char *first, size_t firstlen)
{
	seg segs[64];
	size_t n = 0;
	if (first) {
		segs[n].name = first;
		segs[n].len = firstlen;
		segs[n++].idx = -1;
	}
	op_token t;
	while (op_lex_glued(p, &t) == OP_T_DOT || (t.kind == OP_T_LBRACK && n)) {
		if (n == 64)
			op_p_error_at(p, t.pos, "path too long (over 64 parts)");
		op_lex_take(p, &t);
		segs[n].name = NULL;
		segs[n].len = 0;
		segs[n].idx = -1;
		if (t.kind == OP_T_LBRACK) {
			if ((segs[n].idx = op_lex_index(p)) < 0)
				op_p_error_at(p, p->pos, "array index (a whole number) and ']' expected");
		} else if (!(segs[n].name = op_lex_field(p, &segs[n].len))) {
			op_p_error_at(p, p->pos, "field name expected after '.'");
		}
		n++;
	}
	if (!n)
		op_p_error_at(p, pos, "field name expected");
	op_expr *e = node(p, E_PATH, pos);
	e->segs = op_arena_alloc(p->arena, n * sizeof *segs);
	memcpy(e->segs, segs, n * sizeof *segs);
	e->nseg = n;
	if (segs[0].name)	/* --check: a field no input has */
		op_note_read(p, segs[0].name, segs[0].len);
	return e;
}

/* items, ',' between, up to `close`: into v (at most max) */
static size_t parse_items(op_parser *p, op_expr **v, size_t max, int close, const char *toomany,
			  const char *where)
{
	size_t n = 0;
	if (op_lex_accept(p, close))
		return 0;
	for (;;) {
		if (n == max)
			op_p_error(p, "%s", toomany);
		v[n++] = parse_or(p);
		if (op_lex_accept(p, close))
			return n;
		if (!op_lex_accept(p, OP_T_COMMA))
			op_p_error(p, "',' or '%s' expected %s, found %s", op_lex_spelling(close), where,
				   op_lex_describe(p));
	}
}

static const op_builtin *builtin(op_parser *p, size_t pos, const char *name, size_t len)
{
	const op_builtin *f = op_builtin_find(name, len);
	char w[64];
	snprintf(w, sizeof w, "%.*s", (int)len, name);
	if (!f) {
		const char *cands[64];
		op_builtin_names(cands);
		const char *hint = op_p_suggest(w, cands);
		if (hint)
			op_p_error_at(p, pos, "unknown function '%s' (did you mean '%s'?)", w, hint);
		op_p_error_at(p, pos, "unknown function '%s'", w);
	}
	if (f->feat && !(p->features & f->feat))
		op_p_error_at(p, pos, "%s() is only available in exc-flag rules", f->name);
	return f;
}

/* a history call keeps its window of values per group (eval.c) */
static void history(op_parser *p, op_expr *e)
{
	e->window = 1;
	if (e->nargs == 2) {
		op_expr *w = e->args[1];
		if (w->kind != E_LIT || w->lit.t != OP_VNUM || w->lit.u.n < 1 || w->lit.u.n > 10000 ||
		    w->lit.u.n != floor(w->lit.u.n))
			op_p_error_at(p, w->pos, "%s(): the window is a whole number from 1 to 10000", e->fn->name);
		e->window = (size_t)w->lit.u.n;
	}
	e->groups = op_arena_alloc(p->arena, sizeof *e->groups);
	op_lang *l = p->lang;
	l->hist = op_grow(l->hist, l->nhist, &l->caphist, sizeof *l->hist);
	l->hist[l->nhist++] = e;
}

/* remember the first business time of the file (op_lang) */
static void uses_business(op_parser *p, size_t pos, const char *s, size_t n, const char *suffix)
{
	if (p->lang->business_line)
		return;
	size_t tokpos = p->tokpos;
	p->tokpos = pos;
	p->lang->business_line = op_p_line(p);
	p->tokpos = tokpos;
	char *w = op_arena_alloc(p->arena, n + strlen(suffix) + 1);
	memcpy(w, s, n);
	strcpy(w + n, suffix);
	p->lang->business_what = w;
}

static op_expr *parse_call(op_parser *p, size_t pos, const char *name, size_t len)
{
	const op_builtin *f = builtin(p, pos, name, len);
	op_expr *args[32];
	char where[64];
	snprintf(where, sizeof where, "in the arguments of %s()", f->name);
	size_t n = parse_items(p, args, 32, OP_T_RPAREN, "too many arguments", where);
	if (n < f->min || n > f->max) {
		if (f->min == f->max)
			op_p_error_at(p, pos, "%s() takes %d argument%s, not %zu", f->name, f->min,
				      f->min == 1 ? "" : "s", n);
		op_p_error_at(p, pos, "%s() takes %d to %d arguments, not %zu", f->name, f->min, f->max, n);
	}
	op_expr *e = node(p, E_CALL, pos);
	e->fn = f;
	e->nargs = n;
	e->args = op_arena_alloc(p->arena, n * sizeof *args);
	memcpy(e->args, args, n * sizeof *args);
	if (f->feat & OP_FEAT_HISTORY)
		history(p, e);
	if (op_builtin_business(f))
		uses_business(p, pos, f->name, strlen(f->name), "()");
	return e;
}

static op_expr *parse_number(op_parser *p, const op_token *t)
{
	size_t digits, len, pos = t->pos;
	const char *s = t->s;
	op_lex_number(p, &digits, &len);
	op_expr *e = node(p, E_LIT, pos);
	if (len > digits) {
		/* a duration: 30m 4h 2d 1w 4bh 2bd 1h30m */
		int64_t v;
		int business;
		if (op_duration_parse(s, len, &v, &business))
			op_p_error_at(p, pos, "bad duration '%.*s' (units: s m h d w, business bh bd)", (int)len, s);
		e->lit.t = OP_VDUR;
		e->lit.u.dur = v;
		e->lit.business = (uint8_t)business;
		if (business)
			uses_business(p, pos, s, len, "");
	} else {
		char tmp[64];
		if (len >= sizeof tmp)
			op_p_error_at(p, pos, "number too long");
		memcpy(tmp, s, len);
		tmp[len] = 0;
		char *end;
		double d = strtod(tmp, &end);
		if (*end || !isfinite(d))
			op_p_error_at(p, pos, "bad number '%s'", tmp);
		e->lit.t = OP_VNUM;
		e->lit.u.n = d;
	}
	p->pos = pos + len;
	return e;
}

static op_expr *literal(op_parser *p, size_t pos, int type, int b)
{
	op_expr *e = node(p, E_LIT, pos);
	e->lit.t = (uint8_t)type;
	e->lit.u.b = b;
	return e;
}

static int is_word(const op_token *t, const char *w)
{
	return t->len == strlen(w) && !memcmp(t->s, w, t->len);
}

/* a name: a keyword value, a call, `text` or a path */
static op_expr *parse_word(op_parser *p, const op_token *t)
{
	size_t pos = t->pos;
	op_lex_take(p, t);
	if (is_word(t, "true"))
		return literal(p, pos, OP_VBOOL, 1);
	if (is_word(t, "false"))
		return literal(p, pos, OP_VBOOL, 0);
	if (is_word(t, "null"))
		return literal(p, pos, OP_VNULL, 0);
	op_token next;
	int glued = op_lex_glued(p, &next);
	if (glued == OP_T_LPAREN) {
		op_lex_take(p, &next);
		enter(p);
		op_expr *e = parse_call(p, pos, t->s, t->len);
		p->depth--;
		return e;
	}
	if (is_word(t, "text") && glued != OP_T_DOT && glued != OP_T_LBRACK)
		return node(p, E_TEXT, pos);
	return parse_path(p, pos, op_arena_strndup(p->arena, t->s, t->len), t->len);
}

static op_expr *parse_primary(op_parser *p)
{
	op_token t;
	switch (op_lex_peek(p, &t)) {
	case OP_T_END:
		op_p_error(p, "value expected, found end of line");
	case OP_T_LPAREN: {
		op_lex_take(p, &t);
		enter(p);
		op_expr *e = parse_or(p);
		p->depth--;
		if (!op_lex_accept(p, OP_T_RPAREN))
			op_p_error(p, "')' expected, found %s", op_lex_describe(p));
		return e;
	}
	case OP_T_LBRACK: {
		op_lex_take(p, &t);
		op_expr *items[256];
		enter(p);	/* [[[...]]] nests as deep as parentheses do */
		size_t n = parse_items(p, items, 256, OP_T_RBRACK, "list too long (over 256 items)", "in list");
		p->depth--;
		op_expr *e = node(p, E_LIST, t.pos);
		e->args = op_arena_alloc(p->arena, n * sizeof *items);
		memcpy(e->args, items, n * sizeof *items);
		e->nargs = n;
		return e;
	}
	case OP_T_STRING: {
		op_expr *e = node(p, E_LIT, t.pos);
		e->lit.t = OP_VSTR;
		e->lit.u.str.s = op_lex_string(p, &e->lit.u.str.len, 0);
		return e;
	}
	case OP_T_NUMBER:
		return parse_number(p, &t);
	case OP_T_DOT:	/* ."a field" */
		if (t.pos + 1 < p->len && t.s[1] == '"')
			return parse_path(p, t.pos, NULL, 0);
		break;
	case OP_T_SLASH:
		op_p_error(p, "a /regex/ goes on the right of =~ or !~");
	case OP_T_IDENT:
		return parse_word(p, &t);
	}
	op_p_error(p, "value expected, found %s", op_lex_describe(p));
}

static op_expr *parse_unary(op_parser *p)
{
	size_t pos = op_p_skip(p);
	if (!op_lex_accept(p, OP_T_MINUS))
		return parse_primary(p);
	enter(p);
	op_expr *a = parse_unary(p);
	p->depth--;
	if (a->kind == E_LIT && a->lit.t == OP_VNUM) {
		a->lit.u.n = -a->lit.u.n;
		return a;
	}
	return unary(p, E_NEG, a, pos);
}

/* a run of left-associative binary operators of one precedence level */
static op_expr *parse_level(op_parser *p, op_expr *(*next)(op_parser *), int op1, int op2, int sym1, int sym2)
{
	op_expr *a = next(p);
	for (;;) {
		op_token t;
		int k = op_lex_peek(p, &t);
		if (k != op1 && k != op2)
			return a;
		op_lex_take(p, &t);
		a = binary(p, E_ARITH, k == op1 ? sym1 : sym2, a, next(p), t.pos);
	}
}

static op_expr *parse_mul(op_parser *p)
{
	return parse_level(p, parse_unary, OP_T_STAR, OP_T_SLASH, '*', '/');
}

static op_expr *parse_add(op_parser *p)
{
	return parse_level(p, parse_mul, OP_T_PLUS, OP_T_MINUS, '+', '-');
}

static op_expr *parse_cmp(op_parser *p)
{
	static const struct { int tok, kind, op; } ops[] = {
		{ OP_T_EQ, E_CMP, C_EQ }, { OP_T_NE, E_CMP, C_NE }, { OP_T_LE, E_CMP, C_LE },
		{ OP_T_GE, E_CMP, C_GE }, { OP_T_MATCH, E_MATCH, 0 }, { OP_T_NMATCH, E_MATCH, 1 },
		{ OP_T_LT, E_CMP, C_LT }, { OP_T_GT, E_CMP, C_GT },
	};
	op_expr *a = parse_add(p);
	op_token t;
	int k = op_lex_peek(p, &t);
	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
		if (k != ops[i].tok)
			continue;
		op_lex_take(p, &t);
		if (ops[i].kind == E_CMP)
			return binary(p, E_CMP, ops[i].op, a, parse_add(p), t.pos);
		op_expr *e = unary(p, E_MATCH, a, t.pos);
		e->op = (uint8_t)ops[i].op;
		if (op_lex_peek(p, &t) != OP_T_SLASH)
			op_p_error(p, "/regex/ expected after %s, found %s", op_lex_spelling(k), op_lex_describe(p));
		e->rx = op_parse_regex(p);
		return e;
	}
	if (k == OP_T_ASSIGN)
		op_p_error(p, "'=' is not a comparison: use '=='");
	if (op_lex_accept_word(p, "in"))
		return binary(p, E_IN, 0, a, parse_add(p), t.pos);
	return a;
}

static op_expr *parse_not(op_parser *p)
{
	size_t pos = op_p_skip(p);
	if (!op_lex_accept(p, OP_T_NOT) && !op_lex_accept_word(p, "not"))
		return parse_cmp(p);
	enter(p);
	op_expr *a = parse_not(p);
	p->depth--;
	return unary(p, E_NOT, a, pos);
}

/* a || b, a or b (E_OR); a && b, a and b (E_AND) */
static op_expr *parse_logic(op_parser *p, op_expr *(*next)(op_parser *), int kind, int tok, const char *word)
{
	op_expr *a = next(p);
	for (;;) {
		size_t pos = op_p_skip(p);
		if (!op_lex_accept(p, tok) && !op_lex_accept_word(p, word))
			return a;
		a = binary(p, kind, 0, a, next(p), pos);
	}
}

static op_expr *parse_and(op_parser *p)
{
	return parse_logic(p, parse_not, E_AND, OP_T_AND, "and");
}

static op_expr *parse_or(op_parser *p)
{
	return parse_logic(p, parse_and, E_OR, OP_T_OR, "or");
}

op_expr *op_parse_expr(op_parser *p)
{
	op_expr *e = parse_or(p);
	/* a stray operator right after a whole expression is a mistake, not
	 * the start of the statement's next word */
	op_token t;
	int k = op_lex_peek(p, &t);
	if ((k >= OP_T_ASSIGN && k <= OP_T_BAR) || k == OP_T_RPAREN || k == OP_T_RBRACK)
		op_p_error(p, "unexpected %s in expression", op_lex_describe(p));
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

/* Where a placeholder's expression ends: at the first ':' (a time
 * format follows) or lone '|' (a fallback follows) outside quotes and
 * brackets, else at its end. */
static size_t slot_end(const char *s, size_t from, size_t to)
{
	int depth = 0;
	for (size_t i = from; i < to; i++) {
		char c = s[i];
		if (c == '"') {
			while (++i < to && s[i] != '"')
				i += s[i] == '\\';
		} else if (c == '(' || c == '[') {
			depth++;
		} else if (c == ')' || c == ']') {
			depth--;
		} else if (!depth && (c == ':' || (c == '|' && (i + 1 == to || s[i + 1] != '|') &&
						   (i == from || s[i - 1] != '|')))) {
			return i;
		}
	}
	return to;
}

/* One placeholder, s[from..to) between its braces: EXPR[:FORMAT][|FALLBACK]
 * -> E_SLOT. */
static op_expr *slot(op_parser *p, const char *s, size_t from, size_t to, size_t at0)
{
	size_t xend = slot_end(s, from, to);
	op_parser sub = *p;
	sub.fixed_pos = (long)at0;
	sub.text = s;
	sub.len = xend;
	sub.pos = from;
	sub.seg = NULL;
	sub.nseg = 0;
	op_expr *e = node(p, E_SLOT, at0 + from);
	e->a = op_parse_expr(&sub);
	op_p_skip(&sub);
	if (sub.pos != sub.len)
		op_p_error_at(p, at0, "placeholder {%.*s}: unexpected '%.*s'", (int)(to - from), s + from,
			      (int)(sub.len - sub.pos), s + sub.pos);
	op_val_str(&e->lit, op_arena_strndup(p->arena, s + from - 1, to - from + 2), to - from + 2);
	size_t bar = xend;
	if (xend < to && s[xend] == ':') {
		bar = xend + 1;
		while (bar < to && s[bar] != '|')
			bar++;
		char *fmt = op_arena_strndup(p->arena, s + xend + 1, bar - xend - 1);
		const char *bad;
		if (op_datefmt_check(fmt, &bad))
			op_p_error_at(p, at0, "placeholder %s: unknown directive '%.2s' (%%Y %%y %%m %%d %%e %%H %%I %%M "
				      "%%S %%p %%A %%a %%B %%b %%j %%%%)", e->lit.u.str.s, bad);
		e->fmt = fmt;
	}
	if (bar < to) {
		e->b = node(p, E_LIT, at0 + bar);
		char *fb = op_arena_strndup(p->arena, s + bar + 1, to - bar - 1);
		for (char *c = fb; *c; c++)
			*c = *c == '\x01' ? '{' : *c == '\x02' ? '}' : *c;
		op_val_str(&e->b->lit, fb, to - bar - 1);
	}
	return e;
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
			op_expr *x = slot(p, s, i + 1, (size_t)(close - s), at0);
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

/* ---- strings and templates for statement parsers --------------------- */

const char *op_p_string(op_parser *p, const char *what, size_t *len)
{
	size_t n;
	char *s = op_lex_string(p, &n, 0);
	if (!s)
		op_p_error(p, "%s (a \"string\") expected, found %s", what, op_lex_describe(p));
	if (len)
		*len = n;
	return s;
}

op_expr *op_p_template(op_parser *p, const char *what)
{
	size_t n, at0 = op_p_skip(p);
	char *s = op_lex_string(p, &n, 1);
	if (!s)
		op_p_error(p, "%s (a \"string\") expected, found %s", what, op_lex_describe(p));
	return op_parse_template(p, s, n, at0);
}

static void walk_fields(const op_expr *e, const op_expr *slot, void (*fn)(void *, const op_expr *, const char *),
			void *ctx)
{
	if (!e)
		return;
	if (e->kind == E_PATH)
		fn(ctx, slot, e->segs[0].name);
	walk_fields(e->a, slot, fn, ctx);
	walk_fields(e->b, slot, fn, ctx);
	for (size_t i = 0; i < e->nargs; i++)
		walk_fields(e->args[i], slot, fn, ctx);
}

const char *op_expr_subject(const op_expr *e, const char *const *skip)
{
	if (!e)
		return NULL;
	if (e->kind == E_PATH && e->segs[0].name) {
		for (size_t i = 0; skip && skip[i] && e->nseg > 1 && e->segs[1].idx < 0; i++)
			if (!strcmp(e->segs[0].name, skip[i]))
				return e->segs[1].name;
		return e->segs[0].name;
	}
	const char *f = op_expr_subject(e->a, skip);
	if (!f)
		f = op_expr_subject(e->b, skip);
	for (size_t i = 0; !f && i < e->nargs; i++)
		f = op_expr_subject(e->args[i], skip);
	return f;
}

void op_template_fields(const op_expr *t, void (*fn)(void *ctx, const op_expr *slot, const char *field), void *ctx)
{
	for (size_t i = 0; i < t->nargs; i++)
		if (t->args[i]->kind == E_SLOT)
			walk_fields(t->args[i]->a, t->args[i], fn, ctx);
}

const char *op_slot_text(const op_expr *slot)
{
	return slot->lit.u.str.s;
}
