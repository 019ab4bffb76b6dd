/* mapping.c - fuzz the map-file loader (lib/mapping, enq-parse -m): a bad
 * file ends with a named error and exit 78, never a crash; a good one
 * answers lookups with field names a record can hold.  The model for
 * harnesses of loaders that take a path and exit on a bad file.  MIT. */
#include "fuzz.h"
#include "mapping.h"

FUZZ_SEEDS("tests/data/parse/*.map");
FUZZ_FLAGS("-detect_leaks=0");	/* a loader that exits leaves what it had */

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_init();
	const char *path = fuzz_path(d, n);
	op_mapping *volatile m = NULL;
	int rc;
	FUZZ_CATCH_EXIT(rc, m = op_mapping_load(path));
	if (rc)
		return 0;
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
