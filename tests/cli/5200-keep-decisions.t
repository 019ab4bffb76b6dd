#!/bin/sh
# Nothing lost, nothing silently wrong: enq-classify keeps the category
# and priority a record already has (and says who decided), --reclassify
# replaces them and keeps the old ones beside them; \C is refused in
# patterns; a --label no record has is one usage error; `kpi n=count()`.
. "$(dirname "$0")/../lib.sh"

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
kpi-rollup: -e:1:7: '=' expected after the kpi name, found 'count()' (kpi NAME = AGG(EXPR))
E
tcase "kpi n: '=' expected" "kpi-rollup -e 'kpi n' two-ids.jsonl"
expect_rc 78
expect_err <<'E'
kpi-rollup: -e:1:6: '=' expected after the kpi name, found end of line
E
printf 'by  month(received_at)\nkpi n=count() where id != "b"\n' > k.conf
tcase "kpi n=count() in a kpis.conf, with a where" "kpi-rollup -k k.conf two-ids.jsonl | jq -c '[.period, .n]'"
expect_out <<'E'
[null,1]
E

done_testing
