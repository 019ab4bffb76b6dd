/* unit tests for lib/render: numbers for people, escaping, tables,
 * sparklines, axes. */
#include <math.h>
#include "render.h"
#include "tap.h"

static const char *fmt(double v, int kind, const char *unit, int digits)
{
	static op_buf b;
	op_numfmt f = { kind, unit, digits };
	op_buf_reset(&b);
	op_fmt_kpi(&b, v, &f);
	return b.p;
}

static const char *num(double v, const char *unit)
{
	return fmt(v, OP_NUM_ANY, unit, -1);
}

static const char *change(double v, double prev, int kind, const char *unit)
{
	static op_buf b;
	op_numfmt f = { kind, unit, -1 };
	op_buf_reset(&b);
	if (!op_fmt_change(&b, v, prev, &f))
		op_buf_adds(&b, "from-to");
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
	is(num(-1234.5, NULL), "-1,234.5", "up to 2 decimals, grouped");
	is(num(5.1, "h"), "5.1 h", "one decimal for hours, with the unit");
	is(num(5, "h"), "5.0 h", "one decimal for hours, always");
	is(num(8.25, "h"), "8.3 h", "8.25 rounds up, as people round");
	is(num(0.31, NULL), "0.31", "two decimals");
	is(num(0.0474, NULL), "0.05", "two decimals, small");
	is(num(-0.001, NULL), "0", "what rounds to zero has no sign");
	is(num(7.6000000000000005, NULL), "7.6", "no float noise");
	is(num(99.95, NULL), "99.95", "99.95 by the default precision");
	is(fmt(99.95, OP_NUM_VALUE, NULL, 1), "100.0", "99.95 by digits 1, as 100.04 is");
	is(fmt(100.04, OP_NUM_VALUE, NULL, 1), "100.0", "100.04 by digits 1");
	is(fmt(12480, OP_NUM_COUNT, NULL, -1), "12,480", "a count, grouped");
	is(fmt(0.4549, OP_NUM_RATE, NULL, -1), "45 %", "a rate in whole percents");
	is(fmt(0.4549, OP_NUM_RATE, NULL, 1), "45.5 %", "a rate by digits");
	is(num(1e308, NULL), "1e+308", "huge: no false precision");
	is(num(NAN, "h"), "n/a", "not a number");
	is(num(1250, "£"), "£1,250", "a currency sign goes first");
	is(num(-3, "$"), "-$3", "and after the minus");
	is(num(31, "%"), "31 %", "a percentage is shown as given");
	is(change(0.45, 0.59, OP_NUM_RATE, NULL), "14 pp", "a rate changes in points");
	is(change(0.452, 0.45, OP_NUM_RATE, NULL), "0.2 pp", "less than a point: a decimal more");
	is(change(412, 349, OP_NUM_COUNT, NULL), "18 %", "a count in percent");
	is(change(3.4, 5.1, OP_NUM_VALUE, "h"), "from-to", "a time from-to");
	is(change(5, 0, OP_NUM_COUNT, NULL), "from-to", "from zero from-to");
	is(pct(18.05), "18 %", "whole percents from 10");
	is(pct(-4.21), "4.2 %", "a magnitude, one decimal below 10");
	is(pct(0.35), "0.35 %", "below 1");

	op_buf b = {0};
	op_esc_html(&b, "<a href='x'>&\"\x1b\n", 16);
	is(b.p, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\xEF\xBF\xBD ", "HTML escapes, controls replaced");
	op_buf_reset(&b);
	op_esc_md(&b, "median_resp_h _x_ a|b *c* #1 [l](u) \\ `&", 40);
	is(b.p, "median_resp_h \\_x\\_ a\\|b \\*c\\* #1 \\[l\\](u) \\\\ \\`&", "Markdown escapes, but not inside a word");
	op_buf_reset(&b);
	op_esc_md(&b, "Heating & Plumbing &amp; &#38; AT&T &x", 38);
	is(b.p, "Heating & Plumbing \\&amp; \\&#38; AT&T &x", "Markdown: a & escaped only where it starts an entity");
	op_buf_reset(&b);
	op_esc_md(&b, "1. a~~b~~ http://x.io a@b.com www.x.io", 38);
	is(b.p, "1\\. a\\~\\~b\\~\\~ http\\://x.io a\\@b.com www\\.x.io", "Markdown: lists, strikes and links broken");
	op_buf_reset(&b);
	op_esc_md(&b, "- x - y", 7);
	is(b.p, "\\- x - y", "Markdown: a leading bullet only");
	/* # and > only where a line starts, or closing a heading */
	static const char *const heads[][2] = {
		{ "# Unit #5 (C#) x > y > Report ##", "\\# Unit #5 (C#) x > y > Report \\#\\#" },
		{ "> q", "\\> q" },
	};
	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
		op_buf_reset(&b);
		op_esc_md(&b, heads[i][0], strlen(heads[i][0]));
		is(b.p, heads[i][1], "Markdown: # and > where they are markup");
	}
	op_buf_reset(&b);
	op_esc_html(&b, "a\xE2\x80\xAE" "b\xE2\x81\xA6" "c", 9);
	is(b.p, "abc", "bidi controls dropped");
	op_buf_reset(&b);
	op_esc_text(&b, "a\xC2\x85" "b\x7f\tc", 7);
	is(b.p, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD c", "C1 and DEL replaced, a tab is a space");
	is_num(op_text_width("▲ 18 %", strlen("▲ 18 %")), 6, "width counts code points");

	double v[] = { 1, 2, 3, 4, 5, 6, 7, 8 }, w[] = { 5, NAN, 5 }, x[] = { -1e308, 1e308 };
	is(spark(v, 8), "▁▂▃▄▅▆▇█", "a sparkline from min to max");
	double z[] = { 0, 0, 0 };
	is(spark(w, 3), "█·█", "equal values from zero, a dot for a gap");
	is(spark(z, 3), "▁▁▁", "zeros at the bottom, never mid-height");
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
