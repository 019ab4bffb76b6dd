#!/bin/sh
# Review of issue 18 (a report and alerts a manager can trust): the
# defects a hostile reading found, one case each, named after the defect.
. "$(dirname "$0")/../lib.sh"
export OPFLOW_NOW=2026-11-01T00:00:00Z

# distinct() is a count (its kind in the rows): a drop to none is a change
# measured on the period before, as count()'s, not hidden as a small base
printf 'by month(received_at), team\nkpi enquiries = count() min_n 5\nkpi customers = distinct(from) min_n 5\n' > "$T/distinct.conf"
for i in 1 2 3 4 5 6; do
	echo "{\"id\":\"s$i\",\"received_at\":\"2026-09-0${i}T09:00:00Z\",\"team\":\"web\",\"from\":\"c$i@example.com\"}"
done > "$T/distinct.jsonl"
echo '{"id":"o1","received_at":"2026-10-02T09:00:00Z","team":"phone","from":"z@example.com"}' >> "$T/distinct.jsonl"
tcase "distinct drop to none hidden as a small base" \
	"kpi-rollup -k distinct.conf --fill --compare previous --from 2026-09 --to 2026-11 distinct.jsonl | jq -c 'select(.team == \"web\" and .period == \"2026-10\") | [.delta, .low_n]'"
expect_rc 0
expect_out <<'E'
[{"enquiries":-6,"customers":-6},null]
E

done_testing
