#!/bin/sh
# enq-parse reads delimited text in blocks of 256 KiB (lib/csv/csvio.c),
# searching each block once for line ends, CRs, NULs and bad UTF-8: a row
# must read the same wherever a block boundary falls in it.  Each case
# puts the row at every offset across the boundary in turn (one file per
# offset) and compares every output with the exact one.  Also: dates
# already in the record's form, kept as they are, and the forms near it
# that are not.  Test data: generated here.
. "$(dirname "$0")/../lib.sh"

BLOCK=262144

# fill N [BOM]: a header (after a UTF-8 BOM when BOM is 1) and 2000 rows
# of filler, N bytes in all, the first row's body taking what is left over
awk 'BEGIN { for (i = 2; i <= 2000; i++) printf "f%06d,2025-01-01T00:00:00Z,s,%s\n", i,
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" }' > rest
awk 'BEGIN { for (i = 0; i < 60000; i++) printf "x" }' > xs
cat > fill <<'EOF'
#!/bin/sh
h='id,received_at,subject,body\n'
[ "${2:-0}" = 1 ] && h="\357\273\277$h"
hn=$(printf "$h" | wc -c) rn=$(wc -c < rest)
printf "${h}f000001,2025-01-01T00:00:00Z,s,"
head -c $(($1 - hn - rn - 32)) xs
echo
cat rest
EOF
chmod +x fill

# straddle NAME ROW [BOM]: for each offset d from 0 to the row's length,
# NAME.d.csv is filler to BLOCK - d bytes, the row (printf's format) and
# a row after it; enq-parse's output from the row on, its stderr, status
# and --rejects (od -c) are NAME.d.out.  All must be the same: NAME.all says how many
# differ from NAME.0.out, which is then shown.
cat > straddle <<'EOF'
#!/bin/sh
name=$1 row=$2 bom=${3:-0}
len=$(printf "$row" | wc -c)
d=0 differ=0
while [ $d -le "$len" ]; do
	f=$name.$d.csv
	./fill $((BLOCK - d)) "$bom" > "$f"
	printf "$row" >> "$f"
	printf 'after,2025-05-06T07:08:09Z,s,b\n' >> "$f"
	enq-parse --rejects "$name.$d.rej" "$f" > "$name.$d.all" 2> "$name.$d.err"
	echo "status $?" >> "$name.$d.err"
	{ grep -v '"id":"f0' "$name.$d.all"; cat "$name.$d.err"; od -An -c "$name.$d.rej"; } |
		sed "s/$name\.$d\.csv/FILE/g" > "$name.$d.out"
	cmp -s "$name.0.out" "$name.$d.out" || differ=$((differ + 1))
	d=$((d + 1))
done
echo "$differ of $((len + 1)) differ"
cat "$name.0.out"
EOF
chmod +x straddle
export BLOCK

tcase "a quoted field with line breaks and doubled quotes across the boundary" \
	"./straddle q 'q1,2025-01-02T03:04:05Z,\"multi \"\"line\"\"\",\"line one\nline two\n\nline four\"\n'"
expect_rc 0
expect_out <<'E'
0 of 73 differ
{"id":"q1","received_at":"2025-01-02T03:04:05Z","subject":"multi \"line\"","body":"line one\nline two\n\nline four","channel":"web","source":{"format":"csv","file":"FILE","line":2002}}
{"id":"after","received_at":"2025-05-06T07:08:09Z","subject":"s","body":"b","channel":"web","source":{"format":"csv","file":"FILE","line":2006}}
status 0
E

tcase "CRLF line ends, one split by the boundary, and a lone CR" \
	"./straddle crlf 'c1,2025-01-02T03:04:05Z,s,\"a\r\nb\"\r\nc2,2025-01-02T03:04:06Z,s,b\rc3,2025-01-02T03:04:07Z,s,b\r\n'"
expect_rc 0
expect_out <<'E'
0 of 92 differ
{"id":"c1","received_at":"2025-01-02T03:04:05Z","subject":"s","body":"a\r\nb","channel":"web","source":{"format":"csv","file":"FILE","line":2002}}
{"id":"c2","received_at":"2025-01-02T03:04:06Z","subject":"s","body":"b","channel":"web","source":{"format":"csv","file":"FILE","line":2004}}
{"id":"c3","received_at":"2025-01-02T03:04:07Z","subject":"s","body":"b","channel":"web","source":{"format":"csv","file":"FILE","line":2005}}
{"id":"after","received_at":"2025-05-06T07:08:09Z","subject":"s","body":"b","channel":"web","source":{"format":"csv","file":"FILE","line":2006}}
status 0
E

tcase "UTF-8 of two, three and four bytes split by the boundary: no fallback to Windows-1252" \
	"./straddle u8 'u1,2025-01-02T03:04:05Z,Bront\303\253,\"caf\303\251 \342\202\254 \360\237\230\241\"\n'"
expect_rc 0
expect_out <<'E'
0 of 50 differ
{"id":"u1","received_at":"2025-01-02T03:04:05Z","subject":"Brontë","body":"café € 😡","channel":"web","source":{"format":"csv","file":"FILE","line":2002}}
{"id":"after","received_at":"2025-05-06T07:08:09Z","subject":"s","body":"b","channel":"web","source":{"format":"csv","file":"FILE","line":2003}}
status 0
E

tcase "bad UTF-8 across the boundary: that row's field read as Windows-1252, said once" \
	"./straddle w 'w1,2025-01-02T03:04:05Z,s,\"caf\351\nok \303\251\"\n'"
expect_rc 0
expect_out <<'E'
0 of 40 differ
{"id":"w1","received_at":"2025-01-02T03:04:05Z","subject":"s","body":"café\nok é","channel":"web","source":{"format":"csv","file":"FILE","line":2002}}
{"id":"after","received_at":"2025-05-06T07:08:09Z","subject":"s","body":"b","channel":"web","source":{"format":"csv","file":"FILE","line":2004}}
enq-parse: FILE:2002: not valid UTF-8, read as Windows-1252 (said once per file)
status 0
E

tcase "a file with a BOM: the first column is still id" \
	"./straddle bom 'b1,2025-01-02T03:04:05Z,s,\"x\ny\"\n' 1"
expect_rc 0
expect_out <<'E'
0 of 33 differ
{"id":"b1","received_at":"2025-01-02T03:04:05Z","subject":"s","body":"x\ny","channel":"web","source":{"format":"csv","file":"FILE","line":2002}}
{"id":"after","received_at":"2025-05-06T07:08:09Z","subject":"s","body":"b","channel":"web","source":{"format":"csv","file":"FILE","line":2004}}
status 0
E

tcase "bad rows across the boundary (a NUL, bad quoting, too few fields) to --rejects whole" \
	"./straddle bad 'n1,2025-01-02T03:04:05Z,s,\"a\0b\"\nn2,2025-01-02T03:04:05Z,\"s\"x,b\nn3,\"2025-01-02\nT03:04:05Z\",s\n'"
expect_rc 0
expect_out <<'E'
0 of 93 differ
{"id":"after","received_at":"2025-05-06T07:08:09Z","subject":"s","body":"b","channel":"web","source":{"format":"csv","file":"FILE","line":2006}}
enq-parse: FILE:2002: field 4 has a NUL byte
enq-parse: FILE:2003: bad quoting at column 28
enq-parse: FILE:2004: 3 fields, header has 4
status 65
   i   d   ,   r   e   c   e   i   v   e   d   _   a   t   ,   s
   u   b   j   e   c   t   ,   b   o   d   y  \n   n   1   ,   2
   0   2   5   -   0   1   -   0   2   T   0   3   :   0   4   :
   0   5   Z   ,   s   ,   "   a  \0   b   "  \n   n   2   ,   2
   0   2   5   -   0   1   -   0   2   T   0   3   :   0   4   :
   0   5   Z   ,   "   s   "   x   ,   b  \n   n   3   ,   "   2
   0   2   5   -   0   1   -   0   2  \n   T   0   3   :   0   4
   :   0   5   Z   "   ,   s  \n
E
# ---- a line longer than the 1 MiB fed before its end, across blocks ----
# 600,000 two-byte characters, no line break: the reader feeds libcsv
# 1 MiB of it (at a block's end, where a character may be cut in two)
# before the line ends; the field must come out whole, with no warning.
cat > long <<'EOF'
#!/bin/sh
# long PAD: a header and a row whose body is 600,000 é after PAD x's
printf 'id,received_at,subject,body\nlong,2025-01-02T03:04:05Z,s,'
awk -v pad="$1" 'BEGIN { for (i = 0; i < pad; i++) printf "x"
	s = "\303\251"; for (i = 0; i < 10; i++) s = s s
	for (i = 0; i < 585; i++) printf "%s", s; for (i = 0; i < 960; i++) printf "\303\251" }'
printf '\nafter,2025-05-06T07:08:09Z,s,b\n'
EOF
chmod +x long
for pad in 0 1 2 3; do ./long $pad > long$pad.csv; done
tcase "a 1.2 MB line at each alignment: the body whole, no warning" \
	"for pad in 0 1 2 3; do enq-parse long\$pad.csv > out\$pad || echo fail; sed -n 1p out\$pad | sed 's/.*\"body\":\"x*//; s/\",\"channel.*//' | wc -c; sed -n 2p out\$pad | cut -c1-40; done"
expect_rc 0
expect_out <<'E'
1200001
{"id":"after","received_at":"2025-05-06T
1200001
{"id":"after","received_at":"2025-05-06T
1200001
{"id":"after","received_at":"2025-05-06T
1200001
{"id":"after","received_at":"2025-05-06T
E
expect_err </dev/null

# ---- the field limit (64 MiB, a multiple of the block) at a boundary ----
cat > big <<'EOF'
#!/bin/sh
# big N: a header and a row whose quoted body is N bytes of x
printf 'id,received_at,subject,body\nbig,2025-01-02T03:04:05Z,s,"'
head -c "$1" /dev/zero | tr '\0' x
printf '"\nafter,2025-05-06T07:08:09Z,s,b\n'
EOF
chmod +x big
tcase "a field of exactly 64 MiB is read; one byte more is turned away, the rest flows" \
	"./big 67108864 | enq-parse | cut -c1-50; ./big 67108865 | enq-parse --rejects rej > out; echo \$?; cut -c1-50 out; wc -c < rej"
expect_rc 0
expect_out <<'E'
{"id":"big","received_at":"2025-01-02T03:04:05Z","
{"id":"after","received_at":"2025-05-06T07:08:09Z"
65
{"id":"after","received_at":"2025-05-06T07:08:09Z"
67108923
E
expect_err <<'E'
enq-parse: <stdin>:2: field 4 is longer than 67108864 bytes
E

# ---- a pipe written a byte at a time reads as the file does ----
cat q.7.csv crlf.30.csv u8.40.csv > slow.csv
tcase "one byte at a time through a pipe: the same output as the file" \
	"enq-parse - < slow.csv > whole; perl -e '\$| = 1; while (read STDIN, \$c, 1) { print \$c }' < slow.csv | enq-parse - > bytes; cmp whole bytes && wc -l < bytes"
expect_rc 0
expect_out <<'E'
6008
E

# ---- dates: the record's own form kept as it is, the rest parsed ----
printf 'id,received_at,subject\na,2024-02-29T23:59:59Z,s\nb,2023-02-29T10:00:00Z,s\nc,2024-01-01T24:00:00Z,s\nd,2024-06-30T23:59:60Z,s\ne,2024-01-01t10:00:00z,s\nf," 2024-01-01T10:00:00Z ",s\ng,0000-01-01T00:00:00Z,s\nh,9999-12-31T23:59:59Z,s\ni,2024-13-01T00:00:00Z,s\nj,2024-00-10T00:00:00Z,s\nk,2024-04-31T00:00:00Z,s\nl,2024-04-30T00:60:00Z,s\nm,2024-04-30T00:00:00+00:00,s\nn,2024-4-30T00:00:00Z,s\n' > dates.csv
tcase "dates near the record's form: valid ones kept or rewritten, bad ones turned away" \
	"enq-parse dates.csv | sed 's/,\"subject.*//'"
expect_rc 0
expect_out <<'E'
{"id":"a","received_at":"2024-02-29T23:59:59Z"
{"id":"d","received_at":"2024-06-30T23:59:59Z"
{"id":"e","received_at":"2024-01-01T10:00:00Z"
{"id":"f","received_at":"2024-01-01T10:00:00Z"
{"id":"g","received_at":"0000-01-01T00:00:00Z"
{"id":"h","received_at":"9999-12-31T23:59:59Z"
{"id":"m","received_at":"2024-04-30T00:00:00Z"
{"id":"n","received_at":"2024-04-30T00:00:00Z"
E
expect_err <<'E'
enq-parse: dates.csv:3: bad date '2023-02-29T10:00:00Z' in 'received_at': a day of that month expected at '29T10:00:00Z'
enq-parse: dates.csv:4: bad date '2024-01-01T24:00:00Z' in 'received_at': an hour (00-23) expected at '24:00:00Z'
enq-parse: dates.csv:10: bad date '2024-13-01T00:00:00Z' in 'received_at': a month (1-12) expected at '13-01T00:00:00Z'
enq-parse: dates.csv:11: bad date '2024-00-10T00:00:00Z' in 'received_at': a month (1-12) expected at '00-10T00:00:00Z'
enq-parse: dates.csv:12: bad date '2024-04-31T00:00:00Z' in 'received_at': a day of that month expected at '31T00:00:00Z'
enq-parse: dates.csv:13: bad date '2024-04-30T00:60:00Z' in 'received_at': minutes (00-59) expected at '60:00Z'
E


# ---- fields copied and escaped a few bytes at a time ----
# Short fields are copied and checked for JSON escapes by loads of 8, 4
# or 16 bytes (lib/csv/csvio.c, lib/core/buf.c): each byte JSON escapes,
# a quote, CR, LF, NUL, a delimiter, spaces, UTF-8 of 2-4 bytes and bad
# UTF-8, at each place of a field of each length from 0 to 40 (the first
# 16-byte block, its last byte, the block after).  The sums are those of
# the output before the copies were made short (commit 62249ae).
cat > edges.pl <<'EOF'
binmode STDOUT;
print "id,received_at,subject,body,value\n";
my @special = ("\"", "\n", "\r", "\t", "\\", "\x01", "\x1f", "\x7f", " ", ",",
	"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\xa1", "\xff", "\xc3", "\x00");
my $row = 0;
for my $s (@special) {
	for my $len (0 .. 40) {
		for my $at (0 .. ($len ? $len - 1 : 0)) {
			my $f = "a" x $len;
			substr($f, $at, 1) = $s if $len;
			(my $q = $f) =~ s/"/""/g;
			my $plain = $f !~ /["\n\r,\x00]/ && $f !~ /^[ \t]|[ \t]$/;
			$row++;
			printf "r%d,2025-01-02T03:04:%02dZ,%s,\"%s\",%d.5\n", $row, $row % 60,
				$plain ? $f : "s", $q, $len;
		}
	}
}
EOF
perl edges.pl > edges.csv
tcase "every escaped byte at every place of fields 0-40 bytes long: output as before" \
	"enq-parse --rejects rej edges.csv > out 2> err; echo status \$?; cksum < out; cksum < rej; cksum < err; wc -l < err"
expect_rc 0
expect_out <<'E'
status 65
933089310 2597382
493737884 53289
2564664911 41907
821
E

printf 'id,received_at,subject,body\n' > near.csv
k=0
for c in '""' '\n' '\r' '\\' '\001' '\303\251' '\t'; do
	for at in 15 16 17; do
		k=$((k + 1))
		printf "n$k,2025-01-02T03:04:05Z,s,\"%s$c%s\"\n" $(head -c $at xs) yyyyyyyyyyyyyyyy >> near.csv
	done
done
tcase "an escape at byte 15, 16 and 17 of a field" \
	"enq-parse near.csv | sed 's/.*\"body\"://; s/,\"channel.*//'"
expect_rc 0
expect_out <<'E'
"xxxxxxxxxxxxxxx\"yyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxxx\"yyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxxxx\"yyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxx\nyyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxxx\nyyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxxxx\nyyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxx\ryyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxxx\ryyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxxxx\ryyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxx\\yyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxxx\\yyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxxxx\\yyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxx\u0001yyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxxx\u0001yyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxxxx\u0001yyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxxéyyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxxxéyyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxxxxéyyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxx\tyyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxxx\tyyyyyyyyyyyyyyyy"
"xxxxxxxxxxxxxxxxx\tyyyyyyyyyyyyyyyy"
E


# ---- a file that seeks is read again from where it was, after sniffing ----
printf 'junk,junk,junk,junk,junk,j\nid,received_at,subject\na1,2025-01-02T03:04:05Z,s\n' > off.csv
printf 'junk,junk,junk,junk,junk,j\n{"id":"j1","received_at":"2025-01-02T03:04:05Z"}\n' > off.jsonl
tcase "stdin a file already read into: read from where it was, not from its start" \
	"for f in off.csv off.jsonl; do { dd bs=27 count=1 of=/dev/null 2>/dev/null; enq-parse -; } < \$f; done"
expect_rc 0
expect_out <<'E'
{"id":"a1","received_at":"2025-01-02T03:04:05Z","subject":"s","channel":"web","source":{"format":"csv","file":"<stdin>","line":2}}
{"id":"j1","received_at":"2025-01-02T03:04:05Z","channel":"web","source":{"format":"jsonl","file":"<stdin>","line":1}}
E
expect_err </dev/null


# ---- fields taken from libcsv's buffer, each column's given back ----
# A row wider than the header (its fields rejected), a field that grows
# libcsv's buffer past 64 KiB, then short fields in the same columns:
# each row reads as its own bytes, nothing of the row before.
{ printf 'id,received_at,subject\n'
  awk 'BEGIN { for (i = 0; i < 40; i++) printf "w%d,", i; print "w" }'
  printf 'a1,2025-01-02T03:04:05Z,"'; head -c 70000 xs; head -c 70000 xs; printf '"\n'
  printf 'a2,2025-01-02T03:04:06Z,\n'
  printf 'a3,,"q""\n"\n'
  printf 'a4,2025-01-02T03:04:07Z,s\n'; } > swap.csv
tcase "a row too wide, a field past 64 KiB, short fields after them: each row its own" \
	"enq-parse --rejects rej swap.csv | sed 's/xxxxxxxxxx*/x*/'; cut -c1-20 rej"
expect_rc 0
expect_out <<'E'
{"id":"a1","received_at":"2025-01-02T03:04:05Z","subject":"x*","channel":"web","source":{"format":"csv","file":"swap.csv","line":3}}
{"id":"a2","received_at":"2025-01-02T03:04:06Z","subject":null,"channel":"web","source":{"format":"csv","file":"swap.csv","line":4}}
{"id":"a3","received_at":null,"subject":"q\"\n","channel":"web","source":{"format":"csv","file":"swap.csv","line":5}}
{"id":"a4","received_at":"2025-01-02T03:04:07Z","subject":"s","channel":"web","source":{"format":"csv","file":"swap.csv","line":7}}
id,received_at,subje
w0,w1,w2,w3,w4,w5,w6
E
expect_err <<'E'
enq-parse: swap.csv:2: 41 fields, header has 3
E

done_testing
