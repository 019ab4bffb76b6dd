/* lines.h - lines kept to be read again at the end of a run: in their own
 * input when that is a regular file (no copy), else in a spool file (an
 * unlinked temporary file in $TMPDIR, made when first needed).  A line is
 * known by a position: its input's number in the high 20 bits, its offset
 * in the low 44, so positions sort in input order.  MIT licence. */
#ifndef OP_LINES_H
#define OP_LINES_H
#include <stdint.h>

#include "stream.h"

typedef struct op_lines op_lines;

/* A window onto one input, through which lines are read back: one pread
 * per 64 KiB while lines are read in input order. */
typedef struct {
	op_buf b;		/* the input from base on */
	uint64_t base;		/* a position */
	int eof;		/* b reaches the end of its input */
	op_rec r;
} op_line;

op_lines *op_lines_new(void);
/* Where the stream's current record can be read again.  Dies with 74 when
 * the spool file cannot be made or written. */
uint64_t op_lines_keep(op_lines *k, const op_stream *st);
/* Once every line is kept: flushes the spool, and dies with 74 when an
 * input read in place has changed since (shorter, or rewritten). */
void op_lines_seal(op_lines *k);
/* The record at pos, scanned into w->r. */
op_rec *op_lines_get(op_lines *k, op_line *w, uint64_t pos);
void op_line_free(op_line *w);
void op_lines_free(op_lines *k);
#endif
