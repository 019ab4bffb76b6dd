#!/bin/sh
# Issue 19/20 review (review20): the record scanner's search for a
# repeated key, at its edges, against the bytes and messages of the build
# before the speed work (62249ae).  The records are written by awk here.
. "$(dirname "$0")/../lib.sh"
R="enq-route -r $DATA/pipe20/pipe.rules"

# ---- a record with an escaped key was searched for a repeat key by key
# against every later key (n^2 / 2 decodings): a line of 200,000 members
# (4.6 MB) took minutes.  Sorted now; the repeat named is the same (the
# first key that has one, at its first repeat), and a record without
# one passes.  Under a CPU limit of 10 s (0.1 s is enough).
cat > "$T/big.awk" <<'A'
BEGIN {
	for (r = 1; r <= 2; r++) {
		printf "{\"id\":\"E%d\",\"c\\u0061tegory\":\"support\"", r
		for (i = 0; i < 200000; i++)
			printf ",\"k%d\":1", i
		printf "%s}\n", r == 1 ? ",\"k7\":2,\"k\\u0037\":3" : ""
	}
}
A
tcase "200,000 members, a key escaped: the repeat found within 10 s of CPU" \
	"awk -f big.awk > big.jsonl && (ulimit -t 10; $R big.jsonl > o; rc=\$?; cut -c1-60 o; exit \$rc)"
expect_rc 65
expect_out <<'E'
{"id":"E2","c\u0061tegory":"support","k0":1,"k1":1,"k2":1,"k
E
expect_err <<'E'
enq-route: big.jsonl:1:2288928: duplicate key "k7"
E

done_testing
