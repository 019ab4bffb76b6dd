/* buf.c - growable byte buffers and JSON string escaping.  MIT licence. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "opflow.h"

void op_buf_enlarge(op_buf *b, size_t extra)
{
	if (extra >= SIZE_MAX / 2 - b->len)
		op_die(OP_EXIT_SOFTWARE, "out of memory");
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->p = op_xrealloc(b->p, cap);
	b->cap = cap;
	b->p[b->len] = 0;	/* the promise of opflow.h, from the first call */
}

void op_buf_add(op_buf *b, const void *s, size_t n)
{
	op_buf_grow(b, n);
	op_copy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void op_buf_adds(op_buf *b, const char *s)
{
	op_buf_add(b, s, strlen(s));
}

void op_buf_printf(op_buf *b, const char *fmt, ...)
{
	va_list ap;
	op_buf_grow(b, 64);
	size_t avail = b->cap - b->len;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->len, avail, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->p[b->len] = 0;
		return;
	}
	if ((size_t)n >= avail) {
		op_buf_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void op_buf_uint(op_buf *b, unsigned long long v)
{
	char d[20], *p = d + sizeof d;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	op_buf_add(b, p, (size_t)(d + sizeof d - p));
}

void op_buf_reset(op_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = 0;
}

void op_buf_free(op_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* How many bytes of s[0..n) a JSON string holds as they are: none of
 * '"', '\\' and the control characters (RFC 8259, section 7); 16 at a
 * time with SSE2. */
static int json_special(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

#ifdef __SSE2__
/* bit k set: byte k of v is one of them */
static unsigned json_special16(__m128i v)
{
	const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
	/* unsigned v <= 0x1f: min(v, 0x1f) is v */
	__m128i m = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v),
				 _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bs)));
	return (unsigned)_mm_movemask_epi8(m);
}

/* json_plain of a string under 16 bytes, most of a record's: its first
 * and last 8 (or 4) bytes, which overlap, loaded into one register
 * (a copy padded in memory would be stored and at once reloaded: a stall) */
static size_t json_plain_short(const unsigned char *s, size_t n)
{
	unsigned mask, k;
	if (n >= 8) {
		uint64_t a, z;
		memcpy(&a, s, 8);
		memcpy(&z, s + n - 8, 8);
		mask = json_special16(_mm_set_epi64x((long long)z, (long long)a));
		k = 8;
	} else if (n >= 4) {
		uint32_t a, z;
		memcpy(&a, s, 4);
		memcpy(&z, s + n - 4, 4);
		mask = json_special16(_mm_set_epi32(0x20202020, 0x20202020, (int)z, (int)a));
		k = 4;
	} else {
		size_t i = 0;
		while (i < n && !json_special(s[i]))
			i++;
		return i;
	}
	if (!mask)
		return n;
	unsigned first = (unsigned)__builtin_ctz(mask);
	return first < k ? first : n - k + (first - k);
}

/* The last block of a longer string is its last 16 bytes, less those
 * already checked. */
static size_t json_plain(const unsigned char *s, size_t n)
{
	if (n < 16)
		return json_plain_short(s, n);
	for (size_t i = 0;; i += 16) {
		size_t at = i + 16 <= n ? i : n - 16;
		unsigned mask = json_special16(_mm_loadu_si128((const __m128i *)(s + at))) >> (i - at);
		if (mask)
			return i + (size_t)__builtin_ctz(mask);
		if (i + 16 >= n)
			return n;
	}
}
#else
static size_t json_plain(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n && !json_special(s[i]))
		i++;
	return i;
}
#endif

/* op_buf_json_str of a string that is not short and plain: runs copied,
 * the bytes between them escaped.  Apart, so that the short strings most
 * are do not pay this one's registers. */
static __attribute__((noinline)) void json_runs(op_buf *b, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0;;) {
		size_t run = json_plain(p + i, n - i);
		op_copy(b->p + b->len, p + i, run);
		b->len += run;
		i += run;
		if (i == n)
			break;
		/* an escape takes up to 6 bytes where 1 was counted */
		op_buf_grow(b, n - i + 6);
		unsigned char c = p[i++];
		char *o = b->p + b->len;
		o[0] = '\\';
		b->len += 2;
		switch (c) {
		case '"': o[1] = '"'; break;
		case '\\': o[1] = '\\'; break;
		case '\n': o[1] = 'n'; break;
		case '\r': o[1] = 'r'; break;
		case '\t': o[1] = 't'; break;
		case '\b': o[1] = 'b'; break;
		case '\f': o[1] = 'f'; break;
		default:
			memcpy(o + 1, "u00", 3);
			o[4] = hex[c >> 4];
			o[5] = hex[c & 15];
			b->len += 4;
		}
	}
}

void op_buf_json_str(op_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	op_buf_grow(b, n + 2);	/* the string and its quotes, if nothing is escaped */
	b->p[b->len++] = '"';
	if (n < 16 && json_plain(p, n) == n) {	/* most are: no memcpy call */
		op_copy_small(b->p + b->len, s, n);
		b->len += n;
	} else {
		json_runs(b, p, n);
	}
	b->p[b->len++] = '"';
	b->p[b->len] = 0;
}

void op_buf_json_cstr(op_buf *b, const char *s)
{
	op_buf_json_str(b, s, strlen(s));
}
