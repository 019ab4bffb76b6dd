#!/bin/sh
# kpi-rollup: the row contract, every aggregate, periods, --compare, --fill,
# --from/--to, --tz, output formats, --partial/--merge, and every kind of
# bad input and bad definition with its exact message and status.
. "$(dirname "$0")/../lib.sh"
D=$DATA/kpi-rollup
G=$TESTS/cli/golden

tcase "built-in kpis.conf" "kpi-rollup $D/small.jsonl"
expect_rc 0
expect_out_file "$G/kpi-rollup-default.jsonl"
expect_err </dev/null

tcase "every aggregate, owners and units" "kpi-rollup -k $D/defs.conf $D/small.jsonl"
expect_rc 0
expect_out_file "$G/kpi-rollup-defs.jsonl"

tcase "--compare previous" "kpi-rollup --compare previous --min-n 0 $D/small.jsonl"
expect_out_file "$G/kpi-rollup-compare.jsonl"

tcase "--compare year --fill --from --to" "kpi-rollup --compare year --fill --from 2026-01 --to 2026-05 --min-n 0 $D/small.jsonl"
expect_out_file "$G/kpi-rollup-fill.jsonl"

tcase "-e statements, no period: \"all\"" "kpi-rollup -e 'by channel' -e 'kpi n = count()' -e 'kpi v = sum(value) where status == \"won\"' $D/small.jsonl"
expect_out <<'E'
{"period":"all","channel":"chat","n":1,"v":null,"base_n":{"n":1,"v":1},"kpi":{"by":["channel"],"names":["n","v"],"owner":{},"unit":{},"label":{"n":"n","v":"v"},"definition":{},"kind":{"n":"count","v":"value"},"min_n":{"n":5,"v":5},"digits":{}}}
{"period":"all","channel":"email","n":6,"v":1890.6,"base_n":{"n":6,"v":6},"kpi":{"by":["channel"],"names":["n","v"],"owner":{},"unit":{},"label":{"n":"n","v":"v"},"definition":{},"kind":{"n":"count","v":"value"},"min_n":{"n":5,"v":5},"digits":{}}}
{"period":"all","channel":"phone","n":2,"v":null,"base_n":{"n":2,"v":2},"kpi":{"by":["channel"],"names":["n","v"],"owner":{},"unit":{},"label":{"n":"n","v":"v"},"definition":{},"kind":{"n":"count","v":"value"},"min_n":{"n":5,"v":5},"digits":{}}}
{"period":"all","channel":"web","n":5,"v":1090,"base_n":{"n":5,"v":5},"kpi":{"by":["channel"],"names":["n","v"],"owner":{},"unit":{},"label":{"n":"n","v":"v"},"definition":{},"kind":{"n":"count","v":"value"},"min_n":{"n":5,"v":5},"digits":{}}}
E

tcase "-k and -e add up; no by: one row" "kpi-rollup -e 'kpi n = count()' -e 'kpi ch = distinct(lower(channel))' $D/small.jsonl"
expect_out <<'E'
{"period":"all","n":14,"ch":4,"base_n":{"n":14,"ch":14},"kpi":{"by":[],"names":["n","ch"],"owner":{},"unit":{},"label":{"n":"n","ch":"ch"},"definition":{},"kind":{"n":"count","ch":"count"},"min_n":{"n":5,"ch":5},"digits":{}}}
E

tcase "expression keys with as, null group last" "kpi-rollup -e 'by len(category) > 5 as long, category' -e 'kpi n = count()' -o tsv $D/small.jsonl"
expect_out <<'E'
period	long	category	n
all	false	quote	5
all	false		1
all	true	'=HYPERLINK("x")	1
all	true	billing	7
E

tcase "-o tsv: never quoted; a tab, line end or backslash escaped as the other programs' -o tsv" "printf '%s\n' '{\"team\":\"a\\tb \\\"q\\\" c\\nd\\\\e\"}' | kpi-rollup -e 'by team' -e 'kpi n = count()' -o tsv"
expect_out <<'E'
period	team	n
all	a\tb "q" c\nd\\e	1
E

for b in day week month quarter year; do
	tcase "period $b in --tz Europe/Berlin" "kpi-rollup --tz Europe/Berlin -e 'by $b(received_at)' -e 'kpi n = count()' -o csv $D/small.jsonl"
	expect_out_file "$G/kpi-rollup-$b.csv"
done

tcase "ISO week 53, compare year" "printf '%s\n' '{\"t\":\"2025-12-29T10:00:00Z\"}' '{\"t\":\"2026-12-31T10:00:00Z\"}' '{\"t\":\"2027-01-01T10:00:00Z\"}' '{\"t\":\"2027-01-04T10:00:00Z\"}' '{\"t\":\"2026-01-05T10:00:00Z\"}' | kpi-rollup -e 'by week(t)' -e 'kpi n = count()' --compare year --fill --from 2026-12-21 --to 2027-01-12 --min-n 0 -o csv"
expect_out <<'E'
period,n,prev.period,prev.n,delta.n,delta_pct.n
2026-W52,0,2025-W52,,,
2026-W53,2,,,,
2027-W01,1,2026-W01,1,0,0
2027-W02,0,2026-W02,1,-1,-100
E

tcase "29 February has no day a year before" "printf '%s\n' '{\"t\":\"2028-02-29\"}' '{\"t\":\"2027-02-28\"}' '{\"t\":\"2028-02-28\"}' | kpi-rollup -e 'by day(t)' -e 'kpi n = count()' --compare year --min-n 0 -o csv"
expect_out <<'E'
period,n,prev.period,prev.n,delta.n,delta_pct.n
2027-02-28,1,2026-02-28,,,
2028-02-28,1,2027-02-28,1,0,0
2028-02-29,1,,,,
E

tcase "-o md" "kpi-rollup -e 'by quarter(received_at), category' -e 'kpi n = count()' -e 'kpi p50 = median(value)' -o md $D/small.jsonl"
expect_out <<'E'
| period | category | n | p50 |
|:---|:---|---:|---:|
|  | =HYPERLINK("x") | 1 | -5 |
| 2025-Q1 | billing | 1 | 40 |
| 2026-Q1 | billing | 4 | 100.1 |
| 2026-Q2 | billing | 2 | 100 |
| 2026-Q1 | quote | 3 | 600 |
| 2026-Q2 | quote | 1 | 1500 |
|  | quote | 1 | 10 |
| 2026-Q1 |  | 1 | 75 |
E

tcase "-o table" "kpi-rollup -e 'by year(received_at)' -e 'kpi n = count()' -e 'kpi won = rate(status == \"won\")' -o table $D/small.jsonl"
expect_out <<'E'
period   n                won
------  --  -----------------
2025     1                  1
2026    11  0.545454545454545
         2                0.5
E

# cells from records are text, not markup or terminal control: the same
# escaping as kpi-report's tables
printf '%s\n' '{"c":"<b>*x*</b> | y_z"}' '{"c":"\u001b[31mred\ttab"}' '{"c":null}' > "$T/hostile.jsonl"
tcase "-o md escapes Markdown" "kpi-rollup -e 'by c' -e 'kpi n = count()' -o md $T/hostile.jsonl"
expect_out <<'E'
| period | c | n |
|:---|:---|---:|
| all | \<b>\*x\*\</b> \| y_z | 1 |
| all | �\[31mred tab | 1 |
| all |  | 1 |
E

tcase "-o table scrubs control characters" "kpi-rollup -e 'by c' -e 'kpi n = count()' -o table $T/hostile.jsonl"
expect_out <<'E'
period  c                 n
------  ----------------  -
all     <b>*x*</b> | y_z  1
all     �[31mred tab      1
all                       1
E

tcase "CSV cells that would run as formulas" "kpi-rollup -e 'by category' -e 'kpi n = count()' -o csv $D/small.jsonl"
expect_out <<'E'
period,category,n
all,"'=HYPERLINK(""x"")",1
all,billing,7
all,quote,5
all,,1
E

tcase "--stats: values and times that did not parse" "kpi-rollup -k $D/defs.conf --stats $D/small.jsonl 2>&1 >/dev/null | sed 's/\"seconds\":[0-9.]*/\"seconds\":S/'"
expect_out <<'E'
{"program":"kpi-rollup","in":14,"out":10,"rejected":0,"cells":10,"not_numbers":1,"not_times":1,"outside":0,"undated":2,"seconds":S}
E

tcase "--approx" "kpi-rollup --approx -e 'kpi p50 = median(value)' -e 'kpi p90 = p90(value)' -e 'kpi sd = stddev(value)' $D/small.jsonl"
expect_out <<'E'
{"period":"all","p50":90.57137796504898,"p90":846.5195562886174,"sd":455.110199442249,"base_n":{"p50":12,"p90":12,"sd":12},"kpi":{"by":[],"names":["p50","p90","sd"],"owner":{},"unit":{},"label":{"p50":"p50","p90":"p90","sd":"sd"},"definition":{},"kind":{"p50":"value","p90":"value","sd":"value"},"min_n":{"p50":5,"p90":5,"sd":5},"digits":{}}}
E

# ---- --partial and --merge ----
tcase "--partial then --merge" "head -5 $D/small.jsonl | kpi-rollup -k $D/defs.conf --partial > a && tail -n +6 $D/small.jsonl | kpi-rollup -k $D/defs.conf --partial > b && kpi-rollup -k $D/defs.conf --merge b a"
expect_out_file "$G/kpi-rollup-defs.jsonl"

tcase "--partial --from, then --merge --compare: the periods before --from are kept for prev" "kpi-rollup -k $D/defs.conf --compare previous --from 2026-02 $D/small.jsonl > one; kpi-rollup -k $D/defs.conf --partial --from 2026-02 $D/small.jsonl > st && kpi-rollup -k $D/defs.conf --merge --compare previous --from 2026-02 st | cmp - one && echo same"
expect_out <<'E'
same
E

tcase "a state row" "kpi-rollup -e 'by month(received_at)' -e 'kpi n = count()' -e 'kpi m = median(value)' --partial $D/small.jsonl | sort | head -2"
expect_out <<'E'
{"kpi_rollup_state":"01a8fb7d61d11c78","period":24301,"keys":[],"states":[{"rows":1,"nonnull":0,"hits":0,"nums":0},{"rows":1,"nonnull":1,"hits":0,"nums":1,"sum":[40],"min":40,"max":40,"values":"AAAAAAAAREA="}]}
{"kpi_rollup_state":"01a8fb7d61d11c78","period":24312,"keys":[],"states":[{"rows":4,"nonnull":0,"hits":0,"nums":0},{"rows":4,"nonnull":4,"hits":0,"nums":3,"sum":[8.526512829121202e-14,1050.1],"min":50,"max":900,"values":"ZmZmZmYGWUAAAAAAAABJQAAAAAAAIIxA"}]}
E

cat > "$T/states" <<'E'
{"kpi_rollup_state":"x"}
{"kpi_rollup_state":"0000000000000000","period":1,"keys":[],"states":[]}
E
tcase "--merge of what is not state" "cp $D/bad.jsonl . && kpi-rollup -e 'kpi n = count()' --merge states bad.jsonl"
expect_rc 65
expect_err <<'E'
kpi-rollup: states:1: not a kpi-rollup --partial state row
kpi-rollup: states:2: state of other KPI definitions ("0000000000000000", these are "f79b6e5bea89f01b"): give --merge the -k and -e of the --partial runs
kpi-rollup: bad.jsonl:1: not a kpi-rollup --partial state row
kpi-rollup: bad.jsonl:2:26: unexpected end of line, value expected
kpi-rollup: bad.jsonl:3:1: not a JSON object but an array
kpi-rollup: bad.jsonl:4: not a kpi-rollup --partial state row
E

# ---- bad definitions: file:line:column, exit 78, before any input ----
tcase "reserved name" "kpi-rollup -e 'kpi period = count()' </dev/null"
expect_rc 78
expect_err <<'E'
kpi-rollup: -e:1:5: 'period' is reserved for the rows kpi-rollup writes; choose another name
E
tcase "unknown aggregate" "kpi-rollup -e 'kpi n = cont()' </dev/null"
expect_rc 78
expect_err <<'E'
kpi-rollup: -e:1:9: unknown aggregate 'cont' (did you mean 'count'?) (count sum mean min max median pN stddev distinct rate first last)
E
tcase "percentile out of range" "kpi-rollup -e 'kpi n = p101(x)' </dev/null"
expect_rc 78
expect_err <<'E'
kpi-rollup: -e:1:9: p101: a percentile is p0 to p100 (p90, p99.9)
E
tcase "percentiles written as other numbers" "kpi-rollup -e 'kpi a = p1e1(x)' </dev/null; kpi-rollup -e 'kpi b = p0x32(x)' </dev/null"
expect_rc 78
expect_err <<'E'
kpi-rollup: -e:1:9: p1e1: a percentile is p0 to p100 (p90, p99.9)
kpi-rollup: -e:1:9: p0x32: a percentile is p0 to p100 (p90, p99.9)
E
tcase "quantiles of values near the largest double" "printf '{\"v\":-1.5e308}\\n{\"v\":1.5e308}\\n' | kpi-rollup -e 'kpi m = median(v)' -e 'kpi p = p75(v)' | cut -d, -f2,3; echo '{\"v\":1e308}' | kpi-rollup --approx -e 'kpi m = median(v)' | grep -c '\"m\":null'"
expect_out <<'E'
"m":0,"p":7.5e+307
0
E
tcase "by twice" "kpi-rollup -e 'by a' -e 'by b' -e 'kpi n = count()' </dev/null"
expect_rc 78
expect_err <<'E'
kpi-rollup: -e:2:1: `by` given twice (first on line 1)
E
tcase "expression key without a name" "kpi-rollup -e 'by len(a)' -e 'kpi n = count()' </dev/null"
expect_rc 78
expect_err <<'E'
kpi-rollup: -e:1:4: name this group key: len(a) as NAME
E
tcase "two periods" "kpi-rollup -e 'by quarter(t), year(t)' -e 'kpi n = count()' </dev/null"
expect_rc 78
expect_err <<'E'
kpi-rollup: -e:1:16: one period only: quarter() and year()
E
tcase "no kpi" "kpi-rollup -e 'by a' </dev/null"
expect_rc 78
expect_err <<'E'
kpi-rollup: no kpi defined
E
tcase "first() without a time" "kpi-rollup -e 'kpi n = first(a)' </dev/null"
expect_rc 78
expect_err <<'E'
kpi-rollup: -e:1: kpi n: first() needs a time: first(EXPR) by TIME, or a period in `by`
E
tcase "by TIME on another aggregate" "kpi-rollup -e 'kpi n = count() by t' </dev/null"
expect_rc 78
expect_err <<'E'
kpi-rollup: -e:1:17: `by TIME` goes with first() and last() only
E
tcase "unclosed call, missing parenthesis, missing owner" "cp $D/broken.conf . && kpi-rollup -k broken.conf </dev/null"
expect_rc 78
expect_err <<'E'
kpi-rollup: broken.conf:2:17: ')' expected, found end of line
kpi-rollup: broken.conf:3:9: '(' expected after mean
kpi-rollup: broken.conf:4:22: owner expected, found end of line
E
tcase "names twice" "kpi-rollup -e 'by a, b' -e 'kpi b = count()' -e 'kpi n = count()' -e 'kpi n = sum(x)' </dev/null"
expect_rc 78
expect_err <<'E'
kpi-rollup: -e:2:5: 'b' is already a group key
kpi-rollup: -e:4:5: kpi 'n' defined twice (first on line 3)
E
tcase "-k file that is not there" "kpi-rollup -k nothere.conf </dev/null"
expect_rc 66
expect_err <<'E'
kpi-rollup: nothere.conf: No such file or directory
E

# ---- bad options: exit 64 ----
tcase "--fill without a period" "kpi-rollup -e 'kpi n = count()' --fill </dev/null"
expect_rc 64
expect_err <<'E'
kpi-rollup: --fill, --compare, --from and --to need a period in `by` (day, week, month, quarter or year of a time)
Try 'kpi-rollup --help' for more information.
E
tcase "--compare last" "kpi-rollup --compare last </dev/null"
expect_rc 64
expect_grep "^kpi-rollup: --compare: 'last' is not previous or year" .err
tcase "-o xml" "kpi-rollup -o xml </dev/null"
expect_rc 64
expect_grep "^kpi-rollup: -o: 'xml' is not a format \(jsonl, csv, tsv, md, table\)" .err
tcase "--from tomorrow" "kpi-rollup --from tomorrow </dev/null"
expect_rc 64
expect_grep "^kpi-rollup: --from: 'tomorrow' is not a date or time" .err
tcase "--to before --from" "kpi-rollup --from 2026-03 --to 2026-02 </dev/null"
expect_rc 64
expect_grep "^kpi-rollup: --to is not after --from" .err
tcase "--partial --merge" "kpi-rollup --partial --merge </dev/null"
expect_rc 64
tcase "--fill over too many periods" "kpi-rollup -e 'by day(t)' -e 'kpi n = count()' --fill --from 1700-01-01 --to 2026-01-01 $D/small.jsonl"
expect_rc 64
expect_err <<'E'
kpi-rollup: --fill: 119069 periods from 1700-01-01 to 2025-12-31, more than 100000
E

# ---- bad input: named, kept aside, the rest counted, exit 65 ----
tcase "bad records" "cp $D/bad.jsonl . && kpi-rollup --rejects rej bad.jsonl"
expect_rc 65
expect_out <<'E'
{"period":"2026-01","category":"billing","enquiries":2,"median_resp_h":null,"p90_resp_h":null,"median_resp_bh":null,"sla_breaches":0,"conversion":0.5,"first_reply_met":null,"resolved_in_time":null,"sla_at_risk":0,"base_n":{"enquiries":2,"median_resp_h":0,"p90_resp_h":0,"median_resp_bh":0,"sla_breaches":2,"conversion":2,"first_reply_met":0,"resolved_in_time":0,"sla_at_risk":2},"kpi":{"by":["category"],"names":["enquiries","median_resp_h","p90_resp_h","median_resp_bh","sla_breaches","conversion","first_reply_met","resolved_in_time","sla_at_risk"],"owner":{},"unit":{"median_resp_h":"h","p90_resp_h":"h","median_resp_bh":"bh"},"label":{"enquiries":"Enquiries","median_resp_h":"Median first response","p90_resp_h":"First response, 90th percentile","median_resp_bh":"Median first response, business hours","sla_breaches":"SLA breaches","conversion":"Won","first_reply_met":"First replies in time","resolved_in_time":"Resolved in time","sla_at_risk":"Enquiries at risk"},"definition":{"enquiries":"enquiries received in the period (received_at)","median_resp_h":"median hours from received_at to the first reply (enq-link) or the CRM's responded_at; unanswered ones left out; quantile_cont","p90_resp_h":"90th percentile of the same hours: 9 in 10 answered enquiries were answered faster; quantile_cont","median_resp_bh":"median of the same time counted in business hours only (calendar.conf); quantile_cont","sla_breaches":"enquiries answered after their due_at (enq-route), or unanswered with due_at passed","conversion":"share of enquiries whose status is won (the CRM export)","first_reply_met":"share of first-reply targets met, of those judged so far (met or breached; enq-route's SLA policies)","resolved_in_time":"share of resolution targets met, of those judged so far (met or breached)","sla_at_risk":"enquiries with an SLA target 75 % used and not yet due"},"kind":{"enquiries":"count","median_resp_h":"value","p90_resp_h":"value","median_resp_bh":"value","sla_breaches":"count","conversion":"rate","first_reply_met":"rate","resolved_in_time":"rate","sla_at_risk":"count"},"min_n":{"enquiries":5,"median_resp_h":5,"p90_resp_h":5,"median_resp_bh":5,"sla_breaches":5,"conversion":5,"first_reply_met":5,"resolved_in_time":5,"sla_at_risk":5},"digits":{"median_resp_h":1,"p90_resp_h":1,"median_resp_bh":1}}}
E
expect_err <<'E'
kpi-rollup: bad.jsonl:2:26: unexpected end of line, value expected
kpi-rollup: bad.jsonl:3:1: not a JSON object but an array
E
expect_file rej <<'E'
{"id":"B2","received_at":
[1,2]
E
tcase "--strict stops, no rows" "kpi-rollup --strict bad.jsonl"
expect_rc 65
expect_out </dev/null

# float noise: 0.1 + 0.2 is 0.30000000000000004; a person's table shows
# 15 significant digits at most, csv keeps every one
printf '{"received_at":"2026-10-01T10:00:00Z","v":0.1}\n{"received_at":"2026-10-02T10:00:00Z","v":0.2}\n' > "$T/noise.jsonl"
tcase "-o table and md: no float noise; csv: every digit" \
	"for f in table md csv; do kpi-rollup -e 'by month(received_at)' -e 'kpi s = sum(v)' -o \$f noise.jsonl; done"
expect_out <<'E'
period     s
-------  ---
2026-10  0.3
| period | s |
|:---|---:|
| 2026-10 | 0.3 |
period,s
2026-10,0.30000000000000004
E

done_testing
