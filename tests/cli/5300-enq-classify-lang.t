#!/bin/sh
# enq-classify's `lang`: the language of subject and body by character
# n-grams (enq-classify(1) LANGUAGE), one record in each of the eight
# languages, "und" where there is too little or another script, the
# record's own lang kept, --no-lang, and `lang` refused as an extract.
. "$(dirname "$0")/../lib.sh"
D=$DATA/lang

tcase "each language named, und where unsure, the record's own kept" "enq-classify $D/enq.jsonl | jq -r '[.id, .lang] | @tsv'"
expect_rc 0
expect_out <<'E'
L1	en
L2	de
L3	fr
L4	es
L5	it
L6	nl
L7	pt
L8	pl
L9	und
L10	fr
L11	en
L12	und
E

tcase "lang is a string member after priority_by" "head -1 $D/enq.jsonl | enq-classify --no-model | grep -o '\"priority_by\":\"default\",\"lang\":\"en\",'"
expect_out <<'E'
"priority_by":"default","lang":"en",
E

tcase "a kept lang is passed through byte for byte, once" "sed -n 10p $D/enq.jsonl | enq-classify | grep -o '\"lang\":[^,]*' "
expect_out <<'E'
"lang":"fr"
E

tcase "--no-lang: no lang member" "enq-classify --no-lang $D/enq.jsonl | grep -c '\"lang\"'"
expect_out <<'E'
2
E

printf 'category a 1 when true\nextract lang from text /(en)/\n' > lang.rules
tcase "lang is enq-classify's own: no extract rule sets it" "enq-classify -r lang.rules $D/enq.jsonl"
expect_rc 78
expect_err <<'E'
enq-classify: lang.rules:2:9: 'lang' is a field enq-classify sets itself
E
done_testing
