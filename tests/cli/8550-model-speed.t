#!/bin/sh
# enq-classify's prediction since issue 19's speed work: two models that
# read the same text with the same features (the built-in ones; here two
# -m files alike) are looked up together, one table over both; one model
# alone has a table of its own.  The answers and --explain are those of
# the build before (the goldens under tests/cli/golden/model-speed-* were
# written by it), for both models together, for the priority model alone
# (the record keeps its category) and for one model; model files from
# enq-train load as before and damaged ones are still refused.  Test data:
# tests/data/modelspeed/ (tests/data/README).
. "$(dirname "$0")/../lib.sh"
TOP=$(cd "$TESTS/.." && pwd)
M=$DATA/modelspeed
G=$TESTS/cli/golden
H=$DATA/train/heldout-en.jsonl

tcase "two models together: every record's answers and --explain as before" \
	"cd $M && enq-classify -m category.model -m priority.model --reclassify --explain $H"
expect_rc 0
expect_out_file "$G/model-speed-both-explain.jsonl"
expect_err </dev/null

tcase "two models together, the rules deciding some (share/examples/routed.jsonl)" \
	"enq-classify -m $M/priority.model -m $M/category.model $TOP/share/examples/routed.jsonl"
expect_rc 0
expect_out_file "$G/model-speed-both-routed.jsonl"

tcase "the category kept: the priority model alone" \
	"sed 's/\"priority\": \"[a-z]*\", //' $H | enq-classify -m $M/category.model -m $M/priority.model"
expect_rc 0
expect_out_file "$G/model-speed-priority-alone.jsonl"

tcase "one model (rules of one's own), --explain" \
	"cd $DATA/classify && enq-classify -r basic.rules -m ../modelspeed/category.model --reclassify --explain $H"
expect_rc 0
expect_out_file "$G/model-speed-one-explain.jsonl"

tcase "a model enq-train writes today loads and predicts" \
	"enq-train -l category --text text --holdout 0 -o new.model $DATA/train/train-en.jsonl >/dev/null &&
	 echo '{\"id\":1,\"body\":\"how much would a new boiler cost?\"}' |
	 enq-classify -r $DATA/classify/basic.rules -m new.model | grep -o '\"category_by\":\"[a-z]*\"'"
expect_rc 0
expect_out <<'E'
"category_by":"model"
E

# ---- damaged files: refused, whichever of the two ----
tcase "the priority model truncated, the category model whole" \
	"head -c 20000 $M/priority.model >p.model; enq-classify -m $M/category.model -m p.model $H"
expect_rc 78
expect_err <<'E'
enq-classify: p.model: truncated model file: 20000 bytes, the weights need more
E
tcase "a weight of the category model changed" \
	"cp $M/category.model c.model; printf 'X' | dd of=c.model bs=1 seek=40000 conv=notrunc 2>/dev/null;
	 enq-classify -m c.model -m $M/priority.model $H"
expect_rc 78
expect_err <<'E'
enq-classify: c.model: corrupt model file: checksum mismatch
E
expect_out </dev/null
done_testing
