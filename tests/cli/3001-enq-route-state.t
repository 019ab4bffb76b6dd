#!/bin/sh
# enq-route --state under pressure: 8 runs at once over overlapping input
# assign every enquiry exactly once with a fair round-robin spread, and a
# kill -9 at random moments always leaves a state file that loads.
. "$(dirname "$0")/../lib.sh"
export OPFLOW_NOW=2026-11-23T12:00:00Z

cat > fair.rules <<'R'
team sales owners ann ben cat dan assign round-robin
route all -> sales sla 4h
R
# Q0001..Q0400; run k reads the ids with i % 8 == k, and all 8 read the
# ids with i % 4 == 0, so a quarter of the enquiries reach every run
awk 'BEGIN { for (i = 1; i <= 400; i++)
	printf "{\"id\":\"Q%04d\",\"received_at\":\"2026-11-23T10:00:00Z\",\"subject\":\"n %d\"}\n", i, i }' > all.jsonl
for k in 0 1 2 3 4 5 6 7; do
	awk -v k=$k '{ i = NR } i % 8 == k || i % 4 == 0' all.jsonl > part$k.jsonl
done

tcase "8 concurrent runs" "for k in 0 1 2 3 4 5 6 7; do enq-route -r fair.rules --state st part\$k.jsonl > out\$k.jsonl 2> err\$k & done; wait; cat err*"
expect_out </dev/null
tcase "every enquiry is in the state exactly once" "grep -c '^a ' st; grep '^a ' st | cut -d' ' -f2 | sort | uniq -d | wc -l"
expect_out <<'E'
400
0
E
tcase "the spread is fair: 100 each" "grep '^a ' st | cut -d' ' -f4 | sort | uniq -c | awk '{ print \$2, \$1 }'"
expect_out <<'E'
ann 100
ben 100
cat 100
dan 100
E
tcase "every run gave an enquiry the owner the state holds" "grep '^a ' st | awk '{ print \$2, \$4 }' | sort > want; cat out*.jsonl | sed 's/.*\"id\":\"\\([^\"]*\\)\".*\"owner\":\"\\([a-z]*\\)\".*/\\1 \\2/' | sort -u > got; cmp want got && echo agree; wc -l < got"
expect_out <<'E'
agree
400
E
tcase "no record was lost: every run wrote all it read" "cat part*.jsonl | wc -l; cat out*.jsonl | wc -l"
expect_out <<'E'
1100
1100
E

# kill -9 at random moments of runs over a larger input; after each, the
# state must load, hold a subset of the input's ids once each, and the
# final complete run must then assign exactly the rest
awk 'BEGIN { for (i = 1; i <= 30000; i++)
	printf "{\"id\":\"K%05d\",\"received_at\":\"2026-11-23T10:00:00Z\"}\n", i }' > big.jsonl
seed=${OPFLOW_SEED:-$$}
echo "# kill -9 delays from seed $seed"
awk -v s="$seed" 'BEGIN { srand(s); for (i = 0; i < 15; i++) printf "%.3f\n", rand() * 0.3 }' > delays
tcase "15 runs killed with SIGKILL at random moments" "
	bad=0
	while read d; do
		enq-route -r fair.rules --state ks big.jsonl > /dev/null 2>&1 &
		pid=\$!
		sleep \$d
		kill -9 \$pid 2>/dev/null
		wait \$pid 2>/dev/null
		[ ! -e ks ] && continue
		enq-route -r fair.rules --state ks < /dev/null > /dev/null 2>> errs || bad=\$((bad + 1))
		head -1 ks | grep -qx 'opflow-state enq-route 2' || bad=\$((bad + 1))
		n=\$(grep -c '^a ' ks)
		tail -1 ks | grep -qx \"end \$((n + 1))\" || bad=\$((bad + 1))
	done < delays
	echo \"invalid states: \$bad\"; cat errs 2>/dev/null"
expect_out <<'E'
invalid states: 0
E
tcase "after the kills a full run assigns each enquiry once" "enq-route -r fair.rules --state ks big.jsonl > /dev/null && grep -c '^a ' ks && grep '^a ' ks | cut -d' ' -f2 | sort | uniq -d | wc -l"
expect_out <<'E'
30000
0
E

done_testing
