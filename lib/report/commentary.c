/* commentary.c - sentences from the numbers of one period.  MIT licence.
 *
 * Every sentence is built from values in the table: a count, a value, a
 * previous value or a change.  Nothing is said that the table does not
 * show. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commentary.h"
#include "render.h"

enum { LIST_MAX = 3 };	/* names listed in one sentence before "and N more" */

static void say(op_sentences *out, op_buf *b)
{
	out->s = op_grow(out->s, out->n, &out->cap, sizeof *out->s);
	out->s[out->n++] = op_xstrdup(b->p ? b->p : "");
	op_buf_reset(b);
}

void op_sentences_free(op_sentences *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->s[i]);
	free(s->s);
	memset(s, 0, sizeof *s);
}

/* "3 exceptions in 2026-10: 1 high, 2 medium." and no more: the
 * exceptions section lists them; a resolved flag is not one */
static void flag_sentence(const op_kpitab *t, size_t p, op_sentences *out, op_buf *b)
{
	size_t bysev[4] = {0}, total = 0;
	for (size_t g = 0; g < t->ngroup; g++) {
		const op_krow *r = op_kpitab_at(t, g, p);
		for (size_t i = 0; r && i < r->nflag; i++)
			if (!r->flag[i].resolved) {
				bysev[r->flag[i].sev]++;
				total++;
			}
	}
	if (!total)
		return;
	op_buf_printf(b, "%zu exception%s in %s:", total, total == 1 ? "" : "s", t->period[p]);
	const char *sep = " ";
	for (int s = 3; s >= 0; s--)
		if (bysev[s]) {
			op_buf_printf(b, "%s%zu %s", sep, bysev[s], op_severities[s]);
			sep = ", ";
		}
	op_buf_adds(b, " (see Exceptions).");
	say(out, b);
}

typedef struct {
	size_t g, k, order;
	double v, prev, key;
	int before;	/* a small base (key) of the period before, not of v */
} change;

/* How big a change is, to tell the biggest first: a count's or a value's
 * relative to where it was (from 0 as from 1: 0 to 2 at-risk enquiries is
 * not bigger than 14 to 41 enquiries); a rate's in points, 25 points
 * weighing as a doubling (100 % to 17 % of replies in time is news) */
static double size(const op_kpi *kp, double v, double prev)
{
	op_numfmt f = op_kpi_fmt(kp);
	if (op_fmt_same(v, prev, &f))
		return 0;
	if (kp->kind == OP_NUM_RATE)
		return fabs(v - prev) / 0.25;
	return fabs(v - prev) / (prev == 0 ? 1 : fabs(prev));
}

static int bigger_first(const void *a, const void *b)
{
	const change *x = a, *y = b;
	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* "billing: " when there are groups; the KPI's label, capitalised when it
 * starts the sentence and is a word (enquiries), not an identifier
 * (median_resp_h) */
static void subject(const op_kpitab *t, size_t g, size_t k, op_buf *b)
{
	const char *name = t->kpi[k].label;
	size_t at = b->len;
	if (t->nby)
		op_buf_printf(b, "%s: ", t->group[g].label);
	op_buf_adds(b, name);
	if (!t->nby && name[0] >= 'a' && name[0] <= 'z' &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyz ") == strlen(name))
		b->p[at] -= 'a' - 'A';
}

static void change_sentence(const op_kpitab *t, const change *c, op_buf *b)
{
	const op_kpi *kp = &t->kpi[c->k];
	op_numfmt f = op_kpi_fmt(kp);
	subject(t, c->g, c->k, b);
	if (op_fmt_same(c->v, c->prev, &f)) {
		op_buf_adds(b, " unchanged at ");
	} else {
		op_buf_adds(b, c->v > c->prev ? " rose " : " fell ");
		/* a count reads best as a percentage, a rate in points; a
		 * time or an amount as from-to, in its unit */
		if (!op_fmt_change(b, c->v, c->prev, &f)) {
			op_buf_adds(b, "from ");
			op_fmt_kpi(b, c->prev, &f);
		}
		op_buf_adds(b, " to ");
	}
	op_fmt_kpi(b, c->v, &f);
	if (kp->owner)
		op_buf_printf(b, " (owner: %s)", kp->owner);
	op_buf_addc(b, '.');
}

/* "enquiries 412, median_resp_h 3.4 h" for a row */
static void values(const op_kpitab *t, const op_krow *r, op_buf *b)
{
	const char *sep = "";
	for (size_t k = 0; k < t->nkpi; k++) {
		op_numfmt f = op_kpi_fmt(&t->kpi[k]);
		double v;
		if (!op_kpitab_num(t, r, k, &v))
			continue;
		op_buf_printf(b, "%s%s ", sep, t->kpi[k].label);
		op_fmt_kpi(b, v, &f);
		sep = ", ";
	}
}

/* "on 2 enquiries", or "on fewer than 5 enquiries" when the base is not
 * given */
static void base(const op_kpitab *t, size_t k, double n, op_buf *b)
{
	if (isnan(n))
		op_buf_printf(b, "on fewer than %ld enquiries", t->kpi[k].min_n);
	else
		op_buf_printf(b, "on %.0f enquir%s", n, n == 1 ? "y" : "ies");
}

/* the changes on too small a base, in one sentence: their values and
 * bases, never as a change */
static void low_sentence(const op_kpitab *t, const change *low, size_t n, op_buf *b)
{
	op_buf_adds(b, "Too few enquiries to compare: ");
	for (size_t i = 0; i < n && i < LIST_MAX; i++) {
		op_numfmt f = op_kpi_fmt(&t->kpi[low[i].k]);
		if (i)
			op_buf_adds(b, "; ");
		subject(t, low[i].g, low[i].k, b);
		op_buf_addc(b, ' ');
		op_fmt_kpi(b, low[i].v, &f);
		/* "Enquiries 5 on 4 enquiries" read as if the 5 stood on 4:
		 * a base of the period before goes with its value */
		op_buf_adds(b, low[i].before ? " (" : " ");
		if (low[i].before) {
			op_fmt_kpi(b, low[i].prev, &f);
			op_buf_addc(b, ' ');
		}
		base(t, low[i].k, low[i].key, b);
		op_buf_adds(b, low[i].before ? " before)" : "");
	}
	if (n > LIST_MAX)
		op_buf_printf(b, "; and %zu more, marked * in the table", n - LIST_MAX);
	op_buf_addc(b, '.');
}

/* Does an exception of row r say KPI k's news?  Then the Exceptions
 * section tells it and the summary does not again. */
static int flagged(const op_kpitab *t, const op_krow *r, size_t k)
{
	for (size_t i = 0; i < r->nflag; i++)
		if (!r->flag[i].resolved && r->flag[i].about && !strcmp(r->flag[i].about, t->kpi[k].name))
			return 1;
	return 0;
}

static int has_number(const op_kpitab *t, const op_krow *r)
{
	double v;
	for (size_t k = 0; k < t->nkpi; k++)
		if (op_kpitab_num(t, r, k, &v))
			return 1;
	return 0;
}

void op_commentary(const op_kpitab *t, size_t p, size_t max, op_sentences *out)
{
	op_buf b = {0};
	op_sentences more = {0};	/* changes, new and quiet groups */
	flag_sentence(t, p, out, &b);

	size_t cells = t->ngroup * (t->nkpi ? t->nkpi : 1) + 1;
	change *c = op_xcalloc(cells, sizeof *c), *low = op_xcalloc(cells, sizeof *low);
	size_t n = 0, nlow = 0, nnew = 0;
	for (size_t g = 0; g < t->ngroup; g++) {
		const op_krow *r = op_kpitab_at(t, g, p);
		int any = 0;
		for (size_t k = 0; r && k < t->nkpi; k++) {
			double v, prev, nbase;
			const char *label;
			if (!op_kpitab_num(t, r, k, &v) || !op_kpitab_prev(t, g, p, k, &prev, &label))
				continue;
			any = 1;
			if (flagged(t, r, k))
				continue;
			if (op_kpitab_low(t, r, k, &nbase)) {
				low[nlow] = (change){ g, k, nlow, v, prev, nbase,	/* key: the base */
						      !isnan(nbase) && !(op_krow_n(r, k) == nbase) };
				nlow++;
				continue;
			}
			c[n] = (change){ g, k, n, v, prev, size(&t->kpi[k], v, prev), 0 };
			n++;
		}
		nnew += r && !any && has_number(t, r);
	}
	qsort(c, n, sizeof *c, bigger_first);
	for (size_t i = 0; i < n; i++) {
		change_sentence(t, &c[i], &b);
		say(&more, &b);
	}

	/* groups with no earlier value to compare with */
	for (size_t g = 0; g < t->ngroup && nnew; g++) {
		const op_krow *r = op_kpitab_at(t, g, p);
		double v, prev;
		const char *label;
		int any = 0;
		for (size_t k = 0; r && k < t->nkpi && !any; k++)
			any = op_kpitab_num(t, r, k, &v) && op_kpitab_prev(t, g, p, k, &prev, &label);
		if (!r || any || !has_number(t, r))
			continue;
		if (p > 0)
			op_buf_printf(&b, "%s is new in %s: ", t->group[g].label, t->period[p]);
		else
			op_buf_printf(&b, "%s: ", t->group[g].label);
		values(t, r, &b);
		op_buf_addc(&b, '.');
		say(&more, &b);
	}

	/* groups that went quiet: a row the period before, none now */
	for (size_t g = 0; g < t->ngroup && p > 0; g++) {
		const op_krow *before = op_kpitab_at(t, g, p - 1);
		if (op_kpitab_at(t, g, p) || !before || !has_number(t, before))
			continue;
		op_buf_printf(&b, "%s: no figures for %s (", t->group[g].label, t->period[p]);
		values(t, before, &b);
		op_buf_printf(&b, " in %s).", t->period[p - 1]);
		say(&more, &b);
	}

	/* at most max in all: the exceptions and the small bases are said,
	 * the rest of the changes counted in one line */
	size_t room = max > out->n + (nlow > 0) ? max - out->n - (nlow > 0) : 0;
	size_t shown = more.n <= room ? more.n : room ? room - 1 : 0;
	for (size_t i = 0; i < shown; i++) {
		op_buf_adds(&b, more.s[i]);
		say(out, &b);
	}
	if (shown < more.n) {
		size_t rest = more.n - shown;
		if (shown < n && rest == n - shown && c[shown].key == 0)
			op_buf_printf(&b, "%zu other figure%s unchanged.", rest, rest == 1 ? "" : "s");
		else if (rest == n - shown)
			op_buf_printf(&b, "%zu more change%s in the table.", rest, rest == 1 ? " is" : "s are");
		else
			op_buf_printf(&b, "%zu more changes and groups are in the table and the trend.", rest);
		say(out, &b);
	}
	if (nlow) {
		low_sentence(t, low, nlow, &b);
		say(out, &b);
	}
	op_sentences_free(&more);
	free(c);
	free(low);
	op_buf_free(&b);
}
