/* ast.h - inside the expression language: the tree parse.c builds and
 * eval.c walks, the table of builtin functions (builtin.c), and what the
 * builtins take from the evaluator.  Callers use expr.h.  MIT licence. */
#ifndef OP_AST_H
#define OP_AST_H

#include <string.h>

#include "expr.h"
#include "hmap.h"

enum kind {
	E_LIT, E_PATH, E_TEXT, E_NOT, E_NEG, E_AND, E_OR, E_CMP, E_ARITH, E_MATCH,
	E_IN, E_CALL, E_LIST, E_TEMPLATE,
	E_SLOT,		/* a template's {expr:format|fallback}: a, fmt, b (E_LIT), lit its text */
};
enum cmpop { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE };

typedef struct {
	const char *name;
	size_t len;
	long idx;		/* >= 0: an array index */
} seg;

/* A builtin gets the values of its first two arguments (a[0], a[1]),
 * unless it is lazy and evaluates its own (call->args).  out is null on
 * entry.  0, or -1 with ev->err. */
typedef int op_builtin_fn(op_eval *ev, const op_expr *call, const op_val *a, op_val *out);

typedef struct op_builtin {
	const char *name;
	unsigned char min, max;	/* arguments */
	unsigned char feat;	/* OP_FEAT_*: the programs that offer it */
	unsigned char lazy;
	int arg;		/* what an implementation shared by several is told */
	op_builtin_fn *fn;
} op_builtin;

extern const op_builtin op_builtins[];
/* The builtin called name (len bytes), or NULL. */
const op_builtin *op_builtin_find(const char *name, size_t len);
/* Is f bhours() or bdays(), business time that needs a calendar? */
int op_builtin_business(const op_builtin *f);
/* Their names, NULL-terminated, for "did you mean". */
void op_builtin_names(const char **out);

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
	const char *fmt;	/* E_SLOT: the time format, or NULL */
	const op_builtin *fn;
	op_expr **args;
	size_t nargs;
	/* per-record cache of a path's top-level field */
	unsigned long gen;
	const op_field *cached;
	/* history */
	size_t window;
	op_hmap *groups;
};

/* ---- the evaluator, for the builtins ---- */
int op_eval_fail(op_eval *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* <0, 0, >0 in *res when a and b are comparable (returns 1). */
int op_val_compare(op_eval *ev, const op_val *a, const op_val *b, int *res);
/* Is x in `in` (a list, a JSON array or object, a string)? */
int op_val_member(op_eval *ev, const op_val *x, const op_val *in);
/* A list or JSON array as its items' text with sep between; any other
 * value as op_val_text writes it. */
void op_val_join(op_eval *ev, const op_val *v, const char *sep, size_t seplen, op_buf *out);
/* This call's history for the evaluation's group (created when asked). */
ring *op_hist_ring(const op_expr *call, op_eval *ev, int create);

static inline void op_val_str(op_val *v, const char *s, size_t n)
{
	v->t = OP_VSTR;
	v->u.str.s = s;
	v->u.str.len = n;
}

/* n bytes (and a NUL) of the evaluation's scratch, until the next record */
static inline char *op_eval_scratch(op_eval *ev, size_t n)
{
	return op_arena_alloc(&ev->scratch, n + 1);
}

/* b's text moved into the scratch as a string value; b is freed */
static inline void op_val_str_from(op_eval *ev, op_val *v, op_buf *b)
{
	char *c = op_eval_scratch(ev, b->len);
	if (b->len)
		memcpy(c, b->p, b->len);
	op_val_str(v, c, b->len);
	op_buf_free(b);
}
#endif
