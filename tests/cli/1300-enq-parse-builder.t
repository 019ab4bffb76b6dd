#!/bin/sh
# enq-parse: JSON lines are read as every other program reads them
# (lib/stream): a line over --max-line is turned away without being held,
# so memory stays bounded whatever the line's length.  Test data: made
# here.
. "$(dirname "$0")/../lib.sh"

# ./long N: two short records with a line of N bytes between them;
# ./peak N: the most enq-parse held (KB, GNU time's %M) reading that.
cat > long <<'E'
#!/bin/sh
printf '{"a":1}\n'; head -c "$1" /dev/zero | tr '\0' x; printf '\n{"b":2}\n'
E
cat > peak <<'E'
#!/bin/sh
./long "$1" | /usr/bin/time -o mem -f %M enq-parse -f jsonl --max-line 1000 --rejects /dev/null >/dev/null 2>&1
tail -n 1 mem	# after "Command exited with non-zero status 65"
E
chmod +x long peak
# beside a run on the short lines alone, the 100 MB line must not add
# 10 MB (enq-parse held it whole: 100 MB more)
tcase "a 100 MB JSON line over --max-line: rejected, memory bounded (stdin)" \
	"short=\$(./peak 0); big=\$(./peak 100000000); d=\$((big - short)); [ \$d -lt 10240 ] && echo bounded || echo \"\$d KB more\""
expect_out <<'E'
bounded
E

tcase "a line over --max-line from a file: the rest flows, the line to --rejects whole, 65" \
	"./long 300000 > long.jsonl; enq-parse -f jsonl --max-line 1000 --rejects rej long.jsonl | cut -c1-36; echo \$?; wc -c < rej; tr -d x < rej | od -c | head -2"
expect_out <<'E'
{"id":"enq-75b4c446ea7e78a0","a":1,"
{"id":"enq-7c1251850e2f353d","b":2,"
0
300001
0000000  \n
0000001
E
expect_err <<'E'
enq-parse: long.jsonl:2: line longer than --max-line (1000 bytes), rejected
E

tcase "records in = out + rejected" \
	"./long 5000 | enq-parse -f jsonl --max-line 1000 --stats 2>&1 >/dev/null | tail -1 | sed 's/,\"seconds.*//'"
expect_out <<'E'
{"program":"enq-parse","in":3,"out":2,"rejected":1
E

# ---- CSV rejects: each field as lib/csvio writes it ----
printf 'Email,Amount,Note\n"\tx@y",abc,=1+1\n' > tab.csv
printf 'Amount = amount text\n' > text.map
tcase "a rejected row reads back the same: a field edged by a tab is quoted (unquoted, it read back without it)" \
	"enq-parse --rejects rej tab.csv 2>/dev/null; od -An -c rej; enq-parse -m text.map rej 2>/dev/null | grep -o '\"email\":\"[^\"]*\"'"
expect_out <<'E'
   E   m   a   i   l   ,   A   m   o   u   n   t   ,   N   o   t
   e  \n   "  \t   x   @   y   "   ,   a   b   c   ,   =   1   +
   1  \n
"email":"\tx@y"
E

# ---- one record builder: the same rules for every source ----
printf '{"id":"  ","subject":"x"}\n{"id":" 7 ","subject":"y"}\n' > ids.jsonl
printf 'ID,Subject\n"  ",x\n" 7 ",y\n' > ids.csv
tcase "a blank id is no id in JSON lines as in CSV: the digest; others kept as written" \
	"enq-parse ids.jsonl ids.csv 2>/dev/null | cut -d, -f1"
expect_out <<'E'
{"id":"enq-138e2123d95e4fb2"
{"id":" 7 "
{"id":"enq-c6135ac1304053ed"
{"id":" 7 "
E

done_testing
