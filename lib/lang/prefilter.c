/* prefilter.c - required literals of PCRE2 patterns, and one Aho-Corasick
 * scan for all of them.  MIT licence, see COPYING.
 *
 * Soundness is all that matters: if a pattern can match a subject, its set
 * must be found in it, so every doubt gives up the set (the pattern then
 * simply runs).  The analysis reads a subset of PCRE2 syntax; anything
 * else - \Q, recursion, conditions, verbs, extended mode - means no set.
 * Literals keep ASCII bytes only, folded to lower case, and the scan folds
 * the subject the same way; a non-ASCII character breaks a literal.  In
 * caseless UTF mode PCRE2 also matches k with U+212A KELVIN SIGN and s
 * with U+017F LONG S, so the scan reads those two as k and s.
 *
 * A pattern with no literal to draw (the postcode rule: letters and
 * digits) gets the same analysis over character classes instead: its
 * strings are of symbols, each a set of ASCII bytes ("a letter A-P or
 * R-U..., then a digit"), and a Shift-And scan over the subject says
 * whether one of them is there before pcre2 runs.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "opflow.h"
#include "prefilter.h"

#define MAXSET 64	/* strings in a set */
#define MAXLIT 48	/* bytes in an exact string */
#define MAXCLASS 16	/* characters of a [class] kept as alternatives */
#define FAR SIZE_MAX	/* a length or an offset with no bound known */
#define CHAR_BYTES 4	/* what one character of a subject takes, at most */

/* What is known of the strings a piece of pattern matches: exactly one of
 * s[] (exact), or something containing one of s[] (!exact), or nothing
 * (any).  Strings are NUL-free ASCII.  Where in a match of the piece one
 * of them starts: within back bytes of its start (an exact piece's, at
 * it), which lets pcre2 begin its search back bytes before the first
 * string found (a gate's hint, op_rx_gate_fn); and the bytes a match of
 * the piece takes at most, from which the back of what follows it comes. */
typedef struct {
	int exact, any;
	size_t n;
	char *s[MAXSET];
	size_t back, max;
} info;

/* a + b, FAR when either is or the sum would overflow */
static size_t add_len(size_t a, size_t b)
{
	return a > FAR - b ? FAR : a + b;
}

static size_t most(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* The symbols of a class analysis: symbol k (1..255, a string's byte) is
 * the set of (case folded) ASCII bytes set[k - 1]. */
typedef struct {
	uint8_t set[255][16];
	unsigned n;
} symtab;

typedef struct {
	const char *p;
	size_t n, i;
	int fail;
	int depth;
	symtab *sym;		/* a class analysis; NULL: literals */
	int ucp;		/* \d and \w take in more than ASCII */
	int anchored_at_start;	/* \G: a match depends on where the search starts */
} lx;

static void clear(info *a)
{
	for (size_t k = 0; k < a->n; k++)
		free(a->s[k]);
	a->n = 0;
}

/* (a's max is left to the caller: a piece known nothing of may still be
 * one character) */
static void set_any(info *a)
{
	clear(a);
	a->exact = 0;
	a->any = 1;
	a->back = FAR;
}

static void set_empty(info *a)
{
	clear(a);
	a->exact = 1;
	a->any = 0;
	a->s[a->n++] = op_xstrdup("");
	a->back = a->max = 0;
}

static int fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* a is one string of one symbol: c itself, or (a class analysis) the
 * symbol of the folded bytes in set */
static void set_one(info *a, int c)
{
	clear(a);
	a->exact = 1;
	a->any = 0;
	char b[2] = { (char)c, 0 };
	a->s[a->n++] = op_xstrdup(b);
	a->back = 0;
	a->max = CHAR_BYTES;
}

static void set_class(lx *l, info *a, const uint8_t set[16])
{
	uint8_t f[16] = {0};
	for (int c = 0; c < 128; c++)
		if (set[c >> 3] >> (c & 7) & 1)
			f[fold(c) >> 3] |= (uint8_t)(1 << (fold(c) & 7));
	symtab *t = l->sym;
	unsigned k = 0;
	while (k < t->n && memcmp(t->set[k], f, 16))
		k++;
	if (k == t->n) {
		if (t->n == 255) {
			set_any(a);	/* symbols run out: nothing known */
			return;
		}
		memcpy(t->set[t->n++], f, 16);
	}
	set_one(a, (int)k + 1);
}

static void set_char(lx *l, info *a, int c)
{
	if (!l->sym) {
		set_one(a, fold(c));
		return;
	}
	uint8_t set[16] = {0};
	set[c >> 3] = (uint8_t)(1 << (c & 7));
	set_class(l, a, set);
}

/* \d or \w into set, 1; 0 for any other (or a Unicode) one */
static int add_type(const lx *l, int d, uint8_t set[16])
{
	if (l->ucp || (d != 'd' && d != 'w'))
		return 0;
	for (int c = 0; c < 128; c++)
		if ((c >= '0' && c <= '9') ||
		    (d == 'w' && (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))))
			set[c >> 3] |= (uint8_t)(1 << (c & 7));
	return 1;
}

static int has(const info *a, const char *s)
{
	for (size_t k = 0; k < a->n; k++)
		if (!strcmp(a->s[k], s))
			return 1;
	return 0;
}

static int has_empty(const info *a)
{
	return has(a, "");
}

/* a is now a required set (or any) */
static void to_required(info *a)
{
	if (a->any || has_empty(a))
		set_any(a);
	a->exact = 0;
}

/* a | b into a */
static void alt(info *a, info *b)
{
	size_t back = most(a->back, b->back), max = most(a->max, b->max);
	if (a->exact != b->exact) {
		to_required(a);
		to_required(b);
	}
	a->max = max;
	if (a->any || b->any || a->n + b->n > MAXSET) {
		set_any(a);
		clear(b);
		return;
	}
	a->back = back;
	for (size_t k = 0; k < b->n; k++) {
		if (has(a, b->s[k]))
			free(b->s[k]);
		else
			a->s[a->n++] = b->s[k];
	}
	b->n = 0;
}

/* the shortest string: a set is as good as its weakest member */
static size_t minlen(const info *a)
{
	size_t m = SIZE_MAX;
	for (size_t k = 0; k < a->n; k++)
		if (strlen(a->s[k]) < m)
			m = strlen(a->s[k]);
	return a->n ? m : 0;
}

/* keep the better required set of best and cand in best; cand emptied */
static void consider(info *best, info *cand)
{
	to_required(cand);
	if (!cand->any && (best->any || minlen(cand) > minlen(best) ||
			   (minlen(cand) == minlen(best) && cand->n < best->n))) {
		clear(best);
		*best = *cand;
		cand->n = 0;
	}
	clear(cand);
}

/* run x atom into run when the product stays small; 0 when it does not */
static int product(info *run, const info *atom)
{
	if (run->n * atom->n > MAXSET)
		return 0;
	for (size_t i = 0; i < run->n; i++)
		for (size_t j = 0; j < atom->n; j++)
			if (strlen(run->s[i]) + strlen(atom->s[j]) > MAXLIT)
				return 0;
	char *out[MAXSET];
	size_t no = 0;
	for (size_t i = 0; i < run->n; i++)
		for (size_t j = 0; j < atom->n; j++) {
			size_t a = strlen(run->s[i]), b = strlen(atom->s[j]);
			char *s = op_xmalloc(a + b + 1);
			memcpy(s, run->s[i], a);
			memcpy(s + a, atom->s[j], b + 1);
			int dup = 0;
			for (size_t k = 0; k < no; k++)
				dup |= !strcmp(out[k], s);
			if (dup)
				free(s);
			else
				out[no++] = s;
		}
	clear(run);
	memcpy(run->s, out, no * sizeof *out);
	run->n = no;
	run->back = 0;
	run->max = add_len(run->max, atom->max);
	return 1;
}

static void parse_alt(lx *l, info *out);

static int peek(lx *l)
{
	return l->i < l->n ? (unsigned char)l->p[l->i] : -1;
}

/* past the next c ([:alpha:], \x{..}); unterminated: the pattern is not
 * ours to read */
static int skip_past(lx *l, char c)
{
	const char *e = memchr(l->p + l->i, c, l->n - l->i);
	if (!e) {
		l->fail = 1;
		return -1;
	}
	l->i = (size_t)(e - l->p) + 1;
	return 0;
}

/* at the ':' of "[:" in a class: past a POSIX class, "[:alpha:]" or
 * "[:^alpha:]", 1; else 0, and the '[' is a character of the class, as
 * pcre2 has it ("[[:]|]" is '[' or ':', or a ']') */
static int posix_class(lx *l)
{
	size_t j = l->i + 1;
	j += j < l->n && l->p[j] == '^';
	while (j < l->n && ((l->p[j] >= 'a' && l->p[j] <= 'z') || (l->p[j] >= 'A' && l->p[j] <= 'Z')))
		j++;
	if (j + 1 >= l->n || l->p[j] != ':' || l->p[j + 1] != ']')
		return 0;
	l->i = j + 2;
	return 1;
}

/* \c, \Q, \E after a backslash in a class: \c takes the next
 * character, ] too ([\c]]), \Q quotes up to \E, ] too, and a ] after
 * \E can be the class's first member ([\E]]): not ours to read */
static int takes_more(int d)
{
	return d == 'c' || d == 'Q' || d == 'E';
}

/* a [class]: its characters as alternatives when few and ASCII */
static void parse_class(lx *l, info *out)
{
	unsigned char seen[128] = {0};
	int neg = 0, wide = 0, first = 1, prev = -1;
	l->i++;
	if (peek(l) == '^') {
		neg = 1;
		l->i++;
	}
	for (;;) {
		int c = peek(l);
		if (c < 0) {
			l->fail = 1;
			return;
		}
		l->i++;
		if (c == ']' && !first)
			break;
		first = 0;
		if (c == '[' && peek(l) == ':' && posix_class(l)) {	/* [:alpha:] */
			wide = 1;
			prev = -1;
			continue;
		}
		int escaped = c == '\\';
		if (escaped) {
			int d = peek(l);
			if (d < 0) {
				l->fail = 1;
				return;
			}
			l->i++;
			if (takes_more(d)) {
				l->fail = 1;
				return;
			}
			if (d == 'n') c = '\n';
			else if (d == 't') c = '\t';
			else if (d == 'r') c = '\r';
			else if (d < 0x80 && !((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') || (d >= '0' && d <= '9'))) c = d;
			else {
				uint8_t type[16] = {0};
				if (l->sym && add_type(l, d, type)) {
					for (int k = 0; k < 128; k++)
						seen[k] |= type[k >> 3] >> (k & 7) & 1;
					prev = -1;
					continue;
				}
				/* \d \w \x{..} \p{..}: more than we keep */
				if ((d == 'x' || d == 'p' || d == 'P' || d == 'o') && peek(l) == '{' &&
				    skip_past(l, '}'))
					return;
				wide = 1;
				prev = -1;
				continue;
			}
		}
		if (c == '-' && !escaped && prev >= 0 && peek(l) != ']' && peek(l) >= 0) {
			int hi = peek(l);
			l->i++;
			if (hi == '\\' && takes_more(peek(l))) {
				l->fail = 1;
				return;
			}
			if (hi == '\\' || hi >= 0x80 || hi < prev) {
				wide = 1;	/* a range to an escape or beyond ASCII */
				if (hi == '\\' && peek(l) >= 0)
					l->i++;
				prev = -1;
				continue;
			}
			for (int k = prev; k <= hi; k++)
				seen[k] = 1;
			prev = -1;
			continue;
		}
		if (c >= 0x80) {
			wide = 1;
			while (peek(l) >= 0x80 && peek(l) < 0xC0)	/* the rest of the character */
				l->i++;
			prev = -1;
			continue;
		}
		seen[c] = 1;
		prev = c;
	}
	if (neg || wide) {
		set_any(out);
		return;
	}
	if (l->sym) {
		uint8_t set[16] = {0};
		for (int k = 0; k < 128; k++)
			set[k >> 3] |= (uint8_t)(seen[k] << (k & 7));
		set_class(l, out, set);
		return;
	}
	clear(out);
	out->exact = 1;
	out->any = 0;
	out->back = 0;
	for (int k = 0; k < 128; k++) {
		if (!seen[k])
			continue;
		char b[2] = { (char)(k >= 'A' && k <= 'Z' ? k + 32 : k), 0 };
		if (has(out, b))
			continue;
		if (out->n == MAXCLASS) {
			set_any(out);
			return;
		}
		out->s[out->n++] = op_xstrdup(b);
	}
	if (!out->n)
		set_any(out);
}

/* {n}, {n,}, {n,m}, {,m} at the cursor: 1 with the minimum */
static int quantifier_braces(lx *l, long *min)
{
	size_t j = l->i + 1;
	int digits = 0;
	long v = 0;
	while (j < l->n && l->p[j] >= '0' && l->p[j] <= '9') {
		if (v < 100000)
			v = v * 10 + (l->p[j] - '0');
		j++;
		digits = 1;
	}
	size_t k = j;
	int comma = 0;
	if (k < l->n && l->p[k] == ',') {
		comma = 1;
		k++;
		while (k < l->n && l->p[k] >= '0' && l->p[k] <= '9')
			k++;
	}
	if (k >= l->n || l->p[k] != '}' || (!digits && !comma) || (!digits && k == j + 1))
		return 0;
	*min = digits ? v : 0;
	l->i = k + 1;
	return 1;
}

/* At a { that quantifier_braces did not take: whether pcre2 from 10.43
 * takes it, blanks allowed around the numbers and the comma ({1, 2}),
 * where 10.42 reads literals */
static int loose_braces(const lx *l)
{
	int digit = 0;
	for (size_t j = l->i + 1; j < l->n; j++) {
		if (l->p[j] == '}')
			return digit;
		if (!l->p[j] || !strchr("0123456789, \t", l->p[j]))
			return 0;
		digit |= l->p[j] >= '0' && l->p[j] <= '9';
	}
	return 0;
}

/* one atom into a; 0 at the end of a sequence */
static int parse_atom(lx *l, info *a)
{
	int c = peek(l);
	if (c < 0 || c == '|' || c == ')')
		return 0;
	l->i++;
	switch (c) {
	case '.':
		set_any(a);
		a->max = CHAR_BYTES;
		return 1;
	case '^': case '$':
		set_empty(a);
		return 1;
	case '[':
		l->i--;
		parse_class(l, a);
		a->max = CHAR_BYTES;	/* a class is one character */
		return 1;
	case '(': {
		if (++l->depth > 200) {
			l->fail = 1;
			return 0;
		}
		int look = 0;
		if (peek(l) == '*') {	/* (*VERB) */
			l->fail = 1;
			return 0;
		}
		if (peek(l) == '?') {
			l->i++;
			int d = peek(l);
			if (d == ':' || d == '|' || d == '>') {
				l->i++;
			} else if (d == '=' || d == '!') {
				l->i++;
				look = 1;
			} else if (d == '<' && l->i + 1 < l->n && (l->p[l->i + 1] == '=' || l->p[l->i + 1] == '!')) {
				l->i += 2;
				look = 1;
			} else if (d == '<' || d == '\'' || (d == 'P' && l->i + 1 < l->n && l->p[l->i + 1] == '<')) {
				/* a named group: a name of letters, digits and _ and
				 * its close, or another construct ((?<*...), a lookbehind
				 * that does not commit) not ours to read */
				size_t j = l->i + 1 + (d == 'P'), k = j;
				while (k < l->n && (l->p[k] == '_' || (l->p[k] >= '0' && l->p[k] <= '9') ||
						    ((l->p[k] | 32) >= 'a' && (l->p[k] | 32) <= 'z')))
					k++;
				if (k == j || k >= l->n || l->p[k] != (d == '\'' ? '\'' : '>')) {
					l->fail = 1;
					return 0;
				}
				l->i = k + 1;
			} else if (d == '#') {
				const char *e = memchr(l->p + l->i, ')', l->n - l->i);
				if (!e) {
					l->fail = 1;
					return 0;
				}
				l->i = (size_t)(e - l->p) + 1;
				l->depth--;
				/* pcre2 skips a comment: a quantifier after it
				 * quantifies what came before (colou(?#uk)?r) */
				if (peek(l) > 0 && strchr("?*+{", peek(l))) {
					l->fail = 1;
					return 0;
				}
				set_empty(a);
				return 1;
			} else {
				/* option settings (?i) (?i:...) - extended mode would
				 * change what a blank means; anything else is
				 * recursion or a condition */
				size_t j = l->i;
				while (j < l->n && l->p[j] && strchr("imnsUJ-^", l->p[j]))
					j++;
				if (j >= l->n || (l->p[j] != ')' && l->p[j] != ':')) {
					l->fail = 1;
					return 0;
				}
				l->i = j + 1;
				if (l->p[j] == ')') {
					l->depth--;
					set_empty(a);
					return 1;
				}
			}
		}
		parse_alt(l, a);
		if (l->fail)
			return 0;
		if (peek(l) != ')') {
			l->fail = 1;
			return 0;
		}
		l->i++;
		l->depth--;
		if (look)	/* zero-width: what it looks at is not consumed */
			set_empty(a);
		return 1;
	}
	case '\\': {
		int d = peek(l);
		if (d <= 0) {	/* strchr below would take a NUL for a match */
			l->fail = 1;
			return 0;
		}
		l->i++;
		if (d == 'N' && peek(l) == '{') {
			l->fail = 1;	/* \N{U+..}: a named character */
			return 0;
		} else if (strchr("bBAzZGK", d)) {
			set_empty(a);
			l->anchored_at_start |= d == 'G';
		} else if (strchr("dDwWsShHvVRNXC", d)) {
			uint8_t type[16] = {0};
			if (l->sym && add_type(l, d, type))
				set_class(l, a, type);
			else
				set_any(a);
			/* one character, but \R (CR LF) and \X (a grapheme) */
			a->max = d == 'R' || d == 'X' ? FAR : CHAR_BYTES;
		} else if (d == 'p' || d == 'P' || d == 'x' || d == 'o' || d == 'g' || d == 'k') {
			/* a property, a code point, a back reference; only a
			 * reference or a call takes <name> or 'name' (\k<n>,
			 * \g'n'): \x< is a NUL, then "<" */
			int named = d == 'g' || d == 'k';
			if (peek(l) == '{' || (named && (peek(l) == '<' || peek(l) == '\''))) {
				int close = peek(l) == '{' ? '}' : peek(l) == '<' ? '>' : '\'';
				const char *e = memchr(l->p + l->i, close, l->n - l->i);
				if (!e) {
					l->fail = 1;
					return 0;
				}
				l->i = (size_t)(e - l->p) + 1;
			} else if (d == 'x') {
				for (int k = 0; k < 2 && peek(l) >= 0 && strchr("0123456789abcdefABCDEF", peek(l)); k++)
					l->i++;
			} else if (d == 'g') {
				/* \g1, \g12, \g-1, \g+1: a number, all of it */
				l->i += peek(l) == '-' || peek(l) == '+';
				while (peek(l) >= '0' && peek(l) <= '9')
					l->i++;
			} else if (d != 'o') {
				l->i += peek(l) >= 0;	/* \pL */
			}
			set_any(a);
			/* a back reference or a call, of any length */
			a->max = d == 'g' || d == 'k' ? FAR : CHAR_BYTES;
		} else if (d >= '0' && d <= '9') {
			while (peek(l) >= '0' && peek(l) <= '9')
				l->i++;
			set_any(a);
			a->max = FAR;
		} else if (d == 'n' || d == 't' || d == 'r' || d == 'f' || d == 'e' || d == 'a') {
			set_char(l, a, d == 'n' ? '\n' : d == 't' ? '\t' : d == 'r' ? '\r' : d == 'f' ? '\f' : d == 'e' ? 27 : 7);
		} else if (d < 0x80 && !((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z'))) {
			set_char(l, a, d);
		} else {
			l->fail = 1;	/* \Q, \c, \E, \u, ...: not followed */
			return 0;
		}
		return 1;
	}
	case '*': case '+': case '?':
		l->fail = 1;	/* a quantifier with nothing before it */
		return 0;
	default:
		if (c >= 0x80) {
			while (peek(l) >= 0x80 && peek(l) < 0xC0)
				l->i++;
			set_any(a);
			a->max = CHAR_BYTES;
		} else {
			set_char(l, a, c);
		}
		return 1;
	}
}

/* a quantifier after an atom, if any, applied to a */
static void quantify(lx *l, info *a)
{
	long min;
	int c = peek(l);
	if (c == '*' || c == '?') {
		l->i++;
		min = 0;
	} else if (c == '+') {
		l->i++;
		min = 1;
	} else if (c == '{' && quantifier_braces(l, &min)) {
		;
	} else {
		if (c == '{' && loose_braces(l))
			l->fail = 1;	/* a quantifier or literals, by version */
		return;
	}
	if (peek(l) == '?' || peek(l) == '+')	/* lazy, possessive */
		l->i++;
	if (min == 0 && c == '?' && a->exact && !a->any && a->n < MAXSET) {
		if (!has_empty(a))
			a->s[a->n++] = op_xstrdup("");
	} else if (min == 0) {
		set_any(a);
		a->max = c == '?' ? a->max : FAR;
	} else {
		/* once or more: the first copy is there, where it was */
		to_required(a);
		a->max = FAR;
	}
	c = peek(l);
	if (c == '*' || c == '+' || c == '?' || (c == '{' && l->i + 1 < l->n && l->p[l->i + 1] >= '0' && l->p[l->i + 1] <= '9'))
		l->fail = 1;	/* a quantified quantifier: not ours to read */
}

/* a sequence of atoms: the longest exact runs are the candidates, each
 * as far from the sequence's start as what comes before it can take */
static void parse_seq(lx *l, info *out)
{
	info run = {0}, best = {0}, atom = {0};
	int broken = 0;
	size_t len = 0, at = 0;	/* bytes at most before the atom, and before the run */
	set_empty(&run);
	set_any(&best);
	while (!l->fail && parse_atom(l, &atom)) {
		quantify(l, &atom);
		size_t max = atom.max;
		if (atom.exact && !atom.any && product(&run, &atom)) {
			len = add_len(len, max);
			clear(&atom);
			continue;
		}
		broken = 1;
		run.back = at;
		consider(&best, &run);
		if (atom.exact && !atom.any) {
			run = atom;
			atom.n = 0;
			at = len;
		} else {
			atom.back = add_len(len, atom.back);
			consider(&best, &atom);
			set_empty(&run);
			at = add_len(len, max);
		}
		len = add_len(len, max);
	}
	clear(&atom);
	if (!broken) {
		clear(out);
		*out = run;
		out->max = len;
		return;
	}
	run.back = at;
	consider(&best, &run);
	clear(out);
	*out = best;
	out->max = len;
}

static void parse_alt(lx *l, info *out)
{
	info b = {0};
	parse_seq(l, out);
	while (!l->fail && peek(l) == '|') {
		l->i++;
		parse_seq(l, &b);
		alt(out, &b);
	}
	clear(&b);
}

/* the set for a pattern into a (required, no empty string), 1; or 0.
 * sym: a class analysis, its symbols into *sym */
static int analyse(const char *pat, size_t n, const char *flags, info *a, symtab *sym)
{
	memset(a, 0, sizeof *a);
	if (strchr(flags, 'x'))
		return 0;
	lx l = { pat, n, 0, 0, 0, sym, !!strchr(flags, 'u'), 0 };
	if (sym)
		sym->n = 0;
	parse_alt(&l, a);
	if (l.fail || l.i != n) {
		clear(a);
		return 0;
	}
	to_required(a);
	if (a->any) {
		clear(a);
		return 0;
	}
	if (l.anchored_at_start)
		a->back = FAR;
	return 1;
}

int op_pf_literals(const char *pat, size_t n, const char *flags, char *out, size_t outlen)
{
	info a;
	if (!analyse(pat, n, flags, &a, NULL))
		return 0;
	op_buf b = {0};
	for (size_t k = 0; k < a.n; k++) {
		if (k)
			op_buf_addc(&b, '|');
		op_buf_adds(&b, a.s[k]);
	}
	snprintf(out, outlen, "%s", b.p ? b.p : "");
	op_buf_free(&b);
	clear(&a);
	return 1;
}

/* ---- the automaton ------------------------------------------------------- */

#define NCACHE 8	/* subjects remembered per record (text, body, ...) */
#define OUT 0x80000000u

/* A class-gated pattern's Shift-And tables: its strings of symbols laid
 * end to end, one bit a symbol; bit j of mask[c]: byte c is in the j-th
 * symbol's set; first and last: the bits where strings begin and end.
 * Every string holds a byte from lo to hi (a digit, say): where none is,
 * no scan; where one is, the scan starts back bytes before the first. */
typedef struct {
	uint64_t mask[256], first, last;
	unsigned char lo, hi;
	size_t back;
} shiftand;

struct op_pf {
	size_t nrx;		/* gated patterns, ids 0..nrx-1 */
	size_t words;		/* uint64 words of a bitset over ids */
	uint8_t cls[256];	/* byte -> class (case folded); 0: in no literal */
	size_t ncls, nstate;
	uint32_t *delta;	/* nstate x ncls: the next state's row (state x
				 * ncls), | OUT when it has outputs */
	uint32_t *out_off;	/* nstate + 1: ids in out[] */
	uint32_t *out;
	uint32_t *stamp;	/* per state: last scan that took its outputs */
	uint32_t scan;
	uint32_t *depth;	/* per state: the length of its longest string */
	size_t *spos;		/* per state: the least start it was taken for, this scan */
	size_t *back;		/* per gated pattern: its set's info.back */
	size_t *pos;		/* NCACHE x nrx: where the pattern's first string
				 * starts, at the earliest (with its bit) */
	size_t *curpos;		/* the scan's row of pos */
	size_t reach;		/* subject bytes the longest literal can take */
	size_t nsa;		/* class-gated patterns, ids nrx..nrx+nsa-1 */
	shiftand *sa;
	struct {
		const char *s;
		size_t n;
		int used;
	} cache[NCACHE];
	uint64_t *bits;		/* NCACHE x words */
	uint8_t *found;		/* NCACHE x nsa: 0 not scanned yet, 1 yes, 2 no */
	size_t next, last;
};

/* The subject's byte at *i, as the scans read it: U+017F and U+212A as
 * s and k (see the top); *i moves to the character's last byte. */
static inline unsigned next_byte(const unsigned char *p, size_t n, size_t *i)
{
	unsigned c = p[*i];
	if (c >= 0x80) {
		if (c == 0xC5 && *i + 1 < n && p[*i + 1] == 0xBF)
			c = 's', *i += 1;
		else if (c == 0xE2 && *i + 2 < n && p[*i + 1] == 0x84 && p[*i + 2] == 0xAA)
			c = 'k', *i += 2;
	}
	return c;
}

/* a state with outputs reached at byte at: its patterns' bits set, and
 * their first strings' starts lowered to where its longest string can
 * start, once a scan, or again where that is earlier (the second half of
 * a walk can come first); the state's row back.  A string of d bytes
 * takes d bytes of the subject, or up to 3d when fold (next_byte). */
static inline uint32_t take(op_pf *pf, uint32_t row, uint64_t *bits, size_t at, int fold)
{
	row &= ~OUT;
	uint32_t st = row / (uint32_t)pf->ncls;
	size_t span = (fold ? 3 : 1) * (size_t)pf->depth[st];
	size_t start = at + 1 > span ? at + 1 - span : 0;
	if (pf->stamp[st] != pf->scan) {
		pf->stamp[st] = pf->scan;
		pf->spos[st] = start;
		for (uint32_t k = pf->out_off[st]; k < pf->out_off[st + 1]; k++) {
			uint32_t id = pf->out[k];
			if (!(bits[id >> 6] >> (id & 63) & 1) || start < pf->curpos[id])
				pf->curpos[id] = start;
			bits[id >> 6] |= 1ULL << (id & 63);
		}
	} else if (start < pf->spos[st]) {
		pf->spos[st] = start;
		for (uint32_t k = pf->out_off[st]; k < pf->out_off[st + 1]; k++)
			if (start < pf->curpos[pf->out[k]])
				pf->curpos[pf->out[k]] = start;
	}
	return row;
}

/* every literal of the gated patterns found in p[0..n) into bits.
 * A step of the automaton waits for the table load of the step before,
 * so a long subject is walked as two halves at once, each with its own
 * state: the first runs on past the middle by pf->reach bytes, the
 * longest any literal can take in a subject, so that an occurrence that
 * starts in it ends in it; one that starts in the second, the second
 * finds from its start.  fold: the subject may hold U+017F or U+212A
 * (next_byte); without, a step reads its byte as it is, and the
 * compiler makes a copy of the walk for each (always_inline). */
static inline __attribute__((always_inline)) void walk(op_pf *pf, const unsigned char *p, size_t n, uint64_t *bits,
						       int fold)
{
	const uint32_t *delta = pf->delta;
	const uint8_t *cls = pf->cls;
	size_t i = 0, end = n, j = n;
	if (n >= 3 * pf->reach) {
		j = n / 2;
		while (j < n && (p[j] & 0xC0) == 0x80)	/* at a character */
			j++;
		end = j + pf->reach < n ? j + pf->reach : n;
	}
	uint32_t r = 0, r2 = 0;
	while (i < end && j < n) {
		r = delta[r + cls[fold ? next_byte(p, n, &i) : p[i]]];
		r2 = delta[r2 + cls[fold ? next_byte(p, n, &j) : p[j]]];
		if ((r | r2) & OUT) {
			if (r & OUT)
				r = take(pf, r, bits, i, fold);
			if (r2 & OUT)
				r2 = take(pf, r2, bits, j, fold);
		}
		i++, j++;
	}
	for (; i < end; i++)
		if ((r = delta[r + cls[fold ? next_byte(p, n, &i) : p[i]]]) & OUT)
			r = take(pf, r, bits, i, fold);
	for (; j < n; j++)
		if ((r2 = delta[r2 + cls[fold ? next_byte(p, n, &j) : p[j]]]) & OUT)
			r2 = take(pf, r2, bits, j, fold);
}

static void scan_literals(op_pf *pf, const unsigned char *p, size_t n, uint64_t *bits)
{
	if (++pf->scan == 0) {
		memset(pf->stamp, 0, pf->nstate * sizeof *pf->stamp);
		pf->scan = 1;
	}
	/* the lead bytes of U+017F and U+212A, looked for at memchr's speed */
	if (memchr(p, 0xC5, n) || memchr(p, 0xE2, n))
		walk(pf, p, n, bits, 1);
	else
		walk(pf, p, n, bits, 0);
}

/* the first byte of p[0..n) from lo to hi, or n: 16 at a time with SSE2
 * as the record scanner does (lib/core/jsonl.c) */
static size_t first_in(const unsigned char *p, size_t n, unsigned char lo, unsigned char hi)
{
	size_t i = 0;
#ifdef __SSE2__
	const __m128i base = _mm_set1_epi8((char)lo), span = _mm_set1_epi8((char)(hi - lo));
	for (; i + 16 <= n; i += 16) {
		/* byte - lo, unsigned, no more than hi - lo */
		__m128i v = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(p + i)), base);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, span), v));
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	for (; i < n; i++)
		if ((unsigned char)(p[i] - lo) <= hi - lo)
			return i;
	return n;
}

/* does one of sa's strings occur in p[0..n)? */
static int scan_classes(const shiftand *sa, const unsigned char *p, size_t n)
{
	size_t i = first_in(p, n, sa->lo, sa->hi);
	if (i == n)
		return 0;
	i = i > sa->back ? i - sa->back : 0;
	while (i > 0 && (p[i] & 0xC0) == 0x80)	/* at a character */
		i--;
	uint64_t d = 0;
	for (; i < n; i++) {
		d = (d << 1 | sa->first) & sa->mask[next_byte(p, n, &i)];
		if (d & sa->last)
			return 1;
	}
	return 0;
}

static int holds(const op_pf *pf, size_t e, const char *s, size_t n)
{
	return pf->cache[e].used && pf->cache[e].s == s && pf->cache[e].n == n;
}

/* the cache entry of subject s[0..n), scanned if new */
static size_t subject(op_pf *pf, const char *s, size_t n)
{
	/* the rules ask of one subject many times in a row: the last first */
	if (holds(pf, pf->last, s, n))
		return pf->last;
	size_t e;
	for (e = 0; e < NCACHE; e++)
		if (holds(pf, e, s, n))
			return pf->last = e;
	/* a new subject: one pass over it for every literal */
	e = pf->next;
	pf->next = (pf->next + 1) % NCACHE;
	pf->cache[e].s = s;
	pf->cache[e].n = n;
	pf->cache[e].used = 1;
	memset(pf->bits + e * pf->words, 0, pf->words * sizeof *pf->bits);
	if (pf->nsa)
		memset(pf->found + e * pf->nsa, 0, pf->nsa);
	pf->curpos = pf->pos + e * pf->nrx;
	if (pf->nrx)
		scan_literals(pf, (const unsigned char *)s, n, pf->bits + e * pf->words);
	return pf->last = e;
}

static int gate(void *ctx, unsigned id, const char *s, size_t n)
{
	op_pf *pf = ctx;
	size_t e = subject(pf, s, n);
	if (id < pf->nrx) {
		if (!(pf->bits[e * pf->words + (id >> 6)] >> (id & 63) & 1))
			return 0;
		/* no match starts before the pattern's back bytes ahead of its
		 * first string, at a character */
		size_t at = pf->pos[e * pf->nrx + id], back = pf->back[id];
		size_t hint = back != FAR && at > back ? at - back : 0;
		while (hint > 0 && ((unsigned char)s[hint] & 0xC0) == 0x80)
			hint--;
		return hint < INT_MAX ? (int)hint + 1 : 1;
	}
	/* a class-gated pattern: its own scan, the first time it asks */
	uint8_t *f = &pf->found[e * pf->nsa + (id - pf->nrx)];
	if (!*f)
		*f = scan_classes(&pf->sa[id - pf->nrx], (const unsigned char *)s, n) ? 1 : 2;
	return *f == 1;
}

void op_pf_found(op_pf *pf, const char *s, size_t n, uint64_t *bits)
{
	size_t e = subject(pf, s, n);
	memcpy(bits, pf->bits + e * pf->words, (pf->nrx + 63) / 64 * sizeof *bits);
}

void op_pf_next(op_pf *pf)
{
	for (size_t e = 0; e < NCACHE; e++)
		pf->cache[e].used = 0;
}

size_t op_pf_gated(const op_pf *pf)
{
	return pf->nrx;
}

size_t op_pf_gated_classes(const op_pf *pf)
{
	return pf->nsa;
}

/* trie under construction: children by class, -1 none */
typedef struct {
	int32_t *go;
	size_t n, cap, ncls;
	uint32_t **ids;		/* per state: ids ending here */
	size_t *nids;
} trie;

static uint32_t trie_state(trie *t)
{
	/* three arrays by state, grown alike: the last one moves t->cap */
	size_t cap_go = t->cap, cap_ids = t->cap;
	t->go = op_grow(t->go, t->n, &cap_go, t->ncls * sizeof *t->go);
	t->ids = op_grow(t->ids, t->n, &cap_ids, sizeof *t->ids);
	t->nids = op_grow(t->nids, t->n, &t->cap, sizeof *t->nids);
	for (size_t c = 0; c < t->ncls; c++)
		t->go[t->n * t->ncls + c] = -1;
	t->ids[t->n] = NULL;
	t->nids[t->n] = 0;
	return (uint32_t)t->n++;
}

static void add_id(uint32_t **ids, size_t *n, uint32_t id)
{
	for (size_t k = 0; k < *n; k++)
		if ((*ids)[k] == id)
			return;
	*ids = op_xrealloc(*ids, (*n + 1) * sizeof **ids);
	(*ids)[(*n)++] = id;
}

static void trie_free(trie *t)
{
	for (size_t s = 0; s < t->n; s++)
		free(t->ids[s]);
	free(t->ids);
	free(t->nids);
	free(t->go);
}

/* a's strings of sym's symbols as Shift-And tables; a string cut short
 * when they are too long for 64 bits (what a match must contain, its
 * beginning must too) */
static void make_shiftand(shiftand *sa, const info *a, const symtab *sym)
{
	size_t total = 0, bit = 0;
	for (size_t k = 0; k < a->n; k++)
		total += strlen(a->s[k]);
	size_t keep = total > 64 ? 64 / a->n : MAXLIT;
	uint8_t need[16] = {0};	/* each string's narrowest symbol */
	for (size_t k = 0; k < a->n; k++) {
		size_t len = strlen(a->s[k]), narrow = 0, nbest = 999;
		if (len > keep)
			len = keep;
		sa->first |= 1ULL << bit;
		for (size_t j = 0; j < len; j++, bit++) {
			const uint8_t *set = sym->set[(unsigned char)a->s[k][j] - 1];
			size_t count = 0;
			for (int c = 0; c < 128; c++)
				if (set[c >> 3] >> (c & 7) & 1) {
					sa->mask[c] |= 1ULL << bit;
					count++;
				}
			if (count < nbest) {
				nbest = count;
				narrow = j;
			}
		}
		sa->last |= 1ULL << (bit - 1);
		for (int q = 0; q < 16; q++)
			need[q] |= sym->set[(unsigned char)a->s[k][narrow] - 1][q];
		if (3 * len > sa->back)
			sa->back = 3 * len;	/* 3 bytes a character at most: U+212A */
	}
	for (int c = 'A'; c <= 'Z'; c++)	/* the sets are folded; the subject is not */
		sa->mask[c] = sa->mask[c + 32];
	/* the bytes every string needs one of, as a range; a letter is also
	 * its capital and, for k and s, a character of more than one byte:
	 * no range then, every subject is scanned */
	sa->lo = 0;
	sa->hi = 255;
	int lo = 128, hi = -1, letter = 0;
	for (int c = 0; c < 128; c++)
		if (need[c >> 3] >> (c & 7) & 1) {
			lo = c < lo ? c : lo;
			hi = c;
			letter |= c >= 'a' && c <= 'z';
		}
	if (!letter && hi >= 0) {
		sa->lo = (unsigned char)lo;
		sa->hi = (unsigned char)hi;
	}
}

/* The back of the pattern op_rx_match_at searches for rx, whose set is
 * a: a's own, or, where pcre2 searches for the rest of the pattern after
 * its "not quoted" start (regex.c), the rest's, when that has the same
 * strings; else FAR. */
static size_t rest_back(const op_rx *rx, const info *a)
{
	size_t len, k = op_rx_rest_at(rx);
	const char *flags, *pat = op_rx_pattern(rx, &len, &flags);
	if (!k)
		return a->back;
	info r;
	if (!analyse(pat + k, len - k, flags, &r, NULL))
		return FAR;
	int same = r.n == a->n;
	for (size_t i = 0; same && i < r.n; i++)
		same = has(a, r.s[i]);
	size_t back = same ? r.back : FAR;
	clear(&r);
	return back;
}

op_pf *op_pf_new(op_rx **rx, size_t n, op_err *e)
{
	op_pf *pf = op_xcalloc(1, sizeof *pf);
	info *sets = op_xcalloc(n ? n : 1, sizeof *sets);
	op_rx **gated = op_xcalloc(n ? n : 1, sizeof *gated);
	op_rx **classed = op_xcalloc(n ? n : 1, sizeof *classed);
	symtab *sym = op_xmalloc(sizeof *sym);
	size_t *back = pf->back = op_xcalloc(n ? n : 1, sizeof *pf->back);
	pf->sa = op_xcalloc(n ? n : 1, sizeof *pf->sa);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *flags;
		const char *pat = op_rx_pattern(rx[i], &len, &flags);
		if (analyse(pat, len, flags, &sets[pf->nrx], NULL)) {
			back[pf->nrx] = rest_back(rx[i], &sets[pf->nrx]);
			gated[pf->nrx++] = rx[i];
			continue;
		}
		info a;
		if (!analyse(pat, len, flags, &a, sym))
			continue;
		make_shiftand(&pf->sa[pf->nsa], &a, sym);
		clear(&a);
		classed[pf->nsa++] = rx[i];
	}
	free(sym);
	/* classes: one per (folded) byte some literal has */
	pf->ncls = 1;
	for (size_t i = 0; i < pf->nrx; i++)
		for (size_t k = 0; k < sets[i].n; k++) {
			/* a byte a character, but U+212A read as k is 3 and
			 * U+017F read as s is 2 */
			size_t bytes = 0;
			for (const char *q = sets[i].s[k]; *q; q++)
				bytes += *q == 'k' ? 3 : *q == 's' ? 2 : 1;
			if (bytes > pf->reach)
				pf->reach = bytes;
			for (const unsigned char *q = (const unsigned char *)sets[i].s[k]; *q; q++)
				if (!pf->cls[*q])
					pf->cls[*q] = (uint8_t)pf->ncls++;
		}
	for (int c = 'A'; c <= 'Z'; c++)
		pf->cls[c] = pf->cls[c + 32];

	trie t = { .ncls = pf->ncls };
	trie_state(&t);
	for (size_t i = 0; i < pf->nrx; i++) {
		for (size_t k = 0; k < sets[i].n; k++) {
			uint32_t st = 0;
			for (const unsigned char *q = (const unsigned char *)sets[i].s[k]; *q; q++) {
				size_t c = pf->cls[*q];
				if (t.go[st * t.ncls + c] < 0) {
					uint32_t ns = trie_state(&t);
					t.go[st * t.ncls + c] = (int32_t)ns;
				}
				st = (uint32_t)t.go[st * t.ncls + c];
			}
			add_id(&t.ids[st], &t.nids[st], (uint32_t)i);
		}
		clear(&sets[i]);
	}
	free(sets);
	/* a state and its class number share a uint32_t with the OUT bit */
	if ((uint64_t)t.n * t.ncls >= OUT) {
		trie_free(&t);
		free(gated);
		free(classed);
		op_pf_free(pf);
		op_errf(e, OP_EXIT_CONFIG, "too many regex literals for the prefilter");
		return NULL;
	}

	/* breadth first: failure links, the full transition table, and each
	 * state's outputs merged with its failure state's */
	pf->nstate = t.n;
	pf->delta = op_xmalloc(t.n * t.ncls * sizeof *pf->delta);
	uint32_t *fail = op_xcalloc(t.n, sizeof *fail), *queue = op_xmalloc(t.n * sizeof *queue);
	pf->depth = op_xcalloc(t.n, sizeof *pf->depth);
	size_t qh = 0, qt = 0;
	for (size_t c = 0; c < t.ncls; c++) {
		int32_t s = c ? t.go[c] : -1;
		pf->delta[c] = s > 0 ? (uint32_t)s : 0;
		if (s > 0) {
			queue[qt++] = (uint32_t)s;
			pf->depth[s] = 1;
		}
	}
	while (qh < qt) {
		uint32_t s = queue[qh++];
		for (size_t k = 0; k < t.nids[fail[s]]; k++)
			add_id(&t.ids[s], &t.nids[s], t.ids[fail[s]][k]);
		for (size_t c = 0; c < t.ncls; c++) {
			int32_t u = c ? t.go[s * t.ncls + c] : -1;
			if (u > 0) {
				fail[u] = pf->delta[(size_t)fail[s] * t.ncls + c];
				pf->depth[u] = pf->depth[s] + 1;
				pf->delta[(size_t)s * t.ncls + c] = (uint32_t)u;
				queue[qt++] = (uint32_t)u;
			} else {
				pf->delta[(size_t)s * t.ncls + c] = c ? pf->delta[(size_t)fail[s] * t.ncls + c] : 0;
			}
		}
	}
	pf->out_off = op_xmalloc((t.n + 1) * sizeof *pf->out_off);
	size_t tot = 0;
	for (size_t s = 0; s < t.n; s++)
		tot += t.nids[s];
	pf->out = op_xmalloc((tot ? tot : 1) * sizeof *pf->out);
	tot = 0;
	for (size_t s = 0; s < t.n; s++) {
		pf->out_off[s] = (uint32_t)tot;
		for (size_t k = 0; k < t.nids[s]; k++)
			pf->out[tot++] = t.ids[s][k];
	}
	pf->out_off[t.n] = (uint32_t)tot;
	for (size_t k = 0; k < t.n * t.ncls; k++) {
		uint32_t to = pf->delta[k];
		pf->delta[k] = to * (uint32_t)t.ncls | (pf->out_off[to] != pf->out_off[to + 1] ? OUT : 0);
	}
	trie_free(&t);
	free(fail);
	free(queue);
	pf->stamp = op_xcalloc(t.n, sizeof *pf->stamp);
	pf->spos = op_xcalloc(t.n, sizeof *pf->spos);
	pf->pos = op_xcalloc(NCACHE * (pf->nrx ? pf->nrx : 1), sizeof *pf->pos);
	pf->words = (pf->nrx + 63) / 64 + 1;
	pf->bits = op_xcalloc(NCACHE * pf->words, sizeof *pf->bits);
	pf->found = op_xcalloc(NCACHE * (pf->nsa ? pf->nsa : 1), 1);
	for (size_t i = 0; i < pf->nrx; i++)
		op_rx_set_gate(gated[i], gate, pf, (unsigned)i);
	for (size_t i = 0; i < pf->nsa; i++)
		op_rx_set_gate(classed[i], gate, pf, (unsigned)(pf->nrx + i));
	free(gated);
	free(classed);
	return pf;
}

void op_pf_free(op_pf *pf)
{
	if (!pf)
		return;
	free(pf->delta);
	free(pf->out_off);
	free(pf->out);
	free(pf->stamp);
	free(pf->depth);
	free(pf->spos);
	free(pf->back);
	free(pf->pos);
	free(pf->bits);
	free(pf->sa);
	free(pf->found);
	free(pf);
}
