/* jsonl.c - the validating record scanner and the splice writer.
 * MIT licence, see COPYING.
 *
 * One pass, no tree, no allocation per record once the field index has
 * grown.  Nesting is tracked with an explicit stack, never recursion, so a
 * hostile line cannot exhaust the C stack.  The accepted language is RFC
 * 8259 as jansson 2.14 reads it (see jsonl.h); tests/unit/jsonl.c runs
 * JSONTestSuite and a differential test against jansson to keep it so.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "utf8.h"

typedef struct {
	const unsigned char *p, *start, *end;
	op_jerr *e;
} scan;

static int fail(scan *s, const unsigned char *at, const char *msg)
{
	if (s->e) {
		s->e->pos = (size_t)(at - s->start);
		snprintf(s->e->msg, sizeof s->e->msg, "%s", msg);
	}
	return -1;
}

/* (a byte above the space is none: one compare for the common case,
 * compact JSON's next byte) */
static inline void skip_ws(scan *s)
{
	while (s->p < s->end && *s->p <= ' ' &&
	       (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

#ifdef __SSE2__
#include <emmintrin.h>
#else
/* No byte of the eight at p needs a look (the non-SSE2 fallback). */
static inline int plain8(const unsigned char *p)
{
	uint64_t x;
	memcpy(&x, p, 8);
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
	uint64_t special = ((x - ones * 0x20) | ((q - ones) & ~q) | ((b - ones) & ~b) | x) & high;
	return special == 0;
}
#endif

/* Bytes that need a look in a string: '"', '\\', < 0x20, >= 0x80.  How many
 * of the bytes at p (at least 16 available) are none of those. */
static inline size_t plain_run(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = p;
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), sp = _mm_set1_epi8(0x20);
	while (end - q >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)q);
		/* signed: bytes >= 0x80 are negative, so "< 0x20" catches them too */
		__m128i m = _mm_or_si128(_mm_cmplt_epi8(v, sp),
					 _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bs)));
		unsigned mask = (unsigned)_mm_movemask_epi8(m);
		if (mask)
			return (size_t)(q - p) + (size_t)__builtin_ctz(mask);
		q += 16;
	}
#else
	while (end - q >= 8 && plain8(q))
		q += 8;
#endif
	return (size_t)(q - p);
}

static int hex4(const unsigned char *p, unsigned *v)
{
	unsigned r = 0;
	for (int i = 0; i < 4; i++) {
		unsigned c = p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return -1;
		r = r << 4 | d;
	}
	*v = r;
	return 0;
}

/* s->p at the opening quote; leaves it after the closing one.  Inlined
 * where it is called, some 40 times a record: s->p stays in a register,
 * and the call cost as much as a short string's scan (enq-route: 8 %
 * fewer instructions). */
static inline __attribute__((always_inline)) int scan_string(scan *s, uint8_t *esc)
{
	const unsigned char *p = s->p + 1, *end = s->end;
	*esc = 0;
	for (;;) {
		p += plain_run(p, end);
		if (p >= end)
			return fail(s, p, "unterminated string");
		unsigned c = *p;
		if (c == '"') {
			s->p = p + 1;
			return 0;
		}
		if (c >= 0x80) {
			size_t l = op_utf8_seq(p, end);
			if (!l)
				return fail(s, p, "invalid UTF-8 in string");
			p += l;
		} else if (c < 0x20) {
			return fail(s, p, c ? "control character in string" : "NUL byte in string");
		} else if (c == '\\') {
			*esc = 1;
			if (end - p < 2)
				return fail(s, p, "unterminated string");
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
				p += 2;
				break;
			case 'u': {
				unsigned u, lo;
				if (end - p < 6 || hex4(p + 2, &u))
					return fail(s, p, "invalid \\u escape");
				if (u >= 0xDC00 && u <= 0xDFFF)
					return fail(s, p, "lone low surrogate in \\u escape");
				if (u >= 0xD800 && u <= 0xDBFF) {
					if (end - p < 12 || p[6] != '\\' || p[7] != 'u' || hex4(p + 8, &lo) ||
					    lo < 0xDC00 || lo > 0xDFFF)
						return fail(s, p, "high surrogate not followed by a low one");
					p += 6;
				}
				p += 6;
				break;
			}
			default:
				return fail(s, p, "invalid escape in string");
			}
		} else {
			p++;
		}
	}
}

/* Whether a number's text fits what jansson accepts: integers in int64,
 * reals that do not overflow.  Cheap for ordinary numbers: only long
 * integers and large exponents reach strtoll/strtod. */
static int number_in_range(const unsigned char *a, const unsigned char *b, int is_real)
{
	char tmp[64], *buf = tmp;
	size_t n = (size_t)(b - a);
	if (!is_real) {
		size_t digits = n - (*a == '-');
		if (digits <= 18)
			return 1;
	} else {
		/* mantissa digits before the point + exponent bound the magnitude */
		long ip = 0, ex = 0;
		const unsigned char *q = a + (*a == '-');
		while (q < b && *q >= '0' && *q <= '9')
			q++, ip++;
		while (q < b && *q != 'e' && *q != 'E')
			q++;
		if (q < b) {
			q++;
			int neg = *q == '-';
			if (*q == '-' || *q == '+')
				q++;
			while (q < b && ex < 100000)
				ex = ex * 10 + (*q++ - '0');
			if (neg)
				ex = -ex;
		}
		if (ip + ex < 300)
			return 1;
	}
	if (n >= sizeof tmp)
		buf = op_xmalloc(n + 1);
	memcpy(buf, a, n);
	buf[n] = 0;
	errno = 0;
	int ok;
	if (is_real) {
		double d = strtod(buf, NULL);
		ok = !(errno == ERANGE && isinf(d));
	} else {
		strtoll(buf, NULL, 10);
		ok = errno != ERANGE;
	}
	if (buf != tmp)
		free(buf);
	return ok;
}

static int scan_number(scan *s)
{
	const unsigned char *p = s->p, *a = p, *end = s->end;
	int is_real = 0;
	if (*p == '-')
		p++;
	if (p >= end || *p < '0' || *p > '9')
		return fail(s, a, "invalid number");
	if (*p == '0') {
		p++;
		if (p < end && *p >= '0' && *p <= '9')
			return fail(s, a, "invalid number (leading zero)");
	} else {
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && *p == '.') {
		is_real = 1;
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return fail(s, a, "invalid number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		is_real = 1;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return fail(s, a, "invalid number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (!number_in_range(a, p, is_real))
		return fail(s, a, "number out of range");
	s->p = p;
	return 0;
}

static int scan_literal(scan *s, const char *word, size_t n)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n))
		return fail(s, s->p, "invalid literal");
	s->p += n;
	return 0;
}

/* Validate one value at s->p, at nesting depth `depth` (the value itself
 * counts: jansson's limit is on values, a scalar at 2049 fails).  Containers
 * are walked with an explicit stack of their kinds. */
static int scan_value(scan *s, int depth, uint8_t *type, uint8_t *esc)
{
	unsigned char stack[OP_JSON_MAX_DEPTH + 1];
	int sp = 0;
	uint8_t dummy;
	*esc = 0;
	for (;;) {
		/* a value */
		if (depth + sp > OP_JSON_MAX_DEPTH)
			return fail(s, s->p, "nested too deeply (over 2048 levels)");
		if (s->p >= s->end)
			return fail(s, s->p, "unexpected end of line, value expected");
		unsigned c = *s->p;
		uint8_t t;
		switch (c) {
		case '"':
			if (scan_string(s, sp ? &dummy : esc))
				return -1;
			t = OP_JSTR;
			break;
		case '{':
		case '[':
			stack[sp++] = (unsigned char)c;
			s->p++;
			skip_ws(s);
			if (s->p < s->end && *s->p == (c == '{' ? '}' : ']')) {
				s->p++;
				sp--;
				t = c == '{' ? OP_JOBJ : OP_JARR;
				break;
			}
			if (c == '{')
				goto key;
			skip_ws(s);
			continue;
		case 't': if (scan_literal(s, "true", 4)) return -1; t = OP_JTRUE; break;
		case 'f': if (scan_literal(s, "false", 5)) return -1; t = OP_JFALSE; break;
		case 'n': if (scan_literal(s, "null", 4)) return -1; t = OP_JNULL; break;
		default:
			if (c == '-' || (c >= '0' && c <= '9')) {
				if (scan_number(s))
					return -1;
				t = OP_JNUM;
				break;
			}
			return fail(s, s->p, "value expected");
		}
		if (!sp) {
			*type = t;
			return 0;
		}
		/* after a value inside a container */
	next:
		skip_ws(s);
		if (s->p >= s->end)
			return fail(s, s->p, stack[sp - 1] == '{' ? "unexpected end of line, ',' or '}' expected"
							    : "unexpected end of line, ',' or ']' expected");
		c = *s->p;
		if (c == ',') {
			s->p++;
			skip_ws(s);
			if (stack[sp - 1] == '[')
				continue;
			goto key;
		}
		if (c == (stack[sp - 1] == '{' ? '}' : ']')) {
			s->p++;
			t = stack[--sp] == '{' ? OP_JOBJ : OP_JARR;
			if (!sp) {
				*type = t;
				return 0;
			}
			goto next;
		}
		return fail(s, s->p, stack[sp - 1] == '{' ? "',' or '}' expected" : "',' or ']' expected");
	key:
		/* duplicate keys in nested objects are left to jansson's reading
		 * when a value is decoded; only top-level ones matter to records */
		if (s->p >= s->end || *s->p != '"')
			return fail(s, s->p, "string key expected");
		if (scan_string(s, &dummy))
			return -1;
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return fail(s, s->p, "':' expected after key");
		s->p++;
		skip_ws(s);
	}
}

int op_json_prefix(const char *str, size_t n, size_t *used, op_jerr *e)
{
	scan s = { (const unsigned char *)str, (const unsigned char *)str,
		   (const unsigned char *)str + n, e };
	uint8_t t, esc;
	skip_ws(&s);
	if (scan_value(&s, 1, &t, &esc))
		return -1;
	*used = (size_t)(s.p - s.start);
	return 0;
}

/* one JSON text and nothing after it but blanks */
int op_json_valid(const char *str, size_t n, op_jerr *e)
{
	size_t used;
	if (op_json_prefix(str, n, &used, e))
		return -1;
	scan s = { .p = (const unsigned char *)str + used, .start = (const unsigned char *)str,
		   .end = (const unsigned char *)str + n, .e = e };
	skip_ws(&s);
	if (s.p != s.end)
		return fail(&s, s.p, "end of text expected");
	return 0;
}

static void field_key(op_rec *r, const op_field *f, const char **k, size_t *kl);

static int keycmp(const void *a, const void *b)
{
	const op_field *x = *(const op_field *const *)a, *y = *(const op_field *const *)b;
	if (x->klen != y->klen)
		return x->klen < y->klen ? -1 : 1;
	return memcmp(x->k, y->k, x->klen);
}

/* ---- the keys by hash ---- */

/* More members than this are not hashed: the sort below finds repeats. */
#define KEYS_HASHED 1024

/* The length and three of the bytes, by Fibonacci hashing (the top bits
 * of the product, which all of them reach): keys that agree on all four
 * cost a memcmp, no more.  Its slot among the 2^(32 - shift). */
static inline uint32_t key_slot(const char *k, size_t n, uint32_t shift)
{
	const unsigned char *u = (const unsigned char *)k;
	uint32_t x = (uint32_t)n << 24;
	if (n)
		x ^= (uint32_t)u[0] << 16 | (uint32_t)u[n / 2] << 8 | u[n - 1];
	return x * 0x9E3779B1u >> shift;
}

/* r's keys, none escaped, into r->slot: 0, or -1 at the first key that
 * came before (which one is named is find_duplicate's to say) or once
 * the keys have stepped past other keys' slots 8 times as often as there
 * are keys, then 64 more (random keys step about once a key): keys
 * alike in their length and the bytes hashed (q_0001_a, q_0002_a, ...,
 * or a hostile record's) would take n^2 / 2 compares, the sort n log n. */
static int index_keys(op_rec *r)
{
	size_t steps = 8 * r->nf + 64;
	uint32_t size = 32;
	r->shift = 32 - 5;
	while (size < 2 * r->nf)
		size <<= 1, r->shift--;
	if (!r->slot)
		r->slot = op_xmalloc(2 * KEYS_HASHED * sizeof *r->slot);
	memset(r->slot, 0, size * sizeof *r->slot);
	r->mask = size - 1;
	for (size_t i = 0; i < r->nf; i++) {
		const op_field *f = &r->f[i];
		uint32_t h = key_slot(f->k, f->klen, r->shift);
		for (; r->slot[h]; h = (h + 1) & r->mask) {
			const op_field *g = &r->f[r->slot[h] - 1];
			if ((g->klen == f->klen && !memcmp(g->k, f->k, f->klen)) || !steps--)
				return -1;
		}
		r->slot[h] = (uint16_t)(i + 1);
	}
	r->hashed = 1;
	return 0;
}

/* Among keys some escaped, the repeat the search of the later keys of
 * each named (the first key that has one, at its first): the keys
 * decoded and sorted, n log n (that search took n^2 / 2 decodings: a
 * line of 50,000 members, 3 s) */
static size_t escaped_repeat(op_rec *r)
{
	size_t n = r->nf, dup = SIZE_MAX, first = SIZE_MAX;
	size_t *at = op_xmalloc((n + 1) * sizeof *at);
	op_buf a = {0};
	op_buf_grow(&a, 1);
	for (size_t i = 0; i < n; i++) {
		const char *k;
		size_t kl;
		field_key(r, &r->f[i], &k, &kl);
		at[i] = a.len;
		op_buf_add(&a, k, kl);
	}
	at[n] = a.len;
	op_field *d = op_xmalloc(n * sizeof *d);
	const op_field **ix = op_xmalloc(n * sizeof *ix);
	for (size_t i = 0; i < n; i++) {
		d[i] = (op_field){ .k = a.p + at[i], .klen = (uint32_t)(at[i + 1] - at[i]) };
		ix[i] = &d[i];
	}
	qsort(ix, n, sizeof *ix, keycmp);
	for (size_t g = 0, h; g < n; g = h) {
		size_t lo = SIZE_MAX, next = SIZE_MAX;	/* the group's first two */
		for (h = g; h < n && !keycmp(&ix[g], &ix[h]); h++) {
			size_t i = (size_t)(ix[h] - d);
			if (i < lo)
				next = lo, lo = i;
			else if (i < next)
				next = i;
		}
		if (next != SIZE_MAX && lo < first)
			first = lo, dup = next;
	}
	free(ix);
	free(d);
	free(at);
	op_buf_free(&a);
	return dup;
}

/* jansson (JSON_REJECT_DUPLICATES) compares decoded keys; escaped keys are
 * rare, so they are compared decoded and the rest by their bytes.  A
 * record's keys are hashed: no repeat, the common answer, in one pass
 * (and op_rec_get's index); a repeat is named by the searches below, as
 * it was before there was a hash. */
static int find_duplicate(op_rec *r, op_jerr *e)
{
	size_t n = r->nf, dup = SIZE_MAX;
	int anyesc = 0;
	for (size_t i = 0; i < n; i++)
		anyesc |= r->f[i].kesc;
	if (!anyesc && n <= KEYS_HASHED && !index_keys(r))
		return 0;
	if (anyesc) {
		dup = escaped_repeat(r);
	} else if (n <= 24) {
		for (size_t i = 1; i < n && dup == SIZE_MAX; i++)
			for (size_t j = 0; j < i; j++)
				if (r->f[i].klen == r->f[j].klen && !memcmp(r->f[i].k, r->f[j].k, r->f[i].klen)) {
					dup = i;
					break;
				}
	} else {
		const op_field **ix = op_xmalloc(n * sizeof *ix);
		for (size_t i = 0; i < n; i++)
			ix[i] = &r->f[i];
		qsort(ix, n, sizeof *ix, keycmp);
		for (size_t i = 1; i < n; i++)
			if (!keycmp(&ix[i - 1], &ix[i])) {
				size_t a = (size_t)(ix[i - 1] - r->f), b = (size_t)(ix[i] - r->f);
				dup = a > b ? a : b;
				break;
			}
		free(ix);
	}
	if (dup == SIZE_MAX)
		return 0;
	if (e) {
		const op_field *f = &r->f[dup];
		e->pos = (size_t)(f->k - 1 - r->line);
		snprintf(e->msg, sizeof e->msg, "duplicate key \"%.*s\"",
			 f->klen > 40 ? 40 : (int)f->klen, f->k);
	}
	return -1;
}

int op_rec_scan(op_rec *r, const char *str, size_t n, op_jerr *e)
{
	scan s = { (const unsigned char *)str, (const unsigned char *)str,
		   (const unsigned char *)str + n, e };
	r->line = str;
	r->len = n;
	r->nf = 0;
	r->hashed = 0;
	skip_ws(&s);
	if (s.p >= s.end)
		return fail(&s, s.p, "empty line");
	if (*s.p != '{') {
		/* say what it is when it is valid JSON, else why it is not */
		if (op_json_valid(str, n, e))
			return -1;
		return fail(&s, s.p, *s.p == '[' ? "not a JSON object but an array"
				     : *s.p == '"' ? "not a JSON object but a string"
						   : "not a JSON object but a scalar");
	}
	s.p++;
	skip_ws(&s);
	if (s.p < s.end && *s.p == '}') {
		r->close = (size_t)(s.p - s.start);
		s.p++;
		goto tail;
	}
	for (;;) {
		if (s.p >= s.end)
			return fail(&s, s.p, "unexpected end of line, string key expected");
		if (*s.p != '"')
			return fail(&s, s.p, "string key expected");
		r->f = op_grow(r->f, r->nf, &r->cap, sizeof *r->f);
		op_field *f = &r->f[r->nf];
		const unsigned char *k = s.p;
		if (scan_string(&s, &f->kesc))
			return -1;
		f->k = (const char *)k + 1;
		f->klen = (uint32_t)(s.p - k - 2);
		/* compact JSON, as every opflow program writes it: no blank
		 * around the ':' nor after the ',' (and none to look for) */
		if (s.end - s.p >= 2 && s.p[0] == ':' && s.p[1] > ' ') {
			s.p++;
		} else {
			skip_ws(&s);
			if (s.p >= s.end || *s.p != ':')
				return fail(&s, s.p, "':' expected after key");
			s.p++;
			skip_ws(&s);
		}
		const unsigned char *v = s.p;
		/* most members are strings: no container to walk */
		if (s.p < s.end && *s.p == '"') {
			if (scan_string(&s, &f->vesc))
				return -1;
			f->type = OP_JSTR;
		} else if (scan_value(&s, 2, &f->type, &f->vesc)) {
			return -1;
		}
		f->v = (const char *)v;
		f->vlen = (uint32_t)(s.p - v);
		r->nf++;
		if (s.end - s.p >= 2 && s.p[0] == ',' && s.p[1] == '"') {
			s.p++;
			continue;
		}
		skip_ws(&s);
		if (s.p >= s.end)
			return fail(&s, s.p, "unexpected end of line, ',' or '}' expected");
		if (*s.p == ',') {
			s.p++;
			skip_ws(&s);
			continue;
		}
		if (*s.p == '}') {
			r->close = (size_t)(s.p - s.start);
			s.p++;
			break;
		}
		return fail(&s, s.p, "',' or '}' expected");
	}
tail:
	skip_ws(&s);
	if (s.p != s.end)
		return fail(&s, s.p, "end of line expected after the object");
	return find_duplicate(r, e);
}

void op_rec_free(op_rec *r)
{
	free(r->f);
	free(r->slot);
	op_buf_free(&r->tmp);
	memset(r, 0, sizeof *r);
}

/* ---- decoding ---------------------------------------------------------- */

static void put_utf8(op_buf *b, unsigned u)
{
	char c[4];
	size_t n;
	if (u < 0x80) {
		c[0] = (char)u, n = 1;
	} else if (u < 0x800) {
		c[0] = (char)(0xC0 | u >> 6), c[1] = (char)(0x80 | (u & 63)), n = 2;
	} else if (u < 0x10000) {
		c[0] = (char)(0xE0 | u >> 12), c[1] = (char)(0x80 | (u >> 6 & 63));
		c[2] = (char)(0x80 | (u & 63)), n = 3;
	} else {
		c[0] = (char)(0xF0 | u >> 18), c[1] = (char)(0x80 | (u >> 12 & 63));
		c[2] = (char)(0x80 | (u >> 6 & 63)), c[3] = (char)(0x80 | (u & 63)), n = 4;
	}
	op_buf_add(b, c, n);
}

/* Decode the content of a validated string span (quotes excluded). */
static void unescape(op_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		const unsigned char *q = memchr(p, '\\', (size_t)(end - p));
		if (!q) {
			op_buf_add(b, p, (size_t)(end - p));
			return;
		}
		op_buf_add(b, p, (size_t)(q - p));
		unsigned u = 0, lo = 0;
		switch (q[1]) {
		case 'b': op_buf_addc(b, '\b'); p = q + 2; break;
		case 'f': op_buf_addc(b, '\f'); p = q + 2; break;
		case 'n': op_buf_addc(b, '\n'); p = q + 2; break;
		case 'r': op_buf_addc(b, '\r'); p = q + 2; break;
		case 't': op_buf_addc(b, '\t'); p = q + 2; break;
		case 'u':
			hex4(q + 2, &u);
			p = q + 6;
			if (u >= 0xD800 && u <= 0xDBFF) {
				hex4(q + 8, &lo);
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				p = q + 12;
			}
			put_utf8(b, u);
			break;
		default: op_buf_addc(b, (char)q[1]); p = q + 2; break;
		}
	}
}

void op_jstr(const char *v, size_t vlen, int esc, op_buf *buf, const char **s, size_t *n)
{
	if (!esc) {
		*s = v + 1;
		*n = vlen - 2;
		return;
	}
	op_buf_reset(buf);
	unescape(buf, v + 1, vlen - 2);
	*s = buf->p;
	*n = buf->len;
}

static void field_key(op_rec *r, const op_field *f, const char **k, size_t *kl)
{
	if (!f->kesc) {
		*k = f->k;
		*kl = f->klen;
		return;
	}
	op_buf_reset(&r->tmp);
	unescape(&r->tmp, f->k, f->klen);
	*k = r->tmp.p;
	*kl = r->tmp.len;
}

const op_field *op_rec_get(op_rec *r, const char *key, size_t klen)
{
	if (r->hashed) {
		for (uint32_t h = key_slot(key, klen, r->shift); r->slot[h]; h = (h + 1) & r->mask) {
			const op_field *f = &r->f[r->slot[h] - 1];
			if (f->klen == klen && !memcmp(f->k, key, klen))
				return f;
		}
		return NULL;
	}
	for (size_t i = 0; i < r->nf; i++) {
		const op_field *f = &r->f[i];
		if (!f->kesc) {
			if (f->klen == klen && !memcmp(f->k, key, klen))
				return f;
		} else {
			const char *k;
			size_t kl;
			field_key(r, f, &k, &kl);
			if (kl == klen && !memcmp(k, key, klen))
				return f;
		}
	}
	return NULL;
}

double op_jnum(const char *v, size_t vlen)
{
	/* small integers and short decimals (1359.25) are most numbers in
	 * records: no strtod for them.  Up to 15 digits make an integer
	 * below 2^53, and 10^0..10^15 are exact doubles, so the quotient is
	 * rounded once, to what strtod gives (Clinger's fast path). */
	static const double pow10[16] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
					  1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	const char *p = v, *end = v + vlen;
	int neg = 0;
	if (p < end && *p == '-')
		neg = 1, p++;
	if (end - p <= 16) {
		long long x = 0;
		const char *q = p, *dot = NULL;
		for (; q < end; q++) {
			if (*q >= '0' && *q <= '9')
				x = x * 10 + (*q - '0');
			else if (*q == '.' && !dot && q > p)
				dot = q;
			else
				break;
		}
		if (q == end && q - p - (dot != NULL) <= 15 && (dot ? q > dot + 1 : q > p)) {
			double d = dot ? (double)x / pow10[q - dot - 1] : (double)x;
			return neg ? -d : d;
		}
	}
	char tmp[64];
	if (vlen < sizeof tmp) {
		memcpy(tmp, v, vlen);
		tmp[vlen] = 0;
		return strtod(tmp, NULL);
	}
	char *b = op_xstrndup(v, vlen);
	double d = strtod(b, NULL);
	free(b);
	return d;
}

enum op_jtype op_jtype_of(const char *v)
{
	switch (*v) {
	case '"': return OP_JSTR;
	case '{': return OP_JOBJ;
	case '[': return OP_JARR;
	case 't': return OP_JTRUE;
	case 'f': return OP_JFALSE;
	case 'n': return OP_JNULL;
	default: return OP_JNUM;
	}
}

/* Skip one validated value starting at p; returns the byte after it. */
static const char *skip_value(const char *p, const char *end)
{
	int depth = 0;
	do {
		switch (*p) {
		case '"': {
			/* by memchr: kpi-rollup --merge skips long base64 strings;
			 * a quote ends the string unless an odd run of
			 * backslashes comes before it */
			const char *q = p + 1, *b;
			for (;;) {
				q = memchr(q, '"', (size_t)(end - q));
				if (!q)
					return end;
				for (b = q; b > p + 1 && b[-1] == '\\'; b--)
					;
				if ((q - b) % 2 == 0)
					break;
				q++;
			}
			p = q + 1;
			break;
		}
		case '{': case '[':
			depth++, p++;
			break;
		case '}': case ']':
			depth--, p++;
			break;
		case ',': case ':': case ' ': case '\t': case '\n': case '\r':
			p++;
			break;
		default:
			while (p < end && !strchr(",:]} \t\n\r", *p))
				p++;
		}
	} while (depth > 0 && p < end);
	return p;
}

static const char *ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

int op_jarr_next(const char *v, size_t vlen, size_t *pos, const char **out, size_t *outlen)
{
	const char *end = v + vlen, *p = v + (*pos ? *pos : 1);
	p = ws(p, end);
	if (*p == ',')
		p = ws(p + 1, end);
	if (p >= end || *p == ']')
		return 0;
	const char *q = skip_value(p, end);
	*out = p;
	*outlen = (size_t)(q - p);
	*pos = (size_t)(q - v);
	return 1;
}

int op_jarr_get(const char *v, size_t vlen, size_t i, const char **out, size_t *outlen)
{
	size_t pos = 0;
	if (*v != '[')
		return 0;
	while (op_jarr_next(v, vlen, &pos, out, outlen))
		if (i-- == 0)
			return 1;
	return 0;
}

int op_jobj_get(const char *v, size_t vlen, const char *key, size_t klen,
		const char **out, size_t *outlen, op_buf *tmp)
{
	const char *end = v + vlen, *p = v + 1;
	int found = 0;
	if (*v != '{')
		return 0;
	for (;;) {
		p = ws(p, end);
		if (p >= end || *p == '}')
			return found;
		if (*p == ',')
			p = ws(p + 1, end);
		const char *k = p, *ke = skip_value(p, end);
		const char *s;
		size_t n;
		op_jstr(k, (size_t)(ke - k), memchr(k, '\\', (size_t)(ke - k)) != NULL, tmp, &s, &n);
		int match = n == klen && !memcmp(s, key, klen);
		p = ws(ke, end) + 1;	/* ':' */
		p = ws(p, end);
		const char *ve = skip_value(p, end);
		if (match) {	/* the last of duplicates wins, as in jansson */
			*out = p;
			*outlen = (size_t)(ve - p);
			found = 1;
		}
		p = ve;
	}
}

/* ---- splice ------------------------------------------------------------ */

void op_rec_splice(op_buf *out, op_rec *r, const op_kv *kv, size_t n)
{
	enum { SMALL = 16 };
	const op_field *at_small[SMALL], **at = n <= SMALL ? at_small : op_xmalloc(n * sizeof *at);
	size_t cur = 0, nfields = r->nf;
	for (size_t i = 0; i < n; i++)
		at[i] = op_rec_get(r, kv[i].key, kv[i].klen);
	/* replacements, in the order their fields stand in the line */
	for (;;) {
		size_t best = SIZE_MAX;
		for (size_t i = 0; i < n; i++)
			if (at[i] && (size_t)(at[i]->v - r->line) >= cur &&
			    (best == SIZE_MAX || at[i]->v < at[best]->v))
				best = i;
		if (best == SIZE_MAX)
			break;
		size_t vs = (size_t)(at[best]->v - r->line);
		op_buf_add(out, r->line + cur, vs - cur);
		op_buf_add(out, kv[best].val, kv[best].vlen);
		cur = vs + at[best]->vlen;
	}
	op_buf_add(out, r->line + cur, r->close - cur);
	for (size_t i = 0; i < n; i++) {
		if (at[i])
			continue;
		if (nfields++)
			op_buf_addc(out, ',');
		op_buf_json_str(out, kv[i].key, kv[i].klen);
		op_buf_addc(out, ':');
		op_buf_add(out, kv[i].val, kv[i].vlen);
	}
	op_buf_addc(out, '}');
	if (at != at_small)
		free(at);
}
