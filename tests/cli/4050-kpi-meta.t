#!/bin/sh
# kpi-rollup: what a reader needs to present a KPI honestly - label,
# definition, kind, digits; the base each value stands on (base_n); min_n,
# below which a change is not one (delta null, low_n); `for KEY in [...]`,
# the groups a KPI makes sense for; and each bad clause's message.
. "$(dirname "$0")/../lib.sh"
D=$DATA/kpi-meta
K="kpi-rollup -k $D/meta.conf --compare previous --fill"

tcase "the kpi metadata: label (else the name), definition, kind, min_n, digits" \
	"$K $D/meta.jsonl | head -1 | jq -c '.kpi | del(.by, .names, .owner)'"
expect_rc 0
expect_out <<'E'
{"unit":{"median_h":"h"},"label":{"enquiries":"Enquiries","late":"Late replies","median_h":"Median first response","won":"won","answered":"answered"},"definition":{"enquiries":"enquiries received","median_h":"median hours, quantile_cont"},"kind":{"enquiries":"count","late":"count","median_h":"value","won":"rate","answered":"rate"},"min_n":{"enquiries":5,"late":5,"median_h":5,"won":2,"answered":5},"digits":{"median_h":1}}
E

tcase "base_n: a count's is the group's records (late: 1 of 6), a rate's its when's, a median's its values" \
	"$K $D/meta.jsonl | jq -c '[.period, .team, .base_n, .prev.base_n]'"
expect_out <<'E'
["2026-01","a",{"enquiries":8,"late":8,"median_h":8,"won":0,"answered":4},{"enquiries":0,"late":0,"median_h":0,"won":0,"answered":0}]
["2026-02","a",{"enquiries":0,"late":0,"median_h":0,"won":0,"answered":0},{"enquiries":8,"late":8,"median_h":8,"won":0,"answered":4}]
["2026-01","b",{"enquiries":2,"late":2,"median_h":2,"won":2,"answered":0},{"enquiries":0,"late":0,"median_h":0,"won":0,"answered":0}]
["2026-02","b",{"enquiries":6,"late":6,"median_h":6,"won":6,"answered":3},{"enquiries":2,"late":2,"median_h":2,"won":2,"answered":0}]
E

tcase "a change from a base under min_n is null and named in low_n; a fall to zero of a count is a change" \
	"$K $D/meta.jsonl | jq -c 'select(.period == \"2026-02\") | [.team, .delta, .delta_pct, .low_n]'"
expect_out <<'E'
["a",{"enquiries":-8,"late":0,"median_h":null,"won":null,"answered":null},{"enquiries":-100,"late":null,"median_h":null,"won":null,"answered":null},null]
["b",{"enquiries":null,"late":null,"median_h":null,"won":0.5,"answered":null},{"enquiries":null,"late":null,"median_h":null,"won":null,"answered":null},["enquiries","late","median_h"]]
E

tcase "--min-n sets the default; a kpi's own min_n stays" \
	"$K --min-n 2 $D/meta.jsonl | jq -c 'select(.period == \"2026-02\" and .team == \"b\") | [.delta, .low_n, .kpi.min_n]'"
expect_out <<'E'
[{"enquiries":4,"late":1,"median_h":11.5,"won":0.5,"answered":null},null,{"enquiries":2,"late":2,"median_h":2,"won":2,"answered":2}]
E

tcase "min_n 0: no guard" "kpi-rollup -e 'by month(t), team' -e 'kpi n = count() min_n 0' --compare previous $D/meta.jsonl | jq -c 'select(.team == \"b\") | [.period, .delta.n, .low_n]'"
expect_out <<'E'
["2026-01",null,null]
["2026-02",4,null]
E

tcase "for team in [...]: other groups null with base 0, never low_n" \
	"$K $D/meta.jsonl | jq -c '[.period, .team, .won, .base_n.won, .prev.won]'"
expect_out <<'E'
["2026-01","a",null,0,null]
["2026-02","a",null,0,null]
["2026-01","b",0,2,null]
["2026-02","b",0.5,6,0]
E

tcase "-o csv: the values, the limited kpi empty" "$K -o csv $D/meta.jsonl | cut -d, -f1-7"
expect_out <<'E'
period,team,enquiries,late,median_h,won,answered
2026-01,a,8,0,4.5,,1
2026-02,a,0,0,,,
2026-01,b,2,0,1,0,
2026-02,b,6,1,12.5,0.5,1
E

bad() {	# bad NAME STATEMENT MESSAGE
	tcase "$1" "kpi-rollup -e 'by month(t), team' -e '$2' </dev/null"
	expect_rc 78
	expect_err <<E
$3
E
}
bad "for: a key not in by" 'kpi n = count() for channel in ["web"]' \
	"kpi-rollup: -e:2: kpi n: for channel: not a group key of \`by\`"
bad "for: strings only" 'kpi n = count() for team in [1]' \
	"kpi-rollup: -e:2:30: for team in [...]: a list of strings, as [\"sales\", \"service\"]"
bad "for: one per kpi" 'kpi n = count() for team in ["a"] for team in ["b"]' \
	"kpi-rollup: -e:2:35: one \`for\` per kpi"
bad "min_n: a whole number" 'kpi n = count() min_n 2.5' \
	"kpi-rollup: -e:2:23: min_n: a whole number of records, 0 or more"
bad "digits: 0 to 9" 'kpi n = count() digits 10' \
	"kpi-rollup: -e:2:24: digits: a whole number from 0 to 9"
bad "base_n is reserved" 'kpi base_n = count()' \
	"kpi-rollup: -e:2:5: 'base_n' is reserved for the rows kpi-rollup writes; choose another name"

tcase "--min-n: a whole number" "kpi-rollup --min-n x </dev/null"
expect_rc 64
expect_grep "^kpi-rollup: --min-n: 'x' is not a number from 0 to 1000000000000000" .err

done_testing
