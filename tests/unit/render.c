/* unit tests for lib/render: numbers for people, escaping, tables,
 * sparklines, axes. */
#include <math.h>
#include "render.h"
#include "tap.h"

static const char *num(double v, const char *unit)
{
	static op_buf b;
	op_buf_reset(&b);
	op_fmt_value(&b, v, unit);
	return b.p;
}

static const char *pct(double v)
{
	static op_buf b;
	op_buf_reset(&b);
	op_fmt_pct(&b, v);
	return b.p;
}

static const char *spark(const double *v, size_t n)
{
	static op_buf b;
	op_buf_reset(&b);
	op_sparkline(&b, v, n);
	return b.p ? b.p : "";
}

int main(void)
{
	is(num(412, NULL), "412", "a count");
	is(num(1234567, NULL), "1,234,567", "thousands separators");
	is(num(-1234.5, NULL), "-1,235", "from 100 up, whole, half away from zero");
	is(num(5.1, "h"), "5.1 h", "one decimal from 1 to 100, with the unit");
	is(num(8.25, "h"), "8.3 h", "8.25 rounds up, as people round");
	is(num(0.31, NULL), "0.31", "two significant digits below 1");
	is(num(0.0474, NULL), "0.047", "two significant digits, small");
	is(num(-0.0001, NULL), "-0.0001", "negative and small");
	is(num(-0.000000001, NULL), "-1e-09", "tiny: no line of zeros");
	is(num(1e308, NULL), "1e+308", "huge: no false precision");
	is(num(NAN, "h"), "n/a", "not a number");
	is(num(1250, "£"), "£1,250", "a currency sign goes first");
	is(num(-3, "$"), "-$3", "and after the minus");
	is(num(31, "%"), "31 %", "a percentage is shown as given");
	is(num(-0.004, NULL), "-0.004", "small negatives keep their sign");
	is(pct(18.05), "18 %", "whole percents from 10");
	is(pct(-4.21), "4.2 %", "a magnitude, one decimal below 10");
	is(pct(0.35), "0.35 %", "below 1");

	op_buf b = {0};
	op_esc_html(&b, "<a href='x'>&\"\x1b\n", 16);
	is(b.p, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\xEF\xBF\xBD ", "HTML escapes, controls replaced");
	op_buf_reset(&b);
	op_esc_md(&b, "median_resp_h _x_ a|b *c* #1 [l](u) \\ `&", 40);
	is(b.p, "median_resp_h \\_x\\_ a\\|b \\*c\\* \\#1 \\[l\\](u) \\\\ \\`&", "Markdown escapes, but not inside a word");
	op_buf_reset(&b);
	op_esc_md(&b, "Heating & Plumbing &amp; &#38; AT&T &x", 38);
	is(b.p, "Heating & Plumbing \\&amp; \\&\\#38; AT&T &x", "Markdown: a & escaped only where it starts an entity");
	op_buf_reset(&b);
	op_esc_text(&b, "a\xC2\x85" "b\x7f\tc", 7);
	is(b.p, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD c", "C1 and DEL replaced, a tab is a space");
	is_num(op_text_width("▲ 18 %", strlen("▲ 18 %")), 6, "width counts code points");

	double v[] = { 1, 2, 3, 4, 5, 6, 7, 8 }, w[] = { 5, NAN, 5 }, x[] = { -1e308, 1e308 };
	is(spark(v, 8), "▁▂▃▄▅▆▇█", "a sparkline from min to max");
	is(spark(w, 3), "▄·▄", "equal values in the middle, a dot for a gap");
	is(spark(x, 2), "▁█", "extreme values do not overflow");
	is(spark(v, 0), "", "nothing");

	double lo = 0, hi = 412, step;
	op_nice_axis(&lo, &hi, &step);
	ok(lo == 0 && hi == 500 && step == 100, "axis 0..412: 0..500 by 100 (%g..%g by %g)", lo, hi, step);
	lo = -3, hi = 0.7;
	op_nice_axis(&lo, &hi, &step);
	ok(lo == -3 && hi == 1 && step == 1, "axis -3..0.7: -3..1 by 1 (%g..%g by %g)", lo, hi, step);
	lo = 0, hi = 0;
	op_nice_axis(&lo, &hi, &step);
	ok(hi > lo && step > 0, "an empty range is widened");

	op_table t;
	op_table_init(&t, 3, "lrr");
	op_table_add(&t, "group");
	op_table_add(&t, "n");
	op_table_add(&t, "change");
	op_table_add(&t, "café");
	op_table_add(&t, "1,234");
	op_table_add(&t, "▲ 18 %");
	op_table_add(&t, "x|y");
	op_table_add(&t, "5");
	op_table_add(&t, "");
	op_buf_reset(&b);
	op_table_text(&b, &t, "");
	is(b.p, "group      n  change\n-----  -----  ------\ncafé   1,234  ▲ 18 %\nx|y        5\n",
	   "text table aligned by code points, no trailing blanks");
	op_buf_reset(&b);
	op_table_md(&b, &t);
	is(b.p, "| group | n | change |\n|:---|---:|---:|\n| café | 1,234 | ▲ 18 % |\n| x\\|y | 5 |  |\n",
	   "Markdown table, pipes escaped");
	op_table_free(&t);
	op_buf_free(&b);
	return done_testing();
}
