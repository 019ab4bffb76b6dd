#!/bin/sh
# Beyond one machine (opflow(7) BEYOND ONE MACHINE): kpi-rollup --partial
# on each host and --merge at home give one run's bytes.  GNU parallel
# --sshlogin, with an ssh that stays on this machine (the host dropped,
# the command run by sh -c, as sshd runs it); and the contract of Hadoop
# Streaming and Spark's RDD.pipe: the input cut into K arbitrary sets of
# lines, each through the stateless filters and --partial (the map), the
# outputs concatenated in any order, sorted (the shuffle), through
# --merge (the one reduce).
. "$(dirname "$0")/../lib.sh"
EX=$TESTS/../share/examples
K="-k $EX/kpis.conf --calendar $EX/calendar.conf --now 2026-10-20T00:00:00Z"
MERGE="-k $EX/kpis.conf --now 2026-10-20T00:00:00Z --merge"

cat > fakessh <<'S'
#!/bin/sh
# ssh [options] HOST [--] COMMAND...: COMMAND here, by sh -c
while [ $# -gt 0 ]; do
	case $1 in
	-[bcDEeFIiJLlmOopQRSWw]) shift 2 ;;
	-*) shift ;;
	*) shift; break ;;
	esac
done
[ "${1:-}" != -- ] || shift
exec sh -c "$*"
S
chmod +x fakessh

# cut K SEED < FILE: line i to part-N (N = a hash of i and SEED, mod K):
# parts of arbitrary lines, none in order with the next
cat > cut <<'S'
#!/bin/sh
rm -f part-*
awk -v k="$1" -v s="$2" '{ print > ("part-" (NR * 7919 + s * 104729) % 65521 % k) }'
S
# shuffle SEED: lines in an order of their own
cat > shuffle <<'S'
#!/bin/sh
awk -v s="$1" 'BEGIN { srand(s) } { printf "%.12f\t%s\n", rand(), $0 }' | sort | cut -f 2-
S
chmod +x cut shuffle

enq-parse "$EX/crm.csv" > crm.jsonl
enq-route --now 2026-10-20T00:00:00Z < crm.jsonl | kpi-rollup $K > one.jsonl

if command -v parallel >/dev/null; then
	# parallel runs the remote command with $SHELL, and with none set (CI's
	# bare environment) it runs nothing and still exits 0; cron and login
	# shells set it, so the test does as they do.  PARALLEL_HOME: its
	# ~/.parallel here, not in a HOME that may be unset or read-only.
	export SHELL=/bin/sh PARALLEL_HOME=$T/.parallel
	split -n l/3 -d crm.jsonl crm-
	tcase "parallel --sshlogin: --partial on two hosts, one file each, --merge at home" \
		"parallel --will-cite --ssh $T/fakessh -S 1/alpha,1/beta 'enq-route --now 2026-10-20T00:00:00Z < $T/{} | kpi-rollup $K --partial' ::: crm-00 crm-01 crm-02 | kpi-rollup $MERGE | cmp - one.jsonl && echo same"
	expect_out <<'E'
same
E
	tcase "parallel --sshlogin --pipepart: one file's blocks to the hosts" \
		"parallel --will-cite --ssh $T/fakessh -S 1/alpha,1/beta --pipepart -a crm.jsonl --block -1 'enq-route --now 2026-10-20T00:00:00Z | kpi-rollup $K --partial' | kpi-rollup $MERGE | cmp - one.jsonl && echo same"
	expect_out <<'E'
same
E
	tcase "the hosts really ran: PARALLEL_SSHHOST" \
		"parallel --will-cite --ssh $T/fakessh -S 1/alpha,1/beta 'echo \$PARALLEL_SSHHOST; : {}' ::: 1 2 | sort -u"
	expect_out <<'E'
alpha
beta
E
else
	echo "# GNU parallel is not installed (scripts/install-deps --test): its three cases skipped"
fi

# map: enq-classify | enq-route | kpi-rollup --partial over each part;
# shuffle, sort, reduce: --merge; K = 1, 2, 5 and 13 parts
cat > mapreduce <<S
#!/bin/sh
./cut "\$1" "\$2" < crm.jsonl
for p in part-*; do
	enq-classify < \$p | enq-route --now 2026-10-20T00:00:00Z | kpi-rollup $K --partial
done | ./shuffle "\$2" | sort | kpi-rollup $MERGE
S
chmod +x mapreduce
enq-classify < crm.jsonl | enq-route --now 2026-10-20T00:00:00Z | kpi-rollup $K > classified.jsonl

tcase "map and reduce over 1, 2, 5 and 13 sets of arbitrary lines, shuffled" \
	"for k in 1 2 5 13; do ./mapreduce \$k \$k | cmp - classified.jsonl && echo \"\$k: same\"; done"
expect_out <<'E'
1: same
2: same
5: same
13: same
E

tcase "the sets are not runs of lines; a group's state comes from several maps" \
	"./cut 5 5 < crm.jsonl && head -qn 2 part-0 part-1 | cut -c 1-17 && for p in part-*; do kpi-rollup $K --partial < \$p; done | wc -l"
expect_out <<'E'
{"id":"CRM-00002"
{"id":"CRM-00007"
{"id":"CRM-00001"
{"id":"CRM-00006"
65
E

# Hadoop Streaming gives the reducer each map line as a key, a tab and an
# empty value: the tab is JSON whitespace after the object
tcase "the reduce input with Hadoop Streaming's tab at each line's end" \
	"kpi-rollup $K crm.jsonl > plain.jsonl && ./cut 3 1 < crm.jsonl && for p in part-*; do kpi-rollup $K --partial < \$p; done | sed 's/\$/	/' | sort | kpi-rollup $MERGE | cmp - plain.jsonl && echo same"
expect_out <<'E'
same
E

done_testing
