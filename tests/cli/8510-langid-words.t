#!/bin/sh
# The language guess reads a word it has met before from its word cache
# (lib/classify/langid.c): the answers are those of the build before it,
# on text made to break that reading.  Test data: tests/data/langid/
# (written for these tests): hostile.jsonl, and gen.awk's records made
# here; the goldens (*.tsv, vocab.txt) are the build's before the cache.
. "$(dirname "$0")/../lib.sh"
D=$DATA/langid
for m in cap big same vocab; do
	LC_ALL=C awk -v mode=$m -f "$D/gen.awk" > "$T/$m.jsonl"
done

tcase "one-letter words in a row, combining marks, other scripts, NUL, long words, repeats" \
	"enq-classify --no-model $D/hostile.jsonl | jq -r '[.id, .lang] | @tsv'"
expect_rc 0
expect_out_file "$D/hostile.tsv"
expect_err </dev/null

tcase "the 2048-byte cap across every byte of a word and of its letters" \
	"enq-classify --no-model $T/cap.jsonl | jq -r '[.id, .lang] | @tsv'"
expect_rc 0
expect_out_file "$D/cap.tsv"

tcase "words of a megabyte (and 2,000 combining marks)" \
	"enq-classify --no-model $T/big.jsonl | jq -r '[.id, .lang] | @tsv'"
expect_rc 0
expect_out <<'E'
big-a	nl
big-u	de
big-after	de
big-mark	nl
E

tcase "one text in 5,000 records" \
	"enq-classify --no-model $T/same.jsonl | jq -r .lang | uniq -c"
expect_rc 0
expect_out <<'E'
   5000 de
E

tcase "5,000 texts of a small vocabulary of eight languages, with repeats" \
	"enq-classify --no-model $T/vocab.jsonl | jq -r .lang"
expect_rc 0
expect_out_file "$D/vocab.txt"
done_testing
