#!/bin/sh
# Hostile review of the words' n-gram cache of a model set
# (lib/classify/model.c) and its users.  Test data: made here.
. "$(dirname "$0")/../lib.sh"

# ---- the cache's memory --------------------------------------------------
# A model of 4,000 classes and one feature is a 67 KB file; the cache of
# a set holds 4,096 entries as wide as the table's, which for it were
# 64 MB, made and cleared whatever the input.
awk 'BEGIN { for (i = 0; i < 4000; i++) printf "{\"subject\":\"\",\"body\":\"x\",\"category\":\"c%d\"}\n", i }' > "$T/many.jsonl"
enq-train --label category --prune 0 --epochs 1 --holdout 0 -o "$T/many.model" "$T/many.jsonl" > /dev/null
cat > "$T/peak" <<'E'
#!/bin/sh
ASAN_OPTIONS=${ASAN_OPTIONS:-}:quarantine_size_mb=0 /usr/bin/time -o mem -f %M enq-classify "$@" > /dev/null 2>&1
tail -n 1 mem
E
chmod +x "$T/peak"
echo '{"body":"x y"}' > "$T/xy.jsonl"
tcase "a model of 4,000 classes: the cache bounded in bytes, not only in entries" \
	"one=\$(./peak xy.jsonl); wide=\$(./peak -m many.model xy.jsonl); d=\$((wide - one)); [ \$d -lt 16384 ] && echo bounded || echo \"\$d KB more\""
expect_out <<'E'
bounded
E

# A word found in the cache had its sum copied out for each time it came
# in a text: a record of 100,000 words "abcd" took 1.6 GB with that model
# (16 KB a word), against 23 MB before the cache.
awk 'BEGIN { printf "{\"body\":\"abcd\"}\n{\"body\":\""; for (i = 0; i < 100000; i++) printf "abcd "; printf "\"}\n" }' > "$T/rep.jsonl"
head -n 1 "$T/rep.jsonl" > "$T/short.jsonl"
tcase "a word the cache has, 100,000 times in a record: its sum copied out once" \
	"one=\$(./peak -m many.model short.jsonl); rep=\$(./peak -m many.model rep.jsonl); d=\$((rep - one)); [ \$d -lt 65536 ] && echo bounded || echo \"\$d KB more\""
expect_out <<'E'
bounded
E

done_testing
