#!/bin/sh
# enq-parse, mail: nothing lost, nothing silently wrong.  A message's
# defects in the record and on stderr; received_at from the mailbox when
# the Date is missing or not understood; the MIME limits exit 65 with the
# text that was reached; a maildir is read without following links.
# Test data: tests/data/mail/defects/ (one small message per defect).
. "$(dirname "$0")/../lib.sh"
M=$DATA/mail/defects

# $T/defects ARGS: enq-parse ARGS, then each record's "defects" member (or
# "clean"); enq-parse's status
cat > defects <<'S'
#!/bin/sh
enq-parse "$@" > "$T/.defects"
s=$?
sed -e 's/.*"defects":\(\[[^]]*\]\).*/\1/' -e t -e 's/.*/clean/' "$T/.defects"
exit $s
S
chmod +x defects

# ---- one defect per message ----
for d in charset-guessed undeclared-8bit date-missing date-unparseable base64-damaged \
	 qp-damaged boundary-missing boundary-not-found truncated-part; do
	tcase "$d.eml: marked, exit 0" "cd $M && $T/defects $d.eml"
	expect_rc 0
	expect_out <<E
["$d"]
E
done

tcase "a clean message has no defects member" "cd $M && enq-parse clean.eml"
expect_rc 0
expect_out <<'E'
{"id":"clean@example.com","received_at":"2026-03-03T09:00:00Z","name":"Ann","email":"ann@example.com","to":null,"subject":"Clean","body":"Nothing wrong here, café.","attachments":[],"message_id":"clean@example.com","direction":"in","channel":"email","source":{"format":"email","file":"clean.eml"}}
E
expect_err </dev/null

tcase "each defect is warned of once, naming the file" \
	"cd $M && enq-parse charset-guessed.eml undeclared-8bit.eml base64-damaged.eml qp-damaged.eml boundary-not-found.eml truncated-part.eml >/dev/null"
expect_rc 0
expect_err <<'E'
enq-parse: charset-guessed.eml: unknown charset 'x-klingon', read as Windows-1252
enq-parse: undeclared-8bit.eml: 8-bit text without a charset, read as Windows-1252
enq-parse: base64-damaged.eml: damaged base64 (junk or a cut group), decoded what was there
enq-parse: qp-damaged.eml: damaged quoted-printable ('=' escaping nothing), kept as it was
enq-parse: boundary-not-found.eml: multipart boundary 'declared' not found, its body read as text
enq-parse: truncated-part.eml: closing multipart boundary missing
E

tcase "a multipart without a boundary: named, read as text, marked" "cd $M && enq-parse boundary-missing.eml"
expect_rc 0
expect_out <<'E'
{"id":"nob@example.com","received_at":"2026-03-03T09:00:00Z","name":"Ann","email":"ann@example.com","to":null,"subject":"No boundary","body":"Please send an engineer on Friday.","attachments":[],"message_id":"nob@example.com","direction":"in","defects":["boundary-missing"],"channel":"email","source":{"format":"email","file":"boundary-missing.eml"}}
E
expect_err <<'E'
enq-parse: boundary-missing.eml: multipart without a boundary parameter, its body read as text
E

# ---- Date ----
tcase "no Date in a file of its own: received_at null, warned" "cd $M && enq-parse date-missing.eml date-unparseable.eml | grep -o '\"received_at\":null' | wc -l"
expect_rc 0
expect_out <<'E'
2
E
expect_err <<'E'
enq-parse: date-missing.eml: no Date field, received_at null
enq-parse: date-unparseable.eml: Date 'yesterday at teatime' not understood, received_at null
E

tcase "an empty Date field: missing, as no field, and the warning says it was empty" "printf 'From: a@example.com\nSubject: Hi\nDate: \nMessage-ID: <e1@example.com>\n\nHello\n' > empty-date.eml && enq-parse empty-date.eml | jq -c '[.received_at, .defects]'"
expect_rc 0
expect_out <<'E'
[null,["date-missing"]]
E
expect_err <<'E'
enq-parse: empty-date.eml: an empty Date field, received_at null
E

tcase "mbox: received_at from the From_ line (naive in --tz), and said so" \
	"cd $M && enq-parse --tz America/New_York nodate.mbox | sed 's/\"name\".*\"attachments\":\[\],//'"
expect_rc 0
expect_out <<'E'
{"id":"enq-c508a3006d3d6cfa","received_at":"2026-03-05T15:00:00Z","direction":"in","received_at_from":"mbox-from","defects":["date-missing"],"channel":"email","source":{"format":"mbox","file":"nodate.mbox","line":1}}
{"id":"enq-7354f5ab9b5840d4","received_at":"2026-03-06T10:30:00Z","direction":"in","received_at_from":"mbox-from","defects":["date-unparseable"],"channel":"email","source":{"format":"mbox","file":"nodate.mbox","line":7}}
{"id":"enq-22c655e54d0f904b","received_at":null,"direction":"in","defects":["date-missing"],"channel":"email","source":{"format":"mbox","file":"nodate.mbox","line":14}}
E
expect_err <<'E'
enq-parse: nodate.mbox:1: no Date field, received_at from the mbox From_ line
enq-parse: nodate.mbox:7: Date 'never' not understood, received_at from the mbox From_ line
enq-parse: nodate.mbox:14: no Date field, received_at null
E

mkdir -p md/cur md/new
cp "$M/date-missing.eml" 'md/cur/1698765432.M1P2.host:2,S'
cp "$M/date-unparseable.eml" md/new/7.handmade
touch -d @1700000000 md/new/7.handmade
tcase "maildir: received_at from the file name, else (no time of 9 digits or more) the file's mtime" \
	"enq-parse md | sed 's/\"name\".*\"attachments\":\[\],//'"
expect_rc 0
expect_out <<'E'
{"id":"nodate@example.com","received_at":"2023-10-31T15:17:12Z","message_id":"nodate@example.com","direction":"in","seen":true,"replied":false,"received_at_from":"maildir-name","defects":["date-missing"],"channel":"email","source":{"format":"maildir","file":"md/cur/1698765432.M1P2.host:2,S"}}
{"id":"baddate@example.com","received_at":"2023-11-14T22:13:20Z","message_id":"baddate@example.com","direction":"in","seen":false,"replied":false,"received_at_from":"maildir-mtime","defects":["date-unparseable"],"channel":"email","source":{"format":"maildir","file":"md/new/7.handmade"}}
E
expect_err <<'E'
enq-parse: md/cur/1698765432.M1P2.host:2,S: no Date field, received_at from the maildir file name
enq-parse: md/new/7.handmade: Date 'yesterday at teatime' not understood, received_at from the file's modification time
E

mkdir -p md2/cur
cp "$M/date-missing.eml" md2/cur/202310151234.eml
cp "$M/date-missing.eml" md2/cur/1800000000.M1P2.host
touch -d @1700000000 md2/cur/202310151234.eml md2/cur/1800000000.M1P2.host
tcase "maildir: a name's time of 12 digits, or after the file was written, is no delivery time" \
	"enq-parse md2 2>/dev/null | grep -o '\"received_at_from\":\"[^\"]*'"
expect_rc 0
expect_out <<'E'
"received_at_from":"maildir-mtime
"received_at_from":"maildir-mtime
E

tcase "a Date that is there wins over the maildir's time" \
	"mkdir -p d1/cur && cp $M/clean.eml d1/cur/1698765432.M9P9.host && enq-parse d1 | grep -o '\"received_at[^,]*'"
expect_out <<'E'
"received_at":"2026-03-03T09:00:00Z"
E

# ---- MIME limits: the text reached is kept, the record marked, exit 65 ----
# (generated: 34 multiparts one inside the other, and 1001 parts)
deep() {
	printf 'From: Ann <ann@example.com>\nDate: Tue, 3 Mar 2026 09:00:00 +0000\nSubject: Deep\nMessage-ID: <deep@example.com>\nContent-Type: multipart/mixed; boundary="b0"\n\n--b0\nContent-Type: text/plain\n\nPlease call back.\n'
	i=0
	while [ $i -lt 33 ]; do
		printf -- '--b%d\nContent-Type: multipart/mixed; boundary="b%d"\n\n' $i $((i + 1))
		i=$((i + 1))
	done
	printf -- '--b33\nContent-Type: text/plain\n\nURGENT gas smell\n'
	while [ $i -ge 0 ]; do
		printf -- '--b%d--\n' $i
		i=$((i - 1))
	done
}
deep > deep.eml
tcase "deeper than 32: the text reached, depth-limit, exit 65" "enq-parse --stats deep.eml 2>err | sed 's/\"attachments.*//'; sed 's/\"seconds\":[0-9.]*/\"seconds\":S/' err"
expect_rc 0
expect_out <<'E'
{"id":"deep@example.com","received_at":"2026-03-03T09:00:00Z","name":"Ann","email":"ann@example.com","to":null,"subject":"Deep","body":"Please call back.",
enq-parse: deep.eml: MIME nesting deeper than 32, inner parts skipped
{"program":"enq-parse","in":1,"out":1,"rejected":0,"defective":1,"incomplete":1,"seconds":S}
E
tcase "--dedup: a repeat it drops is not counted as defective or incomplete" \
	"cp deep.eml again.eml; enq-parse --dedup --stats deep.eml again.eml 2>&1 >/dev/null | tail -1 | sed 's/\"seconds\":[0-9.]*/\"seconds\":S/'"
expect_out <<'E'
{"program":"enq-parse","in":2,"out":1,"rejected":0,"duplicates":1,"defective":1,"incomplete":1,"seconds":S}
E
tcase "deeper than 32: status" "$T/defects deep.eml"
expect_rc 65
expect_out <<'E'
["depth-limit"]
E

parts() {
	printf 'From: Ann <ann@example.com>\nDate: Tue, 3 Mar 2026 09:00:00 +0000\nSubject: Many\nMessage-ID: <many@example.com>\nContent-Type: multipart/mixed; boundary="b"\n\n'
	i=1
	while [ $i -le 1000 ]; do
		printf -- '--b\nContent-Type: text/plain\n\npart %d\n' $i
		i=$((i + 1))
	done
	printf -- '--b\nContent-Type: text/plain\n\nURGENT gas smell\n--b--\n'
}
parts > many.eml
tcase "more than 1000 parts: the first 1000 kept, part-limit, exit 65" \
	"$T/defects many.eml; s=\$?; grep -o 'part 1000\"\|URGENT' .defects; exit \$s"
expect_rc 65
expect_out <<'E'
["part-limit"]
part 1000"
E
expect_err <<'E'
enq-parse: many.eml: more than 1000 MIME parts, the rest skipped
E

# four warnings before the limit: the limit's, the reason for 65, is still said
{
	printf 'From: Ann <ann@example.com>\nDate: Tue, 3 Mar 2026 09:00:00 +0000\nMessage-ID: <w5@example.com>\nContent-Type: multipart/mixed; boundary="b"\n\n'
	for cs in x-a x-b x-c x-d x-e; do
		printf -- '--b\nContent-Type: text/plain; charset=%s\n\ncaf\351\n' $cs
	done
	i=0
	while [ $i -lt 1000 ]; do
		printf -- '--b\nContent-Type: text/plain\n\np\n'
		i=$((i + 1))
	done
} > warned.eml
tcase "more than four warnings: the part limit is still named, the rest counted" "enq-parse warned.eml >/dev/null"
expect_rc 65
expect_err <<'E'
enq-parse: warned.eml: unknown charset 'x-a', read as Windows-1252
enq-parse: warned.eml: unknown charset 'x-b', read as Windows-1252
enq-parse: warned.eml: unknown charset 'x-c', read as Windows-1252
enq-parse: warned.eml: more than 1000 MIME parts, the rest skipped
enq-parse: warned.eml: 2 more warnings about this message not shown
E

tcase "--strict stops after a record with text missing" "cat deep.eml > a.eml; enq-parse --strict deep.eml $M/clean.eml | wc -l"
expect_out <<'E'
1
E

# ---- maildir: regular files only, no links followed ----
mkdir -p box/cur box/new
echo 'root:secret' > secret.txt
cp "$M/clean.eml" box/cur/1698765432.M1P2.host
ln -s ../../secret.txt box/new/1698765499.M3P3.host
mkfifo box/new/1698765500.M4P4.host
mkdir box/new/1698765501.M5P5.host
tcase "maildir: links and other non-files named and skipped, never read" \
	"enq-parse box > out; s=\$?; cut -d, -f1 out; exit \$s"
expect_rc 66
expect_out <<'E'
{"id":"clean@example.com"
E
expect_err <<'E'
enq-parse: box/new/1698765499.M3P3.host: a symbolic link, skipped
enq-parse: box/new/1698765500.M4P4.host: a FIFO, skipped
enq-parse: box/new/1698765501.M5P5.host: a directory, skipped
E

mkdir -p real/cur linked
cp "$M/clean.eml" real/cur/1698765432.M1P2.host
ln -s ../real/cur linked/cur
tcase "maildir: a cur/ that is a link is named and skipped" "enq-parse linked"
expect_rc 66
expect_out </dev/null
expect_err <<'E'
enq-parse: linked/cur: a symbolic link, skipped
E

tcase "a directory with cur/ and no new/ is a maildir" "enq-parse real | cut -d, -f1"
expect_rc 0
expect_out <<'E'
{"id":"clean@example.com"
E
expect_err </dev/null

mkdir -p notdir/cur
cp "$M/clean.eml" notdir/cur/1698765432.M1P2.host
echo 'not a directory' > notdir/new
tcase "maildir: a new/ that is no directory is named, cur/ still read" "enq-parse notdir > out; s=\$?; cut -d, -f1 out; exit \$s"
expect_rc 66
expect_out <<'E'
{"id":"clean@example.com"
E
expect_err <<'E'
enq-parse: notdir/new: Not a directory
E

# ---- kpi-rollup and kpi-report: undated records counted, never silently ----
K="-e 'by month(received_at)' -e 'kpi n = count()'"
SECS="sed 's/\"seconds\":[0-9.]*/\"seconds\":S/'"
tcase "kpi-rollup --from/--to: records without a date are undated, not outside" \
	"cd $M && enq-parse nodate.mbox date-missing.eml 2>/dev/null | kpi-rollup $K --from 2026-03 --to 2026-04 --stats 2>&1 | $SECS"
expect_rc 0
expect_out <<'E'
{"period":"2026-03","n":2,"base_n":{"n":2},"kpi":{"by":[],"names":["n"],"owner":{},"unit":{},"label":{"n":"n"},"definition":{},"kind":{"n":"count"},"min_n":{"n":5},"digits":{},"undated":2}}
{"program":"kpi-rollup","in":4,"out":1,"rejected":0,"cells":1,"not_numbers":0,"not_times":0,"outside":0,"undated":2,"seconds":S}
E

tcase "kpi-rollup --from/--to -o table: the undated said on stderr, no metadata to hold them" \
	"cd $M && enq-parse nodate.mbox date-missing.eml 2>/dev/null | kpi-rollup $K --from 2026-03 --to 2026-04 -o csv"
expect_rc 0
expect_out <<'E'
period,n
2026-03,2
E
expect_err <<'E'
kpi-rollup: 2 records had no time for the period and are not counted
E

# the second run's state rows: its undated record's cell (period null) and
# its undated count; --merge --from counts the count, not the cell
tcase "kpi-rollup --partial/--merge: the undated count travels" \
	"cd $M && enq-parse nodate.mbox 2>/dev/null | kpi-rollup $K --partial > \$T/a && enq-parse date-missing.eml 2>/dev/null | kpi-rollup $K --partial > \$T/b && kpi-rollup $K --merge --from 2026-03 --to 2026-04 --stats \$T/a \$T/b 2>&1 | $SECS | grep -o '\"n\":2\\|\"undated\":2}}\\|\"outside.*'"
expect_out <<'E'
"n":2
"n":2
"undated":2}}
"outside":0,"undated":2,"seconds":S}
E

tcase "kpi-rollup --partial --from, --merge without: the undated the partial left out stay in the metadata" \
	"cd $M && enq-parse nodate.mbox date-missing.eml 2>/dev/null | kpi-rollup $K --partial --from 2026-03 --to 2026-04 > \$T/p && kpi-rollup $K --merge \$T/p"
expect_rc 0
expect_out <<'E'
{"period":"2026-03","n":2,"base_n":{"n":2},"kpi":{"by":[],"names":["n"],"owner":{},"unit":{},"label":{"n":"n"},"definition":{},"kind":{"n":"count"},"min_n":{"n":5},"digits":{},"undated":2}}
E

printf '%s\n' '{"period":"2026-03","n":2,"kpi":{"by":[],"names":["n"],"owner":{},"unit":{},"undated":2}}' > undated.jsonl
tcase "kpi-report says how many records had no date (text)" "kpi-report -f text undated.jsonl | tail -1"
expect_rc 0
expect_out <<'E'
2 records had no date and are not counted.
E
tcase "kpi-report says how many records had no date (HTML footer)" "kpi-report -f html undated.jsonl | grep -o ' rows\..*</footer>'"
expect_out <<'E'
 rows. 2 records had no date and are not counted.</footer>
E
sed 's/2026-03/2026-04/' undated.jsonl > undated-04.jsonl
tcase "kpi-report: two runs' files with the same metadata, their counts added" \
	"kpi-report -f text undated.jsonl undated-04.jsonl | tail -1"
expect_rc 0
expect_out <<'E'
4 records had no date and are not counted.
E
tcase "kpi-report: an undated that is no count" \
	"printf '%s\n' '{\"period\":\"2026-03\",\"n\":2,\"kpi\":{\"by\":[],\"names\":[\"n\"],\"owner\":{},\"unit\":{},\"undated\":-1}}' | kpi-report -f text >/dev/null"
expect_rc 65
expect_err <<'E'
kpi-report: <stdin>:1: "kpi": "undated" must be a count
E

done_testing
