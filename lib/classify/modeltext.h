/* modeltext.h - the text a model reads from a record: an expression of
 * the rule language (`text` by default), given with --text to enq-train
 * and kept in the model file for enq-classify.  MIT licence. */
#ifndef OP_MODELTEXT_H
#define OP_MODELTEXT_H
#include "rules.h"

/* Parse src as one expression; *rules owns it.  When it is not one, NULL
 * with err (78) after "prog: WHAT:1:COL: message" is reported. */
op_expr *op_modeltext_parse(const char *what, const char *src, op_rules **rules, op_err *err);
/* The expression's value for the current record as text: 1 with s, n
 * set (numbers and times formatted, see op_val_as_text), 0 when it is
 * null, -1 on an evaluation error (ev->err). */
int op_modeltext_eval(op_eval *ev, const op_expr *e, const char **s, size_t *n);
#endif
