/* flag.h - the engine of exc-flag (man/exc-flag.1): `flag` statements,
 * loaded once; each record given the `flags` its rules raise.  MIT
 * licence. */
#ifndef OP_FLAG_H
#define OP_FLAG_H
#include "rules.h"
#include "severity.h"
#include "stream.h"

typedef struct {
	const char *name, *owner;	/* owner may be NULL */
	int severity;
	op_expr *when, *message;	/* message may be NULL */
	unsigned line;
	unsigned long long fired;	/* records it flagged */
} op_flag;

typedef struct op_flagger op_flagger;

/* The statement; pass an op_flagger_new() as the rules' ctx. */
extern const op_stmt op_flag_statements[];
op_flagger *op_flagger_new(void);
/* Load the rules (NULL: the built-in alerts.rules); exits 66 or 78.  by
 * (borrowed): the fields whose values name the history group; only: pass
 * only the records flagged. */
op_flagger *op_flagger_load(const char *rules, const char **by, size_t nby, int only, const op_cli *cli,
			    op_err *e);	/* NULL with e: 66 or 78 */
/* An op_record_fn: flag r and write it (or reject it). */
int op_flagger_record(op_stream *st, op_rec *r, void *flagger);
/* --explain: an `explain` field in each flagged record (man/exc-flag.1). */
void op_flagger_explain(op_flagger *c);
/* The rules in their order, with what each fired. */
const op_flag *op_flagger_flags(const op_flagger *c, size_t *n);
unsigned long long op_flagger_flagged(const op_flagger *c);	/* records flagged */
int op_flagger_worst(const op_flagger *c);	/* highest severity that fired, -1 none */
/* The rules as loaded (--check). */
const op_rules *op_flagger_rules(const op_flagger *c);
void op_flagger_free(op_flagger *c);
#endif
