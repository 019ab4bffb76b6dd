/* agg.h - aggregators for kpi-rollup: the state one group keeps for one
 * input (an expression under an optional `where`), how values go in, how
 * two states merge, how a state is written as JSON for --partial and read
 * back for --merge, and the finished value of each aggregate.
 * MIT licence.
 *
 * Results never depend on the order values arrived in or on how the input
 * was split: sums are exact and rounded once (Shewchuk's partials, as
 * Python's math.fsum), exact quantiles are computed from the sorted values,
 * the standard deviation from exact sums, sketches merge exactly, and
 * ties of first()/last() are broken by the value's JSON text.  So --partial runs
 * merged in any order give the very bytes of one run.
 */
#ifndef OP_AGG_H
#define OP_AGG_H
#include <stddef.h>
#include <stdint.h>
#include "hmap.h"
#include "opflow.h"
#include "operr.h"
#include "sketch.h"
#include "timefmt.h"

/* The aggregate functions of `kpi NAME = FN(...)`. */
enum op_aggfn {
	OP_AGG_COUNT,		/* count(): rows */
	OP_AGG_COUNTV,		/* count(x): rows where x is not null */
	OP_AGG_SUM, OP_AGG_MEAN, OP_AGG_MIN, OP_AGG_MAX,
	OP_AGG_QUANTILE,	/* median, pN */
	OP_AGG_STDDEV,		/* sample standard deviation */
	OP_AGG_DISTINCT,	/* distinct(x): number of different non-null values */
	OP_AGG_RATE,		/* rate(cond): share of rows where cond holds */
	OP_AGG_FIRST, OP_AGG_LAST,	/* first(x) by t, last(x) by t */
};

/* What a state collects; the union of what its aggregates need. */
enum {
	OP_NEED_NUM = 1,	/* numbers: count, exact sum, min, max */
	OP_NEED_VALUES = 2,	/* every number (exact quantiles, stddev) */
	OP_NEED_SKETCH = 4,	/* a DDSketch (--approx quantiles) */
	OP_NEED_SUM2 = 8,	/* exact sum of squares (--approx stddev) */
	OP_NEED_DISTINCT = 16,
	OP_NEED_FIRST = 32,
	OP_NEED_LAST = 64,
};

/* Which of these an aggregate needs, exact or approx. */
unsigned op_agg_needs(enum op_aggfn fn, int approx);

/* An exact sum: non-overlapping partials whose sum is the exact sum. */
typedef struct {
	double *p;
	size_t n, cap;
	int overflow;		/* a partial went past the double range */
} op_fsum;

void op_fsum_add(op_fsum *s, double x);
/* correctly rounded; 0 with *ok 0 after an overflow */
double op_fsum_value(const op_fsum *s, int *ok);
void op_fsum_free(op_fsum *s);

typedef struct {
	uint64_t rows;		/* rows that reached this input */
	uint64_t nonnull;	/* of them, with a value that is not null */
	uint64_t hits;		/* rate(): of them, where the condition held */
	uint64_t nums;		/* numbers among the values */
	op_fsum sum, sum2;
	double min, max;
	double *v;		/* OP_NEED_VALUES */
	size_t nv, capv;
	int sorted;
	op_sketch sk;		/* OP_NEED_SKETCH */
	op_hmap distinct;	/* OP_NEED_DISTINCT: keys are the values' JSON */
	op_time ft, lt;		/* first/last: the time and the value's JSON */
	char *fv, *lv;
	size_t fvl, lvl;
} op_agg;

/* A row reached the input (its `where` held). */
static inline void op_agg_row(op_agg *a) { a->rows++; }
/* A non-null value; then, when it is a number, op_agg_num too. */
static inline void op_agg_nonnull(op_agg *a) { a->nonnull++; }
void op_agg_num(op_agg *a, unsigned needs, double x);
static inline void op_agg_hit(op_agg *a) { a->hits++; }
/* json: the value's JSON text (distinct(), first(), last()) */
void op_agg_distinct(op_agg *a, const char *json, size_t n);
void op_agg_first(op_agg *a, op_time t, const char *json, size_t n);
void op_agg_last(op_agg *a, op_time t, const char *json, size_t n);

void op_agg_merge(op_agg *into, const op_agg *from, unsigned needs);

/* The finished value as a number: 1 and *d, or 0 (null or not a number). */
int op_agg_number(op_agg *a, enum op_aggfn fn, double q, double *d);
/* The same, and as JSON text appended to out ("null" when there is none:
 * no values, or fewer than two for stddev; first/last as they were), in
 * one computation.  q: the quantile. */
int op_agg_result(op_agg *a, enum op_aggfn fn, double q, op_buf *out, double *d);

/* --partial state: a JSON object, and back.  op_agg_load returns 0, or -1
 * with err (65) when the text is not such a state. */
void op_agg_dump(op_agg *a, unsigned needs, op_buf *out);
int op_agg_load(op_agg *a, unsigned needs, const char *v, size_t n, op_err *err);
void op_agg_free(op_agg *a);

/* The exact q-quantile of sorted v[0..n), n > 0: linear interpolation
 * between the values at ranks floor(h) and ceil(h), h = q (n-1), as
 * DuckDB's quantile_cont and PostgreSQL's percentile_cont. */
double op_quantile_sorted(const double *v, size_t n, double q);
#endif
