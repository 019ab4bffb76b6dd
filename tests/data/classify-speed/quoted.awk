# tests/cli/8500-classify-speed.t's input for the rules that skip quoted
# lines (^(?!>)[^\n]*? under the m flag): quoted lines at the start, in
# the middle and at the end of a body, '>' after spaces, CRLF line ends,
# matches that cross from a line into a quoted one and back, a line of a
# megabyte, 10,000 quoted lines before one fresh line.
function rec(id, subject, body) {
	printf "{\"id\":\"%s\",\"subject\":\"%s\",\"body\":\"%s\"}\n", id, subject, body
}
function rep(s, n,   r) { r = ""; while (n-- > 0) r = r s; return r }
BEGIN {
	rec("start-q", "", "> please cancel my order REF-1001\\nThanks")
	rec("start-fresh", "", "> old news\\nplease cancel my order REF-1002")
	rec("mid-q", "Hi", "Hello\\n> I want a refund, it is late\\nBye")
	rec("mid-fresh", "Hi", "> a\\nI want a refund\\n> b")
	rec("end-q", "Hello there", "all fine\\n> refund REF-1003 \\u00a35")
	rec("end-fresh", "", "> x\\n> y\\nrefund REF-1004")
	rec("space-gt", "", "  > cancel my plan, it is delayed")
	rec("tab-gt", "", "\\t> refund")
	rec("crlf-q", "", "> refund\\r\\nnothing here\\r\\n")
	rec("crlf-fresh", "", "> cancel my\\r\\nI need a refund\\r\\n")
	rec("span-into-q", "", "please cancel\\n> my order")
	rec("span-from-q", "", "> please cancel\\nmy order")
	rec("span-two", "", "> cancel\\ncancel\\n> my")
	rec("amounts", "", "\\u00a35 and \\u00a36\\n> \\u00a37\\n\\u00a38 \\u00a39\\n>\\u00a310")
	rec("refs", "> REF-2001", "REF-2002\\n> REF-2003")
	rec("trail-nl", "", "> x\\n")
	rec("only-gt", "", ">")
	rec("empty", "", "")
	rec("alt", "", "> foo\\n> bar")
	rec("alt2", "", "> foo bar\\nfoo")
	rec("invoice", "Re: invoice", "> Your invoice REF-3001 is attached\\n> receipt\\nCould you give me a quote please?")
	rec("booking", "", "> To reschedule or cancel, reply to this message\\nCan I book an appointment?")
	big = rep("lorem ipsum dolor sit amet ", 40000)
	rec("mega", "", big "please cancel my contract, refund \\u00a399")
	rec("mega-q", "", "> " big "refund\\n" big "cancel my plan")
	rec("many-q", "", rep("> please cancel my order, refund REF-4001 \\u00a31\\n", 10000) "I need a refund REF-4002 \\u00a32")
}
