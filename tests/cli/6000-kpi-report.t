#!/bin/sh
# kpi-report: the three formats on KPI rows flagged by exc-flag, the
# commentary, empty and bad input, and -o writing whole files or none.
. "$(dirname "$0")/../lib.sh"
D=$DATA/report
G=$TESTS/cli/golden
export OPFLOW_NOW=2026-11-01T00:00:00Z

exc-flag -r "$D/alerts.rules" "$D/monthly.jsonl" > flagged.jsonl

# ---- the formats, exactly ----
tcase "Markdown, the default" "kpi-report flagged.jsonl"
expect_rc 0
expect_out_file "$G/kpi-report-monthly.md"
expect_err </dev/null

tcase "from a pipe, the same" "exc-flag -r $D/alerts.rules $D/monthly.jsonl | kpi-report -f md -"
expect_out_file "$G/kpi-report-monthly.md"

tcase "text for a terminal" "kpi-report -f text flagged.jsonl"
expect_rc 0
expect_out_file "$G/kpi-report-monthly.txt"

tcase "one group: a KPI per line" "kpi-report $D/single.jsonl"
expect_out_file "$G/kpi-report-single.md"

tcase "rows without metadata" "kpi-report -f text $D/nometa.jsonl"
expect_out_file "$G/kpi-report-nometa.txt"

tcase "--period and --title" "kpi-report --period 2026-08 --title 'Harbour Heating, August' flagged.jsonl"
expect_out_file "$G/kpi-report-2026-08.md"

tcase "--periods limits the trend" "kpi-report -n 2 flagged.jsonl | grep '^## Trend'; kpi-report --periods 1 -f text flagged.jsonl | grep '^Trend'"
expect_out <<'E'
## Trend, 2026-09 to 2026-10
Trend, 2026-10
E

tcase "the commentary of the issue" "kpi-report $D/single.jsonl | sed -n '/^## Summary/,/^## /p' | grep '^- '"
expect_out <<'E'
- 1 exception in 2026-10: 1 high (see Exceptions).
- median_resp_h fell from 5.1 h to 3.4 h (owner: dave).
- Enquiries rose 18 % to 412.
- Conversion rose 11 % to 0.31.
E

tcase "five lines at most, the rest counted" "for i in 01 02 03 04 05 06 07 08 09 10 11 12; do echo \"{\\\"period\\\":\\\"2026-09\\\",\\\"g\\\":\\\"g\$i\\\",\\\"x\\\":100}\"; echo \"{\\\"period\\\":\\\"2026-10\\\",\\\"g\\\":\\\"g\$i\\\",\\\"x\\\":1\$i}\"; done > many.jsonl; kpi-report many.jsonl | grep '^- ' | sed -n '1p;4,6p'"
expect_out <<'E'
- g12: x rose 12 % to 112.
- g09: x rose 9.0 % to 109.
- 8 more changes are in the table.
E
tcase "rises from zero: the biggest first (from 0 as from 1), the rest counted" "sed 's/:100}/:0}/' many.jsonl | kpi-report | grep '^- ' | sed -n '1p;5p'"
expect_out <<'E'
- g12: x rose from 0 to 112.
- 8 more changes are in the table.
E
tcase "figures unchanged, counted" "sed 's/\"x\":1[01][0-9]}/\"x\":100}/' many.jsonl | kpi-report | grep '^- ' | sed -n '1p;5p'"
expect_out <<'E'
- g01: x unchanged at 100.
- 8 other figures unchanged.
E

# ---- HTML: one file, nothing loaded, a chart per KPI ----
tcase "HTML" "kpi-report -f html -o report.html flagged.jsonl"
expect_rc 0
expect_out </dev/null
tcase "HTML is well-formed" "xmllint --noout report.html && head -1 report.html"
expect_out <<'E'
<!DOCTYPE html>
E
tcase "HTML loads nothing" "grep -ciE 'https?:|src=|href=|url\\(|@import|<script|<link' report.html"
expect_out <<'E'
0
E
tcase "HTML has one chart per KPI" "grep -o '<svg[^>]*aria-label=\"[^\"]*\"' report.html | sed 's/.*aria-label=//'"
expect_out <<'E'
"enquiries"
"median_resp_h"
"conversion"
E
tcase "HTML: a line per group, a dot per value" "grep -o '<path class=\"line\"' report.html | wc -l; grep -o '<circle' report.html | wc -l"
expect_out <<'E'
14
49
E
tcase "HTML: changes with arrows, exceptions by severity with owners" "grep -o '▲ 18 %\\|▼ 1.3 h' report.html; grep -o '<h3 class=\"sev-[a-z]*\">[^<]*' report.html; grep -c 'owner: dave' report.html"
expect_out <<'E'
▲ 18 %
▼ 1.3 h
<h3 class="sev-high">High (1)
<h3 class="sev-medium">Medium (1)
<h3 class="sev-low">Low (2)
3
E
tcase "HTML: a group keeps its colour in every chart" "grep -o '<li><span class=\"swatch\" style=\"background:#[0-9a-f]*\"></span>quote' report.html | sort -u | wc -l"
expect_out <<'E'
1
E
tcase "HTML: --series 2 draws the largest two" "kpi-report -f html --series 2 flagged.jsonl | grep -o 'the 2 largest of [0-9]* groups in [0-9-]*'"
expect_out <<'E'
the 2 largest of 5 groups in 2026-10
the 2 largest of 5 groups in 2026-10
the 2 largest of 4 groups in 2026-10
E
tcase "HTML: one period is drawn as bars" "kpi-report -f html -n 1 flagged.jsonl > bars.html; xmllint --noout bars.html; grep -c '<rect' bars.html; grep -c 'class=\"line\"' bars.html"
expect_out <<'E'
11
0
E

what="HTML in a browser"
if have_browser; then
	# a real browser lays the page out and paints it: a page that failed
	# to render gives a blank (small) PNG
	tcase "HTML in a browser" "\$BROWSER shot report.html shot.png 1200 2000; od -An -tx1 -j16 -N8 shot.png | tr -d ' \\n'; echo; [ \$(wc -c < shot.png) -gt 60000 ] && echo big enough"
	expect_out <<'E'
000004b0000007d0
big enough
E
else
	skip "/usr/bin/chromium is not installed (scripts/install-deps --test)"
fi

# ---- no data ----
tcase "empty input: a report that says so" "kpi-report < /dev/null"
expect_rc 0
expect_out <<'E'
# KPI report

No KPI rows were read: there is no data to report.
E
tcase "empty input, text" "printf '\\n  \\n' | kpi-report -f text --title 'Monthly report'"
expect_out <<'E'
Monthly report
==============

No KPI rows were read: there is no data to report.
E
tcase "empty input, HTML" "kpi-report -f html /dev/null > empty.html && xmllint --noout empty.html && grep -c '<svg' empty.html; grep -o '<p>No KPI.*</p>' empty.html"
expect_out <<'E'
0
<p>No KPI rows were read: there is no data to report.</p>
E
tcase "a period with no rows" "kpi-report --period 2027-01 flagged.jsonl"
expect_rc 0
expect_out <<'E'
# KPI report 2027-01

No KPI rows for 2027-01: the data covers 2026-06 to 2026-10.
E

# ---- bad input: named, kept aside, the report made of the rest ----
cp "$D/bad.jsonl" .
tcase "bad rows" "kpi-report --rejects rej.jsonl -f text bad.jsonl | sed -n '/at a glance/,/^\$/p'"
expect_rc 0
expect_out <<'E'
2026-10 at a glance
-------------------

E
tcase "bad rows: messages and status" "kpi-report --rejects rej.jsonl bad.jsonl > out.md"
expect_rc 65
expect_err <<'E'
kpi-report: bad.jsonl:2:32: unexpected end of line, value expected
kpi-report: bad.jsonl:3: no "period": not a kpi-rollup row
kpi-report: bad.jsonl:4: "period" is not a string
kpi-report: bad.jsonl:5: "kpi": "by" and "names" must be arrays of strings
kpi-report: bad.jsonl:6: flag 1: severity "urgent" is not low, medium, high or critical
kpi-report: bad.jsonl:7: "flags" is not an array
kpi-report: bad.jsonl:8: a second row for quote, period 2026-10
kpi-report: bad.jsonl:9: group keys differ from the first row's
kpi-report: bad.jsonl:10:1: not a JSON object but an array
E
# a second row for a group and period is turned away whole: its extra
# KPI, unit and owner change nothing
printf '%s\n' '{"period":"2026-10","g":"a","x":1,"kpi":{"by":["g"],"names":["x"]}}' '{"period":"2026-10","g":"a","x":1,"typo":99,"kpi":{"by":["g"],"names":["x","typo"],"unit":{"x":"£"},"owner":{"x":"mallory"}}}' > dup.jsonl
tcase "a duplicate row changes nothing" "kpi-report -f text dup.jsonl | grep -c 'typo\\|£\\|mallory'"
expect_out <<'E'
0
E
expect_err <<'E'
kpi-report: dup.jsonl:2: a second row for a, period 2026-10
E
# values at the ends of the double range: changes too large for a
# percentage are said from-to, and the charts' coordinates stay numbers
printf '%s\n' '{"period":"2026-09","g":"a","x":-1.7e308,"y":1e-320}' '{"period":"2026-10","g":"a","x":1.7e308,"y":1}' > extreme.jsonl
tcase "changes past a percentage, and near DBL_MAX" "kpi-report -f text extreme.jsonl | grep 'rose'; kpi-report -f html extreme.jsonl | grep -c 'nan\\|inf'"
expect_out <<'E'
  - a: x rose from -1.7e+308 to 1.7e+308.
  - a: y rose from 0 to 1.
0
E
tcase "a KPI name that starts with a space" "printf '%s\\n' '{\"period\":\"2026-09\",\" x\":1}' '{\"period\":\"2026-10\",\" x\":2}' | kpi-report | grep -A2 '^## Summary'"
expect_out <<'E'
## Summary

-  x rose 100 % to 2.
E
# group values that would run together if keys were only joined
printf '%s\n' '{"period":"2026-10","a":"p\u001f4q","b":"r","n":1}' '{"period":"2026-10","a":"p","b":"q\u001f4r","n":2}' > coll.jsonl
tcase "two groups whose values join alike: two rows in the table and the trend" "kpi-report -f text coll.jsonl | grep -c '^  p'"
expect_rc 0
expect_out <<'E'
4
E
# \u0000 in a key: valid JSON that jansson, which reads "kpi" and
# "flags", refuses; a bad row, not a failure
printf '%s\n' '{"period":"2026-10","category":"a","enquiries":1,"kpi":{"by":["category"],"names":["enquiries"],"\u0000":1}}' \
	'{"period":"2026-10","category":"b","enquiries":2,"kpi":{"by":["category"],"names":["enquiries"]},"flags":[{"\u0000":1}]}' \
	'{"period":"2026-10","category":"c","enquiries":3,"kpi":{"by":["category"],"names":["enquiries"]}}' > nul.jsonl
tcase "\\u0000 in a key of kpi or flags" "kpi-report -f text nul.jsonl > nul.txt; echo \$?; grep -c '^  c  ' nul.txt"
expect_out <<'E'
65
2
E
expect_err <<'E'
kpi-report: nul.jsonl:1: "kpi": a key holds \u0000
kpi-report: nul.jsonl:2: "flags": a key holds \u0000
E
tcase "bad rows: the report has the good ones" "grep '^| [a-z]' out.md"
expect_out <<'E'
| category | enquiries | change |
| quote | 12 |  |
| repair | 30 |  |
| category | enquiries |
| quote | █ |
| repair | █ |
E
tcase "bad rows: rejects hold them as they were" "sed -n '2,10p' bad.jsonl | cmp - rej.jsonl && echo same"
expect_out <<'E'
same
E
tcase "--stats: lines in = rows + rejected" "kpi-report --stats bad.jsonl 2>&1 >/dev/null | tail -1 | sed 's/,\"seconds.*//'"
expect_out <<'E'
{"program":"kpi-report","in":11,"out":0,"rejected":9,"groups":2,"periods":1
E
tcase "--strict: no report from bad input" "echo old > r.md; kpi-report --strict -o r.md bad.jsonl; echo \$?; cat r.md; ls -a | grep -c '^\\.r\\.md'"
expect_out <<'E'
65
old
0
E
expect_err <<'E'
kpi-report: bad.jsonl:2:32: unexpected end of line, value expected
E
tcase "--strict on stdout writes nothing" "kpi-report --strict bad.jsonl 2>/dev/null | wc -c"
expect_out <<'E'
0
E
tcase "a missing file: named, the others still read" "kpi-report nosuch $D/single.jsonl | head -1"
expect_out <<'E'
# KPI report 2026-10
E
expect_err <<'E'
kpi-report: nosuch: No such file or directory
E
tcase "a missing file: exit 66" "kpi-report nosuch $D/single.jsonl >/dev/null 2>&1"
expect_rc 66

# ---- hostile values: never markup, never a terminal escape ----
tcase "hostile text: terminal" "kpi-report -f text $D/hostile.jsonl > h.txt; LC_ALL=C grep -c \"\$(printf '\\033')\" h.txt; LC_ALL=C grep -c \"\$(printf '\\302\\205')\" h.txt; grep -c '�\\[31mred' h.txt"
expect_out <<'E'
0
0
1
E
tcase "hostile text: HTML" "kpi-report -f html $D/hostile.jsonl > h.html; xmllint --noout h.html && grep -c '<script\\|<b>' h.html; grep -o 'o&#39;neil' h.html | head -1"
expect_out <<'E'
0
o&#39;neil
E
tcase "hostile text: Markdown" "kpi-report $D/hostile.jsonl | grep -F '| a\\|b'"
expect_out <<'E'
| a\|b \*c\* \<script>alert(1)\</script> | 3 |  |
| a\|b \*c\* \<script>alert(1)\</script> | █ |
E

# ---- -o: the file appears whole, or not at all ----
tcase "-o writes the file, and nothing else" "umask 022; kpi-report -f text -o r.txt flagged.jsonl; echo \$?; cmp r.txt $G/kpi-report-monthly.txt && ls -l r.txt | cut -c1-10; ls -a | grep -c '^\\.r\\.txt'"
expect_out <<'E'
0
-rw-r--r--
0
E
tcase "-o replaces a report" "echo old > r.md; kpi-report -o r.md $D/single.jsonl && head -1 r.md"
expect_out <<'E'
# KPI report 2026-10
E
tcase "-o: a write that fails leaves the old file" "echo old > r.html; (trap '' XFSZ; ulimit -f 1; kpi-report -f html -o r.html flagged.jsonl); echo \$?; cat r.html; ls -a | grep -c '^\\.r\\.html'"
expect_out <<'E'
74
old
0
E
expect_err <<'E'
kpi-report: r.html: File too large
E
tcase "-o: the file's name says the format, -f overrides it" "kpi-report -o a.html flagged.jsonl; kpi-report -o a.txt flagged.jsonl; kpi-report -f md -o b.html flagged.jsonl; kpi-report -o a.md flagged.jsonl; head -qn1 a.html a.txt b.html a.md"
expect_out <<'E'
<!DOCTYPE html>
KPI report 2026-10
# KPI report 2026-10
# KPI report 2026-10
E
tcase "-o in a missing directory" "kpi-report -o nodir/r.md flagged.jsonl"
expect_rc 74
expect_err <<'E'
kpi-report: nodir/r.md: No such file or directory
E
tcase "output to a full disk" "kpi-report flagged.jsonl > /dev/full"
expect_rc 74
expect_err <<'E'
kpi-report: write error: No space left on device
E

# ---- the examples of kpi-report(1) ----
tcase "man: the trend in a terminal" "kpi-report -f text flagged.jsonl | sed -n '/^Trend/,\$p'"
expect_out <<'E'
Trend, 2026-06 to 2026-10
-------------------------

One mark per period, from each row's lowest value to its highest.

  category   enquiries  median_resp_h  conversion
  ---------  ---------  -------------  ----------
  quote      ▃▄▁▅█      ▅▄█▆▁          ▃▅▁▂█
  repair     ▄▁█▇▇      ▁▄█▅▅          ▆▃▁▅█
  complaint  ▅▃·▁█      ▂▁··█          ·····
  drainage   ·▄▁█·      ·▁█▅·          ·█▁▄·
  boiler     ····█      ····█          ····█
E
tcase "man: last quarter's report" "kpi-report --period 2026-09 -n 24 -f html -o q3.html flagged.jsonl && grep -c '<svg' q3.html; grep -o '<h1>[^<]*' q3.html; grep -c 2026-10 q3.html"
expect_out <<'E'
3
<h1>KPI report 2026-09
1
E

# ---- usage ----
tcase "--help on stdout" "kpi-report --help | head -1"
expect_rc 0
expect_out <<'E'
Usage: kpi-report [-f md|html|text] [-o FILE] [options] [file...]
E
tcase "bad --format" "kpi-report -f pdf"
expect_rc 64
expect_err <<'E'
kpi-report: --format: 'pdf' is not md, html or text
Try 'kpi-report --help' for more information.
E
tcase "bad --periods" "kpi-report --periods 0 </dev/null"
expect_rc 64
tcase "--version" "kpi-report --version"
expect_out <<'E'
kpi-report (opflow) 0.1.0
E

# Regression: metadata naming more KPIs than the first allocation holds
# (a pointer taken before the array grew: a crash).
tcase "nine KPIs with owners and units" "kpi-report -f text $D/nine-kpis.jsonl | grep -c 'owner: bob'"
expect_rc 0
expect_out <<'E'
4
E

# --fail-on: the reported period's flags only
K='"kpi":{"by":["team"],"names":["enquiries"]}'
printf '%s\n' \
	"{\"period\":\"2026-09\",\"team\":\"a\",\"enquiries\":1,$K,\"flags\":[{\"name\":\"x\",\"severity\":\"critical\",\"message\":null,\"owner\":null}]}" \
	"{\"period\":\"2026-10\",\"team\":\"a\",\"enquiries\":2,$K,\"flags\":[{\"name\":\"y\",\"severity\":\"medium\",\"message\":null,\"owner\":null}]}" > failon.jsonl
tcase "--fail-on high: a critical flag on September's row, October reported: 0" "kpi-report --fail-on high failon.jsonl > /dev/null"
expect_rc 0
tcase "--fail-on high, --period 2026-09: the report still written" "kpi-report --fail-on high --period 2026-09 failon.jsonl | grep -c '^### Critical'"
expect_rc 0
expect_out <<'E'
1
E
tcase "--fail-on high --period 2026-09: status 1" "kpi-report --fail-on high --period 2026-09 -o r.md failon.jsonl"
expect_rc 1
tcase "--fail-on medium: October's medium flag: 1" "kpi-report --fail-on medium -o r.md failon.jsonl"
expect_rc 1
tcase "--fail-on: not a severity" "kpi-report --fail-on urgent failon.jsonl"
expect_rc 64
expect_err <<'E'
kpi-report: --fail-on: 'urgent' is not a severity (low, medium, high, critical)
Try 'kpi-report --help' for more information.
E

done_testing
