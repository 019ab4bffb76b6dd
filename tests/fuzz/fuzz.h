/* fuzz.h - what the libFuzzer harnesses under tests/fuzz/ share.  Each
 * harness is one file, tests/fuzz/NAME.c, that includes this header once
 * and defines:
 *
 *   FUZZ_SEEDS("tests/data/DIR/GLOB", ...);   seed corpus (glob patterns)
 *   int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { ...; return 0; }
 *
 * and optionally FUZZ_FLAGS("-detect_leaks=0 ...") for the fuzzer's run.
 * The Makefile builds every tests/fuzz/NAME.c twice: with libFuzzer under
 * build-fuzz/ (`make fuzz`), and with the replay driver (replay/replay.c)
 * as $(B)/tests/fuzz-NAME, which `make check` runs: it replays the seeds
 * and tests/data/fuzz-regress/NAME/ (the crashes found so far) with the
 * harness's checks, under ASan too with SANITIZE=1.
 *
 * A property that does not hold is reported by fuzz_fail, which aborts:
 * libFuzzer saves the input, the replay driver names the file.
 * MIT licence, see COPYING. */
#ifndef OP_FUZZ_H
#define OP_FUZZ_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "opflow.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_SEEDS(...) const char *const fuzz_seeds[] = { __VA_ARGS__, NULL }
#define FUZZ_FLAGS(s) const char *const fuzz_flags = s

static noreturn void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static noreturn void fuzz_fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* stderr for libFuzzer's log, stdout for the replay's TAP */
	fprintf(stderr, "fuzz: property failed: %s\n", msg);
	printf("# fuzz: property failed: %s\n", msg);
	fflush(stdout);
	abort();
}

/* The library reports to stderr (op_warn); progname once, so messages
 * look like the programs' own. */
static inline void fuzz_init(void)
{
	if (!op_progname || strcmp(op_progname, "fuzz"))
		op_setprogname("fuzz");
}

/* Valid UTF-8 (RFC 3629), as the record layer requires of every string. */
static inline int fuzz_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		size_t k = op_utf8_seq(p, end);
		if (!k)
			return 0;
		p += k;
	}
	return 1;
}

/* The input as a file a loader can open by name (a memfd, rewritten for
 * each input; the name stays the same, so messages are stable). */
static inline const char *fuzz_path(const uint8_t *d, size_t n)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("fuzz-input", 0);
		if (fd < 0)
			fuzz_fail("memfd_create failed");
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || pwrite(fd, d, n, 0) != (ssize_t)n)
		fuzz_fail("cannot write the input file");
	return path;
}

#endif
