/* stmts.h - the statements the rule harnesses (rules.c, expr.c) register:
 * together they call every op_p_* reader of lib/rules, the token readers
 * statements use (lib/lex) and the expression, template and regex
 * parsers (lib/parse), with the toolkit's own rule files as seeds.  MIT
 * licence, see COPYING. */
#ifndef OP_FUZZ_STMTS_H
#define OP_FUZZ_STMTS_H
#include "rules.h"

/* what a parse kept, for the evaluator */
typedef struct {
	const op_expr *e[64], *tmpl[64];
	size_t ne, nt;
} fuzz_kept;

static void keep(const op_expr **v, size_t *n, const op_expr *e)
{
	if (e && *n < 64)
		v[(*n)++] = e;
}

/* NAME WORD when EXPR, then any of: owner NAME, message "T", sla DUR,
 * score N, pattern /RE/, text "S", -> NAME, as NAME, - WORD ("did you
 * mean" on a miss) */
static void st_any(op_parser *p, void *ctx)
{
	fuzz_kept *k = ctx;
	op_p_name(p, "name");
	if (op_p_end(p))
		return;
	op_p_word(p, "word");
	op_p_expect(p, "when");
	keep(k->e, &k->ne, op_parse_expr(p));
	static const char *const opts[] = { "owner", "message", "sla", "score", "pattern", "text", NULL };
	while (!op_p_end(p)) {
		size_t len, at = op_p_skip(p);
		int bus;
		if (op_p_accept(p, "owner"))
			op_p_name(p, "owner");
		else if (op_p_accept(p, "message"))
			keep(k->tmpl, &k->nt, op_p_template(p, "message"));
		else if (op_p_accept(p, "sla"))
			op_p_duration(p, "duration", &bus);
		else if (op_p_accept(p, "score"))
			op_p_number(p, "score");
		else if (op_p_accept(p, "pattern"))
			op_parse_regex(p);
		else if (op_p_accept(p, "text"))
			op_p_string(p, "text", &len);
		else if (op_lex_accept(p, OP_T_ARROW) || op_p_accept(p, "as")) {
			if (!op_lex_name(p))
				op_p_error(p, "a name expected");
		} else {
			const char *w = op_p_word(p, "option");
			op_p_error_at(p, at, "unknown '%s' (%s?)", w, op_p_suggest(w, opts) ? "near" : "none");
		}
	}
}

/* e EXPR: one expression alone */
static void st_expr(op_parser *p, void *ctx)
{
	fuzz_kept *k = ctx;
	keep(k->e, &k->ne, op_parse_expr(p));
}

static const op_stmt fuzz_stmts[] = {
	{ "flag", st_any, "flag NAME SEVERITY when EXPR [owner NAME] [message \"T\"] ..." },
	{ "route", st_any, "route NAME WORD when EXPR ..." },
	{ "e", st_expr, "e EXPR" },
	{ NULL, NULL, NULL },
};
#endif
