#!/bin/sh
# enq-parse: every input kind and every edge of issue 3, with exact output
# (golden files under tests/cli/golden/enq-parse-*), exact messages and
# exit codes.  Test data: tests/data/parse/ (written for these tests).
. "$(dirname "$0")/../lib.sh"
P=$DATA/parse
G=$TESTS/cli/golden

# ---- mail ----
tcase "single messages" "cd $P && enq-parse form.eml html.eml unknown.eml"
expect_rc 0
expect_out_file "$G/enq-parse-eml.jsonl"
expect_err <<'E'
enq-parse: unknown.eml: unknown charset 'x-made-up', read as Windows-1252
enq-parse: unknown.eml: no Date field, received_at null
E

tcase "a message on stdin is sniffed" "cd $P && enq-parse < form.eml | cut -c1-100"
expect_out <<'E'
{"id":"form-1741079100.42@forms.example","received_at":"2025-03-04T09:05:00Z","name":"Smith, John","
E

tcase "not a message" "cd $P && enq-parse -f email --rejects $T/rej notmail.txt"
expect_rc 65
expect_out </dev/null
expect_err <<'E'
enq-parse: notmail.txt: not a mail message: no header block
E
expect_file rej <<'E'
This is not a mail message, just text.
Second line.

E

tcase "mbox (mboxrd: >From unescaped)" "cd $P && enq-parse inbox.mbox"
expect_rc 0
expect_out_file "$G/enq-parse-mbox.jsonl"
expect_err </dev/null

tcase "maildir: cur/ then new/, name order, dot files skipped" "cd $P && enq-parse maildir"
expect_rc 0
expect_out_file "$G/enq-parse-maildir.jsonl"
expect_err </dev/null

tcase "-f maildir on a file" "cd $P && enq-parse -f maildir form.eml"
expect_rc 66
expect_err <<'E'
enq-parse: form.eml: not a maildir (no cur/ or new/)
E

tcase "a directory that is no maildir" "cd $P && enq-parse maildir/cur"
expect_rc 66
expect_err <<'E'
enq-parse: maildir/cur: a directory but not a maildir (no cur/ or new/)
E

# ---- delimited text ----
tcase "HubSpot export: BOM, CRLF, quoted newlines, First+Last, repeated column" "cd $P && enq-parse hubspot.csv"
expect_rc 0
expect_out_file "$G/enq-parse-hubspot.jsonl"
expect_err </dev/null

tcase "semicolons, Windows-1252, decimal comma, day-first, --tz" \
	"cd $P && enq-parse --decimal-comma --tz Europe/Berlin forms-eu.csv"
expect_rc 0
expect_out_file "$G/enq-parse-forms-eu.jsonl"
expect_err <<'E'
enq-parse: forms-eu.csv:2: not valid UTF-8, read as Windows-1252 (said once per file)
E

printf 'Email,Amount\na@b,99999999999999999999\nc@d,"1,000,000,000,000,000,000,000"\ne@f,12.5\ng@h,9223372036854775807\n' > big.csv
tcase "numbers past what a JSON reader takes: rejected, the rest read" "enq-parse --rejects rej big.csv | grep -o '\"value\":[0-9.]*'; cat rej"
expect_rc 0
expect_out <<'E'
"value":12.5
"value":9223372036854775807
Email,Amount
a@b,99999999999999999999
c@d,"1,000,000,000,000,000,000,000"
E
expect_err <<'E'
enq-parse: big.csv: no column maps to received_at nor to subject or body (columns: "Email", "Amount"): map them with -m; --show-mapping shows how each column is read
enq-parse: big.csv:2: number out of range '99999999999999999999' in 'Amount'
enq-parse: big.csv:3: number out of range '1,000,000,000,000,000,000,000' in 'Amount'
E

printf 'From Email,Subject,Message\na@b.com,hi,hello there\n' > from.csv
tcase "a CSV whose first column is \"From Email\" is not an mbox" "enq-parse from.csv | grep -o '\"from_email\":\"[^\"]*\"'"
expect_out <<'E'
"from_email":"a@b.com"
E

# JSON lines whose keys would come out twice: a renamed name beside First
# and Last Name, an id that cannot be one, an id written with an escape
printf '%s\n' '{"Full Name":"Ann Lee","First Name":"Ann","Last Name":"Lee"}' '{"id":null,"x":1}' '{"\u0069d":"x","a":1}' '{"Record ID":"","x":1}' > twice.jsonl
tcase "no key twice in a record" "enq-parse twice.jsonl | exc-flag -r /dev/null | sed 's/,\"channel.*//'"
expect_rc 0
expect_out <<'E'
{"id":"enq-7989a1d4a018edc2","name":"Ann Lee","First Name":"Ann","Last Name":"Lee"
{"id":"enq-19b8612bb77612e5","x":1
{"id":"x","a":1
{"id":"enq-9802e26eafb36c3e","x":1
E
expect_err </dev/null

# a header of 3,000 repeats of one name (linear work, not cubic)
awk 'BEGIN { for (r = 0; r < 2; r++) { for (i = 1; i <= 3000; i++) printf "%s%s", (i > 1 ? "," : ""), (r ? i : "x"); print "" } }' > many.csv
tcase "3,000 columns of one name" "enq-parse many.csv | grep -o '\"x[_0-9]*\":\"[0-9]*\"' | sed -n '1p;2p;3000p'"
expect_out <<'E'
"x":"1"
"x_2":"2"
"x_3000":"3000"
E

# ragged first rows: the delimiter csvio settles on is the one rejects use
printf 'Email;Created;Note\na@b;2025-01-01;x\nc@d;notadate;"a,b"\ne@f;2025-01-02\n' > semi.csv
tcase "rejects of a ragged ;-file keep its delimiter" "enq-parse --rejects rej semi.csv > /dev/null; cat rej"
expect_rc 0
expect_out <<'E'
Email;Created;Note
c@d;notadate;a,b
e@f;2025-01-02
E

tcase "decimal commas under --decimal-point" "cd $P && enq-parse --decimal-point forms-eu.csv --rejects $T/rej | cut -c1-60"
expect_rc 0
expect_out <<'E'
{"id":"enq-e80182e45c23b53f","received_at":"2025-04-03T09:00
E
expect_err <<'E'
enq-parse: forms-eu.csv:2: not valid UTF-8, read as Windows-1252 (said once per file)
enq-parse: forms-eu.csv:2: bad number '1.234,50' in 'Amount': not with a decimal point, as --decimal-point says
enq-parse: forms-eu.csv:4: bad number '-12,5' in 'Amount': not with a decimal point, as --decimal-point says
E
expect_file rej <<'E'
Submitted At;E-mail Address;Name;Enquiry;Amount;Postcode
25/03/2025 14:05;müller@example.de;Jürgen Müller;Angebot für Heizung – dringend;1.234,50;10115
04/04/2025 17:45;ana@example.es;Ana;"Presupuesto; urgente";-12,5;28001
E

tcase "an ambiguous date before any decisive one" "cd $P && enq-parse ambiguous.csv --rejects $T/rej"
expect_rc 65
expect_out_file "$G/enq-parse-ambiguous.jsonl"
expect_err <<'E'
enq-parse: ambiguous.csv:2: ambiguous date '03/04/2025' in 'Date': use --date-order dmy or mdy
E
expect_file rej <<'E'
Date,Email,Message
03/04/2025,a@example.com,first
E

tcase "--date-order dmy" "cd $P && enq-parse --date-order dmy ambiguous.csv | cut -d, -f2"
expect_rc 0
expect_out <<'E'
"received_at":"2025-04-03T00:00:00Z"
"received_at":"2025-05-05T00:00:00Z"
"received_at":"2025-04-13T00:00:00Z"
"received_at":"2025-03-04T00:00:00Z"
E
expect_err </dev/null

tcase "--date-order mdy on a day-first file" "cd $P && enq-parse --date-order mdy ambiguous.csv | cut -d, -f2"
expect_out <<'E'
"received_at":"2025-03-04T00:00:00Z"
"received_at":"2025-05-05T00:00:00Z"
"received_at":"2025-04-03T00:00:00Z"
E
expect_err <<'E'
enq-parse: ambiguous.csv:4: bad date '13/04/2025' in 'Date': not month-first as --date-order says
E

tcase "a ragged row: named by physical line, kept aside, the rest flows" "cd $P && enq-parse --rejects $T/rej ragged.csv"
expect_rc 65
expect_out_file "$G/enq-parse-ragged.jsonl"
expect_err <<'E'
enq-parse: ragged.csv: no column maps to received_at (columns: "id", "email", "message"): map one with -m; --show-mapping shows how each column is read
enq-parse: ragged.csv:5: 5 fields, header has 3
E
expect_file rej <<'E'
id,email,message
R3,c@example.com,too,many,fields
E

tcase "--strict stops at the first bad row" "cd $P && enq-parse --strict ragged.csv > $T/o; rc=\$?; cut -c1-12 $T/o; exit \$rc"
expect_rc 65
expect_out <<'E'
{"id":"R1","
{"id":"R2","
E

tcase "pipe delimiter, no id column: digest ids, repeated rows" "cd $P && enq-parse noid.csv"
expect_rc 0
expect_out_file "$G/enq-parse-noid.jsonl"

tcase "--dedup and --stats" "cd $P && enq-parse --dedup --stats noid.csv 2>$T/err | cut -c1-25; sed 's/\"seconds\":[0-9.]*/\"seconds\":S/' $T/err"
expect_out <<'E'
{"id":"enq-9cd9a5208f966f
{"id":"enq-15547316adc006
{"program":"enq-parse","in":3,"out":2,"rejected":0,"duplicates":1,"seconds":S}
E

tcase "TSV, unmapped columns in snake_case" "cd $P && enq-parse typeform.tsv"
expect_rc 0
expect_out_file "$G/enq-parse-typeform-raw.jsonl"

tcase "TSV with a map file" "cd $P && enq-parse -m typeform.map typeform.tsv"
expect_rc 0
expect_out_file "$G/enq-parse-typeform-map.jsonl"

tcase "--header names the columns of a file without a header row" "cd $P && enq-parse --header email,body,date --channel phone noheader.csv"
expect_out <<'E'
{"id":"enq-f2dc9a494b109eac","email":"z@example.com","body":"Ring me","received_at":"2025-02-01T12:00:00Z","channel":"phone","source":{"format":"csv","file":"noheader.csv","line":1}}
{"id":"enq-086797a61275dc18","email":"w@example.com","body":"Hello","received_at":null,"channel":"phone","source":{"format":"csv","file":"noheader.csv","line":2}}
E

tcase "--no-header, -f csv, -d" "cd $P && enq-parse --no-header -f csv -d '|' noheader.csv"
expect_out <<'E'
{"id":"enq-b13b04cf18aec68c","col_1":"z@example.com","col_2":"Ring me","col_3":"2025-02-01 12:00","channel":"web","source":{"format":"csv","file":"noheader.csv","line":1}}
{"id":"enq-64c842982b25d338","col_1":"w@example.com","col_2":"Hello","col_3":null,"channel":"web","source":{"format":"csv","file":"noheader.csv","line":2}}
E

tcase "a header row with a column that is not a date" "cd $P && enq-parse --header email,body,date noid.csv | wc -l"
expect_out <<'E'
3
E
expect_err <<'E'
enq-parse: noid.csv:1: bad date 'Created' in 'date'
E

tcase "CSV from a pipe, sniffed" "cd $P && cat hubspot.csv | enq-parse | cut -d, -f1"
expect_out <<'E'
{"id":"101"
{"id":"102"
{"id":"enq-005b469102667943"
E

# ---- JSON lines ----
tcase "JSONL: keys mapped, the rest byte for byte" "cd $P && enq-parse --rejects $T/rej webhook.jsonl"
expect_rc 65
expect_out_file "$G/enq-parse-webhook.jsonl"
expect_err <<'E'
enq-parse: webhook.jsonl:5:1: invalid literal
enq-parse: webhook.jsonl:6: bad date 'yesterday' in 'received_at'
E
expect_file rej <<'E'
not json at all
{"email":"x@example.com","received_at":"yesterday"}
E

tcase "JSONL --dedup, --channel replaces" "cd $P && enq-parse --dedup --channel chat webhook.jsonl 2>/dev/null | cut -c1-40"
expect_out <<'E'
{"id":"enq-277f5bb19aa8708f","email":"pa
{"id":"W-2","email":"sam@example.com","r
{"id":"7","email":"kai@example.com","rec
E

tcase "its own output reads back unchanged" "cd $P && enq-parse inbox.mbox maildir hubspot.csv > $T/one && enq-parse $T/one > $T/two && cmp $T/one $T/two"
expect_rc 0

# ---- the rest of the toolkit reads the records ----
tcase "exc-flag reads enq-parse output" \
	"cd $P && enq-parse inbox.mbox hubspot.csv webhook.jsonl 2>/dev/null | OPFLOW_NOW=2026-01-01T00:00:00Z exc-flag -r check.rules --summary --only | wc -l"
expect_rc 0
expect_out <<'E'
10
E
expect_err <<'E'
flag                     severity     records
unanswered               medium            10
quote                    low                3
E

tcase "binary, not delimited text: every row is rejected, the next file read" "cd $P && enq-parse --stats nul-header.csv inbox.mbox > \$T/got; s=\$?; wc -l < \$T/got; exit \$s"
expect_rc 65
expect_out <<'E'
3
E
expect_grep 'nul-header.csv:1: cannot read the header row: field 1 has a NUL byte' .err
expect_grep 'nul-header.csv:2: no column names: the header row \(line 1\) could not be read' .err
expect_grep '"rejected":2' .err

# ---- usage and configuration ----
tcase "bad -f" "enq-parse -f xls x"
expect_rc 64
expect_err <<'E'
enq-parse: -f: 'xls' is not an input kind (auto, email, mbox, maildir, csv, tsv, jsonl)
Try 'enq-parse --help' for more information.
E

tcase "bad --date-order" "enq-parse --date-order ymd x"
expect_rc 64

tcase "bad map file" "cd $P && enq-parse -m bad.map hubspot.csv"
expect_rc 78
expect_err <<'E'
enq-parse: bad.map:2: 'Column Name = field' expected
E

tcase "missing input" "cd $P && enq-parse nosuch.csv inbox.mbox | wc -l"
expect_out <<'E'
3
E
expect_err <<'E'
enq-parse: nosuch.csv: No such file or directory
E
tcase "missing input: status" "cd $P && enq-parse nosuch.csv inbox.mbox >/dev/null 2>&1"
expect_rc 66

done_testing
