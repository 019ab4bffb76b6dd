/* fields.h - the members a program sets in a record: each key with its
 * value as JSON text, the values written one after another into one
 * buffer, and the op_kv array for op_emit_rec / op_rec_splice made once
 * the buffer has stopped moving.  MIT licence, see COPYING. */
#ifndef OP_FIELDS_H
#define OP_FIELDS_H
#include <stdint.h>
#include "jsonl.h"
#include "opflow.h"
#include "timefmt.h"

typedef struct {
	op_buf text;		/* the values */
	op_kv *kv;		/* key, and vlen once the next member starts */
	size_t *off;		/* where each value starts in text */
	size_t n, cap, capoff;
} op_fields;

void op_fields_reset(op_fields *f);	/* no members: a new record */
void op_fields_free(op_fields *f);
/* A member whose value is what the caller appends to the buffer returned,
 * up to the next member (key is borrowed: it must outlive the record). */
op_buf *op_fields_add(op_fields *f, const char *key);
void op_fields_json(op_fields *f, const char *key, const char *json, size_t n);	/* JSON text as is */
void op_fields_str(op_fields *f, const char *key, const char *s, size_t n);	/* a JSON string of s */
void op_fields_cstr(op_fields *f, const char *key, const char *s);		/* NULL: null */
void op_fields_int(op_fields *f, const char *key, int64_t x);
void op_fields_bool(op_fields *f, const char *key, int b);
void op_fields_time(op_fields *f, const char *key, op_time t);	/* RFC 3339, UTC */
/* The members, for op_emit_rec: valid until the next op_fields_ call. */
const op_kv *op_fields_kv(op_fields *f, size_t *n);

/* The fields of opflow-record(7), by the stage that sets them: a
 * program's input holds those of the stages before it (enq-draft
 * --check, the rules' lint). */
enum op_stage {
	OP_STAGE_INPUT,		/* enq-parse, enq-link, CRM exports */
	OP_STAGE_CLASSIFY, OP_STAGE_ROUTE, OP_STAGE_DRAFT,
	OP_STAGE_FLAG,		/* flags */
	OP_STAGE_ROW,		/* kpi-rollup's rows (not records) */
};
/* name's stage, or -1 when opflow-record(7) has no such field */
int op_record_field(const char *name);
/* the program that sets the fields of a stage */
const char *op_stage_program(int stage);
/* the names, NULL-terminated (static) */
const char *const *op_record_field_names(void);
#endif
