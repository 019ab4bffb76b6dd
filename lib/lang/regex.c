/* regex.c - PCRE2 wrapper.  MIT licence, see COPYING. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opflow.h"
#include "regex.h"

struct op_rx {
	pcre2_code *code;
	pcre2_match_data *md;
	int jit;
	unsigned ngroups;
	char *pat, flags[8];		/* as written, for op_rx_pattern */
	size_t patlen;
	op_rx_gate_fn gate;		/* a prefilter's say, before pcre2 */
	void *gate_ctx;
	unsigned gate_id;
	pcre2_code *rest;		/* after ^(?!>)[^\n]*? (unquoted_rest), or NULL */
	size_t line;			/* with rest: the matched line's start, group 0's */
};

/* "On a line that is not quoted": see unquoted_rest */
#define UNQUOTED "^(?!>)[^\\n]*?"

/* Where the class opening at r[i] ends (its ]), or n: not found, or a
 * \\Q in it that one_branch would have to read */
static size_t class_end(const char *r, size_t i, size_t n)
{
	i += 1 + (i + 1 < n && r[i + 1] == '^');
	if (i < n && r[i] == ']')	/* a ] first is a member */
		i++;
	for (; i < n && r[i] != ']'; i++) {
		if (r[i] == '\\' && i + 1 < n && r[i + 1] == 'Q')
			return n;
		if (r[i] == '\\') {
			i++;
		} else if (r[i] == '[' && i + 1 < n && r[i + 1] == ':') {
			size_t j = i + 2 + (i + 2 < n && r[i + 2] == '^');
			while (j < n && isalpha((unsigned char)r[j]))
				j++;
			if (j + 1 < n && r[j] == ':' && r[j + 1] == ']')
				i = j + 1;	/* [:alpha:]: its ] ends nothing */
		}
	}
	return i;
}

/* Whether REST (n bytes) means the same alone as after UNQUOTED: one
 * branch (no | outside parentheses), and nothing that reads where the
 * match or the search started or that recurses into the whole pattern
 * (\K \G \g, verbs (*...), (?R) (?0)); \Q and # (x mode comments) are
 * refused rather than read.  A no only costs the fast path. */
static int one_branch(const char *r, size_t n)
{
	int depth = 0;
	for (size_t i = 0; i < n; i++) {
		switch (r[i]) {
		case '\\':
			if (++i < n && strchr("KGgQ", r[i]))
				return 0;
			break;
		case '[':
			if ((i = class_end(r, i, n)) >= n)
				return 0;
			break;
		case '(':
			if (i + 1 < n && r[i + 1] == '*')
				return 0;
			if (i + 2 < n && r[i + 1] == '?' && strchr("R0", r[i + 2]))
				return 0;
			depth++;
			break;
		case ')':
			if (--depth < 0)
				return 0;
			break;
		case '|':
			if (depth == 0)
				return 0;
			break;
		case '#':
			return 0;
		}
	}
	return depth == 0;
}

/* A pattern written ^(?!>)[^\n]*?REST under the m flag (the built-in
 * rules' "on a line not quoted") makes pcre2 try REST at every byte of
 * every line; REST alone is found by pcre2's start optimisations and the
 * line it starts on checked in C (unquoted_match).  The same matches:
 * pcre2's first line start L with REST matching at some p of L's line
 * is the line of REST's first p whose line is not quoted.  Needs LF as
 * the newline, which ^ and [^\n] then agree on. */
static pcre2_code *unquoted_rest(const pcre2_code *code, const char *pat, size_t n, uint32_t opt)
{
	size_t k = sizeof UNQUOTED - 1;
	uint32_t nl = 0;
	pcre2_pattern_info(code, PCRE2_INFO_NEWLINE, &nl);
	if (!(opt & PCRE2_MULTILINE) || (opt & PCRE2_EXTENDED) || nl != PCRE2_NEWLINE_LF ||
	    n < k || memcmp(pat, UNQUOTED, k) || !one_branch(pat + k, n - k))
		return NULL;
	int ec;
	PCRE2_SIZE off;
	pcre2_code *rest = pcre2_compile((PCRE2_SPTR)pat + k, n - k, opt, &ec, &off, NULL);
	if (rest)
		pcre2_jit_compile(rest, PCRE2_JIT_COMPLETE);
	return rest;
}

/* one match context for all: the limits are the same for every pattern */
static pcre2_match_context *mctx;

op_rx *op_rx_compile(const char *pat, size_t n, const char *flags, op_err *e,
		     size_t *erroff)
{
	/* \C matches one byte: in UTF mode it can split a character, and
	 * what it captures would put invalid UTF-8 into a record */
	uint32_t opt = PCRE2_UTF | PCRE2_NO_UTF_CHECK | PCRE2_NEVER_BACKSLASH_C;
	for (const char *f = flags ? flags : ""; *f; f++) {
		switch (*f) {
		case 'i': opt |= PCRE2_CASELESS; break;
		case 'm': opt |= PCRE2_MULTILINE; break;
		case 's': opt |= PCRE2_DOTALL; break;
		case 'x': opt |= PCRE2_EXTENDED; break;
		case 'u': opt |= PCRE2_UCP; break;
		default:
			op_errf(e, OP_EXIT_CONFIG, "unknown regex flag '%c' (flags are i m s x u)", *f);
			*erroff = 0;
			return NULL;
		}
	}
	/* the pattern text itself comes from a rule file that may be any bytes */
	opt &= ~(uint32_t)PCRE2_NO_UTF_CHECK;
	int ec;
	PCRE2_SIZE off;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, n, opt, &ec, &off, NULL);
	if (!code) {
		if (ec == PCRE2_ERROR_BACKSLASH_C_CALLER_DISABLED) {
			op_errf(e, OP_EXIT_CONFIG, "regex error: \\C (one byte) is not allowed: it can split a "
				 "UTF-8 character; use . for one character");
			*erroff = off >= 2 ? off - 2 : 0;	/* PCRE2 points past the \C */
			return NULL;
		}
		PCRE2_UCHAR msg[200];
		pcre2_get_error_message(ec, msg, sizeof msg);
		op_errf(e, OP_EXIT_CONFIG, "regex error: %s", (char *)msg);
		*erroff = off;
		return NULL;
	}
	if (!mctx) {
		mctx = pcre2_match_context_create(NULL);
		if (!mctx)
			op_die(OP_EXIT_SOFTWARE, "out of memory");
		pcre2_set_match_limit(mctx, OP_RX_MATCH_LIMIT);
		pcre2_set_depth_limit(mctx, OP_RX_DEPTH_LIMIT);
		pcre2_set_heap_limit(mctx, 20000);	/* KiB, interpreter only */
	}
	op_rx *rx = op_xcalloc(1, sizeof *rx);
	rx->code = code;
	/* no JIT in this build of PCRE2 is fine: pcre2_match interprets */
	rx->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
	uint32_t cc = 0;
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &cc);
	rx->ngroups = cc + 1;
	rx->md = pcre2_match_data_create(rx->ngroups, NULL);
	if (!rx->md)
		op_die(OP_EXIT_SOFTWARE, "out of memory");
	rx->rest = unquoted_rest(code, pat, n, opt);
	rx->pat = op_xstrndup(pat, n);
	rx->patlen = n;
	snprintf(rx->flags, sizeof rx->flags, "%s", flags ? flags : "");
	return rx;
}

void op_rx_free(op_rx *rx)
{
	if (!rx)
		return;
	pcre2_match_data_free(rx->md);
	pcre2_code_free(rx->code);
	pcre2_code_free(rx->rest);
	free(rx->pat);
	free(rx);
}

int op_rx_match(op_rx *rx, const char *s, size_t n, op_err *e)
{
	return op_rx_match_at(rx, s, n, 0, e);
}

static int rx_result(int rc, op_err *e)
{
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	PCRE2_UCHAR msg[160];
	pcre2_get_error_message(rc, msg, sizeof msg);
	op_errf(e, OP_EXIT_DATAERR, "regex: %s", (char *)msg);
	return -1;
}

/* unquoted_rest's REST from start, searched for from at (>= start; its
 * gate's hint): at its first match p, the line p is on must start at or
 * after start (where pcre2's ^ could be tried), not with '>', and not be
 * the empty "line" after a final newline (^ under m does not match there,
 * PCRE2_ALT_CIRCUMFLEX being off); else on from the next line.  Each line
 * is searched once: the work is that of one scan. */
static int unquoted_match(op_rx *rx, const char *s, size_t n, size_t start, size_t at, op_err *e)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(rx->md);
	const char *nl = memrchr(s, '\n', at);
	size_t from = nl ? (size_t)(nl - s) + 1 : 0;	/* a line start, none after it up to at */
	for (;;) {
		int rc = pcre2_match(rx->rest, (PCRE2_SPTR)s, n, at, PCRE2_NO_UTF_CHECK, rx->md, mctx);
		if (rc < 0)
			return rx_result(rc, e);
		size_t p = ov[0];
		nl = memrchr(s + at, '\n', p - at);
		size_t line = nl ? (size_t)(nl - s) + 1 : from;
		if (line >= start && (line < n ? s[line] != '>' : line == 0)) {
			rx->line = line;
			return 1;
		}
		if (!(nl = memchr(s + p, '\n', n - p)))
			return 0;
		at = from = (size_t)(nl - s) + 1;
	}
}

int op_rx_match_at(op_rx *rx, const char *s, size_t n, size_t start, op_err *e)
{
	size_t at = start;
	if (rx->gate) {
		int g = rx->gate(rx->gate_ctx, rx->gate_id, s, n);
		if (!g)
			return 0;
		/* pcre2 tries no start before the hint in vain: the bytes
		 * before it are only looked behind at */
		if ((size_t)(g - 1) > at && (size_t)(g - 1) <= n)
			at = (size_t)(g - 1);
	}
	/* subjects are validated UTF-8 (opflow-record(7): What is a record): no check per match */
	if (rx->rest)
		return unquoted_match(rx, s, n, start, at, e);
	return rx_result(pcre2_match(rx->code, (PCRE2_SPTR)s, n, at, PCRE2_NO_UTF_CHECK, rx->md, mctx), e);
}

int op_rx_group(const op_rx *rx, unsigned i, size_t *start, size_t *end)
{
	if (i >= rx->ngroups || i >= pcre2_get_ovector_count(rx->md))
		return 0;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(rx->md);
	if (ov[2 * i] == PCRE2_UNSET)
		return 0;
	*start = i == 0 && rx->rest ? rx->line : ov[2 * i];
	*end = ov[2 * i + 1];
	return 1;
}

int op_rx_named(const op_rx *rx, const char *name)
{
	int i = pcre2_substring_number_from_name(rx->code, (PCRE2_SPTR)name);
	return i > 0 ? i : -1;
}

unsigned op_rx_ngroups(const op_rx *rx)
{
	return rx->ngroups;
}

const char *op_rx_group_name(const op_rx *rx, unsigned idx)
{
	uint32_t count = 0, size = 0;
	PCRE2_SPTR table;
	pcre2_pattern_info(rx->code, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(rx->code, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(rx->code, PCRE2_INFO_NAMETABLE, &table);
	for (uint32_t i = 0; i < count; i++, table += size)
		if (((unsigned)table[0] << 8 | table[1]) == idx)
			return (const char *)table + 2;
	return NULL;
}

size_t op_rx_rest_at(const op_rx *rx)
{
	return rx->rest ? sizeof UNQUOTED - 1 : 0;
}

const char *op_rx_pattern(const op_rx *rx, size_t *n, const char **flags)
{
	*n = rx->patlen;
	*flags = rx->flags;
	return rx->pat;
}

void op_rx_set_gate(op_rx *rx, op_rx_gate_fn fn, void *ctx, unsigned id)
{
	rx->gate = fn;
	rx->gate_ctx = ctx;
	rx->gate_id = id;
}

void op_rx_get_gate(const op_rx *rx, op_rx_gate *g)
{
	g->fn = rx->gate;
	g->ctx = rx->gate_ctx;
	g->id = rx->gate_id;
}
