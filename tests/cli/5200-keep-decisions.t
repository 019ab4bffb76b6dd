#!/bin/sh
# Nothing lost, nothing silently wrong: enq-classify keeps the category
# and priority a record already has (and says who decided), --reclassify
# replaces them and keeps the old ones beside them; \C is refused in
# patterns; a --label no record has is one usage error; `kpi n=count()`.
. "$(dirname "$0")/../lib.sh"

# ---- the record's own category and priority ----
printf 'threshold 1\ncategory quote 2 when text =~ /\\bquote\\b/i\npriority high when text =~ /\\burgent\\b/i\nrequire repair phone\nrequire quote email\n' > k.rules
cat > k.jsonl <<'J'
{"id":"K1","subject":"quote please","category":"repair","priority":"low"}
{"id":"K2","subject":"quote, urgent","category":null,"priority":""}
{"id":"K3","subject":"a quote","category":3,"priority":"High"}
{"id":"K4","subject":"hi","email":"a@example.com","category":"quote","confidence":0.4,"category_by":"crm-bot"}
{"id":"K5","subject":"hi","category":"  ","priority_by":"nobody"}
{"id":"K6","subject":"quote","category":"qu\u006fte","priority":"\u0068igh"}
J
tcase "kept: a string category, a priority that is a level; null, blank, 3, High are not" "enq-classify -r k.rules k.jsonl"
expect_rc 0
expect_out <<'E'
{"id":"K1","subject":"quote please","category":"repair","priority":"low","confidence":1.000,"category_by":"input","priority_by":"input","lang":"und","tags":[],"missing":["phone"]}
{"id":"K2","subject":"quote, urgent","category":"quote","priority":"high","confidence":0.731,"category_by":"rules","priority_by":"rules","lang":"und","tags":[],"missing":["email"]}
{"id":"K3","subject":"a quote","category":"quote","priority":"normal","confidence":0.731,"category_by":"rules","category_was":3,"priority_by":"default","priority_was":"High","lang":"und","tags":[],"missing":["email"]}
{"id":"K4","subject":"hi","email":"a@example.com","category":"quote","confidence":0.4,"category_by":"crm-bot","priority":"normal","priority_by":"default","lang":"und","tags":[],"missing":[]}
{"id":"K5","subject":"hi","category":"other","priority_by":"default","confidence":0.000,"category_by":"default","priority":"normal","lang":"und","tags":[],"missing":[]}
{"id":"K6","subject":"quote","category":"qu\u006fte","priority":"\u0068igh","confidence":1.000,"category_by":"input","priority_by":"input","lang":"und","tags":[],"missing":["email"]}
E
expect_err </dev/null
tcase "--reclassify: decided again, the old values beside them" "enq-classify -r k.rules --reclassify k.jsonl"
expect_rc 0
expect_out <<'E'
{"id":"K1","subject":"quote please","category":"quote","priority":"normal","confidence":0.731,"category_by":"rules","category_was":"repair","priority_by":"default","priority_was":"low","lang":"und","tags":[],"missing":["email"]}
{"id":"K2","subject":"quote, urgent","category":"quote","priority":"high","confidence":0.731,"category_by":"rules","priority_by":"rules","lang":"und","tags":[],"missing":["email"]}
{"id":"K3","subject":"a quote","category":"quote","priority":"normal","confidence":0.731,"category_by":"rules","category_was":3,"priority_by":"default","priority_was":"High","lang":"und","tags":[],"missing":["email"]}
{"id":"K4","subject":"hi","email":"a@example.com","category":"other","confidence":0.000,"category_by":"default","category_was":"quote","priority":"normal","priority_by":"default","lang":"und","tags":[],"missing":[]}
{"id":"K5","subject":"hi","category":"other","priority_by":"default","confidence":0.000,"category_by":"default","priority":"normal","lang":"und","tags":[],"missing":[]}
{"id":"K6","subject":"quote","category":"quote","priority":"normal","confidence":0.731,"category_by":"rules","category_was":"qu\u006fte","priority_by":"default","priority_was":"\u0068igh","lang":"und","tags":[],"missing":["email"]}
E
tcase "a string with a NUL is no value: decided, and kept beside" "printf '{\"id\":\"N\",\"category\":\"a\\\\u0000b\",\"priority\":\"high\\\\u0000\"}\\n' | enq-classify -r k.rules"
expect_out <<'E'
{"id":"N","category":"other","priority":"normal","confidence":0.000,"category_by":"default","category_was":"a\u0000b","priority_by":"default","priority_was":"high\u0000","lang":"und","tags":[],"missing":[]}
E
tcase "a second run over enq-classify's output changes nothing" "enq-classify -r k.rules k.jsonl > once; enq-classify -r k.rules once | cmp - once && echo same"
expect_out <<'E'
same
E
tcase "a second --reclassify keeps the first _was: the human's value" "enq-classify -r k.rules --reclassify k.jsonl | enq-classify -r k.rules --reclassify | jq -c '[.id, .category_was, .priority_was]' | head -2"
expect_out <<'E'
["K1","repair","low"]
["K2","quote","high"]
E
tcase "--explain: by input, the rules' scores beside it" "head -1 k.jsonl | enq-classify -r k.rules --no-model --explain | jq -c .explain"
expect_out <<'E'
{"rules":[{"at":"k.rules:2","category":"quote","score":2,"compared":[{"op":"=~","regex":"/\\bquote\\b/i","match":"quote","holds":true}]}],"by":"input","scores":{"quote":2},"models":{"category":"none (--no-model)","priority":"none (--no-model)"}}
E
printf '{"subject":"quote for a boiler","label":"quote"}\n{"subject":"boiler leaking","label":"repair"}\n' > tm.jsonl
tcase "--explain with a model: a kept category stands, the model's view beside it" \
	"enq-train --label label --holdout 0 -o km.model tm.jsonl >/dev/null && head -1 k.jsonl | enq-classify -r k.rules -m km.model --explain | jq -c '[.category, .category_by, .explain.by, [.explain.model[].category]]'"
expect_rc 0
expect_out <<'E'
["repair","input","input",["quote","repair"]]
E
tcase "--stats: by_input" "enq-classify -r k.rules --stats k.jsonl 2>&1 >/dev/null | sed 's/,\"seconds.*//'"
expect_out <<'E'
{"program":"enq-classify","in":6,"out":6,"rejected":0,"by_input":3,"by_rules":2,"by_model":0,"by_default":1
E
printf 'extract category_by from text /(x)/\n' > own.rules
tcase "an extract cannot name category_by" "enq-classify -r own.rules </dev/null"
expect_rc 78
expect_err <<'E'
enq-classify: own.rules:1:9: 'category_by' is a field enq-classify sets itself
E
# downstream: a person's "emergency" (no rule of the plumbing set gives
# it) reaches the emergency team of the built-in routes
tcase "a kept category 'emergency' is routed as one" "echo '{\"id\":\"E1\",\"received_at\":\"2026-10-03T10:00:00Z\",\"subject\":\"Call back\",\"body\":\"Please ring me\",\"category\":\"emergency\"}' | enq-classify -r $TESTS/../share/examples/rules/plumbing.rules | enq-route --now 2026-10-03T10:00:00Z | jq -c '[.category, .category_by, .team, .due_at]'"
expect_out <<'E'
["emergency","input","emergency","2026-10-03T11:00:00Z"]
E

# ---- \C: one byte, half a character ----
printf 'category a 1 when true\nextract x from body /a(\\C)/\n' > c.rules
tcase "\\C in an extract pattern is refused, with its column" "echo '{\"id\":\"1\",\"body\":\"a\\u00e9\"}' | enq-classify -r c.rules"
expect_rc 78
expect_out </dev/null
expect_err <<'E'
enq-classify: c.rules:2:24: regex error: \C (one byte) is not allowed: it can split a UTF-8 character; use . for one character
E
printf 'flag f high when body =~ /x\\/\\/\\C/i\n' > c2.rules
tcase "\\C after escaped slashes: the column counts them as written" "exc-flag -r c2.rules </dev/null"
expect_rc 78
expect_err <<'E'
exc-flag: c2.rules:1:32: regex error: \C (one byte) is not allowed: it can split a UTF-8 character; use . for one character
E
printf 'category a 1 when body =~ /\\\\C|\\QC\\E/\n' > c3.rules
tcase "a literal backslash and C is no \\C" "echo '{\"id\":\"1\",\"body\":\"\\\\\\\\C\"}' | enq-classify -r c3.rules | jq -c .category"
expect_rc 0
expect_out <<'E'
"a"
E

# ---- enq-train --label FIELD that no record has ----
printf '{"id":1,"subject":"quote","label":"quote"}\n{"id":2,"body":"leak","label":"repair"}\n' > two.jsonl
tcase "--label no record has: one message, exit 64" "enq-train --label lable -o m --rejects rej two.jsonl; s=\$?; test -e m || echo no model; wc -c < rej; exit \$s"
expect_rc 64
expect_out <<'E'
no model
0
E
expect_err <<'E'
enq-train: no record has field 'lable'; fields seen: id, subject, label, body
Try 'enq-train --help' for more information.
E
awk 'BEGIN { for (i = 1; i <= 1001; i++) printf "{\"id\":%d,\"f%d\":1}\n", i, i % 23 }' > many.jsonl
tcase "none of the first 1000 records has it: one message, 20 fields named" "enq-train --label label -o m many.jsonl"
expect_rc 64
expect_err <<'E'
enq-train: none of the first 1000 records has field 'label'; fields seen: id, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, ...
Try 'enq-train --help' for more information.
E
printf '{"id":1,"body":"a quote"}\n{"id":2,"body":"x"\n{"id":3,"body":"quote","label":"quote"}\n{"id":4}\n{"id":5,"body":"leak","label":"repair"}\n' > some.jsonl
tcase "records before the first label: reported once one has it" "enq-train --label label -o m --holdout 0 --rejects rej some.jsonl; s=\$?; cat rej; exit \$s"
expect_rc 65
expect_out <<'E'
trained on 2 records, 2 classes, 23 features
{"id":2,"body":"x"
{"id":1,"body":"a quote"}
{"id":4}
E
expect_err <<'E'
enq-train: some.jsonl:2:19: unexpected end of line, ',' or '}' expected
enq-train: some.jsonl:1: no label: 'label' is missing
enq-train: some.jsonl:4: no label: 'label' is missing
E
tcase "--strict: the first held record stops the run" "enq-train --label label -o m9 --strict --holdout 0 some.jsonl; test -e m9 || echo no model"
expect_out <<'E'
no model
E
expect_grep '^enq-train: some.jsonl:2:19: ' .err

# ---- kpi NAME=AGG(...) ----
printf '{"id":"a"}\n{"id":"b"}\n' > two-ids.jsonl
for e in 'kpi n=count()' 'kpi n = count()' 'kpi n= count()' 'kpi n =count()'; do
	tcase "'$e'" "kpi-rollup -e '$e' two-ids.jsonl | jq -c '[.n, .kpi.names]'"
	expect_rc 0
	expect_out <<'E'
[2,["n"]]
E
done
tcase "kpi n count(): '=' expected" "kpi-rollup -e 'kpi n count()' two-ids.jsonl"
expect_rc 78
expect_err <<'E'
kpi-rollup: -e:1:7: '=' expected, found 'count()'
E
tcase "kpi n: '=' expected" "kpi-rollup -e 'kpi n' two-ids.jsonl"
expect_rc 78
expect_err <<'E'
kpi-rollup: -e:1:6: '=' expected, found end of line
E
printf 'by  month(received_at)\nkpi n=count() where id != "b"\n' > k.conf
tcase "kpi n=count() in a kpis.conf, with a where" "kpi-rollup -k k.conf two-ids.jsonl | jq -c '[.period, .n]'"
expect_out <<'E'
[null,1]
E

done_testing
