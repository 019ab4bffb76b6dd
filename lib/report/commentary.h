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

/* At most max sentences about period rank p of a finished table (max at
 * least 3): the exceptions counted by severity (never listed: that is the
 * exceptions section), then the changes against the previous value,
 * largest relative change first, groups new in p and groups that had a
 * row before p and none in it, as many as there is room for and one
 * sentence counting the rest; last, the KPIs whose change is on too
 * small a base (op_kpitab_low), with their bases, never as a change. */
void op_commentary(const op_kpitab *t, size_t p, size_t max, op_sentences *out);
void op_sentences_free(op_sentences *s);

#endif
