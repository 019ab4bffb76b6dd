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
 * them with two additions (see add).  The grams of one and two symbols
 * are looked up directly in shortpen[] (0: no penalty for anyone, as for
 * a gram the model lacks), those of three and four by open addressing in
 * tab[], at most half full (gram 0: an empty slot), a gram beside its
 * penalties, so that a hit reads one cache line.  The tables are kept
 * small, 80 KB, for the program's other work shares the cache: a lookup
 * that misses it is most of the cost. */
#define SHORT (1u << 2 * SYMBITS)
typedef struct {
	uint32_t gram, pen;
} slot;
struct op_langid {
	uint32_t shortpen[SHORT];
	slot *tab;
	uint32_t mask;
	unsigned shift;
};

static uint32_t hash(const op_langid *m, uint32_t g)
{
	return (g * 0x9E3779B1u) >> m->shift;
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

/* the penalties of gram g, 0 when the model lacks it */
static uint32_t find(const op_langid *m, uint32_t g)
{
	for (uint32_t i = hash(m, g);; i = (i + 1) & m->mask) {
		if (m->tab[i].gram == g)
			return m->tab[i].pen;
		if (!m->tab[i].gram)
			return 0;
	}
}

/* the model's text: per gram the penalties (A to P: 0 to 15) and the
 * gram's letters up to '|' (scripts/gen-lang-model) */
op_langid *op_langid_new(void)
{
	op_langid *m = op_xcalloc(1, sizeof *m);
	unsigned bits = 1;
	while ((1u << bits) < op_langmodel_ngrams)	/* the long grams: half full at most */
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
			m->shortpen[g] = pen;
			continue;
		}
		uint32_t i = hash(m, g);
		while (m->tab[i].gram)
			i = (i + 1) & m->mask;
		m->tab[i].gram = g;
		m->tab[i].pen = pen;
	}
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
 * languages in even, odd in odd, spilled into the 32-bit totals every
 * 16 grams (a penalty is at most 15: 15 * 16 < 2^8). */
typedef struct {
	uint32_t win;		/* the last four symbols */
	unsigned have;		/* how many of them there are */
	unsigned grams;		/* since the last spill */
	uint32_t even, odd;
	uint32_t score[OP_LANGID_NLANG];
} scan;

static void spill(scan *sc)
{
	for (int k = 0; k < OP_LANGID_NLANG / 2; k++) {
		sc->score[2 * k] += sc->even >> 8 * k & 0xFF;
		sc->score[2 * k + 1] += sc->odd >> 8 * k & 0xFF;
	}
	sc->even = sc->odd = 0;
	sc->grams = 0;
}

static inline void add(scan *sc, uint32_t pen)
{
	sc->even += pen & 0x0F0F0F0Fu;
	sc->odd += pen >> 4 & 0x0F0F0F0Fu;
}

/* sym read: the grams it ends (a boundary alone is none; the window
 * starts with one, so there are always two symbols or more) */
static void push(const op_langid *m, scan *sc, unsigned sym)
{
	uint32_t w = sc->win = (sc->win << SYMBITS | sym) & ((1u << 4 * SYMBITS) - 1);
	if (sc->have < 4)
		sc->have++;
	if (sym != BOUNDARY)
		add(sc, m->shortpen[sym]);
	add(sc, m->shortpen[w & (SHORT - 1)]);
	if (sc->have >= 3)
		add(sc, find(m, w & ((1u << 3 * SYMBITS) - 1)));
	if (sc->have == 4)
		add(sc, find(m, w));
	if ((sc->grams += 4) >= 16)
		spill(sc);
}

/* the language with the least penalty into *best; the second's lead over
 * it, in nats */
static double rank(scan *sc, int *best)
{
	spill(sc);
	int b = 0, second = 1;
	for (int l = 1; l < OP_LANGID_NLANG; l++) {
		if (sc->score[l] < sc->score[b]) {
			second = b;
			b = l;
		} else if (l != second && sc->score[l] < sc->score[second]) {
			second = l;
		}
	}
	*best = b;
	return (sc->score[second] - sc->score[b]) * op_langmodel_step;
}

const char *op_langid_guess(const op_langid *m, const char *s, size_t n, op_langid_res *res)
{
	op_langid_res r = { .lang = "und" };
	scan sc = { .win = BOUNDARY, .have = 1 };
	const unsigned char *p = (const unsigned char *)s, *end = p + (n < OP_LANGID_CAP ? n : OP_LANGID_CAP);
	unsigned last = BOUNDARY;
	int best;
	while (p < end) {
		unsigned sym;
		if (*p < 0x80) {
			sym = op_langmodel_sym[*p++];
		} else {
			int32_t cp = next_cp(&p, end);
			sym = cp < 0 ? 0 : symbol((uint32_t)cp);
		}
		if (sym == IGNORED)
			continue;
		if (sym == FOREIGN)
			r.foreign++;
		if (sym == 0 || sym == FOREIGN) {
			if (last != BOUNDARY) {
				push(m, &sc, last = BOUNDARY);
				/* a word ends: once the answer is past doubt, the rest
				 * of the text is not read */
				if (r.letters >= OP_LANGID_SURE_LETTERS && !r.foreign &&
				    rank(&sc, &best) >= OP_LANGID_SURE)
					break;
			}
			continue;
		}
		r.letters++;
		push(m, &sc, last = sym);
	}
	if (last != BOUNDARY)
		push(m, &sc, BOUNDARY);
	r.margin = rank(&sc, &best);
	/* too little to go on, another script, or a close call: no answer */
	if (r.letters >= OP_LANGID_MIN_LETTERS && r.foreign <= r.letters && r.margin >= OP_LANGID_MIN_MARGIN)
		r.lang = op_langmodel_langs[best];
	if (res)
		*res = r;
	return r.lang;
}
