/* record.h - the record builder of enq-parse: members by name, value and
 * kind from CSV rows, JSON members and mail headers alike, into the
 * record of DESIGN §2:
 *
 *   {"id":..., <the members>, <the tail>, "channel":..., "source":{...}}
 *
 * One rule for each of what every source has: "First Last" from the two
 * parts of a name, the id (the source's own, else "enq-" and 64 bits of
 * a digest, stable across runs), the channel (--channel, the source's,
 * else the input's default), the source, and --dedup's exact repeats.
 * MIT licence, see COPYING. */
#ifndef OP_RECORD_H
#define OP_RECORD_H
#include <string.h>

#include "hmap.h"
#include "mapping.h"
#include "normalize.h"
#include "stream.h"

/* Kinds a member may have besides mapping.h's (text, date, number, the
 * first and last part of the name): */
enum {
	OP_REC_JSON = OP_MAP_DROP + 1,	/* the value is JSON already, copied */
	OP_REC_ID,			/* the source's id */
	OP_REC_CHANNEL,			/* the source's channel */
};

/* The members are built after a gap this long, where op_record_emit puts
 * the record's start ({"id":"...") when it fits: the record is then
 * written where it was built, not copied after its start. */
#define OP_REC_HEAD 64

typedef struct {
	/* set by the program */
	op_norm norm;			/* how dates and numbers are read */
	const char *channel;		/* --channel: every record's; NULL */
	const char *default_channel;	/* the input's: email, web */
	int dedup;			/* --dedup: drop exact repeats */
	unsigned long long dups;	/* repeats dropped */
	/* the record being built (op_record_start) */
	op_buf members;			/* ,"key":value... from OP_REC_HEAD on */
	op_buf tail;			/* members after the digested ones */
	int has_id, has_channel;
	int channel_inline;		/* a member of the members: none added */
	int keep_source;		/* the members hold a source: none added */
	/* private */
	op_buf id, chan, parts, src, out, scratch;
	size_t first, last, name_at;
	op_hmap seen;
} op_record;

/* ,"key": for key, appended to b: a member's prefix, made once. */
void op_record_prefix(op_buf *b, const char *key);

/* The source of the records to come: {"format":format,"file":file
 * (a path is any bytes; written as UTF-8). */
void op_record_source(op_record *r, const char *format, const char *file);

/* A new record. */
void op_record_start(op_record *r);

/* Add member pre (its ,"key":) with value v[0..n) of kind:
 *   OP_MAP_TEXT     a string (v NULL: null)
 *   OP_MAP_DATE, OP_MAP_NUMBER  normalized (lib/normalize); blank: null;
 *                   -1 with r->norm.err saying why (col names the source
 *                   field), the record then no record
 *   OP_MAP_FIRST, OP_MAP_LAST   a part of `name`, trimmed, written as
 *                   "First Last" (null when both are blank) where the
 *                   first part came; 1 when the record has that part
 *                   already (pre unused)
 *   OP_REC_ID       the id, unless the record has one or v is blank
 *   OP_REC_CHANNEL  the channel, unless v is blank (pre unused)
 *   OP_REC_JSON     v as it is
 * 0 when added. */
int op_record_add_kind(op_record *r, const char *pre, size_t plen, const char *v, size_t n,
		       int kind, const char *col);
/* (text, most of every source, inline: the CSV reader's inner loop) */
static inline int op_record_add(op_record *r, const char *pre, size_t plen, const char *v,
				size_t n, int kind, const char *col)
{
	if (kind != OP_MAP_TEXT || !v)
		return op_record_add_kind(r, pre, plen, v, n, kind, col);
	op_buf *b = &r->members;
	op_buf_grow(b, plen + n + 2);	/* json_str's room too, tested once */
	op_copy(b->p + b->len, pre, plen);
	b->len += plen;
	op_buf_json_str(b, v, n);
	return 0;
}

/* Write the record to st: id first (the digest of raw[0..rawlen), or of
 * the members when raw is NULL, when no id was added), the members, the
 * tail, the channel, the source with "line":line (0: none).  With dedup
 * a repeat (the same raw, or the same id and members) is counted and not
 * written: 0, else 1. */
int op_record_emit(op_record *r, op_stream *st, unsigned long line, const char *raw, size_t rawlen);

void op_record_free(op_record *r);
#endif
