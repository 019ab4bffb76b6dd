/* err.c - diagnostics, the op_err of operr.h, and allocation that cannot
 * fail.  MIT licence. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opflow.h"
#include "operr.h"

const char *op_progname = "opflow";

void op_setprogname(const char *argv0)
{
	const char *s = strrchr(argv0, '/');
	op_progname = s ? s + 1 : argv0;
}

/* this thread's op_warn_divert, or none */
static _Thread_local void (*divert)(void *ctx, const char *msg);
static _Thread_local void *divert_ctx;

void op_warn_divert(void (*fn)(void *ctx, const char *msg), void *ctx)
{
	divert = fn;
	divert_ctx = ctx;
}

void op_vwarn(const char *fmt, va_list ap)
{
	/* one fprintf per message keeps lines whole when several programs of a
	 * pipeline share the terminal (and several threads stderr) */
	char msg[4096];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (divert)
		divert(divert_ctx, msg);
	else
		fprintf(stderr, "%s: %s\n", op_progname, msg);
}

void op_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	op_vwarn(fmt, ap);
	va_end(ap);
}

void op_die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	divert = NULL;	/* the last word is said, whatever the thread */
	op_vwarn(fmt, ap);
	va_end(ap);
	exit(code);
}

int op_errf(op_err *e, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	e->code = code;
	return -1;
}

void op_die_err(const op_err *e)
{
	if (*e->msg)
		op_warn("%s", e->msg);
	exit(e->code);
}

static void *nomem(void)
{
	op_die(OP_EXIT_SOFTWARE, "out of memory");
}

void *op_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	return p ? p : nomem();
}

void *op_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	return p ? p : nomem();
}

void *op_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	return p ? p : nomem();
}

void *op_reserve(void *p, size_t need, size_t *cap, size_t size)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap : 16;
	while (n < need)
		if (__builtin_mul_overflow(n, 2, &n))
			nomem();
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes))
		nomem();
	p = op_xrealloc(p, bytes);
	*cap = n;
	return p;
}

ssize_t op_xgetline(char **line, size_t *cap, FILE *f)
{
	errno = 0;
	ssize_t n = getline(line, cap, f);
	if (n < 0 && errno == ENOMEM && !feof(f))
		nomem();
	return n;
}

char *op_xstrdup(const char *s)
{
	return op_xstrndup(s, strlen(s));
}

char *op_xstrndup(const char *s, size_t n)
{
	char *p = op_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}
