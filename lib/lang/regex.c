/* regex.c - PCRE2 wrapper.  MIT licence, see COPYING. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
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
};

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
	free(rx->pat);
	free(rx);
}

int op_rx_match(op_rx *rx, const char *s, size_t n, op_err *e)
{
	return op_rx_match_at(rx, s, n, 0, e);
}

int op_rx_match_at(op_rx *rx, const char *s, size_t n, size_t start, op_err *e)
{
	if (rx->gate && !rx->gate(rx->gate_ctx, rx->gate_id, s, n))
		return 0;
	/* subjects are validated UTF-8 (opflow-record(7): What is a record): no check per match */
	int rc = pcre2_match(rx->code, (PCRE2_SPTR)s, n, start, PCRE2_NO_UTF_CHECK, rx->md, mctx);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	PCRE2_UCHAR msg[160];
	pcre2_get_error_message(rc, msg, sizeof msg);
	op_errf(e, OP_EXIT_DATAERR, "regex: %s", (char *)msg);
	return -1;
}

int op_rx_group(const op_rx *rx, unsigned i, size_t *start, size_t *end)
{
	if (i >= rx->ngroups || i >= pcre2_get_ovector_count(rx->md))
		return 0;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(rx->md);
	if (ov[2 * i] == PCRE2_UNSET)
		return 0;
	*start = ov[2 * i];
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
