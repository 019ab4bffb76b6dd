#!/bin/sh
# Faults and hostile input, for every program: a full disk, a reader that
# goes away, an input that cannot be read, allocation failure at every
# point of a run, and rules built to hang or exhaust the rule language.
# Each ends with a message and the documented status, never a crash, and
# what was written is whole records.  (Timing is never asserted: `timeout`
# only keeps a regression from hanging the suite.)
. "$(dirname "$0")/../lib.sh"
P=$DATA/parse
E=$DATA/enq
R=$DATA/rules
C=$DATA/classify
K=$DATA/kpi-rollup
export OPFLOW_NOW=2026-11-01T00:00:00Z
# generous: this guards against a hang, it measures nothing
GUARD="timeout 300"

# Runs of each program on typical input, each kind of input once: one
# "program args" a line.  A new program gets its lines here, and with them
# the full-disk and allocation-failure tests.
runs() {
	cat <<EOF
exc-flag -r $R/basic.rules $E/bad.jsonl $E/six.jsonl
enq-parse $P/inbox.mbox
enq-parse -m $P/typeform.map $P/typeform.tsv
enq-parse $P/webhook.jsonl
enq-parse $P/maildir $DATA/mail/koi8r.eml $DATA/mail/nested.eml
enq-classify -r $C/basic.rules $C/enq.jsonl
enq-classify -r /dev/null -m $T/m.model --explain $C/enq.jsonl
enq-train -l label -o trained.model --seed 1 --report $C/train.jsonl
enq-route -r $DATA/route/route.rules $DATA/route/enq.jsonl
kpi-rollup -k $K/defs.conf --compare previous $K/small.jsonl
kpi-rollup -o csv $K/small.jsonl
kpi-report $DATA/report/monthly.jsonl
kpi-report -f html $DATA/report/nine-kpis.jsonl
EOF
}

enq-train -l label -o m.model --holdout 0 $C/train.jsonl >/dev/null

# ---- output to a full disk: 74 and the reason --------------------------
runs > runs.txt
while IFS= read -r cmd; do
	tcase "to /dev/full: $(echo "$cmd" | sed "s|$DATA/||g")" "$cmd >/dev/full 2>err; rc=\$?; tail -n 1 err; exit \$rc"
	expect_rc 74
	expect_out <<E
${cmd%% *}: write error: No space left on device
E
done < runs.txt
tcase "--rejects to /dev/full" "exc-flag -r $R/v.rules --rejects /dev/full $E/bad.jsonl >/dev/null 2>err; rc=\$?; tail -n 1 err; exit \$rc"
expect_rc 74
expect_out <<'E'
exc-flag: /dev/full: No space left on device
E
tcase "--line-buffered to /dev/full: the first record fails" "exc-flag --line-buffered -r $R/basic.rules $E/six.jsonl >/dev/full"
expect_rc 74
expect_err <<'E'
exc-flag: write error: No space left on device
E

# ---- a reader that goes away: the program ends, quietly -----------------
# more than the pipe and stdio buffers hold, so writes are still to come
awk 'BEGIN { for (i = 1; i <= 20000; i++) printf "{\"id\":\"E%d\",\"body\":\"the quick brown fox jumps over the lazy dog\"}\n", i }' > "$T/many.jsonl"
for prog in "exc-flag -r $R/basic.rules" "enq-parse"; do
	tcase "${prog%% *} | head -1" "{ $prog many.jsonl; echo \"status \$?\" > status; } | head -n 1 | cut -c1-11; cat status"
	expect_out <<'E'
{"id":"E1",
status 141
E
	expect_err </dev/null
	tcase "${prog%% *} | head -1, SIGPIPE ignored by the parent" "trap '' PIPE; { $prog many.jsonl; echo \"status \$?\" > status; } | head -n 1 | cut -c1-11; cat status"
	expect_out <<'E'
{"id":"E1",
status 141
E
	expect_err </dev/null
done

# ---- inputs that cannot be read: 66, named, the others still read ------
mkdir "$T/dir"
tcase "exc-flag: a directory as input" "exc-flag -r $R/basic.rules dir $E/six.jsonl | wc -l"
expect_rc 0
expect_out <<'E'
6
E
expect_err <<'E'
exc-flag: dir: read error: Is a directory
E
tcase "exc-flag: its status" "exc-flag -r $R/basic.rules dir $E/six.jsonl >/dev/null 2>&1"
expect_rc 66
tcase "exc-flag: a directory as rules" "exc-flag -r dir $E/six.jsonl"
expect_rc 66
expect_err <<'E'
exc-flag: dir: read error: Is a directory
E
tcase "enq-parse: a directory of the wrong kind, then a good file" "enq-parse -f mbox dir $P/inbox.mbox | wc -l"
expect_out <<'E'
3
E
expect_err <<'E'
enq-parse: dir: is a directory
E
tcase "enq-parse: its status" "enq-parse -f mbox dir $P/inbox.mbox >/dev/null 2>&1"
expect_rc 66
tcase "enq-parse: a directory as map file" "enq-parse -m dir $P/hubspot.csv"
expect_rc 66
expect_err <<'E'
enq-parse: dir: read error: Is a directory
E
tcase "exc-flag: a missing input" "exc-flag -r $R/basic.rules nosuch.jsonl"
expect_rc 66
expect_err <<'E'
exc-flag: nosuch.jsonl: No such file or directory
E

# ---- allocation failure at every point ---------------------------------
# failmalloc.so fails the Nth malloc/calloc/realloc; N runs over every
# allocation a run makes.  Each run either comes out as without the fault,
# or ends with a message (status 65, 66, 70 or 78, no signal), having
# written only whole records of the normal output, in order.
SHIM=$OPFLOW_UNIT/../fault/failmalloc.so
if [ "${SANITIZE:-}" = 1 ] || [ "${OPFLOW_BIN##*/}" = valgrind ]; then
	# ASan and valgrind bring their own allocator, which must come first
	n=$((n + 1)); echo "ok $n # skip allocation failure: not under ASan or valgrind"
else
	while IFS= read -r cmd; do
		$cmd > want 2> want.err; wantrc=$?
		FAILMALLOC_COUNT=count LD_PRELOAD=$SHIM $cmd >/dev/null 2>&1
		max=$(cat count)
		bad=0 faults=0 i=1
		while [ "$i" -le "$max" ]; do
			FAILMALLOC_N=$i LD_PRELOAD=$SHIM $cmd > got 2> err; rc=$?
			i=$((i + 1))
			if [ "$rc" = "$wantrc" ] && cmp -s got want; then continue; fi
			faults=$((faults + 1))
			why=
			case $rc in 65|66|70|78) ;; *) why="status $rc" ;; esac
			# a message of its own, not one the normal run gives too
			diff want.err err | grep -q "^> ${cmd%% *}: " || why="$why, no message"
			[ ! -s got ] || [ "$(tail -c 1 got | od -An -c | tr -d ' ')" = '\n' ] || why="$why, a half-written line"
			! diff want got | grep -q '^>' || why="$why, records not in the normal output"
			if [ -n "$why" ]; then
				bad=$((bad + 1))
				[ $bad -gt 3 ] || echo "#   FAILMALLOC_N=$((i - 1)) $cmd:$why: $(head -c 200 err)" >> log
			fi
		done
		echo "$bad $(echo "$cmd" | sed "s|$DATA/||g") ($max allocations, $faults cut short)" >> results
	done < runs.txt
	[ ! -f log ] || cat log
	while read -r bad what; do
		what="allocation failure: $what"
		_result "$bad" "message and clean exit at every point"
	done < results
fi

# ---- hostile rules: bounded work, named errors, the stream goes on -----
# a pattern that backtracks exponentially, on a 100 KB field
printf 'flag redos high when body =~ /(a+)+$/\n' > redos.rules
{ echo '{"id":"A","body":"short"}'
  printf '{"id":"B","body":"%s!"}\n' "$(awk 'BEGIN { while (i++ < 100000) printf "a" }')"
  echo '{"id":"C","body":"aaa"}'; } > redos.jsonl
tcase "/(a+)+\$/ against 100 KB" "$GUARD exc-flag -r redos.rules --rejects rej redos.jsonl | cut -c1-50; cut -c1-20 rej"
expect_out <<'E'
{"id":"A","body":"short"}
{"id":"C","body":"aaa","flags":[{"name":"redos","s
{"id":"B","body":"aa
E
expect_err <<'E'
exc-flag: redos.jsonl:2: redos.rules:1: flag redos: regex: match limit exceeded
E

# 10,000 rules, each one checked on each record
awk 'BEGIN { for (i = 1; i <= 10000; i++) printf "flag f%d low when n == %d message \"{id} is %d\"\n", i, i, i }' > many.rules
printf '{"id":"R1","n":1}\n{"id":"R2","n":5000}\n{"id":"R3","n":10000}\n{"id":"R4","n":10001}\n' > n.jsonl
tcase "a rule file of 10,000 rules" "$GUARD exc-flag -r many.rules n.jsonl"
expect_rc 0
expect_out <<'E'
{"id":"R1","n":1,"flags":[{"name":"f1","severity":"low","title":"f1","about":"n","message":"R1 is 1","owner":null}]}
{"id":"R2","n":5000,"flags":[{"name":"f5000","severity":"low","title":"f5000","about":"n","message":"R2 is 5000","owner":null}]}
{"id":"R3","n":10000,"flags":[{"name":"f10000","severity":"low","title":"f10000","about":"n","message":"R3 is 10000","owner":null}]}
{"id":"R4","n":10001}
E

# nesting 200 deep, of each kind that nests, and 100,000 deep: the rule is
# named (the depth limit is 128) before any record is read
nest() {	# nest DEPTH OPEN CLOSE: "flag deep low when OPEN...n...CLOSE == 1"
	awk -v d="$1" -v o="$2" -v c="$3" 'BEGIN { printf "flag deep low when "
		for (i = 0; i < d; i++) printf "%s", o; printf "n"
		for (i = 0; i < d; i++) printf "%s", c; print " == 1" }'
}
for depth in 200 100000; do
	nest $depth "(" ")" > paren.rules
	nest $depth "lower(" ")" > call.rules
	nest $depth "!" "" > not.rules
	nest $depth "-" "" > neg.rules
	nest $depth "[" "]" > list.rules
	tcase "expressions nested $depth deep" "for k in paren call not neg list; do $GUARD exc-flag -r \$k.rules n.jsonl; echo \$?; done 2>&1 | sed 's/:[0-9]*: / COL: /'"
	expect_out <<'E'
exc-flag: paren.rules:1 COL: expression nested too deeply (over 128 levels)
78
exc-flag: call.rules:1 COL: expression nested too deeply (over 128 levels)
78
exc-flag: not.rules:1 COL: expression nested too deeply (over 128 levels)
78
exc-flag: neg.rules:1 COL: expression nested too deeply (over 128 levels)
78
exc-flag: list.rules:1 COL: expression nested too deeply (over 128 levels)
78
E
done
awk 'BEGIN { printf "flag chain low when n"; for (i = 0; i < 100000; i++) printf " + n"; print " > 0" }' > chain.rules
tcase "a chain of 100,000 operators" "$GUARD exc-flag -r chain.rules n.jsonl"
expect_rc 78
expect_err <<'E'
exc-flag: chain.rules:1:2071: expression too long (over 512 operators in a chain)
E

# a template of 1,000 placeholders works; past the limit the rule is named
tmpl() { awk -v k="$1" 'BEGIN { printf "flag t low when n == 1 message \""; for (i = 0; i < k; i++) printf "{id}."; print "\"" }'; }
tmpl 1000 > t1000.rules
tcase "a template of 1,000 placeholders" "$GUARD exc-flag -r t1000.rules n.jsonl | head -n 1 | grep -o 'R1\\.' | wc -l"
expect_out <<'E'
1000
E
tmpl 5000 > t5000.rules
tcase "a template of 5,000 placeholders" "$GUARD exc-flag -r t5000.rules n.jsonl"
expect_rc 78
expect_err <<'E'
exc-flag: t5000.rules:1:32: template too long (over 1000 placeholders)
E

# a rule file that is not UTF-8: its text would reach the records
printf 'flag latin1 low when true message "caf\351"\n' > latin1.rules
tcase "a rule file in Latin-1" "exc-flag -r latin1.rules n.jsonl"
expect_rc 78
expect_err <<'E'
exc-flag: latin1.rules:1:39: invalid UTF-8 (a rule file is UTF-8 text)
E

# ---- CSV written by a program: no cell a spreadsheet would run ----------
# csv-unguarded.pl FILE: the cells of FILE (RFC 4180) that start with = + -
# @ TAB or CR and are not plain numbers, one a line.
cat > csv-unguarded.pl <<'PL'
local $/;
$_ = <>;
s/\r?\n\z//;
while (/\G(?:"((?:[^"]|"")*)"|([^,\r\n]*))(,|\r?\n|\z)/gc) {
	my ($quoted, $plain, $end) = ($1, $2, $3);
	my $c = defined $quoted ? $quoted =~ s/""/"/gr : $plain;
	print "$c\n" if $c =~ /^[=+\-\@\t\r]/ && $c !~ /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
	last if $end eq "";
}
PL
printf 'a,b\n"=1+1",-12.5\n@SUM(A1),"x,""y"""\n' > bad.csv
tcase "csv-unguarded.pl finds formulas" "perl csv-unguarded.pl bad.csv"
expect_out <<'E'
=1+1
@SUM(A1)
E
# Each program that writes CSV gets a case here that runs it on cells built
# to be formulas and expects csv-unguarded.pl to find none (op_csv_cell,
# which guards, is tested in tests/unit/csv.c and by the csv fuzz harness).
cat > formulas.jsonl <<'J'
{"id":"F1","received_at":"2026-10-02T09:00:00Z","team":"=HYPERLINK(\"http://x\",\"y\")","value":-12.5}
{"id":"F2","received_at":"2026-10-03T09:00:00Z","team":"@SUM(A1:A9)","value":3}
{"id":"F3","received_at":"2026-11-04T09:00:00Z","team":"+1+1","value":-4}
{"id":"F4","received_at":"2026-11-05T09:00:00Z","team":"-2+3","value":1e3}
{"id":"F5","received_at":"2026-11-06T09:00:00Z","team":"\tcmd","value":0}
J
tcase "kpi-rollup -o csv: no cell a spreadsheet would run" "kpi-rollup -o csv -e 'by month(received_at), team' -e 'kpi n = count()' -e 'kpi v = sum(value)' --compare previous formulas.jsonl > out.csv && perl csv-unguarded.pl out.csv; wc -l < out.csv; grep -c HYPERLINK out.csv"
expect_rc 0
expect_out <<'E'
6
1
E

done_testing
