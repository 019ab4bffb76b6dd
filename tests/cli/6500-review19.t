#!/bin/sh
# review19: defects found in the issue 19/20 merges (--rule-report,
# enq-train --group/--folds), each with the case that showed it.
. "$(dirname "$0")/../lib.sh"

cat > r.rules <<'R'
category quote   +3 when text =~ /\bquote\b/i
priority urgent     when text =~ /\basap\b/i
R
printf '%s\n' \
	'{"id":"1","body":"a quote please","category":"quote","priority":"normal"}' \
	'{"id":"2","body":"quote asap","category":"refund","priority":"urgent"}' > l.jsonl

# --reclassify makes every record's own label unread: each rule held 0
# times, precision null, exit 0, a report that looked like a result
tcase "--rule-report and --reclassify: one of them" "enq-classify --rule-report --reclassify -r r.rules l.jsonl"
expect_rc 64
expect_out </dev/null
expect_err <<'E'
enq-classify: --rule-report and --reclassify: one of them
Try 'enq-classify --help' for more information.
E

# -o csv took its columns from the first report line: a priority rule's
# line lost its label, and a warning blamed the input's last record
tcase "--rule-report writes JSON lines: -o is a usage error" "enq-classify --rule-report -o csv -r r.rules l.jsonl"
expect_rc 64
expect_out </dev/null
expect_err <<'E'
enq-classify: --rule-report writes JSON lines: no -o
Try 'enq-classify --help' for more information.
E

# fewer groups than folds leave a fold empty: it printed an accuracy of
# 0.0000, read as a fold the model got all wrong
printf '%s\n' \
	'{"body":"a quote for the roof","category":"quote","g":"a"}' \
	'{"body":"a refund for the roof","category":"refund","g":"a"}' \
	'{"body":"a quote for the wall","category":"quote","g":"b"}' \
	'{"body":"a refund for the wall","category":"refund","g":"b"}' > g.jsonl
tcase "enq-train --folds: a fold left empty (fewer groups than folds) shows as -" \
	"enq-train -l category --folds 3 --group g -o g.model g.jsonl"
expect_rc 0
expect_out <<'E'
trained on 4 records, 2 classes, 33 features
3-fold cross-validation, accuracy by fold: 1.0000 1.0000 -
accuracy 1.0000  macro-F1 1.0000  (4 of 4 held out right)
E

# a misspelt --group made every record a group of its own: the figure
# --group is there to deflate, given in silence (a misspelt --label is a
# usage error)
tcase "enq-train --group FIELD that no record has: a usage error" \
	"enq-train -l category --folds 2 --group gg -o g.model g.jsonl"
expect_rc 64
expect_out </dev/null
expect_err <<'E'
enq-train: --group: no record has field 'gg'
Try 'enq-train --help' for more information.
E

# a priority that is none of low, normal, high, urgent is not the
# record's own to enq-classify (it decides one in its place), but
# --rule-report counted it as a label the rule got wrong
printf '%s\n' \
	'{"id":"1","body":"asap","priority":"URGENT"}' \
	'{"id":"2","body":"asap","priority":"urgent"}' > p.jsonl
tcase "--rule-report: a priority that is no level counts for no priority rule" "enq-classify --rule-report -r r.rules p.jsonl"
expect_rc 0
expect_out <<'E'
{"at":"r.rules:1","category":"quote","score":3,"held":0,"right":0,"precision":null}
{"at":"r.rules:2","priority":"urgent","held":1,"right":1,"precision":1.0000}
E

# the plain batch grew the training files and moved the rules' figures;
# the man pages kept the old ones (7,659 enquiries, 4 to 488, 0.715)
TOP=$(cd "$TESTS/.." && pwd)
if ls "$TOP"/share/train/train-*.jsonl >/dev/null 2>&1; then
	cat "$TOP"/share/train/train-*.jsonl > train.jsonl
	# "N enquiries", N with a thousands comma; held min, max; precision min
	enq-classify --rule-report train.jsonl | jq -rs 'map(select(.held > 0)) |
		"\(map(.held) | min) \(map(.held) | max) \(map(.precision) | min)"' |
		awk -v n="$(wc -l < train.jsonl)" '{ printf "%d,%03d %d %d %.3f\n", n / 1000, n % 1000, $1, $2, $3 }' > figs
	tcase "enq-classify(1) and opflow-rules(5) give the built-in rules' figures of today" \
		"read n lo hi p < figs
		 grep -c \"train-\\*.jsonl , \$n enquiries ;\" $TOP/man/enq-classify.1
		 grep -c \"the rules held \$lo to \$hi times with a precision from \$p\\\$\" $TOP/man/enq-classify.1
		 grep -c \"^.Pq \$p to 1.000, \" $TOP/man/opflow-rules.5"
	expect_out <<'E'
1
1
1
E
fi
# the report measures the rules alone: a model or --explain would be
# accepted and ignored
tcase "--rule-report with -m: a usage error" "enq-classify --rule-report -m builtin < /dev/null"
expect_rc 64
expect_grep "^enq-classify: --rule-report reports the rules alone: no -m or --explain" .err
tcase "--rule-report with --explain: a usage error" "enq-classify --rule-report --explain < /dev/null"
expect_rc 64
expect_grep "^enq-classify: --rule-report reports the rules alone: no -m or --explain" .err
tcase "--help names the --rule-report and --check forms" "enq-classify --help | sed -n '2,3p'"
expect_out <<'E'
       enq-classify --rule-report [-r RULES] [file...]
       enq-classify --check [-r RULES] [--sample FILE]
E

done_testing
