#!/bin/sh
# Issue 20, enq-route and kpi-rollup as the pipeline runs them: the record
# scanner's repeated-key check by hash, member lookups and the output
# path, each at its edges, with the bytes and messages of the build before
# them (62249ae).  Data: tests/data/pipe20 (gen.py writes the records).
. "$(dirname "$0")/../lib.sh"
P=$DATA/pipe20
S=$TESTS/../share/examples
R="enq-route -r $P/pipe.rules"

# ---- repeated keys: which one is named is the rule of before: in a
# record of up to 24 members the first member whose key came before, in
# a longer one the smallest key (shortest, then by bytes), at its second
# place; escaped keys compared decoded
tcase "repeated keys named as before (enq-route)" "python3 $P/gen.py dups > dups.jsonl && $R dups.jsonl > o; rc=\$?; cut -c1-40 o; exit \$rc"
expect_rc 65
expect_out <<'E'
{"id":"v0","f01":"v1","":"v2","f03":"v3"
{"id":"v0","f01":"v1","f02":"v2","f03":"
E
expect_err <<'E'
enq-route: dups.jsonl:1:120: duplicate key "zz"
enq-route: dups.jsonl:2:191: duplicate key "b"
enq-route: dups.jsonl:3:94: duplicate key "c\u0061tegory"
enq-route: dups.jsonl:4:320: duplicate key "c\u0061tegory"
enq-route: dups.jsonl:5:228: duplicate key ""
enq-route: dups.jsonl:7:3977: duplicate key "f150"
E

tcase "repeated keys named as before (kpi-rollup)" "python3 $P/gen.py dups > dups.jsonl && kpi-rollup -k $P/pipe.conf dups.jsonl > o; rc=\$?; cut -c1-40 o; exit \$rc"
expect_rc 65
expect_out <<'E'
{"period":null,"category":null,"n":2,"sa
E
expect_err <<'E'
kpi-rollup: dups.jsonl:1:120: duplicate key "zz"
kpi-rollup: dups.jsonl:2:191: duplicate key "b"
kpi-rollup: dups.jsonl:3:94: duplicate key "c\u0061tegory"
kpi-rollup: dups.jsonl:4:320: duplicate key "c\u0061tegory"
kpi-rollup: dups.jsonl:5:228: duplicate key ""
kpi-rollup: dups.jsonl:7:3977: duplicate key "f150"
E

# keys of one length whose first, middle and last bytes agree: none a
# repeat of another
tcase "keys alike are not repeats" "python3 $P/gen.py alike > alike.jsonl && $R alike.jsonl | sed 's/.*\"received_at\"/\"received_at\"/'"
expect_rc 0
expect_out <<'E'
"received_at":"2025-03-01T10:00:00Z","category":"quote_request","team":"sales","owner":"s","route":"quote","sla":240,"due_at":"2025-03-01T14:00:00Z","needs_human":false}
"received_at":"2025-03-01T10:00:00Z","category":"support","team":"service","owner":"v","route":"other","sla":240,"due_at":"2025-03-01T14:00:00Z","needs_human":false}
E
expect_err </dev/null

# ---- the members wanted after a 1 MB string (one with escapes in it),
# and a wanted key written with an escape
tcase "members after a 1 MB string (enq-route)" "python3 $P/gen.py long > long.jsonl && $R long.jsonl > out.jsonl; echo \$?; sed 's/.*\"received_at\"/\"received_at\"/' out.jsonl; cmp -n 1000000 long.jsonl out.jsonl && echo same"
expect_out <<'E'
0
"received_at":"2025-03-01T10:00:00Z","category":"quote_request","team":"sales","owner":"s","route":"quote","sla":240,"due_at":"2025-03-01T14:00:00Z","needs_human":false}
"received_at":"2025-03-02T23:30:00Z","team":"sales","owner":"s","route":"quote","sla":240,"due_at":"2025-03-03T03:30:00Z","needs_human":false}
same
E

tcase "members after a 1 MB string (kpi-rollup)" "python3 $P/gen.py long | $R | kpi-rollup -k $P/pipe.conf | cut -c1-100"
expect_rc 0
expect_out <<'E'
{"period":"2025-03","category":"quote_request","n":2,"sales":2,"median_value":null,"base_n":{"n":2,"
E

# ---- output: the same bytes through a pipe whose reader waits (the
# writer blocks on a full pipe) as into a file; those of before
tcase "a blocked write loses nothing" "python3 $P/gen.py many > many.jsonl && $R many.jsonl > file.jsonl && $R many.jsonl | (sleep 1; cat) > pipe.jsonl && cmp file.jsonl pipe.jsonl && cksum < pipe.jsonl && kpi-rollup -k $P/pipe.conf many.jsonl | cksum"
expect_rc 0
expect_out <<'E'
133674891 3280570
2048427506 4980
E

# ---- the examples through the last two stages: the bytes of before
tcase "examples: enq-route and kpi-rollup as before" "cd $S && { enq-parse maildir; enq-parse webform.csv crm.csv; } 2>/dev/null | enq-classify -r rules/plumbing.rules > \$T/ex.jsonl && cd \$T &&
	enq-route --now 2026-11-02T09:00:00Z -r $TESTS/../share/rules/route.rules --calendar $S/calendar.conf ex.jsonl > routed.jsonl && cksum < routed.jsonl &&
	kpi-rollup -k $S/kpis.conf --calendar $S/calendar.conf routed.jsonl | cksum"
expect_rc 0
expect_out <<'E'
2817379680 1570533
1019043958 166844
E

done_testing
