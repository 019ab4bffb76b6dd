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
/* v with its unit: "3.4 h", "31 %", a currency sign first: "£1,250";
 * unit NULL or "" for none. */
void op_fmt_value(op_buf *b, double v, const char *unit);
/* |pct| as a percentage: "18 %", "4.2 %", "0.35 %". */
void op_fmt_pct(op_buf *b, double pct);
/* The change from prev to v as a percentage, when it reads best so: a KPI
 * without a unit (a count, a rate), a prev not 0 and a finite answer.
 * 1 with *pct set, else 0: say it from-to instead. */
int op_pct_change(double v, double prev, const char *unit, double *pct);

/* ---- text made safe ---- */
/* Control characters (C0, DEL, C1) become U+FFFD, a newline or tab a
 * space, everywhere: a value from a record never moves a terminal's
 * cursor or breaks a line of a table.  Input is UTF-8 (records are). */
void op_esc_text(op_buf *b, const char *s, size_t n);
/* The same, and & < > " ' as character references. */
void op_esc_html(op_buf *b, const char *s, size_t n);
/* The same, and the characters Markdown would read as markup
 * (\ ` * _ [ ] < > | # &) behind a backslash; an underscore inside a
 * word is left alone, as CommonMark does not read it as emphasis. */
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
void op_table_html(op_buf *b, const op_table *t);
void op_table_free(op_table *t);

/* ---- charts ---- */
/* ns series over nx points: y[s * nx + x], NaN where a value is missing. */
typedef struct {
	const char *title;		/* for <title> and aria-label */
	const char *unit;		/* for tooltips, may be NULL */
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
/* n values as ▁▂▃▄▅▆▇█ scaled between their min and max (all equal: ▄), a
 * middle dot · where a value is missing. */
void op_sparkline(op_buf *b, const double *v, size_t n);

#endif
