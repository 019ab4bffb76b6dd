/* classify.c - the engine of enq-classify: the classify statements of the
 * rule language (category, priority, tag, extract, require, threshold,
 * default), the literal prefilter over their regexes, the learned model
 * for what the rules leave undecided, the language of the text, and the
 * fields each record gets.
 * MIT licence, see COPYING.  The meaning of it all: man/enq-classify.1. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calfile.h"
#include "check.h"
#include "classify.h"
#include "fields.h"
#include "langid.h"
#include "model.h"
#include "modeltext.h"
#include "prefilter.h"
#include "rules.h"
#include "severity.h"

#define NORMAL 1

/* gate: when a condition is `text =~ /re/`, re's prefilter gate, asked
 * first (see rule_cond) */
typedef struct {
	int cat;		/* index into categories */
	double score;
	op_expr *when;
	op_rx_gate gate;
	unsigned line;
	unsigned long long held, right;	/* --rule-report */
} catrule;

typedef struct {
	int level;
	op_expr *when;
	op_rx_gate gate;
	unsigned line;
	unsigned long long held, right;	/* --rule-report */
} prirule;

typedef struct {
	const char *name;
	op_expr *when;
	op_rx_gate gate;
	unsigned line;
	size_t first;		/* the first tag rule of this name */
} tagrule;

typedef struct {
	const char *field;
	op_expr *from;
	op_rx *rx;
	int group;		/* the capture named like the field, else 0 */
	int all;
	unsigned line;
} extrule;

typedef struct {
	const char *cat;	/* "*": every category */
	const char **fields;
	size_t n;
} reqrule;

/* a model in use: -m FILE's or the built-in one */
typedef struct {
	op_model *m;
	op_rules *rules;
	op_expr *text;
	double *prob;
	size_t best;
	int spoke;		/* it had words to read in this record */
	const char *from;	/* the file, or "built-in" */
	op_buf why;		/* --explain: its top features, JSON */
	op_modelset *alone;	/* it, where it is not in the ctx's both */
} learned;

#define VEC(T, name) T *name; size_t n##name, cap##name
#define PUSH(c, name, v) do { \
	(c)->name = op_grow((c)->name, (c)->n##name, &(c)->cap##name, sizeof *(c)->name); \
	(c)->name[(c)->n##name++] = (v); \
} while (0)

struct op_classify {
	VEC(catrule, cats);
	VEC(prirule, pris);
	VEC(tagrule, tags);
	VEC(extrule, exts);
	VEC(reqrule, reqs);
	VEC(const char *, names);	/* categories, in order of appearance */
	double threshold;
	int have_threshold;
	const char *deflt;
	op_rules *rules;
	op_pf *pf;
	op_eval ev;
	op_calendar *calendar;
	/* the models: category's and priority's (man/enq-classify.1, MODELS) */
	learned cm, pm;
	/* the two models read the same text with the same features (the
	 * built-in ones do): the features are computed once and looked up
	 * once for both, as the category model is consulted */
	op_modelset *both;
	const learned *feats_of;	/* whose text c->feats holds, this record */
	int *rule_of, *class_of;	/* model class <-> rule category, -1: none */
	double *fused;			/* a sum per class and category */
	const char *no_model;	/* why there is none, for --explain */
	op_feats feats;
	op_buf featnames;
	double min_prob;
	/* the language: langid over `text` (none with --no-lang) */
	op_langid *langid;
	op_rules *lrules;
	op_expr *ltext;
	/* per record */
	double *score;
	unsigned char *fired;
	unsigned char *holds;	/* --rule-report: by category, then priority rule */
	op_fields out;
	op_buf tagv, explain, tmp, ext, incat, inpri;	/* incat, inpri: the record's own */
	op_buf trace;		/* --explain: what the last condition compared */
	const char *text;	/* the record's `text` for the gates, NULL: not yet */
	size_t textlen;
	uint64_t *found;	/* what the prefilter's literal gates say of it */
	size_t nfound;		/* gates 0..nfound-1: the literal ones */
	size_t *extoff;		/* per extract rule: value span in ext, or -1 */
	size_t *extlen;
	unsigned long long recno, *tagseen;	/* by tag rule: the record it last gave */
	const char **miss;	/* this record's missing fields so far */
	int explain_on, reclassify, report;
	unsigned long long by_input, by_rules, by_model, by_default;
};
typedef struct op_classify ctx;

static int find_name(ctx *c, const char *name)
{
	for (size_t i = 0; i < c->nnames; i++)
		if (!strcmp(c->names[i], name))
			return (int)i;
	return -1;
}

static void parse_category(op_parser *p, void *vc)
{
	ctx *c = vc;
	catrule r = { .line = op_p_line(p) };
	const char *name = op_p_name(p, "category name");
	size_t at = op_p_skip(p);
	r.score = op_p_number(p, "score");
	if (!isfinite(r.score) || fabs(r.score) > 1e6)
		op_p_error_at(p, at, "score: a number from -1000000 to 1000000 expected");
	op_p_expect(p, "when");
	r.when = op_parse_expr(p);
	op_p_rule(p, "category", NULL, r.when, 0);
	r.cat = find_name(c, name);
	if (r.cat < 0) {
		PUSH(c, names, name);
		r.cat = (int)c->nnames - 1;
	}
	PUSH(c, cats, r);
}

static void parse_priority(op_parser *p, void *vc)
{
	ctx *c = vc;
	prirule r = { .line = op_p_line(p) };
	size_t at = op_p_skip(p);
	const char *w = op_p_word(p, "priority (low, normal, high, urgent)");
	if ((r.level = op_p_index(w, op_priorities)) < 0) {
		const char *hint = op_p_suggest(w, op_priorities);
		op_p_error_at(p, at, "unknown priority '%s'%s%s%s (low, normal, high, urgent)", w,
			      hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
	}
	op_p_expect(p, "when");
	r.when = op_parse_expr(p);
	op_p_rule(p, "priority", NULL, r.when, 0);
	PUSH(c, pris, r);
}

static void parse_tag(op_parser *p, void *vc)
{
	ctx *c = vc;
	tagrule r = { .line = op_p_line(p) };
	r.name = op_p_name(p, "tag name");
	op_p_expect(p, "when");
	r.when = op_parse_expr(p);
	op_p_rule(p, "tag", NULL, r.when, 0);
	for (r.first = 0; r.first < c->ntags && strcmp(c->tags[r.first].name, r.name); r.first++)
		;
	PUSH(c, tags, r);
}

static void parse_extract(op_parser *p, void *vc)
{
	ctx *c = vc;
	extrule r = { .line = op_p_line(p) };
	size_t at = op_p_skip(p);
	r.field = op_p_name(p, "field name");
	static const char *const own[] = { "category", "confidence", "category_by", "category_was", "priority",
					   "priority_by", "priority_was", "tags", "missing", "explain", "lang", NULL };
	for (int i = 0; own[i]; i++)
		if (!strcmp(r.field, own[i]))
			op_p_error_at(p, at, "'%s' is a field enq-classify sets itself", r.field);
	op_p_expect(p, "from");
	/* a path or a call: an operator would take the /regex/ for a division */
	r.from = op_parse_postfix(p);
	r.rx = op_parse_regex(p);
	r.group = op_rx_named(r.rx, r.field);
	if (r.group < 0)
		r.group = 0;
	r.all = op_p_accept(p, "all");
	PUSH(c, exts, r);
}

static void parse_require(op_parser *p, void *vc)
{
	ctx *c = vc;
	reqrule r = {0};
	if (op_lex_accept(p, OP_T_STAR)) {
		r.cat = "*";
	} else {
		r.cat = op_p_name(p, "category (or *)");
	}
	/* the field list lives in the rules' arena like everything else, so
	 * an error that leaves the statement half read leaks nothing: the
	 * rest of the line holds at most one name per two bytes */
	const char **f = op_p_alloc(p, ((p->len - p->pos) / 2 + 1) * sizeof *f);
	while (!op_p_end(p))
		f[r.n++] = op_p_name(p, "field name");
	if (!r.n)
		op_p_error(p, "field names expected after the category");
	r.fields = f;
	PUSH(c, reqs, r);
}

static void parse_threshold(op_parser *p, void *vc)
{
	ctx *c = vc;
	if (c->have_threshold)
		op_p_error(p, "threshold given twice");
	size_t at = op_p_skip(p);
	c->threshold = op_p_number(p, "threshold");
	if (!isfinite(c->threshold) || fabs(c->threshold) > 1e6)
		op_p_error_at(p, at, "threshold: a number from -1000000 to 1000000 expected");
	c->have_threshold = 1;
}

static void parse_default(op_parser *p, void *vc)
{
	ctx *c = vc;
	if (c->deflt)
		op_p_error(p, "default given twice");
	c->deflt = op_p_name(p, "category name");
}

const op_stmt op_classify_statements[] = {
	{ "category", parse_category, "category NAME SCORE when EXPR" },
	{ "priority", parse_priority, "priority LEVEL when EXPR" },
	{ "tag", parse_tag, "tag NAME when EXPR" },
	{ "extract", parse_extract, "extract FIELD from EXPR /regex/ [all]" },
	{ "require", parse_require, "require CATEGORY FIELD..." },
	{ "threshold", parse_threshold, "threshold N" },
	{ "default", parse_default, "default NAME" },
	{ NULL, NULL, NULL },
};

/* ---- per record ---------------------------------------------------------- */

/* compared: the rule has a condition, whose comparisons and matches
 * (c->trace) are shown */
static void explain_rule(ctx *c, unsigned line, const char *kind, const char *name, const char *extra,
			 int compared)
{
	op_buf *b = &c->explain;
	op_buf_adds(b, b->len ? ",{\"at\":" : "{\"rules\":[{\"at\":");
	op_buf_reset(&c->tmp);
	op_buf_printf(&c->tmp, "%s:%u", c->rules->file, line);
	op_buf_json_str(b, c->tmp.p, c->tmp.len);
	op_buf_printf(b, ",\"%s\":", kind);
	op_buf_json_cstr(b, name);
	if (extra)
		op_buf_adds(b, extra);
	if (compared) {
		op_buf_adds(b, ",\"compared\":[");
		op_buf_add(b, c->trace.p ? c->trace.p : "", c->trace.len);
		op_buf_addc(b, ']');
	}
	op_buf_addc(b, '}');
}

/* a rule's condition: 1, 0, or -1 on an error */
static int cond(ctx *c, const op_expr *when)
{
	op_buf_reset(&c->trace);
	return op_eval_cond(&c->ev, when);
}

/* A rule's condition, when its gate allows (--explain evaluates all):
 * `text =~ /re/` whose literals the text lacks is false without reading
 * the rule's tree and pattern, which with tens of rules, each in memory
 * of its own, cost more than the gate. */
static int rule_cond(ctx *c, const op_rx_gate *g, const op_expr *when)
{
	if (g->fn && !c->explain_on) {
		/* the text, and the literal gates' answers, are asked for once
		 * a record, not once a rule */
		if (!c->text) {
			op_eval_text(&c->ev, &c->text, &c->textlen);
			op_pf_found(c->pf, c->text, c->textlen, c->found);
		}
		if (g->ctx == c->pf && g->id < c->nfound ? !(c->found[g->id >> 6] >> (g->id & 63) & 1)
							 : !g->fn(g->ctx, g->id, c->text, c->textlen))
			return 0;
	}
	return cond(c, when);
}

/* no value: absent, null, or a string, array or object with nothing but
 * blanks inside ("", " ", [], {}) */
static int blank(const op_field *f)
{
	if (!f || f->type == OP_JNULL)
		return 1;
	if (f->type == OP_JSTR || f->type == OP_JARR || f->type == OP_JOBJ) {
		size_t k = 1;
		while (k + 1 < f->vlen && strchr(" \t\r\n", f->v[k]))
			k++;
		return k + 1 >= f->vlen;
	}
	return 0;
}

static const op_field *field(op_rec *r, const char *name)
{
	return op_rec_get(r, name, strlen(name));
}

/* field present with a value, from the record or an extract rule */
static int present(ctx *c, op_rec *r, const char *name)
{
	for (size_t i = 0; i < c->nexts; i++)
		if (c->extoff[i] != (size_t)-1 && !strcmp(c->exts[i].field, name))
			return 1;
	return !blank(field(r, name));
}

/* the extract rules: values as JSON text in c->ext */
static int extract(ctx *c, op_stream *st, op_rec *r)
{
	op_buf_reset(&c->ext);
	for (size_t i = 0; i < c->nexts; i++)
		c->extoff[i] = (size_t)-1;
	for (size_t i = 0; i < c->nexts; i++) {
		extrule *e = &c->exts[i];
		/* the record's own non-empty value stands, and so does an
		 * earlier rule's for the same field */
		if (present(c, r, e->field))
			continue;
		const char *s;
		size_t n;
		int rc = op_modeltext_eval(&c->ev, e->from, &s, &n);
		if (rc == 0)
			continue;
		size_t start = c->ext.len, pos = 0, count = 0;
		const char *why = c->ev.err;	/* the text's error, or the match's */
		op_err rxe;
		while (rc > 0 && pos <= n) {
			rc = op_rx_match_at(e->rx, s, n, pos, &rxe);
			if (rc < 0)
				why = rxe.msg;
			if (rc <= 0)
				break;
			size_t a, b, m0, m1;
			op_rx_group(e->rx, 0, &m0, &m1);
			if (op_rx_group(e->rx, (unsigned)e->group, &a, &b)) {
				op_buf_adds(&c->ext, count ? "," : e->all ? "[" : "");
				op_buf_json_str(&c->ext, s + a, b - a);
				count++;
			}
			if (!e->all)
				break;
			/* past an empty match by one character, not into one */
			pos = m1 > m0 ? m1 : m1 + 1;
			while (pos < n && ((unsigned char)s[pos] & 0xC0) == 0x80)
				pos++;
		}
		if (rc < 0) {
			op_reject(st, "%s:%u: extract %s: %s", c->rules->file, e->line, e->field, why);
			return -1;
		}
		if (!count) {
			c->ext.len = start;
			continue;
		}
		if (e->all)
			op_buf_addc(&c->ext, ']');
		c->extoff[i] = start;
		c->extlen[i] = c->ext.len - start;
		if (c->explain_on)
			explain_rule(c, e->line, "extract", e->field, NULL, 0);
	}
	return 0;
}

/* The record's own value of name, a string with something in it (and no
 * NUL), decoded into buf: it stands unless --reclassify
 * (man/enq-classify.1, The record's own values). */
static int own_value(ctx *c, op_rec *r, const char *name, op_buf *buf)
{
	const op_field *f = field(r, name);
	if (c->reclassify || blank(f) || f->type != OP_JSTR)
		return 0;
	const char *s;
	size_t n;
	op_jstr(f->v, f->vlen, f->vesc, &c->tmp, &s, &n);
	op_buf_reset(buf);
	op_buf_add(buf, s, n);
	return strlen(buf->p) == n;
}

/* Who decided name, as name_by, and what it held before this run
 * replaced it, as name_was.  A value the record kept keeps its own _by
 * (a second run over enq-classify's output changes nothing); the first
 * _was stands, so a human's value outlives any number of re-runs. */
static void provenance(ctx *c, op_rec *r, const char *name, const char *by_key, const char *was_key,
		       int kept, const char *by)
{
	if (!kept || blank(field(r, by_key)))
		op_fields_cstr(&c->out, by_key, by);
	const op_field *old = field(r, name);
	if (!kept && !blank(old) && blank(field(r, was_key)))
		op_fields_json(&c->out, was_key, old->v, old->vlen);
}

/* The category, priority and tag rules on the record: scores and fired
 * by category, the highest priority (-1: none) in *prio, the tags in
 * c->tagv; -1 with the rule in *what and *line on an evaluation error. */
static int fire_rules(ctx *c, int *prio, const char **what, unsigned *line)
{
	for (size_t i = 0; i < c->ncats; i++) {
		int t = rule_cond(c, &c->cats[i].gate, c->cats[i].when);
		if (t < 0) {
			*what = "category";
			*line = c->cats[i].line;
			return -1;
		}
		if (t) {
			c->score[c->cats[i].cat] += c->cats[i].score;
			c->fired[c->cats[i].cat] = 1;
			if (c->explain_on) {
				char sc[40];
				snprintf(sc, sizeof sc, ",\"score\":%.15g", c->cats[i].score);
				explain_rule(c, c->cats[i].line, "category", c->names[c->cats[i].cat], sc, 1);
			}
		}
	}
	*prio = -1;
	for (size_t i = 0; i < c->npris; i++) {
		int t = rule_cond(c, &c->pris[i].gate, c->pris[i].when);
		if (t < 0) {
			*what = "priority";
			*line = c->pris[i].line;
			return -1;
		}
		if (t && c->explain_on)
			explain_rule(c, c->pris[i].line, "priority", op_priorities[c->pris[i].level], NULL, 1);
		if (t && c->pris[i].level > *prio)
			*prio = c->pris[i].level;
	}
	op_buf_reset(&c->tagv);
	op_buf_addc(&c->tagv, '[');
	for (size_t i = 0; i < c->ntags; i++) {
		int t = rule_cond(c, &c->tags[i].gate, c->tags[i].when);
		if (t < 0) {
			*what = "tag";
			*line = c->tags[i].line;
			return -1;
		}
		if (!t)
			continue;
		if (c->explain_on)
			explain_rule(c, c->tags[i].line, "tag", c->tags[i].name, NULL, 1);
		/* two rules may give one tag: it is listed once */
		if (c->tagseen[c->tags[i].first] == c->recno)
			continue;
		c->tagseen[c->tags[i].first] = c->recno;
		if (c->tagv.len > 1)
			op_buf_addc(&c->tagv, ',');
		op_buf_json_cstr(&c->tagv, c->tags[i].name);
	}
	op_buf_addc(&c->tagv, ']');
	return 0;
}

/* the `require` fields of category (and of *) the record lacks, as a
 * JSON array into b */
static void missing_member(ctx *c, op_rec *r, const char *category, op_buf *b)
{
	op_buf_addc(b, '[');
	size_t nmiss = 0;
	for (size_t i = 0; i < c->nreqs; i++) {
		reqrule *q = &c->reqs[i];
		if (strcmp(q->cat, "*") && strcmp(q->cat, category))
			continue;
		for (size_t k = 0; k < q->n; k++) {
			if (present(c, r, q->fields[k]))
				continue;
			size_t j = 0;	/* `require *` and the category's own may overlap */
			while (j < nmiss && strcmp(c->miss[j], q->fields[k]))
				j++;
			if (j < nmiss)
				continue;
			if (nmiss)
				op_buf_addc(b, ',');
			c->miss[nmiss++] = q->fields[k];
			op_buf_json_cstr(b, q->fields[k]);
		}
	}
	op_buf_addc(b, ']');
}

/* ,"key":[{"field":class,"p":P}...]: the model's first three classes
 * (of fewer, when it has fewer), then ,"key_features": its top_features */
static void explain_model(const learned *l, op_buf *b, const char *key, const char *field)
{
	size_t top3[3], k = op_model_nclasses(l->m) < 3 ? op_model_nclasses(l->m) : 3;
	op_model_top(l->m, l->prob, top3, k);
	op_buf_printf(b, ",\"%s\":[", key);
	for (size_t i = 0; i < k; i++) {
		op_buf_printf(b, i ? ",{\"%s\":" : "{\"%s\":", field);
		op_buf_json_cstr(b, op_model_class(l->m, top3[i]));
		op_buf_printf(b, ",\"p\":%.3f}", l->prob[top3[i]]);
	}
	op_buf_printf(b, "],\"%s_features\":", key);
	op_buf_add(b, l->why.p, l->why.len);
}

/* --explain: the rules that fired (gathered in c->explain), who decided,
 * the scores, where the models came from, and each model's first three
 * with the features that weighed most for its answer */
static void explain_member(ctx *c, op_buf *b, const char *by)
{
	op_buf_add(b, c->explain.len ? c->explain.p : "{\"rules\":[", c->explain.len ? c->explain.len : 10);
	op_buf_printf(b, "],\"by\":\"%s\",\"scores\":{", by);
	int first = 1;
	for (size_t i = 0; i < c->nnames; i++) {
		if (!c->fired[i])
			continue;
		if (!first)
			op_buf_addc(b, ',');
		first = 0;
		op_buf_json_cstr(b, c->names[i]);
		op_buf_printf(b, ":%.15g", c->score[i]);
	}
	op_buf_adds(b, "},\"models\":{\"category\":");
	op_buf_json_cstr(b, c->cm.m ? c->cm.from : c->no_model);
	op_buf_adds(b, ",\"priority\":");
	op_buf_json_cstr(b, c->pm.m ? c->pm.from : c->no_model);
	op_buf_addc(b, '}');
	if (c->cm.spoke)
		explain_model(&c->cm, b, "model", "category");
	if (c->pm.spoke)
		explain_model(&c->pm, b, "priority_model", "priority");
	op_buf_addc(b, '}');
}

/* --explain: the features of this record that weighed most for the
 * model's answer (its weight for that class, times the feature's count
 * and scale), at most EXPLAIN_FEATURES, into l->why as a JSON array */
#define EXPLAIN_FEATURES 5
static int by_hash(const void *a, const void *b, void *h)
{
	uint64_t x = ((const uint64_t *)h)[*(const size_t *)a], y = ((const uint64_t *)h)[*(const size_t *)b];
	return x < y ? -1 : x > y;
}

static void top_features(ctx *c, learned *l)
{
	const op_feats *f = &c->feats;
	size_t *ix = op_xmalloc(f->n * sizeof *ix), ntop = 0;
	struct { size_t at; double w; } top[EXPLAIN_FEATURES + 1];
	double x = op_model_scale(f->n);
	for (size_t i = 0; i < f->n; i++)
		ix[i] = i;
	/* a feature may come more than once: its occurrences side by side */
	qsort_r(ix, f->n, sizeof *ix, by_hash, f->h);
	for (size_t i = 0, j; i < f->n; i = j) {
		for (j = i + 1; j < f->n && f->h[ix[j]] == f->h[ix[i]]; j++)
			;
		const float *r = op_model_weights(l->m, f->h[ix[i]]);
		double w = r ? (double)(j - i) * x * r[l->best] : 0;
		/* an n-gram of bytes may cut a character in two: not text to
		 * show (the JSON written is UTF-8) */
		const char *name = c->featnames.p + f->at[ix[i]];
		if (w <= 0 || !op_model_text_ok(name, strlen(name)))
			continue;
		size_t k = ntop;	/* insertion, best first */
		while (k && top[k - 1].w < w) {
			top[k] = top[k - 1];
			k--;
		}
		top[k].at = f->at[ix[i]];
		top[k].w = w;
		if (ntop < EXPLAIN_FEATURES)
			ntop++;
	}
	op_buf_reset(&l->why);
	op_buf_addc(&l->why, '[');
	for (size_t k = 0; k < ntop; k++) {
		op_buf_adds(&l->why, k ? ",{\"feature\":" : "{\"feature\":");
		op_buf_json_cstr(&l->why, c->featnames.p + top[k].at);
		op_buf_printf(&l->why, ",\"weight\":%.3f}", top[k].w);
	}
	op_buf_addc(&l->why, ']');
	free(ix);
}

/* model l on the record: l->spoke, l->best and l->prob; -1 on an
 * evaluation error of its text */
static int consult(ctx *c, learned *l)
{
	const char *s;
	size_t n;
	l->spoke = 0;
	/* the priority model's answer came with the category model's */
	int done = c->both && c->feats_of == &c->cm && l == &c->pm;
	if (!done) {
		int rc = op_modeltext_eval(&c->ev, l->text, &s, &n);
		if (rc <= 0)
			return rc;
		c->feats.names = c->explain_on ? &c->featnames : NULL;
		op_modelset_feats(c->both ? c->both : l->alone, &c->feats, s, n);
		c->feats_of = l;
	}
	/* no words, no evidence: the model's prior is not an answer */
	if (!c->feats.n && !c->feats.ncached)
		return 0;
	if (c->both && !done) {	/* both answers at once */
		double *prob[2] = { c->cm.prob, c->pm.prob };
		size_t best[2];
		op_modelset_predict(c->both, &c->feats, prob, best);
		c->cm.best = best[0];
		c->pm.best = best[1];
	} else if (!done) {
		op_modelset_predict(l->alone, &c->feats, &l->prob, &l->best);
	}
	l->spoke = 1;
	if (c->explain_on)
		top_features(c, l);
	return 0;
}

/* The category when the category model spoke (man/enq-classify.1,
 * Models): each category's rule sum (0 where none held) and the model's
 * log-probability added, one more piece of evidence in the rules' own
 * unit; a category of the rules the model does not know is in the running
 * where a rule for it held, with the model's uniform prior.  The best
 * wins, its confidence the softmax of the sums (no rule held: the model's
 * own answer and probability);
 * by "rules" when it is what the rules alone give at or over the
 * threshold, else "model".  0 when the model's answer falls under
 * --min-prob: the rules decide alone, as without a model. */
/* fuse's sums, when some rule held: the best candidate into *win (a
 * model class, or K + a rule category the model does not know), its
 * confidence returned */
static double sum_evidence(ctx *c, size_t *win)
{
	size_t K = op_model_nclasses(c->cm.m), n = K + c->nnames;
	double *v = c->fused, mx = -HUGE_VAL, sum = 0;
	for (size_t k = 0; k < n; k++) {
		int rule = k < K ? c->rule_of[k] : (int)(k - K);
		/* a rule category: counted with its class, or not running */
		if (k >= K && (c->class_of[rule] >= 0 || !c->fired[rule])) {
			v[k] = -HUGE_VAL;
			continue;
		}
		double p = k < K ? c->cm.prob[k] : 1.0 / (double)K;
		v[k] = log(p > 1e-300 ? p : 1e-300) + (rule >= 0 && c->fired[rule] ? c->score[rule] : 0);
		if (v[k] > mx) {
			mx = v[k];
			*win = k;
		}
	}
	for (size_t k = 0; k < n; k++)
		sum += exp(v[k] - mx);
	return 1 / sum;
}

static int fuse(ctx *c, int best, const char **category, double *conf, const char **by)
{
	size_t K = op_model_nclasses(c->cm.m), win = c->cm.best;
	*conf = best < 0 ? c->cm.prob[win] : sum_evidence(c, &win);
	int rule = win < K ? c->rule_of[win] : (int)(win - K);
	if (rule >= 0 && rule == best && c->score[best] >= c->threshold) {
		*by = "rules";
	} else {
		*by = "model";
		if (*conf < c->min_prob)
			return 0;
	}
	*category = win < K ? op_model_class(c->cm.m, win) : c->names[rule];
	return 1;
}

/* --rule-report: where each category and priority rule holds on a
 * record that has the label it gives (a category, a priority), whether
 * the label is the rule's; nothing is written, and a record turned away
 * counts for no rule */
static int tally(ctx *c, op_stream *st, op_rec *r)
{
	enum { UNLABELLED = -2 };	/* category -1: a label no rule gives */
	size_t n = c->ncats + c->npris;
	for (size_t i = 0; i < n; i++) {
		int cat = i < c->ncats;
		int t = cond(c, cat ? c->cats[i].when : c->pris[i - c->ncats].when);
		if (t < 0) {
			op_reject(st, "%s:%u: %s: %s", c->rules->file, cat ? c->cats[i].line : c->pris[i - c->ncats].line,
				  cat ? "category" : "priority", c->ev.err);
			return 0;
		}
		c->holds[i] = (unsigned char)t;
	}
	int cat = own_value(c, r, "category", &c->incat) ? find_name(c, c->incat.p) : UNLABELLED;
	/* a priority that is no level is none: op_classify_record decides
	 * one in its place */
	int pri = own_value(c, r, "priority", &c->inpri) ? op_p_index(c->inpri.p, op_priorities) : -1;
	for (size_t i = 0; i < c->ncats; i++)
		if (c->holds[i] && cat != UNLABELLED) {
			c->cats[i].held++;
			c->cats[i].right += cat == c->cats[i].cat;
		}
	for (size_t i = 0; i < c->npris; i++)
		if (c->holds[c->ncats + i] && pri >= 0) {
			c->pris[i].held++;
			c->pris[i].right += pri == c->pris[i].level;
		}
	return 0;
}

/* "%.3f" of p as printf writes it, the exact binary value rounded, a tie
 * (0.0625) to even, without printf, which was 3 % of the program's time
 * with 30 rules: fma gives the sign of p * 1000 - (k + 0.5) exactly */
static void put_confidence(op_buf *b, double p)
{
	if (!(p >= 0 && p <= 1) || signbit(p)) {	/* -0.0 is "-0.000" */
		op_buf_printf(b, "%.3f", p);
		return;
	}
	double k = floor(p * 1000);
	double d = fma(p, 1000, -(k + 0.5));
	if (d > 0 || (d == 0 && fmod(k, 2) != 0))
		k++;
	unsigned m = (unsigned)k;
	char s[5] = { (char)('0' + m / 1000), '.', (char)('0' + m / 100 % 10), (char)('0' + m / 10 % 10),
		      (char)('0' + m % 10) };
	op_buf_add(b, s, sizeof s);
}

int op_classify_record(op_stream *st, op_rec *r, void *vc)
{
	ctx *c = vc;
	op_eval_record(&c->ev, r);
	c->text = NULL;
	if (c->pf)
		op_pf_next(c->pf);
	if (c->report)
		return tally(c, st, r);
	op_fields_reset(&c->out);
	op_buf_reset(&c->explain);
	c->recno++;
	memset(c->fired, 0, c->nnames);
	for (size_t i = 0; i < c->nnames; i++)
		c->score[i] = 0;

	const char *what = "category";
	unsigned line = 0;
	int prio;
	if (fire_rules(c, &prio, &what, &line))
		goto evalerr;

	if (extract(c, st, r))
		return 0;

	/* the decision: the record's own category, else rules at or over the
	 * threshold, else the model, else the default (man/enq-classify.1,
	 * Precedence) */
	int kept = own_value(c, r, "category", &c->incat);
	int best = -1;
	double zsum = exp(0.0), top = 0;	/* scores read as log-odds against "none" at the threshold */
	for (size_t i = 0; i < c->nnames; i++)
		if (c->fired[i] && (best < 0 || c->score[i] > c->score[best]))
			best = (int)i;
	if (best >= 0) {
		top = c->score[best] > c->threshold ? c->score[best] : c->threshold;
		zsum = exp(c->threshold - top);
		for (size_t i = 0; i < c->nnames; i++)
			if (c->fired[i])
				zsum += exp(c->score[i] - top);
	}
	const char *category;
	double conf;
	c->cm.spoke = c->pm.spoke = 0;
	c->feats_of = NULL;
	if (c->cm.m && (c->explain_on || !kept) && consult(c, &c->cm)) {
		what = "model text";
		goto evalerr;
	}
	int own = own_value(c, r, "priority", &c->inpri) ? op_p_index(c->inpri.p, op_priorities) : -1;
	if (c->pm.m && (c->explain_on || (own < 0 && prio < 0)) && consult(c, &c->pm)) {
		what = "priority model text";
		goto evalerr;
	}
	const char *by;
	if (kept) {
		category = c->incat.p;
		conf = 1;
		by = "input";
		c->by_input++;
	} else if (c->cm.spoke && fuse(c, best, &category, &conf, &by)) {
		if (*by == 'r')
			c->by_rules++;
		else
			c->by_model++;
	} else if (best >= 0 && c->score[best] >= c->threshold) {
		category = c->names[best];
		conf = exp(c->score[best] - top) / zsum;
		by = "rules";
		c->by_rules++;
	} else {
		category = c->deflt ? c->deflt : "other";
		/* the weight of "none of them" against what fired; nothing
		 * fired: no evidence at all */
		conf = best >= 0 ? exp(c->threshold - top) / zsum : 0;
		by = "default";
		c->by_default++;
	}

	/* a kept category keeps the record's confidence, or is taken as
	 * certain */
	if (!kept)
		op_fields_cstr(&c->out, "category", category);
	if (!kept || blank(field(r, "confidence")))
		put_confidence(op_fields_add(&c->out, "confidence"), conf);
	provenance(c, r, "category", "category_by", "category_was", kept, by);
	/* the priority: the record's own, else the rules', else the
	 * model's, else normal */
	const char *pby = own >= 0 ? "input" : prio >= 0 ? "rules" : c->pm.spoke ? "model" : "default";
	if (prio < 0 && c->pm.spoke)
		prio = op_p_index(op_model_class(c->pm.m, c->pm.best), op_priorities);
	if (own < 0)
		op_fields_cstr(&c->out, "priority", op_priorities[prio < 0 ? NORMAL : prio]);
	provenance(c, r, "priority", "priority_by", "priority_was", own >= 0, pby);
	/* the record's own language stands (man/enq-classify.1, LANGUAGE) */
	if (c->langid && blank(field(r, "lang"))) {
		const char *s;
		size_t n;
		if (op_modeltext_eval(&c->ev, c->ltext, &s, &n) < 0) {
			what = "lang";
			goto evalerr;
		}
		op_fields_cstr(&c->out, "lang", op_langid_guess(c->langid, s, n, NULL));
	}
	op_fields_json(&c->out, "tags", c->tagv.p, c->tagv.len);
	missing_member(c, r, category, op_fields_add(&c->out, "missing"));
	for (size_t i = 0; i < c->nexts; i++)
		if (c->extoff[i] != (size_t)-1)
			op_fields_json(&c->out, c->exts[i].field, c->ext.p + c->extoff[i], c->extlen[i]);
	if (c->explain_on)
		explain_member(c, op_fields_add(&c->out, "explain"), by);
	size_t n;
	const op_kv *kv = op_fields_kv(&c->out, &n);
	op_emit_rec(st, r, kv, n);
	return 0;
evalerr:
	if (line)
		op_reject(st, "%s:%u: %s: %s", c->rules->file, line, what, c->ev.err);
	else
		op_reject(st, "%s: %s", what, c->ev.err);
	return 0;
}


op_classify *op_classify_new(void)
{
	ctx *c = op_xcalloc(1, sizeof *c);
	c->threshold = 1;
	return c;
}

/* m, loaded from `from` (NULL with e when it failed), for the category
 * or, when its label is priority, the priority; -1 with e when it cannot be */
static int use_model(ctx *c, op_model *m, const char *from, op_err *e)
{
	if (!m)
		return -1;
	int pri = !strcmp(op_model_label(m), "priority");
	learned *l = pri ? &c->pm : &c->cm;
	for (size_t k = 0; pri && k < op_model_nclasses(m); k++)
		if (op_p_index(op_model_class(m, k), op_priorities) < 0) {
			op_errf(e, OP_EXIT_CONFIG, "%s: a priority model's class '%s' is not low, normal, high or urgent",
				from, op_model_class(m, k));
			op_model_free(m);
			return -1;
		}
	if (l->m) {
		op_errf(e, OP_EXIT_USAGE, "%s: a second %s model (-m is given once for each)", from,
			pri ? "priority" : "category");
		op_model_free(m);
		return -1;
	}
	l->m = m;
	l->from = from;
	l->prob = op_xmalloc(op_model_nclasses(m) * sizeof *l->prob);
	return (l->text = op_modeltext_parse(from, op_model_text_expr(m), &l->rules, e)) ? 0 : -1;
}

op_classify *op_classify_load(const char *rules, const char *const *models, size_t nmodels, double min_prob,
			      int flags, const op_cli *cli, op_err *e)
{
	ctx *c = op_classify_new();
	c->min_prob = min_prob;
	c->explain_on = !!(flags & OP_CLASSIFY_EXPLAIN);
	c->reclassify = !!(flags & OP_CLASSIFY_RECLASSIFY);
	c->report = !!(flags & OP_CLASSIFY_RULEREPORT);
	if (!(c->rules = op_rules_load(rules, "classify.rules", op_classify_statements, c, 0, e)) ||
	    op_calendar_for(cli, rules, &c->calendar, e))
		goto fail;
	/* one literal scan per subject instead of one pcre2 run per rule;
	 * OPFLOW_NO_PREFILTER=1 measures what that saves */
	const char *nopf = getenv("OPFLOW_NO_PREFILTER");
	if ((!nopf || strcmp(nopf, "1")) && !(c->pf = op_pf_new(c->rules->lang.rx, c->rules->lang.nrx, e)))
		goto fail;
	if (c->pf) {
		c->nfound = op_pf_gated(c->pf);
		c->found = op_xcalloc((c->nfound + 63) / 64 + 1, sizeof *c->found);
	}
	for (size_t i = 0; i < c->ncats; i++)
		op_expr_text_gate(c->cats[i].when, &c->cats[i].gate);
	for (size_t i = 0; i < c->npris; i++)
		op_expr_text_gate(c->pris[i].when, &c->pris[i].gate);
	for (size_t i = 0; i < c->ntags; i++)
		op_expr_text_gate(c->tags[i].when, &c->tags[i].gate);
	/* the built-in models go with the built-in rules, whose categories
	 * they learned, as the built-in calendar does; rules of one's own
	 * have them with -m builtin */
	int builtin = !rules;
	for (size_t i = 0; i < nmodels; i++)
		if (!strcmp(models[i], "builtin"))
			builtin = 1;
		else if (use_model(c, op_model_load(models[i], e), models[i], e))
			goto fail;
	c->no_model = flags & OP_CLASSIFY_NOMODEL ? "none (--no-model)"
		      : !builtin ? "none (rules of your own: -m builtin for the built-in models)"
				 : "none (built without share/train/)";
	for (int k = 0; k < 2 && builtin && !(flags & OP_CLASSIFY_NOMODEL); k++) {
		learned *l = k ? &c->pm : &c->cm;
		size_t n;
		const unsigned char *p = op_defmodel(k ? "priority" : "category", &n);
		if (!l->m && p && use_model(c, op_model_parse(p, n, e), "built-in", e))
			goto fail;
	}
	if (c->cm.m && c->pm.m && !strcmp(op_model_text_expr(c->cm.m), op_model_text_expr(c->pm.m)))
		c->both = op_modelset_new((const op_model *[]){ c->cm.m, c->pm.m }, 2);
	for (int k = 0; k < 2 && !c->both; k++) {	/* a set of one, for its cache */
		learned *l = k ? &c->pm : &c->cm;
		if (l->m)
			l->alone = op_modelset_new((const op_model *[]){ l->m }, 1);
	}
	if (c->cm.m) {	/* the rules' categories and the model's classes matched by name */
		size_t K = op_model_nclasses(c->cm.m);
		c->rule_of = op_xmalloc(K * sizeof *c->rule_of);
		c->class_of = op_xmalloc((c->nnames ? c->nnames : 1) * sizeof *c->class_of);
		c->fused = op_xmalloc((K + c->nnames) * sizeof *c->fused);
		for (size_t i = 0; i < c->nnames; i++)
			c->class_of[i] = -1;
		for (size_t k = 0; k < K; k++)
			if ((c->rule_of[k] = find_name(c, op_model_class(c->cm.m, k))) >= 0)
				c->class_of[c->rule_of[k]] = (int)k;
	}
	if (!(flags & OP_CLASSIFY_NOLANG)) {
		if (!(c->ltext = op_modeltext_parse("lang", "text", &c->lrules, e)))
			goto fail;
		c->langid = op_langid_new();
	}
	c->score = op_xcalloc(c->nnames ? c->nnames : 1, sizeof *c->score);
	c->fired = op_xcalloc(c->nnames ? c->nnames : 1, 1);
	c->holds = op_xcalloc(c->ncats + c->npris + 1, 1);
	c->extoff = op_xcalloc(c->nexts ? c->nexts : 1, sizeof *c->extoff);
	c->extlen = op_xcalloc(c->nexts ? c->nexts : 1, sizeof *c->extlen);
	c->tagseen = op_xcalloc(c->ntags ? c->ntags : 1, sizeof *c->tagseen);
	size_t nreq = 0;
	for (size_t i = 0; i < c->nreqs; i++)
		nreq += c->reqs[i].n;
	c->miss = op_xcalloc(nreq ? nreq : 1, sizeof *c->miss);
	op_eval_init(&c->ev, cli->now, cli->tz);
	if (c->explain_on)
		c->ev.trace = &c->trace;
	c->ev.lang = &c->rules->lang;
	if (op_calendar_attach(c->calendar, c->rules, &c->ev, e))
		goto fail;
	return c;
fail:
	op_classify_free(c);
	return NULL;
}

/* one line a category or priority rule, in the order of the file */
void op_classify_report(op_classify *c, op_stream *st)
{
	op_buf b = {0};
	for (size_t i = 0, j = 0; i < c->ncats || j < c->npris;) {
		int cat = j == c->npris || (i < c->ncats && c->cats[i].line < c->pris[j].line);
		unsigned line = cat ? c->cats[i].line : c->pris[j].line;
		unsigned long long held = cat ? c->cats[i].held : c->pris[j].held,
				   right = cat ? c->cats[i].right : c->pris[j].right;
		op_buf_reset(&c->tmp);
		op_buf_printf(&c->tmp, "%s:%u", c->rules->file, line);
		op_buf_reset(&b);
		op_buf_adds(&b, "{\"at\":");
		op_buf_json_str(&b, c->tmp.p, c->tmp.len);
		op_buf_printf(&b, ",\"%s\":", cat ? "category" : "priority");
		op_buf_json_cstr(&b, cat ? c->names[c->cats[i].cat] : op_priorities[c->pris[j].level]);
		if (cat)
			op_buf_printf(&b, ",\"score\":%.15g", c->cats[i].score);
		op_buf_printf(&b, ",\"held\":%llu,\"right\":%llu,\"precision\":", held, right);
		if (held)
			op_buf_printf(&b, "%.4f}", (double)right / (double)held);
		else
			op_buf_adds(&b, "null}");
		op_emit(st, b.p, b.len);
		i += cat;
		j += !cat;
	}
	op_buf_free(&b);
}

void op_classify_stats(const op_classify *c, op_buf *extra)
{
	op_buf_printf(extra, ",\"by_input\":%llu,\"by_rules\":%llu,\"by_model\":%llu,\"by_default\":%llu",
		      c->by_input, c->by_rules, c->by_model, c->by_default);
}

/* a name once in a NULL-terminated list of at most cap - 1 */
static void add_once(const char **list, size_t cap, const char *name)
{
	size_t i = 0;
	while (list[i] && strcmp(list[i], name))
		i++;
	if (!list[i] && i + 1 < cap)
		list[i] = name;
}

const char **op_classify_names(const op_classify *c, int what)
{
	size_t cap = 2 + c->nnames + c->nexts;
	for (size_t i = 0; i < c->nreqs; i++)
		cap += c->reqs[i].n;
	const char **list = op_xcalloc(cap, sizeof *list);
	if (what == OP_CLASSIFY_CATEGORIES) {
		for (size_t i = 0; i < c->nnames; i++)
			add_once(list, cap, c->names[i]);
		add_once(list, cap, c->deflt ? c->deflt : "other");
	} else if (what == OP_CLASSIFY_REQUIRED) {
		for (size_t i = 0; i < c->nreqs; i++)
			for (size_t j = 0; j < c->reqs[i].n; j++)
				add_once(list, cap, c->reqs[i].fields[j]);
	} else {
		for (size_t i = 0; i < c->nexts; i++)
			add_once(list, cap, c->exts[i].field);
	}
	return list;
}

void op_classify_free(op_classify *c)
{
	if (!c)
		return;
	op_eval_free(&c->ev);
	op_pf_free(c->pf);
	op_modelset_free(c->both);
	op_rules_free(c->rules);
	for (int k = 0; k < 2; k++) {
		learned *l = k ? &c->pm : &c->cm;
		op_rules_free(l->rules);
		op_modelset_free(l->alone);
		op_model_free(l->m);
		free(l->prob);
		op_buf_free(&l->why);
	}
	op_buf_free(&c->featnames);
	free(c->rule_of);
	free(c->class_of);
	free(c->fused);
	op_rules_free(c->lrules);
	op_langid_free(c->langid);
	op_calendar_free(c->calendar);
	op_feats_free(&c->feats);
	free(c->score);
	free(c->found);
	free(c->fired);
	free(c->holds);
	free(c->extoff);
	free(c->extlen);
	free(c->tagseen);
	free(c->miss);
	free(c->cats);
	free(c->pris);
	free(c->tags);
	free(c->exts);
	free(c->reqs);
	free(c->names);
	op_fields_free(&c->out);
	op_buf_free(&c->tagv);
	op_buf_free(&c->explain);
	op_buf_free(&c->trace);
	op_buf_free(&c->tmp);
	op_buf_free(&c->ext);
	op_buf_free(&c->incat);
	op_buf_free(&c->inpri);
	free(c);
}

const op_rules *op_classify_rules(const op_classify *c)
{
	return c->rules;
}
