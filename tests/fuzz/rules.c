/* rules.c - fuzz the rule-file reader (lib/rules: logical lines,
 * continuations, comments, statement dispatch, error positions) and the
 * tokens and parsers of lib/lex and lib/parse under it, through the
 * statements of every engine (stmts.h): any bytes give a
 * rule set or named errors, never a crash, and the error count stays
 * within its limit.  MIT. */
#include "fuzz.h"
#include "stmts.h"

FUZZ_SEEDS("tests/data/rules/*.rules", "tests/data/parse/*.rules", "share/rules/*.rules",
	   "tests/data/fuzz-seeds/expr/*");

/* the same bytes read by each engine's statements in turn */
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_init();
	/* route's `holidays FILE` opens what the bytes name: /dev/stdin
	 * must not wait for a terminal */
	if (!freopen("/dev/null", "rb", stdin))
		fuzz_fail("/dev/null: cannot open");
	for (size_t i = 0; i < sizeof fuzz_engines / sizeof *fuzz_engines; i++) {
		const fuzz_engine *en = &fuzz_engines[i];
		void *ctx = en->make();
		int nerr;
		op_rules *r = op_rules_parse("fuzz.rules", (const char *)d, n, en->kinds, ctx, en->features, &nerr);
		if (nerr < 0 || nerr > 20)
			fuzz_fail("%d errors", nerr);
		en->drop(ctx);
		op_rules_free(r);
	}
	return 0;
}
