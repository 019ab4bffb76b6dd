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

# ---- outputs ----
export OPFLOW_NOW=2026-11-23T12:00:00Z
printf '{"period":"2026-10","enquiries":12}\n' > rows.jsonl
tcase "kpi-report -o keeps the mode of the report it replaces" \
	"umask 022; echo old > rep.md && chmod 600 rep.md && kpi-report -o rep.md rows.jsonl && stat -c %a rep.md"
expect_rc 0
expect_out <<'E'
600
E

tcase "enq-train -o keeps the mode, through a link" \
	"umask 077; echo old > model && chmod 640 model && ln -s model ml &&
	 enq-train -l label -o ml $DATA/classify/train.jsonl >/dev/null && stat -c %a model"
expect_out <<'E'
640
E

if [ "$(id -u)" = 0 ]; then
	tcase "as root, -o keeps the owner and group of the file it replaces" \
		"echo old > own.md && chown 65534:65534 own.md && kpi-report -o own.md rows.jsonl && stat -c %u:%g own.md"
	expect_out <<'E'
65534:65534
E
fi

printf 'team sales owners alice bob assign round-robin\nroute all -> sales sla 4h\n' > r.rules
printf '{"id":"E1","received_at":"2026-11-23T10:00:00Z"}\n' > e.jsonl
tcase "enq-route --state: a link at STATE.tmp is not written through" "
	echo precious > victim && enq-route -r r.rules --state st e.jsonl >/dev/null &&
	ln -s victim st.tmp && enq-route -r r.rules --state st e.jsonl >/dev/null &&
	cat victim && test ! -e st.tmp && grep -c '^a ' st"
expect_rc 0
expect_out <<'E'
precious
1
E

tcase "enq-route --state keeps the state file's mode" "
	umask 022; chmod 600 st && enq-route -r r.rules --state st e.jsonl >/dev/null && stat -c %a st"
expect_out <<'E'
600
E

done_testing
