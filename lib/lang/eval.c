/* eval.c - values and the evaluation of expression trees against a
 * record: fields decoded on demand, comparisons, arithmetic on numbers,
 * times and durations, calls through the table of builtin.c, and the
 * history exc-flag keeps across records.  MIT licence, see COPYING.
 * The semantics worth a second look (man/opflow-rules.5):
 *   - a missing field is null; null == null only; ordering comparisons
 *     and regex matches with null are false; != is the negation of ==;
 *   - a string compared with a number is read as a number when it is one,
 *     compared with a time it is read as a time (naive times in --tz);
 *     two strings that are both RFC 3339 times compare as times;
 *   - regexes are literals, compiled once; =~ on a string from a variable
 *     would mean compiling per record, so the language has no such thing.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "datefmt.h"

/* ---- values ---------------------------------------------------------- */

void op_eval_init(op_eval *ev, op_time now, const op_tz *tz)
{
	memset(ev, 0, sizeof *ev);
	ev->now = now;
	ev->tz = tz;
}

void op_eval_record(op_eval *ev, op_rec *r)
{
	ev->rec = r;
	ev->gen++;
	op_arena_reset(&ev->scratch);
	ev->err[0] = 0;
}

void op_eval_free(op_eval *ev)
{
	op_arena_free(&ev->scratch);
	op_buf_free(&ev->tmp);
}

int op_eval_fail(op_eval *ev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ev->err, sizeof ev->err, fmt, ap);
	va_end(ap);
	return -1;
}

/* A JSON value span from the record as a value. */
static void from_span(op_eval *ev, const char *v, size_t n, int esc, op_val *out)
{
	memset(out, 0, sizeof *out);
	switch (op_jtype_of(v)) {
	case OP_JSTR:
		if (!esc) {
			op_val_str(out, v + 1, n - 2);
		} else {
			const char *s;
			size_t len;
			op_jstr(v, n, 1, &ev->tmp, &s, &len);
			char *c = op_eval_scratch(ev, len);
			memcpy(c, s, len);
			op_val_str(out, c, len);
		}
		break;
	case OP_JNUM:
		out->t = OP_VNUM;
		out->u.n = op_jnum(v, n);
		out->raw = v;
		out->rawlen = n;
		break;
	case OP_JTRUE: out->t = OP_VBOOL; out->u.b = 1; break;
	case OP_JFALSE: out->t = OP_VBOOL; break;
	case OP_JNULL: break;
	default: out->t = OP_VJSON; out->u.str.s = v; out->u.str.len = n;
	}
}

int op_val_num(const op_val *v, double *d)
{
	if (v->t == OP_VNUM) {
		*d = v->u.n;
		return 1;
	}
	if (v->t == OP_VSTR && v->u.str.len && v->u.str.len < 64) {
		char tmp[64], *end;
		memcpy(tmp, v->u.str.s, v->u.str.len);
		tmp[v->u.str.len] = 0;
		/* numbers only: strtod would also read "nan", "inf", hex */
		const char *q = tmp + (tmp[0] == '-' || tmp[0] == '+');
		if (!((*q >= '0' && *q <= '9') || (*q == '.' && q[1] >= '0' && q[1] <= '9')))
			return 0;
		if (strpbrk(tmp, "xXnN"))
			return 0;
		*d = strtod(tmp, &end);
		return !*end && isfinite(*d);
	}
	return 0;
}

static int str_time(op_eval *ev, const char *s, size_t n, op_time *t)
{
	int naive = 0;
	/* cheap first look: times start with four digits and a '-' */
	if (n < 10 || s[4] != '-' || s[0] < '0' || s[0] > '9')
		return 0;
	if (op_time_parse(s, n, t, &naive))
		return 0;
	if (naive && ev->tz)
		*t = op_tz_to_utc(ev->tz, *t, NULL);
	return op_time_in_range(*t);
}

int op_val_time(op_eval *ev, const op_val *v, op_time *t)
{
	if (v->t == OP_VTIME) {
		*t = v->u.tm;
		return 1;
	}
	if (v->t == OP_VSTR)
		return str_time(ev, v->u.str.s, v->u.str.len, t);
	return 0;
}

static void fmt_num(op_buf *b, double d)
{
	if (d == floor(d) && fabs(d) < 1e15) {
		op_buf_printf(b, "%.0f", d == 0 ? 0.0 : d);	/* no "-0" */
		return;
	}
	/* the shortest text that reads back as the same double */
	char tmp[32];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	op_buf_adds(b, tmp);
}

static void fmt_dur(op_buf *b, const op_val *v)
{
	int64_t s = v->u.dur;
	if (v->business == 1) {
		op_buf_printf(b, "%lldbh", (long long)(s / 60));
		return;
	}
	if (v->business == 2) {
		op_buf_printf(b, "%lldbd", (long long)s);
		return;
	}
	if (s < 0) {
		op_buf_addc(b, '-');
		s = -s;
	}
	if (!s)
		op_buf_adds(b, "0s");
	static const struct { int64_t n; char u; } units[] = { { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' } };
	for (size_t i = 0; i < 4; i++)
		if (s >= units[i].n) {
			op_buf_printf(b, "%lld%c", (long long)(s / units[i].n), units[i].u);
			s %= units[i].n;
		}
}

void op_val_json(op_buf *b, const op_val *v)
{
	char t[21];
	switch (v->t) {
	case OP_VNULL: op_buf_adds(b, "null"); break;
	case OP_VBOOL: op_buf_adds(b, v->u.b ? "true" : "false"); break;
	case OP_VNUM:
		if (v->raw)
			op_buf_add(b, v->raw, v->rawlen);
		else if (!isfinite(v->u.n))
			op_buf_adds(b, "null");
		else
			fmt_num(b, v->u.n);
		break;
	case OP_VSTR: op_buf_json_str(b, v->u.str.s, v->u.str.len); break;
	case OP_VTIME:
		op_time_format(v->u.tm, t);
		op_buf_json_str(b, t, 20);
		break;
	case OP_VDUR: {
		op_buf d = {0};
		fmt_dur(&d, v);
		op_buf_json_str(b, d.p, d.len);
		op_buf_free(&d);
		break;
	}
	case OP_VLIST:
		op_buf_addc(b, '[');
		for (size_t i = 0; i < v->u.list.n; i++) {
			if (i)
				op_buf_addc(b, ',');
			op_val_json(b, &v->u.list.v[i]);
		}
		op_buf_addc(b, ']');
		break;
	case OP_VJSON: op_buf_add(b, v->u.str.s, v->u.str.len); break;
	}
}

void op_val_text(op_buf *b, const op_val *v)
{
	char t[21];
	switch (v->t) {
	case OP_VNULL: break;
	case OP_VSTR: op_buf_add(b, v->u.str.s, v->u.str.len); break;
	case OP_VTIME: op_time_format(v->u.tm, t); op_buf_add(b, t, 20); break;
	case OP_VDUR: fmt_dur(b, v); break;
	case OP_VLIST:
		for (size_t i = 0; i < v->u.list.n; i++) {
			if (i)
				op_buf_adds(b, ", ");
			op_val_text(b, &v->u.list.v[i]);
		}
		break;
	default: op_val_json(b, v);
	}
}

int op_truthy(const op_val *v)
{
	switch (v->t) {
	case OP_VNULL: return 0;
	case OP_VBOOL: return v->u.b;
	case OP_VNUM: return v->u.n != 0;
	case OP_VSTR: return v->u.str.len != 0;
	case OP_VLIST: return v->u.list.n != 0;
	case OP_VJSON: return v->u.str.len > 2;	/* not [] or {} */
	default: return 1;
	}
}

void op_val_as_text(op_eval *ev, const op_val *v, const char **s, size_t *n)
{
	if (v->t == OP_VSTR) {
		*s = v->u.str.s;
		*n = v->u.str.len;
		return;
	}
	op_buf b = {0};
	op_val_text(&b, v);
	char *c = op_eval_scratch(ev, b.len);
	if (b.len)
		memcpy(c, b.p, b.len);
	*s = c;
	*n = b.len;
	op_buf_free(&b);
}

/* ---- evaluation ------------------------------------------------------ */

static int eval(op_eval *ev, const op_expr *e, op_val *out);
static int slot(op_eval *ev, const op_expr *e, op_buf *out);

int op_path_span(op_eval *ev, const op_expr *e0, const char **v, size_t *n, int *esc)
{
	op_expr *e = (op_expr *)e0;	/* the field cache is the only thing written */
	if (!ev->rec)
		return 0;
	const op_field *f;
	if (e->gen == ev->gen) {
		f = e->cached;
	} else {
		f = op_rec_get(ev->rec, e->segs[0].name, e->segs[0].len);
		e->cached = f;
		e->gen = ev->gen;
	}
	if (!f)
		return 0;
	*v = f->v;
	*n = f->vlen;
	for (size_t i = 1; i < e->nseg; i++) {
		int ok = e->segs[i].idx >= 0 ? op_jarr_get(*v, *n, (size_t)e->segs[i].idx, v, n)
					     : op_jobj_get(*v, *n, e->segs[i].name, e->segs[i].len, v, n, &ev->tmp);
		if (!ok)
			return 0;
	}
	*esc = e->nseg == 1 ? f->vesc : memchr(*v, '\\', *n) != NULL;
	return 1;
}

static int eval_path(op_eval *ev, const op_expr *e, op_val *out)
{
	const char *v;
	size_t n;
	int esc;
	memset(out, 0, sizeof *out);
	if (op_path_span(ev, e, &v, &n, &esc))
		from_span(ev, v, n, esc, out);
	return 0;
}

/* `text`: subject and body, decoded, joined by a newline; once per record */
static void eval_text(op_eval *ev, op_val *out)
{
	if (ev->text_gen != ev->gen || !ev->text) {
		op_val sub = {0}, body = {0};
		const op_field *f = ev->rec ? op_rec_get(ev->rec, "subject", 7) : NULL;
		if (f && f->type == OP_JSTR)
			from_span(ev, f->v, f->vlen, f->vesc, &sub);
		f = ev->rec ? op_rec_get(ev->rec, "body", 4) : NULL;
		if (f && f->type == OP_JSTR)
			from_span(ev, f->v, f->vlen, f->vesc, &body);
		size_t a = sub.t == OP_VSTR ? sub.u.str.len : 0, b = body.t == OP_VSTR ? body.u.str.len : 0;
		char *c = op_eval_scratch(ev, a + b + 1);
		if (a)
			memcpy(c, sub.u.str.s, a);
		c[a] = '\n';
		if (b)
			memcpy(c + a + 1, body.u.str.s, b);
		ev->text = c;
		ev->textlen = a + 1 + b;
		ev->text_gen = ev->gen;
	}
	op_val_str(out, ev->text, ev->textlen);
}

static int values_equal(op_eval *ev, const op_val *a, const op_val *b);

int op_val_compare(op_eval *ev, const op_val *a, const op_val *b, int *res)
{
	double x, y;
	op_time s, t;
	if (a->t == OP_VNULL || b->t == OP_VNULL)
		return 0;
	if (a->t == OP_VNUM && b->t == OP_VNUM) {
		x = a->u.n, y = b->u.n;
		goto nums;
	}
	if (a->t == OP_VTIME || b->t == OP_VTIME) {
		if (!op_val_time(ev, a, &s) || !op_val_time(ev, b, &t))
			return 0;
		*res = (s > t) - (s < t);
		return 1;
	}
	if (a->t == OP_VDUR || b->t == OP_VDUR) {
		if (a->t != b->t || a->business != b->business)
			return 0;
		*res = (a->u.dur > b->u.dur) - (a->u.dur < b->u.dur);
		return 1;
	}
	if ((a->t == OP_VNUM && b->t == OP_VSTR) || (a->t == OP_VSTR && b->t == OP_VNUM)) {
		if (!op_val_num(a, &x) || !op_val_num(b, &y))
			return 0;
		goto nums;
	}
	if (a->t == OP_VSTR && b->t == OP_VSTR) {
		if (str_time(ev, a->u.str.s, a->u.str.len, &s) && str_time(ev, b->u.str.s, b->u.str.len, &t)) {
			*res = (s > t) - (s < t);
			return 1;
		}
		size_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
		int c = n ? memcmp(a->u.str.s, b->u.str.s, n) : 0;
		*res = c ? c : (a->u.str.len > b->u.str.len) - (a->u.str.len < b->u.str.len);
		return 1;
	}
	if (a->t == OP_VBOOL && b->t == OP_VBOOL) {
		*res = a->u.b - b->u.b;
		return 1;
	}
	if (a->t == OP_VJSON && b->t == OP_VJSON) {
		*res = !(a->u.str.len == b->u.str.len && !memcmp(a->u.str.s, b->u.str.s, a->u.str.len));
		return 1;
	}
	if (a->t == OP_VLIST && b->t == OP_VLIST) {
		if (a->u.list.n != b->u.list.n) {
			*res = 1;
			return 1;
		}
		for (size_t i = 0; i < a->u.list.n; i++)
			if (!values_equal(ev, &a->u.list.v[i], &b->u.list.v[i])) {
				*res = 1;
				return 1;
			}
		*res = 0;
		return 1;
	}
	return 0;
nums:
	*res = (x > y) - (x < y);
	return 1;
}

static int values_equal(op_eval *ev, const op_val *a, const op_val *b)
{
	int r;
	if (a->t == OP_VNULL || b->t == OP_VNULL)
		return a->t == b->t;
	return op_val_compare(ev, a, b, &r) && r == 0;
}

int op_val_member(op_eval *ev, const op_val *x, const op_val *in)
{
	if (in->t == OP_VLIST) {
		for (size_t i = 0; i < in->u.list.n; i++)
			if (values_equal(ev, x, &in->u.list.v[i]))
				return 1;
		return 0;
	}
	if (in->t == OP_VJSON && *in->u.str.s == '[') {
		size_t pos = 0, n;
		const char *v;
		while (op_jarr_next(in->u.str.s, in->u.str.len, &pos, &v, &n)) {
			op_val y;
			from_span(ev, v, n, memchr(v, '\\', n) != NULL, &y);
			if (values_equal(ev, x, &y))
				return 1;
		}
		return 0;
	}
	if (in->t == OP_VJSON && *in->u.str.s == '{' && x->t == OP_VSTR) {
		const char *v;
		size_t n;
		return op_jobj_get(in->u.str.s, in->u.str.len, x->u.str.s, x->u.str.len, &v, &n, &ev->tmp);
	}
	if (in->t == OP_VSTR && x->t != OP_VNULL) {
		const char *s;
		size_t n;
		op_val_as_text(ev, x, &s, &n);
		return n <= in->u.str.len && memmem(in->u.str.s, in->u.str.len, s, n) != NULL;
	}
	return 0;
}

static int business_add(op_eval *ev, op_time t, const op_val *d, int sign, op_val *out)
{
	if (!ev->business)
		return op_eval_fail(ev, "business time (%s) needs working hours (`hours` in the rules, or --calendar FILE)",
				    d->business == 1 ? "bh" : "bd");
	op_time r;
	int rc = ev->business(ev, t, sign * d->u.dur, d->business, &r);
	if (rc)
		return op_eval_fail(ev, "business time: %s", rc == -2 ? "the result falls outside years 0001..9999"
							     : "no working hours in the calendar");
	out->t = OP_VTIME;
	out->u.tm = r;
	return 0;
}

static int arith(op_eval *ev, int op, const op_val *a, const op_val *b, op_val *out)
{
	double x, y;
	op_time s, t;
	memset(out, 0, sizeof *out);
	if (a->t == OP_VNULL || b->t == OP_VNULL)
		return 0;
	if (op == '+' && a->t == OP_VSTR && b->t == OP_VSTR) {
		char *c = op_eval_scratch(ev, a->u.str.len + b->u.str.len);
		memcpy(c, a->u.str.s, a->u.str.len);
		memcpy(c + a->u.str.len, b->u.str.s, b->u.str.len);
		op_val_str(out, c, a->u.str.len + b->u.str.len);
		return 0;
	}
	if (op_val_num(a, &x) && op_val_num(b, &y)) {
		double r = op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : y != 0 ? x / y : NAN;
		if (isfinite(r)) {
			out->t = OP_VNUM;
			out->u.n = r;
		}
		return 0;
	}
	/* time +- duration, time - time */
	if (b->t == OP_VDUR && (op == '+' || op == '-') && op_val_time(ev, a, &t)) {
		if (b->business)
			return business_add(ev, t, b, op == '+' ? 1 : -1, out);
		out->t = OP_VTIME;
		out->u.tm = op == '+' ? t + b->u.dur : t - b->u.dur;
		return 0;
	}
	if (a->t == OP_VDUR && op == '+' && op_val_time(ev, b, &t)) {
		if (a->business)
			return business_add(ev, t, a, 1, out);
		out->t = OP_VTIME;
		out->u.tm = t + a->u.dur;
		return 0;
	}
	if (op == '-' && op_val_time(ev, a, &s) && op_val_time(ev, b, &t)) {
		out->t = OP_VDUR;
		out->u.dur = s - t;
		return 0;
	}
	if (a->t == OP_VDUR && b->t == OP_VDUR && a->business == b->business) {
		if (op == '+' || op == '-') {
			*out = *a;
			out->u.dur = op == '+' ? a->u.dur + b->u.dur : a->u.dur - b->u.dur;
		} else if (op == '/' && b->u.dur) {
			out->t = OP_VNUM;
			out->u.n = (double)a->u.dur / (double)b->u.dur;
		}
		return 0;
	}
	if (a->t == OP_VDUR && (op == '*' || op == '/') && op_val_num(b, &y)) {
		double r = op == '*' ? (double)a->u.dur * y : y ? (double)a->u.dur / y : NAN;
		if (isfinite(r) && fabs(r) < 9e15) {
			*out = *a;
			out->u.dur = (int64_t)llround(r);
		}
		return 0;
	}
	return 0;
}

static int call(op_eval *ev, const op_expr *e, op_val *out)
{
	op_val a[2];
	memset(a, 0, sizeof a);
	memset(out, 0, sizeof *out);
	if (!e->fn->lazy)
		for (size_t i = 0; i < e->nargs && i < 2; i++)
			if (eval(ev, e->args[i], &a[i]))
				return -1;
	return e->fn->fn(ev, e, a, out);
}

/* ---- history --------------------------------------------------------- */

ring *op_hist_ring(const op_expr *e, op_eval *ev, int create)
{
	const char *g = ev->group ? ev->group : "";
	size_t gl = ev->group ? ev->grouplen : 0;
	if (!create)
		return op_hmap_get(e->groups, g, gl);
	int isnew;
	void **slot = op_hmap_put(e->groups, g, gl, &isnew);
	if (isnew)
		*slot = op_xcalloc(1, sizeof(ring) + e->window * sizeof(op_val));
	return *slot;
}


/* ev->trace: a comparison or `in` (op) of a and b that gave out */
static void trace(op_eval *ev, const char *op, const op_val *a, const op_val *b, const op_val *out)
{
	op_buf *t = ev->trace;
	op_buf_adds(t, t->len ? ",{\"left\":" : "{\"left\":");
	op_val_json(t, a);
	op_buf_printf(t, ",\"op\":\"%s\",\"right\":", op);
	op_val_json(t, b);
	op_buf_printf(t, ",\"holds\":%s}", out->u.b ? "true" : "false");
}

/* ev->trace: a regex match of e over s (r: 1 matched, 0 not) */
static void trace_match(op_eval *ev, const op_expr *e, const char *s, int r, const op_val *out)
{
	op_buf *t = ev->trace;
	size_t pn, from, to;
	const char *flags, *pat = op_rx_pattern(e->rx, &pn, &flags);
	op_buf_printf(t, "%s{\"op\":\"%s\",\"regex\":", t->len ? "," : "", e->op ? "!~" : "=~");
	op_buf re = {0};	/* not ev->tmp: s may be in it */
	op_buf_printf(&re, "/%.*s/%s", (int)pn, pat, flags);
	op_buf_json_str(t, re.p, re.len);
	op_buf_free(&re);
	op_buf_adds(t, ",\"match\":");
	if (r > 0 && op_rx_group(e->rx, 0, &from, &to))
		op_buf_json_str(t, s + from, to - from);
	else
		op_buf_adds(t, "null");
	op_buf_printf(t, ",\"holds\":%s}", out->u.b ? "true" : "false");
}

static const char *const cmp_names[] = { "==", "!=", "<", "<=", ">", ">=" };

static int eval(op_eval *ev, const op_expr *e, op_val *out)
{
	op_val a, b;
	int r;
	switch (e->kind) {
	case E_LIT:
		*out = e->lit;
		return 0;
	case E_PATH:
		return eval_path(ev, e, out);
	case E_TEXT:
		eval_text(ev, out);
		return 0;
	case E_NOT:
		if (eval(ev, e->a, &a))
			return -1;
		out->t = OP_VBOOL;
		out->u.b = !op_truthy(&a);
		return 0;
	case E_NEG:
		if (eval(ev, e->a, &a))
			return -1;
		memset(out, 0, sizeof *out);
		if (op_val_num(&a, &out->u.n)) {
			out->t = OP_VNUM;
			out->u.n = -out->u.n;
		} else if (a.t == OP_VDUR) {
			*out = a;
			out->u.dur = -a.u.dur;
		}
		return 0;
	case E_AND: case E_OR:
		if (eval(ev, e->a, &a))
			return -1;
		out->t = OP_VBOOL;
		if (op_truthy(&a) == (e->kind == E_OR)) {
			out->u.b = e->kind == E_OR;
			return 0;
		}
		if (eval(ev, e->b, &b))
			return -1;
		out->t = OP_VBOOL;
		out->u.b = op_truthy(&b);
		return 0;
	case E_CMP:
		if (eval(ev, e->a, &a) || eval(ev, e->b, &b))
			return -1;
		out->t = OP_VBOOL;
		if (e->op == C_EQ || e->op == C_NE)
			out->u.b = values_equal(ev, &a, &b) == (e->op == C_EQ);
		else if (!op_val_compare(ev, &a, &b, &r))
			out->u.b = 0;
		else
			out->u.b = e->op == C_LT ? r < 0 : e->op == C_LE ? r <= 0 : e->op == C_GT ? r > 0 : r >= 0;
		if (ev->trace)
			trace(ev, cmp_names[e->op], &a, &b, out);
		return 0;
	case E_MATCH: {
		if (eval(ev, e->a, &a))
			return -1;
		out->t = OP_VBOOL;
		out->u.b = 0;
		if (a.t == OP_VNULL || a.t == OP_VLIST)
			return 0;
		const char *s;
		size_t n;
		op_val_as_text(ev, &a, &s, &n);
		op_err rxe;
		r = op_rx_match(e->rx, s, n, &rxe);
		if (r < 0)
			return op_eval_fail(ev, "%s", rxe.msg);
		out->u.b = r == (e->op == 0);
		if (ev->trace)
			trace_match(ev, e, s, r, out);
		return 0;
	}
	case E_IN:
		if (eval(ev, e->a, &a) || eval(ev, e->b, &b))
			return -1;
		out->t = OP_VBOOL;
		out->u.b = a.t != OP_VNULL && op_val_member(ev, &a, &b);
		if (ev->trace)
			trace(ev, "in", &a, &b, out);
		return 0;
	case E_ARITH:
		if (eval(ev, e->a, &a) || eval(ev, e->b, &b))
			return -1;
		return arith(ev, e->op, &a, &b, out);
	case E_CALL:
		return call(ev, e, out);
	case E_LIST: {
		op_val *items = op_arena_alloc(&ev->scratch, (e->nargs ? e->nargs : 1) * sizeof *items);
		for (size_t i = 0; i < e->nargs; i++)
			if (eval(ev, e->args[i], &items[i]))
				return -1;
		out->t = OP_VLIST;
		out->u.list.v = items;
		out->u.list.n = e->nargs;
		return 0;
	}
	case E_SLOT:
	case E_TEMPLATE: {
		op_buf b2 = {0};
		if (e->kind == E_SLOT ? slot(ev, e, &b2) : op_render(ev, e, &b2)) {
			op_buf_free(&b2);
			return -1;
		}
		op_val_str_from(ev, out, &b2);
		return 0;
	}
	}
	return op_eval_fail(ev, "internal error: node %d", e->kind);
}

int op_eval_expr(op_eval *ev, const op_expr *e, op_val *out)
{
	return eval(ev, e, out);
}

int op_eval_cond(op_eval *ev, const op_expr *e)
{
	op_val v;
	if (eval(ev, e, &v))
		return -1;
	return op_truthy(&v);
}

void op_expr_text_gate(const op_expr *e, op_rx_gate *g)
{
	g->fn = NULL;
	if (e->kind == E_MATCH && e->op == 0 && e->a->kind == E_TEXT)
		op_rx_get_gate(e->rx, g);
}

void op_eval_text(op_eval *ev, const char **s, size_t *n)
{
	op_val v;
	eval_text(ev, &v);
	*s = v.u.str.s;
	*n = v.u.str.len;
}

void op_val_join(op_eval *ev, const op_val *v, const char *sep, size_t seplen, op_buf *out)
{
	if (v->t == OP_VLIST) {
		for (size_t i = 0; i < v->u.list.n; i++) {
			if (i)
				op_buf_add(out, sep, seplen);
			op_val_text(out, &v->u.list.v[i]);
		}
		return;
	}
	if (v->t != OP_VJSON || v->u.str.s[0] != '[') {
		op_val_text(out, v);
		return;
	}
	size_t pos = 0, n;
	const char *item;
	for (int first = 1; op_jarr_next(v->u.str.s, v->u.str.len, &pos, &item, &n); first = 0) {
		op_val x;
		from_span(ev, item, n, memchr(item, '\\', n) != NULL, &x);
		if (!first)
			op_buf_add(out, sep, seplen);
		op_val_text(out, &x);
	}
}

/* {expr:format|fallback}: the fallback when the value is null, "" or an
 * empty list; a time formatted in the evaluation's zone and language */
static int slot(op_eval *ev, const op_expr *e, op_buf *out)
{
	op_val v;
	if (eval(ev, e->a, &v))
		return -1;
	if (!op_truthy(&v) && v.t != OP_VBOOL && v.t != OP_VNUM) {
		if (e->b)
			op_buf_add(out, e->b->lit.u.str.s, e->b->lit.u.str.len);
		else if (ev->strict)
			return op_eval_fail(ev, "%s has no value", e->lit.u.str.s);
		return 0;
	}
	if (e->fmt) {
		op_time t;
		op_tm tm;
		if (!op_val_time(ev, &v, &t))
			return op_eval_fail(ev, "%s: the value is not a time", e->lit.u.str.s);
		op_tz_local(ev->tz, t, &tm);
		op_datefmt(out, &tm, e->fmt, ev->datelang);
	} else {
		op_val_text(out, &v);
	}
	return 0;
}

int op_render(op_eval *ev, const op_expr *t, op_buf *out)
{
	for (size_t i = 0; i < t->nargs; i++) {
		const op_expr *part = t->args[i];
		if (part->kind == E_LIT)
			op_val_text(out, &part->lit);
		else if (slot(ev, part, out))
			return -1;
	}
	return 0;
}

static void keep(op_val *dst, const op_val *v)
{
	/* strings outlive the record: copy them */
	if (dst->t == OP_VSTR)
		free((char *)dst->u.str.s);
	*dst = *v;
	dst->raw = NULL;	/* it pointed into the record line */
	if (v->t == OP_VSTR || v->t == OP_VJSON) {
		dst->t = OP_VSTR;
		dst->u.str.s = op_xstrndup(v->u.str.s, v->u.str.len);
	} else if (v->t == OP_VLIST) {
		memset(dst, 0, sizeof *dst);
	}
}

void op_history_commit(op_eval *ev)
{
	const op_lang *r = ev->lang;
	for (size_t i = 0; r && i < r->nhist; i++) {
		const op_expr *e = r->hist[i];
		op_val v;
		if (eval(ev, e->args[0], &v))
			memset(&v, 0, sizeof v);	/* the error was reported by the rule */
		ring *g = op_hist_ring(e, ev, 1);
		keep(&g->v[g->next], &v);
		g->next = (g->next + 1) % e->window;
		if (g->n < e->window)
			g->n++;
	}
}

static size_t free_window;
static void free_ring(void *p)
{
	ring *g = p;
	for (size_t i = 0; i < free_window; i++)
		if (g->v[i].t == OP_VSTR)
			free((char *)g->v[i].u.str.s);
	free(g);
}

void op_lang_free(op_lang *l)
{
	for (size_t i = 0; i < l->nrx; i++)
		op_rx_free(l->rx[i]);
	free(l->rx);
	for (size_t i = 0; i < l->nhist; i++) {
		free_window = l->hist[i]->window;
		op_hmap_free(l->hist[i]->groups, free_ring);
	}
	free(l->hist);
}

