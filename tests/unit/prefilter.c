/* Literal prefilters: the sets drawn from patterns, and differential
 * checks that a pattern gated by literals or by classes matches exactly
 * where pcre2 alone does. */
#include <stdint.h>

#include "prefilter.h"
#include "tap.h"

static void lits(const char *pat, const char *flags, const char *want)
{
	char out[2048];
	int rc = op_pf_literals(pat, strlen(pat), flags, out, sizeof out);
	if (!want)
		ok(!rc, "no set from /%s/%s (got '%s')", pat, flags, rc ? out : "");
	else
		is(rc ? out : NULL, want, "set of /%s/%s", pat, flags);
}


/* what the gate of the one pattern in rx's prefilter says of s: 0, or
 * the byte pcre2 may start its search at, plus 1 */
static int hint(const char *pat, const char *flags, const char *s)
{
	op_err e;
	size_t off;
	op_rx *rx = op_rx_compile(pat, strlen(pat), flags, &e, &off);
	op_pf *pf = op_pf_new(&rx, 1, &e);
	op_rx_gate g;
	op_rx_get_gate(rx, &g);
	int h = g.fn ? g.fn(g.ctx, g.id, s, strlen(s)) : -1;
	op_pf_free(pf);
	op_rx_free(rx);
	return h;
}

/* the starts of s from which pcre2 alone and gated by pat's own
 * prefilter find different matches (or one finds none) */
static int differ(const char *pat, const char *flags, const char *s)
{
	op_err e;
	size_t off, n = strlen(s);
	op_rx *plain = op_rx_compile(pat, strlen(pat), flags, &e, &off);
	op_rx *rx = op_rx_compile(pat, strlen(pat), flags, &e, &off);
	if (!plain || !rx) {
		op_rx_free(plain);
		op_rx_free(rx);
		return -1;
	}
	op_pf *pf = op_pf_new(&rx, 1, &e);
	int bad = 0;
	for (size_t from = 0; from <= n; from++) {
		op_pf_next(pf);
		int want = op_rx_match_at(plain, s, n, from, &e), got = op_rx_match_at(rx, s, n, from, &e);
		size_t w0 = 0, w1 = 0, g0 = 0, g1 = 0;
		if (want == 1 && got == 1) {
			op_rx_group(plain, 0, &w0, &w1);
			op_rx_group(rx, 0, &g0, &g1);
		}
		bad += want != got || w0 != g0 || w1 != g1;
	}
	op_pf_free(pf);
	op_rx_free(plain);
	op_rx_free(rx);
	return bad;
}

/* count pieces of v[0..nv) drawn at random, joined into out (cap bytes,
 * NUL-terminated; a piece that would not fit ends it): the length */
static size_t draw(char *out, size_t cap, const char *const *v, size_t nv, unsigned count)
{
	size_t n = 0;
	for (unsigned k = 0; k < count; k++) {
		const char *p = v[rnd((unsigned)nv)];
		if (n + strlen(p) >= cap)
			break;
		memcpy(out + n, p, strlen(p));
		n += strlen(p);
	}
	out[n] = 0;
	return n;
}

/* the subject as the scan reads it (prefilter.c, next_byte): ASCII
 * letters folded, U+017F and U+212A as s and k, other bytes as they are */
static size_t read_as_scan(const unsigned char *p, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int c = p[i];
		if (c == 0xC5 && i + 1 < n && p[i + 1] == 0xBF)
			c = 's', i += 1;
		else if (c == 0xE2 && i + 2 < n && p[i + 1] == 0x84 && p[i + 2] == 0xAA)
			c = 'k', i += 2;
		else if (c >= 'A' && c <= 'Z')
			c += 32;
		out[o++] = (char)c;
	}
	return o;
}

/* A literal of s, k and other letters, as a subject may spell it: any
 * letter in either case, s and k now and then as U+017F and U+212A. */
static size_t spell(const char *lit, unsigned char *out)
{
	size_t o = 0;
	for (const char *q = lit; *q; q++) {
		if (*q == 's' && !rnd(4)) {
			memcpy(out + o, "\xc5\xbf", 2);
			o += 2;
		} else if (*q == 'k' && !rnd(4)) {
			memcpy(out + o, "\xe2\x84\xaa", 3);
			o += 3;
		} else {
			out[o++] = (unsigned char)(*q >= 'a' && *q <= 'z' && rnd(2) ? *q - 32 : *q);
		}
	}
	return o;
}

/* What op_pf_found says of a subject is exactly which patterns have a
 * literal in it: random sets of 1 to 300 patterns of literals against
 * subjects made of those literals (cases changed, s and k in their other
 * spellings, cut at 16- and 32-byte block edges, at the very start and
 * end, among stray bytes of U+017F and U+212A and invalid UTF-8),
 * compared with a plain search of each literal. */
static void exact_bits(void)
{
	static const char alpha[] = "sskkaeit-n 1";
	static const char *const stray[] = { "\xc5", "\xe2\x84", "\xbf", "\x84\xaa", "\xe2", "\xc5\xc5\xbf",
					     "\xe2\x82\xac", "\xc3\xa9", " ", "x", "S", "\x80" };
	size_t wrong = 0, subjects = 0, found = 0, folded = 0;
	for (int set = 0; set < 60; set++) {
		size_t np = 1 + rnd(set % 3 ? 40 : 300);
		op_rx **rx = calloc(np, sizeof *rx);
		char (*lit)[4][16] = calloc(np, sizeof *lit);
		unsigned *nl = calloc(np, sizeof *nl);
		op_err e;
		size_t off;
		for (size_t i = 0; i < np; i++) {
			char pat[80] = "";
			nl[i] = 1 + rnd(3);
			for (unsigned k = 0; k < nl[i]; k++) {
				size_t len = 3 + rnd(10);
				for (size_t j = 0; j < len; j++)
					lit[i][k][j] = alpha[rnd(sizeof alpha - 1)];
				lit[i][k][len] = 0;
				if (k)
					strcat(pat, "|");
				strcat(pat, lit[i][k]);
			}
			rx[i] = op_rx_compile(pat, strlen(pat), "i", &e, &off);
		}
		op_pf *pf = op_pf_new(rx, np, &e);
		wrong += op_pf_gated(pf) != np;	/* every pattern's set is its literals */
		for (int t = 0; t < 30; t++, subjects++) {
			unsigned char text[700];
			size_t n = 0;
			/* a literal at the very start, others at block edges */
			if (rnd(2))
				n = spell(lit[rnd((unsigned)np)][0], text);
			while (n < 600) {
				if (rnd(3)) {
					const char *s = stray[rnd(sizeof stray / sizeof *stray)];
					memcpy(text + n, s, strlen(s));
					n += strlen(s);
				} else {
					size_t i = rnd((unsigned)np), edge = (n / 16 + 1) * 16;
					/* cut by the next edge of 16 (or 32) bytes */
					while (n + 3 < edge && rnd(4))
						text[n++] = ' ';
					n += spell(lit[i][rnd(nl[i])], text + n);
				}
				if (!rnd(25))
					break;
			}
			if (rnd(2))	/* and one at the very end */
				n += spell(lit[rnd((unsigned)np)][0], text + n);
			char flat[700];
			size_t fn = read_as_scan(text, n, flat);
			folded += fn != n;
			uint64_t bits[8] = {0};
			op_pf_next(pf);
			op_pf_found(pf, (const char *)text, n, bits);
			for (size_t i = 0; i < np; i++) {
				int want = 0;
				for (unsigned k = 0; k < nl[i]; k++)
					want |= memmem(flat, fn, lit[i][k], strlen(lit[i][k])) != NULL;
				int got = (int)(bits[i >> 6] >> (i & 63) & 1);
				found += got;
				if (got != want && wrong++ < 5)
					printf("# %zu patterns, pattern %zu ('%s'...): found %d, in the text %d\n", np, i,
					       lit[i][0], got, want);
			}
		}
		op_pf_free(pf);
		for (size_t i = 0; i < np; i++)
			op_rx_free(rx[i]);
		free(rx);
		free(lit);
		free(nl);
	}
	is_num(wrong, 0, "the literal gates say exactly which patterns' literals a subject holds (%zu subjects)",
	       subjects);
	ok(found > 5000 && folded > 500, "... many found (%zu), in subjects with U+017F or U+212A too (%zu)", found,
	   folded);
}

int main(void)
{
	lits("\\bquote\\b", "i", "quote");
	lits("\\b(quote|quotation|how much)\\b", "i", "quote|quotation|how much");
	lits("\\binvoices?\\b", "i", "invoices|invoice");
	lits("\\bcancel(l?ed|l?ing|lation|s)?\\b", "i", "cancelled|canceled|cancelling|canceling|cancellation|cancels|cancel");
	lits("\\btable for [0-9]+\\b", "i", "table for ");
	lits("ORD-\\d{6}", "", "ord-");
	lits("[Ff]ood", "", "food");
	lits("a.b", "", "a");
	lits("(?<ref>INV)-\\d+", "", "inv-");
	lits("colou?r", "", "colour|color");
	lits("doesn'?t work", "i", "doesn't work|doesnt work");
	lits("x*", "", NULL);
	lits("\\d+", "", NULL);
	lits("a|\\d", "", NULL);
	lits("(?x) a b", "", NULL);
	lits("a b", "x", NULL);
	lits("\\Qa.b\\E", "", NULL);
	lits("(a)\\1", "", "a");
	lits("caf\xc3\xa9s", "i", "caf");
	lits("[a\\-z]x", "", "-x|ax|zx");
	lits("(?=abc)def", "", "def");
	lits("(?i)hello", "", "hello");
	lits("(?R)", "", NULL);
	lits("a{2,}b", "", "a");
	lits("[^a]bc", "", "bc");
	/* found by the fuzz harness (tests/fuzz/prefilter.c): \x< is no
	 * \x<..>, and \g12 is one reference, not \g1 then "2" */
	lits("\\x<||>}", "", NULL);
	lits("(.)(.)(.)(.)(.)(.)(.)(.)(.)(.)(.)(.)\\g12xyz", "", "xyz");
	lits("Q[[:]|]", "", "q:|q[|]");	/* [:] is no POSIX class: "[" or ":" */
	lits("x[[:alpha:]]yz", "", "yz");
	lits("[\\c]\\H]", "", NULL);	/* \c] is a character of the class */
	lits("t(?<*)||(>)", "", NULL);	/* (?<* is no named group: no '>' to find */
	lits("(?<n_1>ab)(?'q'cd)(?P<r>ef)", "", "abcdef");
	/* pcre2 10.43 reads {1, 2} as a quantifier, 10.42 as literals */
	lits("x{1, 2}foo", "", NULL);
	lits("x{ 3 }foo", "", NULL);
	lits("x{1,2,3}foo", "", NULL);
	lits("x{a}foo", "", "x{a}foo");
	lits("x{1 foo", "", "x{1 foo");

	/* the gate's hint: the first string's start, less what can come
	 * before it in a match (a character taking up to 4 bytes) */
	is_num(hint("\\bcancel\\b", "i", "please do CANCEL it, cancel"), 11, "hint: at the first string");
	is_num(hint("\\bcancel\\b", "i", "please do not"), 0, "hint: no string, no match");
	is_num(hint("x\\d\\dabc", "", "0123456789012345x12abc"), 17 - 12 + 1 + 2, "hint: back over what comes first");
	is_num(hint("\\d+abc", "", "0123456789012345x12abc"), 1, "hint: none past an unbounded piece");
	is_num(hint("(foo|\\d\\d)?abc", "", "0123456789012345x12abc"), 19 - 12 + 1, "hint: back over an optional piece");
	is_num(hint("\\Gabc", "", "0123456789abc"), 1, "hint: none with \\G (a match depends on the start)");
	is_num(hint(".abc", "", "01234567\xe4\xb8\xad\xc3\xa9" "abc"), 8 + 1, "hint: at a character, not inside one");
	is_num(hint("^(?!>)[^\\n]*?\\bbook\\b", "im", "hello\n> book\nplease book"), 8 + 1,
	       "hint: of the rest after a \"not quoted\" start");
	is_num(hint("^(?!>)[^\\n]*?\\bbook\\b|x", "im", "hello\n> book\nplease book"), 1,
	       "hint: none where the rest is not searched alone");

	/* constructs the analysis once misread (review27): each a match
	 * the gate lost */
	is_num(differ("(a)\\g-1bc", "", "xxaabc"), 0, "\\g-1: a relative back reference, no literal 1");
	is_num(differ("(.)(.)(.)(.)(.)(.)(.)(.)(.)(.)(.)(q)\\g12yz", "", "abcdefghijkqqyz"), 0,
	       "\\g12: a back reference of two digits");
	is_num(differ("colou(?#uk)?r", "i", "what color"), 0, "a quantifier after a comment quantifies what is before it");
	is_num(differ("x(?#c)(?#d)??foo", "", "zzfoo"), 0, "... after two comments, lazy");
	is_num(differ("[\\c]ab]", "", "a"), 0, "[\\c]...]: \\c takes the ] after it, which does not end the class");
	is_num(differ("[\\Q]ab[\\E]", "", "a"), 0, "[\\Q]...\\E]: a ] quoted does not end the class");
	is_num(differ("x[\\E]y]z", "", "x]z"), 0, "[\\E]...]: a ] after \\E is the class's first");
	is_num(differ("[\\t-\\c]]ab", "", "\x10" "ab"), 0, "[\\t-\\c]]: \\c at a range's end");

	/* differential: random patterns over random text, each run gated
	 * and ungated, from the start and from a random byte; the gate may
	 * only ever say "cannot" when pcre2 agrees, and its hint must leave
	 * the match where it was */
	static const char *const pieces[] = {
		"ab", "a", "b", "s", "k", "(", ")", "|", "?", "*", "+", "{1,2}", ".", "\\b", "[ab]", "[^s]",
		"\\d", "x", "S", "K", "(?:", "(?<n>", "(?=a)", "\\.", " ", "-", "[a-c]", "\\w", "[k-]", "\\s",
		"\\G", "\\K", "(?<=b)", "\\R", "\\X", "\\n", "^", "$", "\\xc3\\xa9", "{2}", "??", "\\1",
		/* what the analysis reads past or gives up on (review27) */
		"(?#c)", "(?#c)?", "\\g-1", "\\g{1}", "(?>", "(?|", "(?i)", "(?-i)", "(?s)", "{,2}", "+?", "*+",
		"{1,3}?", "\\A", "\\z", "\\B", "(?!b)", "(?<!a)", "\\p{L}", "\\pL", "\\x{212a}", "\\h", "\\N",
		"[^\\n]", "[\\c]a]", "[\\Q]a\\E]", "[\\E]a]", "\\Q", "\\E", "(?1)", "(*F)", "(?<=\\Ka)",
	};
	static const char *const atoms[] = {
		"a", "b", "s", "k", "S", "K", "ab", "ba", "x", " ", ".", "-", "1", "\xc5\xbf", "\xe2\x84\xaa",
		"\xc3\xa9", "sk", "ks", "abs", "kab", "\n", "\n>", "\r\n", "]", "e\xcc\x81", "\xf0\x9f\x98\x80",
	};
	size_t bad = 0, gated = 0, matched = 0, hinted = 0;
	for (int t = 0; t < 30000; t++) {
		char pat[96];
		/* half of them "on a line not quoted" (regex.c, unquoted_rest) */
		int unq = rnd(2);
		size_t n = unq ? strlen(strcpy(pat, "^(?!>)[^\\n]*?")) : 0;
		n += draw(pat + n, sizeof pat - n, pieces, sizeof pieces / sizeof *pieces, 1 + rnd(6));
		const char *flags = unq ? (rnd(2) ? "im" : "m") : rnd(2) ? "i" : "";
		op_err e;
		size_t off;
		op_rx *plain = op_rx_compile(pat, n, flags, &e, &off);
		if (!plain)
			continue;
		op_rx *g = op_rx_compile(pat, n, flags, &e, &off);
		op_pf *pf = op_pf_new(&g, 1, &e);
		gated += op_pf_gated(pf);
		op_rx_gate gg;
		op_rx_get_gate(g, &gg);
		for (int s = 0; s < 40; s++) {
			/* zeroed: JIT code may read a word past the subject, unused */
			char text[128] = {0};
			/* long enough to be walked as two halves */
			size_t tn = draw(text, sizeof text, atoms, sizeof atoms / sizeof *atoms, rnd(30));
			size_t from = s % 2 ? rnd((unsigned)tn + 1) : 0;
			while (from > 0 && ((unsigned char)text[from] & 0xC0) == 0x80)
				from--;
			op_pf_next(pf);
			int want = op_rx_match_at(plain, text, tn, from, &e);
			int got = op_rx_match_at(g, text, tn, from, &e);
			size_t w0 = 0, w1 = 0, g0 = 1, g1 = 1;
			if (want == 1 && got == 1 && op_rx_group(plain, 0, &w0, &w1) && op_rx_group(g, 0, &g0, &g1) &&
			    w0 == g0 && w1 == g1)
				want = got = 2;	/* the same match */
			matched += want == 2;
			hinted += gg.fn && gg.fn(gg.ctx, gg.id, text, tn) > 1;
			if (want != got && bad++ < 5)
				printf("# /%s/%s on '%s' from %zu: pcre2 %d (%zu-%zu), gated %d (%zu-%zu)\n", pat, flags,
				       text, from, want, w0, w1, got, g0, g1);
		}
		op_pf_free(pf);
		op_rx_free(plain);
		op_rx_free(g);
	}
	is_num(bad, 0, "gated and plain agree (%zu patterns gated, %zu matches, %zu hints past the start)", gated,
	       matched, hinted);
	ok(gated > 1000 && matched > 2000 && hinted > 2000, "the differential exercised gates, hints and matches");

	/* the same for patterns with no literals, gated by strings of
	 * classes: letters, digits, ranges, \d \w (ASCII, or Unicode with u) */
	static const char *const cpieces[] = {
		"\\d", "\\w", "[A-Z]", "[a-c0-2]", "[^a]", "\\d{2}", "[A-PR-UWYZ]", "[A-HK-Y]?", " ?", "\\b",
		"(", ")", "|", "?", "+", "*", ".", "[\\d ]", "[k-m]", "[[:digit:]]", "\\s", "(?:", "\\D",
		"{1,3}", "[_\\w]",
	};
	static const char *const catoms[] = {
		"a", "B", "k", "K", "s", "1", "23", " ", "_", "\xc5\xbf", "\xe2\x84\xaa", "\xc3\xa9",
		"\xd9\xa3", "L1", "SW1A 1AA", "gir 0aa", "m", "-", "\t", "Z9",
	};
	size_t cbad = 0, cgated = 0, cmatched = 0;
	for (int t = 0; t < 3000; t++) {
		char pat[96];
		size_t n = draw(pat, sizeof pat, cpieces, sizeof cpieces / sizeof *cpieces, 1 + rnd(7));
		static const char *const fl[] = { "", "i", "u", "iu" };
		const char *flags = fl[rnd(4)];
		op_err e;
		size_t off;
		op_rx *plain = op_rx_compile(pat, n, flags, &e, &off);
		if (!plain)
			continue;
		op_rx *g = op_rx_compile(pat, n, flags, &e, &off);
		op_pf *pf = op_pf_new(&g, 1, &e);
		cgated += op_pf_gated_classes(pf);
		for (int s = 0; s < 40; s++) {
			char text[256] = {0};
			/* past 16 bytes: the SSE2 search too */
			size_t tn = draw(text, sizeof text, catoms, sizeof catoms / sizeof *catoms, rnd(24));
			op_pf_next(pf);
			int want = op_rx_match(plain, text, tn, &e);
			int got = op_rx_match(g, text, tn, &e);
			cmatched += want == 1;
			if (want != got && cbad++ < 5)
				printf("# /%s/%s on '%s': pcre2 %d, gated %d\n", pat, flags, text, want, got);
		}
		op_pf_free(pf);
		op_rx_free(plain);
		op_rx_free(g);
	}
	is_num(cbad, 0, "class-gated and plain agree (%zu patterns gated, %zu matches)", cgated, cmatched);
	ok(cgated > 300 && cmatched > 10000, "the class differential exercised both gates and matches");

	/* share/rules/classify.rules' postcode: a letter next to a digit is
	 * what it needs, and what it does not find it need not look for */
	const char *pc = "\\b(?<postcode>(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\\d[A-Z\\d]? ?\\d[ABD-HJLNP-UW-Z]{2}))\\b";
	op_err pe;
	size_t poff;
	op_rx *prx = op_rx_compile(pc, strlen(pc), "i", &pe, &poff);
	op_pf *ppf = op_pf_new(&prx, 1, &pe);
	is_num(op_pf_gated_classes(ppf), 1, "the postcode rule is gated by classes");
	static const char *const psubj[] = { "at SW1A 1AA today", "gir 0aa", "call 0161 555 0101 at 10:30",
					     "flat 3b, m1 1ae", "no digits here", "L1 8JQ", "\xe2\x84\xaa" "1 1AB" };
	char pgot[8] = "";
	for (int i = 0; i < 7; i++) {
		op_pf_next(ppf);
		pgot[i] = (char)('0' + op_rx_match(prx, psubj[i], strlen(psubj[i]), &pe));
	}
	is(pgot, "1101010", "the postcode rule's matches, gated");
	op_pf_free(ppf);
	op_rx_free(prx);

	/* subjects asked in turn within one record: each answer is its
	 * own subject's (the last asked is looked at first) */
	{
		const char *tp[] = { "\\babc\\b", "\\bxyz\\b" };
		op_rx *trx[2];
		op_err te;
		size_t toff;
		for (int k = 0; k < 2; k++)
			trx[k] = op_rx_compile(tp[k], strlen(tp[k]), "", &te, &toff);
		op_pf *tpf = op_pf_new(trx, 2, &te);
		static const char s1[] = "say abc", s2[] = "say xyz";
		static const struct { int rx; const char *s; } ask[] = {
			{ 0, s1 }, { 0, s1 }, { 0, s2 }, { 1, s2 }, { 1, s1 }, { 0, s1 }, { 1, s2 }, { 0, s2 },
		};
		char tgot[9] = "";
		op_pf_next(tpf);
		for (int k = 0; k < 8; k++)
			tgot[k] = (char)('0' + op_rx_match(trx[ask[k].rx], ask[k].s, strlen(ask[k].s), &te));
		is(tgot, "11010110", "two subjects asked in turn, each its own answer");
		op_pf_free(tpf);
		op_rx_free(trx[0]);
		op_rx_free(trx[1]);
	}

	/* a long subject is walked as two halves: an occurrence anywhere,
	 * across the middle too, and one of k spelt with U+212A (3 bytes a
	 * character: the first half's run past the middle must cover it) */
	{
		const char *lp[] = { "\\bhello world\\b", "kkkkk" };
		const char *ins[] = { "hello world", "\xe2\x84\xaa\xe2\x84\xaa\xe2\x84\xaa\xe2\x84\xaa\xe2\x84\xaa" };
		size_t missed = 0, tried = 0;
		for (int k = 0; k < 2; k++) {
			op_err le;
			size_t loff;
			op_rx *lrx = op_rx_compile(lp[k], strlen(lp[k]), "i", &le, &loff);
			op_pf *lpf = op_pf_new(&lrx, 1, &le);
			for (size_t before = 0; before < 120; before++)
				for (size_t after = 0; after < 120; after += 7) {
					char text[300];
					memset(text, ' ', before);
					size_t len = strlen(ins[k]);
					memcpy(text + before, ins[k], len);
					memset(text + before + len, ' ', after);
					op_pf_next(lpf);
					missed += op_rx_match(lrx, text, before + len + after, &le) != 1;
					tried++;
				}
			op_pf_free(lpf);
			op_rx_free(lrx);
		}
		is_num(missed, 0, "a literal found wherever it is in the subject (%zu tried)", tried);
	}

	/* a subject without the lead bytes of U+017F and U+212A is walked
	 * byte for byte, one with either as next_byte reads it: s spelt
	 * U+017F (lead byte 0xC5) at every offset of a subject otherwise
	 * ASCII, or beside other letters of those lead bytes (U+0144,
	 * U+20AC), and a plain s beside them */
	{
		const char *pat = "stop";
		const char *ins[] = { "\xc5\xbftop", "\xc5\x84 \xe2\x82\xac \xc5\xbftop", "\xc5\x84 \xe2\x82\xac stop",
				      "\xe2\x82\xac sto\xc5\x84" };
		size_t wrong = 0, tried = 0;
		op_err se;
		size_t soff;
		op_rx *srx = op_rx_compile(pat, strlen(pat), "i", &se, &soff);
		op_pf *spf = op_pf_new(&srx, 1, &se);
		for (int k = 0; k < 4; k++)
			for (size_t before = 0; before < 100; before++) {
				char text[200];
				memset(text, 'x', before);
				if (before)
					text[before - 1] = ' ';
				size_t len = strlen(ins[k]);
				memcpy(text + before, ins[k], len);
				memcpy(text + before + len, " end", 4);
				op_pf_next(spf);
				wrong += op_rx_match(srx, text, before + len + 4, &se) != (k < 3);
				tried++;
			}
		op_pf_free(spf);
		op_rx_free(srx);
		is_num(wrong, 0, "s as U+017F found, with and without other lead bytes (%zu tried)", tried);
	}

	/* many patterns, one scan: each still answers for itself */
	const char *pats[] = { "\\bfoo\\b", "bar|baz", "qu+x", "\\d+", "hello world" };
	op_rx *rx[5];
	op_err e;
	size_t off;
	for (int i = 0; i < 5; i++)
		rx[i] = op_rx_compile(pats[i], strlen(pats[i]), "i", &e, &off);
	op_pf *pf = op_pf_new(rx, 5, &e);
	is_num(op_pf_gated(pf), 4, "four of five patterns gated by literals");
	is_num(op_pf_gated_classes(pf), 1, "the fifth by classes");
	const char *subj = "a BAZ and HELLO WORLD 42";
	op_pf_next(pf);
	char got[8] = "";
	for (int i = 0; i < 5; i++)
		got[i] = (char)('0' + op_rx_match(rx[i], subj, strlen(subj), &e));
	is(got, "01011", "matches from one scan");
	/* what the literal gates say, all at once (bit id: the id-th pattern
	 * gated by literals, \\d+ being gated by classes) */
	uint64_t found[2] = { ~0ULL, ~0ULL };
	op_pf_found(pf, subj, strlen(subj), found);
	ok(found[0] == 0xA && found[1] == ~0ULL, "the gates at once: bar|baz, hello world (one word written)");
	const char *food = "food, quux";
	op_pf_found(pf, food, strlen(food), found);
	ok(found[0] == 0x5, "foo in food: the gate's say, not the match");
	op_pf_free(pf);
	/* more than 64 gated patterns: the second word */
	{
		op_rx *many[70];
		char p[8];
		for (int i = 0; i < 70; i++) {
			snprintf(p, sizeof p, "lit%02d", i);
			many[i] = op_rx_compile(p, strlen(p), "", &e, &off);
		}
		op_pf *mpf = op_pf_new(many, 70, &e);
		const char *ms = "lit69 and LIT03 and lit03";
		op_pf_next(mpf);
		op_pf_found(mpf, ms, strlen(ms), found);
		ok(found[0] == 1ULL << 3 && found[1] == 1ULL << 5, "70 patterns: bits 3 and 69");
		op_pf_free(mpf);
		for (int i = 0; i < 70; i++)
			op_rx_free(many[i]);
	}
	for (int i = 0; i < 5; i++)
		op_rx_free(rx[i]);
	exact_bits();
	return done_testing();
}
