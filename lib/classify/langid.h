/* langid.h - the language a text is written in, by character n-grams
 * (man/enq-classify.1, LANGUAGE): naive Bayes over the 1- to 4-grams of
 * its lower-cased letters with word boundaries, against the model
 * scripts/gen-lang-model made (langmodel.c).  MIT licence. */
#ifndef OP_LANGID_H
#define OP_LANGID_H
#include <stddef.h>

#define OP_LANGID_NLANG 8	/* the model's languages */
#define OP_LANGID_MAXCP 0x180	/* code points the model's letters come from */
#define OP_LANGID_CAP 2048	/* bytes of a text read, at most */
#define OP_LANGID_MIN_LETTERS 12	/* fewer: "und" */
#define OP_LANGID_MIN_MARGIN 3.0	/* nats between the first and the second, or "und" */
/* past doubt: the first leads by this many nats after this many letters */
#define OP_LANGID_SURE 30.0
#define OP_LANGID_SURE_LETTERS 16

/* the model (langmodel.c, generated) */
extern const char *const op_langmodel_langs[OP_LANGID_NLANG];	/* ISO 639-1 */
extern const unsigned char op_langmodel_sym[OP_LANGID_MAXCP];
extern const char op_langmodel_grams[];
extern const unsigned op_langmodel_ngrams;
extern const double op_langmodel_step;

typedef struct op_langid op_langid;

/* What one text scored. */
typedef struct {
	const char *lang;	/* ISO 639-1, or "und" */
	unsigned letters;	/* letters of the model's script read */
	unsigned foreign;	/* letters of other scripts (Greek, Cyrillic, CJK, ...) */
	double margin;		/* log-likelihood of the first over the second, nats */
} op_langid_res;

/* The model's grams in a hash table, built once, and a cache of the
 * scores of words read (so one object per thread). */
op_langid *op_langid_new(void);
void op_langid_free(op_langid *m);
/* The language of s[0..n) (UTF-8; bytes that are not are separators),
 * reading at most OP_LANGID_CAP bytes; res may be NULL.  The answer
 * does not depend on the texts guessed before. */
const char *op_langid_guess(op_langid *m, const char *s, size_t n, op_langid_res *res);
/* For tests: no cache, every word scored as it is read. */
void op_langid_nocache(op_langid *m);
#endif
