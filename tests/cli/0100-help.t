#!/bin/sh
# 0100-help: every program's --help fits 80 columns (79 characters, so a
# terminal does not wrap) and lists exactly the exit statuses its man page
# documents in EXIT STATUS.
. "$(dirname "$0")/../lib.sh"
MAN=$TESTS/../man

for p in enq-parse enq-classify enq-train enq-route enq-link kpi-rollup exc-flag kpi-report; do
	tcase "$p --help" "$p --help"
	expect_rc 0
	awk 'length($0) > 79 { print FILENAME ":" FNR ": " length($0) " columns" }' "$T/.out" > "$T/wide"
	what="$p --help"
	[ ! -s "$T/wide" ]
	_result $? "no line over 79 columns"
	[ ! -s "$T/wide" ] || sed 's/^/#   /' "$T/wide"
	# the statuses: help's "Exit status:" paragraph, the man page's .It N
	sed -n '/^Exit status:/,$p' "$T/.out" | grep -oE '(^|[ :])[0-9]+ ' | tr -d ' :' > "$T/help-codes"
	awk '/^\.Sh EXIT STATUS/ { p = 1; next } /^\.Sh/ { p = 0 } p && /^\.It [0-9]+$/ { print $2 }' \
		"$MAN/$p.1" > "$T/man-codes"
	if cmp -s "$T/help-codes" "$T/man-codes"; then _result 0 "exit statuses as in $p(1)"; else
		_result 1 "exit statuses as in $p(1)"
		echo "#   help: $(tr '\n' ' ' < "$T/help-codes")  man: $(tr '\n' ' ' < "$T/man-codes")"
	fi
done

done_testing
