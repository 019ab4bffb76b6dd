#!/bin/sh
# enq-route and priority_by: a route that raises the priority is who
# decided it, so priority_by says "route"; a priority the route leaves
# alone keeps the decider enq-classify named.
. "$(dirname "$0")/../lib.sh"
export OPFLOW_NOW=2026-11-23T12:00:00Z

cat > p.rules <<'R'
team service owners ann
route urgent when subject =~ /leak/ -> service owner ann priority urgent
route rest -> service owner ann
R
cat > in.jsonl <<'J'
{"id":"E1","subject":"leak","received_at":"2026-11-23T10:00:00Z","priority":"normal","priority_by":"rules"}
{"id":"E2","subject":"leak","received_at":"2026-11-23T10:00:00Z","priority":"urgent","priority_by":"input"}
{"id":"E3","subject":"hello","received_at":"2026-11-23T10:00:00Z","priority":"low","priority_by":"default"}
{"id":"E4","subject":"leak","received_at":"2026-11-23T10:00:00Z"}
J

tcase "a raised priority is the route's, an unchanged one keeps its decider" \
	"enq-route -r p.rules in.jsonl | jq -c '{id, priority, priority_by}'"
expect_rc 0
expect_out <<'E'
{"id":"E1","priority":"urgent","priority_by":"route"}
{"id":"E2","priority":"urgent","priority_by":"input"}
{"id":"E3","priority":"low","priority_by":"default"}
{"id":"E4","priority":"urgent","priority_by":"route"}
E

tcase "after enq-classify: priority_by in place, nothing else moved" \
	"enq-route -r p.rules in.jsonl | head -1"
expect_rc 0
expect_out <<'E'
{"id":"E1","subject":"leak","received_at":"2026-11-23T10:00:00Z","priority":"urgent","priority_by":"route","team":"service","owner":"ann","route":"urgent","sla":null,"due_at":null,"needs_human":false}
E

done_testing
