/* prefilter.c - fuzz the literal prefilter (lib/prefilter) against pcre2
 * alone: a gated pattern matches exactly where the plain one does, from
 * the same start, with the same span.  The gate may say "cannot match"
 * only where pcre2 agrees, and its hint, where pcre2 starts its search,
 * may never pass over a match (prefilter.c, info.back).
 *
 * Input: flags (letters of "imsu", up to the first space), the pattern (to
 * the first newline), then subjects, one a line (valid UTF-8 only, as
 * records are), each tried from its start and from a byte the input
 * chooses.  MIT licence. */
#include "fuzz.h"
#include "prefilter.h"

FUZZ_SEEDS("tests/data/fuzz-seeds/prefilter/*");

/* one subject, plain and gated, from start */
static void compare(op_rx *plain, op_rx *gated, op_pf *pf, const char *s, size_t n, size_t start)
{
	op_err e;
	op_pf_next(pf);
	int want = op_rx_match_at(plain, s, n, start, &e);
	int got = op_rx_match_at(gated, s, n, start, &e);
	/* a match limit reached by one and not the other is no answer */
	if (want < 0 || got < 0)
		return;
	if (want != got)
		fuzz_fail("from %zu: pcre2 %d, gated %d", start, want, got);
	size_t a0, a1, b0, b1;
	if (want && op_rx_group(plain, 0, &a0, &a1) && op_rx_group(gated, 0, &b0, &b1) && (a0 != b0 || a1 != b1))
		fuzz_fail("from %zu: pcre2 matched %zu-%zu, gated %zu-%zu", start, a0, a1, b0, b1);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_init();
	const char *s = (const char *)d, *end = s + n;
	const char *sp = memchr(s, ' ', n), *nl = memchr(s, '\n', n);
	if (!sp || !nl || sp > nl)
		return 0;
	char flags[8];
	size_t nfl = 0;
	for (const char *q = s; q < sp; q++)
		if (strchr("imsu", *q) && !memchr(flags, *q, nfl) && nfl < sizeof flags - 1)
			flags[nfl++] = *q;
	flags[nfl] = 0;
	const char *pat = sp + 1;
	size_t plen = (size_t)(nl - pat);
	if (!fuzz_utf8(pat, plen) || memchr(pat, 0, plen))
		return 0;
	op_err e;
	size_t off;
	op_rx *plain = op_rx_compile(pat, plen, flags, &e, &off);
	if (!plain)
		return 0;
	op_rx *gated = op_rx_compile(pat, plen, flags, &e, &off);
	op_pf *pf = gated ? op_pf_new(&gated, 1, &e) : NULL;
	if (!pf) {
		op_rx_free(plain);
		op_rx_free(gated);
		return 0;
	}
	for (const char *l = nl + 1; l < end;) {
		const char *le = memchr(l, '\n', (size_t)(end - l));
		le = le ? le : end;
		size_t ln = (size_t)(le - l);
		if (fuzz_utf8(l, ln)) {
			compare(plain, gated, pf, l, ln, 0);
			/* a later start, at a character, as an `all` extract's */
			size_t at = ln ? (unsigned char)l[0] % (ln + 1) : 0;
			while (at > 0 && at < ln && ((unsigned char)l[at] & 0xC0) == 0x80)
				at--;
			compare(plain, gated, pf, l, ln, at);
		}
		l = le + 1;
	}
	op_pf_free(pf);
	op_rx_free(plain);
	op_rx_free(gated);
	return 0;
}
