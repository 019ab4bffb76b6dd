/* langid.c - the language a text is written in (man/enq-classify.1,
 * LANGUAGE).  The text is read once, up to OP_LANGID_CAP bytes, as
 * symbols: each letter of U+0000..U+017F lower-cased, every run of other
 * characters one word boundary.  Each symbol ends up to four grams; each
 * gram the model knows adds its per-language penalty (the naive-Bayes
 * log probability below the best language's, in steps); the language
 * with the least wins, unless the text is too short, mostly in another
 * script, or the second is too close.  Reading stops at the end of a
 * word once the answer is past doubt, which saves most of the cost on
 * long texts.  Nothing is allocated per text.
 * MIT licence. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "langid.h"
#include "opflow.h"
#include "utf8.h"

#define BOUNDARY 1	/* the model's symbols, scripts/gen-lang-model */
#define OTHER 2		/* a Latin letter outside the model's alphabet */
#define FOREIGN 0xFF	/* a letter of another script: a boundary, counted */
#define IGNORED 0xFE	/* a combining mark: the letter before it stands alone */
#define SYMBITS 6		/* the model has fewer than 64 symbols */

/* A gram is its symbols, SYMBITS each, the last lowest; its penalties
 * four bits a language, the first lowest, so that a hit adds eight of
 * them with one addition (see add).  The grams of one and two symbols
 * are looked up directly, both at once, in pen12[] by the last two
 * symbols (0: no penalty for anyone, as for a gram the model lacks),
 * those of three and four by open addressing in tab[] (gram 0: an empty
 * slot), a gram beside its penalties, so that a hit reads one cache
 * line.  The tables are kept small, 96 KB, for the
 * program's other work shares the cache: a lookup that misses it is most
 * of the cost.
 *
 * So most lookups are not made: a gram of four symbols can only be in the
 * model when its first three are a gram marked EXTENDS (an unmarked one
 * had its lookup a symbol before; a prefix the model lacks gets a slot
 * of no penalty to carry the mark), and one of three only when its first
 * two begin some gram of three (the bits of ext3).  Skipping a lookup
 * that would have found nothing changes no score. */
#define SHORT (1u << 2 * SYMBITS)
#define EXTENDS 0x80000000u	/* in slot.gram: a gram of four begins with it */
typedef struct {
	uint32_t gram, pen;
} slot;
struct op_langid {
	/* by the last two symbols: the penalties of the gram of two and of
	 * the last symbol alone (none for a boundary), spread (see add) */
	uint64_t pen12[SHORT];
	uint32_t sure_steps;	/* the least lead, in steps, of OP_LANGID_SURE nats */
	uint64_t ext3[SHORT / 64];	/* two symbols that begin a gram of three */
	slot *tab;
	uint32_t mask;
	unsigned shift;
};

static uint32_t hash(const op_langid *m, uint32_t g)
{
	return (g * 0x9E3779B1u) >> m->shift;
}

/* a gram's penalties, four bits a language, as eight 8-bit lanes of
 * the scores (see scan below) */
static inline uint64_t spread(uint32_t pen)
{
	return (pen & 0x0F0F0F0Fu) | (uint64_t)(pen >> 4 & 0x0F0F0F0Fu) << 32;
}

/* the symbol of code point cp */
static unsigned symbol(uint32_t cp)
{
	if (cp < OP_LANGID_MAXCP)
		return op_langmodel_sym[cp];
	if (cp < 0x2B0 || (cp >= 0x1E00 && cp < 0x1F00))	/* Latin Extended-B, IPA, Additional */
		return OTHER;
	if (cp >= 0x300 && cp < 0x370)
		return IGNORED;
	if ((cp >= 0x370 && cp < 0x2000) || (cp >= 0x3040 && cp < 0xD800) ||
	    (cp >= 0xF900 && cp < 0xFB00) || (cp >= 0x20000 && cp < 0x32000))
		return FOREIGN;
	return 0;	/* punctuation, symbols, emoji, digits, spaces */
}

/* the code point at *p (advanced past it), or -1 for a byte that does not
 * begin a valid sequence */
static int32_t next_cp(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *s = *p;
	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	}
	size_t len = op_utf8_seq(s, end);
	if (!len) {
		*p = s + 1;
		return -1;
	}
	*p = s + len;
	if (len == 2)
		return (int32_t)((s[0] & 0x1F) << 6 | (s[1] & 0x3F));
	if (len == 3)
		return (int32_t)((s[0] & 0x0F) << 12 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F));
	return (int32_t)((s[0] & 0x07) << 18 | (s[1] & 0x3F) << 12 | (s[2] & 0x3F) << 6 | (s[3] & 0x3F));
}

/* the slot of gram g, or the empty slot where it would go */
static slot *find(const op_langid *m, uint32_t g)
{
	for (uint32_t i = hash(m, g);; i = (i + 1) & m->mask)
		if ((m->tab[i].gram & ~EXTENDS) == g || !m->tab[i].gram)
			return &m->tab[i];
}

/* how many of the model's grams have four symbols (code points) */
static size_t grams_of_four(void)
{
	size_t n = 0;
	for (const char *p = op_langmodel_grams; *p;) {
		const char *bar = strchr(p + OP_LANGID_NLANG, '|');
		unsigned cps = 0;
		for (const char *q = p + OP_LANGID_NLANG; q < bar; q++)
			cps += ((unsigned char)*q & 0xC0) != 0x80;
		n += cps == 4;
		p = bar + 1;
	}
	return n;
}

/* the model's text: per gram the penalties (A to P: 0 to 15) and the
 * gram's letters up to '|' (scripts/gen-lang-model) */
op_langid *op_langid_new(void)
{
	op_langid *m = op_xcalloc(1, sizeof *m);
	uint32_t *shortpen = op_xcalloc(SHORT, sizeof *shortpen);
	unsigned bits = 1;
	/* room for every gram and a prefix for each gram of four, and a
	 * slot to spare, where a lookup that finds nothing stops */
	while ((1u << bits) <= op_langmodel_ngrams + grams_of_four())
		bits++;
	m->mask = (1u << bits) - 1;
	m->shift = 32 - bits;
	m->tab = op_xcalloc((size_t)m->mask + 1, sizeof *m->tab);
	const unsigned char *p = (const unsigned char *)op_langmodel_grams;
	const unsigned char *end = p + strlen(op_langmodel_grams);
	while (p < end) {
		uint32_t pen = 0;
		for (int l = 0; l < OP_LANGID_NLANG; l++, p++)
			pen |= (uint32_t)(*p - 'A') << 4 * l;
		uint32_t g = 0;
		while (*p != '|') {
			int32_t cp = next_cp(&p, end);
			g = g << SYMBITS | (cp == ' ' ? BOUNDARY : symbol((uint32_t)cp));
		}
		p++;
		if (g < SHORT) {
			shortpen[g] = pen;
			continue;
		}
		slot *t = find(m, g);
		t->gram = g;
		t->pen = pen;
	}
	/* the marks (a prefix the model lacks added, of no penalty) */
	for (uint32_t i = 0; i <= m->mask; i++) {
		uint32_t g = m->tab[i].gram & ~EXTENDS;
		if (g >> 3 * SYMBITS) {
			slot *t = find(m, g >> SYMBITS);
			t->gram = g >> SYMBITS | EXTENDS;
		}
	}
	for (uint32_t i = 0; i <= m->mask; i++) {
		uint32_t g = m->tab[i].gram & ~EXTENDS;
		if (g && !(g >> 3 * SYMBITS))
			m->ext3[g >> SYMBITS >> 6] |= 1ULL << (g >> SYMBITS & 63);
	}
	for (uint32_t w = 0; w < SHORT; w++) {
		unsigned last = w & ((1u << SYMBITS) - 1);
		m->pen12[w] = spread(shortpen[w]) + (last != BOUNDARY ? spread(shortpen[last]) : 0);
	}
	free(shortpen);
	/* as rank() reckons the lead: (second - first) * step */
	while (m->sure_steps * op_langmodel_step < OP_LANGID_SURE)
		m->sure_steps++;
	return m;
}

void op_langid_free(op_langid *m)
{
	if (!m)
		return;
	free(m->tab);
	free(m);
}

/* The scores: the languages' penalties added in 8-bit lanes, even
 * languages in the low half of lanes, odd in the high, spilled every 16
 * grams (a penalty is at most 15: 15 * 16 < 2^8) into 32-bit totals, two
 * languages a word, so that a spill is four additions. */
typedef struct {
	uint32_t win;		/* the last four symbols */
	uint32_t extends;	/* the last three are a gram marked EXTENDS */
	unsigned grams;		/* since the last spill */
	uint64_t lanes;
	uint64_t pair[OP_LANGID_NLANG / 2];	/* languages 2k low, 2k + 1 high */
} scan;

static void spill(scan *sc)
{
	for (int k = 0; k < OP_LANGID_NLANG / 2; k++)
		sc->pair[k] += sc->lanes >> 8 * k & 0x000000FF000000FFu;
	sc->lanes = 0;
	sc->grams = 0;
}

/* one 64-bit addition: as two 32-bit ones, the compiler moved the pair
 * through memory and every gram waited for the store of the one before */
static inline void add(scan *sc, uint32_t pen)
{
	sc->lanes += spread(pen);
}

/* sym read: the grams it ends (a boundary alone is none; the window
 * starts with one, so there are always two symbols or more, and the
 * first two symbols of a gram of three are never a boundary after
 * nothing: ext3 has no such bit) */
static void push(const op_langid *m, scan *sc, unsigned sym)
{
	uint32_t w = sc->win = (sc->win << SYMBITS | sym) & ((1u << 4 * SYMBITS) - 1);
	sc->lanes += m->pen12[w & (SHORT - 1)];
	if (sc->extends)	/* then there are four symbols */
		add(sc, find(m, w)->pen);
	sc->extends = 0;
	uint32_t g3 = w & ((1u << 3 * SYMBITS) - 1), g2 = g3 >> SYMBITS;
	if (m->ext3[g2 >> 6] >> (g2 & 63) & 1) {
		const slot *t = find(m, g3);
		add(sc, t->pen);
		sc->extends = t->gram & EXTENDS;
	}
	if ((sc->grams += 4) >= 16)
		spill(sc);
}

/* the language with the least penalty into *best; the second's lead over
 * it, in nats */
static double rank(scan *sc, int *best)
{
	spill(sc);
	uint32_t first = (uint32_t)sc->pair[0], second = UINT32_MAX;
	int b = 0;
	for (int l = 1; l < OP_LANGID_NLANG; l++) {	/* without branches */
		uint32_t x = (uint32_t)(sc->pair[l / 2] >> 32 * (l % 2));
		second = x < first ? first : x < second ? x : second;
		b = x < first ? l : b;
		first = x < first ? x : first;
	}
	*best = b;
	return (second - first) * op_langmodel_step;
}

/* rank(sc) >= OP_LANGID_SURE, at less cost, as it is asked at every word:
 * one language alone is less than sure steps above the least */
static int sure(const op_langid *m, scan *sc)
{
	spill(sc);
	uint32_t x[OP_LANGID_NLANG], first = UINT32_MAX;
	for (int l = 0; l < OP_LANGID_NLANG; l++) {
		x[l] = (uint32_t)(sc->pair[l / 2] >> 32 * (l % 2));
		first = x[l] < first ? x[l] : first;
	}
	unsigned near = 0;
	for (int l = 0; l < OP_LANGID_NLANG; l++)
		near += x[l] - first < m->sure_steps;
	return near == 1;
}

const char *op_langid_guess(const op_langid *m, const char *s, size_t n, op_langid_res *res)
{
	op_langid_res r = { .lang = "und" };
	scan sc = { .win = BOUNDARY };
	const unsigned char *p = (const unsigned char *)s, *end = p + (n < OP_LANGID_CAP ? n : OP_LANGID_CAP);
	unsigned last = BOUNDARY;
	int best;
	/* one call of push, so that it is inlined and the scores stay in
	 * registers: the end of the text reads as one more separator */
	for (;;) {
		unsigned sym = 0;
		if (p < end && *p < 0x80) {
			sym = op_langmodel_sym[*p++];
		} else if (p < end) {
			int32_t cp = next_cp(&p, end);
			sym = cp < 0 ? 0 : symbol((uint32_t)cp);
		}
		if (sym == IGNORED)
			continue;
		if (sym == FOREIGN)
			r.foreign++;
		if (sym == 0 || sym == FOREIGN) {
			if (last == BOUNDARY) {
				if (p == end)
					break;
				continue;
			}
			sym = BOUNDARY;
		} else {
			r.letters++;
		}
		push(m, &sc, last = sym);
		/* a word ends: once the answer is past doubt, the rest of the
		 * text is not read */
		if (sym == BOUNDARY && (p == end || (r.letters >= OP_LANGID_SURE_LETTERS && !r.foreign &&
						    sure(m, &sc))))
			break;
	}
	r.margin = rank(&sc, &best);
	/* too little to go on, another script, or a close call: no answer */
	if (r.letters >= OP_LANGID_MIN_LETTERS && r.foreign <= r.letters && r.margin >= OP_LANGID_MIN_MARGIN)
		r.lang = op_langmodel_langs[best];
	if (res)
		*res = r;
	return r.lang;
}
