/* kpitab.c - kpi-rollup rows into a table of groups x periods x KPIs.
 * MIT licence, see COPYING.
 *
 * Rows are few (one per group and period), so the sub-objects a row
 * carries ("kpi", "prev", "flags") are decoded with jansson; the group
 * keys and KPI values are read from the scanned line.  Memory is linear in
 * the input: no groups x periods grid is ever allocated.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jvalue.h"
#include "kpitab.h"

/* the members of a row that are not group keys or KPIs */
static int reserved(const char *k, size_t n)
{
	static const char *const names[] = { "period", "prev", "delta", "delta_pct", "kpi", "flags", "base_n", "low_n", NULL };
	for (int i = 0; names[i]; i++)
		if (strlen(names[i]) == n && !memcmp(names[i], k, n))
			return 1;
	return 0;
}

void op_kpitab_init(op_kpitab *t)
{
	memset(t, 0, sizeof *t);
}

static const char *adup(op_kpitab *t, const char *s, size_t n)
{
	return op_arena_strndup(&t->a, s, n);
}

static size_t kpi_index(op_kpitab *t, const char *name, size_t n, int add)
{
	int isnew;
	void **slot = add ? op_hmap_put(&t->kpis, name, n, &isnew) : NULL;
	if (!add) {
		void *v = op_hmap_get(&t->kpis, name, n);
		return v ? (size_t)(uintptr_t)v - 1 : (size_t)-1;
	}
	if (isnew) {
		t->kpi = op_grow(t->kpi, t->nkpi, &t->capkpi, sizeof *t->kpi);
		const char *k = adup(t, name, n);
		t->kpi[t->nkpi] = (op_kpi){ .name = k, .label = k, .kind = OP_NUM_ANY, .digits = -1, .min_n = -1 };
		*slot = (void *)(uintptr_t)++t->nkpi;
	}
	return (size_t)(uintptr_t)*slot - 1;
}

static int string_array(json_t *a)
{
	size_t i;
	json_t *v;
	if (!json_is_array(a))
		return 0;
	json_array_foreach(a, i, v)
		if (!json_is_string(v))
			return 0;
	return 1;
}

static int string_map(json_t *o)
{
	const char *k;
	json_t *v;
	if (!o)
		return 1;
	if (!json_is_object(o))
		return 0;
	json_object_foreach(o, k, v)
		if (!json_is_string(v))
			return 0;
	return 1;
}

/* an object of whole numbers from 0 to max, or absent */
static int count_map(json_t *o, double max)
{
	const char *k;
	json_t *v;
	if (!o)
		return 1;
	if (!json_is_object(o))
		return 0;
	json_object_foreach(o, k, v) {
		double d = json_number_value(v);
		if (!json_is_number(v) || d < 0 || d > max || d != floor(d))
			return 0;
	}
	return 1;
}

static int kind_of(const char *s)
{
	return !s ? OP_NUM_ANY : !strcmp(s, "count") ? OP_NUM_COUNT : !strcmp(s, "rate") ? OP_NUM_RATE
	       : !strcmp(s, "value") ? OP_NUM_VALUE : -1;
}

static int kind_map(json_t *o)
{
	const char *k;
	json_t *v;
	if (!string_map(o))
		return 0;
	json_object_foreach(o, k, v)
		if (kind_of(json_string_value(v)) < 0)
			return 0;
	return 1;
}

/* label, definition, kind, min_n and digits of KPI kp, the first given
 * standing (as its owner and unit) */
static void read_kpi_meta(op_kpitab *t, op_kpi *kp, json_t *m)
{
	const char *k = kp->name;
	const char *label = json_string_value(json_object_get(json_object_get(m, "label"), k));
	const char *def = json_string_value(json_object_get(json_object_get(m, "definition"), k));
	json_t *kind = json_object_get(json_object_get(m, "kind"), k);
	json_t *min_n = json_object_get(json_object_get(m, "min_n"), k);
	json_t *digits = json_object_get(json_object_get(m, "digits"), k);
	if (label && *label && strcmp(label, k) && kp->label == kp->name)
		kp->label = adup(t, label, strlen(label));
	if (def && !kp->definition)
		kp->definition = adup(t, def, strlen(def));
	if (kind && kp->kind == OP_NUM_ANY)
		kp->kind = kind_of(json_string_value(kind));
	if (min_n && kp->min_n < 0)
		kp->min_n = (long)json_number_value(min_n);
	if (digits && kp->digits < 0)
		kp->digits = (int)json_number_value(digits);
}

void op_kpitab_input(op_kpitab *t, const char *name)
{
	if (name != t->input)
		op_buf_reset(&t->meta);	/* read the next row's metadata anew */
	t->input = name;
}

/* "kpi":{"by":[...],"names":[...],"owner":{...},"unit":{...}[,"undated":N]
 *        [,"label":{...},"definition":{...},"kind":{...},"min_n":{...},"digits":{...}]} */
static int read_meta(op_kpitab *t, const op_field *f, op_err *err)
{
	/* kpi-rollup repeats the same metadata on every row: decode it once */
	if (t->meta.len == f->vlen && !memcmp(t->meta.p, f->v, f->vlen))
		return 0;
	json_t *m = op_jvalue(f->v, f->vlen);
	json_t *by = json_object_get(m, "by"), *names = json_object_get(m, "names");
	json_t *owner = json_object_get(m, "owner"), *unit = json_object_get(m, "unit");
	json_t *undated = json_object_get(m, "undated");
	int rc = -1;
	if (!m)	/* the one span jansson refuses (DEVIATIONS) */
		op_errf(err, OP_EXIT_DATAERR, "\"kpi\": a key holds \\u0000");
	else if (!json_is_object(m))
		op_errf(err, OP_EXIT_DATAERR, "\"kpi\" is not an object");
	else if (!string_array(by) || !string_array(names))
		op_errf(err, OP_EXIT_DATAERR, "\"kpi\": \"by\" and \"names\" must be arrays of strings");
	else if (!string_map(owner) || !string_map(unit) || !string_map(json_object_get(m, "label")) ||
		 !string_map(json_object_get(m, "definition")))
		op_errf(err, OP_EXIT_DATAERR,
			"\"kpi\": \"owner\", \"unit\", \"label\" and \"definition\" must map names to strings");
	else if (!kind_map(json_object_get(m, "kind")))
		op_errf(err, OP_EXIT_DATAERR, "\"kpi\": \"kind\" must map names to \"count\", \"rate\" or \"value\"");
	else if (!count_map(json_object_get(m, "min_n"), 1e15) || !count_map(json_object_get(m, "digits"), OP_NUM_DIGITS_MAX))
		op_errf(err, OP_EXIT_DATAERR, "\"kpi\": \"min_n\" must map names to counts, \"digits\" to 0 to %d",
			OP_NUM_DIGITS_MAX);
	else if (undated && (!json_is_number(undated) || json_number_value(undated) < 0
			     || json_number_value(undated) > 1e15
			     || json_number_value(undated) != floor(json_number_value(undated))))
		op_errf(err, OP_EXIT_DATAERR, "\"kpi\": \"undated\" must be a count");
	else if (t->by_set && json_array_size(by) != t->nby)
		op_errf(err, OP_EXIT_DATAERR, "group keys differ from the first row's");
	else
		rc = 0;
	for (size_t i = 0; !rc && i < json_array_size(by); i++) {
		const char *k = json_string_value(json_array_get(by, i));
		if (t->by_set && strcmp(k, t->by[i]))
			rc = op_errf(err, OP_EXIT_DATAERR, "group keys differ from the first row's");
	}
	if (rc) {
		json_decref(m);
		return rc;
	}
	if (!t->by_set) {
		t->nby = json_array_size(by);
		t->by = op_arena_alloc(&t->a, (t->nby + 1) * sizeof *t->by);
		for (size_t i = 0; i < t->nby; i++) {
			const char *k = json_string_value(json_array_get(by, i));
			t->by[i] = adup(t, k, strlen(k));
		}
		t->by_set = 1;
	}
	for (size_t i = 0; i < json_array_size(names); i++) {
		const char *k = json_string_value(json_array_get(names, i));
		size_t ki = kpi_index(t, k, strlen(k), 1);	/* may move t->kpi */
		op_kpi *kp = &t->kpi[ki];
		/* the first owner and unit given stand */
		const char *o = json_string_value(json_object_get(owner, k));
		const char *u = json_string_value(json_object_get(unit, k));
		if (o && !kp->owner)
			kp->owner = adup(t, o, strlen(o));
		if (u && !kp->unit)
			kp->unit = adup(t, u, strlen(u));
		read_kpi_meta(t, kp, m);
	}
	/* the same metadata repeats on a run's rows: a new one, or a new
	 * file, is a new run */
	if (undated)
		t->undated += (unsigned long long)json_number_value(undated);
	json_decref(m);
	t->has_meta = 1;
	op_buf_reset(&t->meta);
	op_buf_add(&t->meta, f->v, f->vlen);
	return 0;
}

/* Without metadata (rows written by hand or by another tool): the first
 * row's string members are the group keys, and number members are KPIs. */
static void infer(op_kpitab *t, op_rec *r)
{
	if (!t->by_set) {
		t->by = op_arena_alloc(&t->a, (r->nf + 1) * sizeof *t->by);
		for (size_t i = 0; i < r->nf; i++) {
			const op_field *f = &r->f[i];
			const char *k;
			size_t kn;
			op_jstr(f->k - 1, f->klen + 2, f->kesc, &t->tmp, &k, &kn);
			if (f->type == OP_JSTR && !reserved(k, kn))
				t->by[t->nby++] = adup(t, k, kn);
		}
		t->by_set = 1;
	}
	if (t->has_meta)
		return;
	for (size_t i = 0; i < r->nf; i++) {
		const op_field *f = &r->f[i];
		const char *k;
		size_t kn;
		op_jstr(f->k - 1, f->klen + 2, f->kesc, &t->tmp, &k, &kn);
		if (f->type == OP_JNUM && !reserved(k, kn))
			kpi_index(t, k, kn, 1);
	}
}

static op_kval value_of(op_kpitab *t, const char *v, size_t vlen, int esc)
{
	op_kval kv = { OP_KV_NULL, NAN, NULL };
	const char *s;
	size_t n;
	switch (op_jtype_of(v)) {
	case OP_JNULL:
		break;
	case OP_JNUM:
		kv.t = OP_KV_NUM;
		kv.n = op_jnum(v, vlen);
		break;
	case OP_JSTR:
		op_jstr(v, vlen, esc, &t->tmp, &s, &n);
		kv.t = OP_KV_TEXT;
		kv.s = adup(t, s, n);
		break;
	default:
		kv.t = OP_KV_TEXT;	/* first/last of a list, say: shown as written */
		kv.s = adup(t, v, vlen);
	}
	return kv;
}

static int text_or_null(json_t *v)
{
	return !v || json_is_string(v) || json_is_null(v);
}

static int read_flags(op_kpitab *t, op_krow *row, const op_field *f, op_err *err)
{
	json_t *a = op_jvalue(f->v, f->vlen), *o;
	size_t i;
	int rc = 0;
	if (!json_is_array(a)) {
		json_decref(a);
		return op_errf(err, OP_EXIT_DATAERR, a ? "\"flags\" is not an array" : "\"flags\": a key holds \\u0000");
	}
	row->flag = op_arena_alloc(&t->a, (json_array_size(a) + 1) * sizeof *row->flag);
	json_array_foreach(a, i, o) {
		json_t *name = json_object_get(o, "name"), *sev = json_object_get(o, "severity");
		json_t *msg = json_object_get(o, "message"), *own = json_object_get(o, "owner");
		json_t *title = json_object_get(o, "title"), *status = json_object_get(o, "status");
		json_t *about = json_object_get(o, "about");
		if (!json_is_string(name) || !json_is_string(sev) || !text_or_null(msg) || !text_or_null(own) ||
		    !text_or_null(title) || !text_or_null(status) || !text_or_null(about)) {
			rc = op_errf(err, OP_EXIT_DATAERR,
				     "flag %zu is not {name, severity, message, owner, title, about, status} with strings",
				     i + 1);
			break;
		}
		op_kflag *fl = &row->flag[row->nflag++];
		fl->sev = op_severity(json_string_value(sev));
		if (fl->sev < 0) {
			rc = op_errf(err, OP_EXIT_DATAERR, "flag %zu: severity \"%s\" is not low, medium, high or critical", i + 1,
				  json_string_value(sev));
			break;
		}
		fl->name = adup(t, json_string_value(name), json_string_length(name));
		fl->message = json_is_string(msg) ? adup(t, json_string_value(msg), json_string_length(msg)) : NULL;
		fl->owner = json_is_string(own) ? adup(t, json_string_value(own), json_string_length(own)) : NULL;
		fl->title = json_string_length(title) ? adup(t, json_string_value(title), json_string_length(title)) : fl->name;
		fl->about = json_is_string(about) ? adup(t, json_string_value(about), json_string_length(about)) : NULL;
		fl->resolved = json_is_string(status) && !strcmp(json_string_value(status), "resolved");
	}
	json_decref(a);
	return rc;
}

/* an object's numbers by KPI ("base_n"), NaN for the rest */
static double *read_n(op_kpitab *t, const char *o, size_t olen)
{
	const char *v;
	size_t vn;
	double *n = op_arena_alloc(&t->a, (t->nkpi + 1) * sizeof *n);
	for (size_t k = 0; k < t->nkpi; k++) {
		n[k] = NAN;
		if (op_jobj_get(o, olen, t->kpi[k].name, strlen(t->kpi[k].name), &v, &vn, &t->tmp) &&
		    op_jtype_of(v) == OP_JNUM)
			n[k] = op_jnum(v, vn);
	}
	return n;
}

/* "low_n":["KPI",...]: a mark for each KPI it names */
static void read_low(op_kpitab *t, op_krow *row, const op_field *f)
{
	json_t *a = op_jvalue(f->v, f->vlen), *v;
	size_t i;
	row->low = op_arena_alloc(&t->a, t->nkpi + 1);
	memset(row->low, 0, t->nkpi + 1);
	json_array_foreach(a, i, v) {
		size_t k = json_is_string(v) ? kpi_index(t, json_string_value(v), json_string_length(v), 0) : (size_t)-1;
		if (k != (size_t)-1)
			row->low[k] = 1;
	}
	json_decref(a);
}

static void read_prev(op_kpitab *t, op_krow *row, const op_field *f)
{
	const char *v, *s;
	size_t vn, n;
	if (f->type != OP_JOBJ)
		return;
	row->nprev = t->nkpi;
	row->prev = op_arena_alloc(&t->a, (t->nkpi + 1) * sizeof *row->prev);
	for (size_t k = 0; k < t->nkpi; k++) {
		row->prev[k] = (op_kval){ OP_KV_NULL, NAN, NULL };
		if (op_jobj_get(f->v, f->vlen, t->kpi[k].name, strlen(t->kpi[k].name), &v, &vn, &t->tmp))
			row->prev[k] = value_of(t, v, vn, memchr(v, '\\', vn) != NULL);
	}
	if (op_jobj_get(f->v, f->vlen, "period", 6, &v, &vn, &t->tmp) && op_jtype_of(v) == OP_JSTR) {
		op_jstr(v, vn, memchr(v, '\\', vn) != NULL, &t->tmp, &s, &n);
		row->prev_period = adup(t, s, n);
	}
	if (op_jobj_get(f->v, f->vlen, "base_n", 6, &v, &vn, &t->tmp) && op_jtype_of(v) == OP_JOBJ)
		row->prev_n = read_n(t, v, vn);
}

/* the group's identity (type and value of each key) into t->key, and its
 * label when one is wanted */
static void group_key(op_kpitab *t, op_rec *r, op_buf *label)
{
	op_buf_reset(&t->key);
	for (size_t i = 0; i < t->nby; i++) {
		const op_field *f = op_rec_get(r, t->by[i], strlen(t->by[i]));
		const char *s = "(none)";
		size_t n = 6;
		if (f && f->type == OP_JSTR)
			op_jstr(f->v, f->vlen, f->vesc, &t->tmp, &s, &n);
		else if (f && f->type != OP_JNULL)
			s = f->v, n = f->vlen;
		/* type and length first: no value can pass for two */
		op_buf_printf(&t->key, "%c%zu:", f ? (char)('0' + f->type) : '0', n);
		op_buf_add(&t->key, s, n);
		if (label) {
			if (i)
				op_buf_adds(label, " / ");
			op_buf_add(label, s, n);
		}
	}
}

static size_t group_of(op_kpitab *t, op_rec *r)
{
	group_key(t, r, NULL);
	int isnew;
	void **slot = op_hmap_put(&t->groups, t->key.p ? t->key.p : "", t->key.len, &isnew);
	if (isnew) {
		/* the label only for a new group: most rows are of known ones */
		op_buf label = {0};
		group_key(t, r, &label);
		t->group = op_grow(t->group, t->ngroup, &t->capgroup, sizeof *t->group);
		t->group[t->ngroup] = (op_kgroup){ .label = t->nby ? adup(t, label.p, label.len) : "all" };
		*slot = (void *)(uintptr_t)++t->ngroup;
		op_buf_free(&label);
	}
	return (size_t)(uintptr_t)*slot - 1;
}

/* the key of a group's row for a period into t->key */
static void cell_key(op_kpitab *t, size_t group, const char *period, size_t n)
{
	op_buf_reset(&t->key);
	op_buf_printf(&t->key, "%zu\x1f", group);
	op_buf_add(&t->key, period, n);
}

/* a row for this group and period came before: its group must exist */
static int seen_before(op_kpitab *t, op_rec *r, const char *period, size_t n, size_t *group)
{
	group_key(t, r, NULL);
	void *g = op_hmap_get(&t->groups, t->key.p ? t->key.p : "", t->key.len);
	if (!g)
		return 0;
	*group = (size_t)(uintptr_t)g - 1;
	cell_key(t, *group, period, n);
	return op_hmap_get(&t->cells, t->key.p, t->key.len) != NULL;
}

/* A record with no period: exc-flag --state's word that the alerts of
 * a group no longer in the rows stopped ({KEYS..., "flags":[...]}, every
 * flag resolved), kept for the report's "Resolved" line; anything else is
 * not a row. */
static int gone(op_kpitab *t, op_rec *r, op_err *err)
{
	const op_field *ff = op_rec_get(r, "flags", 5);
	op_krow row = { 0 };
	if (!ff || read_flags(t, &row, ff, err) || !row.nflag)
		return op_errf(err, OP_EXIT_DATAERR, "no \"period\": not a kpi-rollup row");
	for (size_t i = 0; i < row.nflag; i++)
		if (!row.flag[i].resolved)
			return op_errf(err, OP_EXIT_DATAERR, "no \"period\": not a kpi-rollup row");
	op_buf label = {0};
	for (size_t i = 0; i < r->nf; i++) {
		const op_field *f = &r->f[i];
		const char *s;
		size_t n;
		if (f->klen == 5 && !memcmp(f->k, "flags", 5))
			continue;
		if (f->type == OP_JSTR)
			op_jstr(f->v, f->vlen, f->vesc, &t->tmp, &s, &n);
		else
			s = f->v, n = f->vlen;
		op_buf_adds(&label, label.len ? " / " : ", ");
		op_buf_add(&label, s, n);
	}
	for (size_t i = 0; i < row.nflag; i++) {
		op_kflag fl = row.flag[i];
		op_buf_reset(&t->tmp);
		op_buf_adds(&t->tmp, fl.title);
		op_buf_add(&t->tmp, label.p ? label.p : "", label.len);
		fl.title = adup(t, t->tmp.p, t->tmp.len);
		t->gone = op_grow(t->gone, t->ngone, &t->capgone, sizeof *t->gone);
		t->gone[t->ngone++] = fl;
	}
	op_buf_free(&label);
	return 0;
}

int op_kpitab_add(op_kpitab *t, op_rec *r, op_err *err)
{
	const op_field *pf = op_rec_get(r, "period", 6);
	const op_field *mf = op_rec_get(r, "kpi", 3);
	const char *s;
	size_t n;
	if (!pf)
		return gone(t, r, err);
	if (pf->type != OP_JSTR)
		return op_errf(err, OP_EXIT_DATAERR, "\"period\" is not a string");
	op_krow row = { 0 };
	/* one row per group and period, a second a mistake upstream: turned
	 * away before its metadata or KPIs can change anything */
	op_jstr(pf->v, pf->vlen, pf->vesc, &t->tmp, &s, &n);
	const char *period = adup(t, s, n);	/* t->tmp is reused below */
	size_t g;
	if (t->by_set && seen_before(t, r, period, n, &g))
		return op_errf(err, OP_EXIT_DATAERR, "a second row for %s, period %.*s", t->group[g].label,
			    (int)(n > 64 ? 64 : n), period);
	const op_field *ff = op_rec_get(r, "flags", 5);
	if (ff && read_flags(t, &row, ff, err))
		return -1;
	if (mf && read_meta(t, mf, err))
		return -1;
	if (!mf)
		infer(t, r);

	row.group = group_of(t, r);
	cell_key(t, row.group, period, n);
	int isnew;
	*op_hmap_put(&t->cells, t->key.p, t->key.len, &isnew) = t;	/* new, seen_before said; any value not NULL */
	void **ps = op_hmap_put(&t->periods, period, n, &isnew);
	if (isnew) {
		t->period = op_grow(t->period, t->nperiod, &t->capperiod, sizeof *t->period);
		t->period[t->nperiod] = period;
		*ps = (void *)(uintptr_t)++t->nperiod;
	}
	row.period = (size_t)(uintptr_t)*ps - 1;

	row.nv = t->nkpi;
	row.v = op_arena_alloc(&t->a, (t->nkpi + 1) * sizeof *row.v);
	for (size_t k = 0; k < t->nkpi; k++) {
		const op_field *f = op_rec_get(r, t->kpi[k].name, strlen(t->kpi[k].name));
		row.v[k] = f ? value_of(t, f->v, f->vlen, f->vesc) : (op_kval){ OP_KV_NULL, NAN, NULL };
	}
	const op_field *prev = op_rec_get(r, "prev", 4), *nf = op_rec_get(r, "base_n", 6);
	const op_field *low = op_rec_get(r, "low_n", 5);
	if (prev)
		read_prev(t, &row, prev);
	if (nf && nf->type == OP_JOBJ)
		row.n = read_n(t, nf->v, nf->vlen);
	if (low && low->type == OP_JARR)
		read_low(t, &row, low);
	t->row = op_grow(t->row, t->nrow, &t->caprow, sizeof *t->row);
	t->row[t->nrow++] = row;
	return 0;
}

static const op_kpitab *sorting;

static int by_label(const void *a, const void *b)
{
	return strcmp(sorting->period[*(const size_t *)a], sorting->period[*(const size_t *)b]);
}

static int by_period(const void *a, const void *b)
{
	size_t pa = sorting->row[*(const size_t *)a].period, pb = sorting->row[*(const size_t *)b].period;
	return pa < pb ? -1 : pa > pb;
}

void op_kpitab_finish(op_kpitab *t)
{
	size_t *order = op_xcalloc(t->nperiod + 1, sizeof *order);
	size_t *rank = op_xcalloc(t->nperiod + 1, sizeof *rank);
	const char **sorted = op_xcalloc(t->nperiod + 1, sizeof *sorted);
	for (size_t i = 0; i < t->nperiod; i++)
		order[i] = i;
	sorting = t;
	qsort(order, t->nperiod, sizeof *order, by_label);
	for (size_t i = 0; i < t->nperiod; i++) {
		rank[order[i]] = i;
		sorted[i] = t->period[order[i]];
	}
	if (t->nperiod)
		memcpy(t->period, sorted, t->nperiod * sizeof *sorted);
	for (size_t i = 0; i < t->nperiod; i++)
		*op_hmap_put(&t->periods, t->period[i], strlen(t->period[i]), &(int){0}) = (void *)(uintptr_t)(i + 1);
	for (size_t i = 0; i < t->nrow; i++) {
		op_krow *r = &t->row[i];
		r->period = rank[r->period];
		op_kgroup *g = &t->group[r->group];
		g->rows = op_grow(g->rows, g->nrows, &g->cap, sizeof *g->rows);
		g->rows[g->nrows++] = i;
	}
	for (size_t g = 0; g < t->ngroup; g++)
		qsort(t->group[g].rows, t->group[g].nrows, sizeof *t->group[g].rows, by_period);
	free(order);
	free(rank);
	free(sorted);
}

size_t op_kpitab_period(const op_kpitab *t, const char *label)
{
	void *v = op_hmap_get(&t->periods, label, strlen(label));
	return v ? (size_t)(uintptr_t)v - 1 : (size_t)-1;
}

const op_krow *op_kpitab_at(const op_kpitab *t, size_t g, size_t p)
{
	const op_kgroup *gr = &t->group[g];
	size_t lo = 0, hi = gr->nrows;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		size_t mp = t->row[gr->rows[mid]].period;
		if (mp == p)
			return &t->row[gr->rows[mid]];
		if (mp < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const op_kval *op_krow_val(const op_krow *r, size_t k)
{
	static const op_kval null = { OP_KV_NULL, NAN, NULL };
	return k < r->nv ? &r->v[k] : &null;
}

int op_kpitab_prev(const op_kpitab *t, size_t g, size_t p, size_t k, double *v, const char **label)
{
	const op_krow *r = op_kpitab_at(t, g, p);
	if (r && r->prev) {
		if (k >= r->nprev || r->prev[k].t != OP_KV_NUM ||
		    (t->kpi[k].kind == OP_NUM_RATE && r->prev_n && r->prev_n[k] == 0))
			return 0;
		*v = r->prev[k].n;
		*label = r->prev_period ? r->prev_period : (p ? t->period[p - 1] : "before");
		return 1;
	}
	if (p == 0 || !(r = op_kpitab_at(t, g, p - 1)) || !op_kpitab_num(t, r, k, v))
		return 0;
	*label = t->period[p - 1];
	return 1;
}

int op_kpitab_num(const op_kpitab *t, const op_krow *r, size_t k, double *v)
{
	const op_kval *kv = op_krow_val(r, k);
	if (kv->t != OP_KV_NUM || (t->kpi[k].kind == OP_NUM_RATE && op_krow_n(r, k) == 0))
		return 0;
	*v = kv->n;
	return 1;
}

double op_krow_n(const op_krow *r, size_t k)
{
	return r->n && k < r->nv ? r->n[k] : NAN;
}

int op_kpitab_low(const op_kpitab *t, const op_krow *r, size_t k, double *n)
{
	const op_krow *q;
	double now = op_krow_n(r, k), before = NAN;
	long min = t->kpi[k].min_n;
	if (r->prev)
		before = r->prev_n && k < r->nprev ? r->prev_n[k] : NAN;
	else if (r->period > 0 && (q = op_kpitab_at(t, r->group, r->period - 1)))
		before = op_krow_n(q, k);
	/* kpi-rollup's rule: a count's change stands on the period before
	 * (a fall from 20 to 0 is news); anything else on both */
	int count = t->kpi[k].kind == OP_NUM_COUNT;
	*n = count || isnan(now) || before < now ? before : now;
	if (r->prev)	/* a --compare row: kpi-rollup judged, in low_n */
		return r->low && k < r->nv && r->low[k];
	return min > 0 && (before < min || (!count && now < min));
}

op_numfmt op_kpi_fmt(const op_kpi *kp)
{
	return (op_numfmt){ kp->kind, kp->unit, kp->digits };
}

void op_kpitab_free(op_kpitab *t)
{
	for (size_t g = 0; g < t->ngroup; g++)
		free(t->group[g].rows);
	op_hmap_free(&t->groups, NULL);
	op_hmap_free(&t->periods, NULL);
	op_hmap_free(&t->kpis, NULL);
	op_hmap_free(&t->cells, NULL);
	free(t->group);
	free(t->kpi);
	free(t->period);
	free(t->row);
	free(t->gone);
	op_buf_free(&t->meta);
	op_buf_free(&t->key);
	op_buf_free(&t->tmp);
	op_arena_free(&t->a);
}

int op_kpitab_worst(const op_kpitab *t, size_t p)
{
	int worst = -1;
	for (size_t i = 0; i < t->nrow; i++)
		for (size_t k = 0; t->row[i].period == p && k < t->row[i].nflag; k++)
			if (!t->row[i].flag[k].resolved && t->row[i].flag[k].sev > worst)
				worst = t->row[i].flag[k].sev;
	return worst;
}
