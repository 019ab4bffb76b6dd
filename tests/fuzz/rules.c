/* rules.c - fuzz the rule-file reader (lib/rules: logical lines,
 * continuations, comments, statement dispatch, error positions) and the
 * tokens and parsers of lib/lex and lib/parse under it: any bytes give a
 * rule set or named errors, never a crash, and the error count stays
 * within its limit.  MIT. */
#include "fuzz.h"
#include "stmts.h"

FUZZ_SEEDS("tests/data/rules/*.rules", "tests/data/parse/*.rules", "share/rules/*.rules",
	   "tests/data/fuzz-seeds/expr/*");

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_init();
	fuzz_kept k = {0};
	int nerr;
	op_rules *r = op_rules_parse("fuzz.rules", (const char *)d, n, fuzz_stmts, &k, OP_FEAT_HISTORY, &nerr);
	if (nerr < 0 || nerr > 20)
		fuzz_fail("%d errors", nerr);
	op_rules_free(r);
	return 0;
}
