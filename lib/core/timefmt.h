/* timefmt.h - calendar arithmetic and timestamp parsing/formatting: RFC 3339,
 * RFC 5322 mail dates, the looser dates of spreadsheets and CRM exports, and
 * the rule language's durations.  Time zones are in tz.h.  MIT licence.
 *
 * Everything here is pure computation: no allocation, no stdio, no locale,
 * so the parsers can run once per record at a million records a second.
 * Inputs are (pointer, length) spans and need not be NUL-terminated.
 */
#ifndef OPFLOW_TIMEFMT_H
#define OPFLOW_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t op_time;	/* seconds since 1970-01-01T00:00:00Z, no leap seconds */
/* The last second that formats: 9999-12-31T23:59:59Z. */
#define OP_TIME_MAX 253402300799LL
/* The first: 0000-01-01T00:00:00Z. */
#define OP_TIME_MIN (-62167219200LL)
/* Whether t has an RFC 3339 form: a naive time the parsers read in range
 * can leave it once a zone turns it into UTC. */
static inline int op_time_in_range(op_time t)
{
	return t >= OP_TIME_MIN && t <= OP_TIME_MAX;
}
/* What the parsers below return for a well-formed time that has no RFC
 * 3339 form: before 0000-01-01T00:00:00Z or after OP_TIME_MAX (a zone
 * can carry 9999-12-31T23:30-01:00 past the end).  Refused, not clamped:
 * it would be written as another time. */
#define OP_TIME_RANGE (-3)

/* Days since 1970-01-01 of a date in the proleptic Gregorian calendar, and
 * back.  Valid for any year that keeps the result in range (|y| < 2^50). */
int64_t op_days_from_civil(int64_t y, unsigned m, unsigned d);
void op_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* 1 if y is a Gregorian leap year; days in month m (1-12) of year y. */
int op_is_leap(int64_t y);
unsigned op_days_in_month(int64_t y, unsigned m);

/* Floor division of a time by 86400 (correct for negative times too). */
int64_t op_time_days(op_time t);

int op_weekday(int64_t days);		/* 0 = Monday .. 6 = Sunday */
/* ISO 8601 week date: the week (1-53) and its year, which differs from the
 * calendar year around New Year (2027-01-01 is in 2026-W53). */
void op_iso_week(int64_t days, int64_t *iso_year, unsigned *week);

/* RFC 3339 / ISO 8601:
 *   YYYY-MM-DD[Tt ]HH:MM[:SS[.frac]][Zz|+HH:MM|-HH:MM|+HHMM|-HHMM]
 * and date-only YYYY-MM-DD (midnight, naive).  Returns 0 and sets *t
 * (fraction truncated) or -1 if s[0..n) is not exactly one such timestamp.
 * Ranges are checked: month 1-12, day valid for the month (leap years
 * included), hour < 24, minute < 60, second <= 60 (60, a leap second, is
 * read as 59).  *naive (may be NULL) is set to 1 when no zone was given,
 * 0 otherwise; a naive *t is the wall clock read as UTC and the caller
 * applies a zone with op_tz_to_utc.  With naive NULL, naive forms are
 * rejected.  OP_TIME_RANGE for a time outside years 0000..9999 in UTC. */
int op_time_parse(const char *s, size_t n, op_time *t, int *naive);

/* "YYYY-MM-DDTHH:MM:SSZ" (20 chars + NUL) into out; returns 20.  Times
 * outside years 0000..9999 are clamped into that range (the parsers never
 * make one; arithmetic such as a due time can). */
size_t op_time_format(op_time t, char out[21]);

/* "YYYY-MM-DDTHH:MM:SS+hh:mm" (25 chars + NUL) for local time with the
 * offset off (seconds east of UTC, whole minutes shown; an offset of 0 is
 * written "+00:00"); returns 25.  Clamped like op_time_format. */
size_t op_time_format_off(op_time t, int32_t off, char out[26]);

/* RFC 5322 date-time (section 3.3) in UTC, as a message's Date field
 * holds it: "Thu, 03 Dec 2026 07:13:42 +0000" (31 chars + NUL); returns
 * 31.  Clamped like op_time_format. */
size_t op_time_format_rfc5322(op_time t, char out[32]);

/* RFC 5322 date-time (section 3.3) with the obsolete forms of section 4.3:
 * optional day of week, 2-digit years (00-49 -> 20xx, 50-99 -> 19xx),
 * 3-digit years (+1900), missing seconds, zone as +hhmm/-hhmm or the names
 * UT GMT EST EDT CST CDT MST MDT PST PDT, military letters (read as +0000,
 * as the RFC advises), comments "(CET)" and folding whitespace anywhere,
 * month and day names in any case.  As liberties, "UTC" is accepted as a
 * zone and a missing zone is read as +0000.  Returns 0 and *t in UTC, -1,
 * or OP_TIME_RANGE. */
int op_time_parse_rfc5322(const char *s, size_t n, op_time *t);

/* Dates as spreadsheets and CRM exports write them: the op_time_parse
 * forms, "YYYY/MM/DD", "DD/MM/YYYY" or "MM/DD/YYYY" (separators / . or -,
 * used alike; 1- or 2-digit day and month; 2- or 4-digit year, a 2-digit
 * year read as in RFC 5322), a month by name ("Jun 22, 2022", "22 June
 * 2022", a day name first allowed), each optionally followed by a time
 * " HH:MM[:SS]" (or "T..."; 1-digit hour allowed; a comma before it, as
 * in "6/22/2022, 11:07 AM") with an optional " AM"/" PM" and an optional
 * zone (Z, +hh:mm, +hhmm, UTC, GMT, GMT+3 as Google Forms writes), and
 * RFC 5322 dates.  Leading and trailing whitespace is ignored.
 * order says how to read NN/NN/YYYY: OP_DATE_DMY, OP_DATE_MDY, or
 * OP_DATE_ANY to accept only what is unambiguous (year first, or one
 * reading is not a valid date, or both readings are the same day).
 * Dotted dates (03.04.2026) are day-first whatever the order: that is how
 * every country that writes them reads them.
 * Returns 0 (with *t and *naive exactly as op_time_parse), -1 not a date,
 * -2 ambiguous (OP_DATE_ANY and two valid readings, e.g. 03/04/2025),
 * OP_TIME_RANGE. */
enum { OP_DATE_ANY, OP_DATE_DMY, OP_DATE_MDY };
int op_time_parse_loose(const char *s, size_t n, int order, op_time *t, int *naive);

/* Why s is not a date to op_time_parse_loose: the part expected ("a month
 * (1-12)", "a zone (...)") and, in *at, its offset in s; NULL when no part
 * of s reads as a date (or s is one after all). */
const char *op_time_loose_fault(const char *s, size_t n, int order, size_t *at);

/* Durations of the rule language: a sequence of <digits><unit> with units
 * w d h m s, each at most once and largest first ("1h30m", "2d", "90s");
 * *value is seconds and *business 0.  Business time is one term: "4bh" is
 * 4 business hours, *value = 240 business minutes and *business = 1;
 * "2bd" is 2 business days, *value = 2 and *business = 2.  business may be
 * NULL, and then business units are rejected.  Returns 0, or -1 if s[0..n)
 * is not a duration (or overflows). */
int op_duration_parse(const char *s, size_t n, int64_t *value, int *business);

#endif
