/* replay.c - the driver that turns a libFuzzer harness into a test:
 *
 *   fuzz-NAME                 every seed (fuzz_seeds) and every file of
 *                             tests/data/fuzz-regress/NAME/, as TAP
 *   fuzz-NAME FILE|DIR...     those inputs (a crash libFuzzer saved)
 *   fuzz-NAME --list-seeds    the seed files, one a line (tests/fuzz/run)
 *   fuzz-NAME --flags         the harness's extra libFuzzer flags
 *
 * Run from the top of the tree (make check does).  A failed property
 * aborts, so the test fails naming the file it was at; the messages the
 * library prints for bad inputs go to stderr, as in the programs.  MIT. */
#include <dirent.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#include "opflow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const char *const fuzz_seeds[];
/* optional: a weak reference is NULL where the harness has no FUZZ_FLAGS */
extern const char *const fuzz_flags __attribute__((weak));

static int ran;

static void one(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("not ok %d - %s: cannot read\n", ++ran, path);
		exit(1);
	}
	size_t n = 0, cap = 1 << 16, k;
	uint8_t *d = op_xmalloc(cap);
	while ((k = fread(d + n, 1, cap - n, f)) > 0)
		if ((n += k) == cap)
			d = op_grow(d, n, &cap, 1);
	fclose(f);
	/* a copy of exactly n bytes, so ASan sees reads past the input */
	uint8_t *exact = op_xmalloc(n ? n : 1);
	memcpy(exact, d, n);
	free(d);
	printf("# %s\n", path);
	fflush(stdout);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	printf("ok %d - %s\n", ++ran, path);
}

static void walk(const char *path)
{
	struct stat sb;
	if (stat(path, &sb) || !S_ISDIR(sb.st_mode)) {
		one(path);
		return;
	}
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			char sub[4096];
			snprintf(sub, sizeof sub, "%s/%s", path, ents[i]->d_name);
			walk(sub);
		}
		free(ents[i]);
	}
	free(ents);
}

static void seeds(void (*fn)(const char *))
{
	for (size_t i = 0; fuzz_seeds[i]; i++) {
		glob_t g;
		if (glob(fuzz_seeds[i], 0, NULL, &g) == 0)
			for (size_t j = 0; j < g.gl_pathc; j++)
				fn(g.gl_pathv[j]);
		globfree(&g);
	}
}

static void print_path(const char *p)
{
	puts(p);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--list-seeds")) {
		seeds(print_path);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--flags")) {
		puts(&fuzz_flags ? fuzz_flags : "");
		return 0;
	}
#ifdef __SANITIZE_ADDRESS__
	/* what a loader had allocated when it exited is lost, as it is when
	 * the program exits: no leak (the harness says so in FUZZ_FLAGS) */
	if (&fuzz_flags && strstr(fuzz_flags, "-detect_leaks=0"))
		__lsan_disable();
#endif
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			walk(argv[i]);
	} else {
		seeds(walk);
		char dir[256];
		snprintf(dir, sizeof dir, "tests/data/fuzz-regress/%s", FUZZ_NAME);
		struct stat sb;
		if (stat(dir, &sb) == 0)
			walk(dir);
	}
	printf("1..%d\n", ran);
	return ran == 0;
}
