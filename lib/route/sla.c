/* sla.c - SLA policies (sla.h, man/enq-route.1 SLA POLICIES): the `sla`
 * statement, paused spans from a status history, and each target's due
 * time, state, minutes used and left.  MIT licence, see COPYING. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "sla.h"

static const char *const target_names[] = { "first", "next", "resolve", NULL };
static const char *const state_names[] = { "open", "met", "breached", "unknown" };

typedef struct {
	const char *name;
	op_expr *when;
	op_sla_dur t[OP_SLA_NTARGETS];
	const char *as_written[OP_SLA_NTARGETS];	/* for messages */
	const char **pause;	/* statuses that stop the clock */
	size_t npause;
	int warn;
	unsigned line;
} policy;

struct op_slas {
	policy *v;
	size_t n, cap;
	op_sla_event *ev;
	op_sla_span *sp;
	size_t capev;
	op_buf tmp;
};

/* ---- the clock ---- */

/* seconds of the target's clock in [a, b) */
static int64_t run(const op_sla_clock *k, int unit, op_time a, op_time b)
{
	if (b <= a)
		return 0;
	return unit ? op_cal_between(k->cal, a, b) : b - a;
}

/* the same with the paused spans taken out */
static int64_t running(const op_sla_clock *k, int unit, op_time a, op_time b)
{
	int64_t s = run(k, unit, a, b);
	for (size_t i = 0; i < k->npause && k->pause[i].from < b; i++) {
		op_time lo = k->pause[i].from > a ? k->pause[i].from : a;
		op_time hi = k->pause[i].to < b ? k->pause[i].to : b;
		s -= run(k, unit, lo, hi);
	}
	return s;
}

static int advance(const op_sla_clock *k, int unit, op_time from, int64_t secs, op_time *out)
{
	if (unit)
		return op_cal_add_secs(k->cal, from, secs, out);
	if (secs > OP_TIME_MAX - from)
		return OP_CAL_RANGE;
	*out = from + secs;
	return 0;
}

/* Where the unpaused clock from start has used budget seconds, pauses
 * counted up to `until` (a target met does not move with a later wait on
 * the customer).  base is where the clock would end without pauses: when
 * the pauses took none of its time before base (none, or all at night),
 * base is the answer, as op_cal_add gave it (a business day's end is its
 * own rule), found without walking the calendar again when no pause
 * falls before it. */
static int due_time(const op_sla_clock *k, int unit, op_time start, op_time base, op_time until, int64_t budget,
		    op_time *due)
{
	op_time end = base < until ? base : until;
	size_t i = 0;
	while (i < k->npause && k->pause[i].to <= start)
		i++;
	if (i == k->npause || k->pause[i].from >= end ||
	    running(k, unit, start, end) + run(k, unit, end, base) == budget) {
		*due = base;
		return 0;
	}
	op_time cur = start;
	for (; i < k->npause && k->pause[i].from < until; i++) {
		const op_sla_span *p = &k->pause[i];
		if (p->to <= cur)
			continue;
		if (p->from > cur) {
			int64_t avail = run(k, unit, cur, p->from);
			if (budget <= avail)
				return advance(k, unit, cur, budget, due);
			budget -= avail;
		}
		cur = p->to < until ? p->to : until;
	}
	return advance(k, unit, cur, budget, due);
}

int op_sla_target(const op_sla_clock *k, op_sla_dur d, op_time start, const op_time *stop, op_sla_result *out)
{
	op_time base;
	int rc = d.unit ? op_cal_add(k->cal, start, d.amount, d.unit, &base) : advance(k, 0, start, d.amount, &base);
	if (rc)
		return rc;
	int64_t budget = run(k, d.unit, start, base);
	op_time t = stop ? *stop : OP_TIME_MAX;
	if ((rc = due_time(k, d.unit, start, base, t, budget, &out->due)))
		return rc;
	t = stop ? *stop : k->now;
	int64_t used = running(k, d.unit, start, t);
	out->budget = (budget + 30) / 60;
	out->used = (used + 30) / 60;
	out->remaining = out->budget > out->used ? out->budget - out->used : 0;
	out->state = t > out->due ? OP_SLA_BREACHED : stop ? OP_SLA_MET : OP_SLA_OPEN;
	out->late = out->state == OP_SLA_BREACHED ? (t - out->due + 59) / 60 : 0;
	out->at_risk = out->state == OP_SLA_OPEN && k->warn && used * 100 > (int64_t)k->warn * budget;
	return 0;
}

/* ---- status history ---- */

/* a stable merge sort by time: changes at one instant keep their order */
static void sort_events(op_sla_event *ev, size_t n)
{
	op_sla_event *tmp = op_xmalloc(n * sizeof *tmp);
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, o = lo;
			while (i < mid && j < hi)
				tmp[o++] = ev[j].at < ev[i].at ? ev[j++] : ev[i++];
			while (i < mid)
				tmp[o++] = ev[i++];
			while (j < hi)
				tmp[o++] = ev[j++];
		}
		memcpy(ev, tmp, n * sizeof *ev);
	}
	free(tmp);
}

size_t op_sla_spans(op_sla_event *ev, size_t n, op_time end, op_sla_span *out, int *sorted)
{
	*sorted = 1;
	for (size_t i = 1; i < n && *sorted; i++)
		*sorted = ev[i].at >= ev[i - 1].at;
	if (!*sorted)
		sort_events(ev, n);
	size_t m = 0;
	int on = 0;
	op_time from = 0;
	for (size_t i = 0; i < n; i++) {
		if (ev[i].paused && !on) {
			on = 1;
			from = ev[i].at;
		} else if (!ev[i].paused && on) {
			on = 0;
			if (ev[i].at > from)
				out[m++] = (op_sla_span){ from, ev[i].at };
		}
	}
	if (on && end > from)
		out[m++] = (op_sla_span){ from, end };
	return m;
}

/* ---- the statement ---- */

op_slas *op_slas_new(void)
{
	return op_xcalloc(1, sizeof(op_slas));
}

void op_slas_free(op_slas *s)
{
	if (!s)
		return;
	free(s->v);
	free(s->ev);
	free(s->sp);
	op_buf_free(&s->tmp);
	free(s);
}

int op_slas_any(const op_slas *s)
{
	return s->n > 0;
}

static void parse_target(op_parser *p, policy *pol)
{
	size_t at = op_p_skip(p);
	int k = 0;
	while (target_names[k] && !op_lex_accept_word(p, target_names[k]))
		k++;
	if (!target_names[k])
		op_p_expected(p, "'first', 'next' or 'resolve'");
	if (pol->t[k].unit >= 0)
		op_p_error_at(p, at, "sla %s: %s given twice", pol->name, target_names[k]);
	op_token t;
	at = op_p_skip(p);
	if (op_lex_peek(p, &t) != OP_T_NUMBER ||
	    op_duration_parse(t.s, t.len, &pol->t[k].amount, &pol->t[k].unit))
		op_p_error_at(p, at, "%s: a duration expected (30m 4h 2d, business 4bh 2bd)", target_names[k]);
	op_lex_take(p, &t);
	if (pol->t[k].amount <= 0 || (pol->t[k].unit == 0 && pol->t[k].amount % 60))
		op_p_error_at(p, at, "%s: whole minutes or more expected", target_names[k]);
	pol->as_written[k] = op_arena_strndup(p->arena, t.s, t.len);
}

/* `pause when status in ["a", "b"]`, after `pause` */
static void parse_pause(op_parser *p, policy *pol)
{
	if (pol->npause)
		op_p_error(p, "sla %s: pause given twice", pol->name);
	op_p_expect(p, "when");
	op_p_expect(p, "status");
	op_p_expect(p, "in");
	op_lex_expect(p, OP_T_LBRACK);
	const char *list[64];
	do {
		size_t len;
		if (pol->npause == sizeof list / sizeof *list)
			op_p_error(p, "sla %s: more than %zu pause statuses", pol->name, pol->npause);
		if (!(list[pol->npause++] = op_lex_string(p, &len, 0)))
			op_p_expected(p, "a status (\"waiting on customer\")");
	} while (op_lex_accept(p, OP_T_COMMA));
	op_lex_expect(p, OP_T_RBRACK);
	pol->pause = op_p_alloc(p, pol->npause * sizeof *pol->pause);
	memcpy(pol->pause, list, pol->npause * sizeof *pol->pause);
}

/* `warn at N %`, after `warn` */
static void parse_warn(op_parser *p, policy *pol)
{
	if (pol->warn)
		op_p_error(p, "sla %s: warn given twice", pol->name);
	op_p_expect(p, "at");
	size_t at = op_p_skip(p);
	op_token t;
	double n = 0;
	if (op_lex_peek(p, &t) == OP_T_NUMBER) {
		char *end;
		n = strtod(op_arena_strndup(p->arena, t.s, t.len), &end);
		if (*end || n < 1 || n > 99 || n != (int)n)	/* range first: no cast of 1e300 */
			n = 0;
		op_lex_take(p, &t);
	}
	if (n < 1 || n > 99)
		op_p_error_at(p, at, "warn at: a whole percentage from 1 to 99 expected");
	pol->warn = (int)n;
	if (op_lex_peek(p, &t) != OP_T_OTHER || t.len != 1 || t.s[0] != '%')
		op_p_expected(p, "'%'");
	op_lex_take(p, &t);
}

void op_sla_parse(op_parser *p, op_slas *s)
{
	policy pol = { .line = op_p_line(p) };
	for (int k = 0; k < OP_SLA_NTARGETS; k++)
		pol.t[k].unit = -1;
	size_t at = op_p_skip(p);
	if (!(pol.name = op_lex_name(p)))
		op_p_expected(p, "policy name");
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, pol.name))
			op_p_error_at(p, at, "sla %s defined twice (first on line %u)", pol.name, s->v[i].line);
	if (op_lex_accept_word(p, "when"))
		pol.when = op_parse_expr(p);
	op_p_rule(p, "sla", pol.name, pol.when, 1);
	op_lex_expect(p, OP_T_COLON);
	do
		parse_target(p, &pol);
	while (op_lex_accept(p, OP_T_COMMA));
	while (!op_p_end(p)) {
		if (op_lex_accept_word(p, "pause"))
			parse_pause(p, &pol);
		else if (op_lex_accept_word(p, "warn"))
			parse_warn(p, &pol);
		else
			op_p_expected(p, "'pause when status in [...]' or 'warn at N %'");
	}
	s->v = op_grow(s->v, s->n, &s->cap, sizeof *s->v);
	s->v[s->n++] = pol;
}

int op_slas_check(op_slas *s, const char *file, const op_cal *cal)
{
	int errors = 0;
	const char *fallback = NULL;
	for (size_t i = 0; i < s->n; i++) {
		const policy *pol = &s->v[i];
		const op_sla_dur *f = &pol->t[OP_SLA_FIRST], *r = &pol->t[OP_SLA_RESOLVE];
		if (fallback) {
			op_warn("%s:%u: sla %s can never match: sla %s above has no condition", file, pol->line,
				pol->name, fallback);
			errors++;
		}
		if (!pol->when && !fallback)
			fallback = pol->name;
		int business = 0;
		for (int k = 0; k < OP_SLA_NTARGETS; k++)
			business |= pol->t[k].unit > 0;
		if (business && !op_cal_has_hours(cal)) {
			op_warn("%s:%u: sla %s: a business-time target needs working hours (an `hours` statement, or --calendar FILE)",
				file, pol->line, pol->name);
			errors++;
		}
		/* durations in one unit compare; 4bh against 1bd depends on the day */
		if (f->unit >= 0 && f->unit == r->unit && r->amount < f->amount) {
			op_warn("%s:%u: sla %s: resolve %s comes before first reply %s", file, pol->line, pol->name,
				pol->as_written[OP_SLA_RESOLVE], pol->as_written[OP_SLA_FIRST]);
			errors++;
		}
	}
	return errors;
}

/* ---- records ---- */

/* a JSON string span as an instant (a naive time in tz): 0 or -1 */
static int span_time(op_buf *tmp, const op_tz *tz, const char *v, size_t n, int esc, op_time *t)
{
	const char *s;
	size_t len;
	int naive;
	if (op_jtype_of(v) != OP_JSTR)
		return -1;
	op_jstr(v, n, esc, tmp, &s, &len);
	if (op_time_parse(s, len, t, &naive))
		return -1;
	if (naive)
		*t = op_tz_to_utc(tz, *t, NULL);
	return op_time_in_range(*t) ? 0 : -1;
}

int op_sla_rec_time(op_stream *st, op_rec *r, const char *key, const op_tz *tz, op_buf *tmp, op_time *t)
{
	const op_field *f = op_rec_get(r, key, strlen(key));
	if (!f || f->type == OP_JNULL)
		return 0;
	if (!span_time(tmp, tz, f->v, f->vlen, f->vesc, t))
		return 1;
	op_reject(st, "%s: %.*s is not an RFC 3339 time", key, (int)(f->vlen > 60 ? 60 : f->vlen), f->v);
	return -1;
}

/* a count as a double, only compared: 1e300 would not fit an integer */
static double rec_count(op_rec *r, const char *key)
{
	const op_field *f = op_rec_get(r, key, strlen(key));
	return f && f->type == OP_JNUM ? op_jnum(f->v, f->vlen) : 0;
}

static int pauses_status(const policy *pol, const char *s, size_t n)
{
	for (size_t i = 0; i < pol->npause; i++)
		if (strlen(pol->pause[i]) == n && !strncasecmp(pol->pause[i], s, n))
			return 1;
	return 0;
}

static int is_paused(op_slas *s, const policy *pol, const char *v, size_t n)
{
	const char *str;
	size_t len;
	op_jstr(v, n, memchr(v, '\\', n) != NULL, &s->tmp, &str, &len);
	return pauses_status(pol, str, len);
}

/* The status changes of `history` into s->ev; their number, or -1 after
 * rejecting the record. */
static long read_history(op_slas *s, const op_sla_env *env, op_stream *st, const policy *pol, const op_field *h)
{
	if (h->type != OP_JARR) {
		op_reject(st, "history: an array of {\"at\": TIME, \"status\": STRING} expected");
		return -1;
	}
	size_t pos = 0, n = 0, elen;
	const char *el;
	while (op_jarr_next(h->v, h->vlen, &pos, &el, &elen)) {
		if (n == OP_SLA_MAX_HISTORY) {
			op_warn("%s:%llu: history: more than %d entries; the rest ignored", st->name, st->lineno,
				OP_SLA_MAX_HISTORY);
			break;
		}
		const char *at, *status;
		size_t atn, stn;
		op_sla_event e;
		if (op_jtype_of(el) != OP_JOBJ || !op_jobj_get(el, elen, "at", 2, &at, &atn, &s->tmp) ||
		    span_time(&s->tmp, env->naive_tz, at, atn, memchr(at, '\\', atn) != NULL, &e.at) ||
		    !op_jobj_get(el, elen, "status", 6, &status, &stn, &s->tmp) || op_jtype_of(status) != OP_JSTR) {
			op_reject(st, "history[%zu]: {\"at\": TIME, \"status\": STRING} expected", n);
			return -1;
		}
		e.paused = is_paused(s, pol, status, stn);
		s->ev = op_grow(s->ev, n, &s->capev, sizeof *s->ev);
		s->ev[n++] = e;
	}
	return (long)n;
}

/* The paused spans of the record into s->sp: from its history, else from
 * its current status, taken to hold since our first reply (what a wait on
 * the customer follows) or, with none, since it came.  Their number, or
 * -1 after rejecting the record. */
static long pauses(op_slas *s, const op_sla_env *env, op_stream *st, op_rec *r, const policy *pol,
		   const op_time *replied)
{
	if (!pol->npause)
		return 0;
	const op_field *h = op_rec_get(r, "history", 7);
	long n = 0;
	if (h && h->type != OP_JNULL) {
		n = read_history(s, env, st, pol, h);
	} else {
		const op_field *f = op_rec_get(r, "status", 6);
		if (f && f->type == OP_JSTR && is_paused(s, pol, f->v, f->vlen)) {
			s->ev = op_grow(s->ev, 0, &s->capev, sizeof *s->ev);
			s->ev[0] = (op_sla_event){ replied && *replied > env->start ? *replied : env->start, 1 };
			n = 1;
		}
	}
	if (n <= 0)
		return n;
	s->sp = op_xrealloc(s->sp, s->capev * sizeof *s->sp);
	int sorted;
	n = (long)op_sla_spans(s->ev, (size_t)n, env->now, s->sp, &sorted);
	if (!sorted)
		op_warn("%s:%llu: history not in time order; sorted by at", st->name, st->lineno);
	return n;
}

static void put_target(op_buf *b, const op_sla_result *x)
{
	char due[24];
	op_time_format(x->due, due);
	op_buf_printf(b, "{\"due_at\":\"%s\",\"state\":\"%s\",", due, state_names[x->state]);
	if (x->state == OP_SLA_UNKNOWN)
		op_buf_adds(b, "\"used_min\":null,\"remaining_min\":null,\"breached_by_min\":null,");
	else
		op_buf_printf(b, "\"used_min\":%lld,\"remaining_min\":%lld,\"breached_by_min\":%lld,",
			      (long long)x->used, (long long)x->remaining, (long long)x->late);
	op_buf_printf(b, "\"at_risk\":%s}", x->at_risk ? "true" : "false");
}

/* The record's times the targets stop at (and the next reply's start). */
typedef struct {
	op_time replied, resolved, customer;
	int has_replied, has_resolved, has_customer;
} times;

/* 0, or -1 after rejecting the record */
static int read_times(op_slas *s, const op_sla_env *env, op_stream *st, op_rec *r, times *t)
{
	const op_tz *tz = env->naive_tz;
	if ((t->has_replied = op_sla_rec_time(st, r, "first_response_at", tz, &s->tmp, &t->replied)) < 0)
		return -1;
	if (!t->has_replied && (t->has_replied = op_sla_rec_time(st, r, "responded_at", tz, &s->tmp, &t->replied)) < 0)
		return -1;
	if ((t->has_resolved = op_sla_rec_time(st, r, "resolved_at", tz, &s->tmp, &t->resolved)) < 0 ||
	    (t->has_customer = op_sla_rec_time(st, r, "last_customer_at", tz, &s->tmp, &t->customer)) < 0)
		return -1;
	/* without a follow-up there is no next reply to wait for */
	t->has_customer &= rec_count(r, "followups") > 0;
	return 0;
}

/* Target `which` of pol (the policy and the record have it) into x, the
 * time its clock stopped at into *until (OP_TIME_MAX: not yet). */
static int judge(const op_sla_clock *k, const policy *pol, int which, const op_sla_env *env, op_rec *r,
		 const times *t, op_sla_result *x, op_time *until)
{
	const op_time *stop = NULL;
	op_time start = env->start;
	int unknown = 0;
	if (which == OP_SLA_FIRST) {
		stop = t->has_replied ? &t->replied : NULL;
	} else if (which == OP_SLA_RESOLVE) {
		stop = t->has_resolved ? &t->resolved : NULL;
	} else {
		start = t->customer;
		/* a first reply after the follow-up answers it too; one
		 * before it is not its answer, and a later reply (responses
		 * > 1) enq-link counts but does not date */
		if (t->has_replied && t->replied >= t->customer)
			stop = &t->replied;
		else
			unknown = rec_count(r, "responses") > 1;
	}
	*until = stop ? *stop : OP_TIME_MAX;
	int rc = op_sla_target(k, pol->t[which], start, stop, x);
	if (unknown) {
		x->state = OP_SLA_UNKNOWN;
		x->at_risk = 0;
	}
	return rc;
}

/* [a, b) of a target's clock, for --explain: business time day by day,
 * *left more days at most for the whole target (a history of many pauses
 * has as many runs), the rest counted in *out; wall time as one span */
static void explain_run(op_buf *b, const op_sla_clock *k, int unit, op_time a, op_time z, int64_t *left,
			int64_t *out)
{
	char ta[21], tz[21];
	if (unit > 0) {
		int64_t n = op_cal_days_json(b, k->cal, a, z, *left);
		*out += n > *left ? n - *left : 0;
		*left -= n > *left ? *left : n;
		return;
	}
	op_time_format(a, ta);
	op_time_format(z, tz);
	op_buf_printf(b, "%s{\"from\":\"%s\",\"to\":\"%s\",\"minutes\":%lld}",
		      b->p[b->len - 1] == '[' ? "" : ",", ta, tz, (long long)((z - a) / 60));
}

/* How target `which`'s due time was counted from start: the clock's
 * runs, with the paused spans between them skipped; a pause after the
 * clock stopped (until) moves nothing, as in due_time. */
static void explain_target(op_buf *b, const op_sla_clock *k, const policy *pol, int which, op_time start,
			   op_time until, const op_sla_result *x)
{
	char t1[21], t2[21];
	op_time_format(start, t1);
	op_time_format(x->due, t2);
	op_buf_printf(b, "%s{\"target\":\"%s\",\"duration\":", b->p[b->len - 1] == '[' ? "" : ",",
		      target_names[which]);
	op_buf_json_cstr(b, pol->as_written[which]);
	op_buf_printf(b, ",\"start\":\"%s\",\"due_at\":\"%s\",\"counted\":[", t1, t2);
	op_time at = start;
	int64_t left = OP_CAL_EXPLAIN_DAYS, out = 0;
	for (size_t i = 0; i < k->npause && at < x->due; i++) {
		const op_sla_span *p = &k->pause[i];
		if (p->to <= at)
			continue;
		if (p->from >= x->due || p->from >= until)
			break;
		if (p->from > at)
			explain_run(b, k, pol->t[which].unit, at, p->from, &left, &out);
		op_time to = p->to < until ? p->to : until;
		op_time_format(p->from > at ? p->from : at, t1);
		op_time_format(to < x->due ? to : x->due, t2);
		op_buf_printf(b, "%s{\"from\":\"%s\",\"to\":\"%s\",\"skipped\":\"paused\"}",
			      b->p[b->len - 1] == '[' ? "" : ",", t1, t2);
		at = to;
	}
	if (at < x->due)
		explain_run(b, k, pol->t[which].unit, at, x->due, &left, &out);
	if (out)
		op_buf_printf(b, ",{\"days_left_out\":%lld}", (long long)out);
	op_buf_adds(b, "]}");
}

int op_sla_record(op_slas *s, const op_sla_env *env, op_stream *st, op_rec *r, op_buf *json, op_time *due,
		  int64_t *minutes)
{
	const policy *pol = NULL;
	for (size_t i = 0; i < s->n && !pol; i++) {
		int h = s->v[i].when ? op_eval_cond(env->ev, s->v[i].when) : 1;
		if (h < 0) {
			op_reject(st, "%s:%u: sla %s: %s", env->file, s->v[i].line, s->v[i].name, env->ev->err);
			return -1;
		}
		if (h)
			pol = &s->v[i];
	}
	if (!pol) {
		op_buf_adds(json, "null");
		return 0;
	}
	times t;
	long np;
	if (read_times(s, env, st, r, &t) || (np = pauses(s, env, st, r, pol, t.has_replied ? &t.replied : NULL)) < 0)
		return -1;
	op_sla_clock k = { env->cal, s->sp, (size_t)np, env->now, pol->warn };
	op_buf_adds(json, "{\"policy\":");
	op_buf_json_cstr(json, pol->name);
	if (env->explain) {
		op_buf_adds(env->explain, "{\"policy\":");
		op_buf_json_cstr(env->explain, pol->name);
		op_buf_reset(&s->tmp);
		op_buf_printf(&s->tmp, "%s:%u", env->file, pol->line);
		op_buf_adds(env->explain, ",\"at\":");
		op_buf_json_str(env->explain, s->tmp.p, s->tmp.len);
		op_buf_adds(env->explain, ",\"targets\":[");
	}
	int first = 0;
	for (int w = 0; w < OP_SLA_NTARGETS; w++) {
		op_buf_printf(json, ",\"%s\":", target_names[w]);
		op_sla_result x;
		op_time until;
		if (pol->t[w].unit < 0 || (w == OP_SLA_NEXT && !t.has_customer)) {
			op_buf_adds(json, "null");
			continue;
		}
		if (judge(&k, pol, w, env, r, &t, &x, &until)) {
			op_reject(st, "sla %s: %s due time beyond year 9999", pol->name, target_names[w]);
			return -1;
		}
		put_target(json, &x);
		if (env->explain)
			explain_target(env->explain, &k, pol, w, w == OP_SLA_NEXT ? t.customer : env->start, until, &x);
		if (w == OP_SLA_FIRST) {
			first = 1;
			*due = x.due;
			*minutes = x.budget;
		}
	}
	op_buf_addc(json, '}');
	if (env->explain)
		op_buf_adds(env->explain, "]}");
	return first;
}
