#!/bin/sh
# enq-train: held-out scores, the per-class report, determinism, the
# model it writes read back by enq-classify; bad records, bad options and
# an output it cannot write.
. "$(dirname "$0")/../lib.sh"
C=$DATA/classify
G=$TESTS/cli/golden

tcase "--holdout: accuracy and macro-F1 on a seeded draw" "enq-train --label label -o m1 --holdout 0.25 --seed 3 $C/train.jsonl"
expect_rc 0
expect_out <<'E'
trained on 39 records, 4 classes, 548 features
accuracy 1.0000  macro-F1 1.0000  (9 of 9 held out right)
E
expect_err </dev/null

tcase "--test FILE --report: a table per class" "enq-train --label label -o m2 --test $C/test.jsonl --report $C/train.jsonl"
expect_rc 0
expect_out_file "$G/enq-train-report.txt"

tcase "the same seed, the same model file" "enq-train -l label -o a --seed 9 $C/train.jsonl >/dev/null; enq-train -l label -o b --seed 9 $C/train.jsonl >/dev/null; cmp a b && echo same"
expect_out <<'E'
same
E
tcase "another seed, another draw" "enq-train -l label -o c --seed 10 $C/train.jsonl | tail -1"
expect_out <<'E'
accuracy 0.7500  macro-F1 0.7222  (6 of 8 held out right)
E

tcase "--holdout 0: all for training, no score" "enq-train --label label -o m3 --holdout 0 $C/train.jsonl"
expect_out <<'E'
trained on 48 records, 4 classes, 558 features
E
tcase "what it learned, enq-classify uses" "enq-classify -r /dev/null -m m3 $C/test.jsonl | jq -r 'select(.category == .label) | .id' | wc -l"
expect_out <<'E'
14
E

tcase "--text: what the model reads is kept in it" "enq-train --label label --text 'lower(body)' -o m4 --holdout 0 $C/train.jsonl >/dev/null; echo '{\"body\":\"I NEED AN ESTIMATE\",\"subject\":\"invoice invoice invoice\"}' | enq-classify -r /dev/null -m m4 | jq -r .category"
expect_out <<'E'
quote
E

tcase "--stats" "enq-train --label label -o m5 --holdout 0 --stats $C/train.jsonl 2>&1 >/dev/null | sed 's/\"seconds\":[0-9.]*/\"seconds\":S/'"
expect_out <<'E'
{"program":"enq-train","in":48,"out":0,"rejected":0,"seconds":S}
E

# ---- bad records: named, kept aside, training goes on ----
cat > bad.jsonl <<'J'
{"id":1,"body":"refund my invoice","label":"billing"}
{"id":2,"body":"book me in"}
{"id":3,"body":"broken","label":""}
{"id":4,"body":"broken","label":7}
{"id":5,"label":"support","subject":null,"body":null}
{"id":6,
{"id":7,"body":"book a visit","label":"booking"}
J
tcase "records without a label or text" "enq-train --label label --text body -o m6 --holdout 0 --rejects rej bad.jsonl; echo rejected \$(wc -l < rej)"
expect_rc 0
expect_out <<'E'
trained on 2 records, 2 classes, 0 features
rejected 5
E
expect_err <<'E'
enq-train: bad.jsonl:2: no label: 'label' is missing
enq-train: bad.jsonl:3: no label: 'label' is empty
enq-train: bad.jsonl:4: no label: 'label' is not a string
enq-train: bad.jsonl:5: no text: --text is null
enq-train: bad.jsonl:6:9: unexpected end of line, string key expected
enq-train: warning: the model keeps no features (no weight beyond --prune 0.25): every text gets the same answer
E
tcase "exit 65 when records were rejected" "enq-train --label label --text body -o m6 --holdout 0 bad.jsonl >/dev/null 2>&1"
expect_rc 65
tcase "--strict: no model from a stream that stopped" "enq-train --label label --text body -o m7 --strict bad.jsonl; test -e m7 || echo no model"
expect_rc 0
expect_out <<'E'
no model
E
tcase "nothing to train on" "enq-train --label label -o m8 /dev/null"
expect_rc 65
expect_err <<'E'
enq-train: no records to train on
E

# ---- options and output ----
tcase "--label is required" "enq-train -o m $C/train.jsonl"
expect_rc 64
expect_err <<'E'
enq-train: --label FIELD is required
Try 'enq-train --help' for more information.
E
tcase "-o is required" "enq-train -l label $C/train.jsonl"
expect_rc 64
tcase "--holdout out of range" "enq-train -l label -o m --holdout 1 $C/train.jsonl"
expect_rc 64
expect_err <<'E'
enq-train: --holdout: '1' is not a share from 0 to below 1
Try 'enq-train --help' for more information.
E
tcase "--holdout and --test" "enq-train -l label -o m --holdout 0.2 --test $C/test.jsonl $C/train.jsonl"
expect_rc 64
tcase "bad --char-ngrams" "enq-train -l label -o m --char-ngrams 5-3 $C/train.jsonl"
expect_rc 64
expect_err <<'E'
enq-train: --char-ngrams: '5-3' is not A-B with 1 <= A <= B <= 8, or 0
Try 'enq-train --help' for more information.
E
tcase "a bad --text" "enq-train -l label -o m --text 'body +' $C/train.jsonl"
expect_rc 78
expect_err <<'E'
enq-train: --text:1:12: value expected, found end of line
E
tcase "a model it cannot write" "enq-train -l label -o nodir/m --holdout 0 $C/train.jsonl >/dev/null"
expect_rc 74
expect_err <<'E'
enq-train: nodir/m: No such file or directory
E
# labels the model file cannot hold, and records with no words: turned
# away with a message, the rest learned from (a model enq-classify reads)
printf '%s\n' '{"body":"boiler service please","label":"a\u0000b"}' '{"body":"invoice","label":"bad\tname"}' '{"text":"no subject or body here","label":"quote"}' '{"subject":"","body":"","label":"quote"}' > odd.jsonl
tcase "labels a model cannot hold, records without words" "cat $C/train.jsonl odd.jsonl | enq-train -l label -o m5 --holdout 0 >/dev/null; echo \$?; echo '{\"body\":\"book a visit\"}' | enq-classify -r /dev/null -m m5 >/dev/null && echo loads"
expect_out <<'E'
65
loads
E
expect_err <<'E'
enq-train: <stdin>:49: bad label: 'label' is over 4096 bytes or has control characters
enq-train: <stdin>:50: bad label: 'label' is over 4096 bytes or has control characters
enq-train: <stdin>:51: no text: --text gives no words to learn from
enq-train: <stdin>:52: no text: --text gives no words to learn from
E
tcase "a --label the model file cannot hold" "enq-train -l \"\$(printf 'a\\tb')\" -o m $C/train.jsonl"
expect_rc 64
expect_err <<'E'
enq-train: --label: over 4096 bytes or control characters
Try 'enq-train --help' for more information.
E
tcase "a new model file: mode 0666 less the umask, like any file" "umask 027; rm -f m6; enq-train -l label -o m6 --holdout 0 $C/train.jsonl >/dev/null; ls -l m6 | cut -c1-10"
expect_out <<'E'
-rw-r-----
E
tcase "--help" "enq-train --help | head -1"
expect_out <<'E'
Usage: enq-train --label FIELD -o MODEL [options] [file...]
E

done_testing
