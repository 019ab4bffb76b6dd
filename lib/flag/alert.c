/* alert.c - the alerts exc-flag --state keeps between runs (alert.h).
 * MIT licence, see COPYING.
 *
 * A line of the state, fields escaped as state.h says:
 *
 *     a RULE KEY STREAK pending|firing SINCE NOTIFIED|- [PERIOD]
 *
 * STREAK is how many observations in a row the condition held (no more
 * than the rule's `for` needs), SINCE when the first of them was (a time
 * or a period), NOTIFIED when the alert was last told, and PERIOD, for a
 * KPI row's alert, the last period observed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "bucket.h"
#include "charset.h"
#include "jsonl.h"
#include "state.h"

const char *const op_alert_status[] = { "", "new", "ongoing", "ongoing", "resolved" };

void op_alerts_init(op_alerts *a, op_time now)
{
	memset(a, 0, sizeof *a);
	a->now = now;
	op_time_format(now, a->nowtext);
}

/* the hmap's key of rule and key: rule names hold no newline */
static void make_id(op_alerts *a, const char *rule, const char *key, size_t keylen)
{
	op_buf_reset(&a->id);
	op_buf_adds(&a->id, rule);
	op_buf_addc(&a->id, '\n');
	op_buf_add(&a->id, key, keylen);
}

static op_alert *find(op_alerts *a, const char *rule, const char *key, size_t keylen)
{
	make_id(a, rule, key, keylen);
	return op_hmap_get(&a->by, a->id.p, a->id.len);
}

static op_alert *add(op_alerts *a, const char *rule, const char *key, size_t keylen, const char *since)
{
	int isnew;
	make_id(a, rule, key, keylen);
	void **slot = op_hmap_put(&a->by, a->id.p, a->id.len, &isnew);
	if (!isnew)
		return NULL;
	op_alert *al = op_xcalloc(1, sizeof *al);
	al->rule = op_xstrdup(rule);
	al->key = op_xstrndup(key, keylen);
	al->keylen = keylen;
	al->since = op_xstrdup(since);
	*slot = al;
	a->v = op_grow(a->v, a->n, &a->cap, sizeof *a->v);
	a->v[a->n++] = al;
	return al;
}

/* text a record will carry: UTF-8 without NUL */
static int text_ok(const op_buf *b)
{
	return b->len == strlen(b->p) && op_utf8_valid_prefix(b->p, b->len) == b->len;
}

/* the key, written into a record as it is: a JSON object */
static int key_ok(const op_buf *key)
{
	op_jerr je;
	return key->len <= OP_ALERT_KEY_MAX && key->p[0] == '{' && !op_json_valid(key->p, key->len, &je);
}

/* A time of the state later than the run's, by more than the clocks of
 * two hosts differ, was written by a run with a wrong clock (a test with
 * OPFLOW_NOW in 2030).  Believed, it would keep the alert quiet until
 * then, renotify counting from it: the alert is told again by this run,
 * as ongoing if it still holds, and since is now.
 * 0, 1 when the line had such a time, 2 when its alert is told again. */
static int future(op_alerts *a, op_alert *al)
{
	op_time since;
	int odd = 0;
	if (al->firing && al->notified > a->now + OP_ALERT_SKEW) {
		al->notified = a->now;
		al->overdue = 1;
		odd = 2;
	}
	/* since, a time for a record (a period, no time, for a KPI row) */
	if (!op_time_parse(al->since, strlen(al->since), &since, NULL) && since > a->now + OP_ALERT_SKEW) {
		free(al->since);
		al->since = op_xstrdup(a->nowtext);
		if (!odd)
			odd = 1;
	}
	return odd;
}

/* the fields of one line after "a"; 0, future()'s 1 or 2, or -1 when
 * damaged */
static int load_line(op_alerts *a, const char *q, const char *eol)
{
	op_buf *f = a->f;
	int k = 0;
	while (k < 7 && !op_state_get_field(&q, eol, &f[k]))
		k++;
	if (q != eol || k < 6 || !text_ok(&f[0]) || !key_ok(&f[1]) || !text_ok(&f[4]) ||
	    f[4].len > OP_ALERT_PERIOD_MAX || (k == 7 && (!text_ok(&f[6]) || f[6].len > OP_ALERT_PERIOD_MAX)))
		return -1;
	char *end;
	unsigned long streak = strtoul(f[2].p, &end, 10);
	int firing = !strcmp(f[3].p, "firing");
	op_time notified = 0;
	int naive = 0;
	if (*end || f[2].p[0] < '0' || f[2].p[0] > '9' || streak > OP_ALERT_FOR_MAX ||
	    (!firing && strcmp(f[3].p, "pending")) ||
	    (firing ? op_time_parse(f[5].p, f[5].len, &notified, &naive) || naive : strcmp(f[5].p, "-")))
		return -1;
	op_alert *al = add(a, f[0].p, f[1].p, f[1].len, f[4].p);
	if (!al)
		return -1;	/* twice */
	al->streak = (unsigned)streak;
	al->firing = firing;
	al->notified = notified;
	if (k == 7)
		al->period = op_xstrdup(f[6].p);
	return future(a, al);
}

int op_alerts_load(op_alerts *a, const char *body, size_t n, const char *file, unsigned long line0,
		   op_err *e)
{
	const char *p = body, *end = body + n;
	for (unsigned long line = line0; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		int rc = eol - p > OP_ALERT_LINE_MAX || eol - p < 2 || memcmp(p, "a ", 2) ? -1
			 : load_line(a, p + 1, eol);
		if (rc < 0)
			return op_errf(e, OP_EXIT_CONFIG, "%s:%lu: damaged line \"%.*s\"", file, line,
				       (int)(eol - p > 60 ? 60 : eol - p), p);
		if (rc)
			op_warn("%s:%lu: a time later than now (%s), from a run with a wrong clock: taken as now%s",
				file, line, a->nowtext, rc == 2 ? ", the alert told again" : "");
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* Periods a and then b (kpi-rollup's labels) with one or more between
 * them that no row came for: a group with no enquiries that month gets
 * no row without --fill, and its alert's streak is broken there, as the
 * row --fill would write says (its condition false).  Labels of other
 * forms are taken to follow each other. */
static int gap(const char *a, const char *b)
{
	int ka, kb;
	int64_t na, nb;
	return a && op_bucket_parse(a, &ka, &na) && op_bucket_parse(b, &kb, &nb) && ka == kb && nb > na + 1;
}

/* what a gap does: the streak starts again, and an alert that was firing
 * stopped in it */
static void broken(op_alert *al)
{
	al->broke |= al->firing;
	al->streak = 0;
}

/* the condition holds at `at` (a period, or the run's time): the streak
 * grows (once a period; from `at` after a break), and it fires once the
 * streak is long enough */
static int holds(op_alerts *a, op_alert *al, const char *at, int advance, unsigned forn, int64_t renotify)
{
	if (!al->streak) {
		free(al->since);
		al->since = op_xstrdup(at);
	}
	if (advance && al->streak < forn)
		al->streak++;
	if (al->broke) {
		/* the alert told stopped in a period between two runs: it is
		 * over, and this one is another */
		al->broke = 0;
		al->firing = 0;
		if (al->streak < forn)
			return OP_ALERT_RESOLVED;
	}
	if (!al->firing) {
		if (al->streak < forn)
			return OP_ALERT_NONE;
		al->firing = 1;
		al->notified = a->now;
		return OP_ALERT_NEW;
	}
	if (al->overdue || (renotify > 0 && a->now - al->notified >= renotify)) {
		al->overdue = 0;
		al->notified = a->now;
		return OP_ALERT_ONGOING;
	}
	return OP_ALERT_QUIET;
}

int op_alerts_observe(op_alerts *a, const char *rule, const char *key, size_t keylen, const char *period,
		      int cond, unsigned forn, int64_t renotify, const char **since)
{
	op_alert *al = find(a, rule, key, keylen);
	if (al && al->seen) {
		*since = al->since;
		return al->told;
	}
	if (!al && !cond)
		return OP_ALERT_NONE;
	if (al && period && al->period && strcmp(period, al->period) < 0) {
		/* a period before the last one observed (September run again
		 * in November) says nothing of now: the alert stays as it is,
		 * neither resolved nor told */
		al->seen = 1;
		al->told = OP_ALERT_NONE;
		*since = al->since;
		return OP_ALERT_NONE;
	}
	const char *at = period ? period : a->nowtext;
	if (!al)
		al = add(a, rule, key, keylen, at);
	/* a period observed before (a re-run over the same month) is no
	 * new observation: the streak stays */
	int advance = !period || !al->period || strcmp(period, al->period) > 0;
	al->seen = 1;
	if (period && advance && gap(al->period, period))
		broken(al);
	if (cond) {
		al->told = holds(a, al, at, advance, forn, renotify);
	} else {
		al->told = al->firing ? OP_ALERT_RESOLVED : OP_ALERT_NONE;
		al->gone = 1;
	}
	if (period && advance) {
		free(al->period);
		al->period = op_xstrdup(period);
	}
	*since = al->since;
	return al->told;
}

void op_alerts_history(op_alerts *a, const char *rule, const char *key, size_t keylen, const char *period,
		       int cond, unsigned forn)
{
	op_alert *al = find(a, rule, key, keylen);
	if (al && al->period && strcmp(period, al->period) <= 0)
		return;		/* observed by an earlier run */
	if (!al && !cond)
		return;
	if (!al)
		al = add(a, rule, key, keylen, period);
	if (gap(al->period, period))
		broken(al);
	free(al->period);
	al->period = op_xstrdup(period);
	if (cond) {
		if (!al->streak) {
			free(al->since);
			al->since = op_xstrdup(period);
		}
		if (al->streak < forn)
			al->streak++;
	} else {
		broken(al);
	}
}

int op_alerts_unseen(op_alerts *a, size_t *at, op_alert **al)
{
	while (*at < a->n) {
		op_alert *x = a->v[(*at)++];
		if (!x->seen && !x->gone) {
			*al = x;
			return 1;
		}
	}
	return 0;
}

int op_alerts_dump(op_alerts *a, op_buf *out, size_t *at)
{
	size_t start = out->len;
	char t[21];
	for (; *at < a->n && out->len - start < 65536; ++*at) {
		const op_alert *al = a->v[*at];
		if (al->gone)
			continue;
		op_buf_addc(out, 'a');
		op_state_put_field(out, al->rule, strlen(al->rule));
		op_state_put_field(out, al->key, al->keylen);
		op_buf_printf(out, " %u %s", al->streak, al->firing ? "firing" : "pending");
		op_state_put_field(out, al->since, strlen(al->since));
		if (al->firing) {
			op_time_format(al->notified, t);
			op_buf_printf(out, " %s", t);
		} else {
			op_buf_adds(out, " -");
		}
		if (al->period)
			op_state_put_field(out, al->period, strlen(al->period));
		op_buf_addc(out, '\n');
	}
	return *at < a->n;
}

static void free_alert(void *p)
{
	op_alert *al = p;
	free(al->rule);
	free(al->key);
	free(al->since);
	free(al->period);
	free(al);
}

void op_alerts_free(op_alerts *a)
{
	op_hmap_free(&a->by, free_alert);
	free(a->v);
	op_buf_free(&a->id);
	for (size_t i = 0; i < sizeof a->f / sizeof a->f[0]; i++)
		op_buf_free(&a->f[i]);
	memset(a, 0, sizeof *a);
}
