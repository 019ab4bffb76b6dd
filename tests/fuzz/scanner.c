/* scanner.c - fuzz the record scanner (lib/jsonl) against jansson: the
 * same verdict on every text, and for objects the same decoded members;
 * a record (op_rec_scan) is exactly a valid object without duplicate
 * keys, and each of its members is found by name.  MIT licence. */
#include "fuzz.h"
#include "jsondiff.h"

FUZZ_SEEDS("tests/data/jsontestsuite/*.json", "tests/data/enq/*.jsonl", "tests/data/parse/*.jsonl");

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	const char *s = (const char *)d;
	char why[512];
	fuzz_init();
	if (json_compare(s, n, why, sizeof why))
		fuzz_fail("scanner and jansson differ: %s", why);

	op_rec r = {0};
	op_jerr e;
	int rec = op_rec_scan(&r, s, n, &e) == 0;
	if (rec) {
		if (op_json_valid(s, n, NULL) || r.close >= n || s[r.close] != '}')
			fuzz_fail("a record that is not a valid object");
		op_buf kb = {0};
		for (size_t i = 0; i < r.nf; i++) {
			const char *k;
			size_t kl;
			op_jstr(r.f[i].k - 1, r.f[i].klen + 2, r.f[i].kesc, &kb, &k, &kl);
			char *kz = op_xstrndup(k, kl);
			if (op_rec_get(&r, kz, kl) != &r.f[i])
				fuzz_fail("member %zu not found by its name", i);
			if (op_jtype_of(r.f[i].v) != r.f[i].type)
				fuzz_fail("member %zu: type by first byte differs", i);
			free(kz);
		}
		op_buf_free(&kb);
	} else if (e.pos > n) {
		fuzz_fail("error position %zu past the end (%zu)", e.pos, n);
	}
	op_rec_free(&r);
	return 0;
}
