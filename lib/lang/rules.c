/* rules.c - reading rule files: logical lines (comments, continuations),
 * the statement keyword, the program's parser for it, and errors that
 * name file:line:col with what was expected.  MIT licence, see COPYING. */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "check.h"
#include "rules.h"

#define MAX_ERRORS 20

static const char *program_of(const char *kw)
{
	for (const op_engine *e = op_engines; e->prog; e++)
		for (const op_stmt *k = e->kinds; k->kw; k++)
			if (!strcmp(k->kw, kw))
				return e->prog;
	return NULL;
}

static size_t physical_col(const op_parser *p, size_t pos, unsigned *line)
{
	size_t i = 0;
	while (i + 1 < p->nseg && p->seg[i + 1] <= pos)
		i++;
	*line = p->line + (unsigned)i;
	return pos - (p->nseg ? p->seg[i] : 0) + 1;
}

int op_p_end(op_parser *p)
{
	return op_p_skip(p) >= p->len;
}

void op_p_expect_end(op_parser *p)
{
	if (!op_p_end(p))
		op_p_error(p, "unexpected '%.*s' at the end of the statement", (int)op_lex_word(p),
			   p->text + p->pos);
}

const char *op_p_word(op_parser *p, const char *what)
{
	size_t n = op_lex_word(p);
	if (!n)
		op_p_error(p, "%s expected, found end of line", what);
	const char *w = op_arena_strndup(p->arena, p->text + p->pos, n);
	p->pos += n;
	return w;
}

int op_p_peek(op_parser *p, const char *word)
{
	size_t n = op_lex_word(p);
	return n == strlen(word) && !memcmp(p->text + p->pos, word, n);
}

int op_p_accept(op_parser *p, const char *word)
{
	if (!op_p_peek(p, word))
		return 0;
	p->pos += strlen(word);
	return 1;
}

void op_p_expect(op_parser *p, const char *word)
{
	if (!op_p_accept(p, word))
		op_p_expected(p, word);
}

const char *op_p_name(op_parser *p, const char *what)
{
	size_t start = op_p_skip(p);
	const char *w = op_p_word(p, what);
	for (const char *c = w; *c; c++)
		if (!op_name_char((unsigned char)*c))
			op_p_error_at(p, start, "%s: '%s' is not a name (letters, digits, _ - .)", what, w);
	return w;
}

double op_p_number(op_parser *p, const char *what)
{
	size_t start = op_p_skip(p);
	const char *w = op_p_word(p, what);
	char *end;
	double d = strtod(w, &end);
	if (*end || end == w || d != d)
		op_p_error_at(p, start, "%s: '%s' is not a number", what, w);
	return d;
}

int64_t op_p_duration(op_parser *p, const char *what, int *business)
{
	size_t start = op_p_skip(p);
	const char *w = op_p_word(p, what);
	int64_t v;
	if (op_duration_parse(w, strlen(w), &v, business))
		op_p_error_at(p, start, "%s: '%s' is not a duration (30m 4h 2d 1w, business 4bh 2bd)", what, w);
	return v;
}

unsigned op_p_line(const op_parser *p)
{
	unsigned line;
	physical_col(p, p->tokpos, &line);
	return line;
}

void *op_p_alloc(op_parser *p, size_t n)
{
	return op_arena_alloc(p->arena, n);
}

char *op_p_strdup(op_parser *p, const char *s)
{
	return op_arena_strndup(p->arena, s, strlen(s));
}

static void unknown_statement(op_parser *p, const char *kw, const op_stmt *kinds)
{
	op_buf list = {0};
	const char *cands[64];
	size_t n = 0;
	for (size_t i = 0; kinds[i].kw && n < 63; i++) {
		op_buf_printf(&list, "%s%s", i ? ", " : "", kinds[i].kw);
		cands[n++] = kinds[i].kw;
	}
	cands[n] = NULL;
	char msg[300];
	const char *other = program_of(kw);
	const char *hint = op_p_suggest(kw, cands);
	if (other)
		snprintf(msg, sizeof msg, "'%s' is a statement of %s, not of %s (which reads: %s)", kw, other,
			 op_progname, list.p);
	else if (hint)
		snprintf(msg, sizeof msg, "unknown statement '%s' (did you mean '%s'?)", kw, hint);
	else
		snprintf(msg, sizeof msg, "unknown statement '%s' (%s reads: %s)", kw, op_progname, list.p);
	op_buf_free(&list);
	op_p_error(p, "%s", msg);
}

/* `test`, a statement of every program: its tests are run by --check */
static void parse_test(op_parser *p, void *ctx)
{
	(void)ctx;
	op_test_parse(p);
}
static const op_stmt test_statement = { "test", parse_test, "test {record} -> {fields} [at TIME]" };

/* One logical line; errors longjmp back here, so that nothing of the
 * caller's is live across the jump. */
static int statement(op_parser *ps, const op_stmt *kinds, void *ctx)
{
	jmp_buf jb;
	char errmsg[400];
	size_t errpos = 0;
	ps->jmp = &jb;
	ps->errmsg = errmsg;
	ps->errmsglen = sizeof errmsg;
	ps->errpos = &errpos;
	if (op_p_end(ps))
		return 0;
	if (setjmp(jb)) {
		unsigned line;
		size_t col = physical_col(ps, errpos, &line);
		op_warn("%s:%u:%zu: %s", ps->file, line, col, errmsg);
		return -1;
	}
	/* strings and names of a rule reach the records as they are, and a
	 * record is UTF-8 (a Latin-1 "£" here would make invalid JSON there) */
	size_t valid = op_utf8_valid_prefix(ps->text, ps->len);
	if (valid < ps->len)
		op_p_error_at(ps, valid, "invalid UTF-8 (a rule file is UTF-8 text)");
	size_t kwpos = op_p_skip(ps);
	const char *kw = op_p_word(ps, "a statement");
	const op_stmt *k = strcmp(kw, "test") ? NULL : &test_statement;
	for (size_t i = 0; kinds[i].kw; i++)
		if (!strcmp(kinds[i].kw, kw))
			k = &kinds[i];
	if (!k) {
		ps->tokpos = kwpos;
		unknown_statement(ps, kw, kinds);
	}
	k->parse(ps, ctx);
	if (!op_p_end(ps))
		op_p_error(ps, "unexpected '%.*s' at the end of the statement (%s)", (int)op_lex_word(ps),
			   ps->text + ps->pos, k->synopsis);
	return 0;
}

op_rules *op_rules_parse(const char *name, const char *text, size_t len, const op_stmt *kinds,
			 void *ctx, unsigned features, int *nerrors)
{
	op_rules *r = op_xcalloc(1, sizeof *r);
	r->file = op_arena_strndup(&r->arena, name, strlen(name));
	op_buf logical = {0};
	size_t *seg = NULL, nseg = 0, capseg = 0;
	unsigned lineno = 0, start_line = 0;
	const char *p = text, *end = text + len;
	*nerrors = 0;
	while (p < end && *nerrors < MAX_ERRORS) {
		/* gather one logical line */
		op_buf_reset(&logical);
		nseg = 0;
		int more = 1;
		start_line = lineno + 1;
		while (more && p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			lineno++;
			if (n && p[n - 1] == '\r')
				n--;
			seg = op_grow(seg, nseg, &capseg, sizeof *seg);
			seg[nseg++] = logical.len;
			more = n && p[n - 1] == '\\';
			op_buf_add(&logical, p, more ? n - 1 : n);
			if (more)
				op_buf_addc(&logical, ' ');
			p = nl ? nl + 1 : end;
		}
		op_parser ps = {
			.file = r->file, .text = logical.p ? logical.p : "", .len = logical.len,
			.line = start_line, .seg = seg, .nseg = nseg, .arena = &r->arena, .lang = &r->lang,
			.features = features, .fixed_pos = -1,
		};
		op_note_allows(&ps, lineno);
		if (statement(&ps, kinds, ctx))
			++*nerrors;
	}
	if (*nerrors >= MAX_ERRORS)
		op_warn("%s: too many errors, stopped", r->file);
	op_buf_free(&logical);
	free(seg);
	return r;
}

op_expr *op_path_parse(const char *s, size_t n, op_arena *a, op_lang *lang, size_t *used,
		       char *msg, size_t msgsz)
{
	jmp_buf jb;
	size_t errpos = 0;
	op_parser p = {
		.file = "", .text = s, .len = n, .arena = a, .lang = lang, .fixed_pos = -1,
		.jmp = &jb, .errmsg = msg, .errmsglen = msgsz, .errpos = &errpos,
	};
	if (setjmp(jb)) {
		*used = errpos;
		return NULL;
	}
	op_expr *e = op_parse_postfix(&p);
	if (!op_expr_is_path(e))
		op_p_error_at(&p, 0, "not a field path");
	*used = p.pos;
	return e;
}

op_expr *op_rules_template(op_rules *r, const char *file, unsigned line, const char *text, size_t n)
{
	/* \{ \} \\ as in a rule's "string": the braces become the bytes
	 * op_parse_template reads as literal ones */
	char *s = op_arena_alloc(&r->arena, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\\' && i + 1 < n && strchr("{}\\", text[i + 1]))
			i++, s[k++] = text[i] == '{' ? '\x01' : text[i] == '}' ? '\x02' : '\\';
		else
			s[k++] = text[i];
	}
	s[k] = 0;
	jmp_buf jb;
	char errmsg[400];
	size_t errpos = 0;
	op_parser ps = {
		.file = file, .text = s, .len = k, .line = line, .arena = &r->arena, .lang = &r->lang,
		.fixed_pos = -1, .jmp = &jb, .errmsg = errmsg, .errmsglen = sizeof errmsg, .errpos = &errpos,
	};
	if (setjmp(jb)) {
		op_warn("%s:%u:%zu: %s", file, line, errpos + 1, errmsg);
		return NULL;
	}
	return op_parse_template(&ps, s, k, 0);
}

/* The rule file's text into text; 0, or -1 with e (66 when it cannot be
 * read, 78 when it is too large to be a rule file). */
static int read_rules(const char *path, op_buf *text, op_err *e)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return op_errf(e, OP_EXIT_NOINPUT, "%s: %s", path, strerror(errno));
	char chunk[8192];
	size_t n;
	int rc = 0;
	while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		op_buf_add(text, chunk, n);
		if (text->len > (64u << 20))
			rc = op_errf(e, OP_EXIT_CONFIG, "%s: rule file larger than 64 MiB", path);
	}
	if (!rc && ferror(f))
		rc = op_errf(e, OP_EXIT_NOINPUT, "%s: read error: %s", path, strerror(errno));
	if (f != stdin)
		fclose(f);
	return rc;
}

op_rules *op_rules_load(const char *path, const char *embedded, const op_stmt *kinds,
			void *ctx, unsigned features, op_err *e)
{
	op_buf text = {0};
	const char *name = path;
	if (path) {
		if (read_rules(path, &text, e)) {
			op_buf_free(&text);
			return NULL;
		}
	} else {
		const char *t = op_embedded(embedded);
		if (!t) {
			op_errf(e, OP_EXIT_SOFTWARE, "no built-in rules '%s'", embedded);
			return NULL;
		}
		op_buf_adds(&text, t);
		name = embedded;
	}
	int nerr;
	op_rules *r = op_rules_parse(name, text.p ? text.p : "", text.len, kinds, ctx, features, &nerr);
	op_buf_free(&text);
	if (nerr) {
		op_rules_free(r);
		/* the errors are reported, one line each, by op_rules_parse */
		op_errf(e, OP_EXIT_CONFIG, "%s", "");
		return NULL;
	}
	return r;
}

void op_rules_free(op_rules *r)
{
	if (!r)
		return;
	op_lang_free(&r->lang);
	op_arena_free(&r->arena);
	free(r);
}
