/* draft.c - the engine of enq-draft (man/enq-draft.1): the statements of
 * draft rules (language, from, timezone, templates, draft, ask, human),
 * the template files of the business (NAME.LANG[.VARIANT].txt), and per
 * record the reply drafted from the template the rules choose, or the
 * reason a person must write it, spliced into the record.  MIT licence,
 * see COPYING. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "check.h"
#include "compose.h"
#include "datefmt.h"
#include "digest.h"
#include "draft.h"
#include "fields.h"

typedef struct {
	const char *name;	/* the template's name: "repair", "quote.formal" */
	op_expr *when;
	unsigned line;
} rule;

typedef struct {
	const char *field, *lang, *text;
	unsigned line;
} ask;

typedef struct {
	op_expr *task, *when;
	unsigned line;
} human;

/* one template file: its subject and its body, line by line */
typedef struct {
	const char *name, *lang, *file;	/* file: its base name, "repair.en.txt" */
	op_expr *subject;		/* NULL: "Re: {subject}" */
	op_expr **lines;		/* NULL where the line is {questions} */
	unsigned *lineno, subject_line;
	size_t n;
} tmpl;

struct op_draft {
	op_rules *rules;
	const char *deflang, *from, *dir;
	op_tz *tz;
	int from_given;
	char lang[3];			/* this record's */
	rule *draft;
	size_t ndraft, capdraft;
	ask *asks;
	size_t nask, capask;
	human *humans;
	size_t nhuman, caphuman;
	tmpl *t;
	size_t nt, capt;
	op_hmap bykey;			/* "name/lang" -> tmpl index + 1 */
	op_expr *resubject;		/* "Re: {subject}" */
	int all;
	op_maildir *md;			/* --maildir */
	const char *domain;		/* of the Message-IDs: from's */
	op_time now;
	op_err merr;			/* the maildir's, which stops the run */
	int mfailed;
	op_eval ev;
	op_fields out;
	op_buf sbuf, subject, body, tmp, key, err, msg, ids, addr, name, idbuf, task;
	/* counts */
	unsigned long long drafted, fallback, failed, noaddr, notemplate, skipped, human_n, written, already, unsent;
};
typedef struct op_draft ctx;

/* ---- statements ---- */

static int is_lang(const char *s)
{
	return strlen(s) == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z';
}

static const char *parse_lang(op_parser *p)
{
	size_t at = op_p_skip(p);
	const char *l = op_p_word(p, "language (ISO 639-1: en, de)");
	if (!is_lang(l))
		op_p_error_at(p, at, "'%s' is not a language (two lower-case letters, ISO 639-1: en, de)", l);
	return l;
}

static void parse_language(op_parser *p, void *vc)
{
	ctx *c = vc;
	if (c->deflang)
		op_p_error(p, "language given twice");
	c->deflang = parse_lang(p);
}

static void parse_from(op_parser *p, void *vc)
{
	ctx *c = vc;
	if (c->from_given)
		op_p_error(p, "from given twice");
	size_t at = op_p_skip(p);
	c->from = op_p_string(p, "from (\"Name <address>\")", NULL);
	op_err e;
	if (!strchr(c->from, '@') || strpbrk(c->from, "\r\n"))
		op_p_error_at(p, at, "from: \"Name <address>\" or \"address\" expected");
	else if (op_compose_from_check(c->from, &e))	/* else no message could be written */
		op_p_error_at(p, at, "%s", e.msg);
	c->from_given = 1;
}

static void parse_timezone(op_parser *p, void *vc)
{
	ctx *c = vc;
	size_t at = op_p_skip(p);
	const char *name = op_p_word(p, "time zone (Europe/London)");
	op_err e;
	if (c->tz)
		op_p_error_at(p, at, "timezone given twice");
	if (!(c->tz = op_tz_load(name, &e)))
		op_p_error_at(p, at, "%s", e.msg);
}

/* `templates DIR`: a relative DIR is read next to the rule file */
static void parse_templates(op_parser *p, void *vc)
{
	ctx *c = vc;
	if (c->dir)
		op_p_error(p, "templates given twice");
	const char *name = op_p_word(p, "directory of templates");
	const char *slash = strrchr(p->file, '/');
	if (name[0] == '/' || !slash) {
		c->dir = name;
		return;
	}
	char *d = op_p_alloc(p, (size_t)(slash - p->file) + strlen(name) + 2);
	sprintf(d, "%.*s/%s", (int)(slash - p->file), p->file, name);
	c->dir = d;
}

static void parse_draft(op_parser *p, void *vc)
{
	ctx *c = vc;
	rule r = { .line = op_p_line(p), .name = op_p_name(p, "template name") };
	op_p_expect(p, "when");
	r.when = op_parse_expr(p);
	op_p_rule(p, "draft", NULL, r.when, 1);
	c->draft = op_grow(c->draft, c->ndraft, &c->capdraft, sizeof *c->draft);
	c->draft[c->ndraft++] = r;
}

static void parse_ask(op_parser *p, void *vc)
{
	ctx *c = vc;
	ask a = { .line = op_p_line(p), .field = op_p_name(p, "field") };
	a.lang = parse_lang(p);
	a.text = op_p_string(p, "question (a \"string\")", NULL);
	for (size_t i = 0; i < c->nask; i++)
		if (!strcmp(c->asks[i].field, a.field) && !strcmp(c->asks[i].lang, a.lang))
			op_p_error(p, "ask %s %s given twice (first on line %u)", a.field, a.lang, c->asks[i].line);
	c->asks = op_grow(c->asks, c->nask, &c->capask, sizeof *c->asks);
	c->asks[c->nask++] = a;
}

static void parse_human(op_parser *p, void *vc)
{
	ctx *c = vc;
	human h = { .line = op_p_line(p), .task = op_p_template(p, "task") };
	op_p_expect(p, "when");
	h.when = op_parse_expr(p);
	op_p_rule(p, "human", NULL, h.when, 1);
	c->humans = op_grow(c->humans, c->nhuman, &c->caphuman, sizeof *c->humans);
	c->humans[c->nhuman++] = h;
}

const op_stmt op_draft_statements[] = {
	{ "language", parse_language, "language LL" },
	{ "from", parse_from, "from \"Name <address>\"" },
	{ "timezone", parse_timezone, "timezone ZONE" },
	{ "templates", parse_templates, "templates DIR" },
	{ "draft", parse_draft, "draft TEMPLATE when EXPR" },
	{ "ask", parse_ask, "ask FIELD LL \"QUESTION\"" },
	{ "human", parse_human, "human \"TASK {field}\" when EXPR" },
	{ NULL, NULL, NULL },
};

/* ---- template files ---- */

static const tmpl *find(const ctx *c, const char *name, size_t nlen, const char *lang, op_buf *key)
{
	op_buf_reset(key);
	op_buf_add(key, name, nlen);
	op_buf_addc(key, '/');
	op_buf_adds(key, lang);
	size_t i = (size_t)(uintptr_t)op_hmap_get(&c->bykey, key->p, key->len);
	return i ? &c->t[i - 1] : NULL;
}

/* NAME.LANG[.VARIANT].txt -> name ("NAME" or "NAME.VARIANT") and lang;
 * 0, or -1 when the file name is not one */
static int split_name(const char *f, char *name, char *lang)
{
	size_t n = strlen(f);
	if (n < 8 || n > 200 || strcmp(f + n - 4, ".txt"))
		return -1;
	const char *dot = strchr(f, '.');
	if (dot == f || dot[3] != '.')
		return -1;
	memcpy(lang, dot + 1, 2);
	lang[2] = 0;
	if (!is_lang(lang))
		return -1;
	const char *variant = dot + 3;	/* ".txt" or ".VARIANT.txt" */
	size_t vlen = (size_t)(f + n - 4 - variant);
	sprintf(name, "%.*s%.*s", (int)(dot - f), f, (int)vlen, variant);
	for (const char *s = name; *s; s++)
		if (!op_name_char((unsigned char)*s))
			return -1;
	return 0;
}

/* the file's text, checked: 0, or -1 after the message */
static int read_template(const char *path, op_buf *text)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		op_warn("%s: %s", path, strerror(errno));
		return -1;
	}
	op_buf_reset(text);
	op_buf_grow(text, OP_DRAFT_MAX_TEMPLATE + 1);
	size_t n = fread(text->p, 1, OP_DRAFT_MAX_TEMPLATE + 1, f);
	int bad = ferror(f);
	fclose(f);
	text->len = n;
	if (bad)
		op_warn("%s: read error", path);
	else if (n > OP_DRAFT_MAX_TEMPLATE)
		op_warn("%s: larger than %u KiB, the limit of a template", path, OP_DRAFT_MAX_TEMPLATE >> 10);
	else if (op_utf8_valid_prefix(text->p, n) < n || memchr(text->p, 0, n))
		op_warn("%s: not UTF-8 text", path);
	else
		return 0;
	return -1;
}

static int questions_line(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n == 11 && !memcmp(s, "{questions}", 11);
}

/* "Subject: ..." and a blank line, optional, then the body */
static int parse_template(ctx *c, tmpl *t, const char *path, const char *s, size_t n)
{
	unsigned line = 0;
	int errors = 0;
	/* a byte order mark, as Windows editors save UTF-8, is not text */
	if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		s += 3, n -= 3;
	const char *end = s + n;
	if (n >= 8 && !memcmp(s, "Subject:", 8)) {
		const char *nl = memchr(s, '\n', n);
		size_t len = (size_t)((nl ? nl : end) - s);
		if (len && s[len - 1] == '\r')
			len--;
		size_t skip = 8 + (len > 8 && s[8] == ' ');
		t->subject_line = ++line;
		if (!(t->subject = op_rules_template(c->rules, path, line, s + skip, len - skip)))
			errors++;
		s = nl ? nl + 1 : end;
		if (s < end && (*s == '\n' || (*s == '\r' && s + 1 < end && s[1] == '\n'))) {
			s += *s == '\r' ? 2 : 1;
			line++;
		}
	}
	/* trailing blank lines go: the body ends with one newline */
	while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	size_t cap = 1;
	for (const char *q = s; q < end; q++)
		cap += *q == '\n';
	t->lines = op_arena_alloc(&c->rules->arena, cap * sizeof *t->lines);
	t->lineno = op_arena_alloc(&c->rules->arena, cap * sizeof *t->lineno);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = (size_t)((nl ? nl : end) - s);
		if (len && s[len - 1] == '\r')
			len--;
		line++;
		op_expr *e = NULL;
		if (!questions_line(s, len)) {
			if (memmem(s, len, "{questions}", 11)) {
				op_warn("%s:%u: {questions} stands on a line of its own", path, line);
				errors++;
			} else if (!(e = op_rules_template(c->rules, path, line, s, len))) {
				errors++;
			}
		}
		t->lines[t->n] = e;
		t->lineno[t->n++] = line;
		s = nl ? nl + 1 : end;
	}
	return errors;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* every NAME.LANG[.VARIANT].txt of the directory, in name order; the
 * number of errors reported */
static int load_templates(ctx *c, op_err *e)
{
	DIR *d = opendir(c->dir);
	if (!d)
		return op_errf(e, OP_EXIT_NOINPUT, "%s: %s", c->dir, strerror(errno));
	char **names = NULL;
	size_t n = 0, cap = 0;
	for (struct dirent *de; (de = readdir(d));) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 4 || strcmp(de->d_name + len - 4, ".txt"))
			continue;
		names = op_grow(names, n, &cap, sizeof *names);
		names[n++] = op_arena_strndup(&c->rules->arena, de->d_name, len);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	int errors = 0;
	op_buf path = {0}, text = {0};
	for (size_t i = 0; i < n && errors < 20; i++) {
		char name[204], lang[3];
		op_buf_reset(&path);
		op_buf_printf(&path, "%s/%s", c->dir, names[i]);
		if (split_name(names[i], name, lang)) {
			op_warn("%s: not a template name (NAME.LANG.txt or NAME.LANG.VARIANT.txt: repair.en.txt)",
				path.p);
			errors++;
			continue;
		}
		if (read_template(path.p, &text)) {
			errors++;
			continue;
		}
		tmpl t = {
			.name = op_arena_strndup(&c->rules->arena, name, strlen(name)),
			.lang = op_arena_strndup(&c->rules->arena, lang, 2), .file = names[i],
		};
		const char *p = op_arena_strndup(&c->rules->arena, path.p, path.len);
		if (parse_template(c, &t, p, text.p, text.len)) {
			errors++;
			continue;
		}
		c->t = op_grow(c->t, c->nt, &c->capt, sizeof *c->t);
		c->t[c->nt++] = t;
	}
	for (size_t i = 0; i < c->nt; i++) {
		int isnew;
		find(c, c->t[i].name, strlen(c->t[i].name), c->t[i].lang, &c->key);
		*op_hmap_put(&c->bykey, c->key.p, c->key.len, &isnew) = (void *)(uintptr_t)(i + 1);
	}
	op_buf_free(&path);
	op_buf_free(&text);
	free(names);
	return errors ? op_errf(e, OP_EXIT_CONFIG, "%s", "") : 0;
}

/* a draft rule naming no template file is a typo */
static int check_rules(ctx *c, op_err *e)
{
	int errors = 0;
	for (size_t i = 0; i < c->ndraft; i++) {
		size_t j = 0;
		while (j < c->nt && strcmp(c->t[j].name, c->draft[i].name))
			j++;
		if (j == c->nt) {
			op_warn("%s:%u: draft %s: no template %s.LANG.txt in %s", c->rules->file, c->draft[i].line,
				c->draft[i].name, c->draft[i].name, c->dir ? c->dir : "(no templates directory)");
			errors++;
		}
	}
	return errors ? op_errf(e, OP_EXIT_CONFIG, "%s", "") : 0;
}

/* ---- records ---- */

/* the string member key of r, decoded, or 0 when it is not a string */
static int str_field(ctx *c, op_rec *r, const char *key, op_buf *buf, const char **s, size_t *n)
{
	const op_field *f = op_rec_get(r, key, strlen(key));
	if (!f || f->type != OP_JSTR)
		return 0;
	op_jstr(f->v, f->vlen, f->vesc, buf, s, n);
	(void)c;
	return 1;
}

static int is_true(op_rec *r, const char *key)
{
	const op_field *f = op_rec_get(r, key, strlen(key));
	return f && f->type == OP_JTRUE;
}

/* answered (enq-link's responses > 0) or mail a machine wrote (auto) */
static int settled(op_rec *r)
{
	const op_field *f = op_rec_get(r, "responses", 9);
	if (f && f->type == OP_JNUM && op_jnum(f->v, f->vlen) > 0)
		return 1;
	f = op_rec_get(r, "auto", 4);
	return f && f->type != OP_JNULL && f->type != OP_JFALSE && !(f->type == OP_JSTR && f->vlen == 2);
}

/* the record's language (enq-classify's lang), the default when it has
 * none or is unsure ("und"); in c->lang */
static const char *record_lang(ctx *c, op_rec *r)
{
	const char *s;
	size_t n;
	if (str_field(c, r, "lang", &c->tmp, &s, &n) && n == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' &&
	    s[1] <= 'z') {
		memcpy(c->lang, s, 2);
		c->lang[2] = 0;
		return c->lang;
	}
	return c->deflang;
}

/* The template: the first draft rule that holds, else the one named
 * after the category; in the record's language, else the default one
 * (*fallback).  NULL: none.  -1 after rejecting the record. */
static int choose(ctx *c, op_stream *st, op_rec *r, const char *lang, const tmpl **t, int *fallback)
{
	const char *name = NULL;
	size_t nlen = 0;
	*t = NULL;
	*fallback = 0;
	for (size_t i = 0; i < c->ndraft && !name; i++) {
		int ok = op_eval_cond(&c->ev, c->draft[i].when);
		if (ok < 0) {
			op_reject(st, "%s:%u: draft %s: %s", c->rules->file, c->draft[i].line, c->draft[i].name,
				  c->ev.err);
			return -1;
		}
		if (ok)
			name = c->draft[i].name, nlen = strlen(name);
	}
	if (!name && !str_field(c, r, "category", &c->sbuf, &name, &nlen))
		return 0;
	if (!(*t = find(c, name, nlen, lang, &c->key)) && strcmp(lang, c->deflang)) {
		*t = find(c, name, nlen, c->deflang, &c->key);
		*fallback = *t != NULL;
	}
	return 0;
}

static const char *question(const ctx *c, const char *field, size_t n, const char *lang)
{
	const char *other = NULL;
	for (size_t i = 0; i < c->nask; i++)
		if (strlen(c->asks[i].field) == n && !memcmp(c->asks[i].field, field, n)) {
			if (!strcmp(c->asks[i].lang, lang))
				return c->asks[i].text;
			if (!strcmp(c->asks[i].lang, c->deflang))
				other = c->asks[i].text;
		}
	return other;
}

/* "- question" a line for each field of missing; 0, or -1 with c->err */
static int questions(ctx *c, op_rec *r, const tmpl *t, op_buf *b)
{
	const op_field *f = op_rec_get(r, "missing", 7);
	if (!f || f->type != OP_JARR)
		return 0;
	size_t pos = 0, n;
	const char *item;
	while (op_jarr_next(f->v, f->vlen, &pos, &item, &n)) {
		const char *s;
		size_t len;
		if (op_jtype_of(item) != OP_JSTR)
			continue;
		op_jstr(item, n, memchr(item, '\\', n) != NULL, &c->tmp, &s, &len);
		const char *q = question(c, s, len, t->lang);
		if (!q) {
			op_buf_printf(&c->err, "%s: no question for %.*s (an `ask %.*s %s` statement)", t->file,
				      (int)len, s, (int)len, s, t->lang);
			return -1;
		}
		op_buf_printf(b, "- %s\n", q);
	}
	return 0;
}

/* control characters out of a header: a CR or LF could start a header
 * of the customer's making (RFC 5322 2.2) */
static void one_line(op_buf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if ((unsigned char)b->p[i] < 0x20 || b->p[i] == 0x7f)
			b->p[i] = ' ';
}

/* s starts with a reply's prefix, Re: or the German AW: (RFC 5322 3.6.5) */
static int reply_prefix(const char *s)
{
	return !strncasecmp(s, "Re:", 3) || !strncasecmp(s, "AW:", 3);
}

/* Subject and body of t into c->subject and c->body; 0, or -1 with
 * c->err naming the file, the line and what was wrong */
static int render(ctx *c, op_rec *r, const tmpl *t)
{
	op_buf_reset(&c->subject);
	op_buf_reset(&c->body);
	op_buf_reset(&c->err);
	c->ev.strict = 1;
	int lang = op_datelang(t->lang, 2);
	c->ev.datelang = lang < 0 ? 0 : lang;
	int rc = 0;
	if (op_render(&c->ev, t->subject ? t->subject : c->resubject, &c->subject)) {
		if (t->subject)
			op_buf_printf(&c->err, "%s:%u: %s", t->file, t->subject_line, c->ev.err);
		else
			op_buf_printf(&c->err, "%s: %s (the default Subject: Re: {subject})", t->file, c->ev.err);
		rc = -1;
	}
	for (size_t i = 0; !rc && i < t->n; i++) {
		if (!t->lines[i]) {
			rc = questions(c, r, t, &c->body);
			continue;
		}
		if (op_render(&c->ev, t->lines[i], &c->body)) {
			op_buf_printf(&c->err, "%s:%u: %s", t->file, t->lineno[i], c->ev.err);
			rc = -1;
		}
		op_buf_addc(&c->body, '\n');
	}
	c->ev.strict = 0;
	one_line(&c->subject);
	/* a value's CR LF or CR is a line break like the template's own */
	size_t k = 0;
	for (size_t i = 0; i < c->body.len; i++)
		if (c->body.p[i] != '\r')
			c->body.p[k++] = c->body.p[i];
		else if (i + 1 == c->body.len || c->body.p[i + 1] != '\n')
			c->body.p[k++] = '\n';
	c->body.len = k;
	if (c->body.p)
		c->body.p[k] = 0;
	/* "Re: Re: ..." or "AW: AW: ..." when the customer's subject was a
	 * reply already: the template's prefix goes */
	if (c->subject.len >= 7 && reply_prefix(c->subject.p) && c->subject.p[3] == ' ' &&
	    reply_prefix(c->subject.p + 4)) {
		memmove(c->subject.p, c->subject.p + 4, c->subject.len - 4);
		c->subject.len -= 4;
		c->subject.p[c->subject.len] = 0;
	}
	return rc;
}

/* who the task names: the name, else the address, else the id */
static void who(ctx *c, op_rec *r, op_buf *b)
{
	const char *s;
	size_t n;
	if ((str_field(c, r, "name", &c->tmp, &s, &n) && n) || (str_field(c, r, "email", &c->tmp, &s, &n) && n))
		op_buf_add(b, s, n);
	else
		op_buf_adds(b, "the customer");
}

/* The first human rule that holds, rendered into b: 1, 0 none, -1
 * after rejecting the record. */
static int human_task(ctx *c, op_stream *st, op_buf *b)
{
	int lang = op_datelang(c->deflang, 2);
	c->ev.datelang = lang < 0 ? 0 : lang;
	for (size_t i = 0; i < c->nhuman; i++) {
		const human *h = &c->humans[i];
		int ok = op_eval_cond(&c->ev, h->when);
		if (ok > 0 && !op_render(&c->ev, h->task, b))
			return 1;
		if (ok) {
			op_reject(st, "%s:%u: human: %s", c->rules->file, h->line, c->ev.err);
			return -1;
		}
	}
	return 0;
}

static void draft_member(ctx *c, const tmpl *t)
{
	op_buf *b = op_fields_add(&c->out, "draft");
	op_buf_adds(b, "{\"template\":");
	op_buf_json_cstr(b, t->file);
	op_buf_adds(b, ",\"lang\":");
	op_buf_json_cstr(b, t->lang);
	op_buf_adds(b, ",\"subject\":");
	op_buf_json_str(b, c->subject.p ? c->subject.p : "", c->subject.len);
	op_buf_adds(b, ",\"body\":");
	op_buf_json_str(b, c->body.p ? c->body.p : "", c->body.len);
	op_buf_addc(b, '}');
}

/* the record's string member key, NUL-terminated in b (empty: none) */
static void cstr_field(ctx *c, op_rec *r, const char *key, op_buf *b)
{
	const char *s;
	size_t n = 0;
	op_buf_reset(b);
	if (str_field(c, r, key, &c->tmp, &s, &n))
		op_buf_add(b, s, n);
	op_buf_grow(b, 1);	/* NUL-terminated even when empty */
}

/* The enquiry's references and its own id, space-separated, into c->ids
 * (at its offset refs_at); the ids compose would refuse left out. */
static void thread_ids(ctx *c, op_rec *r, size_t *mid_at)
{
	const op_field *f = op_rec_get(r, "references", 10);
	size_t pos = 0, n, len;
	const char *item, *s;
	while (f && f->type == OP_JARR && op_jarr_next(f->v, f->vlen, &pos, &item, &n)) {
		if (op_jtype_of(item) != OP_JSTR)
			continue;
		op_jstr(item, n, memchr(item, '\\', n) != NULL, &c->tmp, &s, &len);
		if (op_compose_id_ok(s, len)) {
			op_buf_add(&c->ids, s, len);
			op_buf_addc(&c->ids, ' ');
		}
	}
	*mid_at = c->ids.len;
	if (str_field(c, r, "message_id", &c->tmp, &s, &len) && op_compose_id_ok(s, len))
		op_buf_add(&c->ids, s, len);
	else if (c->ids.len)
		c->ids.len--;	/* the space */
	op_buf_addc(&c->ids, 0);
}

/* The draft as a message into the maildir, named after the enquiry's id
 * so that a second run finds it there: 0, or -1 when the maildir cannot
 * be written (c->merr). */
static int put_message(ctx *c, op_stream *st, op_rec *r, const char *id, size_t idn)
{
	uint64_t d[2];
	char hex[17], key[40], mid[300];
	op_digest(id, idn, d);
	op_digest_hex64(d, hex);
	snprintf(key, sizeof key, "opflow-draft-%s", hex);
	snprintf(mid, sizeof mid, "draft.%s@%s", hex, c->domain);
	op_buf_reset(&c->ids);
	size_t mid_at;
	thread_ids(c, r, &mid_at);
	cstr_field(c, r, "email", &c->addr);
	cstr_field(c, r, "name", &c->name);
	op_compose_hdr h = {
		.from = c->from, .to_name = c->name.len ? c->name.p : NULL, .to_addr = c->addr.p,
		.subject = c->subject.p ? c->subject.p : "", .message_id = mid,
		.in_reply_to = c->ids.p[mid_at] ? c->ids.p + mid_at : NULL,
		.references = c->ids.p[0] ? c->ids.p : NULL, .date = c->now,
	};
	op_err e;
	op_buf_reset(&c->msg);
	if (op_compose(&c->msg, &h, c->body.p ? c->body.p : "", c->body.len, &e)) {
		op_warn("%s:%llu: %.*s: no message: %s", st->name, st->lineno, (int)(idn > 80 ? 80 : idn), id, e.msg);
		c->unsent++;
		return 0;
	}
	int rc = op_maildir_add(c->md, key, c->msg.p, c->msg.len, &c->merr);
	if (rc < 0) {
		c->mfailed = 1;
		return -1;
	}
	if (rc)
		c->already++;
	else
		c->written++;
	return 0;
}

/* The reply address, the template and its rendering: the draft into the
 * record (1), or why there is none into task (0); in *tally the count
 * --stats adds it to once the record is written. */
static int outcome(ctx *c, op_stream *st, op_rec *r, const tmpl *t, int fallback, const char *id, size_t idn,
		   unsigned long long **tally)
{
	const char *addr;
	size_t addrlen;
	op_buf *task = &c->task;
	op_buf_reset(&c->err);
	if (!str_field(c, r, "email", &c->sbuf, &addr, &addrlen) || !addrlen) {
		op_buf_adds(&c->err, "no reply address");
	} else if (!op_compose_addr_ok(addr, addrlen)) {	/* the address the message needs */
		op_buf_adds(&c->err, "invalid reply address '");
		op_buf_add(&c->err, addr, addrlen > 80 ? 80 : addrlen);
		op_buf_addc(&c->err, '\'');
		one_line(&c->err);	/* a line of its own on stderr, in the task */
	}
	if (c->err.len) {
		op_warn("%s:%llu: %.*s: %s", st->name, st->lineno, (int)(idn > 80 ? 80 : idn), id, c->err.p);
		*tally = &c->noaddr;
		op_buf_adds(task, "Find another way to answer ");
		who(c, r, task);
		op_buf_printf(task, ": %s", c->err.p);
	} else if (!t) {
		*tally = &c->notemplate;
		op_buf_adds(task, "Write a reply to ");
		who(c, r, task);
		op_buf_adds(task, ": no template for it");
	} else if (render(c, r, t)) {
		*tally = &c->failed;
		op_fields_str(&c->out, "draft_error", c->err.p, c->err.len);
		op_buf_adds(task, "Write a reply to ");
		who(c, r, task);
		op_buf_printf(task, ": the draft failed (%s)", c->err.p);
	} else {
		*tally = &c->drafted;
		draft_member(c, t);
		if (fallback)
			op_fields_bool(&c->out, "draft_lang_fallback", 1);
		return 1;
	}
	return 0;
}

/* the record's id as text, for messages and the message's name: 1, or 0
 * and "(no id)" when it has none (or "") */
static int record_id(ctx *c, op_rec *r, const char **id, size_t *idn)
{
	if (str_field(c, r, "id", &c->idbuf, id, idn) && *idn)
		return 1;
	const op_field *f = op_rec_get(r, "id", 2);
	if (f && f->type == OP_JNUM) {
		*id = f->v, *idn = f->vlen;
		return 1;
	}
	*id = "(no id)", *idn = 7;
	return 0;
}

int op_draft_record(op_stream *st, op_rec *r, void *vc)
{
	ctx *c = vc;
	if (!c->all && settled(r)) {
		c->skipped++;
		op_emit_rec(st, r, NULL, 0);
		return 0;
	}
	op_eval_record(&c->ev, r);
	op_fields_reset(&c->out);
	op_buf_reset(&c->task);
	const tmpl *t;
	int fallback;
	if (choose(c, st, r, record_lang(c, r), &t, &fallback))
		return 0;
	const char *id;
	size_t idn;
	/* the message's file is named after the id: without one, two
	 * enquiries would share a file and the second's draft be lost */
	if (!record_id(c, r, &id, &idn) && c->md) {
		op_reject(st, "record has no id (a string or number): no message can be named after it");
		return 0;
	}
	unsigned long long *tally;
	int drafted = outcome(c, st, r, t, fallback, id, idn, &tally);
	int kept = is_true(r, "needs_human");
	int needs = c->task.len || kept ? 1 : human_task(c, st, &c->task);
	if (needs < 0)
		return 0;
	/* a task enq-route gave stands */
	if (!kept) {
		op_fields_bool(&c->out, "needs_human", needs);
		one_line(&c->task);	/* a name's CR LF too: the task is one line */
		if (needs)
			op_fields_str(&c->out, "task", c->task.p, c->task.len);
	}
	/* counted only now: a record rejected above is in none */
	(*tally)++;
	c->fallback += drafted && fallback;
	c->human_n += needs;
	/* the message last: a record rejected above leaves none behind */
	if (c->md && drafted && put_message(c, st, r, id, idn))
		return 1;
	size_t n;
	const op_kv *kv = op_fields_kv(&c->out, &n);
	op_emit_rec(st, r, kv, n);
	return 0;
}

/* ---- --check ---- */

/* a field of opflow-record(7) that a record (not a KPI row) may have */
static int record_field(const char *name)
{
	int stage = op_record_field(name);
	return stage >= 0 && stage < OP_STAGE_ROW;
}

typedef struct {
	const char *const *extra;
	const char *file;
	unsigned line;
	FILE *out;
	size_t problems;
} checking;

static int listed(const char *const *list, const char *s)
{
	for (size_t i = 0; list && list[i]; i++)
		if (!strcmp(list[i], s))
			return 1;
	return 0;
}

static void check_field(void *vk, const op_expr *slot, const char *field)
{
	checking *k = vk;
	if (record_field(field) || listed(k->extra, field))
		return;
	fprintf(k->out, "%s:%u: %s: no record has a field '%s'\n", k->file, k->line, op_slot_text(slot), field);
	k->problems++;
}

/* the sample record of enq-draft(1), in category cat and language lang */
static void sample(ctx *c, op_buf *b, const char *cat, const char *lang, const char *const *extra)
{
	op_buf_adds(b, "{\"id\":\"E1\",\"received_at\":\"2026-10-05T08:58:00Z\",\"channel\":\"email\","
		       "\"source\":\"sample\",\"name\":\"Anna Kowalski\",\"email\":\"anna.kowalski@example.com\","
		       "\"phone\":\"07700 900123\",\"company\":\"Kowalski Lettings\","
		       "\"message_id\":\"sample.1@example.com\",\"subject\":\"Boiler not working\","
		       "\"body\":\"Our boiler stopped working this morning.\",\"category\":");
	op_buf_json_cstr(b, cat);
	op_buf_adds(b, ",\"confidence\":0.9,\"priority\":\"normal\",\"tags\":[\"sample\"],\"lang\":");
	op_buf_json_cstr(b, lang);
	op_buf_adds(b, ",\"team\":\"service\",\"owner\":\"dave\",\"route\":\"sample\",\"sla\":240,"
		       "\"due_at\":\"2026-10-05T12:58:00Z\",\"missing\":[");
	for (size_t i = 0, n = 0; i < c->nask; i++)
		if (!strcmp(c->asks[i].lang, c->deflang)) {
			op_buf_adds(b, n++ ? "," : "");
			op_buf_json_cstr(b, c->asks[i].field);
		}
	op_buf_addc(b, ']');
	for (size_t i = 0; extra && extra[i]; i++) {
		if (record_field(extra[i]))
			continue;
		op_buf_addc(b, ',');
		op_buf_json_cstr(b, extra[i]);
		op_buf_printf(b, ":\"[%s]\"", extra[i]);
	}
	op_buf_addc(b, '}');
}

/* t's placeholders known, and t rendered with the sample */
static void check_template(ctx *c, const tmpl *t, const char *const *extra, checking *k)
{
	size_t before = k->problems;
	k->file = t->file;
	if (t->subject) {
		k->line = t->subject_line;
		op_template_fields(t->subject, check_field, k);
	}
	for (size_t i = 0; i < t->n; i++) {
		k->line = t->lineno[i];
		if (t->lines[i])
			op_template_fields(t->lines[i], check_field, k);
	}
	if (k->problems > before)
		return;		/* the unknown field would fail the rendering too */
	op_buf line = {0};
	op_rec r = {0};
	op_jerr je;
	sample(c, &line, t->name, t->lang, extra);
	if (op_rec_scan(&r, line.p, line.len, &je))
		op_die(OP_EXIT_SOFTWARE, "the sample record: %s", je.msg);
	op_eval_record(&c->ev, &r);
	if (render(c, &r, t)) {
		fprintf(k->out, "%s\n", c->err.p);
		k->problems++;
	}
	op_rec_free(&r);
	op_buf_free(&line);
}

/* the languages of the set: the default first, then the templates' */
static size_t set_langs(const ctx *c, const char **langs, size_t max)
{
	size_t n = 0;
	langs[n++] = c->deflang;
	for (size_t i = 0; i < c->nt && n < max; i++) {
		size_t j = 0;
		while (j < n && strcmp(langs[j], c->t[i].lang))
			j++;
		if (j == n)
			langs[n++] = c->t[i].lang;
	}
	return n;
}

size_t op_draft_check(op_draft *c, const char *const *categories, const char *const *required,
		      const char *const *extra, FILE *out)
{
	checking k = { .extra = extra, .out = out };
	for (size_t i = 0; i < c->nt; i++)
		check_template(c, &c->t[i], extra, &k);
	const char *langs[64];
	size_t nl = set_langs(c, langs, 64);
	/* a set with no templates at all gives every enquiry a task, as meant
	 * (the built-in draft.rules): no category lacks one by mistake */
	for (size_t i = 0; c->nt && categories && categories[i]; i++)
		for (size_t j = 0; j < nl; j++)
			if (!find(c, categories[i], strlen(categories[i]), langs[j], &c->key)) {
				fprintf(out, "category %s: no template in %s (%s.%s.txt)\n", categories[i], langs[j],
					categories[i], langs[j]);
				k.problems++;
			}
	for (size_t i = 0; required && required[i]; i++)
		for (size_t j = 0; j < nl; j++) {
			size_t a = 0;
			while (a < c->nask && (strcmp(c->asks[a].field, required[i]) || strcmp(c->asks[a].lang, langs[j])))
				a++;
			if (a == c->nask) {
				fprintf(out, "required field %s: no question in %s (ask %s %s \"...\")\n", required[i],
					langs[j], required[i], langs[j]);
				k.problems++;
			}
		}
	return k.problems;
}

/* ---- loading ---- */

op_draft *op_draft_new(void)
{
	return op_xcalloc(1, sizeof *op_draft_new());
}

op_draft *op_draft_load(const op_draft_opts *o, const op_cli *cli, op_err *e)
{
	ctx *c = op_draft_new();
	c->all = o->all;
	if (!(c->rules = op_rules_load(o->rules, "draft.rules", op_draft_statements, c, 0, e)))
		goto fail;
	if (!c->deflang)
		c->deflang = "en";
	if (o->templates)
		c->dir = o->templates;
	static const char re[] = "Re: {subject}";
	c->resubject = op_rules_template(c->rules, "enq-draft", 0, re, sizeof re - 1);
	if ((c->dir && load_templates(c, e)) || check_rules(c, e))
		goto fail;
	op_eval_init(&c->ev, cli->now, cli->tz ? cli->tz : c->tz);
	c->now = cli->now;
	const char *at = c->from ? strrchr(c->from, '@') : NULL;
	c->domain = at ? op_arena_strndup(&c->rules->arena, at + 1, strcspn(at + 1, ">")) : "opflow.invalid";
	if (o->maildir && !(c->md = op_maildir_open(o->maildir, e)))
		goto fail;
	return c;
fail:
	op_draft_free(c);
	return NULL;
}

const op_err *op_draft_error(const op_draft *d)
{
	return d->mfailed ? &d->merr : NULL;
}

void op_draft_stats(const op_draft *c, op_buf *x)
{
	op_buf_printf(x, ",\"drafted\":%llu,\"lang_fallback\":%llu,\"draft_errors\":%llu,\"no_address\":%llu,"
		      "\"no_template\":%llu,\"skipped\":%llu,\"needs_human\":%llu",
		      c->drafted, c->fallback, c->failed, c->noaddr, c->notemplate, c->skipped, c->human_n);
	if (c->md)
		op_buf_printf(x, ",\"messages_written\":%llu,\"messages_there\":%llu,\"messages_refused\":%llu",
			      c->written, c->already, c->unsent);
}

void op_draft_free(op_draft *c)
{
	if (!c)
		return;
	op_eval_free(&c->ev);
	op_rules_free(c->rules);
	op_tz_free(c->tz);
	op_hmap_free(&c->bykey, NULL);
	op_fields_free(&c->out);
	op_buf_free(&c->sbuf);
	op_buf_free(&c->subject);
	op_buf_free(&c->body);
	op_buf_free(&c->tmp);
	op_buf_free(&c->key);
	op_buf_free(&c->err);
	op_buf_free(&c->msg);
	op_buf_free(&c->ids);
	op_buf_free(&c->addr);
	op_buf_free(&c->name);
	op_buf_free(&c->idbuf);
	op_buf_free(&c->task);
	op_maildir_close(c->md);
	free(c->draft);
	free(c->asks);
	free(c->humans);
	free(c->t);
	free(c);
}

const op_rules *op_draft_rules(const op_draft *c)
{
	return c->rules;
}
