#!/bin/sh
# The regex prefilter read hostile (issue 20's review): patterns whose
# required literals the analysis got wrong lost their matches (a rule
# that did not fire, an extract that found nothing), and the prefilter
# must never change what enq-classify says: OPFLOW_NO_PREFILTER=1 is the
# reference.  Test data: tests/data/classify/enq.jsonl and
# review27-tricky.rules (tests/data/README).
. "$(dirname "$0")/../lib.sh"

# ---- constructs read wrong -------------------------------------------------
# colou(?#uk)?r: pcre2 quantifies the u before the comment (the analysis
# required "colour"); [\c]:#-]: \c takes the ] after it (the analysis
# ended the class there and required ":#-]no"); \g-1: a relative back
# reference (the analysis required "1ing")
cat > "$T/r.rules" <<'E'
category other   +3 when text =~ /\bcolou(?#uk)?r\b/i
category billing +3 when text =~ /\bref[\c]:#-]no\b/i
extract dbl from text /(?<dbl>(\w)\g-1ing)\b/ all
E
printf '%s\n' '{"body":"What color is the van?"}' '{"body":"Paid, ref-no 123"}' \
	'{"body":"we are running and swimming"}' > "$T/in.jsonl"
tcase "a comment before ?, c escaped in a class, a relative back reference: the matches are found" \
	'enq-classify -r r.rules --no-model --no-lang in.jsonl'
expect_rc 0
expect_out <<'E'
{"body":"What color is the van?","category":"other","confidence":0.881,"category_by":"rules","priority":"normal","priority_by":"default","tags":[],"missing":[]}
{"body":"Paid, ref-no 123","category":"billing","confidence":0.881,"category_by":"rules","priority":"normal","priority_by":"default","tags":[],"missing":[]}
{"body":"we are running and swimming","category":"other","confidence":0.000,"category_by":"default","priority":"normal","priority_by":"default","tags":[],"missing":[],"dbl":["nning","mming"]}
E
expect_err </dev/null

# ---- with and without the prefilter ----------------------------------------
# rules of lookbehinds, \K, \X \R \N, back references, branch resets,
# atomic groups, "not quoted" starts, U+212A and U+017F, extracts with
# all: the same records, byte for byte, with --explain too
for ex in "" "--explain"; do
	tcase "tricky rules${ex:+ $ex}: the same output with the prefilter as without" \
		"enq-classify -r '$DATA/classify/review27-tricky.rules' $ex --now 2026-12-01T00:00:00Z '$DATA/classify/enq.jsonl' > pf.out &&
		 OPFLOW_NO_PREFILTER=1 enq-classify -r '$DATA/classify/review27-tricky.rules' $ex --now 2026-12-01T00:00:00Z '$DATA/classify/enq.jsonl' > no.out &&
		 cmp pf.out no.out && grep -c '\"category_by\":\"rules\"' pf.out"
	expect_rc 0
	expect_out <<'E'
5
E
	expect_err </dev/null
done

done_testing
