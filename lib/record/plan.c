/* plan.c - a CSV header's columns planned into record keys (see plan.h).
 * MIT licence, see COPYING. */
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "uniq.h"

void op_plan_free(op_plan *p)
{
	for (size_t i = 0; i < p->ncols; i++) {
		free(p->cols[i].key);
		free(p->cols[i].prefix);
		free(p->colnames[i]);
	}
	free(p->cols);
	free(p->colnames);
	p->cols = NULL;
	p->colnames = NULL;
	p->ncols = 0;
}

/* What the map file and the aliases say of each column: targets and
 * kinds; 1 when a column is the name itself. */
static int find_targets(op_plan *p, const op_mapping *map, const char *const *names,
			const char **target, int *kinds)
{
	int direct_name = 0;
	for (size_t i = 0; i < p->ncols; i++) {
		p->colnames[i] = op_xstrdup(names[i]);
		p->cols[i].col = p->colnames[i];
		p->cols[i].kind = OP_MAP_TEXT;
		target[i] = op_mapping_find(map, names[i], &kinds[i]);
		if (target[i] && !strcmp(target[i], "name"))
			direct_name = 1;
	}
	return direct_name;
}

/* The mapped columns, in order: the first to claim a field gets it (a
 * part of the name unless a column is the name itself); 1 when a column
 * gives a part of the name. */
static int plan_mapped(op_plan *p, const char **target, const int *kinds, int direct_name,
		       op_uniq *used)
{
	int have_id = 0, have_channel = 0, first = 0, last = 0;
	for (size_t i = 0; i < p->ncols; i++) {
		op_column *k = &p->cols[i];
		const char *t = target[i];
		if (!t)
			continue;
		k->mapped = 1;
		if (kinds[i] == OP_MAP_DROP) {
			k->kind = OP_MAP_DROP;
		} else if (kinds[i] == OP_MAP_FIRST || kinds[i] == OP_MAP_LAST) {
			int *taken = kinds[i] == OP_MAP_FIRST ? &first : &last;
			if (!direct_name && !(*taken)++)
				k->kind = kinds[i];
		} else if (!strcmp(t, "id") || !strcmp(t, "channel")) {
			int is_id = t[0] == 'i', *seen = is_id ? &have_id : &have_channel;
			if ((*seen)++)
				continue;
			k->kind = is_id ? OP_REC_ID : OP_REC_CHANNEL;
			k->key = op_xstrdup(t);
		} else if (strcmp(t, "source") && op_uniq_take(used, t)) {
			k->key = op_xstrdup(t);
			k->kind = kinds[i];
		}
	}
	return first || last;
}

/* Every column without a key yet: its snake_case name, made unique. */
static void plan_rest(op_plan *p, op_uniq *used, op_buf *b)
{
	for (size_t i = 0; i < p->ncols; i++) {
		op_column *k = &p->cols[i];
		if (k->key || k->kind == OP_MAP_DROP || k->kind == OP_MAP_FIRST || k->kind == OP_MAP_LAST)
			continue;
		op_buf_reset(b);
		op_snake_case(b, p->colnames[i]);
		if (!b->len)
			op_buf_printf(b, "col_%zu", i + 1);
		char *base = op_xstrdup(b->p);
		op_uniq_make(used, base, b);
		free(base);
		k->key = op_xstrdup(b->p);
	}
}

void op_plan_make(op_plan *p, const op_mapping *map, const char *const *names, size_t n)
{
	op_plan_free(p);
	size_t m = n ? n : 1;
	p->ncols = n;
	p->cols = op_xcalloc(m, sizeof *p->cols);
	p->colnames = op_xcalloc(m, sizeof *p->colnames);
	const char **target = op_xcalloc(m, sizeof *target);
	int *kinds = op_xcalloc(m, sizeof *kinds);
	op_uniq used = { 0 };	/* the keys given out, and those enq-parse writes */
	op_uniq_take(&used, "id");
	op_uniq_take(&used, "source");
	op_uniq_take(&used, "channel");
	int direct_name = find_targets(p, map, names, target, kinds);
	if (plan_mapped(p, target, kinds, direct_name, &used))
		op_uniq_take(&used, "name");	/* the record builder's */
	op_buf b = { 0 };
	plan_rest(p, &used, &b);
	for (size_t i = 0; i < n; i++) {
		op_column *k = &p->cols[i];
		if (!k->key)
			continue;
		op_buf_reset(&b);
		op_record_prefix(&b, k->key);
		k->prefix = op_xstrdup(b.p);
		k->plen = b.len;
	}
	op_buf_free(&b);
	op_uniq_free(&used);
	free(target);
	free(kinds);
}

int op_plan_row(const op_plan *p, op_record *rec, const char *const *fields, const size_t *lens,
		size_t n)
{
	op_record_start(rec);
	for (size_t i = 0; i < n; i++) {
		const op_column *k = &p->cols[i];
		const char *v = fields[i];
		if (k->kind != OP_MAP_DROP &&
		    op_record_add(rec, k->prefix, k->plen, *v ? v : NULL, lens[i], k->kind, k->col) < 0)
			return -1;
	}
	return 0;
}

int op_plan_warn(const op_plan *p, const char *file, op_buf *b)
{
	int when = 0, text = 0;
	for (size_t i = 0; i < p->ncols; i++) {
		const char *k = p->cols[i].key;
		when |= k && !strcmp(k, "received_at");
		text |= k && (!strcmp(k, "subject") || !strcmp(k, "body"));
	}
	if (when && text)
		return 0;
	op_buf_reset(b);
	for (size_t i = 0; i < p->ncols && b->len < 200; i++)
		op_buf_printf(b, "%s\"%.40s\"", i ? ", " : "", p->colnames[i]);
	if (b->len >= 200)
		op_buf_adds(b, ", ...");
	op_warn("%s: no column maps to %s (columns: %s): map %s with -m; --show-mapping shows how each column is read",
		file, !when && !text ? "received_at nor to subject or body" : !when ? "received_at" : "subject or body",
		b->p ? b->p : "", !when && !text ? "them" : "one");
	return 1;
}

void op_plan_show(const op_plan *p, FILE *out)
{
	static const char *const kinds[] = { "text", "date", "number" };
	for (size_t i = 0; i < p->ncols; i++) {
		const op_column *k = &p->cols[i];
		fprintf(out, "%s -> ", p->colnames[i]);
		if (k->kind == OP_MAP_DROP)
			fputs("dropped (the map file says -)\n", out);
		else if (k->kind == OP_MAP_FIRST || k->kind == OP_MAP_LAST)
			fprintf(out, "name (its %s part)\n", k->kind == OP_MAP_FIRST ? "first" : "last");
		else if (k->kind == OP_REC_ID || k->kind == OP_REC_CHANNEL)
			fprintf(out, "%s\n", k->key);
		else
			fprintf(out, "%s (%s%s)\n", k->key, kinds[k->kind],
				k->mapped ? "" : ", not mapped: kept under its own name");
	}
}
