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

# ---- hostile text through the built-in models (issue 19, stage 1 of the
# model's speed work: one cache line a feature, hashes computed once): the
# answers and --explain of the build before it (goldens model-speed-hostile-*,
# written by that build), the bodies cut from the output to keep them
# small.  A megabyte body of words drawn by a fixed generator, a word of
# 300 letters and words of 63 to 65 (past the 64 bytes n-grams are taken
# from), NUL escapes inside and between words, CJK, Hangul, emoji and
# combining marks (n-grams that cut a character), one- and two-letter
# words, a text with no word, and a line of invalid UTF-8 (refused, the
# rest flowing on).
awk 'BEGIN {
	split("boiler quote invoice refund cancel booking appointment urgent leak broken price thanks please tomorrow Rechnung annuler réservation reçu straße 予約 견적 cancle reciept asap help", w, " ")
	printf "{\"id\":1,\"subject\":\"Re: boiler\",\"body\":\""
	x = 1; n = 0
	while (n < 1048576) {
		x = (x * 16807) % 2147483647
		s = w[x % 25 + 1] (x % 7 ? " " : x % 3 ? ". " : ".\\n")
		printf "%s", s
		n += length(s)
	}
	printf "\"}\n"
	long = ""
	for (i = 0; i < 300; i++)
		long = long substr("AbCdEfGhIjKlMnOpQrStUvWxYz", i % 26 + 1, 1)
	printf "{\"id\":2,\"subject\":\"refund %s\",\"body\":\"%s invoice %s %s %s\"}\n", long, long,
		substr(long, 1, 63), substr(long, 1, 64), substr(long, 1, 65)
	printf "{\"id\":3,\"subject\":\"can\\u0000cel\",\"body\":\"\\u0000\\u0000 refund\\u0000 please \\u0000cancel my booking\\u0000\"}\n"
	printf "{\"id\":4,\"subject\":\"予約の変更\",\"body\":\"請問可以預約下週二的維修嗎？ 予約をキャンセルしたいです。견적을 받을 수 있을까요 😡🔥 café̂ naïve\"}\n"
	printf "{\"id\":5,\"subject\":\"a\",\"body\":\"I a b ok no it is OK x y z\"}\n"
	printf "{\"id\":6,\"subject\":\"\",\"body\":\"!!! ... ??? --- ***\"}\n"
	printf "{\"id\":7,\"subject\":\"quote\",\"body\":\"price \377\376 please\"}\n"
	printf "{\"id\":8,\"subject\":\"Invoice 12345678901234567890 wrong\",\"body\":\"Refund REFUND refund, Rechnung falsch; annuler la réservation SVP\"}\n"
}' >hostile.jsonl
CUT='s/"body":"[^"]*"/"body":"-"/'

tcase "hostile text: the built-in models' answers as before, the bad line refused" \
	"enq-classify hostile.jsonl >o; rc=\$?; sed '$CUT' o; exit \$rc"
expect_rc 65
expect_out_file "$G/model-speed-hostile.jsonl"
expect_err <<'E'
enq-classify: hostile.jsonl:7:41: invalid UTF-8 in string
E

tcase "hostile text: --explain as before" \
	"enq-classify --explain hostile.jsonl 2>/dev/null | sed '$CUT'"
expect_rc 0
expect_out_file "$G/model-speed-hostile-explain.jsonl"
done_testing
