/* agg.c - unit tests for lib/agg (exact sums, quantiles, state round
 * trips), lib/sketch (DDSketch error and merging) and lib/bucket
 * (periods, labels, a year before). */
#include <math.h>
#include "agg.h"
#include "bucket.h"
#include "jsonl.h"
#include "tap.h"

static const char *result(op_agg *a, enum op_aggfn fn, double q, op_buf *b)
{
	op_buf_reset(b);
	double d;
	op_agg_result(a, fn, q, b, &d);
	return b->p;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static const char *label(int kind, int64_t b, char *out)
{
	op_bucket_label(kind, b, out);
	return out;
}

int main(void)
{
	op_buf b = {0};
	char l[24];

	/* exact sums: rounded once, whatever the order */
	op_fsum s = {0};
	double xs[] = { 1e16, 1.0, -1e16, 0.1, 0.2, 0.3 };
	for (int i = 0; i < 6; i++)
		op_fsum_add(&s, xs[i]);
	int okv;
	ok(op_fsum_value(&s, &okv) == 1.6 && okv, "fsum(1e16, 1, -1e16, .1, .2, .3) is 1.6");
	op_fsum_free(&s);
	for (int i = 0; i < 10; i++)
		op_fsum_add(&s, 0.1);
	ok(op_fsum_value(&s, &okv) == 1.0, "ten times 0.1 is 1, not 0.9999999999999999");
	op_fsum_free(&s);
	op_fsum_add(&s, 1e308);
	op_fsum_add(&s, 1e308);
	op_fsum_value(&s, &okv);
	ok(!okv, "an overflow is reported");
	op_fsum_free(&s);

	/* quantiles as DuckDB's quantile_cont */
	double v[] = { 1, 2, 3, 4 };
	ok(op_quantile_sorted(v, 4, 0.5) == 2.5, "median of 1..4 is 2.5");
	ok(fabs(op_quantile_sorted(v, 4, 0.9) - 3.7) < 1e-12, "p90 of 1..4 is 3.7");
	ok(op_quantile_sorted(v, 4, 1) == 4 && op_quantile_sorted(v, 4, 0) == 1, "p100 and p0");
	ok(op_quantile_sorted(v, 1, 0.9) == 1, "one value");

	unsigned needs = OP_NEED_NUM | OP_NEED_VALUES | OP_NEED_DISTINCT | OP_NEED_FIRST | OP_NEED_LAST;
	op_agg a = {0}, c = {0}, m = {0};
	double in[] = { 5, 1, 4, 2, 3 };
	for (int i = 0; i < 5; i++) {
		op_agg_row(&a);
		op_agg_nonnull(&a);
		op_agg_num(&a, needs, in[i]);
		char t[32];
		snprintf(t, sizeof t, "%g", in[i]);
		op_agg_distinct(&a, t, strlen(t));
		op_agg_first(&a, 100 + i, t, strlen(t));
		op_agg_last(&a, 100 + i, t, strlen(t));
	}
	op_agg_row(&a);		/* a null */
	is(result(&a, OP_AGG_COUNT, 0, &b), "6", "count()");
	is(result(&a, OP_AGG_COUNTV, 0, &b), "5", "count(x)");
	is(result(&a, OP_AGG_SUM, 0, &b), "15", "sum");
	is(result(&a, OP_AGG_MEAN, 0, &b), "3", "mean");
	is(result(&a, OP_AGG_MIN, 0, &b), "1", "min");
	is(result(&a, OP_AGG_MAX, 0, &b), "5", "max");
	is(result(&a, OP_AGG_QUANTILE, 0.5, &b), "3", "median");
	is(result(&a, OP_AGG_QUANTILE, 0.9, &b), "4.6", "p90");
	is(result(&a, OP_AGG_STDDEV, 0, &b), "1.5811388300841898", "stddev");
	is(result(&a, OP_AGG_DISTINCT, 0, &b), "5", "distinct");
	is(result(&a, OP_AGG_FIRST, 0, &b), "5", "first");
	is(result(&a, OP_AGG_LAST, 0, &b), "3", "last");
	is(result(&a, OP_AGG_RATE, 0, &b), "0", "rate");
	is(result(&c, OP_AGG_MEAN, 0, &b), "null", "mean of nothing is null");
	is(result(&c, OP_AGG_COUNT, 0, &b), "0", "count of nothing is 0");

	/* state out and back in, merged into an empty state: the same */
	op_buf_reset(&b);
	op_agg_dump(&a, needs, &b);
	op_err err;
	ok(!op_agg_load(&c, needs, b.p, b.len, &err), "state loads back");
	op_agg_merge(&m, &c, needs);
	op_buf d = {0};
	op_agg_dump(&m, needs, &d);
	is(d.p, b.p, "merged state dumps the same");
	static const char *const bad[] = {
		"[]", "{\"rows\":1}", "{\"rows\":1,\"nonnull\":2,\"hits\":0,\"nums\":0}",
		"{\"rows\":-1,\"nonnull\":0,\"hits\":0,\"nums\":0}",
		"{\"rows\":2,\"nonnull\":2,\"hits\":0,\"nums\":2,\"sum\":[3],\"min\":1,\"max\":2,\"values\":[1]}",
		"{\"rows\":1,\"nonnull\":1,\"hits\":0,\"nums\":1,\"sum\":[\"x\"],\"min\":1,\"max\":1,\"values\":\"AAAAAAAA8D8=\"}",
		"{\"rows\":1,\"nonnull\":1,\"hits\":0,\"nums\":1,\"sum\":[1],\"min\":1,\"max\":1,\"values\":[1]}",
		"{\"rows\":1,\"nonnull\":1,\"hits\":0,\"nums\":1,\"sum\":[1],\"min\":1,\"max\":1,\"values\":\"AAAAAAAA\"}",
		"{\"rows\":1,\"nonnull\":1,\"hits\":0,\"nums\":1,\"sum\":[1],\"min\":1,\"max\":1,\"values\":\"AAAAAAAA+H8=\"}",
	};
	op_agg_free(&c);
	const char *one = "{\"rows\":1,\"nonnull\":1,\"hits\":0,\"nums\":1,\"sum\":[1],\"min\":1,\"max\":1,\"values\":\"AAAAAAAA8D8=\"}";
	ok(!op_agg_load(&c, OP_NEED_NUM | OP_NEED_VALUES, one, strlen(one), &err) && c.nv == 1 && c.v[0] == 1.0,
	   "values as base64 of little-endian doubles");
	op_agg_free(&c);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		op_agg x;
		ok(op_agg_load(&x, OP_NEED_NUM | OP_NEED_VALUES, bad[i], strlen(bad[i]), &err) == -1,
		   "bad state %zu refused: %s", i, err.msg);
	}
	op_agg_free(&a);
	op_agg_free(&c);
	op_agg_free(&m);
	op_buf_free(&d);

	/* many values (the radix sort): the quantiles of a qsorted copy */
	op_agg big = {0};
	double *copy = malloc(5000 * sizeof *copy);
	unsigned long long seed = 42;
	for (int i = 0; i < 5000; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		double x = ((double)(seed >> 11) / 9007199254740992.0 - 0.3) * pow(10, (int)(seed % 7) - 3);
		op_agg_num(&big, OP_NEED_VALUES, x);
		copy[i] = x;
	}
	qsort(copy, 5000, sizeof *copy, cmpd);
	int same = 1;
	for (int i = 0; i <= 100; i++) {
		double qv;
		op_agg_number(&big, OP_AGG_QUANTILE, i / 100.0, &qv);
		same &= qv == op_quantile_sorted(copy, 5000, i / 100.0);
	}
	ok(same, "101 quantiles of 5000 values of both signs as from qsort");
	free(copy);
	op_agg_free(&big);

	/* DDSketch: within 1 %, merge is exact */
	op_sketch k1 = {0}, k2 = {0}, all = {0};
	double *sorted = malloc(20001 * sizeof *sorted);
	for (int i = 0; i <= 20000; i++) {
		double x = i % 2 ? exp(i / 1000.0) : -exp(i / 2000.0);
		op_sketch_add(i % 3 ? &k1 : &k2, x);
		op_sketch_add(&all, x);
		sorted[i] = x;
	}
	qsort(sorted, 20001, sizeof *sorted, cmpd);
	double worst = 0;
	for (int i = 0; i <= 100; i++) {
		double q = i / 100.0, h = q * 20000, e = op_quantile_sorted(sorted, 20001, q);
		size_t lo = (size_t)h;
		if (lo < 20000 && (sorted[lo] < 0) != (sorted[lo + 1] < 0))
			continue;	/* the bound holds between values of one sign */
		double err1 = fabs(op_sketch_quantile(&all, q) - e) / fabs(e);
		if (err1 > worst)
			worst = err1;
	}
	ok(worst <= OP_SKETCH_ALPHA, "sketch quantiles within 1 %% (worst %.4f %%)", worst * 100);
	op_sketch_merge(&k1, &k2);
	op_buf_reset(&b);
	op_sketch_dump(&k1, &b);
	op_buf_reset(&d);
	op_sketch_dump(&all, &d);
	is(b.p, d.p, "merged sketches equal one sketch of all values");
	op_sketch back;
	ok(!op_sketch_load(&back, b.p, b.len) && back.count == 20001, "sketch loads back");
	op_sketch_free(&back);
	op_sketch_free(&k1);
	op_sketch_free(&k2);
	op_sketch_free(&all);
	free(sorted);

	/* periods */
	op_time t = 1772323200;	/* 2026-03-01T00:00:00Z */
	is(label(OP_BK_DAY, op_bucket_of(OP_BK_DAY, NULL, t), l), "2026-03-01", "day");
	is(label(OP_BK_WEEK, op_bucket_of(OP_BK_WEEK, NULL, t), l), "2026-W09", "week (a Sunday)");
	is(label(OP_BK_MONTH, op_bucket_of(OP_BK_MONTH, NULL, t - 1), l), "2026-02", "month");
	is(label(OP_BK_QUARTER, op_bucket_of(OP_BK_QUARTER, NULL, t - 1), l), "2026-Q1", "quarter");
	is(label(OP_BK_YEAR, op_bucket_of(OP_BK_YEAR, NULL, t), l), "2026", "year");
	is(label(OP_BK_WEEK, op_bucket_of(OP_BK_WEEK, NULL, 1798761600), l), "2026-W53", "2027-01-01 is in 2026-W53");
	is(label(OP_BK_MONTH, op_bucket_of(OP_BK_MONTH, NULL, -1), l), "1969-12", "before 1970");
	int64_t p;
	ok(op_bucket_year_before(OP_BK_WEEK, op_bucket_of(OP_BK_WEEK, NULL, t), &p) &&
	   !strcmp(label(OP_BK_WEEK, p, l), "2025-W09"), "week 9 a year before");
	ok(!op_bucket_year_before(OP_BK_WEEK, op_bucket_of(OP_BK_WEEK, NULL, 1798761600), &p), "2025 has no W53");
	ok(op_bucket_year_before(OP_BK_QUARTER, op_bucket_of(OP_BK_QUARTER, NULL, t), &p) &&
	   !strcmp(label(OP_BK_QUARTER, p, l), "2025-Q1"), "quarter a year before");

	op_buf_free(&b);
	op_buf_free(&d);
	return done_testing();
}
