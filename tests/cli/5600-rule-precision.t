#!/bin/sh
# enq-classify --rule-report: each category and priority rule's precision
# over labelled records; the built-in rules' on share/train's training
# files, none under 0.7 (a rule that hurts does not come back); enq-train
# --group: variants of one original never in two folds, nor on both
# sides of --holdout.
. "$(dirname "$0")/../lib.sh"
TOP=$(cd "$TESTS/.." && pwd)
G=$TESTS/cli/golden

cat > r.rules <<'R'
category quote   +3 when text =~ /\bquote\b/i
priority urgent     when text =~ /\bburst\b/i
category booking +2 when text =~ /\bbook\b/i
category quote   +1 when text =~ /\bnever\b/
priority low        when len(subject) > 1000000 || number(body) > 1
R
printf '%s\n' \
	'{"id":"1","body":"a quote please","category":"quote","priority":"normal"}' \
	'{"id":"2","body":"you quote, I book","category":"booking","priority":"normal"}' \
	'{"id":"3","body":"burst pipe, quote?","category":"support","priority":"urgent"}' \
	'{"id":"4","body":"burst, no label"}' \
	'{"id":"5","body":"book me in","category":"booking"}' \
	'{"id":"6","body":"2","subject":"quote","category":"quote","priority":"normal"}' \
	'not json' > l.jsonl
tcase "--rule-report: held where the record has the label the rule gives; right, precision (null: never held)" \
	"enq-classify --rule-report -r r.rules l.jsonl"
expect_rc 65
expect_out <<'E'
{"at":"r.rules:1","category":"quote","score":3,"held":4,"right":2,"precision":0.5000}
{"at":"r.rules:2","priority":"urgent","held":1,"right":1,"precision":1.0000}
{"at":"r.rules:3","category":"booking","score":2,"held":2,"right":2,"precision":1.0000}
{"at":"r.rules:4","category":"quote","score":1,"held":0,"right":0,"precision":null}
{"at":"r.rules:5","priority":"low","held":1,"right":0,"precision":0.0000}
E
expect_err <<'E'
enq-classify: l.jsonl:7:1: invalid literal
E
tcase "--rule-report and --check: one of them" "enq-classify --rule-report --check"
expect_rc 64
expect_err <<'E'
enq-classify: --check and --rule-report: one of them
Try 'enq-classify --help' for more information.
E

# ---- the built-in rules on the corpus they were chosen on ----
if ls "$TOP"/share/train/train-*.jsonl >/dev/null 2>&1; then
	cat "$TOP"/share/train/train-*.jsonl > train.jsonl
	tcase "the built-in rules' precision on share/train/train-*.jsonl" "enq-classify --rule-report train.jsonl"
	expect_rc 0
	expect_out_file "$G/rule-report-train.jsonl"
	tcase "no built-in category or priority rule under 0.7 precision on it" \
		"enq-classify --rule-report train.jsonl | jq -c 'select(.precision != null and .precision < 0.7)'"
	expect_out </dev/null
	tcase "enq-train --folds 5 --group group on it: the figure without near-copies across folds" \
		"enq-train -l category --epochs 20 --seed 1 --folds 5 --group group -o c.model train.jsonl"
	expect_out <<'E'
trained on 8477 records, 7 classes, 50242 features
5-fold cross-validation, accuracy by fold: 0.8319 0.8072 0.7829 0.7983 0.8029
accuracy 0.8046  macro-F1 0.8067  (6821 of 8477 held out right)
E
else
	skip "no share/train/ in this tree"
	skip "no share/train/ in this tree"
	skip "no share/train/ in this tree"
fi

# ---- enq-train --group ----
# 20 groups of 3 copies, each group its own word and its own label: a
# group split across folds is learned from its other copies and scored
# right; a group whole in one fold is a word and a label never seen,
# scored wrong.  So 0 right means no group was split.
i=0
while [ $i -lt 60 ]; do
	g=$((i / 3))
	printf '{"id":"%d","body":"w%d","l":"c%d","g":"%s"}\n' $i $g $g "$( [ $((g % 2)) = 0 ] && echo "x$g" || echo $g)"
	i=$((i + 1))
done > g.jsonl
tcase "--folds without --group: copies of one original in two folds, scored from each other" \
	"enq-train -l l --folds 5 -o g.model g.jsonl | tail -1"
expect_out <<'E'
accuracy 1.0000  macro-F1 1.0000  (60 of 60 held out right)
E
tcase "--folds --group: no group split across folds (not one right)" \
	"enq-train -l l --folds 5 --group g -o g.model g.jsonl"
expect_out <<'E'
trained on 60 records, 20 classes, 80 features
5-fold cross-validation, accuracy by fold: 0.0000 0.0000 0.0000 0.0000 0.0000
accuracy 0.0000  macro-F1 0.0000  (0 of 60 held out right)
E
tcase "--holdout --group: a group held out whole" "enq-train -l l --holdout 0.3 --group g -o g.model g.jsonl"
expect_out <<'E'
trained on 42 records, 20 classes, 56 features
accuracy 0.0000  macro-F1 0.0000  (0 of 18 held out right)
E
tcase "--group, a string and a number of one text: two groups; no field: a group of its own" \
	"printf '%s\n' '{\"b\":\"a\",\"l\":\"x\",\"g\":\"1\"}' '{\"b\":\"a\",\"l\":\"x\",\"g\":1}' '{\"b\":\"b\",\"l\":\"y\"}' '{\"b\":\"b\",\"l\":\"y\",\"g\":null}' | enq-train -l l -t b --folds 4 --group g -o s.model"
expect_out <<'E'
trained on 4 records, 2 classes, 2 features
4-fold cross-validation, accuracy by fold: 1.0000 1.0000 1.0000 1.0000
accuracy 1.0000  macro-F1 1.0000  (4 of 4 held out right)
E
tcase "--group and --test" "enq-train -l l --group g --test g.jsonl -o g.model g.jsonl"
expect_rc 64
expect_err <<'E'
enq-train: --group: --test names the held-out records itself
Try 'enq-train --help' for more information.
E
done_testing
