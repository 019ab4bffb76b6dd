#!/bin/sh
# kpi-rollup against sqlite3 on 100,000 generated records: every aggregate
# (tests/kpi-rollup/kpis.conf = query.sql); --approx within its error;
# --partial under GNU parallel then --merge gives the bytes of one run.
. "$(dirname "$0")/../lib.sh"
K=$TESTS/kpi-rollup

python3 "$K/gen.py" 100000 1 "$T/r.jsonl" "$T/r.sql"
sqlite3 "$T/r.db" < "$T/r.sql"

tcase "every KPI as sqlite3 computes it" "kpi-rollup -k $K/kpis.conf r.jsonl > ours.jsonl && sqlite3 -json r.db < $K/query.sql > theirs.json && python3 $K/compare.py ours.jsonl theirs.json"
expect_rc 0
expect_out <<'E'
182 groups, 3094 values compared, 0 differ
E

tcase "--stats counts what did not parse" "kpi-rollup -k $K/kpis.conf --stats r.jsonl 2>&1 >/dev/null | sed 's/\"seconds\":[0-9.]*/\"seconds\":S/'"
expect_out <<'E'
{"program":"kpi-rollup","in":100000,"out":182,"rejected":0,"cells":182,"not_numbers":2909,"not_times":0,"outside":0,"undated":987,"seconds":S}
E

# --approx: the DDSketch answers within 1 % of the exact quantile, as
# kpi-rollup(1) documents; the standard deviation comes from sums of
# squares instead of two passes (1e-9); everything else is the same
tcase "--approx quantiles within 1 %" "kpi-rollup -k $K/kpis.conf --approx r.jsonl > approx.jsonl && python3 -c '
import json, sys
exact = [json.loads(l) for l in open(\"ours.jsonl\")]
approx = [json.loads(l) for l in open(\"approx.jsonl\")]
worst, n = 0.0, 0
for a, b in zip(exact, approx):
    assert (a[\"period\"], a[\"intent\"]) == (b[\"period\"], b[\"intent\"])
    for k in a:
        if k.startswith(\"resp_p\") and a[k] is not None:
            n += 1
            worst = max(worst, abs(b[k] - a[k]) / abs(a[k]))
        elif k == \"value_sd\" and a[k] is not None:
            assert abs(a[k] - b[k]) <= 1e-9 * a[k], k
        elif not k.startswith(\"resp_p\"):
            assert a[k] == b[k], k
print(n, \"quantiles, within 1 %:\", worst <= 0.01)
'"
expect_out <<'E'
525 quantiles, within 1 %: True
E

par="parallel --will-cite --pipe --block 1M -j 2"
tcase "--partial under parallel, --merge: one run's bytes" "$par kpi-rollup -k $K/kpis.conf --partial < r.jsonl > parts && kpi-rollup -k $K/kpis.conf --merge parts | cmp - ours.jsonl && echo same"
expect_out <<'E'
same
E
expect_grep '^' parts

tcase "the same with --approx, --compare and --fill" "kpi-rollup -k $K/kpis.conf --approx --compare year --fill r.jsonl > one && $par kpi-rollup -k $K/kpis.conf --approx --compare year --partial < r.jsonl > parts && kpi-rollup -k $K/kpis.conf --approx --compare year --fill --merge parts | cmp - one && echo same"
expect_out <<'E'
same
E

tcase "merging in another order, in two steps" "sort -r parts > p2 && head -50 p2 | kpi-rollup -k $K/kpis.conf --approx --compare year --fill --merge - > /dev/null && kpi-rollup -k $K/kpis.conf --approx --compare year --fill --merge p2 | cmp - one && echo same"
expect_out <<'E'
same
E

done_testing
