/* render.c - numbers for people, escaping, tables, SVG charts and
 * sparklines for kpi-report.  MIT licence, see COPYING. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* ---- numbers ----------------------------------------------------------- */

/* digits of a non-negative decimal text, with a comma every three places
 * of its integer part */
static void add_grouped(op_buf *b, const char *s)
{
	size_t intlen = strcspn(s, ".");
	for (size_t i = 0; i < intlen; i++) {
		if (i && (intlen - i) % 3 == 0)
			op_buf_addc(b, ',');
		op_buf_addc(b, s[i]);
	}
	op_buf_adds(b, s + intlen);
}

void op_fmt_num(op_buf *b, double v)
{
	char tmp[64];
	if (!isfinite(v)) {
		op_buf_adds(b, "n/a");
		return;
	}
	double a = fabs(v);
	int dec;
	if (a >= 1e15 || (a > 0 && a < 1e-6)) {
		/* beyond what a double holds to the unit, or tiny: no false
		 * precision, no line of zeros */
		snprintf(tmp, sizeof tmp, "%.3g", v);
		op_buf_adds(b, tmp);
		return;
	}
	if (a == floor(a) || a >= 100)
		dec = 0;
	else if (a >= 1)
		dec = 1;
	else
		dec = 1 - (int)floor(log10(a));
	/* half away from zero, as people round (printf would give 8.2 for
	 * 8.25, which is exact in binary and rounds to even) */
	double scale = pow(10, dec);
	snprintf(tmp, sizeof tmp, "%.*f", dec, dec <= 6 ? round(a * scale) / scale : a);
	if (a < 1) {
		/* two significant digits, not two and a zero: 0.0001, 0.3 */
		size_t e = strlen(tmp);
		while (e > 1 && tmp[e - 1] == '0')
			tmp[--e] = 0;
		if (tmp[e - 1] == '.')
			tmp[--e] = 0;
	}
	/* what rounds to zero has no sign */
	if (v < 0 && strspn(tmp, "0.") != strlen(tmp))
		op_buf_addc(b, '-');
	add_grouped(b, tmp);
}

static int is_currency(const char *u)
{
	return !strcmp(u, "£") || !strcmp(u, "$") || !strcmp(u, "€") || !strcmp(u, "¥");
}

static int is_time(const char *u)
{
	return !strcmp(u, "h") || !strcmp(u, "bh") || !strcmp(u, "min") || !strcmp(u, "d");
}

/* what fixed() drops of the decimals: nothing, trailing zeros (7.6),
 * or all of them only when all are zeros (£1,250 but £1,234.50) */
enum { KEEP, TRIM_ZEROS, TRIM_WHOLE };

/* |v| in dec decimals, trimmed, grouped; the sign when it does not round
 * to zero */
static void fixed(op_buf *b, double v, int dec, int trim)
{
	char tmp[400];
	double a = fabs(v), scale = pow(10, dec);
	if (a >= 1e15) {
		snprintf(tmp, sizeof tmp, "%.3g", v);	/* no false precision */
		op_buf_adds(b, tmp);
		return;
	}
	/* half away from zero, as people round (printf would give 8.2 for
	 * 8.25, which is exact in binary and rounds to even) */
	snprintf(tmp, sizeof tmp, "%.*f", dec, a * scale < 9e15 ? round(a * scale) / scale : a);
	size_t e = strlen(tmp);
	char *dot = strchr(tmp, '.');
	if (dot && (trim == TRIM_ZEROS || (trim == TRIM_WHOLE && strspn(dot + 1, "0") == strlen(dot + 1)))) {
		while (tmp[e - 1] == '0')
			e--;
		e -= tmp[e - 1] == '.';
		tmp[e] = 0;
	}
	if (v < 0 && strspn(tmp, "0.") != strlen(tmp))
		op_buf_addc(b, '-');
	add_grouped(b, tmp);
}

/* the decimals op_fmt_kpi shows v in: digits, else by kind and unit */
static int decimals(const op_numfmt *f)
{
	if (f->digits >= 0)
		return f->digits;
	return f->kind == OP_NUM_COUNT ? 0 : f->unit && *f->unit && is_time(f->unit) ? 1 : 2;
}

void op_fmt_kpi(op_buf *b, double v, const op_numfmt *f)
{
	const char *unit = f->unit && *f->unit ? f->unit : NULL;
	if (!isfinite(v)) {
		op_buf_adds(b, "n/a");
		return;
	}
	if (f->kind == OP_NUM_RATE) {
		fixed(b, 100 * v, f->digits >= 0 ? f->digits : 0, KEEP);
		op_buf_adds(b, " %");
		return;
	}
	int dec = decimals(f);
	int trim = f->digits >= 0 || f->kind == OP_NUM_COUNT || (unit && is_time(unit)) ? KEEP
		 : unit && is_currency(unit) ? TRIM_WHOLE : TRIM_ZEROS;
	if (unit && is_currency(unit)) {
		if (v < 0)
			op_buf_addc(b, '-');
		op_buf_adds(b, unit);
		v = fabs(v);
	}
	fixed(b, v, dec, trim);
	if (unit && !is_currency(unit)) {
		op_buf_addc(b, ' ');
		op_buf_adds(b, unit);
	}
}

/* the decimals, from dec up, that a > 0 takes not to read as none:
 * 0.4 pp, not 0 pp */
static int visible(double a, int dec)
{
	while (a > 0 && a < 0.5 * pow(10, -dec) && dec < OP_NUM_DIGITS_MAX)
		dec++;
	return dec;
}

int op_fmt_same(double v, double prev, const op_numfmt *f)
{
	if (v == prev)
		return 1;
	if (f->kind == OP_NUM_RATE)
		return 0;
	op_buf a = {0}, p = {0};
	op_fmt_kpi(&a, v, f);
	op_fmt_kpi(&p, prev, f);
	int same = !strcmp(a.p, p.p);
	op_buf_free(&a);
	op_buf_free(&p);
	return same;
}

void op_fmt_delta(op_buf *b, double v, double prev, const op_numfmt *f)
{
	/* halves: v - prev of two values near DBL_MAX would overflow */
	double d = 2 * fabs(v / 2 - prev / 2);
	op_numfmt g = *f;
	int dec = decimals(f);
	if (visible(d, dec) > dec)
		g.digits = visible(d, dec);
	op_fmt_kpi(b, d, &g);
}

int op_fmt_change(op_buf *b, double v, double prev, const op_numfmt *f)
{
	if (f->kind == OP_NUM_RATE) {
		/* halves: v - prev of two values near DBL_MAX would overflow */
		double pp = 200 * fabs(v / 2 - prev / 2);
		fixed(b, pp, visible(pp, f->digits >= 0 ? f->digits : 0), KEEP);
		op_buf_adds(b, " pp");
		return 1;
	}
	if ((f->kind != OP_NUM_COUNT && f->unit && *f->unit) || prev == 0)
		return 0;
	double pct = 100 * (v / 2 - prev / 2) / fabs(prev / 2);
	if (!isfinite(pct))
		return 0;
	op_fmt_pct(b, pct);
	return 1;
}

void op_fmt_pct(op_buf *b, double pct)
{
	char tmp[64];
	double a = fabs(pct);
	if (isfinite(a) && a >= 1 && a < 1e15) {
		/* 18 %, not 18.05 %: a report reads in whole percents */
		snprintf(tmp, sizeof tmp, "%.*f", a >= 10 ? 0 : 1, a);
		add_grouped(b, tmp);
	} else {
		op_fmt_num(b, a);
	}
	op_buf_adds(b, " %");
}

/* ---- text made safe ---------------------------------------------------- */

static const char REPLACEMENT[] = "\xEF\xBF\xBD";

/* calls out(b, c) for each byte that is neither control nor handled here */
static void scrub(op_buf *b, const char *s, size_t n, void (*special)(op_buf *, char))
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n; i++) {
		unsigned c = p[i];
		if (c == '\n' || c == '\t' || c == '\r')
			op_buf_addc(b, ' ');
		else if (c < 0x20 || c == 0x7F)
			op_buf_adds(b, REPLACEMENT);
		else if (c == 0xC2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F) {
			op_buf_adds(b, REPLACEMENT);	/* C1 controls, U+0080..U+009F */
			i++;
		} else if (c == 0xE2 && i + 2 < n &&
			   ((p[i + 1] == 0x80 && p[i + 2] >= 0xAA && p[i + 2] <= 0xAE) ||
			    (p[i + 1] == 0x81 && p[i + 2] >= 0xA6 && p[i + 2] <= 0xA9)))
			i += 2;	/* bidi embedding, override or isolate: dropped */
		else
			special(b, (char)c);
	}
}

static void plain(op_buf *b, char c)
{
	op_buf_addc(b, c);
}

static void html_char(op_buf *b, char c)
{
	switch (c) {
	case '&': op_buf_adds(b, "&amp;"); break;
	case '<': op_buf_adds(b, "&lt;"); break;
	case '>': op_buf_adds(b, "&gt;"); break;
	case '"': op_buf_adds(b, "&quot;"); break;
	case '\'': op_buf_adds(b, "&#39;"); break;
	default: op_buf_addc(b, c);
	}
}

static int alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* does s start like the rest of an entity reference, "amp;" or "#38;"?
 * Only then is a '&' before it markup in CommonMark: "Heating & Plumbing"
 * is written as it is */
static int entity(const char *s, size_t n)
{
	size_t i = n > 0 && s[0] == '#';
	while (i < n && alnum((unsigned char)s[i]))
		i++;
	return i > 0 && i < n && s[i] == ';' && alnum((unsigned char)s[i - 1]);
}

/* the index of the '.' or ')' of an ordered list's marker that s starts
 * with ("1. ", "12) "), or 0 */
static size_t ordered_marker(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && i < 9 && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == 0 || i == n || (s[i] != '.' && s[i] != ')'))
		return 0;
	return i + 1 == n || s[i + 1] == ' ' ? i : 0;
}

/* is the '#' at i in the closing sequence of an ATX heading: a run of
 * them after a blank with nothing but blanks after it (CommonMark 4.2)? */
static int closing_hashes(const char *s, size_t n, size_t i)
{
	size_t j = i, k = i;
	while (j > 0 && s[j - 1] == '#')
		j--;
	while (k < n && s[k] == '#')
		k++;
	while (k < n && s[k] == ' ')
		k++;
	return j > 0 && s[j - 1] == ' ' && k == n;
}

static int email_char(int c)
{
	return alnum(c) || c == '.' || c == '_' || c == '-' || c == '+';
}

/* does GitHub's Markdown read the character at i as markup, or as part of
 * a link it makes by itself? */
static int md_special(const char *s, size_t n, size_t i, size_t marker)
{
	char c = s[i];
	unsigned char before = i ? (unsigned char)s[i - 1] : ' ', after = i + 1 < n ? (unsigned char)s[i + 1] : ' ';
	switch (c) {
	case '_':	/* not inside a word (median_resp_h): never emphasis */
		return !(i > 0 && i + 1 < n && alnum(before) && alnum(after));
	case '&': return entity(s + i + 1, n - i - 1);
	case ':': return i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/';
	case '@': return email_char(before) && alnum(after);
	case '.':
		return (marker && i == marker) ||
		       (i >= 3 && !memcmp(s + i - 3, "www", 3) && (i == 3 || !alnum((unsigned char)s[i - 4])));
	case ')': return marker && i == marker;
	case '-': case '+': return i == 0 && (after == ' ' || (c == '-' && after == '-'));
	/* a heading or a block quote only where a line starts (Unit #5, C#
	 * and x > y are written as they are), or a heading's closing #s */
	case '#': return i == 0 || closing_hashes(s, n, i);
	case '>': return i == 0;
	default: return strchr("\\`*[]<|~", c) != NULL;
	}
}

void op_esc_md(op_buf *b, const char *s, size_t n)
{
	size_t start = b->len;
	op_esc_text(b, s, n);
	/* now escape in place, a backslash before each character that would
	 * be markup */
	size_t len = b->len - start;
	char *copy = op_xstrndup(b->p + start, len);
	size_t marker = ordered_marker(copy, len);
	b->len = start;
	for (size_t i = 0; i < len; i++) {
		if (md_special(copy, len, i, marker))
			op_buf_addc(b, '\\');
		op_buf_addc(b, copy[i]);
	}
	free(copy);
}

void op_esc_text(op_buf *b, const char *s, size_t n) { scrub(b, s, n, plain); }
void op_esc_html(op_buf *b, const char *s, size_t n) { scrub(b, s, n, html_char); }

size_t op_text_width(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xC0) != 0x80;
	return w;
}

/* ---- tables ------------------------------------------------------------ */

void op_table_init(op_table *t, size_t ncol, const char *align)
{
	memset(t, 0, sizeof *t);
	t->ncol = ncol;
	t->align = op_xstrndup(align, ncol);
}

void op_table_add(op_table *t, const char *s)
{
	t->cell = op_grow(t->cell, t->ncell, &t->cap, sizeof *t->cell);
	t->cell[t->ncell++] = op_xstrdup(s);
}

void op_table_addf(op_table *t, const char *fmt, ...)
{
	char *s;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		op_die(OP_EXIT_SOFTWARE, "out of memory");
	va_end(ap);
	op_table_add(t, s);
	free(s);
}

void op_table_free(op_table *t)
{
	for (size_t i = 0; i < t->ncell; i++)
		free(t->cell[i]);
	free(t->cell);
	free(t->align);
	memset(t, 0, sizeof *t);
}

static void pad(op_buf *b, size_t n)
{
	while (n--)
		op_buf_addc(b, ' ');
}

void op_table_text(op_buf *b, const op_table *t, const char *indent)
{
	size_t nrow = t->ncell / t->ncol;
	size_t *w = op_xcalloc(t->ncol, sizeof *w);
	op_buf cell = {0};
	/* widths of the scrubbed cells, as they will be printed */
	for (size_t i = 0; i < nrow * t->ncol; i++) {
		op_buf_reset(&cell);
		op_esc_text(&cell, t->cell[i], strlen(t->cell[i]));
		size_t cw = op_text_width(cell.p ? cell.p : "", cell.len);
		if (cw > w[i % t->ncol])
			w[i % t->ncol] = cw;
	}
	for (size_t r = 0; r < nrow; r++) {
		size_t start = b->len;
		op_buf_adds(b, indent);
		for (size_t c = 0; c < t->ncol; c++) {
			op_buf_reset(&cell);
			op_esc_text(&cell, t->cell[r * t->ncol + c], strlen(t->cell[r * t->ncol + c]));
			size_t gap = w[c] - op_text_width(cell.p ? cell.p : "", cell.len);
			if (c)
				op_buf_adds(b, "  ");
			if (t->align[c] == 'r')
				pad(b, gap);
			op_buf_add(b, cell.p ? cell.p : "", cell.len);
			if (t->align[c] != 'r')
				pad(b, gap);
		}
		while (b->len > start && b->p[b->len - 1] == ' ')
			b->p[--b->len] = 0;	/* no trailing blanks */
		op_buf_addc(b, '\n');
		if (r == 0) {
			op_buf_adds(b, indent);
			for (size_t c = 0; c < t->ncol; c++) {
				if (c)
					op_buf_adds(b, "  ");
				for (size_t k = 0; k < w[c]; k++)
					op_buf_adds(b, "-");
			}
			op_buf_addc(b, '\n');
		}
	}
	op_buf_free(&cell);
	free(w);
}

void op_table_md(op_buf *b, const op_table *t)
{
	size_t nrow = t->ncell / t->ncol;
	for (size_t r = 0; r < nrow; r++) {
		op_buf_addc(b, '|');
		for (size_t c = 0; c < t->ncol; c++) {
			const char *s = t->cell[r * t->ncol + c];
			op_buf_addc(b, ' ');
			op_esc_md(b, s, strlen(s));
			op_buf_adds(b, " |");
		}
		op_buf_addc(b, '\n');
		if (r == 0) {
			op_buf_addc(b, '|');
			for (size_t c = 0; c < t->ncol; c++)
				op_buf_adds(b, t->align[c] == 'r' ? "---:|" : ":---|");
			op_buf_addc(b, '\n');
		}
	}
}

void op_table_html(op_buf *b, const op_table *t)
{
	size_t nrow = t->ncell / t->ncol;
	op_buf_adds(b, "<div class=\"scroll\"><table>\n");
	for (size_t r = 0; r < nrow; r++) {
		op_buf_adds(b, r ? "<tr>" : "<thead><tr>");
		for (size_t c = 0; c < t->ncol; c++) {
			const char *s = t->cell[r * t->ncol + c];
			const char *tag = r ? "td" : "th";
			op_buf_printf(b, "<%s%s>", tag, t->align[c] == 'r' ? " class=\"num\"" : "");
			op_esc_html(b, s, strlen(s));
			op_buf_printf(b, "</%s>", tag);
		}
		op_buf_adds(b, r ? "</tr>\n" : "</tr></thead>\n");
	}
	op_buf_adds(b, "</table></div>\n");
}

/* ---- charts ------------------------------------------------------------ */

/* Tableau 10's first eight: distinct for most colour vision */
static const char *const colours[] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
};

const char *op_chart_colour(size_t i)
{
	return colours[i % (sizeof colours / sizeof *colours)];
}

void op_nice_axis(double *lo, double *hi, double *step)
{
	if (!(*hi > *lo))
		*hi = *lo + (fabs(*lo) > 1 ? fabs(*lo) : 1);
	/* about five steps; fifths first, as hi - lo may overflow a double */
	double raw = *hi / 5 - *lo / 5, mag = pow(10, floor(log10(raw))), r = raw / mag;
	*step = (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
	*lo = floor(*lo / *step) * *step;
	*hi = ceil(*hi / *step) * *step;
	/* rounding out past the largest double gives infinity */
	if (!isfinite(*lo))
		*lo = -DBL_MAX;
	if (!isfinite(*hi))
		*hi = DBL_MAX;
}

enum { W = 640, H = 240, LEFT = 64, RIGHT = 16, TOP = 12, BOTTOM = 36 };

typedef struct {
	double lo, hi, step;
} axis;

/* the y axis for all values, from zero: a change is seen at its true size */
static axis y_axis(const op_chart *c)
{
	axis a = { 0, 0, 1 };
	for (size_t i = 0; i < c->nx * c->ns; i++)
		if (isfinite(c->y[i])) {
			if (c->y[i] < a.lo)
				a.lo = c->y[i];
			if (c->y[i] > a.hi)
				a.hi = c->y[i];
		}
	op_nice_axis(&a.lo, &a.hi, &a.step);
	return a;
}

static const char *series_colour(const op_chart *c, size_t s)
{
	return op_chart_colour(c->colour ? c->colour[s] : s);
}

static double ypos(const axis *a, double v)
{
	/* halves, as hi - lo may overflow a double */
	return TOP + (H - TOP - BOTTOM) * ((a->hi / 2 - v / 2) / (a->hi / 2 - a->lo / 2));
}

static void svg_open(op_buf *b, const op_chart *c, const axis *a)
{
	op_buf_printf(b, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", W, H);
	op_esc_html(b, c->title, strlen(c->title));
	op_buf_adds(b, "\"><title>");
	op_esc_html(b, c->title, strlen(c->title));
	op_buf_adds(b, "</title>\n");
	/* at most 12 ticks: a hostile range cannot make the loop long */
	for (int i = 0; i <= 12; i++) {
		double v = a->lo + i * a->step;
		if (!isfinite(v))
			break;
		if (v > a->hi + a->step / 2)
			break;
		double y = ypos(a, v);
		op_buf_printf(b, "<line class=\"%s\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>",
			      v == 0 ? "zero" : "grid", LEFT, W - RIGHT, y, y);
		op_buf_printf(b, "<text class=\"ytick\" x=\"%d\" y=\"%.1f\">", LEFT - 6, y + 4);
		op_fmt_num(b, fabs(v) < a->step / 1e6 ? 0 : v);
		op_buf_adds(b, "</text>\n");
	}
}

/* the x label of point i, for every k-th point and the last, so that
 * labels never overlap */
static void x_labels(op_buf *b, const op_chart *c, double (*xpos)(const op_chart *, size_t))
{
	size_t k = (c->nx + 7) / 8;
	for (size_t i = 0; i < c->nx; i++) {
		if (i != c->nx - 1 && (i % k || c->nx - 1 - i < k))
			continue;
		op_buf_printf(b, "<text class=\"xtick\" x=\"%.1f\" y=\"%d\">", xpos(c, i), H - BOTTOM + 18);
		op_esc_html(b, c->xlabel[i], strlen(c->xlabel[i]));
		op_buf_adds(b, "</text>");
	}
	op_buf_addc(b, '\n');
}

static void tooltip(op_buf *b, const op_chart *c, size_t s, size_t x)
{
	op_buf_adds(b, "<title>");
	op_esc_html(b, c->sname[s], strlen(c->sname[s]));
	op_buf_adds(b, ", ");
	op_esc_html(b, c->xlabel[x], strlen(c->xlabel[x]));
	op_buf_adds(b, ": ");
	op_buf vb = {0};
	op_fmt_kpi(&vb, c->y[s * c->nx + x], c->fmt);
	op_esc_html(b, vb.p, vb.len);
	op_buf_free(&vb);
	op_buf_adds(b, "</title>");
}

static double line_x(const op_chart *c, size_t i)
{
	double w = W - LEFT - RIGHT - 20;
	return c->nx == 1 ? LEFT + 10 + w / 2 : LEFT + 10 + w * (double)i / (double)(c->nx - 1);
}

void op_svg_lines(op_buf *b, const op_chart *c)
{
	axis a = y_axis(c);
	svg_open(b, c, &a);
	x_labels(b, c, line_x);
	for (size_t s = 0; s < c->ns; s++) {
		const double *y = c->y + s * c->nx;
		op_buf_printf(b, "<path class=\"line\" stroke=\"%s\" d=\"", series_colour(c, s));
		int pen = 0, first = 1;
		for (size_t i = 0; i < c->nx; i++) {
			if (!isfinite(y[i])) {
				pen = 0;	/* a gap where a value is missing */
				continue;
			}
			op_buf_printf(b, "%s%c%.1f %.1f", first ? "" : " ", pen ? 'L' : 'M',
				      line_x(c, i), ypos(&a, y[i]));
			pen = 1;
			first = 0;
		}
		op_buf_adds(b, "\"/>\n");
		for (size_t i = 0; i < c->nx; i++) {
			if (!isfinite(y[i]))
				continue;
			op_buf_printf(b, "<circle r=\"3\" fill=\"%s\" cx=\"%.1f\" cy=\"%.1f\">",
				      series_colour(c, s), line_x(c, i), ypos(&a, y[i]));
			tooltip(b, c, s, i);
			op_buf_adds(b, "</circle>");
		}
		op_buf_addc(b, '\n');
	}
	op_buf_adds(b, "</svg>\n");
}

static double band_x(const op_chart *c, size_t i)
{
	double band = (double)(W - LEFT - RIGHT) / (double)c->nx;
	return LEFT + band * ((double)i + 0.5);
}

void op_svg_bars(op_buf *b, const op_chart *c)
{
	axis a = y_axis(c);
	svg_open(b, c, &a);
	x_labels(b, c, band_x);
	double band = (double)(W - LEFT - RIGHT) / (double)c->nx;
	double bw = band * 0.8 / (double)(c->ns ? c->ns : 1);
	double y0 = ypos(&a, 0);
	for (size_t s = 0; s < c->ns; s++) {
		for (size_t i = 0; i < c->nx; i++) {
			double v = c->y[s * c->nx + i];
			if (!isfinite(v))
				continue;
			double x = LEFT + band * (double)i + band * 0.1 + bw * (double)s, yv = ypos(&a, v);
			op_buf_printf(b, "<rect fill=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">",
				      series_colour(c, s), x, yv < y0 ? yv : y0, bw, fabs(y0 - yv));
			tooltip(b, c, s, i);
			op_buf_adds(b, "</rect>");
		}
		op_buf_addc(b, '\n');
	}
	op_buf_adds(b, "</svg>\n");
}

void op_chart_legend_html(op_buf *b, const op_chart *c)
{
	op_buf_adds(b, "<ul class=\"legend\">");
	for (size_t s = 0; s < c->ns; s++) {
		op_buf_printf(b, "<li><span class=\"swatch\" style=\"background:%s\"></span>", series_colour(c, s));
		op_esc_html(b, c->sname[s], strlen(c->sname[s]));
		op_buf_adds(b, "</li>");
	}
	op_buf_adds(b, "</ul>\n");
}

/* ---- sparklines -------------------------------------------------------- */

void op_sparkline(op_buf *b, const double *v, size_t n)
{
	static const char *const bars[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i])) {
			lo = v[i] < lo ? v[i] : lo;
			hi = v[i] > hi ? v[i] : hi;
		}
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(v[i]))
			op_buf_adds(b, "·");	/* not a space: Markdown trims cells */
		else if (hi == lo)
			op_buf_adds(b, bars[lo > 0 ? 7 : 0]);	/* from zero, as charts */
		else {
			/* (v - lo) / (hi - lo) could overflow for extreme values: scale
			 * both by the same factor first */
			double f = (v[i] / 2 - lo / 2) / (hi / 2 - lo / 2);
			int k = (int)(f * 7 + 0.5);
			op_buf_adds(b, bars[k < 0 ? 0 : k > 7 ? 7 : k]);
		}
	}
}
