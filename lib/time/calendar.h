/* calendar.h - business hours: a weekly schedule of opening intervals in
 * local wall-clock time, holidays, a time zone (lib/tz), and arithmetic in
 * business time across nights, weekends, holidays and DST changes.  The
 * rule language's `4bh` and `2bd` durations and bhours()/bdays() come
 * here through lib/calfile.  MIT licence.
 *
 * Business time is real elapsed time inside opening intervals: an interval
 * 00:00-24:00 on the day the clocks go forward holds 23 hours.  Adding
 * business time starts the clock at the first business instant at or after
 * the start (a Saturday enquiry's clock starts on Monday morning) and ends
 * at the earliest instant where the amount is used up, so Friday 13:30 +
 * 4bh with 09:00-17:30 hours is Friday 17:30, not Monday 09:00.
 *
 * N business days (`bd`) keep the position inside the working day: the
 * business time elapsed since that day's opening is carried to the N-th
 * following working day (Tuesday 10:00 + 1bd = Wednesday 10:00, Friday
 * 16:00 + 1bd = Monday 16:00), capped at that day's close; a clock that
 * starts at an opening ends at the close of the N-th working day counting
 * that one (Saturday + 1bd = Monday's close).
 */
#ifndef OP_CALENDAR_H
#define OP_CALENDAR_H

#include <stdint.h>
#include "opflow.h"
#include "timefmt.h"
#include "tz.h"

#define OP_CAL_MAX_SPANS 8	/* opening intervals per weekday */

typedef struct op_cal op_cal;

op_cal *op_cal_new(void);
void op_cal_free(op_cal *c);
/* The zone whose wall clock the hours and holidays are in (borrowed; NULL
 * is UTC). */
void op_cal_set_tz(op_cal *c, const op_tz *tz);
/* Open on the days of mask (bit 0 Monday .. bit 6 Sunday) from from_min to
 * to_min minutes after local midnight (0 <= from < to <= 1440).  Returns 0,
 * or -1 when an interval overlaps one already given for one of the days
 * or a day has OP_CAL_MAX_SPANS already. */
int op_cal_add_hours(op_cal *c, unsigned mask, int from_min, int to_min);
/* A local date (days since 1970-01-01) with no business hours. */
void op_cal_add_holiday(op_cal *c, int64_t day);
/* Forget the weekly hours (a rule file's `hours` replacing a calendar
 * file's). */
void op_cal_clear_hours(op_cal *c);
/* dst takes src's zone and holidays (a team calendar with its own hours). */
void op_cal_inherit(op_cal *dst, const op_cal *src);
int op_cal_has_hours(const op_cal *c);

/* "mon-fri", "sat", "mon,wed,fri", "fri-mon", "daily" (any case) into a
 * day mask; 0 or -1. */
int op_cal_parse_days(const char *s, unsigned *mask);
/* "09:00-17:30" (24:00 allowed as an end) into minutes; 0 or -1. */
int op_cal_parse_span(const char *s, int *from_min, int *to_min);

/* from + amount business time into *out.  unit 1: amount is business
 * minutes; unit 2: business days.  A negative amount goes backwards (the
 * clock starts at the last business instant at or before from).  Returns 0;
 * -1 when the calendar has no hours; -2 when the result would fall outside
 * years 0001..9999.  Work is bounded: whole weeks are skipped at once while
 * the zone's offset does not change across them. */
enum { OP_CAL_NOHOURS = -1, OP_CAL_RANGE = -2 };
int op_cal_add(const op_cal *c, op_time from, int64_t amount, int unit, op_time *out);
/* from + secs (>= 0) business seconds, to the second, where op_cal_add
 * counts whole minutes: an SLA clock restarting after a pause carries
 * what is left of its budget.  0, or OP_CAL_NOHOURS / OP_CAL_RANGE. */
int op_cal_add_secs(const op_cal *c, op_time from, int64_t secs, op_time *out);
/* Business seconds between a and b (a <= b), for reporting an SLA that was
 * given in business days as minutes. */
int64_t op_cal_between(const op_cal *c, op_time a, op_time b);
/* Working days from a to b (a <= b): each working day counts the share
 * of its own open time that lies between them, so a whole working day is
 * 1 however long it is (Saturday 09:00-12:30 as much as Monday
 * 08:30-17:30), Tuesday 10:00 to Wednesday 10:00 is 1 (as Tuesday 10:00 +
 * 1bd is Wednesday 10:00), and a holiday or a closed day is 0.  Work is
 * bounded by the holidays in the span, not its length. */
double op_cal_days_between(const op_cal *c, op_time a, op_time b);
/* The rule language's bhours() (unit 1: business hours) and bdays()
 * (unit 2: working days) from a to b, negative when b is before a. */
double op_cal_business_between(const op_cal *c, op_time a, op_time b, int unit);
/* The same day by day, to show how a due time was counted: fn gets each
 * local date (days since 1970) from a's to b's, the business seconds of
 * [a, b) inside it, and why it counts none: "holiday", "closed" (no hours
 * that weekday), or NULL.  At most max days are given; returns how many
 * days [a, b] spans (more than max: the rest were left out). */
typedef void op_cal_day_fn(void *arg, int64_t day, int64_t secs, const char *skipped);
int64_t op_cal_days(const op_cal *c, op_time a, op_time b, int64_t max, op_cal_day_fn *fn, void *arg);
/* The same as JSON objects appended to out, a comma before each unless
 * out ends in '[': {"date":"2026-11-20","minutes":30} with
 * "skipped":"holiday" or "closed" where the day counts none (--explain). */
int64_t op_cal_days_json(op_buf *out, const op_cal *c, op_time a, op_time b, int64_t max);
#define OP_CAL_EXPLAIN_DAYS 62	/* days --explain shows one by one */

#endif
