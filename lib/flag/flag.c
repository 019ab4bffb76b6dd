/* flag.c - the engine of exc-flag: the `flag` statement of the rule
 * language, and per record the flags whose conditions hold, as the
 * record's `flags` array.  MIT licence, see COPYING.  The meaning:
 * man/exc-flag.1. */
#include <stdlib.h>
#include <string.h>

#include "calfile.h"
#include "fields.h"
#include "check.h"
#include "flag.h"

struct op_flagger {
	op_flag *flags;
	size_t n, cap;
	op_rules *rules;
	op_calendar *calendar;
	op_eval ev;
	op_fields out;
	op_buf group, tmp;
	const char **by;
	size_t nby;
	int only;
	op_buf trace, explain;	/* --explain: a flag's comparisons; the flags' */
	unsigned long long flagged;
	int worst;
};
typedef struct op_flagger ctx;

static void parse_flag(op_parser *p, void *vc)
{
	ctx *c = vc;
	op_flag f = { .line = op_p_line(p) };
	f.name = op_p_name(p, "flag name");
	size_t at = op_p_skip(p);
	const char *sev = op_p_word(p, "severity (low, medium, high, critical)");
	f.severity = op_severity(sev);
	if (f.severity < 0) {
		const char *hint = op_p_suggest(sev, op_severities);
		op_p_error_at(p, at, "unknown severity '%s'%s%s%s (low, medium, high, critical)", sev,
			      hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
	}
	op_p_expect(p, "when");
	f.when = op_parse_expr(p);
	for (;;) {
		if (op_p_accept(p, "owner"))
			f.owner = op_p_name(p, "owner");
		else if (op_p_accept(p, "message"))
			f.message = op_p_template(p, "message");
		else
			break;
	}
	op_p_rule(p, "flag", f.name, f.when, 0);
	c->flags = op_grow(c->flags, c->n, &c->cap, sizeof *c->flags);
	c->flags[c->n++] = f;
}

const op_stmt op_flag_statements[] = {
	{ "flag", parse_flag, "flag NAME SEVERITY when EXPR [owner NAME] [message \"TEXT {field}\"]" },
	{ NULL, NULL, NULL },
};

/* the --by fields' values, joined, name the history group */
static void set_group(ctx *c, op_rec *r)
{
	op_buf_reset(&c->group);
	for (size_t i = 0; i < c->nby; i++) {
		const op_field *f = op_rec_get(r, c->by[i], strlen(c->by[i]));
		if (i)
			op_buf_addc(&c->group, '\x1f');
		if (f)
			op_buf_add(&c->group, f->v, f->vlen);
	}
	c->ev.group = c->group.p ? c->group.p : "";
	c->ev.grouplen = c->group.len;
}

/* {name, severity, message, owner} of f into b: 0, or -1 after rejecting
 * the record when its message cannot be made */
static int flag_object(ctx *c, op_stream *st, const op_flag *f, op_buf *b)
{
	op_buf_adds(b, "{\"name\":");
	op_buf_json_cstr(b, f->name);
	op_buf_printf(b, ",\"severity\":\"%s\",\"message\":", op_severities[f->severity]);
	if (f->message) {
		op_buf_reset(&c->tmp);
		if (op_render(&c->ev, f->message, &c->tmp)) {
			op_reject(st, "%s:%u: flag %s: %s", c->rules->file, f->line, f->name, c->ev.err);
			return -1;
		}
		op_buf_json_str(b, c->tmp.p ? c->tmp.p : "", c->tmp.len);
	} else {
		op_buf_adds(b, "null");
	}
	op_buf_adds(b, ",\"owner\":");
	if (f->owner)
		op_buf_json_cstr(b, f->owner);
	else
		op_buf_adds(b, "null");
	op_buf_addc(b, '}');
	return 0;
}

/* --explain: f held; its file:line and what its condition compared */
static void explain_flag(ctx *c, const op_flag *f, int first)
{
	op_buf *b = &c->explain;
	if (first)
		op_buf_reset(b);
	op_buf_adds(b, first ? "{\"rules\":[{\"at\":" : ",{\"at\":");
	op_buf_reset(&c->tmp);
	op_buf_printf(&c->tmp, "%s:%u", c->rules->file, f->line);
	op_buf_json_str(b, c->tmp.p, c->tmp.len);
	op_buf_adds(b, ",\"flag\":");
	op_buf_json_cstr(b, f->name);
	op_buf_adds(b, ",\"compared\":[");
	op_buf_add(b, c->trace.p ? c->trace.p : "", c->trace.len);
	op_buf_adds(b, "]}");
}

int op_flagger_record(op_stream *st, op_rec *r, void *vc)
{
	ctx *c = vc;
	size_t fired = 0;
	op_eval_record(&c->ev, r);
	if (c->nby)
		set_group(c, r);
	op_fields_reset(&c->out);
	op_buf *b = op_fields_add(&c->out, "flags");
	op_buf_addc(b, '[');
	for (size_t i = 0; i < c->n; i++) {
		op_flag *f = &c->flags[i];
		op_buf_reset(&c->trace);
		int t = op_eval_cond(&c->ev, f->when);
		if (t < 0) {
			op_reject(st, "%s:%u: flag %s: %s", c->rules->file, f->line, f->name, c->ev.err);
			return 0;
		}
		if (!t)
			continue;
		if (fired++)
			op_buf_addc(b, ',');
		/* before its message's template adds to the trace */
		if (c->ev.trace)
			explain_flag(c, f, fired == 1);
		if (flag_object(c, st, f, b))
			return 0;
		f->fired++;
		if (f->severity > c->worst)
			c->worst = f->severity;
	}
	op_history_commit(&c->ev);
	if (fired) {
		op_buf_addc(b, ']');
		if (c->ev.trace) {
			b = op_fields_add(&c->out, "explain");
			op_buf_add(b, c->explain.p, c->explain.len);
			op_buf_adds(b, "]}");
		}
		size_t n;
		const op_kv *kv = op_fields_kv(&c->out, &n);
		c->flagged++;
		op_emit_rec(st, r, kv, n);
	} else if (!c->only) {
		op_emit_rec(st, r, NULL, 0);
	}
	return 0;
}

op_flagger *op_flagger_new(void)
{
	ctx *c = op_xcalloc(1, sizeof *c);
	c->worst = -1;
	return c;
}

op_flagger *op_flagger_load(const char *rules, const char **by, size_t nby, int only, const op_cli *cli,
			    op_err *e)
{
	ctx *c = op_flagger_new();
	c->by = by;
	c->nby = nby;
	c->only = only;
	if (!(c->rules = op_rules_load(rules, "alerts.rules", op_flag_statements, c, OP_FEAT_HISTORY, e)) ||
	    op_calendar_for(cli, rules, &c->calendar, e)) {
		op_flagger_free(c);
		return NULL;
	}
	op_eval_init(&c->ev, cli->now, cli->tz);
	c->ev.lang = &c->rules->lang;
	if (op_calendar_attach(c->calendar, c->rules, &c->ev, e)) {
		op_flagger_free(c);
		return NULL;
	}
	return c;
}

void op_flagger_explain(op_flagger *c)
{
	c->ev.trace = &c->trace;
}

const op_flag *op_flagger_flags(const op_flagger *c, size_t *n)
{
	*n = c->n;
	return c->flags;
}

unsigned long long op_flagger_flagged(const op_flagger *c)
{
	return c->flagged;
}

int op_flagger_worst(const op_flagger *c)
{
	return c->worst;
}

void op_flagger_free(op_flagger *c)
{
	if (!c)
		return;
	op_eval_free(&c->ev);
	op_rules_free(c->rules);
	op_calendar_free(c->calendar);
	op_fields_free(&c->out);
	op_buf_free(&c->group);
	op_buf_free(&c->tmp);
	op_buf_free(&c->trace);
	op_buf_free(&c->explain);
	free(c->flags);
	free(c);
}

const op_rules *op_flagger_rules(const op_flagger *c)
{
	return c->rules;
}
