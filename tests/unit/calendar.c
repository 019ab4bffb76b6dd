/* calendar.c - unit tests for lib/calendar.c: business-time arithmetic
 * against cases worked out by hand (the calendar on the wall, zdump for
 * the offsets): Friday 17:00 + 4bh, holiday Mondays, the DST weekends of
 * Europe and the US, enquiries received outside hours, zero and huge
 * amounts, a team with its own hours, business days, going backwards,
 * and the business time between two times (bhours(), bdays()).
 * MIT licence. */
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "tap.h"

static op_time T(const char *s)
{
	op_time t = 0;
	if (op_time_parse(s, strlen(s), &t, NULL))
		printf("# bad time in test: %s\n", s);
	return t;
}

static op_tz *zone(const char *name)
{
	op_err e;
	op_tz *z = op_tz_load(name, &e);
	if (!z)
		printf("# %s\n", e.msg);
	return z;
}

/* from + amount (unit 1 minutes, 2 days) as RFC 3339 UTC, or "error N" */
static const char *add(const op_cal *c, const char *from, int64_t amount, int unit)
{
	static char out[32];
	op_time r;
	int rc = op_cal_add(c, T(from), amount, unit, &r);
	if (rc)
		snprintf(out, sizeof out, "error %d", rc);
	else
		op_time_format(r, out);
	return out;
}

static op_cal *office(const op_tz *z, int from, int to)
{
	op_cal *c = op_cal_new();
	op_cal_set_tz(c, z);
	op_cal_add_hours(c, 0x1f, from, to);
	return c;
}

static int64_t day(const char *date)
{
	op_time t = 0;
	int naive;
	if (op_time_parse(date, strlen(date), &t, &naive))
		printf("# bad date in test: %s\n", date);
	return op_time_days(t);
}

static void test_parse(void)
{
	unsigned m;
	int f, t;
	ok(!op_cal_parse_days("mon-fri", &m) && m == 0x1f, "mon-fri");
	ok(!op_cal_parse_days("fri-mon", &m) && m == 0x71, "fri-mon wraps over the weekend");
	ok(!op_cal_parse_days("Mon,wed", &m) && m == 0x05, "a list, any case");
	ok(!op_cal_parse_days("daily", &m) && m == 0x7f, "daily");
	ok(!op_cal_parse_days("sat-sun,tue", &m) && m == 0x62, "a range and a day");
	ok(op_cal_parse_days("mon,", &m) < 0, "trailing comma refused");
	ok(op_cal_parse_days("monday", &m) < 0, "long names refused");
	ok(op_cal_parse_days("", &m) < 0, "empty refused");
	ok(!op_cal_parse_span("09:00-17:30", &f, &t) && f == 540 && t == 1050, "09:00-17:30");
	ok(!op_cal_parse_span("00:00-24:00", &f, &t) && f == 0 && t == 1440, "a whole day");
	ok(op_cal_parse_span("17:00-09:00", &f, &t) < 0, "backwards refused (split it over two days)");
	ok(op_cal_parse_span("9:00-17:00", &f, &t) < 0, "one-digit hour refused");
	ok(op_cal_parse_span("09:00-24:01", &f, &t) < 0, "past 24:00 refused");
	ok(op_cal_parse_span("09:60-10:00", &f, &t) < 0, "minute 60 refused");

	op_cal *c = op_cal_new();
	ok(!op_cal_add_hours(c, 0x1f, 540, 750), "morning");
	ok(!op_cal_add_hours(c, 0x1f, 810, 1050), "afternoon (split shift)");
	ok(op_cal_add_hours(c, 0x01, 700, 820) < 0, "overlap refused");
	ok(!op_cal_add_hours(c, 0x20, 700, 820), "the same hours on another day are fine");
	for (int i = 0; i < OP_CAL_MAX_SPANS; i++)
		op_cal_add_hours(c, 0x40, i * 10, i * 10 + 5);
	ok(op_cal_add_hours(c, 0x40, 1000, 1001) < 0, "at most %d spans a day", OP_CAL_MAX_SPANS);
	op_cal_free(c);
}

static void test_london(op_tz *ldn)
{
	op_cal *c = office(ldn, 9 * 60, 17 * 60 + 30);
	op_cal_add_holiday(c, day("2026-08-31"));	/* summer bank holiday, a Monday */
	op_cal_add_holiday(c, day("2026-12-25"));
	op_cal_add_holiday(c, day("2026-12-28"));
	op_cal_add_holiday(c, day("2026-12-25"));	/* twice is once */

	is(add(c, "2026-11-20T17:00:00Z", 240, 1), "2026-11-23T12:30:00Z",
	   "Friday 17:00 + 4bh: half an hour on Friday, 3.5 h on Monday");
	is(add(c, "2026-11-20T13:30:00Z", 240, 1), "2026-11-20T17:30:00Z",
	   "Friday 13:30 + 4bh ends at Friday's close, not Monday's opening");
	is(add(c, "2026-08-28T17:00:00+01:00", 240, 1), "2026-09-01T11:30:00Z",
	   "Friday + 4bh over a holiday Monday: Tuesday 12:30 BST");
	is(add(c, "2026-12-24T16:00:00Z", 240, 1), "2026-12-29T11:30:00Z",
	   "Christmas Eve + 4bh: Friday and Monday are holidays");
	is(add(c, "2026-03-27T17:00:00Z", 240, 1), "2026-03-30T11:30:00Z",
	   "Europe spring forward (29 March): Monday 12:30 BST is 11:30Z");
	is(add(c, "2026-10-23T17:00:00+01:00", 240, 1), "2026-10-26T12:30:00Z",
	   "Europe fall back (25 October): Monday 12:30 GMT");
	is(add(c, "2026-11-21T10:00:00Z", 60, 1), "2026-11-23T10:00:00Z",
	   "received on Saturday: the clock starts Monday 09:00");
	is(add(c, "2026-11-24T07:00:00Z", 30, 1), "2026-11-24T09:30:00Z",
	   "received before opening: 30 minutes after opening");
	is(add(c, "2026-11-24T20:00:00Z", 60, 1), "2026-11-25T10:00:00Z",
	   "received after closing: the next morning");
	is(add(c, "2026-11-24T11:15:42Z", 0, 1), "2026-11-24T11:15:42Z", "0bh inside hours: the time itself");
	is(add(c, "2026-11-21T10:00:00Z", 0, 1), "2026-11-23T09:00:00Z", "0bh outside hours: the next opening");
	is(add(c, "2026-11-24T11:15:42Z", 0, 2), "2026-11-24T11:15:42Z", "0bd inside hours: the time itself");
	is(add(c, "2026-11-23T10:00:00Z", -120, 1), "2026-11-20T16:30:00Z",
	   "Monday 10:00 - 2bh: Friday 16:30");
	is(add(c, "2026-11-23T12:00:00Z", 1000000000000LL, 1), "error -2", "10^12 bh: past year 9999, refused");
	is(add(c, "2026-11-23T12:00:00Z", -1000000000000LL, 1), "error -2", "-10^12 bh: before year 1, refused");
	is(add(c, "2026-11-23T12:00:00Z", 10000000, 2), "error -2", "10^7 bd: refused");
	/* the first and last weeks of the years are walked, not refused:
	 * 9999-12-31 is a Friday, 0001-01-01 a Monday (London's local mean
	 * time, 1 min 15 s behind UTC, puts 10:00Z inside its hours) */
	is(add(c, "9999-12-31T10:00:00Z", 60, 1), "9999-12-31T11:00:00Z", "9999-12-31 10:00 + 1bh: 11:00");
	is(add(c, "9999-12-31T17:00:00Z", 60, 1), "error -2", "9999-12-31 17:00 + 1bh: past the year, refused");
	is(add(c, "0001-01-01T10:00:00Z", 60, 1), "0001-01-01T11:00:00Z", "0001-01-01 10:00 + 1bh: 11:00");
	is(add(c, "9999-12-27T10:00:00Z", 1, 2), "9999-12-28T10:00:00Z", "Monday 9999-12-27 10:00 + 1bd: Tuesday 10:00");
	is(add(c, "9999-12-31T10:00:00Z", 1, 2), "error -2", "Friday 9999-12-31 + 1bd: past the year, refused");
	is(add(c, "0001-01-03T10:00:00Z", -1, 2), "0001-01-02T10:00:00Z", "Wednesday 0001-01-03 10:00 - 1bd: Tuesday 10:00");

	/* business days keep the position in the working day */
	is(add(c, "2026-11-24T10:00:00Z", 1, 2), "2026-11-25T10:00:00Z", "Tuesday 10:00 + 1bd: Wednesday 10:00");
	is(add(c, "2026-11-20T16:00:00Z", 1, 2), "2026-11-23T16:00:00Z", "Friday 16:00 + 1bd: Monday 16:00");
	is(add(c, "2026-11-21T10:00:00Z", 1, 2), "2026-11-23T17:30:00Z", "Saturday + 1bd: Monday's close");
	is(add(c, "2026-11-21T10:00:00Z", 2, 2), "2026-11-24T17:30:00Z", "Saturday + 2bd: Tuesday's close");
	is(add(c, "2026-12-24T10:00:00Z", 1, 2), "2026-12-29T10:00:00Z", "Christmas Eve + 1bd: Tuesday 29th");
	is(add(c, "2026-08-28T10:00:00+01:00", 1, 2), "2026-09-01T09:00:00Z",
	   "Friday 10:00 BST + 1bd over the holiday Monday");
	is(add(c, "2026-11-23T10:00:00Z", -1, 2), "2026-11-20T10:00:00Z", "Monday 10:00 - 1bd: Friday 10:00");
	ok(op_cal_between(c, T("2026-11-20T17:00:00Z"), T("2026-11-23T12:30:00Z")) == 4 * 3600,
	   "business time between Friday 17:00 and Monday 12:30 is 4 h");
	ok(op_cal_between(c, T("2026-11-21T00:00:00Z"), T("2026-11-22T23:00:00Z")) == 0,
	   "none over a weekend");
	op_cal_free(c);

	/* huge: 100,000 business hours are 2,500 weeks of 40, ending at a
	 * Friday's close; 2074-10-19 is a Friday, still BST in London */
	c = office(ldn, 9 * 60, 17 * 60);
	is(add(c, "2026-11-23T09:00:00Z", 100000 * 60LL, 1), "2074-10-19T16:00:00Z",
	   "100000bh from a Monday opening, London (weeks skipped across 96 DST changes)");
	is(add(c, "2074-10-19T16:00:00Z", -100000 * 60LL, 1), "2026-11-23T09:00:00Z", "and back");
	is(add(c, "2026-11-23T09:00:00Z", 12500, 2), "2074-10-19T16:00:00Z", "12500bd: the same Friday's close");
	op_cal_free(c);
	c = office(NULL, 9 * 60, 17 * 60);
	is(add(c, "2026-11-23T09:00:00Z", 100000 * 60LL, 1), "2074-10-19T17:00:00Z", "the same in UTC");
	op_cal_free(c);

	/* split shifts */
	c = office(ldn, 9 * 60, 12 * 60 + 30);
	op_cal_add_hours(c, 0x1f, 13 * 60 + 30, 17 * 60 + 30);
	is(add(c, "2026-11-24T11:00:00Z", 180, 1), "2026-11-24T15:00:00Z", "11:00 + 3bh over a lunch break");
	is(add(c, "2026-11-24T12:45:00Z", 0, 1), "2026-11-24T13:30:00Z", "0bh at lunch: after lunch");
	op_cal_free(c);

	/* round the clock: business time is real time, so the day the clocks
	 * go forward holds 23 hours and the day they go back 25 */
	c = op_cal_new();
	op_cal_set_tz(c, ldn);
	op_cal_add_hours(c, 0x7f, 0, 1440);
	is(add(c, "2026-03-28T12:00:00Z", 24 * 60, 1), "2026-03-29T12:00:00Z", "24/7: 24bh over spring forward");
	is(add(c, "2026-10-24T11:00:00Z", 24 * 60, 1), "2026-10-25T11:00:00Z", "24/7: 24bh over fall back");
	ok(op_cal_between(c, T("2026-03-29T00:00:00Z"), T("2026-03-29T23:00:00Z")) == 23 * 3600,
	   "24/7: 29 March 2026 in London has 23 hours");
	op_cal_free(c);

	/* a team with its own hours, inheriting the holidays */
	op_cal *base = office(ldn, 9 * 60, 17 * 60 + 30);
	op_cal_add_holiday(base, day("2026-12-25"));
	op_cal *team = op_cal_new();
	op_cal_add_hours(team, 0x7f, 8 * 60, 20 * 60);
	op_cal_inherit(team, base);
	is(add(team, "2026-11-20T17:00:00Z", 240, 1), "2026-11-21T09:00:00Z",
	   "team open 08:00-20:00 daily: Friday 17:00 + 4bh is Saturday 09:00");
	is(add(base, "2026-11-20T17:00:00Z", 240, 1), "2026-11-23T12:30:00Z", "the office calendar is unchanged");
	is(add(team, "2026-12-24T19:00:00Z", 120, 1), "2026-12-26T09:00:00Z", "the team skips the holiday too");
	op_cal_free(team);
	op_cal_free(base);

	c = op_cal_new();
	ok(!op_cal_has_hours(c), "a calendar without hours");
	is(add(c, "2026-11-20T17:00:00Z", 240, 1), "error -1", "business time without hours: an error");
	op_cal_free(c);
}

/* bhours() (unit 1) or bdays() (unit 2) from a to b, to 6 places */
static const char *between(const op_cal *c, const char *a, const char *b, int unit)
{
	static char out[32];
	snprintf(out, sizeof out, "%.6f", op_cal_business_between(c, T(a), T(b), unit));
	return out;
}

/* the built-in calendar.conf: Monday to Friday 08:30-17:30 (9 h), Saturday
 * 09:00-12:30 (3.5 h), England's bank holidays of 2026 */
static void test_between(op_tz *ldn)
{
	op_cal *c = op_cal_new();
	op_cal_set_tz(c, ldn);
	op_cal_add_hours(c, 0x1f, 8 * 60 + 30, 17 * 60 + 30);
	op_cal_add_hours(c, 0x20, 9 * 60, 12 * 60 + 30);
	static const char *const hol[] = { "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04",
					   "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28" };
	for (size_t i = 0; i < sizeof hol / sizeof *hol; i++)
		op_cal_add_holiday(c, day(hol[i]));

	/* Friday 16:00 to Monday 10:00 (GMT): 1.5 h of Friday's 9, all 3.5
	 * of Saturday, 1.5 of Monday's 9 */
	is(between(c, "2026-11-20T16:00:00Z", "2026-11-23T10:00:00Z", 1), "6.500000",
	   "bhours Friday 16:00 to Monday 10:00: 1.5 + 3.5 + 1.5");
	is(between(c, "2026-11-20T16:00:00Z", "2026-11-23T10:00:00Z", 2), "1.333333",
	   "bdays of the same: 1.5/9 + 1 + 1.5/9");
	is(between(c, "2026-11-23T10:00:00Z", "2026-11-20T16:00:00Z", 1), "-6.500000", "bhours b < a: negative");
	is(between(c, "2026-11-23T10:00:00Z", "2026-11-20T16:00:00Z", 2), "-1.333333", "bdays b < a: negative");
	is(between(c, "2026-11-24T11:00:00Z", "2026-11-24T11:00:00Z", 1), "0.000000", "bhours of one instant: 0");
	is(between(c, "2026-11-24T11:00:00Z", "2026-11-24T11:00:00Z", 2), "0.000000", "bdays of one instant: 0");
	is(between(c, "2026-11-24T10:00:00Z", "2026-11-25T10:00:00Z", 2), "1.000000",
	   "bdays Tuesday 10:00 to Wednesday 10:00: 1 (as Tuesday 10:00 + 1bd)");
	is(between(c, "2026-11-21T13:00:00Z", "2026-11-23T08:00:00Z", 1), "0.000000",
	   "bhours Saturday 13:00 to Monday 08:00, all outside hours: 0");
	is(between(c, "2026-11-22T12:00:00Z", "2026-11-23T09:00:00Z", 2), "0.055556",
	   "bdays Sunday noon to Monday 09:00: 0.5/9");
	/* Christmas: Thursday 24th 12:00 to Tuesday 29th 12:00 skips Friday
	 * 25th and Monday 28th; Saturday 26th is open */
	is(between(c, "2026-12-24T12:00:00Z", "2026-12-29T12:00:00Z", 1), "12.500000",
	   "bhours over two holidays: 5.5 (Thursday) + 3.5 (Saturday) + 3.5 (Tuesday)");
	is(between(c, "2026-12-24T12:00:00Z", "2026-12-29T12:00:00Z", 2), "2.000000",
	   "bdays of the same: 5.5/9 + 1 + 3.5/9");
	is(between(c, "2026-12-25T00:00:00Z", "2026-12-26T00:00:00Z", 1), "0.000000", "bhours of a holiday: 0");
	/* spring forward, Sunday 29 March: Monday 08:30-10:30 BST is 07:30-09:30Z */
	is(between(c, "2026-03-27T17:00:00Z", "2026-03-30T09:30:00Z", 1), "6.000000",
	   "bhours over spring forward: 0.5 + 3.5 + 2 (to 10:30 BST)");
	is(between(c, "2026-03-27T17:00:00Z", "2026-03-30T09:30:00Z", 2), "1.277778",
	   "bdays of the same: 0.5/9 + 1 + 2/9");
	/* fall back, Sunday 25 October: Friday 17:00 BST is 16:00Z */
	is(between(c, "2026-10-23T16:00:00Z", "2026-10-26T10:00:00Z", 1), "5.500000",
	   "bhours over fall back: 0.5 (Friday to 17:30 BST) + 3.5 + 1.5 (to 10:00 GMT)");
	/* 2026: 313 Mondays to Saturdays, 8 holidays on them */
	is(between(c, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 2), "305.000000",
	   "bdays of 2026: 313 working weekdays less 8 bank holidays");
	is(between(c, "2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z", 1), "48.500000",
	   "bhours of a week: 5 x 9 + 3.5");
	is(between(c, "9999-12-31T10:00:00Z", "9999-12-31T23:59:59Z", 1), "7.500000",
	   "bhours on the last day of the years, a Friday: 10:00 to 17:30");
	is(between(c, "0001-01-01T00:00:00Z", "0001-01-02T00:00:00Z", 1), "9.000000",
	   "bhours on the first day, a Monday: 08:30-17:30");
	op_cal_free(c);
}

static void test_new_york(op_tz *ny)
{
	op_cal *c = office(ny, 9 * 60, 17 * 60);
	is(add(c, "2026-03-06T16:00:00-05:00", 120, 1), "2026-03-09T14:00:00Z",
	   "US spring forward (8 March): Friday 16:00 EST + 2bh is Monday 10:00 EDT");
	is(add(c, "2026-10-30T16:00:00-04:00", 120, 1), "2026-11-02T15:00:00Z",
	   "US fall back (1 November): Friday 16:00 EDT + 2bh is Monday 10:00 EST");
	is(add(c, "2026-03-09T10:00:00-04:00", -120, 1), "2026-03-06T21:00:00Z",
	   "and back: Monday 10:00 EDT - 2bh is Friday 16:00 EST");
	op_cal_free(c);
}

/* op_cal_days into text: "DAY MINUTES [SKIPPED]; ..." with DAY days
 * since 1970 */
static void days_line(void *arg, int64_t d, int64_t secs, const char *skipped)
{
	char *b = arg;
	size_t n = strlen(b);
	snprintf(b + n, 512 - n, "%s%lld %lld%s%s", n ? "; " : "", (long long)d, (long long)(secs / 60),
		 skipped ? " " : "", skipped ? skipped : "");
}

static void test_days(op_tz *ldn)
{
	char b[512] = "", want[512];
	op_cal *c = op_cal_new();
	op_cal_set_tz(c, ldn);
	op_cal_add_hours(c, 0x7f, 0, 24 * 60);
	op_cal_add_holiday(c, day("2026-03-30"));
	/* clocks forward at 01:00 UTC on Sunday 29 March: that day holds
	 * 23 hours; Saturday from 12:00 GMT holds 12; Monday a holiday */
	int64_t n = op_cal_days(c, T("2026-03-28T12:00:00Z"), T("2026-03-30T10:00:00+01:00"), 10, days_line, b);
	snprintf(want, sizeof want, "%lld 720; %lld 1380; %lld 0 holiday", (long long)day("2026-03-28"),
		 (long long)day("2026-03-29"), (long long)day("2026-03-30"));
	is(b, want, "days: a day of 23 hours at the spring change, a holiday skipped");
	is_num(n, 3, "days: three of them");
	b[0] = 0;
	n = op_cal_days(c, T("2026-03-28T12:00:00Z"), T("2026-03-30T10:00:00+01:00"), 1, days_line, b);
	snprintf(want, sizeof want, "%lld 720", (long long)day("2026-03-28"));
	is(b, want, "days: at most max given");
	is_num(n, 3, "days: and the count of all");
	op_cal_free(c);

	c = office(ldn, 9 * 60, 17 * 60);	/* mon-fri */
	b[0] = 0;
	n = op_cal_days(c, T("2026-11-20T16:00:00Z"), T("2026-11-23T10:00:00Z"), 10, days_line, b);
	snprintf(want, sizeof want, "%lld 60; %lld 0 closed; %lld 0 closed; %lld 60", (long long)day("2026-11-20"),
		 (long long)day("2026-11-21"), (long long)day("2026-11-22"), (long long)day("2026-11-23"));
	is(b, want, "days: Friday 16:00 to Monday 10:00 is an hour each end, the weekend closed");
	op_cal_free(c);
}

int main(void)
{
	test_parse();
	op_tz *ldn = zone("Europe/London"), *ny = zone("America/New_York");
	ok(ldn && ny, "zones load");
	if (ldn && ny) {
		test_london(ldn);
		test_between(ldn);
		test_new_york(ny);
		test_days(ldn);
	}
	op_tz_free(ldn);
	op_tz_free(ny);
	return done_testing();
}
