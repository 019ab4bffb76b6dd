#!/bin/sh
# Review of 'outputs' and 'csvin': what the merged work still lost or
# said wrongly.  Test data: inline.
. "$(dirname "$0")/../lib.sh"

# ---- csvin ----
printf 'received_at\tsubject\n2026-01-02T03:04:05Z\thello\n' > in.tsv
tcase "a file sniffed as tab-separated is source.format tsv" \
	"enq-parse in.tsv | grep -o '\"format\":\"[a-z]*\"'; enq-parse -f csv <in.tsv | grep -o '\"format\":\"[a-z]*\"'"
expect_rc 0
expect_out <<'E'
"format":"tsv"
"format":"tsv"
E

printf 'received_at,subject\n2026-01-02T03:04:05Z,hello\n' > in.csv
tcase "a comma-separated file stays source.format csv" \
	"enq-parse in.csv | grep -o '\"format\":\"[a-z]*\"'"
expect_out <<'E'
"format":"csv"
E

# an export cut short on its last line, as a 2 MB slice of a ticket export
printf 'received_at,subject\n2026-01-02T03:04:05Z,hello\n2026-01-02T03:04:06Z,"cut' > cut.csv
tcase "a quote opened on the last line, no newline after: the file was cut short" \
	"enq-parse --rejects rej cut.csv"
expect_rc 65
expect_err <<'E'
enq-parse: cut.csv:3: unclosed quote: the file ends inside a quoted field (cut short?)
E
expect_file rej <<'E'
received_at,subject
2026-01-02T03:04:06Z,"cut
E

printf 'received_at,subject\n2026-01-02T03:04:06Z,"cut\n' > cutnl.csv
tcase "the same with a newline after it" "enq-parse cutnl.csv"
expect_rc 65
expect_err <<'E'
enq-parse: cutnl.csv:2: unclosed quote: the file ends inside a quoted field (cut short?)
E

done_testing
