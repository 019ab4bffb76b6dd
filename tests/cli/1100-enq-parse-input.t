#!/bin/sh
# enq-parse: nothing lost, nothing silently wrong in delimited text and
# JSON lines (rejects with their header, bad header rows, sniffing after
# decoding, the decimal separator and date order per file, times out of
# range) and messages that say what to do.  Test data: inline, or
# tests/data/parse-in/ (written for these tests).
. "$(dirname "$0")/../lib.sh"
D=$DATA/parse-in

# ---- numbers: the decimal separator is decided per file ----
printf 'Email,Amount\na@b,12.500\nc@d,"1.234,50"\ne@f,12.500\ng@h,"12,5"\n' > eu.csv
tcase "a decimal comma learnt from the file; 12.500 before it is ambiguous" \
	"enq-parse --rejects rej eu.csv | grep -o '\"value\":[0-9.]*'"
expect_rc 0
expect_out <<'E'
"value":1234.50
"value":12500
"value":12.5
E
expect_err <<'E'
enq-parse: eu.csv: no column maps to received_at nor to subject or body (columns: "Email", "Amount"): map them with -m; --show-mapping shows how each column is read
enq-parse: eu.csv:2: ambiguous number '12.500' in 'Amount': use --decimal-point or --decimal-comma
E
expect_file rej <<'E'
Email,Amount
a@b,12.500
E

printf 'Email,Amount\na@b,12.5\nc@d,12.500\ne@f,"1.234,50"\n' > us.csv
tcase "a decimal point learnt from the file; a decimal comma after it is refused" \
	"enq-parse us.csv | grep -o '\"value\":[0-9.]*'"
expect_out <<'E'
"value":12.5
"value":12.500
E
expect_err <<'E'
enq-parse: us.csv: no column maps to received_at nor to subject or body (columns: "Email", "Amount"): map them with -m; --show-mapping shows how each column is read
enq-parse: us.csv:4: bad number '1.234,50' in 'Amount': not with a decimal point, as the file's first numbers are
E

tcase "--decimal-point settles 12.500" "enq-parse --decimal-point eu.csv | grep -o '\"value\":[0-9.]*'"
expect_out <<'E'
"value":12.500
"value":12.500
E
expect_err <<'E'
enq-parse: eu.csv: no column maps to received_at nor to subject or body (columns: "Email", "Amount"): map them with -m; --show-mapping shows how each column is read
enq-parse: eu.csv:3: bad number '1.234,50' in 'Amount': not with a decimal point, as --decimal-point says
enq-parse: eu.csv:5: bad number '12,5' in 'Amount': not with a decimal point, as --decimal-point says
E

printf 'Email,Amount\na@b,12.500\n' > one.csv
tcase "each file learns its own separator" "enq-parse --rejects rej eu.csv one.csv 2>&1 >/dev/null | tail -1"
expect_out <<'E'
enq-parse: one.csv:2: ambiguous number '12.500' in 'Amount': use --decimal-point or --decimal-comma
E

# ---- dates ----
printf 'Email,Date\na@b,03.04.2026\nc@d,04/13/2026\ne@f,05.04.2026 10:00\n' > dotted.csv
tcase "dotted dates are day-first, never ambiguous, and do not decide slashes" \
	"enq-parse dotted.csv | grep -o '\"received_at\":\"[^\"]*\"'"
expect_rc 0
expect_out <<'E'
"received_at":"2026-04-03T00:00:00Z"
"received_at":"2026-04-13T00:00:00Z"
"received_at":"2026-04-05T10:00:00Z"
E
expect_err <<'E'
enq-parse: dotted.csv: no column maps to subject or body (columns: "Email", "Date"): map one with -m; --show-mapping shows how each column is read
E

tcase "dotted dates are day-first under --date-order mdy too" \
	"enq-parse --date-order mdy dotted.csv | grep -o '\"received_at\":\"[^\"]*\"'"
expect_rc 0
expect_out <<'E'
"received_at":"2026-04-03T00:00:00Z"
"received_at":"2026-04-13T00:00:00Z"
"received_at":"2026-04-05T10:00:00Z"
E

printf '%s\n' 'Timestamp,Email' '2026/09/27 3:00:00 PM GMT+3,a@b' '"Jun 22, 2022 11:07 AM",c@d' '"6/22/2022, 11:07 AM",e@f' '"6/7/2022, 9:00 PM",g@h' > forms.csv
tcase "Google Forms and Sheets dates, with the order rule" \
	"enq-parse --tz America/New_York forms.csv | grep -o '\"received_at\":\"[^\"]*\"'"
expect_rc 0
expect_out <<'E'
"received_at":"2026-09-27T12:00:00Z"
"received_at":"2022-06-22T15:07:00Z"
"received_at":"2022-06-22T15:07:00Z"
"received_at":"2022-06-08T01:00:00Z"
E
expect_err <<'E'
enq-parse: forms.csv: no column maps to subject or body (columns: "Timestamp", "Email"): map one with -m; --show-mapping shows how each column is read
E

printf '%s\n' 'Email,Date' 'a@b,2026-13-01' 'c@d,2026/09/27 3:00:00 PM GMT+25' 'e@f,"Jun 31, 2022"' 'g@h,13/13/2026' 'i@j,tomorrow' > baddate.csv
tcase "a date that fails names the part not understood" "enq-parse baddate.csv"
expect_rc 65
expect_out </dev/null
expect_err <<'E'
enq-parse: baddate.csv: no column maps to subject or body (columns: "Email", "Date"): map one with -m; --show-mapping shows how each column is read
enq-parse: baddate.csv:2: bad date '2026-13-01' in 'Date': a month (1-12) expected at '13-01'
enq-parse: baddate.csv:3: bad date '2026/09/27 3:00:00 PM GMT+25' in 'Date': a zone (Z, +01:00, UTC, GMT+1) expected at 'GMT+25'
enq-parse: baddate.csv:4: bad date 'Jun 31, 2022' in 'Date': a day of that month expected at '31, 2022'
enq-parse: baddate.csv:5: bad date '13/13/2026' in 'Date': a day and a month expected at '13/13/2026'
enq-parse: baddate.csv:6: bad date 'tomorrow' in 'Date'
E

# ---- times past 9999 or before 0000: refused, not clamped ----
printf '%s\n' 'Email,Date' 'a@b,9999-12-31T23:30:00-01:00' 'c@d,0000-01-01T00:30:00+01:00' 'e@f,31.12.9999 23:30' 'g@h,"Fri, 31 Dec 9999 23:59:00 -0100"' 'i@j,9999-12-31T23:59:59Z' > range.csv
tcase "times outside 0000..9999 are refused, wherever they come from" \
	"enq-parse --tz America/New_York --rejects rej range.csv"
expect_rc 65
expect_out <<'E'
{"id":"enq-cc986e123b506065","email":"i@j","received_at":"9999-12-31T23:59:59Z","channel":"web","source":{"format":"csv","file":"range.csv","line":6}}
E
expect_err <<'E'
enq-parse: range.csv: no column maps to subject or body (columns: "Email", "Date"): map one with -m; --show-mapping shows how each column is read
enq-parse: range.csv:2: date out of range '9999-12-31T23:30:00-01:00' in 'Date': not between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z
enq-parse: range.csv:3: date out of range '0000-01-01T00:30:00+01:00' in 'Date': not between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z
enq-parse: range.csv:4: date out of range '31.12.9999 23:30' in 'Date': not between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z
enq-parse: range.csv:5: date out of range 'Fri, 31 Dec 9999 23:59:00 -0100' in 'Date': not between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z
E

printf '%s\n' '{"id":"a","received_at":"9999-12-31T23:30:00-01:00"}' > range.jsonl
tcase "JSON lines: a time past 9999 is refused" "enq-parse range.jsonl"
expect_rc 65
expect_err <<'E'
enq-parse: range.jsonl:1: date out of range '9999-12-31T23:30:00-01:00' in 'received_at': not between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z
E

tcase "--now past 9999 is refused" "exc-flag --now 9999-12-31T23:30:00-01:00 -r /dev/null </dev/null"
expect_rc 64

tcase "kpi-rollup --from past 9999 once in UTC is refused" "kpi-rollup --tz America/New_York --from 9999-12-31T23:30:00 </dev/null"
expect_rc 64

printf '%s\n' '{"id":"a","received_at":"9999-12-31T23:30:00"}' '{"id":"b","received_at":"9999-12-31T23:30:00-01:00"}' > late.jsonl
tcase "enq-route: a received_at past 9999 in UTC is rejected" "enq-route --tz America/New_York late.jsonl"
expect_rc 65
expect_out </dev/null
expect_err <<'E'
enq-route: late.jsonl:1: received_at: "9999-12-31T23:30:00" is not an RFC 3339 time
enq-route: late.jsonl:2: received_at: "9999-12-31T23:30:00-01:00" is not an RFC 3339 time
E

printf 'flag late low when hours("2026-01-01T00:00:00Z", received_at) > 0\n' > late.rules
printf '%s\n' '{"id":"a","received_at":"9999-12-31T18:00:00"}' '{"id":"b","received_at":"9999-12-31T23:30:00"}' > late2.jsonl
tcase "rules: a time past 9999 in UTC is no time" "exc-flag --tz America/New_York -r late.rules late2.jsonl | grep -c late"
expect_out <<'E'
1
E

# ---- --rejects reads back: the header row first ----
printf 'Email,Date\na@b,2026-01-01\nc@d,notadate\ne@f,1,2\n' > r1.csv
printf 'Email,Date\ng@h,nodate\n' > r2.csv
printf 'Email,Body\ni@j,hi,there\n' > r3.csv
printf 'Email,Date\nk@l,2026-01-02\n' > r4.csv
tcase "rejects start with the header row, once per header" \
	"enq-parse --rejects rej r1.csv r4.csv r2.csv r3.csv > /dev/null 2>&1; cat rej"
expect_out <<'E'
Email,Date
c@d,notadate
e@f,1,2
g@h,nodate
Email,Body
i@j,hi,there
E

tcase "fixed rejects read back as the input did" \
	"enq-parse --rejects rej r1.csv > /dev/null 2>&1; sed 's/notadate/2026-01-03/; /1,2/d' rej | enq-parse | cut -d, -f2-3"
expect_rc 0
expect_out <<'E'
"email":"c@d","received_at":"2026-01-03T00:00:00Z"
E

tcase "no header row in the rejects when no row is rejected" "enq-parse --rejects rej r4.csv > /dev/null; wc -c < rej"
expect_out <<'E'
0
E

printf 'g@h,nodate\n' > nohead.csv
tcase "no header row in the rejects when the file had none" \
	"enq-parse --header email,date --rejects rej nohead.csv > /dev/null 2>&1; cat rej"
expect_out <<'E'
g@h,nodate
E

# ---- a header row that cannot be read: every row to --rejects ----
printf 'Email,"Date\na@b,2026-01-01\nc@d,2026-01-02\n' > badhead.csv
tcase "a header row with a quote error: every row rejected, by line" "enq-parse --stats --rejects rej badhead.csv 2>&1 | sed 's/\"seconds\":[0-9.]*/S/'"
expect_out <<'E'
enq-parse: badhead.csv:1: cannot read the header row: unclosed quote
enq-parse: badhead.csv:2: no column names: the header row (line 1) could not be read
enq-parse: badhead.csv:3: no column names: the header row (line 1) could not be read
{"program":"enq-parse","in":3,"out":0,"rejected":3,S}
E
expect_file rej <<'E'
Email,"Date
a@b,2026-01-01
c@d,2026-01-02
E

tcase "--strict stops at the bad header row" "enq-parse --strict --rejects rej badhead.csv"
expect_rc 65
expect_err <<'E'
enq-parse: badhead.csv:1: cannot read the header row: unclosed quote
E
expect_file rej <<'E'
Email,"Date
E

printf 'Em\000ail,Date\na@b,2026-01-01\n' > nulhead.csv
tcase "a header row with a NUL byte: every row rejected" "enq-parse --rejects rej nulhead.csv; tr '\\000' @ < rej"
expect_rc 0
expect_out <<'E'
Em@ail,Date
a@b,2026-01-01
E
expect_err <<'E'
enq-parse: nulhead.csv:1: cannot read the header row: field 1 has a NUL byte
enq-parse: nulhead.csv:2: no column names: the header row (line 1) could not be read
E

# ---- a file cut short inside a quoted field: one reject ----
printf 'Email,Message,Date\na@b,hello,2026-01-01\nc@d,"Dear team,\nwe need 3 quotes, for:\n- a roof, a wall\n- two, three, four\n' > cut.csv
tcase "a CSV cut short in a quoted field is one reject, whole" "enq-parse --rejects rej cut.csv | cut -d, -f2"
expect_out <<'E'
"email":"a@b"
E
expect_err <<'E'
enq-parse: cut.csv:3: unclosed quote: the file ends inside a quoted field (cut short?)
E
expect_file rej <<'E'
Email,Message,Date
c@d,"Dear team,
we need 3 quotes, for:
- a roof, a wall
- two, three, four
E

printf 'Email,Message,Date\na@b,5" pipe,2026-01-01\nc@d,"oops,2026-01-02\ne@f,fine,2026-01-03\n' > stray.csv
tcase "a stray quote: the lines after it read again" "enq-parse cut.csv stray.csv 2>&1 >/dev/null | tail -1; enq-parse stray.csv 2>/dev/null | wc -l"
expect_out <<'E'
enq-parse: stray.csv:3: unclosed quote
2
E

# ---- what a file is: sniffed after decoding; messages that say what to do ----
tcase "UTF-16 JSON lines with a byte order mark are JSON lines" "enq-parse $D/utf16-bom.jsonl | cut -d, -f2-3"
expect_rc 0
expect_out <<'E'
"email":"a@example.com","received_at":"2026-01-01T09:00:00Z"
"email":"b@example.com","subject":"Café"
E
expect_err </dev/null

printf 'not json\n{"email":"a@b"}\n{"email":"c@d"}\n' > badfirst.jsonl
tcase "JSON lines whose first line is no object are JSON lines" "enq-parse --rejects rej badfirst.jsonl > out; s=\$?; cut -d, -f2 out; exit \$s"
expect_rc 65
expect_out <<'E'
"email":"a@b"
"email":"c@d"
E
expect_err <<'E'
enq-parse: badfirst.jsonl:1:1: invalid literal
E
expect_file rej <<'E'
not json
E

printf 'Email,Note\n{"email":"a@b"},x\n' > mixed.txt
tcase "a file that is not clearly one kind: the choices named" "enq-parse --rejects rej mixed.txt $D/utf16-bom.jsonl | wc -l"
expect_out <<'E'
2
E
expect_err <<'E'
enq-parse: mixed.txt: not clearly delimited text or JSON lines (some of the first lines start with '{'): give -f csv, -f tsv or -f jsonl
E
tcase "  and -f settles it" "enq-parse -f csv mixed.txt | cut -d, -f2"
expect_rc 0
expect_out <<'E'
"email":"{\"email\":\"a@b\"}"
E

printf 'Email,Note\na@b,"a pasted\n{""json"": 1}\n"\n' > pasted.csv
tcase "a '{' line inside a quoted field does not make CSV unclear" "enq-parse pasted.csv | cut -d, -f2"
expect_rc 0
expect_out <<'E'
"email":"a@b"
E

printf 'From: a@b.example\nSubject: data\n\n{\n"a": 1\n}\n' > json-body.eml
tcase "a message whose body has '{' lines is a message" "enq-parse json-body.eml | cut -d, -f4"
expect_rc 0
expect_out <<'E'
"email":"a@b.example"
E

printf 'PK\003\004\024\000\006\000' > book.xlsx
printf 'PK\003\004\024\000\010\000' > book.ods
printf '\320\317\021\340\241\261\032\341\000' > book.xls
tcase "a workbook: export it as CSV" "enq-parse --stats --rejects rej -f csv book.xlsx book.ods book.xls r4.csv 2>&1 | sed 's/\"seconds\":[0-9.]*/S/; s/,\"channel.*//'"
expect_out <<'E'
enq-parse: book.xlsx: a ZIP file (an .xlsx or .ods workbook?), not text: export it as CSV
enq-parse: book.ods: a ZIP file (an .xlsx or .ods workbook?), not text: export it as CSV
enq-parse: book.xls: an OLE2 file (an .xls workbook?), not text: export it as CSV
enq-parse: r4.csv: no column maps to subject or body (columns: "Email", "Date"): map one with -m; --show-mapping shows how each column is read
{"id":"enq-ff2c36a0b5877f74","email":"k@l","received_at":"2026-01-02T00:00:00Z"
{"program":"enq-parse","in":4,"out":1,"rejected":3,S}
E
expect_file rej </dev/null

tcase "UTF-16 without a byte order mark: say --encoding" "cd $D && enq-parse utf16le-nobom.csv utf16be-nobom.csv"
expect_rc 65
expect_out </dev/null
expect_err <<'E'
enq-parse: utf16le-nobom.csv: looks like UTF-16LE without a byte order mark: give --encoding UTF-16LE
enq-parse: utf16be-nobom.csv: looks like UTF-16BE without a byte order mark: give --encoding UTF-16BE
E

tcase "  and --encoding reads it" "cd $D && enq-parse --encoding UTF-16BE utf16be-nobom.csv | cut -d, -f2-3"
expect_rc 0
expect_out <<'E'
"email":"a@example.com","subject":"Café"
E
expect_err <<'E'
enq-parse: utf16be-nobom.csv: no column maps to received_at (columns: "Email", "Subject"): map one with -m; --show-mapping shows how each column is read
E

# ---- what the columns became ----
printf 'Ref,When,Client Email,Notes,Budget\n1,2026-01-01,a@b,hi,12\n2,2026-01-02,c@d,yo,13\n' > own.csv
tcase "no column for received_at or the text: said once per file, the headers listed" "enq-parse own.csv own.csv | wc -l"
expect_out <<'E'
4
E
expect_err <<'E'
enq-parse: own.csv: no column maps to received_at nor to subject or body (columns: "Ref", "When", "Client Email", "Notes", "Budget"): map them with -m; --show-mapping shows how each column is read
enq-parse: own.csv: no column maps to received_at nor to subject or body (columns: "Ref", "When", "Client Email", "Notes", "Budget"): map them with -m; --show-mapping shows how each column is read
E

printf 'When = received_at\nNotes = body\nRef = -\nBudget = value\nClient Email = email\n' > own.map
tcase "  and not once they are mapped" "enq-parse -m own.map own.csv | head -1"
expect_rc 0
expect_out <<'E'
{"id":"enq-390a8e25f0902882","received_at":"2026-01-01T00:00:00Z","email":"a@b","body":"hi","value":12,"channel":"web","source":{"format":"csv","file":"own.csv","line":2}}
E
expect_err </dev/null

printf 'Record ID,First Name,Last Name,E-mail,Created,Message,Stage,Amount,Colour\n' > head.csv
tcase "--show-mapping: column -> field (kind), and nothing else" "enq-parse --show-mapping head.csv"
expect_rc 0
expect_out <<'E'
Record ID -> id
First Name -> name (its first part)
Last Name -> name (its last part)
E-mail -> email (text)
Created -> received_at (date)
Message -> body (text)
Stage -> status (text)
Amount -> value (number)
Colour -> colour (text, not mapped: kept under its own name)
E
expect_err </dev/null

tcase "--show-mapping with a map file" "enq-parse --show-mapping -m own.map own.csv"
expect_rc 0
expect_out <<'E'
Ref -> dropped (the map file says -)
When -> received_at (date)
Client Email -> email (text)
Notes -> body (text)
Budget -> value (number)
E

tcase "--show-mapping on JSON lines" "enq-parse --show-mapping range.jsonl"
expect_rc 65
expect_out </dev/null
expect_err <<'E'
enq-parse: range.jsonl: not delimited text: --show-mapping shows the columns of CSV and TSV
E

# ---- CSV given to a JSON-lines program ----
printf 'Email;Name\na@b;Ann\n' > semi.csv
tcase "CSV to exc-flag: said once per file, the lines still rejected" \
	"exc-flag -r /dev/null --rejects rej semi.csv semi.csv"
expect_rc 65
expect_out </dev/null
expect_err <<'E'
exc-flag: semi.csv:1:1: value expected
exc-flag: semi.csv: looks like CSV; run it through enq-parse first
exc-flag: semi.csv:2:1: value expected
exc-flag: semi.csv:1:1: value expected
exc-flag: semi.csv: looks like CSV; run it through enq-parse first
exc-flag: semi.csv:2:1: value expected
E
expect_file rej <<'E'
Email;Name
a@b;Ann
Email;Name
a@b;Ann
E

printf 'not json\n[1,2]\n' > notcsv.txt
printf '[1,2]\n' > array.txt
tcase "no CSV hint for lines that do not look like a header" "enq-classify notcsv.txt array.txt"
expect_rc 65
expect_err <<'E'
enq-classify: notcsv.txt:1:1: invalid literal
enq-classify: notcsv.txt:2:1: not a JSON object but an array
enq-classify: array.txt:1:1: not a JSON object but an array
E

tcase "enq-parse -f jsonl on CSV: says -f csv" "enq-parse -f jsonl semi.csv"
expect_rc 65
expect_err <<'E'
enq-parse: semi.csv:1:1: value expected
enq-parse: semi.csv: looks like CSV: read it with -f csv
enq-parse: semi.csv:2:1: value expected
E

done_testing
