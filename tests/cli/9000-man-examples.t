#!/bin/sh
# The EXAMPLES of every page in man/ run, with the output they show.
#
# The convention, in the mdoc source, under .Sh EXAMPLES:
#   - a .Bd -literal block whose first line starts with "$ " is a session:
#     each "$ " line is a command, continued on the next line when it ends
#     in "|", "\", "&&" or "||"; the lines after it, up to the next "$ "
#     or .Ed, are what it prints (standard output and standard error),
#     exactly, where a line "..." (in roff "\&...") stands for any number
#     of lines and a line ending in "..." for any line that starts with
#     what comes before.
#     A command that shows nothing must print nothing.  It must exit 0,
#     unless the next command is "$ echo $?", which shows its status.
#   - `.\" file: NAME` on the line before a .Bd -literal block: the block is
#     the file NAME, which the page's sessions may read.
#   - `.\" no-test: REASON` on the line before a .Bd or .Dl: not run
#     (a cron line, a mailbox, other hosts), and counted as skipped.
#   - any other .Bd or .Dl under EXAMPLES is an error, so that no example
#     is left out unnoticed.
# Roff comments inside a block are dropped; \e, \&, \- and \[uXXXX] are
# read as roff reads them.  The commands of a page run one after the other
# with sh, in a scratch directory that has share/ and scripts/ of the
# repository in it, so that they read as from the repository root; the
# built programs come first on PATH, then scripts/monthly-report.
. "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$TESTS/.." && pwd)
mkdir "$T/bin" && ln -s "$ROOT/scripts/monthly-report" "$T/bin/monthly-report"
PATH=$PATH:$T/bin

# extract PAGE DIR: DIR/N.cmd, N.want, N.rc, N.at for the Nth command,
# DIR/files/NAME, and lines in DIR/skips and DIR/errors.
extract() {
	mkdir -p "$2/files" && : >"$2/skips" && : >"$2/errors"
	awk -v page="$(basename "$1")" -v dir="$2" '
	function hexval(h,    i, v) {
		v = 0
		for (i = 1; i <= length(h); i++)
			v = v * 16 + index("0123456789ABCDEF", toupper(substr(h, i, 1))) - 1
		return v
	}
	function utf8(c) {
		if (c < 128) return sprintf("%c", c)
		if (c < 2048) return sprintf("%c%c", 192 + int(c / 64), 128 + c % 64)
		return sprintf("%c%c%c", 224 + int(c / 4096), 128 + int(c / 64) % 64, 128 + c % 64)
	}
	function unroff(s,    out, i, c, j) {
		out = ""
		while ((i = index(s, "\\")) > 0) {
			out = out substr(s, 1, i - 1)
			c = substr(s, i + 1, 1)
			if (c == "e") { out = out "\\"; s = substr(s, i + 2) }
			else if (c == "&") s = substr(s, i + 2)
			else if (c == "-") { out = out "-"; s = substr(s, i + 2) }
			else if (substr(s, i + 1, 2) == "[u" && (j = index(substr(s, i), "]")) > 0) {
				out = out utf8(hexval(substr(s, i + 3, j - 4)))
				s = substr(s, i + j)
			} else {
				err("roff escape \\" c " that this test does not read")
				s = substr(s, i + 2)
			}
		}
		return out s
	}
	function err(what) { print page ":" NR ": " what >> (dir "/errors") }
	function continued(s) { sub(/[ \t]+$/, "", s); return s ~ /(\\|\||&&)$/ }
	function endcmd() {
		if (n > 0) close(dir "/" n ".cmd")
		if (n > 0) close(dir "/" n ".want")
	}
	function startcmd(s) {
		if (s == "echo $?") {	# the status of the one before
			mode = "rc"; return
		}
		endcmd()
		n++; mode = "out"
		printf "" > (dir "/" n ".want")
		print "0" > (dir "/" n ".rc"); close(dir "/" n ".rc")
		print page ":" NR > (dir "/" n ".at"); close(dir "/" n ".at")
		print s > (dir "/" n ".cmd")
		cont = continued(s)
	}
	/^\.Sh / { ex = ($2 == "EXAMPLES"); mark = ""; next }
	!ex { next }
	inblock && /^\.Ed/ {
		inblock = 0; endcmd(); mode = ""
		if (kind == "file") close(dir "/files/" fname)
		next
	}
	inblock && /^\.\\"/ { next }
	inblock && /^[.\047]/ { err("a request inside an example: " $0); next }
	inblock && kind == "skip" { next }
	inblock && kind == "file" { print unroff($0) > (dir "/files/" fname); next }
	inblock {
		line = unroff($0)
		if (cont) { print line > (dir "/" n ".cmd"); cont = continued(line); next }
		if (substr(line, 1, 2) == "$ ") { startcmd(substr(line, 3)); next }
		if (mode == "rc") {
			print line > (dir "/" n ".rc"); close(dir "/" n ".rc"); mode = ""
		} else if (mode == "out")
			print line > (dir "/" n ".want")
		else if (!stray++)
			err("a line of no command: a block is a session (\"$ \"), or marked file: or no-test:")
		next
	}
	/^\.\\" *no-test:/ { mark = "skip"; why = $0; sub(/^[^:]*: */, "", why); next }
	/^\.\\" *file:/ { mark = "file"; fname = $3; next }
	/^\.Bd/ {
		inblock = 1; stray = 0; kind = mark; mark = ""; mode = ""
		if (kind == "skip") print page ":" NR ": " why >> (dir "/skips")
		else if (kind == "file") printf "" > (dir "/files/" fname)
		else blocks++
		next
	}
	/^\.Dl/ {
		if (mark == "skip") print page ":" NR ": " why >> (dir "/skips")
		else err(".Dl example: make it a .Bd -literal session, or mark it no-test")
		mark = ""; next
	}
	/^\./ && !/^\.\\"/ { mark = "" }
	END { endcmd(); print blocks + 0 > (dir "/blocks") }
	' "$1"
}

# same WANT GOT: GOT matches WANT, with its "..." lines and line ends.
same() {
	awk '
	NR == FNR { w[++nw] = $0; next }
	{ g[++ng] = $0 }
	function ok(i, j,    r) {	# want[i..] matches got[j..]
		if ((i, j) in memo) return memo[i, j]
		if (i > nw) r = (j > ng)
		else if (w[i] == "...") r = ok(i + 1, j) || (j <= ng && ok(i, j + 1))
		else if (j > ng) r = 0
		else if (w[i] ~ /\.\.\.$/) r = index(g[j], substr(w[i], 1, length(w[i]) - 3)) == 1 && ok(i + 1, j + 1)
		else r = w[i] == g[j] && ok(i + 1, j + 1)
		return memo[i, j] = r
	}
	END { exit !ok(1, 1) }' "$1" "$2"
}

ran=0 blocks=0
for page in "$ROOT"/man/*.[157]; do
	name=$(basename "$page")
	W=$T/run/$name X=$T/ex/$name
	mkdir -p "$W" "$X"
	ln -s "$ROOT/share" "$W/share" && ln -s "$ROOT/scripts" "$W/scripts"
	extract "$page" "$X"
	what="$name EXAMPLES"
	[ ! -s "$X/errors" ]
	_result $? "every block a session, a file or marked no-test"
	sed 's/^/#   /' "$X/errors"
	cp -R "$X/files/." "$W/"
	blocks=$((blocks + $(cat "$X/blocks")))
	i=1
	while [ -f "$X/$i.cmd" ]; do
		what="$(cat "$X/$i.at"): \$ $(head -1 "$X/$i.cmd")"
		(cd "$W" && sh "$X/$i.cmd" >"$X/$i.got" 2>&1)
		rc=$? want=$(cat "$X/$i.rc")
		[ "$rc" = "$want" ]
		_result $? "status $want"
		[ "$rc" = "$want" ] || { echo "#   got status $rc"; sed 's/^/#   /' "$X/$i.got" | head -20; }
		same "$X/$i.want" "$X/$i.got"
		_result $? "the output shown"
		same "$X/$i.want" "$X/$i.got" || diff -u "$X/$i.want" "$X/$i.got" | head -40 | sed 's/^/#   /'
		ran=$((ran + 1)) i=$((i + 1))
	done
done
skipped=$(cat "$T"/ex/*/skips | wc -l)
echo "# $ran commands ran, from $blocks example blocks; $skipped blocks not run:"
cat "$T"/ex/*/skips | sed 's/^/#   /'
what="man pages"
[ "$skipped" -lt "$blocks" ] && [ "$ran" -gt 0 ]
_result $? "fewer blocks skipped ($skipped) than run ($blocks)"


# ---- golden files: tests/golden-fmt, and make regen-golden (tests/lib.sh) ----
cat >tricky.jsonl <<'E'
{"a":"x,\"}{","b":[1,{"c":2,"d":3}],  "e":1.10,"f":{}}

not a record, {"a":1,"b":2}
{"a":1},{"b":2}
{"a":[1,2
{}
E
tcase "golden-fmt: a line a member, cut only between top-level members" "\$GOLDEN_FMT tricky.jsonl"
expect_rc 0
expect_out <<'E'
{"a":"x,\"}{",
 "b":[1,{"c":2,"d":3}],
   "e":1.10,
 "f":{}}

not a record, {"a":1,"b":2}
{"a":1},{"b":2}
{"a":[1,2
{}
E
tcase "golden-fmt -j gives every golden back byte for byte, and formats nothing twice" \
	"for f in $TESTS/cli/golden/*.jsonl tricky.jsonl; do \$GOLDEN_FMT -j \$f > raw; \$GOLDEN_FMT raw > f1; \$GOLDEN_FMT -j f1 | cmp - raw || echo \$f; \$GOLDEN_FMT f1 | cmp - f1 || echo twice \$f; done; echo done"
expect_out <<'E'
done
E

# A test of its own, with a golden, run as make check and make regen-golden
# run it: the golden is written formatted, then compared in either form.
mkdir -p fake/cli && ln -s "$TESTS/lib.sh" "$TESTS/golden-fmt" fake/
cat >fake/cli/t.t <<'E'
. "$(dirname "$0")/../lib.sh"
tcase "two records" "cat $SRC/out.jsonl"
expect_out_file "$SRC/g.jsonl"
tcase "the same golden again, other output" "echo '{}'"
expect_out_file "$SRC/g.jsonl"
done_testing
E
printf '{"id":"A","n":1.50,"s":{"x":1}}\n{"id":"B"}\n' > out.jsonl
tcase "regen: the golden written one member a line, and a shared one once" \
	"SRC=\$T OPFLOW_REGEN=1 sh fake/cli/t.t | sed -n 's/^\\(not ok\\|ok\\) \\([0-9]\\).*/\\1 \\2/p'; cat g.jsonl"
expect_out <<'E'
ok 1
not ok 2
{"id":"A",
 "n":1.50,
 "s":{"x":1}}
{"id":"B"}
E
tcase "compared: formatted, joined, or one byte off" \
	"export SRC=\$T OPFLOW_REGEN=; sh fake/cli/t.t | head -1; \$GOLDEN_FMT -j g.jsonl > j && mv j g.jsonl && sh fake/cli/t.t | head -1; sed 's/1.50/1.5/' g.jsonl > j && mv j g.jsonl && sh fake/cli/t.t | head -1"
expect_out <<'E'
ok 1 - two records: stdout = g.jsonl
ok 1 - two records: stdout = g.jsonl
not ok 1 - two records: stdout = g.jsonl
E

done_testing
