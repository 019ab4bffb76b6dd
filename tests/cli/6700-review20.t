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

# ---- enq-parse CSV: the field buffers taken from libcsv go round the
# columns a row at a time, so each came to hold the longest field of the
# file: 105 rows of 100 columns, a 256 KB body each, held 30 MB (one
# such row: 4 MB).  A buffer past two blocks is given back at the row's
# end.  ./wide N: N rows with the body, then small ones to 105;
# ./peak N: the most enq-parse held reading that (KB, GNU time's %M;
# ASan's quarantine off, which would keep what is given back)
cat > wide <<'E'
#!/bin/sh
awk -v n="$1" 'BEGIN {
	printf "id,received_at,body"; for (c = 0; c < 100; c++) printf ",c%d", c; printf "\n"
	for (r = 0; r < 105; r++) {
		printf "R%d,2025-03-01,\"", r
		for (i = 0; r < n && i < 4096; i++) printf "%s", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		printf "\""; for (c = 0; c < 100; c++) printf ","; printf "\n"
	}
}'
E
cat > peak <<'E'
#!/bin/sh
./wide "$1" > w.csv
ASAN_OPTIONS=${ASAN_OPTIONS:-}:quarantine_size_mb=0 /usr/bin/time -o mem -f %M enq-parse w.csv > /dev/null 2>&1
tail -n 1 mem
E
chmod +x wide peak
tcase "CSV: a long field in every row, memory as for one" \
	"one=\$(./peak 1); all=\$(./peak 105); d=\$((all - one)); [ \$d -lt 10240 ] && echo bounded || echo \"\$d KB more\""
expect_out <<'E'
bounded
E

done_testing
