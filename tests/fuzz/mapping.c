/* mapping.c - fuzz the map-file loader (lib/mapping, enq-parse -m): a bad
 * file ends with a named error and exit 78, never a crash; a good one
 * answers lookups with field names a record can hold.  The loader returns
 * its error (lib/operr.h): a bad file leaves nothing allocated.  MIT. */
#include "fuzz.h"
#include "mapping.h"

FUZZ_SEEDS("tests/data/parse/*.map");

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_init();
	const char *path = fuzz_path(d, n);
	op_err err = { 0 };
	op_mapping *m = op_mapping_load(path, &err);
	if (!m) {
		if (err.code != OP_EXIT_CONFIG && err.code != OP_EXIT_NOINPUT)
			fuzz_fail("status %d for a bad map file", err.code);
		if (strncmp(err.msg, path, strlen(path)))
			fuzz_fail("message without the file's name: %s", err.msg);
		return 0;
	}
	/* look every line's first word up: answers are field names */
	const char *s = (const char *)d, *end = s + n;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		char col[64];
		snprintf(col, sizeof col, "%.*s", (int)(len < 63 ? len : 63), s);
		char *eq = strchr(col, '=');
		if (eq)
			*eq = 0;
		int kind;
		const char *field = op_mapping_find(m, col, &kind);
		if (field && (!*field || !fuzz_utf8(field, strlen(field))))
			fuzz_fail("column '%s' maps to a bad field name", col);
		s += len + 1;
	}
	op_mapping_free(m);
	return 0;
}
