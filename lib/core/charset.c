/* charset.c - bytes in some charset to valid UTF-8: a strict RFC 3629
 * validator, a Windows-1252 decoder, and iconv (glibc) for the rest, with
 * one cached descriptor per charset name.  MIT licence, see COPYING.
 *
 * Deviations (as WHATWG's Encoding Standard and most mail readers do):
 * ISO-8859-1 / Latin-1 is decoded as Windows-1252, because text labelled
 * Latin-1 that has bytes 0x80-0x9F almost always means the Windows curly
 * quotes and euro sign, never the C1 controls.  US-ASCII is decoded as
 * UTF-8 (a superset), so a mislabelled UTF-8 text is not turned into
 * mojibake.  Not thread-safe: the descriptor cache is per process. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "charset.h"
#include "utf8.h"

size_t op_utf8_valid_prefix(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		/* ASCII fast path: 16 bytes at a time with SSE2, then eight, while
		 * no high bit is set (memcpy keeps it legal for unaligned input;
		 * gcc makes it a load) */
#ifdef __SSE2__
		while (n - i >= 16) {
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(s + i)));
			if (m) {	/* on to the first byte with it */
				i += (unsigned)__builtin_ctz(m);
				break;
			}
			i += 16;
		}
#endif
		while (n - i >= 8) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & UINT64_C(0x8080808080808080))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		/* RFC 3629 checks, shared with the JSON scanner */
		size_t k = op_utf8_seq(s + i, s + n);
		if (!k)
			return i;
		i += k;
	}
	return n;
}

/* Windows-1252 0x80-0x9F.  The five bytes the code page leaves undefined
 * (81 8D 8F 90 9D) map to the C1 code points of the same value, as
 * Windows' own MultiByteToWideChar and WHATWG do. */
static const uint16_t cp1252_hi[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static void put_cp1252(op_buf *out, unsigned char c)
{
	unsigned u = c >= 0x80 && c < 0xA0 ? cp1252_hi[c - 0x80] : c;
	char t[3];
	if (u < 0x80) {
		t[0] = (char)u;
		op_buf_add(out, t, 1);
	} else if (u < 0x800) {
		t[0] = (char)(0xC0 | u >> 6);
		t[1] = (char)(0x80 | (u & 0x3F));
		op_buf_add(out, t, 2);
	} else {
		t[0] = (char)(0xE0 | u >> 12);
		t[1] = (char)(0x80 | (u >> 6 & 0x3F));
		t[2] = (char)(0x80 | (u & 0x3F));
		op_buf_add(out, t, 3);
	}
}

void op_cp1252_to_utf8(op_buf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	op_buf_grow(out, n);	/* at least n bytes out; more when not ASCII */
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x80) {
			run++;
			continue;
		}
		op_buf_add(out, str + i - run, run);
		run = 0;
		put_cp1252(out, s[i]);
	}
	op_buf_add(out, str + n - run, run);
}

/* The fallback: valid UTF-8 sequences stay as they are, every other byte
 * is read as Windows-1252.  Text that mixes both (a UTF-8 file edited once
 * in a Latin-1 editor) comes out readable. */
static void mixed_to_utf8(op_buf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		size_t k = op_utf8_valid_prefix(str + i, n - i);
		op_buf_add(out, str + i, k);
		i += k;
		if (i < n)
			put_cp1252(out, s[i++]);
	}
}

/* Names read as UTF-8 (validated), and as Windows-1252 (see the top). */
static const char *const utf8_names[] = {
	"utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "us", "646",
	"iso646-us", "cp367", "ibm367", "csascii", "unicode-1-1-utf-8", NULL
};
static const char *const cp1252_names[] = {
	"windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1",
	"iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819",
	"iso_8859-1:1987", "iso-ir-100", "csisolatin1", NULL
};

/* Labels mail and CSV exports use that glibc's iconv does not know, or
 * knows as a narrower charset than the senders meant. */
static const struct { const char *label, *iconv; } aliases[] = {
	{ "ks_c_5601-1987", "CP949" },	/* Outlook's name for Korean */
	{ "ks_c_5601", "CP949" },
	{ "euc-kr", "CP949" },		/* a superset, as browsers decode it */
	{ "x-sjis", "SHIFT_JIS" },
	{ "shift-jis", "SHIFT_JIS" },
	{ "x-euc-jp", "EUC-JP" },
	{ "gb2312", "GB18030" },	/* GBK and GB18030 are supersets */
	{ "gbk", "GB18030" },
	{ "x-gbk", "GB18030" },
	{ "iso-8859-8-i", "ISO-8859-8" },	/* logical order: same bytes */
	{ "windows-874", "CP874" },
	{ "tis-620", "CP874" },
	{ "x-mac-roman", "MACINTOSH" },
	{ "macintosh", "MACINTOSH" },
	{ "utf-16", "UTF-16" },		/* BOM decides; glibc defaults to BE */
};

static int in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcasecmp(name, *list))
			return 1;
	return 0;
}

/* A small cache of open descriptors: a process meets few charsets, and
 * iconv_open costs far more than a short header value's conversion.  A
 * charset iconv does not know is cached too (cd == -1), so a mailbox full
 * of "x-unknown" does not retry it per message. */
#define NCACHE 8
static struct {
	char name[48];
	iconv_t cd;
	unsigned long used;
} cache[NCACHE];
static unsigned long cache_clock;

static iconv_t get_cd(const char *name)
{
	size_t nl = strlen(name);
	if (nl >= sizeof cache[0].name)
		return (iconv_t)-1;	/* no charset name is that long */
	int slot = 0;
	for (int i = 0; i < NCACHE; i++) {
		if (cache[i].name[0] && !strcasecmp(cache[i].name, name)) {
			cache[i].used = ++cache_clock;
			return cache[i].cd;
		}
		if (cache[i].used < cache[slot].used)
			slot = i;	/* least recently used, or an empty slot */
	}
	const char *to = name;
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (!strcasecmp(name, aliases[i].label)) {
			to = aliases[i].iconv;
			break;
		}
	if (cache[slot].name[0] && cache[slot].cd != (iconv_t)-1)
		iconv_close(cache[slot].cd);
	memcpy(cache[slot].name, name, nl + 1);
	cache[slot].cd = iconv_open("UTF-8", to);
	/* glibc says EINVAL both for a charset it does not know and when an
	 * allocation failed while it loaded the converter: a second try tells
	 * them apart, so a charset is not read as Windows-1252 by mistake */
	if (cache[slot].cd == (iconv_t)-1 && errno != ENOMEM)
		cache[slot].cd = iconv_open("UTF-8", to);
	if (cache[slot].cd == (iconv_t)-1 && errno == ENOMEM)
		op_die(OP_EXIT_SOFTWARE, "out of memory");
	cache[slot].used = ++cache_clock;
	return cache[slot].cd;
}

/* Convert with iconv into out; 0 when every byte converted, -1 (out left
 * as it was) on an invalid or truncated sequence. */
static int conv(op_buf *out, iconv_t cd, const char *s, size_t n)
{
	size_t start = out->len;
	iconv(cd, NULL, NULL, NULL, NULL);	/* reset shift state */
	char *in = (char *)s;
	size_t inleft = n;
	for (int flushing = 0;;) {
		/* room for the common case in one go; grow on E2BIG */
		op_buf_grow(out, inleft * 2 + 16);
		char *o = out->p + out->len;
		size_t oleft = out->cap - out->len - 1;
		size_t r = flushing ? iconv(cd, NULL, NULL, &o, &oleft)
				    : iconv(cd, &in, &inleft, &o, &oleft);
		out->len = (size_t)(o - out->p);
		out->p[out->len] = 0;
		if (r != (size_t)-1) {
			if (flushing)
				break;
			flushing = 1;	/* emit any final shift sequence */
			continue;
		}
		if (errno == E2BIG)
			continue;
		out->len = start;	/* EILSEQ, EINVAL */
		out->p[start] = 0;
		return -1;
	}
	/* "never writes invalid UTF-8": do not trust every converter with
	 * that (UTF-16 and UTF-7 decoders have let lone surrogates through) */
	if (op_utf8_valid_prefix(out->p + start, out->len - start)
	    != out->len - start) {
		out->len = start;
		out->p[start] = 0;
		return -1;
	}
	return 0;
}

int op_to_utf8(op_buf *out, const char *s, size_t n, const char *from)
{
	if (!from || !*from || in_list(from, utf8_names)) {
		if (op_utf8_valid_prefix(s, n) == n) {
			op_buf_add(out, s, n);
			return 0;
		}
		mixed_to_utf8(out, s, n);
		return 1;
	}
	if (in_list(from, cp1252_names)) {
		op_cp1252_to_utf8(out, s, n);
		return 0;
	}
	iconv_t cd = get_cd(from);
	if (cd != (iconv_t)-1 && conv(out, cd, s, n) == 0)
		return 0;
	mixed_to_utf8(out, s, n);
	return 1;
}

/* ---- UTF-16 and UTF-32 ---- */

const char *op_wide_charset(const char *buf, size_t n, const char *encoding, size_t *bom,
			    size_t *unit)
{
	static const struct { const char *label, *iconv; unsigned unit; } names[] = {
		{ "utf-16", "UTF-16LE", 2 }, { "utf-16le", "UTF-16LE", 2 },
		{ "utf-16be", "UTF-16BE", 2 }, { "ucs-2", "UTF-16LE", 2 },
		{ "ucs-2le", "UTF-16LE", 2 }, { "ucs-2be", "UTF-16BE", 2 },
		{ "utf-32", "UTF-32LE", 4 }, { "utf-32le", "UTF-32LE", 4 },
		{ "utf-32be", "UTF-32BE", 4 },
	};
	const unsigned char *b = (const unsigned char *)buf;
	int le32 = n >= 4 && !memcmp(b, "\xff\xfe\0\0", 4);
	int be32 = n >= 4 && !memcmp(b, "\0\0\xfe\xff", 4);
	int le16 = !le32 && n >= 2 && b[0] == 0xFF && b[1] == 0xFE;
	int be16 = n >= 2 && b[0] == 0xFE && b[1] == 0xFF;
	*bom = 0;
	if (encoding) {
		size_t i = 0, k = sizeof names / sizeof names[0];
		while (i < k && strcasecmp(encoding, names[i].label))
			i++;
		if (i == k)
			return NULL;
		*unit = names[i].unit;
		if (*unit == 2 && (le16 || be16)) {
			*bom = 2;
			return le16 ? "UTF-16LE" : "UTF-16BE";
		}
		if (*unit == 4 && (le32 || be32)) {
			*bom = 4;
			return le32 ? "UTF-32LE" : "UTF-32BE";
		}
		return names[i].iconv;
	}
	if (!(le32 || be32 || le16 || be16))
		return NULL;
	*bom = *unit = le32 || be32 ? 4 : 2;
	return le32 ? "UTF-32LE" : be32 ? "UTF-32BE" : le16 ? "UTF-16LE" : "UTF-16BE";
}

const char *op_utf16_guess(const char *b, size_t n)
{
	size_t zero[2] = { 0, 0 }, pairs = n / 2;
	for (size_t i = 0; i < pairs * 2; i++)
		zero[i & 1] += !b[i];
	/* ASCII in UTF-16 is a NUL every other byte; text in any 8-bit
	 * charset has none */
	if (pairs < 2)
		return NULL;
	if (zero[1] * 2 > pairs && zero[0] * 8 < pairs)
		return "UTF-16LE";
	if (zero[0] * 2 > pairs && zero[1] * 8 < pairs)
		return "UTF-16BE";
	return NULL;
}

size_t op_iconv_lossy(iconv_t cd, char **in, size_t *inleft, char **out, size_t *outleft,
		      size_t unit, int eof)
{
	size_t bad = 0;
	while (*inleft) {
		if (iconv(cd, in, inleft, out, outleft) != (size_t)-1)
			break;
		if (errno == E2BIG || (errno == EINVAL && !eof) || *outleft < 3)
			break;	/* more room, or the rest of a unit, next time */
		memcpy(*out, "\xef\xbf\xbd", 3);
		*out += 3;
		*outleft -= 3;
		size_t skip = *inleft < unit ? *inleft : unit;
		*in += skip;
		*inleft -= skip;
		bad++;
	}
	return bad;
}

typedef struct {
	FILE *f;
	iconv_t cd;
	const char *from, *name;
	size_t unit, skip, len;
	int eof, warned;
	char in[16384];
} decoder;

static ssize_t decode_read(void *vd, char *out, size_t size)
{
	decoder *d = vd;
	char *o = out;
	while (o == out && !(d->eof && !d->len)) {
		if (!d->eof && d->len < sizeof d->in) {
			size_t got = fread(d->in + d->len, 1, sizeof d->in - d->len, d->f);
			if (!got && ferror(d->f))
				return -1;
			d->eof = !got;
			size_t drop = got < d->skip ? got : d->skip;
			memmove(d->in + d->len, d->in + d->len + drop, got - drop);
			d->skip -= drop;
			d->len += got - drop;
		}
		char *in = d->in;
		size_t inleft = d->len, oleft = size;
		if (op_iconv_lossy(d->cd, &in, &inleft, &o, &oleft, d->unit, d->eof) && !d->warned) {
			op_warn("%s: not valid %s, bad units read as U+FFFD", d->name, d->from);
			d->warned = 1;
		}
		memmove(d->in, in, inleft);
		d->len = inleft;
		if (size < 4)
			break;	/* no room for a character: stdio asks again */
	}
	return o - out;
}

static int decode_close(void *vd)
{
	decoder *d = vd;
	iconv_close(d->cd);
	free(d);
	return 0;
}

FILE *op_decode_open(FILE *f, const char *from, size_t unit, size_t skip, const char *name)
{
	decoder *d = op_xcalloc(1, sizeof *d);
	d->f = f;
	d->from = from;
	d->name = name;
	d->unit = unit;
	d->skip = skip;
	d->cd = iconv_open("UTF-8", from);
	if (d->cd == (iconv_t)-1)
		op_die(OP_EXIT_SOFTWARE, "iconv: %s: %s", from, strerror(errno));
	cookie_io_functions_t io = { .read = decode_read, .close = decode_close };
	FILE *r = fopencookie(d, "rb", io);
	if (!r)
		op_die(OP_EXIT_SOFTWARE, "out of memory");
	return r;
}
