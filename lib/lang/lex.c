/* lex.c - the tokens of the rule language, read on demand from the
 * logical line (the parser, not the lexer, knows whether a '/' opens a
 * regex), and the errors of the parsers, which jump back to the loader.
 * MIT licence, see COPYING. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"

/* two-character tokens first: the longest match wins */
static const struct {
	char s[3];
	unsigned char kind;
} puncts[] = {
	{ "->", OP_T_ARROW }, { "==", OP_T_EQ }, { "!=", OP_T_NE }, { "=~", OP_T_MATCH },
	{ "!~", OP_T_NMATCH }, { "<=", OP_T_LE }, { ">=", OP_T_GE }, { "&&", OP_T_AND },
	{ "||", OP_T_OR }, { "(", OP_T_LPAREN }, { ")", OP_T_RPAREN }, { "[", OP_T_LBRACK },
	{ "]", OP_T_RBRACK }, { "{", OP_T_LBRACE }, { "}", OP_T_RBRACE }, { ",", OP_T_COMMA },
	{ ":", OP_T_COLON }, { ".", OP_T_DOT }, { "-", OP_T_MINUS }, { "=", OP_T_ASSIGN },
	{ "<", OP_T_LT }, { ">", OP_T_GT }, { "+", OP_T_PLUS }, { "*", OP_T_STAR },
	{ "/", OP_T_SLASH }, { "!", OP_T_NOT }, { "&", OP_T_AMP }, { "|", OP_T_BAR },
};
#define NPUNCTS (sizeof puncts / sizeof *puncts)

static int is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident(int c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

int op_name_char(int c)
{
	return is_ident(c) || c == '-' || c == '.' || c >= 0x80;
}

size_t op_p_skip(op_parser *p)
{
	while (p->pos < p->len && (p->text[p->pos] == ' ' || p->text[p->pos] == '\t'))
		p->pos++;
	if (p->pos < p->len && p->text[p->pos] == '#')
		p->pos = p->len;	/* a comment runs to the end of the line */
	p->tokpos = p->pos;
	return p->pos;
}

/* the end of a "string" starting at i (its closing quote, or the end of
 * the line when there is none: op_lex_string reports that) */
static size_t string_end(const op_parser *p, size_t i)
{
	for (i++; i < p->len && p->text[i] != '"'; i++)
		if (p->text[i] == '\\' && i + 1 < p->len)
			i++;
	return i < p->len ? i + 1 : p->len;
}

void op_lex_number(op_parser *p, size_t *digits, size_t *len)
{
	const char *s = p->text;
	size_t i = op_p_skip(p);
	while (i < p->len && (is_digit((unsigned char)s[i]) || s[i] == '.'))
		i++;
	if (i < p->len && (s[i] == 'e' || s[i] == 'E') && i + 1 < p->len &&
	    (is_digit((unsigned char)s[i + 1]) || s[i + 1] == '-' || s[i + 1] == '+')) {
		i += 2;
		while (i < p->len && is_digit((unsigned char)s[i]))
			i++;
	}
	*digits = i - p->pos;
	if (i < p->len && is_ident_start((unsigned char)s[i]))
		while (i < p->len && is_ident((unsigned char)s[i]))
			i++;
	*len = i - p->pos;
}

int op_lex_peek(op_parser *p, op_token *t)
{
	size_t i = op_p_skip(p), digits;
	const char *s = p->text;
	t->pos = i;
	t->s = s + i;
	t->len = 1;
	if (i >= p->len) {
		t->len = 0;
		return t->kind = OP_T_END;
	}
	unsigned char c = (unsigned char)s[i];
	if (is_ident_start(c)) {
		while (i + t->len < p->len && is_ident((unsigned char)s[i + t->len]))
			t->len++;
		return t->kind = OP_T_IDENT;
	}
	if (is_digit(c)) {
		op_lex_number(p, &digits, &t->len);
		return t->kind = OP_T_NUMBER;
	}
	if (c == '"') {
		t->len = string_end(p, i) - i;
		return t->kind = OP_T_STRING;
	}
	for (size_t k = 0; k < NPUNCTS; k++) {
		size_t n = puncts[k].s[1] ? 2 : 1;
		if (p->len - i >= n && !memcmp(s + i, puncts[k].s, n)) {
			t->len = n;
			return t->kind = puncts[k].kind;
		}
	}
	return t->kind = OP_T_OTHER;
}

int op_lex_glued(op_parser *p, op_token *t)
{
	size_t here = p->pos, tokpos = p->tokpos;
	if (op_lex_peek(p, t) != OP_T_END && t->pos == here)
		return t->kind;
	p->pos = here;
	p->tokpos = tokpos;
	return t->kind = OP_T_END;
}

void op_lex_take(op_parser *p, const op_token *t)
{
	p->pos = t->pos + t->len;
}

int op_lex_accept(op_parser *p, int kind)
{
	op_token t;
	if (op_lex_peek(p, &t) != kind)
		return 0;
	op_lex_take(p, &t);
	return 1;
}

int op_lex_accept_word(op_parser *p, const char *w)
{
	op_token t;
	if (op_lex_peek(p, &t) != OP_T_IDENT || t.len != strlen(w) || memcmp(p->text + t.pos, w, t.len))
		return 0;
	op_lex_take(p, &t);
	return 1;
}

const char *op_lex_spelling(int kind)
{
	for (size_t k = 0; k < NPUNCTS; k++)
		if (puncts[k].kind == kind)
			return puncts[k].s;
	return kind == OP_T_END ? "end of line" : kind == OP_T_STRING ? "a \"string\"" : "a word";
}

const char *op_lex_describe(op_parser *p)
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

size_t op_lex_word(op_parser *p)
{
	size_t i = op_p_skip(p);
	while (i < p->len && p->text[i] != ' ' && p->text[i] != '\t')
		i++;
	return i - p->pos;
}

void op_p_expected(op_parser *p, const char *what)
{
	size_t n = op_lex_word(p);
	if (!n)
		op_p_error(p, "'%s' expected, found end of line", what);
	char found[64];
	snprintf(found, sizeof found, "%.*s", (int)(n < 60 ? n : 60), p->text + p->pos);
	const char *cands[] = { what, NULL };
	if (op_p_suggest(found, cands))
		op_p_error(p, "'%s' expected, found '%s' (did you mean '%s'?)", what, found, what);
	op_p_error(p, "'%s' expected, found '%s'", what, found);
}

void op_lex_expect(op_parser *p, int kind)
{
	if (!op_lex_accept(p, kind))
		op_p_expected(p, op_lex_spelling(kind));
}

const char *op_lex_name(op_parser *p)
{
	size_t i = op_p_skip(p), start = i;
	while (i < p->len && op_name_char((unsigned char)p->text[i]))
		i++;
	if (i == start)
		return NULL;
	p->pos = i;
	return op_arena_strndup(p->arena, p->text + start, i - start);
}

const char *op_lex_text(op_parser *p, size_t from, size_t to)
{
	while (from < to && (p->text[from] == ' ' || p->text[from] == '\t'))
		from++;
	while (to > from && (p->text[to - 1] == ' ' || p->text[to - 1] == '\t'))
		to--;
	return op_arena_strndup(p->arena, p->text + from, to - from);
}

const char *op_lex_field(op_parser *p, size_t *len)
{
	if (p->pos < p->len && p->text[p->pos] == '"')
		return op_lex_string(p, len, 0);
	size_t l = 0;
	while (p->pos + l < p->len && is_ident((unsigned char)p->text[p->pos + l]))
		l++;
	if (!l)
		return NULL;
	const char *s = op_arena_strndup(p->arena, p->text + p->pos, l);
	p->pos += l;
	*len = l;
	return s;
}

long op_lex_index(op_parser *p)
{
	char *end;
	long idx = strtol(p->text + p->pos, &end, 10);
	if (end == p->text + p->pos || idx < 0 || *end != ']')
		return -1;
	p->pos = (size_t)(end - p->text) + 1;
	return idx;
}

/* \uXXXX at s (n bytes left) as UTF-8 into b; 0, or -1 when it is not
 * four hex digits or names a surrogate or NUL */
static int unicode_escape(op_buf *b, const char *s, size_t n)
{
	unsigned u = 0;
	size_t k;
	for (k = 0; k < 4 && k < n; k++) {
		char h = s[k];
		int v = is_digit(h) ? h - '0' : (h | 0x20) >= 'a' && (h | 0x20) <= 'f' ? (h | 0x20) - 'a' + 10 : -1;
		if (v < 0)
			break;
		u = u << 4 | (unsigned)v;
	}
	if (k < 4 || !u || (u >= 0xD800 && u <= 0xDFFF))
		return -1;
	char enc[4];
	size_t len = u < 0x80 ? 1 : u < 0x800 ? 2 : 3;
	if (len == 1)
		enc[0] = (char)u;
	else if (len == 2)
		enc[0] = (char)(0xC0 | u >> 6), enc[1] = (char)(0x80 | (u & 63));
	else
		enc[0] = (char)(0xE0 | u >> 12), enc[1] = (char)(0x80 | (u >> 6 & 63)), enc[2] = (char)(0x80 | (u & 63));
	op_buf_add(b, enc, len);
	return 0;
}

char *op_lex_string(op_parser *p, size_t *outlen, int tmpl)
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
			case '{': op_buf_addc(&b, tmpl ? '\x01' : '{'); break;
			case '}': op_buf_addc(&b, tmpl ? '\x02' : '}'); break;
			case 'u':
				if (unicode_escape(&b, p->text + i, p->len - i)) {
					op_buf_free(&b);
					op_p_error_at(p, i - 2, "bad \\u escape (four hex digits, no surrogates)");
				}
				i += 4;
				break;
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

void op_lex_regex(op_parser *p, op_buf *pat, char *flags, size_t flagsz, size_t *at, size_t *flagsat)
{
	size_t start = op_p_skip(p);
	if (p->pos >= p->len || p->text[p->pos] != '/')
		op_p_error(p, "/regex/ expected, found %s", op_lex_describe(p));
	size_t i = p->pos + 1;
	int inclass = 0;
	for (;; i++) {
		if (i >= p->len) {
			op_buf_free(pat);
			op_p_error_at(p, start, "unterminated regex (no closing /)");
		}
		char c = p->text[i];
		if (c == '\\' && i + 1 < p->len) {
			if (p->text[i + 1] != '/')
				op_buf_addc(pat, c);
			op_buf_addc(pat, p->text[++i]);
			continue;
		}
		if (c == '[')
			inclass = 1;
		else if (c == ']')
			inclass = 0;
		else if (c == '/' && !inclass)
			break;
		op_buf_addc(pat, c);
	}
	size_t f = ++i;
	while (i < p->len && is_ident((unsigned char)p->text[i]))
		i++;
	size_t nf = i - f < flagsz - 1 ? i - f : flagsz - 1;
	memcpy(flags, p->text + f, nf);
	flags[nf] = 0;
	*at = start;
	*flagsat = f;
	p->pos = i;
}

/* ---- errors ----------------------------------------------------------- */

static noreturn void verror(op_parser *p, size_t pos, const char *fmt, va_list ap)
{
	vsnprintf(p->errmsg, p->errmsglen, fmt, ap);
	*p->errpos = p->fixed_pos >= 0 ? (size_t)p->fixed_pos : pos;
	longjmp(*(jmp_buf *)p->jmp, 1);
}

void op_p_error(op_parser *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(p, p->tokpos, fmt, ap);
}

void op_p_error_at(op_parser *p, size_t at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(p, at, fmt, ap);
}

static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64];
	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t sub = prev + (a[i - 1] != b[j - 1]);
			size_t del = row[j] + 1, ins = row[j - 1] + 1;
			row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			prev = cur;
		}
	}
	return row[lb];
}

int op_p_index(const char *word, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(word, list[i]))
			return i;
	return -1;
}

const char *op_p_suggest(const char *word, const char *const *cands)
{
	const char *best = NULL;
	size_t bestd = strlen(word) <= 3 ? 1 : 2;
	for (size_t i = 0; cands[i]; i++) {
		size_t d = distance(word, cands[i]);
		if (d <= bestd && (!best || d < distance(word, best)))
			best = cands[i];
	}
	return best;
}
