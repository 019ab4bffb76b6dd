/* render.h - what a report is drawn with: numbers for people, text made
 * safe for Markdown, HTML and a terminal, tables in the three forms,
 * SVG line and bar charts, and sparklines.  Everything appends to an
 * op_buf; nothing here knows about KPIs.  MIT licence. */
#ifndef OP_RENDER_H
#define OP_RENDER_H

#include <stddef.h>
#include "opflow.h"

/* ---- numbers ---- */
/* v for people, locale-free: whole numbers (and anything from 100 up) with
 * thousands separators, "1,234"; from 1 to 100 one decimal, "5.1"; below 1
 * two significant digits, "0.31", "0.047"; from 10^15 up and under 10^-6
 * three significant digits, "1e+308"; not finite: "n/a". */
void op_fmt_num(op_buf *b, double v);
/* How a person reads a KPI's values (kpi-rollup's "kind", "unit" and
 * "digits"); OP_NUM_ANY for rows without that metadata. */
enum { OP_NUM_ANY, OP_NUM_COUNT, OP_NUM_RATE, OP_NUM_VALUE };
enum { OP_NUM_DIGITS_MAX = 9 };	/* digits, at most */
typedef struct {
	int kind;		/* OP_NUM_* */
	const char *unit;	/* NULL or "" for none */
	int digits;		/* decimals shown, -1: the default */
} op_numfmt;

/* v as a person reads it, in a fixed number of decimals and with
 * thousands separators: a rate (a fraction) as a percentage, "45 %" (0
 * decimals by default); a count whole, "12,480"; anything else by
 * digits, else 1 decimal for a time unit (h, bh, min, d), else at most 2
 * without trailing zeros, "7.6", "99.95", "0.05"; the unit after it,
 * "3.4 h", a currency sign first, "£1,250".  Half away from zero; what
 * rounds to zero has no sign; from 10^15 up three significant digits;
 * not finite: "n/a". */
void op_fmt_kpi(op_buf *b, double v, const op_numfmt *f);
/* The size of the change from prev to v (no sign) as it reads best: a
 * rate in percentage points, "14 pp" (with the decimals it takes not to
 * read 0, "0.4 pp"); a
 * count, or any KPI without a unit, as a percentage of prev when prev is
 * not 0, "18 %".  1 when written, else 0: say it in the unit instead. */
int op_fmt_change(op_buf *b, double v, double prev, const op_numfmt *f);
/* |v - prev| as op_fmt_kpi writes it, with the decimals it takes not to
 * read 0: "0.02 h" when 2.44 h became 2.46 h. */
void op_fmt_delta(op_buf *b, double v, double prev, const op_numfmt *f);
/* Do v and prev read alike, "2.4 h" both?  Then a person sees no change,
 * and none is told.  A rate's change, in points, is told to its decimal
 * (op_fmt_change): never alike unless equal. */
int op_fmt_same(double v, double prev, const op_numfmt *f);
/* |pct| as a percentage: "18 %", "4.2 %", "0.35 %". */
void op_fmt_pct(op_buf *b, double pct);

/* ---- text made safe ---- */
/* Control characters (C0, DEL, C1) become U+FFFD, a newline or tab a
 * space, and the bidirectional embeddings, overrides and isolates
 * (U+202A..U+202E, U+2066..U+2069) are dropped, everywhere: a value from a
 * record never moves a terminal's cursor, breaks a line of a table or
 * turns the text around it backwards.  Input is UTF-8 (records are). */
void op_esc_text(op_buf *b, const char *s, size_t n);
/* The same, and & < > " ' as character references. */
void op_esc_html(op_buf *b, const char *s, size_t n);
/* The same, and the characters Markdown would read as markup
 * (\ ` * _ [ ] < > | # ~) behind a backslash; an underscore inside a
 * word is left alone, as CommonMark does not read it as emphasis, and a &
 * is escaped only where it starts an entity reference.  What GitHub's
 * Markdown would link by itself is broken up: the ':' before "//"
 * (http://x), the '.' of a "www." starting a word and the '@' between
 * the two parts of an e-mail address (a@b.com).  At the start of the text, where a line may start, what would
 * begin a list or a break: "1. " -> "1\. ", "- " -> "\- ", "+ ". */
void op_esc_md(op_buf *b, const char *s, size_t n);
/* Terminal columns of a UTF-8 string: one per code point. */
size_t op_text_width(const char *s, size_t n);

/* ---- tables ---- */
/* Cells are plain text, added row by row (row 0 is the header); each
 * renderer escapes them for its format.  align: one 'l' or 'r' per column. */
typedef struct {
	size_t ncol, ncell, cap;
	char **cell;
	char *align;
} op_table;

void op_table_init(op_table *t, size_t ncol, const char *align);
void op_table_add(op_table *t, const char *s);
void op_table_addf(op_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void op_table_text(op_buf *b, const op_table *t, const char *indent);
void op_table_md(op_buf *b, const op_table *t);
/* In a box that scrolls sideways by itself (<div class="scroll">), so a
 * wide table never widens the page. */
void op_table_html(op_buf *b, const op_table *t);
void op_table_free(op_table *t);

/* ---- charts ---- */
/* ns series over nx points: y[s * nx + x], NaN where a value is missing. */
typedef struct {
	const char *title;		/* for <title> and aria-label */
	const op_numfmt *fmt;		/* for tooltips */
	size_t nx, ns;
	const char *const *xlabel;
	const char *const *sname;
	const double *y;
	const size_t *colour;		/* series -> colour number, so that a group
					 * keeps its colour in every chart; NULL:
					 * the series' own number */
} op_chart;

/* An inline <svg> (no namespace, no external reference: for an HTML
 * page's body): a line per series, broken where values are missing, a
 * dot per value with a tooltip, a zero-based y axis with round ticks.
 * op_svg_bars draws grouped bars instead, for one or few points. */
void op_svg_lines(op_buf *b, const op_chart *c);
void op_svg_bars(op_buf *b, const op_chart *c);
/* The legend for the chart's series, as an HTML list with colour swatches. */
void op_chart_legend_html(op_buf *b, const op_chart *c);
/* The colour of series i. */
const char *op_chart_colour(size_t i);

/* Round axis ticks covering lo..hi: *step and the widened *lo, *hi. */
void op_nice_axis(double *lo, double *hi, double *step);

/* ---- sparklines ---- */
/* n values as ▁▂▃▄▅▆▇█ scaled between their min and max, a middle dot ·
 * where a value is missing.  All equal: scaled from zero, so a row of
 * zeros is ▁▁▁ and a constant above zero █; never drawn at mid-height. */
void op_sparkline(op_buf *b, const double *v, size_t n);

#endif
