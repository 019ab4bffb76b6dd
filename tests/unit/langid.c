/* Language identification: a short sentence of each language named
 * right, and no answer ("und") where there is too little, another
 * script, or a mixture too close to call. */
#include <string.h>

#include "langid.h"
#include "tap.h"

static const struct { const char *text, *lang; } cases[] = {
	{ "I was charged twice for my last order, please refund me.", "en" },
	{ "Ich wurde für meine letzte Bestellung doppelt belastet.", "de" },
	{ "Bonjour, ma commande n'est toujours pas arrivée, pouvez-vous vérifier ?", "fr" },
	{ "Hola, me han cobrado dos veces el mismo pedido.", "es" },
	{ "Buongiorno, vorrei sapere quando arriva il mio ordine.", "it" },
	{ "Goedemiddag, mijn bestelling is nog steeds niet aangekomen.", "nl" },
	{ "Olá, gostaria de saber quando chega a minha encomenda.", "pt" },
	{ "Dzień dobry, moje zamówienie jeszcze nie dotarło.", "pl" },
	/* upper case and accents in decomposed form read the same */
	{ "DZIEŃ DOBRY, MOJE ZAMÓWIENIE JESZCZE NIE DOTARŁO.", "pl" },
	{ "Ma commande n'est pas arrive\xcc\x81" "e, merci de ve\xcc\x81rifier.", "fr" },
	/* too little */
	{ "ok", "und" },
	{ "Danke!", "und" },
	{ "", "und" },
	{ "0171 555 0199 / 42 / 2026-01-01", "und" },
	{ "😡😡😡 !!! ???", "und" },
	/* another script */
	{ "Здравствуйте, мой заказ ещё не пришёл, проверьте пожалуйста.", "und" },
	{ "注文した商品がまだ届いていません。確認してください。", "und" },
	/* half one language, half another: too close to call */
	{ "grazie obrigado", "und" },
};

int main(void)
{
	op_langid *m = op_langid_new();
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		is(op_langid_guess(m, cases[i].text, strlen(cases[i].text), NULL), cases[i].lang, "%s", cases[i].text);

	op_langid_res r;
	const char *s = "Hola, me han cobrado dos veces el mismo pedido.";
	op_langid_guess(m, s, strlen(s), &r);
	ok(r.letters == 37 && r.foreign == 0 && r.margin >= OP_LANGID_MIN_MARGIN, "letters, foreign, margin");
	/* a byte that is not UTF-8 is a separator, not the end */
	s = "Hola, me han cobrado\xff dos veces el mismo pedido.";
	is(op_langid_guess(m, s, strlen(s), &r), "es", "an invalid byte");
	ok(r.letters == 37, "an invalid byte is no letter");

	/* the text is read up to OP_LANGID_CAP bytes: German after 2 KiB of
	 * digits is not seen */
	char big[OP_LANGID_CAP + 200];
	memset(big, '7', OP_LANGID_CAP);
	strcpy(big + OP_LANGID_CAP, " Ich wurde für meine letzte Bestellung doppelt belastet.");
	is(op_langid_guess(m, big, strlen(big), &r), "und", "past the cap");
	ok(r.letters == 0, "nothing read past the cap");
	is(op_langid_guess(m, big + 100, strlen(big + 100), NULL), "de", "within the cap");

	/* a long text stops being read once the answer is sure */
	op_langid_guess(m, cases[0].text, strlen(cases[0].text), &r);
	ok(r.letters < 45 && r.margin >= OP_LANGID_SURE, "sure before the end: %u letters, %.1f nats", r.letters, r.margin);
	/* lookups the model cannot answer are skipped (a gram of four whose
	 * first three begin none, of three whose first two begin none): the
	 * letters and margins are what reading every gram gave, to the
	 * half nat */
	static const struct { const char *text, *lang; unsigned letters; double margin; } exact[] = {
		{ "I was charged twice for my last order, please refund me.", "en", 19, 32 },
		{ "Ich wurde für meine letzte Bestellung doppelt belastet.", "de", 16, 41.5 },
		{ "Bonjour, ma commande n'est toujours pas arrivée, pouvez-vous vérifier ?", "fr", 29, 41 },
		{ "grazie obrigado", "und", 14, 1.5 },
		{ "Dzień dobry, moje zamówienie jeszcze nie dotarło.", "pl", 24, 123.5 },
		{ "aaaa bbbb cccc dddd eeee ffff gggg", "nl", 28, 21 },
		{ "Olá, gostaria de saber quando chega a minha encomenda.", "pt", 29, 32 },
	};
	for (size_t i = 0; i < sizeof exact / sizeof *exact; i++) {
		const char *got = op_langid_guess(m, exact[i].text, strlen(exact[i].text), &r);
		ok(!strcmp(got, exact[i].lang) && r.letters == exact[i].letters && r.margin == exact[i].margin,
		   "%s: %s, %u letters, %.1f nats", exact[i].text, got, r.letters, r.margin);
	}
	/* text made to break a faster reading (per symbol, per word): the
	 * answers, letters and margins of the build before it; n 0: strlen */
	static const struct {
		const char *text;
		size_t n;
		const char *lang;
		unsigned letters, foreign;
		double margin;
	} hostile[] = {
	/* invalid UTF-8: a lone lead byte, a sequence cut short by the end
	 * of the text, an overlong form, a surrogate, 0xFF */
	{ "Hola, me han cobrado dos veces el mismo pedido\xc3", 48, "es", 37, 0, 27.0 },
	{ "Hola, me han cobrado dos veces el mismo pedido\xe2\x84", 49, "es", 37, 0, 27.0 },
	{ "Ich wurde f\xc3 meine letzte Bestellung doppelt belastet.", 0, "de", 20, 0, 42.0 },
	{ "Bonjour, ma commande n'est\xc0\xaf toujours pas arriv\xed\xa0\x80" "e, pouvez-vous v\xff" "rifier ?", 0, "fr", 29, 0, 41.0 },
	/* a NUL inside: a separator, read past */
	{ "Dzie\xc5\x84 dobry,\0 moje zam\xc3\xb3wienie jeszcze nie dotar\xc5\x82o.", 53, "pl", 24, 0, 123.5 },
	/* letters of two bytes on both sides of byte 16 and 64 */
	{ "777777777777777\xc3\xa9t\xc3\xa9 tr\xc3\xa8s d\xc3\xa9\xc3\xa7u, la commande n'est toujours pas arriv\xc3\xa9" "e, v\xc3\xa9rifiez", 0, "fr", 21, 0, 63.0 },
	{ "7777777777777777777777777777777777777777777777777777777777777\xc3\xa9t\xc3\xa9 tr\xc3\xa8s d\xc3\xa9\xc3\xa7u, la commande n'est pas arriv\xc3\xa9" "e", 0, "fr", 21, 0, 63.0 },
	/* other scripts beside Latin: words of Cyrillic, Greek, CJK */
	{ "Guten Tag \xd0\x97\xd0\xb4\xd1\x80\xd0\xb0\xd0\xb2\xd1\x81\xd1\x82\xd0\xb2\xd1\x83\xd0\xb9\xd1\x82\xd0\xb5, mir wurde die letzte Bestellung zweimal abgebucht.", 0, "de", 51, 12, 61.0 },
	{ "\xce\x9a\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81\xce\xb1 order please refund me twice charged \xe6\xb3\xa8\xe6\x96\x87", 0, "en", 31, 10, 21.0 },
	/* close languages, and capitals with a combining accent */
	{ "Buenos d\xc3\xad" "as, quer\xc3\xad" "a saber cu\xc3\xa1ndo llega mi pedido", 0, "es", 40, 0, 29.0 },
	{ "Bom dia, queria saber quando chega o meu pedido", 0, "pt", 23, 0, 35.0 },
	{ "MA COMMANDE N'EST PAS ARRIVE\xcc\x81" "E, MERCI DE VE\xcc\x81RIFIER", 0, "fr", 39, 0, 6.0 },
	/* the lead reaches OP_LANGID_SURE exactly at a word's end: read no further */
	{ "Password reset\nI can't reset my password, the link doesn't woork.", 0, "en", 25, 0, 30.0 },
	{ "\xc2\xa1\xc2\xa1" "Est\xc3\xa1 cayendo agua del techo del pasillo!! Vengan ya por favor, calle Tilos 3", 0, "es", 18, 0, 30.0 },
	};
	for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
		size_t n = hostile[i].n ? hostile[i].n : strlen(hostile[i].text);
		const char *got = op_langid_guess(m, hostile[i].text, n, &r);
		ok(!strcmp(got, hostile[i].lang) && r.letters == hostile[i].letters && r.foreign == hostile[i].foreign &&
		   r.margin == hostile[i].margin, "hostile %zu: %s, %u letters, %u foreign, %.1f nats", i, got, r.letters,
		   r.foreign, r.margin);
	}

	/* the word cache: 10,000 texts of words drawn with repeats from a
	 * small vocabulary (one-letter words, capitals, accents composed and
	 * not, other scripts, words past the cache's length, 3,000 made-up
	 * words so that entries are replaced) read the same as with the
	 * cache off, the same guess object throughout */
	static const char *const vocab[] = {
		"a", "d", "e", "y", "o", "i", "à", "the", "THE", "order", "refund", "please", "die", "Bestellung",
		"bitte", "nicht", "über", "u\xcc\x88" "ber", "la", "commande", "merci", "arrive\xcc\x81" "e", "el", "pedido",
		"gracias", "il", "ordine", "grazie", "de", "bestelling", "bedankt", "encomenda", "não", "zamówienie",
		"dziękuję", "Rindfleischetikettierung", "Donaudampfschifffahrt", "abcdefghijklmno", "abcdefghijklmnop",
		"\xd0\x96", "\xe6\xb3\xa8\xe6\x96\x87", "\xce\xb1\xce\xb2", "\xc7\x86" "ab", "\xcc\x81", "\xff", "12",
	};
	static const char *const seps[] = { " ", " ", " ", ", ", ".\n", "'", "\xe2\x80\x99", "-", "\0" };
	static char made[3000][20];
	for (size_t i = 0; i < sizeof made / sizeof *made; i++) {
		unsigned len = 1 + rnd(18);
		for (unsigned j = 0; j < len; j++)
			made[i][j] = "abcdefghijklmnopqrstuvwxyzeeaaoo"[rnd(32)];
	}
	op_langid *plain = op_langid_new();
	op_langid_nocache(plain);
	unsigned same = 0, named = 0;
	char text[4096];
	for (int t = 0; t < 10000; t++) {
		size_t n = 0;
		for (unsigned w = 1 + rnd(t % 10 ? 12 : 400); w > 0; w--) {
			const char *word = rnd(3) ? vocab[rnd(sizeof vocab / sizeof *vocab)] : made[rnd(3000)];
			const char *sep = seps[rnd(sizeof seps / sizeof *seps)];
			size_t wl = strlen(word), sl = *sep ? strlen(sep) : 1;
			if (n + wl + sl > sizeof text)
				break;
			memcpy(text + n, word, wl);
			memcpy(text + n + wl, sep, sl);
			n += wl + sl;
		}
		op_langid_res a, b;
		op_langid_guess(m, text, n, &a);
		op_langid_guess(plain, text, n, &b);
		same += !strcmp(a.lang, b.lang) && a.letters == b.letters && a.foreign == b.foreign && a.margin == b.margin;
		named += strcmp(a.lang, "und") != 0;
	}
	ok(same == 10000, "10,000 texts: the same lang, letters, foreign and margin with the cache and without (%u)", same);
	ok(named > 2000 && named < 9000, "... most named, many not (%u named)", named);
	op_langid_free(plain);
	op_langid_free(m);
	return done_testing();
}
