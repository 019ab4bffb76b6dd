#!/bin/sh
# Runs every C unit test (tests/unit/*.c, built into $OPFLOW_UNIT) and
# passes its TAP through as a subtest each, so prove counts them all.
: "${OPFLOW_UNIT:?run through make check}"
n=0
for t in "$OPFLOW_UNIT"/*; do
	[ -x "$t" ] || continue
	n=$((n + 1))
	name=$(basename "$t")
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out" | sed 's/^/    /'
	if [ $rc -eq 0 ]; then echo "ok $n - unit/$name"; else echo "not ok $n - unit/$name (exit $rc)"; fi
done
echo "1..$n"
