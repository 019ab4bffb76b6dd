/* expr.c - fuzz the expression evaluator (lib/eval, lib/builtin) on
 * random records: every expression and template that parses is evaluated
 * against every record; a result is a value whose JSON text is valid JSON
 * and whose text is valid UTF-8, or a named error; history calls see each
 * record.
 *
 * Input: rule statements (stmts.h: "e EXPR", and exc-flag's "flag ... when
 * EXPR message \"T\"") up to the first line that starts with '{', then records, one a
 * line.  MIT licence. */
#include "fuzz.h"
#include "stmts.h"

FUZZ_SEEDS("tests/data/fuzz-seeds/expr/*", "tests/data/rules/basic.rules");

static void check_value(const op_val *v, op_buf *b)
{
	op_buf_reset(b);
	op_val_json(b, v);
	op_jerr e;
	if (op_json_valid(b->p, b->len, &e))
		fuzz_fail("value as JSON is not valid (%s): %.200s", e.msg, b->p);
	op_buf_reset(b);
	op_val_text(b, v);
	if (!fuzz_utf8(b->p, b->len))
		fuzz_fail("value as text is not UTF-8");
}

static void check_expr(op_eval *ev, const op_expr *e, op_buf *b)
{
	op_val v;
	if (op_eval_expr(ev, e, &v) == 0)
		check_value(&v, b);
	else if (!ev->err[0])
		fuzz_fail("evaluation error without a message");
	int c = op_eval_cond(ev, e);
	if (c < -1 || c > 1)
		fuzz_fail("condition %d", c);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_init();
	const char *s = (const char *)d, *end = s + n, *recs = s;
	while (recs < end && *recs != '{') {
		const char *nl = memchr(recs, '\n', (size_t)(end - recs));
		recs = nl ? nl + 1 : end;
	}
	fuzz_kept k = { .flags = op_flagger_new() };
	int nerr;
	op_rules *r = op_rules_parse("fuzz.rules", s, (size_t)(recs - s), fuzz_stmts, &k, OP_FEAT_HISTORY, &nerr);
	op_eval ev;
	op_eval_init(&ev, 1792000000 /* 2026-10-14T17:46:40Z */, NULL);
	ev.lang = &r->lang;
	ev.group = "g";
	ev.grouplen = 1;
	op_rec rec = {0};
	op_buf b = {0};
	size_t nflags;
	const op_flag *flags = op_flagger_flags(k.flags, &nflags);
	while (recs < end) {
		const char *nl = memchr(recs, '\n', (size_t)(end - recs));
		size_t len = nl ? (size_t)(nl - recs) : (size_t)(end - recs);
		if (op_rec_scan(&rec, recs, len, NULL) == 0) {
			op_eval_record(&ev, &rec);
			for (size_t i = 0; i < k.ne; i++)
				check_expr(&ev, k.e[i], &b);
			for (size_t i = 0; i < nflags; i++) {
				check_expr(&ev, flags[i].when, &b);
				op_buf_reset(&b);
				if (flags[i].message && op_render(&ev, flags[i].message, &b) == 0 &&
				    !fuzz_utf8(b.p, b.len))
					fuzz_fail("template output is not UTF-8");
			}
			op_history_commit(&ev);
		}
		recs += len + (nl != NULL);
	}
	op_buf_free(&b);
	op_rec_free(&rec);
	op_eval_free(&ev);
	op_flagger_free(k.flags);
	op_rules_free(r);
	return 0;
}
