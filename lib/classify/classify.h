/* classify.h - the engine of enq-classify (man/enq-classify.1): rules,
 * prefilter and model, loaded once; each record classified and written.
 * MIT licence. */
#ifndef OP_CLASSIFY_H
#define OP_CLASSIFY_H
#include "rules.h"
#include "stream.h"

typedef struct op_classify op_classify;

#define OP_CLASSIFY_EXPLAIN 1		/* --explain */
#define OP_CLASSIFY_RECLASSIFY 2	/* --reclassify: the record's own values go */
#define OP_CLASSIFY_NOLANG 4		/* --no-lang: no `lang` member */
#define OP_CLASSIFY_NOMODEL 8		/* --no-model: no built-in model */
#define OP_CLASSIFY_RULEREPORT 16	/* --rule-report: count, write nothing */

/* The statements; pass an op_classify_new() as the rules' ctx. */
extern const op_stmt op_classify_statements[];
op_classify *op_classify_new(void);
/* Load the rules (NULL: the built-in classify.rules) and the models
 * models[0..nmodels) (a model whose label is priority decides the
 * priority, any other the category); what they leave, the built-in models
 * take unless OP_CLASSIFY_NOMODEL.  NULL with e (66 or 78) on a file that
 * cannot be read or is not valid, 64 on two models of a kind. */
op_classify *op_classify_load(const char *rules, const char *const *models, size_t nmodels, double min_prob,
			      int flags, const op_cli *cli, op_err *e);
/* An op_record_fn: classify r and write it (or reject it). */
int op_classify_record(op_stream *st, op_rec *r, void *classify);
/* --rule-report: after the records, each category and priority rule's
 * precision on them, a JSON line each (man/enq-classify.1) */
void op_classify_report(op_classify *c, op_stream *st);
/* ,"by_input":N,"by_rules":N,... for --stats */
void op_classify_stats(const op_classify *c, op_buf *extra);
/* What the rules name, for enq-draft --check: the categories (the default
 * last), the fields `require` asks for, or the fields `extract` makes; a
 * NULL-terminated list the caller frees (the names are the rules'). */
enum { OP_CLASSIFY_CATEGORIES, OP_CLASSIFY_REQUIRED, OP_CLASSIFY_EXTRACTED };
const char **op_classify_names(const op_classify *c, int what);
/* The rules as loaded (--check). */
const op_rules *op_classify_rules(const op_classify *c);
void op_classify_free(op_classify *c);
#endif
