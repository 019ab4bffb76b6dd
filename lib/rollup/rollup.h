/* rollup.h - the GROUP BY of kpi-rollup: `by` and `kpi` statements of the
 * rule language, one state per group and period fed record by record,
 * --partial state rows out and --merge state rows in, and the finished
 * rows (the kpi-rollup row of kpi-rollup(1)) with --fill and --compare.
 * MIT licence. */
#ifndef OP_ROLLUP_H
#define OP_ROLLUP_H
#include <stdint.h>
#include "expr.h"
#include "rules.h"
#include "table.h"

typedef struct op_rollup op_rollup;

enum { OP_CMP_NONE, OP_CMP_PREVIOUS, OP_CMP_YEAR };

op_rollup *op_rollup_new(void);
void op_rollup_free(op_rollup *r);
/* The statements `by` and `kpi`; pass r as the rules' ctx. */
extern const op_stmt op_rollup_statements[];

typedef struct {
	int approx, fill, compare;
	int partial;			/* --partial: keep what any --compare of
					 * the --merge may look back to */
	int has_from, has_to;
	op_time from, to;		/* periods from the one holding `from` up
					 * to the one holding to - 1 second */
	const op_tz *tz;
	int has_min_n;
	double min_n;			/* --min-n: of the kpis that set none */
} op_rollup_opts;

/* After the statements are read: checks what needs the whole definition
 * (a KPI must exist; --from/--to/--fill/--compare and first()/last()
 * without `by` need a period).  0, or -1 with err, whose code is 64 for
 * options and 78 for definitions. */
int op_rollup_setup(op_rollup *r, const op_rollup_opts *o, op_err *err);
/* A record: 0, or -1 with the reason in ev->err (nothing was counted). */
int op_rollup_record(op_rollup *r, op_eval *ev);
/* A --partial state row (a scanned line): 0, or -1 with err (65). */
int op_rollup_merge(op_rollup *r, op_rec *rec, op_err *err);
/* Adds the state of from, a rollup of the same definitions and options
 * fed other records, to r: as if r had been fed them too. */
void op_rollup_absorb(op_rollup *r, const op_rollup *from);

/* Output, one line at a time through emit (no newline in s). */
typedef void (*op_emit_fn)(void *ctx, const char *s, size_t n);
void op_rollup_partial(op_rollup *r, op_emit_fn emit, void *ctx);
/* The finished rows; 0, or -1 with err (64: --fill over too many periods). */
int op_rollup_finish(op_rollup *r, enum op_grid_fmt fmt, op_emit_fn emit, void *ctx,
		     op_err *err);

/* For --stats: groups, values that were not numbers, times that were not
 * times, dated records outside --from/--to, records with no time for the
 * period (undated: null or not a time; with --from/--to, when no row
 * counts them, also in the rows' "kpi" metadata; in a --partial state row
 * of their own). */
void op_rollup_stats(const op_rollup *r, op_buf *out);
/* The records with no time for the period that no row holds. */
unsigned long long op_rollup_undated(const op_rollup *r);
#endif
