/* model.c - fuzz the classifier's model file (lib/model: enq-classify -m,
 * format in man/enq-train.1) and the text expression the file carries
 * (lib/modeltext).  A bad file is refused with a message, never a crash;
 * a good one has what the format promises: 1 to 65535 classes with
 * UTF-8 names, a feature configuration in range, an expression that
 * parses or exit 78, and predictions that are a class and probabilities
 * summing to 1.  op_model_parse (bytes, ASan sees every read past them)
 * and op_model_load (a mapped file) must agree; a model saved again and
 * read back predicts the same; a model set of the model twice (the
 * cache of words' n-gram sums used) predicts exactly as the model.
 *
 * The checksum guards the whole file, so mutated inputs would rarely get
 * past it: an input whose checksum is wrong is also tried with the right
 * one put in its last 8 bytes, which lets the fuzzer reach the weights.
 * MIT licence, see COPYING. */
#include <math.h>

#include "fuzz.h"
#include "model.h"
#include "modeltext.h"

FUZZ_SEEDS("tests/data/fuzz-seeds/model/*.model");

/* the file's checksum (man/enq-train.1) of p[0..n) */
static uint64_t sum_of(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)n;
	for (size_t i = 0; i < n; i += 8) {
		uint64_t w = 0;
		for (size_t k = 0; k < 8 && i + k < n; k++)
			w |= (uint64_t)p[i + k] << (8 * k);
		h = (h ^ w) * 0x100000001b3ULL;
	}
	return h;
}

static int text_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 4096 || !fuzz_utf8(s, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			return 0;
	return 1;
}

/* predict on text s[0..n): a class, finite probabilities summing to 1,
 * the top 3 distinct and best first; the class into *best, probabilities
 * into prob */
static void predict(const op_model *m, op_feats *f, const char *s, size_t n, size_t *best,
		    double *prob)
{
	size_t C = op_model_nclasses(m);
	op_feats_text(f, op_model_featcfg(m), s, n);
	*best = op_model_predict(m, f, prob);
	if (*best >= C)
		fuzz_fail("class %zu of %zu", *best, C);
	double sum = 0;
	for (size_t c = 0; c < C; c++) {
		if (!isfinite(prob[c]) || prob[c] < 0 || prob[c] > 1)
			fuzz_fail("class %zu has probability %g", c, prob[c]);
		if (prob[c] > prob[*best])
			fuzz_fail("class %zu is more probable than the answer %zu", c, *best);
		sum += prob[c];
	}
	if (fabs(sum - 1) > 1e-6)
		fuzz_fail("probabilities sum to %.9g", sum);
	size_t top[3], k = C < 3 ? C : 3;
	op_model_top(m, prob, top, k);
	for (size_t i = 0; i < k; i++) {
		if (top[i] >= C)
			fuzz_fail("top %zu is class %zu of %zu", i, top[i], C);
		for (size_t j = 0; j < i; j++)
			if (top[j] == top[i] || prob[top[j]] < prob[top[i]])
				fuzz_fail("top classes %zu %zu out of order", top[j], top[i]);
	}
	if (prob[top[0]] != prob[*best])
		fuzz_fail("the top class is not the best");
}

/* the texts predicted on: fixed ones, the model's own strings, and
 * slices of the input (any bytes: op_feats_text takes them) */
static const char *const texts[] = {
	"", "hello", "Can I book boiler service for tuesday?", "invoice INVOICE invoice 12 34",
	"caf\xc3\xa9 \xe2\x82\xac 5 \xff\xfe broken", NULL
};

/* m and m2 give the same answers */
static void same(const op_model *m, const op_model *m2, const char *what)
{
	if (op_model_nclasses(m) != op_model_nclasses(m2) || op_model_nfeatures(m) != op_model_nfeatures(m2) ||
	    strcmp(op_model_text_expr(m), op_model_text_expr(m2)) || strcmp(op_model_label(m), op_model_label(m2)) ||
	    memcmp(op_model_featcfg(m), op_model_featcfg(m2), sizeof(op_featcfg)))
		fuzz_fail("%s: a different model", what);
	for (size_t c = 0; c < op_model_nclasses(m); c++)
		if (strcmp(op_model_class(m, c), op_model_class(m2, c)))
			fuzz_fail("%s: class %zu differs", what, c);
}

static void check(const op_model *m, const uint8_t *d, size_t n)
{
	size_t C = op_model_nclasses(m);
	if (C < 1 || C > 65535)
		fuzz_fail("%zu classes", C);
	for (size_t c = 0; c < C; c++)
		if (!text_ok(op_model_class(m, c)))
			fuzz_fail("class %zu has a bad name", c);
	if (!text_ok(op_model_text_expr(m)) || !text_ok(op_model_label(m)))
		fuzz_fail("a bad text expression or label");
	const op_featcfg *cfg = op_model_featcfg(m);
	if (cfg->word_ngrams < 1 || cfg->word_ngrams > 2 || cfg->char_min > cfg->char_max || cfg->char_max > 8 ||
	    (cfg->char_max && !cfg->char_min))
		fuzz_fail("feature configuration %u %u-%u", cfg->word_ngrams, cfg->char_min, cfg->char_max);
	/* the file holds 8 bytes a feature and 4 a weight: no more than the input */
	size_t F = op_model_nfeatures(m);
	if (F > n / 8 || F * C > n / 4)
		fuzz_fail("%zu features of %zu classes in %zu bytes", F, C, n);

	double *prob = op_xmalloc(C * sizeof *prob);
	op_feats f = {0};
	size_t best;
	for (size_t i = 0; texts[i]; i++)
		predict(m, &f, texts[i], strlen(texts[i]), &best, prob);
	for (size_t c = 0; c < C && c < 8; c++)
		predict(m, &f, op_model_class(m, c), strlen(op_model_class(m, c)), &best, prob);
	predict(m, &f, op_model_text_expr(m), strlen(op_model_text_expr(m)), &best, prob);
	/* the input itself: its bytes as a text, many features, repeats */
	predict(m, &f, (const char *)d, n < 4096 ? n : 4096, &best, prob);
	op_feats_free(&f);
	free(prob);
}

/* the model set of m and m2 (the same model, parsed and loaded: two
 * entries of one table, and its word cache) answers on each text as m
 * does alone: the same class, the same probabilities to the last bit,
 * for it sums each word's n-grams first as op_model_predict does.  The
 * texts twice over, so that the second time their words are in the
 * cache. */
static void check_set(const op_model *m, const op_model *m2, const uint8_t *d, size_t n)
{
	op_modelset *s = op_modelset_new((const op_model *[]){ m, m2 }, 2);
	if (!s)
		fuzz_fail("a model does not make a set with itself");
	size_t C = op_model_nclasses(m), best, sbest[2];
	double *prob = op_xmalloc(C * sizeof *prob), *sp[2] = { op_xmalloc(C * sizeof *prob),
								  op_xmalloc(C * sizeof *prob) };
	op_feats f = {0}, sf = {0};
	/* the fixed texts, "hello" twice, the input; all that twice */
	size_t ntext = sizeof texts / sizeof *texts - 1, cached = 0;
	for (size_t i = 0; i < 2 * (ntext + 3); i++) {
		size_t k = i % (ntext + 3);
		const char *t = k < ntext ? texts[k] : k < ntext + 2 ? "hello" : (const char *)d;
		size_t tn = k < ntext + 2 ? strlen(t) : n < 4096 ? n : 4096;
		predict(m, &f, t, tn, &best, prob);
		op_modelset_feats(s, &sf, t, tn);
		if (sf.n + sf.ncached != f.n)
			fuzz_fail("text %zu: %zu features in the set, %zu alone", k, sf.n + sf.ncached, f.n);
		if (i == ntext + 1)
			cached = sf.ncached;
		op_modelset_predict(s, &sf, sp, sbest);
		for (size_t j = 0; j < 2; j++)
			if (sbest[j] != best || memcmp(sp[j], prob, C * sizeof *prob))
				fuzz_fail("text %zu: model %zu of the set answers %zu, alone %zu%s", k, j, sbest[j], best,
					  sbest[j] == best ? " (other probabilities)" : "");
	}
	/* "hello" right after itself: "<hello>" has n-grams when char_min
	 * is 6 or less, and the cache has their sum */
	const op_featcfg *cfg = op_model_featcfg(m);
	if (!cached != !(cfg->char_min && cfg->char_min <= 6))
		fuzz_fail("\"hello\" after itself: %zu n-grams from the cache (n-grams of %u-%u)", cached,
			  cfg->char_min, cfg->char_max);
	op_feats_free(&f);
	op_feats_free(&sf);
	free(prob);
	free(sp[0]);
	free(sp[1]);
	op_modelset_free(s);
}

/* enq-classify parses the text expression the model carries */
static void check_text(const op_model *m)
{
	op_rules *rules;
	op_err err;
	op_expr *e = op_modeltext_parse("fuzz.model", op_model_text_expr(m), &rules, &err);
	if (!e) {
		if (err.code != OP_EXIT_CONFIG || rules)
			fuzz_fail("a bad text expression: code %d", err.code);
		return;
	}
	if (!rules)
		fuzz_fail("a text expression without a parse");
	op_rules_free(rules);
}

/* save m and read it back: the same model, and the same bytes as the
 * input where its reserved byte is 0 */
static void check_save(const op_model *m, const uint8_t *d, size_t n)
{
	static char path[64];
	if (!path[0]) {
		snprintf(path, sizeof path, "%s/fuzz-model-%ld", access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm",
			 (long)getpid());
	}
	op_err err;
	if (op_model_save(m, path, &err))
		fuzz_fail("save: %s", err.msg);
	FILE *f = fopen(path, "rb");
	if (!f)
		fuzz_fail("cannot read the saved model back");
	uint8_t *b = op_xmalloc(n + 1);
	size_t k = fread(b, 1, n + 1, f);
	fclose(f);
	unlink(path);
	if (d[23] == 0 && (k != n || memcmp(b, d, n)))
		fuzz_fail("saved as other bytes (%zu for %zu)", k, n);
	op_model *m2 = op_model_parse(b, k, &err);
	if (!m2)
		fuzz_fail("the saved model is refused: %s", err.msg);
	same(m, m2, "saved and read back");
	op_model_free(m2);
	free(b);
}

static void one(const uint8_t *d, size_t n)
{
	op_err err = { 0 }, err2 = { 0 };
	op_model *m = op_model_parse(d, n, &err);
	if (!m && (!err.msg[0] || !fuzz_utf8(err.msg, strlen(err.msg)) || err.code != OP_EXIT_CONFIG))
		fuzz_fail("a model refused without a message");

	/* the same bytes as a file: mapped, or read when empty */
	op_model *ml = op_model_load(fuzz_path(d, n), &err2);
	if (!m != !ml)
		fuzz_fail("parse %s, load %s (%s)", m ? "takes it" : "refuses it", ml ? "takes it" : "refuses it",
			  m ? err2.msg : err.msg);
	if (!ml) {
		/* the parse's message, named by the file */
		char want[1024];
		snprintf(want, sizeof want, "%s: %s", fuzz_path(d, n), err.msg);
		if (err2.code != OP_EXIT_CONFIG)
			fuzz_fail("load of a bad model: code %d", err2.code);
		if (strcmp(err2.msg, want))
			fuzz_fail("load says \"%s\", parse \"%s\"", err2.msg, err.msg);
		return;
	}
	check(m, d, n);
	same(m, ml, "parsed and loaded");
	/* and the two predict alike */
	size_t C = op_model_nclasses(m), b1, b2;
	double *p1 = op_xmalloc(C * sizeof *p1), *p2 = op_xmalloc(C * sizeof *p2);
	op_feats f = {0};
	predict(m, &f, (const char *)d, n < 2048 ? n : 2048, &b1, p1);
	predict(ml, &f, (const char *)d, n < 2048 ? n : 2048, &b2, p2);
	if (b1 != b2 || memcmp(p1, p2, C * sizeof *p1))
		fuzz_fail("parsed and loaded predict differently");
	op_feats_free(&f);
	free(p1);
	free(p2);
	check_set(m, ml, d, n);
	op_model_free(ml);
	check_text(m);
	check_save(m, d, n);
	op_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_init();
	one(d, n);
	/* past the checksum: the same bytes with the right one */
	if (n >= 32 && !memcmp(d, "OPFLOWMD", 8)) {
		uint64_t s = sum_of(d, n - 8), have = 0;
		for (int k = 7; k >= 0; k--)
			have = have << 8 | d[n - 8 + k];
		if (have != s) {
			uint8_t *fixed = op_xmalloc(n);
			memcpy(fixed, d, n - 8);
			for (int k = 0; k < 8; k++)
				fixed[n - 8 + k] = (uint8_t)(s >> (8 * k));
			one(fixed, n);
			free(fixed);
		}
	}
	return 0;
}
