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
	op_langid_free(m);
	return done_testing();
}
