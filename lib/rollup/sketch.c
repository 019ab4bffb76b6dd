/* sketch.c - DDSketch, see sketch.h.  MIT licence, see COPYING. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "sketch.h"

static double log_gamma(void)
{
	/* atomic: kpi-rollup -j's threads may be the first to ask at once
	 * (and all write the one value) */
	static _Atomic double lg;
	double g = atomic_load_explicit(&lg, memory_order_relaxed);
	if (!g) {
		g = log((1 + OP_SKETCH_ALPHA) / (1 - OP_SKETCH_ALPHA));
		atomic_store_explicit(&lg, g, memory_order_relaxed);
	}
	return g;
}

/* magnitude m > 0 -> bucket; clamped so that an int32 always holds it
 * (doubles reach 1e308, about 35,000 buckets at 1 %) */
static int32_t index_of(double m)
{
	double i = ceil(log(m) / log_gamma());
	return (int32_t)i;
}

static double value_of(int32_t i)
{
	double g = (1 + OP_SKETCH_ALPHA) / (1 - OP_SKETCH_ALPHA);
	double e = exp((double)i * log_gamma()), v = 2 * e / (g + 1);
	return v - v == 0 ? v : e * (2 / (g + 1));	/* 2 g^i overflows near DBL_MAX */
}

/* Make room for bucket i and return it, collapsing the lowest buckets
 * into one when the span would pass OP_SKETCH_MAX_BINS. */
static void store_add(op_sketch_store *s, int32_t i, uint64_t c)
{
	if (!s->n) {
		s->bin = op_xcalloc(1, sizeof *s->bin);
		s->lo = i;
		s->n = 1;
	}
	int64_t lo = s->lo, hi = lo + s->n - 1;
	if (i < lo) {
		int64_t nlo = i;
		if (hi - nlo + 1 > OP_SKETCH_MAX_BINS)
			nlo = hi - OP_SKETCH_MAX_BINS + 1;
		if (nlo < lo) {
			uint32_t grow = (uint32_t)(lo - nlo);
			s->bin = op_xrealloc(s->bin, (s->n + grow) * sizeof *s->bin);
			memmove(s->bin + grow, s->bin, s->n * sizeof *s->bin);
			memset(s->bin, 0, grow * sizeof *s->bin);
			s->n += grow;
			s->lo = (int32_t)nlo;
		}
		if (i < s->lo)
			i = s->lo;	/* collapsed into the lowest bucket */
	} else if (i > hi) {
		int64_t nlo = lo;
		if ((int64_t)i - lo + 1 > OP_SKETCH_MAX_BINS)
			nlo = (int64_t)i - OP_SKETCH_MAX_BINS + 1;
		if (nlo > lo) {		/* fold [lo, nlo) into nlo */
			uint64_t folded = 0;
			uint32_t drop = (uint32_t)(nlo - lo < s->n ? nlo - lo : s->n);
			for (uint32_t k = 0; k < drop; k++)
				folded += s->bin[k];
			memmove(s->bin, s->bin + drop, (s->n - drop) * sizeof *s->bin);
			s->n -= drop;
			s->lo = (int32_t)nlo;
			if (!s->n) {
				s->bin[0] = 0;
				s->n = 1;
			}
			s->bin[0] += folded;
			hi = (int64_t)s->lo + s->n - 1;
		}
		if (i > hi) {
			uint32_t grow = (uint32_t)(i - hi);
			s->bin = op_xrealloc(s->bin, (s->n + grow) * sizeof *s->bin);
			memset(s->bin + s->n, 0, grow * sizeof *s->bin);
			s->n += grow;
		}
	}
	s->bin[i - s->lo] += c;
}

void op_sketch_add(op_sketch *s, double x)
{
	s->count++;
	if (x > 0)
		store_add(&s->pos, index_of(x), 1);
	else if (x < 0)
		store_add(&s->neg, index_of(-x), 1);
	else
		s->zeros++;
}

void op_sketch_merge(op_sketch *into, const op_sketch *from)
{
	for (uint32_t k = 0; k < from->pos.n; k++)
		if (from->pos.bin[k])
			store_add(&into->pos, from->pos.lo + (int32_t)k, from->pos.bin[k]);
	for (uint32_t k = 0; k < from->neg.n; k++)
		if (from->neg.bin[k])
			store_add(&into->neg, from->neg.lo + (int32_t)k, from->neg.bin[k]);
	into->zeros += from->zeros;
	into->count += from->count;
}

static uint64_t store_total(const op_sketch_store *s)
{
	uint64_t t = 0;
	for (uint32_t k = 0; k < s->n; k++)
		t += s->bin[k];
	return t;
}

/* the estimate of the value of rank k (0-based, ascending) */
static double value_at(const op_sketch *s, uint64_t k)
{
	uint64_t nneg = store_total(&s->neg), cum = 0;
	if (k < nneg) {
		for (uint32_t j = s->neg.n; j-- > 0;)
			if ((cum += s->neg.bin[j]) > k)
				return -value_of(s->neg.lo + (int32_t)j);
	}
	k -= nneg;
	if (k < s->zeros)
		return 0;
	k -= s->zeros;
	for (uint32_t j = 0; j < s->pos.n; j++)
		if ((cum += s->pos.bin[j]) > k)
			return value_of(s->pos.lo + (int32_t)j);
	return s->pos.n ? value_of(s->pos.lo + (int32_t)s->pos.n - 1) : 0;
}

double op_sketch_quantile(const op_sketch *s, double q)
{
	if (!s->count)
		return 0;
	double h = q * (double)(s->count - 1), f = floor(h);
	double a = value_at(s, (uint64_t)f);
	if (h == f)
		return a;
	double b = value_at(s, (uint64_t)f + 1);
	return op_lerp(a, b, h - f);
}

static void store_dump(const op_sketch_store *s, op_buf *out)
{
	op_buf_addc(out, '[');
	if (s->n) {
		op_buf_printf(out, "%ld", (long)s->lo);
		for (uint32_t k = 0; k < s->n; k++)
			op_buf_printf(out, ",%llu", (unsigned long long)s->bin[k]);
	}
	op_buf_addc(out, ']');
}

void op_sketch_dump(const op_sketch *s, op_buf *out)
{
	op_buf_printf(out, "[%llu,", (unsigned long long)s->zeros);
	store_dump(&s->pos, out);
	op_buf_addc(out, ',');
	store_dump(&s->neg, out);
	op_buf_addc(out, ']');
}

/* a whole number from 0 to 2^53 (a count, or an index with sign) */
static int whole(const char *v, size_t n, double min, double *d)
{
	if (op_jtype_of(v) != OP_JNUM)
		return 0;
	*d = op_jnum(v, n);
	return *d == floor(*d) && *d >= min && *d <= 9007199254740992.0;
}

static int store_load(op_sketch_store *s, const char *v, size_t n, uint64_t *total)
{
	const char *e;
	size_t en, pos = 0;
	double d;
	int first = 1;
	if (op_jtype_of(v) != OP_JARR)
		return -1;
	while (op_jarr_next(v, n, &pos, &e, &en)) {
		if (first) {
			if (!whole(e, en, -40000, &d) || d > 40000)
				return -1;
			s->lo = (int32_t)d;
			first = 0;
			continue;
		}
		if (!whole(e, en, 0, &d) || s->n >= OP_SKETCH_MAX_BINS)
			return -1;
		s->bin = op_xrealloc(s->bin, (s->n + 1) * sizeof *s->bin);
		s->bin[s->n++] = (uint64_t)d;
		*total += (uint64_t)d;
	}
	return 0;
}

int op_sketch_load(op_sketch *s, const char *v, size_t n)
{
	const char *e;
	size_t en, pos = 0, i = 0;
	double d;
	memset(s, 0, sizeof *s);
	if (op_jtype_of(v) != OP_JARR)
		return -1;
	uint64_t total = 0;
	while (op_jarr_next(v, n, &pos, &e, &en)) {
		if (i == 0) {
			if (!whole(e, en, 0, &d))
				goto bad;
			s->zeros = (uint64_t)d;
		} else if (i > 2 || store_load(i == 1 ? &s->pos : &s->neg, e, en, &total)) {
			goto bad;
		}
		i++;
	}
	if (i != 3)
		goto bad;
	s->count = total + s->zeros;
	return 0;
bad:
	op_sketch_free(s);
	return -1;
}

void op_sketch_free(op_sketch *s)
{
	free(s->pos.bin);
	free(s->neg.bin);
	memset(s, 0, sizeof *s);
}
