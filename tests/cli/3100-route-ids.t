#!/bin/sh
# enq-route and what it must not lose: a record whose id the state cannot
# hold is refused, not written into a state the next run refuses; an
# owner removed from a team, or away, hands on the open enquiries the
# state remembers for them, and keeps the closed ones.
. "$(dirname "$0")/../lib.sh"
export OPFLOW_NOW=2026-11-23T12:00:00Z

cat > r1.rules <<'R'
team sales owners alice bob assign round-robin
route all -> sales sla 4h
R
printf '{"id":"E1","received_at":"2026-11-23T10:00:00Z"}\n{"id":"","received_at":"2026-11-23T10:00:00Z"}\n{"id":"E2","received_at":"2026-11-23T10:00:00Z"}\n' > ids.jsonl

tcase "an empty id is refused, named, kept aside" "enq-route -r r1.rules --state st --rejects rej ids.jsonl | cut -c1-10; cat rej"
expect_rc 0
expect_out <<'E'
{"id":"E1"
{"id":"E2"
{"id":"","received_at":"2026-11-23T10:00:00Z"}
E
expect_err <<'E'
enq-route: ids.jsonl:2: the id is empty
E

tcase "... with status 65" "enq-route -r r1.rules --state st2 ids.jsonl > /dev/null 2>&1"
expect_rc 65

tcase "the state written loads on the next run" "enq-route -r r1.rules --state st --stats ids.jsonl 2>&1 >/dev/null | sed 's/\"seconds\":[0-9.]*/\"seconds\":S/'; grep -c '^a ' st"
expect_rc 0
expect_out <<'E'
enq-route: ids.jsonl:2: the id is empty
{"program":"enq-route","in":3,"out":2,"rejected":1,"unrouted":0,"assigned":0,"seconds":S}
2
E

tcase "without --state too" "enq-route -r r1.rules ids.jsonl > /dev/null"
expect_rc 65
expect_err <<'E'
enq-route: ids.jsonl:2: the id is empty
E

tcase "any other id is one the state holds and reads back" "
	printf '%s\\n' '{\"id\":\"a\\nb\\tc d%e\"}' '{\"id\":\"\\u0000\\u0001\\u007f\"}' '{\"id\":\"\\u00e9\"}' '{\"id\":1e5}' > odd.jsonl
	enq-route -r r1.rules --state st3 odd.jsonl > /dev/null && enq-route -r r1.rules --state st3 --stats odd.jsonl 2>&1 >/dev/null | grep -o '\"assigned\":[0-9]*'; grep '^a ' st3"
expect_rc 0
expect_out <<'E'
"assigned":0
a a%0Ab%09c%20d%25e sales alice open
a %00%01%7F sales bob open
a é sales alice open
a 1e5 sales bob open
E

# --- owners who leave ---
printf '{"id":"E%d","received_at":"2026-11-23T10:00:00Z"}\n' 1 2 3 > e.jsonl
cat > r2.rules <<'R'
team sales owners bob carol assign round-robin
route all -> sales sla 4h
R
cat > r3.rules <<'R'
team sales owners alice bob assign round-robin
away alice until 2026-12-01
route all -> sales sla 4h
R
owners="sed 's/.*\"id\":\"\\([^\"]*\\)\".*\"owner\":\\(\"[a-z]*\"\\)\\(,\"reassigned_from\":\"[a-z]*\"\\)\\{0,1\\}.*/\\1 \\2\\3/'"

tcase "first run: E1 and E3 to alice" "enq-route -r r1.rules --state s1 e.jsonl | $owners; cp s1 s2"
expect_out <<'E'
E1 "alice"
E2 "bob"
E3 "alice"
E

tcase "alice removed: her open E1 goes to carol and says so, her closed E3 stays" \
	"echo E3 > closed; enq-route -r r2.rules --state s1 --close closed --stats e.jsonl 2>st.err | $owners; grep -o '\"assigned\":[0-9]*' st.err; grep '^a ' s1"
expect_rc 0
expect_out <<'E'
E1 "carol","reassigned_from":"alice"
E2 "bob"
E3 "alice"
"assigned":1
a E1 sales carol open
a E2 sales bob open
a E3 sales alice closed 2026-11-23T12:00:00Z
E

tcase "the next run keeps carol, and says nothing more" "enq-route -r r2.rules --state s1 e.jsonl | $owners"
expect_out <<'E'
E1 "carol"
E2 "bob"
E3 "alice"
E

tcase "alice away: her open enquiries go to bob" "enq-route -r r3.rules --state s2 e.jsonl | $owners; grep '^a ' s2"
expect_out <<'E'
E1 "bob","reassigned_from":"alice"
E2 "bob"
E3 "bob","reassigned_from":"alice"
a E1 sales bob open
a E2 sales bob open
a E3 sales bob open
E

tcase "a record closed in itself keeps its owner" "printf '{\"id\":\"E1\",\"status\":\"closed\"}\n' > c.jsonl; enq-route -r r1.rules --state s3 c.jsonl >/dev/null; enq-route -r r3.rules --state s3 c.jsonl | $owners"
expect_out <<'E'
E1 "alice"
E

tcase "nobody left to take them: the enquiries stay with their owners" "printf 'team sales owners alice assign round-robin\naway alice until 2026-12-01\nroute all -> sales sla 4h\n' > r4.rules; enq-route -r r1.rules --state s4 e.jsonl >/dev/null; enq-route -r r4.rules --state s4 e.jsonl | $owners"
expect_out <<'E'
E1 "alice"
E2 "bob"
E3 "alice"
E

done_testing
