/* enq-route - give every enquiry an owner and an SLA clock.
 *
 *   enq-route [-r RULES] [--state FILE [--close FILE]] [file...]
 *
 * The first `route NAME [when EXPR] -> TEAM ...` that holds for a record
 * names its team; the team's assignment (lib/assign) or the route's owner
 * names its owner; the route's SLA, added to received_at in wall or
 * business time (lib/calendar), gives due_at.  team, owner, route, sla,
 * due_at, needs_human (and task, priority when the route says so) are
 * spliced into the record.  MIT licence. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assign.h"
#include "calendar.h"
#include "rules.h"
#include "state.h"
#include "stream.h"

#define STATE_KIND "enq-route"
#define STATE_VERSION 1
#define MAX_HOLIDAY_FILE (1u << 20)

static const char *const priorities[] = { "low", "normal", "high", "urgent", NULL };

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

typedef struct {
	op_rules *rules;
	route *routes;
	size_t n, cap;
	away *aways;
	size_t naway;
	op_assigner as;
	op_cal *cal;
	op_tz *tz;
	const op_tz *naive_tz;
	op_eval ev;
	op_time now;
	op_buf vals, idbuf, sbuf;
	unsigned long long unrouted;
} ctx;

/* ---- statements ---- */

static void parse_timezone(op_parser *p, void *vc)
{
	ctx *c = vc;
	size_t at = op_p_skip(p);
	const char *name = op_p_word(p, "time zone (Europe/London)");
	op_err e;
	if (c->tz)
		op_p_error_at(p, at, "timezone given twice");
	if (!(c->tz = op_tz_load(name, &e)))
		op_p_error_at(p, at, "%s", e.msg);
}

static void parse_hours_into(op_parser *p, op_cal *cal)
{
	do {
		size_t at = op_p_skip(p);
		const char *days = op_p_word(p, "days (mon-fri 09:00-17:30)");
		unsigned mask;
		int spans = 0, from, to;
		if (op_cal_parse_days(days, &mask))
			op_p_error_at(p, at, "'%s' is not a day or days (mon-fri, sat, mon,wed,fri, daily)", days);
		op_token t;
		while (op_lex_peek(p, &t) == OP_T_NUMBER) {
			at = op_p_skip(p);
			const char *w = op_p_word(p, "opening hours");
			if (op_cal_parse_span(w, &from, &to))
				op_p_error_at(p, at, "'%s' is not opening hours (HH:MM-HH:MM, 09:00-17:30)", w);
			if (op_cal_add_hours(cal, mask, from, to))
				op_p_error_at(p, at, "'%s' overlaps hours already given for %s (or more than %d spans a day)",
					      w, days, OP_CAL_MAX_SPANS);
			spans++;
		}
		if (!spans)
			op_p_error(p, "opening hours (09:00-17:30) expected after '%s'", days);
	} while (!op_p_end(p));
}

static void parse_hours(op_parser *p, void *vc)
{
	parse_hours_into(p, ((ctx *)vc)->cal);
}

/* a YYYY-MM-DD date, as days since 1970 */
static int date_days(const char *s, int64_t *days)
{
	op_time t;
	int naive;
	if (strlen(s) != 10 || op_time_parse(s, 10, &t, &naive))
		return -1;
	*days = op_time_days(t);
	return 0;
}

static void parse_holiday(op_parser *p, void *vc)
{
	ctx *c = vc;
	do {
		size_t at = op_p_skip(p);
		const char *w = op_p_word(p, "date (YYYY-MM-DD)");
		int64_t d;
		if (date_days(w, &d))
			op_p_error_at(p, at, "'%s' is not a date (YYYY-MM-DD)", w);
		op_cal_add_holiday(c->cal, d);
	} while (!op_p_end(p));
}

/* `holidays FILE`: one date a line, anything after it (a name) and `#`
 * lines ignored; a relative FILE is read next to the rule file. */
static void parse_holidays(op_parser *p, void *vc)
{
	ctx *c = vc;
	size_t at = op_p_skip(p);
	const char *name = op_p_word(p, "file of holidays");
	op_buf path = {0};
	const char *slash = strrchr(p->file, '/');
	if (name[0] != '/' && slash)
		op_buf_add(&path, p->file, (size_t)(slash - p->file + 1));
	op_buf_adds(&path, name);
	char *copy = op_p_strdup(p, path.p);
	op_buf_free(&path);
	FILE *f = fopen(copy, "rb");
	if (!f)
		op_p_error_at(p, at, "%s: %s", copy, strerror(errno));
	char *text = op_p_alloc(p, MAX_HOLIDAY_FILE + 1);
	size_t n = fread(text, 1, MAX_HOLIDAY_FILE + 1, f);
	int bad = ferror(f);
	fclose(f);
	if (bad || n > MAX_HOLIDAY_FILE)
		op_p_error_at(p, at, "%s: %s", copy, bad ? "read error" : "larger than 1 MiB");
	text[n] = 0;
	/* the lines are walked as C strings: a NUL would end the file there */
	const char *nul = memchr(text, 0, n);
	if (nul) {
		unsigned at_line = 1;
		for (const char *q = text; q < nul; q++)
			at_line += *q == '\n';
		op_p_error_at(p, at, "%s:%u: a NUL byte (not a text file?)", copy, at_line);
	}
	unsigned line = 0;
	for (char *s = text, *nl; *s; s = nl ? nl + 1 : s + strlen(s)) {
		nl = strchr(s, '\n');
		if (nl)
			*nl = 0;
		line++;
		s += strspn(s, " \t\r");
		if (!*s || *s == '#')
			continue;
		size_t k = strcspn(s, " \t\r");
		s[k] = 0;
		int64_t d;
		if (date_days(s, &d))
			op_p_error_at(p, at, "%s:%u: '%.40s' is not a date (YYYY-MM-DD)", copy, line, s);
		op_cal_add_holiday(c->cal, d);
	}
}

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
			parse_hours_into(p, cal);
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
	c->aways = op_xrealloc(c->aways, (c->naway + 1) * sizeof *c->aways);
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
			for (r.priority = 0; priorities[r.priority] && strcmp(w, priorities[r.priority]); r.priority++)
				;
			if (!priorities[r.priority])
				op_p_error_at(p, at, "unknown priority '%s' (low, normal, high, urgent)", w);
		} else if (op_p_accept(p, "human")) {
			r.human = 1;
		} else if (op_p_accept(p, "task")) {
			r.task = op_p_template(p, "task");
		} else {
			op_p_error(p, "'owner', 'sla', 'priority', 'human' or 'task' expected");
		}
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->routes = op_xrealloc(c->routes, c->cap * sizeof *c->routes);
	}
	c->routes[c->n++] = r;
}

static const op_stmt statements[] = {
	{ "timezone", parse_timezone, "timezone ZONE" },
	{ "hours", parse_hours, "hours DAYS HH:MM-HH:MM [HH:MM-HH:MM...] [DAYS ...]" },
	{ "holiday", parse_holiday, "holiday YYYY-MM-DD [YYYY-MM-DD...]" },
	{ "holidays", parse_holidays, "holidays FILE" },
	{ "team", parse_team, "team NAME owners A B... [assign round-robin|least-open|first|none] [hours ...]" },
	{ "away", parse_away, "away OWNER until DATE" },
	{ "route", parse_route,
	  "route NAME [when EXPR] -> TEAM [owner X] [sla DURATION] [priority P] [human] [task \"TEXT {field}\"]" },
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

static int finish_rules(ctx *c, const op_cli *cli)
{
	int errors = 0;
	const char *file = c->rules->file;
	op_cal_set_tz(c->cal, c->tz ? c->tz : cli->tz);
	c->naive_tz = cli->tz ? cli->tz : c->tz;
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
		op_buf_json_str(&r->json, r->team->name, strlen(r->team->name));
		r->team_len = r->json.len;
		op_buf_json_str(&r->json, r->name, strlen(r->name));
		const op_cal *cal = r->team->cal ? r->team->cal : c->cal;
		if (r->sla_unit > 0 && !op_cal_has_hours(cal)) {
			op_warn("%s:%u: route %s: a business-time sla needs working hours (an `hours` statement)",
				file, r->line, r->name);
			errors++;
		}
	}
	free(names);
	for (size_t i = 0; i < c->naway; i++) {
		away *a = &c->aways[i];
		errors += known_owner(c, a->line, "away", a->owner);
		a->owner->away_until = a->naive ? op_tz_to_utc(c->tz ? c->tz : cli->tz, a->local, NULL) : a->local;
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
	for (int i = 0; priorities[i]; i++)
		if (strlen(priorities[i]) == n && !memcmp(s, priorities[i], n))
			return i;
	return -1;
}

/* received_at as an instant: missing or null starts the clock now */
static int received(ctx *c, op_stream *st, op_rec *r, op_time *t)
{
	const op_field *f = op_rec_get(r, "received_at", 11);
	*t = c->now;
	if (!f || f->type == OP_JNULL)
		return 0;
	const char *s;
	size_t n;
	int naive;
	if (f->type == OP_JSTR) {
		op_jstr(f->v, f->vlen, f->vesc, &c->sbuf, &s, &n);
		if (!op_time_parse(s, n, t, &naive)) {
			if (naive)
				*t = op_tz_to_utc(c->naive_tz, *t, NULL);
			if (op_time_in_range(*t))
				return 0;
		}
	}
	op_reject(st, "received_at: %.*s is not an RFC 3339 time", (int)(f->vlen > 60 ? 60 : f->vlen), f->v);
	return -1;
}

/* The values are written one after another into c->vals, which may move
 * as it grows: kv[i].val is set from off[i] once all are there. */
static void kv_add(op_kv *kv, size_t *off, size_t *n, const char *key, size_t start, size_t end)
{
	kv[*n] = (op_kv){ key, strlen(key), NULL, end - start };
	off[(*n)++] = start;
}

/* printf costs more than the rest of a value; an SLA is a small integer */
static void add_int(op_buf *b, int64_t x)
{
	char d[24], *p = d + sizeof d;
	uint64_t u = x < 0 ? -(uint64_t)x : (uint64_t)x;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (x < 0)
		*--p = '-';
	op_buf_add(b, p, (size_t)(d + sizeof d - p));
}

static int on_record(op_stream *st, op_rec *r, void *vc)
{
	ctx *c = vc;
	op_eval_record(&c->ev, r);
	const op_field *idf = op_rec_get(r, "id", 2);
	const char *id;
	size_t idn;
	if (idf && idf->type == OP_JSTR) {
		op_jstr(idf->v, idf->vlen, idf->vesc, &c->idbuf, &id, &idn);
	} else if (idf && idf->type == OP_JNUM) {
		id = idf->v;
		idn = idf->vlen;
	} else {
		op_reject(st, "record has no id (a string or number)");
		return 0;
	}
	if (!op_assign_id_ok(id, idn)) {
		/* an enquiry nobody can name again, and a state line the next
		 * run would refuse */
		op_reject(st, "the id is empty");
		return 0;
	}
	const route *rt = NULL;
	for (size_t i = 0; i < c->n && !rt; i++) {
		int t = c->routes[i].when ? op_eval_cond(&c->ev, c->routes[i].when) : 1;
		if (t < 0) {
			op_reject(st, "%s:%u: route %s: %s", c->rules->file, c->routes[i].line, c->routes[i].name,
				  c->ev.err);
			return 0;
		}
		if (t)
			rt = &c->routes[i];
	}
	if (!rt) {
		op_warn("%s:%llu: enquiry %.*s matches no route and the rules have no fallback; passed unrouted",
			st->name, st->lineno, (int)(idn > 80 ? 80 : idn), id);
		c->unrouted++;
		op_emit_rec(st, r, NULL, 0);
		return 0;
	}
	op_time start, due = 0;
	if (received(c, st, r, &start))
		return 0;
	int64_t sla_min = 0;
	if (rt->sla_unit == 0) {
		/* as business time is: a due time that cannot be written is
		 * refused, not clamped to 9999-12-31 */
		if (__builtin_add_overflow(start, rt->sla, &due) || due > OP_TIME_MAX) {
			op_reject(st, "route %s: due time beyond year 9999", rt->name);
			return 0;
		}
		sla_min = rt->sla / 60;
	} else if (rt->sla_unit > 0) {
		const op_cal *cal = rt->team->cal ? rt->team->cal : c->cal;
		if (op_cal_add(cal, start, rt->sla, rt->sla_unit, &due)) {
			op_reject(st, "route %s: due time beyond year 9999", rt->name);
			return 0;
		}
		sla_min = rt->sla_unit == 1 ? rt->sla : (op_cal_between(cal, start, due) + 30) / 60;
	}
	const op_owner *owner = rt->owner, *from = NULL;
	if (!owner)
		owner = op_assign_pick(&c->as, rt->team, id, idn, c->now,
				       c->as.stateful && is_closed(r, &c->sbuf), &from);

	op_kv kv[9];
	size_t off[9], nkv = 0, s0;
	op_buf *v = &c->vals;
	op_buf_reset(v);
	s0 = v->len;
	op_buf_add(v, rt->json.p, rt->team_len);
	kv_add(kv, off, &nkv, "team", s0, v->len);
	s0 = v->len;
	if (owner)
		op_buf_add(v, owner->json, owner->jsonlen);
	else
		op_buf_adds(v, "null");
	kv_add(kv, off, &nkv, "owner", s0, v->len);
	if (from) {
		s0 = v->len;
		op_buf_add(v, from->json, from->jsonlen);
		kv_add(kv, off, &nkv, "reassigned_from", s0, v->len);
	}
	s0 = v->len;
	op_buf_add(v, rt->json.p + rt->team_len, rt->json.len - rt->team_len);
	kv_add(kv, off, &nkv, "route", s0, v->len);
	s0 = v->len;
	if (rt->sla_unit >= 0)
		add_int(v, sla_min);
	else
		op_buf_adds(v, "null");
	kv_add(kv, off, &nkv, "sla", s0, v->len);
	s0 = v->len;
	if (rt->sla_unit >= 0) {
		char ts[21];
		op_time_format(due, ts);
		op_buf_addc(v, '"');
		op_buf_add(v, ts, 20);
		op_buf_addc(v, '"');
	} else {
		op_buf_adds(v, "null");
	}
	kv_add(kv, off, &nkv, "due_at", s0, v->len);
	s0 = v->len;
	op_buf_adds(v, rt->human ? "true" : "false");
	kv_add(kv, off, &nkv, "needs_human", s0, v->len);
	if (rt->task) {
		op_buf_reset(&c->sbuf);
		if (op_render(&c->ev, rt->task, &c->sbuf)) {
			op_reject(st, "%s:%u: route %s: task: %s", c->rules->file, rt->line, rt->name, c->ev.err);
			return 0;
		}
		s0 = v->len;
		op_buf_json_str(v, c->sbuf.p ? c->sbuf.p : "", c->sbuf.len);
		kv_add(kv, off, &nkv, "task", s0, v->len);
	}
	if (rt->priority >= 0 && priority_of(r, &c->sbuf) < rt->priority) {
		s0 = v->len;
		op_buf_json_str(v, priorities[rt->priority], strlen(priorities[rt->priority]));
		kv_add(kv, off, &nkv, "priority", s0, v->len);
	}
	for (size_t i = 0; i < nkv; i++)
		kv[i].val = v->p + off[i];
	op_emit_rec(st, r, kv, nkv);
	return 0;
}

/* --close FILE: enquiry ids, one a line, or records with an id */
static int read_close(ctx *c, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		op_die(OP_EXIT_NOINPUT, "%s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	int bad = 0;
	op_rec r = {0};
	op_jerr je;
	while ((n = op_xgetline(&line, &cap, f)) > 0) {
		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (!n)
			continue;
		const char *id = line;
		size_t idn = (size_t)n;
		if (line[0] == '{') {
			const op_field *idf;
			if (op_rec_scan(&r, line, (size_t)n, &je) || !(idf = op_rec_get(&r, "id", 2)) ||
			    (idf->type != OP_JSTR && idf->type != OP_JNUM)) {
				op_warn("%s:%lu: a record with an id expected", path, lineno);
				bad = 1;
				continue;
			}
			if (idf->type == OP_JSTR)
				op_jstr(idf->v, idf->vlen, idf->vesc, &c->idbuf, &id, &idn);
			else
				id = idf->v, idn = idf->vlen;
		}
		op_assign_close(&c->as, id, idn);
	}
	if (ferror(f))
		op_die(OP_EXIT_NOINPUT, "%s: read error: %s", path, strerror(errno));
	free(line);
	op_rec_free(&r);
	if (f != stdin)
		fclose(f);
	return bad;
}

static const char usage[] =
	"Usage: enq-route [-r RULES] [options] [file...]\n"
	"Give each enquiry a team, an owner and a due time (first matching route).\n"
	"  -r, --rules FILE      route rules (default: the built-in route.rules)\n"
	"      --state FILE      remember assignments between runs (locked, atomic)\n"
	"      --close FILE      enquiry ids (or records) now closed; needs --state\n";

int main(int argc, char **argv)
{
	op_cli cli = { .usage = usage, .exits = OP_EXITS_CONFIG };
	ctx c = {0};
	const char *rules = NULL, *state_path = NULL, *close_path = NULL;
	int ch;
	enum { O_STATE = 1, O_CLOSE };
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "state", required_argument, NULL, O_STATE },
		{ "close", required_argument, NULL, O_CLOSE },
		{ NULL, 0, NULL, 0 },
	};
	while ((ch = op_getopt(&cli, argc, argv, "r:", longopts)) != -1) {
		switch (ch) {
		case 'r':
			rules = optarg;
			op_cli_file(&cli, "-r", optarg, OP_FILE_IN);
			break;
		case O_STATE:
			state_path = optarg;
			op_cli_file(&cli, "--state", optarg, OP_FILE_IN | OP_FILE_OUT);
			break;
		case O_CLOSE:
			close_path = optarg;
			op_cli_file(&cli, "--close", optarg, OP_FILE_IN);
			break;
		}
	}
	if (close_path && !state_path)
		op_usage_error(&cli, "--close needs --state");
	if (close_path && !strcmp(close_path, "-")) {
		/* it would read all of stdin, and the records would find it empty */
		int stdin_too = optind == argc;
		for (int i = optind; i < argc; i++)
			stdin_too |= !strcmp(argv[i], "-");
		if (stdin_too)
			op_usage_error(&cli, "--close - and the records cannot both come from standard input");
	}

	op_assign_init(&c.as);
	c.cal = op_cal_new();
	c.now = cli.now;
	op_err e;
	if (!(c.rules = op_rules_load(rules, "route.rules", statements, &c, 0, &e)))
		op_die_err(&e);
	if (finish_rules(&c, &cli))
		exit(OP_EXIT_CONFIG);
	op_eval_init(&c.ev, cli.now, c.naive_tz);
	if (op_cal_has_hours(c.cal)) {
		c.ev.business = op_cal_business;
		c.ev.cal = c.cal;
	}

	op_state state = { .lockfd = -1 };
	int bad_close = 0;
	if (state_path) {
		if (op_state_open(&state, state_path, STATE_KIND, STATE_VERSION, &e) ||
		    op_assign_load(&c.as, state.body.p, state.body.len, state_path, state.bodyline, &e))
			op_die_err(&e);
		if (close_path)
			bad_close = read_close(&c, close_path);
	}

	op_stream st;
	op_stream_init(&st, &cli);
	op_stream_run(&st, argc - optind, argv + optind, on_record, &c);
	op_buf_printf(&st.extra, ",\"unrouted\":%llu,\"assigned\":%llu", c.unrouted, c.as.fresh);
	int rc = op_stream_finish(&st);
	if (rc == OP_EXIT_OK && (c.unrouted || bad_close))
		rc = OP_EXIT_DATAERR;

	/* records that reached the output are the ones to remember; after an
	 * output error the next run assigns them again, the same way */
	if (state_path) {
		if (rc != OP_EXIT_IOERR) {
			op_buf body = {0};
			op_assign_dump(&c.as, &body);
			if (op_state_commit(&state, STATE_KIND, STATE_VERSION, body.p ? body.p : "", body.len, &e)) {
				op_warn("%s", e.msg);
				rc = OP_EXIT_IOERR;
			}
			op_buf_free(&body);
		}
		op_state_close(&state);
	}

	op_eval_free(&c.ev);
	op_rules_free(c.rules);
	for (size_t i = 0; i < c.as.nt; i++)
		op_cal_free(c.as.tv[i]->cal);
	op_assign_free(&c.as);
	op_cal_free(c.cal);
	op_tz_free(c.tz);
	op_buf_free(&c.vals);
	op_buf_free(&c.idbuf);
	op_buf_free(&c.sbuf);
	for (size_t i = 0; i < c.n; i++)
		op_buf_free(&c.routes[i].json);
	free(c.routes);
	free(c.aways);
	op_cli_free(&cli);
	return rc;
}
