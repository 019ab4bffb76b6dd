/* expr.h - the expressions of the one rule language (opflow-rules(5)):
 * parsed once to a tree (parse.c, from the tokens of lex.c), evaluated
 * per record against the scanned line, decoding only the fields an
 * expression reads (eval.c), calling the functions of builtin.c.  The one
 * header of the language for its callers.  MIT licence. */
#ifndef OP_EXPR_H
#define OP_EXPR_H

#include <stdint.h>
#include "arena.h"
#include "jsonl.h"
#include "lex.h"
#include "regex.h"
#include "timefmt.h"
#include "tz.h"

typedef struct op_expr op_expr;

enum op_vtype { OP_VNULL, OP_VBOOL, OP_VNUM, OP_VSTR, OP_VTIME, OP_VDUR, OP_VLIST, OP_VJSON };

/* A value.  Strings and JSON spans point into the record line or the
 * evaluation's scratch arena: valid until the next record. */
typedef struct op_val {
	uint8_t t;
	uint8_t business;	/* OP_VDUR: 0 wall time (seconds), 1 business
				 * minutes (bh), 2 business days (bd) */
	union {
		int b;
		double n;
		op_time tm;
		int64_t dur;
		struct { const char *s; size_t len; } str;	/* OP_VSTR, OP_VJSON */
		struct { struct op_val *v; size_t n; } list;
	} u;
	const char *raw;	/* OP_VNUM read from a record: its text, so that
				 * 1.10 is written back as 1.10 */
	size_t rawlen;
} op_val;

/* How business durations are added to a time: set when a calendar is
 * loaded (a calendar file, enq-route's rules; lib/calfile), which may
 * pick the hours by the record (its team's); without one they are an
 * error.  Returns 0, -1 when the calendar has no working hours, -2 when
 * the result falls outside years 0001..9999. */
struct op_eval;
typedef int (*op_business_fn)(struct op_eval *ev, op_time from, int64_t amount, int unit, op_time *out);
/* bhours() (unit 1, hours) and bdays() (unit 2, working days) from a to b
 * in the same calendar; negative when b is before a. */
typedef double (*op_between_fn)(struct op_eval *ev, op_time a, op_time b, int unit);

typedef struct op_eval {
	op_rec *rec;
	op_time now;
	const op_tz *tz;
	op_arena scratch;
	unsigned long gen;		/* bumped per record: field caches */
	char err[256];
	op_business_fn business;
	op_between_fn between;
	void *cal;			/* theirs */
	const char *group;		/* history group (exc-flag --by) */
	size_t grouplen;
	const op_lang *lang;		/* for history state */
	op_buf tmp;
	unsigned long text_gen;		/* `text`, built once per record */
	const char *text;
	size_t textlen;
	int strict;			/* a placeholder with no value and no fallback
					 * fails the render (enq-draft) */
	int datelang;			/* names of {time:%A}: an op_datelang index */
	/* --explain: when set, each comparison, `in` and regex match the
	 * evaluation makes is appended, a JSON object each, after a comma
	 * when trace is not empty: {"left":V,"op":"<","right":V,"holds":B},
	 * {"left":V,"op":"in","right":V,"holds":B}, and for =~ and !~ the
	 * text the regex matched instead of the subject (often all the text):
	 * {"op":"=~","regex":"/re/i","match":"text" or null,"holds":B}. */
	op_buf *trace;
} op_eval;

/* What the trees of a rule file own besides its arena: the compiled
 * regexes (freed with it; enq-classify's prefilter reads them) and the
 * history calls, whose state lives across records. */
struct op_lang {
	op_rx **rx;
	size_t nrx, caprx;
	op_expr **hist;
	size_t nhist, caphist;
	/* the first business time (4bh, bdays()), for a program that must
	 * refuse it without a calendar: its line (0: none) and text */
	unsigned business_line;
	const char *business_what;
	/* what --check reads, in the order the file was (check.h) */
	struct op_note *notes, **note_tail;
};

#define OP_FEAT_HISTORY 1	/* prev(), mean_prev(), stddev_prev() (exc-flag) */
#define OP_EXPR_MAX_DEPTH 128	/* nesting of an expression */

op_expr *op_parse_expr(op_parser *p);
op_expr *op_parse_postfix(op_parser *p);	/* a path or call, no operators */
op_expr *op_parse_template(op_parser *p, const char *s, size_t n, size_t at);
op_rx *op_parse_regex(op_parser *p);		/* /pattern/flags at the cursor */
/* for statement parsers: a "string", a "text {expr} text" template */
const char *op_p_string(op_parser *p, const char *what, size_t *len);
op_expr *op_p_template(op_parser *p, const char *what);
int op_expr_is_path(const op_expr *e);
/* The top-level fields a template's placeholders read, one call per
 * path (enq-draft --check); the placeholder as written ("{name|there}"). */
void op_template_fields(const op_expr *t, void (*fn)(void *ctx, const op_expr *slot, const char *field), void *ctx);
const char *op_slot_text(const op_expr *slot);
/* The field a condition is about: the first path it reads, left to
 * right, by its first name, or its second when the first is in skip
 * (NULL-terminated; "delta" in delta.x); NULL when it reads none. */
const char *op_expr_subject(const op_expr *e, const char *const *skip);
/* The field an expression names when it is a plain top-level path. */
const char *op_expr_field(const op_expr *e);
/* A field path (opflow-rules(5) Field paths) at the start of s[0..n),
 * alone, outside any rule file (-o csv's --columns): its tree in a, and
 * in *used how many bytes it took; NULL when s does not start with one,
 * msg saying why and *used where. */
op_expr *op_path_parse(const char *s, size_t n, op_arena *a, op_lang *lang, size_t *used,
		       char *msg, size_t msgsz);
/* The value span the path e (op_expr_is_path) leads to in ev's record:
 * 1 with v, n, and esc (the span may hold escapes), or 0 when it leads
 * nowhere. */
int op_path_span(op_eval *ev, const op_expr *e, const char **v, size_t *n, int *esc);

void op_eval_init(op_eval *ev, op_time now, const op_tz *tz);
void op_eval_record(op_eval *ev, op_rec *r);
void op_eval_free(op_eval *ev);
/* 0 ok, -1 with ev->err (a regex limit, a business time without a calendar) */
int op_eval_expr(op_eval *ev, const op_expr *e, op_val *out);
/* 1 true, 0 false, -1 error */
int op_eval_cond(op_eval *ev, const op_expr *e);
/* When e is `text =~ /re/` and re is gated (prefilter.h), the gate into
 * g, else g->fn NULL: asked of op_eval_text's string, a gate that says
 * no means e is false, so it need not be evaluated. */
void op_expr_text_gate(const op_expr *e, op_rx_gate *g);
/* `text` of the record: subject and body (what E_TEXT evaluates to) */
void op_eval_text(op_eval *ev, const char **s, size_t *n);
int op_truthy(const op_val *v);
/* Render a template (op_parse_template) into out. */
int op_render(op_eval *ev, const op_expr *tmpl, op_buf *out);
/* Values as JSON text / as text for messages. */
void op_val_json(op_buf *b, const op_val *v);
void op_val_text(op_buf *b, const op_val *v);
/* A value as text, as string functions see it (numbers and times
 * formatted): a string's own bytes, else the text in the evaluation's
 * scratch arena, valid until the next record. */
void op_val_as_text(op_eval *ev, const op_val *v, const char **s, size_t *n);
/* A value as a number / time, when it is one or a string that reads as one. */
int op_val_num(const op_val *v, double *d);
int op_val_time(op_eval *ev, const op_val *v, op_time *t);

/* History (OP_FEAT_HISTORY): after a record, remember what its history
 * calls' arguments were, for the next record of the same group. */
void op_history_commit(op_eval *ev);
/* Free what the trees own (not the trees: they are in the arena). */
void op_lang_free(op_lang *lang);
#endif
