#!/bin/sh
# enq-route --replay and --compare: last month's enquiries through rules,
# each as at its own received_at; what a rule change would have changed.
. "$(dirname "$0")/../lib.sh"
export OPFLOW_NOW=2026-11-23T12:00:00Z

cat > old.rules <<'R'
timezone UTC
hours mon-fri 09:00-17:00
team s owners ann ben assign least-open
away ann until 2026-11-10
route late when received_at + 1d < now() -> s sla 1h
route all -> s sla 4h
R
# ann is away for E1 only; E3 closes itself; 2026-11-13 is a Friday
cat > in.jsonl <<'J'
{"id":"E1","received_at":"2026-11-05T10:00:00Z"}
{"id":"E2","received_at":"2026-11-12T10:00:00Z","first_response_at":"2026-11-12T13:00:00Z"}
{"id":"E3","received_at":"2026-11-12T11:00:00Z","status":"closed"}
{"id":"E4","received_at":"2026-11-13T16:00:00Z","value":5000}
J
# E1: ann away -> ben; E2: ann 0 open, ben 1 -> ann; E3: 1 each, ann
# first; closed at once, so E4 finds 1 each again -> ann.  now() is each
# received_at, so no enquiry is a day late.
owners="sed 's/.*\"id\":\"\\([^\"]*\\)\".*\"owner\":\"\\([a-z]*\\)\",\"route\":\"\\([a-z]*\\)\".*/\\1 \\2 \\3/'"
tcase "--replay: away, least-open and now() as at each received_at" "enq-route -r old.rules --replay in.jsonl | $owners"
expect_rc 0
expect_out <<'E'
E1 ben all
E2 ann all
E3 ann all
E4 ann all
E
# at --now: E1 ann (a tie); E2 ben; E3 ann (a tie), closed; E4 ann again
tcase "without --replay, all are late at --now and nobody is away" "enq-route -r old.rules --state st0 in.jsonl | $owners"
expect_out <<'E'
E1 ann late
E2 ben late
E3 ann late
E4 ann late
E

# the state: E0 open with ann, so E1..E4 are assigned against it: E1
# ben (ann away); E2 ann (1 each); E3 ben (ann 2), closed; E4 ben (ann 2,
# ben 1)
printf 'opflow-state enq-route 2\na E0 s ann open\nend 1\n' > st
cp st st.orig
tcase "--replay reads the state and never writes it, nor a lock file" "enq-route -r old.rules --replay --state st --stats in.jsonl 2>stats | $owners; cmp st st.orig && echo unchanged; ls st st.*; sed 's/\"seconds\":[0-9.]*/\"seconds\":S/' stats"
expect_out <<'E'
E1 ben all
E2 ann all
E3 ben all
E4 ben all
unchanged
st
st.orig
{"program":"enq-route","in":4,"out":4,"rejected":0,"unrouted":0,"assigned":4,"seconds":S}
E
tcase "--replay cannot take --close" "enq-route -r old.rules --replay --state st --close st.orig in.jsonl"
expect_rc 64
expect_err <<'E'
enq-route: --close cannot be replayed (a replay closes what its records close)
Try 'enq-route --help' for more information.
E

# new rules: big orders to cat in business hours, everything else in 2h,
# ann away until half past ten on the 12th
cat > new.rules <<'R'
timezone UTC
hours mon-fri 09:00-17:00
team s owners ann ben assign least-open
team big owners cat assign first
away ann until 2026-11-12T10:30:00Z
route big when value > 1000 -> big sla 2bh
route all -> s sla 2h
R
# by hand: E1 ben both, due 14:00 -> 12:00; E2 ann away now -> ben, due
# 14:00 -> 12:00, answered 13:00: met -> breached; E3 ann both, due
# 15:00 -> 13:00, unanswered at --now: breached both; E4 big, cat, 2bh
# from Friday 16:00 = 1h Friday + 1h Monday: Monday 10:00
tcase "--compare OLD: team, owner, due time and breach changes, with examples" "enq-route -r new.rules --compare old.rules in.jsonl"
expect_rc 0
expect_out <<'E'
enquiries: 4
team changed: 1
  E4: "s" -> "big"
owner changed: 2
  E2: "ann" -> "ben"
  E4: "ann" -> "cat"
due_at changed: 4
  E1: "2026-11-05T14:00:00Z" -> "2026-11-05T12:00:00Z"
  E2: "2026-11-12T14:00:00Z" -> "2026-11-12T12:00:00Z"
  E3: "2026-11-12T15:00:00Z" -> "2026-11-12T13:00:00Z"
  E4: "2026-11-13T20:00:00Z" -> "2026-11-16T10:00:00Z"
breach changed: 1
  E2: met -> breached
E
expect_err </dev/null

tcase "--compare: the same rules change nothing" "enq-route -r old.rules --compare old.rules in.jsonl"
expect_out <<'E'
enquiries: 4
team changed: 0
owner changed: 0
due_at changed: 0
breach changed: 0
E

# at most 5 examples a kind; a record rejected once, not twice
awk 'BEGIN { for (i = 1; i <= 8; i++) printf "{\"id\":\"B%d\",\"received_at\":\"2026-11-20T09:00:00Z\",\"value\":2000}\n", i
	print "{\"id\":\"X\",\"received_at\":\"soon\"}" }' > many.jsonl
tcase "--compare: 5 examples, the count of all; a bad record rejected once" "enq-route -r new.rules --compare old.rules many.jsonl > report; echo \$?; sed -n 1,8p report"
expect_out <<'E'
65
enquiries: 8
team changed: 8
  B1: "s" -> "big"
  B2: "s" -> "big"
  B3: "s" -> "big"
  B4: "s" -> "big"
  B5: "s" -> "big"
owner changed: 8
E
expect_err <<'E'
enq-route: many.jsonl:9: received_at: "soon" is not an RFC 3339 time
E

printf 'route x -> nowhere\n' > bad.rules
tcase "--compare: the old rules are checked as the new" "enq-route -r new.rules --compare bad.rules in.jsonl"
expect_rc 78
expect_err <<'E'
enq-route: bad.rules:1: route x: no team 'nowhere' (define it with `team nowhere owners ...`)
E
# times without a zone are London's, as the rules say (BST in July):
# received 10:00 = 09:00Z, answered 10:30 = 09:30Z: in time under 1h (due
# 10:00Z) and 2h (due 11:00Z) alike, so no breach outcome changes
printf 'timezone Europe/London\nteam s owners ann\nroute all -> s sla 1h\n' > lon1.rules
printf 'timezone Europe/London\nteam s owners ann\nroute all -> s sla 2h\n' > lon2.rules
tcase "--compare: a naive first_response_at in the rules' zone" "echo '{\"id\":\"N\",\"received_at\":\"2026-07-01T10:00:00\",\"first_response_at\":\"2026-07-01T10:30:00\"}' | enq-route -r lon2.rules --compare lon1.rules --now 2026-07-02T00:00:00Z"
expect_rc 0
expect_out <<'E'
enquiries: 1
team changed: 0
owner changed: 0
due_at changed: 1
  N: "2026-07-01T10:00:00Z" -> "2026-07-01T11:00:00Z"
breach changed: 0
E
# an id holding a line end is written as the record writes it, escaped:
# it cannot start a line of the report of its own
tcase "--compare: an id with a line end stays on its line" "printf '%s\n' '{\"id\":\"a\\nteam changed: 99\",\"received_at\":\"2026-07-01T10:00:00Z\"}' | enq-route -r lon2.rules --compare lon1.rules --now 2026-07-02T00:00:00Z"
expect_rc 0
expect_out <<'E'
enquiries: 1
team changed: 0
owner changed: 0
due_at changed: 1
  a\nteam changed: 99: "2026-07-01T11:00:00Z" -> "2026-07-01T12:00:00Z"
breach changed: 0
E

done_testing
