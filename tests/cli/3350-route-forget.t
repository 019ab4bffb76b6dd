#!/bin/sh
# enq-route --state: closing times, --forget-after, version 1 files.
. "$(dirname "$0")/../lib.sh"
export OPFLOW_NOW=2026-11-23T12:00:00Z

printf 'team s owners ann ben assign least-open\nroute all -> s\n' > lo.rules
# closed 91 and 89 days before --now, 1 second either side of 90 days,
# and open for a year
cat > st <<'S'
opflow-state enq-route 2
a OLD s ann closed 2026-08-24T12:00:00Z
a EDGE1 s ann closed 2026-08-25T11:59:59Z
a EDGE2 s ann closed 2026-08-25T12:00:00Z
a RECENT s ben closed 2026-08-26T12:00:00Z
a AGED s ben open
end 5
S
tcase "closed more than 90 days ago: dropped when the state is written" "cp st st1; enq-route -r lo.rules --state st1 < /dev/null; cat st1"
expect_rc 0
expect_out <<'E'
opflow-state enq-route 2
a EDGE2 s ann closed 2026-08-25T12:00:00Z
a RECENT s ben closed 2026-08-26T12:00:00Z
a AGED s ben open
end 3
E
tcase "--forget-after 1w keeps a week; open ones stay however old" "cp st st2; enq-route -r lo.rules --state st2 --forget-after 1w < /dev/null; grep '^a ' st2"
expect_out <<'E'
a AGED s ben open
E
tcase "--forget-after 1000d keeps them all" "cp st st3; enq-route -r lo.rules --state st3 --forget-after 1000d < /dev/null; grep -c '^a ' st3"
expect_out <<'E'
5
E
tcase "a forgotten id that comes back is a new enquiry" "cp st st4; enq-route -r lo.rules --state st4 < /dev/null; echo '{\"id\":\"OLD\"}' | enq-route -r lo.rules --state st4 --stats 2>&1 >/dev/null | grep -o '\"assigned\":[0-9]*'; grep OLD st4"
expect_out <<'E'
"assigned":1
a OLD s ann open
E
tcase "closing records the time (--now)" "printf '{\"id\":\"N1\"}\n{\"id\":\"N2\",\"status\":\"closed\"}\n' | enq-route -r lo.rules --state st5 > /dev/null; echo N1 > cl; enq-route -r lo.rules --state st5 --close cl --now 2026-11-24T08:30:00Z < /dev/null; grep '^a ' st5"
expect_out <<'E'
a N1 s ann closed 2026-11-24T08:30:00Z
a N2 s ben closed 2026-11-23T12:00:00Z
E

# version 1 wrote "closed" without a time: read, closed from this run on
printf 'opflow-state enq-route 1\na V1 s ann closed\na V2 s ben open\nend 2\n' > v1
tcase "a version 1 state loads; its closed ones get the run's time" "enq-route -r lo.rules --state v1 < /dev/null; cat v1"
expect_rc 0
expect_out <<'E'
opflow-state enq-route 2
a V1 s ann closed 2026-11-23T12:00:00Z
a V2 s ben open
end 2
E
tcase "... and are forgotten 90 days after that run" "enq-route -r lo.rules --state v1 --now 2027-02-21T12:00:01Z < /dev/null; grep '^a ' v1"
expect_out <<'E'
a V2 s ben open
E

printf 'opflow-state enq-route 2\na X s ann closed yesterday\nend 1\n' > badtime
printf 'opflow-state enq-route 2\na X s ann closed 2026-11-23T12:00:00\nend 1\n' > naive
tcase "a closing time that is not RFC 3339 UTC" "enq-route -r lo.rules --state badtime < /dev/null; enq-route -r lo.rules --state naive < /dev/null"
expect_rc 78
expect_err <<'E'
enq-route: badtime:2: damaged line "a X s ann closed yesterday"
enq-route: naive:2: damaged line "a X s ann closed 2026-11-23T12:00:00"
E
# a damaged count in the last line claims four thousand million entries:
# refused as damaged, not an attempt to make room for them all
printf 'opflow-state enq-route 2\na X s ann open\nend 4000000000\n' > hugeend
tcase "an \"end N\" larger than the file can hold is damage, not a reservation" "enq-route -r lo.rules --state hugeend < /dev/null"
expect_rc 78
expect_err <<'E'
enq-route: hugeend:3: damaged state file: "end 4000000000" but 1 lines before it
E
tcase "--forget-after needs a duration" "enq-route -r lo.rules --state st --forget-after 3bd < /dev/null"
expect_rc 64
expect_err <<'E'
enq-route: --forget-after: '3bd' is not a duration (such as 90d or 26w)
Try 'enq-route --help' for more information.
E

# a state larger than one 64 KiB chunk, read and written in pieces
awk 'BEGIN { print "opflow-state enq-route 1"
	for (i = 1; i <= 20000; i++) printf "a ID%05d s %s open\n", i, i % 2 ? "ann" : "ben"
	print "end 20000" }' > big
tcase "a state of 20,000 lines reads and writes back whole" "echo '{\"id\":\"ID12345\"}' | enq-route -r lo.rules --state big | grep -o '\"owner\":\"[a-z]*\"'; sed -n '1p;\$p' big; grep -c '^a ID[0-9]* s [ab][ne][nn] open\$' big"
expect_out <<'E'
"owner":"ann"
opflow-state enq-route 2
end 20000
20000
E
# rr lines alone longer than a 64 KiB piece: the enquiries still follow
awk 'BEGIN { for (i = 1; i <= 700; i++) { n = sprintf("team_%03d_", i); while (length(n) < 100) n = n "x"
	printf "team %s owners ann assign round-robin\n", n }
	printf "route all -> %s\n", n }' > many.rules
tcase "700 round-robin teams of 100-byte names, and an enquiry" "echo '{\"id\":\"Z\"}' | timeout 20 enq-route -r many.rules --state mst > /dev/null; echo \$?; grep -c '^rr' mst; grep '^a' mst | cut -c1-12; tail -1 mst"
expect_out <<'E'
0
700
a Z team_700
end 701
E
done_testing
