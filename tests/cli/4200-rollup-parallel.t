#!/bin/sh
# kpi-rollup -j N: a regular file read in N parts on N threads gives the
# bytes of one thread: rows, --stats, and with bad lines the same
# messages (the file's line numbers) and --rejects in the file's order;
# small, empty and unterminated files; pipes read on one thread.
. "$(dirname "$0")/../lib.sh"
D=$DATA/kpi-rollup
EX=$TESTS/../share/examples
SECS="sed 's/,\"seconds\":[0-9.]*//'"

# gen N: N lines of records over six months, with values that are not
# numbers, times that are not times, nulls, blank lines, CRLF ends, and
# every 397th line broken JSON (deterministic)
cat > gen.awk <<'A'
BEGIN {
	split("billing quote repair", cat, " "); split("email web phone chat", ch, " ")
	for (i = 1; i <= n; i++) {
		if (i % 397 == 0) { print "{\"id\":\"B" i "\",\"received_at\":"; continue }
		if (i % 501 == 0) { print ""; continue }
		m = i % 6 + 1; d = i % 28 + 1; h = i % 20
		t = sprintf("2026-%02d-%02dT%02d:%02d:00Z", m, d, h, i % 60)
		r = i % 11 == 0 ? "null" : i % 13 == 0 ? "\"soon\"" : sprintf("\"2026-%02d-%02dT%02d:%02d:30Z\"", m, d, h + i % 4, (i * 7) % 60)
		v = i % 9 == 0 ? "\"n/a\"" : i % 7 == 0 ? "null" : sprintf("%d.%d", i % 500, i % 10)
		c = i % 17 == 0 ? "null" : "\"" cat[int(i / 7) % 3 + 1] "\""
		s = i % 5 == 0 ? "won" : "lost"
		printf "{\"id\":\"G%05d\",\"received_at\":\"%s\",\"responded_at\":%s,\"category\":%s,\"status\":\"%s\",\"value\":%s,\"channel\":\"%s\"}%s\n", i, t, r, c, s, v, ch[int(i / 3) % 4 + 1], i % 31 == 0 ? "\r" : ""
	}
}
A

# same J... -- ARGS: kpi-rollup ARGS with each -j J and without; "same"
# when stdout, stderr (--stats without its seconds), the status and
# --rejects (written to rej) agree with the run without -j
cat > same <<'S'
#!/bin/sh
js=
while [ "$1" != -- ]; do js="$js $1"; shift; done
shift
kpi-rollup "$@" > one.out 2> one.err; echo $? > one.rc
[ -f rej ] && mv rej one.rej
for j in $js; do
	kpi-rollup -j "$j" "$@" > j.out 2> j.err; echo $? > j.rc
	[ -f rej ] && { cmp -s rej one.rej || { echo "-j $j: rejects differ"; diff one.rej rej | head -5; }; rm rej; }
	sed 's/,"seconds":[0-9.]*//' one.err > a; sed 's/,"seconds":[0-9.]*//' j.err > b
	cmp -s j.out one.out || { echo "-j $j: stdout differs"; diff one.out j.out | head -5; }
	cmp -s a b || { echo "-j $j: stderr differs"; diff a b | head -5; }
	cmp -s j.rc one.rc || echo "-j $j: status $(cat j.rc), not $(cat one.rc)"
done
echo "same (status $(cat one.rc))"
S
chmod +x same

tcase "the examples' KPIs (exact quantiles, business hours) with -j 1, 2, 3, 7" \
	"enq-parse $EX/crm.csv > crm.jsonl && ./same 1 2 3 7 -- -k $EX/kpis.conf --calendar $EX/calendar.conf --now 2026-10-20T00:00:00Z --stats crm.jsonl"
expect_out <<'E'
same (status 0)
E

tcase "--compare previous --fill -o table, and --compare year --from --to" \
	"enq-parse $EX/crm.csv > crm.jsonl && ./same 2 7 -- -k $EX/kpis.conf --calendar $EX/calendar.conf --now 2026-10-20T00:00:00Z --compare previous --fill -o table crm.jsonl && ./same 3 -- -k $EX/kpis.conf --calendar $EX/calendar.conf --now 2026-10-20T00:00:00Z --compare year --from 2026-03 --to 2026-09 crm.jsonl"
expect_out <<'E'
same (status 0)
same (status 0)
E

tcase "every aggregate, --approx too, on 4,000 generated lines" \
	"awk -v n=4000 -f gen.awk | grep -v '\"B' > g.jsonl && ./same 2 3 7 -- -k $D/defs.conf --stats g.jsonl && ./same 2 5 -- -k $D/defs.conf --approx --fill g.jsonl"
expect_out <<'E'
same (status 0)
same (status 0)
E

tcase "bad lines: the same messages with the file's line numbers, --rejects in the file's order" \
	"awk -v n=4000 -f gen.awk > g.jsonl && ./same 1 2 3 7 -- -k $D/defs.conf --stats --rejects rej g.jsonl && grep -c . one.rej && tail -1 one.err | $SECS"
expect_out <<'E'
same (status 65)
10
{"program":"kpi-rollup","in":3993,"out":24,"rejected":10,"cells":24,"not_numbers":441,"not_times":280,"outside":0,"undated":0}
E

tcase "bad lines: the messages themselves" "awk -v n=4000 -f gen.awk > g.jsonl && kpi-rollup -j 2 -k $D/defs.conf g.jsonl 2>&1 >/dev/null | sed -n '1p;\$p'"
expect_out <<'E'
kpi-rollup: g.jsonl:397:28: unexpected end of line, value expected
kpi-rollup: g.jsonl:3970:29: unexpected end of line, value expected
E

tcase "--strict: the first bad line only, no rows" "awk -v n=4000 -f gen.awk > g.jsonl && ./same 2 7 -- -k $D/defs.conf --strict --stats --rejects rej g.jsonl && cat one.err | $SECS"
expect_out <<'E'
same (status 65)
kpi-rollup: g.jsonl:397:28: unexpected end of line, value expected
{"program":"kpi-rollup","in":397,"out":0,"rejected":1,"cells":24,"not_numbers":44,"not_times":28,"outside":0,"undated":0}
E

tcase "a line over --max-line" "awk -v n=300 -f gen.awk > g.jsonl && ./same 2 3 -- -k $D/defs.conf --max-line 150 --rejects rej g.jsonl && head -1 one.err"
expect_out <<'E'
same (status 65)
kpi-rollup: g.jsonl:1: line longer than --max-line (150 bytes), rejected
E

# the second part starts at the second line (the first is the longer):
# its byte order mark is no line 1's, and the line is rejected as it is
# on one thread, not taken off as the file's first
tcase "a byte order mark that starts a part, not the file" \
	"printf '{\"id\":\"x\",\"received_at\":\"2026-01-05T09:00:00Z\",\"category\":\"long enough to be the longer line\"}\n\357\273\277{\"id\":\"y\",\"received_at\":\"2026-01-06T09:00:00Z\"}\n' > bom.jsonl && ./same 2 -- -k $D/defs.conf bom.jsonl && cat one.err"
expect_out <<'E'
same (status 65)
kpi-rollup: bom.jsonl:2:1: value expected
E

tcase "fewer lines than threads, an empty file, no final newline" \
	"head -3 $D/small.jsonl > three.jsonl && : > empty.jsonl && head -c -1 $D/small.jsonl > nonl.jsonl && ./same 7 -- -k $D/defs.conf three.jsonl && ./same 3 -- -k $D/defs.conf --stats empty.jsonl && ./same 2 7 -- -k $D/defs.conf nonl.jsonl && ./same 64 -- -k $D/defs.conf three.jsonl empty.jsonl nonl.jsonl"
expect_out <<'E'
same (status 0)
same (status 0)
same (status 0)
same (status 0)
E

tcase "standard input and a pipe: read on one thread, the same rows" \
	"kpi-rollup -k $D/defs.conf $D/small.jsonl > one && kpi-rollup -j 2 -k $D/defs.conf - < $D/small.jsonl | cmp - one && cat $D/small.jsonl | kpi-rollup -j 3 -k $D/defs.conf | cmp - one && kpi-rollup -j 2 -k $D/defs.conf $D/small.jsonl - $D/small.jsonl < $D/small.jsonl > three && kpi-rollup -k $D/defs.conf $D/small.jsonl $D/small.jsonl $D/small.jsonl | cmp - three && echo same"
expect_out <<'E'
same
E

# each thread reads -k and --calendar again: from standard input it
# could not, so such a run is one thread's
tcase "-k - and --calendar from a pipe: one thread, the same rows" \
	"kpi-rollup -k $D/defs.conf $D/small.jsonl > one && kpi-rollup -j 2 -k - $D/small.jsonl < $D/defs.conf | cmp - one && kpi-rollup -k $EX/kpis.conf --calendar $EX/calendar.conf --now 2026-10-20T00:00:00Z $D/small.jsonl > one && cat $EX/calendar.conf | kpi-rollup -j 2 -k $EX/kpis.conf --calendar /dev/stdin --now 2026-10-20T00:00:00Z $D/small.jsonl | cmp - one && echo same"
expect_out <<'E'
same
E

tcase "a file that cannot be opened among others" "./same 2 -- -k $D/defs.conf $D/small.jsonl nosuch.jsonl $D/small.jsonl && cat one.err"
expect_out <<'E'
same (status 66)
kpi-rollup: nosuch.jsonl: No such file or directory
E

tcase "--partial -j, --merge: one run's rows; --merge -j" \
	"awk -v n=4000 -f gen.awk | grep -v '\"B' > g.jsonl && kpi-rollup -k $D/defs.conf g.jsonl > one && kpi-rollup -j 3 -k $D/defs.conf --partial g.jsonl > st && kpi-rollup -k $D/defs.conf --merge st | cmp - one && kpi-rollup -j 2 -k $D/defs.conf --merge st | cmp - one && echo same"
expect_out <<'E'
same
E

tcase "-j 0" "kpi-rollup -j 0 $D/small.jsonl"
expect_rc 64
expect_grep "^kpi-rollup: -j: " .err

done_testing
