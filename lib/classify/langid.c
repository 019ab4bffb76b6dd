/* langid.c - the language a text is written in (man/enq-classify.1,
 * LANGUAGE).  The text is read once, up to OP_LANGID_CAP bytes, as
 * symbols: each letter of U+0000..U+017F lower-cased, every run of other
 * characters one word boundary.  Each symbol ends up to four grams; each
 * gram the model knows adds its per-language penalty (the naive-Bayes
 * log probability below the best language's, in steps); the language
 * with the least wins, unless the text is too short, mostly in another
 * script, or the second is too close.  Reading stops at the end of a
 * word once the answer is past doubt, which saves most of the cost on
 * long texts.  A word met before is not scored again (see word below).
 * Nothing is allocated per text.
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
 * those of three and four by open addressing in a table (gram 0: an
 * empty slot), a gram beside its penalties, so that a hit reads one cache
 * line.  The tables are kept small, 104 KB, for the
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
typedef struct {
	slot *tab;
	uint32_t mask;
	unsigned shift;
} table;

/* A word's grams, but for the three at most that begin before the
 * boundary ahead of it (cross), depend on its symbols alone: its score
 * is remembered, in a table of 2^WORDBITS words indexed by a hash of its
 * symbols and checked against all of them (a hash alone, even of 64
 * bits, could give two words one score: the answers must not depend on
 * what was read before).  Scores are exact sums, so the order they are
 * added in changes nothing.  Words of more than WORDMAX letters are
 * scored each time (there are few, and they would not fit the key). */
#define WORDMAX 15
#define WORDBITS 11	/* 2,048 words, 64 KB, allocated once */
#define WORDEXT (1ULL << 63)	/* in word.key[1], past the symbols: the extends after the word */
#define LANES16 0x0000FFFF0000FFFFu
typedef struct {
	/* a boundary and its symbols, a byte each, the last lowest, 0
	 * before (none is 0: an empty entry is 0, 0) */
	uint64_t key[2];
	/* the penalties of its grams and of the boundary after it, 16-bit
	 * lanes (WORDMAX letters make at most 16 * 4 * 15 = 960), languages
	 * 4j, 4j + 2, 4j + 1, 4j + 3 in pen[j], lowest first: pen & LANES16
	 * and pen >> 16 & LANES16 are two pairs of scan.pair */
	uint64_t pen[2];
} word;

struct op_langid {
	/* by the last two symbols: the penalties of the gram of two and of
	 * the last symbol alone (none for a boundary), spread (see add) */
	uint64_t pen12[SHORT];
	uint32_t sure_steps;	/* the least lead, in steps, of OP_LANGID_SURE nats */
	uint64_t ext3[SHORT / 64];	/* two symbols that begin a gram of three */
	/* the grams within a word (and the boundaries around it), and the
	 * few that reach from one word into the next (see cross): apart,
	 * so that the lookups made at every word stay in a table of 8 KB */
	table in, across;
	word *words;	/* NULL: every word scored (op_langid_nocache) */
};

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

/* the slot of gram g in t, or the empty slot where it would go */
static slot *find(const table *t, uint32_t g)
{
	for (uint32_t i = (g * 0x9E3779B1u) >> t->shift;; i = (i + 1) & t->mask)
		if ((t->tab[i].gram & ~EXTENDS) == g || !t->tab[i].gram)
			return &t->tab[i];
}

/* whether gram g reaches from one word into the next: a letter, a
 * boundary, a letter */
static int crosses(uint32_t g)
{
	for (; g >> 2 * SYMBITS; g >>= SYMBITS)
		if ((g >> 2 * SYMBITS & 63) > BOUNDARY && (g >> SYMBITS & 63) == BOUNDARY && (g & 63) > BOUNDARY)
			return 1;
	return 0;
}

/* the table gram g is in, or would be */
static table *table_of(op_langid *m, uint32_t g)
{
	return crosses(g) ? &m->across : &m->in;
}

/* room for n grams and a slot to spare, where a lookup that finds
 * nothing stops */
static void table_init(table *t, size_t n)
{
	unsigned bits = 1;
	while ((1u << bits) <= n)
		bits++;
	t->mask = (1u << bits) - 1;
	t->shift = 32 - bits;
	t->tab = op_xcalloc((size_t)t->mask + 1, sizeof *t->tab);
}

/* the bits of ext3 for the grams of three in t (a prefix the model
 * lacks included: its mark must be found) */
static void mark_ext3(op_langid *m, const table *t)
{
	for (uint32_t i = 0; i <= t->mask; i++) {
		uint32_t g = t->tab[i].gram & ~EXTENDS;
		if (g && !(g >> 3 * SYMBITS))
			m->ext3[g >> SYMBITS >> 6] |= 1ULL << (g >> SYMBITS & 63);
	}
}

/* the model's text: per gram the penalties (A to P: 0 to 15) and the
 * gram's letters up to '|' (scripts/gen-lang-model) */
op_langid *op_langid_new(void)
{
	op_langid *m = op_xcalloc(1, sizeof *m);
	uint32_t *shortpen = op_xcalloc(SHORT, sizeof *shortpen);
	slot *all = op_xcalloc(op_langmodel_ngrams, sizeof *all);
	size_t n = 0, room[2] = { 0, 0 };	/* in, across */
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
		all[n++] = (slot){ g, pen };
		room[crosses(g)]++;
		if (g >> 3 * SYMBITS)	/* and its prefix */
			room[crosses(g >> SYMBITS)]++;
	}
	table_init(&m->in, room[0]);
	table_init(&m->across, room[1]);
	for (size_t i = 0; i < n; i++)
		*find(table_of(m, all[i].gram), all[i].gram) = all[i];
	/* the marks (a prefix the model lacks added, of no penalty) */
	for (size_t i = 0; i < n; i++) {
		uint32_t g = all[i].gram >> SYMBITS;
		if (g >> 2 * SYMBITS) {
			slot *t = find(table_of(m, g), g);
			t->gram = g | EXTENDS;
		}
	}
	free(all);
	mark_ext3(m, &m->in);
	mark_ext3(m, &m->across);
	for (uint32_t w = 0; w < SHORT; w++) {
		unsigned last = w & ((1u << SYMBITS) - 1);
		m->pen12[w] = spread(shortpen[w]) + (last != BOUNDARY ? spread(shortpen[last]) : 0);
	}
	free(shortpen);
	m->words = op_xcalloc((size_t)1 << WORDBITS, sizeof *m->words);
	/* as rank() reckons the lead: (second - first) * step */
	while (m->sure_steps * op_langmodel_step < OP_LANGID_SURE)
		m->sure_steps++;
	return m;
}

void op_langid_free(op_langid *m)
{
	if (!m)
		return;
	free(m->in.tab);
	free(m->across.tab);
	free(m->words);
	free(m);
}

void op_langid_nocache(op_langid *m)
{
	free(m->words);
	m->words = NULL;
}

/* The scores: the languages' penalties added in 8-bit lanes, even
 * languages in the low half of lanes, odd in the high, spilled every 16
 * grams (a penalty is at most 15: 15 * 16 < 2^8) into 32-bit totals, two
 * languages a word, so that a spill is four additions.  A text's scan
 * adds whole words to the totals (word_end): its lanes stay 0. */
typedef struct {
	uint32_t win;		/* the last four symbols */
	uint32_t extends;	/* the last three are a gram marked EXTENDS */
	unsigned grams;		/* since the last spill */
	uint64_t lanes;
	union {
		uint64_t pair[OP_LANGID_NLANG / 2];	/* languages 2k low, 2k + 1 high */
		uint32_t tot[OP_LANGID_NLANG];	/* the same, in the machine's order */
	};
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
		add(sc, find(&m->in, w)->pen);
	sc->extends = 0;
	uint32_t g3 = w & ((1u << 3 * SYMBITS) - 1), g2 = g3 >> SYMBITS;
	if (m->ext3[g2 >> 6] >> (g2 & 63) & 1) {
		const slot *t = find(&m->in, g3);
		add(sc, t->pen);
		sc->extends = t->gram & EXTENDS;
	}
	if ((sc->grams += 4) >= 16)
		spill(sc);
}

/* the language with the least penalty into *best; the second's lead over
 * it, in nats */
static double rank(const scan *sc, int *best)
{
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

static inline uint32_t least(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* rank(sc) >= OP_LANGID_SURE, at less cost, as it is asked at every word:
 * one language alone is less than sure steps above the least (which one
 * does not matter: the totals as they lie in memory; the least by pairs,
 * so that the comparisons do not wait on each other) */
static int sure(const op_langid *m, const scan *sc)
{
	const uint32_t *x = sc->tot;
	uint32_t first = least(least(least(x[0], x[1]), least(x[2], x[3])), least(least(x[4], x[5]), least(x[6], x[7])));
	unsigned near = 0;
	for (int l = 0; l < OP_LANGID_NLANG; l++)
		near += x[l] - first < m->sure_steps;
	return near == 1;
}

/* the next symbol at *p but for combining marks, *p advanced past it;
 * 0 (a separator) at the end */
static inline unsigned next_sym(const unsigned char **p, const unsigned char *end)
{
	for (;;) {
		unsigned sym;
		if (*p == end)
			return 0;
		if (**p < 0x80) {
			sym = op_langmodel_sym[*(*p)++];
		} else {
			int32_t cp = next_cp(p, end);
			sym = cp < 0 ? 0 : symbol((uint32_t)cp);
		}
		if (sym != IGNORED)
			return sym;
	}
}

/* what ends a word: a separator, or a letter of another script */
static inline int separator(unsigned sym)
{
	return sym == 0 || sym == FOREIGN;
}

/* *ws: the word at p and the boundary after it, scored as though the
 * text began with it (one call of push, so that it is inlined and the
 * scores stay in registers) */
static void score(const op_langid *m, scan *ws, const unsigned char *p, const unsigned char *end)
{
	*ws = (scan){ .win = BOUNDARY };
	unsigned sym;
	do {
		sym = next_sym(&p, end);
		push(m, ws, sym = separator(sym) ? BOUNDARY : sym);
	} while (sym != BOUNDARY);
	spill(ws);
}

/* The grams that reach into a word from before the boundary ahead of
 * it, p2 p1 _ (the text's start reads as 0 0 _), by its first letter c1
 * and what follows it, c2 (a letter or the boundary after it): p2 p1 _ c1
 * and p1 _ c1, and p1 _ c1 c2, when push would have looked them up;
 * their penalties in 8-bit lanes (spread).  The rest of the word's
 * grams begin at that boundary or after it: score's, for it starts the
 * same way, with a 0 for p1 (ext3 has no bit for 0 _), and does not look
 * up the gram of four at c1 (no extends yet). */
static uint64_t cross(const op_langid *m, const scan *sc, unsigned c1, unsigned c2)
{
	uint32_t before = sc->win & ((1u << 3 * SYMBITS) - 1), g2 = before & (SHORT - 1);
	uint64_t lanes = 0;
	if (sc->extends)
		lanes += spread(find(&m->across, before << SYMBITS | c1)->pen);
	if (m->ext3[g2 >> 6] >> (g2 & 63) & 1) {
		const slot *t = find(&m->across, g2 << SYMBITS | c1);
		lanes += spread(t->pen);
		if (t->gram & EXTENDS)
			lanes += spread(find(&m->across, (g2 << SYMBITS | c1) << SYMBITS | c2)->pen);
	}
	return lanes;
}

/* lanes 0, 1, 4 and 5 of eight 8-bit lanes as 16-bit lanes 0 to 3: the
 * languages of spread's low and high halves in word.pen's order */
static inline uint64_t widen(uint64_t lanes)
{
	lanes &= LANES16;
	return (lanes | lanes << 8) & 0x00FF00FF00FF00FFu;
}

/* pen, as word.pen, added to the totals */
static inline void add16(scan *sc, uint64_t pen0, uint64_t pen1)
{
	sc->pair[0] += pen0 & LANES16;
	sc->pair[1] += pen0 >> 16 & LANES16;
	sc->pair[2] += pen1 & LANES16;
	sc->pair[3] += pen1 >> 16 & LANES16;
}

/* the cache's entry for key, scored from the word at start if it held
 * another */
static const word *remember(op_langid *m, const uint64_t key[2], const unsigned char *start, const unsigned char *end)
{
	word *w = &m->words[(key[0] ^ key[1] * 0xC2B2AE3D27D4EB4Fu) * 0x9E3779B97F4A7C15u >> (64 - WORDBITS)];
	if (w->key[0] == key[0] && (w->key[1] & ~WORDEXT) == key[1])
		return w;
	scan ws;
	score(m, &ws, start, end);
	w->key[0] = key[0];
	w->key[1] = key[1] | (ws.extends ? WORDEXT : 0);
	for (int j = 0; j < 2; j++)
		w->pen[j] = ws.pair[2 * j] | ws.pair[2 * j + 1] << 16;
	return w;
}

/* A word read: k letters from start, c1 the first, c2 the second (or
 * the boundary after a word of one); key: a boundary and its letters,
 * the last lowest, a byte each, the last 16 (so the whole word up to
 * WORDMAX letters).  Its score into sc, and sc left as push leaves it
 * at the boundary after the word. */
static void word_end(op_langid *m, scan *sc, const unsigned char *start, const unsigned char *end,
		     const uint64_t key[2], unsigned k, unsigned c1, unsigned c2)
{
	/* the word's entry first: its load and cross's are made at once */
	const word *w = k <= WORDMAX && m->words ? remember(m, key, start, end) : NULL;
	uint64_t lanes = cross(m, sc, c1, c2), pen0 = widen(lanes), pen1 = widen(lanes >> 16);
	uint32_t extends;
	if (w) {
		add16(sc, pen0 + w->pen[0], pen1 + w->pen[1]);
		extends = w->key[1] & WORDEXT ? EXTENDS : 0;
	} else {
		scan ws;
		score(m, &ws, start, end);
		add16(sc, pen0, pen1);
		for (int l = 0; l < OP_LANGID_NLANG / 2; l++)
			sc->pair[l] += ws.pair[l];
		extends = ws.extends;
	}
	sc->win = (uint32_t)(key[0] >> 8 & 0xFF) << SYMBITS | (uint32_t)(key[0] & 0xFF);
	sc->win = sc->win << SYMBITS | BOUNDARY;
	sc->extends = extends;
}

const char *op_langid_guess(op_langid *m, const char *s, size_t n, op_langid_res *res)
{
	op_langid_res r = { .lang = "und" };
	scan sc = { .win = BOUNDARY };
	const unsigned char *p = (const unsigned char *)s, *end = p + (n < OP_LANGID_CAP ? n : OP_LANGID_CAP);
	int best;
	for (;;) {
		const unsigned char *start = p;
		unsigned c1 = next_sym(&p, end);
		if (separator(c1)) {
			r.foreign += c1 == FOREIGN;
			if (p == end)
				break;
			continue;
		}
		/* a word, to the next separator (the end of the text reads as
		 * one) */
		unsigned c2 = next_sym(&p, end), sym = c2, k = 1;
		uint64_t key[2] = { BOUNDARY << 8 | c1, 0 };
		for (; !separator(sym); sym = next_sym(&p, end), k++) {
			key[1] = key[1] << 8 | key[0] >> 56;
			key[0] = key[0] << 8 | sym;
		}
		r.foreign += sym == FOREIGN;
		r.letters += k;
		word_end(m, &sc, start, end, key, k, c1, separator(c2) ? BOUNDARY : c2);
		/* once the answer is past doubt, the rest of the text is not
		 * read */
		if (p == end || (r.letters >= OP_LANGID_SURE_LETTERS && !r.foreign && sure(m, &sc)))
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
