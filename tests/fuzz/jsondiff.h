/* jsondiff.h - the record scanner against jansson, shared by the unit
 * test (tests/unit/jsonl.c, generated texts) and the fuzz harness
 * (tests/fuzz/scanner.c, libFuzzer's texts).  MIT licence, see COPYING. */
#ifndef OP_JSONDIFF_H
#define OP_JSONDIFF_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "jvalue.h"

#define DIFF_FLAGS (JSON_DECODE_ANY | JSON_ALLOW_NUL)

/* jansson 2.14's verdict, less its two known departures from RFC 8259
 * (DEVIATIONS): it takes a NUL byte as the end of a number ("[1\0]" is
 * accepted), so NULs are read as another control character; and it refuses
 * \u0000 in object keys even with JSON_ALLOW_NUL (*nulkey is set). */
static inline json_t *jansson_load(const char *s, size_t n, size_t flags, json_error_t *err, int *nulkey)
{
	char *t = op_xstrndup(s, n);
	for (size_t i = 0; i < n; i++)
		if (!t[i])
			t[i] = 1;
	json_t *j = json_loadb(t, n, flags, err);
	free(t);
	if (nulkey)
		*nulkey = !j && strstr(err->text, "NUL byte in object key");
	return j;
}

/* Same verdict, and for records the same decoded members (by json_equal). */
static inline int json_compare(const char *s, size_t n, char *why, size_t whylen)
{
	op_jerr e;
	json_error_t err;
	int ours = op_json_valid(s, n, &e) == 0, nulkey;
	json_t *j = jansson_load(s, n, DIFF_FLAGS, &err, &nulkey);
	int bad = 0;
	if (nulkey) {
		/* a known departure of jansson's; nothing to compare */
	} else if (ours != (j != NULL)) {
		snprintf(why, whylen, "verdict ours %d jansson %d (%s / %s)", ours, j != NULL,
			 ours ? "" : e.msg, j ? "" : err.text);
		bad = 1;
	} else if (j && json_is_object(j)) {
		/* a record also needs unique top-level keys: jansson keeps the
		 * last of duplicates, so its object is smaller than the line */
		op_rec r = {0};
		json_t *k = j;
		int rec_ok = op_rec_scan(&r, s, n, &e) == 0;
		int theirs_ok = json_object_size(j) == r.nf;
		if (rec_ok != theirs_ok) {
			snprintf(why, whylen, "record verdict ours %d jansson %d", rec_ok, theirs_ok);
			bad = 1;
		}
		for (size_t i = 0; rec_ok && !bad && i < r.nf; i++) {
			op_buf kb = {0};
			const char *key;
			size_t kl;
			op_jstr(r.f[i].k - 1, r.f[i].klen + 2, r.f[i].kesc, &kb, &key, &kl);
			json_t *mine = op_jvalue(r.f[i].v, r.f[i].vlen);
			char *kz = op_xstrndup(key, kl);
			json_t *theirs = json_object_get(k, kz);
			json_t *theirs_real = theirs ? json_loadb(r.f[i].v, r.f[i].vlen, DIFF_FLAGS | JSON_DECODE_INT_AS_REAL, NULL) : NULL;
			if (!mine || !theirs || !json_equal(mine, theirs_real)) {
				snprintf(why, whylen, "member %s decodes differently", kz);
				bad = 1;
			}
			if (r.f[i].type == OP_JSTR && !bad) {
				op_buf vb = {0};
				const char *v;
				size_t vl;
				op_jstr(r.f[i].v, r.f[i].vlen, r.f[i].vesc, &vb, &v, &vl);
				if (vl != json_string_length(theirs) || memcmp(v, json_string_value(theirs), vl)) {
					snprintf(why, whylen, "string %s decodes differently", kz);
					bad = 1;
				}
				op_buf_free(&vb);
			}
			json_decref(mine);
			json_decref(theirs_real);
			free(kz);
			op_buf_free(&kb);
		}
		op_rec_free(&r);
	}
	json_decref(j);
	return bad;
}

#endif
