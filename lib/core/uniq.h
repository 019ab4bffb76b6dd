/* uniq.h - names made unique: CSV column names (lib/csvio) and record
 * keys from columns (enq-parse), "x", then "x_2", "x_3", ... skipping
 * those taken.  Hashed, and each base remembers its next suffix, so a
 * header of thousands of repeats costs linear time.  MIT licence. */
#ifndef OP_UNIQ_H
#define OP_UNIQ_H
#include "hmap.h"
#include "opflow.h"

typedef struct {
	op_hmap taken;	/* names given out */
	op_hmap next;	/* base -> the next suffix to try, less 2 */
} op_uniq;

/* Take name as it is: 1, or 0 when it was taken already. */
int op_uniq_take(op_uniq *u, const char *name);
/* Whether name is taken. */
int op_uniq_has(const op_uniq *u, const char *name);
/* base, or base_2, base_3, ... the first not taken, into out and taken. */
void op_uniq_make(op_uniq *u, const char *base, op_buf *out);
void op_uniq_free(op_uniq *u);
#endif
