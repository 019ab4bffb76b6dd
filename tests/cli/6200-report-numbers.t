#!/bin/sh
# kpi-report: what the numbers say (issue 18) - small bases, rates in
# percent and points, labels and titles, decimals, the summary, resolved
# flags, a manager's notes, Markdown that stays text.  The rows are written
# by hand as /work/wt/API-18.md has kpi-rollup and exc-flag write them.
. "$(dirname "$0")/../lib.sh"
M=$DATA/report-meta
export OPFLOW_NOW=2026-11-01T00:00:00Z

# ---- minimum counts ----
tcase "min_n: a change on a small base is shown, marked, explained" \
	"kpi-report -f text $M/monthly.jsonl | sed -n '/at a glance/,/^Owners/p' | grep '^  service\\|^\\*'"
expect_rc 0
expect_out <<'E'
  service           2  ▼ 75 %                28.3 bh  ▲ 25.7 bh*        50 %       =*                   50 %  ▼ 38 pp*         296  ▼ 4.5 %           7.6   ▼ 92 %*
* On fewer enquiries than 5, now or before: shown, not counted as a change.
E
tcase "min_n: the summary gives the base and never tells it as a change" \
	"kpi-report $M/monthly.jsonl | sed -n '/^## Summary/,/^## /p' | grep '^- '"
expect_out <<'E'
- 2 exceptions in 2026-10: 1 high, 1 medium (see Exceptions).
- service: Enquiries fell 75 % to 2 (owner: alice).
- sales: Enquiries rose 72 % to 50 (owner: alice).
- 9 more changes are in the table.
- Too few enquiries to compare: accounts: Web visits 0 on 0 enquiries; service: Median first response 28.3 bh on 2 enquiries; service: Conversion 50 % on 2 enquiries; and 2 more, marked \* in the table.
E
tcase "min_n: rows without low_n (no --compare) are held to min_n by their n" \
	"grep -v '\"period\":\"2026-10\",\"team\":\"service' $M/monthly.jsonl > part.jsonl; sed -n '/\"period\":\"2026-10\",\"team\":\"service/{s/,\"prev\":.*,\"kpi\"/,\"kpi\"/;p}' $M/monthly.jsonl > svc.jsonl; grep -c low_n svc.jsonl; cat part.jsonl svc.jsonl | kpi-report -f text | grep '^  service  *[0-9]'"
expect_rc 0
expect_out <<'E'
0
  service           2  ▼ 75 %                28.3 bh  ▲ 25.7 bh*        50 %       =*                   50 %  ▼ 38 pp*         296  ▼ 4.5 %           7.6   ▼ 92 %*
E

# ---- rates ----
tcase "rates: percent in the table, a change in points, no data is a dash" \
	"kpi-report $M/monthly.jsonl | grep '^| accounts\\|^| sales' | head -2 | cut -d'|' -f2,7-10"
expect_out <<'E'
 accounts | – |  | 85 % | ▼ 0.4 pp 
 sales | 45 % | ▼ 14 pp | 76 % | ▲ 1 pp 
E
tcase "rates: a rate over no records is no rate in the summary either" \
	"kpi-report $M/monthly.jsonl | grep -ci 'accounts: conversion'"
expect_rc 1
expect_out <<'E'
0
E
tcase "rates: in HTML the chart is in percent" \
	"kpi-report -f html $M/monthly.jsonl | grep -o '<title>sales, 2026-10: [0-9.]* %</title>'"
expect_out <<'E'
<title>sales, 2026-10: 45 %</title>
<title>sales, 2026-10: 76 %</title>
E

# ---- labels, glossary, titles ----
tcase "labels: the table's header, never the raw names" \
	"kpi-report $M/monthly.jsonl | grep '^| team' | head -1"
expect_out <<'E'
| team | Enquiries | change | Median first response | change | Conversion | change | First replies in time | change | Web visits | change | Satisfaction | change |
E
tcase "labels: the charts' captions and titles" \
	"kpi-report -f html $M/monthly.jsonl | grep -o '<figcaption>[^<]*' | sed 's/<figcaption>//'; kpi-report -f html $M/monthly.jsonl | grep -c 'median_resp_bh\\|first_reply_met'"
expect_out <<'E'
Enquiries
Median first response
Conversion
First replies in time
Web visits
Satisfaction
2
E
tcase "glossary: label, name, kind, unit, definition, base, owner" \
	"kpi-report $M/monthly.jsonl | sed -n '/^## Glossary/,\$p'"
expect_out <<'E'
## Glossary

- Enquiries (enquiries, a count); a change on fewer than 5 enquiries is marked \*; owner: alice.
- Median first response (median_resp_bh, in bh): median business hours from received_at to the first reply, quantile_cont; a change on fewer than 5 enquiries is marked \*; owner: dave.
- Conversion (conversion, a rate in %): enquiries won over enquiries quoted; a change on fewer than 5 enquiries is marked \*; owner: bob.
- First replies in time (first_reply_met, a rate in %): first replies within the SLA over all first replies; a change on fewer than 5 enquiries is marked \*; owner: dave.
- Web visits (visits, a count); a change on fewer than 5 enquiries is marked \*; owner: alice.
- Satisfaction (score); a change on fewer than 5 enquiries is marked \*; owner: bob.
E
tcase "glossary: a label that is the name, as kpi-rollup writes by default, not repeated" \
	"printf '%s\\n' '{\"period\":\"2026-10\",\"x\":1,\"kpi\":{\"by\":[],\"names\":[\"x\"],\"label\":{\"x\":\"x\"},\"kind\":{\"x\":\"value\"},\"unit\":{\"x\":\"h\"}}}' | kpi-report | tail -1"
expect_out <<'E'
- x (in h).
E
tcase "flags: their titles, never the rule's name" \
	"kpi-report $M/monthly.jsonl | grep -c 'breaches_up\\|conversion_low\\|replies_late'; kpi-report $M/monthly.jsonl | sed -n '/^## Exceptions/,/^## Trend/p' | grep '^- '"
expect_out <<'E'
0
- SLA breaches up, sales: 14 SLA breaches (7 the month before) (owner: dave)
- Conversion below target, sales: conversion fell to 45 % (owner: bob)
E

# ---- numbers ----
tcase "numbers: by digits, grouped, no float noise" \
	"kpi-report -f text $M/monthly.jsonl | grep -o '12,480\\|100\\.0\\|  7\\.6 \\|5\\.0 bh'"
expect_out <<'E'
5.0 bh
12,480
100.0
  7.6 
E
tcase "numbers: rows without metadata, the same rules" \
	"printf '%s\\n' '{\"period\":\"2026-10\",\"a\":99.95,\"b\":7.6000000000000005,\"c\":12480,\"d\":100.04}' | kpi-report | grep '^| [abcd] '"
expect_out <<'E'
| a | 99.95 |  | – |  |
| b | 7.6 |  | – |  |
| c | 12,480 |  | – |  |
| d | 100.04 |  | – |  |
E
tcase "numbers: kind and digits that cannot be are refused" \
	"sed '1s/\"kind\":{\"enquiries\":\"count\"/\"kind\":{\"enquiries\":\"percent\"/; 2s/\"digits\":{\"score\":1}/\"digits\":{\"score\":1.5}/' $M/monthly.jsonl > bad.jsonl; kpi-report bad.jsonl > /dev/null"
expect_rc 65
expect_err <<'E'
kpi-report: bad.jsonl:1: "kpi": "kind" must map names to "count", "rate" or "value"
kpi-report: bad.jsonl:2: "kpi": "min_n" must map names to counts, "digits" to 0 to 9
E

# ---- the summary ----
tcase "summary: five lines at most, the exceptions counted, not listed again" \
	"exc-flag -r $DATA/report/alerts.rules $DATA/report/monthly.jsonl | kpi-report | sed -n '/^## Summary/,/^## /p' | grep '^- '"
expect_out <<'E'
- 4 exceptions in 2026-10: 1 high, 1 medium, 2 low (see Exceptions).
- quote: median_resp_h fell from 4.4 h to 3.1 h (owner: dave).
- quote: enquiries rose 18 % to 165.
- repair: conversion rose 4.9 % to 0.64 (owner: alice).
- 4 more changes and groups are in the table and the trend.
E

# ---- resolved flags ----
tcase "resolved: not an exception, one line after them" \
	"kpi-report -f text $M/monthly.jsonl | sed -n '/^Exceptions/,/^Trend/p' | grep -c 'First replies late'; kpi-report -f text $M/monthly.jsonl | grep '^Resolved'"
expect_out <<'E'
1
Resolved: First replies late, service.
E
# exc-flag --state tells the end of an alert of a group that is no longer
# in the rows with a record of its keys and flags, no period
printf '%s\n' '{"team":"web form","flags":[{"name":"volume_drop","title":"Enquiries fell","severity":"medium","message":null,"owner":"alice","status":"resolved","since":"2026-09"}]}' > gone.jsonl
printf '%s\n' '{"team":"x","flags":[{"name":"volume_drop","severity":"medium","message":null,"owner":null}]}' > nope.jsonl
tcase "resolved: a group no longer in the rows, in the same line" \
	"cat $M/monthly.jsonl gone.jsonl | kpi-report -f text | grep '^Resolved'; cat $M/monthly.jsonl nope.jsonl | kpi-report -f text > /dev/null"
expect_rc 65
expect_out <<'E'
Resolved: First replies late, service; Enquiries fell, web form.
E
expect_err <<'E'
kpi-report: <stdin>:7: no "period": not a kpi-rollup row
E
tcase "resolved: --fail-on does not count it" \
	"sed 's/\"severity\":\"high\"/\"severity\":\"low\"/' $M/monthly.jsonl | sed 's/\"severity\":\"medium\",\"message\":\"only/\"severity\":\"critical\",\"message\":\"only/' | kpi-report --fail-on high > /dev/null"
expect_rc 0

# ---- notes ----
printf '%s\n' 'October was **short-staffed**: two of five on leave.' '' '- new phone system from the 14th' '- <b>not</b> & markup' > notes.md
tcase "notes: Markdown at the top, as written" "kpi-report --notes notes.md $M/monthly.jsonl | sed -n '1,8p'"
expect_rc 0
expect_out <<'E'
# KPI report 2026-10

October was **short-staffed**: two of five on leave.

- new phone system from the 14th
- <b>not</b> & markup

Period 2026-10, compared with 2026-09; 3 groups by team; 6 KPIs over 2 periods, 2026-09 to 2026-10.
E
tcase "notes: HTML preformatted and escaped" "kpi-report -f html --notes notes.md $M/monthly.jsonl > n.html && xmllint --noout n.html && sed -n '/<pre class=\"notes\">/,/<\\/pre>/p' n.html"
expect_out <<'E'
<pre class="notes">October was **short-staffed**: two of five on leave.

- new phone system from the 14th
- &lt;b&gt;not&lt;/b&gt; &amp; markup
</pre>
E
tcase "notes: a missing file, 66, no report" "kpi-report --notes nosuch.md $M/monthly.jsonl"
expect_rc 66
expect_out </dev/null
expect_err <<'E'
kpi-report: nosuch.md: No such file or directory
E
tcase "notes: not UTF-8, 65" "printf 'caf\\351\\n' > latin1.md; kpi-report --notes latin1.md $M/monthly.jsonl"
expect_rc 65
expect_err <<'E'
kpi-report: latin1.md: not UTF-8 text
E

# ---- Markdown that stays text ----
printf '%s\n' '{"period":"2026-10","team":"1. Sales ~~old~~ see http://x.io or a@b.com","enquiries":5}' > md.jsonl
printf '{"period":"2026-10","team":"- \342\200\256evil\342\200\254 #2","enquiries":6}\n' >> md.jsonl
tcase "Markdown: lists, strike-through, links and bidi controls escaped" \
	"kpi-report --title 'Harbour Heating & Plumbing' md.jsonl | grep '^# \\|^- \\|^| [^t:]' | sed -n 1,5p"
expect_out <<'E'
# Harbour Heating & Plumbing
- 1\. Sales \~\~old\~\~ see http\://x.io or a\@b.com: enquiries 5.
- \- evil #2: enquiries 6.
| 1\. Sales \~\~old\~\~ see http\://x.io or a\@b.com | 5 |  |
| \- evil #2 | 6 |  |
E
tcase "HTML and text: bidi controls dropped" \
	"kpi-report -f html md.jsonl | grep -c \"\$(printf '\\342\\200\\256')\"; kpi-report -f text md.jsonl | grep -c \"\$(printf '\\342\\200\\254')\""
expect_rc 1
expect_out <<'E'
0
0
E

done_testing
