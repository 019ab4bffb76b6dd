/* lint.c - what --check finds wrong in a rule file that parses
 * (opflow-rules(5) LINT): fields no input can have, rules that can never
 * fire, names given twice, regexes that match the empty string; and the
 * notes the parsers leave for it.  MIT licence, see COPYING. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "check.h"
#include "fields.h"
#include "hmap.h"
#include "severity.h"

/* ---- notes ---- */

const op_note *op_notes(const op_rules *r)
{
	return r->lang.notes;
}

op_note *op_note_add(op_parser *p, int what)
{
	op_lang *l = p->lang;
	op_note *n = op_arena_alloc(p->arena, sizeof *n);
	n->what = what;
	n->file = p->file;
	n->line = n->last = p->line;
	if (!l->note_tail)
		l->note_tail = &l->notes;
	*l->note_tail = n;
	l->note_tail = &n->next;
	return n;
}

void op_note_read(op_parser *p, const char *field, size_t len)
{
	op_note_add(p, OP_NOTE_READ)->name = op_arena_strndup(p->arena, field, len);
}

void op_p_rule(op_parser *p, const char *kind, const char *name, const op_expr *when, int first_match)
{
	op_note *n = op_note_add(p, OP_NOTE_RULE);
	n->kind = kind;
	n->name = name;
	n->when = when;
	n->first_match = first_match;
}

void op_note_allows(op_parser *p, unsigned last)
{
	static const char mark[] = "# lint: allow ";
	const char *s = memmem(p->text, p->len, mark, sizeof mark - 1);
	if (!s)
		return;
	const char *end = p->text + p->len;
	for (s += sizeof mark - 1; s < end;) {
		size_t n = strcspn(s, " ,\t");
		if (n > (size_t)(end - s))
			n = (size_t)(end - s);
		if (n) {
			op_note *a = op_note_add(p, OP_NOTE_ALLOW);
			a->kind = op_arena_strndup(p->arena, s, n);
			a->last = last;
		}
		s += n + (s + n < end);
	}
}

const char **op_check_names(const op_rules *r, const char *kind)
{
	size_t n = 0;
	for (const op_note *x = op_notes(r); x; x = x->next)
		n += x->what == OP_NOTE_RULE && x->name && !strcmp(x->kind, kind);
	const char **v = op_xcalloc(n + 1, sizeof *v), **o = v;
	for (const op_note *x = op_notes(r); x; x = x->next)
		if (x->what == OP_NOTE_RULE && x->name && !strcmp(x->kind, kind))
			*o++ = x->name;
	return v;
}

/* ---- the lint ---- */

typedef struct {
	const op_check_opts *o;
	const char *const *seen;	/* --sample's fields */
	unsigned warnings;
	op_hmap index;			/* by key(): what the lint has seen */
	op_buf key;
} linting;

/* The index's slot for a tag ('A' allowed, 'K' known field, 'R' field
 * read, 'N' rule name, 'S' first rule that always holds), a statement's
 * line and up to two names: one lookup each, however long the file. */
static void **slot(linting *l, char tag, unsigned line, const char *a, const char *b, int *isnew)
{
	op_buf_reset(&l->key);
	op_buf_printf(&l->key, "%c%u", tag, line);
	op_buf_addc(&l->key, 0);
	op_buf_adds(&l->key, a ? a : "");
	op_buf_addc(&l->key, 0);
	op_buf_adds(&l->key, b ? b : "");
	return op_hmap_put(&l->index, l->key.p, l->key.len, isnew);
}

/* Mark a slot with val: 1, or 0 when it was marked already (a slot
 * only looked at holds NULL) */
static int mark(linting *l, char tag, unsigned line, const char *a, const char *b, void *val)
{
	int isnew;
	void **v = slot(l, tag, line, a, b, &isnew);
	if (*v)
		return 0;
	*v = val;
	return 1;
}

static int marked(linting *l, char tag, unsigned line, const char *a, const char *b)
{
	int isnew;
	return *slot(l, tag, line, a, b, &isnew) != NULL;
}

static void warn(linting *l, unsigned line, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void warn(linting *l, unsigned line, const char *kind, const char *fmt, ...)
{
	/* `# lint: allow KIND` on the statement (every note has the line
	 * its statement starts on) */
	if (marked(l, 'A', line, kind, NULL))
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	op_warn("%s:%u: %s [%s]", l->o->rules->file, line, msg, kind);
	l->warnings++;
}

/* the fields the input may have, for "did you mean" */
static const char **candidates(const linting *l)
{
	const char *const *rec = op_record_field_names();
	size_t n = 0, k = 0;
	while (rec[n])
		n++;
	for (size_t i = 0; l->o->known && l->o->known[i]; i++)
		n++;
	for (size_t i = 0; l->seen && l->seen[i]; i++)
		n++;
	const char **v = op_xcalloc(n + 1, sizeof *v);
	for (size_t i = 0; rec[i]; i++)
		if (op_record_field(rec[i]) <= l->o->stage)
			v[k++] = rec[i];
	for (size_t i = 0; l->o->known && l->o->known[i]; i++)
		v[k++] = l->o->known[i];
	for (size_t i = 0; l->seen && l->seen[i]; i++)
		v[k++] = l->seen[i];
	return v;
}

/* a field an expression reads that no input of the program has */
static void lint_read(linting *l, const op_note *x, const char **cands)
{
	const char *f = x->name;
	/* known, or read on the statement before: said once */
	if (marked(l, 'K', 0, f, NULL) || !mark(l, 'R', x->line, f, NULL, (void *)x))
		return;
	int stage = op_record_field(f);
	if (stage >= 0) {
		warn(l, x->line, "unknown-field", "field '%s' is set by %s, after %s: no input of %s has it", f,
		     op_stage_program(stage), op_progname, op_progname);
		return;
	}
	const char *hint = op_p_suggest(f, cands);
	if (hint)
		warn(l, x->line, "unknown-field", "no input of %s has a field '%s' (did you mean '%s'?)", op_progname,
		     f, hint);
	else
		warn(l, x->line, "unknown-field", "no input of %s has a field '%s'", op_progname, f);
}

/* An expression with no field, text or call in it: its value is the same
 * for every record. */
static int constant(const op_expr *e)
{
	if (e->kind == E_PATH || e->kind == E_TEXT || e->kind == E_CALL || e->kind == E_TEMPLATE)
		return 0;
	for (size_t i = 0; i < e->nargs; i++)
		if (!constant(e->args[i]))
			return 0;
	return (!e->a || constant(e->a)) && (!e->b || constant(e->b));
}

/* 1 when the constant e holds, 0 when not, -1 when it cannot be known */
static int fold(const op_expr *e)
{
	op_eval ev;
	op_eval_init(&ev, 0, NULL);
	int t = op_eval_cond(&ev, e);
	op_eval_free(&ev);
	return t;
}

/* Does the condition never hold, or always, whatever the record? */
static int never(const op_expr *e)
{
	if (e->kind == E_AND)
		return never(e->a) || never(e->b);
	if (e->kind == E_OR)
		return never(e->a) && never(e->b);
	return constant(e) && fold(e) == 0;
}

static int always(const op_expr *e)
{
	if (!e)
		return 1;
	if (e->kind == E_AND)
		return always(e->a) && always(e->b);
	if (e->kind == E_OR)
		return always(e->a) || always(e->b);
	return constant(e) && fold(e) == 1;
}

/* priority == "urgnet", priority in ["hihg"]: a value no record has */
static void lint_priority(linting *l, unsigned line, const op_expr *lit)
{
	if (lit->kind != E_LIT || lit->lit.t != OP_VSTR)
		return;
	char word[64];
	snprintf(word, sizeof word, "%.*s", (int)lit->lit.u.str.len, lit->lit.u.str.s);
	if (op_p_index(word, op_priorities) >= 0)
		return;
	const char *hint = op_p_suggest(word, op_priorities);
	warn(l, line, "never-fires", "priority is never \"%s\" (low, normal, high, urgent)%s%s%s", word,
	     hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
}

static int is_priority(const op_expr *e)
{
	const char *f = e ? op_expr_field(e) : NULL;
	return f && !strcmp(f, "priority");
}

static void walk_priority(linting *l, unsigned line, const op_expr *e)
{
	if (!e)
		return;
	if (e->kind == E_CMP && e->op == C_EQ) {
		if (is_priority(e->a))
			lint_priority(l, line, e->b);
		if (is_priority(e->b))
			lint_priority(l, line, e->a);
	} else if (e->kind == E_IN && is_priority(e->a) && e->b->kind == E_LIST) {
		for (size_t i = 0; i < e->b->nargs; i++)
			lint_priority(l, line, e->b->args[i]);
	}
	walk_priority(l, line, e->a);
	walk_priority(l, line, e->b);
	for (size_t i = 0; i < e->nargs; i++)
		walk_priority(l, line, e->args[i]);
}

static const char *label(const op_note *x, char *buf, size_t n)
{
	if (x->name)
		snprintf(buf, n, "%s %s", x->kind, x->name);
	else
		snprintf(buf, n, "this %s rule", x->kind);
	return buf;
}

static void lint_rule(linting *l, const op_note *x)
{
	char what[160], other[160];
	if (x->when && never(x->when))
		warn(l, x->line, "never-fires", "%s never fires: its condition is always false",
		     label(x, what, sizeof what));
	walk_priority(l, x->line, x->when);
	int isnew;
	const op_note *y;
	if (x->name && !mark(l, 'N', 0, x->kind, x->name, (void *)x)) {
		y = *slot(l, 'N', 0, x->kind, x->name, &isnew);
		warn(l, x->line, "duplicate", "%s defined twice (first on line %u)", label(x, what, sizeof what),
		     y->line);
	}
	if (!x->first_match)
		return;
	if ((y = *slot(l, 'S', 0, x->kind, NULL, &isnew)))
		warn(l, x->line, "shadowed", "%s never fires: %s (line %u) always holds first",
		     label(x, what, sizeof what), label(y, other, sizeof other), y->line);
	else if (always(x->when))
		mark(l, 'S', 0, x->kind, NULL, (void *)x);
}

static void lint_regex(linting *l, const op_note *x)
{
	op_err e;
	if (op_rx_match(x->rx, "", 0, &e) != 1)
		return;
	size_t n;
	const char *flags, *pat = op_rx_pattern(x->rx, &n, &flags);
	warn(l, x->line, "empty-match", "/%.*s/%s matches the empty string, so every text", (int)(n > 80 ? 80 : n),
	     pat, flags);
}

unsigned op_lint(const op_check_opts *o, const char *const *seen)
{
	linting l = { .o = o, .seen = seen };
	const char **cands = candidates(&l);
	for (size_t i = 0; cands[i]; i++)
		mark(&l, 'K', 0, cands[i], NULL, (void *)1);
	for (const op_note *x = op_notes(o->rules); x; x = x->next)
		if (x->what == OP_NOTE_ALLOW)
			mark(&l, 'A', x->line, x->kind, NULL, (void *)1);
	for (const op_note *x = op_notes(o->rules); x; x = x->next) {
		if (x->file != o->rules->file)
			continue;	/* a template file's: enq-draft --check's */
		if (x->what == OP_NOTE_READ)
			lint_read(&l, x, cands);
		else if (x->what == OP_NOTE_RULE)
			lint_rule(&l, x);
		else if (x->what == OP_NOTE_RX)
			lint_regex(&l, x);
	}
	free(cands);
	op_hmap_free(&l.index, NULL);
	op_buf_free(&l.key);
	return l.warnings;
}
