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

# a change too small to see at the KPI's decimals: 2.43 h to 2.41 h shows
# 2.4 h twice; the report said "fell from 2.4 h to 2.4 h" and "▼ 0.0 h".
# Alike as shown is unchanged; a change that shows has the decimals it
# takes not to read as none, as a rate's points have
K='"kpi":{"by":["team"],"names":["resp"],"unit":{"resp":"h"},"kind":{"resp":"value"},"min_n":{"resp":0}}'
printf '{"period":"2026-10","team":"%s","resp":%s,"prev":{"period":"2026-09","resp":%s},"delta":{"resp":null},"delta_pct":{"resp":null},%s}\n' \
	a 2.41 2.43 "$K" b 2.46 2.44 "$K" > "$T/unseen.jsonl"
tcase "change too small to see told as fell from 2.4 h to 2.4 h" \
	"kpi-report unseen.jsonl | sed -n '/^## Summary/,/^## Exc/p' | grep '^[-|] [ab]'"
expect_rc 0
expect_out <<'E'
- b: resp rose from 2.4 h to 2.5 h.
- a: resp unchanged at 2.4 h.
| a | 2.4 h | = |
| b | 2.5 h | ▲ 0.02 h |
E

# exc-flag --nagios: the metrics file (or the state) not written made the
# exit UNKNOWN but the status line still said CRITICAL; Nagios shows the
# line, so it must say UNKNOWN too
printf 'flag big high title "Big" when n > 5\n' > "$T/big.rules"
printf '{"id":"E1","n":10}\n' > "$T/big.jsonl"
tcase "nagios status line CRITICAL when the prom file was not written" \
	"exc-flag -r big.rules --nagios --prom no/such/dir/flags.prom big.jsonl"
expect_rc 3
expect_out <<'E'
EXC-FLAG UNKNOWN - the input could not be read or written (see standard error)
E
expect_err <<'E'
exc-flag: no/such/dir/flags.prom: No such file or directory
E

# monthly-report for the month not over yet judged it at its end: every
# enquiry unanswered today, due tomorrow, was counted as an SLA breach;
# and a month not begun gave an empty report
R=$TESTS/../scripts/monthly-report
mkdir "$T/cfg"
printf 'received_at,from,subject,team\n2026-10-14 09:00,a@example.com,Price for a boiler,sales\n2026-10-01 09:00,b@example.com,Price,sales\n' > "$T/cfg/crm.csv"
printf 'EXPORTS=crm.csv\nTZ_NAME=Europe/London\n' > "$T/cfg/monthly.conf"
tcase "monthly-report month not over judged at its end" \
	"mkdir o1 && OPFLOW_NOW=2026-10-14T12:00:00Z $R cfg o1 2026-10 && jq -c 'select(.period == \"2026-10\") | [.enquiries, .sla_breaches]' o1/kpis-2026-10.jsonl"
expect_rc 0
expect_out <<'E'
[2,1]
E
tcase "monthly-report month not begun reported empty" \
	"mkdir o2 && OPFLOW_NOW=2026-10-14T12:00:00Z $R cfg o2 2026-11; echo \$?; ls o2"
expect_rc 0
expect_out <<'E'
64
E
expect_err <<'E'
monthly-report: 2026-11 has not begun
E

# exc-flag --state over KPI rows: a month run again later (September's
# rows in November, a back-fill) resolved October's alert, a false
# all-clear, and the next run told it as new
K='"kpi":{"by":["team"],"names":["c"]}'
printf 'flag low medium title "Low" when c < 5\n' > "$T/low.rules"
echo "{\"period\":\"2026-10\",\"team\":\"a\",\"c\":1,$K}" > "$T/oct.jsonl"
echo "{\"period\":\"2026-09\",\"team\":\"a\",\"c\":9,$K}" > "$T/sep.jsonl"
tcase "state an older period run again resolves the current alert" \
	"exc-flag -r low.rules --state low.state --only --now 2026-11-01T00:00:00Z oct.jsonl | jq -r '.flags[].status'; exc-flag -r low.rules --state low.state --only --now 2026-11-02T00:00:00Z sep.jsonl; exc-flag -r low.rules --state low.state --only --now 2026-11-03T00:00:00Z oct.jsonl; sed -n 2p low.state"
expect_rc 0
expect_out <<'E'
new
a low {"team":"a"} 1 firing 2026-10 2026-11-01T00:00:00Z 2026-10
E

# --check's lint knew the KPI rows' base of its old name, n, not base_n
# (kpi-rollup's since issue 18): a rule on the base was warned of
printf 'flag small_base low when base_n.enquiries < 5 && delta.enquiries < 0\n' > "$T/base.rules"
tcase "lint unknown-field on base_n, the KPI rows' own field" \
	"exc-flag --check -r base.rules"
expect_rc 0
expect_out <<'E'
base.rules: 1 rule, 0 tests passed, 0 lint warnings
E
expect_err <<'E'
exc-flag: base.rules: note: no tests (test {record} -> {fields}, opflow-rules(5) TESTS)
E

# money with one decimal, "£1,234.5", as no invoice writes it: a currency
# has its pence, or none when they are zeros
K='"kpi":{"by":["team"],"names":["rev"],"unit":{"rev":"£"},"kind":{"rev":"value"},"min_n":{"rev":0}}'
printf '{"period":"2026-10","team":"%s","rev":%s,"prev":{"period":"2026-09","rev":%s},"delta":{"rev":null},"delta_pct":{"rev":null},%s}\n' \
	a 1234.5 -20.1 "$K" b 1250 1000 "$K" > "$T/money.jsonl"
tcase "currency shown with one decimal as £1,234.5" \
	"kpi-report -f text money.jsonl | grep '^  [ab] .*£' | tr -s ' '"
expect_rc 0
expect_out <<'E'
 a £1,234.50 ▲ £1,254.60
 b £1,250 ▲ £250
E

# kpis.conf's digits 10, which kpi-rollup took, made kpi-report turn away
# every row ("digits" 0 to 9): an empty report; refused where it is written
printf 'by month(received_at)\nkpi e = count()\nkpi m = median(n) digits 10\n' > "$T/d10.conf"
tcase "digits 10 taken by kpi-rollup, every row refused by kpi-report" \
	"echo '{\"received_at\":\"2026-10-01T00:00:00Z\",\"n\":1}' | kpi-rollup -k d10.conf"
expect_rc 78
expect_err <<'E'
kpi-rollup: d10.conf:3:26: digits: a whole number from 0 to 9
E

# monthly.conf's FAIL_ON= (never fail, as a manager who reads the mail
# anyway sets it) made kpi-report a usage error after all the work: no
# report at all, every month; a misspelt one too, found only at the end
cp -R "$TESTS/../share/examples" "$T/ex"
sed 's/^FAIL_ON=high$/FAIL_ON=/' "$T/ex/monthly.conf" > "$T/ex/m" && mv "$T/ex/m" "$T/ex/monthly.conf"
tcase "monthly-report FAIL_ON empty fails the run after the work" \
	"mkdir o3 && $R ex o3 2026-10; echo \$?; ls o3 | grep -c report-2026-10"
expect_rc 0
expect_out <<'E'
0
2
E
sed 's/^FAIL_ON=$/FAIL_ON=High/' "$T/ex/monthly.conf" > "$T/ex/m" && mv "$T/ex/m" "$T/ex/monthly.conf"
tcase "monthly-report FAIL_ON misspelt found after the work" "mkdir o4 && $R ex o4 2026-10"
expect_rc 78
expect_err <<'E'
monthly-report: monthly.conf: FAIL_ON: 'High' is not a severity (low, medium, high, critical)
E

# notes saved by Notepad begin with a byte order mark, which the report
# put before their first heading (no heading then, and a stray U+FEFF)
printf '\357\273\277# Boiler recall\nCalls were up.\n' > "$T/bom.md"
tcase "notes byte order mark kept before the first heading" \
	"kpi-report --notes bom.md money.jsonl | sed -n 3p | od -An -c | head -1"
expect_rc 0
expect_out <<'E'
   #       B   o   i   l   e   r       r   e   c   a   l   l  \n
E

# Markdown escaped every # and >: "Branch \#5 (C\#)", "x \> y" in a mail
# body, where they are no markup; only where a line starts, or closing a
# heading, are they
printf '{"period":"2026-10","team":"%s","c":1,"kpi":{"by":["team"],"names":["c"]}}\n' \
	'Branch #5 (C#) x > y' '# h' '> q' > "$T/hash.jsonl"
tcase "markdown escapes # and > where they are no markup" \
	"kpi-report --title 'Branch #5 ##' hash.jsonl | grep '^# \\|^- '"
expect_rc 0
expect_out <<'E'
# Branch #5 \#\#
- Branch #5 (C#) x > y: c 1.
- \# h: c 1.
- \> q: c 1.
E

done_testing
