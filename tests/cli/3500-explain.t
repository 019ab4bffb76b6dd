#!/bin/sh
# --explain of enq-route, exc-flag and enq-classify: the rule that fired
# (file:line), the values its condition compared and the text each regex
# matched; for enq-route the SLA counted day by day.
. "$(dirname "$0")/../lib.sh"
export OPFLOW_NOW=2026-12-29T12:00:00Z

cat > r.rules <<'R'
timezone UTC
hours mon-fri 09:00-12:30 13:30-17:30
holiday 2026-12-24 2026-12-25
team service owners dave eve assign least-open
route complaint when category == "complaint" && value >= 100 -> service sla 4bh
route quote when email =~ /@(\w+)\.example$/ -> service sla 1bd
route rest -> service sla 2h
R
cat > in.jsonl <<'J'
{"id":"A","received_at":"2026-12-23T17:00:00Z","category":"complaint","value":250}
{"id":"B","received_at":"2026-12-22T10:00:00Z","category":"complaint","value":50,"email":"x@acme.example"}
{"id":"C","received_at":"2026-12-22T10:00:00Z","category":"other"}
J
# by hand: A 4bh from Wednesday 23rd 17:00: 30 minutes that day, the 24th
# and 25th holidays, the weekend closed, 210 on Monday to 12:30.  B is no
# complaint of 100 or more, so only the quote route's match is shown; 1bd
# from Tuesday 10:00: 150 + 240 minutes on Tuesday, 60 on Wednesday.  C:
# the fallback compares nothing, and a wall-clock SLA has no days.
tcase "enq-route --explain: the route, what it compared, the SLA day by day" "enq-route -r r.rules --explain in.jsonl | sed 's/.*\"id\":\"\\([A-Z]\\)\".*\"explain\":/\\1 /'"
expect_rc 0
expect_out <<'E'
A {"rules":[{"at":"r.rules:5","route":"complaint","compared":[{"left":"complaint","op":"==","right":"complaint","holds":true},{"left":250,"op":">=","right":100,"holds":true}]}],"sla":{"start":"2026-12-23T17:00:00Z","due_at":"2026-12-28T12:30:00Z","business":true,"days":[{"date":"2026-12-23","minutes":30},{"date":"2026-12-24","minutes":0,"skipped":"holiday"},{"date":"2026-12-25","minutes":0,"skipped":"holiday"},{"date":"2026-12-26","minutes":0,"skipped":"closed"},{"date":"2026-12-27","minutes":0,"skipped":"closed"},{"date":"2026-12-28","minutes":210}]}}}
B {"rules":[{"at":"r.rules:6","route":"quote","compared":[{"op":"=~","regex":"/@(\\w+)\\.example$/","match":"@acme.example","holds":true}]}],"sla":{"start":"2026-12-22T10:00:00Z","due_at":"2026-12-23T10:00:00Z","business":true,"days":[{"date":"2026-12-22","minutes":390},{"date":"2026-12-23","minutes":60}]}}}
C {"rules":[{"at":"r.rules:7","route":"rest","compared":[]}],"sla":{"start":"2026-12-22T10:00:00Z","due_at":"2026-12-22T12:00:00Z","business":false}}}
E
tcase "without --explain, no explain" "enq-route -r r.rules in.jsonl | grep -c explain"
expect_out <<'E'
0
E

# a business SLA that runs over more than 62 days shows the first 62: one
# minute a Monday, so 1200 minutes end on the 1200th Monday, 1199 weeks
# on (2049-11-29); the 62nd day is a Saturday, 2027-02-06; 8394 days in
# all, 8332 left out
printf 'hours mon 09:00-09:01\nteam t owners x\nroute slow -> t sla 20bh\n' > slow.rules
tcase "enq-route --explain: at most 62 days, and how many were left out" "echo '{\"id\":\"S\",\"received_at\":\"2026-12-07T09:00:00Z\"}' | enq-route -r slow.rules --explain | sed 's/.*\"sla\":{\\(.*\\)\"days\":\\[\\(.*\\)\\]/\\1 \\2/' | tr '{' '\\n' | sed -n '1p;2p;\$p'"
expect_out <<'E'
"start":"2026-12-07T09:00:00Z","due_at":"2049-11-29T09:01:00Z","business":true, 
"date":"2026-12-07","minutes":1},
"date":"2027-02-06","minutes":0,"skipped":"closed"},"days_left_out":8332}}}
E

cat > f.rules <<'R'
flag late high when due_at != null && coalesce(first_response_at, now()) > due_at
flag big medium when value in [250, 500] || category != "complaint"
R
cat > f.jsonl <<'J'
{"id":"A","due_at":"2026-12-28T12:30:00Z","value":250,"category":"complaint"}
{"id":"B","due_at":"2026-12-23T10:00:00Z","first_response_at":"2026-12-23T09:00:00Z","value":50,"category":"complaint"}
{"id":"C","value":7,"category":"other"}
J
# A: late (now() is after due_at) and big (250 in the list, so the ||
# stops there); B: nothing holds, passed as it was; C: big by category
tcase "exc-flag --explain: each flag that fired, with what it compared" "exc-flag -r f.rules --explain f.jsonl | sed 's/\"flags\":.*\"explain\"/\"explain\"/'"
expect_rc 0
expect_out <<'E'
{"id":"A","due_at":"2026-12-28T12:30:00Z","value":250,"category":"complaint","explain":{"rules":[{"at":"f.rules:1","flag":"late","compared":[{"left":"2026-12-28T12:30:00Z","op":"!=","right":null,"holds":true},{"left":"2026-12-29T12:00:00Z","op":">","right":"2026-12-28T12:30:00Z","holds":true}]},{"at":"f.rules:2","flag":"big","compared":[{"left":250,"op":"in","right":[250,500],"holds":true}]}]}}
{"id":"B","due_at":"2026-12-23T10:00:00Z","first_response_at":"2026-12-23T09:00:00Z","value":50,"category":"complaint"}
{"id":"C","value":7,"category":"other","explain":{"rules":[{"at":"f.rules:2","flag":"big","compared":[{"left":7,"op":"in","right":[250,500],"holds":false},{"left":"other","op":"!=","right":"complaint","holds":true}]}]}}
E

cat > c.rules <<'R'
category quote 2 when text =~ /\b(quote|price)\b/i
priority high when channel in ["phone", "chat"]
tag no_ref when subject !~ /ref \d+/
R
tcase "enq-classify --explain: the text each regex matched, and what was compared" "echo '{\"id\":\"1\",\"subject\":\"Price please\",\"body\":\"hello\",\"channel\":\"phone\"}' | enq-classify -r c.rules --no-model --explain | sed 's/.*\"explain\"/\"explain\"/'"
expect_out <<'E'
"explain":{"rules":[{"at":"c.rules:1","category":"quote","score":2,"compared":[{"op":"=~","regex":"/\\b(quote|price)\\b/i","match":"Price","holds":true}]},{"at":"c.rules:2","priority":"high","compared":[{"left":"phone","op":"in","right":["phone","chat"],"holds":true}]},{"at":"c.rules:3","tag":"no_ref","compared":[{"op":"!~","regex":"/ref \\d+/","match":null,"holds":true}]}],"by":"rules","scores":{"quote":2},"models":{"category":"none (--no-model)","priority":"none (--no-model)"}}}
E
# a template's comparisons (task, message) are not the condition's
printf 'team t owners x\nroute a when value > 1 -> t task "big: {value > 100}"\n' > t.rules
printf 'flag f low when value > 1 message "big: {value > 100}"\n' > tf.rules
tcase "a task's or message's comparisons are not in explain" "echo '{\"id\":\"1\",\"value\":250}' | enq-route -r t.rules --explain | sed 's/.*\"explain\"/\"explain\"/'; echo '{\"id\":\"1\",\"value\":250}' | exc-flag -r tf.rules --explain | sed 's/.*\"explain\"/\"explain\"/'"
expect_out <<'E'
"explain":{"rules":[{"at":"t.rules:2","route":"a","compared":[{"left":250,"op":">","right":1,"holds":true}]}]}}
"explain":{"rules":[{"at":"tf.rules:1","flag":"f","compared":[{"left":250,"op":">","right":1,"holds":true}]}]}}
E
# an SLA policy's targets counted: the next reply's four business hours
# from the follow-up at 11:00, one before the pause (12:00, on hold until
# "now", 13:00) and three after: due 16:00; the resolution's eight from
# 10:00: two, the pause, four, and two on Tuesday from 09:00
cat > "$T/sla.rules" <<'R'
timezone Europe/London
hours    mon-fri 09:00-17:00
team     service owners dave eve  assign least-open
sla urgent when priority == "urgent": first 1bh, next 4bh, resolve 1bd \
    pause when status in ["waiting on customer", "on hold"] warn at 75 %
sla normal: first 4bh, resolve 3bd
route all -> service sla 2d
R
tcase "enq-route --explain: an SLA policy's targets, paused spans skipped" \
	"echo '{\"id\":\"U1\",\"priority\":\"urgent\",\"received_at\":\"2026-11-23T10:00:00Z\",\"first_response_at\":\"2026-11-23T10:30:00Z\",\"followups\":1,\"responses\":1,\"last_customer_at\":\"2026-11-23T11:00:00Z\",\"history\":[{\"at\":\"2026-11-23T12:00:00Z\",\"status\":\"on hold\"}]}' | enq-route -r sla.rules --now 2026-11-23T13:00:00Z --explain | sed 's/.*\"sla\":{\"policy/{\"policy/; s/}}}\$/}/' | sed 's/{\"target/\n{\"target/g'"
expect_out <<'E'
{"policy":"urgent","at":"sla.rules:4","targets":[
{"target":"first","duration":"1bh","start":"2026-11-23T10:00:00Z","due_at":"2026-11-23T11:00:00Z","counted":[{"date":"2026-11-23","minutes":60}]},
{"target":"next","duration":"4bh","start":"2026-11-23T11:00:00Z","due_at":"2026-11-23T16:00:00Z","counted":[{"date":"2026-11-23","minutes":60},{"from":"2026-11-23T12:00:00Z","to":"2026-11-23T13:00:00Z","skipped":"paused"},{"date":"2026-11-23","minutes":180}]},
{"target":"resolve","duration":"1bd","start":"2026-11-23T10:00:00Z","due_at":"2026-11-24T11:00:00Z","counted":[{"date":"2026-11-23","minutes":120},{"from":"2026-11-23T12:00:00Z","to":"2026-11-23T13:00:00Z","skipped":"paused"},{"date":"2026-11-23","minutes":240},{"date":"2026-11-24","minutes":120}]}]}
E

# a wait on the customer after the first reply (10:20) does not move that
# target: 1bh from 10:00 is due 11:00, all sixty minutes counted, no pause
tcase "enq-route --explain: a pause after a target was met is not skipped in it" \
	"echo '{\"id\":\"M\",\"priority\":\"urgent\",\"received_at\":\"2026-11-23T10:00:00Z\",\"first_response_at\":\"2026-11-23T10:20:00Z\",\"history\":[{\"at\":\"2026-11-23T10:40:00Z\",\"status\":\"on hold\"},{\"at\":\"2026-11-23T12:00:00Z\",\"status\":\"open\"}]}' | enq-route -r sla.rules --now 2026-11-23T13:00:00Z --explain | jq -c '.explain.sla.targets[0] | [.due_at, .counted]'"
expect_out <<'E'
["2026-11-23T11:00:00Z",[{"date":"2026-11-23","minutes":60}]]
E

# wall time: two hours from 10:00, paused 10:30-11:00: due 12:30
printf 'team t owners a\nsla w: first 2h pause when status in ["on hold"]\nroute all -> t\n' > "$T/w.rules"
tcase "enq-route --explain: a wall-time target in spans, the pause skipped" \
	"echo '{\"id\":\"W\",\"received_at\":\"2026-11-23T10:00:00Z\",\"history\":[{\"at\":\"2026-11-23T10:30:00Z\",\"status\":\"on hold\"},{\"at\":\"2026-11-23T11:00:00Z\",\"status\":\"open\"}]}' | enq-route -r w.rules --now 2026-11-23T13:00:00Z --explain | sed 's/.*\"counted\"://'"
expect_out <<'E'
[{"from":"2026-11-23T10:00:00Z","to":"2026-11-23T10:30:00Z","minutes":30},{"from":"2026-11-23T10:30:00Z","to":"2026-11-23T11:00:00Z","skipped":"paused"},{"from":"2026-11-23T11:00:00Z","to":"2026-11-23T12:30:00Z","minutes":90}]}]}}}
E

# the 62 days are the target's, however many pauses split it: 50bd from
# Monday 23 November 09:00 is the close of Friday 29 January, and the day
# on hold (7 December) moves it a working day on, to Monday 1 February.
# Run 1 lists 23 November to 7 December (15 days), then the pause; run 2
# the remaining 47 days, 8 December to Saturday 23 January, and leaves
# out the 9 to 1 February
printf 'timezone UTC\nhours mon-fri 09:00-17:00\nteam t owners x\nsla long: resolve 50bd pause when status in ["on hold"]\nroute all -> t\n' > long.rules
tcase "enq-route --explain: a policy's target lists 62 days in all, across its pauses" \
	"echo '{\"id\":\"L\",\"received_at\":\"2026-11-23T09:00:00Z\",\"history\":[{\"at\":\"2026-12-07T09:00:00Z\",\"status\":\"on hold\"},{\"at\":\"2026-12-08T09:00:00Z\",\"status\":\"open\"}]}' | enq-route -r long.rules --explain --now 2026-12-10T00:00:00Z | jq -c '.explain.sla.targets[0] | [.due_at, (.counted | map(select(.date)) | length), .counted[15], .counted[-2], .counted[-1]]'"
expect_out <<'E'
["2027-02-01T17:00:00Z",62,{"from":"2026-12-07T09:00:00Z","to":"2026-12-08T09:00:00Z","skipped":"paused"},{"date":"2027-01-23","minutes":0,"skipped":"closed"},{"days_left_out":9}]
E

done_testing
