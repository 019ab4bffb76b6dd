#!/bin/sh
# enq-link: threads, follow-ups, first responses, auto-replies, CRM joins
# and snapshots, and every bad input the issue names, with exact output.
# Test data: tests/data/link/ (written by hand for these tests).
. "$(dirname "$0")/../lib.sh"
L=$DATA/link
G=$TESTS/cli/golden
ALL="sent.jsonl inbox.jsonl webform.jsonl crm-oct.jsonl crm-nov.jsonl"
# one line per enquiry: id, then the link fields and what follows them
proj='s/^\{"id":"([^"]*)".*"followups":([0-9]+),"last_customer_at":([^,]*),"responses":([0-9]+),"first_response_at":([^,]*),"responded_by":([^,}]*),?(.*)\}$/\1 f=\2 last=\3 r=\4 first=\5 by=\6 \7/'
# `$T/p CMD...`: CMD's output through that, --stats' seconds as S, and
# CMD's status
cat > "$T/p" <<EOF
#!/bin/sh
"\$@" > "$T/.p.out" 2> "$T/.p.err"
rc=\$?
sed -E '$proj' "$T/.p.out"
sed -E 's/"seconds":[0-9.]+/"seconds":S/' "$T/.p.err" >&2
exit \$rc
EOF
chmod +x "$T/p"

# ---- a month of mail, a web form and two CRM exports ----
# The sent folder comes first, so every reply is read before its enquiry.
tcase "inbox, sent, form and two CRM snapshots" "cd $L && enq-link --stats $ALL 2> $T/e; sed -E 's/\"seconds\":[0-9.]+/\"seconds\":S/' $T/e >&2"
expect_rc 0
expect_out_file "$G/enq-link-month.jsonl"
expect_err <<'E'
{"program":"enq-link","in":24,"out":7,"rejected":0,"enquiries":7,"followups":2,"responses":5,"early_replies":0,"auto":3,"duplicates":0,"snapshots":3,"crm_joined":3,"orphan_replies":1,"seconds":S}
E

# first_response_at per enquiry, and why:
#  a1 (Anna): Sam's reply at 10:40; the autoresponder's ack at 08:12:30
#     is no response; her follow-up (References only) and Sam's second
#     reply make followups 1, responses 2; deal D-101 by email, the
#     November snapshot (newer updated_at) wins: won, 2395.50
#  CAB7x2 (Ben): the reply carries References only (no In-Reply-To):
#     16:20 the next day; D-103 by enquiry_id
#  e1 (Ellen): 09:58; her out-of-office is dropped
#  f1 (Farid): 12:00; the bounce of that reply is dropped
#  g1 (Grace): never answered: null
#  WEB-0042 (form): no mail from us: the CRM's responded_at, D-104
#  D-102 (a phone call, no enquiry): a record of its own, its responded_at
tcase "first_response_at per enquiry" "cd $L && $T/p enq-link $ALL"
expect_out <<'E'
a1.8812@mail.example.net f=1 last="2026-10-06T09:00:00Z" r=2 first="2026-10-05T10:40:00Z" by="sam@heatco.example" "deal_id":"D-101","crm_by":"email","status":"won","value":2395.50,"resolved_at":"2026-11-02T10:00:00Z"
CAB7x2@mail.gmail.example f=1 last="2026-10-08T08:30:00Z" r=1 first="2026-10-08T16:20:00Z" by="dana@heatco.example" "deal_id":"D-103","crm_by":"id","status":"won","value":85,"resolved_at":"2026-10-09T15:00:00Z"
e1@example.org f=0 last="2026-10-09T09:15:00Z" r=1 first="2026-10-09T09:58:00Z" by="dana@heatco.example" 
f1@example.co.uk f=0 last="2026-10-10T11:45:00Z" r=1 first="2026-10-10T12:00:00Z" by="dana@heatco.example" 
g1@example.com f=0 last="2026-10-12T19:20:00Z" r=0 first=null by=null 
WEB-0042 f=0 last="2026-10-11T16:02:00Z" r=0 first="2026-10-11T17:10:00Z" by=null "deal_id":"D-104","crm_by":"email","status":"won","value":70,"resolved_at":"2026-10-14T12:00:00Z"
D-102 f=0 last="2026-10-08T09:30:00Z" r=0 first="2026-10-08T09:30:00Z" by=null 
E

# --from/--to: only the enquiries received in the range are written, but
# every record is linked: f1's reply (12:00) and e1's still count;
# --stats' followups and responses are those of the enquiries written
tcase "--from/--to: the range's enquiries, linked with everything" "cd $L && $T/p enq-link --stats --from 2026-10-09 --to 2026-10-10T12:00:00Z $ALL"
expect_rc 0
expect_out <<'E'
e1@example.org f=0 last="2026-10-09T09:15:00Z" r=1 first="2026-10-09T09:58:00Z" by="dana@heatco.example" 
f1@example.co.uk f=0 last="2026-10-10T11:45:00Z" r=1 first="2026-10-10T12:00:00Z" by="dana@heatco.example" 
E
expect_err <<'E'
{"program":"enq-link","in":24,"out":2,"rejected":0,"outside":5,"enquiries":7,"followups":0,"responses":2,"early_replies":0,"auto":3,"duplicates":0,"snapshots":3,"crm_joined":3,"orphan_replies":1,"seconds":S}
E

tcase "--from in --tz, wherever --tz is on the line; --to alone" "cd $L && enq-link --from '2026-10-10 12:00' --tz Asia/Tokyo $ALL | cut -c1-20; enq-link --to 2026-10-06 $ALL | cut -c1-20"
expect_out <<'E'
{"id":"f1@example.co
{"id":"g1@example.co
{"id":"WEB-0042","re
{"id":"a1.8812@mail.
E

tcase "--to not after --from" "enq-link --from 2026-10 --to 2026-10-01 </dev/null"
expect_rc 64
expect_grep "^enq-link: --to is not after --from" .err

tcase "--from: not a time" "enq-link --from 'last week' </dev/null"
expect_rc 64
expect_grep "^enq-link: --from: 'last week' is not a date or time" .err

tcase "D-102's snapshots: the newest written, the first received_at kept" \
	"cd $L && enq-link $ALL | grep '^{\"id\":\"D-102\"' | cut -c1-120"
expect_out <<'E'
{"id":"D-102","deal_id":"D-102","received_at":"2026-10-08T09:30:00Z","updated_at":"2026-11-01T08:00:00Z","name":"Dev Pat
E

tcase "idempotent: every input twice" "cd $L && enq-link $ALL $ALL > $T/twice && enq-link $ALL | cmp - $T/twice"
expect_rc 0

tcase "idempotent: last month's export after this month's" \
	"cd $L && enq-link inbox.jsonl sent.jsonl webform.jsonl crm-nov.jsonl crm-oct.jsonl | sort > $T/a &&
	 enq-link $ALL | sort | cmp - $T/a"
expect_rc 0

tcase "standard input, spooled, gives the same" "cd $L && cat $ALL | enq-link > $T/stdin && enq-link $ALL | cmp - $T/stdin"
expect_rc 0

# files are read again in place, pipes from the spool: mixed, the output
# keeps the order of the input
tcase "a pipe between files, in input order" \
	"cd $L && cat inbox.jsonl | enq-link sent.jsonl - webform.jsonl crm-oct.jsonl crm-nov.jsonl | cmp - $T/stdin"
expect_rc 0

tcase "standard input that is a file read from its middle" \
	"cd $L && { head -n 2 > /dev/null; enq-link; } < inbox.jsonl > $T/mid; tail -n +3 inbox.jsonl | enq-link | cmp - $T/mid && wc -l < $T/mid"
expect_rc 0
expect_out <<'E'
5
E

printf '\357\273\277' > "$T/bom.jsonl"
cat "$L/inbox.jsonl" >> "$T/bom.jsonl"
tcase "a byte order mark before the first line" "enq-link $L/inbox.jsonl > o-inbox && enq-link bom.jsonl | cmp - o-inbox"
expect_rc 0

tcase "an input that cannot be read: the others are linked, status 66" \
	"cd $L && enq-link missing.jsonl inbox.jsonl > $T/o; rc=\$?; wc -l < $T/o; exit \$rc"
expect_rc 66
expect_out <<'E'
5
E
expect_err <<'E'
enq-link: missing.jsonl: No such file or directory
E

tcase "--keep-auto: auto-replies thread like other mail" "cd $L && enq-link --keep-auto $ALL | sed -E '$proj' | cut -d' ' -f1-6"
expect_out <<'E'
a1.8812@mail.example.net f=1 last="2026-10-06T09:00:00Z" r=3 first="2026-10-05T08:12:30Z" by="noreply@heatco.example"
CAB7x2@mail.gmail.example f=1 last="2026-10-08T08:30:00Z" r=1 first="2026-10-08T16:20:00Z" by="dana@heatco.example"
e1@example.org f=1 last="2026-10-09T10:01:00Z" r=1 first="2026-10-09T09:58:00Z" by="dana@heatco.example"
f1@example.co.uk f=1 last="2026-10-10T12:00:05Z" r=1 first="2026-10-10T12:00:00Z" by="dana@heatco.example"
g1@example.com f=0 last="2026-10-12T19:20:00Z" r=0 first=null by=null
WEB-0042 f=0 last="2026-10-11T16:02:00Z" r=0 first="2026-10-11T17:10:00Z" by=null
D-102 f=0 last="2026-10-08T09:30:00Z" r=0 first="2026-10-08T09:30:00Z" by=null
E

# ---- bad input ----
tcase "a Message-ID used twice: the first message counts" "cd $L && $T/p enq-link --stats dup-id.jsonl"
expect_rc 0
expect_out <<'E'
M1 f=0 last="2026-10-01T09:00:00Z" r=1 first="2026-10-01T10:00:00Z" by="sam@heatco.example" 
E
expect_err <<'E'
{"program":"enq-link","in":3,"out":1,"rejected":0,"enquiries":1,"followups":0,"responses":1,"early_replies":0,"auto":0,"duplicates":1,"snapshots":0,"crm_joined":0,"orphan_replies":0,"seconds":S}
E

tcase "a References loop is one thread" "cd $L && $T/p enq-link loop.jsonl"
expect_rc 0
expect_out <<'E'
L1 f=1 last="2026-10-03T09:00:00Z" r=1 first="2026-10-03T10:00:00Z" by="dana@heatco.example" 
E
expect_err </dev/null

# 10,000 messages, each In-Reply-To the one before: the customer's 5,000
# (one enquiry, 4,999 follow-ups) and our 5,000 replies, a minute apart
awk 'BEGIN {
	for (i = 0; i < 10000; i++) {
		t = 1791014400 + 60 * i	# 2026-10-03T08:00:00Z
		printf "{\"id\":\"T%d\",\"message_id\":\"t%d@example.com\"", i, i
		if (i) printf ",\"in_reply_to\":\"t%d@example.com\"", i - 1
		printf ",\"direction\":\"%s\",\"received_at\":\"%s\",\"email\":\"%s\"}\n",
			i % 2 ? "out" : "in", strftime("%Y-%m-%dT%H:%M:%SZ", t, 1),
			i % 2 ? "sam@heatco.example" : "tess@example.com"
	}
}' > "$T/long.jsonl"
tcase "a thread of 10,000 messages" "$T/p enq-link long.jsonl"
expect_rc 0
expect_out <<'E'
T0 f=4999 last="2026-10-10T06:38:00Z" r=5000 first="2026-10-03T08:01:00Z" by="sam@heatco.example" 
E

tcase "replies dated before their enquiry are not responses" "cd $L && $T/p enq-link --stats early.jsonl"
expect_rc 0
expect_out <<'E'
E1 f=0 last="2026-10-05T12:00:00Z" r=1 first="2026-10-05T13:00:00Z" by="sam@heatco.example" 
E2 f=0 last="2026-10-06T12:00:00Z" r=0 first=null by=null 
E
expect_err <<'E'
enq-link: E1: 1 reply dated before the enquiry, not counted
enq-link: E2: 1 reply dated before the enquiry, not counted
{"program":"enq-link","in":5,"out":2,"rejected":0,"enquiries":2,"followups":0,"responses":1,"early_replies":2,"auto":0,"duplicates":0,"snapshots":0,"crm_joined":0,"orphan_replies":0,"seconds":S}
E

# pat@ asked on 10-01, 10-05 and 10-20: D-1 (10-06) is nearest after
# 10-05, D-2 (10-21) after 10-20; D-3 (10-07) would join 10-05 too, which
# keeps D-1, created first: D-3 stands alone; D-4 (11-20) is 31 days
# after 10-20, outside the 14-day window: alone
tcase "a CRM row whose email matches several enquiries: nearest after" "cd $L && $T/p enq-link several.jsonl"
expect_rc 0
expect_out <<'E'
P1 f=0 last="2026-10-01T09:00:00Z" r=0 first=null by=null 
P2 f=0 last="2026-10-05T09:00:00Z" r=0 first=null by=null "deal_id":"D-1","crm_by":"email","status":"won","value":300
P3 f=0 last="2026-10-20T09:00:00Z" r=0 first=null by=null "deal_id":"D-2","crm_by":"email","status":"lost"
D-3 f=0 last="2026-10-07T10:00:00Z" r=0 first=null by=null 
D-4 f=0 last="2026-11-20T10:00:00Z" r=0 first=null by=null 
E

tcase "a CRM row 15 days after: alone by default" "cd $L && $T/p enq-link window.jsonl"
expect_out <<'E'
W1 f=0 last="2026-10-01T09:00:00Z" r=0 first=null by=null 
D-7 f=0 last="2026-10-16T09:00:00Z" r=0 first=null by=null 
E

tcase "--window 15d joins it" "cd $L && $T/p enq-link --window 15d window.jsonl"
expect_out <<'E'
W1 f=0 last="2026-10-01T09:00:00Z" r=0 first=null by=null "deal_id":"D-7","crm_by":"email","status":"won","value":1200.50
E

tcase "--window that is no duration" "enq-link --window fortnight /dev/null"
expect_rc 64
expect_grep "^enq-link: --window: 'fortnight' is not a duration" .err

tcase "snapshots, conflicting, no updated_at: the later file wins, the first received_at stays" \
	"cd $L && enq-link snap-a.jsonl snap-b.jsonl && enq-link snap-b.jsonl snap-a.jsonl"
expect_rc 0
expect_out <<'E'
{"id":"D-9","deal_id":"D-9","received_at":"2026-09-01T10:00:00Z","email":"kim@example.com","status":"lost","value":null,"channel":"phone","followups":0,"last_customer_at":"2026-09-01T10:00:00Z","responses":0,"first_response_at":null,"responded_by":null}
{"id":"D-9","deal_id":"D-9","received_at":"2026-09-02T10:00:00Z","email":"kim@example.com","status":"open","value":100,"channel":"phone","followups":0,"last_customer_at":"2026-09-02T10:00:00Z","responses":0,"first_response_at":null,"responded_by":null}
E

tcase "records that cannot be linked are rejected, the rest flows" "cd $L && $T/p enq-link --stats --rejects $T/rej bad.jsonl"
expect_rc 65
expect_out <<'E'
B6 f=0 last="2026-10-01T00:00:00Z" r=0 first=null by=null 
E
expect_err <<'E'
enq-link: bad.jsonl:1: direction: "in" or "out" expected
enq-link: bad.jsonl:2: references: an array of strings expected
enq-link: bad.jsonl:3: received_at: an RFC 3339 time with a zone expected
enq-link: bad.jsonl:4: no deal_id or id to know the row by
enq-link: bad.jsonl:5: auto: "reply", "bounce" or "bulk" expected
enq-link: bad.jsonl:7: updated_at: an RFC 3339 time with a zone expected
enq-link: bad.jsonl:8:1: invalid literal
{"program":"enq-link","in":8,"out":1,"rejected":7,"enquiries":1,"followups":0,"responses":0,"early_replies":0,"auto":0,"duplicates":0,"snapshots":0,"crm_joined":0,"orphan_replies":0,"seconds":S}
E
tcase "the rejected lines, as they were" "grep -c . rej; grep -n B6 rej"
expect_out <<'E'
7
E

tcase "--strict stops at the first and writes nothing" "cd $L && enq-link --strict bad.jsonl"
expect_rc 65
expect_out </dev/null
expect_err <<'E'
enq-link: bad.jsonl:1: direction: "in" or "out" expected
E

# ---- the subject-and-sender fallback ----
tcase "without --by-subject, mail without references stands alone" "cd $L && $T/p enq-link subject.jsonl"
expect_out <<'E'
S1 f=0 last="2026-10-01T09:00:00Z" r=0 first=null by=null 
S2 f=0 last="2026-10-03T09:00:00Z" r=0 first=null by=null 
S4 f=0 last="2026-12-01T09:00:00Z" r=0 first=null by=null 
E

tcase "--by-subject: same address and subject within the window, marked" "cd $L && $T/p enq-link --by-subject subject.jsonl"
expect_out <<'E'
S1 f=1 last="2026-10-03T09:00:00Z" r=1 first="2026-10-03T11:00:00Z" by="sam@heatco.example" "thread_by":"subject"
S4 f=0 last="2026-12-01T09:00:00Z" r=0 first=null by=null 
E

mkdir -p spooldir
tcase "the spool file goes in \$TMPDIR, unlinked at once" \
	"enq-link < \$DATA/link/inbox.jsonl > /dev/null; cat \$DATA/link/inbox.jsonl | TMPDIR=\$PWD/spooldir enq-link | wc -l; ls -A spooldir | wc -l"
expect_rc 0
expect_out <<'E'
5
0
E
tcase "a \$TMPDIR that cannot hold it: 74, named" \
	"cat \$DATA/link/inbox.jsonl | TMPDIR=/nonexistent-dir enq-link"
expect_rc 74
expect_err <<'E'
enq-link: spool file in /nonexistent-dir: No such file or directory
E
tcase "files need no spool" "TMPDIR=/nonexistent-dir enq-link \$DATA/link/inbox.jsonl | wc -l"
expect_rc 0
expect_out <<'E'
5
E

done_testing
