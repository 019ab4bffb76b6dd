/* prefilter.h - literal prefilters for a rule set's regexes, so that 300
 * rules cost little more than 30: from each pattern, a set of strings one
 * of which every match must contain; one Aho-Corasick pass over a subject
 * finds which sets are present, and pcre2 runs only for those patterns.
 * A pattern with no literals (letters and digits) is gated alike by
 * strings of character classes, found by a Shift-And scan.
 * MIT licence. */
#ifndef OP_PREFILTER_H
#define OP_PREFILTER_H
#include <stddef.h>
#include <stdint.h>
#include "regex.h"

typedef struct op_pf op_pf;

/* Gate every pattern of rx[0..n) from which literals or strings of
 * classes can be drawn (the others run as before).  The patterns must outlive the prefilter.  NULL
 * with e (78) when the literals are too many for its tables. */
op_pf *op_pf_new(op_rx **rx, size_t n, op_err *e);
/* A new record: subjects seen so far are forgotten.  Call it before the
 * record's first match (the record's strings live until the next one). */
void op_pf_next(op_pf *pf);
size_t op_pf_gated(const op_pf *pf);	/* how many patterns are gated by literals */
/* What the literal gates say of subject s[0..n) (scanned if new this
 * record), all at once: bit id of bits[], (op_pf_gated(pf) + 63) / 64
 * words, for the pattern of gate id < op_pf_gated(pf). */
void op_pf_found(op_pf *pf, const char *s, size_t n, uint64_t *bits);
size_t op_pf_gated_classes(const op_pf *pf);	/* ... by strings of classes */
void op_pf_free(op_pf *pf);

/* The literal set of one pattern, for tests: the strings (ASCII case
 * folded) joined by '|' into out, 1; or 0 when no set can be drawn. */
int op_pf_literals(const char *pat, size_t n, const char *flags, char *out, size_t outlen);
#endif
