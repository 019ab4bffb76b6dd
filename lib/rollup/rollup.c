/* rollup.c - the GROUP BY of kpi-rollup, see rollup.h.  MIT licence, see
 * COPYING.
 *
 * Each `kpi` reads an input: count() the rows, rate(COND) a condition, the
 * others a value, each under its `when`.  KPIs with the same input share
 * one state (median and p90 of the same expression keep one list of
 * values).  A cell is a group and a period: the group keys' JSON texts
 * joined by 0x1F (a byte JSON text never holds raw) and the period's
 * number, with one op_agg per input.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "bucket.h"
#include "check.h"
#include "rollup.h"

enum { IN_ROWS, IN_COND, IN_VALUE };

typedef struct {
	const char *name;
	op_expr *e;
} key_def;

typedef struct {
	const char *name, *owner, *unit, *fnname, *file;
	const char *label, *definition;
	enum op_aggfn fn;
	double q;
	size_t in;
	unsigned line;
	int needs_time;
	double min_n;		/* a change on fewer records is not one; -1 unset */
	int digits;		/* -1: the reader's default */
	/* for KEY in [...]: only the groups whose KEY is one of these JSON
	 * texts have the KPI */
	const char *for_key;
	size_t for_at, nfor;
	const char **for_vals;
	int for_idx;
} kpi_def;

typedef struct {
	int kind;
	op_expr *x, *where, *t;
	const char *sig;	/* the input's text: equal texts share a state */
	unsigned needs;
} input_def;

typedef struct {
	int64_t b;
	int hasb;
	char *g;		/* group keys' JSON texts, 0x1F between */
	size_t glen;
	op_agg a[];
} cell;

struct op_rollup {
	int kind;		/* period: an op_bucket, or -1 */
	op_expr *pexpr;
	const char *ptext;
	unsigned byline;
	key_def *keys;
	size_t nkeys;
	kpi_def *kpis;
	size_t nkpis, capk;
	input_def *ins;
	size_t nins, capin;
	op_rollup_opts o;
	int64_t bfrom, bto, keep_from;
	char sig[17];		/* of the definitions, in --partial rows */
	size_t rows_in;		/* an input with no `when`: the group's records */
	op_hmap cells;
	op_buf key, tmp, cellkey;
	op_val *vals;
	int *conds;
	op_time *times;
	unsigned long long unparsable_num, unparsable_time, outside;
	unsigned long long undated;	/* records with no time for `by`'s period */
	int undated_cells;		/* some are in a cell (period null) */
};

static const char *const reserved[] = { "period", "prev", "delta", "delta_pct", "kpi", "flags", "base_n",
					"low_n", NULL };

/* what min_n is when a kpi does not say: below 5 records a median or a
 * share swings by chance (kpi-rollup(1)) */
#define DEFAULT_MIN_N 5

op_rollup *op_rollup_new(void)
{
	op_rollup *r = op_xcalloc(1, sizeof *r);
	r->kind = -1;
	return r;
}

/* ---- statements ---------------------------------------------------- */

static void check_name(op_parser *p, op_rollup *r, size_t at, const char *name)
{
	for (size_t i = 0; reserved[i]; i++)
		if (!strcmp(name, reserved[i]))
			op_p_error_at(p, at, "'%s' is reserved for the rows kpi-rollup writes; choose another name",
				      name);
	for (size_t i = 0; i < r->nkeys; i++)
		if (!strcmp(name, r->keys[i].name))
			op_p_error_at(p, at, "'%s' is already a group key", name);
	for (size_t i = 0; i < r->nkpis; i++)
		if (!strcmp(name, r->kpis[i].name))
			op_p_error_at(p, at, "kpi '%s' defined twice (first on line %u)", name, r->kpis[i].line);
}

/* day|week|month|quarter|year( at the cursor: the period, the cursor
 * left at its '('; else -1, the cursor where it was */
static int period(op_parser *p)
{
	op_token t, paren;
	if (op_lex_peek(p, &t) != OP_T_IDENT)
		return -1;
	int kind = op_bucket_kind(t.s, t.len);
	op_lex_take(p, &t);
	if (kind >= 0 && op_lex_glued(p, &paren) == OP_T_LPAREN)
		return kind;
	p->pos = t.pos;
	return -1;
}

/* by ITEM, ...: an ITEM is day|week|month|quarter|year(TIME) (the period,
 * at most one) or EXPR [as NAME] */
static void parse_by(op_parser *p, void *vr)
{
	op_rollup *r = vr;
	if (r->byline)
		op_p_error(p, "`by` given twice (first on line %u)", r->byline);
	r->byline = op_p_line(p);
	key_def keys[64];
	size_t nkeys = 0;
	do {
		size_t at = op_p_skip(p);
		int kind = period(p);
		if (kind >= 0) {
			if (r->kind >= 0)
				op_p_error_at(p, at, "one period only: %s() and %s()", op_bucket_name(r->kind),
					      op_bucket_name(kind));
			size_t start = p->pos;
			r->pexpr = op_parse_postfix(p);	/* "(TIME)" */
			r->ptext = op_lex_text(p, start, p->pos);
			r->kind = kind;
		} else {
			if (nkeys == 64)
				op_p_error_at(p, at, "more than 64 group keys");
			op_expr *e = op_parse_expr(p);
			const char *name;
			size_t end = p->pos, nat = op_p_skip(p);
			if (op_p_accept(p, "as")) {
				nat = op_p_skip(p);
				if (!(name = op_lex_name(p)))	/* a name ends at the ',' too */
					op_p_error(p, "group key name expected after `as`");
			} else if (op_expr_is_path(e)) {
				name = op_lex_text(p, at, end);
			} else {
				op_p_error_at(p, at, "name this group key: %s as NAME", op_lex_text(p, at, end));
			}
			check_name(p, r, nat, name);
			for (size_t i = 0; i < nkeys; i++)
				if (!strcmp(keys[i].name, name))
					op_p_error_at(p, nat, "group key '%s' given twice", name);
			keys[nkeys++] = (key_def){ name, e };
		}
	} while (op_lex_accept(p, OP_T_COMMA));
	r->keys = op_p_alloc(p, nkeys * sizeof *keys);
	memcpy(r->keys, keys, nkeys * sizeof *keys);
	r->nkeys = nkeys;
}

static const struct {
	const char *name;
	enum op_aggfn fn;
	int kind;
} aggs[] = {
	{ "count", OP_AGG_COUNT, IN_ROWS }, { "sum", OP_AGG_SUM, IN_VALUE },
	{ "mean", OP_AGG_MEAN, IN_VALUE }, { "avg", OP_AGG_MEAN, IN_VALUE },
	{ "min", OP_AGG_MIN, IN_VALUE }, { "max", OP_AGG_MAX, IN_VALUE },
	{ "median", OP_AGG_QUANTILE, IN_VALUE }, { "stddev", OP_AGG_STDDEV, IN_VALUE },
	{ "distinct", OP_AGG_DISTINCT, IN_VALUE }, { "rate", OP_AGG_RATE, IN_COND },
	{ "first", OP_AGG_FIRST, IN_VALUE }, { "last", OP_AGG_LAST, IN_VALUE },
};
#define NAGGS (sizeof aggs / sizeof *aggs)

/* pN: N from 0 to 100 as a quantile, or -1 */
static double pct_of(const char *s, size_t n)
{
	if (n < 2 || s[0] != 'p' || s[1] < '0' || s[1] > '9')
		return -1;
	char buf[32], *end;
	if (n - 1 >= sizeof buf)
		return -1;
	memcpy(buf, s + 1, n - 1);
	buf[n - 1] = 0;
	if (strspn(buf, "0123456789.") != n - 1)	/* strtod would take p1e1, p0x32 */
		return -1;
	double d = strtod(buf, &end);
	return *end || d > 100 ? -1 : d / 100;
}

/* for KEY in ["a", "b", ...]: the list as JSON texts.  A parse error
 * jumps out of here, so the list is in the rules' arena until it ends. */
static void parse_for(op_parser *p, kpi_def *k)
{
	k->for_at = op_p_skip(p);
	k->for_key = op_p_name(p, "a group key after `for`");
	op_p_expect(p, "in");
	op_lex_expect(p, OP_T_LBRACK);
	const char **v = NULL;
	size_t *len = NULL, n = 0;
	do {
		op_token t;
		if (op_lex_peek(p, &t) != OP_T_STRING)
			op_p_error_at(p, op_p_skip(p), "for %s in [...]: a list of strings, as [\"sales\", \"service\"]",
				      k->for_key);
		const char **v2 = op_p_alloc(p, (n + 1) * sizeof *v2);
		size_t *len2 = op_p_alloc(p, (n + 1) * sizeof *len2);
		if (n) {
			memcpy(v2, v, n * sizeof *v);
			memcpy(len2, len, n * sizeof *len);
		}
		v2[n] = op_p_string(p, "group", &len2[n]);
		v = v2, len = len2, n++;
	} while (op_lex_accept(p, OP_T_COMMA));
	op_lex_expect(p, OP_T_RBRACK);
	/* the groups' keys are JSON texts: so are these */
	op_buf j = {0};
	for (size_t i = 0; i < n; i++) {
		op_buf_reset(&j);
		op_buf_json_str(&j, v[i], len[i]);
		v[i] = op_arena_strndup(p->arena, j.p, j.len);
	}
	op_buf_free(&j);
	k->for_vals = v;
	k->nfor = n;
}

/* kpi NAME = AGG(EXPR) [by TIME] [when COND] [owner NAME] [unit UNIT]
 * [label "TEXT"] [definition "TEXT"] [min_n N] [digits N]
 * [for KEY in ["VALUE", ...]] */
static void parse_kpi(op_parser *p, void *vr)
{
	op_rollup *r = vr;
	kpi_def k = { .line = op_p_line(p), .file = p->file, .min_n = -1, .digits = -1,
		      .for_idx = -1 };
	size_t at = op_p_skip(p);
	/* the name ends where name characters do, so `kpi n=count()` is
	 * `kpi n = count()`; anything else glued to it is op_p_name's error */
	k.name = op_lex_name(p);
	if (!k.name || (p->pos < p->len && !strchr(" \t=", p->text[p->pos]))) {
		p->pos = at;
		k.name = op_p_name(p, "kpi name");
	}
	check_name(p, r, at, k.name);
	op_lex_expect(p, OP_T_ASSIGN);
	at = op_p_skip(p);
	const char *agg = op_lex_name(p);
	size_t n = agg ? strlen(agg) : 0;
	int kind = -1;
	char name[32];
	snprintf(name, sizeof name, "%.*s", (int)(n < 31 ? n : 31), agg ? agg : "");
	for (size_t i = 0; i < NAGGS; i++)
		if (!strcmp(name, aggs[i].name))
			k.fn = aggs[i].fn, kind = aggs[i].kind;
	if (kind < 0 && (k.q = pct_of(name, n)) >= 0)
		k.fn = OP_AGG_QUANTILE, kind = IN_VALUE;
	if (k.fn == OP_AGG_QUANTILE && !strcmp(name, "median"))
		k.q = 0.5;
	if (kind < 0 && n > 1 && name[0] == 'p' && name[1] >= '0' && name[1] <= '9')
		op_p_error_at(p, at, "%s: a percentile is p0 to p100 (p90, p99.9)", name);
	if (kind < 0) {
		const char *cands[NAGGS + 3];
		for (size_t i = 0; i < NAGGS; i++)
			cands[i] = aggs[i].name;
		cands[NAGGS] = "p90";
		cands[NAGGS + 1] = "p50";
		cands[NAGGS + 2] = NULL;
		const char *hint = op_p_suggest(name, cands);
		op_p_error_at(p, at, "unknown aggregate '%s'%s%s%s (count sum mean min max median pN stddev "
			      "distinct rate first last)", name, hint ? " (did you mean '" : "", hint ? hint : "",
			      hint ? "'?)" : "");
	}
	k.fnname = op_p_strdup(p, name);
	op_token t;
	if (op_lex_glued(p, &t) != OP_T_LPAREN)
		op_p_error_at(p, at, "'(' expected after %s", name);
	input_def in = { .kind = kind };
	size_t start = p->pos;
	if (kind == IN_ROWS) {	/* count() counts rows, count(x) values */
		op_lex_take(p, &t);
		if (!op_lex_accept(p, OP_T_RPAREN)) {
			p->pos = start;
			in.kind = IN_VALUE;
			k.fn = OP_AGG_COUNTV;
			in.x = op_parse_postfix(p);
		}
	} else {
		in.x = op_parse_postfix(p);	/* "(EXPR)" */
	}
	/* the input's text, from parts in the rules' arena: a parse error
	 * below jumps out of here, so nothing may be on the heap */
	const char *xtext = op_lex_text(p, start, p->pos), *ttext = "", *wtext = "";
	if (op_p_accept(p, "by")) {
		if (k.fn != OP_AGG_FIRST && k.fn != OP_AGG_LAST)
			op_p_error(p, "`by TIME` goes with first() and last() only");
		size_t s = op_p_skip(p);
		in.t = op_parse_expr(p);
		ttext = op_lex_text(p, s, p->pos);
	}
	k.needs_time = (k.fn == OP_AGG_FIRST || k.fn == OP_AGG_LAST) && !in.t;
	if (k.needs_time)	/* a state of its own: records without a time skip it */
		ttext = "\x1f";
	/* `where` was the word before `when` was everywhere; it stays */
	if (op_p_accept(p, "when") || op_p_accept(p, "where")) {
		size_t s = op_p_skip(p);
		in.where = op_parse_expr(p);
		wtext = op_lex_text(p, s, p->pos);
	}
	op_p_rule(p, "kpi", k.name, in.where, 0);
	for (;;) {
		if (op_p_accept(p, "owner")) {
			k.owner = op_p_name(p, "owner");
		} else if (op_p_accept(p, "unit")) {
			k.unit = op_lex_peek(p, &t) == OP_T_STRING ? op_p_string(p, "unit", &n)
								   : op_p_word(p, "unit");
		} else if (op_p_accept(p, "label")) {
			k.label = op_p_string(p, "label", &n);
		} else if (op_p_accept(p, "definition")) {
			k.definition = op_p_string(p, "definition", &n);
		} else if (op_p_accept(p, "min_n")) {
			size_t s = op_p_skip(p);
			k.min_n = op_p_number(p, "min_n");
			if (!(k.min_n >= 0 && k.min_n <= 1e15) || k.min_n != floor(k.min_n))
				op_p_error_at(p, s, "min_n: a whole number of records, 0 or more");
		} else if (op_p_accept(p, "digits")) {
			size_t s = op_p_skip(p);
			double d = op_p_number(p, "digits");
			if (!(d >= 0 && d <= 9) || d != floor(d))
				op_p_error_at(p, s, "digits: a whole number from 0 to 9");
			k.digits = (int)d;
		} else if (op_p_accept(p, "for")) {
			if (k.for_key)
				op_p_error(p, "one `for` per kpi");
			parse_for(p, &k);
		} else {
			break;
		}
	}
	op_buf sig = {0};
	op_buf_printf(&sig, "%d%s by %s where %s", in.kind, xtext, ttext, wtext);
	in.sig = op_arena_strndup(p->arena, sig.p, sig.len);
	op_buf_free(&sig);
	size_t i;
	for (i = 0; i < r->nins; i++)
		if (!strcmp(r->ins[i].sig, in.sig))
			break;
	if (i == r->nins) {
		r->ins = op_grow(r->ins, r->nins, &r->capin, sizeof *r->ins);
		r->ins[r->nins++] = in;
	}
	k.in = i;
	r->kpis = op_grow(r->kpis, r->nkpis, &r->capk, sizeof *r->kpis);
	r->kpis[r->nkpis++] = k;
}

const op_stmt op_rollup_statements[] = {
	{ "by", parse_by, "by [day|week|month|quarter|year(TIME),] EXPR [as NAME], ..." },
	{ "kpi", parse_kpi, "kpi NAME = AGG(EXPR) [by TIME] [when COND] [owner NAME] [unit UNIT] "
	  "[label \"TEXT\"] [definition \"TEXT\"] [min_n N] [digits N] [for KEY in [\"VALUE\", ...]]" },
	{ NULL, NULL, NULL },
};

/* ---- setup ----------------------------------------------------------- */

/* how many periods back --compare looks, at most; a --partial run does
 * not know what the --merge will compare, so it keeps a year */
static int64_t compare_span(const op_rollup *r)
{
	static const int64_t year[] = { 366, 53, 12, 4, 1 };
	if (r->o.partial || r->o.compare == OP_CMP_YEAR)
		return year[r->kind];
	return r->o.compare == OP_CMP_PREVIOUS ? 1 : 0;
}

int op_rollup_setup(op_rollup *r, const op_rollup_opts *o, op_err *err)
{
	r->o = *o;
	if (!r->nkpis) {
		op_errf(err, OP_EXIT_CONFIG, "no kpi defined");
		return -1;
	}
	if (r->kind < 0 && (o->fill || o->compare || o->has_from || o->has_to)) {
		op_errf(err, OP_EXIT_USAGE, "--fill, --compare, --from and --to need a period in `by` "
			 "(day, week, month, quarter or year of a time)");
		return -1;
	}
	for (size_t i = 0; i < r->nkpis; i++) {
		kpi_def *k = &r->kpis[i];
		if (k->needs_time && !r->pexpr) {
			op_errf(err, OP_EXIT_CONFIG, "%s:%u: kpi %s: %s() needs a time: %s(EXPR) by TIME, or a period in `by`",
				 k->file, k->line, k->name, k->fnname, k->fnname);
			return -1;
		}
		if (k->min_n < 0)
			k->min_n = o->has_min_n ? o->min_n : DEFAULT_MIN_N;
		if (k->needs_time)
			r->ins[k->in].t = r->pexpr;
		r->ins[k->in].needs |= op_agg_needs(k->fn, o->approx);
		if (k->for_key) {
			for (size_t j = 0; j < r->nkeys; j++)
				if (!strcmp(k->for_key, r->keys[j].name))
					k->for_idx = (int)j;
			if (k->for_idx < 0) {
				op_errf(err, OP_EXIT_CONFIG, "%s:%u: kpi %s: for %s: not a group key of `by`",
					 k->file, k->line, k->name, k->for_key);
				return -1;
			}
		}
	}
	/* a count's base is the group's records: an input every record of
	 * the group reaches (one with no `when`), shared or of its own */
	for (r->rows_in = 0; r->rows_in < r->nins && r->ins[r->rows_in].where; r->rows_in++)
		;
	if (r->rows_in == r->nins) {
		r->ins = op_grow(r->ins, r->nins, &r->capin, sizeof *r->ins);
		r->ins[r->nins++] = (input_def){ .kind = IN_ROWS, .sig = "rows" };
	}
	if (o->has_from)
		r->bfrom = op_bucket_of(r->kind, o->tz, o->from);
	if (o->has_to)
		r->bto = op_bucket_of(r->kind, o->tz, o->to - 1);
	if (o->has_from && o->has_to && r->bto < r->bfrom) {
		op_errf(err, OP_EXIT_USAGE, "--to is not after --from");
		return -1;
	}
	r->keep_from = r->bfrom - compare_span(r);
	/* what --merge must agree on: the period, the keys, the inputs */
	op_buf s = {0};
	op_buf_printf(&s, "%d %s %d|", r->kind, r->ptext ? r->ptext : "", o->approx);
	for (size_t i = 0; i < r->nkeys; i++)
		op_buf_printf(&s, "%s|", r->keys[i].name);
	for (size_t i = 0; i < r->nins; i++)
		op_buf_printf(&s, "%s %u|", r->ins[i].sig, r->ins[i].needs);
	snprintf(r->sig, sizeof r->sig, "%016llx", (unsigned long long)op_hash(s.p, s.len));
	op_buf_free(&s);
	r->vals = op_xcalloc(r->nins, sizeof *r->vals);
	r->conds = op_xcalloc(r->nins, sizeof *r->conds);
	r->times = op_xcalloc(r->nins, sizeof *r->times);
	return 0;
}

/* ---- accumulating ------------------------------------------------------ */

static void key_of(op_buf *k, int hasb, int64_t b, const char *g, size_t glen)
{
	op_buf_reset(k);
	op_buf_add(k, &b, sizeof b);
	op_buf_addc(k, (char)hasb);
	op_buf_add(k, g, glen);
}

static cell *cell_get(op_rollup *r, int hasb, int64_t b, const char *g, size_t glen, int create)
{
	op_buf *k = &r->cellkey;
	key_of(k, hasb, b, g, glen);
	cell *c;
	if (!create) {
		c = op_hmap_get(&r->cells, k->p, k->len);
	} else {
		int isnew;
		void **slot = op_hmap_put(&r->cells, k->p, k->len, &isnew);
		if (isnew) {
			c = op_xcalloc(1, sizeof *c + r->nins * sizeof *c->a);
			c->b = b;
			c->hasb = hasb;
			r->undated_cells |= !hasb && r->kind >= 0;
			c->g = op_xstrndup(g, glen);
			c->glen = glen;
			*slot = c;
		}
		c = *slot;
	}
	return c;
}

/* not within --from/--to, or before them by more than --compare looks */
static int outside(const op_rollup *r, int hasb, int64_t b)
{
	return (r->o.has_from && (!hasb || b < r->keep_from)) || (r->o.has_to && (!hasb || b > r->bto));
}

/* the period of the current record: 1 with *b, 0 none (no time) */
static int period_of(op_rollup *r, op_eval *ev, int64_t *b, int *rc)
{
	op_val v;
	op_time t;
	*rc = 0;
	if (r->kind < 0)
		return 0;
	if (op_eval_expr(ev, r->pexpr, &v)) {
		*rc = -1;
		return 0;
	}
	if (v.t == OP_VNULL)
		return 0;
	if (!op_val_time(ev, &v, &t)) {
		r->unparsable_time++;
		return 0;
	}
	*b = op_bucket_of(r->kind, r->o.tz, t);
	return 1;
}

int op_rollup_record(op_rollup *r, op_eval *ev)
{
	int64_t b = 0;
	int rc, hasb = period_of(r, ev, &b, &rc);
	if (rc)
		return -1;
	/* no date is told apart from out of range: never silently gone */
	if (r->kind >= 0 && !hasb)
		r->undated++;
	if (outside(r, hasb, b)) {
		r->outside += hasb;
		return 0;
	}
	op_buf_reset(&r->tmp);
	for (size_t i = 0; i < r->nkeys; i++) {
		op_val v;
		if (op_eval_expr(ev, r->keys[i].e, &v))
			return -1;
		v.raw = NULL;	/* 1.0 and 1 are one group */
		if (i)
			op_buf_addc(&r->tmp, '\x1f');
		op_val_json(&r->tmp, &v);
	}
	/* evaluate everything before counting anything, so that a record
	 * with an error is not half counted */
	for (size_t i = 0; i < r->nins; i++) {
		input_def *in = &r->ins[i];
		r->conds[i] = in->where ? op_eval_cond(ev, in->where) : 1;
		if (r->conds[i] < 0)
			return -1;
		if (!r->conds[i])
			continue;
		if (in->kind == IN_COND) {
			r->vals[i].t = OP_VBOOL;
			if ((r->vals[i].u.b = op_eval_cond(ev, in->x)) < 0)
				return -1;
		} else if (in->kind == IN_VALUE) {
			if (op_eval_expr(ev, in->x, &r->vals[i]))
				return -1;
			if (in->t) {
				op_val tv;
				if (op_eval_expr(ev, in->t, &tv))
					return -1;
				if (tv.t == OP_VNULL || !op_val_time(ev, &tv, &r->times[i])) {
					if (tv.t != OP_VNULL && in->t != r->pexpr)	/* counted once */
						r->unparsable_time++;
					r->vals[i].t = OP_VNULL;	/* no time: not first, not last */
				}
			}
		}
	}
	cell *c = cell_get(r, hasb, b, r->tmp.p ? r->tmp.p : "", r->tmp.len, 1);
	for (size_t i = 0; i < r->nins; i++) {
		input_def *in = &r->ins[i];
		op_agg *a = &c->a[i];
		op_val *v = &r->vals[i];
		double d;
		if (!r->conds[i])
			continue;
		op_agg_row(a);
		if (in->kind == IN_COND) {
			if (v->u.b)
				op_agg_hit(a);
			continue;
		}
		if (in->kind != IN_VALUE || v->t == OP_VNULL)
			continue;
		op_agg_nonnull(a);
		if (in->needs & (OP_NEED_NUM | OP_NEED_VALUES | OP_NEED_SKETCH | OP_NEED_SUM2)) {
			if (op_val_num(v, &d) && isfinite(d))
				op_agg_num(a, in->needs, d);
			else
				r->unparsable_num++;
		}
		/* the value as JSON only when it is kept: for distinct, or
		 * when its time can make it first or last */
		op_time t = r->times[i];
		if ((in->needs & OP_NEED_DISTINCT) ||
		    ((in->needs & OP_NEED_FIRST) && (!a->fv || t <= a->ft)) ||
		    ((in->needs & OP_NEED_LAST) && (!a->lv || t >= a->lt))) {
			op_buf_reset(&r->key);
			if (v->t == OP_VNUM)
				v->raw = NULL;
			op_val_json(&r->key, v);
			if (in->needs & OP_NEED_DISTINCT)
				op_agg_distinct(a, r->key.p, r->key.len);
			if (in->needs & OP_NEED_FIRST)
				op_agg_first(a, r->times[i], r->key.p, r->key.len);
			if (in->needs & OP_NEED_LAST)
				op_agg_last(a, r->times[i], r->key.p, r->key.len);
		}
	}
	return 0;
}

/* ---- --partial and --merge -------------------------------------------- */

void op_rollup_partial(op_rollup *r, op_emit_fn emit, void *ctx)
{
	op_buf line = {0};
	for (size_t i = 0; i < r->cells.cap; i++) {
		cell *c = r->cells.e[i].val;
		if (!r->cells.e[i].key)
			continue;
		op_buf_reset(&line);
		op_buf_printf(&line, "{\"kpi_rollup_state\":\"%s\",\"period\":", r->sig);
		if (c->hasb)
			op_buf_printf(&line, "%lld", (long long)c->b);
		else
			op_buf_adds(&line, "null");
		op_buf_adds(&line, ",\"keys\":[");
		for (size_t k = 0; k < c->glen; k++)
			op_buf_addc(&line, c->g[k] == '\x1f' ? ',' : c->g[k]);
		op_buf_adds(&line, "],\"states\":[");
		for (size_t k = 0; k < r->nins; k++) {
			if (k)
				op_buf_addc(&line, ',');
			op_agg_dump(&c->a[k], r->ins[k].needs, &line);
		}
		op_buf_adds(&line, "]}");
		emit(ctx, line.p, line.len);
	}
	if (r->undated) {
		op_buf_reset(&line);
		op_buf_printf(&line, "{\"kpi_rollup_state\":\"%s\",\"undated\":%llu}", r->sig, r->undated);
		emit(ctx, line.p, line.len);
	}
	op_buf_free(&line);
}

/* {"kpi_rollup_state":SIG,"undated":N}: the records of a --partial run
 * that had no date */
static int merge_undated(op_rollup *r, const op_field *fu, op_err *err)
{
	double d = fu->type == OP_JNUM ? op_jnum(fu->v, fu->vlen) : -1;
	if (d < 0 || d != floor(d) || d > 1e15) {
		op_errf(err, OP_EXIT_DATAERR, "state: bad undated count");
		return -1;
	}
	r->undated += (unsigned long long)d;
	return 0;
}

int op_rollup_merge(op_rollup *r, op_rec *rec, op_err *err)
{
	const op_field *f = op_rec_get(rec, "kpi_rollup_state", 16);
	const op_field *fp = op_rec_get(rec, "period", 6);
	const op_field *fk = op_rec_get(rec, "keys", 4);
	const op_field *fs = op_rec_get(rec, "states", 6);
	const op_field *fu = op_rec_get(rec, "undated", 7);
	const char *e;
	size_t en, pos = 0, n = 0;
	int64_t b = 0;
	int hasb = 0;
	int undated = f && fu && !fp && !fk && !fs;
	if (!undated && (!f || !fp || !fk || !fs || fk->type != OP_JARR || fs->type != OP_JARR)) {
		op_errf(err, OP_EXIT_DATAERR, "not a kpi-rollup --partial state row");
		return -1;
	}
	if (f->type != OP_JSTR) {
		op_errf(err, OP_EXIT_DATAERR, "not a kpi-rollup --partial state row");
		return -1;
	}
	if (f->vlen != 18 || memcmp(f->v + 1, r->sig, 16)) {
		op_errf(err, OP_EXIT_DATAERR, "state of other KPI definitions (%.*s, these are \"%s\"): "
			 "give --merge the -k and -e of the --partial runs", (int)f->vlen, f->v, r->sig);
		return -1;
	}
	if (undated)
		return merge_undated(r, fu, err);
	if (fp->type == OP_JNUM) {
		double d = op_jnum(fp->v, fp->vlen);
		if (d != floor(d) || fabs(d) > 1e15 || r->kind < 0) {
			op_errf(err, OP_EXIT_DATAERR, "state: bad period");
			return -1;
		}
		b = (int64_t)d;
		hasb = 1;
	} else if (fp->type != OP_JNULL) {
		op_errf(err, OP_EXIT_DATAERR, "state: bad period");
		return -1;
	}
	op_buf_reset(&r->tmp);
	while (op_jarr_next(fk->v, fk->vlen, &pos, &e, &en)) {
		if (n++)
			op_buf_addc(&r->tmp, '\x1f');
		op_buf_add(&r->tmp, e, en);
	}
	if (n != r->nkeys) {
		op_errf(err, OP_EXIT_DATAERR, "state: %zu group keys, not %zu", n, r->nkeys);
		return -1;
	}
	op_agg *a = op_xcalloc(r->nins, sizeof *a);
	pos = n = 0;
	int rc = 0;
	while (!rc && op_jarr_next(fs->v, fs->vlen, &pos, &e, &en)) {
		if (n == r->nins) {
			op_errf(err, OP_EXIT_DATAERR, "state: more states than inputs");
			rc = -1;
		} else if (op_agg_load(&a[n], r->ins[n].needs, e, en, err)) {
			rc = -1;
		} else {
			n++;
		}
	}
	if (!rc && n != r->nins) {
		op_errf(err, OP_EXIT_DATAERR, "state: %zu states, not %zu", n, r->nins);
		rc = -1;
	}
	if (!rc && outside(r, hasb, b))
		r->outside += hasb;	/* the undated were counted by --partial */
	else if (!rc) {
		cell *c = cell_get(r, hasb, b, r->tmp.p ? r->tmp.p : "", r->tmp.len, 1);
		for (size_t i = 0; i < r->nins; i++)
			op_agg_merge(&c->a[i], &a[i], r->ins[i].needs);
	}
	for (size_t i = 0; i < r->nins; i++)
		op_agg_free(&a[i]);
	free(a);
	return rc;
}

/* kpi-rollup -j: a part's state, merged as --merge merges state rows */
void op_rollup_absorb(op_rollup *r, const op_rollup *from)
{
	for (size_t i = 0; i < from->cells.cap; i++) {
		const cell *f = from->cells.e[i].val;
		if (!from->cells.e[i].key)
			continue;
		cell *c = cell_get(r, f->hasb, f->b, f->g, f->glen, 1);
		for (size_t k = 0; k < r->nins; k++)
			op_agg_merge(&c->a[k], &f->a[k], r->ins[k].needs);
	}
	r->unparsable_num += from->unparsable_num;
	r->unparsable_time += from->unparsable_time;
	r->outside += from->outside;
	r->undated += from->undated;
}

/* ---- finishing -------------------------------------------------------- */

/* JSON texts order: false, true, numbers (by value), strings and the
 * rest (by their text), null last; so rows come out in one order
 * whatever order the records came in */
static int rank(const char *v)
{
	switch (op_jtype_of(v)) {
	case OP_JNULL: return 5;
	case OP_JFALSE: return 1;
	case OP_JTRUE: return 2;
	case OP_JNUM: return 3;
	default: return 4;
	}
}

static int cmp_json(const char *a, size_t an, const char *b, size_t bn)
{
	int ra = rank(a), rb = rank(b);
	if (ra != rb)
		return ra - rb;
	if (ra == 3) {
		double x = op_jnum(a, an), y = op_jnum(b, bn);
		if (x != y)
			return x < y ? -1 : 1;
	}
	int c = memcmp(a, b, an < bn ? an : bn);
	return c ? c : (an > bn) - (an < bn);
}

/* the next key of a group text: [*s, *s + *n), advancing *pos */
static void next_key(const char *g, size_t glen, size_t *pos, const char **s, size_t *n)
{
	const char *end = memchr(g + *pos, '\x1f', glen - *pos);
	size_t e = end ? (size_t)(end - g) : glen;
	*s = g + *pos;
	*n = e - *pos;
	*pos = e + 1;
}

static int cmp_group(const cell *a, const cell *b)
{
	size_t pa = 0, pb = 0;
	while (pa < a->glen || pb < b->glen) {
		const char *x, *y;
		size_t xn, yn;
		if (pa >= a->glen || pb >= b->glen)	/* no keys: one group */
			return (pa < a->glen) - (pb < b->glen);
		next_key(a->g, a->glen, &pa, &x, &xn);
		next_key(b->g, b->glen, &pb, &y, &yn);
		int c = cmp_json(x, xn, y, yn);
		if (c)
			return c;
	}
	return 0;
}

static int cmp_cell(const void *va, const void *vb)
{
	const cell *a = *(cell *const *)va, *b = *(cell *const *)vb;
	int c = cmp_group(a, b);
	if (c)
		return c;
	if (a->hasb != b->hasb)	/* rows without a time last */
		return b->hasb - a->hasb;
	return (a->b > b->b) - (a->b < b->b);
}

/* delta rounded to 12 significant digits and percentages to 2 decimals:
 * 3.4 - 5.1 is -1.7, not -1.6999999999999997 */
static void add_rounded(op_buf *out, double d, int pct)
{
	char s[400];	/* %.2f of 1e308 has 312 characters */
	if (pct)
		snprintf(s, sizeof s, "%.2f", d);
	else
		snprintf(s, sizeof s, "%.12g", d);
	op_val v = { .t = OP_VNUM, .u.n = strtod(s, NULL) };
	op_val_json(out, &v);
}

typedef struct {
	op_rollup *r;
	op_grid t;
	op_agg *empty;
	int64_t lo, hi;		/* --fill range */
	op_buf row, vals, prevs;
	size_t *voff, *poff;
	double *vnum, *pnum;
	int *vok, *pok;
	uint64_t *vn, *pn;	/* the bases, "base_n" */
} finisher;

/* does the kpi apply to the group (its `for`)? */
static int applies(const kpi_def *k, const char *g, size_t glen)
{
	if (k->for_idx < 0)
		return 1;
	const char *s = "";
	size_t n = 0, pos = 0;
	for (int i = 0; i <= k->for_idx; i++)
		next_key(g, glen, &pos, &s, &n);
	for (size_t i = 0; i < k->nfor; i++)
		if (strlen(k->for_vals[i]) == n && !memcmp(k->for_vals[i], s, n))
			return 1;
	return 0;
}

/* how many records the kpi's value of a cell stands on: for a count,
 * the group's records (5 breaches of 6 enquiries is not a small base);
 * for a rate, the records its `when` let in; else the values it had */
static uint64_t base_n(const op_rollup *r, const kpi_def *k, const cell *c)
{
	if (!c)
		return 0;
	const op_agg *a = &c->a[k->in];
	switch (k->fn) {
	case OP_AGG_COUNT: case OP_AGG_COUNTV: case OP_AGG_SUM: case OP_AGG_DISTINCT:
		return c->a[r->rows_in].rows;
	case OP_AGG_RATE:
		return a->rows;
	case OP_AGG_FIRST: case OP_AGG_LAST:
		return a->nonnull;
	default:
		return a->nums;
	}
}

/* count(), count(x) and distinct(x): what a report calls a count */
static int is_count(const kpi_def *k)
{
	return k->fn == OP_AGG_COUNT || k->fn == OP_AGG_COUNTV || k->fn == OP_AGG_DISTINCT;
}

static const char *kind_of(const kpi_def *k)
{
	return is_count(k) ? "count" : k->fn == OP_AGG_RATE ? "rate" : "value";
}

/* the KPI values of a cell (NULL: an empty one) of group g into buf,
 * offsets, numbers, bases */
static void values(finisher *f, cell *c, const char *g, size_t glen, op_buf *buf, size_t *off,
		   double *num, int *ok, uint64_t *base)
{
	op_rollup *r = f->r;
	op_buf_reset(buf);
	for (size_t i = 0; i < r->nkpis; i++) {
		kpi_def *k = &r->kpis[i];
		op_agg *a = c ? &c->a[k->in] : &f->empty[k->in];
		off[i] = buf->len;
		if (applies(k, g, glen)) {
			ok[i] = op_agg_result(a, k->fn, k->q, buf, &num[i]);
			base[i] = base_n(r, k, c);
		} else {
			op_buf_adds(buf, "null");
			ok[i] = 0;
			base[i] = 0;
		}
	}
	off[r->nkpis] = buf->len;
}

/* ,"base_n":{"KPI":N,...} */
static void add_bases(op_buf *o, const op_rollup *r, const uint64_t *base)
{
	op_buf_adds(o, ",\"base_n\":{");
	for (size_t i = 0; i < r->nkpis; i++) {
		if (i)
			op_buf_addc(o, ',');
		op_buf_json_cstr(o, r->kpis[i].name);
		op_buf_printf(o, ":%llu", (unsigned long long)base[i]);
	}
	op_buf_addc(o, '}');
}

/* is the change of kpi i on too few records to be one?  A count's
 * change is measured against the period before; anything else stands
 * on this period's records too */
static int low_n(const finisher *f, size_t i)
{
	const kpi_def *k = &f->r->kpis[i];
	return f->vok[i] && f->pok[i] && (f->pn[i] < k->min_n || (!is_count(k) && f->vn[i] < k->min_n));
}

enum meta { M_OWNER, M_UNIT, M_LABEL, M_DEFINITION, M_KIND, M_MIN_N, M_DIGITS };
static const char *const meta_names[] = { "owner", "unit", "label", "definition", "kind", "min_n", "digits" };

/* kpi k's entry in the meta map m as JSON text into v; 0: it has none */
static int meta_of(const kpi_def *k, enum meta m, op_buf *v)
{
	const char *s = NULL;
	switch (m) {
	case M_OWNER: s = k->owner; break;
	case M_UNIT: s = k->unit; break;
	case M_LABEL: s = k->label ? k->label : k->name; break;
	case M_DEFINITION: s = k->definition; break;
	case M_KIND: s = kind_of(k); break;
	case M_MIN_N: op_buf_printf(v, "%.0f", k->min_n); return 1;
	case M_DIGITS:
		if (k->digits < 0)
			return 0;
		op_buf_printf(v, "%d", k->digits);
		return 1;
	}
	if (s)
		op_buf_json_cstr(v, s);
	return s != NULL;
}

/* ,"kpi":{"by":[...],"names":[...],"owner":{...},...}: what a reader
 * needs to present the rows (opflow-record(7)) */
static void add_kpi_meta(op_buf *o, op_rollup *r)
{
	op_buf_adds(o, ",\"kpi\":{\"by\":[");
	for (size_t i = 0; i < r->nkeys; i++) {
		if (i)
			op_buf_addc(o, ',');
		op_buf_json_cstr(o, r->keys[i].name);
	}
	op_buf_adds(o, "],\"names\":[");
	for (size_t i = 0; i < r->nkpis; i++) {
		if (i)
			op_buf_addc(o, ',');
		op_buf_json_cstr(o, r->kpis[i].name);
	}
	op_buf_addc(o, ']');
	for (enum meta m = M_OWNER; m <= M_DIGITS; m++) {
		op_buf_printf(o, ",\"%s\":{", meta_names[m]);
		int first = 1;
		for (size_t i = 0; i < r->nkpis; i++) {
			op_buf_reset(&r->key);
			if (!meta_of(&r->kpis[i], m, &r->key))
				continue;
			if (!first)
				op_buf_addc(o, ',');
			first = 0;
			op_buf_json_cstr(o, r->kpis[i].name);
			op_buf_addc(o, ':');
			op_buf_add(o, r->key.p, r->key.len);
		}
		op_buf_addc(o, '}');
	}
	/* records no row counts, for kpi-report to say so */
	if (op_rollup_undated(r))
		op_buf_printf(o, ",\"undated\":%llu", r->undated);
	op_buf_addc(o, '}');
}

static void emit_row(finisher *f, cell *c, int hasb, int64_t b, const char *g, size_t glen,
		     op_emit_fn emit, void *ctx, enum op_grid_fmt fmt)
{
	op_rollup *r = f->r;
	op_buf *o = &f->row;
	char label[24], plabel[24] = "";
	size_t pos = 0, ln = 0;
	op_buf_reset(o);
	values(f, c, g, glen, &f->vals, f->voff, f->vnum, f->vok, f->vn);
	/* cells in the order of the columns: period, keys, kpis, then with
	 * --compare prev.period, prev.*, delta.*, delta_pct.* */
	op_buf cellv = {0};
	op_buf_adds(o, "{\"period\":");
	if (hasb) {
		ln = op_bucket_label(r->kind, b, label);
		op_buf_json_str(&cellv, label, ln);
	} else {
		op_buf_adds(&cellv, r->kind < 0 ? "\"all\"" : "null");
	}
	op_buf_add(o, cellv.p, cellv.len);
	if (fmt != OP_FMT_JSONL)
		op_grid_cell(&f->t, cellv.p, cellv.len);
	for (size_t i = 0; i < r->nkeys; i++) {
		const char *s;
		size_t n;
		next_key(g, glen, &pos, &s, &n);
		op_buf_addc(o, ',');
		op_buf_json_cstr(o, r->keys[i].name);
		op_buf_addc(o, ':');
		op_buf_add(o, s, n);
		if (fmt != OP_FMT_JSONL)
			op_grid_cell(&f->t, s, n);
	}
	for (size_t i = 0; i < r->nkpis; i++) {
		op_buf_addc(o, ',');
		op_buf_json_cstr(o, r->kpis[i].name);
		op_buf_addc(o, ':');
		op_buf_add(o, f->vals.p + f->voff[i], f->voff[i + 1] - f->voff[i]);
		if (fmt != OP_FMT_JSONL)
			op_grid_cell(&f->t, f->vals.p + f->voff[i], f->voff[i + 1] - f->voff[i]);
	}
	add_bases(o, r, f->vn);
	if (r->o.compare) {
		int64_t pb = 0;
		int has_prev = hasb && (r->o.compare == OP_CMP_PREVIOUS ? (pb = b - 1, 1)
							    : op_bucket_year_before(r->kind, b, &pb));
		cell *pc = has_prev ? cell_get(r, 1, pb, g, glen, 0) : NULL;
		int exists = pc || (has_prev && r->o.fill && pb >= f->lo && pb <= f->hi);
		values(f, pc, g, glen, &f->prevs, f->poff, f->pnum, f->pok, f->pn);
		if (has_prev)
			op_bucket_label(r->kind, pb, plabel);
		op_buf_reset(&cellv);
		if (has_prev)
			op_buf_json_cstr(&cellv, plabel);
		else
			op_buf_adds(&cellv, "null");
		op_buf_adds(o, ",\"prev\":{\"period\":");
		op_buf_add(o, cellv.p, cellv.len);
		if (fmt != OP_FMT_JSONL)
			op_grid_cell(&f->t, cellv.p, cellv.len);
		for (size_t i = 0; i < r->nkpis; i++) {
			op_buf_addc(o, ',');
			op_buf_json_cstr(o, r->kpis[i].name);
			op_buf_addc(o, ':');
			const char *pv = exists ? f->prevs.p + f->poff[i] : "null";
			size_t pn = exists ? f->poff[i + 1] - f->poff[i] : 4;
			op_buf_add(o, pv, pn);
			if (fmt != OP_FMT_JSONL)
				op_grid_cell(&f->t, pv, pn);
			f->pok[i] &= exists;
			if (!exists)
				f->pn[i] = 0;
		}
		add_bases(o, r, f->pn);
		for (int pct = 0; pct < 2; pct++) {
			op_buf_adds(o, pct ? "},\"delta_pct\":{" : "},\"delta\":{");
			for (size_t i = 0; i < r->nkpis; i++) {
				if (i)
					op_buf_addc(o, ',');
				op_buf_json_cstr(o, r->kpis[i].name);
				op_buf_addc(o, ':');
				op_buf_reset(&cellv);
				double cur = f->vnum[i], prev = f->pnum[i];
				if (!f->vok[i] || !f->pok[i] || (pct && prev == 0) || low_n(f, i))
					op_buf_adds(&cellv, "null");
				else if (pct)
					add_rounded(&cellv, (cur - prev) / fabs(prev) * 100, 1);
				else
					add_rounded(&cellv, cur - prev, 0);
				op_buf_add(o, cellv.p, cellv.len);
				if (fmt != OP_FMT_JSONL)
					op_grid_cell(&f->t, cellv.p, cellv.len);
			}
		}
		op_buf_addc(o, '}');
		/* the changes left null for their small base, by name */
		int any = 0;
		for (size_t i = 0; i < r->nkpis; i++)
			if (low_n(f, i)) {
				op_buf_adds(o, any++ ? "," : ",\"low_n\":[");
				op_buf_json_cstr(o, r->kpis[i].name);
			}
		if (any)
			op_buf_addc(o, ']');
	}
	op_buf_free(&cellv);
	if (fmt == OP_FMT_JSONL) {
		add_kpi_meta(o, r);
		op_buf_addc(o, '}');
		emit(ctx, o->p, o->len);
	}
}

int op_rollup_finish(op_rollup *r, enum op_grid_fmt fmt, op_emit_fn emit, void *ctx, op_err *err)
{
	finisher f = { .r = r };
	size_t n = 0;
	cell **all = op_xcalloc(r->cells.n + 1, sizeof *all);
	int first = 1;
	for (size_t i = 0; i < r->cells.cap; i++) {
		cell *c = r->cells.e[i].val;
		if (!r->cells.e[i].key)
			continue;
		if (c->hasb && ((r->o.has_from && c->b < r->bfrom) || (r->o.has_to && c->b > r->bto)))
			continue;	/* kept for --compare only */
		all[n++] = c;
		if (c->hasb && (first || c->b < f.lo))
			f.lo = c->b;
		if (c->hasb && (first || c->b > f.hi))
			f.hi = c->b;
		if (c->hasb)
			first = 0;
	}
	if (r->o.has_from)
		f.lo = r->bfrom;
	if (r->o.has_to)
		f.hi = r->bto;
	int range = !first || r->o.has_from || r->o.has_to;
	if (r->o.fill && range && f.hi - f.lo >= 100000) {
		char a[24], b[24];
		op_bucket_label(r->kind, f.lo, a);
		op_bucket_label(r->kind, f.hi, b);
		op_errf(err, OP_EXIT_USAGE, "--fill: %lld periods from %s to %s, more than 100000",
			 (long long)(f.hi - f.lo + 1), a, b);
		free(all);
		return -1;
	}
	qsort(all, n, sizeof *all, cmp_cell);
	f.empty = op_xcalloc(r->nins, sizeof *f.empty);
	f.voff = op_xcalloc(r->nkpis + 1, sizeof *f.voff);
	f.poff = op_xcalloc(r->nkpis + 1, sizeof *f.poff);
	f.vnum = op_xcalloc(r->nkpis, sizeof *f.vnum);
	f.pnum = op_xcalloc(r->nkpis, sizeof *f.pnum);
	f.vok = op_xcalloc(r->nkpis, sizeof *f.vok);
	f.pok = op_xcalloc(r->nkpis, sizeof *f.pok);
	f.vn = op_xcalloc(r->nkpis, sizeof *f.vn);
	f.pn = op_xcalloc(r->nkpis, sizeof *f.pn);
	if (fmt != OP_FMT_JSONL) {
		size_t ncol = 1 + r->nkeys + r->nkpis * (r->o.compare ? 4 : 1) + (r->o.compare ? 1 : 0);
		char **names = op_xcalloc(ncol, sizeof *names);
		size_t k = 0;
		names[k++] = op_xstrdup("period");
		for (size_t i = 0; i < r->nkeys; i++)
			names[k++] = op_xstrdup(r->keys[i].name);
		for (size_t i = 0; i < r->nkpis; i++)
			names[k++] = op_xstrdup(r->kpis[i].name);
		if (r->o.compare) {
			names[k++] = op_xstrdup("prev.period");
			static const char *const pre[] = { "prev.", "delta.", "delta_pct." };
			for (int j = 0; j < 3; j++)
				for (size_t i = 0; i < r->nkpis; i++) {
					op_buf b = {0};
					op_buf_printf(&b, "%s%s", pre[j], r->kpis[i].name);
					names[k++] = b.p;
				}
		}
		op_grid_init(&f.t, ncol, (const char *const *)names, fmt);
		for (size_t i = 0; i < ncol; i++)
			free(names[i]);
		free(names);
	}
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && !cmp_group(all[i], all[j]))
			j++;
		/* cells i..j-1 are one group, by period */
		int64_t next = f.lo;
		int fill = r->o.fill && range;
		for (size_t k = i; k < j; k++) {
			if (fill && all[k]->hasb)
				for (; next < all[k]->b; next++)
					emit_row(&f, NULL, 1, next, all[i]->g, all[i]->glen, emit, ctx, fmt);
			if (fill && !all[k]->hasb)
				for (; next <= f.hi; next++)
					emit_row(&f, NULL, 1, next, all[i]->g, all[i]->glen, emit, ctx, fmt);
			emit_row(&f, all[k], all[k]->hasb, all[k]->b, all[k]->g, all[k]->glen, emit, ctx, fmt);
			if (all[k]->hasb)
				next = all[k]->b + 1;
		}
		if (fill && all[j - 1]->hasb)
			for (; next <= f.hi; next++)
				emit_row(&f, NULL, 1, next, all[i]->g, all[i]->glen, emit, ctx, fmt);
		i = j;
	}
	if (fmt != OP_FMT_JSONL) {
		op_grid_write(&f.t, fmt, emit, ctx);
		op_grid_free(&f.t);
	}
	free(all);
	free(f.empty);
	free(f.voff);
	free(f.poff);
	free(f.vnum);
	free(f.pnum);
	free(f.vok);
	free(f.pok);
	free(f.vn);
	free(f.pn);
	op_buf_free(&f.row);
	op_buf_free(&f.vals);
	op_buf_free(&f.prevs);
	return 0;
}

void op_rollup_stats(const op_rollup *r, op_buf *out)
{
	op_buf_printf(out, ",\"cells\":%zu,\"not_numbers\":%llu,\"not_times\":%llu,\"outside\":%llu"
		      ",\"undated\":%llu", r->cells.n, r->unparsable_num, r->unparsable_time, r->outside,
		      r->undated);
}

unsigned long long op_rollup_undated(const op_rollup *r)
{
	/* without --from/--to they are in the rows whose period is null,
	 * unless --partial runs with --from/--to left them out */
	int in_rows = !r->o.has_from && !r->o.has_to && r->undated_cells;
	return in_rows ? 0 : r->undated;
}

static void free_cell(void *p, size_t nins)
{
	cell *c = p;
	for (size_t i = 0; i < nins; i++)
		op_agg_free(&c->a[i]);
	free(c->g);
	free(c);
}

void op_rollup_free(op_rollup *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->cells.cap; i++)
		if (r->cells.e[i].key)
			free_cell(r->cells.e[i].val, r->nins);
	op_hmap_free(&r->cells, NULL);
	op_buf_free(&r->key);
	op_buf_free(&r->tmp);
	op_buf_free(&r->cellkey);
	free(r->vals);
	free(r->conds);
	free(r->times);
	free(r->kpis);
	free(r->ins);
	free(r);
}
