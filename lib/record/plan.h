/* plan.h - how enq-parse reads the members of a source: a CSV header's
 * columns planned once into record keys (op_plan), and the members of a
 * JSON line mapped as they come (op_jsonmap), both by the mapping of
 * lib/csv and into the record builder (record.h).  MIT licence, see
 * COPYING. */
#ifndef OP_PLAN_H
#define OP_PLAN_H
#include <stdio.h>

#include "hmap.h"
#include "jsonl.h"
#include "mapping.h"
#include "record.h"

typedef struct {
	char *key;		/* the record key; NULL: none (a name part, dropped) */
	char *prefix;		/* ,"key": */
	size_t plen;
	int kind;		/* mapping.h's, or record.h's id or channel */
	int mapped;		/* by the map file or an alias */
	const char *col;	/* the column's name (owned by the plan) */
} op_column;

typedef struct {
	op_column *cols;
	char **colnames;
	size_t ncols;
} op_plan;

/* Columns names[0..n) to keys: mapped ones first (the first column to
 * claim a field gets it; id and channel once each, source never), then
 * everything else under its snake_case name (col_N when it has none),
 * made unique beside id, source, channel and, when a column gives a part
 * of it, name.  Replaces what p held. */
void op_plan_make(op_plan *p, const op_mapping *map, const char *const *names, size_t n);
void op_plan_free(op_plan *p);

/* A row of the planned columns, fields[0..n) of lengths lens[0..n), into
 * rec (op_record_start'ed here): 0, or -1 with rec->norm.err saying why
 * the row is no record. */
int op_plan_row(const op_plan *p, op_record *rec, const char *const *fields, const size_t *lens,
		size_t n);

/* Once per file: a warning naming file when no column gives received_at,
 * or none subject or body (scratch: any buffer).  0 when they do. */
int op_plan_warn(const op_plan *p, const char *file, op_buf *scratch);

/* --show-mapping: "column -> key (kind)" for each column, to out. */
void op_plan_show(const op_plan *p, FILE *out);

/* JSON lines: each key's mapping, worked out the first time it comes. */
typedef struct {
	const op_mapping *map;	/* set by the caller */
	/* private */
	op_hmap keys;		/* the key as written -> its mapping */
	op_buf tmp;
	const char **renamed;	/* targets taken in this record */
	size_t caprenamed;
} op_jsonmap;

/* The members of the JSON line r into rec (op_record_start'ed here):
 * they keep their order and form, renamed by the mapping where the key
 * is free (not a member, nor another's target), dropped as the map file
 * says, dates and numbers given as strings normalized; the line's id
 * and channel taken as the record's, a source object kept.  0, or -1
 * with rec->norm.err saying why the line is no record. */
int op_jsonmap_record(op_jsonmap *m, op_record *rec, op_rec *r);
void op_jsonmap_free(op_jsonmap *m);
#endif
