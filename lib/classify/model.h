/* model.h - the learned text classifier of enq-train and enq-classify:
 * text features (word unigrams and bigrams, character n-grams of words,
 * hashed to 64 bits), a linear softmax model trained by SGD, and its
 * versioned, checksummed file (format in man/enq-train.1).  MIT licence. */
#ifndef OP_MODEL_H
#define OP_MODEL_H
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "operr.h"
#include "opflow.h"

#define OP_MODEL_VERSION 1

/* Which features: word n-grams up to word_ngrams (1 or 2), character
 * n-grams of each word (with < > marking its ends) from char_min to
 * char_max bytes (0 0: none).  Kept in the model file. */
typedef struct {
	unsigned word_ngrams, char_min, char_max;	/* char_max <= OP_CHAR_GRAM_MAX */
} op_featcfg;

#define OP_CHAR_GRAM_MAX 8

#define OP_FEATCFG_DEFAULT ((op_featcfg){ 2, 3, 5 })

/* What a feature is: a word, a pair of adjacent words, a character
 * n-gram of a word. */
enum { OP_FEAT_WORD, OP_FEAT_PAIR, OP_FEAT_CHAR, OP_FEAT_KINDS };

/* A word's own feature and its character n-grams in an op_feats: h[wi]
 * and h[gs..ge) (a pair may come between), or, found in a model set's
 * cache (op_modelset_feats), none of them there and their sum at
 * op_feats.sum + found * the set's width; slot: the cache entry a sum
 * computed goes to (OP_NO_SLOT: none). */
typedef struct {
	size_t wi, gs, ge;
	uint32_t slot, found;
	uint64_t key;		/* the word's own feature */
} op_fword;
#define OP_NO_SLOT UINT32_MAX

/* Features of one text: hashes, with repeats (a word twice counts twice).
 * With names set, each feature's text too (--explain): the i-th is
 * names->p + at[i], NUL-terminated: a word, "word word" or a character
 * n-grams with < > marking the word's ends.  With kinds set, each one's
 * OP_FEAT_* in kind[i] (training).  The words' n-grams are in word[]
 * (nword of them; none: every feature stands alone), so that prediction
 * sums each word with its n-grams first, the same bits whether the sum
 * was just made or found in a cache; ncached: the features found there,
 * which count as those in h do. */
typedef struct {
	uint64_t *h;
	size_t n, cap;
	op_buf *names;
	size_t *at, capat;
	int kinds;
	unsigned char *kind;
	size_t capkind;
	op_fword *word;
	size_t nword, capword, ncached;
	float *sum;
	size_t nsum, capsum;
} op_feats;

/* Replace f's content with the features of s[0..n) (UTF-8). */
void op_feats_text(op_feats *f, const op_featcfg *cfg, const char *s, size_t n);
void op_feats_free(op_feats *f);

typedef struct op_model op_model;

/* ---- training ---- */
typedef struct {
	unsigned epochs;	/* passes over the data */
	double lr;		/* starting learning rate, decays linearly to 0 */
	uint64_t seed;		/* example order */
	double prune;		/* drop features whose weights all lie within +-prune */
	double smooth;		/* label smoothing: the target is 1 - smooth on the
				 * label, plus smooth / classes on every class */
	double pair;		/* what a word pair counts in training, a word
				 * or an n-gram counting 1 (0 is taken as 1);
				 * folded into the weights written */
	double dropout;		/* the share of an example's features left out
				 * of each step, at random (0: none; below 1) */
	double margin;		/* taken off the label's score before the
				 * softmax in training: a larger-margin loss */
	double focus;		/* a feature counts 1 + focus x (1 - the
				 * entropy of its classes / its most) in
				 * training; folded into the weights written */
	unsigned average;	/* runs from seeds of their own, their weights
				 * and biases averaged into the one model
				 * (0 is taken as 1) */
} op_train_opts;

typedef struct op_trainer op_trainer;

op_trainer *op_trainer_new(const op_featcfg *cfg);
/* One labelled example; returns its index, OP_TRAINER_NONE when the
 * text has no features to learn from (no words), or OP_TRAINER_FAIL with
 * e (65: more labels than a model holds). */
#define OP_TRAINER_NONE ((size_t)-1)
#define OP_TRAINER_FAIL ((size_t)-2)
size_t op_trainer_add(op_trainer *t, const char *text, size_t n, const char *label, size_t llen,
		      op_err *e);
size_t op_trainer_count(const op_trainer *t);
size_t op_trainer_nclasses(const op_trainer *t);
const char *op_trainer_class(const op_trainer *t, size_t c);
int op_trainer_label(const op_trainer *t, size_t i);
/* Train on the examples idx[0..n) (each used once per epoch, in an order
 * drawn from the seed); text_expr and label name what the model reads. */
op_model *op_trainer_fit(op_trainer *t, const op_train_opts *o, const size_t *idx, size_t n,
			 const char *text_expr, const char *label);
/* Predict example i of the trainer with model m (for held-out scoring). */
int op_trainer_predict(op_trainer *t, const op_model *m, size_t i);
/* Add model m's answers on the trainer's examples idx[0..n) to the
 * confusion table conf[true * nclasses + predicted]. */
void op_trainer_tally(op_trainer *t, const op_model *m, const size_t *idx, size_t n,
		      unsigned long *conf);
/* From a confusion table: accuracy and macro-F1 (over the classes the
 * examples have or the model predicts), with report a table of
 * precision, recall, F1 and support per class and the table itself first. */
void op_trainer_report(const op_trainer *t, const unsigned long *conf, int report, FILE *out);
void op_trainer_free(op_trainer *t);

/* ---- using a model ---- */
size_t op_model_nclasses(const op_model *m);
const char *op_model_class(const op_model *m, size_t c);
size_t op_model_nfeatures(const op_model *m);
const op_featcfg *op_model_featcfg(const op_model *m);
const char *op_model_text_expr(const op_model *m);
const char *op_model_label(const op_model *m);
/* Class probabilities for features f into prob[nclasses]; the best class. */
size_t op_model_predict(const op_model *m, const op_feats *f, double *prob);
/* Models that read the same features (their featcfg alike), predicting
 * together: a text's features looked up once for all of them, each
 * model's answer as op_model_predict's.  NULL when their featcfg differ
 * or k is 0.
 * The models must outlive the set. */
typedef struct op_modelset op_modelset;
op_modelset *op_modelset_new(const op_model *const *m, size_t k);
/* op_feats_text for the set, the n-grams of words it has seen lately
 * taken from its cache of their sums (not with f->names or f->kinds).
 * The features are for the set's next op_modelset_predict only. */
void op_modelset_feats(op_modelset *s, op_feats *f, const char *text, size_t n);
/* model i's probabilities into prob[i], its best class into best[i];
 * the sums of the words' n-grams it makes go to the cache.  A set is
 * for one thread at a time. */
void op_modelset_predict(op_modelset *s, const op_feats *f, double *const *prob, size_t *best);
void op_modelset_free(op_modelset *s);
/* The weights of feature h, one per class, or NULL when the model has
 * none; and the scale op_model_predict gives each of the n features. */
const float *op_model_weights(const op_model *m, uint64_t h);
double op_model_scale(size_t n);
/* The k best classes by probability into top[] (k <= nclasses). */
void op_model_top(const op_model *m, const double *prob, size_t *top, size_t k);

/* Write to path; 0, or -1 with e (74, errno's message). */
int op_model_save(const op_model *m, const char *path, op_err *e);
/* Read and check a model file; NULL with e, code 66 (cannot be read) or
 * 78 (not a model, wrong version, truncated, corrupt). */
/* Whether s[0..n) can be stored as a string of the model file (a class
 * name, the label, the text expression): 1 to 4096 bytes of UTF-8
 * without control characters. */
int op_model_text_ok(const char *s, size_t n);
op_model *op_model_load(const char *path, op_err *e);
/* The same from bytes in memory (tests). */
op_model *op_model_parse(const unsigned char *p, size_t n, op_err *e);
void op_model_free(op_model *m);

/* The built-in model for label (category, priority): the bytes of its
 * file, or NULL when there is none.  build/defmodel.c (scripts/embed-model,
 * from the models make trains on share/train/) defines it for
 * enq-classify; defmodel.c, with none, for every other program. */
const unsigned char *op_defmodel(const char *label, size_t *n);
#endif
