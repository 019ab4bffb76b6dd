#!/bin/sh
# enq-route: routes, teams, SLAs in business time, assignment with and
# without --state, rule errors, bad records, state file errors.
. "$(dirname "$0")/../lib.sh"
D=$DATA/route
G=$TESTS/cli/golden
export OPFLOW_NOW=2026-11-23T12:00:00Z

tcase "routed: fields spliced, the rest byte for byte" "enq-route -r $D/route.rules $D/enq.jsonl"
expect_rc 0
expect_out_file "$G/enq-route-basic.jsonl"
expect_err </dev/null

tcase "the same from stdin" "enq-route -r $D/route.rules < $D/enq.jsonl"
expect_out_file "$G/enq-route-basic.jsonl"

tcase "built-in rules (no -r)" "enq-route $D/default.jsonl"
expect_rc 0
expect_out_file "$G/enq-route-default.jsonl"

tcase "re-running on routed output changes nothing" "$GOLDEN_FMT -j $G/enq-route-basic.jsonl > want; enq-route -r $D/route.rules $D/enq.jsonl | enq-route -r $D/route.rules | cmp - want && echo same"
expect_out <<'E'
same
E

tcase "--stats" "enq-route -r $D/route.rules --stats $D/enq.jsonl 2>&1 >/dev/null | sed 's/\"seconds\":[0-9.]*/\"seconds\":S/'"
expect_out <<'E'
{"program":"enq-route","in":14,"out":14,"rejected":0,"unrouted":0,"assigned":0,"seconds":S}
E

# now decides who is away and what `now()` is in conditions
tcase "--now: alice is back, R11 no longer late" "enq-route -r $D/route.rules --now 2026-11-02T10:00:00Z $D/enq.jsonl | grep -o '\"id\":\"R1[01]\".*' | grep -o '\"route\":\"[a-z]*\"'; enq-route -r $D/route.rules --now 2026-12-02T10:00:00Z $D/enq.jsonl | grep -c '\"owner\":\"alice\"'"
expect_out <<'E'
"route":"rest"
"route":"rest"
3
E

tcase "--tz reads naive times" "echo '{\"id\":\"N\",\"received_at\":\"2026-11-23 10:00\",\"category\":\"quote\"}' | enq-route -r $D/route.rules --tz America/New_York | grep -o '\"due_at\":\"[^\"]*\"'"
expect_out <<'E'
"due_at":"2026-11-24T15:00:00Z"
E

tcase "business time in a condition" "printf '%s\n' '{\"id\":\"A\",\"received_at\":\"2026-11-20T16:00:00Z\"}' '{\"id\":\"B\",\"received_at\":\"2026-11-20T09:00:00Z\"}' | enq-route -r $D/route.rules --now 2026-11-23T09:31:00Z | grep -o '\"route\":\"[a-z]*\"'"
expect_out <<'E'
"route":"rest"
"route":"late"
E

# ---- assignment state ----
tcase "--state: first run assigns round-robin / least-open, skips the away" "enq-route -r $D/route.rules --state st $D/enq.jsonl | grep -o '\"owner\":[^,]*' | tr '\n' ' '; echo; cat st"
expect_rc 0
expect_out <<'E'
"owner":"dave" "owner":"bob" "owner":"carol" "owner":"bob" "owner":"grace" "owner":"olga" "owner":"eve" "owner":"olga" "owner":"carol" "owner":null "owner":null "owner":"dave" "owner":"carol" "owner":"dave" 
opflow-state enq-route 2
rr sales 3
a R01 service dave open
a R02 sales bob open
a R03 sales carol open
a R04 sales bob open
a R05 accounts grace open
a R06 night olga open
a R07 service eve open
a R08 night olga open
a R12 service dave closed 2026-11-23T12:00:00Z
a Ré13 sales carol open
a 14 service dave open
end 12
E

tcase "--state: a second run assigns nothing again" "enq-route -r $D/route.rules --state st --stats $D/enq.jsonl > again 2>stats; cp st st.1; enq-route -r $D/route.rules --state st $D/enq.jsonl >/dev/null; cmp st st.1 && echo state unchanged; sed 's/,\"seconds.*//' stats; enq-route -r $D/route.rules $D/enq.jsonl --state new > first; cmp first again && echo same owners"
expect_out <<'E'
state unchanged
{"program":"enq-route","in":14,"out":14,"rejected":0,"unrouted":0,"assigned":0
same owners
E

tcase "least-open: --close and closed records lower the counts" "enq-route -r $D/route.rules --state st2 $D/enq.jsonl > /dev/null; printf 'R01\n{\"id\":14,\"status\":\"closed\"}\n\nnobody\n' > closed; printf '%s\n' '{\"id\":\"S1\",\"category\":\"complaint\"}' '{\"id\":\"S2\",\"category\":\"complaint\"}' '{\"id\":\"R07\",\"category\":\"complaint\",\"status\":\"won\"}' '{\"id\":\"S3\",\"category\":\"complaint\"}' | enq-route -r $D/route.rules --state st2 --close closed | grep -o '\"owner\":[^,]*' | tr '\n' ' '; echo; grep service st2"
expect_out <<'E'
"owner":"dave" "owner":"dave" "owner":"eve" "owner":"eve" 
a R01 service dave closed 2026-11-23T12:00:00Z
a R07 service eve closed 2026-11-23T12:00:00Z
a R12 service dave closed 2026-11-23T12:00:00Z
a 14 service dave closed 2026-11-23T12:00:00Z
a S1 service dave open
a S2 service dave open
a S3 service eve open
E

tcase "a --close line without an id" "printf 'R02\n{\"x\":1}\n{bad\n' > cl2; enq-route -r $D/route.rules --state st2 --close cl2 < /dev/null; echo \$?; grep R02 st2"
expect_out <<'E'
65
a R02 sales bob closed 2026-11-23T12:00:00Z
E
expect_err <<'E'
enq-route: cl2:2: a record with an id expected
enq-route: cl2:3: a record with an id expected
E

tcase "a record moved to another team is assigned there" "printf '{\"id\":\"M\",\"category\":\"complaint\"}\n' | enq-route -r $D/route.rules --state st3 >/dev/null; printf '{\"id\":\"M\",\"category\":\"quote\"}\n' | enq-route -r $D/route.rules --state st3 | grep -o '\"owner\":[^,]*'; grep '^a' st3"
expect_out <<'E'
"owner":"bob"
a M sales bob open
E

tcase "ids with blanks and % are escaped in the state" "printf '%s\n' '{\"id\":\"a b%c\",\"category\":\"quote\"}' '{\"id\":\"a\\nb\",\"category\":\"quote\"}' | enq-route -r $D/route.rules --state st4 >/dev/null; grep '^a' st4; printf '{\"id\":\"a b%%c\",\"category\":\"quote\"}\n' | enq-route -r $D/route.rules --state st4 --stats 2>&1 >/dev/null | grep -o '\"assigned\":[0-9]*'"
expect_out <<'E'
a a%20b%25c sales bob open
a a%0Ab sales carol open
"assigned":0
E

tcase "--close without --state" "enq-route --close x $D/enq.jsonl"
expect_rc 64
expect_err <<'E'
enq-route: --close needs --state
Try 'enq-route --help' for more information.
E

tcase "--close - with the records on stdin too" "enq-route --state st9 --close - < $D/enq.jsonl"
expect_rc 64
expect_err <<'E'
enq-route: --close - and the records cannot both come from standard input
Try 'enq-route --help' for more information.
E

printf 'team s owners ann ben assign least-open\nroute all -> s\n' > lo.rules
tcase "won, lost and closed records close; other statuses do not" "printf '%s\\n' '{\"id\":\"A\",\"status\":\"lost\"}' '{\"id\":\"B\",\"status\":\"los\"}' '{\"id\":\"C\",\"status\":\"won\"}' '{\"id\":\"D\",\"status\":\"open\"}' | enq-route -r lo.rules --state st10 > /dev/null; grep '^a ' st10 | cut -d' ' -f2,5"
expect_out <<'E'
A closed
B open
C closed
D open
E

printf 'opflow-state enq-route 1\nrr sales 1\na X sales bob open\n' > trunc
printf 'opflow-state enq-route 3\nend 0\n' > future
printf 'opflow-state exc-flag 1\nend 0\n' > other
printf 'opflow-state enq-route 1\nrr sales 1\na X sales bob maybe\nend 2\n' > damaged
printf 'opflow-state enq-route 1\na X sales bob open\na X sales eve open\nend 2\n' > twice
printf 'opflow-state enq-route 1\nrr sales 1\nend 5\n' > count
tcase "state: truncated" "enq-route --state trunc $D/enq.jsonl"
expect_rc 78
expect_out </dev/null
expect_err <<'E'
enq-route: trunc:3: incomplete state file (its last line is not "end N")
E
tcase "state: a later version" "enq-route --state future $D/enq.jsonl"
expect_rc 78
expect_err <<'E'
enq-route: future:1: state format version 3, this enq-route reads versions 1 to 2
E
tcase "state: another program's" "enq-route --state other $D/enq.jsonl"
expect_rc 78
expect_err <<'E'
enq-route: other:1: not an opflow enq-route state file ("opflow-state enq-route 2" expected)
E
tcase "state: a damaged line" "enq-route --state damaged $D/enq.jsonl"
expect_rc 78
expect_err <<'E'
enq-route: damaged:3: damaged line "a X sales bob maybe"
E
tcase "state: an enquiry twice" "enq-route --state twice $D/enq.jsonl"
expect_rc 78
expect_err <<'E'
enq-route: twice:3: enquiry 'X' twice
E
tcase "state: a count that does not match" "enq-route --state count $D/enq.jsonl"
expect_rc 78
expect_err <<'E'
enq-route: count:3: damaged state file: "end 5" but 1 lines before it
E
tcase "state: the damaged file is left alone" "cat trunc"
expect_out <<'E'
opflow-state enq-route 1
rr sales 1
a X sales bob open
E
tcase "state: a directory that cannot hold it" "enq-route --state nosuch/dir/st $D/enq.jsonl"
expect_rc 66
expect_err <<'E'
enq-route: nosuch/dir/st.lock: No such file or directory
E
tcase "state: not written after an output error" "cp st st.before; printf '{\"id\":\"NEW\",\"category\":\"quote\"}\n' | enq-route -r $D/route.rules --state st > /dev/full; echo \$?; cmp st st.before && echo unchanged"
expect_out <<'E'
74
unchanged
E

# ---- bad records: named, kept aside, the rest flows ----
tcase "bad records" "enq-route -r $D/nofallback.rules --rejects rej $D/bad.jsonl"
expect_rc 65
expect_out <<'E'
{"id":"X1","received_at":"2026-11-23T10:00:00Z","category":"quote","team":"sales","owner":"bob","route":"quote","sla":120,"due_at":"2026-11-23T12:00:00Z","needs_human":false}
{"id":"X8","received_at":"2026-11-23T10:00:00Z","category":"other"}
E
expect_err <<EOF
enq-route: $D/bad.jsonl:2:60: unexpected end of line, value expected
enq-route: $D/bad.jsonl:3: record has no id (a string or number)
enq-route: $D/bad.jsonl:4: received_at: "yesterday" is not an RFC 3339 time
enq-route: $D/bad.jsonl:5: received_at: 1763892000 is not an RFC 3339 time
enq-route: $D/bad.jsonl:6: record has no id (a string or number)
enq-route: $D/bad.jsonl:7: $D/nofallback.rules:4: route billing: business time (bh) needs working hours (\`hours\` in the rules, or --calendar FILE)
enq-route: $D/bad.jsonl:8: enquiry X8 matches no route and the rules have no fallback; passed unrouted
EOF
tcase "rejects hold the bad lines as they were" "enq-route -r $D/nofallback.rules --rejects rej $D/bad.jsonl >/dev/null 2>&1; sed -n '2,7p' $D/bad.jsonl | cmp - rej && echo same"
expect_out <<'E'
same
E
tcase "--strict stops at the first" "enq-route -r $D/nofallback.rules --strict $D/bad.jsonl"
expect_rc 65
expect_out <<'E'
{"id":"X1","received_at":"2026-11-23T10:00:00Z","category":"quote","team":"sales","owner":"bob","route":"quote","sla":120,"due_at":"2026-11-23T12:00:00Z","needs_human":false}
E
tcase "unrouted alone makes exit 65" "sed -n 8p $D/bad.jsonl | enq-route -r $D/nofallback.rules"
expect_rc 65
expect_out <<'E'
{"id":"X8","received_at":"2026-11-23T10:00:00Z","category":"other"}
E
tcase "a due time past year 9999" "echo '{\"id\":\"F\",\"received_at\":\"9999-12-31T12:00:00Z\",\"category\":\"quote\"}' | enq-route -r $D/route.rules"
expect_rc 65
expect_err <<'E'
enq-route: <stdin>:1: route quote: due time beyond year 9999
E
printf 'route all -> sales sla 4h\nteam sales owners bob\n' > wall.rules
tcase "a wall-time due time past year 9999" "echo '{\"id\":\"W\",\"received_at\":\"9999-12-31T22:00:00Z\"}' | enq-route -r wall.rules"
expect_rc 65
expect_err <<'E'
enq-route: <stdin>:1: route all: due time beyond year 9999
E
tcase "missing file: named, the others still read" "enq-route -r $D/route.rules nosuch $D/enq.jsonl | wc -l"
expect_out <<'E'
14
E
expect_err <<'E'
enq-route: nosuch: No such file or directory
E
tcase "output to a full disk" "enq-route -r $D/route.rules $D/enq.jsonl > /dev/full"
expect_rc 74

# ---- rule errors: file:line:col, what was expected, exit 78 ----
tcase "rule errors" "enq-route -r $D/bad.rules $D/enq.jsonl"
expect_rc 78
expect_out </dev/null
expect_err <<EOF
enq-route: $D/bad.rules:1:10: unknown time zone 'Europe/Lndon'
enq-route: $D/bad.rules:2:7: 'mon-fry' is not a day or days (mon-fri, sat, mon,wed,fri, daily)
enq-route: $D/bad.rules:3:15: '9:00-17:00' is not opening hours (HH:MM-HH:MM, 09:00-17:30)
enq-route: $D/bad.rules:4:27: '10:00-11:00' overlaps hours already given for mon-fri (or more than 8 spans a day)
enq-route: $D/bad.rules:5:10: opening hours (09:00-17:30) expected after 'sat'
enq-route: $D/bad.rules:6:9: '2026-13-01' is not a date (YYYY-MM-DD)
enq-route: $D/bad.rules:7:10: $D/nosuch.txt: No such file or directory
enq-route: $D/bad.rules:8:32: unknown assignment 'round-robbin' (did you mean 'round-robin'?) (round-robin, least-open, first, none)
enq-route: $D/bad.rules:9:6: team sales defined twice (first on line 8)
enq-route: $D/bad.rules:10:18: owner names expected after 'owners'
enq-route: $D/bad.rules:11:10: 'until' expected, found '2026-12-01'
enq-route: $D/bad.rules:12:43: sla: '4x' is not a duration (30m 4h 2d 1w, business 4bh 2bd)
enq-route: $D/bad.rules:13:48: unknown priority 'critical' (low, normal, high, urgent)
enq-route: $D/bad.rules:14:43: sla: whole minutes or more expected
enq-route: $D/bad.rules:15:23: '=' is not a comparison: use '=='
enq-route: $D/bad.rules:16:18: 'owner', 'sla', 'priority', 'human' or 'task' expected
enq-route: $D/bad.rules:17:1: 'flag' is a statement of exc-flag, not of enq-route (which reads: timezone, hours, holiday, holidays, team, away, route, sla)
EOF
tcase "errors found once all rules are read" "enq-route -r $D/late.rules $D/enq.jsonl"
expect_rc 78
expect_err <<EOF
enq-route: $D/late.rules:3: route a: a business-time sla needs working hours (an \`hours\` statement, or --calendar FILE)
enq-route: $D/late.rules:4: route b: no team 'salse' (did you mean 'sales'?)
enq-route: $D/late.rules:5: route c can never match: route b above has no condition
EOF
printf '2026-12-25\n25/12/2026 Christmas\n' > hol.txt
printf 'hours mon-fri 09:00-17:00\nholidays hol.txt\n' > h.rules
tcase "a bad date in a holidays file" "enq-route -r h.rules $D/enq.jsonl"
expect_rc 78
expect_err <<'E'
enq-route: h.rules:2:10: hol.txt:2: '25/12/2026' is not a date (YYYY-MM-DD)
E
printf '2026-11-23\0\n2026-11-24\n' > nul.txt
printf 'hours mon-fri 09:00-17:00\nholidays nul.txt\n' > hn.rules
tcase "a NUL byte in a holidays file" "enq-route -r hn.rules $D/enq.jsonl"
expect_rc 78
expect_err <<'E'
enq-route: hn.rules:2:10: nul.txt:1: a NUL byte (not a text file?)
E
printf 'team sales owners alice carol\nroute vip when true -> sales owner carlo\nroute rest -> sales\naway alcie until 2027-01-01\n' > ow.rules
tcase "owners in no team: named, with the likely one" "enq-route -r ow.rules $D/enq.jsonl"
expect_rc 78
expect_err <<'E'
enq-route: ow.rules:2: route vip: no owner 'carlo' in any team (did you mean 'carol'?)
enq-route: ow.rules:4: away: no owner 'alcie' in any team (did you mean 'alice'?)
E
tcase "rules not found" "enq-route -r nosuch.rules $D/enq.jsonl"
expect_rc 66
expect_err <<'E'
enq-route: nosuch.rules: No such file or directory
E

tcase "--help" "enq-route --help | head -3"
expect_rc 0
expect_out <<'E'
Usage: enq-route [-r RULES] [options] [file...]
Give each enquiry a team, an owner and a due time (first matching route).
  -r, --rules FILE      route rules (default: the built-in route.rules)
E

done_testing
