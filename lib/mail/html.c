/* html.c - HTML to readable plain text.  A single forward pass with a
 * little state (pending line breaks and space, <pre> depth, inside <head>),
 * not a DOM: mail HTML is too often broken for a tree to help, and a pass
 * is linear on any input.  MIT licence, see COPYING.
 *
 * What it does not do: CSS (display:none text is kept), tables laid out as
 * grids (cells become words of one line), links (the text is kept, the
 * URL dropped), images (alt text dropped). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "html.h"

/* The HTML 4 character entities and &apos;, in strcmp order for bsearch. */
static const struct ent {
	const char *name;
	unsigned cp;
} ents[] = {
	{ "AElig", 0xC6 }, { "Aacute", 0xC1 }, { "Acirc", 0xC2 },
	{ "Agrave", 0xC0 }, { "Alpha", 0x391 }, { "Aring", 0xC5 },
	{ "Atilde", 0xC3 }, { "Auml", 0xC4 }, { "Beta", 0x392 },
	{ "Ccedil", 0xC7 }, { "Chi", 0x3A7 }, { "Dagger", 0x2021 },
	{ "Delta", 0x394 }, { "ETH", 0xD0 }, { "Eacute", 0xC9 },
	{ "Ecirc", 0xCA }, { "Egrave", 0xC8 }, { "Epsilon", 0x395 },
	{ "Eta", 0x397 }, { "Euml", 0xCB }, { "Gamma", 0x393 },
	{ "Iacute", 0xCD }, { "Icirc", 0xCE }, { "Igrave", 0xCC },
	{ "Iota", 0x399 }, { "Iuml", 0xCF }, { "Kappa", 0x39A },
	{ "Lambda", 0x39B }, { "Mu", 0x39C }, { "Ntilde", 0xD1 },
	{ "Nu", 0x39D }, { "OElig", 0x152 }, { "Oacute", 0xD3 },
	{ "Ocirc", 0xD4 }, { "Ograve", 0xD2 }, { "Omega", 0x3A9 },
	{ "Omicron", 0x39F }, { "Oslash", 0xD8 }, { "Otilde", 0xD5 },
	{ "Ouml", 0xD6 }, { "Phi", 0x3A6 }, { "Pi", 0x3A0 },
	{ "Prime", 0x2033 }, { "Psi", 0x3A8 }, { "Rho", 0x3A1 },
	{ "Scaron", 0x160 }, { "Sigma", 0x3A3 }, { "THORN", 0xDE },
	{ "Tau", 0x3A4 }, { "Theta", 0x398 }, { "Uacute", 0xDA },
	{ "Ucirc", 0xDB }, { "Ugrave", 0xD9 }, { "Upsilon", 0x3A5 },
	{ "Uuml", 0xDC }, { "Xi", 0x39E }, { "Yacute", 0xDD },
	{ "Yuml", 0x178 }, { "Zeta", 0x396 }, { "aacute", 0xE1 },
	{ "acirc", 0xE2 }, { "acute", 0xB4 }, { "aelig", 0xE6 },
	{ "agrave", 0xE0 }, { "alefsym", 0x2135 }, { "alpha", 0x3B1 },
	{ "amp", 0x26 }, { "and", 0x2227 }, { "ang", 0x2220 },
	{ "apos", 0x27 }, { "aring", 0xE5 }, { "asymp", 0x2248 },
	{ "atilde", 0xE3 }, { "auml", 0xE4 }, { "bdquo", 0x201E },
	{ "beta", 0x3B2 }, { "brvbar", 0xA6 }, { "bull", 0x2022 },
	{ "cap", 0x2229 }, { "ccedil", 0xE7 }, { "cedil", 0xB8 },
	{ "cent", 0xA2 }, { "chi", 0x3C7 }, { "circ", 0x2C6 },
	{ "clubs", 0x2663 }, { "cong", 0x2245 }, { "copy", 0xA9 },
	{ "crarr", 0x21B5 }, { "cup", 0x222A }, { "curren", 0xA4 },
	{ "dArr", 0x21D3 }, { "dagger", 0x2020 }, { "darr", 0x2193 },
	{ "deg", 0xB0 }, { "delta", 0x3B4 }, { "diams", 0x2666 },
	{ "divide", 0xF7 }, { "eacute", 0xE9 }, { "ecirc", 0xEA },
	{ "egrave", 0xE8 }, { "empty", 0x2205 }, { "emsp", 0x2003 },
	{ "ensp", 0x2002 }, { "epsilon", 0x3B5 }, { "equiv", 0x2261 },
	{ "eta", 0x3B7 }, { "eth", 0xF0 }, { "euml", 0xEB },
	{ "euro", 0x20AC }, { "exist", 0x2203 }, { "fnof", 0x192 },
	{ "forall", 0x2200 }, { "frac12", 0xBD }, { "frac14", 0xBC },
	{ "frac34", 0xBE }, { "frasl", 0x2044 }, { "gamma", 0x3B3 },
	{ "ge", 0x2265 }, { "gt", 0x3E }, { "hArr", 0x21D4 },
	{ "harr", 0x2194 }, { "hearts", 0x2665 }, { "hellip", 0x2026 },
	{ "iacute", 0xED }, { "icirc", 0xEE }, { "iexcl", 0xA1 },
	{ "igrave", 0xEC }, { "image", 0x2111 }, { "infin", 0x221E },
	{ "int", 0x222B }, { "iota", 0x3B9 }, { "iquest", 0xBF },
	{ "isin", 0x2208 }, { "iuml", 0xEF }, { "kappa", 0x3BA },
	{ "lArr", 0x21D0 }, { "lambda", 0x3BB }, { "lang", 0x2329 },
	{ "laquo", 0xAB }, { "larr", 0x2190 }, { "lceil", 0x2308 },
	{ "ldquo", 0x201C }, { "le", 0x2264 }, { "lfloor", 0x230A },
	{ "lowast", 0x2217 }, { "loz", 0x25CA }, { "lrm", 0x200E },
	{ "lsaquo", 0x2039 }, { "lsquo", 0x2018 }, { "lt", 0x3C },
	{ "macr", 0xAF }, { "mdash", 0x2014 }, { "micro", 0xB5 },
	{ "middot", 0xB7 }, { "minus", 0x2212 }, { "mu", 0x3BC },
	{ "nabla", 0x2207 }, { "nbsp", 0xA0 }, { "ndash", 0x2013 },
	{ "ne", 0x2260 }, { "ni", 0x220B }, { "not", 0xAC },
	{ "notin", 0x2209 }, { "nsub", 0x2284 }, { "ntilde", 0xF1 },
	{ "nu", 0x3BD }, { "oacute", 0xF3 }, { "ocirc", 0xF4 },
	{ "oelig", 0x153 }, { "ograve", 0xF2 }, { "oline", 0x203E },
	{ "omega", 0x3C9 }, { "omicron", 0x3BF }, { "oplus", 0x2295 },
	{ "or", 0x2228 }, { "ordf", 0xAA }, { "ordm", 0xBA },
	{ "oslash", 0xF8 }, { "otilde", 0xF5 }, { "otimes", 0x2297 },
	{ "ouml", 0xF6 }, { "para", 0xB6 }, { "part", 0x2202 },
	{ "permil", 0x2030 }, { "perp", 0x22A5 }, { "phi", 0x3C6 },
	{ "pi", 0x3C0 }, { "piv", 0x3D6 }, { "plusmn", 0xB1 },
	{ "pound", 0xA3 }, { "prime", 0x2032 }, { "prod", 0x220F },
	{ "prop", 0x221D }, { "psi", 0x3C8 }, { "quot", 0x22 },
	{ "rArr", 0x21D2 }, { "radic", 0x221A }, { "rang", 0x232A },
	{ "raquo", 0xBB }, { "rarr", 0x2192 }, { "rceil", 0x2309 },
	{ "rdquo", 0x201D }, { "real", 0x211C }, { "reg", 0xAE },
	{ "rfloor", 0x230B }, { "rho", 0x3C1 }, { "rlm", 0x200F },
	{ "rsaquo", 0x203A }, { "rsquo", 0x2019 }, { "sbquo", 0x201A },
	{ "scaron", 0x161 }, { "sdot", 0x22C5 }, { "sect", 0xA7 },
	{ "shy", 0xAD }, { "sigma", 0x3C3 }, { "sigmaf", 0x3C2 },
	{ "sim", 0x223C }, { "spades", 0x2660 }, { "sub", 0x2282 },
	{ "sube", 0x2286 }, { "sum", 0x2211 }, { "sup", 0x2283 },
	{ "sup1", 0xB9 }, { "sup2", 0xB2 }, { "sup3", 0xB3 },
	{ "supe", 0x2287 }, { "szlig", 0xDF }, { "tau", 0x3C4 },
	{ "there4", 0x2234 }, { "theta", 0x3B8 }, { "thetasym", 0x3D1 },
	{ "thinsp", 0x2009 }, { "thorn", 0xFE }, { "tilde", 0x2DC },
	{ "times", 0xD7 }, { "trade", 0x2122 }, { "uArr", 0x21D1 },
	{ "uacute", 0xFA }, { "uarr", 0x2191 }, { "ucirc", 0xFB },
	{ "ugrave", 0xF9 }, { "uml", 0xA8 }, { "upsih", 0x3D2 },
	{ "upsilon", 0x3C5 }, { "uuml", 0xFC }, { "weierp", 0x2118 },
	{ "xi", 0x3BE }, { "yacute", 0xFD }, { "yen", 0xA5 },
	{ "yuml", 0xFF }, { "zeta", 0x3B6 }, { "zwj", 0x200D },
	{ "zwnj", 0x200C },
};

typedef struct {
	op_buf *out;
	size_t start;	/* out->len when we began: text before it is not ours */
	int nl;		/* line breaks owed before the next text (0-2) */
	int sp;		/* a space owed before the next text */
	int pre;	/* inside <pre>: whitespace is kept */
	int head;	/* inside <head>: text is not shown */
} state;

static void put(state *st, const char *s, size_t n)
{
	if (!n || st->head)
		return;
	if (st->out->len > st->start) {
		if (st->nl)
			op_buf_add(st->out, "\n\n", st->nl > 2 ? 2 : st->nl);
		else if (st->sp)
			op_buf_addc(st->out, ' ');
	}
	st->nl = st->sp = 0;
	op_buf_add(st->out, s, n);
}

static void brk(state *st, int k)
{
	if (st->nl < k)
		st->nl = k;
	st->sp = 0;
}

static void space(state *st)
{
	if (!st->nl)
		st->sp = 1;
}

static void put_cp(state *st, unsigned c)
{
	char t[4];
	size_t n;
	if (c == 0xA0 || c == 0x202F || c == 0x2007) {
		space(st);	/* no-break spaces: layout, not text */
		return;
	}
	if (c == 0xAD || c == 0x34F || (c >= 0x200B && c <= 0x200D) || c == 0x2060
	    || c == 0xFEFF)
		return;		/* invisible: soft hyphen, joiners, BOM */
	if (c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == ' ') {
		space(st);
		return;
	}
	if (c >= 0x80 && c < 0xA0) {
		/* HTML5: &#150; means what Windows-1252 byte 150 means */
		op_buf tmp = { 0 };
		char b = (char)c;
		op_cp1252_to_utf8(&tmp, &b, 1);
		put(st, tmp.p, tmp.len);
		op_buf_free(&tmp);
		return;
	}
	if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		c = 0xFFFD;
	if (c < 0x20 || c == 0x7F)
		return;
	if (c < 0x80) {
		t[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		t[0] = (char)(0xC0 | c >> 6);
		t[1] = (char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		t[0] = (char)(0xE0 | c >> 12);
		t[1] = (char)(0x80 | (c >> 6 & 0x3F));
		t[2] = (char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		t[0] = (char)(0xF0 | c >> 18);
		t[1] = (char)(0x80 | (c >> 12 & 0x3F));
		t[2] = (char)(0x80 | (c >> 6 & 0x3F));
		t[3] = (char)(0x80 | (c & 0x3F));
		n = 4;
	}
	put(st, t, n);
}

static int is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int ent_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct ent *)e)->name);
}

/* A character reference at s[0] == '&': its length, 0 when there is none
 * (the "&" is then text). */
static size_t entity(state *st, const char *s, size_t n)
{
	size_t i = 1;
	if (i < n && s[i] == '#') {
		int hex = i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'X');
		i += hex ? 2 : 1;
		size_t d = i;
		unsigned long v = 0;
		for (; i < n; i++) {
			int c = (unsigned char)s[i], k;
			if (c >= '0' && c <= '9')
				k = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				k = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				k = c - 'A' + 10;
			else
				break;
			if (v <= 0x10FFFF)
				v = v * (hex ? 16 : 10) + (unsigned)k;
		}
		if (i == d)
			return 0;
		if (i < n && s[i] == ';')
			i++;
		put_cp(st, v > 0x10FFFF ? 0xFFFD : (unsigned)v);
		return i;
	}
	char name[33];
	while (i < n && i <= 32 && is_alnum((unsigned char)s[i]))
		i++;
	if (i == 1 || i > 32)
		return 0;
	memcpy(name, s + 1, i - 1);
	name[i - 1] = 0;
	int semi = i < n && s[i] == ';';
	/* without ";" only the old ones browsers still accept that way */
	static const char *const bare[] = { "amp", "lt", "gt", "quot", "nbsp", "copy", "reg", NULL };
	if (!semi) {
		int k = 0;
		while (bare[k] && strcmp(bare[k], name))
			k++;
		if (!bare[k])
			return 0;
	}
	const struct ent *e = bsearch(name, ents, sizeof ents / sizeof ents[0], sizeof ents[0], ent_cmp);
	if (!e)
		return 0;
	put_cp(st, e->cp);
	return i + semi;
}

enum { T_NONE, T_PARA, T_LINE, T_BR, T_LI, T_CELL, T_PRE, T_HEAD, T_BODY, T_SKIP };

/* What a tag does to the text; T_SKIP elements have content that is never
 * text (its end tag is searched for). */
static int tag_kind(const char *t)
{
	static const struct { const char *name; int kind; } tags[] = {
		{ "p", T_PARA }, { "h1", T_PARA }, { "h2", T_PARA }, { "h3", T_PARA },
		{ "h4", T_PARA }, { "h5", T_PARA }, { "h6", T_PARA },
		{ "blockquote", T_PARA }, { "table", T_PARA }, { "ul", T_PARA },
		{ "ol", T_PARA }, { "dl", T_PARA }, { "hr", T_PARA }, { "form", T_PARA },
		{ "fieldset", T_PARA }, { "address", T_PARA }, { "figure", T_PARA },
		{ "div", T_LINE }, { "tr", T_LINE }, { "dt", T_LINE }, { "dd", T_LINE },
		{ "section", T_LINE }, { "article", T_LINE }, { "header", T_LINE },
		{ "footer", T_LINE }, { "nav", T_LINE }, { "aside", T_LINE },
		{ "main", T_LINE }, { "center", T_LINE }, { "caption", T_LINE },
		{ "option", T_LINE }, { "figcaption", T_LINE }, { "details", T_LINE },
		{ "summary", T_LINE }, { "legend", T_LINE },
		{ "br", T_BR }, { "li", T_LI }, { "td", T_CELL }, { "th", T_CELL },
		{ "pre", T_PRE }, { "head", T_HEAD }, { "body", T_BODY },
		{ "style", T_SKIP }, { "script", T_SKIP }, { "title", T_SKIP },
		{ "template", T_SKIP }, { "xml", T_SKIP },
	};
	for (size_t k = 0; k < sizeof tags / sizeof tags[0]; k++)
		if (!strcmp(t, tags[k].name))
			return tags[k].kind;
	return T_NONE;
}

/* Index of "</name" (any case) at or after i, or n. */
static size_t find_end_tag(const char *s, size_t n, size_t i, const char *name)
{
	size_t nl = strlen(name);
	while (i < n) {
		const char *p = memchr(s + i, '<', n - i);
		if (!p)
			return n;
		i = (size_t)(p - s);
		if (i + 2 + nl <= n && s[i + 1] == '/' && !strncasecmp(s + i + 2, name, nl))
			return i;
		i++;
	}
	return n;
}

/* The end of the tag that starts at s[i] == '<': the index after its ">".
 * Quoted attribute values may hold ">"; when a quote is never closed, the
 * first ">" ends the tag instead (one more pass at most). */
static size_t tag_end(const char *s, size_t n, size_t i)
{
	char q = 0;
	for (size_t j = i + 1; j < n; j++) {
		char c = s[j];
		if (q) {
			if (c == q)
				q = 0;
		} else if (c == '"' || c == '\'') {
			if (s[j - 1] == '=' || s[j - 1] == ' ')
				q = c;	/* a value's opening quote */
		} else if (c == '>')
			return j + 1;
	}
	const char *p = memchr(s + i, '>', n - i);
	return p ? (size_t)(p - s) + 1 : n;
}

static void tag(state *st, const char *name, int closing)
{
	int k = tag_kind(name);
	if (st->head && k != T_NONE && k != T_SKIP && k != T_HEAD)
		st->head = 0;	/* body content without </head> or <body> */
	switch (k) {
	case T_PARA:
		brk(st, 2);
		break;
	case T_LINE:
		brk(st, 1);
		break;
	case T_BR:
		st->nl = st->nl < 2 ? st->nl + 1 : 2;
		st->sp = 0;
		break;
	case T_LI:
		brk(st, 1);
		if (!closing)
			put(st, "- ", 2);
		break;
	case T_CELL:
		space(st);
		break;
	case T_PRE:
		brk(st, 2);
		if (closing)
			st->pre -= st->pre > 0;
		else
			st->pre++;
		break;
	case T_HEAD:
		st->head = !closing;
		break;
	case T_BODY:
		st->head = 0;
		break;
	}
}

void op_html_to_text(op_buf *out, const char *str, size_t n)
{
	op_buf fixed = { 0 };
	if (op_utf8_valid_prefix(str, n) != n) {
		op_to_utf8(&fixed, str, n, NULL);
		str = fixed.p;
		n = fixed.len;
	}
	const char *s = str;
	state st = { .out = out, .start = out->len };
	op_buf_grow(out, n / 2);
	out->p[out->len] = 0;	/* grow alone does not terminate */
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c == '<') {
			if (i + 1 < n && s[i + 1] == '!') {
				if (i + 3 < n && s[i + 2] == '-' && s[i + 3] == '-') {
					const char *e = i + 4 < n ? memmem(s + i + 4, n - i - 4, "-->", 3) : NULL;
					i = e ? (size_t)(e - s) + 3 : n;
				} else
					i = tag_end(s, n, i);	/* <!DOCTYPE>, <![CDATA[ */
				continue;
			}
			if (i + 1 < n && s[i + 1] == '?') {
				i = tag_end(s, n, i);
				continue;
			}
			int closing = i + 1 < n && s[i + 1] == '/';
			size_t j = i + 1 + closing;
			if (j >= n || !((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z')) {
				put(&st, "<", 1);	/* "a < b": text */
				i++;
				continue;
			}
			char name[12];
			size_t k = 0;
			while (j < n && (is_alnum((unsigned char)s[j]) || s[j] == '-' || s[j] == ':')) {
				if (k < sizeof name - 1)
					name[k++] = (char)(s[j] | 0x20);
				else
					k = sizeof name;	/* too long for any tag we know */
				j++;
			}
			if (k >= sizeof name)
				k = 0;
			name[k] = 0;
			size_t e = tag_end(s, n, i);
			tag(&st, name, closing);
			i = e;
			if (!closing && tag_kind(name) == T_SKIP && s[e - 1] == '>' && s[e - 2] != '/')
				i = find_end_tag(s, n, e, name);
			continue;
		}
		if (c == '&') {
			size_t k = entity(&st, s + i, n - i);
			if (!k) {
				put(&st, "&", 1);
				k = 1;
			}
			i += k;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			if (st.pre) {
				if (c == '\n') {
					st.nl = st.nl < 2 ? st.nl + 1 : 2;
					st.sp = 0;
				} else if (c == ' ' || c == '\t')
					put(&st, s + i, 1);
			} else
				space(&st);
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7F) {
			i++;
			continue;
		}
		/* the few multi-byte characters that are space or invisible */
		if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
			space(&st);
			i += 2;
			continue;
		}
		if ((c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xAD)
		    || (c == 0xCD && i + 1 < n && (unsigned char)s[i + 1] == 0x8F)) {
			i += 2;
			continue;
		}
		if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80
		    && (unsigned char)s[i + 2] >= 0x8B && (unsigned char)s[i + 2] <= 0x8D) {
			i += 3;
			continue;
		}
		if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBB
		    && (unsigned char)s[i + 2] == 0xBF) {
			i += 3;
			continue;
		}
		/* a run of ordinary text */
		size_t j = i + 1;
		while (j < n) {
			unsigned char d = (unsigned char)s[j];
			if (d == '<' || d == '&' || d <= ' ' || d == 0x7F || d == 0xC2 || d == 0xCD
			    || d == 0xE2 || d == 0xEF)
				break;
			j++;
		}
		put(&st, s + i, j - i);
		i = j;
	}
	op_buf_free(&fixed);
}

int op_html_charset(const char *s, size_t n, char *cs, size_t csz)
{
	if (n > 1024)
		n = 1024;
	for (size_t i = 0; i + 7 <= n; i++) {
		if ((s[i] | 0x20) != 'c' || strncasecmp(s + i, "charset", 7))
			continue;
		size_t j = i + 7;
		while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n'))
			j++;
		if (j >= n || s[j] != '=')
			continue;
		j++;
		while (j < n && (s[j] == ' ' || s[j] == '"' || s[j] == '\''))
			j++;
		size_t k = j;
		while (k < n && (is_alnum((unsigned char)s[k]) || s[k] == '-' || s[k] == '_'
		    || s[k] == '.' || s[k] == ':'))
			k++;
		if (k == j || k - j >= csz)
			continue;
		memcpy(cs, s + j, k - j);
		cs[k - j] = 0;
		return 0;
	}
	return -1;
}
