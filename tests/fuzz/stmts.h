/* stmts.h - the statements the rule harnesses (rules.c, expr.c) register:
 * the engines' own tables (lib/classify, route, flag, rollup), which
 * together call every op_p_* reader of lib/rules, the token readers
 * statements use (lib/lex) and the expression, template and regex
 * parsers (lib/parse), with the toolkit's own rule files as seeds.  MIT
 * licence, see COPYING. */
#ifndef OP_FUZZ_STMTS_H
#define OP_FUZZ_STMTS_H
#include "classify.h"
#include "flag.h"
#include "rollup.h"
#include "route.h"
#include "rules.h"

/* An engine: its statements, and a fresh context for them */
typedef struct {
	const op_stmt *kinds;
	unsigned features;
	void *(*make)(void);
	void (*drop)(void *);
} fuzz_engine;

static void *make_classify(void) { return op_classify_new(); }
static void drop_classify(void *c) { op_classify_free(c); }
static void *make_route(void) { return op_route_new(); }
static void drop_route(void *c) { op_route_free(c); }
static void *make_flag(void) { return op_flagger_new(); }
static void drop_flag(void *c) { op_flagger_free(c); }
static void *make_rollup(void) { return op_rollup_new(); }
static void drop_rollup(void *c) { op_rollup_free(c); }

static const fuzz_engine fuzz_engines[] = {
	{ op_classify_statements, 0, make_classify, drop_classify },
	{ op_route_statements, 0, make_route, drop_route },
	{ op_flag_statements, OP_FEAT_HISTORY, make_flag, drop_flag },
	{ op_rollup_statements, 0, make_rollup, drop_rollup },
};

/* what a parse kept, for the evaluator (expr.c): the flags of a flagger,
 * and "e EXPR" lines */
typedef struct {
	op_flagger *flags;
	const op_expr *e[64];
	size_t ne;
} fuzz_kept;

/* flag ...: exc-flag's own statement */
static void st_flag(op_parser *p, void *ctx)
{
	op_flag_statements[0].parse(p, ((fuzz_kept *)ctx)->flags);
}

/* e EXPR: one expression alone */
static void st_expr(op_parser *p, void *ctx)
{
	fuzz_kept *k = ctx;
	const op_expr *e = op_parse_expr(p);
	if (k->ne < 64)
		k->e[k->ne++] = e;
}

static const op_stmt fuzz_stmts[] = {
	{ "flag", st_flag, "flag NAME SEVERITY when EXPR [owner NAME] [message \"T\"]" },
	{ "e", st_expr, "e EXPR" },
	{ NULL, NULL, NULL },
};
#endif
