#!/bin/sh
# 0200-layers: lib/ is layered as lib/README's table says - a folder
# includes headers of its own and of the folders its line names, nothing
# else - and the table names every folder, so no cycle can creep in.
. "$(dirname "$0")/../lib.sh"
LIB=$TESTS/../lib

# folder -> allowed folders, from the list ("    name: a b c")
awk '/^Layers/ { on = 1 } on && /^    [a-z]+:/ { sub(/:$/, "", $1); print } on && /^Errors/ { exit }' \
	"$LIB/README" > "$T/allowed"

what="the table"
for d in "$LIB"/*/; do
	d=$(basename "$d")
	grep -q "^$d\( \|\$\)" "$T/allowed"
	_result $? "lib/$d/ has a line in lib/README"
done

# where each header lives
for h in "$LIB"/*/*.h; do echo "$(basename "$h") $(basename "$(dirname "$h")")"; done > "$T/homes"

what="includes"
: > "$T/bad"
for f in "$LIB"/*/*.[ch]; do
	d=$(basename "$(dirname "$f")")
	ok=" $d $(grep "^$d\( \|\$\)" "$T/allowed" | cut -d' ' -f2-) "
	grep -o '^#include "[^"]*"' "$f" | sed 's/.*"\(.*\)"/\1/' | while read -r h; do
		home=$(awk -v h="$h" '$1 == h { print $2 }' "$T/homes")
		[ -n "$home" ] || continue
		case $ok in *" $home "*) ;; *) echo "lib/$d/$(basename "$f") includes $h ($home/)" >> "$T/bad" ;; esac
	done
done
[ ! -s "$T/bad" ]
_result $? "every include within the layers"
sed 's/^/#   /' "$T/bad"

# and the table itself has no cycle: tsort fails on one
awk '{ for (i = 2; i <= NF; i++) print $1, $i }' "$T/allowed" | tsort > /dev/null 2> "$T/cycle"
[ ! -s "$T/cycle" ]
_result $? "the layers have no cycle"

done_testing
