/* opflow.h - what every opflow program and library unit shares: exit codes,
 * diagnostics, allocation, growable buffers.  MIT licence, see COPYING.
 *
 * Ownership rule, once for the whole tree (as jq's jv.h does):
 *   - op_*_new() / op_*_load() return something the caller owns and frees
 *     with the matching op_*_free();
 *   - pointers into a record line (op_rec fields, string spans) are borrowed
 *     and valid only until the next record is read;
 *   - jansson's rule stands for json_t: *_new() calls steal the reference,
 *     json_object_get() borrows.
 */
#ifndef OPFLOW_H
#define OPFLOW_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <string.h>

#define OP_VERSION "0.1.0"

/* Exit status: a contract, documented in every section-1 page (and in opflow(7) EXIT STATUS). */
enum {
	OP_EXIT_OK = 0,
	OP_EXIT_FLAGGED = 1,	/* exc-flag: a flag at or above --fail-on fired */
	OP_EXIT_USAGE = 64,
	OP_EXIT_DATAERR = 65,	/* some input was rejected */
	OP_EXIT_NOINPUT = 66,	/* an input could not be opened or read */
	OP_EXIT_SOFTWARE = 70,	/* internal error, out of memory */
	OP_EXIT_IOERR = 74,	/* output could not be written */
	OP_EXIT_CONFIG = 78,	/* bad rules, model or configuration */
};

extern const char *op_progname;
void op_setprogname(const char *argv0);

/* "prog: message\n" on stderr.  op_die exits with the code given. */
void op_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void op_vwarn(const char *fmt, va_list ap);
noreturn void op_die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The calling thread's op_warn messages (without "prog: ") go to fn
 * instead of stderr; fn NULL: to stderr again.  op_die's still reach
 * stderr.  For a thread whose messages would come out of order
 * (kpi-rollup -j). */
void op_warn_divert(void (*fn)(void *ctx, const char *msg), void *ctx);

/* Allocation that cannot fail: on exhaustion, a message and exit 70. */
void *op_xmalloc(size_t n);
void *op_xcalloc(size_t n, size_t size);
void *op_xrealloc(void *p, size_t n);
char *op_xstrdup(const char *s);
/* Growable arrays: p holds *cap elements of size bytes; op_reserve makes
 * room for need of them, doubling *cap (from 16) so that a run of appends
 * costs amortised constant time; a byte count that would overflow is, like
 * exhaustion, that message and exit 70.  op_grow: room for element n. */
void *op_reserve(void *p, size_t need, size_t *cap, size_t size);
static inline void *op_grow(void *p, size_t n, size_t *cap, size_t size)
{
	return n < *cap ? p : op_reserve(p, n + 1, cap, size);
}
char *op_xstrndup(const char *s, size_t n);
/* getline(3), except that running out of memory is that message and exit
 * 70 instead of a -1 that looks like the end of the input. */
ssize_t op_xgetline(char **line, size_t *cap, FILE *f);

/* A growable byte buffer; p is always NUL-terminated after any op_buf_ call
 * (the NUL is not counted in len). */
typedef struct {
	char *p;
	size_t len, cap;
} op_buf;

/* Room for extra more bytes and the NUL.  The test inline, the growing
 * not: a buffer is appended to a few times for every byte of output. */
void op_buf_enlarge(op_buf *b, size_t extra);
static inline void op_buf_grow(op_buf *b, size_t extra)
{
	if (extra >= b->cap - b->len)
		op_buf_enlarge(b, extra);
}
/* s[0..n), n < 32, to d by two loads of 16, 8, 4 or 1 bytes that
 * overlap: the fields and keys of a record are short, and a call to
 * memcpy for each cost more than the copy (fixed-size memcpy is a load) */
static inline void op_copy_small(void *dst, const void *src, size_t n)
{
	char *d = dst;
	const char *s = src;
	if (n >= 16) {
		char a[16], z[16];
		memcpy(a, s, 16);
		memcpy(z, s + n - 16, 16);
		memcpy(d, a, 16);
		memcpy(d + n - 16, z, 16);
	} else if (n >= 8) {
		uint64_t a, z;
		memcpy(&a, s, 8);
		memcpy(&z, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &z, 8);
	} else if (n >= 4) {
		uint32_t a, z;
		memcpy(&a, s, 4);
		memcpy(&z, s + n - 4, 4);
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &z, 4);
	} else if (n) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
}
/* memcpy, with op_copy_small's way for a short s */
static inline void op_copy(void *d, const void *s, size_t n)
{
	if (n < 32)
		op_copy_small(d, s, n);
	else
		memcpy(d, s, n);
}
void op_buf_add(op_buf *b, const void *s, size_t n);
void op_buf_adds(op_buf *b, const char *s);
static inline void op_buf_addc(op_buf *b, char c)
{
	op_buf_grow(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = 0;
}
void op_buf_printf(op_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append v in decimal, as "%llu" would, at a tenth of printf's cost. */
void op_buf_uint(op_buf *b, unsigned long long v);
void op_buf_reset(op_buf *b);
void op_buf_free(op_buf *b);
/* Append s as a JSON string literal (quotes and escapes; valid UTF-8 in,
 * non-ASCII left as is). */
void op_buf_json_str(op_buf *b, const char *s, size_t n);
void op_buf_json_cstr(op_buf *b, const char *s);

#endif
