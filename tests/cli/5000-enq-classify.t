#!/bin/sh
# enq-classify: scored rules, priorities, tags, extracts, requires; the
# learned model where rules are silent; --explain; rule and model errors
# with exact messages; bad records named and kept aside.
. "$(dirname "$0")/../lib.sh"
C=$DATA/classify
G=$TESTS/cli/golden

tcase "test rules: scores, threshold, default, extracts, requires" "enq-classify -r $C/basic.rules $C/enq.jsonl"
expect_rc 0
expect_out_file "$G/enq-classify-basic.jsonl"
expect_err </dev/null

tcase "the prefilter changes nothing" "OPFLOW_NO_PREFILTER=1 enq-classify -r $C/basic.rules $C/enq.jsonl > plain; enq-classify -r $C/basic.rules $C/enq.jsonl | cmp - plain && $GOLDEN_FMT -j $G/enq-classify-default.jsonl > want && OPFLOW_NO_PREFILTER=1 enq-classify $C/enq.jsonl | cmp - want && echo same"
expect_out <<'E'
same
E

# numbers as extract subjects: each its own text, with the prefilter on
printf 'category a 1 when true\nextract x from a /(12)/\nextract y from b /(56)/\n' > num.rules
tcase "extracts from two numbers of one length" "echo '{\"a\":1234,\"b\":5678}' | enq-classify -r num.rules | grep -o '\"[xy]\":\"[0-9]*\"'"
expect_out <<'E'
"x":"12"
"y":"56"
E

tcase "built-in rules without -r" "enq-classify $C/enq.jsonl"
expect_rc 0
expect_out_file "$G/enq-classify-default.jsonl"

tcase "--explain: rules fired with file:line and score" "cd $C && enq-classify -r basic.rules --no-model --explain enq.jsonl"
expect_out_file "$G/enq-classify-explain.jsonl"

tcase "from stdin, fields spliced, the rest byte for byte" "head -1 $C/enq.jsonl | tr -d '\\n' | sed 's/}\$//' > head; head -1 $C/enq.jsonl | enq-classify -r $C/basic.rules | head -c \$(wc -c < head) | cmp - head && echo same"
expect_out <<'E'
same
E

tcase "a category the record had stands (5200 has the rest)" "sed -n 5p $C/enq.jsonl | enq-classify -r $C/basic.rules"
expect_out <<'E'
{"id":"C5","received_at":"2026-10-08T13:00:00Z","email":"dan@example.com","subject":"Cancel","body":"Please cancel my contract. Order ORD-445566.","category":"old","confidence":1.000,"category_by":"input","priority":"normal","priority_by":"default","lang":"en","tags":[],"missing":[]}
E
tcase "--reclassify: replaced in place, the old one beside it" "sed -n 5p $C/enq.jsonl | enq-classify -r $C/basic.rules --reclassify"
expect_out <<'E'
{"id":"C5","received_at":"2026-10-08T13:00:00Z","email":"dan@example.com","subject":"Cancel","body":"Please cancel my contract. Order ORD-445566.","category":"misc","confidence":0.000,"category_by":"default","category_was":"old","priority":"normal","priority_by":"default","lang":"en","tags":[],"missing":[]}
E

tcase "--stats" "enq-classify -r $C/basic.rules --stats $C/enq.jsonl 2>&1 >/dev/null | sed 's/\"seconds\":[0-9.]*/\"seconds\":S/'"
expect_out <<'E'
{"program":"enq-classify","in":8,"out":8,"rejected":0,"by_input":1,"by_rules":4,"by_model":0,"by_default":3,"seconds":S}
E

# ---- the model, where rules are silent or below the threshold ----
tcase "train a model for the next cases" "enq-train --label label -o m.model --holdout 0 $DATA/classify/train.jsonl"
expect_rc 0
printf 'threshold 3\ncategory quote 5 when text =~ /\\bquote\\b/i\n' > few.rules
tcase "-m: the model decides where rules do not" "enq-classify -r few.rules -m m.model --stats $C/../classify/test.jsonl 2>stats | jq -r '[.id, .label, .category] | @tsv'; sed 's/,\"seconds.*//' stats"
expect_rc 0
expect_out_file "$G/enq-classify-model.tsv"
tcase "-m with --explain: the model's top 3" "head -2 $C/test.jsonl | enq-classify -r few.rules -m m.model --no-model --explain | jq -c .explain"
expect_out_file "$G/enq-classify-model-explain.jsonl"
tcase "--min-prob: a doubtful model answer gives the default" "echo '{\"id\":\"Z\",\"body\":\"zebra\"}' | enq-classify -r few.rules -m m.model --min-prob 0.9 | jq -c '[.category, .confidence]'"
expect_out <<'E'
["other",0]
E
tcase "-m with no words to read: the model is silent" "echo '{\"id\":\"Z\",\"subject\":null}' | enq-classify -r /dev/null -m m.model | jq -c '[.category, .confidence]'"
expect_out <<'E'
["other",0]
E

# ---- bad models: a clear error and 78, never a crash ----
size=$(wc -c < m.model)
head -c 100 m.model > truncated.model
head -c $((size - 1)) m.model > short.model
cp m.model flipped.model
printf 'X' | dd of=flipped.model bs=1 seek=500 conv=notrunc 2>/dev/null
cp m.model v2.model
printf '\002' | dd of=v2.model bs=1 seek=8 conv=notrunc 2>/dev/null
tcase "a truncated model" "enq-classify -m truncated.model $C/enq.jsonl"
expect_rc 78
expect_out </dev/null
expect_err <<'E'
enq-classify: truncated.model: truncated model file: 100 bytes, the weights need more
E
tcase "a model one byte short" "enq-classify -m short.model $C/enq.jsonl 2>&1 | sed 's/: [0-9]* bytes/: N bytes/'"
expect_out <<'E'
enq-classify: short.model: truncated model file: N bytes, the weights need more
E
tcase "a corrupted model" "enq-classify -m flipped.model $C/enq.jsonl"
expect_rc 78
expect_err <<'E'
enq-classify: flipped.model: corrupt model file: checksum mismatch
E
tcase "a model of another version" "enq-classify -m v2.model $C/enq.jsonl"
expect_rc 78
expect_err <<'E'
enq-classify: v2.model: model file format version 2; this program reads version 1 (train it again)
E
tcase "not a model" "enq-classify -m $C/enq.jsonl $C/enq.jsonl"
expect_rc 78
expect_err <<EOF2
enq-classify: $C/enq.jsonl: not an opflow model file (no OPFLOWMD header)
EOF2
tcase "an empty model file" "enq-classify -m /dev/null $C/enq.jsonl"
expect_rc 78
expect_err <<'E'
enq-classify: /dev/null: not an opflow model file (no OPFLOWMD header)
E
tcase "no such model" "enq-classify -m nosuch.model $C/enq.jsonl"
expect_rc 66
expect_err <<'E'
enq-classify: nosuch.model: No such file or directory
E

# ---- bad records: named, kept aside, the stream goes on ----
printf '{"id":"B1","body":"quote"}\n{"id":"B2",\n{"id":"B3","body":"x"}\n' > bad.jsonl
tcase "a bad line" "enq-classify -r few.rules --rejects rej.jsonl bad.jsonl | cut -c1-11; cat rej.jsonl"
expect_rc 0
expect_out <<'E'
{"id":"B1",
{"id":"B3",
{"id":"B2",
E
expect_err <<'E'
enq-classify: bad.jsonl:2:12: unexpected end of line, string key expected
E
tcase "exit 65 when a record was rejected" "enq-classify -r few.rules bad.jsonl >/dev/null 2>&1"
expect_rc 65
tcase "a regex over its match limit: the record is rejected" "python3 -c 'print(\"{\\\"id\\\":\\\"X\\\",\\\"body\\\":\\\"\" + \"a\"*100000 + \"!\\\"}\"); print(\"{\\\"id\\\":\\\"Y\\\",\\\"body\\\":\\\"ok\\\"}\")' > redos.jsonl; echo 'category r 1 when body =~ /^(a+)+\$/' > redos.rules; enq-classify -r redos.rules redos.jsonl > out; rc=\$?; cut -c1-10 out; exit \$rc"
expect_rc 65
expect_out <<'E'
{"id":"Y",
E
expect_err <<'E'
enq-classify: redos.jsonl:1: redos.rules:1: category: regex: match limit exceeded
E

# ---- rule errors: file:line:col, exit 78 ----
cat > bad.rules <<'R'
category quote x when text =~ /a/
priority hihg when text =~ /a/
extract category from text /a/
extract ref from text + subject /a/
threshold 2
threshold 3
require
default a
default b
flag x low when true
category c 1e9 when true
R
tcase "rule errors" "enq-classify -r bad.rules $C/enq.jsonl"
expect_rc 78
expect_out </dev/null
expect_err <<'E'
enq-classify: bad.rules:1:16: score: 'x' is not a number
enq-classify: bad.rules:2:10: unknown priority 'hihg' (did you mean 'high'?) (low, normal, high, urgent)
enq-classify: bad.rules:3:9: 'category' is a field enq-classify sets itself
enq-classify: bad.rules:4:23: /regex/ expected, found '+'
enq-classify: bad.rules:6:1: threshold given twice
enq-classify: bad.rules:7:8: category (or *) expected, found end of line
enq-classify: bad.rules:9:1: default given twice
enq-classify: bad.rules:10:1: 'flag' is a statement of exc-flag, not of enq-classify (which reads: category, priority, tag, extract, require, threshold, default)
enq-classify: bad.rules:11:12: score: a number from -1000000 to 1000000 expected
E

# ---- the example rule sets for other trades ----
cat > trades.jsonl <<'J'
{"id":"1","received_at":"2026-10-03T21:00:00Z","email":"a@b.c","subject":"Help","body":"Burst pipe, water coming through the ceiling! Worcester boiler. SW1A 1AA"}
{"id":"2","received_at":"2026-10-03T10:00:00Z","email":"a@b.c","subject":"Toothache","body":"My son has a swollen face and toothache, can we get an appointment tomorrow?"}
J
tcase "plumbing.rules" "enq-classify -r $TESTS/../share/examples/rules/plumbing.rules trades.jsonl | jq -c '[.category, .priority, .tags, .missing, .postcode, .boiler_make]'"
expect_out <<'E'
["repair","urgent",["gas","out_of_hours"],["phone"],"SW1A 1AA","Worcester"]
["general","normal",[],[],null,null]
E
tcase "dental.rules" "enq-classify -r $TESTS/../share/examples/rules/dental.rules trades.jsonl | jq -c '[.category, .priority, .tags, .missing]'"
expect_out <<'E'
["general","normal",[],[]]
["emergency","urgent",["child"],["phone"]]
E

# ---- usage ----
tcase "--help" "enq-classify --help | head -1"
expect_out <<'E'
Usage: enq-classify [-r RULES] [-m MODEL]... [options] [file...]
E
tcase "bad --min-prob" "enq-classify --min-prob 2"
expect_rc 64
expect_err <<'E'
enq-classify: --min-prob: '2' is not a probability from 0 to 1
Try 'enq-classify --help' for more information.
E

done_testing
