/* jsonmap.c - the members of a JSON line mapped into a record (see
 * plan.h).  MIT licence, see COPYING. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

typedef struct {
	const char *target;	/* NULL: passes as it is */
	int kind;
	/* the key as written, decoded ("\u0069d" is id): what it is when
	 * it passes as it is */
	unsigned char is_id, is_channel, is_source, is_name;
	op_buf pre, tpre;	/* ,"key": as written, and of the target */
} jkey;

/* A key's mapping, from the cache or worked out now. */
static const jkey *lookup_key(op_jsonmap *m, const op_field *f)
{
	int isnew;
	void **slot = op_hmap_put(&m->keys, f->k, f->klen, &isnew);
	if (!isnew)
		return *slot;
	const char *k;
	size_t kn;
	op_jstr(f->k - 1, f->klen + 2, f->kesc, &m->tmp, &k, &kn);
	char *key = op_xstrndup(k, kn);
	jkey *j = op_xcalloc(1, sizeof *j);
	int kind = OP_MAP_TEXT;
	j->target = op_mapping_find(m->map, key, &kind);
	j->kind = kind;
	j->is_id = !strcmp(key, "id");
	j->is_channel = !strcmp(key, "channel");
	j->is_source = !strcmp(key, "source");
	j->is_name = !strcmp(key, "name");
	if (j->target && !strcmp(j->target, "source"))
		j->target = NULL;
	if (!j->target)
		j->kind = op_field_kind(key) == OP_MAP_DATE || op_field_kind(key) == OP_MAP_NUMBER
			  ? op_field_kind(key) : OP_MAP_TEXT;
	else
		op_record_prefix(&j->tpre, j->target);
	op_buf_addc(&j->pre, ',');
	op_buf_add(&j->pre, f->k - 1, f->klen + 2);
	op_buf_addc(&j->pre, ':');
	free(key);
	*slot = j;
	return j;
}

/* A member's decoded string value (into buf when it has escapes). */
static void jstring(const op_field *f, op_buf *buf, const char **s, size_t *n)
{
	op_buf_reset(buf);
	op_jstr(f->v, f->vlen, f->vesc, buf, s, n);
}

/* A member's value, as it is or, for a date or number given as a string,
 * normalized: 0, or -1 with rec->norm.err saying why. */
static int jvalue(op_jsonmap *m, op_record *rec, const op_field *f, const op_buf *pre, int kind)
{
	if ((kind != OP_MAP_DATE && kind != OP_MAP_NUMBER) || f->type != OP_JSTR)
		return op_record_add(rec, pre->p, pre->len, f->v, f->vlen, OP_REC_JSON, NULL);
	const char *s;
	size_t sn;
	char col[128];
	jstring(f, &m->tmp, &s, &sn);
	op_norm_trim(&s, &sn);
	snprintf(col, sizeof col, "%.*s", (int)(f->klen > 120 ? 120 : f->klen), f->k);
	return op_record_add(rec, pre->p, pre->len, s, sn, kind, col) ? -1 : 0;
}

/* Whether the record names someone, as it is or renamed ("Full Name"):
 * First and Last Name are then left as they are, not made into a second
 * name. */
static int has_name(op_jsonmap *m, const op_rec *r)
{
	for (size_t i = 0; i < r->nf; i++) {
		const jkey *j = lookup_key(m, &r->f[i]);
		if (j->target ? !strcmp(j->target, "name") && j->kind == OP_MAP_TEXT : j->is_name)
			return 1;
	}
	return 0;
}

/* Whether target is taken in r: a member has that key, or another one
 * was renamed to it; when not, it is now. */
static int taken(op_jsonmap *m, op_rec *r, const char *target, size_t *nrenamed)
{
	if (op_rec_get(r, target, strlen(target)))
		return 1;
	for (size_t k = 0; k < *nrenamed; k++)
		if (!strcmp(m->renamed[k], target))
			return 1;
	if (*nrenamed == m->caprenamed) {
		m->caprenamed = m->caprenamed ? 2 * m->caprenamed : 16;
		m->renamed = op_xrealloc(m->renamed, m->caprenamed * sizeof *m->renamed);
	}
	m->renamed[(*nrenamed)++] = target;
	return 0;
}

/* The line's own id, first in the output, as a string; one that cannot
 * be (blank, null, an object) is left out for the content id, not kept
 * beside it. */
static void own_id(op_jsonmap *m, op_record *rec, const op_field *f)
{
	const char *s = f->v;
	size_t sn = f->vlen;
	if (f->type == OP_JSTR)
		jstring(f, &m->tmp, &s, &sn);
	if (f->type == OP_JSTR || f->type == OP_JNUM)
		op_record_add(rec, NULL, 0, s, sn, OP_REC_ID, NULL);
}

/* Member f with its mapping j: 0 when done with (added, or left out), 1
 * when it is to be added under key (NULL: its own). */
static int special(op_jsonmap *m, op_record *rec, op_rec *r, const op_field *f, const jkey *j,
		   int have_name, size_t *nrenamed, const char **key)
{
	*key = NULL;
	if (j->is_source && f->type == OP_JOBJ) {
		/* a record enq-parse wrote already: its source stays */
		rec->keep_source = 1;
	} else if (j->target && j->kind == OP_MAP_DROP) {
		return 0;
	} else if (j->target && (j->kind == OP_MAP_FIRST || j->kind == OP_MAP_LAST)) {
		/* a part of the name, unless it is there already */
		const char *s;
		size_t sn;
		if (!have_name && f->type == OP_JSTR) {
			jstring(f, &m->tmp, &s, &sn);
			if (!op_record_add(rec, NULL, 0, s, sn, j->kind, NULL))
				return 0;
		}
	} else if (j->target && !taken(m, r, j->target, nrenamed)) {
		*key = j->target;
	}
	if (*key ? !strcmp(*key, "id") : j->is_id) {
		if (!rec->has_id) {
			own_id(m, rec, f);
			return 0;
		}
	} else if (*key ? !strcmp(*key, "channel") : j->is_channel) {
		if (rec->channel)
			return 0;	/* --channel replaces it */
		rec->channel_inline = 1;
	}
	return 1;
}

int op_jsonmap_record(op_jsonmap *m, op_record *rec, op_rec *r)
{
	size_t nrenamed = 0;
	int have_name = has_name(m, r);
	op_record_start(rec);
	for (size_t i = 0; i < r->nf; i++) {
		const op_field *f = &r->f[i];
		const jkey *j = lookup_key(m, f);
		const char *key;
		if (special(m, rec, r, f, j, have_name, &nrenamed, &key) &&
		    jvalue(m, rec, f, key ? &j->tpre : &j->pre, j->kind))
			return -1;
	}
	return 0;
}

static void free_jkey(void *p)
{
	jkey *j = p;
	op_buf_free(&j->pre);
	op_buf_free(&j->tpre);
	free(j);
}

void op_jsonmap_free(op_jsonmap *m)
{
	op_hmap_free(&m->keys, free_jkey);
	op_buf_free(&m->tmp);
	free(m->renamed);
}
