/* modeltext.c - the text a model reads from a record.  MIT licence. */
#include <string.h>

#include "modeltext.h"

static void parse_text(op_parser *p, void *ctx)
{
	*(op_expr **)ctx = op_parse_expr(p);
}

op_expr *op_modeltext_parse(const char *what, const char *src, op_rules **rules, op_err *err)
{
	/* the rule reader does the parsing and the error messages: the
	 * expression is a one-line file whose one statement is the text */
	static const op_stmt stmt[] = { { "text", parse_text, "text EXPR" }, { NULL, NULL, NULL } };
	op_buf line = {0};
	op_buf_printf(&line, "text %s", src);
	op_expr *e = NULL;
	int nerr;
	*rules = op_rules_parse(what, line.p, line.len, stmt, &e, 0, &nerr);
	op_buf_free(&line);
	if (nerr || !e || strchr(src, '\n')) {
		op_rules_free(*rules);
		*rules = NULL;
		if (nerr)	/* the rule reader has reported them */
			op_errf(err, OP_EXIT_CONFIG, "%s", "");
		else
			op_errf(err, OP_EXIT_CONFIG, "%s: one expression expected", what);
		return NULL;
	}
	return e;
}

int op_modeltext_eval(op_eval *ev, const op_expr *e, const char **s, size_t *n)
{
	op_val v;
	if (op_eval_expr(ev, e, &v))
		return -1;
	if (v.t == OP_VNULL)
		return 0;
	/* in the scratch arena, not a buffer of the caller's: two subjects
	 * of one record never share an address (the prefilter keys on it) */
	op_val_as_text(ev, &v, s, n);
	return 1;
}
