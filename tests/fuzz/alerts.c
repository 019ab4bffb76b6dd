/* alerts.c - fuzz the body of exc-flag's --state file (lib/flag/alert.c):
 * the lines op_alerts_load reads ("a RULE KEY STREAK pending|firing SINCE
 * NOTIFIED|- [PERIOD]", %XX escapes).  A bad body is refused with
 * "FILE:LINE: what", never a crash; a good one holds keys that are JSON
 * objects (they go into records as they are), and what op_alerts_dump
 * writes of it, after observations, loads back and is written the same.
 * MIT licence, see COPYING. */
#include "fuzz.h"
#include "alert.h"
#include "jsonl.h"

FUZZ_SEEDS("tests/data/fuzz-seeds/alerts/*.state");

static void dump_all(op_alerts *a, op_buf *out)
{
	size_t at = 0;
	while (op_alerts_dump(a, out, &at))
		;
}

/* err is "state:LINE: what" with LINE in [2, 1 + lines] */
static void check_err(const char *err, unsigned long lines)
{
	char *end;
	if (strncmp(err, "state:", 6))
		fuzz_fail("error without the file: \"%s\"", err);
	unsigned long line = strtoul(err + 6, &end, 10);
	if (end == err + 6 || strncmp(end, ": ", 2) || line < 2 || line > lines + 1)
		fuzz_fail("error without a good line: \"%s\"", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_init();
	op_alerts a, b;
	op_err err = { 0 };
	unsigned long lines = 1;
	for (size_t i = 0; i < n; i++)
		lines += d[i] == '\n';
	op_alerts_init(&a, 1793606400);	/* 2026-11-02T08:00:00Z */
	if (op_alerts_load(&a, (const char *)d, n, "state", 2, &err)) {
		check_err(err.msg, lines);
		op_alerts_free(&a);
		return 0;
	}
	op_jerr je;
	for (size_t i = 0; i < a.n; i++)
		if (op_json_valid(a.v[i]->key, a.v[i]->keylen, &je) || a.v[i]->key[0] != '{')
			fuzz_fail("a key that is no JSON object: %s", a.v[i]->key);
	/* every alert observed once, holding or not by its place */
	for (size_t i = 0; i < a.n; i++) {
		const char *since;
		op_alert *al = a.v[i];
		op_alerts_observe(&a, al->rule, al->key, al->keylen, i % 3 ? "2026-10" : NULL, i % 2, 2, 3600,
				  &since);
	}
	op_buf d1 = {0}, d2 = {0};
	dump_all(&a, &d1);
	op_alerts_init(&b, 1793606400);
	if (op_alerts_load(&b, d1.p ? d1.p : "", d1.len, "state", 2, &err))
		fuzz_fail("the state written does not load: %s", err.msg);
	dump_all(&b, &d2);
	if (d1.len != d2.len || (d1.len && memcmp(d1.p, d2.p, d1.len)))
		fuzz_fail("state written, read and written again differs");
	op_buf_free(&d1);
	op_buf_free(&d2);
	op_alerts_free(&a);
	op_alerts_free(&b);
	return 0;
}
