/* regex.h - PCRE2 as the rule language uses it: compiled once, JIT when
 * the library has it, one match-data block reused, and bounded work so a
 * bad pattern cannot hang a pipeline.  MIT licence. */
#ifndef OP_REGEX_H
#define OP_REGEX_H
#include <stddef.h>

#include "operr.h"

#define OP_RX_MATCH_LIMIT 1000000	/* backtracking steps per match */
#define OP_RX_DEPTH_LIMIT 1000		/* interpreter only; JIT ignores it */

typedef struct op_rx op_rx;

/* flags: any of "imsxu" (caseless, multiline, dotall, extended, Unicode
 * classes for \w \b \d).  NULL with e (78) on a bad pattern. */
op_rx *op_rx_compile(const char *pat, size_t n, const char *flags, op_err *e, size_t *erroff);
void op_rx_free(op_rx *rx);
/* 1 match, 0 none, -1 error (e says which: match limit, ...; 65).  The
 * subject must be valid UTF-8 (records are validated on the way in). */
int op_rx_match(op_rx *rx, const char *s, size_t n, op_err *e);
/* The same from byte offset start of s (lookbehinds and \\b see what
 * comes before it): the next match of an `all` scan. */
int op_rx_match_at(op_rx *rx, const char *s, size_t n, size_t start, op_err *e);
/* After a match: capture i's span (0 = whole match), 0 if it did not take
 * part; named captures by name. */
int op_rx_group(const op_rx *rx, unsigned i, size_t *start, size_t *end);
int op_rx_named(const op_rx *rx, const char *name);	/* index, or -1 */
unsigned op_rx_ngroups(const op_rx *rx);
/* Name of capture i or NULL. */
const char *op_rx_group_name(const op_rx *rx, unsigned i);
/* The pattern as compiled, and its flags. */
const char *op_rx_pattern(const op_rx *rx, size_t *n, const char **flags);
/* Where the pattern is searched for from, when not at its start: past
 * the "not quoted" start ^(?!>)[^\n]*? of a pattern under m (its rest is
 * searched for, and the line checked), this many bytes in; else 0. */
size_t op_rx_rest_at(const op_rx *rx);
/* A prefilter (lib/prefilter): before pcre2 runs, fn(ctx, id, s, n) may
 * answer 0, "cannot match this subject", and the match is a no; else
 * k + 1, "no match (of the rest, op_rx_rest_at) starts before byte k, at
 * a character", and pcre2's search starts there (1: anywhere). */
typedef int (*op_rx_gate_fn)(void *ctx, unsigned id, const char *s, size_t n);
void op_rx_set_gate(op_rx *rx, op_rx_gate_fn fn, void *ctx, unsigned id);
/* A gate copied out of its pattern, to be asked without reading the
 * pattern (lib/classify does, before a rule's condition); fn NULL: none. */
typedef struct {
	op_rx_gate_fn fn;
	void *ctx;
	unsigned id;
} op_rx_gate;
void op_rx_get_gate(const op_rx *rx, op_rx_gate *g);
#endif
