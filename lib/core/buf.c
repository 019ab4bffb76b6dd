/* buf.c - growable byte buffers and JSON string escaping.  MIT licence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opflow.h"

void op_buf_grow(op_buf *b, size_t extra)
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
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void op_buf_adds(op_buf *b, const char *s)
{
	op_buf_add(b, s, strlen(s));
}

void op_buf_addc(op_buf *b, char c)
{
	op_buf_grow(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = 0;
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

void op_buf_json_str(op_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	op_buf_grow(b, n + 2);
	b->p[b->len++] = '"';
	size_t run = 0;		/* bytes copied through unchanged, in one memcpy */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			run++;
			continue;
		}
		op_buf_add(b, s + i - run, run);
		run = 0;
		char esc[7] = "\\u00";
		switch (c) {
		case '"': op_buf_add(b, "\\\"", 2); break;
		case '\\': op_buf_add(b, "\\\\", 2); break;
		case '\n': op_buf_add(b, "\\n", 2); break;
		case '\r': op_buf_add(b, "\\r", 2); break;
		case '\t': op_buf_add(b, "\\t", 2); break;
		case '\b': op_buf_add(b, "\\b", 2); break;
		case '\f': op_buf_add(b, "\\f", 2); break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			op_buf_add(b, esc, 6);
		}
	}
	op_buf_add(b, s + n - run, run);
	op_buf_addc(b, '"');
}

void op_buf_json_cstr(op_buf *b, const char *s)
{
	op_buf_json_str(b, s, strlen(s));
}
