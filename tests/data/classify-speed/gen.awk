# tests/cli/8500-classify-speed.t's input: each literal of edge.rules at
# every offset around a 16-byte boundary and at the very end of the text;
# deterministic junk of control characters, multibyte UTF-8 (U+212A
# KELVIN SIGN and U+017F LONG S among it) and pieces of the literals; one
# line of a megabyte, its literals in the middle and at the end.
function rec(id, subject, body) {
	printf "{\"id\":\"%s\",\"subject\":\"%s\",\"body\":\"%s\"}\n", id, subject, body
}
function pad(n,   s) { s = ""; while (n-- > 0) s = s "x"; return s }
function rnd(n) { seed = (seed * 1103515245 + 12345) % 2147483648; return int(seed / 65536) % n }
BEGIN {
	split("refund|Refunds|kiosk|\\u212Aiosk|stop my plan|\\u017Ftop my contract|zzend|EXACT|exact|AB123|ref-1234|REF-12345", lit, "|")
	for (k = 1; k in lit; k++)
		for (off = 0; off <= 33; off++) {
			rec("at-" k "-" off, pad(off) " " lit[k], "")
			rec("end-" k "-" off, "", pad(off) lit[k])
		}
	split("a|e|s|k|K|1|2|3| |-|.|\\u0001|\\u001f|\\t|\\n|\\\\|\\\"|\\u00e9|\\u20ac|\\u212A|\\u017F|\\ud83d\\ude21|\\u0436|\\u6ce8|re|fund|kio|sk|stop |my |plan|zz|end|AB|12|REF-|0", junk, "|")
	nj = 0
	for (k in junk) nj++
	seed = 42
	for (r = 0; r < 400; r++) {
		s = ""
		n = rnd(120)
		for (i = 0; i < n; i++) s = s junk[1 + rnd(nj)]
		rec("junk-" r, "", s)
	}
	big = ""
	for (i = 0; i < 15000; i++) big = big "lorem ipsum dolor sit amet, consectetur adipiscing "
	rec("mega", "big", big " AB123 " big " zzend")
}
