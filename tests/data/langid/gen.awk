# gen.awk - records that walk the language guess's word cache
# (tests/cli/8510-langid-words.t), by mode (awk -v mode=...):
#   cap    the 2048-byte cap across every byte of long words, two-byte
#          letters and sequences of three and four bytes (a Cyrillic
#          letter first: never sure, so read up to the cap)
#   big    words of a megabyte, then words that are never read
#   same   one text in 5,000 records
#   vocab  5,000 texts of 2 to 9 words drawn with repeats from a small
#          vocabulary of the eight languages (many close calls)
# Run in the C locale: lengths are bytes.
function rep(s, k,   r) { r = ""; while (k-- > 0) r = r s; return r }
function rec(id, subject, body) {
	printf "{\"id\":\"%s\",\"subject\":\"%s\",\"body\":\"%s\"}\n", id, subject, body
}
BEGIN {
	if (mode == "cap") {
		de = "Bestellungsänderungsbestätigung für meine letzte Bestellung, die Lieferung über München ist nicht angekommen und ich möchte eine Rückerstattung. "
		fr = "Ma commande n'est toujours pas arrivée à Orléans, pourriez-vous vérifier où elle se trouve ? Merci beaucoup. "
		mix = "Bonjour ạ order 注文 please réfund 𠀀 the Bestellung ǆabc ə "
		for (k = 0; k < 48; k++)
			rec(sprintf("cap-de-%02d", k), "Ж", rep("x", k) " " rep(de, 15))
		for (k = 0; k < 24; k++)
			rec(sprintf("cap-fr-%02d", k), "Ж", rep("y", k) " " rep(fr, 20))
		for (k = 0; k < 32; k++)
			rec(sprintf("cap-mix-%02d", k), "Ж", rep("z", k) " " rep(mix, 30))
	} else if (mode == "big") {
		a = "a"; while (length(a) < 1048576) a = a a
		u = "ü"; while (length(u) < 1048576) u = u u
		rec("big-a", "", a " Bestellung bitte")
		rec("big-u", "Guten Tag", u " merci beaucoup")
		rec("big-after", "Ich möchte meine Bestellung stornieren, bitte", a)
		rec("big-mark", "", rep("e\\u0301", 2000) " the order")
	} else if (mode == "same") {
		for (i = 0; i < 5000; i++)
			rec("same-" i, "Bestellung", "Bestellung Lieferung bitte")
	} else if (mode == "vocab") {
		split("the order refund please die Bestellung bitte nicht la commande merci pas el pedido gracias por il ordine grazie non de bestelling bedankt niet o encomenda obrigado não zamówienie dziękuję nie a y e i à d Ж", v, " ")
		nv = 0; for (k in v) nv++
		x = 12345
		for (i = 0; i < 5000; i++) {
			x = (x * 1103515245 + 12345) % 2147483648
			nw = 2 + int(x / 65536) % 8
			t = ""
			for (j = 0; j < nw; j++) {
				x = (x * 1103515245 + 12345) % 2147483648
				t = t (j ? " " : "") v[1 + int(x / 65536) % nv]
			}
			rec("v" i, "", t)
		}
	}
}
