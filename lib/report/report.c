/* report.c - the KPI report in Markdown, HTML and text.  MIT licence.
 *
 * One outline for the three formats: a title and what the report covers,
 * a summary in sentences (commentary.c), the period at a glance (a table
 * with changes), the exceptions by severity, and the trend over the last
 * periods (SVG charts in HTML, sparklines otherwise).  The HTML is one
 * file that loads nothing: a mail attachment that opens anywhere.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bucket.h"
#include "commentary.h"
#include "render.h"
#include "report.h"

typedef struct {
	op_buf *b;
	const op_kpitab *t;
	const op_report_opts *o;
	size_t p, p0;		/* the period reported on, the first one shown */
	const char *cmp;	/* the period compared with, or NULL */
	size_t nx;		/* the periods of the trend, */
	size_t *xp;		/* each a period rank, or -1 for a calendar period
				 * no row has (a gap, never joined across) */
	const char **xl;	/* and its label */
	char (*fill)[24];	/* the labels of those gaps */
} doc;

static void esc(doc *d, const char *s)
{
	switch (d->o->format) {
	case OP_REPORT_MD: op_esc_md(d->b, s, strlen(s)); break;
	case OP_REPORT_HTML: op_esc_html(d->b, s, strlen(s)); break;
	default: op_esc_text(d->b, s, strlen(s));
	}
}

static void heading(doc *d, int level, const char *text, const char *cls)
{
	switch (d->o->format) {
	case OP_REPORT_MD:
		op_buf_printf(d->b, "%.*s ", level, "###");
		esc(d, text);
		op_buf_adds(d->b, "\n\n");
		break;
	case OP_REPORT_HTML:
		op_buf_printf(d->b, "<h%d%s%s%s>", level, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
		esc(d, text);
		op_buf_printf(d->b, "</h%d>\n", level);
		break;
	default: {
		/* underlined as in a man page's output, in the text's width */
		size_t at = d->b->len;
		op_buf_adds(d->b, level == 3 ? "  " : "");
		esc(d, text);
		size_t w = op_text_width(d->b->p + at, d->b->len - at);
		op_buf_addc(d->b, '\n');
		if (level < 3) {
			while (w--)
				op_buf_addc(d->b, level == 1 ? '=' : '-');
			op_buf_addc(d->b, '\n');
		}
		if (level < 3)
			op_buf_addc(d->b, '\n');
	}
	}
}

static void para(doc *d, const char *text, const char *cls)
{
	if (d->o->format == OP_REPORT_HTML)
		op_buf_printf(d->b, "<p%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	esc(d, text);
	op_buf_adds(d->b, d->o->format == OP_REPORT_HTML ? "</p>\n" : "\n\n");
}

static void list(doc *d, char *const *item, size_t n, const char *indent)
{
	if (d->o->format == OP_REPORT_HTML)
		op_buf_adds(d->b, "<ul>\n");
	for (size_t i = 0; i < n; i++) {
		switch (d->o->format) {
		case OP_REPORT_MD: op_buf_adds(d->b, "- "); break;
		case OP_REPORT_HTML: op_buf_adds(d->b, "<li>"); break;
		default: op_buf_printf(d->b, "%s- ", indent);
		}
		esc(d, item[i]);
		op_buf_adds(d->b, d->o->format == OP_REPORT_HTML ? "</li>\n" : "\n");
	}
	op_buf_adds(d->b, d->o->format == OP_REPORT_HTML ? "</ul>\n" : "\n");
}

static void table(doc *d, const op_table *tb)
{
	switch (d->o->format) {
	case OP_REPORT_MD: op_table_md(d->b, tb); op_buf_addc(d->b, '\n'); break;
	case OP_REPORT_HTML: op_table_html(d->b, tb); break;
	default: op_table_text(d->b, tb, "  "); op_buf_addc(d->b, '\n');
	}
}

/* ---- the pieces -------------------------------------------------------- */

static const char *keys_header(const op_kpitab *t, op_buf *b)
{
	op_buf_reset(b);
	for (size_t i = 0; i < t->nby; i++)
		op_buf_printf(b, "%s%s", i ? " / " : "", t->by[i]);
	return b->p ? b->p : "";
}

static void cell_value(op_buf *b, const op_kpitab *t, const op_krow *r, size_t k)
{
	const op_kval *v = op_krow_val(r, k);
	op_numfmt f = op_kpi_fmt(&t->kpi[k]);
	double n;
	if (op_kpitab_num(t, r, k, &n))
		op_fmt_kpi(b, n, &f);
	else if (v->t == OP_KV_TEXT)
		op_buf_adds(b, v->s);
	else
		op_buf_adds(b, "–");
}

/* "▲ 18 %" for a count, "▼ 14 pp" for a rate, "▼ 1.7 h" for a KPI with a
 * unit, "=" for none; a '*' after it when the base is too small
 * (op_kpitab_low), counted into *low */
static void cell_change(doc *d, op_buf *b, const op_krow *r, size_t g, size_t k, size_t *low)
{
	op_numfmt f = op_kpi_fmt(&d->t->kpi[k]);
	double v, prev, n;
	const char *label;
	if (!op_kpitab_num(d->t, r, k, &v) || !op_kpitab_prev(d->t, g, d->p, k, &prev, &label))
		return;
	if (op_fmt_same(v, prev, &f))
		op_buf_adds(b, "=");
	else {
		op_buf_adds(b, v > prev ? "▲ " : "▼ ");
		if (!op_fmt_change(b, v, prev, &f))
			op_fmt_delta(b, v, prev, &f);
	}
	if (op_kpitab_low(d->t, r, k, &n)) {
		op_buf_addc(b, '*');
		(*low)++;
	}
}

/* the footnote of the changes marked '*': "on fewer than 5 enquiries"
 * when the KPIs shown share their min_n */
static void low_note(doc *d, size_t low)
{
	long min = -2;
	op_buf b = {0};
	if (!low)
		return;
	for (size_t k = 0; k < d->t->nkpi; k++)
		if (d->t->kpi[k].min_n > 0)
			min = min == -2 || min == d->t->kpi[k].min_n ? d->t->kpi[k].min_n : -1;
	op_buf_adds(&b, "* On fewer enquiries than ");
	if (min > 0)
		op_buf_printf(&b, "%ld", min);
	else
		op_buf_adds(&b, "the KPI's minimum (see the glossary)");
	op_buf_adds(&b, ", now or before: shown, not counted as a change.");
	para(d, b.p, "note");
	op_buf_free(&b);
}

static void glance(doc *d)
{
	const op_kpitab *t = d->t;
	op_table tb;
	op_buf b = {0}, h = {0};
	size_t low = 0;
	if (!t->nby) {
		/* one group: a KPI a line reads better than one wide line */
		op_table_init(&tb, 5, "lrrrl");
		op_table_add(&tb, "KPI");
		op_table_add(&tb, t->period[d->p]);
		op_table_add(&tb, "change");
		op_table_add(&tb, d->cmp ? d->cmp : "before");
		op_table_add(&tb, "owner");
		const op_krow *r = op_kpitab_at(t, 0, d->p);
		for (size_t k = 0; k < t->nkpi; k++) {
			op_numfmt f = op_kpi_fmt(&t->kpi[k]);
			double prev;
			const char *label;
			int hp = op_kpitab_prev(t, 0, d->p, k, &prev, &label);
			op_table_add(&tb, t->kpi[k].label);
			op_buf_reset(&b);
			cell_value(&b, t, r, k);
			op_table_add(&tb, b.p);
			op_buf_reset(&b);
			cell_change(d, &b, r, 0, k, &low);
			op_table_add(&tb, b.p ? b.p : "");
			op_buf_reset(&b);
			if (hp)
				op_fmt_kpi(&b, prev, &f);
			op_table_add(&tb, hp ? b.p : "–");
			op_table_add(&tb, t->kpi[k].owner ? t->kpi[k].owner : "");
		}
	} else {
		char *align = op_xmalloc(2 * t->nkpi + 2);
		align[0] = 'l';
		memset(align + 1, 'r', 2 * t->nkpi);
		align[2 * t->nkpi + 1] = 0;
		op_table_init(&tb, 2 * t->nkpi + 1, align);
		free(align);
		op_table_add(&tb, keys_header(t, &h));
		for (size_t k = 0; k < t->nkpi; k++) {
			op_table_add(&tb, t->kpi[k].label);
			op_table_add(&tb, "change");
		}
		for (size_t g = 0; g < t->ngroup; g++) {
			const op_krow *r = op_kpitab_at(t, g, d->p);
			if (!r)
				continue;
			op_table_add(&tb, t->group[g].label);
			for (size_t k = 0; k < t->nkpi; k++) {
				op_buf_reset(&b);
				cell_value(&b, t, r, k);
				op_table_add(&tb, b.p);
				op_buf_reset(&b);
				cell_change(d, &b, r, g, k, &low);
				op_table_add(&tb, b.p ? b.p : "");
			}
		}
	}
	table(d, &tb);
	op_table_free(&tb);
	low_note(d, low);
	if (t->nby) {
		op_buf_reset(&b);
		for (size_t k = 0; k < t->nkpi; k++)
			if (t->kpi[k].owner)
				op_buf_printf(&b, "%s%s: %s", b.len ? "; " : "Owners: ", t->kpi[k].label, t->kpi[k].owner);
		if (b.len) {
			op_buf_addc(&b, '.');
			para(d, b.p, NULL);
		}
	}
	op_buf_free(&b);
	op_buf_free(&h);
}

/* "Title, group: message (owner: x)" of a flag on group g */
static void flag_line(const op_kpitab *t, size_t g, const op_kflag *f, op_buf *b)
{
	op_buf_adds(b, f->title);
	if (t->nby)
		op_buf_printf(b, ", %s", t->group[g].label);
	if (f->message)
		op_buf_printf(b, ": %s", f->message);
	if (f->owner)
		op_buf_printf(b, " (owner: %s)", f->owner);
}

/* the alerts that stopped, in one line: not exceptions */
static void resolved(doc *d)
{
	const op_kpitab *t = d->t;
	op_buf b = {0};
	for (size_t g = 0; g < t->ngroup; g++) {
		const op_krow *r = op_kpitab_at(t, g, d->p);
		for (size_t i = 0; r && i < r->nflag; i++)
			if (r->flag[i].resolved) {
				op_buf_adds(&b, b.len ? "; " : "Resolved: ");
				op_buf_adds(&b, r->flag[i].title);
				if (t->nby)
					op_buf_printf(&b, ", %s", t->group[g].label);
			}
	}
	for (size_t i = 0; i < t->ngone; i++) {
		op_buf_adds(&b, b.len ? "; " : "Resolved: ");
		op_buf_adds(&b, t->gone[i].title);
	}
	if (b.len) {
		op_buf_addc(&b, '.');
		para(d, b.p, NULL);
	}
	op_buf_free(&b);
}

static void exceptions(doc *d)
{
	const op_kpitab *t = d->t;
	op_buf b = {0};
	op_sentences items = {0};
	size_t now = 0, earlier = 0;
	for (size_t i = 0; i < t->nrow; i++)
		for (size_t k = 0; k < t->row[i].nflag; k++) {
			now += t->row[i].period == d->p && !t->row[i].flag[k].resolved;
			earlier += t->row[i].period < d->p && !t->row[i].flag[k].resolved;
		}
	heading(d, 2, "Exceptions", NULL);
	if (!now) {
		op_buf_printf(&b, "No flags on the rows for %s.", t->period[d->p]);
		para(d, b.p, NULL);
	}
	for (int s = 3; s >= 0 && now; s--) {
		for (size_t g = 0; g < t->ngroup; g++) {
			const op_krow *r = op_kpitab_at(t, g, d->p);
			for (size_t i = 0; r && i < r->nflag; i++) {
				const op_kflag *f = &r->flag[i];
				if (f->sev != s || f->resolved)
					continue;
				op_buf_reset(&b);
				flag_line(t, g, f, &b);
				items.s = op_grow(items.s, items.n, &items.cap, sizeof *items.s);
				items.s[items.n++] = op_xstrdup(b.p);
			}
		}
		if (!items.n)
			continue;
		op_buf_reset(&b);
		op_buf_printf(&b, "%c%s (%zu)", op_severities[s][0] - 'a' + 'A', op_severities[s] + 1, items.n);
		char cls[24];
		snprintf(cls, sizeof cls, "sev-%s", op_severities[s]);
		heading(d, 3, b.p, cls);
		list(d, items.s, items.n, "    ");
		op_sentences_free(&items);
	}
	resolved(d);
	if (earlier) {
		op_buf_reset(&b);
		op_buf_printf(&b, "%zu more flag%s on rows of earlier periods, not listed.", earlier,
			      earlier == 1 ? "" : "s");
		para(d, b.p, NULL);
	}
	op_buf_free(&b);
}

static void trend_heading(doc *d, op_buf *b)
{
	op_buf_reset(b);
	if (d->nx == 1)
		op_buf_printf(b, "Trend, %s", d->xl[0]);
	else
		op_buf_printf(b, "Trend, %s to %s", d->xl[0], d->xl[d->nx - 1]);
}

/* The periods of the trend: those of ranks p0..p, and when their labels
 * are calendar periods of one kind, the ones between that no row has (a
 * gap in a chart, never a line joining the months around it), the last
 * o->periods of them. */
static void trend_axis(doc *d)
{
	const op_kpitab *t = d->t;
	int kind = -1, k, cal = 1;
	int64_t first = 0, last = 0, b;
	for (size_t p = d->p0; p <= d->p && cal; p++) {
		cal = op_bucket_parse(t->period[p], &k, &b) && (kind < 0 || k == kind);
		kind = k;
		first = p == d->p0 ? b : first;
		last = b;
	}
	if (cal && last - first >= (int64_t)d->o->periods)
		first = last - (int64_t)d->o->periods + 1;
	d->nx = cal ? (size_t)(last - first + 1) : d->p - d->p0 + 1;
	d->xp = op_xcalloc(d->nx, sizeof *d->xp);
	d->xl = op_xcalloc(d->nx, sizeof *d->xl);
	d->fill = op_xcalloc(d->nx, sizeof *d->fill);
	for (size_t i = 0; i < d->nx; i++) {
		d->xp[i] = cal ? (size_t)-1 : d->p0 + i;
		d->xl[i] = cal ? d->fill[i] : t->period[d->p0 + i];
		if (cal)
			op_bucket_label(kind, first + (int64_t)i, d->fill[i]);
	}
	for (size_t p = d->p0; p <= d->p && cal; p++)
		if (op_bucket_parse(t->period[p], &k, &b) && b >= first) {
			d->xp[b - first] = p;
			d->xl[b - first] = t->period[p];
		}
}

/* the values of KPI k for group g over the periods shown, NaN where it
 * has none (a rate over no records has none) */
static void series(const doc *d, size_t g, size_t k, double *y)
{
	for (size_t i = 0; i < d->nx; i++) {
		const op_krow *r = d->xp[i] == (size_t)-1 ? NULL : op_kpitab_at(d->t, g, d->xp[i]);
		if (!r || !op_kpitab_num(d->t, r, k, &y[i]))
			y[i] = NAN;
	}
}

/* does group g have a row in the periods shown? */
static int shown(const doc *d, size_t g)
{
	for (size_t i = 0; i < d->nx; i++)
		if (d->xp[i] != (size_t)-1 && op_kpitab_at(d->t, g, d->xp[i]))
			return 1;
	return 0;
}

static void trend_text(doc *d)
{
	const op_kpitab *t = d->t;
	double *y = op_xcalloc(d->nx, sizeof *y);
	op_buf b = {0};
	op_table tb;
	char *align = op_xmalloc(t->nkpi + 2);
	align[0] = 'l';
	memset(align + 1, 'l', t->nkpi);
	align[t->nkpi + 1] = 0;
	op_table_init(&tb, t->nkpi + 1, align);
	free(align);
	op_table_add(&tb, t->nby ? keys_header(t, &b) : "");
	for (size_t k = 0; k < t->nkpi; k++)
		op_table_add(&tb, t->kpi[k].label);
	for (size_t g = 0; g < t->ngroup; g++) {
		/* a group with no row in the periods shown has no line */
		if (!shown(d, g))
			continue;
		op_table_add(&tb, t->group[g].label);
		for (size_t k = 0; k < t->nkpi; k++) {
			series(d, g, k, y);
			op_buf_reset(&b);
			op_sparkline(&b, y, d->nx);
			op_table_add(&tb, b.p);
		}
	}
	op_buf_reset(&b);
	trend_heading(d, &b);
	heading(d, 2, b.p, NULL);
	op_buf_reset(&b);
	op_buf_printf(&b, "One mark per period, from each row's lowest value to its highest.");
	para(d, b.p, NULL);
	table(d, &tb);
	op_table_free(&tb);
	op_buf_free(&b);
	free(y);
}

typedef struct {
	size_t g;
	double last;
} ranked;

static int larger_first(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	int xn = isnan(x->last), yn = isnan(y->last);
	if (xn != yn)
		return xn - yn;
	if (!xn && x->last != y->last)
		return x->last > y->last ? -1 : 1;
	return x->g < y->g ? -1 : x->g > y->g;
}

static void charts(doc *d)
{
	const op_kpitab *t = d->t;
	size_t nx = d->nx;
	op_buf b = {0};
	ranked *rk = op_xcalloc(t->ngroup + 1, sizeof *rk);
	double *y = op_xcalloc((d->o->series + 1) * nx, sizeof *y);
	const char **sname = op_xcalloc(d->o->series + 1, sizeof *sname);
	size_t *colour = op_xcalloc(d->o->series + 1, sizeof *colour);
	trend_heading(d, &b);
	heading(d, 2, b.p, NULL);
	op_buf_adds(d->b, "<div class=\"charts\">\n");
	for (size_t k = 0; k < t->nkpi; k++) {
		const op_kpi *kp = &t->kpi[k];
		/* a rate is drawn in percent, as the table shows it */
		int rate = kp->kind == OP_NUM_RATE;
		op_numfmt f = rate ? (op_numfmt){ OP_NUM_VALUE, "%", kp->digits >= 0 ? kp->digits : 0 } : op_kpi_fmt(kp);
		/* the groups with the largest values now, when there are many */
		size_t n = 0, ns = 0;
		for (size_t g = 0; g < t->ngroup; g++) {
			series(d, g, k, y);
			int any = 0;
			for (size_t i = 0; i < nx; i++)
				any |= !isnan(y[i]);
			if (any)
				rk[n++] = (ranked){ g, y[nx - 1] };
		}
		if (!n)
			continue;	/* text, or nothing: no chart */
		qsort(rk, n, sizeof *rk, larger_first);
		for (ns = 0; ns < n && ns < d->o->series; ns++) {
			series(d, rk[ns].g, k, y + ns * nx);
			for (size_t i = 0; rate && i < nx; i++)
				y[ns * nx + i] *= 100;
			sname[ns] = t->group[rk[ns].g].label;
			colour[ns] = rk[ns].g;
		}
		op_chart c = { kp->label, &f, nx, ns, d->xl, sname, y, colour };
		op_buf_adds(d->b, "<figure>\n<figcaption>");
		esc(d, kp->label);
		op_buf_reset(&b);
		if (f.unit)
			op_buf_printf(&b, " · %s", f.unit);
		if (kp->owner)
			op_buf_printf(&b, " · owner: %s", kp->owner);
		if (ns < n)
			op_buf_printf(&b, " · the %zu largest of %zu groups in %s", ns, n, t->period[d->p]);
		if (b.len) {
			op_buf_adds(d->b, "<span class=\"meta\">");
			esc(d, b.p);
			op_buf_adds(d->b, "</span>");
		}
		op_buf_adds(d->b, "</figcaption>\n");
		if (nx > 1)
			op_svg_lines(d->b, &c);
		else
			op_svg_bars(d->b, &c);
		if (t->nby)
			op_chart_legend_html(d->b, &c);
		op_buf_adds(d->b, "</figure>\n");
	}
	op_buf_adds(d->b, "</div>\n");
	free(rk);
	free(y);
	free(sname);
	free(colour);
	op_buf_free(&b);
}

/* What the KPIs are, from kpi-rollup's "label", "definition", "unit",
 * "kind" and "min_n"; only KPIs it says one of the first three of (rows
 * without that metadata have no glossary). */
static void glossary(doc *d)
{
	const op_kpitab *t = d->t;
	op_sentences items = {0};
	op_buf b = {0};
	for (size_t k = 0; k < t->nkpi; k++) {
		const op_kpi *kp = &t->kpi[k];
		static const char *const kinds[] = { NULL, "a count", "a rate in %", NULL };
		const char *sep = " (";
		if (kp->label == kp->name && !kp->definition && kp->kind == OP_NUM_ANY)
			continue;
		const char *part[] = { kp->label != kp->name ? kp->name : NULL, kinds[kp->kind], kp->unit };
		op_buf_adds(&b, kp->label);
		for (int i = 0; i < 3; i++)
			if (part[i]) {
				op_buf_printf(&b, "%s%s%s", sep, i == 2 ? "in " : "", part[i]);
				sep = ", ";
			}
		if (*sep == ',')
			op_buf_addc(&b, ')');
		if (kp->definition)
			op_buf_printf(&b, ": %s", kp->definition);
		if (kp->min_n > 0)
			op_buf_printf(&b, "; a change on fewer than %ld enquiries is marked *", kp->min_n);
		if (kp->owner)
			op_buf_printf(&b, "; owner: %s", kp->owner);
		op_buf_addc(&b, '.');
		items.s = op_grow(items.s, items.n, &items.cap, sizeof *items.s);
		items.s[items.n++] = op_xstrdup(b.p);
		op_buf_reset(&b);
	}
	if (items.n) {
		heading(d, 2, "Glossary", NULL);
		list(d, items.s, items.n, "  ");
	}
	op_sentences_free(&items);
	op_buf_free(&b);
}

/* The manager's own notes, at the top: Markdown written as it is; in
 * HTML and text each line made safe (escaped, controls replaced), the
 * lines kept: HTML shows them preformatted, wrapped. */
static void notes(doc *d)
{
	const char *s = d->o->notes, *end = s + d->o->notes_len;
	if (!d->o->notes_len)
		return;
	if (d->o->format == OP_REPORT_MD) {
		op_buf_add(d->b, s, d->o->notes_len);
		op_buf_adds(d->b, "\n\n");
		return;
	}
	op_buf_adds(d->b, d->o->format == OP_REPORT_HTML ? "<pre class=\"notes\">" : "");
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		n -= n && s[n - 1] == '\r';
		if (d->o->format == OP_REPORT_HTML)
			op_esc_html(d->b, s, n);
		else
			op_esc_text(d->b, s, n);
		op_buf_addc(d->b, '\n');
		s = nl ? nl + 1 : end;
	}
	op_buf_adds(d->b, d->o->format == OP_REPORT_HTML ? "</pre>\n" : "\n");
}

static const char css[] =
	"body{font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;color:#222;"
	"max-width:1100px;margin:2em auto;padding:0 1em;overflow-wrap:anywhere}\n"
	"h1{font-size:1.6em;margin-bottom:.2em}\n"
	".sub{color:#666;margin-top:0}\n"
	"h2{font-size:1.2em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}\n"
	"h3{font-size:1em;margin-bottom:.3em}\n"
	".scroll{overflow-x:auto;max-width:100%;margin:.5em 0}\n"
	"table{border-collapse:collapse}\n"
	"th,td{padding:.3em .7em;border-bottom:1px solid #eee;text-align:left;white-space:nowrap;overflow-wrap:normal}\n"
	"th{background:#f5f5f5}\n"
	".num{text-align:right;font-variant-numeric:tabular-nums}\n"
	".sev-critical{color:#7b0000}.sev-high{color:#c0392b}.sev-medium{color:#a66300}.sev-low{color:#555}\n"
	".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(460px,100%),1fr));gap:1em}\n"
	"figure{margin:0;min-width:0;border:1px solid #e3e3e3;border-radius:6px;padding:.6em .8em}\n"
	"figcaption{font-weight:600}\n"
	".meta{font-weight:normal;color:#666}\n"
	"svg.chart{width:100%;height:auto;display:block}\n"
	"svg .grid{stroke:#eee}svg .zero{stroke:#999}\n"
	"svg text{font-size:11px;fill:#555}\n"
	"svg .ytick{text-anchor:end}svg .xtick{text-anchor:middle}\n"
	"svg .line{fill:none;stroke-width:2}\n"
	".legend{list-style:none;padding:0;margin:.3em 0 0;font-size:.85em}\n"
	".legend li{display:inline-block;margin-right:1em}\n"
	".swatch{display:inline-block;width:.8em;height:.8em;margin-right:.3em;vertical-align:middle}\n"
	".note{color:#666;font-size:.9em}\n"
	"pre.notes{white-space:pre-wrap;font:inherit;background:#f8f8f8;border-left:3px solid #ccc;padding:.5em .8em}\n"
	"footer{margin-top:2em;color:#888;font-size:.85em}\n"
	"@media print{body{margin:0;max-width:none}figure{break-inside:avoid}}\n";

static void page_open(doc *d, const char *title)
{
	if (d->o->format != OP_REPORT_HTML)
		return;
	op_buf_adds(d->b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
			  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>");
	esc(d, title);
	op_buf_printf(d->b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
}

/* The footer: the report's provenance, and the records kpi-rollup could
 * not count for want of a date (never silently gone). */
static void page_close(doc *d)
{
	op_buf u = {0};
	unsigned long long n = d->t->undated;
	if (n)
		op_buf_printf(&u, "%llu record%s had no date and %s not counted.", n, n == 1 ? "" : "s",
			      n == 1 ? "is" : "are");
	if (d->o->format != OP_REPORT_HTML) {
		if (n)
			para(d, u.p, NULL);
		op_buf_free(&u);
		return;
	}
	op_buf_printf(d->b, "<footer>kpi-report (opflow %s), %zu rows.", OP_VERSION, d->t->nrow);
	if (n) {
		op_buf_addc(d->b, ' ');
		esc(d, u.p);
	}
	op_buf_adds(d->b, "</footer>\n</body>\n</html>\n");
	op_buf_free(&u);
}

void op_report(op_buf *out, const op_kpitab *t, const op_report_opts *o)
{
	doc d = { .b = out, .t = t, .o = o };
	op_buf b = {0};
	int found = t->nperiod > 0;
	if (o->period)
		found = (d.p = op_kpitab_period(t, o->period)) != (size_t)-1;
	else if (found)
		d.p = t->nperiod - 1;

	if (o->title)
		op_buf_adds(&b, o->title);
	else if (o->period || found)
		op_buf_printf(&b, "KPI report %s", o->period ? o->period : t->period[d.p]);
	else
		op_buf_adds(&b, "KPI report");
	page_open(&d, b.p);
	heading(&d, 1, b.p, NULL);
	notes(&d);

	op_buf_reset(&b);
	if (!t->nrow) {
		para(&d, "No KPI rows were read: there is no data to report.", NULL);
		goto done;
	}
	if (!found) {
		op_buf_printf(&b, "No KPI rows for %s: the data covers %s to %s.", o->period, t->period[0],
			      t->period[t->nperiod - 1]);
		para(&d, b.p, NULL);
		goto done;
	}
	d.p0 = d.p + 1 > o->periods ? d.p + 1 - o->periods : 0;
	trend_axis(&d);
	for (size_t g = 0; g < t->ngroup && !d.cmp; g++) {
		const op_krow *r = op_kpitab_at(t, g, d.p);
		if (r && r->prev)
			d.cmp = r->prev_period;
	}
	if (!d.cmp && d.p > 0)
		d.cmp = t->period[d.p - 1];

	/* what the report covers, in one line */
	op_buf_printf(&b, "Period %s", t->period[d.p]);
	if (d.cmp)
		op_buf_printf(&b, ", compared with %s", d.cmp);
	if (t->nby) {
		op_buf keys = {0};
		op_buf_printf(&b, "; %zu group%s by %s", t->ngroup, t->ngroup == 1 ? "" : "s",
			      keys_header(t, &keys));
		op_buf_free(&keys);
	}
	op_buf_printf(&b, "; %zu KPI%s over %zu period%s", t->nkpi, t->nkpi == 1 ? "" : "s",
		      t->nperiod, t->nperiod == 1 ? "" : "s");
	if (t->nperiod > 1)
		op_buf_printf(&b, ", %s to %s", t->period[0], t->period[t->nperiod - 1]);
	op_buf_addc(&b, '.');
	para(&d, b.p, "sub");

	op_sentences s = {0};
	op_commentary(t, d.p, o->sentences, &s);
	heading(&d, 2, "Summary", NULL);
	if (s.n)
		list(&d, s.s, s.n, "  ");
	else
		para(&d, "No KPI has a numeric value for this period.", NULL);
	op_sentences_free(&s);

	op_buf_reset(&b);
	op_buf_printf(&b, "%s at a glance", t->period[d.p]);
	heading(&d, 2, b.p, NULL);
	glance(&d);
	exceptions(&d);
	if (o->format == OP_REPORT_HTML)
		charts(&d);
	else
		trend_text(&d);
	glossary(&d);
done:
	page_close(&d);
	free(d.xp);
	free(d.xl);
	free(d.fill);
	/* one newline at the end, never a blank line */
	while (out->len > 1 && out->p[out->len - 1] == '\n' && out->p[out->len - 2] == '\n')
		out->p[--out->len] = 0;
	op_buf_free(&b);
}
