/* splice.c - fuzz the splice writer (op_rec_splice): for any record and
 * any members to set, the output is a valid record whose members are the
 * input's, in order and byte for byte, with the set ones replaced in place
 * and the new ones appended; and jansson reads it as the input with those
 * members set.
 *
 * Input: a record line, '\n', then bytes that choose up to 8 members to
 * set (an existing one by index, or a new name made of any ASCII, quotes,
 * backslashes and control characters included) and their values.
 * MIT licence. */
#include "fuzz.h"
#include "jsondiff.h"

FUZZ_SEEDS("tests/data/enq/*.jsonl", "tests/data/parse/*.jsonl");

static const char *const values[] = {
	"null", "true", "1.10", "-0", "1e300", "\"quote\"", "\"caf\\u00e9 \\\"x\\\"\"", "[]",
	"{\"a\":[1,{\"b\":null}]}", "\"\"", "[\"x\",\"y\"]", "9223372036854775807",
};
#define NVALUES (sizeof values / sizeof *values)

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_init();
	const uint8_t *nl = memchr(d, '\n', n);
	size_t linelen = nl ? (size_t)(nl - d) : n;
	const uint8_t *ops = nl ? nl + 1 : d + n, *end = d + n;
	const char *line = (const char *)d;
	op_rec r = {0}, o = {0};
	if (op_rec_scan(&r, line, linelen, NULL)) {
		op_rec_free(&r);
		return 0;
	}

	/* the members to set */
	op_kv kv[8];
	char names[8][8];
	op_buf kb = {0};
	size_t nkv = 0, nnew = 0;
	while (nkv < 8 && end - ops >= 2) {
		unsigned what = *ops++, arg = *ops++;
		op_kv *k = &kv[nkv];
		if ((what & 1) && r.nf) {
			const op_field *f = &r.f[arg % r.nf];
			const char *s;
			size_t sl;
			op_jstr(f->k - 1, f->klen + 2, f->kesc, &kb, &s, &sl);
			if (sl > 7)
				continue;
			memcpy(names[nkv], s, sl);
			k->klen = sl;
		} else {
			k->klen = arg % 8;
			/* any ASCII but NUL, which jansson takes for the key's end */
			for (size_t i = 0; i < k->klen; i++) {
				unsigned c = ops < end ? *ops++ & 0x7f : 'k';
				names[nkv][i] = (char)(c ? c : 1);
			}
		}
		k->key = names[nkv];
		k->val = values[(what >> 1) % NVALUES];
		k->vlen = strlen(k->val);
		int dup = 0;
		for (size_t j = 0; j < nkv; j++)
			dup |= kv[j].klen == k->klen && !memcmp(kv[j].key, k->key, k->klen);
		if (dup)
			continue;
		nnew += op_rec_get(&r, k->key, k->klen) == NULL;
		nkv++;
	}

	op_buf out = {0};
	op_rec_splice(&out, &r, kv, nkv);
	op_jerr e;
	if (op_rec_scan(&o, out.p, out.len, &e))
		fuzz_fail("spliced line is no record: %zu: %s", e.pos + 1, e.msg);
	if (o.nf != r.nf + nnew)
		fuzz_fail("%zu members, want %zu", o.nf, r.nf + nnew);

	/* members in order; the ones not set byte for byte, the set ones with
	 * the value given */
	for (size_t i = 0; i < o.nf; i++) {
		const op_field *f = &o.f[i], *was = i < r.nf ? &r.f[i] : NULL;
		const char *name;
		size_t namelen;
		op_jstr(f->k - 1, f->klen + 2, f->kesc, &kb, &name, &namelen);
		const op_kv *set = NULL;
		for (size_t j = 0; j < nkv; j++)
			if (kv[j].klen == namelen && !memcmp(kv[j].key, name, namelen))
				set = &kv[j];
		if (was && (f->klen != was->klen || memcmp(f->k, was->k, f->klen)))
			fuzz_fail("member %zu renamed or moved", i);
		if (set) {
			if (f->vlen != set->vlen || memcmp(f->v, set->val, f->vlen))
				fuzz_fail("member %zu does not hold the value set", i);
		} else if (!was || f->vlen != was->vlen || memcmp(f->v, was->v, f->vlen)) {
			fuzz_fail("member %zu changed", i);
		}
	}

	/* and as jansson sees it: the input with the members set */
	json_error_t err;
	int nulkey;
	json_t *want = jansson_load(line, linelen, DIFF_FLAGS, &err, &nulkey);
	if (want) {
		for (size_t j = 0; j < nkv; j++) {
			char *kz = op_xstrndup(kv[j].key, kv[j].klen);
			json_object_set_new(want, kz, json_loadb(kv[j].val, kv[j].vlen, DIFF_FLAGS, NULL));
			free(kz);
		}
		json_t *got = json_loadb(out.p, out.len, DIFF_FLAGS, &err);
		if (!got || !json_equal(got, want))
			fuzz_fail("jansson reads the spliced line differently%s%s", got ? "" : ": ",
				  got ? "" : err.text);
		json_decref(got);
		json_decref(want);
	}
	op_buf_free(&kb);
	op_buf_free(&out);
	op_rec_free(&o);
	op_rec_free(&r);
	return 0;
}
