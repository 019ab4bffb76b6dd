/* flag.c - the engine of exc-flag: the `flag` statement of the rule
 * language, and per record the flags whose conditions hold, as the
 * record's `flags` array; with --state, each flag an alert of alert.c
 * told as it starts, goes on and ends.  MIT licence, see COPYING.  The
 * meaning: man/exc-flag.1. */
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "calfile.h"
#include "fields.h"
#include "check.h"
#include "flag.h"
#include "state.h"

#define STATE_KIND "exc-flag"
#define STATE_VERSION 1

/* a rule that held for the record: its flag object, open (no '}'), in
 * the record's objects */
typedef struct {
	size_t rule, off, len;
} held;

/* --state: a KPI row kept back until the latest period of its group is
 * known (the end of the input); its texts are in the hold buffer */
typedef struct {
	size_t line, linelen, key, keylen, period, periodlen, explain, explainlen;
	size_t obj0, nobj;		/* its helds, in the row helds */
	int has_period;
} row;

struct op_flagger {
	op_flag *flags;
	size_t n, cap;
	op_rules *rules;
	op_calendar *calendar;
	op_eval ev;
	op_fields out;
	op_buf group, tmp;
	const char **by;
	size_t nby;
	int only;
	op_buf trace, explain;	/* --explain: a flag's comparisons; the flags' */
	unsigned long long flagged;
	int worst;
	op_buf objs;		/* the record's flag objects (held) */
	held *hv;
	size_t nh, caph;
	int quiet;		/* --nagios: no record written */
	/* --state */
	int stateful, all_status;
	op_state state;
	op_alerts alerts;
	op_buf key, period, jtmp;
	op_buf hold;		/* the rows kept back: lines, explains, objects */
	row *rows;
	size_t nrows, caprows;
	held *rh;		/* their helds, offsets into hold */
	size_t nrh, caprh;
	op_hmap latest;		/* a group's key -> its latest period (char *) */
	size_t dumped;		/* op_flagger_save's place in the alerts */
};
typedef struct op_flagger ctx;

/* renotify DURATION: wall time, whole minutes or more */
static void parse_renotify(op_parser *p, op_flag *f)
{
	size_t at = op_p_skip(p);
	f->renotify = op_p_duration(p, "renotify", NULL);
	if (f->renotify < 60)
		op_p_error_at(p, at, "renotify: a minute or more expected");
}

/* for N: observations in a row */
static void parse_for(op_parser *p, op_flag *f)
{
	size_t at = op_p_skip(p);
	double n = op_p_number(p, "for");
	if (n < 1 || n > OP_ALERT_FOR_MAX || n != (int)n)	/* range first: no cast of 1e300 */
		op_p_error_at(p, at, "for: a whole number of observations from 1 to %d expected", OP_ALERT_FOR_MAX);
	f->forn = (unsigned)n;
}

static void parse_flag(op_parser *p, void *vc)
{
	ctx *c = vc;
	op_flag f = { .line = op_p_line(p), .forn = 1 };
	f.name = op_p_name(p, "flag name");
	size_t at = op_p_skip(p);
	const char *sev = op_p_word(p, "severity (low, medium, high, critical)");
	f.severity = op_severity(sev);
	if (f.severity < 0) {
		const char *hint = op_p_suggest(sev, op_severities);
		op_p_error_at(p, at, "unknown severity '%s'%s%s%s (low, medium, high, critical)", sev,
			      hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
	}
	if (op_p_accept(p, "title"))
		f.title = op_p_string(p, "title", &f.titlelen);
	op_p_expect(p, "when");
	f.when = op_parse_expr(p);
	for (;;) {
		if (op_p_accept(p, "owner"))
			f.owner = op_p_name(p, "owner");
		else if (op_p_accept(p, "message"))
			f.message = op_p_template(p, "message");
		else if (!f.title && op_p_accept(p, "title"))
			f.title = op_p_string(p, "title", &f.titlelen);
		else if (op_p_accept(p, "renotify"))
			parse_renotify(p, &f);
		else if (op_p_accept(p, "for"))
			parse_for(p, &f);
		else
			break;
	}
	if (!f.title) {
		f.title = f.name;
		f.titlelen = strlen(f.name);
	}
	/* what the flag is about, for a report to say once: delta.x,
	 * prev.x and delta_pct.x are about x (kpi-rollup --compare) */
	static const char *const wrappers[] = { "prev", "delta", "delta_pct", NULL };
	f.about = op_expr_subject(f.when, wrappers);
	op_p_rule(p, "flag", f.name, f.when, 0);
	c->flags = op_grow(c->flags, c->n, &c->cap, sizeof *c->flags);
	c->flags[c->n++] = f;
}

const op_stmt op_flag_statements[] = {
	{ "flag", parse_flag, "flag NAME SEVERITY [title \"TEXT\"] when EXPR [owner NAME] [message \"TEXT {field}\"]"
			      " [renotify DURATION] [for N]" },
	{ NULL, NULL, NULL },
};

/* the --by fields' values, joined, name the history group */
static void set_group(ctx *c, op_rec *r)
{
	op_buf_reset(&c->group);
	for (size_t i = 0; i < c->nby; i++) {
		const op_field *f = op_rec_get(r, c->by[i], strlen(c->by[i]));
		if (i)
			op_buf_addc(&c->group, '\x1f');
		if (f)
			op_buf_add(&c->group, f->v, f->vlen);
	}
	c->ev.group = c->group.p ? c->group.p : "";
	c->ev.grouplen = c->group.len;
}

/* {name, severity, title, about, message, owner of f, open (no '}'), into b:
 * 0, or -1 after rejecting the record when its message cannot be made.
 * A resolved alert's message (render 0) is null: its condition no longer
 * holds, what the template would say is not what was wrong. */
static int flag_object(ctx *c, op_stream *st, const op_flag *f, int render, op_buf *b)
{
	op_buf_adds(b, "{\"name\":");
	op_buf_json_cstr(b, f->name);
	op_buf_printf(b, ",\"severity\":\"%s\",\"title\":", op_severities[f->severity]);
	op_buf_json_str(b, f->title, f->titlelen);
	op_buf_adds(b, ",\"about\":");
	if (f->about)
		op_buf_json_cstr(b, f->about);
	else
		op_buf_adds(b, "null");
	op_buf_adds(b, ",\"message\":");
	if (f->message && render) {
		op_buf_reset(&c->tmp);
		if (op_render(&c->ev, f->message, &c->tmp)) {
			op_reject(st, "%s:%u: flag %s: %s", c->rules->file, f->line, f->name, c->ev.err);
			return -1;
		}
		op_buf_json_str(b, c->tmp.p ? c->tmp.p : "", c->tmp.len);
	} else {
		op_buf_adds(b, "null");
	}
	op_buf_adds(b, ",\"owner\":");
	if (f->owner)
		op_buf_json_cstr(b, f->owner);
	else
		op_buf_adds(b, "null");
	return 0;
}

/* --explain: f held; its file:line and what its condition compared */
static void explain_flag(ctx *c, const op_flag *f, int first)
{
	op_buf *b = &c->explain;
	if (first)
		op_buf_reset(b);
	op_buf_adds(b, first ? "{\"rules\":[{\"at\":" : ",{\"at\":");
	op_buf_reset(&c->tmp);
	op_buf_printf(&c->tmp, "%s:%u", c->rules->file, f->line);
	op_buf_json_str(b, c->tmp.p, c->tmp.len);
	op_buf_adds(b, ",\"flag\":");
	op_buf_json_cstr(b, f->name);
	op_buf_adds(b, ",\"compared\":[");
	op_buf_add(b, c->trace.p ? c->trace.p : "", c->trace.len);
	op_buf_adds(b, "]}");
}

/* The rules that hold for the record into c->hv, their objects into
 * c->objs, the explain object (closed) into c->explain: 0, or -1 after
 * rejecting the record. */
static int evaluate(ctx *c, op_stream *st, op_rec *r)
{
	op_eval_record(&c->ev, r);
	if (c->nby)
		set_group(c, r);
	op_buf_reset(&c->objs);
	c->nh = 0;
	for (size_t i = 0; i < c->n; i++) {
		op_flag *f = &c->flags[i];
		op_buf_reset(&c->trace);
		int t = op_eval_cond(&c->ev, f->when);
		if (t < 0) {
			op_reject(st, "%s:%u: flag %s: %s", c->rules->file, f->line, f->name, c->ev.err);
			return -1;
		}
		if (!t)
			continue;
		/* before its message's template adds to the trace */
		if (c->ev.trace)
			explain_flag(c, f, !c->nh);
		size_t off = c->objs.len;
		if (flag_object(c, st, f, 1, &c->objs))
			return -1;
		c->hv = op_grow(c->hv, c->nh, &c->caph, sizeof *c->hv);
		c->hv[c->nh++] = (held){ i, off, c->objs.len - off };
		f->fired++;
	}
	if (c->nh && c->ev.trace)
		op_buf_adds(&c->explain, "]}");
	op_history_commit(&c->ev);
	return 0;
}

/* One flag of the array b: the object, with the alert's status when it
 * has one; the worst severity written. */
static void put_flag(ctx *c, op_buf *b, size_t rule, const char *obj, size_t len, int status, const char *since)
{
	if (b->p[b->len - 1] != '[')
		op_buf_addc(b, ',');
	op_buf_add(b, obj, len);
	if (status != OP_ALERT_NONE) {
		op_buf_printf(b, ",\"status\":\"%s\",\"since\":", op_alert_status[status]);
		op_buf_json_cstr(b, since);
	}
	op_buf_addc(b, '}');
	if (c->flags[rule].severity > c->worst)
		c->worst = c->flags[rule].severity;
}

/* The alert of rule i for the record: what to tell (an ongoing alert not
 * told again only with --all-status) */
static int observe(ctx *c, size_t i, int holds, const char *key, size_t keylen, const char *period,
		   const char **since)
{
	const op_flag *f = &c->flags[i];
	int status = op_alerts_observe(&c->alerts, f->name, key, keylen, period, holds, f->forn, f->renotify, since);
	if (status == OP_ALERT_QUIET && !c->all_status)
		return OP_ALERT_NONE;
	return status;
}

/* Write r with the flags array of hv[0..nh) (objects in objs); with
 * --state each an alert of key (in period; observed: not a row of an
 * earlier period), told or not, and the resolved ones with them. */
static void write_flags(ctx *c, op_stream *st, op_rec *r, const char *objs, const held *hv, size_t nh,
			const char *key, size_t keylen, const char *period, int observed, const char *explain,
			size_t explainlen)
{
	op_fields_reset(&c->out);
	op_buf *b = op_fields_add(&c->out, "flags");
	op_buf_addc(b, '[');
	size_t j = 0;
	for (size_t i = 0; i < c->n; i++) {
		int holds = j < nh && hv[j].rule == i, status = OP_ALERT_NONE;
		const char *since = NULL;
		if (c->stateful && observed)
			status = observe(c, i, holds, key, keylen, period, &since);
		if (holds && (!c->stateful || status != OP_ALERT_NONE)) {
			put_flag(c, b, i, objs + hv[j].off, hv[j].len, status, since);
		} else if (status == OP_ALERT_RESOLVED) {
			op_buf_reset(&c->jtmp);
			flag_object(c, st, &c->flags[i], 0, &c->jtmp);
			put_flag(c, b, i, c->jtmp.p, c->jtmp.len, status, since);
		}
		j += holds;
	}
	if (c->quiet)
		return;
	if (b->len > 1) {
		op_buf_addc(b, ']');
		if (c->ev.trace && explainlen)
			op_fields_json(&c->out, "explain", explain, explainlen);
		size_t n;
		const op_kv *kv = op_fields_kv(&c->out, &n);
		c->flagged++;
		op_emit_rec(st, r, kv, n);
	} else if (!c->only) {
		op_emit_rec(st, r, NULL, 0);
	}
}

/* ---- --state: the alert's key and the KPI rows kept back ---- */

/* `"name":value` of r into c->key (null when r has none); a name given
 * twice, and "flags", once and not at all: the key is written into a
 * record of its own when the alert resolves in the group's absence */
static void key_member(ctx *c, op_rec *r, const char *name, size_t n)
{
	const char *v;
	size_t vlen;
	op_buf_addc(&c->key, '}');
	int twice = op_jobj_get(c->key.p, c->key.len, name, n, &v, &vlen, &c->jtmp);
	c->key.p[--c->key.len] = 0;
	if (twice || (n == 5 && !memcmp(name, "flags", 5)))
		return;
	if (c->key.len > 1)
		op_buf_addc(&c->key, ',');
	op_buf_json_str(&c->key, name, n);
	op_buf_addc(&c->key, ':');
	const op_field *f = op_rec_get(r, name, n);
	if (f)
		op_buf_add(&c->key, f->v, f->vlen);
	else
		op_buf_adds(&c->key, "null");
}

/* The alert's key into c->key, a JSON object: a KPI row's group (the
 * --by fields, else its kpi.by), another record's id; the period of a KPI
 * row into c->period.  1 for a KPI row with a period, 0 for another
 * record, -1 after rejecting one that has no key to keep. */
static int alert_key(ctx *c, op_stream *st, op_rec *r)
{
	const op_field *kpi = op_rec_get(r, "kpi", 3), *id;
	const char *by, *v;
	size_t bylen, vlen, pos = 0;
	int isrow = kpi && kpi->type == OP_JOBJ && op_jobj_get(kpi->v, kpi->vlen, "by", 2, &by, &bylen, &c->jtmp) &&
		    op_jtype_of(by) == OP_JARR;
	op_buf_reset(&c->key);
	op_buf_addc(&c->key, '{');
	if (isrow && c->nby) {
		for (size_t i = 0; i < c->nby; i++)
			key_member(c, r, c->by[i], strlen(c->by[i]));
	} else if (isrow) {
		while (op_jarr_next(by, bylen, &pos, &v, &vlen))
			if (op_jtype_of(v) == OP_JSTR) {
				const char *name;
				size_t n;
				op_jstr(v, vlen, 1, &c->jtmp, &name, &n);
				op_buf_reset(&c->tmp);
				op_buf_add(&c->tmp, name, n);
				key_member(c, r, c->tmp.p, c->tmp.len);
			}
	} else if ((id = op_rec_get(r, "id", 2)) && id->type != OP_JNULL) {
		op_buf_adds(&c->key, "\"id\":");
		op_buf_add(&c->key, id->v, id->vlen);
	} else {
		op_reject(st, "--state: no id to keep its alerts by");
		return -1;
	}
	op_buf_addc(&c->key, '}');
	if (c->key.len > OP_ALERT_KEY_MAX) {
		op_reject(st, "--state: the alert's key (%s) is longer than %d bytes", isrow ? "its group" : "its id",
			  OP_ALERT_KEY_MAX);
		return -1;
	}
	const op_field *per = isrow ? op_rec_get(r, "period", 6) : NULL;
	if (!per || per->type != OP_JSTR)
		return 0;
	const char *s;
	size_t n;
	op_jstr(per->v, per->vlen, per->vesc, &c->jtmp, &s, &n);
	if (n > OP_ALERT_PERIOD_MAX || memchr(s, 0, n)) {
		op_reject(st, "--state: its period is not one (longer than %d bytes, or holding a NUL)",
			  OP_ALERT_PERIOD_MAX);
		return -1;
	}
	op_buf_reset(&c->period);
	op_buf_add(&c->period, s, n);
	return 1;
}

static size_t keep(ctx *c, const char *s, size_t n)
{
	size_t at = c->hold.len;
	op_buf_add(&c->hold, s, n);
	return at;
}

/* keep the record back, with what evaluate() made of it */
static void hold_row(ctx *c, const op_rec *r, int has_period)
{
	c->rows = op_grow(c->rows, c->nrows, &c->caprows, sizeof *c->rows);
	row *w = &c->rows[c->nrows++];
	w->line = keep(c, r->line, r->len);
	w->linelen = r->len;
	w->key = keep(c, c->key.p, c->key.len);
	w->keylen = c->key.len;
	w->has_period = has_period;
	w->period = keep(c, c->period.p, has_period ? c->period.len : 0);
	w->periodlen = has_period ? c->period.len : 0;
	w->explainlen = c->nh && c->ev.trace ? c->explain.len : 0;
	w->explain = keep(c, c->explain.p, w->explainlen);
	size_t objs = keep(c, c->objs.p, c->objs.len);
	w->obj0 = c->nrh;
	w->nobj = c->nh;
	for (size_t i = 0; i < c->nh; i++) {
		c->rh = op_grow(c->rh, c->nrh, &c->caprh, sizeof *c->rh);
		c->rh[c->nrh++] = (held){ c->hv[i].rule, objs + c->hv[i].off, c->hv[i].len };
	}
	if (!has_period)
		return;
	int isnew;
	char **latest = (char **)op_hmap_put(&c->latest, c->key.p, c->key.len, &isnew);
	if (isnew || strcmp(c->period.p, *latest) > 0) {
		free(*latest);
		*latest = op_xstrdup(c->period.p);
	}
}

int op_flagger_record(op_stream *st, op_rec *r, void *vc)
{
	ctx *c = vc;
	if (evaluate(c, st, r))
		return 0;
	if (!c->stateful) {
		write_flags(c, st, r, c->objs.p, c->hv, c->nh, NULL, 0, NULL, 0, c->explain.p,
			    c->nh ? c->explain.len : 0);
		return 0;
	}
	int has_period = alert_key(c, st, r);
	if (has_period < 0)
		return 0;
	/* a KPI row's alert is that of its group's latest period, known at
	 * the end; what follows one waits with it, so that the records come
	 * out in their order */
	if (has_period || c->nrows) {
		hold_row(c, r, has_period);
		return 0;
	}
	write_flags(c, st, r, c->objs.p, c->hv, c->nh, c->key.p, c->key.len, NULL, 1, c->explain.p,
		    c->nh ? c->explain.len : 0);
	return 0;
}

/* a row of an earlier period than its group's latest: each rule's streak */
static void history(ctx *c, const row *w, const char *period)
{
	const held *hv = c->rh + w->obj0;
	for (size_t i = 0, j = 0; i < c->n; i++) {
		int holds = j < w->nobj && hv[j].rule == i;
		op_alerts_history(&c->alerts, c->flags[i].name, c->hold.p + w->key, w->keylen, period, holds,
				  c->flags[i].forn);
		j += holds;
	}
}

/* the rows kept back, each with its flags; a KPI row of an earlier period
 * than its group's latest is history, written as it was read: what was
 * wrong then and is no longer is not news (kpi-report reports the latest) */
static void write_held(ctx *c, op_stream *st)
{
	op_rec r = {0};
	op_jerr je;
	for (size_t i = 0; i < c->nrows; i++) {
		const row *w = &c->rows[i];
		const char *h = c->hold.p, *period = NULL;
		if (op_rec_scan(&r, h + w->line, w->linelen, &je))
			op_die(OP_EXIT_SOFTWARE, "a record kept back is no longer valid: %s", je.msg);
		op_buf_reset(&c->period);
		op_buf_add(&c->period, h + w->period, w->periodlen);
		if (w->has_period) {
			period = c->period.p;
			if (strcmp(period, op_hmap_get(&c->latest, h + w->key, w->keylen))) {
				history(c, w, period);
				if (!c->only && !c->quiet)
					op_emit_rec(st, &r, NULL, 0);
				continue;
			}
		}
		write_flags(c, st, &r, h, c->rh + w->obj0, w->nobj, h + w->key, w->keylen, period, 1,
			    h + w->explain, w->explainlen);
	}
	op_rec_free(&r);
}

static int by_key(const void *x, const void *y)
{
	const op_alert *a = *(op_alert *const *)x, *b = *(op_alert *const *)y;
	size_t n = a->keylen < b->keylen ? a->keylen : b->keylen;
	int d = memcmp(a->key, b->key, n);
	return d ? d : a->keylen < b->keylen ? -1 : a->keylen > b->keylen;
}

static const op_flag *rule_named(const ctx *c, const char *name, size_t *i)
{
	for (*i = 0; *i < c->n; ++*i)
		if (!strcmp(c->flags[*i].name, name))
			return &c->flags[*i];
	return NULL;
}

/* One record per key of the alerts no record of the run observed: the
 * key's members and the resolved flags.  Only after a run that read all
 * its input: after a rejected line or an unreadable file, what is missing
 * may be what was not read, and the alerts wait for the next run. */
static void resolve_unseen(ctx *c, op_stream *st)
{
	int clean = !st->rejected && !st->noinput;
	op_alert *al, **v = NULL;
	size_t at = 0, n = 0, cap = 0, rule;
	while (op_alerts_unseen(&c->alerts, &at, &al)) {
		if (!rule_named(c, al->rule, &rule))
			al->gone = 1;	/* its rule is gone: forgotten, untold */
		else if (clean && !al->firing)
			al->gone = 1;	/* pending, and the run broke its streak */
		else if (clean) {
			v = op_grow(v, n, &cap, sizeof *v);
			v[n++] = al;
		}
	}
	if (n)
		qsort(v, n, sizeof *v, by_key);
	op_buf line = {0};
	for (size_t i = 0; i < n; i++) {
		al = v[i];
		al->gone = 1;
		rule_named(c, al->rule, &rule);
		if (c->quiet)
			continue;
		int first = !i || by_key(&v[i - 1], &v[i]);
		if (first) {
			op_buf_reset(&line);
			op_buf_add(&line, al->key, al->keylen - 1);
			op_buf_adds(&line, al->keylen > 2 ? ",\"flags\":[" : "\"flags\":[");
		}
		op_buf_reset(&c->jtmp);
		flag_object(c, st, &c->flags[rule], 0, &c->jtmp);
		put_flag(c, &line, rule, c->jtmp.p, c->jtmp.len, OP_ALERT_RESOLVED, al->since);
		if (i + 1 == n || by_key(&v[i], &v[i + 1])) {
			op_buf_adds(&line, "]}");
			c->flagged++;
			op_emit(st, line.p, line.len);
		}
	}
	op_buf_free(&line);
	free(v);
}

void op_flagger_end(op_flagger *c, op_stream *st)
{
	if (!c->stateful)
		return;
	write_held(c, st);
	resolve_unseen(c, st);
	size_t rule;
	for (size_t i = 0; i < c->alerts.n; i++) {
		const op_alert *al = c->alerts.v[i];
		if (al->firing && !al->gone && rule_named(c, al->rule, &rule))
			c->flags[rule].active++;
	}
}

static int dump_next(void *vc, op_buf *out)
{
	ctx *c = vc;
	return op_alerts_dump(&c->alerts, out, &c->dumped);
}

int op_flagger_save(op_flagger *c, op_err *e)
{
	return op_state_commit(&c->state, STATE_KIND, STATE_VERSION, dump_next, c, e);
}

int op_flagger_state(op_flagger *c, const char *path, int all_status, op_err *e)
{
	const char *p;
	size_t n;
	unsigned long line;
	int k;
	c->stateful = 1;
	c->all_status = all_status;
	op_alerts_init(&c->alerts, c->ev.now);
	if (op_state_open(&c->state, path, STATE_KIND, STATE_VERSION, 0, e))
		return -1;
	while ((k = op_state_next(&c->state, &p, &n, &line, e)) > 0)
		if (op_alerts_load(&c->alerts, p, n, c->state.path, line, e))
			return -1;
	return k;
}

void op_flagger_quiet(op_flagger *c)
{
	c->quiet = 1;
}

op_flagger *op_flagger_new(void)
{
	ctx *c = op_xcalloc(1, sizeof *c);
	c->worst = -1;
	return c;
}

op_flagger *op_flagger_load(const char *rules, const char **by, size_t nby, int only, const op_cli *cli,
			    op_err *e)
{
	ctx *c = op_flagger_new();
	c->by = by;
	c->nby = nby;
	c->only = only;
	if (!(c->rules = op_rules_load(rules, "alerts.rules", op_flag_statements, c, OP_FEAT_HISTORY, e)) ||
	    op_calendar_for(cli, rules, &c->calendar, e)) {
		op_flagger_free(c);
		return NULL;
	}
	op_eval_init(&c->ev, cli->now, cli->tz);
	c->ev.lang = &c->rules->lang;
	if (op_calendar_attach(c->calendar, c->rules, &c->ev, e)) {
		op_flagger_free(c);
		return NULL;
	}
	return c;
}

void op_flagger_explain(op_flagger *c)
{
	c->ev.trace = &c->trace;
}

const op_flag *op_flagger_flags(const op_flagger *c, size_t *n)
{
	*n = c->n;
	return c->flags;
}

unsigned long long op_flagger_flagged(const op_flagger *c)
{
	return c->flagged;
}

int op_flagger_worst(const op_flagger *c)
{
	return c->worst;
}

int op_flagger_stateful(const op_flagger *c)
{
	return c->stateful;
}

void op_flagger_free(op_flagger *c)
{
	if (!c)
		return;
	op_eval_free(&c->ev);
	op_rules_free(c->rules);
	op_calendar_free(c->calendar);
	op_fields_free(&c->out);
	op_buf_free(&c->group);
	op_buf_free(&c->tmp);
	op_buf_free(&c->trace);
	op_buf_free(&c->explain);
	op_buf_free(&c->objs);
	free(c->hv);
	if (c->stateful) {
		op_state_close(&c->state);
		op_alerts_free(&c->alerts);
	}
	op_buf_free(&c->key);
	op_buf_free(&c->period);
	op_buf_free(&c->jtmp);
	op_buf_free(&c->hold);
	free(c->rows);
	free(c->rh);
	op_hmap_free(&c->latest, free);
	free(c->flags);
	free(c);
}

const op_rules *op_flagger_rules(const op_flagger *c)
{
	return c->rules;
}
