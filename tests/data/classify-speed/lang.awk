# tests/cli/8500-classify-speed.t's input for the language guess: a
# sentence of each language after 0 to 70 bytes of digits and spaces, so
# that its multibyte letters fall on every side of a 16- and a 64-byte
# boundary; the same split by a NUL, by a word of another script, in
# capitals, with combining accents; sentences of languages that are close;
# one line of a megabyte.
function rec(id, subject, body) {
	printf "{\"id\":\"%s\",\"subject\":\"%s\",\"body\":\"%s\"}\n", id, subject, body
}
function pad(n,   s) { s = ""; while (n-- > 0) s = s (n % 5 ? "7" : " "); return s }
BEGIN {
	n = split("en|de|fr|es|it|nl|pt|pl|ca|ro", code, "|")
	t[1] = "I was charged twice for my last order, please refund me."
	t[2] = "Ich wurde für meine letzte Bestellung doppelt belastet, bitte prüfen Sie das."
	t[3] = "Bonjour, ma commande n'est toujours pas arrivée, pouvez-vous vérifier où elle est ?"
	t[4] = "Hola, me han cobrado dos veces el mismo pedido. ¿Pueden devolverme el dinero?"
	t[5] = "Buongiorno, vorrei sapere quando arriverà il mio ordine, è già passata una settimana."
	t[6] = "Goedemiddag, mijn bestelling is nog steeds niet aangekomen, kunt u dat nagaan?"
	t[7] = "Olá, gostaria de saber quando chega a minha encomenda, já passou uma semana."
	t[8] = "Dzień dobry, moje zamówienie jeszcze nie dotarło, proszę sprawdzić przesyłkę."
	t[9] = "Bon dia, la meva comanda encara no ha arribat, podeu comprovar-ho?"
	t[10] = "Bună ziua, comanda mea încă nu a sosit, vă rog să verificați."
	for (k = 1; k <= n; k++) {
		for (off = 0; off <= 70; off++)
			rec(code[k] "-at-" off, "", pad(off) t[k])
		for (off = 8; off <= 72; off += 8) {
			s = t[k]
			cut = off < length(s) ? off : length(s)
			rec(code[k] "-nul-" off, "", substr(s, 1, cut) "\\u0000" substr(s, cut + 1))
			rec(code[k] "-cyr-" off, "", substr(s, 1, cut) " Здравствуйте " substr(s, cut + 1))
			rec(code[k] "-cjk-" off, substr(s, 1, cut), "注文した商品 " substr(s, cut + 1))
			rec(code[k] "-emoji-" off, "", pad(off) "😡\\ud83d\\ude21 " t[k])
		}
		rec(code[k] "-caps", "", toupper(t[k]))
		rec(code[k] "-short", substr(t[k], 1, 14), "")
	}
	# combining accents (e + U+0301), at both sides of byte 16
	for (off = 10; off <= 20; off++)
		rec("comb-" off, "", pad(off) "Ma commande n'est pas arrive\\u0301e, merci de ve\\u0301rifier.")
	# close calls: two languages in one text
	rec("mix-es-pt", "Hola, obrigado", "me han cobrado, gostaria de saber")
	rec("mix-it-pt", "grazie obrigado", "")
	rec("mix-en-de", "Please prüfen", "the order Bestellung doppelt, refund me")
	# a megabyte: Dutch first, then French to the end
	big = ""
	for (i = 0; i < 12000; i++) big = big "ma commande n'est toujours pas arrivée, pouvez-vous "
	rec("mega-nl", "mijn bestelling is nog steeds niet aangekomen", big)
	rec("mega-fr", "", big)
}
