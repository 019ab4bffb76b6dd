/* model.c - text features, the softmax classifier and its file.
 * MIT licence, see COPYING.
 *
 * Why softmax regression over hashed n-grams: on banking77 (77 intents,
 * short queries) it beats multinomial naive Bayes on accuracy and matches
 * fastText (scripts/bench/enq-train), while one pass over an example
 * costs 2 x features x classes multiply-adds and needs no embedding.
 * Features are 64-bit hashes: no vocabulary to build, and a word the model
 * has not seen is simply absent from its table.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "digest.h"
#include "hmap.h"
#include "model.h"
#include "opflow.h"
#include "utf8.h"

#define MAGIC "OPFLOWMD"
/* A word longer than this (a URL, a base64 run) gives its n-grams from
 * its first MAX_GRAM_WORD bytes only: bounded work per byte of input. */
#define MAX_GRAM_WORD 64
#define MAX_CLASSES 65535
#define MAX_NAME 4096

/* The weights for prediction: a table of entries, one per feature, found
 * by open addressing from the hash's low bits.  An entry holds the
 * feature's weights (padded with zeros to a multiple of 4, for adding in
 * blocks) and then its whole hash, and never shares a cache line with
 * another: the one line fetched for a feature both confirms it and gives
 * its weights (a table of tags beside rows cost two, the tag's line and
 * the row's).  An empty entry has the hash `empty`, one no feature of the
 * table has. */
typedef struct {
	float *rows;		/* entry j from rows[j * stride] */
	size_t mask;		/* entries less one; their number is a power of two */
	size_t stride;		/* floats an entry */
	size_t width;		/* weights an entry: nclass rounded up to 4 */
	size_t nclass;
	uint64_t empty;
	uint64_t *has;		/* a bit for each feature's (its hash's bits 24 on), */
	size_t hasmask;		/* of hasmask + 1 bits */
} table;

/* Might t have h?  A third of a text's features are not in the table
 * (the pairs of words above all), and each was a line or two of
 * megabytes fetched to learn so: the bits are 16 a feature, 256 KB for
 * the built-in models' 100,000, one in 16 or fewer of the absent
 * features' bits set. */
static inline int known(const table *t, uint64_t h)
{
	size_t b = (size_t)(h >> 24) & t->hasmask;
	return t->has[b / 64] >> (b % 64) & 1;
}

/* the hash of entry e */
static inline uint64_t entry_hash(const table *t, const float *e)
{
	uint64_t h;
	memcpy(&h, e + t->width, sizeof h);
	return h;
}

struct op_model {
	op_featcfg cfg;
	size_t nclass, nfeat;
	char **names;
	char *text_expr, *label;
	uint64_t *hash;		/* nfeat, strictly increasing */
	float *w;		/* nfeat x nclass: in buf when loaded, else owned */
	unsigned char *buf;	/* the file's bytes, when loaded */
	size_t maplen;		/* buf is mapped, this long (0: malloc'd) */
	float *bias;		/* nclass */
	table tab;		/* hash and w, for prediction */
};

/* ---- features ---------------------------------------------------------- */

/* FNV-1a over bytes, seeded by feature kind, then mixed: the low bits
 * index the lookup table, so they must be as good as the high ones. */
#define FNV_BASIS 0xcbf29ce484222325ULL

static inline uint64_t fnv_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * 0x100000001b3ULL;
}

static uint64_t hbytes(uint64_t seed, const unsigned char *s, size_t n)
{
	uint64_t h = FNV_BASIS ^ seed;
	for (size_t i = 0; i < n; i++)
		h = fnv_step(h, s[i]);
	return h;
}

enum { K_WORD = 1, K_BIGRAM, K_CHAR };

/* with f->names or f->kinds, feature i's kind and text: a[0..an), then
 * " " b[0..bn) when bn (a word pair) */
static void describe(op_feats *f, size_t i, int kind, const unsigned char *a, size_t an,
		     const unsigned char *b, size_t bn)
{
	if (f->kinds) {
		f->kind = op_grow(f->kind, i, &f->capkind, 1);
		f->kind[i] = (unsigned char)kind;
	}
	if (f->names) {
		f->at = op_grow(f->at, i, &f->capat, sizeof *f->at);
		f->at[i] = f->names->len;
		op_buf_add(f->names, a, an);
		if (bn) {
			op_buf_addc(f->names, ' ');
			op_buf_add(f->names, b, bn);
		}
		op_buf_addc(f->names, 0);
	}
}

/* A byte of a word as the features read it, or 0 for one that is not:
 * letters and digits of ASCII, ASCII case folded, and every byte of
 * another character as it is */
#define W_(c) ((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : \
		((c) >= 'a' && (c) <= 'z') || ((c) >= '0' && (c) <= '9') || (c) >= 0x80 ? (c) : 0)
#define W4(c) W_(c), W_((c) + 1), W_((c) + 2), W_((c) + 3)
#define W16(c) W4(c), W4((c) + 4), W4((c) + 8), W4((c) + 12)
#define W64(c) W16(c), W16((c) + 16), W16((c) + 32), W16((c) + 48)
/* by table: one load a byte of text, where the tests were four */
static const unsigned char word_bytes[256] = { W64(0), W64(64), W64(128), W64(192) };
#undef W64
#undef W16
#undef W4
#undef W_

static inline unsigned char word_byte(unsigned char c)
{
	return word_bytes[c];
}

/* The features of the n-grams of w[0..tot) of cfg's lengths, shorter
 * than it (the whole <word> is the word feature), into f (room made for
 * them): those of the shortest at each position, then those one byte
 * longer, and so on.  The n-grams at one position share their start, so
 * each is the shorter one's hash a byte further on: one FNV step per
 * byte of the longest, not per byte of each. */
static void char_grams(op_feats *f, const op_featcfg *cfg, const unsigned char *w, size_t tot)
{
	size_t gmin = cfg->char_min, gmax = tot - 1 < cfg->char_max ? tot - 1 : cfg->char_max;
	size_t at[OP_CHAR_GRAM_MAX + 1], all = 0;	/* at[g]: the first g-gram's feature */
	for (size_t g = gmin; g <= gmax; g++) {
		at[g] = f->n + all;
		all += tot - g + 1;
	}
	for (size_t k = 0; k + gmin <= tot; k++) {
		size_t top = tot - k < gmax ? tot - k : gmax;
		uint64_t h = hbytes(K_CHAR, w + k, gmin - 1);
		for (size_t g = gmin; g <= top; g++) {
			h = fnv_step(h, w[k + g - 1]);
			f->h[at[g] + k] = op_fmix64(h);
		}
	}
	for (size_t g = gmin; (f->names || f->kinds) && g <= gmax; g++)
		for (size_t k = 0; k + g <= tot; k++)
			describe(f, at[g] + k, OP_FEAT_CHAR, w + k, g, NULL, 0);
	f->n += all;
}

/* the n-grams char_grams gives a word of tot bytes with its < > */
static size_t ngrams(const op_featcfg *cfg, size_t tot)
{
	size_t gmax = tot - 1 < cfg->char_max ? tot - 1 : cfg->char_max, k = 0;
	for (size_t g = cfg->char_min; g <= gmax; g++)
		k += tot - g + 1;
	return k;
}

/* A model set's cache of words' n-gram sums as a text's features are
 * made: its entries, and for each the text it was last copied out for
 * and where to (which that text's words found there share) */
typedef struct {
	const table *t;
	uint64_t *copied;	/* by entry: the text << 32 | its copy's index in op_feats.sum */
	uint64_t text;		/* the text's number, never 0 */
} sumcache;

static void feats_text(op_feats *f, const op_featcfg *cfg, const char *s, size_t n, const sumcache *cache);

void op_feats_text(op_feats *f, const op_featcfg *cfg, const char *s, size_t n)
{
	feats_text(f, cfg, s, n, NULL);
}

/* the cache's entry for a word of hash key: from the key's top bits, as
 * the tables' own are found from the low ones */
static inline size_t cache_slot(const table *c, uint64_t key)
{
	return (size_t)(key >> 32) & c->mask;
}

/* A word's n-grams into f, its own feature h[wi] (the last or, a pair
 * after it, the one before): the sum of all of them found in the cache
 * (copied out, for the cache may change before they are added; once a
 * text, as it does not change while the text's features are made: a
 * word that comes 100,000 times is not 100,000 copies), the word taken
 * out of h, or the n-grams made (the slot their sum is to go to
 * noted).  A word's own feature is most of the lookups of a text whose
 * words are all in the cache. */
static void word_grams(op_feats *f, const op_featcfg *cfg, const unsigned char *w, size_t tot, size_t wi,
		       const sumcache *c)
{
	uint64_t key = f->h[wi];
	f->word = op_grow(f->word, f->nword, &f->capword, sizeof *f->word);
	op_fword *fw = &f->word[f->nword++];
	*fw = (op_fword){ wi, f->n, f->n, OP_NO_SLOT, OP_NO_SLOT, key };
	if (c && key != c->t->empty) {
		size_t j = cache_slot(c->t, key);
		const float *e = c->t->rows + j * c->t->stride;
		if (entry_hash(c->t, e) == key) {
			if (c->copied[j] >> 32 != c->text) {
				size_t W = c->t->width, k = f->nsum++;
				f->sum = op_grow(f->sum, (k + 1) * W - 1, &f->capsum, sizeof *f->sum);
				memcpy(f->sum + k * W, e, W * sizeof *f->sum);
				c->copied[j] = c->text << 32 | k;
			}
			if (--f->n > wi)
				f->h[wi] = f->h[wi + 1];
			*fw = (op_fword){ SIZE_MAX, f->n, f->n, OP_NO_SLOT, (uint32_t)c->copied[j], key };
			f->ncached += ngrams(cfg, tot) + 1;
			return;
		}
		fw->slot = (uint32_t)j;
	}
	char_grams(f, cfg, w, tot);
	fw->ge = f->n;
}

static void feats_text(op_feats *f, const op_featcfg *cfg, const char *s, size_t n, const sumcache *cache)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char w[MAX_GRAM_WORD + 2], pw[MAX_GRAM_WORD];
	uint64_t prev = 0;
	size_t plen = 0;
	int have_prev = 0, named = f->names || f->kinds;
	f->n = f->nword = f->ncached = f->nsum = 0;
	if (f->names)
		op_buf_reset(f->names);
	w[0] = '<';
	for (size_t i = 0; i < n;) {
		if (!word_byte(p[i])) {
			i++;
			continue;
		}
		/* the word folded into w, its first MAX_GRAM_WORD bytes, and
		 * hashed whole, in one pass */
		size_t len = 0;
		uint64_t wh = FNV_BASIS ^ K_WORD;
		for (unsigned char c; i < n && (c = word_byte(p[i])); i++, len++) {
			if (len < MAX_GRAM_WORD)
				w[len + 1] = c;
			wh = fnv_step(wh, c);
		}
		size_t glen = len < MAX_GRAM_WORD ? len : MAX_GRAM_WORD, tot = glen + 2;
		/* room for the word's features at once: itself, its pair, its
		 * n-grams (fewer than tot of each length) */
		f->h = op_grow(f->h, f->n + 2 + (cfg->char_max - cfg->char_min + 1) * tot, &f->cap, sizeof *f->h);
		if (named)
			describe(f, f->n, OP_FEAT_WORD, w + 1, glen, NULL, 0);
		size_t wi = f->n;
		f->h[f->n++] = op_fmix64(wh);
		if (cfg->word_ngrams >= 2 && have_prev) {
			if (named)
				describe(f, f->n, OP_FEAT_PAIR, pw, plen, w + 1, glen);
			f->h[f->n++] = op_fmix64(prev * 31 + wh + K_BIGRAM);
		}
		prev = wh;
		have_prev = 1;
		if (f->names) {
			memcpy(pw, w + 1, glen);
			plen = glen;
		}
		w[glen + 1] = '>';
		if (cfg->char_min)
			word_grams(f, cfg, w, tot, wi, named ? NULL : cache);
	}
}

void op_feats_free(op_feats *f)
{
	free(f->h);
	free(f->at);
	free(f->kind);
	free(f->word);
	free(f->sum);
	memset(f, 0, sizeof *f);
}

/* ---- the model ---------------------------------------------------------- */

/* h's entry or, when t lacks h, an empty one (its weights all 0): the
 * first from h's on that is either */
static inline float *entry(const table *t, uint64_t h)
{
	size_t j = h & t->mask;
	for (;;) {
		float *e = t->rows + j * t->stride;
		uint64_t eh = entry_hash(t, e);
		if (eh == h || eh == t->empty)
			return e;
		j = (j + 1) & t->mask;
	}
}

/* h's weights, or NULL */
static float *row_of(const table *t, uint64_t h)
{
	float *e = entry(t, h);
	return entry_hash(t, e) == t->empty ? NULL : e;
}

#define HUGE_PAGE ((size_t)2 << 20)

/* t for the features hash[0..n) (strictly increasing) and nclass weights
 * each, all 0.  The entries are less than two thirds full: on average a
 * feature is found within two entries, an absent one known within five
 * (Knuth's estimates for linear probing), the next ones in the lines
 * after the first. */
static void table_new(table *t, const uint64_t *hash, size_t n, size_t nclass)
{
	size_t ns = 16, width = (nclass + 3) / 4 * 4, need = 4 * width + 8, eb = 16;
	while (ns < n + n / 2 + 1)
		ns *= 2;
	/* up to a line, a power of two that divides one; past it, whole lines */
	while (eb < need && eb < 64)
		eb *= 2;
	eb = eb < need ? (need + 63) / 64 * 64 : eb;
	/* In whole 2 MB pages when it fills one, which Linux may back by
	 * huge pages: lookups all over megabytes of entries then miss the
	 * TLB far less often (a 4 KB page each, they missed it nearly
	 * every time, as they miss the cache). */
	size_t align = ns * eb >= HUGE_PAGE ? HUGE_PAGE : 64, bytes = (ns * eb + align - 1) / align * align;
	size_t nb = 64;
	while (nb < 16 * n)
		nb *= 2;
	*t = (table){ aligned_alloc(align, bytes), ns - 1, eb / 4, width, nclass, 0, op_xcalloc(nb / 64, 8), nb - 1 };
	if (!t->rows)
		op_die(OP_EXIT_SOFTWARE, "out of memory");
	for (size_t i = 0; i < n; i++) {
		size_t b = (size_t)(hash[i] >> 24) & t->hasmask;
		t->has[b / 64] |= (uint64_t)1 << (b % 64);
	}
#ifdef MADV_HUGEPAGE
	if (align == HUGE_PAGE)
		madvise(t->rows, bytes, MADV_HUGEPAGE);
#endif
	for (size_t i = 0; i < n; i++)	/* in order: one pass finds a hash none has */
		t->empty += hash[i] == t->empty;
	memset(t->rows, 0, bytes);
	for (size_t j = 0; j < ns && t->empty; j++)
		memcpy(t->rows + j * t->stride + width, &t->empty, sizeof t->empty);
	for (size_t i = 0; i < n; i++) {
		size_t j = hash[i] & t->mask;
		while (entry_hash(t, t->rows + j * t->stride) != t->empty)
			j = (j + 1) & t->mask;
		memcpy(t->rows + j * t->stride + width, &hash[i], sizeof hash[i]);
	}
}

static void table_free(table *t)
{
	free(t->rows);
	free(t->has);
}

/* m's table, its weights copied into the entries: made on first use,
 * as a model predicting only in a set (enq-classify's built-in two)
 * never uses one of its own, which takes megabytes to fill.  (Every
 * model is malloc'd, none defined const: its table may be written.) */
static const table *table_of(const op_model *m)
{
	table *t = (table *)&m->tab;
	if (!t->rows) {
		table_new(t, m->hash, m->nfeat, m->nclass);
		for (size_t i = 0; i < m->nfeat; i++)
			memcpy(row_of(t, m->hash[i]), m->w + i * m->nclass, m->nclass * sizeof *m->w);
	}
	return t;
}

const float *op_model_weights(const op_model *m, uint64_t h)
{
	/* the features in hash order: no table needed */
	size_t lo = 0, hi = m->nfeat;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->hash[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->nfeat && m->hash[lo] == h ? m->w + lo * m->nclass : NULL;
}

/* each occurrence weighs 1/sqrt(n), in training as in prediction: a long
 * text does not shout down a short one */
double op_model_scale(size_t n)
{
	return n ? 1 / sqrt((double)n) : 0;
}

static void softmax(double *z, size_t n)
{
	double mx = z[0], sum = 0;
	for (size_t c = 1; c < n; c++)
		if (z[c] > mx)
			mx = z[c];
	for (size_t c = 0; c < n; c++)
		sum += z[c] = exp(z[c] - mx);
	for (size_t c = 0; c < n; c++)
		z[c] /= sum;
}

static size_t argmax(const double *z, size_t n)
{
	size_t b = 0;
	for (size_t c = 1; c < n; c++)
		if (z[c] > z[b])
			b = c;
	return b;
}

#define AHEAD 16

/* a[0..W) += w[0..W), W a multiple of 4, in vectors of 4: each element
 * the same float add as one at a time, but gcc -O2 left the loop by
 * words one at a time (it was 5 % of enq-classify's instructions) */
typedef float f4 __attribute__((vector_size(16)));
static inline void add_row(float *restrict a, const float *restrict w, size_t W)
{
#pragma GCC unroll 4
	for (size_t c = 0; c < W; c += 4) {
		f4 x, y;
		memcpy(&x, a + c, sizeof x);
		memcpy(&y, w + c, sizeof y);
		x += y;
		memcpy(a + c, &x, sizeof x);
	}
}

/* start fetching the lines of h's first entry in u, unless u surely
 * lacks h */
static inline void fetch(const table *u, uint64_t h)
{
	if (!known(u, h))
		return;
	const float *e = u->rows + (h & u->mask) * u->stride;
	__builtin_prefetch(e);
	for (size_t k = 16; k < u->stride; k += 16)
		__builtin_prefetch(e + k);
}

/* a[0..W) += the weights of feature i of f (its entry's, which are 0
 * when t lacks it), the entry of feature i + AHEAD fetched meanwhile */
static inline void add_feature(const table *u, const op_feats *f, size_t i, float *restrict a, size_t W)
{
	/* The entries are larger than the cache: feature i's first line is
	 * fetched AHEAD features before it is looked up, while other rows
	 * are added.  A feature the bits rule out adds nothing; one they
	 * let through that the table lacks adds an empty entry's zeros,
	 * which leave a sum as it was (x + 0 is x for any x but -0, and a
	 * sum that starts at +0 is never -0: -0 + +0 and x + -x are +0). */
	if (i + AHEAD < f->n)
		fetch(u, f->h[i + AHEAD]);
	if (known(u, f->h[i]))
		add_row(a, entry(u, f->h[i]), W);
}

/* sum_rows for a table W wide: a constant where it is inlined, so that
 * the sums can stay in registers, added as vectors.  The features are
 * added in their order, but each word's own and its n-grams summed
 * first (into g) and their sum added where the n-grams are: a float sum
 * in another order can differ in its last bits, and so a sum found in
 * the cache is the one made here. */
static inline void sum_width(const table *t, const op_feats *f, float *restrict a, float *restrict g, size_t W,
			     table *cache)
{
	const table u = *t;	/* in registers, though a is written */
	size_t i = 0;
	/* the first AHEAD entries fetched at once (add_feature fetches the
	 * rest as it goes): a text has few more features than that */
	for (size_t k = 0; k < AHEAD && k < f->n; k++)
		fetch(&u, f->h[k]);
	for (size_t k = 0; k < f->nword; k++) {
		const op_fword *fw = &f->word[k];
		for (; i < fw->gs; i++)
			if (i != fw->wi)
				add_feature(&u, f, i, a, W);
		const float *ws = g;
		if (fw->found != OP_NO_SLOT) {
			ws = f->sum + (size_t)fw->found * W;
		} else {
			for (size_t c = 0; c < W; c++)
				g[c] = 0;
			add_feature(&u, f, fw->wi, g, W);
			for (; i < fw->ge; i++)
				add_feature(&u, f, i, g, W);
			if (fw->slot != OP_NO_SLOT) {
				float *e = cache->rows + fw->slot * cache->stride;
				memcpy(e, g, W * sizeof *e);
				memcpy(e + W, &fw->key, sizeof fw->key);
			}
		}
		add_row(a, ws, W);
	}
	for (; i < f->n; i++)
		add_feature(&u, f, i, a, W);
}

/* a[0..t->width) += the weights of f's features that t has, g room for
 * as many; the sums of words' n-grams made into cache where f says */
static void sum_rows(const table *t, const op_feats *f, float *a, float *g, table *cache)
{
	switch (t->width) {
	case 4:		/* a priority model alone */
		sum_width(t, f, a, g, 4, cache);
		break;
	case 8:		/* a category model alone */
		sum_width(t, f, a, g, 8, cache);
		break;
	case 12:	/* both together */
		sum_width(t, f, a, g, 12, cache);
		break;
	default:
		sum_width(t, f, a, g, t->width, cache);
	}
}

/* model m's probabilities into prob from its sums a of n features; its
 * best class */
static size_t finish(const op_model *m, const float *a, size_t n, double *prob)
{
	double x = op_model_scale(n);
	for (size_t c = 0; c < m->nclass; c++) {
		/* finite weights can still sum past FLT_MAX in a (a damaged or
		 * hostile file): an infinite score is then the largest there
		 * is, not a NaN out of softmax; and a word's n-grams summing
		 * to +inf, another's to -inf, make a[c] NaN: the two cancel,
		 * leaving the bias (the JSON of a NaN confidence is invalid) */
		double z = m->bias[c] + (isnan(a[c]) ? 0 : x * a[c]);
		prob[c] = z > DBL_MAX ? DBL_MAX : z < -DBL_MAX ? -DBL_MAX : z;
	}
	softmax(prob, m->nclass);
	return argmax(prob, m->nclass);
}

/* room for C sums, zeroed: acc[SUMS_ON_STACK] when they fit, else
 * malloc'd (C twice a table's width: its sums and a word's) */
#define SUMS_ON_STACK 512
static float *sums(float *acc, size_t C)
{
	float *a = C <= SUMS_ON_STACK ? acc : op_xmalloc(C * sizeof *a);
	memset(a, 0, C * sizeof *a);
	return a;
}

size_t op_model_predict(const op_model *m, const op_feats *f, double *prob)
{
	const table *t = table_of(m);
	/* the sums and room for a word's, in one piece */
	float acc[SUMS_ON_STACK], *a = sums(acc, 2 * t->width);
	sum_rows(t, f, a, a + t->width, NULL);
	size_t best = finish(m, a, f->n + f->ncached, prob);
	if (a != acc)
		free(a);
	return best;
}

/* ---- models read together ------------------------------------------------ */

/* One table over the union of the models' features, a row holding each
 * model's weights side by side (zeros where a model lacks the feature:
 * adding 0 leaves a float sum as it was), so a text's features are
 * looked up once for all of them, with one row to fetch each. */
struct op_modelset {
	const op_model **m;
	size_t k, *off;		/* model i's weights at off[i] of a row */
	table tab;
	table cache;		/* sums of words' n-grams (op_modelset_feats) */
	uint64_t *copied;	/* sumcache.copied */
	uint32_t text;		/* the last text's number */
};

/* The cache: entries as the table's (the sums, then the word's hash),
 * CACHE_BITS of them, one per word, a word's from its hash (cache_slot),
 * a newer word taking an older one's place.  Words recur: in a run of
 * mail most of a text's words were seen lately, and their n-grams, most
 * of a text's features, are then one lookup rather than several
 * each.  The hash 0 marks an empty entry: a word of that hash is never
 * kept.  2^12 entries of one cache line are 256 KB, which leaves the
 * second-level cache to the table's hot entries too.  Wider entries
 * (many classes) are fewer, CACHE_BYTES at most: a small model file of
 * 65,535 classes would otherwise have the cache take a gigabyte. */
#define CACHE_BITS 12
#define CACHE_BYTES ((size_t)2 << 20)

op_modelset *op_modelset_new(const op_model *const *m, size_t k)
{
	if (!k)
		return NULL;
	for (size_t i = 1; i < k; i++)
		if (memcmp(&m[i]->cfg, &m[0]->cfg, sizeof m[0]->cfg))
			return NULL;
	op_modelset *s = op_xcalloc(1, sizeof *s);
	s->m = op_xmalloc((k ? k : 1) * sizeof *s->m);
	s->off = op_xmalloc((k ? k : 1) * sizeof *s->off);
	s->k = k;
	size_t C = 0, most = 0, *at = op_xcalloc(k ? k : 1, sizeof *at);
	for (size_t i = 0; i < k; i++) {
		s->m[i] = m[i];
		s->off[i] = C;
		C += m[i]->nclass;
		most += m[i]->nfeat;
	}
	uint64_t *hash = op_xmalloc((most ? most : 1) * sizeof *hash);
	/* the models' features are in hash order: merged, each taken once */
	size_t n = 0;
	for (;; n++) {
		int any = 0;
		for (size_t i = 0; i < k; i++)
			if (at[i] < m[i]->nfeat && (!any || m[i]->hash[at[i]] < hash[n])) {
				hash[n] = m[i]->hash[at[i]];
				any = 1;
			}
		if (!any)
			break;
		for (size_t i = 0; i < k; i++)
			at[i] += at[i] < m[i]->nfeat && m[i]->hash[at[i]] == hash[n];
	}
	table_new(&s->tab, hash, n, C);
	s->cache = s->tab;
	size_t eb = s->tab.stride * sizeof *s->tab.rows, ns = (size_t)1 << CACHE_BITS;
	while (ns > 1 && ns * eb > CACHE_BYTES)
		ns /= 2;
	s->cache.mask = ns - 1;
	s->cache.empty = 0;
	size_t bytes = ns * eb;
	if (!(s->cache.rows = aligned_alloc(64, bytes)))
		op_die(OP_EXIT_SOFTWARE, "out of memory");
	memset(s->cache.rows, 0, bytes);
	s->copied = op_xcalloc(ns, sizeof *s->copied);
	for (size_t i = 0; i < k; i++)
		for (size_t f = 0, u = 0; f < m[i]->nfeat; f++, u++) {
			while (hash[u] != m[i]->hash[f])
				u++;
			memcpy(row_of(&s->tab, hash[u]) + s->off[i], m[i]->w + f * m[i]->nclass,
			       m[i]->nclass * sizeof *m[i]->w);
		}
	free(hash);
	free(at);
	return s;
}

void op_modelset_feats(op_modelset *s, op_feats *f, const char *text, size_t n)
{
	if (!++s->text) {	/* 2^32 texts: none copied for the next */
		memset(s->copied, 0, (s->cache.mask + 1) * sizeof *s->copied);
		s->text = 1;
	}
	feats_text(f, &s->m[0]->cfg, text, n, &(sumcache){ &s->cache, s->copied, s->text });
}

void op_modelset_predict(op_modelset *s, const op_feats *f, double *const *prob, size_t *best)
{
	float acc[SUMS_ON_STACK], *a = sums(acc, 2 * s->tab.width);
	sum_rows(&s->tab, f, a, a + s->tab.width, &s->cache);
	for (size_t i = 0; i < s->k; i++)
		best[i] = finish(s->m[i], a + s->off[i], f->n + f->ncached, prob[i]);
	if (a != acc)
		free(a);
}

void op_modelset_free(op_modelset *s)
{
	if (!s)
		return;
	free(s->m);
	free(s->off);
	table_free(&s->tab);
	free(s->cache.rows);
	free(s->copied);
	free(s);
}

void op_model_top(const op_model *m, const double *prob, size_t *top, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		size_t b = (size_t)-1;
		for (size_t c = 0; c < m->nclass; c++) {
			int taken = 0;
			for (size_t j = 0; j < i; j++)
				taken |= top[j] == c;
			if (!taken && (b == (size_t)-1 || prob[c] > prob[b]))
				b = c;
		}
		top[i] = b;
	}
}

size_t op_model_nclasses(const op_model *m) { return m->nclass; }
const char *op_model_class(const op_model *m, size_t c) { return m->names[c]; }
size_t op_model_nfeatures(const op_model *m) { return m->nfeat; }
const op_featcfg *op_model_featcfg(const op_model *m) { return &m->cfg; }
const char *op_model_text_expr(const op_model *m) { return m->text_expr; }
const char *op_model_label(const op_model *m) { return m->label; }

static void release(unsigned char *p, size_t maplen)
{
	if (maplen)
		munmap(p, maplen);
	else
		free(p);
}

void op_model_free(op_model *m)
{
	if (!m)
		return;
	for (size_t c = 0; c < m->nclass; c++)
		free(m->names[c]);
	free(m->names);
	free(m->text_expr);
	free(m->label);
	free(m->hash);
	if (!m->buf)
		free(m->w);
	release(m->buf, m->maplen);
	free(m->bias);
	table_free(&m->tab);
	free(m);
}

/* ---- training ----------------------------------------------------------- */

struct op_trainer {
	op_featcfg cfg;
	/* hash -> dense feature id, open addressing (id + 1, 0 empty) */
	uint64_t *id_hash;		/* by id */
	unsigned char *id_kind;		/* by id: OP_FEAT_* */
	size_t nid, capid, capkind;
	uint32_t *tab;
	size_t ntab;
	/* examples: example i's feature ids are ids[off[i]..off[i+1]); past
	 * BLOCK_IDS of them, all go to a spill file instead and are read back
	 * an example at a time (pread, from the page cache), so the memory
	 * training takes does not grow with the examples */
	uint32_t *ids;
	size_t nids, capids;		/* in memory, or waiting to be written */
	size_t *off, capoff;
	size_t block;			/* BLOCK_IDS, or OPFLOW_TRAIN_BLOCK */
	int spill;			/* its descriptor, or -1 */
	size_t written;			/* ids in it */
	int *label;
	size_t nex, capex;
	char **names;
	size_t nclass, capclass;
	op_hmap byname;			/* label -> class + 1 */
	op_feats scratch;
};

/* Feature ids held in memory at most (4 bytes each, 32 MB): about
 * 25,000 enquiries of 300 features.  Reading them back costs a
 * pread an example an epoch, against 1.4 KB of memory an example held.
 * OPFLOW_TRAIN_BLOCK=N: N ids (the tests spill small data). */
#define BLOCK_IDS ((size_t)8 << 20)

/* The ids in memory appended to the spill file, made on first use and
 * unlinked at once (it goes when the trainer does).  A file that cannot
 * be written ends the program (74), as memory running out does. */
static void flush_ids(op_trainer *t)
{
	if (t->spill < 0) {
		const char *dir = getenv("TMPDIR");
		op_buf path = {0};
		op_buf_printf(&path, "%s/enq-train.XXXXXX", dir && *dir ? dir : "/tmp");
		if ((t->spill = mkstemp(path.p)) < 0)
			op_die(OP_EXIT_IOERR, "%s: %s", path.p, strerror(errno));
		unlink(path.p);
		op_buf_free(&path);
	}
	size_t n = t->nids * sizeof *t->ids;
	for (size_t done = 0; done < n;) {
		ssize_t k = pwrite(t->spill, (char *)t->ids + done, n - done,
				   (off_t)(t->written * sizeof *t->ids + done));
		if (k <= 0)
			op_die(OP_EXIT_IOERR, "training spill file: %s", k ? strerror(errno) : "nothing written");
		done += (size_t)k;
	}
	t->written += t->nids;
	t->nids = 0;
}

op_trainer *op_trainer_new(const op_featcfg *cfg)
{
	op_trainer *t = op_xcalloc(1, sizeof *t);
	t->cfg = *cfg;
	t->scratch.kinds = 1;
	t->ntab = 1024;
	t->tab = op_xcalloc(t->ntab, sizeof *t->tab);
	t->off = op_xmalloc(sizeof *t->off);
	t->off[0] = 0;
	t->capoff = 1;
	t->spill = -1;
	const char *b = getenv("OPFLOW_TRAIN_BLOCK");
	t->block = b && atol(b) > 0 ? (size_t)atol(b) : BLOCK_IDS;
	return t;
}

static uint32_t feature_id(op_trainer *t, uint64_t h, int kind)
{
	size_t j = h & (t->ntab - 1);
	for (uint32_t s; (s = t->tab[j]); j = (j + 1) & (t->ntab - 1))
		if (t->id_hash[s - 1] == h)
			return s - 1;
	/* a limit met after memory for 4 billion features: out of memory */
	if (t->nid == UINT32_MAX - 1)
		op_die(OP_EXIT_SOFTWARE, "too many distinct features");
	t->id_hash = op_grow(t->id_hash, t->nid, &t->capid, sizeof *t->id_hash);
	t->id_hash[t->nid] = h;
	t->id_kind = op_grow(t->id_kind, t->nid, &t->capkind, 1);
	t->id_kind[t->nid] = (unsigned char)kind;
	t->tab[j] = (uint32_t)++t->nid;
	if (2 * t->nid > t->ntab) {	/* keep the load under one half */
		free(t->tab);
		t->ntab *= 2;
		t->tab = op_xcalloc(t->ntab, sizeof *t->tab);
		for (size_t i = 0; i < t->nid; i++) {
			size_t k = t->id_hash[i] & (t->ntab - 1);
			while (t->tab[k])
				k = (k + 1) & (t->ntab - 1);
			t->tab[k] = (uint32_t)(i + 1);
		}
	}
	return (uint32_t)(t->nid - 1);
}

size_t op_trainer_add(op_trainer *t, const char *text, size_t n, const char *label, size_t llen,
		      op_err *e)
{
	op_feats_text(&t->scratch, &t->cfg, text, n);
	if (!t->scratch.n)
		return OP_TRAINER_NONE;
	if (t->nclass == MAX_CLASSES && !op_hmap_get(&t->byname, label, llen)) {
		op_errf(e, OP_EXIT_DATAERR, "more than %d labels", MAX_CLASSES);
		return OP_TRAINER_FAIL;
	}
	int isnew;
	void **slot = op_hmap_put(&t->byname, label, llen, &isnew);
	size_t c = isnew ? t->nclass : (size_t)(uintptr_t)*slot - 1;
	if (isnew) {
		*slot = (void *)(uintptr_t)(t->nclass + 1);
		t->names = op_grow(t->names, t->nclass, &t->capclass, sizeof *t->names);
		t->names[t->nclass++] = op_xstrndup(label, llen);
	}
	t->off = op_grow(t->off, t->nex + 1, &t->capoff, sizeof *t->off);
	t->label = op_grow(t->label, t->nex, &t->capex, sizeof *t->label);
	t->ids = op_reserve(t->ids, t->nids + t->scratch.n, &t->capids, sizeof *t->ids);
	for (size_t i = 0; i < t->scratch.n; i++)
		t->ids[t->nids++] = feature_id(t, t->scratch.h[i], t->scratch.kind[i]);
	t->label[t->nex] = (int)c;
	t->off[t->nex + 1] = t->off[t->nex] + t->scratch.n;
	t->nex++;
	if (t->nids >= t->block)
		flush_ids(t);
	return t->nex - 1;
}

/* the feature ids of example i: in memory, or read from the spill file
 * into t->ids (valid until the next call) */
static const uint32_t *ids_of(op_trainer *t, size_t i)
{
	if (t->spill < 0)
		return t->ids + t->off[i];
	if (t->nids)	/* the last ones added */
		flush_ids(t);
	size_t n = (t->off[i + 1] - t->off[i]) * sizeof *t->ids;
	t->ids = op_reserve(t->ids, n / sizeof *t->ids, &t->capids, sizeof *t->ids);
	for (size_t done = 0; done < n;) {
		ssize_t k = pread(t->spill, (char *)t->ids + done, n - done,
				  (off_t)(t->off[i] * sizeof *t->ids + done));
		if (k <= 0)
			op_die(OP_EXIT_IOERR, "training spill file: %s", k ? strerror(errno) : "shorter than written");
		done += (size_t)k;
	}
	return t->ids;
}

size_t op_trainer_count(const op_trainer *t) { return t->nex; }
size_t op_trainer_nclasses(const op_trainer *t) { return t->nclass; }
const char *op_trainer_class(const op_trainer *t, size_t c) { return t->names[c]; }
int op_trainer_label(const op_trainer *t, size_t i) { return t->label[i]; }

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Fisher-Yates over a[0..n) */
static void shuffle(size_t *a, size_t n, uint64_t *rng)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(splitmix(rng) % i), tmp = a[i - 1];
		a[i - 1] = a[j];
		a[j] = tmp;
	}
}

/* a[0..n) += k * r[0..n), in blocks of 8 as add_row */
static inline void axpy(float *restrict a, const float *restrict r, float k, size_t n)
{
	size_t c = 0;
	for (; c + 8 <= n; c += 8)
		for (size_t j = 0; j < 8; j++)
			a[c + j] += k * r[c + j];
	for (; c < n; c++)
		a[c] += k * r[c];
}

/* what one step of SGD needs besides the example: the weights and
 * biases, what each feature counts (val, by id), the target's smoothing
 * and margin, the share of features dropped with the draws that drop
 * them and room for the ones kept, and room for a score (z) and a
 * gradient (g) a class */
typedef struct {
	float *w, *bias;
	const float *val;
	double smooth, margin, drop;
	uint64_t rng;
	uint32_t *kept;
	size_t capkept;
	double *z;
	float *g;
} sgd;

/* Dropout: each of the nf features ids[] left out with probability
 * s->drop, the ones kept into s->kept (*nf their number); the scale x
 * grows by 1 / (1 - drop), so that a score is on average what it is
 * with every feature, as prediction has it.  Dropped features are not
 * learned from in that step: the model leans less on any one n-gram. */
static const uint32_t *drop_some(sgd *s, const uint32_t *ids, size_t *nf, double *x)
{
	size_t k = 0;
	s->kept = op_reserve(s->kept, *nf, &s->capkept, sizeof *s->kept);
	for (size_t f = 0; f < *nf; f++)
		if ((double)(splitmix(&s->rng) >> 11) / 9007199254740992.0 >= s->drop)
			s->kept[k++] = ids[f];
	*nf = k;
	*x /= 1 - s->drop;
	return s->kept;
}

/* one step of SGD on example e at rate lr */
static void sgd_step(op_trainer *t, size_t e, float lr, sgd *s)
{
	size_t C = t->nclass ? t->nclass : 1;
	const uint32_t *ids = ids_of(t, e);
	size_t nf = t->off[e + 1] - t->off[e];
	double x = op_model_scale(nf), *z = s->z;
	if (s->drop > 0)
		ids = drop_some(s, ids, &nf, &x);
	float *g = s->g;
	for (size_t c = 0; c < C; c++)
		g[c] = 0;
	for (size_t f = 0; f < nf; f++)
		axpy(g, s->w + (size_t)ids[f] * C, s->val[ids[f]], C);
	for (size_t c = 0; c < C; c++)
		z[c] = s->bias[c] + x * g[c];
	/* an additive margin (as AM-softmax): the label's score must beat
	 * the others by the margin before the loss lets go, though
	 * prediction scores it without */
	z[t->label[e]] -= s->margin;
	softmax(z, C);
	/* the gradient of the log loss is p - y, y the smoothed target */
	double rest = s->smooth / (double)C, top = 1 - s->smooth + rest;
	for (size_t c = 0; c < C; c++)
		g[c] = (float)z[c] - (float)(c == (size_t)t->label[e] ? top : rest);
	for (size_t c = 0; c < C; c++)
		s->bias[c] -= lr * g[c];
	float lx = lr * (float)x;
	for (size_t c = 0; c < C; c++)
		g[c] *= lx;
	for (size_t f = 0; f < nf; f++)
		axpy(s->w + (size_t)ids[f] * C, g, -s->val[ids[f]], C);
}

/* --focus b: val[f] times 1 + b x (1 - H / ln C), H the entropy of the
 * classes of feature f's occurrences in the examples idx[0..n) (each
 * class's count plus 0.1): a feature of one class counts more, one
 * spread evenly over all of them as it was.  A stand-in for NB-SVM's
 * naive-Bayes ratio (Wang and Manning 2012), which has two classes.
 * The counts go into w (C floats a feature, zeroed after), so that this
 * takes no more memory than training does; a float counts exactly to
 * 2^24, past which a count only grows more slowly. */
static void focus(op_trainer *t, const size_t *idx, size_t n, double b, float *w, float *val)
{
	size_t C = t->nclass, F = t->nid;
	if (C < 2)
		return;
	for (size_t k = 0; k < n; k++) {
		const uint32_t *ids = ids_of(t, idx[k]);
		for (size_t j = 0, nf = t->off[idx[k] + 1] - t->off[idx[k]]; j < nf; j++)
			w[(size_t)ids[j] * C + (size_t)t->label[idx[k]]] += 1;
	}
	for (size_t f = 0; f < F; f++) {
		float *cnt = w + f * C;
		double tot = 0, h = 0;
		for (size_t c = 0; c < C; c++)
			tot += cnt[c] + 0.1;
		for (size_t c = 0; c < C; c++) {
			double p = (cnt[c] + 0.1) / tot;
			h -= p * log(p);
		}
		val[f] *= (float)(1 + b * (1 - h / log((double)C)));
	}
	memset(w, 0, F * C * sizeof *w);
}

static int by_hash(const void *a, const void *b, void *ctx)
{
	const uint64_t *h = ctx;
	uint64_t x = h[*(const uint32_t *)a], y = h[*(const uint32_t *)b];
	return x < y ? -1 : x > y;
}

op_model *op_trainer_fit(op_trainer *t, const op_train_opts *o, const size_t *idx, size_t n,
			 const char *text_expr, const char *label)
{
	size_t C = t->nclass ? t->nclass : 1, F = t->nid;
	float *w = op_xcalloc(F ? F : 1, C * sizeof *w), *val = op_xmalloc((F ? F : 1) * sizeof *val);
	for (size_t f = 0; f < F; f++)
		val[f] = t->id_kind[f] == OP_FEAT_PAIR && o->pair > 0 ? (float)o->pair : 1;
	if (o->focus > 0)
		focus(t, idx, n, o->focus, w, val);
	/* --average: the runs' weights and biases summed into sum (a second
	 * table the size of the weights), then divided by their number */
	unsigned runs = o->average ? o->average : 1;
	float *sum = runs > 1 ? op_xcalloc(F ? F : 1, C * sizeof *sum) : NULL,
	      *bsum = sum ? op_xcalloc(C, sizeof *bsum) : NULL;
	sgd s = { w, op_xcalloc(C, sizeof *s.bias), val, o->smooth, o->margin, o->dropout, 0, NULL, 0,
		  op_xmalloc(C * sizeof *s.z), op_xmalloc(C * sizeof *s.g) };
	size_t *order = op_xmalloc((n ? n : 1) * sizeof *order);
	for (unsigned r = 0; r < runs; r++) {
		/* the first run from the seed itself, as without --average;
		 * the others from a hash of seed + r (seed + r itself would
		 * give streams that are the first's, a draw or more on) */
		uint64_t x = o->seed + r, rng = r ? splitmix(&x) : o->seed;
		/* dropout draws from a stream of its own: the order is the
		 * seed's with or without it */
		s.rng = rng ^ 0x9e3779b97f4a7c15ULL;
		if (r) {
			memset(w, 0, F * C * sizeof *w);
			memset(s.bias, 0, C * sizeof *s.bias);
		}
		memcpy(order, idx, n * sizeof *order);
		double total = (double)o->epochs * (double)n, step = 0;
		for (unsigned ep = 0; ep < o->epochs; ep++) {
			shuffle(order, n, &rng);
			for (size_t k = 0; k < n; k++, step++)
				sgd_step(t, order[k], (float)(o->lr * (1 - step / total)), &s);
		}
		if (sum) {
			for (size_t i = 0; i < F * C; i++)
				sum[i] += w[i];
			for (size_t c = 0; c < C; c++)
				bsum[c] += s.bias[c];
		}
	}
	if (sum) {
		for (size_t i = 0; i < F * C; i++)
			w[i] = sum[i] / (float)runs;
		for (size_t c = 0; c < C; c++)
			s.bias[c] = bsum[c] / (float)runs;
		free(sum);
		free(bsum);
	}
	/* a feature counted v in training is a weight v times as large where
	 * every occurrence counts 1, as op_model_predict has it */
	for (size_t f = 0; f < F; f++)
		for (size_t c = 0; c < C; c++)
			w[f * C + c] *= val[f];
	float *bias = s.bias;
	free(order);
	free(val);
	free(s.z);
	free(s.g);
	free(s.kept);

	/* keep the features with a weight beyond +-prune (an all-zero row
	 * changes no score; near-zero rows hardly: on banking77, 0.25 halves
	 * the model at no cost in accuracy), in hash order as the file wants */
	uint32_t *keep = op_xmalloc((F ? F : 1) * sizeof *keep);
	size_t nk = 0;
	for (size_t f = 0; f < F; f++) {
		const float *r = w + f * C;
		for (size_t c = 0; c < C; c++)
			if (fabsf(r[c]) > o->prune) {
				keep[nk++] = (uint32_t)f;
				break;
			}
	}
	qsort_r(keep, nk, sizeof *keep, by_hash, t->id_hash);
	op_model *m = op_xcalloc(1, sizeof *m);
	m->cfg = t->cfg;
	m->nclass = C;
	m->names = op_xcalloc(C, sizeof *m->names);
	for (size_t c = 0; c < C; c++)
		m->names[c] = op_xstrdup(t->nclass ? t->names[c] : "none");
	m->text_expr = op_xstrdup(text_expr);
	m->label = op_xstrdup(label);
	m->nfeat = nk;
	m->hash = op_xmalloc((nk ? nk : 1) * sizeof *m->hash);
	m->w = op_xmalloc((nk ? nk : 1) * C * sizeof *m->w);
	for (size_t i = 0; i < nk; i++) {
		m->hash[i] = t->id_hash[keep[i]];
		memcpy(m->w + i * C, w + (size_t)keep[i] * C, C * sizeof *m->w);
	}
	m->bias = bias;
	free(keep);
	free(w);
	return m;
}

int op_trainer_predict(op_trainer *t, const op_model *m, size_t i)
{
	op_feats f = {0};
	size_t nf = t->off[i + 1] - t->off[i];
	const uint32_t *ids = ids_of(t, i);
	f.h = op_xmalloc((nf ? nf : 1) * sizeof *f.h);
	for (size_t k = 0; k < nf; k++) {
		f.h[k] = t->id_hash[ids[k]];
		/* with n-grams, a word, its pair and its run of n-grams, as
		 * op_feats_text has them, summed so */
		int kind = t->id_kind[ids[k]];
		op_fword *fw = f.nword ? &f.word[f.nword - 1] : NULL;
		if (t->cfg.char_min && kind == OP_FEAT_WORD) {
			f.word = op_grow(f.word, f.nword, &f.capword, sizeof *f.word);
			f.word[f.nword++] = (op_fword){ k, k + 1, k + 1, OP_NO_SLOT, OP_NO_SLOT, 0 };
		} else if (fw && kind == OP_FEAT_PAIR && fw->wi + 1 == k) {
			fw->gs = fw->ge = k + 1;
		} else if (fw && kind == OP_FEAT_CHAR) {
			fw->ge = k + 1;
		}
	}
	f.n = nf;
	double *p = op_xmalloc(m->nclass * sizeof *p);
	int best = (int)op_model_predict(m, &f, p);
	free(p);
	op_feats_free(&f);
	return best;
}

static int by_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

void op_trainer_tally(op_trainer *t, const op_model *m, const size_t *idx, size_t n, unsigned long *conf)
{
	/* in the order they were added: the spill file read forwards */
	size_t C = t->nclass, *in = op_xmalloc((n ? n : 1) * sizeof *in);
	memcpy(in, idx, n * sizeof *in);
	qsort(in, n, sizeof *in, by_index);
	for (size_t k = 0; k < n; k++)
		conf[(size_t)t->label[in[k]] * C + (size_t)op_trainer_predict(t, m, in[k])]++;
	free(in);
}

/* the confusion table: a row per true class, a column per predicted one,
 * numbered as the rows are (77 names across would not fit a line) */
static void confusion(const op_trainer *t, const unsigned long *conf, FILE *out)
{
	size_t C = t->nclass;
	unsigned long most = C;
	for (size_t i = 0; i < C * C; i++)
		if (conf[i] > most)
			most = conf[i];
	int w = snprintf(NULL, 0, "%lu", most) + 1;
	fprintf(out, "confusion (rows: true class, columns: predicted)\n%-32s", "");
	for (size_t c = 0; c < C; c++)
		fprintf(out, "%*zu", w, c + 1);
	for (size_t r = 0; r < C; r++) {
		fprintf(out, "\n%3zu %-28.28s", r + 1, t->names[r]);
		for (size_t c = 0; c < C; c++)
			fprintf(out, "%*lu", w, conf[r * C + c]);
	}
	fputc('\n', out);
}

void op_trainer_report(const op_trainer *t, const unsigned long *conf, int report, FILE *out)
{
	size_t C = t->nclass;
	unsigned long right = 0, all = 0;
	/* macro-F1 over the classes the held-out set has or the model
	 * predicted: a class absent from both says nothing */
	double f1sum = 0;
	size_t nf1 = 0;
	if (report)
		fprintf(out, "%-32s %9s %9s %9s %8s\n", "class", "precision", "recall", "F1", "support");
	for (size_t c = 0; c < C; c++) {
		unsigned long tp = conf[c * C + c], fp = 0, fn = 0;
		for (size_t k = 0; k < C; k++)
			if (k != c) {
				fp += conf[k * C + c];
				fn += conf[c * C + k];
			}
		right += tp;
		all += tp + fn;
		if (!tp && !fp && !fn)
			continue;
		double p = tp + fp ? (double)tp / (tp + fp) : 0;
		double r = tp + fn ? (double)tp / (tp + fn) : 0;
		double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
		f1sum += f1;
		nf1++;
		if (report)
			fprintf(out, "%-32s %9.4f %9.4f %9.4f %8lu\n", t->names[c], p, r, f1, tp + fn);
	}
	if (report)
		confusion(t, conf, out);
	fprintf(out, "accuracy %.4f  macro-F1 %.4f  (%lu of %lu held out right)\n",
		all ? (double)right / all : 0, nf1 ? f1sum / nf1 : 0, right, all);
}

void op_trainer_free(op_trainer *t)
{
	if (!t)
		return;
	for (size_t c = 0; c < t->nclass; c++)
		free(t->names[c]);
	free(t->names);
	op_hmap_free(&t->byname, NULL);
	free(t->id_hash);
	free(t->id_kind);
	free(t->tab);
	free(t->ids);
	free(t->off);
	if (t->spill >= 0)
		close(t->spill);
	free(t->label);
	op_feats_free(&t->scratch);
	free(t);
}

/* ---- the file (layout in man/enq-train.1) -------------------------------- */

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int k = 7; k >= 0; k--)
		v = v << 8 | p[k];
	return v;
}

/* FNV-1a's step over 8-byte little-endian words (the last zero-padded),
 * seeded with the length: a word-wide multiply by an odd number is a
 * bijection, so any one changed word changes the sum, at a byte a cycle */
static uint64_t checksum(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8)
		h = (h ^ le64(p + i)) * 0x100000001b3ULL;
	if (i < n) {
		unsigned char last[8] = {0};
		memcpy(last, p + i, n - i);
		h = (h ^ le64(last)) * 0x100000001b3ULL;
	}
	return h;
}

static void put_u32(op_buf *b, uint32_t v)
{
	unsigned char c[4] = { v, v >> 8, v >> 16, v >> 24 };
	op_buf_add(b, c, 4);
}

static void put_u64(op_buf *b, uint64_t v)
{
	put_u32(b, (uint32_t)v);
	put_u32(b, (uint32_t)(v >> 32));
}

static void put_f32(op_buf *b, float f)
{
	uint32_t v;
	memcpy(&v, &f, 4);
	put_u32(b, v);
}

static void put_str(op_buf *b, const char *s)
{
	size_t n = strlen(s);
	put_u32(b, (uint32_t)n);
	op_buf_add(b, s, n);
}

int op_model_save(const op_model *m, const char *path, op_err *e)
{
	op_buf b = {0};
	op_buf_add(&b, MAGIC, 8);
	put_u32(&b, OP_MODEL_VERSION);
	put_u32(&b, (uint32_t)m->nclass);
	put_u32(&b, (uint32_t)m->nfeat);
	unsigned char cfg[4] = { m->cfg.word_ngrams, m->cfg.char_min, m->cfg.char_max, 0 };
	op_buf_add(&b, cfg, 4);
	put_str(&b, m->text_expr);
	put_str(&b, m->label);
	for (size_t c = 0; c < m->nclass; c++)
		put_str(&b, m->names[c]);
	while (b.len % 8)	/* the numbers aligned, to be used in place */
		op_buf_addc(&b, 0);
	for (size_t i = 0; i < m->nfeat; i++)
		put_u64(&b, m->hash[i]);
	for (size_t c = 0; c < m->nclass; c++)
		put_f32(&b, m->bias[c]);
	for (size_t i = 0; i < m->nfeat * m->nclass; i++)
		put_f32(&b, m->w[i]);
	put_u64(&b, checksum((const unsigned char *)b.p, b.len));

	/* a reader (a cron job running enq-classify) sees the old model or
	 * the new, never half */
	int rc = op_write_atomic(path, b.p, b.len);
	if (rc)
		op_errf(e, OP_EXIT_IOERR, "%s: %s", path, strerror(errno));
	op_buf_free(&b);
	return rc;
}

typedef struct {
	const unsigned char *p;
	size_t n, pos;
	op_err *e;
} reader;

static int need(reader *r, size_t k, const char *what)
{
	if (r->n - r->pos >= k)
		return 0;
	op_errf(r->e, OP_EXIT_CONFIG, "truncated model file: %zu bytes, %s needs more", r->n, what);
	return -1;
}

static uint32_t get_u32(reader *r)
{
	const unsigned char *p = r->p + r->pos;
	r->pos += 4;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(reader *r)
{
	uint64_t lo = get_u32(r);
	return lo | (uint64_t)get_u32(r) << 32;
}

int op_model_text_ok(const char *s, size_t n)
{
	const unsigned char *q = (const unsigned char *)s, *end = q + n;
	if (!n || n > MAX_NAME)
		return 0;
	while (q < end) {
		size_t k = *q < 0x80 ? (*q >= 0x20) : op_utf8_seq(q, end);
		if (!k)
			return 0;
		q += k;
	}
	return 1;
}

static char *get_str(reader *r, const char *what)
{
	if (need(r, 4, what))
		return NULL;
	uint32_t n = get_u32(r);
	if (n > MAX_NAME || !n) {
		op_errf(r->e, OP_EXIT_CONFIG, "corrupt model file: %s has length %u", what, n);
		return NULL;
	}
	if (need(r, n, what))
		return NULL;
	const unsigned char *s = r->p + r->pos;
	if (!op_model_text_ok((const char *)s, n)) {
		op_errf(r->e, OP_EXIT_CONFIG, "corrupt model file: %s is not UTF-8 text", what);
		return NULL;
	}
	r->pos += n;
	return op_xstrndup((const char *)s, n);
}

static int little_endian(void)
{
	const uint16_t one = 1;
	unsigned char c;
	memcpy(&c, &one, 1);
	return c == 1;
}

/* p[0..n) is the file, malloc'd or mapped (maplen); the model takes it
 * (weights are used where they lie), or it is released on error */
static op_model *parse(unsigned char *p, size_t n, size_t maplen, op_err *e)
{
	reader r = { p, n, 0, e };
	op_model *m = NULL;
	if (n < 8 || memcmp(p, MAGIC, 8)) {
		op_errf(e, OP_EXIT_CONFIG, "not an opflow model file (no %s header)", MAGIC);
		goto bad;
	}
	r.pos = 8;
	if (need(&r, 16, "the header"))
		goto bad;
	uint32_t version = get_u32(&r);
	if (version != OP_MODEL_VERSION) {
		op_errf(e, OP_EXIT_CONFIG, "model file format version %u; this program reads version %d (train it again)",
			 version, OP_MODEL_VERSION);
		goto bad;
	}
	m = op_xcalloc(1, sizeof *m);
	m->buf = p;
	m->maplen = maplen;
	uint32_t nclass = get_u32(&r), nfeat = get_u32(&r);
	m->cfg.word_ngrams = p[r.pos];
	m->cfg.char_min = p[r.pos + 1];
	m->cfg.char_max = p[r.pos + 2];
	r.pos += 4;
	if (!nclass || nclass > MAX_CLASSES || m->cfg.word_ngrams < 1 || m->cfg.word_ngrams > 2 ||
	    m->cfg.char_min > m->cfg.char_max || m->cfg.char_max > OP_CHAR_GRAM_MAX || (m->cfg.char_max && !m->cfg.char_min)) {
		op_errf(e, OP_EXIT_CONFIG, "corrupt model file: bad header");
		goto bad;
	}
	if (!(m->text_expr = get_str(&r, "the text expression")) || !(m->label = get_str(&r, "the label")))
		goto bad;
	m->names = op_xcalloc(nclass, sizeof *m->names);
	for (; m->nclass < nclass; m->nclass++)
		if (!(m->names[m->nclass] = get_str(&r, "a class name")))
			goto bad;
	for (; r.pos % 8; r.pos++)
		if (need(&r, 1, "the padding") || p[r.pos]) {
			if (r.pos < n)
				op_errf(e, OP_EXIT_CONFIG, "corrupt model file: padding is not zero");
			goto bad;
		}
	/* sizes from the header are checked against the bytes there are
	 * before anything is allocated from them */
	size_t rowbytes = 8 + (size_t)nclass * 4, avail = r.n - r.pos, tail = (size_t)nclass * 4 + 8;
	if (avail / rowbytes < nfeat || avail - (size_t)nfeat * rowbytes < tail) {
		op_errf(e, OP_EXIT_CONFIG, "truncated model file: %zu bytes, the weights need more", n);
		goto bad;
	}
	size_t want = r.pos + (size_t)nfeat * rowbytes + tail;
	if (want != n) {
		op_errf(e, OP_EXIT_CONFIG, "corrupt model file: %zu bytes where the header says %zu", n, want);
		goto bad;
	}
	size_t body = r.pos;
	uint64_t sum = checksum(p, n - 8);
	r.pos = n - 8;
	if (get_u64(&r) != sum) {
		op_errf(e, OP_EXIT_CONFIG, "corrupt model file: checksum mismatch");
		goto bad;
	}
	r.pos = body;
	m->nfeat = nfeat;
	m->hash = op_xmalloc((nfeat ? nfeat : 1) * sizeof *m->hash);
	for (size_t i = 0; i < nfeat; i++) {
		m->hash[i] = get_u64(&r);
		if (i && m->hash[i] <= m->hash[i - 1]) {
			op_errf(e, OP_EXIT_CONFIG, "corrupt model file: feature table out of order");
			goto bad;
		}
	}
	m->bias = op_xmalloc(nclass * sizeof *m->bias);
	/* the weights stay in the file's bytes (prediction reads a copy in
	 * its table's rows): on a little-endian machine they are the floats
	 * already (and a mapped page is not copied by writing to it),
	 * elsewhere they are swapped in place */
	m->w = (float *)(p + r.pos + 4 * (size_t)nclass);
	int le = little_endian();
	for (size_t i = 0; i < nclass + (size_t)nfeat * nclass; i++) {
		const unsigned char *q = p + r.pos + 4 * i;
		uint32_t v = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
		float f;
		memcpy(&f, &v, 4);
		if (!isfinite(f)) {
			op_errf(e, OP_EXIT_CONFIG, "corrupt model file: a weight is not a finite number");
			goto bad;
		}
		if (i < nclass)
			m->bias[i] = f;
		else if (!le)
			m->w[i - nclass] = f;
	}
	return m;
bad:
	if (m)
		op_model_free(m);
	else
		release(p, maplen);
	return NULL;
}

op_model *op_model_parse(const unsigned char *p, size_t n, op_err *e)
{
	unsigned char *copy = op_xmalloc(n ? n : 1);
	memcpy(copy, p, n);
	return parse(copy, n, 0, e);
}

/* a parse's error named by the file */
static op_model *finish_load(const char *path, op_model *m, op_err *e)
{
	if (!m) {
		char msg[sizeof e->msg];
		memcpy(msg, e->msg, sizeof msg);
		op_errf(e, e->code, "%s: %s", path, msg);
	}
	return m;
}

op_model *op_model_load(const char *path, op_err *e)
{
	FILE *f = fopen(path, "rb");
	op_buf b = {0};
	struct stat sb;
	size_t k;
	if (!f) {
		op_errf(e, OP_EXIT_NOINPUT, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* a regular file is mapped: no copy of its bytes, pages shared with
	 * the cache; anything else (a pipe, /dev/null) is read */
	if (!fstat(fileno(f), &sb) && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
	    (uint64_t)sb.st_size < SIZE_MAX / 2) {
		size_t len = (size_t)sb.st_size;
		void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fileno(f), 0);
		fclose(f);
		if (map == MAP_FAILED) {
			op_errf(e, OP_EXIT_NOINPUT, "%s: %s", path, strerror(errno));
			return NULL;
		}
		return finish_load(path, parse(map, len, len, e), e);
	}
	for (;;) {
		if (b.cap - b.len < 2)
			op_buf_grow(&b, 65536);
		if (!(k = fread(b.p + b.len, 1, b.cap - b.len - 1, f)))
			break;
		b.len += k;
	}
	if (ferror(f)) {
		op_errf(e, OP_EXIT_NOINPUT, "%s: %s", path, strerror(errno));
		fclose(f);
		op_buf_free(&b);
		return NULL;
	}
	fclose(f);
	if (!b.p)
		op_buf_grow(&b, 1);
	return finish_load(path, parse((unsigned char *)b.p, b.len, 0, e), e);
}
