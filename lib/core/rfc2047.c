/* rfc2047.c - MIME encodings of header text and part bodies: RFC 2047
 * encoded words, RFC 2045/2231 parameters, base64 and quoted-printable,
 * read and written.
 * Every loop here is one forward pass over its input: hostile headers cost
 * linear time.  MIT licence, see COPYING.
 *
 * Deviations, for mail as it is rather than as the RFCs wish:
 * - encoded words are decoded even when they touch other text or sit
 *   inside a quoted string (RFC 2047 section 5 forbids both; Outlook and
 *   many webmails produce them);
 * - a plain (non-RFC 2231) parameter value may hold encoded words, as
 *   filename="=?utf-8?B?...?=" from Outlook and Gmail;
 * - a parameter value that is neither a token nor a quoted string (spaces
 *   in an unquoted filename) runs to the next ";". */
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "rfc2047.h"
#include "utf8.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int is_wsp(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* base64 */

static const char b64abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static signed char b64[256];
static int b64_ready;

static void b64_init(void)
{
	memset(b64, -1, sizeof b64);
	for (int i = 0; i < 64; i++)
		b64[(unsigned char)b64abc[i]] = (signed char)i;
	b64_ready = 1;
}

int op_base64_decode(op_buf *out, const char *s, size_t n)
{
	int damaged = 0;
	if (!b64_ready)
		b64_init();
	op_buf_grow(out, n / 4 * 3 + 3);
	out->p[out->len] = 0;	/* grow alone does not terminate */
	unsigned long acc = 0;
	int k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '=') {
			/* padding ends a group: emit what it holds, so that two
			 * padded blocks glued together still decode */
			damaged |= k == 1;
			if (k == 2)
				op_buf_addc(out, (char)(acc >> 4));
			else if (k == 3) {
				op_buf_addc(out, (char)(acc >> 10));
				op_buf_addc(out, (char)(acc >> 2));
			}
			acc = 0;
			k = 0;
			continue;
		}
		int v = b64[c];
		if (v < 0) {
			damaged |= c != ' ' && c != '\t' && c != '\r' && c != '\n';
			continue;
		}
		acc = acc << 6 | (unsigned)v;
		if (++k == 4) {
			char t[3] = { (char)(acc >> 16), (char)(acc >> 8), (char)acc };
			op_buf_add(out, t, 3);
			acc = 0;
			k = 0;
		}
	}
	/* missing padding: a group cut short */
	if (k == 2)
		op_buf_addc(out, (char)(acc >> 4));
	else if (k == 3) {
		op_buf_addc(out, (char)(acc >> 10));
		op_buf_addc(out, (char)(acc >> 2));
	}
	return damaged || k;
}

/* quoted-printable */

int op_qp_decode(op_buf *out, const char *s, size_t n, int header)
{
	int damaged = 0;
	op_buf_grow(out, n);
	out->p[out->len] = 0;
	size_t i = 0, run = 0;	/* run: bytes copied as they are, pending */
	while (i < n) {
		char c = s[i];
		if (c == '=') {
			op_buf_add(out, s + i - run, run);
			run = 0;
			int h = i + 2 < n ? hexval((unsigned char)s[i + 1]) : -1;
			int l = h >= 0 ? hexval((unsigned char)s[i + 2]) : -1;
			if (l >= 0) {
				op_buf_addc(out, (char)(h << 4 | l));
				i += 3;
				continue;
			}
			if (!header) {
				/* soft line break, trailing whitespace allowed */
				size_t j = i + 1;
				while (j < n && (s[j] == ' ' || s[j] == '\t'))
					j++;
				if (j == n) {
					i = n;
					continue;
				}
				if (s[j] == '\n' || (s[j] == '\r' && j + 1 < n && s[j + 1] == '\n')) {
					i = j + (s[j] == '\r' ? 2 : 1);
					continue;
				}
			}
			op_buf_addc(out, '=');	/* not an escape: keep it */
			damaged = 1;
			i++;
			continue;
		}
		if (header && c == '_') {
			op_buf_add(out, s + i - run, run);
			run = 0;
			op_buf_addc(out, ' ');
			i++;
			continue;
		}
		if (!header && (c == ' ' || c == '\t')) {
			/* whitespace at a line's end was added in transport */
			size_t j = i;
			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			if (j == n || s[j] == '\n' || s[j] == '\r') {
				op_buf_add(out, s + i - run, run);
				run = 0;
				i = j;
				continue;
			}
			run += j - i;
			i = j;
			continue;
		}
		run++;
		i++;
	}
	op_buf_add(out, s + n - run, run);
	return damaged;
}

/* encoded words */

/* An encoded word at s[0..n): returns its length (0 when there is none)
 * and sets the charset span (language suffix cut), the encoding letter and
 * the text span. */
static size_t encoded_word(const char *s, size_t n, const char **cs, size_t *csn,
    char *enc, const char **txt, size_t *txtn)
{
	if (n < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	size_t i = 2;
	while (i < n && i < 2 + 64 && s[i] != '?' && !is_wsp((unsigned char)s[i]))
		i++;
	if (i == 2 || i + 2 >= n || s[i] != '?')
		return 0;
	*cs = s + 2;
	*csn = i - 2;
	const char *star = memchr(*cs, '*', *csn);	/* RFC 2231 section 5 */
	if (star)
		*csn = (size_t)(star - *cs);
	char e = s[i + 1];
	if (e != 'q' && e != 'Q' && e != 'b' && e != 'B')
		return 0;
	if (s[i + 2] != '?')
		return 0;
	*enc = (char)(e | 0x20);
	size_t t = i + 3;
	size_t j = t;
	while (j < n && s[j] != '?' && !is_wsp((unsigned char)s[j]))
		j++;
	if (j + 1 >= n || s[j] != '?' || s[j + 1] != '=')
		return 0;
	*txt = s + t;
	*txtn = j - t;
	return j + 2;
}

/* Decoded bytes of adjacent words, waiting for a change of charset. */
typedef struct {
	op_buf bytes;
	char cs[65];
	int fell;
	char *bad;
	size_t badsz;
} pending;

static void note_bad(pending *p, const char *cs)
{
	if (!p->fell && p->bad && p->badsz) {
		size_t l = strlen(cs);
		if (l >= p->badsz)
			l = p->badsz - 1;
		memcpy(p->bad, cs, l);
		p->bad[l] = 0;
	}
	p->fell = 1;
}

static void flush(op_buf *out, pending *p)
{
	if (!p->bytes.len)
		return;
	if (op_to_utf8(out, p->bytes.p, p->bytes.len, p->cs))
		note_bad(p, p->cs);
	op_buf_reset(&p->bytes);
}

static void literal(op_buf *out, const char *s, size_t n, const char *raw, pending *p)
{
	if (!n)
		return;
	if (!raw || op_utf8_valid_prefix(s, n) == n) {
		op_to_utf8(out, s, n, NULL);	/* Windows-1252 fallback: no warning */
		return;
	}
	if (op_to_utf8(out, s, n, raw))
		note_bad(p, raw);
}

int op_rfc2047_decode(op_buf *out, const char *s, size_t n, const char *raw,
    char *bad, size_t badsz)
{
	pending p = { .bad = bad, .badsz = badsz };
	op_buf_grow(out, n);
	out->p[out->len] = 0;
	size_t lit = 0;		/* start of the text not yet written */
	int after_word = 0;	/* the last thing seen was an encoded word */
	size_t i = 0;
	while (i < n) {
		const char *q = memchr(s + i, '=', n - i);
		if (!q)
			break;
		i = (size_t)(q - s);
		const char *cs, *txt;
		size_t csn, txtn;
		char enc;
		size_t wl = encoded_word(s + i, n - i, &cs, &csn, &enc, &txt, &txtn);
		if (!wl) {
			i++;
			continue;
		}
		/* whitespace between two encoded words is not text */
		int only_ws = 1;
		for (size_t k = lit; k < i && only_ws; k++)
			only_ws = is_wsp((unsigned char)s[k]);
		if (!(after_word && only_ws)) {
			flush(out, &p);
			literal(out, s + lit, i - lit, raw, &p);
		}
		if (csn > 64)
			csn = 64;
		if (strlen(p.cs) != csn || strncasecmp(p.cs, cs, csn)) {
			flush(out, &p);
			memcpy(p.cs, cs, csn);
			p.cs[csn] = 0;
		}
		if (enc == 'b')
			op_base64_decode(&p.bytes, txt, txtn);
		else
			op_qp_decode(&p.bytes, txt, txtn, 1);
		i += wl;
		lit = i;
		after_word = 1;
	}
	flush(out, &p);
	literal(out, s + lit, n - lit, raw, &p);
	op_buf_free(&p.bytes);
	return p.fell;
}

/* parameters */

#define MAXSEG 64	/* RFC 2231 continuations kept per parameter */

typedef struct {
	const char *v;
	size_t n;
	int quoted, ext;	/* ext: the "*" form, percent-encoded */
} span;

/* Append a value span to b: quoted strings lose their quotes and
 * backslashes, extended values their %XX escapes. */
static void span_bytes(op_buf *b, const span *sp)
{
	if (sp->ext) {
		for (size_t i = 0; i < sp->n; i++) {
			int h, l;
			if (sp->v[i] == '%' && i + 2 < sp->n
			    && (h = hexval((unsigned char)sp->v[i + 1])) >= 0
			    && (l = hexval((unsigned char)sp->v[i + 2])) >= 0) {
				op_buf_addc(b, (char)(h << 4 | l));
				i += 2;
			} else
				op_buf_addc(b, sp->v[i]);
		}
		return;
	}
	if (!sp->quoted) {
		op_buf_add(b, sp->v, sp->n);
		return;
	}
	for (size_t i = 0; i < sp->n; i++) {
		if (sp->v[i] == '\\' && i + 1 < sp->n)
			i++;
		op_buf_addc(b, sp->v[i]);
	}
}

/* "name", "name*", "name*3", "name*3*": sets the segment (-1 none) and
 * whether the value is extended; 0 when attr is some other parameter. */
static int match_attr(const char *a, size_t an, const char *name, int *seg, int *ext)
{
	size_t nl = strlen(name);
	if (an < nl || strncasecmp(a, name, nl))
		return 0;
	a += nl;
	an -= nl;
	*seg = -1;
	*ext = 0;
	if (!an)
		return 1;
	if (*a != '*')
		return 0;
	a++;
	an--;
	if (!an) {
		*ext = 1;
		return 1;
	}
	int k = 0;
	size_t i = 0;
	while (i < an && a[i] >= '0' && a[i] <= '9' && i < 4)
		k = k * 10 + (a[i++] - '0');
	if (!i)
		return 0;
	if (i < an && a[i] == '*') {
		*ext = 1;
		i++;
	}
	if (i != an)
		return 0;
	*seg = k;
	return 1;
}

/* Skip a quoted string starting at s[i] == '"'; returns the index of the
 * closing quote (or n when unclosed). */
static size_t skip_quoted(const char *s, size_t n, size_t i)
{
	for (i++; i < n && s[i] != '"'; i++)
		if (s[i] == '\\' && i + 1 < n)
			i++;
	return i;
}

int op_mime_param(op_buf *out, const char *s, size_t n, const char *name, int *fell)
{
	span plain = { 0 }, single = { 0 }, segs[MAXSEG];
	int have_plain = 0, have_single = 0, nseg = 0;
	memset(segs, 0, sizeof segs);
	if (fell)
		*fell = 0;

	/* skip the value before the first ";" (the type or disposition) */
	size_t i = 0;
	while (i < n && s[i] != ';') {
		if (s[i] == '"')
			i = skip_quoted(s, n, i);
		if (i < n)
			i++;
	}
	while (i < n) {
		while (i < n && (s[i] == ';' || is_wsp((unsigned char)s[i])))
			i++;
		size_t a = i;
		while (i < n && s[i] != '=' && s[i] != ';' && !is_wsp((unsigned char)s[i]))
			i++;
		size_t an = i - a;
		while (i < n && is_wsp((unsigned char)s[i]))
			i++;
		if (i >= n || s[i] != '=') {
			while (i < n && s[i] != ';')
				i++;
			continue;	/* an attribute without a value */
		}
		i++;
		while (i < n && is_wsp((unsigned char)s[i]))
			i++;
		span v = { s + i, 0, 0, 0 };
		if (i < n && s[i] == '"') {
			size_t e = skip_quoted(s, n, i);
			v.v = s + i + 1;
			v.n = e - i - 1;
			v.quoted = 1;
			i = e < n ? e + 1 : n;
			while (i < n && s[i] != ';')
				i++;	/* junk after the closing quote */
		} else {
			while (i < n && s[i] != ';')
				i++;
			size_t e = i;
			while (e > (size_t)(v.v - s) && is_wsp((unsigned char)s[e - 1]))
				e--;
			v.n = e - (size_t)(v.v - s);
		}
		int seg, ext;
		if (!an || !match_attr(s + a, an, name, &seg, &ext))
			continue;
		v.ext = ext;
		if (seg < 0 && !ext && !have_plain) {
			plain = v;
			have_plain = 1;
		} else if (seg < 0 && ext && !have_single) {
			single = v;
			have_single = 1;
		} else if (seg >= 0 && seg < MAXSEG && !segs[seg].v) {
			segs[seg] = v;
			if (seg + 1 > nseg)
				nseg = seg + 1;
		}
	}

	if (!have_single && !nseg) {
		if (!have_plain)
			return -1;
		op_buf b = { 0 };
		span_bytes(&b, &plain);
		int f = b.len ? op_rfc2047_decode(out, b.p, b.len, NULL, NULL, 0) : 0;
		if (fell)
			*fell = f;
		op_buf_free(&b);
		return 0;
	}

	/* RFC 2231: charset'language'value in the first (extended) piece */
	op_buf b = { 0 };
	char cs[65] = "";
	const span *first = have_single ? &single : &segs[0];
	int npieces = have_single ? 1 : nseg;
	for (int k = 0; k < npieces; k++) {
		span sp = have_single ? single : segs[k];
		if (!sp.v)
			continue;	/* a missing piece: keep the rest */
		if (sp.ext && (have_single || k == 0) && sp.v == first->v) {
			const char *q1 = memchr(sp.v, '\'', sp.n);
			const char *q2 = q1 ? memchr(q1 + 1, '\'', sp.n - (size_t)(q1 + 1 - sp.v)) : NULL;
			if (q2) {
				size_t cl = (size_t)(q1 - sp.v);
				if (cl > 64)
					cl = 64;
				memcpy(cs, sp.v, cl);
				cs[cl] = 0;
				sp.n -= (size_t)(q2 + 1 - sp.v);
				sp.v = q2 + 1;
			}
		}
		span_bytes(&b, &sp);
	}
	int f = op_to_utf8(out, b.p ? b.p : "", b.len, cs);
	if (fell)
		*fell = f && cs[0];
	op_buf_free(&b);
	return 0;
}

/* encoding */

/* =XX, upper-case as RFC 2045 section 6.7 (1) wants */
static void hex_escape(op_buf *out, unsigned char c)
{
	static const char hexdig[] = "0123456789ABCDEF";
	char x[3] = { '=', hexdig[c >> 4], hexdig[c & 15] };
	op_buf_add(out, x, 3);
}

void op_base64_encode(op_buf *out, const void *s, size_t n)
{
	const unsigned char *p = s;
	op_buf_grow(out, (n + 2) / 3 * 4);
	char *o = out->p + out->len;
	for (size_t i = 0; i < n; i += 3) {
		size_t k = n - i < 3 ? n - i : 3;
		unsigned long acc = (unsigned long)p[i] << 16 | (k > 1 ? (unsigned long)p[i + 1] << 8 : 0)
		    | (k > 2 ? p[i + 2] : 0);
		*o++ = b64abc[acc >> 18];
		*o++ = b64abc[(acc >> 12) & 63];
		*o++ = k > 1 ? b64abc[(acc >> 6) & 63] : '=';
		*o++ = k > 2 ? b64abc[acc & 63] : '=';
	}
	out->len = (size_t)(o - out->p);
	out->p[out->len] = 0;
}

/* what a Q word may carry as it is (section 5 (3)); a space is "_" */
static int q_plain(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
	    || c == '!' || c == '*' || c == '+' || c == '-' || c == '/' || c == ' ';
}

/* the length of the character at s: a valid UTF-8 sequence, else a byte */
static size_t char_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k = *p < 0x80 ? 1 : op_utf8_seq(p, p + n);
	return k ? k : 1;
}

#define EW_FRAME 12	/* "=?UTF-8?Q?" and "?=" */

size_t op_rfc2047_word(op_buf *out, const char *s, size_t n, size_t max)
{
	if (max > OP_EW_MAX)
		max = OP_EW_MAX;
	if (max <= EW_FRAME)
		return 0;
	size_t room = max - EW_FRAME;
	size_t q = 0, qlen = 0, b = 0;	/* bytes each form holds, Q's length */
	while (q < n) {
		size_t k = char_len(s + q, n - q), c = 0;
		for (size_t j = 0; j < k; j++)
			c += q_plain((unsigned char)s[q + j]) ? 1 : 3;
		if (qlen + c > room)
			break;
		qlen += c;
		q += k;
	}
	while (b < n) {
		size_t k = char_len(s + b, n - b);
		if ((b + k + 2) / 3 * 4 > room)
			break;
		b += k;
	}
	if (!q && !b)
		return 0;
	/* the same text: Q, readable in a raw header, unless B is 5 shorter
	 * (the bias of Python's email._encoded_words.encode) */
	int use_b = b > q || (b == q && (b + 2) / 3 * 4 + 5 <= qlen);
	if (use_b) {
		op_buf_adds(out, "=?UTF-8?B?");
		op_base64_encode(out, s, b);
	} else {
		op_buf_adds(out, "=?UTF-8?Q?");
		for (size_t i = 0; i < q; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c == ' ')
				op_buf_addc(out, '_');
			else if (q_plain(c))
				op_buf_addc(out, (char)c);
			else
				hex_escape(out, c);
		}
	}
	op_buf_adds(out, "?=");
	return use_b ? b : q;
}

#define QP_LINE 76	/* RFC 2045 section 6.7 (5), the "=" of a soft break included */

/* a line break of s at s[i]: 1 for LF, 2 for CRLF, else 0 */
static size_t line_break(const char *s, size_t n, size_t i)
{
	if (s[i] == '\n')
		return 1;
	return s[i] == '\r' && i + 1 < n && s[i + 1] == '\n' ? 2 : 0;
}

void op_qp_encode(op_buf *out, const char *s, size_t n)
{
	op_buf_grow(out, n + n / 8);
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		size_t br = line_break(s, n, i);
		if (br) {
			op_buf_addc(out, '\n');
			col = 0;
			i += br - 1;
			continue;
		}
		unsigned char c = (unsigned char)s[i];
		int last = i + 1 == n || line_break(s, n, i + 1);
		int plain = (c > ' ' && c < 0x7f && c != '=') || ((c == ' ' || c == '\t') && !last);
		size_t w = plain ? 1 : 3;
		/* room for the "=" of a soft break after it, unless it ends the line */
		if (col + w > QP_LINE - !last) {
			op_buf_add(out, "=\n", 2);
			col = 0;
		}
		if (plain)
			op_buf_addc(out, (char)c);
		else
			hex_escape(out, c);
		col += w;
	}
}
