#!/bin/sh
# share/examples: the example business's data reads cleanly, enq-link ties
# it together, and the CRM export, the Sent folder and the CRM snapshot are
# what their generators make.
. "$(dirname "$0")/../lib.sh"
S=$TESTS/../share/examples

tcase "the maildir, every message" "enq-parse --stats $S/maildir 2>&1 >mail.jsonl | sed 's/,\"seconds.*//'"
expect_out <<'E'
{"program":"enq-parse","in":35,"out":35,"rejected":0,"defective":0,"incomplete":0
E
tcase "the maildir's MIME, decoded" "grep -c '\"attachments\":\\[{' mail.jsonl; grep -o '“Thanks in advance” – Priya' mail.jsonl; grep -o '\"filename\":\"Plän Erdgeschoss.pdf\"' mail.jsonl; grep -o '\"subject\":\"Power flush price - urgent ½ day\"' mail.jsonl; grep -c 'track(' mail.jsonl"
expect_out <<'E'
4
“Thanks in advance” – Priya
"filename":"Plän Erdgeschoss.pdf"
"subject":"Power flush price - urgent ½ day"
0
E
tcase "the web form" "enq-parse --stats $S/webform.csv 2>&1 >/dev/null | sed 's/,\"seconds.*//'"
expect_out <<'E'
{"program":"enq-parse","in":60,"out":60,"rejected":0
E
tcase "the CRM export" "enq-parse $S/crm.csv > crm.jsonl; echo \$?; wc -l < crm.jsonl; cut -c1-20 crm.jsonl | sort | uniq -d | wc -l"
expect_out <<'E'
0
1456
0
E
tcase "exc-flag reads them all" "cat mail.jsonl crm.jsonl | exc-flag --stats --now 2026-11-01T09:00:00Z 2>&1 >/dev/null | sed 's/,\"seconds.*//'"
expect_out <<'E'
{"program":"exc-flag","in":1491,"out":1491,"rejected":0,"flagged":0
E
tcase "crm.csv is what scripts/gen-example-crm makes" "python3 $TESTS/../scripts/gen-example-crm | cmp - $S/crm.csv && echo same"
expect_out <<'E'
same
E
tcase "enq-link: replies, the out-of-office, the follow-up, the snapshots" "enq-parse --dedup $S/maildir $S/sent $S/webform.csv $S/crm-2026-10-15.csv $S/crm.csv | enq-link --stats 2>&1 >/dev/null | sed 's/,\"seconds.*//'"
expect_out <<'E'
{"program":"enq-link","in":1649,"out":1548,"rejected":0,"enquiries":1548,"followups":1,"responses":28,"early_replies":0,"auto":1,"duplicates":0,"snapshots":70,"crm_joined":1,"orphan_replies":0
E
# The built-in KPIs time the first answer from first_response_at, which
# enq-link takes from the Sent folder (mail records have no responded_at);
# median_resp_bh counts only the built-in calendar's hours, and most of the
# example's October mail came and was answered outside them.
# sla_breaches: answered after due_at (enq-route), or unanswered when
# due_at has passed by --now; first_reply_met: the other 19 of October's
# 31 first replies were in time (SLA policies); resolved_in_time 0: mail
# alone has no resolved_at, so every resolution past due is a breach
tcase "built-in KPIs: response times and breaches of the linked mail" \
	"enq-parse $S/maildir $S/sent | enq-link | enq-route --now 2026-11-01T00:00:00Z | kpi-rollup --now 2026-11-01T00:00:00Z -o table"
expect_out <<'E'
period   category  enquiries  median_resp_h  p90_resp_h  median_resp_bh  sla_breaches  conversion    first_reply_met  resolved_in_time  sla_at_risk
-------  --------  ---------  -------------  ----------  --------------  ------------  ----------  -----------------  ----------------  -----------
2026-09                    2          1.125       1.225           0.625             0           0                  1                 0            0
2026-10                   31            1.5          49               0            12           0  0.612903225806452                 0            1
E
tcase "sent/, the inbox's replies and the snapshot are what scripts/gen-example-sent makes" "cp -R $S ex && python3 $TESTS/../scripts/gen-example-sent ex && diff -r $S ex && echo same"
expect_out <<'E'
same
E

done_testing
