#!/bin/sh
# Issue 20, speed without a changed byte: pipes widened on both ends, and
# the work cut from the classify rules and CSV parsing gives the same output
# as before.  Data: share/examples and tests/data/enq.
. "$(dirname "$0")/../lib.sh"
S=$TESTS/../share/examples
E=$DATA/enq

# what a widened pipe holds: 1 MiB, or the system's limit when lower
max=$(cat /proc/sys/fs/pipe-max-size)
want=$((max < 1048576 ? max : 1048576))
# F_GETPIPE_SZ (1032) of the pipe on fd 0, as the other end sees it once
# it has written all (asked at once, it raced a writer slow to start)
cat > getsz.py <<'P'
import fcntl, sys
sys.stdin.buffer.read()
print(fcntl.fcntl(0, 1032))
P
# ... of fd 1, once the reader has widened it (it does when it starts;
# this end waits up to 10 s for that, then says what it saw)
cat > waitsz.py <<'P'
import fcntl, os, sys, time
for _ in range(200):
    now = fcntl.fcntl(1, 1032)
    if now == int(os.environ["want"]):
        break
    time.sleep(0.05)
print(now, file=sys.stderr)
P
export want

tcase "stdout pipe widened, each program" "for p in 'enq-parse $S/webform.csv' 'enq-classify $E/six.jsonl' 'enq-route $E/six.jsonl' 'exc-flag $E/six.jsonl' 'kpi-rollup -k $S/kpis.conf --calendar builtin $E/six.jsonl'; do
	sz=\$(\$p 2>/dev/null | python3 getsz.py); [ \"\$sz\" = \"\$want\" ] && echo widened || echo \"\$p: \$sz\"; done"
expect_out <<'E'
widened
widened
widened
widened
widened
E

tcase "stdin pipe widened" "python3 waitsz.py 2>sz | enq-classify > /dev/null; [ \"\$(cat sz)\" = \"\$want\" ] && echo widened || cat sz"
expect_out <<'E'
widened
E

tcase "a file on stdout stays a file" "enq-classify $E/six.jsonl > out.jsonl; echo \$?; wc -l < out.jsonl"
expect_out <<'E'
0
6
E

# a pipeline of more than the output blocks: the same bytes through
# widened pipes as through files ("now" fixed: the two runs may fall in
# two seconds, and an open enquiry's age is counted to it)
tcase "the same bytes through pipes as through files" "enq-parse < $S/crm.csv > a.jsonl && enq-classify a.jsonl > b.jsonl && enq-route --now 2026-12-03T10:00:00Z b.jsonl > c.jsonl &&
	cat $S/crm.csv | enq-parse | enq-classify | enq-route --now 2026-12-03T10:00:00Z | cat > p.jsonl; cmp c.jsonl p.jsonl && wc -c < c.jsonl | awk '{ print (\$1 > 600000) }'"
expect_rc 0
expect_out <<'E'
1
E

# ---- enq-parse: JSON escaped 16 bytes at a time, the line by op_buf_uint:
# the bytes of the build before them (b27fff4), by their checksum
tcase "enq-parse: the generated CSV's records as before" "enq-parse -f csv < $DATA/speed/gen-300.csv 2>&1 | cksum"
expect_out <<'E'
3409401779 161659
E

# ---- enq-classify: the prefilter's gates (literals, and classes for the
# patterns with none: the postcode rule) never change an answer; pcre2
# alone (OPFLOW_NO_PREFILTER=1) is the reference
G=$DATA/speed
tcase "classify: the gates change no answer (examples, generated, default rules)" "{ enq-parse $S/maildir; enq-parse $S/webform.csv $S/crm.csv; cat $G/gen-300.jsonl; } 2>/dev/null > in.jsonl &&
	enq-classify --explain in.jsonl > gated.jsonl; OPFLOW_NO_PREFILTER=1 enq-classify --explain in.jsonl > plain.jsonl; cmp gated.jsonl plain.jsonl && wc -l < gated.jsonl && grep -c '\"postcode\":\"' gated.jsonl"
expect_rc 0
expect_out <<'E'
1851
62
E

done_testing
