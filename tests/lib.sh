# lib.sh - TAP helpers for the CLI tests under tests/cli/ (sourced).
#
#   tcase "what" 'command ...'      run it: stdout, stderr, status kept
#   expect_rc N                     the status
#   expect_out <<'E' ... E          stdout, exactly
#   expect_out_file GOLDEN          stdout, exactly, against a golden file
#   expect_err <<'E' ... E          stderr, exactly ("" for empty: expect_err </dev/null)
#   expect_grep PATTERN FILE        a line of FILE matches (grep -E)
#   skip WHY                        a case that cannot run here, counted
#   done_testing                    the plan, at the end
#
# $BROWSER is tests/browser (a page in headless Chromium: a screenshot, or
# its width in a window of a given width); have_browser says whether
# Chromium is there.
#
# Commands run with sh -c in a scratch directory $T; DATA is tests/data and
# the programs come first on PATH (make check sets it).  Under SANITIZE=1 the
# same tests run against the ASan build.
#
# Golden files: a *.jsonl golden may hold its records in golden-fmt's form,
# one top-level member a line (tests/golden-fmt); it is joined back before
# the byte-for-byte comparison, so either form compares the same.  With
# OPFLOW_REGEN=1 (`make regen-golden`) expect_out_file writes the output
# into the golden instead, *.jsonl in that form, and a golden that two
# cases share is written by the first and compared by the second.
set -u
TESTS=$(cd "$(dirname "$0")/.." && pwd)
DATA=$TESTS/data
T=$(mktemp -d "${TMPDIR:-/tmp}/opflow-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
GOLDEN_FMT=$TESTS/golden-fmt
BROWSER=$TESTS/browser
export DATA T LC_ALL=C TZ=UTC GOLDEN_FMT BROWSER
cd "$T" || exit 1
unset OPFLOW_NOW
n=0 failed=0 what=

tcase() {
	what=$1
	(cd "$T" && sh -c "$2" >"$T/.out" 2>"$T/.err")
	rc=$?
}

_result() {	# _result OK DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $what: $2"
	else
		echo "not ok $n - $what: $2"
		failed=$((failed + 1))
	fi
}

expect_rc() {
	[ "$rc" = "$1" ]
	_result $? "status $1"
	[ "$rc" = "$1" ] || { echo "#   got status $rc; stderr:"; sed 's/^/#   /' "$T/.err"; }
}

_compare() {	# _compare WHICH FILE-GOT FILE-WANT
	if cmp -s "$2" "$3"; then _result 0 "$1"; else
		_result 1 "$1"; diff -u "$3" "$2" | head -40 | sed 's/^/#   /'
	fi
}

expect_out() { cat >"$T/.want"; _compare stdout "$T/.out" "$T/.want"; }
expect_err() { cat >"$T/.want"; _compare stderr "$T/.err" "$T/.want"; }

_golden_fmt() {	# _golden_fmt GOLDEN [-j] FILE: golden-fmt for a *.jsonl golden
	case $1 in
	*.jsonl) shift; "$GOLDEN_FMT" "$@" ;;
	*) shift; [ "$1" != -j ] || shift; cat "$@" ;;
	esac
}
expect_out_file() {
	if [ "${OPFLOW_REGEN:-}" = 1 ] && ! grep -qxF "$1" "$T/.regen" 2>/dev/null; then
		echo "$1" >>"$T/.regen"
		_golden_fmt "$1" "$T/.out" >"$T/.new"
		cmp -s "$T/.new" "$1" || cp "$T/.new" "$1"
	fi
	_golden_fmt "$1" -j "$1" >"$T/.want"
	if cmp -s "$T/.out" "$T/.want"; then _result 0 "stdout = $(basename "$1")"; else
		_result 1 "stdout = $(basename "$1")"
		_golden_fmt "$1" "$T/.want" >"$T/.want.f"
		_golden_fmt "$1" "$T/.out" >"$T/.out.f"
		diff -u "$T/.want.f" "$T/.out.f" | head -40 | sed 's/^/#   /'
	fi
}
expect_file() { cat >"$T/.want"; _compare "$1" "$T/$1" "$T/.want"; }
expect_grep() {
	grep -Eq -- "$1" "$T/${2:-.out}"
	_result $? "${2:-stdout} matches /$1/"
}

skip() {	# skip WHY: a test that cannot run here, counted as TAP wants
	n=$((n + 1))
	echo "ok $n # skip $what: $1"
}

have_browser() { [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; }

done_testing() {
	echo "1..$n"
	[ "$failed" = 0 ]
}
