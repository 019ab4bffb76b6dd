/* jsonl.c - the record scanner and splice writer: JSONTestSuite verdicts,
 * a differential test against jansson over generated and mutated texts,
 * exact messages for bad records, and splicing. */
#include <dirent.h>
#include <math.h>
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

/* the record scanner (its own loop over the top level, with shortcuts
 * for compact JSON) says of a text what the value scanner does: a
 * record when an object, unless a key repeats */
static int record_differs(op_rec *r, const char *s, size_t n)
{
	op_jerr e;
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	int obj = i < n && s[i] == '{' && op_json_valid(s, n, NULL) == 0;
	if (op_rec_scan(r, s, n, &e) == 0)
		return !obj;
	return obj && strncmp(e.msg, "duplicate key", 13);
}

static void differential(void)
{
	op_buf b = {0};
	op_rec r = {0};
	int bad = 0, valid = 0, recbad = 0;
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
		if (record_differs(&r, b.p, b.len) && recbad++ < 5)
			printf("# record scan differs: %.*s\n", (int)(b.len > 200 ? 200 : b.len), b.p);
	}
	ok(recbad == 0, "the record scanner agrees with the value scanner: %d differ", recbad);
	op_rec_free(&r);
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
	is(SCAN("{\"a\"::1}"), "6: value expected", "two colons");
	is(SCAN("{\"a\":"), "6: unexpected end of line, value expected", "nothing after the colon");
	is(SCAN("{\"a\":\t1 ,\n\"b\" :2}"), "ok 2", "blanks around the colon and comma");
	is(SCAN("{\"a\":1,"), "8: unexpected end of line, string key expected", "nothing after the comma");
	is(SCAN("{\"a\":1,}"), "8: string key expected", "a comma before the brace");
	is(SCAN("{\"a\":1,\"b\"}"), "11: ':' expected after key", "a key without a value");
	is(SCAN("{\"a\":1,\"b"), "10: unterminated string", "a key cut short");
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
	/* the decimals read without strtod read as strtod reads them, to
	 * the bit, and those with 16 digits or an exponent by strtod */
	int jbad = 0;
	for (int t = 0; t < 200000; t++) {
		char num[40];
		int len = 0, digits = 1 + (int)rnd(17), point = (int)rnd((unsigned)digits + 1);
		if (rnd(2))
			num[len++] = '-';
		for (int i = 0; i < digits; i++) {
			if (i == point && i)
				num[len++] = '.';
			num[len++] = (char)((i == 0 && digits > 1 && point != 1 ? '1' + rnd(9) : '0' + rnd(10)));
		}
		if (t % 7 == 0)
			len += snprintf(num + len, sizeof num - (size_t)len, "e%d", (int)rnd(40) - 20);
		num[len] = 0;
		double a = op_jnum(num, (size_t)len), b2 = strtod(num, NULL);
		if (memcmp(&a, &b2, sizeof a) && jbad++ < 5)
			printf("# op_jnum(%s) = %.17g, strtod %.17g\n", num, a, b2);
	}
	ok(jbad == 0, "200,000 numbers read as strtod reads them: %d differ", jbad);
	double mz = op_jnum("-0.0", 4);
	ok(mz == 0 && signbit(mz), "-0.0 keeps its sign");
	ok(op_rec_get(&r, "missing", 7) == NULL, "missing member");
	/* lookups and misses: keys alike in length and first byte, the
	 * empty key, the keys of the line before gone, an escaped key found
	 * by its decoded name */
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

/* ---- the keys by hash ----------------------------------------------------- */

/* the repeat the scanner names, by the rule of the searches it had before
 * the hash: up to 24 members the first whose key came before, else the
 * smallest key (shortest, then by bytes) at its second place; -1: none */
/* whether a scan (rc, e) of record b failed other than by naming key,
 * member want of r, as the repeat, at its place */
static int wrong_repeat(const op_rec *r, const op_jerr *e, const op_buf *b, int rc, const char *key, size_t want)
{
	char msg[96];
	snprintf(msg, sizeof msg, "duplicate key \"%s\"", key);
	return !rc || strcmp(e->msg, msg) || e->pos != (size_t)(r->f[want].k - 1 - b->p);
}

static long named_repeat(char keys[][8], size_t n)
{
	long best = -1;
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++) {
			if (strcmp(keys[i], keys[j]))
				continue;
			if (n <= 24)
				return (long)i;
			size_t a = strlen(keys[i]), b = best < 0 ? 0 : strlen(keys[best]);
			int first = 1;	/* its second place: no k < j < i alike before */
			for (size_t k = 0; k < i && first; k++)
				first = k == j || strcmp(keys[k], keys[i]);
			if (first && (best < 0 || a < b || (a == b && strcmp(keys[i], keys[best]) < 0)))
				best = (long)i;
		}
	return best;
}

static void keys_by_hash(void)
{
	op_rec r = {0};
	op_buf b = {0};
	op_jerr e;
	/* 1,024 members (the most hashed), then 1,025: each found, none else */
	for (int n = 1024; n <= 1025; n++) {
		op_buf_reset(&b);
		op_buf_adds(&b, "{\"\":0");
		for (int i = 1; i < n; i++)
			op_buf_printf(&b, ",\"k%d\":%d", i, i);
		op_buf_addc(&b, '}');
		ok(op_rec_scan(&r, b.p, b.len, &e) == 0 && r.hashed == (n == 1024), "%d members: %s", n,
		   n == 1024 ? "hashed" : "not hashed");
		int found = op_rec_get(&r, "", 0) == &r.f[0];
		for (int i = 1; i < n; i++) {
			char k[16];
			int kl = snprintf(k, sizeof k, "k%d", i);
			found += op_rec_get(&r, k, (size_t)kl) == &r.f[i];
		}
		ok(found == n && !op_rec_get(&r, "k0", 2) && !op_rec_get(&r, "k1025", 5) &&
		   !op_rec_get(&r, "k", 1), "%d members: each found where it is, no other", n);
	}
	/* keys alike in their length and the bytes hashed (name_0000_x,
	 * name_0001_x, ...), as a wide export's or a hostile record's: not
	 * hashed (each would step past every one before it, n^2 / 2
	 * compares), the sort decides; each found, a repeat named */
	for (int rep = 0; rep <= 1; rep++) {
		op_buf_reset(&b);
		for (int i = 0; i < 1000; i++)
			op_buf_printf(&b, "%c\"name_%04d_x\":%d", i ? ',' : '{', i, i);
		if (rep)
			op_buf_adds(&b, ",\"name_0500_x\":0");
		op_buf_addc(&b, '}');
		int rc = op_rec_scan(&r, b.p, b.len, &e), found = 0;
		for (int i = 0; i < 1000; i++) {
			char k[16];
			int kl = snprintf(k, sizeof k, "name_%04d_x", i);
			found += op_rec_get(&r, k, (size_t)kl) == &r.f[i];
		}
		if (rep)
			ok(rc && !strcmp(e.msg, "duplicate key \"name_0500_x\"") &&
			   e.pos == (size_t)(r.f[1000].k - 1 - b.p), "1,000 keys alike and a repeat: named");
		else
			ok(rc == 0 && !r.hashed && found == 1000 && !op_rec_get(&r, "name_1000_x", 11),
			   "1,000 keys alike: not hashed, each found, no other");
	}
	const char *esc = "{\"a\":1,\"c\\u0061t\":2}";
	ok(op_rec_scan(&r, esc, strlen(esc), &e) == 0 && !r.hashed && op_rec_get(&r, "cat", 3) == &r.f[1],
	   "an escaped key: not hashed, found by its decoded name");
	ok(op_rec_scan(&r, "{\"a\":1,\"a\":2}", 13, &e) && !r.hashed && !op_rec_get(&r, "b", 1),
	   "a repeat: not hashed");
	/* random keys from few letters, so that many hash alike and some
	 * repeat: the repeat named as before, every key found */
	char keys[40][8];
	int bad = 0, repeats = 0;
	for (int t = 0; t < 20000; t++) {
		size_t n = 1 + rnd(40);
		op_buf_reset(&b);
		op_buf_addc(&b, '{');
		for (size_t i = 0; i < n; i++) {
			size_t kl = rnd(t % 2 ? 7 : 3);
			for (size_t j = 0; j < kl; j++)
				keys[i][j] = "abc"[rnd(t % 2 ? 2 : 3)];
			keys[i][kl] = 0;
			op_buf_printf(&b, "%s\"%s\":%zu", i ? "," : "", keys[i], i);
		}
		op_buf_addc(&b, '}');
		long want = named_repeat(keys, n);
		int rc = op_rec_scan(&r, b.p, b.len, &e);
		repeats += want >= 0;
		if (want >= 0) {
			bad += wrong_repeat(&r, &e, &b, rc, keys[want], (size_t)want);
			continue;
		}
		bad += rc != 0;
		for (size_t i = 0; i < n; i++)
			bad += op_rec_get(&r, keys[i], strlen(keys[i])) != &r.f[i];
	}
	ok(bad == 0 && repeats > 1000 && repeats < 19000,
	   "20,000 records of random keys: %d with a repeat, %d wrong", repeats, bad);
	/* keys with an a written \u0061 here and there, up to 60: the
	 * decoded keys compared, the first key that has a repeat named at
	 * its repeat's first place (as the search of every later key did) */
	char dec[60][8], raw[60][48];
	int checked = 0;
	bad = repeats = 0;
	for (int t = 0; t < 20000; t++) {
		size_t n = 1 + rnd(60);
		long want = -1;
		int anyesc = 0;
		op_buf_reset(&b);
		for (size_t i = 0; i < n; i++) {
			size_t kl = rnd(6), rl = 0;
			for (size_t j = 0; j < kl; j++) {
				dec[i][j] = "ab"[rnd(2)];
				if (dec[i][j] == 'a' && rnd(2))
					anyesc = 1, rl += (size_t)snprintf(raw[i] + rl, sizeof raw[i] - rl, "\\u0061");
				else
					raw[i][rl++] = dec[i][j];
			}
			dec[i][kl] = raw[i][rl] = 0;
			op_buf_printf(&b, "%c\"%s\":%zu", i ? ',' : '{', raw[i], i);
		}
		op_buf_addc(&b, '}');
		if (!anyesc)	/* none escaped: the rule above */
			continue;
		checked++;
		for (size_t i = 0; i < n && want < 0; i++)
			for (size_t j = i + 1; j < n && want < 0; j++)
				if (!strcmp(dec[i], dec[j]))
					want = (long)j;
		int rc = op_rec_scan(&r, b.p, b.len, &e);
		repeats += want >= 0;
		if (want >= 0) {
			bad += wrong_repeat(&r, &e, &b, rc, raw[want], (size_t)want);
		} else {
			bad += rc != 0;
		}
	}
	ok(bad == 0 && repeats > 1000 && checked - repeats > 1000,
	   "%d records of keys some escaped: %d with a repeat, %d wrong", checked, repeats, bad);
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
	/* the short paths (under 16 bytes: two loads that overlap), the last
	 * block's overlap and the runs copied (op_copy: under 32 bytes, two
	 * loads that overlap): every length to 65, one byte at every place */
	bad = 0;
	for (size_t n = 0; n < 66; n++)
		for (size_t at = 0; at <= n; at++)
			for (const char *c = "\"\\\n\x01\x1f \x7f\x80"; *c; c++) {
				char in[66];
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
	is_num(bad, 0, "JSON strings to 65 bytes, one byte to escape or not at every place");
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

/* op_copy copies what memcpy does, every length to 70 from and to every
 * place in a 16-byte block, and writes no byte outside */
static void copying(void)
{
	char src[128], dst[128], want[128];
	size_t bad = 0;
	for (size_t i = 0; i < sizeof src; i++)
		src[i] = (char)(i * 7 + 1);
	for (size_t n = 0; n <= 70; n++)
		for (size_t from = 0; from < 16; from++)
			for (size_t to = 0; to < 16; to++) {
				memset(dst, '#', sizeof dst);
				memset(want, '#', sizeof want);
				memcpy(want + to, src + from, n);
				op_copy(dst + to, src + from, n);
				if (memcmp(dst, want, sizeof dst) && bad++ < 3)
					printf("# %zu bytes from %zu to %zu: not memcpy's\n", n, from, to);
			}
	is_num(bad, 0, "op_copy: memcpy's bytes at every length to 70 and alignment, none outside");
}

int main(void)
{
	tap_rng = 88172645463325252ULL;
	escaping();
	copying();
	suite();
	records();
	splicing();
	keys_by_hash();
	differential();
	return done_testing();
}
