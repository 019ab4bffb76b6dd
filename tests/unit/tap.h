/* tap.h - a few macros that print TAP, for the C unit tests under
 * tests/unit/.  Each test file is one program; tests/unit.t runs them all. */
#ifndef TAP_H
#define TAP_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

/* Random input that repeats: an xorshift draw below n.  A file that
 * wants its own sequence sets tap_rng first thing in main. */
static uint64_t tap_rng = 42;
static inline unsigned rnd(unsigned n)
{
	tap_rng ^= tap_rng << 13;
	tap_rng ^= tap_rng >> 7;
	tap_rng ^= tap_rng << 17;
	return (unsigned)(tap_rng % n);
}

#define ok(cond, ...) do { \
	int ok_ = !!(cond); \
	printf("%sok %d - ", ok_ ? "" : "not ", ++tap_n); \
	printf(__VA_ARGS__); \
	printf("\n"); \
	if (!ok_) { tap_failed++; printf("#   at %s:%d: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

/* string equality with both values shown on failure */
#define is(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	int same_ = (g_ && w_) ? !strcmp(g_, w_) : g_ == w_; \
	ok(same_, __VA_ARGS__); \
	if (!same_) printf("#   got:  '%s'\n#   want: '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

#define is_num(got, want, ...) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	ok(g_ == w_, __VA_ARGS__); \
	if (g_ != w_) printf("#   got:  %lld\n#   want: %lld\n", g_, w_); \
} while (0)

/* A whole file, NUL-terminated, for fixtures; NULL when it cannot be read. */
static inline char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t len = 0, cap = 4096, k;
	char *p = malloc(cap);
	while (p && (k = fread(p + len, 1, cap - len - 1, f)) > 0)
		if ((len += k) == cap - 1 && !(p = realloc(p, cap *= 2)))
			break;
	fclose(f);
	if (p)
		p[len] = 0;
	*n = len;
	return p;
}

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
#endif
