#!/bin/sh
# 4100-business-time: business time in the whole language - --calendar
# FILE for every program that evaluates rules, bhours() and bdays(),
# `a + 4bh` outside enq-route, the built-in calendar with the built-in
# rules, and business time without a calendar refused at load time (78,
# file:line).  Every business time below is worked out by hand.
. "$(dirname "$0")/../lib.sh"
D=$DATA/calendar
export OPFLOW_NOW=2026-12-31T00:00:00Z
MSGS="jq -r '.id + \" \" + .flags[0].message'"	# each record's id and flag message

# office.conf: Monday to Friday 09:00-17:00 London (GMT in Nov/Dec), closed
# 25 December and (its holidays file) 28 December.
# A: Friday 16:00 to Monday 10:00: 1 h + 1 h = 2 bh, 1/8 + 1/8 = 0.25 bd;
#    + 4bh: 1 h on Friday, 3 on Monday: Monday 12:00.
# B: Thursday 24 December 15:00 to Tuesday 29th 11:00: 2 h + 2 h over the
#    holiday Friday, the weekend and the holiday Monday: 4 bh, 0.5 bd.
# C: no first response: null, which a template writes as nothing.
# D: answered before it came (b < a): -2 bh, -0.25 bd.
# E: Saturday, the same instant: 0; + 4bh from Monday's opening: 13:00.
tcase "exc-flag --calendar: bhours, bdays and + 4bh" \
	"exc-flag -r $D/flag.rules --calendar $D/office.conf $D/enq.jsonl | $MSGS"
expect_rc 0
expect_out <<'E'
A 2 bh 0.25 bd, 4bh: 2026-11-23T12:00:00Z
B 4 bh 0.5 bd, 4bh: 2026-12-29T11:00:00Z
C  bh  bd, 4bh: 2026-11-24T14:00:00Z
D -2 bh -0.25 bd, 4bh: 2026-11-24T16:00:00Z
E 0 bh 0 bd, 4bh: 2026-11-23T13:00:00Z
E
expect_err </dev/null

# November: A 2, D -2, E 0 (C null, not counted): median 0, sum of bdays
# 0.25 - 0.25 + 0 = 0; December: B alone.
tcase "kpi-rollup --calendar: first response in business hours" \
	"kpi-rollup -k $D/kpis.conf --calendar $D/office.conf -o table $D/enq.jsonl"
expect_rc 0
expect_out <<'E'
period   n  resp_bh  total_bd
-------  -  -------  --------
2026-11  4        0         0
2026-12  1        4       0.5
E

tcase "--partial with the calendar, --merge without: the same rows" \
	"kpi-rollup -k $D/kpis.conf --calendar $D/office.conf --partial $D/enq.jsonl | kpi-rollup -k $D/kpis.conf --merge -o table"
expect_rc 0
expect_out <<'E'
period   n  resp_bh  total_bd
-------  -  -------  --------
2026-11  4        0         0
2026-12  1        4       0.5
E

# A calendar with no timezone is in --tz's zone: Friday 16:00Z is 11:00 in
# New York, so 6 bh that Friday (0.75 of 8) and Monday 10:00Z is before
# 09:00 there; + 4bh is Friday 15:00 EST.
tcase "a calendar without a timezone: --tz" \
	"exc-flag -r $D/flag.rules --calendar $D/utc.conf --tz America/New_York $D/enq.jsonl | $MSGS | head -1"
expect_out <<'E'
A 6 bh 0.75 bd, 4bh: 2026-11-20T20:00:00Z
E

# The built-in calendar: Monday to Friday 08:30-17:30, Saturday
# 09:00-12:30, London, England's bank holidays.  A: 1.5 + 3.5 (Saturday) +
# 1.5 = 6.5 bh; B: 2.5 (Thursday) + 3.5 (Saturday 26th) + 2.5 (Tuesday) =
# 8.5 bh, 2.5/9 + 1 + 2.5/9 bd.
tcase "--calendar builtin" \
	"exc-flag -r $D/flag.rules --calendar builtin $D/enq.jsonl | $MSGS | head -2"
expect_out <<'E'
A 6.5 bh 1.3333333333333335 bd, 4bh: 2026-11-21T11:30:00Z
B 8.5 bh 1.5555555555555554 bd, 4bh: 2026-12-26T10:30:00Z
E
tcase "the built-in KPIs count business hours in the built-in calendar" \
	"kpi-rollup -o table $D/enq.jsonl"
expect_rc 0
expect_out <<'E'
period   category  enquiries  median_resp_h  p90_resp_h  median_resp_bh  sla_breaches  conversion  first_reply_met  resolved_in_time  sla_at_risk
-------  --------  ---------  -------------  ----------  --------------  ------------  ----------  ---------------  ----------------  -----------
2026-11                    4              0        52.8               0             0           0                                               0
2026-12                    1            116         116             8.5             0           0                                               0
E

# Without a calendar, business time in rules of one's own is refused
# before any record is read, naming where it is.
tcase "kpi-rollup: bhours() without a calendar: 78 at load" "kpi-rollup -k $D/kpis.conf $D/enq.jsonl"
expect_rc 78
expect_out </dev/null
expect_err <<E
kpi-rollup: $D/kpis.conf:3: business time (bhours()) needs a calendar: --calendar FILE, or --calendar builtin
E
tcase "kpi-rollup -e: the same" "kpi-rollup -e 'kpi x = max(bdays(received_at, first_response_at))' $D/enq.jsonl"
expect_rc 78
expect_err <<'E'
kpi-rollup: -e:1: business time (bdays()) needs a calendar: --calendar FILE, or --calendar builtin
E
tcase "exc-flag: a + 4bh without a calendar: 78 at load, its line" "exc-flag -r $D/duration.rules $D/enq.jsonl"
expect_rc 78
expect_out </dev/null
expect_err <<E
exc-flag: $D/duration.rules:2: business time (4bh) needs a calendar: --calendar FILE, or --calendar builtin
E
tcase "enq-classify: the same" "enq-classify -r $D/classify.rules $D/enq.jsonl"
expect_rc 78
expect_err <<E
enq-classify: $D/classify.rules:1: business time (bdays()) needs a calendar: --calendar FILE, or --calendar builtin
E
tcase "enq-classify --calendar: the rule counts working days" \
	"enq-classify -r $D/classify.rules --calendar builtin $D/enq.jsonl | jq -r '.id + \" \" + .category'"
expect_rc 0
expect_out <<'E'
A slow
B slow
C other
D other
E other
E

# Per-team hours: teams.conf opens the emergency team round the clock
# (`hours team emergency`), with the calendar's holidays.  A: Friday 16:00
# to Monday 10:00 is 66 h, 8/24 + 1 + 1 + 10/24 = 2.75 days; B, of the
# office, is A of office.conf; C: 2 h on the 24th, none on Christmas Day,
# 1 h on the 26th; + 4bh goes on to 02:00.
tcase "hours team NAME: the record's team's hours" \
	"exc-flag -r $D/flag.rules --calendar $D/teams.conf $D/teams.jsonl | $MSGS"
expect_rc 0
expect_out <<'E'
A 66 bh 2.75 bd, 4bh: 2026-11-20T20:00:00Z
B 2 bh 0.25 bd, 4bh: 2026-11-23T12:00:00Z
C 3 bh 0.125 bd, 4bh: 2026-12-26T02:00:00Z
E
tcase "enq-route: a team's SLA in its hours from the calendar file" \
	"printf '%s\n' '{\"id\":\"U\",\"priority\":\"urgent\",\"received_at\":\"2026-11-20T16:00:00Z\"}' '{\"id\":\"N\",\"received_at\":\"2026-11-20T16:00:00Z\"}' | enq-route -r $D/route-team.rules --calendar $D/teams.conf | jq -r '.id + \" \" + .team + \" \" + .due_at'"
expect_rc 0
expect_out <<'E'
U emergency 2026-11-20T20:00:00Z
N office 2026-11-23T12:00:00Z
E

# Bad calendar files: 78 with the file and line, 66 when there is none.
tcase "a bad calendar file: 78, file:line:col" "exc-flag -r $D/flag.rules --calendar $D/bad.conf $D/enq.jsonl"
expect_rc 78
expect_out </dev/null
expect_err <<E
exc-flag: $D/bad.conf:3:15: '09:00-17:60' is not opening hours (HH:MM-HH:MM, 09:00-17:30)
E
tcase "a calendar without hours: 78" "kpi-rollup -k $D/kpis.conf --calendar $D/nohours.conf $D/enq.jsonl"
expect_rc 78
expect_err <<E
kpi-rollup: $D/nohours.conf: no \`hours\` statement (a calendar needs working hours)
E
tcase "a route statement in a calendar file" "exc-flag -r $D/flag.rules --calendar $D/team.conf $D/enq.jsonl"
expect_rc 78
expect_err <<E
exc-flag: $D/team.conf:2:1: 'team' is a statement of enq-route, not of exc-flag (which reads: timezone, hours, holiday, holidays)
E
tcase "a calendar statement in alerts: named as such" "exc-flag -r $D/hours.rules $D/enq.jsonl"
expect_rc 78
expect_err <<E
exc-flag: $D/hours.rules:2:1: 'hours' is a statement of a calendar file (--calendar) and enq-route, not of exc-flag (which reads: flag)
E
tcase "no such calendar file: 66" "exc-flag -r $D/flag.rules --calendar $D/nope.conf $D/enq.jsonl"
expect_rc 66
expect_err <<E
exc-flag: $D/nope.conf: No such file or directory
E
tcase "--calendar is an option of the programs that evaluate rules only" \
	"exc-flag --help | grep -c -- --calendar; enq-parse --calendar x /dev/null"
expect_rc 64
expect_out <<'E'
1
E

# enq-route: --calendar under rules without hours; the rules' `hours`
# replace the calendar's, their `holiday` adds to its holidays.
# F: Thursday 24 December 22:00 + 4bh round the clock: 2 h, the 25th
# (office.conf's holiday) skipped, 2 h on the 26th.  E: Saturday 21
# November is the rules' holiday: Sunday 04:00.
tcase "enq-route --calendar: the SLA in the calendar's hours" \
	"enq-route -r $D/route.rules --calendar $D/office.conf $D/enq.jsonl | jq -r '.id + \" \" + .due_at'"
expect_rc 0
expect_out <<'E'
A 2026-11-23T12:00:00Z
B 2026-12-29T11:00:00Z
C 2026-11-24T14:00:00Z
D 2026-11-24T16:00:00Z
E 2026-11-23T13:00:00Z
E
tcase "enq-route: the rules' hours over --calendar's, holidays of both" \
	"{ cat $D/enq.jsonl; echo '{\"id\":\"F\",\"received_at\":\"2026-12-24T22:00:00Z\"}'; } | enq-route -r $D/route-own.rules --calendar $D/office.conf | jq -r '.id + \" \" + .due_at'"
expect_rc 0
expect_out <<'E'
A 2026-11-20T20:00:00Z
B 2026-12-24T19:00:00Z
C 2026-11-24T14:00:00Z
D 2026-11-24T16:00:00Z
E 2026-11-22T04:00:00Z
F 2026-12-26T02:00:00Z
E
tcase "enq-route: rules of one's own without hours or --calendar: 78" "enq-route -r $D/route.rules $D/enq.jsonl"
expect_rc 78
expect_err <<E
enq-route: $D/route.rules:3: route all: a business-time sla needs working hours (an \`hours\` statement, or --calendar FILE)
E

done_testing
