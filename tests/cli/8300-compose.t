#!/bin/sh
# 8300-compose: the reply drafts lib/mail/compose writes, read back by a
# real mail library.  The unit test binary (tests/unit/compose.c) puts each
# case of tests/data/compose/cases.jsonl into a maildir; tests/compose-check
# reads them with Python's mailbox and email (policy.default) and compares
# each with its case: a draft in cur/ with the D flag, no defect, header
# lines within 76 and only the fields written, Subject, To, From, ids, Date
# and body as given (header text with controls cleaned).
. "$(dirname "$0")/../lib.sh"
: "${OPFLOW_UNIT:?run through make check}"
C=$DATA/compose

tcase "the cases into a maildir" "$OPFLOW_UNIT/compose --put Drafts $C/cases.jsonl"
expect_rc 0
expect_out </dev/null
expect_err </dev/null

tcase "each one a draft Python's mailbox and email read as written" "python3 $TESTS/compose-check Drafts $C/cases.jsonl"
expect_rc 0
expect_out <<'E'
ok ascii
ok umlauts
ok long-subject
ok cyrillic
ok cjk
ok injection
ok specials
ok long-line
ok no-final-newline
ok emoji
E
expect_err </dev/null

tcase "a second run writes nothing" "ls -i Drafts/cur > before && $OPFLOW_UNIT/compose --put Drafts $C/cases.jsonl && ls -i Drafts/cur | cmp - before && find Drafts -type f | wc -l"
expect_rc 0
expect_out <<'E'
10
E

tcase "a draft whose flags the client changed is not written again" "mv Drafts/cur/ascii:2,D Drafts/cur/ascii:2,DS && $OPFLOW_UNIT/compose --put Drafts $C/cases.jsonl && ls Drafts/cur | grep -c '^ascii'"
expect_out <<'E'
1
E

tcase "a header line broken by hand is found" "sed -i 's/^Subject: Hi Bcc/Subject: Hi\\nBcc/' Drafts/cur/injection:2,D && python3 $TESTS/compose-check Drafts $C/cases.jsonl | grep -v '^ok'"
expect_out <<'E'
not ok ascii: in cur/ with flags 'DS', not cur/ with D
not ok injection: header line b'Bcc: victim@evil.example body? end'
E

done_testing
