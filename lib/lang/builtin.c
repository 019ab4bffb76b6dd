/* builtin.c - the functions of the rule language, as a table (the list
 * of jq's builtin.c is the model): its name, how many arguments it takes,
 * the programs that offer it, and its implementation.  The parser checks
 * calls against the table; the evaluator calls through it.  Each is
 * documented in man/opflow-rules.5.  MIT licence, see COPYING. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ast.h"

static void number(op_val *out, double d)
{
	out->t = OP_VNUM;
	out->u.n = d;
}

static void boolean(op_val *out, int b)
{
	out->t = OP_VBOOL;
	out->u.b = b;
}

static int fn_now(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	(void)e, (void)a;
	out->t = OP_VTIME;
	out->u.tm = ev->now;
	return 0;
}

/* the first argument that is neither null nor "", evaluated in turn */
static int fn_coalesce(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	(void)a;
	for (size_t i = 0; i < e->nargs; i++) {
		if (op_eval_expr(ev, e->args[i], out))
			return -1;
		if (out->t != OP_VNULL && !(out->t == OP_VSTR && !out->u.str.len))
			return 0;
	}
	memset(out, 0, sizeof *out);
	return 0;
}

/* prev(x), mean_prev(x, N), stddev_prev(x, N): from the values x had for
 * the group's earlier records (op_history_commit); arg 0, 1, 2 */
static int fn_history(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	(void)a;
	ring *r = op_hist_ring(e, ev, 0);
	if (!r || !r->n)
		return 0;
	if (e->fn->arg == 0) {
		*out = r->v[(r->next + e->window - 1) % e->window];
		return 0;
	}
	double sum = 0, sq = 0;
	size_t k = 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].t == OP_VNUM)
			sum += r->v[i].u.n, k++;
	if (!k || (e->fn->arg == 2 && k < 2))
		return 0;
	double mean = sum / (double)k;
	if (e->fn->arg == 1) {
		number(out, mean);
		return 0;
	}
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].t == OP_VNUM)
			sq += (r->v[i].u.n - mean) * (r->v[i].u.n - mean);
	number(out, sqrt(sq / (double)(k - 1)));	/* sample standard deviation */
	return 0;
}

static int fn_len(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	(void)ev, (void)e;
	out->t = OP_VNUM;
	if (a->t == OP_VSTR) {
		size_t chars = 0;	/* characters, not bytes */
		for (size_t i = 0; i < a->u.str.len; i++)
			chars += ((unsigned char)a->u.str.s[i] & 0xC0) != 0x80;
		out->u.n = (double)chars;
	} else if (a->t == OP_VLIST) {
		out->u.n = (double)a->u.list.n;
	} else if (a->t == OP_VJSON) {
		size_t pos = 0, k = 0, n;
		const char *v;
		if (*a->u.str.s == '[')
			while (op_jarr_next(a->u.str.s, a->u.str.len, &pos, &v, &n))
				k++;
		out->u.n = (double)k;
	} else if (a->t == OP_VNULL) {
		out->u.n = 0;
	} else {
		out->t = OP_VNULL;
	}
	return 0;
}

/* lower (arg 0), upper (1): ASCII only; other letters pass through
 * unchanged (documented) */
static int fn_case(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	const char *s;
	size_t n;
	int up = e->fn->arg;
	if (a->t == OP_VNULL)
		return 0;
	op_val_as_text(ev, a, &s, &n);
	char *c = op_eval_scratch(ev, n);
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (up && ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 32);
		else if (!up && ch >= 'A' && ch <= 'Z')
			ch = (char)(ch + 32);
		c[i] = ch;
	}
	op_val_str(out, c, n);
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int fn_trim(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	(void)e;
	const char *s;
	size_t n;
	if (a->t == OP_VNULL)
		return 0;
	op_val_as_text(ev, a, &s, &n);
	while (n && is_space(*s))
		s++, n--;
	while (n && is_space(s[n - 1]))
		n--;
	op_val_str(out, s, n);
	return 0;
}

/* join(list, sep): the items as text, sep (default ", ") between */
static int fn_join(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	const char *sep = ", ";
	size_t seplen = 2;
	if (a[0].t == OP_VNULL)
		return 0;
	if (e->nargs == 2)
		op_val_as_text(ev, &a[1], &sep, &seplen);
	op_buf b = {0};		/* not ev->tmp: decoding an item uses it */
	op_val_join(ev, &a[0], sep, seplen, &b);
	op_val_str_from(ev, out, &b);
	return 0;
}

/* has(x): present and not empty; has(container, x): x is in it */
static int fn_has(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	if (e->nargs == 1)
		boolean(out, op_truthy(&a[0]) || a[0].t == OP_VNUM || a[0].t == OP_VBOOL);
	else
		boolean(out, op_val_member(ev, &a[1], &a[0]));
	return 0;
}

/* contains (arg 0), startswith (1), endswith (2) */
static int fn_substr(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	const char *s, *t;
	size_t n, m;
	boolean(out, 0);
	if (a[0].t == OP_VNULL || a[1].t == OP_VNULL)
		return 0;
	op_val_as_text(ev, &a[0], &s, &n);
	op_val_as_text(ev, &a[1], &t, &m);
	if (m > n)
		return 0;
	out->u.b = e->fn->arg == 0 ? memmem(s, n, t, m) != NULL
		 : e->fn->arg == 1 ? !memcmp(s, t, m) : !memcmp(s + n - m, t, m);
	return 0;
}

/* minutes, hours, days (arg: seconds in the unit) between two times */
static int fn_between(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	op_time s, t;
	if (op_val_time(ev, &a[0], &s) && op_val_time(ev, &a[1], &t))
		number(out, (double)(t - s) / e->fn->arg);
	return 0;
}

/* bhours (arg 1), bdays (2): business time between two times in the
 * loaded calendar (lib/calfile), null when either is not a time */
static int fn_business(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	op_time s, t;
	if (!ev->between)
		return op_eval_fail(ev, "%s() needs a calendar (--calendar FILE)", e->fn->name);
	if (op_val_time(ev, &a[0], &s) && op_val_time(ev, &a[1], &t))
		number(out, ev->between(ev, s, t, e->fn->arg));
	return 0;
}

enum { CAL_YEAR, CAL_QUARTER, CAL_MONTH, CAL_WEEK, CAL_DAY, CAL_WEEKDAY, CAL_HOUR };

/* the calendar of a time in the --tz zone (arg: a CAL_) */
static int fn_calendar(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	static const char *wd[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
	op_time t;
	op_tm tm;
	if (!op_val_time(ev, a, &t))
		return 0;
	op_tz_local(ev->tz, t, &tm);
	char *c = op_eval_scratch(ev, 32);
	switch (e->fn->arg) {
	case CAL_YEAR: number(out, (double)tm.year); return 0;
	case CAL_HOUR: number(out, tm.hour); return 0;
	/* the name as it is, not printed: the built-in rules ask it of
	 * every record, and snprintf was half of this function's time */
	case CAL_WEEKDAY: op_val_str(out, wd[tm.wday], 3); return 0;
	case CAL_QUARTER: snprintf(c, 32, "%04lld-Q%u", (long long)tm.year, (tm.month + 2) / 3); break;
	case CAL_MONTH: snprintf(c, 32, "%04lld-%02u", (long long)tm.year, tm.month); break;
	case CAL_DAY: snprintf(c, 32, "%04lld-%02u-%02u", (long long)tm.year, tm.month, tm.day); break;
	case CAL_WEEK: {
		int64_t iy;
		unsigned w;
		op_iso_week(op_days_from_civil(tm.year, tm.month, tm.day), &iy, &w);
		snprintf(c, 32, "%04lld-W%02u", (long long)iy, w);
		break;
	}
	}
	op_val_str(out, c, strlen(c));
	return 0;
}

static int fn_number(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	(void)ev, (void)e;
	double x;
	if (op_val_num(a, &x))
		number(out, x);
	return 0;
}

static int fn_string(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	(void)e;
	const char *s;
	size_t n;
	if (a->t != OP_VNULL) {
		op_val_as_text(ev, a, &s, &n);
		op_val_str(out, s, n);
	}
	return 0;
}

static int fn_time(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	(void)e;
	op_time t;
	if (op_val_time(ev, a, &t)) {
		out->t = OP_VTIME;
		out->u.tm = t;
	}
	return 0;
}

static int fn_abs(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	(void)ev, (void)e;
	double x;
	if (op_val_num(a, &x)) {
		number(out, fabs(x));
	} else if (a->t == OP_VDUR) {
		*out = *a;
		out->u.dur = a->u.dur < 0 ? -a->u.dur : a->u.dur;
	}
	return 0;
}

static int fn_round(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	(void)ev;
	double x, y, k = 1;
	if (!op_val_num(&a[0], &x))
		return 0;
	if (e->nargs == 2 && op_val_num(&a[1], &y) && y >= 0 && y <= 15)
		k = pow(10, floor(y));
	number(out, round(x * k) / k);
	return 0;
}

/* min (arg 0), max (1): of two comparable values; null gives the other */
static int fn_minmax(op_eval *ev, const op_expr *e, const op_val *a, op_val *out)
{
	int r;
	if (a[0].t == OP_VNULL || a[1].t == OP_VNULL)
		*out = a[0].t == OP_VNULL ? a[1] : a[0];
	else if (op_val_compare(ev, &a[0], &a[1], &r))
		*out = (e->fn->arg == 0) == (r <= 0) ? a[0] : a[1];
	return 0;
}

#define LAZY 1
const op_builtin op_builtins[] = {
	{ "len", 1, 1, 0, 0, 0, fn_len },
	{ "lower", 1, 1, 0, 0, 0, fn_case },
	{ "upper", 1, 1, 0, 0, 1, fn_case },
	{ "trim", 1, 1, 0, 0, 0, fn_trim },
	{ "has", 1, 2, 0, 0, 0, fn_has },
	{ "join", 1, 2, 0, 0, 0, fn_join },
	{ "contains", 2, 2, 0, 0, 0, fn_substr },
	{ "startswith", 2, 2, 0, 0, 1, fn_substr },
	{ "endswith", 2, 2, 0, 0, 2, fn_substr },
	{ "coalesce", 1, 32, 0, LAZY, 0, fn_coalesce },
	{ "now", 0, 0, 0, LAZY, 0, fn_now },
	{ "minutes", 2, 2, 0, 0, 60, fn_between },
	{ "hours", 2, 2, 0, 0, 3600, fn_between },
	{ "days", 2, 2, 0, 0, 86400, fn_between },
	{ "bhours", 2, 2, 0, 0, 1, fn_business },
	{ "bdays", 2, 2, 0, 0, 2, fn_business },
	{ "year", 1, 1, 0, 0, CAL_YEAR, fn_calendar },
	{ "quarter", 1, 1, 0, 0, CAL_QUARTER, fn_calendar },
	{ "month", 1, 1, 0, 0, CAL_MONTH, fn_calendar },
	{ "week", 1, 1, 0, 0, CAL_WEEK, fn_calendar },
	{ "day", 1, 1, 0, 0, CAL_DAY, fn_calendar },
	{ "weekday", 1, 1, 0, 0, CAL_WEEKDAY, fn_calendar },
	{ "hour", 1, 1, 0, 0, CAL_HOUR, fn_calendar },
	{ "number", 1, 1, 0, 0, 0, fn_number },
	{ "string", 1, 1, 0, 0, 0, fn_string },
	{ "time", 1, 1, 0, 0, 0, fn_time },
	{ "abs", 1, 1, 0, 0, 0, fn_abs },
	{ "round", 1, 2, 0, 0, 0, fn_round },
	{ "min", 2, 2, 0, 0, 0, fn_minmax },
	{ "max", 2, 2, 0, 0, 1, fn_minmax },
	/* the history is exc-flag's: its argument is evaluated after the
	 * record (op_history_commit), not at the call */
	{ "prev", 1, 1, OP_FEAT_HISTORY, LAZY, 0, fn_history },
	{ "mean_prev", 2, 2, OP_FEAT_HISTORY, LAZY, 1, fn_history },
	{ "stddev_prev", 2, 2, OP_FEAT_HISTORY, LAZY, 2, fn_history },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};

const op_builtin *op_builtin_find(const char *name, size_t len)
{
	for (const op_builtin *f = op_builtins; f->name; f++)
		if (strlen(f->name) == len && !memcmp(f->name, name, len))
			return f;
	return NULL;
}

int op_builtin_business(const op_builtin *f)
{
	return f->fn == fn_business;
}

void op_builtin_names(const char **out)
{
	size_t n = 0;
	for (const op_builtin *f = op_builtins; f->name; f++)
		out[n++] = f->name;
	out[n] = NULL;
}
