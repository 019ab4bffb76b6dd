#!/bin/sh
# 5400-rule-tests: rule files that test themselves (opflow-rules(5) TESTS
# and LINT): `test` lines run by --check on every program that reads a
# rule file, a failing one named with what differs; the lint's every
# kind, with "did you mean" and --sample; `# lint: allow`; and every
# shipped rule file has tests and passes.
. "$(dirname "$0")/../lib.sh"
D=$DATA/rulecheck
SHARE=$TESTS/../share

# ---- tests, a passing and a failing one per program ----

tcase "enq-classify: a test passes, one fails field by field" "enq-classify --check -r $D/classify.rules"
expect_rc 78
expect_out <<E
$D/classify.rules: 2 rules, 1 of 2 tests passed, 0 lint warnings
E
expect_err <<E
enq-classify: $D/classify.rules:6: test failed: field category: expected "quote", got "other"
enq-classify: $D/classify.rules:6: test failed: field order_ref: expected "ORD-0000", got absent
enq-classify: $D/classify.rules:6: test failed: field tags: expected null, got []
E

tcase "enq-route: at received_at, at \`at\`; the owner from the id" "enq-route --check -r $D/route.rules"
expect_rc 78
expect_out <<E
$D/route.rules: 2 rules, 3 of 4 tests passed, 0 lint warnings
E
expect_err <<E
enq-route: $D/route.rules:8: test failed: field route: expected "quote", got "rest"
E

tcase "exc-flag: flags by name and severity (and message when given)" "exc-flag --check -r $D/alerts.rules"
expect_rc 78
expect_out <<E
$D/alerts.rules: 2 rules, 2 of 3 tests passed, 0 lint warnings
E
expect_err <<E
exc-flag: $D/alerts.rules:7: test failed: field flags: expected [{"name":"late","severity":"medium"}], got absent
E

tcase "kpi-rollup: a list of records, the KPIs of their one row" "kpi-rollup --check -k $D/kpis.conf"
expect_rc 78
expect_out <<E
$D/kpis.conf: 3 rules, 1 of 3 tests passed, 0 lint warnings
E
expect_err <<E
kpi-rollup: $D/kpis.conf:8: test failed: 2 lines written, one expected
kpi-rollup: $D/kpis.conf:10: test failed: field value: expected 0, got null
E

tcase "enq-draft: --check runs the tests too" "enq-draft --check -r $D/draft.rules --classify-rules $D/notests.rules"
expect_rc 78
expect_out <<E
$D/draft.rules: 1 rule, 1 of 2 tests passed, 0 lint warnings
E
expect_err <<E
enq-draft: $D/draft.rules:4: test failed: field needs_human: expected false, got true
E

tcase "a record the program turns away fails its test" "printf 'flag x low when value > 1\ntest [1] -> {}\n' > a.rules && exc-flag --check -r a.rules"
expect_rc 78
expect_out <<'E'
a.rules: 1 rule, 0 of 1 tests passed, 0 lint warnings
E
expect_err <<'E'
exc-flag: a.rules:2: not a JSON object but an array
exc-flag: a.rules:2: test failed: the input was turned away
E

tcase "every test passing: 0" "sed '/^test {\"id\":\"2\"/,\$d' $D/classify.rules > ok.rules && enq-classify --check -r ok.rules"
expect_rc 0
expect_out <<'E'
ok.rules: 2 rules, 1 test passed, 0 lint warnings
E
expect_err </dev/null

tcase "no test lines: a note, not a failure" "enq-classify --check -r $D/notests.rules"
expect_rc 0
expect_out <<E
$D/notests.rules: 1 rule, 0 tests passed, 0 lint warnings
E
expect_err <<E
enq-classify: $D/notests.rules: note: no tests (test {record} -> {fields}, opflow-rules(5) TESTS)
E

tcase "a test line that is not one: 78 naming line and column" "enq-classify --check -r $D/bad-test.rules"
expect_rc 78
expect_out </dev/null
expect_err <<E
enq-classify: $D/bad-test.rules:2:34: a JSON object (a record; for kpi-rollup, an array of them): ',' or '}' expected
enq-classify: $D/bad-test.rules:4:46: at: 'yesterday' is not an RFC 3339 time with its zone (2026-10-05T09:00:00Z)
E

tcase "test lines do not change a run" "printf '{\"id\":\"1\",\"subject\":\"a quote\"}\n' | enq-classify --no-lang -r $D/classify.rules | cut -c1-60"
expect_rc 0
expect_out <<'E'
{"id":"1","subject":"a quote","category":"quote","confidence
E

tcase "--check reads no records" "enq-classify --check -r $D/classify.rules x.jsonl"
expect_rc 64
expect_grep "^enq-classify: --check reads no records" .err

tcase "--sample goes with --check" "exc-flag --sample $D/rows.jsonl < /dev/null"
expect_rc 64
expect_grep "^exc-flag: --sample goes with --check" .err

# ---- the lint: each kind, exact, 78 ----

tcase "lint: a misspelt field (did you mean), one a later program sets" "enq-classify --check -r $D/lint-fields.rules 2>&1 >/dev/null | grep -v note"
expect_out <<E
enq-classify: $D/lint-fields.rules:3: no input of enq-classify has a field 'recieved_at' (did you mean 'received_at'?) [unknown-field]
enq-classify: $D/lint-fields.rules:4: field 'team' is set by enq-route, after enq-classify: no input of enq-classify has it [unknown-field]
E
tcase "lint: 78" "enq-classify --check -r $D/lint-fields.rules"
expect_rc 78
expect_out <<E
$D/lint-fields.rules: 3 rules, 0 tests passed, 2 lint warnings
E

tcase "lint: never fires (constant false, a priority no record has), a name twice" "exc-flag --check -r $D/lint-never.rules"
expect_rc 78
expect_err <<E
exc-flag: $D/lint-never.rules:3: flag impossible never fires: its condition is always false [never-fires]
exc-flag: $D/lint-never.rules:4: priority is never "urgnet" (low, normal, high, urgent) (did you mean 'urgent'?) [never-fires]
exc-flag: $D/lint-never.rules:5: priority is never "lwo" (low, normal, high, urgent) [never-fires]
exc-flag: $D/lint-never.rules:5: flag urgent defined twice (first on line 4) [duplicate]
exc-flag: $D/lint-never.rules: note: no tests (test {record} -> {fields}, opflow-rules(5) TESTS)
E

tcase "lint: a first-match rule hidden by one that always holds" "enq-route --check -r $D/lint-shadow.rules"
expect_rc 78
expect_err <<E
enq-route: $D/lint-shadow.rules:5: route quote never fires: route everything (line 4) always holds first [shadowed]
enq-route: $D/lint-shadow.rules:6: route rest never fires: route everything (line 4) always holds first [shadowed]
enq-route: $D/lint-shadow.rules: note: no tests (test {record} -> {fields}, opflow-rules(5) TESTS)
E

tcase "lint: a regex that matches the empty string" "enq-classify --check -r $D/lint-empty.rules"
expect_rc 78
expect_err <<E
enq-classify: $D/lint-empty.rules:2: /(quote)?/i matches the empty string, so every text [empty-match]
enq-classify: $D/lint-empty.rules:3: /\bbook\b|/ matches the empty string, so every text [empty-match]
enq-classify: $D/lint-empty.rules: note: no tests (test {record} -> {fields}, opflow-rules(5) TESTS)
E

tcase "lint: # lint: allow KIND silences it on its statement" "enq-classify --check -r $D/lint-allowed.rules"
expect_rc 0
expect_out <<E
$D/lint-allowed.rules: 2 rules, 1 test passed, 0 lint warnings
E
expect_err </dev/null

# ---- --sample: the fields of real records or rows count as known ----

tcase "exc-flag: a KPI of the firm's own is unknown without a sample" "exc-flag --check -r $D/kpi-alerts.rules 2>&1 >/dev/null | grep -v note"
expect_out <<E
exc-flag: $D/kpi-alerts.rules:2: no input of exc-flag has a field 'first_time_fix' [unknown-field]
exc-flag: $D/kpi-alerts.rules:3: no input of exc-flag has a field 'first_tme_fix' [unknown-field]
E

tcase "--sample: the field it has is known, the misspelling named" "exc-flag --check -r $D/kpi-alerts.rules --sample $D/rows.jsonl"
expect_rc 78
expect_out <<E
$D/kpi-alerts.rules: 2 rules, 0 tests passed, 1 lint warning
E
expect_err <<E
exc-flag: $D/kpi-alerts.rules:3: no input of exc-flag has a field 'first_tme_fix' (did you mean 'first_time_fix'?) [unknown-field]
exc-flag: $D/kpi-alerts.rules: note: no tests (test {record} -> {fields}, opflow-rules(5) TESTS)
E

tcase "--sample that cannot be read: 66" "exc-flag --check -r $D/kpi-alerts.rules --sample nonesuch.jsonl"
expect_rc 66
expect_err <<'E'
exc-flag: nonesuch.jsonl: No such file or directory
E

tcase "--sample lines that are no records: said, with the first's line, the rest still learned" "{ echo 'period,team'; cat $D/rows.jsonl; echo '[1]'; } > mixed.jsonl && exc-flag --check -r $D/kpi-alerts.rules --sample mixed.jsonl"
expect_rc 78
expect_out <<E
$D/kpi-alerts.rules: 2 rules, 0 tests passed, 1 lint warning
E
expect_err <<E
exc-flag: mixed.jsonl:1: not a record, its fields not learned (2 such lines in all)
exc-flag: $D/kpi-alerts.rules:3: no input of exc-flag has a field 'first_tme_fix' (did you mean 'first_time_fix'?) [unknown-field]
exc-flag: $D/kpi-alerts.rules: note: no tests (test {record} -> {fields}, opflow-rules(5) TESTS)
E

tcase "a \\u0000 in a test's values compares as written; in a name, said" "printf '%s\n' 'category support +3 when body =~ /help/' 'test {\"body\":\"help\\u0000me\"} -> {\"category\":\"support\",\"body\":\"help\\u0000me\"}' 'test {\"body\":\"help\\u0000me\"} -> {\"body\":\"help\\u0000you\"}' 'test {\"body\":\"help\"} -> {\"a\\u0000b\":1}' > nul.rules && enq-classify --check -r nul.rules"
expect_rc 78
expect_out <<'E'
nul.rules: 1 rule, 1 of 3 tests passed, 0 lint warnings
E
expect_err <<'E'
enq-classify: nul.rules:3: test failed: field body: expected "help\u0000you", got "help\u0000me"
enq-classify: nul.rules:4: test cannot be run: NUL byte in object key not supported near '"a\u0000b"'
E

# ---- every shipped rule file has tests of its own and passes ----
# (a file here without a `test` line fails: a note is not enough for ours)

shipped() {	# shipped PROGRAM FILE [OPTIONS]: --check passes, with tests
	prog=$1 file=$2
	shift 2
	tcase "shipped $(basename "$(dirname "$file")")/$(basename "$file")" "cd '$(dirname "$file")' && $prog --check $* '$(basename "$file")'"
	expect_rc 0
	expect_err </dev/null
	expect_grep "^$(basename "$file"): [0-9]+ rules?, [1-9][0-9]* tests? passed, 0 lint warnings\$" .out
}
for f in "$SHARE"/rules/*.rules "$SHARE"/rules/kpis.conf "$SHARE"/examples/*.rules "$SHARE"/examples/rules/* \
	"$SHARE"/examples/kpis.conf; do
	case $f in
	*/rules/classify.rules|*/examples/rules/*) shipped enq-classify "$f" -r ;;
	*/rules/route.rules) shipped enq-route "$f" --calendar builtin -r ;;
	*/rules/alerts.rules|*/examples/alerts.rules) shipped exc-flag "$f" -r ;;
	*/rules/draft.rules) shipped enq-draft "$f" -r ;;
	*/examples/draft.rules) shipped enq-draft "$f" --classify-rules rules/plumbing.rules -r ;;
	*/rules/kpis.conf) shipped kpi-rollup "$f" --calendar builtin -k ;;
	*/examples/kpis.conf) shipped kpi-rollup "$f" --calendar calendar.conf -k ;;
	*) tcase "shipped $f" "false"; _result 1 "a program to check it with (add it to this list)" ;;
	esac
done

tcase "the built-in rules pass too" "for p in enq-classify enq-route exc-flag kpi-rollup enq-draft; do \$p --check || echo \$p failed; done"
expect_rc 0
expect_err </dev/null
expect_out <<'E'
classify.rules: 21 rules, 10 tests passed, 0 lint warnings
route.rules: 12 rules, 8 tests passed, 0 lint warnings
alerts.rules: 6 rules, 8 tests passed, 0 lint warnings
kpis.conf: 9 rules, 2 tests passed, 0 lint warnings
draft.rules: 4 rules, 2 tests passed, 0 lint warnings
E

done_testing
