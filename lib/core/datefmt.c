/* datefmt.c - strftime-like formatting with weekday and month names per
 * language, from a table rather than the C locale (which a cron job
 * rarely has, and which is one per process where a run writes letters in
 * several languages).  MIT licence, see COPYING. */
#include <string.h>

#include "datefmt.h"

const char *const op_datelangs[] = { "en", "de", "fr", "es", "it", "nl", "pt", "pl", NULL };

/* per language: weekdays from Monday, full then short; months from
 * January, full then short (the forms of the CLDR "format" context,
 * nominative, lower case where the language writes them so) */
static const char *const names[8][38] = {
	{ "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
	  "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
	  "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
	  "November", "December",
	  "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" },
	{ "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag",
	  "Mo", "Di", "Mi", "Do", "Fr", "Sa", "So",
	  "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
	  "November", "Dezember",
	  "Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez" },
	{ "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
	  "lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.",
	  "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
	  "novembre", "décembre",
	  "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc." },
	{ "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo",
	  "lun", "mar", "mié", "jue", "vie", "sáb", "dom",
	  "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
	  "noviembre", "diciembre",
	  "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic" },
	{ "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica",
	  "lun", "mar", "mer", "gio", "ven", "sab", "dom",
	  "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
	  "ottobre", "novembre", "dicembre",
	  "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic" },
	{ "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
	  "ma", "di", "wo", "do", "vr", "za", "zo",
	  "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
	  "november", "december",
	  "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec" },
	{ "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo",
	  "seg", "ter", "qua", "qui", "sex", "sáb", "dom",
	  "janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
	  "novembro", "dezembro",
	  "jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez" },
	{ "poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela",
	  "pon.", "wt.", "śr.", "czw.", "pt.", "sob.", "niedz.",
	  "styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień", "wrzesień",
	  "październik", "listopad", "grudzień",
	  "sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru" },
};

static const char directives[] = "YymdeHIMSpAaBbj%";

int op_datelang(const char *code, size_t n)
{
	for (int i = 0; op_datelangs[i]; i++)
		if (n == 2 && !memcmp(op_datelangs[i], code, 2))
			return i;
	return -1;
}

int op_datefmt_check(const char *fmt, const char **bad)
{
	for (const char *s = fmt; *s; s++) {
		if (*s != '%')
			continue;
		if (!s[1] || !strchr(directives, s[1])) {
			*bad = s;
			return -1;
		}
		s++;
	}
	return 0;
}

/* v in at least width digits, zero-padded: no printf per directive */
static void digits(op_buf *b, long long v, int width)
{
	char t[24];
	int n = 0, neg = v < 0;
	unsigned long long u = neg ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do
		t[n++] = (char)('0' + u % 10);
	while ((u /= 10) && n < 20);
	while (n < width)
		t[n++] = '0';
	if (neg)
		op_buf_addc(b, '-');
	while (n)
		op_buf_addc(b, t[--n]);
}

void op_datefmt(op_buf *b, const op_tm *tm, const char *fmt, int lang)
{
	const char *const *nm = names[lang >= 0 && lang < 8 ? lang : 0];
	for (const char *s = fmt; *s; s++) {
		if (*s != '%' || !s[1]) {
			op_buf_addc(b, *s);
			continue;
		}
		switch (*++s) {
		case 'Y': digits(b, tm->year, 4); break;
		case 'y': digits(b, (tm->year % 100 + 100) % 100, 2); break;
		case 'm': digits(b, tm->month, 2); break;
		case 'd': digits(b, tm->day, 2); break;
		case 'e': digits(b, tm->day, 1); break;	/* not strftime's space pad: a letter wants none */
		case 'H': digits(b, tm->hour, 2); break;
		case 'I': digits(b, tm->hour % 12 ? tm->hour % 12 : 12, 2); break;
		case 'M': digits(b, tm->min, 2); break;
		case 'S': digits(b, tm->sec, 2); break;
		case 'p': op_buf_adds(b, tm->hour < 12 ? "am" : "pm"); break;
		case 'A': op_buf_adds(b, nm[tm->wday]); break;
		case 'a': op_buf_adds(b, nm[7 + tm->wday]); break;
		case 'B': op_buf_adds(b, nm[14 + tm->month - 1]); break;
		case 'b': op_buf_adds(b, nm[26 + tm->month - 1]); break;
		case 'j': digits(b, tm->yday + 1, 3); break;
		default: op_buf_addc(b, *s); break;	/* %%, and what op_datefmt_check refused */
		}
	}
}
