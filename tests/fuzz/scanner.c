/* scanner.c - fuzz the record scanner (lib/jsonl) against jansson: the
 * same verdict on every text, and for objects the same decoded members;
 * a record (op_rec_scan) is exactly a valid object without duplicate
 * keys, and each of its members is found by name; inside a member, the
 * lookups on spans (op_jobj_get, op_jarr_next) find what jansson does.
 * MIT licence. */
#include "fuzz.h"
#include "jsondiff.h"

FUZZ_SEEDS("tests/data/jsontestsuite/*.json", "tests/data/enq/*.jsonl", "tests/data/parse/*.jsonl");

/* v (a member's span) against j (jansson's reading of it): each key of an
 * object and each element of an array, found on the span, is the same */
static void lookups(const char *v, size_t vlen, json_t *j, op_buf *tmp)
{
	const char *x;
	size_t xn;
	if (json_is_object(j)) {
		const char *key;
		json_t *want;
		json_object_foreach(j, key, want) {
			if (!op_jobj_get(v, vlen, key, strlen(key), &x, &xn, tmp))
				fuzz_fail("op_jobj_get: key '%s' not found", key);
			json_t *got = op_jvalue(x, xn);
			if (!json_equal(got, want))
				fuzz_fail("op_jobj_get: key '%s' finds another value", key);
			json_decref(got);
		}
		if (op_jobj_get(v, vlen, "\xff", 1, &x, &xn, tmp))
			fuzz_fail("op_jobj_get: found a key no object can hold");
	} else if (json_is_array(j)) {
		size_t pos = 0, i = 0;
		while (op_jarr_next(v, vlen, &pos, &x, &xn)) {
			json_t *got = op_jvalue(x, xn);
			if (!json_equal(got, json_array_get(j, i)))
				fuzz_fail("op_jarr_next: element %zu differs", i);
			json_decref(got);
			i++;
		}
		if (i != json_array_size(j))
			fuzz_fail("op_jarr_next: %zu elements, jansson %zu", i, json_array_size(j));
	}
}

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
		op_buf kb = {0}, tb = {0};
		for (size_t i = 0; i < r.nf; i++) {
			const char *k;
			size_t kl;
			op_jstr(r.f[i].k - 1, r.f[i].klen + 2, r.f[i].kesc, &kb, &k, &kl);
			char *kz = op_xstrndup(k, kl);
			if (op_rec_get(&r, kz, kl) != &r.f[i])
				fuzz_fail("member %zu not found by its name", i);
			if (op_jtype_of(r.f[i].v) != r.f[i].type)
				fuzz_fail("member %zu: type by first byte differs", i);
			json_t *j = op_jvalue(r.f[i].v, r.f[i].vlen);
			lookups(r.f[i].v, r.f[i].vlen, j, &tb);
			json_decref(j);
			free(kz);
		}
		op_buf_free(&kb);
		op_buf_free(&tb);
	} else if (e.pos > n) {
		fuzz_fail("error position %zu past the end (%zu)", e.pos, n);
	}
	op_rec_free(&r);
	return 0;
}
