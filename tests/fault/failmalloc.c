/* failmalloc.c - an LD_PRELOAD shim for tests/cli/8000-faults.t: the Nth
 * call of malloc, calloc or realloc (counted from the program's start,
 * library calls included) returns NULL with errno ENOMEM, as on an
 * exhausted machine.
 *
 *   FAILMALLOC_N=N        which call fails (none when unset)
 *   FAILMALLOC_COUNT=FILE write the number of calls there at exit, to
 *                         learn the range of N worth trying
 *
 * glibc lets a program replace malloc; its own __libc_* functions do the
 * work, so the shim needs no dlsym (which would itself allocate).
 * MIT licence, see COPYING. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);

static long fail_at = -1, calls;

__attribute__((constructor)) static void init(void)
{
	const char *s = getenv("FAILMALLOC_N");
	if (s)
		fail_at = strtol(s, NULL, 10);
}

__attribute__((destructor)) static void report(void)
{
	const char *path = getenv("FAILMALLOC_COUNT");
	FILE *f = path ? fopen(path, "w") : NULL;
	if (f) {
		fprintf(f, "%ld\n", calls);
		fclose(f);
	}
}

static int fail(void)
{
	if (++calls != fail_at)
		return 0;
	errno = ENOMEM;
	return 1;
}

void *malloc(size_t n)
{
	return fail() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	return fail() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	return fail() ? NULL : __libc_realloc(p, n);
}
