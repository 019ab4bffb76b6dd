#!/bin/sh
# The rule language read as tokens (lib/lex.c): what changed when the
# statement parsers stopped reading the line by hand.  `when` is the
# keyword of every condition, `where` its synonym in a kpi; '->' is a
# token of the route statement, blanks or none; names follow one rule.
. "$(dirname "$0")/../lib.sh"
D=$DATA/kpi-rollup
R=$DATA/route

tcase "kpi ... when COND, and where COND gives the same" "kpi-rollup -e 'by channel' -e 'kpi v = sum(value) when status == \"won\"' $D/small.jsonl > when.out && kpi-rollup -e 'by channel' -e 'kpi v = sum(value) where status == \"won\"' $D/small.jsonl | cmp - when.out && cat when.out"
expect_rc 0
expect_out <<'E'
{"period":"all","channel":"chat","v":null,"base_n":{"v":1},"kpi":{"by":["channel"],"names":["v"],"owner":{},"unit":{},"label":{"v":"v"},"definition":{},"kind":{"v":"value"},"min_n":{"v":5},"digits":{}}}
{"period":"all","channel":"email","v":1890.6,"base_n":{"v":6},"kpi":{"by":["channel"],"names":["v"],"owner":{},"unit":{},"label":{"v":"v"},"definition":{},"kind":{"v":"value"},"min_n":{"v":5},"digits":{}}}
{"period":"all","channel":"phone","v":null,"base_n":{"v":2},"kpi":{"by":["channel"],"names":["v"],"owner":{},"unit":{},"label":{"v":"v"},"definition":{},"kind":{"v":"value"},"min_n":{"v":5},"digits":{}}}
{"period":"all","channel":"web","v":1090,"base_n":{"v":5},"kpi":{"by":["channel"],"names":["v"],"owner":{},"unit":{},"label":{"v":"v"},"definition":{},"kind":{"v":"value"},"min_n":{"v":5},"digits":{}}}
E
expect_err </dev/null

tcase "kpi NAME == AGG: '=' expected" "kpi-rollup -e 'kpi n == count()' $D/small.jsonl"
expect_rc 78
expect_out </dev/null
expect_err <<'E'
kpi-rollup: -e:1:7: '=' expected, found '==' (did you mean '='?)
E

tcase "an aggregate is a name: the whole of it in the message" "kpi-rollup -e 'kpi x = std-dev(value)' $D/small.jsonl"
expect_rc 78
expect_err <<'E'
kpi-rollup: -e:1:9: unknown aggregate 'std-dev' (did you mean 'stddev'?) (count sum mean min max median pN stddev distinct rate first last)
E

tcase "by EXPR as NAME: a name may hold a -" "kpi-rollup -e 'by channel as sales-channel, status' -e 'kpi n = count()' -o tsv $D/small.jsonl | head -3"
expect_rc 0
expect_out <<'E'
period	sales-channel	status	n
all	chat	lost	1
all	email	lost	1
E

# the arrow glued to the team, and to the condition, routes as spaced
sed -e 's/ -> /->/' -e 's/now() ->/now()->/' "$R/route.rules" > "$T/glued.rules"
cp "$R/holidays.txt" "$T/"
tcase "route ... ->team: '->' is a token" "OPFLOW_NOW=2026-11-23T12:00:00Z enq-route -r glued.rules $R/enq.jsonl > glued.out && grep -c -- '->[a-z]' glued.rules && OPFLOW_NOW=2026-11-23T12:00:00Z enq-route -r $R/route.rules $R/enq.jsonl | cmp - glued.out && wc -l < glued.out"
expect_rc 0
expect_out <<'E'
7
14
E
expect_err </dev/null

done_testing
