/* jsonl.c - the record scanner and splice writer: JSONTestSuite verdicts,
 * a differential test against jansson over generated and mutated texts,
 * exact messages for bad records, and splicing. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "tap.h"
#include "../fuzz/jsondiff.h"

static int jansson_ok(const char *s, size_t n, int *nulkey)
{
	json_error_t err;
	json_t *j = jansson_load(s, n, DIFF_FLAGS, &err, nulkey);
	json_decref(j);
	return j != NULL;
}

static void suite(void)
{
	const char *dir = "tests/data/jsontestsuite";
	DIR *d = opendir(dir);
	ok(d != NULL, "JSONTestSuite is there");
	if (!d)
		return;
	int y = 0, nn = 0, i = 0, ybad = 0, nbad = 0, ibad = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *nm = de->d_name;
		if (strlen(nm) < 6 || strcmp(nm + strlen(nm) - 5, ".json"))
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s/%s", dir, nm);
		size_t n = 0;
		char *s = slurp(path, &n);
		op_jerr e;
		int ours = op_json_valid(s, n, &e) == 0;
		int nulkey;
		int theirs = jansson_ok(s, n, &nulkey) || nulkey;
		if (nm[0] == 'y') {
			y++;
			if (!ours || !theirs) {
				ybad++;
				printf("# y_ rejected: %s (ours %d, jansson %d: %s)\n", nm, ours, theirs, ours ? "" : e.msg);
			}
		} else if (nm[0] == 'n') {
			nn++;
			if (ours || theirs) {
				nbad++;
				printf("# n_ accepted: %s (ours %d, jansson %d)\n", nm, ours, theirs);
			}
		} else {
			i++;
			if (ours != theirs) {
				ibad++;
				printf("# i_ differs from jansson: %s (ours %d)\n", nm, ours);
			}
		}
		free(s);
	}
	closedir(d);
	ok(y > 90 && ybad == 0, "all %d y_ texts accepted (%d not)", y, ybad);
	ok(nn > 180 && nbad == 0, "all %d n_ texts rejected (%d not)", nn, nbad);
	ok(i > 30 && ibad == 0, "all %d i_ texts decided as jansson does (%d not)", i, ibad);
}

/* ---- differential: generated texts and their mutations ------------------ */

static unsigned long long rng = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void gen_string(op_buf *b)
{
	static const char *pieces[] = {
		"a", "Zo\xc3\xab", "\\n", "\\\"", "\\u00e9", "\\ud83d\\ude00", "\xf0\x9f\x98\x80",
		" ", "\\/", "\\u0000", "x,y", "\\t", "\xe2\x82\xac", "}", "{", "[", ":",
	};
	op_buf_addc(b, '"');
	for (unsigned k = rnd(5); k > 0; k--)
		op_buf_adds(b, pieces[rnd(sizeof pieces / sizeof *pieces)]);
	op_buf_addc(b, '"');
}

static void gen_value(op_buf *b, int depth)
{
	static const char *nums[] = {
		"0", "-0", "1", "-12", "3.25", "1e5", "1E-5", "-0.0e+0", "563.41", "9223372036854775807",
		"-9223372036854775808", "9223372036854775808", "1e308", "1e309", "123e-400", "1.5e400",
	};
	unsigned k = depth > 6 ? rnd(6) : rnd(9);
	switch (k) {
	case 0: case 1: gen_string(b); break;
	case 2: op_buf_adds(b, nums[rnd(sizeof nums / sizeof *nums)]); break;
	case 3: op_buf_adds(b, "true"); break;
	case 4: op_buf_adds(b, "false"); break;
	case 5: op_buf_adds(b, "null"); break;
	case 6: case 7: {
		op_buf_addc(b, '{');
		for (unsigned m = rnd(4), j = 0; j < m; j++) {
			if (j)
				op_buf_adds(b, rnd(4) ? "," : " , ");
			if (rnd(3))
				op_buf_printf(b, "\"k%u\"", rnd(5));
			else
				gen_string(b);
			op_buf_adds(b, rnd(4) ? ":" : " : ");
			gen_value(b, depth + 1);
		}
		op_buf_addc(b, '}');
		break;
	}
	default:
		op_buf_addc(b, '[');
		for (unsigned m = rnd(4), j = 0; j < m; j++) {
			if (j)
				op_buf_addc(b, ',');
			gen_value(b, depth + 1);
		}
		op_buf_addc(b, ']');
	}
}

static void mutate(op_buf *b)
{
	static const char bytes[] = { '"', '\\', ',', ':', '{', '}', '[', ']', ' ', 0, 0x1f, (char)0x80,
				      (char)0xc3, (char)0xed, (char)0xff, 'e', '-', '.', '0', 'u', 'n' };
	if (!b->len)
		return;
	size_t at = rnd((unsigned)b->len);
	switch (rnd(4)) {
	case 0: b->p[at] = bytes[rnd(sizeof bytes)]; break;
	case 1: b->len = at; break;
	case 2: memmove(b->p + at, b->p + at + 1, b->len - at - 1); b->len--; break;
	default:
		op_buf_addc(b, 0);
		memmove(b->p + at + 1, b->p + at, b->len - at - 1);
		b->p[at] = bytes[rnd(sizeof bytes)];
	}
}

static void differential(void)
{
	op_buf b = {0};
	int bad = 0, valid = 0;
	const int N = 60000;
	char why[512];
	for (int i = 0; i < N; i++) {
		op_buf_reset(&b);
		gen_value(&b, 0);
		for (unsigned m = i % 3 ? rnd(3) : 0; m > 0; m--)
			mutate(&b);
		if (json_compare(b.p, b.len, why, sizeof why)) {
			if (bad++ < 5)
				printf("# differs: %.*s\n#   %s\n", (int)(b.len > 200 ? 200 : b.len), b.p, why);
		}
		valid += op_json_valid(b.p, b.len, NULL) == 0;
	}
	ok(bad == 0, "differential against jansson: %d texts (%d valid), %d differ", N, valid, bad);
	ok(valid > N / 4 && valid < N * 9 / 10, "the generator makes both valid and invalid texts");
	op_buf_free(&b);
}

/* ---- records: messages and positions ------------------------------------ */

static const char *scan_msg(const char *s, size_t n)
{
	static char out[160];
	op_rec r = {0};
	op_jerr e;
	if (op_rec_scan(&r, s, n, &e) == 0)
		snprintf(out, sizeof out, "ok %zu", r.nf);
	else
		snprintf(out, sizeof out, "%zu: %s", e.pos + 1, e.msg);
	op_rec_free(&r);
	return out;
}
#define SCAN(lit) scan_msg(lit, sizeof(lit) - 1)

static void records(void)
{
	is(SCAN("{\"a\":1,\"b\":[1,{\"c\":null}],\"d\":\"x\"}"), "ok 3", "a record");
	is(SCAN("{}"), "ok 0", "empty object");
	is(SCAN("  { \"a\" : 1 }  "), "ok 1", "whitespace around");
	is(SCAN("{\"a\":1,\"b\":"), "12: unexpected end of line, value expected", "truncated object");
	is(SCAN("{\"a\":1"), "7: unexpected end of line, ',' or '}' expected", "truncated after a value");
	is(SCAN("{\"a\":\"caf\xe9\"}"), "10: invalid UTF-8 in string", "invalid UTF-8");
	is(SCAN("{\"a\":\"\xed\xa0\x80\"}"), "7: invalid UTF-8 in string", "UTF-8 surrogate");
	is(SCAN("{\"a\":\"x\0y\"}"), "8: NUL byte in string", "NUL byte");
	is(SCAN("{\"a\":1}\0"), "8: end of line expected after the object", "NUL after the object");
	is(SCAN("[1,2]"), "1: not a JSON object but an array", "top-level array");
	is(SCAN("\"s\""), "1: not a JSON object but a string", "top-level string");
	is(SCAN("42"), "1: not a JSON object but a scalar", "top-level number");
	is(SCAN("[1,"), "4: unexpected end of line, value expected", "broken array says why");
	is(SCAN("{\"a\":1e400}"), "6: number out of range", "1e400");
	is(SCAN("{\"a\":-1e400}"), "6: number out of range", "-1e400");
	is(SCAN("{\"a\":1e-400}"), "ok 1", "underflow is fine (jansson)");
	is(SCAN("{\"a\":9223372036854775808}"), "6: number out of range", "int64 overflow");
	is(SCAN("{\"a\":-9223372036854775808}"), "ok 1", "int64 min");
	is(SCAN("{\"a\":01}"), "6: invalid number (leading zero)", "leading zero");
	is(SCAN("{\"a\":1,\"a\":2}"), "8: duplicate key \"a\"", "duplicate keys");
	is(SCAN("{\"a\":1,\"\\u0061\":2}"), "8: duplicate key \"\\u0061\"", "duplicate keys, one escaped");
	is(SCAN("{\"a\":{\"b\":1,\"b\":2}}"), "ok 1", "nested duplicates are not the record's business");
	is(SCAN("{\"a\":\"\\ud800\"}"), "7: high surrogate not followed by a low one", "lone surrogate");
	is(SCAN("{\"a\":\"\\u0000\"}"), "ok 1", "\\u0000 is valid JSON");
	is(SCAN("{\"a\" 1}"), "6: ':' expected after key", "missing colon");
	is(SCAN("{a:1}"), "2: string key expected", "bare key");
	is(SCAN("{\"a\":tru}"), "6: invalid literal", "bad literal");
	is(SCAN("{\"a\":1}x"), "8: end of line expected after the object", "trailing garbage");
	is(SCAN(""), "1: empty line", "empty");

	/* nesting: a member value is at depth 2, so 2047 arrays fit, 2048 do not */
	for (int levels = 2046; levels <= 2048; levels++) {
		op_buf b = {0};
		op_buf_adds(&b, "{\"a\":");
		for (int i = 0; i < levels; i++)
			op_buf_addc(&b, '[');
		for (int i = 0; i < levels; i++)
			op_buf_addc(&b, ']');
		op_buf_addc(&b, '}');
		json_t *j = json_loadb(b.p, b.len, 0, NULL);
		const char *m = scan_msg(b.p, b.len);
		ok((strncmp(m, "ok", 2) == 0) == (j != NULL), "%d nested arrays: %s (jansson %s)", levels, m,
		   j ? "ok" : "rejects");
		json_decref(j);
		op_buf_free(&b);
	}
	op_buf b = {0};
	op_buf_adds(&b, "{\"a\":");
	for (int i = 0; i < 10000; i++)
		op_buf_addc(&b, '[');
	is(scan_msg(b.p, b.len), "2053: nested too deeply (over 2048 levels)", "10,000-deep nesting");
	op_buf_free(&b);
}

/* ---- splicing and decoding ---------------------------------------------- */

static const char *splice(const char *line, const op_kv *kv, size_t n)
{
	static op_buf out;
	op_rec r = {0};
	op_buf_reset(&out);
	if (op_rec_scan(&r, line, strlen(line), NULL))
		return "scan failed";
	op_rec_splice(&out, &r, kv, n);
	op_rec_free(&r);
	return out.p;
}
#define KV(k, v) { k, sizeof(k) - 1, v, sizeof(v) - 1 }

static void splicing(void)
{
	op_kv add[] = { KV("category", "\"quote\""), KV("confidence", "0.75") };
	is(splice("{\"id\":\"1\", \"value\":1.10 ,\"x\":{\"y\":[1, 2]}}", add, 2),
	   "{\"id\":\"1\", \"value\":1.10 ,\"x\":{\"y\":[1, 2]},\"category\":\"quote\",\"confidence\":0.75}",
	   "appended; other bytes (1.10, spacing) untouched");
	is(splice("{}", add, 1), "{\"category\":\"quote\"}", "into an empty object");
	is(splice("{ }", add, 1), "{ \"category\":\"quote\"}", "into an empty object with space");
	op_kv rep[] = { KV("b", "[]"), KV("new", "true"), KV("a", "null") };
	is(splice("{\"a\":1,\"b\":{\"c\":2},\"z\":3}", rep, 3), "{\"a\":null,\"b\":[],\"z\":3,\"new\":true}",
	   "replaced in place, in line order, new one appended");
	op_kv esc[] = { KV("caf\xc3\xa9", "1") };
	is(splice("{\"caf\\u00e9\":0}", esc, 1), "{\"caf\\u00e9\":1}", "escaped key found by its decoded name");
	op_kv q[] = { KV("a\"b", "1") };
	is(splice("{}", q, 1), "{\"a\\\"b\":1}", "new key escaped");
	is(splice("{\"a\":1}", NULL, 0), "{\"a\":1}", "nothing to set");

	op_rec r = {0};
	const char *line = "{\"s\":\"a\\nb\\u00e9\\ud83d\\ude00\",\"n\":-12.5e1,\"i\":42,"
			   "\"o\":{\"k\":\"v\",\"k\":\"w\"},\"l\":[10,\"x\",[1]]}";
	ok(op_rec_scan(&r, line, strlen(line), NULL) == 0, "decode line scans");
	const op_field *f = op_rec_get(&r, "s", 1);
	op_buf b = {0};
	const char *s;
	size_t n;
	op_jstr(f->v, f->vlen, f->vesc, &b, &s, &n);
	ok(n == 9 && !memcmp(s, "a\nb\xc3\xa9\xf0\x9f\x98\x80", 9), "string escapes decoded");
	f = op_rec_get(&r, "n", 1);
	ok(op_jnum(f->v, f->vlen) == -125.0, "real decoded");
	f = op_rec_get(&r, "i", 1);
	ok(op_jnum(f->v, f->vlen) == 42.0 && f->type == OP_JNUM, "integer decoded");
	ok(op_rec_get(&r, "missing", 7) == NULL, "missing member");
	/* the filter of misses (op_rec.keys, by length and first byte):
	 * keys alike in both, one alike in its bit, the empty key, an
	 * escaped key found by its decoded name */
	op_rec q2 = {0};
	const char *l2 = "{\"\":1,\"ab\":2,\"ax\":3,\"(\":4}", *l3 = "{\"ab\":1}", *l4 = "{\"c\\u0061t\":2}";
	ok(op_rec_scan(&q2, l2, strlen(l2), NULL) == 0, "keys alike scan");
	ok(op_rec_get(&q2, "", 0) && *op_rec_get(&q2, "", 0)->v == '1', "the empty key");
	ok(op_rec_get(&q2, "ax", 2) && *op_rec_get(&q2, "ax", 2)->v == '3', "a key of another's length and first byte");
	ok(op_rec_get(&q2, "(", 1) && *op_rec_get(&q2, "(", 1)->v == '4', "a key of another's bit");
	ok(!op_rec_get(&q2, "ay", 2) && !op_rec_get(&q2, "a", 1) && !op_rec_get(&q2, "b", 1), "misses");
	ok(op_rec_scan(&q2, l3, strlen(l3), NULL) == 0 && !op_rec_get(&q2, "(", 1) && !op_rec_get(&q2, "ax", 2),
	   "a miss of a present key's bit; the bits of the line before are gone");
	ok(op_rec_scan(&q2, l4, strlen(l4), NULL) == 0, "escaped key scans");
	ok(op_rec_get(&q2, "cat", 3) && *op_rec_get(&q2, "cat", 3)->v == '2', "an escaped key by its decoded name");
	op_rec_free(&q2);
	f = op_rec_get(&r, "o", 1);
	const char *v;
	size_t vl;
	ok(op_jobj_get(f->v, f->vlen, "k", 1, &v, &vl, &b) && vl == 3 && !memcmp(v, "\"w\"", 3),
	   "nested member, last duplicate wins");
	f = op_rec_get(&r, "l", 1);
	ok(op_jarr_get(f->v, f->vlen, 1, &v, &vl) && vl == 3 && !memcmp(v, "\"x\"", 3), "array element");
	ok(op_jarr_get(f->v, f->vlen, 2, &v, &vl) && vl == 3 && !memcmp(v, "[1]", 3), "nested array element");
	ok(!op_jarr_get(f->v, f->vlen, 3, &v, &vl), "past the end");
	/* strings ending in runs of backslashes, escaped quotes, brackets
	 * inside strings: each skipped whole */
	const char *tricky = "{\"a\\\"\":\"x\\\\\",\"b\":\"\\\\\\\"q\",\"c\":[\"]\\\"\",{\"d\":\"\\\\\"}],\"k\":7}";
	ok(op_jobj_get(tricky, strlen(tricky), "k", 1, &v, &vl, &b) && vl == 1 && *v == '7',
	   "member after escaped quotes and backslash runs");
	ok(op_jobj_get(tricky, strlen(tricky), "c", 1, &v, &vl, &b) &&
	   op_jarr_get(v, vl, 1, &v, &vl) && vl == 10 && !memcmp(v, "{\"d\":\"\\\\\"}", 10),
	   "array element after a string holding ]\"");
	op_buf_free(&b);
	op_rec_free(&r);
}

/* what JSON escapes (RFC 8259, section 7) */
static int json_special_ref(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

/* op_buf_json_str, 16 bytes at a time, writes what the byte-at-a-time
 * rule writes: the short escapes, \u00xx for the other control
 * characters, everything else as it is; at every length and place of
 * the bytes that need escaping, and into a buffer that must grow */
static void escaping(void)
{
	static const char *const pieces[] = { "a", "\"", "\\", "\n", "\r", "\t", "\b", "\f", "\x01", "\x1f",
					       "\x7f", " ", "\xc3\xa9", "\xe2\x82\xac", "0123456789abcdef", "/" };
	uint64_t seed = 7;
	size_t bad = 0;
	for (int t = 0; t < 20000; t++) {
		char in[200];
		size_t n = 0;
		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		unsigned np = (unsigned)(seed % 40);
		for (unsigned k = 0; k < np; k++) {
			seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
			const char *pc = pieces[seed % (sizeof pieces / sizeof *pieces)];
			if (n + strlen(pc) > sizeof in)
				break;
			memcpy(in + n, pc, strlen(pc));
			n += strlen(pc);
		}
		op_buf want = {0}, got = {0};
		op_buf_addc(&want, '"');
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)in[i];
			const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\r' ? "\\r" :
					c == '\t' ? "\\t" : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;
			if (e)
				op_buf_adds(&want, e);
			else if (c < 0x20)
				op_buf_printf(&want, "\\u%04x", c);
			else
				op_buf_addc(&want, (char)c);
		}
		op_buf_addc(&want, '"');
		op_buf_adds(&got, "x");	/* after what is there */
		op_buf_json_str(&got, in, n);
		if ((got.len != want.len + 1 || memcmp(got.p + 1, want.p, want.len) || got.p[got.len]) && bad++ < 3)
			printf("# escaped '%s' as '%s'\n", want.p, got.p + 1);
		op_buf_free(&want);
		op_buf_free(&got);
	}
	is_num(bad, 0, "JSON string escaping, 16 bytes at a time, as byte by byte");
	/* the short paths (under 16 bytes: two loads that overlap) and the
	 * last block's overlap: every length to 33, one byte at every place */
	bad = 0;
	for (size_t n = 0; n < 34; n++)
		for (size_t at = 0; at <= n; at++)
			for (const char *c = "\"\\\n\x01\x1f \x7f\x80"; *c; c++) {
				char in[34];
				memset(in, 'a', n);
				if (at < n)
					in[at] = *c;
				op_buf got = {0}, want = {0};
				op_buf_json_str(&got, in, n);
				op_buf_addc(&want, '"');
				op_buf_add(&want, in, at < n ? at : n);
				if (at < n && (*c == '"' || *c == '\\'))
					op_buf_printf(&want, "\\%c", *c);
				else if (at < n && *c == '\n')
					op_buf_adds(&want, "\\n");
				else if (at < n && json_special_ref((unsigned char)*c))
					op_buf_printf(&want, "\\u%04x", (unsigned char)*c);
				else if (at < n)
					op_buf_addc(&want, *c);
				if (at < n)
					op_buf_add(&want, in + at + 1, n - at - 1);
				op_buf_addc(&want, '"');
				if ((got.len != want.len || memcmp(got.p, want.p, got.len)) && bad++ < 3)
					printf("# length %zu, 0x%02x at %zu: '%s', not '%s'\n", n, (unsigned char)*c, at,
					       got.p, want.p);
				op_buf_free(&got);
				op_buf_free(&want);
			}
	is_num(bad, 0, "JSON strings to 33 bytes, one byte to escape or not at every place");
	static const unsigned long long nums[] = { 0, 7, 10, 99, 1000000, 18446744073709551615ULL };
	op_buf u = {0};
	char want[200] = "";
	for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
		op_buf_uint(&u, nums[i]);
		op_buf_addc(&u, ',');
		snprintf(want + strlen(want), sizeof want - strlen(want), "%llu,", nums[i]);
	}
	is(u.p, want, "op_buf_uint writes what %%llu does");
	op_buf_free(&u);
}

int main(void)
{
	escaping();
	suite();
	records();
	splicing();
	differential();
	return done_testing();
}
