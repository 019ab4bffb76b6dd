#!/bin/sh
# Loose ends of the classifier's models (issue 19): a model file whose
# sums are +inf and -inf at once; enq-train warns of a model that keeps
# no features.  Test data: tests/data/train/train-en.jsonl,
# tests/data/fuzz-regress/model/ (its README line).
. "$(dirname "$0")/../lib.sh"

# ---- infinities of both signs ----------------------------------------------
# Finite weights, but the n-grams of "body" sum to +inf for class x and
# those of "category" to -inf: their sum was NaN, and so were the
# probabilities, printed as "confidence":-nan (not JSON).  They cancel.
echo '{"body":"body category"}' > "$T/bc.jsonl"
tcase "+inf and -inf from two words' n-grams: the bias alone, not NaN" \
	'enq-classify -r /dev/null --no-model --no-lang -m "$DATA/fuzz-regress/model/weights-sum-inf-minus-inf" bc.jsonl'
expect_rc 0
expect_out <<'E'
{"body":"body category","category":"x","confidence":0.500,"category_by":"model","priority":"normal","priority_by":"default","tags":[],"missing":[]}
E
expect_err </dev/null

# ---- a one-word text found in the word cache -------------------------------
# A word found in the model set's cache is taken out of the features
# with its n-grams (their sum comes from the cache): a text of one word
# seen before has no features left to look up, but it has words, and the
# models still answer, the same as the first time.
printf '%s\n' '{"id":"a","body":"refund"}' '{"id":"b","body":"refund"}' > "$T/again.jsonl"
tcase "a one-word text the second time: the models answer as the first time" \
	'enq-classify --no-lang again.jsonl | grep -o "\"id\":\"[ab]\".*\"priority_by\":\"[a-z]*\""'
expect_rc 0
expect_out <<'E'
"id":"a","body":"refund","category":"billing","confidence":0.817,"category_by":"model","priority":"high","priority_by":"model"
"id":"b","body":"refund","category":"billing","confidence":0.817,"category_by":"model","priority":"high","priority_by":"model"
E
expect_err </dev/null

# ---- a model without features --------------------------------------------
# Every weight within --prune, or none learned when dropout leaves nearly
# every feature out: the model is written (a valid one, every text
# getting the classes' biases alone), but was written silently.
echo '{"body":"How much for a new boiler?"}' > "$T/q.jsonl"
tcase "--prune 100: a warning, the model written all the same" \
	'enq-train --label category --holdout 0 --prune 100 -o p.model "$DATA/train/train-en.jsonl" && enq-classify -m p.model --explain q.jsonl | grep -o "\"model_features\":[^]]*]"'
expect_rc 0
expect_out <<'E'
trained on 43 records, 7 classes, 0 features
"model_features":[]
E
expect_err <<'E'
enq-train: warning: the model keeps no features (no weight beyond --prune 100): every text gets the same answer
E

# --dropout as near 1 as it goes: a step then learns from no feature, or
# from one scaled by 1 / (1 - p), 10^6 here; the weights stay finite (a
# file with one that is not is refused, and enq-classify reads it)
tcase "--dropout 0.999999: no features, a warning naming it, a model that reads back" \
	'enq-train --label category --holdout 0 --dropout 0.999999 -o d.model "$DATA/train/train-en.jsonl" && enq-classify -m d.model q.jsonl | grep -o "\"category_by\":\"[a-z]*\""'
expect_rc 0
expect_out <<'E'
trained on 43 records, 7 classes, 0 features
"category_by":"rules"
E
expect_err <<'E'
enq-train: warning: the model keeps no features (no weight beyond --prune 0.25, trained with --dropout 0.999999): every text gets the same answer
E

tcase "a model that keeps features: no warning" \
	'enq-train --label category --holdout 0 --dropout 0.5 -o k.model "$DATA/train/train-en.jsonl"'
expect_rc 0
expect_out <<'E'
trained on 43 records, 7 classes, 1524 features
E
expect_err </dev/null

done_testing
