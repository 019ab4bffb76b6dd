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

typedef struct {
	const op_kflag *f;	/* the first of its name and severity */
	size_t g, n, order;	/* its group; how many; first seen */
	size_t group[LIST_MAX], nown;
	const char *own[LIST_MAX];
} flagsum;

static int severe_first(const void *a, const void *b)
{
	const flagsum *x = a, *y = b;
	if (x->f->sev != y->f->sev)
		return y->f->sev - x->f->sev;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* "low" .. "critical" with a count, for "3 exceptions: 1 high, 2 medium" */
static void flag_sentences(const op_kpitab *t, size_t p, op_sentences *out, op_buf *b)
{
	size_t bysev[4] = {0}, total = 0;
	for (size_t g = 0; g < t->ngroup; g++) {
		const op_krow *r = op_kpitab_at(t, g, p);
		for (size_t i = 0; r && i < r->nflag; i++, total++)
			bysev[r->flag[i].sev]++;
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
	op_buf_addc(b, '.');
	say(out, b);

	/* then one sentence per flag name and severity, the most severe
	 * first: how many groups, which, and whose; gathered in one pass */
	op_hmap seen = {0};
	flagsum *sum = op_xcalloc(total, sizeof *sum);
	size_t nsum = 0;
	for (size_t g = 0; g < t->ngroup; g++) {
		const op_krow *r = op_kpitab_at(t, g, p);
		for (size_t i = 0; r && i < r->nflag; i++) {
			const op_kflag *f = &r->flag[i];
			int isnew;
			op_buf_reset(b);
			op_buf_printf(b, "%d%s", f->sev, f->name);
			void **slot = op_hmap_put(&seen, b->p, b->len, &isnew);
			if (isnew) {
				sum[nsum] = (flagsum){ .f = f, .g = g, .order = nsum };
				*slot = &sum[nsum++];
			}
			flagsum *fs = *slot;
			if (fs->n < LIST_MAX)
				fs->group[fs->n] = g;
			fs->n++;
			size_t o;
			for (o = 0; f->owner && o < fs->nown && strcmp(fs->own[o], f->owner); o++)
				;
			if (f->owner && o == fs->nown && fs->nown < LIST_MAX)
				fs->own[fs->nown++] = f->owner;
		}
	}
	op_buf_reset(b);
	qsort(sum, nsum, sizeof *sum, severe_first);
	for (size_t i = 0; i < nsum; i++) {
		const flagsum *fs = &sum[i];
		const op_kflag *f = fs->f;
		if (fs->n == 1) {
			/* one: its own words say most */
			op_buf_printf(b, "%s (%s)", f->name, op_severities[f->sev]);
			if (t->nby)
				op_buf_printf(b, ": %s", t->group[fs->g].label);
			if (f->message)
				op_buf_printf(b, ": %s", f->message);
		} else {
			op_buf_printf(b, "%zu %s (%s)", fs->n, f->name, op_severities[f->sev]);
			for (size_t k = 0; t->nby && k < fs->n && k < LIST_MAX; k++)
				op_buf_printf(b, "%s%s", k ? ", " : ": ", t->group[fs->group[k]].label);
			if (t->nby && fs->n > LIST_MAX)
				op_buf_printf(b, " and %zu more", fs->n - LIST_MAX);
		}
		for (size_t o = 0; o < fs->nown; o++)
			op_buf_printf(b, "%s%s", o ? ", " : " (owner: ", fs->own[o]);
		op_buf_adds(b, fs->nown ? ")." : ".");
		say(out, b);
	}
	op_hmap_free(&seen, NULL);
	free(sum);
}

typedef struct {
	size_t g, k, order;
	double v, prev, key;
} change;

static int bigger_first(const void *a, const void *b)
{
	const change *x = a, *y = b;
	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* "billing: " when there are groups; the KPI's name, capitalised when it
 * starts the sentence and is a word (enquiries), not an identifier
 * (median_resp_h) */
static void subject(const op_kpitab *t, size_t g, size_t k, op_buf *b)
{
	const char *name = t->kpi[k].name;
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
	subject(t, c->g, c->k, b);
	if (c->v == c->prev) {
		op_buf_adds(b, " unchanged at ");
		op_fmt_value(b, c->v, kp->unit);
	} else {
		op_buf_adds(b, c->v > c->prev ? " rose " : " fell ");
		/* a count reads best as a percentage; a time or an amount as
		 * from-to, in its unit */
		double pct;
		if (op_pct_change(c->v, c->prev, kp->unit, &pct)) {
			op_fmt_pct(b, pct);
			op_buf_adds(b, " to ");
		} else {
			op_buf_adds(b, "from ");
			op_fmt_value(b, c->prev, kp->unit);
			op_buf_adds(b, " to ");
		}
		op_fmt_value(b, c->v, kp->unit);
	}
	if (kp->owner)
		op_buf_printf(b, " (owner: %s)", kp->owner);
	op_buf_addc(b, '.');
}

/* "enquiries 412, median_resp_h 3.4 h" for a row */
static void values(const op_kpitab *t, const op_krow *r, op_buf *b)
{
	const char *sep = "";
	for (size_t k = 0; k < t->nkpi; k++) {
		const op_kval *v = op_krow_val(r, k);
		if (v->t != OP_KV_NUM)
			continue;
		op_buf_printf(b, "%s%s ", sep, t->kpi[k].name);
		op_fmt_value(b, v->n, t->kpi[k].unit);
		sep = ", ";
	}
}

static int has_number(const op_kpitab *t, const op_krow *r)
{
	for (size_t k = 0; k < t->nkpi; k++)
		if (op_krow_val(r, k)->t == OP_KV_NUM)
			return 1;
	return 0;
}

void op_commentary(const op_kpitab *t, size_t p, size_t max, op_sentences *out)
{
	op_buf b = {0};
	flag_sentences(t, p, out, &b);

	change *c = op_xcalloc(t->ngroup * (t->nkpi ? t->nkpi : 1) + 1, sizeof *c);
	size_t n = 0, nnew = 0;
	for (size_t g = 0; g < t->ngroup; g++) {
		const op_krow *r = op_kpitab_at(t, g, p);
		int any = 0;
		for (size_t k = 0; r && k < t->nkpi; k++) {
			const op_kval *v = op_krow_val(r, k);
			double prev;
			const char *label;
			if (v->t != OP_KV_NUM || !op_kpitab_prev(t, g, p, k, &prev, &label))
				continue;
			any = 1;
			c[n] = (change){ g, k, n, v->n, prev, 0 };
			if (v->n != prev)
				c[n].key = prev == 0 ? INFINITY : fabs((v->n - prev) / prev);
			n++;
		}
		nnew += r && !any && has_number(t, r);
	}
	qsort(c, n, sizeof *c, bigger_first);
	for (size_t i = 0; i < n && i < max; i++) {
		change_sentence(t, &c[i], &b);
		say(out, &b);
	}
	if (n > max) {
		if (c[max].key == 0)
			op_buf_printf(&b, "%zu other figures unchanged.", n - max);
		else if (isinf(c[max].key))	/* more rises from zero */
			op_buf_printf(&b, "%zu more changes are in the table.", n - max);
		else {
			op_buf_printf(&b, "%zu smaller changes, of at most ", n - max);
			op_fmt_pct(&b, 100 * c[max].key);
			op_buf_adds(&b, ", are in the table.");
		}
		say(out, &b);
	}

	/* groups with no earlier value to compare with */
	size_t listed = 0;
	for (size_t g = 0; g < t->ngroup && nnew; g++) {
		const op_krow *r = op_kpitab_at(t, g, p);
		double prev;
		const char *label;
		int any = 0;
		for (size_t k = 0; r && k < t->nkpi && !any; k++)
			any = op_krow_val(r, k)->t == OP_KV_NUM && op_kpitab_prev(t, g, p, k, &prev, &label);
		if (!r || any || !has_number(t, r))
			continue;
		if (listed++ == max) {
			op_buf_printf(&b, "%zu more groups with no earlier figures are in the table.", nnew - max);
			say(out, &b);
			break;
		}
		if (p > 0)
			op_buf_printf(&b, "%s is new in %s: ", t->group[g].label, t->period[p]);
		else
			op_buf_printf(&b, "%s: ", t->group[g].label);
		values(t, r, &b);
		op_buf_addc(&b, '.');
		say(out, &b);
	}

	/* groups that went quiet: a row the period before, none now */
	listed = 0;
	for (size_t g = 0; g < t->ngroup && p > 0; g++) {
		const op_krow *before = op_kpitab_at(t, g, p - 1);
		if (op_kpitab_at(t, g, p) || !before || !has_number(t, before))
			continue;
		if (listed++ == max) {
			op_buf_printf(&b, "More groups had figures for %s and none for %s.", t->period[p - 1], t->period[p]);
			say(out, &b);
			break;
		}
		op_buf_printf(&b, "%s: no figures for %s (", t->group[g].label, t->period[p]);
		values(t, before, &b);
		op_buf_printf(&b, " in %s).", t->period[p - 1]);
		say(out, &b);
	}
	free(c);
	op_buf_free(&b);
}
