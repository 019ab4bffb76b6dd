/* commentary.h - the words of a KPI report: short factual sentences about
 * one period, each with the numbers behind it, the exceptions first and
 * then the changes by size.  MIT licence. */
#ifndef OP_COMMENTARY_H
#define OP_COMMENTARY_H

#include <stddef.h>
#include "kpitab.h"

typedef struct {
	char **s;	/* plain UTF-8, to be escaped by whoever renders it */
	size_t n, cap;
} op_sentences;

/* Sentences about period rank p of a finished table: flags raised, then
 * at most max changes against the previous value, largest relative change
 * first (and one sentence counting the rest), then groups new in p, then
 * groups that had a row before p and none in it. */
void op_commentary(const op_kpitab *t, size_t p, size_t max, op_sentences *out);
void op_sentences_free(op_sentences *s);

#endif
