/* record.c - one record from the members of any source (see record.h).
 * MIT licence, see COPYING. */
#include <stdint.h>
#include <string.h>

#include "charset.h"
#include "digest.h"
#include "record.h"

#define NONE SIZE_MAX

void op_record_prefix(op_buf *b, const char *key)
{
	op_buf_addc(b, ',');
	op_buf_json_cstr(b, key);
	op_buf_addc(b, ':');
}

void op_record_source(op_record *r, const char *format, const char *file)
{
	op_buf_reset(&r->src);
	op_buf_printf(&r->src, ",\"source\":{\"format\":\"%s\",\"file\":", format);
	op_buf_reset(&r->scratch);
	op_to_utf8(&r->scratch, file, strlen(file), NULL);	/* a path is any bytes */
	op_buf_json_str(&r->src, r->scratch.p, r->scratch.len);
}

void op_record_start(op_record *r)
{
	r->members.len = 0;
	op_buf_grow(&r->members, OP_REC_HEAD);
	r->members.len = OP_REC_HEAD;
	r->members.p[OP_REC_HEAD] = 0;
	op_buf_reset(&r->tail);
	op_buf_reset(&r->id);
	op_buf_reset(&r->chan);
	op_buf_reset(&r->parts);
	r->has_id = r->has_channel = r->channel_inline = r->keep_source = 0;
	r->first = r->last = r->name_at = NONE;
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/* a part of the name into r->parts, NUL-terminated; 1 when it had one */
static int name_part(op_record *r, size_t *part, const char *s, size_t n)
{
	if (*part != NONE)
		return 1;
	op_norm_trim(&s, &n);
	*part = r->parts.len;
	op_buf_add(&r->parts, s, n);
	op_buf_addc(&r->parts, 0);
	if (r->name_at == NONE)
		r->name_at = r->members.len;
	return 0;
}

int op_record_add_kind(op_record *r, const char *pre, size_t plen, const char *v, size_t n, int kind,
		       const char *col)
{
	op_buf *b = &r->members;
	switch (kind) {
	case OP_MAP_FIRST:
		return name_part(r, &r->first, v, n);
	case OP_MAP_LAST:
		return name_part(r, &r->last, v, n);
	case OP_REC_ID:
		if (!r->has_id && !blank(v, n)) {
			op_buf_add(&r->id, v, n);
			r->has_id = 1;
		}
		return 0;
	case OP_REC_CHANNEL:
		if (!blank(v, n)) {
			op_buf_reset(&r->chan);
			op_buf_add(&r->chan, v, n);
			r->has_channel = 1;
		}
		return 0;
	}
	op_buf_add(b, pre, plen);
	if (!v || ((kind == OP_MAP_DATE || kind == OP_MAP_NUMBER) && blank(v, n)))
		op_buf_add(b, "null", 4);
	else if (kind == OP_MAP_DATE || kind == OP_MAP_NUMBER)
		return op_norm_value(&r->norm, kind, v, n, col, b);
	else if (kind == OP_REC_JSON)
		op_buf_add(b, v, n);
	else	/* text, with v NULL above */
		op_buf_json_str(b, v, n);
	return 0;
}

/* "First Last" where the first of the two parts came */
static void put_name(op_record *r)
{
	op_buf *nm = &r->scratch, *b = &r->members;
	const char *fs = r->first != NONE ? r->parts.p + r->first : "";
	const char *ls = r->last != NONE ? r->parts.p + r->last : "";
	op_buf_reset(nm);
	op_buf_adds(nm, ",\"name\":");
	if (*fs || *ls) {
		op_buf_reset(&r->out);
		op_buf_adds(&r->out, fs);
		if (*fs && *ls)
			op_buf_addc(&r->out, ' ');
		op_buf_adds(&r->out, ls);
		op_buf_json_str(nm, r->out.p, r->out.len);
	} else {
		op_buf_adds(nm, "null");
	}
	op_buf_add(nm, b->p + r->name_at, b->len - r->name_at);
	b->len = r->name_at;
	op_buf_add(b, nm->p, nm->len);
}

/* --dedup: whether a record with digest d came before (counted), by the
 * full 128 bits as hex, so a collision needs 2^64 records */
static int repeated(op_record *r, const uint64_t d[2])
{
	char key[33];
	op_digest_hex64(d, key);
	uint64_t d2[2] = { d[1], 0 };
	op_digest_hex64(d2, key + 16);
	int isnew;
	op_hmap_put(&r->seen, key, 32, &isnew);
	if (!isnew)
		r->dups++;
	return !isnew;
}

/* What follows the members: the tail, the channel, the source. */
static void put_rest(op_record *r, op_buf *o, unsigned long line)
{
	op_buf_add(o, r->tail.p, r->tail.len);
	if (r->channel || !r->channel_inline) {
		const char *ch = r->channel ? r->channel : r->has_channel ? r->chan.p : r->default_channel;
		op_buf_adds(o, ",\"channel\":");
		op_buf_json_cstr(o, ch);
	}
	if (!r->keep_source) {
		op_buf_add(o, r->src.p, r->src.len);
		if (line) {
			op_buf_adds(o, ",\"line\":");
			op_buf_uint(o, line);
		}
		op_buf_addc(o, '}');
	}
	op_buf_addc(o, '}');
}

int op_record_emit(op_record *r, op_stream *st, unsigned long line, const char *raw, size_t rawlen)
{
	op_buf *o = &r->out, *b = &r->members;
	uint64_t d[2];
	int given = raw != NULL;
	if (r->name_at != NONE)
		put_name(r);
	const char *m = b->p + OP_REC_HEAD;
	size_t mlen = b->len - OP_REC_HEAD;
	if (!given) {
		raw = m;
		rawlen = mlen;
	}
	if (!r->has_id || (r->dedup && given))
		op_digest(raw, rawlen, d);
	/* exact repeats: the same raw input, or the same id and members */
	if (r->dedup && given && repeated(r, d))
		return 0;
	op_buf_reset(o);
	op_buf_adds(o, "{\"id\":");
	if (r->has_id) {
		op_buf_json_str(o, r->id.p, r->id.len);
	} else {
		char hex[21] = "enq-";
		op_digest_hex64(d, hex + 4);
		op_buf_json_str(o, hex, 20);
	}
	if (r->dedup && !given) {
		uint64_t dd[2];
		size_t at = o->len;
		op_buf_add(o, m, mlen);
		op_digest(o->p, o->len, dd);
		o->len = at;
		if (repeated(r, dd))
			return 0;
	}
	if (o->len > OP_REC_HEAD) {	/* a long id */
		op_buf_add(o, m, mlen);
		put_rest(r, o, line);
		op_emit(st, o->p, o->len);
		return 1;
	}
	size_t at = OP_REC_HEAD - o->len;
	memcpy(b->p + at, o->p, o->len);
	put_rest(r, b, line);
	op_emit(st, b->p + at, b->len - at);
	return 1;
}

void op_record_free(op_record *r)
{
	op_norm_free(&r->norm);
	op_buf_free(&r->members);
	op_buf_free(&r->tail);
	op_buf_free(&r->id);
	op_buf_free(&r->chan);
	op_buf_free(&r->parts);
	op_buf_free(&r->src);
	op_buf_free(&r->out);
	op_buf_free(&r->scratch);
	op_hmap_free(&r->seen, NULL);
}
