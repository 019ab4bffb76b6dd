/* agg.c - aggregators and their partial state, see agg.h.  MIT licence,
 * see COPYING. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "expr.h"
#include "jsonl.h"
#include "rfc2047.h"

unsigned op_agg_needs(enum op_aggfn fn, int approx)
{
	switch (fn) {
	case OP_AGG_SUM: case OP_AGG_MEAN: case OP_AGG_MIN: case OP_AGG_MAX:
		return OP_NEED_NUM;
	case OP_AGG_QUANTILE:
		return approx ? OP_NEED_SKETCH : OP_NEED_VALUES;
	case OP_AGG_STDDEV:
		return approx ? OP_NEED_NUM | OP_NEED_SUM2 : OP_NEED_VALUES;
	case OP_AGG_DISTINCT: return OP_NEED_DISTINCT;
	case OP_AGG_FIRST: return OP_NEED_FIRST;
	case OP_AGG_LAST: return OP_NEED_LAST;
	default: return 0;
	}
}

/* ---- exact sums: Shewchuk's algorithm as in CPython's math.fsum ---- */

void op_fsum_add(op_fsum *s, double x)
{
	uint32_t i = 0;
	for (uint32_t j = 0; j < s->n; j++) {
		double y = s->p[j];
		if (fabs(x) < fabs(y)) {
			double t = x;
			x = y;
			y = t;
		}
		double hi = x + y, lo = y - (hi - x);
		if (lo != 0)
			s->p[i++] = lo;
		x = hi;
	}
	if (!isfinite(x)) {
		s->overflow = 1;
		return;
	}
	s->p = op_grow(s->p, i, &s->cap, sizeof *s->p);
	s->p[i++] = x;
	s->n = i;
}

double op_fsum_value(const op_fsum *s, int *ok)
{
	*ok = !s->overflow;
	if (s->overflow || !s->n)
		return 0;
	uint32_t n = s->n - 1;
	double hi = s->p[n], lo = 0;
	while (n > 0) {
		double x = hi, y = s->p[--n];
		hi = x + y;
		lo = y - (hi - x);
		if (lo != 0)
			break;
	}
	/* round half to even across the partials left below */
	if (n > 0 && ((lo < 0 && s->p[n - 1] < 0) || (lo > 0 && s->p[n - 1] > 0))) {
		double y = lo * 2, x = hi + y;
		if (y == x - hi)
			hi = x;
	}
	return hi;
}

void op_fsum_free(op_fsum *s)
{
	free(s->p);
	memset(s, 0, sizeof *s);
}

/* ---- feeding ---- */

void op_agg_num(op_agg *a, unsigned needs, double x)
{
	a->nums++;
	if (needs & (OP_NEED_NUM | OP_NEED_VALUES)) {
		op_fsum_add(&a->sum, x);
		if (a->nums == 1 || x < a->min)
			a->min = x;
		if (a->nums == 1 || x > a->max)
			a->max = x;
	}
	if (needs & OP_NEED_VALUES) {
		a->v = op_grow(a->v, a->nv, &a->capv, sizeof *a->v);
		a->v[a->nv++] = x;
		a->sorted = 0;
	}
	if (needs & OP_NEED_SKETCH)
		op_sketch_add(&a->sk, x);
	if (needs & OP_NEED_SUM2)
		op_fsum_add(&a->sum2, x * x);
}

void op_agg_distinct(op_agg *a, const char *json, size_t n)
{
	int isnew;
	op_hmap_put(&a->distinct, json, n, &isnew);
}

/* <0, 0, >0 as JSON text a sorts before, with or after b (ties of
 * first/last are broken by it, so the input order does not matter) */
static int textcmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	return c ? c : (an > bn) - (an < bn);
}

static void keep(char **dst, size_t *dstn, const char *json, size_t n)
{
	/* realloc, not free and strdup: last() on ordered input keeps every
	 * record's value, of much the same length */
	*dst = op_xrealloc(*dst, n + 1);
	memcpy(*dst, json, n);
	(*dst)[n] = 0;
	*dstn = n;
}

void op_agg_first(op_agg *a, op_time t, const char *json, size_t n)
{
	if (!a->fv || t < a->ft || (t == a->ft && textcmp(json, n, a->fv, a->fvl) < 0)) {
		a->ft = t;
		keep(&a->fv, &a->fvl, json, n);
	}
}

void op_agg_last(op_agg *a, op_time t, const char *json, size_t n)
{
	if (!a->lv || t > a->lt || (t == a->lt && textcmp(json, n, a->lv, a->lvl) > 0)) {
		a->lt = t;
		keep(&a->lv, &a->lvl, json, n);
	}
}

static void fsum_merge(op_fsum *into, const op_fsum *from)
{
	for (uint32_t i = 0; i < from->n; i++)
		op_fsum_add(into, from->p[i]);
	into->overflow |= from->overflow;
}

void op_agg_merge(op_agg *into, const op_agg *from, unsigned needs)
{
	into->rows += from->rows;
	into->nonnull += from->nonnull;
	into->hits += from->hits;
	if (from->nums && (needs & (OP_NEED_NUM | OP_NEED_VALUES))) {
		if (!into->nums || from->min < into->min)
			into->min = from->min;
		if (!into->nums || from->max > into->max)
			into->max = from->max;
	}
	into->nums += from->nums;
	fsum_merge(&into->sum, &from->sum);
	fsum_merge(&into->sum2, &from->sum2);
	if (from->nv) {
		into->v = op_reserve(into->v, into->nv + from->nv, &into->capv, sizeof *into->v);
		memcpy(into->v + into->nv, from->v, from->nv * sizeof *from->v);
		into->nv += from->nv;
		into->sorted = 0;
	}
	if (needs & OP_NEED_SKETCH)
		op_sketch_merge(&into->sk, &from->sk);
	for (size_t i = 0; i < from->distinct.cap; i++)
		if (from->distinct.e[i].key)
			op_agg_distinct(into, from->distinct.e[i].key, from->distinct.e[i].klen);
	if (from->fv)
		op_agg_first(into, from->ft, from->fv, from->fvl);
	if (from->lv)
		op_agg_last(into, from->lt, from->lv, from->lvl);
}

/* ---- results ---- */

double op_quantile_sorted(const double *v, size_t n, double q)
{
	double h = q * (double)(n - 1), f = floor(h);
	size_t lo = (size_t)f;
	if (lo >= n - 1)
		return v[n - 1];
	return op_lerp(v[lo], v[lo + 1], h - f);
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sort finite doubles: an LSD radix sort on their bits made unsigned and
 * ordered (flip all bits of negatives, the sign bit of the rest), 11 bits
 * a pass, skipping the passes where every value has the same digit; a
 * third of what qsort takes on the million values of a benchmark. */
static void sort_doubles(double *v, size_t n)
{
	if (n < 1024) {
		qsort(v, n, sizeof *v, cmpd);
		return;
	}
	uint64_t *a = op_xmalloc(n * sizeof *a), *b = op_xmalloc(n * sizeof *b);
	for (size_t i = 0; i < n; i++) {
		uint64_t u;
		memcpy(&u, &v[i], sizeof u);
		a[i] = u >> 63 ? ~u : u | 0x8000000000000000ULL;
	}
	for (int shift = 0; shift < 64; shift += 11) {
		size_t count[2048] = {0};
		for (size_t i = 0; i < n; i++)
			count[(a[i] >> shift) & 2047]++;
		if (count[(a[0] >> shift) & 2047] == n)
			continue;
		size_t sum = 0;
		for (size_t d = 0; d < 2048; d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			b[count[(a[i] >> shift) & 2047]++] = a[i];
		uint64_t *t = a;
		a = b;
		b = t;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t u = a[i] >> 63 ? a[i] & 0x7FFFFFFFFFFFFFFFULL : ~a[i];
		memcpy(&v[i], &u, sizeof u);
	}
	free(a);
	free(b);
}

int op_agg_number(op_agg *a, enum op_aggfn fn, double q, double *d)
{
	int ok = 1;
	switch (fn) {
	case OP_AGG_COUNT: *d = (double)a->rows; return 1;
	case OP_AGG_COUNTV: *d = (double)a->nonnull; return 1;
	case OP_AGG_DISTINCT: *d = (double)a->distinct.n; return 1;
	case OP_AGG_RATE:
		if (!a->rows)
			return 0;
		*d = (double)a->hits / (double)a->rows;
		return 1;
	case OP_AGG_SUM:
		if (!a->nums)
			return 0;
		*d = op_fsum_value(&a->sum, &ok);
		return ok;
	case OP_AGG_MEAN:
		if (!a->nums)
			return 0;
		*d = op_fsum_value(&a->sum, &ok) / (double)a->nums;
		return ok;
	case OP_AGG_MIN: case OP_AGG_MAX:
		if (!a->nums)
			return 0;
		*d = fn == OP_AGG_MIN ? a->min : a->max;
		return 1;
	case OP_AGG_QUANTILE:
		if (a->sk.count) {
			*d = op_sketch_quantile(&a->sk, q);
			return 1;
		}
		if (!a->nv)
			return 0;
		if (!a->sorted) {
			sort_doubles(a->v, a->nv);
			a->sorted = 1;
		}
		*d = op_quantile_sorted(a->v, a->nv, q);
		return 1;
	case OP_AGG_STDDEV: {
		/* the sample standard deviation; two passes over the values
		 * when they are kept, else from the exact sums of x and x² */
		op_fsum dev = {0};
		double n = (double)(a->nv ? a->nv : a->nums), mean;
		if (n < 2)
			return 0;
		if (a->nv) {
			mean = op_fsum_value(&a->sum, &ok) / n;
			for (size_t i = 0; i < a->nv; i++)
				op_fsum_add(&dev, (a->v[i] - mean) * (a->v[i] - mean));
		} else {
			double s = op_fsum_value(&a->sum, &ok);
			fsum_merge(&dev, &a->sum2);
			op_fsum_add(&dev, -s * (s / n));
		}
		int ok2;
		double var = op_fsum_value(&dev, &ok2) / (n - 1);
		op_fsum_free(&dev);
		*d = sqrt(var > 0 ? var : 0);
		return ok && ok2;
	}
	default:
		return 0;
	}
}

int op_agg_result(op_agg *a, enum op_aggfn fn, double q, op_buf *out, double *d)
{
	if (fn == OP_AGG_FIRST || fn == OP_AGG_LAST) {
		const char *v = fn == OP_AGG_FIRST ? a->fv : a->lv;
		if (v)
			op_buf_add(out, v, fn == OP_AGG_FIRST ? a->fvl : a->lvl);
		else
			op_buf_adds(out, "null");
		return op_agg_number(a, fn, q, d);
	}
	if (!op_agg_number(a, fn, q, d)) {
		op_buf_adds(out, "null");
		return 0;
	}
	op_val v = { .t = OP_VNUM, .u.n = *d };
	op_val_json(out, &v);
	return 1;
}

/* ---- partial state ---- */

static void num(op_buf *out, double d)
{
	op_val v = { .t = OP_VNUM, .u.n = d };
	op_val_json(out, &v);
}

static void dump_fsum(op_buf *out, const char *key, const op_fsum *s)
{
	op_buf_printf(out, ",\"%s\":[", key);
	if (s->overflow)
		op_buf_adds(out, "\"overflow\"");
	for (uint32_t i = 0; !s->overflow && i < s->n; i++) {
		if (i)
			op_buf_addc(out, ',');
		num(out, s->p[i]);
	}
	op_buf_addc(out, ']');
}

/* The values as base64 of their IEEE 754 bits, little-endian: exact, and
 * five times faster to write and read than the shortest decimal text,
 * which matters when a million values go from --partial to --merge. */
static void base64_doubles(op_buf *out, const double *v, size_t n)
{
	unsigned char t[24 * 8];	/* a multiple of 3: no padding between chunks */
	op_buf_grow(out, (n * 8 + 2) / 3 * 4);
	for (size_t i = 0; i < n;) {
		size_t k = 0;
		for (; k < sizeof t && i < n; i++) {
			uint64_t u;
			memcpy(&u, &v[i], sizeof u);
			for (int j = 0; j < 8; j++)
				t[k++] = (unsigned char)(u >> (8 * j));
		}
		op_base64_encode(out, t, k);
	}
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void op_agg_dump(op_agg *a, unsigned needs, op_buf *out)
{
	op_buf_printf(out, "{\"rows\":%llu,\"nonnull\":%llu,\"hits\":%llu,\"nums\":%llu",
		      (unsigned long long)a->rows, (unsigned long long)a->nonnull,
		      (unsigned long long)a->hits, (unsigned long long)a->nums);
	if (needs & (OP_NEED_NUM | OP_NEED_VALUES)) {
		dump_fsum(out, "sum", &a->sum);
		if (a->nums) {
			op_buf_adds(out, ",\"min\":");
			num(out, a->min);
			op_buf_adds(out, ",\"max\":");
			num(out, a->max);
		}
	}
	if (needs & OP_NEED_SUM2)
		dump_fsum(out, "sum2", &a->sum2);
	if (needs & OP_NEED_VALUES) {
		op_buf_adds(out, ",\"values\":\"");
		base64_doubles(out, a->v, a->nv);
		op_buf_addc(out, '"');
	}
	if (needs & OP_NEED_SKETCH) {
		op_buf_adds(out, ",\"sketch\":");
		op_sketch_dump(&a->sk, out);
	}
	if (needs & OP_NEED_DISTINCT) {
		/* sorted, so that equal states are equal text */
		const char **k = op_xcalloc(a->distinct.n + 1, sizeof *k);
		size_t n = 0;
		for (size_t i = 0; i < a->distinct.cap; i++)
			if (a->distinct.e[i].key)
				k[n++] = a->distinct.e[i].key;
		qsort(k, n, sizeof *k, cmpstr);
		op_buf_adds(out, ",\"distinct\":[");
		for (size_t i = 0; i < n; i++) {
			if (i)
				op_buf_addc(out, ',');
			op_buf_json_cstr(out, k[i]);
		}
		op_buf_addc(out, ']');
		free(k);
	}
	if ((needs & OP_NEED_FIRST) && a->fv) {
		op_buf_printf(out, ",\"first\":[%lld,", (long long)a->ft);
		op_buf_add(out, a->fv, a->fvl);
		op_buf_addc(out, ']');
	}
	if ((needs & OP_NEED_LAST) && a->lv) {
		op_buf_printf(out, ",\"last\":[%lld,", (long long)a->lt);
		op_buf_add(out, a->lv, a->lvl);
		op_buf_addc(out, ']');
	}
	op_buf_addc(out, '}');
}

/* A whole number from 0 to 2^53 (counts), or any integer (times). */
static int whole(const char *v, size_t n, double min, double *d)
{
	if (op_jtype_of(v) != OP_JNUM)
		return 0;
	*d = op_jnum(v, n);
	return *d == floor(*d) && *d >= min && *d <= 9007199254740992.0;
}

static int get(const char *v, size_t n, const char *key, const char **out, size_t *outn, op_buf *tmp)
{
	return op_jobj_get(v, n, key, strlen(key), out, outn, tmp);
}

static int load_count(const char *v, size_t n, const char *key, uint64_t *c, op_buf *tmp)
{
	const char *e;
	size_t en;
	double d;
	if (!get(v, n, key, &e, &en, tmp) || !whole(e, en, 0, &d))
		return -1;
	*c = (uint64_t)d;
	return 0;
}

static int load_number(const char *v, size_t n, const char *key, double *d, op_buf *tmp)
{
	const char *e;
	size_t en;
	if (!get(v, n, key, &e, &en, tmp) || op_jtype_of(e) != OP_JNUM)
		return -1;
	*d = op_jnum(e, en);
	return 0;
}

static int load_fsum(const char *v, size_t n, const char *key, op_fsum *s, op_buf *tmp)
{
	const char *e, *x;
	size_t en, xn, pos = 0;
	if (!get(v, n, key, &e, &en, tmp) || op_jtype_of(e) != OP_JARR)
		return -1;
	while (op_jarr_next(e, en, &pos, &x, &xn)) {
		if (op_jtype_of(x) == OP_JSTR && xn == 10 && !memcmp(x, "\"overflow\"", 10))
			s->overflow = 1;
		else if (op_jtype_of(x) == OP_JNUM)
			op_fsum_add(s, op_jnum(x, xn));
		else
			return -1;
	}
	return 0;
}

static int load_firstlast(const char *v, size_t n, const char *key, op_agg *a, int last, op_buf *tmp)
{
	const char *e, *t, *x, *extra;
	size_t en, tn, xn, extran;
	if (!get(v, n, key, &e, &en, tmp))
		return 0;	/* none seen */
	if (op_jtype_of(e) != OP_JARR || !op_jarr_get(e, en, 0, &t, &tn) ||
	    !op_jarr_get(e, en, 1, &x, &xn) || op_jarr_get(e, en, 2, &extra, &extran) ||
	    op_jtype_of(t) != OP_JNUM)
		return -1;
	double d = op_jnum(t, tn);
	if (d != floor(d) || fabs(d) > 9e15)
		return -1;
	if (last)
		op_agg_last(a, (op_time)d, x, xn);
	else
		op_agg_first(a, (op_time)d, x, xn);
	return 0;
}

int op_agg_load(op_agg *a, unsigned needs, const char *v, size_t n, op_err *err)
{
	op_buf tmp = {0};
	const char *e, *x;
	size_t en, xn, pos = 0;
	const char *what = NULL;
	memset(a, 0, sizeof *a);
	if (op_jtype_of(v) != OP_JOBJ)
		what = "not an object";
	else if (load_count(v, n, "rows", &a->rows, &tmp) || load_count(v, n, "nonnull", &a->nonnull, &tmp) ||
		 load_count(v, n, "hits", &a->hits, &tmp) || load_count(v, n, "nums", &a->nums, &tmp))
		what = "rows, nonnull, hits and nums must be counts";
	else if (a->nonnull > a->rows || a->hits > a->rows || a->nums > a->nonnull)
		what = "counts that do not add up";
	else if ((needs & (OP_NEED_NUM | OP_NEED_VALUES)) &&
		 (load_fsum(v, n, "sum", &a->sum, &tmp) ||
		  (a->nums && (load_number(v, n, "min", &a->min, &tmp) || load_number(v, n, "max", &a->max, &tmp)))))
		what = "bad sum, min or max";
	else if ((needs & OP_NEED_SUM2) && load_fsum(v, n, "sum2", &a->sum2, &tmp))
		what = "bad sum2";
	if (!what && (needs & OP_NEED_VALUES)) {
		op_buf bytes = {0};
		if (!get(v, n, "values", &e, &en, &tmp) || op_jtype_of(e) != OP_JSTR || memchr(e, '\\', en))
			what = "values: base64 text expected";
		else
			op_base64_decode(&bytes, e + 1, en - 2);
		if (!what && bytes.len != a->nums * 8)
			what = "as many values as nums expected";
		if (!what && a->nums) {
			a->v = op_xmalloc(bytes.len);
			a->nv = a->capv = a->nums;
			for (size_t i = 0; i < a->nv && !what; i++) {
				uint64_t u = 0;
				for (int k = 7; k >= 0; k--)
					u = u << 8 | (unsigned char)bytes.p[i * 8 + k];
				memcpy(&a->v[i], &u, sizeof u);
				if (!isfinite(a->v[i]))
					what = "values must be finite";
			}
		}
		op_buf_free(&bytes);
	}
	if (!what && (needs & OP_NEED_SKETCH) &&
	    (!get(v, n, "sketch", &e, &en, &tmp) || op_sketch_load(&a->sk, e, en) || a->sk.count != a->nums))
		what = "bad sketch";
	if (!what && (needs & OP_NEED_DISTINCT)) {
		pos = 0;
		if (!get(v, n, "distinct", &e, &en, &tmp) || op_jtype_of(e) != OP_JARR)
			what = "distinct missing";
		op_buf s = {0};
		while (!what && op_jarr_next(e, en, &pos, &x, &xn)) {
			const char *str;
			size_t sn;
			if (op_jtype_of(x) != OP_JSTR) {
				what = "distinct values must be strings";
				break;
			}
			op_jstr(x, xn, memchr(x, '\\', xn) != NULL, &s, &str, &sn);
			op_agg_distinct(a, str, sn);
		}
		op_buf_free(&s);
	}
	if (!what && (((needs & OP_NEED_FIRST) && load_firstlast(v, n, "first", a, 0, &tmp)) ||
		      ((needs & OP_NEED_LAST) && load_firstlast(v, n, "last", a, 1, &tmp))))
		what = "bad first or last";
	op_buf_free(&tmp);
	if (what) {
		op_errf(err, OP_EXIT_DATAERR, "state: %s", what);
		op_agg_free(a);
		return -1;
	}
	return 0;
}

void op_agg_free(op_agg *a)
{
	op_fsum_free(&a->sum);
	op_fsum_free(&a->sum2);
	free(a->v);
	op_sketch_free(&a->sk);
	op_hmap_free(&a->distinct, NULL);
	free(a->fv);
	free(a->lv);
	memset(a, 0, sizeof *a);
}
