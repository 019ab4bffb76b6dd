/* calfile.c - calendar files and the calendar of business time
 * (calfile.h).  MIT licence, see COPYING. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calfile.h"

#define MAX_HOLIDAY_FILE (1u << 20)
#define BUILTIN "builtin"

void op_calendar_timezone(op_parser *p, op_calendar *c)
{
	size_t at = op_p_skip(p);
	const char *name = op_p_word(p, "time zone (Europe/London)");
	op_err e;
	if (c->tz_here)
		op_p_error_at(p, at, "timezone given twice");
	op_tz *tz = op_tz_load(name, &e);
	if (!tz)
		op_p_error_at(p, at, "%s", e.msg);
	op_tz_free(c->tz);	/* a calendar file's, replaced by the rules' */
	c->tz = tz;
	c->tz_here = 1;
}

void op_calendar_hours_into(op_parser *p, op_cal *cal)
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

op_cal *op_calendar_team(const op_calendar *c, const char *name, size_t n)
{
	for (size_t i = 0; i < c->nteams; i++)
		if (strlen(c->teams[i].name) == n && !memcmp(c->teams[i].name, name, n))
			return c->teams[i].cal;
	return NULL;
}

/* `hours team NAME ...`: that team's hours, replacing an earlier file's */
static void team_hours(op_parser *p, op_calendar *c)
{
	const char *name = op_p_name(p, "team name");
	op_calteam *t = NULL;
	for (size_t i = 0; i < c->nteams && !t; i++)
		if (!strcmp(c->teams[i].name, name))
			t = &c->teams[i];
	if (!t) {
		c->teams = op_grow(c->teams, c->nteams, &c->capteams, sizeof *c->teams);
		t = &c->teams[c->nteams++];
		*t = (op_calteam){ op_xstrdup(name), op_cal_new(), c->layer };
	} else if (t->layer != c->layer) {
		op_cal_clear_hours(t->cal);
		t->layer = c->layer;
	}
	op_calendar_hours_into(p, t->cal);
}

void op_calendar_hours(op_parser *p, op_calendar *c)
{
	if (op_p_accept(p, "team")) {
		team_hours(p, c);
		return;
	}
	if (!c->hours_here)	/* this file's hours replace a calendar file's */
		op_cal_clear_hours(c->cal);
	c->hours_here = 1;
	op_calendar_hours_into(p, c->cal);
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

void op_calendar_holiday(op_parser *p, op_calendar *c)
{
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
void op_calendar_holidays(op_parser *p, op_calendar *c)
{
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

static void st_timezone(op_parser *p, void *c) { op_calendar_timezone(p, c); }
static void st_hours(op_parser *p, void *c) { op_calendar_hours(p, c); }
static void st_holiday(op_parser *p, void *c) { op_calendar_holiday(p, c); }
static void st_holidays(op_parser *p, void *c) { op_calendar_holidays(p, c); }

const op_stmt op_calendar_statements[] = {
	{ "timezone", st_timezone, "timezone ZONE" },
	{ "hours", st_hours, "hours [team NAME] DAYS HH:MM-HH:MM [HH:MM-HH:MM...] [DAYS ...]" },
	{ "holiday", st_holiday, "holiday YYYY-MM-DD [YYYY-MM-DD...]" },
	{ "holidays", st_holidays, "holidays FILE" },
	{ NULL, NULL, NULL },
};

op_calendar *op_calendar_new(void)
{
	op_calendar *c = op_xcalloc(1, sizeof *c);
	c->cal = op_cal_new();
	return c;
}

void op_calendar_layer(op_calendar *c)
{
	c->tz_here = c->hours_here = 0;
	c->layer++;
}

int op_calendar_read(op_calendar *c, const char *path, op_err *e)
{
	int builtin = !strcmp(path, BUILTIN);
	op_calendar_layer(c);
	op_rules *r = op_rules_load(builtin ? NULL : path, "calendar.conf", op_calendar_statements, c, 0, e);
	if (!r)
		return -1;
	op_rules_free(r);
	if (!c->hours_here)
		return op_errf(e, OP_EXIT_CONFIG, "%s: no `hours` statement (a calendar needs working hours)",
			       builtin ? "calendar.conf" : path);
	return 0;
}

void op_calendar_zone(op_calendar *c, const op_tz *tz)
{
	op_cal_set_tz(c->cal, c->tz ? c->tz : tz);
	for (size_t i = 0; i < c->nteams; i++)
		op_cal_inherit(c->teams[i].cal, c->cal);
}

int op_calendar_for(const op_cli *cli, const char *rules_path, op_calendar **out, op_err *e)
{
	*out = NULL;
	if (!cli->calendar && rules_path)
		return 0;
	op_calendar *c = op_calendar_new();
	if (op_calendar_read(c, cli->calendar ? cli->calendar : BUILTIN, e)) {
		op_calendar_free(c);
		return -1;
	}
	op_calendar_zone(c, cli->tz);
	*out = c;
	return 0;
}

/* the hours of the record's team when the calendar gives it some, else
 * the calendar's */
static const op_cal *cal_of(op_eval *ev)
{
	op_calendar *c = ev->cal;
	const op_field *f;
	if (c->nteams && ev->rec && (f = op_rec_get(ev->rec, "team", 4)) && f->type == OP_JSTR) {
		const char *s;
		size_t n;
		op_jstr(f->v, f->vlen, f->vesc, &c->tmp, &s, &n);
		const op_cal *t = op_calendar_team(c, s, n);
		if (t)
			return t;
	}
	return c->cal;
}

static int business(op_eval *ev, op_time from, int64_t amount, int unit, op_time *out)
{
	return op_cal_add(cal_of(ev), from, amount, unit, out);
}

static double between(op_eval *ev, op_time a, op_time b, int unit)
{
	return op_cal_business_between(cal_of(ev), a, b, unit);
}

int op_calendar_attach(op_calendar *c, const op_rules *r, op_eval *ev, op_err *e)
{
	if (!c) {
		if (r && r->lang.business_line)
			return op_errf(e, OP_EXIT_CONFIG,
				       "%s:%u: business time (%s) needs a calendar: --calendar FILE, or --calendar builtin",
				       r->file, r->lang.business_line, r->lang.business_what);
		return 0;
	}
	ev->business = business;
	ev->between = between;
	ev->cal = c;
	return 0;
}

void op_calendar_free(op_calendar *c)
{
	if (!c)
		return;
	op_cal_free(c->cal);
	op_tz_free(c->tz);
	for (size_t i = 0; i < c->nteams; i++) {
		free(c->teams[i].name);
		op_cal_free(c->teams[i].cal);
	}
	free(c->teams);
	op_buf_free(&c->tmp);
	free(c);
}
