#!/bin/sh
# enq-draft: drafts from template files, tasks, the template language's
# fallbacks and time formats, --check, --maildir (read back with Python's
# mailbox and email), and bad templates and records with exact messages.
. "$(dirname "$0")/../lib.sh"
D=$DATA/draft
cp -R "$D" "$T/d"

tcase "drafts, languages, questions, tasks, skipped, addresses" "enq-draft -r d/t.rules d/in.jsonl"
expect_rc 0
expect_out <<'E'
{"id":"E1","category":"repair","name":"Anna Kowalski","email":"anna@example.com","subject":"Boiler","due_at":"2026-10-05T11:58:00Z","missing":["postcode","phone"],"message_id":"m1@example.com","references":["m0@example.com"],"draft":{"template":"repair.en.txt","lang":"en","subject":"Re: Boiler","body":"Dear Anna Kowalski,\n\nwe will call by Monday 5 October, 12:58.\n- What is the postcode?\n- What is your phone number?\n\nTest Firm\n"},"needs_human":true,"task":"Ask Anna Kowalski for postcode, phone (repair, due Mon 12:58)"}
{"id":"E2","category":"repair","lang":"de","name":"Jörg Weiß","email":"joerg@example.de","subject":"Heizung","due_at":"2026-10-05T11:58:00Z","missing":["postcode"],"draft":{"template":"repair.de.txt","lang":"de","subject":"AW: Heizung","body":"Guten Tag Jörg Weiß,\n\nwir rufen bis Montag, 5. Oktober, 12:58 an.\n- Wie lautet die Postleitzahl?\n"},"needs_human":true,"task":"Ask Jörg Weiß for postcode (repair, due Mon 12:58)"}
{"id":"E3","category":"repair","lang":"fr","name":"Zoé","email":"zoe@example.fr","due_at":"2026-10-05T11:58:00Z","missing":[],"draft":{"template":"repair.en.txt","lang":"en","subject":"Re: your repair","body":"Dear Zoé,\n\nwe will call by Monday 5 October, 12:58.\n\nTest Firm\n"},"draft_lang_fallback":true,"needs_human":false}
{"id":"E4","category":"billing","name":"Bo","email":"bo@example.com","needs_human":true,"task":"Write a reply to Bo: no template for it"}
{"id":"E5","category":"repair","name":"Cy","email":"cy@example.com","responses":1}
{"id":"E6","category":"repair","name":"Di","email":"di@example.com","auto":"reply"}
{"id":"E7","category":"repair","name":"Ed","email":"ed@example.com","needs_human":true,"task":"Call back now","draft_error":"repair.en.txt:5: {due_at:%A %e %B, %H:%M} has no value"}
{"id":"E8","category":"general","name":"{order_ref}","email":"f@example.com","subject":"Q","order_ref":"{name}","draft":{"template":"general.en.txt","lang":"en","subject":"Re: Q","body":"Hello {order_ref},\n\nthanks for {name}. A brace: {x}.\n"},"needs_human":false}
{"id":"E9","category":"general","name":"Gil","email":"g@example.com","tags":["vip"],"draft":{"template":"general.en.formal.txt","lang":"en","subject":"Your enquiry","body":"Dear Gil,\n\nthank you.\n"},"needs_human":false}
{"id":"E10","category":"repair","name":"Hal","due_at":"2026-10-05T11:58:00Z","needs_human":true,"task":"Find another way to answer Hal: no reply address"}
{"id":"E11","category":"repair","name":"Ivy","email":"ivy@@example","due_at":"2026-10-05T11:58:00Z","needs_human":true,"task":"Find another way to answer Ivy: invalid reply address 'ivy@@example'"}
{"id":"E12","category":"repair","name":"Jo\r\nBcc: evil@example.com","email":"jo@example.com","subject":"Hi\r\nX-Evil: 1","due_at":"2026-10-05T11:58:00Z","message_id":"m12@example.com","draft":{"template":"repair.en.txt","lang":"en","subject":"Re: Hi  X-Evil: 1","body":"Dear Jo\nBcc: evil@example.com,\n\nwe will call by Monday 5 October, 12:58.\n\nTest Firm\n"},"needs_human":false}
{"id":"E13","category":"complaint","name":"Kim","email":"kim@example.com","needs_human":true,"task":"Write a reply to Kim: no template for it"}
{"id":"E14","category":"repair","name":"José","email":"josé@example.es","due_at":"2026-10-05T11:58:00Z","needs_human":true,"task":"Find another way to answer José: invalid reply address 'josé@example.es'"}
E
expect_err <<'E'
enq-draft: d/in.jsonl:10: E10: no reply address
enq-draft: d/in.jsonl:11: E11: invalid reply address 'ivy@@example'
enq-draft: d/in.jsonl:14: E14: invalid reply address 'josé@example.es'
E

tcase "--all drafts answered and automatic mail; --stats" "enq-draft -r d/t.rules --all --stats d/in.jsonl 2>&1 >/dev/null | sed 's/,\"seconds.*//'"
expect_out <<'E'
enq-draft: d/in.jsonl:10: E10: no reply address
enq-draft: d/in.jsonl:11: E11: invalid reply address 'ivy@@example'
enq-draft: d/in.jsonl:14: E14: invalid reply address 'josé@example.es'
{"program":"enq-draft","in":14,"out":14,"rejected":0,"drafted":6,"lang_fallback":1,"draft_errors":3,"no_address":3,"no_template":2,"skipped":0,"needs_human":10
E

tcase "--templates overrides the rules' directory" "mkdir t2 && printf 'Subject: S\n\nB {name}\n' > t2/billing.en.txt && sed -n 4p d/in.jsonl | enq-draft -r d/t.rules --templates t2 2>&1"
expect_rc 78
expect_out <<'E'
enq-draft: d/t.rules:6: draft general.formal: no template general.formal.LANG.txt in t2
E

tcase "an unterminated placeholder: 78 at load, file:line" "mkdir t3 && printf 'Subject: S\n\nDear {name,\n' > t3/repair.en.txt && enq-draft --templates t3 </dev/null"
expect_rc 78
expect_err <<'E'
enq-draft: t3/repair.en.txt:3:1: '{' without '}' in template (write \{ for a brace)
E

tcase "an unknown time directive, {questions} not alone, a bad file name" "mkdir t4 && printf 'At {due_at:%%H %%Q}\n- {questions}\n' > t4/repair.en.txt && : > t4/notes.txt && enq-draft --templates t4 </dev/null"
expect_rc 78
expect_err <<'E'
enq-draft: t4/notes.txt: not a template name (NAME.LANG.txt or NAME.LANG.VARIANT.txt: repair.en.txt)
enq-draft: t4/repair.en.txt:1:1: placeholder {due_at:%H %Q}: unknown directive '%Q' (%Y %y %m %d %e %H %I %M %S %p %A %a %B %b %j %%)
enq-draft: t4/repair.en.txt:2: {questions} stands on a line of its own
E

tcase "a template of 10 MB: 78 naming the file" "mkdir t5 && head -c 10000000 /dev/zero | tr '\\\\0' x > t5/repair.en.txt && enq-draft --templates t5 </dev/null"
expect_rc 78
expect_err <<'E'
enq-draft: t5/repair.en.txt: larger than 64 KiB, the limit of a template
E

tcase "--check: a complete set" "printf 'Hallo {name|zusammen}, {order_ref|}\n' > d/tmpl/general.de.txt && enq-draft --check -r d/t.rules --classify-rules d/classify.rules"
expect_rc 0
expect_out <<'E'
d/t.rules: 3 rules, 0 tests passed, 0 lint warnings
E

tcase "--check: an unknown field, a value the sample lacks, a category and a question missing" "mkdir t6 && printf 'Subject: {subjcet}\n\n{text}\n' > t6/repair.en.txt && printf '{due_at:%%A} {missing|x}\n{questions}\n' > t6/repair.de.txt && printf 'ask phone en \"P?\"\nask phone de \"T?\"\n' > r6 && enq-draft --check -r r6 --templates t6 --classify-rules d/classify.rules"
expect_rc 78
expect_out <<'E'
repair.en.txt:1: {subjcet}: no record has a field 'subjcet'
category general: no template in en (general.en.txt)
category general: no template in de (general.de.txt)
required field postcode: no question in en (ask postcode en "...")
required field postcode: no question in de (ask postcode de "...")
r6: 0 rules, 0 tests passed, 0 lint warnings
E

# ---- --maildir ----
cat > "$T/readmd.py" <<'PY'
import email.policy, mailbox, sys
md = mailbox.Maildir(sys.argv[1], factory=None, create=False)
for key in sorted(md.keys()):
    m = md.get_message(key)
    msg = email.message_from_bytes(md.get_bytes(key), policy=email.policy.default)
    print(key, m.get_flags(), m.get_subdir(), [type(d).__name__ for d in msg.defects])
    for h in msg.keys():
        print(" %s: %s" % (h, msg[h]))
    print(" |" + msg.get_content().replace("\n", "\n |"))
PY
tcase "--maildir: messages a mail library reads without defects, D flag, replies to the enquiry" "sed -n '1p;12p' d/in.jsonl | enq-draft -r d/t.rules --maildir Drafts --now 2026-10-05T09:00:00Z --stats 2>&1 >/dev/null | sed 's/,\"seconds.*//' && python3 readmd.py Drafts && ls Drafts/tmp"
expect_rc 0
expect_out <<'E'
{"program":"enq-draft","in":2,"out":2,"rejected":0,"drafted":2,"lang_fallback":0,"draft_errors":0,"no_address":0,"no_template":0,"skipped":0,"needs_human":1,"messages_written":2,"messages_there":0,"messages_refused":0
opflow-draft-25ee39db0d14a1de D cur []
 Date: Mon, 05 Oct 2026 09:00:00 +0000
 From: Test Firm <office@firm.example>
 To: "Jo Bcc: evil@example.com" <jo@example.com>
 Subject: Re: Hi X-Evil: 1
 Message-ID: <draft.25ee39db0d14a1de@firm.example>
 In-Reply-To: <m12@example.com>
 References: <m12@example.com>
 MIME-Version: 1.0
 Content-Type: text/plain; charset="utf-8"
 Content-Transfer-Encoding: 7bit
 |Dear Jo
 |Bcc: evil@example.com,
 |
 |we will call by Monday 5 October, 12:58.
 |
 |Test Firm
 |
opflow-draft-8b2f98eb8dfca9b2 D cur []
 Date: Mon, 05 Oct 2026 09:00:00 +0000
 From: Test Firm <office@firm.example>
 To: Anna Kowalski <anna@example.com>
 Subject: Re: Boiler
 Message-ID: <draft.8b2f98eb8dfca9b2@firm.example>
 In-Reply-To: <m1@example.com>
 References: <m0@example.com> <m1@example.com>
 MIME-Version: 1.0
 Content-Type: text/plain; charset="utf-8"
 Content-Transfer-Encoding: 7bit
 |Dear Anna Kowalski,
 |
 |we will call by Monday 5 October, 12:58.
 |- What is the postcode?
 |- What is your phone number?
 |
 |Test Firm
 |
E

tcase "--maildir: a second run writes nothing new" "sed -n '1p;12p' d/in.jsonl | enq-draft -r d/t.rules --maildir Drafts --stats 2>&1 >/dev/null | sed 's/,\"seconds.*//'; ls Drafts/cur | wc -l"
expect_out <<'E'
{"program":"enq-draft","in":2,"out":2,"rejected":0,"drafted":2,"lang_fallback":0,"draft_errors":0,"no_address":0,"no_template":0,"skipped":0,"needs_human":1,"messages_written":0,"messages_there":2,"messages_refused":0
2
E

tcase "--maildir: a maildir that cannot be made: 74, nothing written" "mkdir -p ro/new ro/cur && : > ro/tmp && sed -n 1p d/in.jsonl | enq-draft -r d/t.rules --maildir ro; echo rc=\$?; find ro -type f"
expect_out <<'E'
rc=74
ro/tmp
E

# the tasks as iCalendar VTODOs for a task tool: one per record that
# needs a person, as the records say (the format: 8200-output-formats.t)
tcase "-o ics: a task for every record that needs a person" \
	"enq-draft -r d/t.rules --now 2026-10-05T09:00:00Z d/in.jsonl 2>/dev/null | grep -o '\"id\":\"[^\"]*\".*\"needs_human\":true' | cut -d'\"' -f4 > want; enq-draft -r d/t.rules -o ics --now 2026-10-05T09:00:00Z d/in.jsonl 2>/dev/null | sed -n 's/^UID:\(.*\)@opflow\r\$/\1/p' | cmp - want && wc -l < want"
expect_out <<'E'
8
E

# a maildir that fails part way: the file-size limit (SIGXFSZ ignored, so
# write(2) fails with EFBIG) lets the first, short draft through and stops
# the second, long one: 74, the first kept, nothing left in tmp/
sed -n 1p "$DATA/draft/in.jsonl" > "$T/two.jsonl"
sed -n 1p "$DATA/draft/in.jsonl" | sed "s/\"E1\"/\"E1b\"/; s/Anna Kowalski/Anna $(printf '%02000d' 0)/" >> "$T/two.jsonl"
tcase "--maildir: a write that fails part way: 74, the drafts before it kept, nothing half-written" \
	"(trap '' XFSZ; ulimit -f 4; enq-draft -r d/t.rules --maildir part two.jsonl > /dev/null 2> err); echo rc=\$?; cat err; ls part/cur | wc -l; ls part/tmp | wc -l"
expect_out <<'E'
rc=74
enq-draft: part/tmp: File too large
1
0
E

# a task is one line: a name's CR LF is a space there, and an address's
# on standard error too
tcase "a task is one line, whatever the name or address holds" \
	"printf '%s\n' '{\"id\":\"N1\",\"category\":\"repair\",\"name\":\"Eve\\r\\nBcc: x@example.com\",\"email\":\"eve@example.com\",\"due_at\":\"2026-10-05T11:58:00Z\",\"missing\":[\"phone\"]}' '{\"id\":\"N2\",\"category\":\"repair\",\"name\":\"Flo\",\"email\":\"flo@example.com\\nBcc: y@example.com\"}' | enq-draft -r d/t.rules 2>&1 | grep -o 'task\":\"[^\"]*\"\|^enq-draft: .*'"
expect_rc 0
expect_out <<'E'
enq-draft: <stdin>:2: N2: invalid reply address 'flo@example.com Bcc: y@example.com'
task":"Ask Eve  Bcc: x@example.com for phone (repair, due Mon 12:58)"
task":"Find another way to answer Flo: invalid reply address 'flo@example.com Bcc: y@example.com'"
E

# an id the message cannot hold (RFC 5322 3.6.4: no comma, colon,
# parenthesis or quote) is left out of In-Reply-To and References; the
# draft is written all the same
tcase "--maildir: ids a message cannot hold left out, the draft written" \
	"printf '%s\n' '{\"id\":\"I1\",\"category\":\"general\",\"name\":\"Al\",\"email\":\"al@example.com\",\"subject\":\"S\",\"order_ref\":\"R1\",\"message_id\":\"m(1)@example.com\",\"references\":[\"a,b@example.com\",\"m0@example.com\",\"c:d@example.com\"]}' | enq-draft -r d/t.rules --maildir ids --stats 2>&1 >/dev/null | sed 's/.*\"messages_written\"/\"messages_written\"/; s/,\"seconds.*//'; grep -h '^In-Reply-To\|^References' ids/cur/*"
expect_rc 0
expect_out <<'E'
"messages_written":1,"messages_there":0,"messages_refused":0
References: <m0@example.com>
E

# a customer's reply already: the template's Re: or AW: is not doubled
tcase "a subject that was a reply: no AW: AW: nor Re: Re:" \
	"printf '%s\n' '{\"id\":\"S1\",\"category\":\"repair\",\"lang\":\"de\",\"name\":\"Jörg\",\"email\":\"j@example.de\",\"subject\":\"AW: Heizung\",\"due_at\":\"2026-10-05T11:58:00Z\"}' '{\"id\":\"S2\",\"category\":\"repair\",\"name\":\"Al\",\"email\":\"a@example.com\",\"subject\":\"Aw: Leak\",\"due_at\":\"2026-10-05T11:58:00Z\"}' '{\"id\":\"S3\",\"category\":\"repair\",\"name\":\"Al\",\"email\":\"a@example.com\",\"subject\":\"re: Leak\",\"due_at\":\"2026-10-05T11:58:00Z\"}' | enq-draft -r d/t.rules | grep -o 'draft.*\"subject\":\"[^\"]*\"' | sed 's/\"body.*//; s/.*\"subject\"://'"
expect_rc 0
expect_out <<'E'
"AW: Heizung"
"Aw: Leak"
"re: Leak"
E

# the message is named after the id: two enquiries without one would
# share a file, and the second's draft be lost as "there"
tcase "--maildir: a record without an id is rejected, not drafted into another's file" \
	"printf '%s\n' '{\"category\":\"general\",\"name\":\"Al\",\"email\":\"al@example.com\",\"subject\":\"S\",\"order_ref\":\"R1\"}' '{\"category\":\"general\",\"name\":\"Bo\",\"email\":\"bo@example.com\",\"subject\":\"S\",\"order_ref\":\"R2\"}' '{\"id\":7,\"category\":\"general\",\"name\":\"Cy\",\"email\":\"cy@example.com\",\"subject\":\"S\",\"order_ref\":\"R3\"}' | enq-draft -r d/t.rules --maildir noid --stats 2>&1 >/dev/null | sed 's/,\"drafted.*\"messages_written\"/ \"messages_written\"/; s/,\"seconds.*//'; ls noid/cur | wc -l"
expect_rc 0
expect_out <<'E'
enq-draft: <stdin>:1: record has no id (a string or number): no message can be named after it
enq-draft: <stdin>:2: record has no id (a string or number): no message can be named after it
{"program":"enq-draft","in":3,"out":1,"rejected":2 "messages_written":1,"messages_there":0,"messages_refused":0
1
E

# records in = out + rejected, and the outcomes add up to those out: a
# record a human rule rejects is counted in none of them
tcase "--stats: a record rejected by a human rule is not counted drafted" \
	"printf '%s\n' '{\"id\":\"H1\",\"category\":\"general\",\"name\":\"Al\",\"email\":\"al@example.com\",\"subject\":\"S\",\"order_ref\":\"R1\",\"missing\":[\"phone\"],\"due_at\":\"soon\"}' '{\"id\":\"H2\",\"category\":\"general\",\"name\":\"Bo\",\"email\":\"bo@example.com\",\"subject\":\"S\",\"order_ref\":\"R2\"}' | enq-draft -r d/t.rules --stats 2>&1 >/dev/null | sed 's/,\"lang_fallback.*//'"
expect_rc 0
expect_out <<'E'
enq-draft: <stdin>:1: d/t.rules:7: human: {due_at:%a %H:%M|no SLA}: the value is not a time
{"program":"enq-draft","in":2,"out":1,"rejected":1,"drafted":1
E

# a template saved by a Windows editor: UTF-8 with a byte order mark
tcase "a template with a byte order mark: its Subject line still read" \
	"mkdir tb && printf '\357\273\277Subject: Hello {name}\n\nBody\n' > tb/general.en.txt && printf '%s\n' '{\"id\":\"B1\",\"category\":\"general\",\"name\":\"Al\",\"email\":\"al@example.com\"}' | enq-draft --templates tb"
expect_rc 0
expect_out <<'E'
{"id":"B1","category":"general","name":"Al","email":"al@example.com","draft":{"template":"general.en.txt","lang":"en","subject":"Hello Al","body":"Body\n"},"needs_human":false}
E

# an address the message could not be written to is no reply address:
# a task, not a draft that silently never reaches the maildir
tcase "--maildir: an address compose refuses (hyphen-led label, 65-character local part) is a task" \
	"printf '%s\n' '{\"id\":\"V1\",\"category\":\"general\",\"name\":\"Al\",\"email\":\"al@-example.com\",\"subject\":\"S\",\"order_ref\":\"R\"}' '{\"id\":\"V2\",\"category\":\"general\",\"name\":\"Bo\",\"email\":\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb@example.com\",\"subject\":\"S\",\"order_ref\":\"R\"}' | enq-draft -r d/t.rules --maildir va --stats > va.out 2> va.err; sed 's/.*\"needs_human\":true,\"task\"/task/' va.out; sed 's/,\"seconds.*//' va.err"
expect_rc 0
expect_out <<'E'
task:"Find another way to answer Al: invalid reply address 'al@-example.com'"}
task:"Find another way to answer Bo: invalid reply address 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb@example.com'"}
enq-draft: <stdin>:1: V1: invalid reply address 'al@-example.com'
enq-draft: <stdin>:2: V2: invalid reply address 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb@example.com'
{"program":"enq-draft","in":2,"out":2,"rejected":0,"drafted":0,"lang_fallback":0,"draft_errors":0,"no_address":2,"no_template":0,"skipped":0,"needs_human":2,"messages_written":0,"messages_there":0,"messages_refused":0
E

# a From no message can carry is the rules' error, found at load, not a
# refusal of every message of the run
tcase "from: an address compose refuses is a 78 at load" \
	"sed 's/^from .*/from \"Test Firm <office@firm>\"/' d/t.rules > d/bad.rules && enq-draft -r d/bad.rules --maildir fb </dev/null"
expect_rc 78
expect_err <<'E'
enq-draft: d/bad.rules:3:6: From: 'Test Firm <office@firm>' is not an address (local@domain)
E

done_testing
