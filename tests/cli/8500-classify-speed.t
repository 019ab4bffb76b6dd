#!/bin/sh
# enq-classify's rule stage made cheaper (issue 20) gives the answers it
# gave before: the literal prefilter, and the rules that ask it before
# their condition is evaluated, against pcre2 alone
# (OPFLOW_NO_PREFILTER=1) on hostile text; and the language guess, whose
# lookups the model cannot answer are now skipped, against the answers
# of the build before (the counts below).  Test data:
# tests/data/classify-speed/ (written for these tests); the input is made
# by its gen.awk, share/train's held-out sets with their own lang removed.
. "$(dirname "$0")/../lib.sh"
D=$DATA/classify-speed
TOP=$(cd "$TESTS/.." && pwd)
awk -f "$D/gen.awk" > "$T/edge.jsonl"

tcase "hostile text: the same output with the prefilter and without" \
	"enq-classify --no-model -r $D/edge.rules $T/edge.jsonl > $T/pf.jsonl &&
	 OPFLOW_NO_PREFILTER=1 enq-classify --no-model -r $D/edge.rules $T/edge.jsonl > $T/nopf.jsonl &&
	 cmp $T/pf.jsonl $T/nopf.jsonl && wc -l < $T/pf.jsonl"
expect_rc 0
expect_out <<'E'
1217
E
expect_err </dev/null

tcase "literals at every offset and at the end, junk, a megabyte line: the categories" \
	"jq -r .category $T/pf.jsonl | sort | uniq -c"
expect_out <<'E'
     68 caps
    153 kiosk
     69 last
    783 none
     76 refund
     68 stop
E

tcase "... the extracts (gated by classes and by literals)" \
	"jq -r '[.code, .ref] | @tsv' $T/pf.jsonl | sort | uniq -c"
expect_out <<'E'
   1145 	
      1 	REF-3121
     35 	ref-1234
     36 AB123	
E

tcase "... the priorities and tags (rules asked their gate before they are evaluated)" \
	"jq -r '[.priority, (.tags | join(\",\"))] | @tsv' $T/pf.jsonl | sort | uniq -c"
expect_out <<'E'
     76 low	
      1 low	ref
    802 normal	
    153 normal	kiosk
    108 normal	ref
     76 urgent	
      1 urgent	ref
E

tcase "--explain evaluates every rule: the same with the prefilter and without" \
	"head -n 300 $T/edge.jsonl > $T/head.jsonl &&
	 enq-classify --explain --no-model -r $D/edge.rules $T/head.jsonl > $T/pf.x &&
	 OPFLOW_NO_PREFILTER=1 enq-classify --explain --no-model -r $D/edge.rules $T/head.jsonl > $T/nopf.x &&
	 cmp $T/pf.x $T/nopf.x && grep -o '\"category\":\"[a-z]*\",\"score\"' $T/pf.x | sort | uniq -c"
expect_rc 0
expect_out <<'E'
    136 "category":"kiosk","score"
     70 "category":"refund","score"
     15 "category":"stop","score"
E

tcase "... the megabyte line" "jq -r 'select(.id == \"mega\") | [.category, .code, .lang] | @tsv' $T/pf.jsonl"
expect_out <<'E'
last	AB123	en
E

tcase "confidence 1/16, a tie at three decimals, written as printf does: to even" \
	"printf '%s\\n' '{\"id\":\"t\",\"subject\":\"w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15\"}' |
	 enq-classify --no-model -r $D/tie.rules | grep -o '\"confidence\":[^,]*'"
expect_out <<'E'
"confidence":0.062
E

tcase "the language of junk (control characters, other scripts, emoji)" \
	"jq -r 'select(.id | startswith(\"junk\")) | .lang' $T/pf.jsonl | sort | uniq -c"
expect_out <<'E'
     33 de
     84 en
      4 es
      5 fr
    124 nl
     47 pl
    103 und
E

tcase "the language of 2,155 held-out enquiries in six languages" \
	"jq -c 'del(.lang)' $TOP/share/train/heldout-*.jsonl | enq-classify --no-model |
	 jq -r '[(.id | .[0:2]), .lang] | @tsv' | sort | uniq -c"
expect_rc 0
expect_out <<'E'
    245 de	de
      1 en	de
   1068 en	en
      5 en	fr
      1 en	nl
      3 en	pt
      7 en	und
      1 es	en
    257 es	es
      4 es	pt
      1 es	und
    258 fr	fr
      1 it	fr
    150 it	it
    153 nl	nl
E

# The language guess (and the rules beside it) on text made to break a
# faster reading: the answers of the build before, in lang.tsv.  awk in
# the C locale cuts a sentence between the bytes of a letter: invalid
# UTF-8, turned away by the reader.
LC_ALL=C awk -f "$D/lang.awk" > "$T/lang.jsonl"
tcase "multibyte letters at every offset, NUL, other scripts, capitals, close calls, a megabyte line" \
	"enq-classify --no-model < $T/lang.jsonl | jq -r '[.id, .lang, .category, .priority, (.tags | join(\",\"))] | @tsv'"
expect_rc 0
expect_out_file "$D/lang.tsv"
expect_err <<'E'
enq-classify: <stdin>:318:103: invalid UTF-8 in string
enq-classify: <stdin>:319:103: invalid UTF-8 in string
enq-classify: <stdin>:320:93: invalid UTF-8 in string
enq-classify: <stdin>:536:103: invalid UTF-8 in string
enq-classify: <stdin>:537:103: invalid UTF-8 in string
enq-classify: <stdin>:538:93: invalid UTF-8 in string
enq-classify: <stdin>:1081:103: invalid UTF-8 in string
enq-classify: <stdin>:1082:103: invalid UTF-8 in string
enq-classify: <stdin>:1083:93: invalid UTF-8 in string
E

# Members are looked up by a filter of the keys a record has (length and
# first byte): a key written with escapes is still the record's own.
tcase "escaped keys: the record's own category, priority and lang stand" \
	"printf '%s\n' '{\"id\":\"e1\",\"body\":\"I want a refund\",\"\\u0063ategory\":\"booking\",\"pri\\u006frity\":\"low\",\"l\\u0061ng\":\"fr\"}' |
	 enq-classify --no-model"
expect_rc 0
expect_out <<'E'
{"id":"e1","body":"I want a refund","\u0063ategory":"booking","pri\u006frity":"low","l\u0061ng":"fr","confidence":1.000,"category_by":"input","priority_by":"input","tags":["refund","no_contact"],"missing":["email","name","phone","date_wanted"]}
E

# The literal gates answered for all rules at once (a bit a rule, past 64
# rules) beside rules gated by classes: the same output as without the
# prefilter.
awk 'BEGIN { print "threshold 1"; print "default none"
	for (i = 0; i < 70; i++) printf "category c%d %d when text =~ /\\bw%d(x|y)?\\b/i\n", i, 1 + i % 3, i
	print "tag code when text =~ /\\b[A-Z]{2}\\d{3}\\b/"
	print "priority urgent when text =~ /\\d{4}-\\d{2}/"
	print "tag w69 when text =~ /w69/" }' > "$T/gates.rules"
awk 'BEGIN { for (i = 0; i < 200; i++) printf "{\"id\":\"g%d\",\"subject\":\"w%d and W%dx\",\"body\":\"%s w%d 2026-%02d AB%03d\"}\n",
	i, i % 71, (i * 7) % 71, i % 2 ? "\\u212A" : "", (i * 3) % 73, i % 13, i }' > "$T/gates.jsonl"
tcase "70 rules of literals and rules of classes: the same with the prefilter and without" \
	"enq-classify --no-model -r $T/gates.rules $T/gates.jsonl $T/edge.jsonl > $T/g-pf.jsonl &&
	 OPFLOW_NO_PREFILTER=1 enq-classify --no-model -r $T/gates.rules $T/gates.jsonl $T/edge.jsonl > $T/g-nopf.jsonl &&
	 cmp $T/g-pf.jsonl $T/g-nopf.jsonl && head -n 200 $T/g-pf.jsonl | jq -r '[.category, .priority, (.tags | join(\",\"))] | @tsv' |
	 awk -F'\t' '{ c[\$1]++; p[\$2]++; t[\$3]++ }
		END { for (k in c) n++; print n, \"categories,\", c[\"c64\"] + c[\"c66\"] + c[\"c69\"], \"of c64, c66, c69\";
		      print p[\"urgent\"], \"urgent,\", t[\"code,w69\"], \"tagged code,w69\" }'"
expect_rc 0
expect_out <<'E'
45 categories, 1 of c64, c66, c69
200 urgent, 5 tagged code,w69
E
expect_err </dev/null


# Rules that read only the lines not quoted, ^(?!>)[^\n]*? under the m
# flag (the built-in ones and quoted.rules): pcre2 looks for the rest of
# the pattern anywhere and opflow checks the line it starts on
# (lib/lang/regex.c).  The answers, the extracts and --explain's matched
# text are the build's before (the .tsv files beside quoted.awk).
awk -f "$D/quoted.awk" > "$T/quoted.jsonl"
grep -v '"id":"mega' "$T/quoted.jsonl" > "$T/quoted-small.jsonl"
tcase "quoted lines at the start, middle, end; '>' after spaces; CRLF; across the quote; 10,000 quoted lines" \
	"enq-classify --no-model -r $D/quoted.rules $T/quoted-small.jsonl |
	 jq -r '[.id, .category, (.tags | join(\",\")), .ref, ((.amount // []) | join(\",\"))] | @tsv'"
expect_rc 0
expect_out_file "$D/quoted.tsv"
expect_err </dev/null

tcase "... the built-in rules" \
	"enq-classify --no-model $T/quoted-small.jsonl | jq -r '[.id, .category, .priority, (.tags | join(\",\"))] | @tsv'"
expect_rc 0
expect_out_file "$D/quoted-default.tsv"
expect_err </dev/null

EXPLAIN='.id as $i | .explain.rules[] | select(.compared) |
	[$i, (.at | sub(".*/"; "")), (.compared[] | select(.op == "=~") | "\(.holds) \(.match)")] | @tsv'
tcase "... --explain: the text each rule matched, from the start of its line" \
	"enq-classify --no-model --explain -r $D/quoted.rules $T/quoted-small.jsonl | jq -r '$EXPLAIN'"
expect_rc 0
expect_out_file "$D/quoted-explain.tsv"

tcase "... --explain, the built-in rules" \
	"enq-classify --no-model --explain $T/quoted-small.jsonl | jq -r '$EXPLAIN'"
expect_rc 0
expect_out_file "$D/quoted-explain-default.tsv"

# The build before tried the rest of the pattern at every byte of the
# line in one pcre2 match: "match limit exceeded" on a megabyte line (a
# rule pcre2 reads whole, quoted.rules' \K one, still would)
tcase "a megabyte line, fresh and after a quoted one: answered, no match limit" \
	"grep '\"id\":\"mega' $T/quoted.jsonl | enq-classify --no-model |
	 jq -r '[.id, .category, .priority, (.tags | join(\",\")), ((.amount // []) | join(\",\"))] | @tsv'"
expect_rc 0
expect_out <<'E'
mega	cancellation	normal	refund,no_contact	£99
mega-q	cancellation	normal	refund,no_contact	
E
expect_err </dev/null

done_testing
