#!/bin/sh
# The error convention of lib/ (lib/README): library code returns an op_err
# and the program ends in cmd/, with the message and exit code each path
# always had.  Paths no other file covers; the data is made here.
. "$(dirname "$0")/../lib.sh"

tcase "a rule file that never ends: 78 at 64 MiB" "enq-classify -r /dev/zero </dev/null"
expect_rc 78
expect_out </dev/null
expect_err <<'E'
enq-classify: /dev/zero: rule file larger than 64 MiB
E

tcase "a rule file that cannot be read: 66" "exc-flag -r nosuch.rules </dev/null"
expect_rc 66
expect_err <<'E'
exc-flag: nosuch.rules: No such file or directory
E

# the rule reader reports each error; nothing more is said on the way out
tcase "bad rules: their errors, then 78 and no other line" \
	"printf 'kpi x = \nby y z\n' > k.conf; kpi-rollup -k k.conf </dev/null"
expect_rc 78
expect_err <<'E'
kpi-rollup: k.conf:1:9: unknown aggregate '' (count sum mean min max median pN stddev distinct rate first last)
kpi-rollup: k.conf:2:6: unexpected 'z' at the end of the statement (by [day|week|month|quarter|year(TIME),] EXPR [as NAME], ...)
E

tcase "label 65536: 65 at once, no model" \
	"awk 'BEGIN { for (i = 0; i < 65536; i++) printf \"{\\\"subject\\\":\\\"refund please\\\",\\\"l\\\":\\\"c%d\\\"}\\n\", i }' > many.jsonl
	 enq-train -l l -o m many.jsonl; rc=\$?; test -e m && echo model; exit \$rc"
expect_rc 65
expect_out </dev/null
expect_err <<'E'
enq-train: more than 65535 labels
E

done_testing
