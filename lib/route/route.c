/* route.c - the engine of enq-route (man/enq-route.1): the statements
 * of route rules (team, away, route; timezone, hours, holiday and
 * holidays are lib/calfile's, over --calendar's), the calendar and teams
 * they build, and per record the first route that holds, its team's
 * owner (lib/assign) and the SLA clock (lib/calendar) spliced into the
 * record.  MIT licence, see COPYING. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calfile.h"
#include "check.h"
#include "fields.h"
#include "route.h"
#include "severity.h"
#include "sla.h"


typedef struct {
	const char *name, *team_name, *owner_name;
	op_buf json;		/* "team":..,"route":.. values, made once: team at 0 */
	size_t team_len;
	op_expr *when, *task;
	op_team *team;
	op_owner *owner;
	int64_t sla;
	int sla_unit;		/* -1 none, 0 seconds, 1 business minutes, 2 business days */
	int priority;		/* -1 none */
	int human;
	unsigned line;
	size_t team_at;
} route;

typedef struct {
	op_owner *owner;
	int64_t local;		/* wall clock of the zone, resolved once it is known */
	int naive;
	unsigned line;
} away;

struct op_route {
	op_rules *rules;
	route *routes;
	size_t n, cap;
	away *aways;
	size_t naway, capaway;
	op_assigner as;
	op_calendar *calendar;
	op_cal *cal;		/* calendar's */
	const op_tz *naive_tz;
	op_eval ev;
	op_time now;
	op_fields out;
	op_slas *slas;
	op_buf idbuf, sbuf, slabuf, slaexp;
	unsigned long long unrouted;
	int replay;		/* received_at is now (op_route_replay) */
	int quiet;		/* records not written (op_route_replay) */
	int routed;		/* out holds what the last record got */
	int explain;		/* --explain */
	op_buf trace;		/* the comparisons of the route that held */
};
typedef struct op_route ctx;

/* ---- statements ---- */

/* the calendar statements (lib/calfile), over --calendar's or the
 * built-in calendar: see op_route_load */
static void parse_timezone(op_parser *p, void *vc) { op_calendar_timezone(p, ((ctx *)vc)->calendar); }
static void parse_hours(op_parser *p, void *vc) { op_calendar_hours(p, ((ctx *)vc)->calendar); }
static void parse_holiday(op_parser *p, void *vc) { op_calendar_holiday(p, ((ctx *)vc)->calendar); }
static void parse_holidays(op_parser *p, void *vc) { op_calendar_holidays(p, ((ctx *)vc)->calendar); }

static int is_team_word(op_parser *p)
{
	return op_p_peek(p, "owners") || op_p_peek(p, "assign") || op_p_peek(p, "hours");
}

static void parse_team(op_parser *p, void *vc)
{
	ctx *c = vc;
	size_t at = op_p_skip(p);
	const char *name = op_p_name(p, "team name");
	int isnew;
	op_team *t = op_assign_team(&c->as, name, &isnew);
	if (!isnew)
		op_p_error_at(p, at, "team %s defined twice (first on line %u)", name, t->line);
	t->line = op_p_line(p);
	while (!op_p_end(p)) {
		if (op_p_accept(p, "owners")) {
			if (op_p_end(p) || is_team_word(p))
				op_p_error(p, "owner names expected after 'owners'");
			while (!op_p_end(p) && !is_team_word(p)) {
				op_owner *o = op_assign_owner(&c->as, op_p_name(p, "owner"));
				for (size_t i = 0; i < t->n; i++)
					if (t->owners[i] == o)
						op_p_error(p, "owner %s is in team %s twice", o->name, name);
				t->owners = op_xrealloc(t->owners, (t->n + 1) * sizeof *t->owners);
				t->owners[t->n++] = o;
			}
		} else if (op_p_accept(p, "assign")) {
			at = op_p_skip(p);
			const char *m = op_p_word(p, "assignment (round-robin, least-open, first, none)");
			if ((t->mode = op_assign_mode(m)) < 0) {
				const char *hint = op_p_suggest(m, op_assign_modes);
				op_p_error_at(p, at, "unknown assignment '%s'%s%s%s (round-robin, least-open, first, none)",
					      m, hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
			}
		} else if (op_p_accept(p, "hours")) {
			op_cal *cal = op_cal_new();
			t->cal = cal;
			op_calendar_hours_into(p, cal);
		} else {
			op_p_error(p, "'owners', 'assign' or 'hours' expected");
		}
	}
}

static void parse_away(op_parser *p, void *vc)
{
	ctx *c = vc;
	away a = { .line = op_p_line(p), .owner = op_assign_owner(&c->as, op_p_name(p, "owner")) };
	op_p_expect(p, "until");
	size_t at = op_p_skip(p);
	const char *w = op_p_word(p, "date (YYYY-MM-DD) or time (RFC 3339)");
	if (op_time_parse(w, strlen(w), &a.local, &a.naive))
		op_p_error_at(p, at, "'%s' is not a date (YYYY-MM-DD) or time (RFC 3339)", w);
	c->aways = op_grow(c->aways, c->naway, &c->capaway, sizeof *c->aways);
	c->aways[c->naway++] = a;
}

static void parse_route(op_parser *p, void *vc)
{
	ctx *c = vc;
	route r = { .line = op_p_line(p), .sla_unit = -1, .priority = -1 };
	size_t at = op_p_skip(p);
	r.name = op_p_name(p, "route name");
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->routes[i].name, r.name))
			op_p_error_at(p, at, "route %s defined twice (first on line %u)", r.name, c->routes[i].line);
	if (op_p_accept(p, "when"))
		r.when = op_parse_expr(p);
	op_p_rule(p, "route", r.name, r.when, 1);
	op_lex_expect(p, OP_T_ARROW);
	r.team_at = op_p_skip(p);
	r.team_name = op_p_name(p, "team");
	while (!op_p_end(p)) {
		at = op_p_skip(p);
		if (op_p_accept(p, "owner")) {
			r.owner_name = op_p_name(p, "owner");
		} else if (op_p_accept(p, "sla")) {
			at = op_p_skip(p);
			r.sla = op_p_duration(p, "sla", &r.sla_unit);
			if (r.sla < 0 || (r.sla_unit == 0 && r.sla % 60))
				op_p_error_at(p, at, "sla: whole minutes or more expected");
		} else if (op_p_accept(p, "priority")) {
			at = op_p_skip(p);
			const char *w = op_p_word(p, "priority (low, normal, high, urgent)");
			if ((r.priority = op_p_index(w, op_priorities)) < 0)
				op_p_error_at(p, at, "unknown priority '%s' (low, normal, high, urgent)", w);
		} else if (op_p_accept(p, "human")) {
			r.human = 1;
		} else if (op_p_accept(p, "task")) {
			r.task = op_p_template(p, "task");
		} else {
			op_p_error(p, "'owner', 'sla', 'priority', 'human' or 'task' expected");
		}
	}
	c->routes = op_grow(c->routes, c->n, &c->cap, sizeof *c->routes);
	c->routes[c->n++] = r;
}

static void parse_sla(op_parser *p, void *vc)
{
	op_sla_parse(p, ((ctx *)vc)->slas);
}

const op_stmt op_route_statements[] = {
	{ "timezone", parse_timezone, "timezone ZONE" },
	{ "hours", parse_hours, "hours DAYS HH:MM-HH:MM [HH:MM-HH:MM...] [DAYS ...]" },
	{ "holiday", parse_holiday, "holiday YYYY-MM-DD [YYYY-MM-DD...]" },
	{ "holidays", parse_holidays, "holidays FILE" },
	{ "team", parse_team, "team NAME owners A B... [assign round-robin|least-open|first|none] [hours ...]" },
	{ "away", parse_away, "away OWNER until DATE" },
	{ "route", parse_route,
	  "route NAME [when EXPR] -> TEAM [owner X] [sla DURATION] [priority P] [human] [task \"TEXT {field}\"]" },
	{ "sla", parse_sla,
	  "sla NAME [when EXPR]: first|next|resolve DURATION [, ...] [pause when status in [\"S\", ...]] [warn at N %]" },
	{ NULL, NULL, NULL },
};

/* What a statement cannot check alone: teams named before they are
 * defined, business SLAs without hours, routes after the fallback. */
/* An owner named by `away` or a route must be in some team: a typo would
 * otherwise keep the real owner working, or put a name nobody has on
 * every record.  0, or 1 after the message. */
static int known_owner(const ctx *c, unsigned line, const char *what, const op_owner *o)
{
	size_t n = 0;
	for (size_t i = 0; i < c->as.nt; i++)
		n += c->as.tv[i]->n;
	const char **names = op_xcalloc(n + 1, sizeof *names);
	n = 0;
	for (size_t i = 0; i < c->as.nt; i++)
		for (size_t j = 0; j < c->as.tv[i]->n; j++)
			names[n++] = c->as.tv[i]->owners[j]->name;
	int found = 0;
	for (size_t i = 0; i < n && !found; i++)
		found = names[i] == o->name;	/* owners are one per name */
	if (!found) {
		const char *hint = op_p_suggest(o->name, names);
		op_warn("%s:%u: %s: no owner '%s' in any team%s%s%s", c->rules->file, line, what, o->name,
			hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
	}
	free(names);
	return !found;
}

/* a team's hours: its own (`team ... hours`), else the calendar's for it
 * (`hours team NAME`), else the calendar's */
static const op_cal *team_cal(const ctx *c, const op_team *t)
{
	const op_cal *tc = t->cal ? t->cal : op_calendar_team(c->calendar, t->name, strlen(t->name));
	return tc ? tc : c->cal;
}

static int finish_rules(ctx *c, const op_cli *cli)
{
	int errors = 0;
	const char *file = c->rules->file;
	const op_tz *tz = c->calendar->tz;
	op_calendar_zone(c->calendar, cli->tz);
	c->naive_tz = cli->tz ? cli->tz : tz;
	for (size_t i = 0; i < c->as.nt; i++)
		if (c->as.tv[i]->cal)
			op_cal_inherit(c->as.tv[i]->cal, c->cal);
	const char *fallback = NULL, **names = op_xcalloc(c->as.nt + 1, sizeof *names);
	for (size_t i = 0; i < c->as.nt; i++)
		names[i] = c->as.tv[i]->name;
	for (size_t i = 0; i < c->n; i++) {
		route *r = &c->routes[i];
		if (fallback) {
			op_warn("%s:%u: route %s can never match: route %s above has no condition", file, r->line,
				r->name, fallback);
			errors++;
		}
		if (!r->when)
			fallback = r->name;
		r->team = op_hmap_get(&c->as.teams, r->team_name, strlen(r->team_name));
		if (!r->team) {
			const char *hint = op_p_suggest(r->team_name, names);
			if (hint)
				op_warn("%s:%u: route %s: no team '%s' (did you mean '%s'?)", file, r->line, r->name,
					r->team_name, hint);
			else
				op_warn("%s:%u: route %s: no team '%s' (define it with `team %s owners ...`)", file,
					r->line, r->name, r->team_name, r->team_name);
			errors++;
			continue;
		}
		if (r->owner_name) {
			r->owner = op_assign_owner(&c->as, r->owner_name);
			char what[160];
			snprintf(what, sizeof what, "route %s", r->name);
			errors += known_owner(c, r->line, what, r->owner);
		}
		op_buf_json_cstr(&r->json, r->team->name);
		r->team_len = r->json.len;
		op_buf_json_cstr(&r->json, r->name);
		const op_cal *cal = team_cal(c, r->team);
		if (r->sla_unit > 0 && !op_cal_has_hours(cal)) {
			op_warn("%s:%u: route %s: a business-time sla needs working hours "
				"(an `hours` statement, or --calendar FILE)", file, r->line, r->name);
			errors++;
		}
	}
	free(names);
	errors += op_slas_check(c->slas, file, c->cal);
	for (size_t i = 0; i < c->naway; i++) {
		away *a = &c->aways[i];
		errors += known_owner(c, a->line, "away", a->owner);
		a->owner->away_until = a->naive ? op_tz_to_utc(tz ? tz : cli->tz, a->local, NULL) : a->local;
	}
	return errors;
}

/* ---- records ---- */

static int is_closed(op_rec *r, op_buf *tmp)
{
	const op_field *f = op_rec_get(r, "status", 6);
	if (!f || f->type != OP_JSTR)
		return 0;
	const char *s;
	size_t n;
	op_jstr(f->v, f->vlen, f->vesc, tmp, &s, &n);
	return (n == 6 && !memcmp(s, "closed", 6)) || (n == 3 && !memcmp(s, "won", 3)) ||
	       (n == 4 && !memcmp(s, "lost", 4));
}

static int priority_of(op_rec *r, op_buf *tmp)
{
	const op_field *f = op_rec_get(r, "priority", 8);
	if (!f || f->type != OP_JSTR)
		return -1;
	const char *s;
	size_t n;
	op_jstr(f->v, f->vlen, f->vesc, tmp, &s, &n);
	for (int i = 0; op_priorities[i]; i++)
		if (strlen(op_priorities[i]) == n && !memcmp(s, op_priorities[i], n))
			return i;
	return -1;
}

/* received_at as an instant: missing or null starts the clock now */
static int received(ctx *c, op_stream *st, op_rec *r, op_time *t)
{
	int rc = op_sla_rec_time(st, r, "received_at", c->naive_tz, &c->sbuf, t);
	if (!rc)
		*t = c->now;
	return rc < 0 ? -1 : 0;
}

/* the record's id, decoded: 0, or -1 after rejecting the record */
static int record_id(ctx *c, op_stream *st, op_rec *r, const char **id, size_t *idn)
{
	const op_field *idf = op_rec_get(r, "id", 2);
	if (idf && idf->type == OP_JSTR) {
		op_jstr(idf->v, idf->vlen, idf->vesc, &c->idbuf, id, idn);
	} else if (idf && idf->type == OP_JNUM) {
		*id = idf->v;
		*idn = idf->vlen;
	} else {
		op_reject(st, "record has no id (a string or number)");
		return -1;
	}
	if (!op_assign_id_ok(*id, *idn)) {
		/* an enquiry nobody can name again, and a state line the next
		 * run would refuse */
		op_reject(st, "the id is empty");
		return -1;
	}
	return 0;
}

/* The first route that holds into *rt (NULL: none); -1 after rejecting
 * the record on an evaluation error. */
static int first_route(ctx *c, op_stream *st, const route **rt)
{
	*rt = NULL;
	/* what the conditions compare, not what a task's template does */
	c->ev.trace = c->explain ? &c->trace : NULL;
	for (size_t i = 0; i < c->n && !*rt; i++) {
		op_buf_reset(&c->trace);
		int t = c->routes[i].when ? op_eval_cond(&c->ev, c->routes[i].when) : 1;
		if (t < 0) {
			op_reject(st, "%s:%u: route %s: %s", c->rules->file, c->routes[i].line, c->routes[i].name,
				  c->ev.err);
			return -1;
		}
		if (t)
			*rt = &c->routes[i];
	}
	c->ev.trace = NULL;
	return 0;
}

/* The due time from start and the route's SLA, and the SLA in minutes;
 * -1 after rejecting the record when it falls past year 9999 (as business
 * time is: refused, not clamped to 9999-12-31). */
static int due_time(ctx *c, op_stream *st, const route *rt, op_time start, op_time *due, int64_t *sla_min)
{
	*due = 0;
	*sla_min = 0;
	if (rt->sla_unit == 0) {
		if (__builtin_add_overflow(start, rt->sla, due) || *due > OP_TIME_MAX)
			goto range;
		*sla_min = rt->sla / 60;
	} else if (rt->sla_unit > 0) {
		const op_cal *cal = team_cal(c, rt->team);
		if (op_cal_add(cal, start, rt->sla, rt->sla_unit, due))
			goto range;
		*sla_min = rt->sla_unit == 1 ? rt->sla : (op_cal_between(cal, start, *due) + 30) / 60;
	}
	return 0;
range:
	op_reject(st, "route %s: due time beyond year 9999", rt->name);
	return -1;
}

/* --explain: the route that held (file:line, what its condition compared)
 * and how its SLA gave due_at, business time day by day */
static void explain_member(ctx *c, op_buf *b, const route *rt, op_time start, op_time due)
{
	char t[21];
	op_buf_adds(b, "{\"rules\":[{\"at\":");
	op_buf_reset(&c->sbuf);
	op_buf_printf(&c->sbuf, "%s:%u", c->rules->file, rt->line);
	op_buf_json_str(b, c->sbuf.p, c->sbuf.len);
	op_buf_adds(b, ",\"route\":");
	op_buf_add(b, rt->json.p + rt->team_len, rt->json.len - rt->team_len);
	op_buf_adds(b, ",\"compared\":[");
	op_buf_add(b, c->trace.p ? c->trace.p : "", c->trace.len);
	op_buf_adds(b, "]}]");
	if (c->slaexp.len) {
		/* a policy's first reply stood for the route's sla */
		op_buf_adds(b, ",\"sla\":");
		op_buf_add(b, c->slaexp.p, c->slaexp.len);
		op_buf_addc(b, '}');
		return;
	}
	if (rt->sla_unit >= 0) {
		op_buf_adds(b, ",\"sla\":{\"start\":\"");
		op_buf_add(b, t, op_time_format(start, t));
		op_buf_adds(b, "\",\"due_at\":\"");
		op_buf_add(b, t, op_time_format(due, t));
		op_buf_printf(b, "\",\"business\":%s", rt->sla_unit ? "true" : "false");
	}
	if (rt->sla_unit > 0) {
		const op_cal *cal = rt->team->cal ? rt->team->cal : c->cal;
		op_buf_adds(b, ",\"days\":[");
		int64_t n = op_cal_days_json(b, cal, start, due, OP_CAL_EXPLAIN_DAYS);
		op_buf_addc(b, ']');
		if (n > OP_CAL_EXPLAIN_DAYS)
			op_buf_printf(b, ",\"days_left_out\":%lld", (long long)(n - OP_CAL_EXPLAIN_DAYS));
	}
	op_buf_adds(b, rt->sla_unit >= 0 ? "}}" : "}");
}

int op_route_record(op_stream *st, op_rec *r, void *vc)
{
	ctx *c = vc;
	op_eval_record(&c->ev, r);
	const char *id;
	size_t idn;
	const route *rt;
	op_time start, due;
	c->routed = 0;
	if (record_id(c, st, r, &id, &idn))
		return 0;
	/* a replay routes each record as at its arrival */
	if (c->replay && received(c, st, r, &start))
		return 0;
	c->ev.now = c->replay ? start : c->now;
	if (first_route(c, st, &rt))
		return 0;
	if (!rt) {
		op_warn("%s:%llu: enquiry %.*s matches no route and the rules have no fallback; passed unrouted",
			st->name, st->lineno, (int)(idn > 80 ? 80 : idn), id);
		c->unrouted++;
		if (!c->quiet)
			op_emit_rec(st, r, NULL, 0);
		return 0;
	}
	int64_t sla_min;
	if ((!c->replay && received(c, st, r, &start)) || due_time(c, st, rt, start, &due, &sla_min))
		return 0;
	/* a policy's first-reply target overrides the route's sla */
	op_buf_reset(&c->slabuf);
	op_buf_reset(&c->slaexp);
	op_sla_env env = { c->rules->file, &c->ev, rt->team->cal ? rt->team->cal : c->cal, c->naive_tz, start,
			   c->now, c->explain ? &c->slaexp : NULL };
	int policy = op_slas_any(c->slas) ? op_sla_record(c->slas, &env, st, r, &c->slabuf, &due, &sla_min) : 0;
	if (policy < 0)
		return 0;
	const op_owner *owner = rt->owner, *from = NULL;
	if (!owner)
		owner = op_assign_pick(&c->as, rt->team, id, idn, c->ev.now,
				       c->as.stateful && is_closed(r, &c->sbuf), &from);

	op_fields *f = &c->out;
	op_fields_reset(f);
	op_fields_json(f, "team", rt->json.p, rt->team_len);
	if (owner)
		op_fields_json(f, "owner", owner->json, owner->jsonlen);
	else
		op_fields_json(f, "owner", "null", 4);
	if (from)
		op_fields_json(f, "reassigned_from", from->json, from->jsonlen);
	op_fields_json(f, "route", rt->json.p + rt->team_len, rt->json.len - rt->team_len);
	if (rt->sla_unit >= 0 || policy) {
		op_fields_int(f, "sla", sla_min);
		op_fields_time(f, "due_at", due);
	} else {
		op_fields_json(f, "sla", "null", 4);
		op_fields_json(f, "due_at", "null", 4);
	}
	if (op_slas_any(c->slas))
		op_fields_json(f, "sla_status", c->slabuf.p, c->slabuf.len);
	op_fields_bool(f, "needs_human", rt->human);
	if (rt->task) {
		op_buf_reset(&c->sbuf);
		if (op_render(&c->ev, rt->task, &c->sbuf)) {
			op_reject(st, "%s:%u: route %s: task: %s", c->rules->file, rt->line, rt->name, c->ev.err);
			return 0;
		}
		op_fields_str(f, "task", c->sbuf.p ? c->sbuf.p : "", c->sbuf.len);
	}
	if (rt->priority >= 0 && priority_of(r, &c->sbuf) < rt->priority) {
		/* the priority enq-classify's priority_by named a decider for
		 * is now the route's */
		op_fields_cstr(f, "priority", op_priorities[rt->priority]);
		op_fields_cstr(f, "priority_by", "route");
	}
	if (c->explain)
		explain_member(c, op_fields_add(f, "explain"), rt, start, due);
	size_t n;
	const op_kv *kv = op_fields_kv(f, &n);
	c->routed = 1;
	if (!c->quiet)
		op_emit_rec(st, r, kv, n);
	return 0;
}

op_route *op_route_new(void)
{
	ctx *c = op_xcalloc(1, sizeof *c);
	op_assign_init(&c->as);
	c->calendar = op_calendar_new();
	c->cal = c->calendar->cal;
	c->slas = op_slas_new();
	return c;
}

op_route *op_route_load(const char *rules, const op_cli *cli, op_err *e)
{
	ctx *c = op_route_new();
	c->now = cli->now;
	/* the rules' calendar statements over --calendar's, or over the
	 * built-in calendar when the rules are the built-in ones */
	if ((cli->calendar || !rules) && op_calendar_read(c->calendar, cli->calendar ? cli->calendar : "builtin", e)) {
		op_route_free(c);
		return NULL;
	}
	op_calendar_layer(c->calendar);
	if (!(c->rules = op_rules_load(rules, "route.rules", op_route_statements, c, 0, e)) ||
	    (finish_rules(c, cli) && op_errf(e, OP_EXIT_CONFIG, "%s", ""))) {
		op_route_free(c);	/* finish_rules said what was wrong */
		return NULL;
	}
	op_eval_init(&c->ev, cli->now, c->naive_tz);
	if (op_cal_has_hours(c->cal))
		op_calendar_attach(c->calendar, NULL, &c->ev, e);
	return c;
}

op_assigner *op_route_assigner(op_route *c)
{
	return &c->as;
}

void op_route_replay(op_route *c, int quiet)
{
	c->replay = 1;
	c->quiet = quiet;
	c->as.stateful = 1;
}

void op_route_explain(op_route *c)
{
	c->explain = 1;
}

const op_kv *op_route_result(op_route *c, size_t *n)
{
	*n = 0;
	return c->routed ? op_fields_kv(&c->out, n) : NULL;
}

unsigned long long op_route_unrouted(const op_route *c)
{
	return c->unrouted;
}

const op_tz *op_route_naive_tz(const op_route *c)
{
	return c->naive_tz;
}

void op_route_free(op_route *c)
{
	if (!c)
		return;
	op_eval_free(&c->ev);
	op_rules_free(c->rules);
	for (size_t i = 0; i < c->as.nt; i++)
		op_cal_free(c->as.tv[i]->cal);
	op_assign_free(&c->as);
	op_calendar_free(c->calendar);
	op_fields_free(&c->out);
	op_slas_free(c->slas);
	op_buf_free(&c->slabuf);
	op_buf_free(&c->slaexp);
	op_buf_free(&c->idbuf);
	op_buf_free(&c->sbuf);
	op_buf_free(&c->trace);
	for (size_t i = 0; i < c->n; i++)
		op_buf_free(&c->routes[i].json);
	free(c->routes);
	free(c->aways);
	free(c);
}

const op_rules *op_route_rules(const op_route *c)
{
	return c->rules;
}
