/* sla.c - unit tests for lib/route/sla.c: SLA targets against cases
 * worked out by hand on the calendar (London, Monday 23 November 2026 is
 * a Monday, GMT = UTC): first reply met, missed, answered after hours and
 * still open; a next reply timed from the customer's follow-up; a
 * resolution over a paused night; a wall-clock target; the warning share;
 * status changes out of order; a holiday given twice; the spring-forward
 * Sunday inside a pause.  MIT licence. */
#include <stdio.h>
#include <string.h>

#include "sla.h"
#include "tap.h"

static op_time T(const char *s)
{
	op_time t = 0;
	if (op_time_parse(s, strlen(s), &t, NULL))
		printf("# bad time in test: %s\n", s);
	return t;
}

static const char *fmt(op_time t)
{
	static char out[4][24];
	static int i;
	i = (i + 1) % 4;
	op_time_format(t, out[i]);
	return out[i];
}

/* judge a target; stop NULL: still open at now */
static op_sla_result judge(const op_sla_clock *k, int64_t amount, int unit, const char *start, const char *stop)
{
	op_sla_result x = { 0 };
	op_time s = stop ? T(stop) : 0;
	if (op_sla_target(k, (op_sla_dur){ amount, unit }, T(start), stop ? &s : NULL, &x))
		printf("# op_sla_target failed\n");
	return x;
}

static op_cal *office(const op_tz *z)
{
	op_cal *c = op_cal_new();
	op_cal_set_tz(c, z);
	op_cal_add_hours(c, 0x1f, 9 * 60, 17 * 60);	/* mon-fri 09:00-17:00 */
	return c;
}

static void test_first(op_cal *c)
{
	op_sla_clock k = { .cal = c, .now = T("2026-11-23T12:00:00Z") };
	op_sla_result x = judge(&k, 60, 1, "2026-11-23T10:00:00Z", "2026-11-23T10:30:00Z");
	is(fmt(x.due), "2026-11-23T11:00:00Z", "first 1bh from Monday 10:00: due 11:00");
	ok(x.state == OP_SLA_MET && x.used == 30 && x.remaining == 30 && x.late == 0,
	   "answered at 10:30: met, 30 used, 30 left");
	x = judge(&k, 60, 1, "2026-11-23T10:00:00Z", "2026-11-23T11:20:00Z");
	ok(x.state == OP_SLA_BREACHED && x.used == 80 && x.remaining == 0 && x.late == 20,
	   "answered at 11:20: breached by 20 minutes, 80 used");
	x = judge(&k, 60, 1, "2026-11-23T16:30:00Z", "2026-11-23T18:00:00Z");
	is(fmt(x.due), "2026-11-24T09:30:00Z", "received 16:30: half an hour today, due Tuesday 09:30");
	ok(x.state == OP_SLA_MET && x.used == 30, "answered at 18:00, after hours: met, 30 business minutes used");
	x = judge(&k, 60, 1, "2026-11-23T10:00:00Z", NULL);
	ok(x.state == OP_SLA_BREACHED && x.used == 120 && x.late == 60,
	   "unanswered at 12:00: breached by an hour while still open");
}

static void test_next(op_cal *c)
{
	/* the customer wrote again on Monday at 15:00; next 4bh: two hours
	 * Monday, two Tuesday */
	op_sla_clock k = { .cal = c, .now = T("2026-11-24T10:00:00Z") };
	op_sla_result x = judge(&k, 240, 1, "2026-11-23T15:00:00Z", NULL);
	is(fmt(x.due), "2026-11-24T11:00:00Z", "next 4bh from a follow-up on Monday 15:00: Tuesday 11:00");
	ok(x.state == OP_SLA_OPEN && x.used == 180 && x.remaining == 60, "open on Tuesday 10:00: 180 used, 60 left");
}

static void test_warn(op_cal *c)
{
	op_sla_clock k = { .cal = c, .now = T("2026-11-23T13:00:00Z"), .warn = 75 };
	op_sla_result x = judge(&k, 240, 1, "2026-11-23T10:00:00Z", NULL);
	ok(x.state == OP_SLA_OPEN && x.used == 180 && !x.at_risk, "75 %% of 4bh used exactly: not yet at risk");
	k.now = T("2026-11-23T13:01:00Z");
	x = judge(&k, 240, 1, "2026-11-23T10:00:00Z", NULL);
	ok(x.at_risk && x.used == 181 && x.remaining == 59, "one minute more: at risk, 59 left");
	x = judge(&k, 240, 1, "2026-11-23T10:00:00Z", "2026-11-23T13:00:30Z");
	ok(x.state == OP_SLA_MET && !x.at_risk, "a met target is never at risk");
	k.warn = 0;
	x = judge(&k, 240, 1, "2026-11-23T10:00:00Z", NULL);
	ok(!x.at_risk, "no warning share: never at risk");
}

static void test_pause(op_cal *c)
{
	/* resolve 1bd from Monday 10:00 is Tuesday 10:00 (8 business
	 * hours); waiting on the customer from Monday 15:00 to Tuesday 11:00
	 * stops 2 h on Monday and 2 h on Tuesday: 5 h ran before, 3 h are
	 * left from 11:00, due 14:00 */
	op_sla_span p[] = { { T("2026-11-23T15:00:00Z"), T("2026-11-24T11:00:00Z") } };
	op_sla_clock k = { .cal = c, .pause = p, .npause = 1, .now = T("2026-11-24T12:00:00Z") };
	op_sla_result x = judge(&k, 1, 2, "2026-11-23T10:00:00Z", NULL);
	is(fmt(x.due), "2026-11-24T14:00:00Z", "resolve 1bd with a 4 business-hour pause: Tuesday 14:00");
	ok(x.state == OP_SLA_OPEN && x.used == 360 && x.remaining == 120,
	   "open on Tuesday 12:00: 5 h + 1 h used, 2 h left");
	x = judge(&k, 60, 1, "2026-11-23T10:00:00Z", "2026-11-23T10:40:00Z");
	is(fmt(x.due), "2026-11-23T11:00:00Z", "a target met before the pause does not move");
	/* resolved at Tuesday 09:30, inside the pause: the due time as it
	 * stood then, the pause counted to 09:30 (5 h ran, 3 h left) */
	x = judge(&k, 1, 2, "2026-11-23T10:00:00Z", "2026-11-24T09:30:00Z");
	is(fmt(x.due), "2026-11-24T12:30:00Z", "resolved inside the pause: due as it stood then, 12:30");
	ok(x.state == OP_SLA_MET && x.used == 300, "and 5 h used: the paused half hour does not count");

	/* wall time: 4h from 10:00 with 11:00-12:30 paused ends at 15:30 */
	op_sla_span w[] = { { T("2026-11-23T11:00:00Z"), T("2026-11-23T12:30:00Z") } };
	k = (op_sla_clock){ .pause = w, .npause = 1, .now = T("2026-11-23T13:00:00Z") };
	x = judge(&k, 4 * 3600, 0, "2026-11-23T10:00:00Z", NULL);
	is(fmt(x.due), "2026-11-23T15:30:00Z", "a wall-clock 4h with 1.5 h paused: 15:30");
	ok(x.used == 90 && x.remaining == 150, "at 13:00: 90 minutes used, 150 left");
}

static void test_spans(void)
{
	op_sla_event ev[] = {
		{ T("2026-11-24T11:00:00Z"), 0 },
		{ T("2026-11-23T15:00:00Z"), 1 },
		{ T("2026-11-24T16:00:00Z"), 1 },
		{ T("2026-11-24T16:00:00Z"), 1 },	/* still waiting: no new span */
	};
	op_sla_span sp[4];
	int sorted;
	size_t n = op_sla_spans(ev, 4, T("2026-11-25T09:00:00Z"), sp, &sorted);
	ok(!sorted, "a resume before its pause is out of order");
	ok(n == 2, "two paused spans");
	is(fmt(sp[0].from), "2026-11-23T15:00:00Z", "sorted by at: the pause first");
	is(fmt(sp[0].to), "2026-11-24T11:00:00Z", "then its resume");
	is(fmt(sp[1].to), "2026-11-25T09:00:00Z", "a pause still on lasts until the end given");

	op_sla_event same[] = { { T("2026-11-23T15:00:00Z"), 1 }, { T("2026-11-23T15:00:00Z"), 0 } };
	n = op_sla_spans(same, 2, T("2026-11-25T09:00:00Z"), sp, &sorted);
	ok(sorted && n == 0, "a pause and a resume at one instant, in that order: nothing paused");
}

static void test_holidays(op_cal *c)
{
	/* Tuesday given twice (a bank holiday in two lists): one day off */
	op_cal_add_holiday(c, op_time_days(T("2026-11-24T00:00:00Z")));
	op_cal_add_holiday(c, op_time_days(T("2026-11-24T00:00:00Z")));
	op_sla_clock k = { .cal = c, .now = T("2026-11-25T12:00:00Z") };
	op_sla_result x = judge(&k, 1, 2, "2026-11-23T10:00:00Z", NULL);
	is(fmt(x.due), "2026-11-25T10:00:00Z", "resolve 1bd over a holiday given twice: Wednesday, not Thursday");
	ok(x.used == 600 && x.state == OP_SLA_BREACHED && x.late == 120,
	   "at Wednesday 12:00: 7 h Monday + 3 h Wednesday used, 2 h late");
}

static void test_dst(const op_tz *ldn)
{
	/* open around the clock; Sunday 29 March 2026 (clocks forward at
	 * 01:00Z) has 23 hours: 00:00Z to 23:00Z.  24bh from Saturday 12:00Z
	 * with that Sunday paused: 12 h on Saturday, 12 h from Monday 00:00
	 * BST (Sunday 23:00Z): Monday 11:00Z, where a 24-hour Sunday would
	 * give 12:00Z */
	op_cal *c = op_cal_new();
	op_cal_set_tz(c, ldn);
	op_cal_add_hours(c, 0x7f, 0, 1440);
	op_sla_span p[] = { { T("2026-03-29T00:00:00Z"), T("2026-03-29T23:00:00Z") } };
	op_sla_clock k = { .cal = c, .pause = p, .npause = 1, .now = T("2026-03-29T23:00:00Z") };
	op_sla_result x = judge(&k, 1440, 1, "2026-03-28T12:00:00Z", NULL);
	is(fmt(x.due), "2026-03-30T11:00:00Z", "24bh over a paused 23-hour Sunday: Monday 11:00Z");
	ok(x.used == 720 && x.remaining == 720, "at Monday 00:00 BST: 12 h used, 12 h left");
	op_cal_free(c);
}

int main(void)
{
	op_err e;
	op_tz *ldn = op_tz_load("Europe/London", &e);
	ok(ldn != NULL, "Europe/London loads");
	if (ldn) {
		op_cal *c = office(ldn);
		test_first(c);
		test_next(c);
		test_warn(c);
		test_pause(c);
		test_spans();
		test_holidays(c);
		op_cal_free(c);
		test_dst(ldn);
	}
	op_tz_free(ldn);
	return done_testing();
}
