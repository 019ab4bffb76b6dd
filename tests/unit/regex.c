/* Patterns written ^(?!>)[^\n]*?REST under the m flag, matched by REST's
 * search and a look at its line (lib/lang/regex.c): differential checks
 * against pcre2 reading the same pattern whole ((?m) inline, which the
 * fast path does not take), at every start offset of random subjects. */
#include <stdint.h>

#include "regex.h"
#include "tap.h"

/* "rc a-b c-d": the answer and groups 0 and 1 */
static void answer(op_rx *rx, const char *s, size_t n, size_t start, char *out, size_t cap)
{
	op_err e;
	int rc = op_rx_match_at(rx, s, n, start, &e);
	size_t a = 0, b = 0, c = 0, d = 0;
	if (rc == 1) {
		op_rx_group(rx, 0, &a, &b);
		if (!op_rx_group(rx, 1, &c, &d))
			c = d = 9999;
	}
	snprintf(out, cap, "%d %zu-%zu %zu-%zu", rc, a, b, c, d);
}

int main(void)
{
	tap_rng = 7;
	const char *rest[] = { "\\bab\\b", "a[\\s>]*b", "$", "b?", "(?<=\\n)a", "(a|b)+", "\\b(ab|b)\\b",
			       "[^a]", "(?<x>a)\\s", "(a)\\1", "(?:a|\\n)b", "\\bfoo\\b|b",
			       "a\\Kb", "\\Gb", "a(?R)?" };
	const char *piece[] = { ">", "\n", " ", "a", "b", "ab", "\r", "> ", "\n>" };
	size_t wrong = 0, tried = 0;
	for (size_t r = 0; r < sizeof rest / sizeof *rest; r++) {
		char fast[64], whole[80];
		snprintf(fast, sizeof fast, "^(?!>)[^\\n]*?%s", rest[r]);
		snprintf(whole, sizeof whole, "(?m)%s", fast);
		op_err e;
		size_t off;
		op_rx *f = op_rx_compile(fast, strlen(fast), "mi", &e, &off);
		op_rx *w = op_rx_compile(whole, strlen(whole), "i", &e, &off);
		for (int k = 0; k < 300; k++) {
			char s[64] = "";	/* all of it set: JIT reads ahead of the end */
			size_t n = 0;
			for (unsigned m = rnd(12); m > 0; m--) {
				const char *p = piece[rnd(sizeof piece / sizeof *piece)];
				memcpy(s + n, p, strlen(p));
				n += strlen(p);
			}
			for (size_t start = 0; start <= n; start++) {
				char got[64], want[64];
				answer(f, s, n, start, got, sizeof got);
				answer(w, s, n, start, want, sizeof want);
				if (strcmp(got, want) && wrong++ < 5)
					printf("# /%s/ on '%.*s' from %zu: %s, pcre2 %s\n", fast, (int)n, s, start, got, want);
				tried++;
			}
		}
		op_rx_free(f);
		op_rx_free(w);
	}
	is_num(wrong, 0, "the same answer, match and capture as pcre2 reading the pattern whole (%zu tried)", tried);
	return done_testing();
}
