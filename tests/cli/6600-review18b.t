#!/bin/sh
# Last review of issue 18 (a report and alerts a manager can trust), as
# the business owner and the sysadmin of the cron job: the defects found,
# one case each, named after the defect.
. "$(dirname "$0")/../lib.sh"

# ---- exc-flag --state: a time later than now ----
# A test run with OPFLOW_NOW in 2030 wrote its time into the state; a
# real run believed it and kept the alert quiet until 2030 (renotify
# counted from then), with a since in the future.  A time later than now
# is warned of once, with its line, and taken as now: the alert is told
# again, and the state gets this run's time
cat > "$T/f.rules" <<'R'
flag late high when late == true message "{id} late" renotify 24h
flag big low when value > 100 for 2
R
printf '%s\n' '{"id":"E1","late":true,"value":1}' '{"id":"E2","value":200}' > "$T/f.jsonl"
told="jq -r '[.id, (.flags[]? | .name, .status, .since)] | @tsv'"
tcase "state time later than now: a test run dated 2030" \
	"exc-flag -r f.rules --state fst --only --now 2030-01-01T00:00:00Z f.jsonl | $told"
expect_rc 0
expect_out <<'E'
E1	late	new	2030-01-01T00:00:00Z
E
tcase "state time later than now kept the alert quiet until then" \
	"exc-flag -r f.rules --state fst --only --now 2026-11-02T08:00:00Z f.jsonl | $told"
expect_rc 0
expect_out <<'E'
E1	late	ongoing	2026-11-02T08:00:00Z
E2	big	new	2026-11-02T08:00:00Z
E
expect_err <<'E'
exc-flag: fst:2: a time later than now (2026-11-02T08:00:00Z), from a run with a wrong clock: taken as now, the alert told again
exc-flag: fst:3: a time later than now (2026-11-02T08:00:00Z), from a run with a wrong clock: taken as now
E
tcase "state time later than now: warned once, renotify counts from now" \
	"exc-flag -r f.rules --state fst --only --now 2026-11-02T09:00:00Z f.jsonl | $told; cat fst"
expect_rc 0
expect_out <<'E'
opflow-state exc-flag 1
a late {"id":"E1"} 1 firing 2026-11-02T08:00:00Z 2026-11-02T08:00:00Z
a big {"id":"E2"} 2 firing 2026-11-02T08:00:00Z 2026-11-02T08:00:00Z
end 2
E
expect_err </dev/null
tcase "state time later than now: two hosts' clocks minutes apart are believed" \
	"exc-flag -r f.rules --state fst --only --now 2026-11-02T07:58:00Z f.jsonl"
expect_rc 0
expect_out </dev/null
expect_err </dev/null

# ---- the summary: a small base of the period before ----
# "service: Enquiries 5 on 4 enquiries" and "Median first response
# 17.6 h on 4 enquiries": the base was the period before's (4), the
# value stood on 5; the base goes with the value before
printf 'by month(received_at), team\nkpi enquiries = count()\nkpi resp = median(hours(received_at, first_response_at)) unit h\n' > "$T/b.conf"
for i in 1 2 3 4 5 6 7 8 9; do
	m=10; [ $i -le 4 ] && m=09
	echo "{\"id\":\"b$i\",\"received_at\":\"2026-$m-0${i}T09:00:00Z\",\"first_response_at\":\"2026-$m-0${i}T1${i}:00:00Z\",\"team\":\"web\"}"
done > "$T/b.jsonl"
tcase "small base of the period before told as the value's" \
	"kpi-rollup -k b.conf --compare previous b.jsonl | kpi-report | grep '^- Too few'"
expect_rc 0
expect_out <<'E'
- Too few enquiries to compare: web: enquiries 5 (4 on 4 enquiries before); web: resp 8.0 h (3.5 h on 4 enquiries before).
E

# ---- monthly-report: a time zone that is none ----
# TZ_NAME=Europe/Lundon: date(1) took it for UTC to pick the month, and
# the run failed in enq-parse with a usage error (64) naming its --tz,
# not monthly.conf; a mistake of the config is said as one, 78
tcase "TZ_NAME typo failed as enq-parse usage error" \
	"mkdir cfg && cp $TESTS/../share/examples/monthly.conf cfg/ && sed -i 's#^TZ_NAME=.*#TZ_NAME=Europe/Lundon#' cfg/monthly.conf && OPFLOW_NOW=2026-11-01T00:30:00Z $TESTS/../scripts/monthly-report cfg out; echo \$?; ls -A out"
expect_out <<'E'
78
E
expect_err <<'E'
monthly-report: monthly.conf: TZ_NAME: 'Europe/Lundon' is not a time zone
E

# ---- exc-flag --prom: a rule name given twice ----
# a name given twice on purpose (lint's duplicate, silenced) wrote the
# series twice: the textfile collector refuses such a file, and with it
# every opflow metric
printf 'flag a high when x == 1\nflag a high when x == 2\nflag a low when x == 1\n' > "$T/d.rules"
tcase "prom series written twice for a name given twice" \
	"printf '%s\n' '{\"id\":\"1\",\"x\":1}' '{\"id\":\"2\",\"x\":2}' | exc-flag -r d.rules --prom d.prom >/dev/null && cat d.prom"
expect_rc 0
expect_out <<'E'
# HELP opflow_flags Records a flag rule held for in the last run of exc-flag.
# TYPE opflow_flags gauge
opflow_flags{rule="a",severity="high",title="a"} 2
opflow_flags{rule="a",severity="low",title="a"} 1
E

done_testing
