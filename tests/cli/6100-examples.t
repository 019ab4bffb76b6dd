#!/bin/sh
# share/examples: the example business's data reads cleanly, and the CRM
# export is what its generator makes.
. "$(dirname "$0")/../lib.sh"
S=$TESTS/../share/examples

tcase "the maildir, every message" "enq-parse --stats $S/maildir 2>&1 >mail.jsonl | sed 's/,\"seconds.*//'"
expect_out <<'E'
{"program":"enq-parse","in":33,"out":33,"rejected":0,"defective":0,"incomplete":0
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
{"program":"exc-flag","in":1489,"out":1489,"rejected":0,"flagged":0
E
tcase "crm.csv is what scripts/gen-example-crm makes" "python3 $TESTS/../scripts/gen-example-crm | cmp - $S/crm.csv && echo same"
expect_out <<'E'
same
E

done_testing
