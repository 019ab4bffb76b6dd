/* rfc2047.c - unit tests for encoded words, MIME parameters (RFC 2231),
 * base64 and quoted-printable.  MIT licence. */
#include <string.h>

#include "rfc2047.h"
#include "tap.h"

static op_buf b;
static char bad[32];
static int rc;

/* op_rfc2047_decode into a fresh buffer */
static const char *dec(const char *s, const char *raw)
{
	op_buf_reset(&b);
	bad[0] = 0;
	rc = op_rfc2047_decode(&b, s, strlen(s), raw, bad, sizeof bad);
	return b.p ? b.p : "";
}

static const char *param(const char *s, const char *name)
{
	op_buf_reset(&b);
	int fell;
	if (op_mime_param(&b, s, strlen(s), name, &fell) < 0)
		return NULL;
	rc = fell;
	return b.p ? b.p : "";
}

static const char *b64(const char *s)
{
	op_buf_reset(&b);
	op_base64_decode(&b, s, strlen(s));
	return b.p ? b.p : "";
}

static const char *qp(const char *s, int header)
{
	op_buf_reset(&b);
	op_qp_decode(&b, s, strlen(s), header);
	return b.p ? b.p : "";
}

static const char *word(const char *s, size_t max)
{
	op_buf_reset(&b);
	rc = (int)op_rfc2047_word(&b, s, strlen(s), max);
	return b.p ? b.p : "";
}

static const char *qpe(const char *s)
{
	op_buf_reset(&b);
	op_qp_encode(&b, s, strlen(s));
	return b.p ? b.p : "";
}

int main(void)
{
	/* encoded words */
	is(dec("plain text", NULL), "plain text", "text without encoded words is kept");
	is(dec("=?utf-8?Q?caf=C3=A9_au_lait?=", NULL), "café au lait", "Q word");
	is(dec("=?UTF-8?B?Y2Fmw6k=?=", NULL), "café", "B word");
	is(dec("=?utf-8?b?Y2Fmw6k?=", NULL), "café", "B word, lower-case b, no padding");
	is(dec("=?iso-8859-1?q?Fran=E7ois?=", NULL), "François", "Latin-1 Q word");
	is(dec("=?koi8-r?B?8NLJ18XU?=", NULL), "Привет", "KOI8-R B word");
	is(dec("=?utf-8?q?a?=  \t =?utf-8?q?b?=", NULL), "ab", "whitespace between words dropped");
	is(dec("=?utf-8?q?a?= x =?utf-8?q?b?=", NULL), "a x b", "text between words kept");
	is(dec("Re: =?utf-8?q?a?= end", NULL), "Re: a end", "words amid text");
	is(dec("=?UTF-8?B?w6k=?==?UTF-8?B?w6k=?=", NULL), "éé", "adjacent words without space");
	is(dec("=?UTF-8?B?ww==?= =?UTF-8?B?nMO8?=", NULL), "Üü", "Ü split after its first byte");
	is(dec("=?utf-8?Q?=E2=80?= =?UTF-8?Q?=93?=", NULL), "–", "multibyte character split across Q words");
	is(dec("=?utf-8?B?4oA=?= =?utf-8?B?kw==?=", NULL), "–", "multibyte character split across B words");
	is(dec("=?utf-8?q?=C3?= =?iso-8859-1?q?=E9?=", NULL), "Ãé", "a change of charset flushes");
	is(dec("=?utf-8*en?Q?hi?=", NULL), "hi", "RFC 2231 language suffix");
	is(dec("=?utf-8?X?abc?=", NULL), "=?utf-8?X?abc?=", "unknown encoding left as is");
	is(dec("=?utf-8?Q?no end", NULL), "=?utf-8?Q?no end", "unterminated word left as is");
	is(dec("a =? b ?= c", NULL), "a =? b ?= c", "lone =? left as is");
	is(dec("=?x-unknown?Q?caf=E9?=", NULL), "café", "unknown charset read as Windows-1252");
	is_num(rc, 1, "... and reported");
	is(bad, "x-unknown", "... with its name");
	dec("=?utf-8?Q?ok?=", NULL);
	is_num(rc, 0, "a known charset is not reported");
	is(dec("Gr\xfc\xdf" "e", NULL), "Grüße", "raw 8-bit header as Windows-1252");
	is(dec("\xf0\xd2\xc9\xd7\xc5\xd4", "koi8-r"), "Привет", "raw 8-bit header in the hinted charset");
	is(dec("Grüße", "koi8-r"), "Grüße", "raw UTF-8 stays UTF-8 whatever the hint");
	is(dec("=?utf-8?q?\xff?=", NULL), "\xc3\xbf", "8-bit junk in a word: still UTF-8");

	/* parameters */
	is(param("text/plain; charset=utf-8", "charset"), "utf-8", "token value");
	is(param("text/plain; CHARSET = \"ISO-8859-1\" ; format=flowed", "charset"), "ISO-8859-1", "quoted value, case-insensitive name, spaces");
	is(param("text/plain; format=flowed", "charset"), NULL, "missing parameter");
	is(param("attachment; filename=\"a \\\"b\\\" c.txt\"", "filename"), "a \"b\" c.txt", "quoted-pairs");
	is(param("attachment; filenamex=a; filename=b", "filename"), "b", "a longer name does not match");
	is(param("multipart/mixed; boundary=\"----=_Part;1\"", "boundary"), "----=_Part;1", "; inside quotes");
	is(param("attachment; filename*=utf-8''Pl%C3%A4ne.pdf", "filename"), "Pläne.pdf", "RFC 2231 extended value");
	is(param("attachment; filename*=iso-8859-1'de'%FCber.txt", "filename"), "über.txt", "RFC 2231 with language");
	is(param("attachment; filename*1*=%C3%BCr.pdf; filename*0*=utf-8''f", "filename"), "für.pdf", "continuations out of order");
	is(param("attachment; filename*0*=utf-8''a%20; filename*1=\"b c\"; filename*2*=%C3%A9", "filename"), "a b cé", "encoded and plain continuations");
	is(param("attachment; filename=\"old.txt\"; filename*=utf-8''new.txt", "filename"), "new.txt", "extended value preferred");
	is(param("attachment; filename=\"=?utf-8?B?w6kudHh0?=\"", "filename"), "é.txt", "encoded word in a quoted value");
	is(param("attachment; filename=my file.txt", "filename"), "my file.txt", "unquoted value with a space");
	is(param("attachment; filename*=x-foo''caf%E9", "filename"), "café", "unknown charset in RFC 2231");
	is_num(rc, 1, "... reported");
	is(param("attachment; filename=\"unclosed", "filename"), "unclosed", "unclosed quote");
	is(param("attachment; filename*=utf-8''%ZZ%4", "filename"), "%ZZ%4", "bad %%-escapes kept");
	is(param("attachment; ;; filename", "filename"), NULL, "attribute without value");

	/* base64 */
	is(b64("aGVsbG8="), "hello", "base64");
	is(b64("aGVs\r\nbG8"), "hello", "base64 across lines, no padding");
	is(b64("aG Vs!b*G8=\n"), "hello", "base64 with junk");
	is(b64("aGk=aGk="), "hihi", "two padded blocks");
	is(b64("a"), "", "a lone sextet gives nothing");

	/* quoted-printable */
	is(qp("caf=C3=a9", 0), "café", "QP hex either case");
	is(qp("soft=\nbreak=\r\n here", 0), "softbreak here", "soft line breaks");
	is(qp("trail   \nx=  \ny", 0), "trail\nxy", "trailing whitespace and '=  ' soft break");
	is(qp("a=ZZb=", 0), "a=ZZb", "bad escapes kept, final '=' a soft break");
	is(qp("a_b=5Fc", 1), "a b_c", "Q encoding: _ is a space");

	/* encoders */
	is(word("Grüße aus Köln", 75), "=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=", "B when 5 shorter than Q (24, 29)");
	is_num(rc, 17, "... takes it all");
	is(word("Grüße aus Kölner Land", 75), "=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6lner_Land?=", "Q when B is not 5 shorter (32, 36)");
	is(word("Привет", 75), "=?UTF-8?B?0J/RgNC40LLQtdGC?=", "B word where it is shorter");
	is(word("a.b", 75), "=?UTF-8?Q?a=2Eb?=", "Q leaves only a phrase's characters");
	is(word("ab", 75), "=?UTF-8?Q?ab?=", "Q on a tie");
	is(word("aaaü", 19), "=?UTF-8?Q?aaa?=", "a character is never split across words");
	is_num(rc, 3, "... 3 bytes taken");
	is(word("aaaü", 20), "=?UTF-8?B?YWFhw7w=?=", "B where it holds more");
	is(word("ü", 15), "", "no room for one character: nothing");
	is_num(rc, 0, "... 0 taken");
	is(word("€", 20), "=?UTF-8?B?4oKs?=", "B takes the character Q cannot fit");
	is(word("x", 200), "=?UTF-8?Q?x?=", "max above 75 is 75");
	static const char *const b64cases[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "\xff\xfe\xfd", "//79" },
	};
	for (size_t i = 0; i < sizeof b64cases / sizeof b64cases[0]; i++) {
		op_buf_reset(&b);
		op_base64_encode(&b, b64cases[i][0], strlen(b64cases[i][0]));
		is(b.p ? b.p : "", b64cases[i][1], "base64 of '%s' (RFC 4648 section 10)", b64cases[i][0]);
	}
	is(qpe("caf\xc3\xa9 = ok\n"), "caf=C3=A9 =3D ok\n", "QP: 8-bit and = escaped");
	is(qpe("end \ntab\t\r\nlast "), "end=20\ntab=09\nlast=20", "QP: whitespace ending a line, CRLF as LF");
	op_buf_reset(&b);
	op_qp_encode(&b, "a\rb", 4);
	is(b.p, "a=0Db=00", "QP: lone CR and NUL escaped");
	char l[200];
	memset(l, 'x', 76);
	l[76] = 0;
	is(qpe(l), l, "QP: a line of 76 stays one");
	l[76] = 'y';
	l[77] = 0;
	is(qpe(l), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=\nxy",
	    "QP: 77 broken after 75, the = making 76");
	memset(l, 'x', 74);
	strcpy(l + 74, "\xc3\xa9");
	is(qpe(l), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=\n=C3=A9",
	    "QP: an escape is never split by a soft break");
	memset(l, 'x', 74);
	strcpy(l + 74, "\xc3\nz");
	is(qpe(l), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=\n=C3\nz",
	    "QP: =XX at 74 to 77 would pass 76: broken before it");
	/* and the decoder reads back what the encoder wrote */
	const char *rt = "Gr\xc3\xbc\xc3\x9f Gott =\t\n\n  lange Zeile \xe2\x80\x93 "
	    "lange Zeile lange Zeile lange Zeile lange Zeile lange Zeile lange Zeile \n";
	op_buf enc = { 0 };
	op_qp_encode(&enc, rt, strlen(rt));
	is(qp(enc.p, 0), rt, "QP encode then decode gives the text back");
	op_buf_free(&enc);

	op_buf_free(&b);
	return done_testing();
}
