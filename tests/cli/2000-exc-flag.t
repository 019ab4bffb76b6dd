#!/bin/sh
# exc-flag: flags, options, exit codes, and every kind of bad input the
# record layer handles, with exact messages.
. "$(dirname "$0")/../lib.sh"
R=$DATA/rules
E=$DATA/enq
export OPFLOW_NOW=2026-11-01T00:00:00Z

tcase "flags added, others byte for byte" "exc-flag -r $R/basic.rules $E/six.jsonl"
expect_rc 0
expect_out_file "$TESTS/cli/golden/exc-flag-basic.jsonl"
expect_err </dev/null

tcase "same from stdin, and from -" "exc-flag -r $R/basic.rules < $E/six.jsonl && exc-flag -r $R/basic.rules - < $E/six.jsonl > two"
expect_out_file "$TESTS/cli/golden/exc-flag-basic.jsonl"
"$GOLDEN_FMT" -j "$TESTS/cli/golden/exc-flag-basic.jsonl" > "$T/.golden"
expect_file two < "$T/.golden"

tcase "--only" "exc-flag -r $R/basic.rules --only $E/six.jsonl | cut -c1-9"
expect_out <<'E'
{"id":"E2
{"id":"E3
{"id":"E5
{"id":"E6
E

tcase "--fail-on critical fires" "exc-flag -r $R/basic.rules --fail-on critical $E/six.jsonl >/dev/null"
expect_rc 1
tcase "--fail-on takes worse too" "exc-flag -r $R/basic.rules --fail-on high $E/six.jsonl >/dev/null"
expect_rc 1
tcase "--fail-on not reached" "exc-flag -r $R/basic.rules --fail-on critical $E/six.jsonl --only | head -0; exc-flag -r $R/v.rules --fail-on medium $E/six.jsonl >/dev/null"
expect_rc 0

tcase "--summary" "exc-flag -r $R/basic.rules --summary $E/six.jsonl >/dev/null"
expect_err <<'E'
flag                     severity     records
sla_breach               high               2
late_answer              medium             1
complaint                low                1
urgent                   critical           1
vip                      low                1
deep                     low                1
E

tcase "--stats" "exc-flag -r $R/basic.rules --stats $E/six.jsonl 2>&1 >/dev/null | sed 's/\"seconds\":[0-9.]*/\"seconds\":S/'"
expect_out <<'E'
{"program":"exc-flag","in":6,"out":6,"rejected":0,"flagged":4,"seconds":S}
E

tcase "--now overrides OPFLOW_NOW" "exc-flag -r $R/basic.rules --now 2026-10-02T10:00:00Z --only $E/six.jsonl | cut -c1-9"
expect_out <<'E'
{"id":"E2
{"id":"E3
{"id":"E5
{"id":"E6
E

# ---- bad input: named, kept aside, the rest flows ----
cp "$E/bad.jsonl" "$E/six.jsonl" "$T/"
tcase "bad records" "exc-flag -r $R/v.rules --max-line 25000 --rejects rej.jsonl bad.jsonl | cut -c1-40"
expect_rc 0
expect_out <<'E'
{"id":"G1","v":1}
{"id":"G3","v":3,"flags":[{"name":"big",
{"id":"G4","v":4.10,"flags":[{"name":"bi
E
expect_err <<'E'
exc-flag: bad.jsonl:2:16: unexpected end of line, value expected
exc-flag: bad.jsonl:3:20: invalid UTF-8 in string
exc-flag: bad.jsonl:4:18: NUL byte in string
exc-flag: bad.jsonl:5:1: not a JSON object but an array
exc-flag: bad.jsonl:8: line longer than --max-line (25000 bytes), rejected
exc-flag: bad.jsonl:9:2063: nested too deeply (over 2048 levels)
exc-flag: bad.jsonl:10:16: number out of range
exc-flag: bad.jsonl:11:12: duplicate key "id"
E
tcase "rejects hold the bad lines as they were" "cat bad.jsonl | exc-flag -r $R/v.rules --max-line 25000 --rejects rej.jsonl >/dev/null 2>&1; echo \$?; grep -av -e '\"id\":\"G[134]' -e '^[[:space:]]*\$' bad.jsonl | cmp - rej.jsonl && echo same"
expect_out <<'E'
65
same
E
tcase "records in = out + rejected" "exc-flag -r $R/v.rules --max-line 25000 --stats bad.jsonl 2>&1 >/dev/null | tail -1 | sed 's/,\"seconds.*//'"
expect_out <<'E'
{"program":"exc-flag","in":11,"out":3,"rejected":8,"flagged":2
E
tcase "--strict stops at the first" "exc-flag -r $R/v.rules --strict bad.jsonl"
expect_rc 65
expect_out <<'E'
{"id":"G1","v":1}
E
expect_err <<'E'
exc-flag: bad.jsonl:2:16: unexpected end of line, value expected
E
tcase "an over-long line is rejected whole, even unread" "head -c 300000 /dev/zero | tr '\\0' x > long; printf '\\n{\"v\":3}\\n' >> long; exc-flag -r $R/v.rules --max-line 1000 --rejects rej long | cut -c1-8; wc -c < rej"
expect_out <<'E'
{"v":3,"
300001
E
expect_err <<'E'
exc-flag: long:1: line longer than --max-line (1000 bytes), rejected
E
tcase "a last line without newline" "printf '{\"v\":3}' | exc-flag -r $R/v.rules | cut -c1-8"
expect_out <<'E'
{"v":3,"
E
tcase "a byte order mark at the start" "printf '\\357\\273\\277{\"v\":3}\\n' | exc-flag -r $R/v.rules | cut -c1-8"
expect_out <<'E'
{"v":3,"
E
tcase "missing file: named, the others still read" "exc-flag -r $R/v.rules nosuch six.jsonl | wc -l"
expect_rc 0
expect_out <<'E'
6
E
expect_err <<'E'
exc-flag: nosuch: No such file or directory
E
tcase "missing file: exit 66" "exc-flag -r $R/v.rules nosuch six.jsonl >/dev/null 2>&1"
expect_rc 66

# ---- output errors ----
tcase "output to a full disk" "exc-flag -r $R/v.rules six.jsonl > /dev/full"
expect_rc 74
expect_err <<'E'
exc-flag: write error: No space left on device
E
tcase "a closed pipe ends quietly" "yes '{\"v\":1}' | head -200000 > many; exc-flag -r $R/v.rules many | head -1"
expect_out <<'E'
{"v":1}
E
expect_err </dev/null

# ---- rule errors: file:line:col, what was expected, exit 78 ----
cat > bad.rules <<'R'
# a comment
flag a high whne x == 1
category quote +3 when text =~ /quote/
flag b urgnet when x
flag c low when lowr(x) > 3
flag d low when x =~ /(unclosed/
flag e low when x = 1
flag f low when (x == 1
flag g low when x == 1 owner
flga h low when x
flag i low when x == 1 \
   && y =~ /a/z
R
tcase "rule errors" "exc-flag -r bad.rules six.jsonl"
expect_rc 78
expect_out </dev/null
expect_err <<'E'
exc-flag: bad.rules:2:13: 'when' expected, found 'whne' (did you mean 'when'?)
exc-flag: bad.rules:3:1: 'category' is a statement of enq-classify, not of exc-flag (which reads: flag)
exc-flag: bad.rules:4:8: unknown severity 'urgnet' (low, medium, high, critical)
exc-flag: bad.rules:5:17: unknown function 'lowr' (did you mean 'lower'?)
exc-flag: bad.rules:6:32: regex error: missing closing parenthesis
exc-flag: bad.rules:7:19: '=' is not a comparison: use '=='
exc-flag: bad.rules:8:24: ')' expected, found end of line
exc-flag: bad.rules:9:29: owner expected, found end of line
exc-flag: bad.rules:10:1: unknown statement 'flga' (did you mean 'flag'?)
exc-flag: bad.rules:12:15: unknown regex flag 'z' (flags are i m s x u)
E
tcase "rules file missing" "exc-flag -r nosuch.rules six.jsonl"
expect_rc 66
expect_err <<'E'
exc-flag: nosuch.rules: No such file or directory
E
tcase "expression nested 200 deep" "python3 -c 'print(\"flag n low when \" + \"(\"*200 + \"x\" + \")\"*200)' > deep.rules; exc-flag -r deep.rules six.jsonl"
expect_rc 78
expect_err <<'E'
exc-flag: deep.rules:1:145: expression nested too deeply (over 128 levels)
E

# ---- hostile rules: bounded work, a named error, the stream goes on ----
tcase "catastrophic regex on a 100 KB field" "python3 -c 'print(\"{\\\"id\\\":\\\"X\\\",\\\"s\\\":\\\"\" + \"a\"*100000 + \"!\\\"}\"); print(\"{\\\"id\\\":\\\"Y\\\",\\\"s\\\":\\\"ok\\\"}\")' > redos.jsonl; echo 'flag r low when s =~ /^(a+)+\$/' > redos.rules; exc-flag -r redos.rules redos.jsonl"
expect_rc 65
expect_out <<'E'
{"id":"Y","s":"ok"}
E
expect_err <<'E'
exc-flag: redos.jsonl:1: redos.rules:1: flag r: regex: match limit exceeded
E
tcase "a template of 1,000 placeholders" "python3 -c 'print(\"flag t low when true message \\\"\" + \"{v}.\"*1000 + \"\\\"\")' > many.rules; echo '{\"v\":7}' | exc-flag -r many.rules | wc -c"
expect_out <<'E'
2099
E

# ---- history over an ordered stream, grouped ----
cat > kpi.jsonl <<'J'
{"period":"2026-05","team":"sales","enquiries":100}
{"period":"2026-05","team":"service","enquiries":50}
{"period":"2026-06","team":"sales","enquiries":104}
{"period":"2026-06","team":"service","enquiries":52}
{"period":"2026-07","team":"sales","enquiries":60}
{"period":"2026-07","team":"service","enquiries":51}
{"period":"2026-08","team":"sales","enquiries":98}
{"period":"2026-08","team":"service","enquiries":140}
J
cat > hist.rules <<'R'
flag drop medium when enquiries < prev(enquiries) * 0.7 \
     message "{team}: {enquiries} after {prev(enquiries)}"
flag spike high when mean_prev(enquiries, 3) != null && \
     enquiries > mean_prev(enquiries, 3) + 3 * stddev_prev(enquiries, 3) \
     message "{team}: {enquiries} vs mean {round(mean_prev(enquiries, 3), 1)} sd {round(stddev_prev(enquiries, 3), 2)}"
R
tcase "prev, mean_prev, stddev_prev with --by" "exc-flag -r hist.rules --by team --only kpi.jsonl | sed 's/.*\"message\":\"\\([^\"]*\\)\".*/\\1/'"
expect_out <<'E'
sales: 60 after 104
service: 140 vs mean 51 sd 1
E

# ---- usage ----
tcase "--help on stdout" "exc-flag --help | head -1"
expect_rc 0
expect_out <<'E'
Usage: exc-flag [-r RULES] [options] [file...]
E
tcase "bad option" "exc-flag --nope"
expect_rc 64
tcase "bad --fail-on" "exc-flag --fail-on severe"
expect_rc 64
expect_err <<'E'
exc-flag: --fail-on: 'severe' is not a severity (low, medium, high, critical)
Try 'exc-flag --help' for more information.
E
tcase "bad --now" "exc-flag --now yesterday"
expect_rc 64
tcase "--version" "exc-flag --version"
expect_out <<'E'
exc-flag (opflow) 0.1.0
E
# E2 and E3 unanswered past due_at, E5 answered after it: breaches all.
tcase "built-in rules without -r" "exc-flag --only six.jsonl | cut -c1-9"
expect_rc 0
expect_out <<'E'
{"id":"E2
{"id":"E3
{"id":"E5
E

# --progress draws on a terminal only: script(1) gives the program one.
if command -v script >/dev/null; then
tcase "--progress on a terminal" "script -qec 'exc-flag --progress $E/six.jsonl > /dev/null' /dev/null | tr '\\r' '\\n' | grep . | tail -1"
expect_out <<'E'
exc-flag: 100% 6 records
E
else
	echo "# skipped: --progress on a terminal (no script(1))"
fi
tcase "--progress with stderr not a terminal: silent" "exc-flag --progress $E/six.jsonl > /dev/null"
expect_err < /dev/null

tcase "about: the field the condition reads first, delta./prev./delta_pct. taken off; null with none" "printf '%s\n' 'flag a low when delta_pct.median_resp_h > 50 && median_resp_h > 4' 'flag b low when enquiries >= 10 && conversion < 0.25' 'flag c low when prev.x.y > 1' 'flag d low when true' 'flag e low when len(tags[0]) > 0 || 1 > 2' > about.rules; echo '{\"median_resp_h\":9,\"delta_pct\":{\"median_resp_h\":80},\"enquiries\":12,\"conversion\":0.1,\"prev\":{\"x\":{\"y\":2}},\"tags\":[\"vip\"]}' | exc-flag -r about.rules | jq -c '[.flags[].about]'"
expect_out <<'E'
["median_resp_h","enquiries","x",null,"tags"]
E
done_testing
