#!/bin/sh
# enq-parse, mail threads: Message-ID, In-Reply-To and References, the
# direction (--ours, --ours-file, --direction, a sent folder), the maildir
# flags, auto-replies and bounces, a reply's body without its quote; and
# enq-parse into enq-link, first responses per enquiry.
# Test data: tests/data/threads/ (an inbox and a Sent maildir, by hand).
. "$(dirname "$0")/../lib.sh"
D=$DATA/threads

# one line a record: its id, then the members after the attachments
cat > tail <<'S'
#!/bin/sh
enq-parse "$@" > "$T/.tail"
s=$?
sed -E 's/^\{"id":"([^"]*)".*"attachments":\[[^]]*\],(.*),"channel".*/\1 \2/' "$T/.tail"
exit $s
S
# one line an enquiry of enq-link: id, followups, responses, first response
cat > firsts <<'S'
#!/bin/sh
enq-link "$@" | sed -E 's/^\{"id":"([^"]*)".*"followups":([0-9]+),.*"responses":([0-9]+),"first_response_at":([^,]*),.*/\1 f=\2 r=\3 first=\4/'
S
chmod +x tail firsts

tcase "enq-parse | enq-link: a first response per enquiry, from the Sent maildir and --ours mail in the inbox" \
	"cd $D && enq-parse --ours @heatco.example Sent inbox | $T/firsts"
expect_rc 0
# a1: Sam's reply from Sent at 10:40 (the office's automatic ack at
#     08:12:30 is auto, no response); her reply a2 is a follow-up
# CAB7x2: Dana's reply from Sent (References only); Ben's out-of-office
#     to it is dropped
# c1: Dana's reply is in the inbox (a Bcc), ours by @heatco.example; the
#     bounce of it is dropped
expect_out <<'E'
a1.8812@mail.example.net f=1 r=1 first="2026-10-05T10:40:00Z"
CAB7x2@mail.gmail.example f=0 r=1 first="2026-10-08T09:00:00Z"
c1@example.net f=0 r=1 first="2026-10-09T11:30:00Z"
E

tcase "without --ours the inbox's reply is the customer's side: no first response for c1" \
	"cd $D && enq-parse Sent inbox | $T/firsts"
expect_rc 0
expect_out <<'E'
a1.8812@mail.example.net f=1 r=1 first="2026-10-05T10:40:00Z"
CAB7x2@mail.gmail.example f=0 r=1 first="2026-10-08T09:00:00Z"
c1@example.net f=1 r=0 first=null
E

tcase "the thread members, direction, auto and maildir flags of every message" \
	"cd $D && $T/tail --ours dana@heatco.example --ours office@HEATCO.example Sent inbox | sed 's/,\"body_full\".*//'"
expect_rc 0
expect_out <<'E'
s1@heatco.example "message_id":"s1@heatco.example","in_reply_to":"a1.8812@mail.example.net","references":["a1.8812@mail.example.net"],"direction":"out","seen":true,"replied":false
d1@heatco.example "message_id":"d1@heatco.example","references":["CAB7x2@mail.gmail.example"],"direction":"out","seen":true,"replied":false
a1.8812@mail.example.net "message_id":"a1.8812@mail.example.net","direction":"in","seen":true,"replied":true
ack-a1@heatco.example "message_id":"ack-a1@heatco.example","in_reply_to":"a1.8812@mail.example.net","direction":"out","auto":"reply","seen":true,"replied":false
a2.8812@mail.example.net "message_id":"a2.8812@mail.example.net","in_reply_to":"s1@heatco.example","references":["a1.8812@mail.example.net","s1@heatco.example"],"direction":"in","seen":true,"replied":false
CAB7x2@mail.gmail.example "message_id":"CAB7x2@mail.gmail.example","direction":"in","seen":false,"replied":false
ooo-b@mail.gmail.example "message_id":"ooo-b@mail.gmail.example","in_reply_to":"d1@heatco.example","direction":"in","auto":"reply","seen":false,"replied":false
c1@example.net "message_id":"c1@example.net","direction":"in","seen":false,"replied":false
d2@heatco.example "message_id":"d2@heatco.example","in_reply_to":"c1@example.net","direction":"out","seen":false,"replied":false
bounce-d2@mx.heatco.example "message_id":"bounce-d2@mx.heatco.example","direction":"in","auto":"bounce","seen":false,"replied":false
E

tcase "a reply's body without its quote, the whole as body_full (Gmail's and Outlook's)" \
	"cd $D && enq-parse Sent/cur/1759914000.M2P2.host:2,S inbox/cur/1759745000.M3P1.host:2,S | sed -E 's/.*(\"body\":\"[^\"]*\").*(\"body_full\":\"[^\"]*\").*/\1 \2/'"
expect_rc 0
expect_out <<'E'
"body":"Hi Ben, a plumber can come on Thursday." "body_full":"Hi Ben, a plumber can come on Thursday.\n\n-----Original Message-----\nFrom: Ben Okafor\nSent: 07 October 2026 15:05\nSubject: Leak under the kitchen sink\n\nWater is dripping from the trap, can someone come this week?"
"body":"Thanks. Does that include the flue?" "body_full":"Thanks. Does that include the flue?\n\nOn Sun, 5 Oct 2026 at 11:40, Sam Hill <sam@heatco.example> wrote:\n> Hello Anna,\n>\n> A new combi boiler fitted would be 2,450 pounds."
E

tcase "no quote: no body_full" "cd $D && enq-parse inbox/new/1759990000.M6P1.host | grep -c body_full"
expect_rc 1
expect_out <<'E'
0
E

printf 'From: a@customer.example\nTo: office@heatco.example\nSubject: Fwd: boiler\nMessage-ID: <allq@customer.example>\nDate: Mon, 3 Nov 2025 10:00:00 +0000\n\n> The boiler makes a noise.\n> Can you come?\n' > allquote.eml
tcase "a mail that is all quote keeps its text as body, no body_full" \
	"enq-parse allquote.eml | jq -c '[.body, .body_full]'"
expect_rc 0
expect_out <<'E'
["> The boiler makes a noise.\n> Can you come?",null]
E

mkdir -p 'Sent Items' Gesendet .Sent other
for d in 'Sent Items' Gesendet .Sent other; do cp -R "$D/Sent/cur" "$d/"; done
tcase "a maildir named Sent Items, Gesendet or .Sent is ours; another name is not" \
	"for d in 'Sent Items' Gesendet .Sent other; do enq-parse \"\$d\" | grep -o '\"direction\":\"[a-z]*\"' | uniq; done"
expect_rc 0
expect_out <<'E'
"direction":"out"
"direction":"out"
"direction":"out"
"direction":"in"
E

tcase "--direction forces every mail's, a sent folder's too" \
	"enq-parse --direction in Gesendet $D/inbox | grep -o '\"direction\":\"[a-z]*\"' | sort | uniq -c | sed 's/^ *//'"
expect_rc 0
expect_out <<'E'
10 "direction":"in"
E

printf '# our people\n\nsam@heatco.example\n  @mx.heatco.example  \n' > ours
tcase "--ours-file: an address or @domain a line, comments and blank lines skipped" \
	"enq-parse --ours-file ours $D/inbox | grep -o '\"id\":\"[^\"]*\"\\|\"direction\":\"out\"' | grep -B1 out | grep id"
expect_rc 0
expect_out <<'E'
"id":"bounce-d2@mx.heatco.example"
E

printf 'sam@heatco.example\nSam Hill\n' > badours
tcase "--ours-file: a line that is no address stops the run, 78" "enq-parse --ours-file badours $D/inbox"
expect_rc 78
expect_out </dev/null
expect_err <<'E'
enq-parse: badours:2: not an address or @domain
E

tcase "--ours: not an address, 64" "enq-parse --ours heatco.example $D/inbox"
expect_rc 64
expect_grep "^enq-parse: --ours: 'heatco.example' is not an address or @domain" .err

tcase "--direction: in or out, else 64" "enq-parse --direction sent $D/inbox"
expect_rc 64
expect_grep "^enq-parse: --direction: 'sent' is not in or out" .err

# References of 150 ids: the first and the newest 99 kept
awk 'BEGIN { printf "From: a@example.com\nMessage-ID: <m@example.com>\nDate: Thu, 09 Oct 2026 09:00:00 +0000\nReferences:"
	for (i = 1; i <= 150; i++) printf " <r%d@example.com>", i
	printf "\n\nhi\n" }' > refs.eml
tcase "References: at most 100 ids, the first and the newest" \
	"enq-parse refs.eml | sed -E 's/.*\"references\":\[([^]]*)\].*/\1/' | tr , '\n' | sed -n '1p;2p;\$p' ; enq-parse refs.eml | sed -E 's/.*\"references\":\[([^]]*)\].*/\1/' | tr , '\n' | wc -l"
expect_rc 0
expect_out <<'E'
"r1@example.com"
"r52@example.com"
"r150@example.com"
100
E

done_testing
