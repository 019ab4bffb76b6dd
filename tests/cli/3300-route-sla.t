#!/bin/sh
# enq-route's SLA policies (enq-route(1) SLA POLICIES): first reply, next
# reply and resolution targets, the clock paused on the customer, the
# warning share, and bad input.  The office is open mon-fri 09:00-17:00
# London time (GMT in November); "now" is Monday 23 November 2026 13:00.
# Every value below is worked out by hand in the comment above its case.
. "$(dirname "$0")/../lib.sh"
D=$DATA/sla
export OPFLOW_NOW=2026-11-23T13:00:00Z
Q="jq -c '{id, sla, due_at, s: .sla_status}'"

# U1 10:00, answered 10:30, the customer wrote again at 11:00:
#   first 1bh due 11:00, met, 30 used / 30 left;
#   next 4bh from 11:00 due 15:00, open, 120 used (11-13) / 120 left;
#   resolve 1bd due Tuesday 10:00, open, 180 used / 300 left (of 8 h).
# U2 09:00, follow-up at 09:20 BEFORE the first reply at 10:15, resolved 12:00:
#   first due 10:00, breached by 15, 75 used;
#   next from 09:20 due 13:20, met by the first reply: 55 used / 185 left;
#   resolve 1bd from an opening is that day's close, 17:00: met, 180 / 300.
# U3 answered 10:10 before a follow-up at 11:00, and two replies in all:
#   the second reply is counted but not dated, so next is unknown.
# U4 12:10, unanswered: first due 13:10, 50 of 60 used > 75 %: at risk;
#   resolve due Tuesday 12:10, 50 of 480 used: not.
# U5 history out of order (sorted: new 09:00, Waiting on customer 10:00,
#   open 12:00; statuses match in any case): 2 h paused.  resolve: 1 h ran
#   before the pause, 7 h left from 12:00: 5 h Monday, 2 h Tuesday: due
#   Tuesday 11:00, 120 used (09-10, 12-13) / 360 left.
# U6 no history, status "on hold": paused since the first reply (11:00)
#   until now: first due 10:00, breached by 60 (the pause came after it);
#   resolve: 2 h ran, 6 h left from 13:00: Tuesday 11:00, 120 / 360.
# S1 the standard policy (no pause): first 4h of wall time due 14:00,
#   180 used / 60 left; resolve 3bd due Thursday 10:00, 180 of 1440.
tcase "policies: every target, pauses, the warning share" "enq-route -r $D/sla.rules $D/enq.jsonl | $Q"
expect_rc 0
expect_out <<'E'
{"id":"U1","sla":60,"due_at":"2026-11-23T11:00:00Z","s":{"policy":"urgent","first":{"due_at":"2026-11-23T11:00:00Z","state":"met","used_min":30,"remaining_min":30,"breached_by_min":0,"at_risk":false},"next":{"due_at":"2026-11-23T15:00:00Z","state":"open","used_min":120,"remaining_min":120,"breached_by_min":0,"at_risk":false},"resolve":{"due_at":"2026-11-24T10:00:00Z","state":"open","used_min":180,"remaining_min":300,"breached_by_min":0,"at_risk":false}}}
{"id":"U2","sla":60,"due_at":"2026-11-23T10:00:00Z","s":{"policy":"urgent","first":{"due_at":"2026-11-23T10:00:00Z","state":"breached","used_min":75,"remaining_min":0,"breached_by_min":15,"at_risk":false},"next":{"due_at":"2026-11-23T13:20:00Z","state":"met","used_min":55,"remaining_min":185,"breached_by_min":0,"at_risk":false},"resolve":{"due_at":"2026-11-23T17:00:00Z","state":"met","used_min":180,"remaining_min":300,"breached_by_min":0,"at_risk":false}}}
{"id":"U3","sla":60,"due_at":"2026-11-23T11:00:00Z","s":{"policy":"urgent","first":{"due_at":"2026-11-23T11:00:00Z","state":"met","used_min":10,"remaining_min":50,"breached_by_min":0,"at_risk":false},"next":{"due_at":"2026-11-23T15:00:00Z","state":"unknown","used_min":null,"remaining_min":null,"breached_by_min":null,"at_risk":false},"resolve":{"due_at":"2026-11-24T10:00:00Z","state":"open","used_min":180,"remaining_min":300,"breached_by_min":0,"at_risk":false}}}
{"id":"U4","sla":60,"due_at":"2026-11-23T13:10:00Z","s":{"policy":"urgent","first":{"due_at":"2026-11-23T13:10:00Z","state":"open","used_min":50,"remaining_min":10,"breached_by_min":0,"at_risk":true},"next":null,"resolve":{"due_at":"2026-11-24T12:10:00Z","state":"open","used_min":50,"remaining_min":430,"breached_by_min":0,"at_risk":false}}}
{"id":"U5","sla":60,"due_at":"2026-11-23T10:00:00Z","s":{"policy":"urgent","first":{"due_at":"2026-11-23T10:00:00Z","state":"met","used_min":30,"remaining_min":30,"breached_by_min":0,"at_risk":false},"next":null,"resolve":{"due_at":"2026-11-24T11:00:00Z","state":"open","used_min":120,"remaining_min":360,"breached_by_min":0,"at_risk":false}}}
{"id":"U6","sla":60,"due_at":"2026-11-23T10:00:00Z","s":{"policy":"urgent","first":{"due_at":"2026-11-23T10:00:00Z","state":"breached","used_min":120,"remaining_min":0,"breached_by_min":60,"at_risk":false},"next":null,"resolve":{"due_at":"2026-11-24T11:00:00Z","state":"open","used_min":120,"remaining_min":360,"breached_by_min":0,"at_risk":false}}}
{"id":"S1","sla":240,"due_at":"2026-11-23T14:00:00Z","s":{"policy":"standard","first":{"due_at":"2026-11-23T14:00:00Z","state":"open","used_min":180,"remaining_min":60,"breached_by_min":0,"at_risk":false},"next":null,"resolve":{"due_at":"2026-11-26T10:00:00Z","state":"open","used_min":180,"remaining_min":1260,"breached_by_min":0,"at_risk":false}}}
E
expect_err <<EOF
enq-route: $D/enq.jsonl:5: history not in time order; sorted by at
EOF

tcase "sla_status follows due_at; the route's own sla gives way" "head -1 $D/enq.jsonl | enq-route -r $D/sla.rules"
expect_out <<'E'
{"id":"U1","priority":"urgent","received_at":"2026-11-23T10:00:00Z","first_response_at":"2026-11-23T10:30:00Z","followups":1,"last_customer_at":"2026-11-23T11:00:00Z","responses":1,"team":"service","owner":"ann","route":"all","sla":60,"due_at":"2026-11-23T11:00:00Z","sla_status":{"policy":"urgent","first":{"due_at":"2026-11-23T11:00:00Z","state":"met","used_min":30,"remaining_min":30,"breached_by_min":0,"at_risk":false},"next":{"due_at":"2026-11-23T15:00:00Z","state":"open","used_min":120,"remaining_min":120,"breached_by_min":0,"at_risk":false},"resolve":{"due_at":"2026-11-24T10:00:00Z","state":"open","used_min":180,"remaining_min":300,"breached_by_min":0,"at_risk":false}},"needs_human":false}
E

# ---- a status history longer than 10,000 entries: the rest ignored ----
# 9,999 "new" entries at 08:00 and "on hold" at 10:00 (10,000 in all):
# paused 10:00 to now, so resolve 1bd from 09:00 ran 1 h and has 7 h left
# from 13:00: 4 h Monday, 3 h Tuesday: due Tuesday 12:00, 60 used.  With
# 10,000 "new" entries first, "on hold" is the 10,001st and is ignored:
# due Monday 17:00, 240 used.
cat > big.sh <<'S'
awk -v n="$1" 'BEGIN {
	printf "{\"id\":\"B%d\",\"priority\":\"urgent\",\"received_at\":\"2026-11-23T09:00:00Z\",\"first_response_at\":\"2026-11-23T09:30:00Z\",\"history\":[", n
	for (i = 0; i < n; i++) printf "{\"at\":\"2026-11-23T08:00:00Z\",\"status\":\"new\"},"
	print "{\"at\":\"2026-11-23T10:00:00Z\",\"status\":\"on hold\"}]}"
}'
S
tcase "history: 10,000 entries are read" "sh big.sh 9999 | enq-route -r $D/sla.rules | jq -c '.sla_status.resolve'"
expect_rc 0
expect_out <<'E'
{"due_at":"2026-11-24T12:00:00Z","state":"open","used_min":60,"remaining_min":420,"breached_by_min":0,"at_risk":false}
E
expect_err </dev/null
tcase "history: the 10,001st and later are ignored, with a warning" "sh big.sh 10000 | enq-route -r $D/sla.rules | jq -c '.sla_status.resolve'"
expect_rc 0
expect_out <<'E'
{"due_at":"2026-11-23T17:00:00Z","state":"open","used_min":240,"remaining_min":240,"breached_by_min":0,"at_risk":false}
E
expect_err <<'E'
enq-route: <stdin>:1: history: more than 10000 entries; the rest ignored
E

# ---- bad records: named, kept aside, the rest flows ----
# X4 (standard): first 4h of wall time from 12:00 is 16:00, 60 used;
# resolved 12:30, resolve 3bd due Thursday 12:00: met, 30 of 1440 used.
# X5: absurd counts are only compared: more than one response, so next
# (from 10:00, due 14:00) is unknown; resolve 1bd from an opening: 17:00.
cat > bad.jsonl <<'J'
{"id":"X1","priority":"urgent","received_at":"2026-11-23T09:00:00Z","history":{"at":"2026-11-23T10:00:00Z"}}
{"id":"X2","priority":"urgent","received_at":"2026-11-23T09:00:00Z","history":[{"at":"2026-11-23T10:00:00Z","status":"open"},{"at":"yesterday","status":"on hold"}]}
{"id":"X3","priority":"urgent","received_at":"2026-11-23T09:00:00Z","first_response_at":"soon"}
{"id":"X4","priority":"normal","received_at":"2026-11-23T12:00:00Z","resolved_at":"2026-11-23T12:30:00Z"}
{"id":"X5","priority":"urgent","received_at":"2026-11-23T09:00:00Z","first_response_at":"2026-11-23T09:30:00Z","followups":1e300,"last_customer_at":"2026-11-23T10:00:00Z","responses":1e300}
J
tcase "bad histories and times are rejected" "enq-route -r $D/sla.rules --rejects rej bad.jsonl >o; rc=\$?; $Q o; exit \$rc"
expect_rc 65
expect_out <<'E'
{"id":"X4","sla":240,"due_at":"2026-11-23T16:00:00Z","s":{"policy":"standard","first":{"due_at":"2026-11-23T16:00:00Z","state":"open","used_min":60,"remaining_min":180,"breached_by_min":0,"at_risk":false},"next":null,"resolve":{"due_at":"2026-11-26T12:00:00Z","state":"met","used_min":30,"remaining_min":1410,"breached_by_min":0,"at_risk":false}}}
{"id":"X5","sla":60,"due_at":"2026-11-23T10:00:00Z","s":{"policy":"urgent","first":{"due_at":"2026-11-23T10:00:00Z","state":"met","used_min":30,"remaining_min":30,"breached_by_min":0,"at_risk":false},"next":{"due_at":"2026-11-23T14:00:00Z","state":"unknown","used_min":null,"remaining_min":null,"breached_by_min":null,"at_risk":false},"resolve":{"due_at":"2026-11-23T17:00:00Z","state":"open","used_min":240,"remaining_min":240,"breached_by_min":0,"at_risk":false}}}
E
expect_err <<'E'
enq-route: bad.jsonl:1: history: an array of {"at": TIME, "status": STRING} expected
enq-route: bad.jsonl:2: history[1]: {"at": TIME, "status": STRING} expected
enq-route: bad.jsonl:3: first_response_at: "soon" is not an RFC 3339 time
E
tcase "the rejects are the bad lines" "enq-route -r $D/sla.rules --rejects rej bad.jsonl >/dev/null 2>&1; head -3 bad.jsonl | cmp - rej && echo same"
expect_out <<'E'
same
E

# ---- a DST change inside a paused span, holidays given twice ----
# Open around the clock; Sunday 29 March 2026 has 23 hours (00:00Z to
# 23:00Z); 31 March is a holiday, in the rules and again in hol.txt.
# D1 from Saturday 12:00Z, on hold all Sunday: 12 h Saturday, then 12 h
# from Monday 00:00 BST (Sunday 23:00Z): due Monday 11:00Z (a 24-hour
# Sunday would give 12:00Z).  At Thursday 00:00Z (now) it has used 12 h
# + Monday 24 h + Wednesday 24 h + Thursday's first hour (Wednesday
# 23:00Z-00:00Z) = 61 h = 3660 minutes, and is 2 days 13 h late.
# D2 from Monday 12:00Z: 11 h Monday, Tuesday off once, 13 h Wednesday:
# due Wednesday 12:00Z; 11 + 24 + 1 = 36 h used, 12 h late.
tcase "DST inside a pause, a holiday given twice" \
	"printf '%s\\n' '{\"id\":\"D1\",\"received_at\":\"2026-03-28T12:00:00Z\",\"history\":[{\"at\":\"2026-03-29T00:00:00Z\",\"status\":\"on hold\"},{\"at\":\"2026-03-29T23:00:00Z\",\"status\":\"open\"}]}' '{\"id\":\"D2\",\"received_at\":\"2026-03-30T12:00:00Z\"}' |
	enq-route -r $D/dst.rules --now 2026-04-02T00:00:00Z | jq -c '[.id, .sla_status.first]'"
expect_rc 0
expect_out <<'E'
["D1",{"due_at":"2026-03-30T11:00:00Z","state":"breached","used_min":3660,"remaining_min":0,"breached_by_min":3660,"at_risk":false}]
["D2",{"due_at":"2026-04-01T12:00:00Z","state":"breached","used_min":2160,"remaining_min":0,"breached_by_min":720,"at_risk":false}]
E

# ---- bad policies: 78 at load, file:line ----
cat > c.rules <<'R'
hours mon-fri 09:00-17:00
sla x: first 4bh, resolve 1bh
sla y: first 1h
sla z when priority == "high": first 2h
team t owners a
route r -> t
R
tcase "resolve before first reply; a policy after the fallback" "enq-route -r c.rules </dev/null"
expect_rc 78
expect_err <<'E'
enq-route: c.rules:2: sla x: resolve 1bh comes before first reply 4bh
enq-route: c.rules:3: sla y can never match: sla x above has no condition
enq-route: c.rules:4: sla z can never match: sla x above has no condition
E
printf 'team t owners a\nroute r -> t\nsla x: first 1bh\n' > nohours.rules
tcase "a business target needs hours" "enq-route -r nohours.rules </dev/null"
expect_rc 78
expect_err <<'E'
enq-route: nohours.rules:3: sla x: a business-time target needs working hours (an `hours` statement, or --calendar FILE)
E
printf 'sla x: first soon\nsla y: first 1h, first 2h\nsla w: first 1h warn at 100 %%\nsla v: first 90s\nsla u: first 1h pause when status in []\nsla t first 1h\nsla s: first 1h warn at 1e300 %%\nsla r: first 1h warn at 50 %% warn at 60 %%\nsla q: first 1h pause when status in ["a"] pause when status in ["b"]\n' > syntax.rules
tcase "syntax errors name the column" "enq-route -r syntax.rules </dev/null"
expect_rc 78
expect_err <<'E'
enq-route: syntax.rules:1:14: first: a duration expected (30m 4h 2d, business 4bh 2bd)
enq-route: syntax.rules:2:18: sla y: first given twice
enq-route: syntax.rules:3:25: warn at: a whole percentage from 1 to 99 expected
enq-route: syntax.rules:4:14: first: whole minutes or more expected
enq-route: syntax.rules:5:39: 'a status ("waiting on customer")' expected, found ']'
enq-route: syntax.rules:6:7: ':' expected, found 'first'
enq-route: syntax.rules:7:25: warn at: a whole percentage from 1 to 99 expected
enq-route: syntax.rules:8:30: sla r: warn given twice
enq-route: syntax.rules:9:44: sla q: pause given twice
E

done_testing
