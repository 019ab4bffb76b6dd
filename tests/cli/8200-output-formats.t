#!/bin/sh
# -o csv, tsv, ics, --columns and --columns-map (opflow(7) CONVENTIONS,
# CRM write-back): exact output for records with awkward values, the maps
# of share/crm, iCalendar read back by a real parser (python3-icalendar),
# and every mistake with its message and status.
# Test data: tests/data/output/ (written for these tests).
. "$(dirname "$0")/../lib.sh"
D=$DATA/output
CRM=$TESTS/../share/crm
export OPFLOW_NOW=2026-10-05T10:00:00Z
# exc-flag with a rule that never holds passes each record as it came
X="exc-flag -r $D/none.rules"

tcase "-o csv: the first record's members, awkward values quoted, a formula guarded" \
	"$X -o csv $D/awkward.jsonl"
expect_rc 0
expect_out <<'E'
id,name,email,subject,body,value,needs_human,tags,source,company,phone,priority,due_at,task,owner,category
enq-1,"Smith, Jo",jo@example.com,"Quote ""urgent"", please","Line one
Line two	with a tab and a \ backslash",1.10,true,quote; existing; customer,"{""format"":""email"",""file"":""inbox/1.eml"",""line"":null}","'=HYPERLINK(""http://x"")",'+44 20 7946 0958,urgent,2026-10-05T13:58:00+01:00,Call Jo back about the quote,alice,quote
enq-2,Zoë Brontë-Ševčík,zoe@example.de,"Heizung kaputt – dringend! Bitte heute noch zurückrufen, wir haben kein warmes Wasser mehr ✓",�nul,-12.5,false,,"{""format"":""csv"",""file"":""webform.csv"",""line"":7}",'@Home; Ltd,,normal,,,,
enq-3,,,Boiler service,,,true,,,,,low,2026-10-06T09:00:00Z,,,
enq-4,,x@example.com,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaééé ✓✓✓ üüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüü,,,true,,,,,,,,,
E
expect_err <<E
exc-flag: $D/awkward.jsonl:2: member 'attachments' is no column: the columns are the first record's members (name them with --columns); said once
E

tcase "-o tsv --columns: nested paths, array elements, escapes as PostgreSQL's" \
	"$X -o tsv --columns 'id, source.file,tags,tags[1],attachments,attachments[0].filename,value,needs_human,name,body,company,nothing.here' $D/awkward.jsonl"
expect_rc 0
expect_out <<'E'
id	source.file	tags	tags[1]	attachments	attachments[0].filename	value	needs_human	name	body	company	nothing.here
enq-1	inbox/1.eml	quote; existing; customer	existing; customer			1.10	true	Smith, Jo	Line one\nLine two\twith a tab and a \\ backslash	'=HYPERLINK("http://x")	
enq-2	webform.csv			{"filename":"a.pdf","size":10}	a.pdf	-12.5	false	Zoë Brontë-Ševčík	�nul	'@Home; Ltd	
enq-3							true				
enq-4							true				
E
expect_err </dev/null

tcase "-o jsonl is the records as they were" "$X -o jsonl $D/awkward.jsonl | cmp - $D/awkward.jsonl && echo same"
expect_rc 0
expect_out <<'E'
same
E

tcase "--columns with no records: the header alone" "$X -o csv --columns 'id,.\"Full, Name\"' < /dev/null"
expect_rc 0
expect_out <<'E'
id,".""Full, Name"""
E

tcase "enq-classify -o csv: its own members in the columns too" \
	"echo '{\"id\":\"q\",\"subject\":\"Quote please\",\"body\":\"how much for a boiler\"}' | enq-classify -o csv --columns id,category,priority"
expect_rc 0
expect_out <<'E'
id,category,priority
q,quote,normal
E

tcase "enq-parse -o csv: the records it builds, as rows" \
	"printf 'Name,Email,Message\nAnn Lee,ann@example.com,\"Hi, a quote\"\n' > in.csv && enq-parse -o csv --columns 'name,email,body,channel,source.format,source.line' in.csv"
expect_rc 0
expect_out <<'E'
name,email,body,channel,source.format,source.line
Ann Lee,ann@example.com,"Hi, a quote",web,csv,2
E

tcase "--columns-map: the columns and their names, in the file's order" \
	"printf '# a comment\n\nid\tEnquiry ID\n  source.file   Source File  \n.\"email\"  E-mail, work\n' > m.map && $X -o csv --columns-map m.map $D/awkward.jsonl"
expect_rc 0
expect_out <<'E'
Enquiry ID,Source File,"E-mail, work"
enq-1,inbox/1.eml,jo@example.com
enq-2,webform.csv,zoe@example.de
enq-3,,
enq-4,,x@example.com
E

for m in "$CRM"/*.map; do
	tcase "share/crm/$(basename "$m"): the CSV has exactly the columns of the map" \
		"$X -o csv --columns-map $m $D/awkward.jsonl > out.csv && head -1 out.csv && sed -n '2,\$p' out.csv | wc -l"
	expect_rc 0
	awk '/^[ \t]*(#|$)/ { next } { sub(/^[ \t]*[^ \t]+[ \t]+/, ""); sub(/[ \t]+$/, ""); printf "%s%s", sep, $0; sep = "," } END { print ""; print "4" }' "$m" > cols
	expect_out < cols
done

tcase "HubSpot contacts, exactly" "$X -o csv --columns-map $CRM/hubspot-contacts.map $D/awkward.jsonl"
expect_out <<'E'
Email,First Name,Phone Number,Company Name,Enquiry ID,Enquiry Category,Enquiry Date
jo@example.com,"Smith, Jo",'+44 20 7946 0958,"'=HYPERLINK(""http://x"")",enq-1,quote,
zoe@example.de,Zoë Brontë-Ševčík,,'@Home; Ltd,enq-2,,
,,,,enq-3,,2026-10-01T08:00:00Z
x@example.com,,,,enq-4,,
E

# ---- iCalendar ----
# The parser of python3-icalendar (scripts/install-deps --test) reads the
# calendar back: every property of every task, as the record had it.
ICAL_PY=
for py in python3 /usr/bin/python3; do
	if "$py" -c 'import icalendar' 2>/dev/null; then ICAL_PY=$py; break; fi
done
cat > check.py <<'PY'
import sys, icalendar
raw = open(sys.argv[1], 'rb').read()
lines = raw.split(b'\r\n')
assert lines[-1] == b'' and b'\n' not in b''.join(lines), 'a line not ended by CRLF'
for l in lines:
    assert len(l) <= 75, 'longer than 75 octets: %r' % l
    l.decode('utf-8')	# a fold inside a character would not decode
cal = icalendar.Calendar.from_ical(raw)
assert not cal.errors, cal.errors
for t in cal.walk('VTODO'):
    assert not t.errors, t.errors
    print(t['UID'], t['DTSTAMP'].dt.isoformat(), t.get('DUE') and t['DUE'].dt.isoformat(),
          t.get('PRIORITY'), t['STATUS'], '|', t['SUMMARY'], '|', repr(str(t['DESCRIPTION'])))
PY

tcase "-o ics: a VTODO per record that needs a person, CRLF, folded at 75 octets" \
	"$X -o ics --stats $D/awkward.jsonl 2> stats | tee got.ics; sed 's/\"seconds\":[0-9.]*/\"seconds\":S/' stats >&2"
expect_rc 0
expect_out_file "$TESTS/cli/golden/output-tasks.ics"
expect_err <<'E'
{"program":"exc-flag","in":4,"out":3,"rejected":0,"flagged":0,"not_tasks":1,"seconds":S}
E

if [ -n "$ICAL_PY" ]; then
	tcase "-o ics: python3-icalendar reads every task back" "$ICAL_PY check.py got.ics"
	expect_rc 0
	expect_out <<'E'
enq-1@opflow 2026-10-05T10:00:00+00:00 2026-10-05T12:58:00+00:00 1 NEEDS-ACTION | Call Jo back about the quote | 'From: Smith, Jo <jo@example.com>\nPhone: +44 20 7946 0958\nSubject: Quote "urgent", please\nCategory: quote\nOwner: alice\nEnquiry: enq-1'
enq-3@opflow 2026-10-05T10:00:00+00:00 2026-10-06T09:00:00+00:00 9 NEEDS-ACTION | Boiler service | 'Subject: Boiler service\nEnquiry: enq-3'
enq-4@opflow 2026-10-05T10:00:00+00:00 None None NEEDS-ACTION | aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaééé ✓✓✓ üüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüü | 'From: x@example.com\nSubject: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaééé ✓✓✓ üüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüü\nEnquiry: enq-4'
E
	tcase "-o ics: no task at all is still a calendar" \
		"echo '{\"id\":\"n\",\"needs_human\":false}' | $X -o ics > none.ics && $ICAL_PY check.py none.ics && cat none.ics"
	expect_rc 0
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//opflow//NONSGML opflow//EN\r\nEND:VCALENDAR\r\n' > cal
	expect_out < cal
else
	echo "ok $((n += 1)) - # SKIP python3-icalendar is not installed (scripts/install-deps --test): the VTODOs are not read back"
fi

tcase "-o ics: a task with no id, or a due_at that is no time, is rejected" \
	"printf '%s\n' '{\"needs_human\":true,\"subject\":\"x\"}' '{\"id\":\"d\",\"needs_human\":true,\"due_at\":\"soon\"}' '{\"id\":\"ok\",\"needs_human\":true}' > bad.jsonl; $X -o ics --rejects rej bad.jsonl > got; rc=\$?; grep -a UID got | tr -d '\\r'; exit \$rc"
expect_rc 65
expect_out <<'E'
UID:ok@opflow
E
expect_err <<'E'
exc-flag: bad.jsonl:1: no id, which the task's UID is made of
exc-flag: bad.jsonl:2: due_at is not an RFC 3339 time: no task can be due then
E
expect_file rej <<'E'
{"needs_human":true,"subject":"x"}
{"id":"d","needs_human":true,"due_at":"soon"}
E

# ---- mistakes ----
tcase "an unknown format" "$X -o xlsx $D/awkward.jsonl"
expect_rc 64
expect_out </dev/null
expect_err <<'E'
exc-flag: -o: 'xlsx' is not a format (jsonl, csv, tsv, ics)
Try 'exc-flag --help' for more information.
E

tcase "--columns without csv or tsv" "$X -o ics --columns id $D/awkward.jsonl"
expect_rc 64
expect_err <<'E'
exc-flag: --columns: only with -o csv or -o tsv
Try 'exc-flag --help' for more information.
E

tcase "--columns: a field path that is not one" "enq-route -o csv --columns 'id,source..file' $D/awkward.jsonl"
expect_rc 78
expect_out </dev/null
expect_err <<'E'
enq-route: --columns: 'id,source..file': column 11: field name expected after '.'
E

tcase "--columns: a call is no field path" "enq-parse -o tsv --columns 'lower(name)' $D/awkward.jsonl"
expect_rc 78
expect_err <<'E'
enq-parse: --columns: 'lower(name)': column 1: not a field path
E

tcase "--columns-map: a bad line is named with its line and column" \
	"printf 'id  Enquiry ID\n\n# ok so far\nemail\nname Name\n' > bad1.map; printf 'id  ID\ntags[x]  Tags\n' > bad2.map; printf 'id  ID\nname,Name\n' > bad3.map;
	 for m in bad1 bad2 bad3; do enq-link -o csv --columns-map \$m.map $D/awkward.jsonl; echo \$?; done"
expect_out <<'E'
78
78
78
E
expect_err <<'E'
enq-link: bad1.map:4:6: no column name after the field path
enq-link: bad2.map:2:6: array index (a whole number) and ']' expected
enq-link: bad3.map:2:5: blank expected after the field path, found ','
E

tcase "--columns-map: a file that cannot be read" "enq-classify -o csv --columns-map nowhere.map $D/awkward.jsonl"
expect_rc 66
expect_err <<'E'
enq-classify: nowhere.map: No such file or directory
E

tcase "--columns-map that is the output is refused before it is read" \
	"printf 'id  ID\n' > same.map; $X -o csv --columns-map same.map $D/awkward.jsonl >> same.map; echo \$?; cat same.map"
expect_out <<'E'
64
id  ID
E

done_testing
