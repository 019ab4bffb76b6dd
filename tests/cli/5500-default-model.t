#!/bin/sh
# The built-in models of enq-classify (category and priority, trained by
# make on share/train/), models of both kinds with -m, --no-model, the
# model's features in --explain, typos read through character n-grams;
# enq-train --folds, its confusion table and the spill file of a large
# training set.  The corpus here is tests/data/train/, a stand-in for
# share/train/ in the same format (share/train/README).
. "$(dirname "$0")/../lib.sh"
TOP=$(cd "$TESTS/.." && pwd)
S=$DATA/train
# the held-out floors: enq-classify with no options must get at least
# these shares of share/train/heldout-*.jsonl's categories and priorities
# right (measured 2026-12-03, on 2,155 held-out enquiries with the models
# of TRAINFLAGS and TRAINFLAGS_LABEL: 0.859 and 0.804;
# scripts/bench/classify-eval; a couple of points of room for a change
# that moves answers, not for a regression)
FLOOR=0.84
PFLOOR=0.78

# ---- enq-train --folds, --report, --seed ----
tcase "--folds 3: accuracy by fold, then pooled" "enq-train -l category --epochs 20 -o f.model --folds 3 $S/train-en.jsonl"
expect_rc 0
expect_out <<'E'
trained on 43 records, 7 classes, 1906 features
3-fold cross-validation, accuracy by fold: 0.4000 0.2857 0.2143
accuracy 0.3023  macro-F1 0.3137  (13 of 43 held out right)
E
expect_err </dev/null
tcase "--folds: the model written is the one trained on all" "enq-train -l category --epochs 20 -o all.model --holdout 0 $S/train-en.jsonl >/dev/null; cmp f.model all.model && echo same"
expect_out <<'E'
same
E
tcase "--folds --report: per class, and the confusion table summed over the folds" "enq-train -l priority -o p.model --folds 2 --report $S/train-en.jsonl"
expect_rc 0
expect_out <<'E'
trained on 43 records, 4 classes, 481 features
2-fold cross-validation, accuracy by fold: 0.5909 0.4286
class                            precision    recall        F1  support
normal                              0.5366    0.9565    0.6875       23
low                                 0.0000    0.0000    0.0000       10
high                                0.0000    0.0000    0.0000        8
urgent                              0.0000    0.0000    0.0000        2
confusion (rows: true class, columns: predicted)
                                  1  2  3  4
  1 normal                       22  1  0  0
  2 low                          10  0  0  0
  3 high                          7  1  0  0
  4 urgent                        2  0  0  0
accuracy 0.5116  macro-F1 0.1719  (22 of 43 held out right)
E
tcase "--seed: the same seed, the same folds" "for s in 4 4 5; do enq-train -l category -o s.model --folds 3 --seed \$s $S/train-en.jsonl | sed -n 2p; done"
expect_out <<'E'
3-fold cross-validation, accuracy by fold: 0.4000 0.2857 0.3571
3-fold cross-validation, accuracy by fold: 0.4000 0.2857 0.3571
3-fold cross-validation, accuracy by fold: 0.2000 0.6429 0.1429
E
tcase "--folds 1" "enq-train -l category -o m --folds 1 $S/train-en.jsonl"
expect_rc 64
expect_err <<'E'
enq-train: --folds: '1' is not a number from 2 to 100
Try 'enq-train --help' for more information.
E
tcase "--folds and --holdout" "enq-train -l category -o m --folds 3 --holdout 0.2 $S/train-en.jsonl"
expect_rc 64
expect_err <<'E'
enq-train: --holdout, --test and --folds: one of them
Try 'enq-train --help' for more information.
E

# ---- training memory: examples past the block go to a spill file ----
tcase "a spilled training set gives the same model (OPFLOW_TRAIN_BLOCK: 50 ids)" "OPFLOW_TRAIN_BLOCK=50 enq-train -l category --epochs 20 -o sp.model --folds 3 $S/train-en.jsonl | tail -1; OPFLOW_TRAIN_BLOCK=50 enq-train -l category --epochs 20 -o sp.model --holdout 0 $S/train-en.jsonl >/dev/null; cmp sp.model all.model && echo same"
expect_out <<'E'
accuracy 0.3023  macro-F1 0.3137  (13 of 43 held out right)
same
E
tcase "the spill file goes where TMPDIR says; one that cannot be made is 74" "TMPDIR=$T/nodir OPFLOW_TRAIN_BLOCK=50 enq-train -l category -o m $S/train-en.jsonl"
expect_rc 74
expect_grep "^enq-train: $T/nodir/enq-train\.[A-Za-z0-9]+: No such file or directory\$" .err

# ---- models of both kinds with -m ----
enq-train -l priority --epochs 20 -o pri.model --holdout 0 $S/train-en.jsonl >/dev/null
enq-train -l category --epochs 20 -o nochar.model --char-ngrams 0 --holdout 0 $S/train-en.jsonl >/dev/null
printf '%s\n' '{"id":"1","body":"Water everywhere, a pipe burst!"}' '{"id":"2","body":"No rush, what time do you open?"}' > p.jsonl
tcase "-m twice: a priority model decides the priority where no rule does" "enq-classify -r /dev/null -m all.model -m pri.model --no-lang p.jsonl | jq -c '[.id, .category, .category_by, .priority, .priority_by]'"
expect_out <<'E'
["1","support","model","normal","model"]
["2","general","model","low","model"]
E
tcase "a priority rule wins over the priority model" "echo 'priority high when text =~ /pipe/' > pr.rules; enq-classify -r pr.rules -m pri.model --no-model --no-lang p.jsonl | jq -c '[.id, .priority, .priority_by]'"
expect_out <<'E'
["1","high","rules"]
["2","low","model"]
E
tcase "two category models" "enq-classify -m all.model -m nochar.model p.jsonl"
expect_rc 64
expect_err <<'E'
enq-classify: nochar.model: a second category model (-m is given once for each)
E
tcase "-m three times" "enq-classify -m all.model -m pri.model -m all.model p.jsonl"
expect_rc 64
expect_err <<'E'
enq-classify: -m: at most twice (a category and a priority model)
Try 'enq-classify --help' for more information.
E
printf '%s\n' '{"body":"help","priority":"soon"}' '{"body":"book","priority":"normal"}' > badp.jsonl
tcase "a priority model whose classes are not priorities" "enq-train -l priority -o badp.model --holdout 0 badp.jsonl >/dev/null; enq-classify -m badp.model p.jsonl"
expect_rc 78
expect_err <<'E'
enq-classify: badp.model: a priority model's class 'soon' is not low, normal, high or urgent
E

# ---- the rules' sums and the model's log-probabilities added ----
printf '%s\n' 'threshold 2' 'category booking 2 when text =~ /\bappointment\b/i' 'category booking 9 when text =~ /\bbook now\b/i' 'category urgentjob 3 when text =~ /\bleak\b/i' > f.rules
printf '%s\n' '{"id":"1","body":"Please cancel my appointment on Monday, I no longer need it"}' '{"id":"2","body":"Book now: please cancel my appointment"}' '{"id":"3","body":"A leak under the sink"}' '{"id":"4","body":"Please cancel my appointment on Monday"}' > f.jsonl
tcase "a rule at the threshold against a sure model; a strong rule; a category the model does not know" "enq-classify -r f.rules -m all.model --no-model --no-lang --explain f.jsonl | jq -c '[.id, .category, .category_by, .confidence, .explain.model[0]]'"
expect_out <<'E'
["1","cancellation","model",0.55,{"category":"cancellation","p":0.79}]
["2","booking","rules",1,{"category":"cancellation","p":0.58}]
["3","urgentjob","rules",0.742,{"category":"support","p":0.235}]
["4","booking","rules",0.553,{"category":"cancellation","p":0.705}]
E
tcase "--min-prob: a model's answer under it leaves the rules alone" "enq-classify -r f.rules -m all.model --no-model --no-lang --min-prob 0.6 f.jsonl | jq -c '[.id, .category, .category_by]'"
expect_out <<'E'
["1","booking","rules"]
["2","booking","rules"]
["3","urgentjob","rules"]
["4","booking","rules"]
E

# ---- typos and other languages: character n-grams ----
printf '%s\n' '{"id":"t1","body":"reciepts"}' '{"id":"t2","body":"I cancled it"}' '{"id":"t3","body":"annulation"}' '{"id":"t4","body":"absage"}' '{"id":"t5","body":"anulación"}' > typo.jsonl
tcase "words never seen, read through their character n-grams" "enq-classify -r /dev/null -m all.model --no-model --no-lang typo.jsonl | jq -r '[.id, .category] | @tsv'"
expect_out <<'E'
t1	billing
t2	cancellation
t3	cancellation
t4	cancellation
t5	cancellation
E
tcase "without them (--char-ngrams 0), an unseen word gives nothing" "enq-classify -r /dev/null -m nochar.model --no-model --no-lang typo.jsonl | jq -r '[.id, .category] | @tsv' | head -1"
expect_out <<'E'
t1	cancellation
E

# ---- --explain: the models and the features that weighed most ----
tcase "--explain: the features of the model's answer, by weight" "head -1 typo.jsonl | enq-classify -r /dev/null -m all.model -m pri.model --explain --no-lang | jq -c '.explain | [.models, .model[0], .model_features]'"
expect_out <<'E'
[{"category":"all.model","priority":"pri.model"},{"category":"billing","p":0.286},[{"feature":"rec","weight":0.161},{"feature":"iept","weight":0.066},{"feature":"ciept","weight":0.066},{"feature":"reci","weight":0.066},{"feature":"<rec","weight":0.066}]]
E
tcase "--explain: words and word pairs (a model without character n-grams)" "echo '{\"body\":\"my direct debit went out twice\"}' | enq-classify -r /dev/null -m nochar.model --no-model --explain --no-lang | jq -c .explain.model_features"
expect_out <<'E'
[{"feature":"direct","weight":0.367},{"feature":"debit","weight":0.367},{"feature":"direct debit","weight":0.367},{"feature":"twice","weight":0.325},{"feature":"went","weight":0.183}]
E
printf '%s\n' '{"body":"été","l":"a"}' '{"body":"xyz","l":"b"}' > u.jsonl
tcase "--explain: no n-gram that cuts a character in two (the output is UTF-8)" "enq-train -l l -o u.model --holdout 0 u.jsonl >/dev/null; echo '{\"body\":\"été\"}' | enq-classify -r /dev/null -m u.model --no-model --no-lang --explain > u.out; iconv -f UTF-8 -t UTF-8 u.out >/dev/null && jq -c .explain.model_features u.out"
expect_out <<'E'
[{"feature":"<ét","weight":0.097},{"feature":"té","weight":0.097},{"feature":"é>","weight":0.097},{"feature":"été","weight":0.097},{"feature":"été","weight":0.097}]
E
tcase "--no-model: the rules alone, and --explain says so" "head -1 p.jsonl | enq-classify --no-model --explain --no-lang | jq -c '[.category_by, .priority_by, .explain.models]'"
expect_out <<'E'
["default","rules",{"category":"none (--no-model)","priority":"none (--no-model)"}]
E

# ---- the built-in models ----
if ls "$TOP"/share/train/train-*.jsonl >/dev/null 2>&1; then
	HELD=$TOP/share/train
	BUILT='{"category":"built-in","priority":"built-in"}'
else
	HELD=$S
	BUILT='{"category":"none (built without share/train/)","priority":"none (built without share/train/)"}'
fi
tcase "without -m, the built-in models where make had a corpus" "head -1 p.jsonl | enq-classify --explain | jq -c .explain.models"
expect_out <<E
$BUILT
E
tcase "-m replaces the built-in category model, not the priority one" "head -1 p.jsonl | enq-classify -m all.model --explain | jq -r .explain.models.category"
expect_out <<'E'
all.model
E
# the held-out records without their labels, classified with no options;
# accuracy against the labels
tcase "held-out category accuracy at least $FLOOR" "cat $HELD/heldout-*.jsonl > held.jsonl; jq -c 'del(.category, .priority)' held.jsonl | enq-classify | jq -r .category > got; jq -r .category held.jsonl | paste - got | awk -v floor=$FLOOR '\$1 == \$2 { r++ } END { print (r / NR >= floor ? \"at least\" : \"below\") }'"
expect_rc 0
expect_out <<'E'
at least
E
tcase "held-out priority accuracy at least $PFLOOR" "jq -c 'del(.category, .priority)' held.jsonl | enq-classify | jq -r .priority > gotp; jq -r .priority held.jsonl | paste - gotp | awk -v floor=$PFLOOR '\$1 == \$2 { r++ } END { print (r / NR >= floor ? \"at least\" : \"below\") }'"
expect_rc 0
expect_out <<'E'
at least
E

done_testing
