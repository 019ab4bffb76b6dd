/* sketch.h - a mergeable quantile sketch for kpi-rollup --approx: DDSketch
 * (Masson, Rim, Lee, "DDSketch: a fast and fully-mergeable quantile sketch
 * with relative-error guarantees", VLDB 2019) with a logarithmic mapping.
 * MIT licence.
 *
 * A value x > 0 goes to bucket i = ceil(log_g(x)), g = (1+a)/(1-a); the
 * bucket stands for 2 g^i / (g+1), which is within relative error a of
 * every value in it.  Negative values mirror into a second store, zeros
 * are counted apart.  Merging adds bucket counts, so it is exact: merged
 * sketches answer exactly as one sketch fed all the values would, in any
 * order.  Memory: at most OP_SKETCH_MAX_BINS buckets per sign (a few KiB),
 * whatever the number of values; values whose magnitudes span more than
 * g^OP_SKETCH_MAX_BINS (about 10^35 at a = 1%) have their smallest buckets
 * collapsed together, the one case where the bound is lost (for the
 * smallest magnitudes only). */
#ifndef OP_SKETCH_H
#define OP_SKETCH_H
#include <stddef.h>
#include <stdint.h>
#include "opflow.h"

/* Linear interpolation from a to b at t in [0, 1], as quantiles take it;
 * when b - a overflows a double, by parts. */
static inline double op_lerp(double a, double b, double t)
{
	double d = b - a;
	return d - d == 0 ? a + t * d : a * (1 - t) + b * t;
}

#define OP_SKETCH_ALPHA 0.01	/* relative accuracy: 1 % */
#define OP_SKETCH_MAX_BINS 4096

typedef struct {
	int32_t lo;		/* index of bin[0] */
	uint32_t n;		/* bins in use */
	uint64_t *bin;
} op_sketch_store;

typedef struct {
	op_sketch_store pos, neg;
	uint64_t zeros, count;
} op_sketch;

void op_sketch_add(op_sketch *s, double x);	/* x finite */
void op_sketch_merge(op_sketch *into, const op_sketch *from);
/* The q-quantile (0 <= q <= 1) with linear interpolation between the
 * estimates of the values at ranks floor(h) and ceil(h), h = q (count-1):
 * the estimate of DuckDB's quantile_cont, within OP_SKETCH_ALPHA of the
 * exact answer when the two neighbours have the same sign.  0 when empty. */
double op_sketch_quantile(const op_sketch *s, double q);
/* State as JSON, [zeros,[lo,c...],[lo,c...]], and back (0, or -1 when the
 * text is not a sketch). */
void op_sketch_dump(const op_sketch *s, op_buf *out);
int op_sketch_load(op_sketch *s, const char *v, size_t n);
void op_sketch_free(op_sketch *s);
#endif
