#!/bin/sh
# scripts/monthly-report: the whole pipeline over share/examples, as cron
# runs it: the files it writes, the same bytes on a second run, exit
# status for exceptions, rejected input and failing steps, all or nothing.
. "$(dirname "$0")/../lib.sh"
S=$TESTS/../share/examples
M=$TESTS/../scripts/monthly-report
G=$TESTS/cli/golden

tcase "the example month: exceptions fired, so exit 1" "$M $S out 2026-10"
expect_rc 1
expect_err <<E
monthly-report: $T/out/report-2026-10.html: exceptions at or above high
E
tcase "the files of the month" "ls out; readlink out/latest.md; grep -c . out/kpis-2026-10.jsonl; grep -c '<svg' out/report-2026-10.html"
expect_out <<'E'
enquiries-2026-10.jsonl
kpis-2026-10.jsonl
latest.md
report-2026-10.html
report-2026-10.md
routed-2026-10.jsonl
report-2026-10.md
65
9
E
tcase "the Markdown report" "cat out/report-2026-10.md"
expect_out_file "$G/monthly-report-2026-10.md"
# enq-link ran: October's 31 mail enquiries carry their first response from the
# Sent folder (the follow-up and the out-of-office are no enquiries), so the
# SLA is judged on it: answered in time is no breach.
tcase "mail enquiries linked to the firm's replies" "jq -r 'select(.message_id != null) | if .first_response_at == null then \"unanswered\" elif .first_response_at > .due_at then \"late\" else \"in time\" end' out/routed-2026-10.jsonl | sort | uniq -c"
expect_out <<'E'
     18 in time
      8 late
      5 unanswered
E
# The month's files hold the month (in Europe/London: from 2026-09-30T23:00Z
# to 2026-10-31T24:00Z), one line per enquiry the KPI rows count for it,
# and routed-M.jsonl is enquiries-M.jsonl's enquiries, routed
tcase "the month's files hold the month, not the history" \
	"for f in enquiries routed; do jq -r 'if .received_at >= \"2026-09-30T23:00:00Z\" and .received_at < \"2026-11-01T00:00:00Z\" then \"in\" else .received_at end' out/\$f-2026-10.jsonl | sort | uniq -c; done; jq -s 'map(select(.period == \"2026-10\") | .enquiries) | add' out/kpis-2026-10.jsonl; jq -r .id out/enquiries-2026-10.jsonl > ids && jq -r .id out/routed-2026-10.jsonl | cmp - ids && echo same ids"
expect_out <<'E'
    206 in
    206 in
206
same ids
E
# the demo's report as a person sees it: in a browser, on a laptop and a
# phone, no sideways scrolling of the page (tables scroll in their box)
for width in 1280 390; do
	if have_browser; then
		tcase "the example month's HTML report fits $width pixels in Chromium" \
			"w=\$(\$BROWSER width out/report-2026-10.html $width) && if [ \"\$w\" -le $width ]; then echo fits; else echo \"\$w pixels wide\"; fi"
		expect_out <<'E'
fits
E
	else
		skip "/usr/bin/chromium is not installed (scripts/install-deps --test)"
	fi
done
tcase "a second run writes the same bytes" "cp -r out first && $M $S out 2026-10 2>/dev/null; for f in first/*; do cmp \$f out/\${f#first/} || exit 1; done && echo same"
expect_out <<'E'
same
E

# A business of its own: one export with a ragged row, its own rules.
mkdir -p "$T/biz"
cat > "$T/biz/monthly.conf" <<'C'
EXPORTS=enq.csv
FAIL_ON=critical
C
cat > "$T/biz/enq.csv" <<'C'
id,received_at,email,subject,status
A1,2026-09-03 10:00,a@example.com,Quote please,won
A2,2026-10-01 09:30,b@example.com,Boiler broken,open
A3,2026-10-02 11:00,c@example.com,Invoice query,extra,field
C
tcase "rejected input: the report is still written, exit 65" "$M biz out2 2026-10; s=\$?; ls out2; exit \$s"
expect_rc 65
expect_out <<'E'
enquiries-2026-10.jsonl
kpis-2026-10.jsonl
latest.md
rejects-2026-10.txt
report-2026-10.html
report-2026-10.md
routed-2026-10.jsonl
E
expect_grep 'enq.csv:4: ' .err
expect_grep 'some input rejected, kept in .*/out2/rejects-2026-10.txt' .err
tcase "the rejected row, as it was, under its header row" "cat out2/rejects-2026-10.txt"
expect_out <<'E'
id,received_at,email,subject,status
A3,2026-10-02 11:00,c@example.com,Invoice query,extra,field
E

# a record a later step turns away: kept under that step's name
mkdir -p "$T/biz4"
printf 'EXPORTS=enq.csv\nFAIL_ON=critical\n' > "$T/biz4/monthly.conf"
printf 'team t owners ann\nroute all -> t sla 4h\n' > "$T/biz4/route.rules"
printf 'id,received_at,email,subject\nB1,2026-10-01 09:30,b@example.com,Boiler broken\nB2,9999-12-31 23:00,c@example.com,Far future\n' > "$T/biz4/enq.csv"
tcase "a record enq-route rejects" "$M biz4 out4 2026-10 2>err; s=\$?; ls out4 | grep rejects; grep -c B2 out4/rejects-2026-10.enq-route.jsonl; grep -o 'kept in .*' err | sed 's|$T/||g'; exit \$s"
expect_rc 65
expect_out <<'E'
rejects-2026-10.enq-route.jsonl
1
kept in out4/rejects-2026-10.enq-route.jsonl
E

tcase "a broken rule file: that step's status, nothing written" "printf 'kpi x = nosuch(1)\n' > biz/kpis.conf; $M biz out3 2026-10; s=\$?; ls -A out3; exit \$s"
expect_rc 78
expect_out < /dev/null
expect_grep 'monthly-report: kpi-rollup failed \(exit 78\)' .err

# flags on an earlier month's rows are in the report, not in the status
mkdir -p "$T/biz5"
printf 'EXPORTS=enq.csv\nTZ_NAME=UTC\n' > "$T/biz5/monthly.conf"
printf 'flag september high when period == "2026-09" message "old news"\n' > "$T/biz5/alerts.rules"
printf 'by month(received_at), category\nkpi enquiries = count()\n' > "$T/biz5/kpis.conf"
printf 'id,received_at,email,subject,category\nC1,2026-09-03 10:00,a@example.com,Quote,quote\nC2,2026-09-04 10:00,b@example.com,Leak,repair\nC3,2026-10-01 09:30,c@example.com,Quote,quote\n' > "$T/biz5/enq.csv"
tcase "high flags on September's rows only: October's run exits 0" "$M biz5 out5 2026-10 && grep 'earlier periods' out5/report-2026-10.md"
expect_rc 0
expect_out <<'E'
2 more flags on rows of earlier periods, not listed.
E
tcase "... and September's exits 1" "$M biz5 out5 2026-09"
expect_rc 1
tcase "latest.md stays at the newest month when an older one is run" "readlink out5/latest.md"
expect_out <<'E'
report-2026-10.md
E
# --fill: repair had enquiries in September and none in October
tcase "a group with no enquiries this month still has its row, of zeros" \
	"grep '\"period\":\"2026-10\"' out5/kpis-2026-10.jsonl | grep -o '\"category\":\"[a-z]*\",\"enquiries\":[0-9]*'"
expect_out <<'E'
"category":"quote","enquiries":1
"category":"repair","enquiries":0
E

# a folder with a space in its name, PARSE_OPTS naming a file in it
mkdir -p "$T/my biz"
cp "$T/biz5/enq.csv" "$T/my biz/"
printf 'EXPORTS=enq.csv\nPARSE_OPTS="--ours-file ours.txt"\n' > "$T/my biz/monthly.conf"
printf '@heatco.example\n' > "$T/my biz/ours.txt"
printf 'team t owners ann\nroute all -> t sla 4h\n' > "$T/my biz/route.rules"
tcase "CONFIG_DIR with a space; PARSE_OPTS' files are the config folder's" \
	"$M 'my biz' 'out 6' 2026-10 && grep -c '\"owner\":\"ann\"' 'out 6/routed-2026-10.jsonl'"
expect_rc 0
expect_out <<'E'
1
E
# the manager's notes for the month, from the config folder, on top of
# both reports as written; another month's are not this month's
printf '%s\n' 'October: **two of five** on leave; the new phone system from the 14th.' > "$T/my biz/notes-2026-10.md"
printf '%s\n' 'September notes' > "$T/my biz/notes-2026-09.md"
tcase "notes-YYYY-MM.md in the config folder: at the top of the month's reports" \
	"$M 'my biz' 'out 7' 2026-10 && sed -n 3p 'out 7/report-2026-10.md'; grep -c 'two of five' 'out 7/report-2026-10.html'; grep -c 'September notes' 'out 7/report-2026-10.md'"
expect_out <<'E'
October: **two of five** on leave; the new phone system from the 14th.
1
0
E

# no month: the month before, where the business is.  At 00:30 on
# 1 November in Auckland it is still 31 October in UTC.
mkdir -p "$T/fake"
cat > "$T/fake/date" <<'D'
#!/bin/sh
for a; do [ "$a" = -d ] && exec /bin/date "$@"; done
exec /bin/date -d @1793446200 "$@"
D
chmod +x "$T/fake/date"
printf 'EXPORTS=enq.csv\nTZ_NAME=Pacific/Auckland\n' > "$T/biz5/monthly.conf"
tcase "no month given: last month in TZ_NAME, not in UTC" "PATH=$T/fake:\$PATH $M biz5 out7; ls out7 | grep report"
expect_out <<'E'
report-2026-10.html
report-2026-10.md
E

# a run killed outright leaves its work folder; the next one removes it,
# on this host; another host's, or a live process's (another user's too:
# pid 1 is root's, and kill -0 on it fails for others), are kept
host=$(uname -n | tr -c 'A-Za-z0-9\n-' _)
sh -c 'echo $$' > "$T/deadpid"
mkdir -p "$T/out5/.monthly-report.$host.$(cat "$T/deadpid").Xy12ab" "$T/out5/.monthly-report.$host.$$.live" \
	"$T/out5/.monthly-report.$host.1.init" "$T/out5/.monthly-report.otherhost.$(cat "$T/deadpid").Zz99"
tcase "a dead run's work folder is removed; a live one's, pid 1's and another host's kept" "$M biz5 out5 2026-10; ls -A out5 | grep '^\.monthly-report' | sed 's/\.[0-9]*\.[A-Za-z0-9]*\$//; s/^\.monthly-report\.$host\$/this host/' | sort"
expect_out <<'E'
.monthly-report.otherhost
this host
this host
E

tcase "--help" "$M --help"
expect_rc 0
expect_grep '^usage: monthly-report CONFIG_DIR OUT_DIR \[YYYY-MM\]' .out
tcase "usage" "$M biz"
expect_rc 64
tcase "not a month" "$M biz out 2026-13"
expect_rc 64
expect_err <<'E'
monthly-report: '2026-13' is not YYYY-MM
E
tcase "no such config directory" "$M nosuch out 2026-10"
expect_rc 66
tcase "no monthly.conf" "mkdir -p empty; $M empty out 2026-10"
expect_rc 66
expect_grep 'empty/monthly.conf: not found' .err

done_testing
