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
#endif
