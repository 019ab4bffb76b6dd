#!/bin/sh
# Output files: -o over devices, FIFOs, sockets and symbolic links; an
# output that is an input refused before anything is opened; --state
# through a link.  Devices are made here (mknod, as root), never /dev's.
. "$(dirname "$0")/../lib.sh"
export OPFLOW_NOW=2026-11-23T12:00:00Z

printf '{"period":"2026-10","enquiries":12}\n' > rows.jsonl
kpi-report rows.jsonl > want.md

tcase "kpi-report -o a character device writes to it, and it stays one" \
	"mknod null c 1 3 && kpi-report -o null rows.jsonl && test -c null && echo device"
expect_rc 0
expect_out <<'E'
device
E
expect_err </dev/null

tcase "enq-train -o a character device: the same" \
	"mknod null2 c 1 3 && enq-train --label label --holdout 0 -o null2 $DATA/classify/train.jsonl >/dev/null && test -c null2 && echo device"
expect_rc 0
expect_out <<'E'
device
E

tcase "kpi-report -o a FIFO writes into it, and it stays one" \
	"mkfifo fifo && { timeout 10 cat fifo > got & } && kpi-report -o fifo rows.jsonl && wait && test -p fifo && cmp got want.md && echo fifo"
expect_rc 0
expect_out <<'E'
fifo
E

if command -v python3 >/dev/null 2>&1; then
	tcase "kpi-report -o a socket sends to it" "
		python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(10); s.bind(\"sock\"); s.listen(1)
sys.stdout.write(\"ready\\n\"); sys.stdout.flush()
c, _ = s.accept(); d = b\"\"
while True:
    b = c.recv(65536)
    if not b: break
    d += b
open(\"got-sock\", \"wb\").write(d)
' > ready &
		while ! test -S sock; do sleep 0.05; done
		kpi-report -o sock rows.jsonl && wait && test -S sock && cmp got-sock want.md && echo socket"
	expect_rc 0
	expect_out <<'E'
socket
E
else
	echo "ok $((n += 1)) - # SKIP no python3 for a listening socket"
fi

tcase "a link to a pipe (as /dev/stdout is) is written to" \
	"ln -s /proc/self/fd/1 out && kpi-report -o out rows.jsonl | cmp - want.md && test -L out && echo piped"
expect_rc 0
expect_out <<'E'
piped
E

tcase "kpi-report -o a symbolic link replaces the file it names" \
	"echo old > real.md && ln -s real.md link.md && kpi-report -o link.md rows.jsonl && test -L link.md && cmp real.md want.md && echo linked"
expect_rc 0
expect_out <<'E'
linked
E

tcase "a dangling link: the file it names is made" \
	"mkdir d && ln -s ../made.md d/dl.md && kpi-report -o d/dl.md rows.jsonl && test -L d/dl.md && cmp made.md want.md && echo made"
expect_rc 0
expect_out <<'E'
made
E

# --- an output that is an input ---
printf '{"id":"E1","received_at":"2026-11-23T10:00:00Z"}\nnot json\n' > in.jsonl
cp $DATA/mail/base64.eml m.eml
cp $DATA/classify/test.jsonl t.jsonl
ln in.jsonl hard.jsonl

# refused WHAT COMMAND FILE MESSAGE: status 64 and the message, before
# FILE (the input) is touched
refused() {
	cp "$3" .keep
	tcase "$1" "$2; echo rc=\$?; cmp $3 .keep && echo kept"
	expect_out <<'E'
rc=64
kept
E
	expect_err <<E
$4
Try '${4%%:*} --help' for more information.
E
}

refused "--rejects naming the input" "enq-route --rejects in.jsonl in.jsonl" in.jsonl \
	"enq-route: --rejects in.jsonl is the same file as input in.jsonl"
refused "the same through a hard link, for every program (exc-flag)" "exc-flag --rejects hard.jsonl in.jsonl" \
	in.jsonl "exc-flag: --rejects hard.jsonl is the same file as input in.jsonl"
refused "enq-parse: the same" "enq-parse --rejects m.eml m.eml" m.eml \
	"enq-parse: --rejects m.eml is the same file as input m.eml"
refused "standard input, a regular file, is an input too" "enq-route --rejects in.jsonl < in.jsonl" in.jsonl \
	"enq-route: --rejects in.jsonl is the same file as standard input"
refused "... named as -" "enq-route --rejects in.jsonl - < in.jsonl" in.jsonl \
	"enq-route: --rejects in.jsonl is the same file as standard input"
refused "standard output appended to the input" "enq-route in.jsonl >> in.jsonl" in.jsonl \
	"enq-route: standard output is the same file as input in.jsonl"
refused "kpi-report -o naming its input" "kpi-report -o rows.jsonl rows.jsonl" rows.jsonl \
	"kpi-report: -o rows.jsonl is the same file as input rows.jsonl"
cp $DATA/report/alerts.rules a.rules
printf 'Email = email\n' > map.conf
printf 'kpi n = count()\n' > k.conf
refused "rule files are inputs: exc-flag -r" "exc-flag -r a.rules --rejects a.rules in.jsonl" a.rules \
	"exc-flag: --rejects a.rules is the same file as -r a.rules"
refused "... enq-classify -r" "enq-classify -r a.rules --rejects a.rules in.jsonl" a.rules \
	"enq-classify: --rejects a.rules is the same file as -r a.rules"
refused "... kpi-rollup -k" "kpi-rollup -k k.conf --rejects k.conf in.jsonl" k.conf \
	"kpi-rollup: --rejects k.conf is the same file as -k k.conf"
refused "... enq-parse -m" "enq-parse -m map.conf --rejects map.conf m.eml" map.conf \
	"enq-parse: --rejects map.conf is the same file as -m map.conf"
refused "... enq-classify -m (a model)" "enq-classify -m map.conf in.jsonl >> map.conf" map.conf \
	"enq-classify: standard output is the same file as -m map.conf"
refused "enq-train -o naming --test" "enq-train --label label -o t.jsonl --test t.jsonl $DATA/classify/train.jsonl" \
	t.jsonl "enq-train: -o t.jsonl is the same file as --test t.jsonl"

printf 'team sales owners alice bob assign round-robin\nroute all -> sales sla 4h\n' > r1.rules
tcase "enq-route: --state, --close, -r and --rejects are files too" "
	echo E1 > closed; enq-route -r r1.rules --state closed --close closed in.jsonl; echo rc=\$?
	enq-route -r r1.rules --state st --close closed --rejects closed in.jsonl; echo rc=\$?
	enq-route -r r1.rules --state r1.rules in.jsonl; echo rc=\$?"
expect_out <<'E'
rc=64
rc=64
rc=64
E
expect_err <<'E'
enq-route: --state closed is the same file as --close closed
Try 'enq-route --help' for more information.
enq-route: --rejects closed is the same file as --close closed
Try 'enq-route --help' for more information.
enq-route: --state r1.rules is the same file as -r r1.rules
Try 'enq-route --help' for more information.
E

tcase "a device both read and written is no conflict" "mknod null3 c 1 3 && enq-route --rejects null3 null3; echo rc=\$?"
expect_out <<'E'
rc=0
E

# --- --state through a symbolic link ---
printf '{"id":"E1","received_at":"2026-11-23T10:00:00Z"}\n{"id":"E2","received_at":"2026-11-23T10:00:00Z"}\n' > e.jsonl
tcase "--state through a link updates the file it names, one lock for both" "
	mkdir s && touch s/keep && ln -s s/real.state link.state &&
	enq-route -r r1.rules --state link.state e.jsonl > /dev/null &&
	test -L link.state && grep -c '^a ' s/real.state &&
	enq-route -r r1.rules --state s/real.state --stats e.jsonl 2>&1 >/dev/null | grep -o '\"assigned\":[0-9]*' &&
	ls s . | grep -c lock"
expect_rc 0
expect_out <<'E'
2
"assigned":0
1
E

done_testing
