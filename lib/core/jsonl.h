/* jsonl.h - records on the pipe: one validating pass over a JSON line that
 * indexes its top-level members without building a tree, decoding on
 * demand, and a splice writer that adds or replaces members while every
 * other byte of the line passes through (opflow-record(7): What passes through).  MIT licence.
 *
 * A JSON text is valid when RFC 8259 (JSONTestSuite's y_ and n_ cases) and
 * jansson 2.14 (with JSON_DECODE_ANY | JSON_ALLOW_NUL) both say so: strict
 * UTF-8, paired surrogates, integers within int64, reals that do not
 * overflow a double, at most 2048 levels of nesting.  A record is more: a
 * valid text whose top level is an object without duplicate keys (jansson's
 * JSON_REJECT_DUPLICATES).  See man/opflow-record.7.
 */
#ifndef OP_JSONL_H
#define OP_JSONL_H

#include <stddef.h>
#include <stdint.h>
#include "opflow.h"

#define OP_JSON_MAX_DEPTH 2048	/* jansson's JSON_PARSER_MAX_DEPTH */

enum op_jtype { OP_JNULL, OP_JFALSE, OP_JTRUE, OP_JNUM, OP_JSTR, OP_JARR, OP_JOBJ };

/* One top-level member.  k..k+klen is the key between its quotes (raw:
 * escapes not decoded when kesc); v..v+vlen the value's text (strings
 * with their quotes).  vesc: a string value holds escapes. */
typedef struct {
	const char *k, *v;
	uint32_t klen, vlen;
	uint8_t type, kesc, vesc;
} op_field;

typedef struct {
	const char *line;
	size_t len;
	size_t close;		/* offset of the closing '}' */
	op_field *f;
	size_t nf, cap;
	uint64_t keys;		/* a bit per key's length and first byte, all
				 * with an escaped key: op_rec_get's misses */
	op_buf tmp;		/* scratch for escaped keys */
} op_rec;

typedef struct {
	size_t pos;		/* byte offset of the error, 0-based */
	char msg[96];
} op_jerr;

/* Validate s[0..n) as one JSON text (any value at top level; RFC 8259). */
int op_json_valid(const char *s, size_t n, op_jerr *e);
/* The same for the one JSON value at the start of s[0..n) (blanks before
 * it skipped), whatever follows it: its end in *used. */
int op_json_prefix(const char *s, size_t n, size_t *used, op_jerr *e);

/* Validate a line and index its members; 0, or -1 with e filled (a top
 * level that is not an object is an error here). */
int op_rec_scan(op_rec *r, const char *s, size_t n, op_jerr *e);
void op_rec_free(op_rec *r);

/* The member named key (decoded name), or NULL. */
const op_field *op_rec_get(op_rec *r, const char *key, size_t klen);

/* Decoding a value span (already validated). */
/* The string's content: zero-copy when it has no escapes (points into the
 * line), else decoded into buf (reset first). */
void op_jstr(const char *v, size_t vlen, int esc, op_buf *buf, const char **s, size_t *n);
/* A number span as a double (exact for what strtod gives). */
double op_jnum(const char *v, size_t vlen);
/* Type of a value span by its first byte. */
enum op_jtype op_jtype_of(const char *v);
/* Inside an object span: the member named key (its value span), or 0. */
int op_jobj_get(const char *v, size_t vlen, const char *key, size_t klen,
		const char **out, size_t *outlen, op_buf *tmp);
/* Inside an array span: element i, or 0. */
int op_jarr_get(const char *v, size_t vlen, size_t i, const char **out, size_t *outlen);
/* Iterate an array span: *pos starts at 0; returns 1 with the next element. */
int op_jarr_next(const char *v, size_t vlen, size_t *pos, const char **out, size_t *outlen);

/* A member to set: key, and its value as JSON text. */
typedef struct {
	const char *key;
	size_t klen;
	const char *val;
	size_t vlen;
} op_kv;

/* Append to out the record r with kv[0..n) set: a key the record has gets
 * its value replaced in place, a new key is appended before the closing
 * brace, in the order given; all other bytes are copied as they were. */
void op_rec_splice(op_buf *out, op_rec *r, const op_kv *kv, size_t n);

#endif
