/* calfile.h - the calendar of business time (opflow-rules(5) CALENDAR
 * FILES): the statements timezone, hours, holiday and holidays, read from
 * a --calendar file and from enq-route's rules by the same parsers, and
 * the calendar given to the rule language's business time (4bh, 2bd,
 * bhours(), bdays()) in every program that evaluates it.  MIT licence. */
#ifndef OP_CALFILE_H
#define OP_CALFILE_H

#include "calendar.h"
#include "cli.h"
#include "rules.h"

/* a team's own hours: `hours team NAME DAYS SPAN...` */
typedef struct {
	char *name;
	op_cal *cal;
	unsigned layer;		/* the file that gave them */
} op_calteam;

typedef struct op_calendar {
	op_cal *cal;
	op_tz *tz;		/* the last `timezone` read; NULL: none */
	int tz_here, hours_here;	/* given in the file being read */
	unsigned layer;		/* files read */
	op_calteam *teams;
	size_t nteams, capteams;
	op_buf tmp;		/* a record's team, decoded */
} op_calendar;

/* The statements of a calendar file; pass an op_calendar as the ctx. */
extern const op_stmt op_calendar_statements[];
/* The same one by one, for an engine whose rules hold them too. */
void op_calendar_timezone(op_parser *p, op_calendar *c);
void op_calendar_hours(op_parser *p, op_calendar *c);
void op_calendar_holiday(op_parser *p, op_calendar *c);
void op_calendar_holidays(op_parser *p, op_calendar *c);
/* `hours ...` after the word, into cal (a team's own hours). */
void op_calendar_hours_into(op_parser *p, op_cal *cal);
/* The hours of team name (n bytes) from `hours team NAME`, or NULL; with
 * the calendar's zone and holidays once op_calendar_zone is called. */
op_cal *op_calendar_team(const op_calendar *c, const char *name, size_t n);

op_calendar *op_calendar_new(void);
/* Read the calendar file at path ("builtin": the built-in calendar.conf)
 * over what c holds: its `timezone` replaces the zone, its `hours` the
 * weekly hours, its holidays are added.  0, or -1 with e (66 unreadable,
 * 78 after the file's errors are reported, or when it gives no hours). */
int op_calendar_read(op_calendar *c, const char *path, op_err *e);
/* Start a file of statements over what c holds (op_calendar_read does). */
void op_calendar_layer(op_calendar *c);
/* The zone of the hours: the calendar's `timezone`, else tz (--tz), else
 * UTC; the teams' hours take it and the holidays.  Call once every file
 * is read. */
void op_calendar_zone(op_calendar *c, const op_tz *tz);

/* The calendar of a program that evaluates the language: --calendar's
 * when given, else the built-in one when the rules are the built-in set
 * (rules_path NULL: the built-in files describe one firm), else none.
 * 0 with *out (NULL: none), or -1 with e. */
int op_calendar_for(const op_cli *cli, const char *rules_path, op_calendar **out, op_err *e);
/* Give ev the calendar's business time (c NULL: none), in the hours of
 * the record's `team` when the calendar gives that team hours, having checked
 * that rules r use none when there is no calendar: 0, or -1 with e (78,
 * naming the file and line of the first business time). */
int op_calendar_attach(op_calendar *c, const op_rules *r, op_eval *ev, op_err *e);
void op_calendar_free(op_calendar *c);
#endif
