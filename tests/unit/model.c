/* The text classifier: features, training on a tiny set whose answers are
 * plain, determinism, and the model file's checks (every truncation and
 * every single-byte change is refused with a message, never a crash). */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>

#include "digest.h"
#include "model.h"
#include "modeltext.h"
#include "opflow.h"
#include "tap.h"

static const struct { const char *text, *label; } train[] = {
	{ "I was charged twice, please refund me", "billing" },
	{ "The invoice amount is wrong", "billing" },
	{ "Can I get a receipt for my payment?", "billing" },
	{ "Refund the double charge on my invoice", "billing" },
	{ "I would like to book an appointment on Tuesday", "booking" },
	{ "Can we book a visit for next week?", "booking" },
	{ "Please reschedule my appointment", "booking" },
	{ "Is Friday morning available for a booking?", "booking" },
	{ "The app shows an error and crashes", "support" },
	{ "My login is broken, password reset does not work", "support" },
	{ "The device stopped working after the update", "support" },
	{ "Error 500 when I log in", "support" },
};
#define NTRAIN (sizeof train / sizeof *train)

static size_t feats(const char *s, op_featcfg cfg)
{
	op_feats f = {0};
	op_feats_text(&f, &cfg, s, strlen(s));
	size_t n = f.n;
	op_feats_free(&f);
	return n;
}

static const char *classify(const op_model *m, const char *s, double *p)
{
	op_feats f = {0};
	double prob[8];
	op_feats_text(&f, op_model_featcfg(m), s, strlen(s));
	size_t best = op_model_predict(m, &f, prob);
	op_feats_free(&f);
	*p = prob[best];
	return op_model_class(m, best);
}

static op_model *fit(uint64_t seed)
{
	op_featcfg cfg = OP_FEATCFG_DEFAULT;
	op_trainer *t = op_trainer_new(&cfg);
	size_t idx[NTRAIN];
	op_err e;
	for (size_t i = 0; i < NTRAIN; i++)
		idx[i] = op_trainer_add(t, train[i].text, strlen(train[i].text), train[i].label,
					strlen(train[i].label), &e);
	op_train_opts o = { .epochs = 20, .lr = 1.0, .seed = seed };
	op_model *m = op_trainer_fit(t, &o, idx, NTRAIN, "text", "intent");
	op_trainer_free(t);
	return m;
}

static char *save(const op_model *m, const char *path, size_t *n)
{
	op_err e;
	ok(op_model_save(m, path, &e) == 0, "saved %s", path);
	return slurp(path, n);
}

/* the load error for bytes p[0..n), or NULL when it loads */
static const char *load_err(const unsigned char *p, size_t n)
{
	static op_err e;
	e.msg[0] = 0;
	op_model *m = op_model_parse(p, n, &e);
	if (m) {
		op_model_free(m);
		return NULL;
	}
	return e.msg;
}

/* the feature hash of s (FNV-1a seeded by the kind, then mixed), computed
 * here byte by byte as the model files have it */
static uint64_t fnv(uint64_t kind, const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ kind;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return op_fmix64(h);
}

/* op_feats_text hashes the n-grams of a position incrementally: each
 * hash must still be that of the n-gram's own text */
static void gram_hashes(void)
{
	op_featcfg all = { 1, 1, OP_CHAR_GRAM_MAX };
	op_buf names = {0};
	op_feats f = { .names = &names };
	const char *text = "Refunds x aVeryLongWordThatGoesOnAndOnPastTheSixtyFourBytesOfGramsItMayGive";
	op_feats_text(&f, &all, text, strlen(text));
	size_t bad = 0, words = 0;
	for (size_t i = 0; i < f.n; i++) {
		const char *s = names.p + f.at[i];
		int word = s[0] != '<' && s[strlen(s) - 1] != '>' && strlen(s) > OP_CHAR_GRAM_MAX;
		words += word;
		/* a word of at most 8 bytes is also a character n-gram: either
		 * hash may be its */
		if (!word && f.h[i] != fnv(3, s) && f.h[i] != fnv(1, s))
			bad++;
	}
	is_num(words, 1, "one word longer than the n-grams");
	is_num(bad, 0, "all %zu features of 1- to 8-grams hash their own text", f.n);
	op_feats_free(&f);
	op_buf_free(&names);
}

/* The features of s as op_feats_text gave them before its hashes were
 * written in place (issue 19): computed here one by one, each n-gram
 * hashed from its first byte, in that order (each word, its pair, its
 * n-grams shortest first, the whole <word> left out) */
static size_t direct_feats(const op_featcfg *cfg, const char *s, uint64_t *out)
{
	size_t n = 0, i = 0, len = strlen(s);
	uint64_t prev = 0;
	int have_prev = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (!(isalnum(c) || c >= 0x80)) {
			i++;
			continue;
		}
		char word[400], w[70];
		size_t k = 0;
		for (; i < len && (isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80); i++)
			word[k++] = (char)tolower((unsigned char)s[i]);
		word[k] = 0;
		uint64_t wh = 0xcbf29ce484222325ULL ^ 1;
		for (size_t j = 0; j < k; j++)
			wh = (wh ^ (unsigned char)word[j]) * 0x100000001b3ULL;
		out[n++] = op_fmix64(wh);
		if (cfg->word_ngrams >= 2 && have_prev)
			out[n++] = op_fmix64(prev * 31 + wh + 2);
		prev = wh;
		have_prev = 1;
		size_t glen = k < 64 ? k : 64, tot = glen + 2;
		snprintf(w, sizeof w, "<%.*s>", (int)glen, word);
		for (size_t g = cfg->char_min; g && g <= cfg->char_max; g++)
			for (size_t at = 0; at + g <= tot && g < tot; at++) {
				char gram[10];
				memcpy(gram, w + at, g);
				gram[g] = 0;
				out[n++] = fnv(3, gram);
			}
	}
	return n;
}

/* op_feats_text hashes the n-grams at a position from one another and
 * writes them in place: the features of the direct way, in its order,
 * for words of 1 to 70 bytes (past the 64 that n-grams are taken from),
 * whatever the lengths of n-gram; with names and kinds asked for too */
static void direct_alike(void)
{
	static const op_featcfg cfgs[] = { { 2, 4, 5 }, { 2, 3, 5 }, { 1, 1, OP_CHAR_GRAM_MAX }, { 2, 0, 0 }, { 1, 5, 5 } };
	op_buf text = {0}, names = {0};
	op_buf_adds(&text, "Refunds, x; caf\xc3\xa9 \xe4\xba\x88\xe7\xb4\x84 OK ");
	for (size_t k = 1; k <= 70; k++) {
		for (size_t j = 0; j < k; j++)
			op_buf_addc(&text, "aBcDeFgHiJ"[(j + k) % 10]);
		op_buf_addc(&text, ' ');
	}
	static uint64_t want[100000];
	size_t bad = 0, total = 0;
	for (size_t c = 0; c < sizeof cfgs / sizeof *cfgs; c++)
		for (int named = 0; named < 2; named++) {
			op_feats f = { .names = named ? &names : NULL, .kinds = named };
			op_feats_text(&f, &cfgs[c], text.p, text.len);
			size_t n = direct_feats(&cfgs[c], text.p, want);
			bad += n != f.n || memcmp(f.h, want, n * sizeof *want);
			total += n;
			op_feats_free(&f);
		}
	is_num(bad, 0, "%zu features as the direct way gives them, for 5 feature sets, named or not", total);
	op_buf_free(&text);
	op_buf_free(&names);
}

/* Every byte but NUL between two letters, "a<c>b ": a byte is part of
 * a word (an ASCII letter, folded, or digit, or any byte from 0x80) or
 * ends it exactly as direct_feats reads it with isalnum and tolower,
 * the tests model.c's table of 256 (word_bytes) took the place of */
static void every_byte(void)
{
	static const op_featcfg cfg = { 2, 3, 5 };
	char text[255 * 4 + 1];
	size_t n = 0;
	for (int c = 1; c < 256; c++) {
		memcpy(text + n, "a_b ", 4);
		text[n + 1] = (char)c;
		n += 4;
	}
	text[n] = 0;
	static uint64_t want[20000];
	op_feats f = {0};
	op_feats_text(&f, &cfg, text, n);
	size_t nw = direct_feats(&cfg, text, want);
	ok(nw == f.n && !memcmp(f.h, want, nw * sizeof *want),
	   "the 255 bytes but NUL in words as the direct way reads them (%zu features)", nw);
	op_feats_free(&f);
}

/* op_model_predict fetches ahead of the row it adds: each known feature
 * must still count once, whatever the number of features (fewer than it
 * fetches ahead, as many, more).  The log-odds against class 0 are the
 * prior's plus the scaled sum of the features' weight differences. */
static void predict_sums(const op_model *m)
{
	size_t C = op_model_nclasses(m);
	op_feats f = {0}, pool = {0};
	double p0[32], p[32];
	op_featcfg cfg = *op_model_featcfg(m);
	const char *text = "refund the invoice and book an appointment, error 500 on login";
	op_feats_text(&pool, &cfg, text, strlen(text));
	op_model_predict(m, &f, p0);
	uint64_t seed = 1;
	size_t bad = 0, known = 0;
	for (size_t n = 0; n <= 40; n++)
		for (int rep = 0; rep < 5; rep++) {
			f.h = op_grow(f.h, n, &f.cap, sizeof *f.h);
			double a[32] = {0};
			for (f.n = 0; f.n < n; f.n++) {
				seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
				uint64_t h = (seed >> 33) % 4 ? pool.h[(seed >> 35) % pool.n] : seed;
				const float *w = op_model_weights(m, h);
				for (size_t c = 0; w && c < C; c++)
					a[c] += w[c];
				known += !!w;
				f.h = op_grow(f.h, f.n, &f.cap, sizeof *f.h);
				f.h[f.n] = h;
			}
			op_model_predict(m, &f, p);
			for (size_t c = 1; c < C; c++) {
				double want = log(p0[c] / p0[0]) + op_model_scale(n) * (a[c] - a[0]);
				if (fabs(log(p[c] / p[0]) - want) > 1e-6)
					bad++;
			}
		}
	ok(known > 1000, "%zu known features drawn", known);
	is_num(bad, 0, "every known feature counted once, for 0 to 40 features");
	op_feats_free(&f);
	op_feats_free(&pool);
}

/* a model file's bytes (man/enq-train.1) with the classes a and b, the
 * features h[0..n) (increasing) and their weights w[n][2], no bias */
static op_buf crafted(const uint64_t *h, size_t n, const float (*w)[2])
{
	op_buf b = {0};
	uint32_t head[3] = { 1, 2, (uint32_t)n };
	op_buf_add(&b, "OPFLOWMD", 8);
	op_buf_add(&b, head, sizeof head);	/* little-endian, as the tests run */
	op_buf_add(&b, "\1\0\0\0", 4);	/* words alone */
	const char *str[] = { "text", "intent", "a", "b" };
	for (size_t i = 0; i < 4; i++) {
		uint32_t len = (uint32_t)strlen(str[i]);
		op_buf_add(&b, &len, 4);
		op_buf_add(&b, str[i], len);
	}
	while (b.len % 8)
		op_buf_addc(&b, 0);
	op_buf_add(&b, h, n * sizeof *h);
	op_buf_add(&b, (float[2]){ 0, 0 }, 2 * sizeof(float));
	op_buf_add(&b, w, n * sizeof *w);
	uint64_t sum = 0xcbf29ce484222325ULL ^ (uint64_t)b.len;
	for (size_t i = 0; i < b.len; i += 8) {
		uint64_t x = 0;
		memcpy(&x, b.p + i, b.len - i < 8 ? b.len - i : 8);
		sum = (sum ^ x) * 0x100000001b3ULL;
	}
	op_buf_add(&b, &sum, 8);
	return b;
}

/* Features are looked for from the entry their hash's low bits give, on
 * to an empty one.  Two features alike in the top half and in the entry
 * they start from: each finds its own row, and a third feature like them
 * that the model lacks finds none. */
static void half_hashes(void)
{
	const uint64_t X = 0x1234567800000000ULL;
	/* 3 features, 16 slots: X|5 and X|21 both start at slot 5 */
	uint64_t h[] = { 0x0000000900000006ULL, X | 5, X | 21 };
	const float w[][2] = { { 0.5f, 0.5f }, { 1, 0 }, { 0, 3 } };
	op_buf b = crafted(h, 3, w);
	op_err e;
	op_model *m = op_model_parse((const unsigned char *)b.p, b.len, &e);
	ok(m != NULL, "the crafted model loads");
	if (!m) {
		op_buf_free(&b);
		return;
	}
	const float *r = op_model_weights(m, X | 21);
	ok(r && r[0] == 0 && r[1] == 3, "X|21: its own weights, not X|5's");
	r = op_model_weights(m, X | 5);
	ok(r && r[0] == 1 && r[1] == 0, "X|5: its own");
	ok(!op_model_weights(m, X | 37), "X|37, not in the model: none");
	/* the same through prediction's fetching ahead: 0 to 12 features */
	uint64_t seq[] = { X | 21, X | 37, X | 5, X | 21, 0x0000000900000006ULL, X | 37,
			   X | 21, X | 21, X | 5, X | 37, X | 21, X | 5 };
	op_feats f = { .h = seq };
	size_t bad = 0;
	for (f.n = 0; f.n <= 12; f.n++) {
		double a[2] = { 0, 0 }, p[2];
		for (size_t i = 0; i < f.n; i++)
			for (size_t c = 0; c < 2; c++)
				a[c] += seq[i] == (X | 21) ? w[2][c] : seq[i] == (X | 5) ? w[1][c] : seq[i] == (X | 37) ? 0 : w[0][c];
		op_model_predict(m, &f, p);
		if (fabs(log(p[1] / p[0]) - op_model_scale(f.n) * (a[1] - a[0])) > 1e-9)
			bad++;
	}
	is_num(bad, 0, "each feature's own row summed, for 0 to 12 features");
	op_model_free(m);
	op_buf_free(&b);
}

/* An empty entry is marked by a hash no feature of the model has: the
 * smallest, 0, unless the model has it.  A model with the features 0, 1
 * and 3 marks them with 2: 0 and 1 are found, 2 is absent and adds
 * nothing (its empty entry's zeros), in any place among the features. */
static void empty_mark(void)
{
	uint64_t h[] = { 0, 1, 3 };
	const float w[][2] = { { 1, 0 }, { 0, 2 }, { 4, 0.5f } };
	op_buf b = crafted(h, 3, w);
	op_err e;
	op_model *m = op_model_parse((const unsigned char *)b.p, b.len, &e);
	ok(m != NULL, "a model with the feature 0 loads");
	if (!m) {
		op_buf_free(&b);
		return;
	}
	const float *r0 = op_model_weights(m, 0), *r1 = op_model_weights(m, 1);
	ok(r0 && r0[0] == 1 && r0[1] == 0 && r1 && r1[0] == 0 && r1[1] == 2, "0 and 1: their weights");
	ok(!op_model_weights(m, 2) && !op_model_weights(m, 4), "2 and 4: none");
	uint64_t seq[] = { 2, 0, 2, 1, 3, 2, 4, 2 };
	op_feats f = { .h = seq, .n = 8 };
	double p[2];
	op_model_predict(m, &f, p);
	is_num(fabs(log(p[1] / p[0]) - op_model_scale(8) * ((0 + 2 + 0.5) - (1 + 0 + 4))) < 1e-9, 1,
	       "2 and 4 among them add nothing");
	op_model_free(m);
	op_buf_free(&b);
}

/* A model of 17 classes: its entries span two cache lines, its sums
 * are added in the table's general way (not one of the widths it has
 * its own for); every known feature still counts once */
static void wide_model(void)
{
	op_featcfg cfg = OP_FEATCFG_DEFAULT;
	op_trainer *t = op_trainer_new(&cfg);
	size_t idx[3 * NTRAIN];
	op_err e;
	for (size_t i = 0; i < 3 * NTRAIN; i++) {
		char label[8];
		snprintf(label, sizeof label, "l%zu", i % 17);
		idx[i] = op_trainer_add(t, train[i % NTRAIN].text, strlen(train[i % NTRAIN].text), label,
					strlen(label), &e);
	}
	op_train_opts o = { .epochs = 5, .lr = 1.0, .seed = 5 };
	op_model *m = op_trainer_fit(t, &o, idx, 3 * NTRAIN, "text", "intent");
	op_trainer_free(t);
	is_num(op_model_nclasses(m), 17, "17 classes");
	predict_sums(m);
	op_model_free(m);
}

/* whether set s's answers from features sf differ from its two models'
 * alone from features f, in a bit */
static int set_differs(op_modelset *s, op_model *const *m, const op_feats *sf, const op_feats *f)
{
	double pa[8], pb[8], qa[8], qb[8], *prob[2] = { qa, qb };
	size_t ba = op_model_predict(m[0], f, pa), bb = op_model_predict(m[1], f, pb), best[2];
	op_modelset_predict(s, sf, prob, best);
	return ba != best[0] || bb != best[1] || memcmp(pa, qa, op_model_nclasses(m[0]) * sizeof *pa) ||
	       memcmp(pb, qb, op_model_nclasses(m[1]) * sizeof *pb);
}

/* A set's cache of words' n-gram sums changes no answer: texts of 3 to
 * 40 words drawn with repeats from the training texts' words and 6,000
 * made-up ones (more words than the cache has entries, so that words of
 * one entry meet, in a text and from text to text), and words over 64
 * bytes; each model's probabilities from the set's cached features are
 * the bits it gives alone from the text's own features */
static void set_cache(op_modelset *s, op_model *const *m, const op_featcfg *cfg)
{
	op_feats f = {0}, g = {0};
	op_buf text = {0};
	size_t differ = 0, cached = 0;
	for (int t = 0; t < 3000; t++) {
		op_buf_reset(&text);
		for (unsigned k = 0, nw = 3 + rnd(38); k < nw; k++) {
			if (rnd(3)) {	/* a word of the training texts */
				const char *src = train[rnd(NTRAIN)].text, *sp = src;
				for (unsigned skip = rnd(6); skip && strchr(sp, ' '); skip--)
					sp = strchr(sp, ' ') + 1;
				op_buf_add(&text, sp, strcspn(sp, " ,?"));
			} else if (rnd(50)) {
				op_buf_printf(&text, "w%uQz", rnd(6000));
			} else {
				for (unsigned b = 60 + rnd(10); b; b--)
					op_buf_addc(&text, (char)('a' + rnd(3)));
			}
			op_buf_addc(&text, rnd(4) ? ' ' : ',');
		}
		op_modelset_feats(s, &f, text.p, text.len);
		op_feats_text(&g, cfg, text.p, text.len);
		cached += f.ncached;
		differ += set_differs(s, m, &f, &g);
	}
	ok(cached > 100000, "%zu n-grams found in the cache", cached);
	is_num(differ, 0, "the set's answers from its cache: the same bits as each model's alone");
	op_feats_free(&f);
	op_feats_free(&g);
	op_buf_free(&text);
}

/* The models of a set answer as each does alone, to the last bit: the
 * same sums in the same order, whatever features one has and the other
 * lacks (here the second is pruned, a third of the first's features) */
static void set_alone(void)
{
	op_featcfg cfg = OP_FEATCFG_DEFAULT;
	op_trainer *t = op_trainer_new(&cfg), *u = op_trainer_new(&cfg);
	size_t idx[NTRAIN];
	op_err e;
	for (size_t i = 0; i < NTRAIN; i++) {
		const char *other = i % 3 ? "normal" : i % 2 ? "high" : "urgent";
		idx[i] = op_trainer_add(t, train[i].text, strlen(train[i].text), train[i].label,
					strlen(train[i].label), &e);
		op_trainer_add(u, train[i].text, strlen(train[i].text), other, strlen(other), &e);
	}
	op_train_opts o = { .epochs = 20, .lr = 1.0, .seed = 3 }, po = { .epochs = 20, .lr = 1.0, .seed = 4, .prune = 0.3 };
	op_model *m[2] = { op_trainer_fit(t, &o, idx, NTRAIN, "text", "category"),
			   op_trainer_fit(u, &po, idx, NTRAIN, "text", "priority") };
	op_trainer_free(t);
	op_trainer_free(u);
	ok(op_model_nfeatures(m[1]) < op_model_nfeatures(m[0]) && op_model_nfeatures(m[1]) > 0,
	   "the second model has fewer features (%zu of %zu)", op_model_nfeatures(m[1]), op_model_nfeatures(m[0]));
	op_modelset *s = op_modelset_new((const op_model *const *)m, 2);
	ok(s != NULL, "a set of two models with the same features");
	op_feats f = {0};
	size_t differ = 0;
	for (size_t i = 0; s && i < NTRAIN; i++) {
		op_feats_text(&f, &cfg, train[i].text, strlen(train[i].text));
		for (size_t n = f.n; n + 1 > 0 && n + 8 >= f.n; n--) {	/* and shorter: all of them, fewer */
			op_feats g = { .h = f.h, .n = n };
			differ += set_differs(s, m, &g, &g);
		}
	}
	is_num(differ, 0, "each model's probabilities in the set: the same bits as alone");
	set_cache(s, m, &cfg);
	op_featcfg other = { 1, 0, 0 };
	op_trainer *w = op_trainer_new(&other);
	size_t one = op_trainer_add(w, "refund", 6, "billing", 7, &e);
	op_model *x = op_trainer_fit(w, &o, &one, 1, "text", "category");
	ok(!op_modelset_new((const op_model *[]){ m[0], x }, 2), "other features: no set");
	op_trainer_free(w);
	op_model_free(x);
	op_modelset_free(s);
	op_feats_free(&f);
	op_model_free(m[0]);
	op_model_free(m[1]);
}

/* errors come back to the caller, who decides (lib/README): the
 * program exits only from cmd/ */
static void errors_returned(void)
{
	op_err e = { 0 };
	op_rules *r = NULL;
	ok(!op_modeltext_parse("--text", "text\n", &r, &e) && !r, "two lines of --text: NULL");
	is_num(e.code, OP_EXIT_CONFIG, "... 78");
	is(e.msg, "--text: one expression expected", "... and why");

	op_featcfg cfg = OP_FEATCFG_DEFAULT;
	op_trainer *t = op_trainer_new(&cfg);
	char label[16];
	size_t i = 0;
	for (int k = 0; k <= 65535 && i != OP_TRAINER_FAIL; k++) {
		snprintf(label, sizeof label, "l%d", k);
		i = op_trainer_add(t, "some words", 10, label, strlen(label), &e);
	}
	ok(i == OP_TRAINER_FAIL && op_trainer_nclasses(t) == 65535, "label 65536: OP_TRAINER_FAIL");
	is_num(e.code, OP_EXIT_DATAERR, "... 65");
	is(e.msg, "more than 65535 labels", "... and why");
	ok(op_trainer_add(t, "more words", 10, "l7", 2, &e) == 65535, "a label it has still learns");
	op_trainer_free(t);
}

int main(void)
{
	/* features */
	op_featcfg words = { 1, 0, 0 }, pairs = { 2, 0, 0 }, grams = { 1, 3, 3 };
	is_num(feats("Hello, hello!", words), 2, "two words");
	is_num(feats("Hello, hello!", pairs), 3, "two words and their pair");
	is_num(feats("ab", grams), 3, "'ab': the word, '<ab' and 'ab>'");
	is_num(feats("a", grams), 1, "'a': the word only ('<a>' would be the word again)");
	is_num(feats("  ,;  ", pairs), 0, "no words, no features");
	op_feats a = {0}, b = {0};
	op_feats_text(&a, &grams, "Refund", 6);
	op_feats_text(&b, &grams, "rEFUND", 6);
	ok(a.n == b.n && !memcmp(a.h, b.h, a.n * sizeof *a.h), "ASCII case folded");
	op_feats_text(&b, &grams, "refunds", 7);
	ok(a.h[0] != b.h[0], "another word, another hash");
	op_feats_free(&a);
	op_feats_free(&b);

	/* --explain's names: each feature's text, the same hashes */
	op_featcfg both = { 2, 3, 3 };
	op_buf names = {0};
	op_feats_text(&a, &both, "Direct DEBIT", 12);
	b.names = &names;
	op_feats_text(&b, &both, "Direct DEBIT", 12);
	ok(a.n == b.n && !memcmp(a.h, b.h, a.n * sizeof *a.h), "names do not change the features");
	op_buf all = {0};
	for (size_t i = 0; i < b.n; i++)
		op_buf_printf(&all, "%s%s", i ? "|" : "", names.p + b.at[i]);
	is(all.p, "direct|<di|dir|ire|rec|ect|ct>|debit|direct debit|<de|deb|ebi|bit|it>",
	   "a word, its n-grams with < >, the next word and the pair");
	op_feats_text(&b, &both, "x", 1);
	is(names.p, "x", "the names of the last text only");
	op_buf_free(&all);
	op_buf_free(&names);
	op_feats_free(&a);
	op_feats_free(&b);
	gram_hashes();
	direct_alike();
	every_byte();

	/* training: unseen sentences with the classes' words */
	op_model *m = fit(7);
	double p;
	is_num(op_model_nclasses(m), 3, "three classes");
	is(classify(m, "please refund this invoice", &p), "billing", "refund -> billing");
	ok(p > 0.5, "with probability %.3f > 0.5", p);
	is(classify(m, "book me in on Tuesday", &p), "booking", "book -> booking");
	is(classify(m, "I get an error, it crashes", &p), "support", "error -> support");
	is(classify(m, "zzz qqq", &p), classify(m, "yyy www", &p), "unknown words: the same prior");
	predict_sums(m);
	half_hashes();
	empty_mark();
	wide_model();
	set_alone();

	/* determinism: the same seed, the same bytes */
	char dir[] = "/tmp/opflow-model.XXXXXX";
	ok(mkdtemp(dir) != NULL, "temp dir");
	char p1[64], p2[64];
	snprintf(p1, sizeof p1, "%s/a", dir);
	snprintf(p2, sizeof p2, "%s/b", dir);
	op_model *m2 = fit(7);
	size_t n1, n2;
	char *b1 = save(m, p1, &n1), *b2 = save(m2, p2, &n2);
	ok(b1 && b2 && n1 == n2 && !memcmp(b1, b2, n1), "same seed, same model file (%zu bytes)", n1);
	op_model_free(m2);

	/* round trip */
	op_err e;
	op_model *l = op_model_load(p1, &e);
	ok(l != NULL, "loads back");
	if (l) {
		double q;
		classify(m, "refund my invoice", &p);
		classify(l, "refund my invoice", &q);
		ok(p == q, "the same probability after the round trip");
		is(op_model_text_expr(l), "text", "text expression kept");
		is(op_model_label(l), "intent", "label kept");
		op_model_free(l);
	}
	l = op_model_load("/nonexistent/model", &e);
	ok(!l && e.code == OP_EXIT_NOINPUT, "a missing file: 66");

	/* every truncation, every single-byte change: refused */
	unsigned char *u = (unsigned char *)b1;
	size_t bad_trunc = 0, bad_flip = 0;
	for (size_t k = 0; k < n1; k++)
		if (!load_err(u, k) || !*load_err(u, k))
			bad_trunc++;
	is_num(bad_trunc, 0, "all %zu truncations refused", n1);
	for (size_t k = 0; k < n1; k++) {
		u[k] ^= 0x20;
		if (!load_err(u, n1))
			bad_flip++;
		u[k] ^= 0x20;
	}
	is_num(bad_flip, 0, "all %zu single-byte changes refused", n1);
	is(load_err(u, 20), "truncated model file: 20 bytes, the header needs more", "truncated header");
	char want[100];
	snprintf(want, sizeof want, "truncated model file: %zu bytes, the weights need more", n1 - 1);
	is(load_err(u, n1 - 1), want, "truncated weights");
	u[100] ^= 1;
	is(load_err(u, n1), "corrupt model file: checksum mismatch", "a changed weight");
	u[100] ^= 1;
	u[8] = 2;
	is(load_err(u, n1), "model file format version 2; this program reads version 1 (train it again)", "a later version");
	u[8] = 1;
	is(load_err((const unsigned char *)"{\"id\":1}", 8), "not an opflow model file (no OPFLOWMD header)", "not a model");
	ok(load_err(u, n1) == NULL, "the original still loads");

	op_model_free(m);
	free(b1);
	free(b2);
	unlink(p1);
	unlink(p2);
	rmdir(dir);
	errors_returned();
	return done_testing();
}
