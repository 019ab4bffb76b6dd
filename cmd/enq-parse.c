/* enq-parse - every enquiry source into one record shape.
 *
 *   enq-parse [-f KIND] [-m MAPFILE] [options] [file|maildir...]
 *
 * Mail (one message, mbox, maildir), delimited text (CSV, TSV, any
 * delimiter) and JSON lines become the records of DESIGN §2, one per line:
 *
 *   {"id":..., <the enquiry's fields>, "channel":..., "source":{...}}
 *
 * The id is the source's own (an id column, Message-ID) or "enq-" and the
 * first 64 bits of a digest (lib/digest) of the fields between id and
 * channel, exactly as written: a re-run gives the same ids.  JSON lines
 * keep their members and order; renamed keys, normalized dates and the
 * added id, channel and source are the only changes.  MIT licence. */
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "csvio.h"
#include "digest.h"
#include "hmap.h"
#include "mail.h"
#include "mailbox.h"
#include "mapping.h"
#include "normalize.h"
#include "sniff.h"
#include "stream.h"
#include "uniq.h"

enum { ROLE_FIELD, ROLE_ID, ROLE_CHANNEL, ROLE_FIRST, ROLE_LAST, ROLE_DROP };

typedef struct {
	char *key;		/* the record key */
	char *prefix;		/* ,"key": */
	size_t plen;
	int kind, role;
	int mapped;		/* by the map file or an alias */
	const char *col;	/* the column's name (owned by the plan) */
} column;

typedef struct {
	op_cli *cli;
	op_stream st;
	op_mapping *map;
	int kind, delim, row_delim, no_header, dedup, show_mapping;
	const char *encoding, *header, *channel;

	/* the current input */
	const char *file;
	const char *format;
	op_buf src;		/* ,"source":{"format":"..","file":".." */
	char where[600];

	/* CSV: the header row as read, for --rejects: written before the
	 * file's first rejected row, unless it is the header last written */
	op_buf header_row, rejects_header;
	int header_done;

	/* CSV: the column plan, made from the first row's names */
	column *cols;
	char **colnames;
	size_t ncols;
	int name_at;		/* column where a composed name goes */
	int first_col, last_col;	/* its parts, -1 when absent */
	int decoded;		/* read through a UTF-16/32 decoder */

	/* JSONL: key -> its mapping, cached */
	op_hmap keys;

	op_norm norm;		/* dates and numbers */
	op_buf content, out, tmp, tmp2, idbuf, names;
	const char **renamed;	/* JSON lines: targets taken in this record */
	size_t caprenamed;
	op_hmap seen;
	unsigned long long dups;

	/* mail: records with defects, and those missing text (exit 65) */
	op_buf mailmeta;	/* ,"received_at_from":..,"defects":[..] */
	int mail_read;
	unsigned long long defective, incomplete;
} ctx;

static const char *const default_channel_mail = "email";
static const char *const default_channel_data = "web";

/* ---- values ---- */

static int blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return !*s;
}

/* ---- the record: id, content, channel, source ---- */

/* --dedup: whether a record with digest d came before (counted), by the
 * full 128 bits as hex, so a collision needs 2^64 records */
static int repeated(ctx *c, const uint64_t d[2])
{
	char key[33];
	op_digest_hex64(d, key);
	uint64_t d2[2] = { d[1], 0 };
	op_digest_hex64(d2, key + 16);
	int isnew;
	op_hmap_put(&c->seen, key, 32, &isnew);
	if (!isnew)
		c->dups++;
	return !isnew;
}

/* Emit {"id":ID<content><tail>,"channel":CH<source>,"line":N}} (N 0: no
 * line).  id NULL: the digest of the content.
 * tail: members after the content that are not part of the digest id
 * (mail's received_at_from and defects: a newer enq-parse that finds more
 * defects keeps the ids), or NULL. */
static void emit(ctx *c, const char *id, size_t idlen, const op_buf *tail,
		 const char *channel, unsigned long line)
{
	char hex[21] = "enq-";
	uint64_t d[2];
	if (!id) {
		op_digest(c->content.p ? c->content.p : "", c->content.len, d);
		op_digest_hex64(d, hex + 4);
		id = hex;
		idlen = 20;
	}
	op_buf *o = &c->out;
	op_buf_reset(o);
	op_buf_adds(o, "{\"id\":");
	op_buf_json_str(o, id, idlen);
	if (c->dedup) {
		/* exact repeats: the same id and the same fields */
		size_t at = o->len;
		op_buf_add(o, c->content.p, c->content.len);
		op_digest(o->p, o->len, d);
		o->len = at;
		if (repeated(c, d))
			return;
	}
	op_buf_add(o, c->content.p, c->content.len);
	if (tail)
		op_buf_add(o, tail->p, tail->len);
	op_buf_adds(o, ",\"channel\":");
	op_buf_json_str(o, channel, strlen(channel));
	op_buf_add(o, c->src.p, c->src.len);
	if (line)
		op_buf_printf(o, ",\"line\":%lu}}", line);
	else
		op_buf_adds(o, "}}");
	op_emit(&c->st, o->p, o->len);
}

static void set_source(ctx *c, const char *format, const char *file)
{
	c->format = format;
	op_buf_reset(&c->src);
	op_buf_printf(&c->src, ",\"source\":{\"format\":\"%s\",\"file\":", format);
	op_buf_reset(&c->tmp);
	op_to_utf8(&c->tmp, file, strlen(file), NULL);	/* a path is any bytes */
	op_buf_json_str(&c->src, c->tmp.p, c->tmp.len);
}

static void key_prefix(op_buf *b, const char *k)
{
	op_buf_addc(b, ',');
	op_buf_json_str(b, k, strlen(k));
	op_buf_addc(b, ':');
}

static void add_str(op_buf *b, const char *k, const char *v)
{
	key_prefix(b, k);
	if (v)
		op_buf_json_str(b, v, strlen(v));
	else
		op_buf_adds(b, "null");
}

/* ---- mail ---- */

/* received_at for a message whose Date is missing or not understood: the
 * mbox envelope's time, else the maildir's delivery time; the warning
 * names the field tried and what was taken.  *from: where the time came
 * from, NULL when there is none (received_at null). */
static int fallback_time(ctx *c, const op_mail *m, const op_msg_src *src, op_time *t,
			 const char **from)
{
	int naive;
	const char *what = "received_at null";
	*from = NULL;
	if (src->envelope && op_mbox_from_time(src->envelope, src->envlen, t, &naive) == 0) {
		if (naive)	/* the envelope's time is the local time of the host */
			*t = op_tz_to_utc(c->cli->tz, *t, NULL);
		*from = "mbox-from";
		what = "received_at from the mbox From_ line";
	} else if (src->delivered_from) {
		*t = src->delivered;
		*from = src->delivered_from;
		what = strcmp(*from, "maildir-name") ? "received_at from the file's modification time"
						      : "received_at from the maildir file name";
	}
	if (m->date_text[0])
		op_warn("%s: Date '%s' not understood, %s", c->where, m->date_text, what);
	else
		op_warn("%s: no Date field, %s", c->where, what);
	return *from != NULL;
}

/* ,"received_at_from":FROM,"defects":[...] into c->mailmeta, counted */
static void mail_meta(ctx *c, const op_mail *m, const char *from)
{
	op_buf *b = &c->mailmeta;
	op_buf_reset(b);
	if (from)
		op_buf_printf(b, ",\"received_at_from\":\"%s\"", from);
	if (!m->defects)
		return;
	c->defective++;
	const char *sep = ",\"defects\":[\"";
	for (int i = 0; i < OP_DEFECT_COUNT; i++)
		if (m->defects & 1u << i) {
			op_buf_printf(b, "%s%s\"", sep, op_defect_name(i));
			sep = ",\"";
		}
	op_buf_addc(b, ']');
	if (m->defects & OP_DEFECTS_LOST) {
		/* written, but not whole: the status says so (65), and
		 * --strict stops here */
		c->incomplete++;
		if (c->cli->strict)
			c->st.stop = 1;
	}
}

static int on_message(const char *msg, size_t len, const op_msg_src *src, void *vc)
{
	ctx *c = vc;
	op_stream *st = &c->st;
	op_mail m;
	if (src->line)
		snprintf(c->where, sizeof c->where, "%s:%lu", src->file, src->line);
	else
		snprintf(c->where, sizeof c->where, "%s", src->file);
	st->in++;
	c->mail_read = 1;
	if (op_mail_parse(msg, len, &m)) {
		op_reject_at(st, c->where, msg, len, "not a mail message: no header block");
		return st->stop;
	}
	for (unsigned i = 0; i < m.nwarn && i < 4; i++)
		op_warn("%s: %s", c->where, m.warn[i]);
	if (strcmp(c->format, "mbox"))
		set_source(c, c->format, src->file);

	/* the customer is who an answer goes to: Reply-To when it names
	 * someone else than From (web-form mailers send From a no-reply
	 * address), with From kept as from_email */
	const char *name = m.from_name, *email = m.from_addr, *from = NULL;
	if (m.reply_addr && (!m.from_addr || strcasecmp(m.reply_addr, m.from_addr))) {
		email = m.reply_addr;
		name = m.reply_name;
		from = m.from_addr;
	}
	op_buf *b = &c->content;
	op_buf_reset(b);
	op_time when = m.date;
	const char *when_from = NULL;
	if (m.has_date || fallback_time(c, &m, src, &when, &when_from)) {
		char t[21];
		op_time_format(when, t);
		add_str(b, "received_at", t);
	} else {
		add_str(b, "received_at", NULL);
	}
	add_str(b, "name", name);
	add_str(b, "email", email);
	if (from)
		add_str(b, "from_email", from);
	add_str(b, "to", m.to_addr);
	add_str(b, "subject", m.subject);
	add_str(b, "body", m.body);
	op_buf_adds(b, ",\"attachments\":[");
	for (size_t i = 0; i < m.natt; i++) {
		op_buf_adds(b, i ? ",{\"filename\":" : "{\"filename\":");
		if (m.att[i].filename)
			op_buf_json_str(b, m.att[i].filename, strlen(m.att[i].filename));
		else
			op_buf_adds(b, "null");
		op_buf_adds(b, ",\"type\":");
		op_buf_json_str(b, m.att[i].type ? m.att[i].type : "application/octet-stream",
				strlen(m.att[i].type ? m.att[i].type : "application/octet-stream"));
		op_buf_printf(b, ",\"size\":%zu}", m.att[i].size);
	}
	op_buf_addc(b, ']');
	const char *id = m.message_id;
	mail_meta(c, &m, when_from);
	emit(c, id, id ? strlen(id) : 0, &c->mailmeta, c->channel ? c->channel : default_channel_mail,
	     src->line);
	op_mail_free(&m);
	return st->stop;
}

static void read_email(ctx *c, FILE *f, const char *name)
{
	op_buf b = { 0 };
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		op_buf_add(&b, chunk, got);
	if (ferror(f)) {
		op_warn("%s: read error: %s", name, strerror(errno));
		c->st.noinput = 1;
	} else {
		op_msg_src src = { .file = name };
		on_message(b.p ? b.p : "", b.len, &src, c);
	}
	op_buf_free(&b);
}

/* ---- delimited text ---- */

static void plan_free(ctx *c)
{
	for (size_t i = 0; i < c->ncols; i++) {
		free(c->cols[i].key);
		free(c->cols[i].prefix);
		free(c->colnames[i]);
	}
	free(c->cols);
	free(c->colnames);
	c->cols = NULL;
	c->colnames = NULL;
	c->ncols = 0;
}

/* Once per file: the fields records are useless without (a time for
 * every KPI and SLA, text to classify) that no column gives. */
static void warn_unmapped(ctx *c)
{
	int when = 0, text = 0;
	for (size_t i = 0; i < c->ncols; i++) {
		const char *k = c->cols[i].key;
		when |= k && !strcmp(k, "received_at");
		text |= k && (!strcmp(k, "subject") || !strcmp(k, "body"));
	}
	if (when && text)
		return;
	op_buf *b = &c->tmp;
	op_buf_reset(b);
	for (size_t i = 0; i < c->ncols && b->len < 200; i++)
		op_buf_printf(b, "%s\"%.40s\"", i ? ", " : "", c->colnames[i]);
	if (b->len >= 200)
		op_buf_adds(b, ", ...");
	op_warn("%s: no column maps to %s (columns: %s): map %s with -m; --show-mapping shows how each column is read",
		c->file, !when && !text ? "received_at nor to subject or body" : !when ? "received_at" : "subject or body",
		b->p ? b->p : "", !when && !text ? "them" : "one");
}

/* --show-mapping: each column, the key it is written under, and how its
 * value is read. */
static void show_mapping(ctx *c)
{
	static const char *const kinds[] = { "text", "date", "number" };
	for (size_t i = 0; i < c->ncols; i++) {
		const column *k = &c->cols[i];
		printf("%s -> ", c->colnames[i]);
		if (k->role == ROLE_DROP)
			puts("dropped (the map file says -)");
		else if ((k->role == ROLE_FIRST || k->role == ROLE_LAST))
			printf("name (its %s part)\n", k->role == ROLE_FIRST ? "first" : "last");
		else if (k->role != ROLE_FIELD)
			printf("%s\n", k->key);
		else
			printf("%s (%s%s)\n", k->key, kinds[k->kind],
			       k->mapped ? "" : ", not mapped: kept under its own name");
	}
}

/* Columns to keys: mapped ones first (the first column to claim a field
 * gets it), then everything else under its snake_case name, made unique. */
static void plan(ctx *c, const char *const *names, size_t n)
{
	plan_free(c);
	c->ncols = n;
	c->cols = op_xcalloc(n ? n : 1, sizeof *c->cols);
	c->colnames = op_xcalloc(n ? n : 1, sizeof *c->colnames);
	c->name_at = c->first_col = c->last_col = -1;
	int direct_name = 0, have_id = 0, have_channel = 0;
	const char **target = op_xcalloc(n ? n : 1, sizeof *target);
	int *kinds = op_xcalloc(n ? n : 1, sizeof *kinds);
	op_uniq used = { 0 };	/* the keys given out, and those enq-parse writes */
	op_uniq_take(&used, "id");
	op_uniq_take(&used, "source");
	op_uniq_take(&used, "channel");
	for (size_t i = 0; i < n; i++) {
		c->colnames[i] = op_xstrdup(names[i]);
		c->cols[i].col = c->colnames[i];
		target[i] = op_mapping_find(c->map, names[i], &kinds[i]);
		if (target[i] && !strcmp(target[i], "name"))
			direct_name = 1;
	}
	for (size_t i = 0; i < n; i++) {
		column *k = &c->cols[i];
		const char *t = target[i];
		k->kind = OP_MAP_TEXT;
		if (!t)
			continue;
		k->mapped = 1;
		if (kinds[i] == OP_MAP_DROP) {
			k->role = ROLE_DROP;
		} else if (kinds[i] == OP_MAP_FIRST || kinds[i] == OP_MAP_LAST) {
			int want = kinds[i] == OP_MAP_FIRST ? ROLE_FIRST : ROLE_LAST, taken = 0;
			for (size_t j = 0; j < i; j++)
				taken |= c->cols[j].role == want;
			if (direct_name || taken)
				continue;
			k->role = want;
			*(want == ROLE_FIRST ? &c->first_col : &c->last_col) = (int)i;
			if (c->name_at < 0)
				c->name_at = (int)i;
		} else if (!strcmp(t, "id")) {
			if (have_id++)
				continue;
			k->role = ROLE_ID;
			k->key = op_xstrdup("id");
		} else if (!strcmp(t, "channel")) {
			if (have_channel++)
				continue;
			k->role = ROLE_CHANNEL;
			k->key = op_xstrdup("channel");
		} else if (!strcmp(t, "source")) {
			continue;
		} else if (op_uniq_take(&used, t)) {
			k->key = op_xstrdup(t);
			k->kind = kinds[i];
		}
	}
	if (c->name_at >= 0 && op_uniq_take(&used, "name"))
		c->cols[c->name_at].key = op_xstrdup("name");
	op_buf b = { 0 };
	for (size_t i = 0; i < n; i++) {
		column *k = &c->cols[i];
		if (k->role == ROLE_DROP || k->role == ROLE_LAST ||
		    (k->role == ROLE_FIRST && (int)i == c->name_at) || k->key)
			continue;
		if (k->role == ROLE_FIRST)
			continue;
		op_buf_reset(&b);
		op_snake_case(&b, names[i]);
		if (!b.len)
			op_buf_printf(&b, "col_%zu", i + 1);
		char *base = op_xstrdup(b.p);
		op_uniq_make(&used, base, &b);
		free(base);
		k->key = op_xstrdup(b.p);
	}
	for (size_t i = 0; i < n; i++) {
		column *k = &c->cols[i];
		if (!k->key)
			continue;
		op_buf_reset(&b);
		key_prefix(&b, k->key);
		k->prefix = op_xstrdup(b.p);
		k->plen = b.len;
	}
	op_buf_free(&b);
	op_uniq_free(&used);
	free(target);
	free(kinds);
	warn_unmapped(c);
}

/* A row that was read but cannot be a record, written back as CSV into
 * c->tmp2. */
static void row_raw(ctx *c, const char *const *fields, size_t n)
{
	op_buf *b = &c->tmp2;
	op_buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		if (i)
			op_buf_addc(b, (char)c->row_delim);
		op_csv_field(b, fields[i], strlen(fields[i]), c->row_delim);
	}
}

/* A row turned away, to --rejects under the file's header row (once per
 * file, and not again when the last one written was the same), so that
 * the rejects file reads back as the input did. */
static void reject_row(ctx *c, const char *raw, size_t len, unsigned long line, const char *why)
{
	op_buf *h = &c->header_row, *last = &c->rejects_header;
	if (!c->header_done && h->len && (h->len != last->len || memcmp(h->p, last->p, h->len))) {
		op_rejects_line(&c->st, h->p, h->len);
		op_buf_reset(last);
		op_buf_add(last, h->p, h->len);
	}
	c->header_done = 1;
	snprintf(c->where, sizeof c->where, "%s:%lu", c->file, line);
	op_reject_at(&c->st, c->where, raw, len, "%s", why);
}

static int on_row(const char *const *names, const char *const *fields, size_t n,
		  unsigned long line, void *vc)
{
	ctx *c = vc;
	op_stream *st = &c->st;
	(void)names;	/* planned when they came */
	if (st->stop)
		return 1;
	st->in++;
	op_buf *b = &c->content;
	op_buf_reset(b);
	const char *id = NULL, *chan = NULL;
	for (size_t i = 0; i < n; i++) {
		column *k = &c->cols[i];
		const char *v = fields[i];
		switch (k->role) {
		case ROLE_ID:
			if (!blank(v))
				id = v;
			continue;
		case ROLE_CHANNEL:
			if (!blank(v))
				chan = v;
			continue;
		case ROLE_DROP:
			continue;
		case ROLE_FIRST:
		case ROLE_LAST:
			if ((int)i != c->name_at || !k->prefix)
				continue;
			/* "First Last", where the first of the two columns was */
			op_buf_reset(&c->tmp);
			for (int part = 0; part < 2; part++) {
				int at = part ? c->last_col : c->first_col;
				if (at < 0)
					continue;
				const char *p = fields[at];
				size_t pl = strlen(p);
				op_norm_trim(&p, &pl);
				if (pl && c->tmp.len)
					op_buf_addc(&c->tmp, ' ');
				op_buf_add(&c->tmp, p, pl);
			}
			op_buf_add(b, k->prefix, k->plen);
			if (c->tmp.len)
				op_buf_json_str(b, c->tmp.p, c->tmp.len);
			else
				op_buf_adds(b, "null");
			continue;
		}
		op_buf_add(b, k->prefix, k->plen);
		if (!*v) {
			op_buf_adds(b, "null");
			continue;
		}
		if (k->kind == OP_MAP_TEXT) {
			op_buf_json_str(b, v, strlen(v));
			continue;
		}
		if (blank(v)) {
			op_buf_adds(b, "null");
			continue;
		}
		if (op_norm_value(&c->norm, k->kind, v, strlen(v), k->col, &c->content)) {
			row_raw(c, fields, n);
			reject_row(c, c->tmp2.p, c->tmp2.len, line, c->norm.err.p);
			return st->stop;
		}
	}
	const char *ch = c->channel ? c->channel : chan ? chan : default_channel_data;
	emit(c, id, id ? strlen(id) : 0, NULL, ch, line);
	return st->stop;
}

static int on_bad_row(const char *raw, size_t rawlen, unsigned long line, const char *reason, void *vc)
{
	ctx *c = vc;
	c->st.in++;
	reject_row(c, raw, rawlen, line, reason);
	return c->st.stop;
}

/* The columns have names: the plan; for --show-mapping, shown, and the
 * file read no further. */
static int on_names(const char *const *names, size_t n, void *vc)
{
	ctx *c = vc;
	plan(c, names, n);
	if (c->show_mapping)
		show_mapping(c);
	return c->show_mapping;
}

static void read_csv(ctx *c, FILE *f, const char *name, int kind)
{
	/* rows turned away are written back with the delimiter the file is
	 * read by (csvio's, when the first rows are ragged) */
	op_csv_opts o = {
		.delim = c->delim ? c->delim : kind == OP_KIND_TSV ? '\t' : 0,
		.delim_used = &c->row_delim,
		.encoding = c->decoded ? NULL : c->encoding,
		.no_header = c->no_header,
		.header = c->header,
		.header_row = &c->header_row,
		.names = on_names,
	};
	op_buf_reset(&c->header_row);
	c->header_done = 0;
	if (op_csv_read(f, name, &o, on_row, on_bad_row, c) == -1) {
		op_warn("%s: read error: %s", name, strerror(errno));
		c->st.noinput = 1;
	}
}

/* ---- JSON lines ---- */

typedef struct {
	const char *target;	/* NULL: passes as it is */
	int kind;
	/* the key as written, decoded ("\u0069d" is id): what it is when
	 * it passes as it is */
	unsigned char is_id, is_channel, is_source, is_name;
} jkey;

static const jkey *lookup_key(ctx *c, const op_field *f)
{
	void **slot;
	int isnew;
	slot = op_hmap_put(&c->keys, f->k, f->klen, &isnew);
	if (!isnew)
		return *slot;
	const char *k;
	size_t kn;
	op_jstr(f->k - 1, f->klen + 2, f->kesc, &c->tmp, &k, &kn);
	char *key = op_xstrndup(k, kn);
	jkey *j = op_xcalloc(1, sizeof *j);
	int kind = OP_MAP_TEXT;
	j->target = op_mapping_find(c->map, key, &kind);
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
	free(key);
	*slot = j;
	return j;
}

/* Member i's decoded string value (into buf when it has escapes). */
static void jstring(const op_field *f, op_buf *buf, const char **s, size_t *n)
{
	op_buf_reset(buf);
	op_jstr(f->v, f->vlen, f->vesc, buf, s, n);
}

static int on_jsonl(op_stream *st, op_rec *r, void *vc)
{
	ctx *c = vc;
	op_buf *b = &c->content;
	op_buf_reset(b);
	op_buf_reset(&c->idbuf);
	op_buf_reset(&c->names);
	int have_id = 0, have_channel = 0, have_source = 0, name_pos = -1;
	size_t first = SIZE_MAX, last = SIZE_MAX;	/* in c->names */
	size_t nrenamed = 0;
	/* a name there is, as it is or renamed ("Full Name"): First and Last
	 * Name are then left as they are, not made into a second one */
	int have_name = 0;
	for (size_t i = 0; i < r->nf && !have_name; i++) {
		const jkey *j = lookup_key(c, &r->f[i]);
		have_name = j->target ? !strcmp(j->target, "name") && j->kind == OP_MAP_TEXT : j->is_name;
	}

	for (size_t i = 0; i < r->nf; i++) {
		const op_field *f = &r->f[i];
		const jkey *j = lookup_key(c, f);
		const char *key = NULL;	/* NULL: the key as it was */
		int kind = j->kind;
		if (j->is_source && f->type == OP_JOBJ) {
			/* a record enq-parse wrote already: its source stays */
			have_source = 1;
		} else if (j->target && kind == OP_MAP_DROP) {
			continue;
		} else if (j->target && (kind == OP_MAP_FIRST || kind == OP_MAP_LAST)) {
			size_t *part = kind == OP_MAP_FIRST ? &first : &last;
			if (!have_name && *part == SIZE_MAX && f->type == OP_JSTR) {
				const char *s;
				size_t sn;
				jstring(f, &c->tmp, &s, &sn);
				op_norm_trim(&s, &sn);
				*part = c->names.len;
				op_buf_add(&c->names, s, sn);
				op_buf_addc(&c->names, 0);
				if (name_pos < 0)
					name_pos = (int)b->len;
				continue;
			}
		} else if (j->target) {
			/* renamed unless the record has that key already, or
			 * another member took it */
			int taken = op_rec_get(r, j->target, strlen(j->target)) != NULL;
			for (size_t k = 0; k < nrenamed && !taken; k++)
				taken = !strcmp(c->renamed[k], j->target);
			if (!taken) {
				key = j->target;
				if (nrenamed == c->caprenamed) {
					c->caprenamed = c->caprenamed ? 2 * c->caprenamed : 16;
					c->renamed = op_xrealloc(c->renamed, c->caprenamed * sizeof *c->renamed);
				}
				c->renamed[nrenamed++] = key;
			}
		}
		int is_id = key ? !strcmp(key, "id") : j->is_id;
		int is_ch = key ? !strcmp(key, "channel") : j->is_channel;
		if (is_id && !have_id) {
			/* the record's own id, first in the output, as a string;
			 * one that cannot be (empty, null, an object) is left
			 * out for the content id, not kept beside it */
			const char *s = f->v;
			size_t sn = f->vlen;
			if (f->type == OP_JSTR)
				jstring(f, &c->tmp, &s, &sn);
			if ((f->type == OP_JSTR || f->type == OP_JNUM) && sn) {
				op_buf_add(&c->idbuf, s, sn);
				have_id = 1;
			}
			continue;
		}
		if (is_ch) {
			have_channel = 1;
			if (c->channel)
				continue;	/* --channel replaces it */
		}
		op_buf_addc(b, ',');
		if (key)
			op_buf_json_str(b, key, strlen(key));
		else
			op_buf_add(b, f->k - 1, f->klen + 2);
		op_buf_addc(b, ':');
		if ((kind == OP_MAP_DATE || kind == OP_MAP_NUMBER) && f->type == OP_JSTR) {
			const char *s;
			size_t sn;
			jstring(f, &c->tmp, &s, &sn);
			op_norm_trim(&s, &sn);
			if (!sn) {
				op_buf_adds(b, "null");
				continue;
			}
			char col[128];
			snprintf(col, sizeof col, "%.*s", (int)(f->klen > 120 ? 120 : f->klen), f->k);
			if (op_norm_value(&c->norm, kind, s, sn, col, &c->content)) {
				op_reject(st, "%s", c->norm.err.p);
				return st->stop;
			}
			continue;
		}
		op_buf_add(b, f->v, f->vlen);
	}
	if (name_pos >= 0) {
		/* "First Last" where the first of the two members was */
		op_buf *nm = &c->tmp;
		op_buf_reset(nm);
		const char *fs = first != SIZE_MAX ? c->names.p + first : "";
		const char *ls = last != SIZE_MAX ? c->names.p + last : "";
		op_buf_adds(nm, fs);
		if (*fs && *ls)
			op_buf_addc(nm, ' ');
		op_buf_adds(nm, ls);
		op_buf *ins = &c->tmp2;
		op_buf_reset(ins);
		op_buf_adds(ins, ",\"name\":");
		if (nm->len)
			op_buf_json_str(ins, nm->p, nm->len);
		else
			op_buf_adds(ins, "null");
		op_buf_add(ins, b->p + name_pos, b->len - (size_t)name_pos);
		b->len = (size_t)name_pos;
		op_buf_add(b, ins->p, ins->len);
	}
	uint64_t d[2];
	if (c->dedup || !have_id)
		op_digest(r->line, r->len, d);
	if (c->dedup) {
		/* exact repeats: the same line */
		if (repeated(c, d))
			return 0;
	}
	/* id first, then the members in order, then what was missing */
	op_buf *o = &c->out;
	op_buf_reset(o);
	op_buf_adds(o, "{\"id\":");
	if (have_id) {
		op_buf_json_str(o, c->idbuf.p, c->idbuf.len);
	} else {
		char hex[21] = "enq-";
		op_digest_hex64(d, hex + 4);
		op_buf_json_str(o, hex, 20);
	}
	op_buf_add(o, b->p, b->len);
	if (c->channel || !have_channel) {
		op_buf_adds(o, ",\"channel\":");
		const char *ch = c->channel ? c->channel : default_channel_data;
		op_buf_json_str(o, ch, strlen(ch));
	}
	if (!have_source) {
		op_buf_add(o, c->src.p, c->src.len);
		op_buf_printf(o, ",\"line\":%llu}", st->lineno);
	}
	op_buf_addc(o, '}');
	op_emit(st, o->p, o->len);
	return 0;
}

/* ---- inputs ---- */

/* A whole file that is no input enq-parse reads: named, counted as one
 * input turned away.  Its bytes are not copied to --rejects: the file is
 * there, whole, under its name. */
static void reject_file(ctx *c, const char *name, const char *why)
{
	op_warn("%s: %s", name, why);
	c->st.in++;
	c->st.rejected++;
	if (c->cli->strict)
		c->st.stop = 1;
}

/* A file that is no text, or text that cannot be read without being told
 * its charset: turned away with a message that says what to do.  1 when
 * it was. */
static int not_text(ctx *c, const char *name, const char *b, size_t n, const char *wide)
{
	const char *utf16;
	if (n >= 4 && !memcmp(b, "PK\3\4", 4))
		reject_file(c, name, "a ZIP file (an .xlsx or .ods workbook?), not text: export it as CSV");
	else if (n >= 8 && !memcmp(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
		reject_file(c, name, "an OLE2 file (an .xls workbook?), not text: export it as CSV");
	else if (!wide && !c->encoding && (utf16 = op_utf16_guess(b, n))) {
		char why[128];
		snprintf(why, sizeof why, "looks like %s without a byte order mark: give --encoding %s",
			 utf16, utf16);
		reject_file(c, name, why);
	} else
		return 0;
	return 1;
}

static void one_input(ctx *c, const char *path)
{
	int std = !strcmp(path, "-");
	const char *name = std ? "<stdin>" : path;
	struct stat sb;
	int kind = c->kind;
	c->file = name;
	op_norm_file(&c->norm);
	if (!std && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		if (kind != OP_KIND_AUTO && kind != OP_KIND_MAILDIR) {
			op_warn("%s: is a directory", name);
			c->st.noinput = 1;
		} else if (!op_is_maildir(path)) {
			op_warn("%s: a directory but not a maildir (no cur/ or new/)", name);
			c->st.noinput = 1;
		} else {
			c->format = "maildir";
			int r = op_maildir_each(path, on_message, c);
			if (r < 0)
				op_warn("%s: %s", name, strerror(errno));
			if (r < 0 || r == 1)
				c->st.noinput = 1;
		}
		return;
	}
	if (kind == OP_KIND_MAILDIR) {
		op_warn("%s: not a maildir (no cur/ or new/)", name);
		c->st.noinput = 1;
		return;
	}
	FILE *f = std ? stdin : fopen(path, "rb");
	if (!f) {
		op_warn("%s: %s", name, strerror(errno));
		c->st.noinput = 1;
		return;
	}
	const char *peek;
	size_t npeek, bom, unit;
	FILE *pf = op_peek_open(f, 4096, &peek, &npeek), *df = NULL, *in = pf;
	if (!pf) {
		op_warn("%s: read error: %s", name, strerror(errno));
		c->st.noinput = 1;
		if (!std)
			fclose(f);
		return;
	}
	const char *wide = op_wide_charset(peek, npeek, c->encoding, &bom, &unit);
	if (not_text(c, name, peek, npeek, wide))
		goto done;
	if (wide) {
		/* UTF-16 or UTF-32: sniffed and read as UTF-8 */
		df = op_decode_open(pf, wide, unit, bom, name);
		in = op_peek_open(df, 4096, &peek, &npeek);
		if (!in) {
			op_warn("%s: read error: %s", name, strerror(errno));
			c->st.noinput = 1;
			in = df;
			goto done;
		}
	}
	if (kind == OP_KIND_AUTO && (kind = op_sniff_kind(peek, npeek)) < 0) {
		reject_file(c, name, "not clearly delimited text or JSON lines (some of the first lines start with '{'): give -f csv, -f tsv or -f jsonl");
		goto done;
	}
	c->decoded = wide != NULL;
	if (c->show_mapping && kind != OP_KIND_CSV && kind != OP_KIND_TSV) {
		reject_file(c, name, "not delimited text: --show-mapping shows the columns of CSV and TSV");
		goto done;
	}
	switch (kind) {
	case OP_KIND_EMAIL:
		set_source(c, "email", name);
		read_email(c, in, name);
		break;
	case OP_KIND_MBOX:
		set_source(c, "mbox", name);
		if (op_mbox_each(in, name, on_message, c) < 0) {
			op_warn("%s: read error: %s", name, strerror(errno));
			c->st.noinput = 1;
		}
		break;
	case OP_KIND_JSONL:
		set_source(c, "jsonl", name);
		c->st.name = name;
		op_stream_file(&c->st, in, on_jsonl, c);
		break;
	default:
		set_source(c, kind == OP_KIND_TSV ? "tsv" : "csv", name);
		read_csv(c, in, name, kind);
		break;
	}
done:
	if (in != pf)
		fclose(in);
	if (df && in != df)
		fclose(df);
	fclose(pf);
	if (!std)
		fclose(f);
}

static void free_jkey(void *p)
{
	free(p);
}

static const char usage[] =
	"Usage: enq-parse [-f KIND] [-m MAPFILE] [options] [file|maildir...]\n"
	"Turn mail, CSV/TSV exports and JSON lines into enquiry records.\n"
	"  -f, --format KIND     auto (default), email, mbox, maildir, csv, tsv, jsonl\n"
	"  -m, --map FILE        column mapping, one \"Column Name = field\" per line\n"
	"  -d, --delimiter C     field delimiter (default: sniffed among , ; TAB |)\n"
	"      --header A,B,...  column names; the first row is data\n"
	"      --no-header       the first row is data; columns col_1, col_2, ...\n"
	"      --encoding CS     charset of delimited text (default UTF-8, falling\n"
	"                        back to Windows-1252)\n"
	"      --date-order O    dmy or mdy: how to read 03/04/2025\n"
	"      --decimal-comma   numbers are written 1.234,50\n"
	"      --decimal-point   numbers are written 1,234.50 (default: as the\n"
	"                        file shows)\n"
	"      --channel NAME    the channel of every record (default: email for\n"
	"                        mail, a channel column, else web)\n"
	"      --dedup           drop exact repeats (counted in --stats)\n"
	"      --show-mapping    print how each column of CSV/TSV input is read\n"
	"                        (column -> field, kind), no records\n";

int main(int argc, char **argv)
{
	op_cli cli = { .usage = usage, .exits = OP_EXITS_CONFIG };
	ctx c = { .cli = &cli, .kind = OP_KIND_AUTO, .norm.order = OP_DATE_ANY };
	const char *mapfile = NULL;
	int ch;
	enum { O_HEADER = 1, O_NOHEADER, O_ENCODING, O_DATEORDER, O_DECCOMMA, O_DECPOINT, O_CHANNEL, O_DEDUP, O_SHOWMAP };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "map", required_argument, NULL, 'm' },
		{ "delimiter", required_argument, NULL, 'd' },
		{ "header", required_argument, NULL, O_HEADER },
		{ "no-header", no_argument, NULL, O_NOHEADER },
		{ "encoding", required_argument, NULL, O_ENCODING },
		{ "date-order", required_argument, NULL, O_DATEORDER },
		{ "decimal-comma", no_argument, NULL, O_DECCOMMA },
		{ "decimal-point", no_argument, NULL, O_DECPOINT },
		{ "channel", required_argument, NULL, O_CHANNEL },
		{ "dedup", no_argument, NULL, O_DEDUP },
		{ "show-mapping", no_argument, NULL, O_SHOWMAP },
		{ NULL, 0, NULL, 0 },
	};
	while ((ch = op_getopt(&cli, argc, argv, "f:m:d:", longopts)) != -1) {
		switch (ch) {
		case 'f':
			c.kind = op_kind_parse(optarg);
			if (c.kind < 0)
				op_usage_error(&cli, "-f: '%s' is not an input kind (auto, email, mbox, maildir, csv, tsv, jsonl)", optarg);
			break;
		case 'm': mapfile = optarg; op_cli_file(&cli, "-m", optarg, OP_FILE_IN); break;
		case 'd':
			if (!strcmp(optarg, "tab") || !strcmp(optarg, "\\t"))
				c.delim = '\t';
			else if (strlen(optarg) == 1 && optarg[0] != '"' && optarg[0] != '\n' && optarg[0] != '\r')
				c.delim = (unsigned char)optarg[0];
			else
				op_usage_error(&cli, "--delimiter: '%s' is not one character (or 'tab')", optarg);
			break;
		case O_HEADER: c.header = optarg; break;
		case O_NOHEADER: c.no_header = 1; break;
		case O_ENCODING: c.encoding = optarg; break;
		case O_DATEORDER:
			if (!strcmp(optarg, "dmy"))
				c.norm.order = OP_DATE_DMY;
			else if (!strcmp(optarg, "mdy"))
				c.norm.order = OP_DATE_MDY;
			else
				op_usage_error(&cli, "--date-order: '%s' is not dmy or mdy", optarg);
			break;
		case O_DECCOMMA: c.norm.decimal = ','; break;
		case O_DECPOINT: c.norm.decimal = '.'; break;
		case O_CHANNEL:
			if (!*optarg)
				op_usage_error(&cli, "--channel: empty name");
			c.channel = optarg;
			break;
		case O_DEDUP: c.dedup = 1; break;
		case O_SHOWMAP: c.show_mapping = 1; break;
		}
	}
	if (c.channel) {
		op_buf t = { 0 };
		if (op_to_utf8(&t, c.channel, strlen(c.channel), NULL))
			op_usage_error(&cli, "--channel: not valid UTF-8");
		op_buf_free(&t);
	}
	op_err err;
	c.map = op_mapping_load(mapfile, &err);
	if (!c.map)
		op_die(err.code, "%s", err.msg);

	c.norm.tz = cli.tz;
	op_stream_init(&c.st, &cli);
	c.st.csv_hint = "looks like CSV: read it with -f csv";
	int nfiles = argc - optind;
	char *dash[] = { (char *)"-" };
	char **files = nfiles ? argv + optind : dash;
	if (!nfiles)
		nfiles = 1;
	for (int i = 0; i < nfiles && !c.st.stop; i++)
		one_input(&c, files[i]);
	if (c.dedup)
		op_buf_printf(&c.st.extra, ",\"duplicates\":%llu", c.dups);
	if (c.mail_read)
		op_buf_printf(&c.st.extra, ",\"defective\":%llu,\"incomplete\":%llu", c.defective,
			      c.incomplete);
	int rc = op_stream_finish(&c.st);
	if (rc == OP_EXIT_OK && c.incomplete)
		rc = OP_EXIT_DATAERR;

	plan_free(&c);
	op_mapping_free(c.map);
	op_hmap_free(&c.keys, free_jkey);
	op_hmap_free(&c.seen, NULL);
	free(c.renamed);
	op_buf_free(&c.content);
	op_buf_free(&c.out);
	op_buf_free(&c.tmp);
	op_buf_free(&c.tmp2);
	op_buf_free(&c.idbuf);
	op_buf_free(&c.names);
	op_norm_free(&c.norm);
	op_buf_free(&c.header_row);
	op_buf_free(&c.rejects_header);
	op_buf_free(&c.src);
	op_buf_free(&c.mailmeta);
	op_cli_free(&cli);
	return rc;
}
