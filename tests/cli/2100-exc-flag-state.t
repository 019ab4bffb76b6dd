#!/bin/sh
# exc-flag across cron runs (issue 18): titles, --state (new, ongoing,
# resolved; renotify, for; records and KPI rows), --nagios, --prom.
. "$(dirname "$0")/../lib.sh"

# what a run told: id or group (and period), then name status since of
# each flag
cat > told.sh <<'S'
jq -r '[(.id // .category), (.period // empty), (.flags[]? | .name, .status, .since)] | @tsv'
S

# ---- title ----
cat > t.rules <<'R'
flag late high title "Reply \"late\"" when late owner service message "{id} late"
flag big low when value > 100 title "Big order"
flag plain medium when value == 1
R
tcase "title before or after when; the name without one" "echo '{\"id\":\"E1\",\"late\":true,\"value\":1}' | exc-flag -r t.rules"
expect_out <<'E'
{"id":"E1","late":true,"value":1,"flags":[{"name":"late","severity":"high","title":"Reply \"late\"","about":"late","message":"E1 late","owner":"service"},{"name":"plain","severity":"medium","title":"plain","about":"value","message":null,"owner":null}]}
E
tcase "title after when" "echo '{\"id\":\"E2\",\"value\":200}' | exc-flag -r t.rules | jq -c '.flags[].title'"
expect_out <<'E'
"Big order"
E
tcase "a title twice" "echo 'flag x low title \"a\" when true title \"b\"' > tt.rules; echo '{}' | exc-flag -r tt.rules"
expect_rc 78
expect_err <<'E'
exc-flag: tt.rules:1:32: unexpected 'title' at the end of the statement (flag NAME SEVERITY [title "TEXT"] when EXPR [owner NAME] [message "TEXT {field}"] [renotify DURATION] [for N])
E

# ---- --state, record-level: three cron runs ----
cat > r.rules <<'R'
flag late high when late == true owner service message "{id} late"
flag big low title "Big order" when value > 100 for 2
flag again medium when again == true renotify 24h
R
cat > run1.jsonl <<'J'
{"id":"E1","late":true,"value":1}
{"id":"E2","late":false,"value":200}
{"id":"E3","again":true}
J
tcase "run 1: new alerts told, a rule with for 2 waits" "exc-flag -r r.rules --state st --only --now 2026-11-02T08:00:00Z run1.jsonl"
expect_rc 0
expect_out <<'E'
{"id":"E1","late":true,"value":1,"flags":[{"name":"late","severity":"high","title":"late","about":"late","message":"E1 late","owner":"service","status":"new","since":"2026-11-02T08:00:00Z"}]}
{"id":"E3","again":true,"flags":[{"name":"again","severity":"medium","title":"again","about":"again","message":null,"owner":null,"status":"new","since":"2026-11-02T08:00:00Z"}]}
E
tcase "the state file" "cat st"
expect_out <<'E'
opflow-state exc-flag 1
a late {"id":"E1"} 1 firing 2026-11-02T08:00:00Z 2026-11-02T08:00:00Z
a big {"id":"E2"} 1 pending 2026-11-02T08:00:00Z -
a again {"id":"E3"} 1 firing 2026-11-02T08:00:00Z 2026-11-02T08:00:00Z
end 3
E
tcase "run 2: ongoing alerts not told again; for 2 reached: new since run 1" "exc-flag -r r.rules --state st --only --now 2026-11-02T09:00:00Z run1.jsonl | sh told.sh"
expect_out <<'E'
E2	big	new	2026-11-02T08:00:00Z
E
tcase "--all-status shows the ongoing ones" "cp st st2; exc-flag -r r.rules --state st2 --all-status --only --now 2026-11-02T10:00:00Z run1.jsonl | sh told.sh"
expect_out <<'E'
E1	late	ongoing	2026-11-02T08:00:00Z
E2	big	ongoing	2026-11-02T08:00:00Z
E3	again	ongoing	2026-11-02T08:00:00Z
E
tcase "renotify 24h: not after 23h59m" "exc-flag -r r.rules --state st --only --now 2026-11-03T07:59:00Z run1.jsonl | sh told.sh"
expect_out </dev/null
tcase "renotify 24h: told again after 24h, the others not" "exc-flag -r r.rules --state st --only --now 2026-11-03T08:00:00Z run1.jsonl | sh told.sh"
expect_out <<'E'
E3	again	ongoing	2026-11-02T08:00:00Z
E
tcase "renotify counts from the last time told" "exc-flag -r r.rules --state st --only --now 2026-11-04T07:00:00Z run1.jsonl | sh told.sh"
expect_out </dev/null
cat > run3.jsonl <<'J'
{"id":"E1","late":false,"value":1}
{"id":"E3","again":true}
J
tcase "resolved: on a record still in the input, and a minimal record for one that is gone" "exc-flag -r r.rules --state st --only --now 2026-11-04T07:30:00Z run3.jsonl"
expect_out <<'E'
{"id":"E1","late":false,"value":1,"flags":[{"name":"late","severity":"high","title":"late","about":"late","message":null,"owner":"service","status":"resolved","since":"2026-11-02T08:00:00Z"}]}
{"id":"E2","flags":[{"name":"big","severity":"low","title":"Big order","about":"value","message":null,"owner":null,"status":"resolved","since":"2026-11-02T08:00:00Z"}]}
E
tcase "resolved alerts leave the state" "cat st"
expect_out <<'E'
opflow-state exc-flag 1
a again {"id":"E3"} 1 firing 2026-11-02T08:00:00Z 2026-11-03T08:00:00Z
end 1
E
tcase "a run with rejected input resolves no absent record" "printf '{\"id\":\"E9\"}\n{bad\n' | exc-flag -r r.rules --state st --only --now 2026-11-04T10:00:00Z; echo rc=\$?; cat st"
expect_out <<'E'
rc=65
opflow-state exc-flag 1
a again {"id":"E3"} 1 firing 2026-11-02T08:00:00Z 2026-11-03T08:00:00Z
end 1
E
tcase "a pending alert whose streak breaks is dropped untold" "printf '{\"id\":\"P\",\"value\":500}\n' > p1.jsonl; printf '{\"id\":\"P\",\"value\":5}\n' > p2.jsonl; exc-flag -r r.rules --state sp --only --now 2026-11-01T00:00:00Z p1.jsonl; exc-flag -r r.rules --state sp --only --now 2026-11-02T00:00:00Z p2.jsonl; exc-flag -r r.rules --state sp --only --now 2026-11-03T00:00:00Z p1.jsonl; cat sp"
expect_out <<'E'
opflow-state exc-flag 1
a big {"id":"P"} 1 pending 2026-11-03T00:00:00Z -
end 1
E
tcase "no id to key an alert: rejected" "echo '{\"late\":true}' | exc-flag -r r.rules --state s3"
expect_rc 65
expect_err <<'E'
exc-flag: <stdin>:1: --state: no id to keep its alerts by
E
tcase "--fail-on counts what was told: a quiet ongoing alert is not" "exc-flag -r r.rules --state st --only --fail-on medium --now 2026-11-04T07:45:00Z run3.jsonl"
expect_rc 0
expect_out </dev/null

# ---- --state, KPI rows: the latest period of each group is the run ----
K='"kpi":{"by":["category"],"names":["enquiries"]}'
cat > k.rules <<'R'
flag drop medium title "Enquiries fell" when delta_pct.enquiries < -30 message "{category} {period}"
flag breaches high when breaches >= 5 for 2
R
cat > k1.jsonl <<J
{"period":"2026-08","category":"billing","delta_pct":{"enquiries":-50},"breaches":6,$K}
{"period":"2026-09","category":"billing","delta_pct":{"enquiries":-40},"breaches":1,$K}
{"period":"2026-08","category":"repair","delta_pct":{"enquiries":-50},"breaches":1,$K}
{"period":"2026-09","category":"repair","delta_pct":{"enquiries":10},"breaches":9,$K}
{"period":"2026-08","category":"gas","delta_pct":{"enquiries":0},"breaches":7,$K}
{"period":"2026-09","category":"gas","delta_pct":{"enquiries":0},"breaches":8,$K}
J
tcase "KPI rows, history in one run: only the latest period tells; for 2 over two periods" "exc-flag -r k.rules --state ks --now 2026-10-01T06:00:00Z k1.jsonl | sh told.sh"
expect_out <<'E'
billing	2026-08
billing	2026-09	drop	new	2026-08
repair	2026-08
repair	2026-09
gas	2026-08
gas	2026-09	breaches	new	2026-08
E
tcase "the same month again (a daily run over monthly rows): nothing new, streaks kept" "exc-flag -r k.rules --state ks --only --now 2026-10-02T06:00:00Z k1.jsonl; cat ks"
expect_out <<'E'
opflow-state exc-flag 1
a drop {"category":"billing"} 1 firing 2026-08 2026-10-01T06:00:00Z 2026-09
a breaches {"category":"repair"} 1 pending 2026-09 - 2026-09
a breaches {"category":"gas"} 2 firing 2026-08 2026-10-01T06:00:00Z 2026-09
end 3
E
cat > k2.jsonl <<J
{"period":"2026-10","category":"billing","delta_pct":{"enquiries":5},"breaches":1,$K}
{"period":"2026-10","category":"repair","delta_pct":{"enquiries":0},"breaches":5,$K}
J
tcase "next month: resolved on a row, for 2 reached, an absent group resolved" "exc-flag -r k.rules --state ks --only --now 2026-11-01T06:00:00Z k2.jsonl"
expect_out <<'E'
{"period":"2026-10","category":"billing","delta_pct":{"enquiries":5},"breaches":1,"kpi":{"by":["category"],"names":["enquiries"]},"flags":[{"name":"drop","severity":"medium","title":"Enquiries fell","about":"enquiries","message":null,"owner":null,"status":"resolved","since":"2026-08"}]}
{"period":"2026-10","category":"repair","delta_pct":{"enquiries":0},"breaches":5,"kpi":{"by":["category"],"names":["enquiries"]},"flags":[{"name":"breaches","severity":"high","title":"breaches","about":"breaches","message":null,"owner":null,"status":"new","since":"2026-09"}]}
{"category":"gas","flags":[{"name":"breaches","severity":"high","title":"breaches","about":"breaches","message":null,"owner":null,"status":"resolved","since":"2026-08"}]}
E
tcase "--by names the group instead of kpi.by" "printf '{\"period\":\"2026-09\",\"team\":\"a\",\"category\":\"x\",\"breaches\":5,$K}\n' | exc-flag -r k.rules --state kb --by team --all-status --now 2026-10-01T00:00:00Z >/dev/null; printf '{\"period\":\"2026-10\",\"team\":\"a\",\"category\":\"y\",\"breaches\":5,$K}\n' | exc-flag -r k.rules --state kb --by team --only --now 2026-11-01T00:00:00Z | jq -c '.flags[] | [.name, .status, .since]'"
expect_out <<'E'
["breaches","new","2026-09"]
E

# a month with no row (a group with no enquiries, rows without --fill)
# breaks a streak, as the row --fill writes there would
cat > g.rules <<'R'
flag breaches high when breaches >= 5 for 2
R
cat > g1.jsonl <<J
{"period":"2026-07","category":"gas","breaches":6,$K}
{"period":"2026-09","category":"gas","breaches":7,$K}
{"period":"2026-09","category":"oil","breaches":7,$K}
{"period":"2026-10","category":"oil","breaches":8,$K}
{"period":"2026-W53","category":"wk","breaches":8,$K}
{"period":"2027-W01","category":"wk","breaches":8,$K}
J
tcase "KPI rows in one run: a month with no row between breaks for 2; consecutive months, and week 53 of 2026 then week 1, do not" "exc-flag -r g.rules --state gs --now 2026-11-01T00:00:00Z g1.jsonl | sh told.sh"
expect_out <<'E'
gas	2026-07
gas	2026-09
oil	2026-09
oil	2026-10	breaches	new	2026-09
wk	2026-W53
wk	2027-W01	breaches	new	2026-W53
E
printf '{"period":"2026-07","category":"gas","breaches":6,%s}\n' "$K" > g2.jsonl
printf '{"period":"2026-09","category":"gas","breaches":6,%s}\n{"period":"2026-10","category":"gas","breaches":6,%s}\n' "$K" "$K" > g3.jsonl
tcase "KPI rows run by run: August missing, the streak starts again in September, fires in October" "exc-flag -r g.rules --state gr --now 2026-08-01T00:00:00Z g2.jsonl >/dev/null; for m in 09 10; do grep \"2026-\$m\" g3.jsonl | exc-flag -r g.rules --state gr --only --now 2026-\$m-28T00:00:00Z | sh told.sh; done"
expect_out <<'E'
gas	2026-10	breaches	new	2026-09
E

# ---- the state file refused ----
printf 'opflow-state exc-flag 1\na late {"id":"E1"} 1 firing 2026-11-02T08:00:00Z 2026-11-02T08:00:00Z\na late x 1 firing\nend 2\n' > bad1
tcase "a damaged line: 78 with its line, state left as it was" "cp bad1 keep; exc-flag -r r.rules --state bad1 run1.jsonl; echo rc=\$?; cmp bad1 keep && echo unchanged"
expect_out <<'E'
rc=78
unchanged
E
expect_err <<'E'
exc-flag: bad1:3: damaged line "a late x 1 firing"
E
printf 'opflow-state exc-flag 1\na late {"id":"E1"} 1 firing 2026-11-02T08:00:00Z 2026-11-02T08:00:00Z\n' > bad2
tcase "a truncated state" "exc-flag -r r.rules --state bad2 run1.jsonl"
expect_rc 78
expect_err <<'E'
exc-flag: bad2:2: incomplete state file (its last line is not "end N")
E
printf 'opflow-state enq-route 2\nend 0\n' > bad3
tcase "another program's state" "exc-flag -r r.rules --state bad3 run1.jsonl"
expect_rc 78
expect_err <<'E'
exc-flag: bad3:1: not an opflow exc-flag state file ("opflow-state exc-flag 1" expected)
E
printf 'opflow-state exc-flag 1\na late {"id":"E1"} 1 firing 2026-11-02T08:00:00Z 2026-11-02T08:00:00Z\na late {"id":"E1"} 1 firing 2026-11-02T08:00:00Z 2026-11-02T08:00:00Z\nend 2\n' > bad4
tcase "an alert twice" "exc-flag -r r.rules --state bad4 run1.jsonl"
expect_rc 78
expect_err <<'E'
exc-flag: bad4:3: damaged line "a late {"id":"E1"} 1 firing 2026-11-02T08:00:00Z 2026-11-02T"
E
printf 'opflow-state exc-flag 1\na late {"id":"E1 1 firing 2026-11-02T08:00:00Z 2026-11-02T08:00:00Z\nend 1\n' > bad5
tcase "a key that is no JSON object (it would go into a record)" "exc-flag -r r.rules --state bad5 run1.jsonl"
expect_rc 78
tcase "a state that cannot be read: 66" "mkdir sdir; exc-flag -r r.rules --state sdir run1.jsonl"
expect_rc 66
tcase "a key over 1024 bytes is not kept" "python3 -c 'print(\"{\\\"id\\\":\\\"\" + \"x\" * 1100 + \"\\\",\\\"late\\\":true}\")' | exc-flag -r r.rules --state s4 --only; echo rc=\$?; cat s4"
expect_out <<'E'
rc=65
opflow-state exc-flag 1
end 0
E
expect_err <<'E'
exc-flag: <stdin>:1: --state: the alert's key (its id) is longer than 1024 bytes
E

# ---- rule clauses ----
tcase "renotify under a minute" "echo 'flag x low when true renotify 30s' > bad.rules; exc-flag -r bad.rules </dev/null"
expect_rc 78
expect_err <<'E'
exc-flag: bad.rules:1:31: renotify: a minute or more expected
E
tcase "for 0" "echo 'flag x low when true for 0' > bad.rules; exc-flag -r bad.rules </dev/null"
expect_rc 78
expect_err <<'E'
exc-flag: bad.rules:1:26: for: a whole number of observations from 1 to 1000 expected
E
tcase "--all-status without --state" "exc-flag --all-status </dev/null"
expect_rc 64

# ---- --nagios ----
tcase "nagios OK: 0, no records on stdout" "echo '{\"id\":\"A\",\"value\":5}' | exc-flag -r t.rules --nagios"
expect_rc 0
expect_out <<'E'
EXC-FLAG OK - no flags | low=0;;; medium=0;;; high=0;;; critical=0;;;
E
tcase "nagios WARNING: low and medium" "printf '{\"id\":\"A\",\"value\":1}\n{\"id\":\"B\",\"value\":200}\n{\"id\":\"C\",\"value\":1}\n' | exc-flag -r t.rules --nagios"
expect_rc 1
expect_out <<'E'
EXC-FLAG WARNING - 3 flags: big 1, plain 2 | low=1;;; medium=2;;; high=0;;; critical=0;;;
E
tcase "nagios CRITICAL: high" "echo '{\"id\":\"A\",\"late\":true}' | exc-flag -r t.rules --nagios"
expect_rc 2
expect_out <<'E'
EXC-FLAG CRITICAL - 1 flag: late 1 | low=0;;; medium=0;;; high=1;;; critical=0;;;
E
tcase "nagios UNKNOWN: bad input" "printf '{\"id\":\"A\",\"late\":true}\n{x\n' | exc-flag -r t.rules --nagios"
expect_rc 3
expect_out <<'E'
EXC-FLAG UNKNOWN - bad input was rejected (see standard error)
E
tcase "nagios UNKNOWN: rules that cannot be read" "exc-flag -r missing.rules --nagios </dev/null"
expect_rc 3
expect_out <<'E'
EXC-FLAG UNKNOWN - missing.rules: No such file or directory
E
tcase "nagios UNKNOWN: rules with errors" "echo 'flag x when' > e.rules; exc-flag -r e.rules --nagios </dev/null"
expect_rc 3
expect_out <<'E'
EXC-FLAG UNKNOWN - the rules have errors (see standard error)
E
tcase "nagios with --state counts the alerts firing, told or not" "exc-flag -r r.rules --state sn --now 2026-11-02T08:00:00Z run1.jsonl > /dev/null; exc-flag -r r.rules --state sn --nagios --now 2026-11-02T09:00:00Z run1.jsonl"
expect_rc 2
expect_out <<'E'
EXC-FLAG CRITICAL - 3 flags: late 1, big 1, again 1 | low=1;;; medium=1;;; high=1;;; critical=0;;;
E

# ---- --prom ----
printf 'flag late high title "a \\\\ b \\"c\\"\\nd" when late\nflag big low when value > 100\n' > pr.rules
tcase "prom: the textfile, label values escaped" "printf '{\"id\":\"A\",\"late\":true}\n{\"id\":\"B\",\"late\":true}\n' | exc-flag -r pr.rules --prom m.prom --only >/dev/null; cat m.prom"
expect_out <<'E'
# HELP opflow_flags Records a flag rule held for in the last run of exc-flag.
# TYPE opflow_flags gauge
opflow_flags{rule="late",severity="high",title="a \\ b \"c\"\nd"} 2
opflow_flags{rule="big",severity="low",title="big"} 0
E
tcase "prom with --state: the alerts firing too" "exc-flag -r r.rules --state sp2 --now 2026-11-02T08:00:00Z run1.jsonl > /dev/null; exc-flag -r r.rules --state sp2 --prom m2.prom --now 2026-11-02T09:00:00Z run1.jsonl > /dev/null; grep -v '^#' m2.prom"
expect_out <<'E'
opflow_flags{rule="late",severity="high",title="late"} 1
opflow_flags{rule="big",severity="low",title="Big order"} 1
opflow_flags{rule="again",severity="medium",title="again"} 1
opflow_flag_active{rule="late",severity="high",title="late"} 1
opflow_flag_active{rule="big",severity="low",title="Big order"} 1
opflow_flag_active{rule="again",severity="medium",title="again"} 1
E
tcase "prom: a file that cannot be written is 74" "echo '{}' | exc-flag -r pr.rules --prom nodir/m.prom"
expect_rc 74

# opflow(7)'s ten-minute recipe parses the mail on its own first, so that
# a folder that cannot be read (66) stops the run before exc-flag --state
# would take its enquiries for gone, and a message turned away (65) does not
printf '%s\n' 'id,received_at,subject' 'A1,2026-11-02T08:00:00Z,hello' 'A2,"broken' > part.csv
tcase "the cron recipe: an unreadable folder stops the run, a rejected line does not" \
	"{ enq-parse no-such-folder/ > parsed.jsonl 2>/dev/null; [ \$? -le 65 ]; } && echo ran || echo stopped; { enq-parse part.csv > parsed.jsonl 2>/dev/null; [ \$? -le 65 ]; } && echo ran || echo stopped"
expect_out <<'E'
stopped
ran
E

done_testing
