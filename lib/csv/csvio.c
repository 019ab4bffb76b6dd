/* csvio.c - delimited text in, through libcsv's push parser, with what
 * libcsv does not give: physical line numbers, a bad row's raw bytes,
 * recovery after a quote error, charset fallback, header names; and CSV
 * cells out, quoted and guarded against formula injection.
 * MIT licence, see COPYING.
 *
 * How the reader works: the input is read in blocks of CHUNK, cut into
 * physical lines (LF, CRLF or a lone CR) and fed to libcsv one line at a
 * time, so that when libcsv ends a row we know the line it started on and
 * the bytes it came from.  The bytes of the row being parsed stay in the
 * read buffer (it is compacted and grown, never cut, while a row is open),
 * so a bad row can be handed on whole.  What each line needs to know (its
 * end, a CR, a NUL, bad UTF-8) is searched for once per block, not once
 * per line (see `ahead`).  Fields are not copied: the buffer libcsv
 * filled is taken, and it is given another (see on_field); only fields
 * converted from another charset are copied, into one reused buffer.
 * Nothing is allocated per row once the buffers have grown, but after a
 * field past two blocks (see row_clear).
 *
 * Deviations from RFC 4180, as spreadsheets and Python's csv module read:
 * spaces and tabs around unquoted fields and around quoted ones are
 * dropped (libcsv's rule); a quote inside an unquoted field is kept as a
 * character.  Text after a closing quote ("a"b) is still an error. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "charset.h"
#include "csvio.h"
#include "jsonl.h"
#include "uniq.h"

#define CHUNK (256 * 1024)	/* bytes per fread, a block */
#define PARTIAL (1024 * 1024)	/* a line this long is fed before its end */
#define BLK (64 * 1024)		/* libcsv's field buffer grows by this */
#define SLOT0 256		/* a field's buffer, to start with */
#define NONE SIZE_MAX
#define POPTS (CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)

/* The next place at or after the line being fed where a search of the
 * read buffer hits (an LF, a CR, a NUL, a byte of bad UTF-8); NONE: no hit
 * in [that line, scanned).  Lines are short, so one search per line would
 * pay a call per line for each; kept here, each byte is searched once. */
typedef struct {
	size_t at, scanned;
} ahead;

/* A buffer libcsv filled with a field, taken from it with its size (a
 * csv_parser's entry_buf and entry_size) */
typedef struct {
	char *p;
	size_t cap;
} slot;

struct op_csv {
	const char *name;
	FILE *f;
	struct csv_parser p;
	int delim;
	size_t max_field;
	const char *enc;	/* NULL: UTF-8 */
	const op_csv_opts *o;
	op_csv_row_fn row;
	op_csv_bad_fn bad;
	void *ctx;

	/* b[0..len) is input read so far: the open row's bytes start at rs,
	 * bytes before pos have been fed to libcsv */
	char *b;
	size_t cap, len, rs, pos;
	ahead lf, cr, zero, bad8;	/* LF, CR, NUL, not UTF-8 */
	size_t seg_end;		/* end of the segment being fed */
	int eof;

	/* UTF-16 and UTF-32 input is turned into UTF-8 before parsing:
	 * wb[0..wlen) holds bytes read and not yet converted */
	iconv_t cd;
	const char *wname;
	size_t wunit;
	char *wb;
	size_t wlen, wcap;
	int weof;

	unsigned long line;	/* the physical line being fed */
	size_t lbytes;		/* bytes of it fed in earlier segments */
	int skip_eol;		/* drop input up to the next line end */

	/* the open row */
	int pending;		/* started and not ended */
	unsigned long row_line;
	size_t row_l1_end;	/* end of its first line, once known */
	int conv;		/* convert its fields one by one */
	int nul;		/* a NUL byte in it */
	int row_bad;
	int big;		/* libcsv's buffer grew past max_field */
	char reason[160];
	size_t nf;		/* fields seen, good or not */
	op_buf fields;		/* converted field bytes, each NUL-terminated */
	size_t *off;		/* where each converted field starts in fields */
	size_t *flen;		/* and each field's length */
	const char **fp;	/* the pointers handed to the callback: NULL
				 * while the field is in fields */
	slot *held;		/* libcsv's buffer of each field, taken */
	size_t offcap;		/* of each of these arrays */

	char **names;
	size_t ncols;
	int have_names;
	unsigned long headless;	/* the line of a header row that could not
				 * be read; 0 when it could */
	int refit;		/* rows_fit has run */
	int warned, ret;
};

/* ---- delimiter sniffing ---- */

static const char cands[] = ",;\t|";

/* Counts of each candidate outside quotes on the first lines; the number
 * of lines counted.  An unterminated last line counts only when it is the
 * only one (it may be cut short by the end of buf). */
#define SNIFF_LINES 10
static int sniff_count(const char *buf, size_t n, size_t cnt[SNIFF_LINES][4])
{
	size_t cur[4] = { 0 };
	int nl = 0, inq = 0, nonempty = 0;
	if (n >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		buf += 3, n -= 3;
	for (size_t i = 0; i < n && nl < SNIFF_LINES; i++) {
		char c = buf[i];
		if (c == '"') {
			inq = !inq;	/* a doubled quote toggles twice */
			nonempty = 1;
			continue;
		}
		if (inq)
			continue;
		if (c == '\n' || c == '\r') {
			if (nonempty)
				memcpy(cnt[nl++], cur, sizeof cur);
			memset(cur, 0, sizeof cur);
			nonempty = 0;
			continue;
		}
		nonempty = 1;
		for (int k = 0; k < 4; k++)
			if (c == cands[k])
				cur[k]++;
	}
	if (nonempty && nl == 0)
		memcpy(cnt[nl++], cur, sizeof cur);
	return nl;
}

int op_csv_sniff(const char *buf, size_t n)
{
	size_t cnt[SNIFF_LINES][4];
	int nl = sniff_count(buf, n, cnt);
	int best = -1;
	for (int k = 0; k < 4 && nl; k++) {
		int same = cnt[0][k] > 0;
		for (int j = 1; j < nl && same; j++)
			same = cnt[j][k] == cnt[0][k];
		if (same && (best < 0 || cnt[0][k] > cnt[0][best]))
			best = k;
	}
	return best < 0 ? 0 : cands[best];
}

/* When no delimiter is consistent (ragged first rows), the one the header
 * line has most of; a comma when it has none. */
static int sniff_loose(const char *buf, size_t n)
{
	int d = op_csv_sniff(buf, n);
	if (d)
		return d;
	size_t cnt[SNIFF_LINES][4];
	int best = -1;
	if (sniff_count(buf, n, cnt))
		for (int k = 0; k < 4; k++)
			if (cnt[0][k] && (best < 0 || cnt[0][k] > cnt[0][best]))
				best = k;
	return best < 0 ? ',' : cands[best];
}

/* ---- column names ---- */

/* Take the n names in raw (NULL or "" for none) as the columns, made
 * unique: the first of each name keeps it, an empty one becomes col_N (N
 * counting from 1), a repeat name_2, name_3, ..., skipping any name that
 * another column has. */
static void set_names(op_csv *st, const char *const *raw, size_t n)
{
	char **v = op_xcalloc(n ? n : 1, sizeof *v);
	op_uniq u = { 0 };
	for (size_t i = 0; i < n; i++)
		if (raw[i] && *raw[i] && op_uniq_take(&u, raw[i]))
			v[i] = op_xstrdup(raw[i]);
	op_buf t = { 0 };
	for (size_t i = 0; i < n; i++) {
		if (v[i])
			continue;
		char base[32];
		snprintf(base, sizeof base, "col_%zu", i + 1);
		op_uniq_make(&u, raw[i] && *raw[i] ? raw[i] : base, &t);
		v[i] = op_xstrdup(t.p);
	}
	op_buf_free(&t);
	op_uniq_free(&u);
	st->names = v;
	st->ncols = n;
	st->have_names = 1;
	if (st->o->names)
		st->ret = st->o->names((const char *const *)v, n, st->ctx);
}

/* --header "a, b,c": split at commas, spaces around names dropped. */
static void names_from_opt(op_csv *st, const char *h)
{
	op_buf conv = { 0 };
	size_t n = 1;
	for (const char *s = h; *s; s++)
		n += *s == ',';
	char **raw = op_xcalloc(n, sizeof *raw);
	size_t i = 0;
	for (const char *s = h;; i++) {
		const char *e = strchr(s, ',');
		size_t l = e ? (size_t)(e - s) : strlen(s);
		while (l && (*s == ' ' || *s == '\t'))
			s++, l--;
		while (l && (s[l - 1] == ' ' || s[l - 1] == '\t'))
			l--;
		op_buf_reset(&conv);
		op_to_utf8(&conv, s, l, NULL);	/* argv may be anything */
		raw[i] = op_xstrdup(conv.p ? conv.p : "");
		if (!e)
			break;
		s = e + 1;
	}
	set_names(st, (const char *const *)raw, n);
	for (i = 0; i < n; i++)
		free(raw[i]);
	free(raw);
	op_buf_free(&conv);
}

/* ---- rows ---- */

static void parser_reset(op_csv *st)
{
	/* csv_fini cannot reset a parser inside an unclosed quote, and a
	 * fresh one also gives back the buffer an over-long field grew */
	csv_free(&st->p);
	if (csv_init(&st->p, POPTS))
		op_die(OP_EXIT_SOFTWARE, "out of memory");
	csv_set_delim(&st->p, (unsigned char)st->delim);
	csv_set_blk_size(&st->p, BLK);
	st->big = 0;
}

static void row_clear(op_csv *st)
{
	/* A field's buffer that grew past two blocks is given back: the
	 * buffers go round the columns a row at a time (on_field), so each
	 * would come to hold the longest field of the file (a 256 KB body:
	 * 30 MB held for 100 columns).  A row shorter than a block grew none. */
	for (size_t i = 0; st->seg_end - st->rs > BLK && i < st->nf && i < st->offcap; i++)
		if (st->held[i].cap > 2 * BLK) {
			free(st->held[i].p);
			st->held[i] = (slot){ op_xmalloc(SLOT0), SLOT0 };
		}
	st->pending = 0;
	st->row_bad = 0;
	st->nf = 0;
	st->fields.len = 0;
}

/* The raw bytes of the open row up to end, less the final line end. */
static size_t raw_len(op_csv *st, size_t end)
{
	size_t n = end - st->rs;
	const char *r = st->b + st->rs;
	if (n && r[n - 1] == '\n')
		n--;
	if (n && r[n - 1] == '\r')
		n--;
	return n;
}

/* A bad row to the caller.  A bad header row leaves no names to read the
 * rows after it by: they are bad too, each of them (nothing is dropped). */
static void report(op_csv *st, size_t end, const char *reason)
{
	char why[224];
	if (!st->have_names && !st->o->no_header && !st->o->header && !st->headless) {
		snprintf(why, sizeof why, "cannot read the header row: %s", reason);
		reason = why;
		st->headless = st->row_line;
	}
	if (st->bad && !st->ret)
		st->ret = st->bad(st->b + st->rs, raw_len(st, end), st->row_line, reason, st->ctx);
}

/* Room for field i in the arrays of fields; a buffer for each new field
 * to hand libcsv (see on_field) */
static void grow_slots(op_csv *st, size_t i)
{
	size_t old = st->offcap, cap = old, cap2 = old, cap3 = old;
	st->off = op_grow(st->off, i, &st->offcap, sizeof *st->off);
	st->flen = op_grow(st->flen, i, &cap, sizeof *st->flen);
	st->fp = op_grow(st->fp, i, &cap2, sizeof *st->fp);
	st->held = op_grow(st->held, i, &cap3, sizeof *st->held);
	for (size_t k = old; k < st->offcap; k++)
		st->held[k] = (slot){ op_xmalloc(SLOT0), SLOT0 };
}

/* What on_field does but for the most of fields: field i refused (a NUL
 * in it, too long), or converted into fields, or room made for it.  1:
 * it is still to be taken. */
static __attribute__((noinline)) int field_rare(op_csv *st, const char *s, size_t len, size_t i)
{
	if (st->row_bad)
		return 0;
	if (st->nul && memchr(s, 0, len)) {
		/* the callback gets C strings: the rest would vanish */
		snprintf(st->reason, sizeof st->reason, "field %zu has a NUL byte", i + 1);
		st->row_bad = 1;
		return 0;
	}
	if (len > st->max_field) {
		snprintf(st->reason, sizeof st->reason,
			 "field %zu is longer than %zu bytes", i + 1, st->max_field);
		st->row_bad = st->big = 1;
		return 0;
	}
	if (i >= st->offcap)
		grow_slots(st, i);
	if (!st->conv)
		return 1;
	st->off[i] = st->fields.len;
	if (op_to_utf8(&st->fields, s, len, st->enc) && !st->warned) {
		op_warn("%s:%lu: not valid %s, read as Windows-1252 (said once per file)",
			st->name, st->row_line, st->enc ? st->enc : "UTF-8");
		st->warned = 1;
	}
	st->flen[i] = st->fields.len - st->off[i];
	op_buf_addc(&st->fields, 0);
	st->fp[i] = NULL;
	return 0;
}

static void on_field(void *s, size_t len, void *data)
{
	op_csv *st = data;
	size_t i = st->nf++;
	if ((st->row_bad | st->nul | st->conv | (i >= st->offcap) | (len > st->max_field)) &&
	    !field_rare(st, s, len, i))
		return;
	/* Not copied: libcsv's buffer (the field, NUL-terminated by
	 * CSV_APPEND_NULL) is taken, and libcsv given the one that held this
	 * field of the row before.  It writes a field through p->entry_buf
	 * and checks p->entry_size byte by byte, so a swap in the callback
	 * holds (libcsv 3.0.3, csv_parse: SUBMIT_FIELD then entry_pos = 0). */
	slot *h = &st->held[i];
	struct csv_parser *p = &st->p;
	char *mine = h->p;
	size_t cap = h->cap;
	h->p = (char *)p->entry_buf;
	h->cap = p->entry_size;
	p->entry_buf = (unsigned char *)mine;
	p->entry_size = cap;
	st->fp[i] = s;
	st->flen[i] = len;
}

static void on_row(int c, void *data)
{
	op_csv *st = data;
	const op_csv_opts *o = st->o;
	(void)c;
	st->pending = 0;
	if (st->ret)
		goto out;
	if (st->row_bad) {
		report(st, st->seg_end, st->reason);
		goto out;
	}
	if (st->headless) {
		char why[96];
		snprintf(why, sizeof why, "no column names: the header row (line %lu) could not be read",
			 st->headless);
		report(st, st->seg_end, why);
		goto out;
	}
	for (size_t i = 0; i < st->nf; i++)
		if (!st->fp[i])
			st->fp[i] = st->fields.p + st->off[i];
	if (!st->have_names) {
		if (!o->no_header && !o->header) {
			set_names(st, st->fp, st->nf);
			if (o->header_row) {
				op_buf_reset(o->header_row);
				op_buf_add(o->header_row, st->b + st->rs, raw_len(st, st->seg_end));
			}
			goto out;
		}
		/* no header at all: col_1, col_2, ... as many as this row has */
		const char **none = op_xcalloc(st->nf ? st->nf : 1, sizeof *none);
		set_names(st, none, st->nf);
		free(none);
		if (st->ret)
			goto out;
	}
	if (st->nf != st->ncols) {
		char why[96];
		snprintf(why, sizeof why, "%zu field%s, header has %zu", st->nf,
			 st->nf == 1 ? "" : "s", st->ncols);
		report(st, st->seg_end, why);
		goto out;
	}
	st->ret = st->row((const char *const *)st->names, st->fp, st->flen, st->nf,
			  st->row_line, st->ctx);
out:
	row_clear(st);
}

/* ---- input ---- */

/* a's search moved back by d bytes, with the buffer */
static void ahead_shift(ahead *a, size_t d)
{
	a->at = a->at != NONE && a->at >= d ? a->at - d : NONE;
	a->scanned = a->scanned > d ? a->scanned - d : 0;
}

static void ahead_reset(op_csv *st, size_t from)
{
	st->lf = st->cr = st->zero = st->bad8 = (ahead){ NONE, from };
}

/* Where at or after pos the byte c is next in what has been read, or NONE */
static size_t next_byte(op_csv *st, ahead *a, int c)
{
	size_t pos = st->pos;
	if ((a->at == NONE || a->at < pos) && a->scanned < st->len) {
		size_t from = a->scanned > pos ? a->scanned : pos;
		const char *q = memchr(st->b + from, c, st->len - from);
		a->at = q ? (size_t)(q - st->b) : NONE;
		a->scanned = q ? a->at : st->len;
	}
	return a->at;
}

/* How far from pos what has been read is valid UTF-8: to its first bad
 * byte, or to where a sequence is cut by the end of the buffer (the next
 * read may complete it), or to the end */
static size_t utf8_to(op_csv *st)
{
	ahead *a = &st->bad8;
	size_t pos = st->pos;
	if ((a->at == NONE || a->at < pos) && a->scanned < st->len) {
		size_t from = a->scanned > pos ? a->scanned : pos;
		size_t k = from + op_utf8_valid_prefix(st->b + from, st->len - from);
		a->scanned = k;
		a->at = k == st->len || (!st->eof && st->len - k < 4) ? NONE : k;
	}
	return a->at != NONE ? a->at : a->scanned;
}

/* Room for need more bytes in b: made by dropping what is before the open
 * row when that frees half the buffer, else by doubling it (so a row
 * spanning many lines is copied O(1) times per byte, not once per read). */
static void make_room(op_csv *st, size_t need)
{
	size_t d = st->rs;
	if (st->cap - st->len < need && d && d >= st->cap / 2) {
		memmove(st->b, st->b + d, st->len - d);
		st->len -= d;
		st->pos -= d;
		st->rs = 0;
		ahead_shift(&st->lf, d);
		ahead_shift(&st->cr, d);
		ahead_shift(&st->zero, d);
		ahead_shift(&st->bad8, d);
		if (st->row_l1_end != NONE)
			st->row_l1_end -= d;
	}
	if (st->cap - st->len < need)
		st->b = op_reserve(st->b, st->len + need, &st->cap, 1);
}

/* UTF-16 or UTF-32 (Excel's "Unicode Text" is UTF-16LE) read and turned
 * into UTF-8; a bad unit becomes U+FFFD.  Raw rows handed to `bad` are
 * then UTF-8 too. */
static int fill_wide(op_csv *st)
{
	if (!st->weof) {
		if (st->wcap - st->wlen < CHUNK) {
			st->wcap = st->wlen + CHUNK;
			st->wb = op_xrealloc(st->wb, st->wcap);
		}
		size_t got = fread(st->wb + st->wlen, 1, CHUNK, st->f);
		st->wlen += got;
		if (got < CHUNK) {
			if (ferror(st->f))
				return -1;
			st->weof = 1;
		}
	}
	make_room(st, st->wlen * 2 + 16);	/* UTF-8 is at most 3/2 as long */
	char *in = st->wb, *out = st->b + st->len;
	size_t inleft = st->wlen, outleft = st->cap - st->len;
	if (op_iconv_lossy(st->cd, &in, &inleft, &out, &outleft, st->wunit, st->weof) && !st->warned) {
		op_warn("%s: not valid %s, bad units read as U+FFFD", st->name, st->wname);
		st->warned = 1;
	}
	st->len = (size_t)(out - st->b);
	memmove(st->wb, in, inleft);
	st->wlen = inleft;
	if (st->weof && !st->wlen)
		st->eof = 1;
	return 0;
}

/* Read more.  -1 on a read error. */
static int fill(op_csv *st)
{
	if (st->wname)
		return fill_wide(st);
	make_room(st, CHUNK);
	size_t want = CHUNK;
	size_t got = fread(st->b + st->len, 1, want, st->f);
	st->len += got;
	if (got < want) {
		if (ferror(st->f))
			return -1;
		st->eof = 1;
	}
	return 0;
}

/* The next segment to feed, [pos, *end): 1 = a whole line with its end;
 * 0 = a line without its end (the last line, or part of a very long one);
 * -1 = more input needed. */
static int next_segment(op_csv *st, size_t *end)
{
	char *b = st->b;
	size_t pos = st->pos, len = st->len;
	size_t lf = next_byte(st, &st->lf, '\n');
	size_t k = next_byte(st, &st->cr, '\r');
	if (k != NONE && (lf == NONE || k < lf)) {
		if (k + 1 < len) {
			*end = k + 1 + (b[k + 1] == '\n');	/* CRLF or a lone CR */
			return 1;
		}
		if (st->eof) {
			*end = len;
			return 1;
		}
	} else if (lf != NONE) {
		*end = lf + 1;
		return 1;
	} else if (st->eof) {
		*end = len;
		return 0;
	}
	if (len - pos >= PARTIAL) {
		/* a CR at the end waits: it may be half of a CRLF */
		*end = len - (b[len - 1] == '\r');
		return 0;
	}
	return -1;
}

static int blank(const char *s, size_t n, int delim)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\r' && s[i] != '\n' &&
		    (s[i] != '\t' || delim == '\t'))
			return 0;
	return 1;
}

/* Drop the open row: the parser starts afresh at the next line. */
static void abandon(op_csv *st, size_t end, int whole_line, const char *why)
{
	report(st, end, why);
	parser_reset(st);
	row_clear(st);
	if (!whole_line)
		st->skip_eol = 1;
}

/* Feed [pos, end) to libcsv; term: it ends a line. */
static void feed(op_csv *st, size_t end, int term)
{
	const char *q = st->b + st->pos;
	size_t n = end - st->pos;
	if (st->skip_eol) {
		if (term)
			st->skip_eol = 0;
		goto next;
	}
	if (!st->pending) {
		if (blank(q, n, st->delim))
			goto next;
		st->pending = 1;
		st->rs = st->pos;
		st->row_line = st->line;
		st->row_l1_end = NONE;
		st->conv = st->enc != NULL;
		st->nul = 0;
	}
	size_t z = next_byte(st, &st->zero, 0);
	if (z != NONE && z < end)
		st->nul = 1;	/* fields are checked for it one by one */
	/* A line of valid UTF-8 holds only valid fields (quotes and
	 * delimiters are ASCII); only rows with a bad line are converted
	 * field by field. */
	if (!st->conv && utf8_to(st) < end)
		st->conv = 1;
	st->seg_end = end;
	size_t done = 0;
	while (done < n) {
		done += csv_parse(&st->p, q + done, n - done, on_field, on_row, st);
		if (done == n)
			break;
		int err = csv_error(&st->p);
		if (err != CSV_EPARSE)
			op_die(OP_EXIT_SOFTWARE, "%s: %s", st->name, csv_strerror(err));
		if (q[done] == '"' && !st->p.quoted) {
			/* a quote inside an unquoted field: unambiguous, so kept
			 * as a character, by the lenient parser for one byte */
			csv_set_opts(&st->p, POPTS & ~CSV_STRICT);
			csv_parse(&st->p, q + done, 1, on_field, on_row, st);
			csv_set_opts(&st->p, POPTS);
			done++;
			continue;
		}
		char why[128];
		int n1 = st->line == st->row_line
			? snprintf(why, sizeof why, "bad quoting at column %zu",
				   st->lbytes + done + 1)
			: snprintf(why, sizeof why, "bad quoting at line %lu column %zu",
				   st->line, st->lbytes + done + 1);
		if (!term && n1 > 0)
			snprintf(why + n1, sizeof why - n1, "; rest of the line not shown");
		abandon(st, end, term, why);
		break;
	}
	if (st->pending && st->p.entry_pos > st->max_field) {
		/* the field is still open: most likely a quote that never closes */
		char why[128];
		snprintf(why, sizeof why, "field %zu is longer than %zu bytes%s",
			 st->nf + 1, st->max_field,
			 term ? "" : "; rest of the line not shown");
		abandon(st, end, term, why);
	}
	if (st->pending && term && st->row_l1_end == NONE)
		st->row_l1_end = end;
	if (!st->pending && st->big)
		parser_reset(st);	/* give the big field buffer back */
next:
	st->pos = end;
	if (!st->pending)
		st->rs = end;
	if (term) {
		st->line++;
		st->lbytes = 0;
	} else {
		st->lbytes += n;
	}
}

/* The dry run of rows_fit: fields per row, and whether a row had another
 * number than want (0: the first row's). */
typedef struct {
	size_t nf, want;
	int misfit;
} fit;

static void fit_field(void *s, size_t len, void *data)
{
	(void)s, (void)len;
	((fit *)data)->nf++;
}

static void fit_row(int c, void *data)
{
	fit *f = data;
	(void)c;
	if (!f->want)
		f->want = f->nf;
	f->misfit |= f->nf != f->want;
	f->nf = 0;
}

/* Do the bytes from `from` to the end read as whole rows of the file's
 * width?  Then a quote that never closed was a stray one on the line
 * before; if not, the file was cut short inside a quoted field.  Run once
 * per file: should the rows read again (strictly, where this is lenient)
 * end in an open quote too, the rest is one bad row, so that a file of
 * stray quotes is not read again and again. */
static int rows_fit(op_csv *st, size_t from)
{
	if (st->refit++)
		return 0;
	struct csv_parser p;
	fit f = { 0, st->have_names ? st->ncols : 0, 0 };
	if (csv_init(&p, CSV_STRICT_FINI))
		op_die(OP_EXIT_SOFTWARE, "out of memory");
	csv_set_delim(&p, (unsigned char)st->delim);
	int ok = csv_parse(&p, st->b + from, st->len - from, fit_field, fit_row, &f) == st->len - from &&
		 csv_fini(&p, fit_field, fit_row, &f) == 0 && !f.misfit;
	csv_free(&p);
	return ok;
}

/* At the end of input.  1: input is left to read again (after a stray
 * quote, from the line after the one that opened it). */
static int finish(op_csv *st)
{
	if (!st->pending)
		return 0;
	if (csv_fini(&st->p, on_field, on_row, st) == 0)
		return 0;
	/* An unclosed quote: the row is bad.  Either its first line holds a
	 * stray quote and the lines after it are rows, read again; or the
	 * file ends inside a quoted field, and all of it is the one bad row
	 * (not each of its lines a row of the wrong width). */
	size_t end = st->row_l1_end != NONE ? st->row_l1_end : st->len;
	const char *why = "unclosed quote";
	if (end >= st->len || !rows_fit(st, end)) {	/* no line after it: cut short too */
		end = st->len;
		why = "unclosed quote: the file ends inside a quoted field (cut short?)";
	}
	report(st, end, why);
	unsigned long next = st->row_line + 1;
	parser_reset(st);
	row_clear(st);
	if (st->ret || end >= st->len)
		return 0;
	st->pos = st->rs = end;
	st->line = next;
	st->lbytes = 0;
	ahead_reset(st, end);
	return 1;
}

/* Is the input UTF-16 or UTF-32: by its BOM (skipped, in pos) when no
 * encoding is given, or by the encoding's name?  Sets wname, wunit. */
static int wide(op_csv *st)
{
	size_t bom;
	st->wname = op_wide_charset(st->b, st->len, st->enc, &bom, &st->wunit);
	st->pos = bom;
	return st->wname != NULL;
}

int op_csv_read(FILE *f, const char *name, const op_csv_opts *o,
		op_csv_row_fn row, op_csv_bad_fn bad, void *ctx)
{
	static const op_csv_opts dflt;
	op_csv st = { 0 };
	st.o = o ? o : &dflt;
	st.name = name;
	st.f = f;
	st.row = row;
	st.bad = bad;
	st.ctx = ctx;
	st.max_field = st.o->max_field ? st.o->max_field : (size_t)64 << 20;
	st.enc = st.o->encoding;
	if (st.enc && (!*st.enc || !strcasecmp(st.enc, "utf-8") || !strcasecmp(st.enc, "utf8")))
		st.enc = NULL;
	st.line = 1;
	ahead_reset(&st, 0);
	st.row_l1_end = NONE;
	int rc = 0;

	if (fill(&st) < 0)
		goto readerr;
	if (st.len >= 3 && !memcmp(st.b, "\xef\xbb\xbf", 3))
		st.pos = st.rs = 3;
	else if (wide(&st)) {
		st.cd = iconv_open("UTF-8", st.wname);
		if (st.cd == (iconv_t)-1)
			op_die(OP_EXIT_SOFTWARE, "iconv: %s: %s", st.wname, strerror(errno));
		/* what was read goes through the converter */
		st.wb = st.b;
		st.wcap = st.cap;
		st.wlen = st.len;
		st.weof = st.eof;
		st.b = NULL;
		st.len = st.cap = 0;
		st.eof = 0;
		memmove(st.wb, st.wb + st.pos, st.wlen - st.pos);
		st.wlen -= st.pos;
		st.pos = st.rs = 0;
		st.enc = NULL;
		while (!st.eof && st.len < CHUNK)
			if (fill_wide(&st) < 0)
				goto readerr;
	}
	if (st.enc) {
		/* an unknown charset: said once, here, not per row */
		op_buf t = { 0 };
		if (op_to_utf8(&t, "a", 1, st.enc)) {
			op_warn("%s: unknown charset \"%s\", read as Windows-1252",
				name, st.enc);
			st.warned = 1;
		}
		op_buf_free(&t);
	}
	st.delim = st.o->delim ? st.o->delim : sniff_loose(st.b + st.pos, st.len - st.pos);
	if (st.o->delim_used)
		*st.o->delim_used = st.delim;
	if (csv_init(&st.p, POPTS))
		op_die(OP_EXIT_SOFTWARE, "out of memory");
	csv_set_delim(&st.p, (unsigned char)st.delim);
	csv_set_blk_size(&st.p, BLK);
	if (st.o->header)
		names_from_opt(&st, st.o->header);

	while (!st.ret) {
		size_t end;
		int t = st.pos < st.len ? next_segment(&st, &end) : -1;
		if (t >= 0) {
			feed(&st, end, t);
			continue;
		}
		if (!st.eof) {
			if (fill(&st) < 0)
				goto readerr;
			continue;
		}
		if (!finish(&st))
			break;
	}
	rc = st.ret;
	goto out;
readerr:
	rc = -1;
out:;
	int e = errno;
	csv_free(&st.p);
	free(st.b);
	free(st.wb);
	if (st.wname)
		iconv_close(st.cd);
	op_buf_free(&st.fields);
	free(st.off);
	free(st.flen);
	free(st.fp);
	for (size_t i = 0; i < st.offcap; i++)
		free(st.held[i].p);
	free(st.held);
	for (size_t i = 0; i < st.ncols; i++)
		free(st.names[i]);
	free(st.names);
	errno = e;
	return rc;
}

/* ---- writing ---- */

/* [+-]? digits [. digits] [e [+-] digits], at least one digit before the
 * exponent: the numbers a report writes, and nothing a spreadsheet would
 * evaluate.  (Stricter than strtod: no inf, nan or hex.) */
static int plain_number(const char *s, size_t n)
{
	size_t i = 0, digits = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	if (!digits)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1, ed = 0;
		if (j < n && (s[j] == '+' || s[j] == '-'))
			j++;
		while (j < n && s[j] >= '0' && s[j] <= '9')
			j++, ed++;
		if (!ed)
			return 0;
		i = j;
	}
	return i == n;
}

/* op_csv_cell, and with guard 0 op_csv_field */
static void cell(op_buf *out, const char *s, size_t n, int delim, int guard)
{
	int quote = n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t');
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == delim || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote && !guard) {
		op_buf_add(out, s, n);
		return;
	}
	op_buf_grow(out, n + 4);
	if (quote)
		op_buf_addc(out, '"');
	if (guard)
		op_buf_addc(out, '\'');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		run++;
		if (s[i] == '"' && quote) {
			op_buf_add(out, s + i + 1 - run, run);
			op_buf_addc(out, '"');
			run = 0;
		}
	}
	op_buf_add(out, s + n - run, run);
	if (quote)
		op_buf_addc(out, '"');
}

/* OWASP "CSV injection": a cell starting with one of starts is a formula
 * to Excel, LibreOffice and Google Sheets, unless it is a plain number */
static int formula(const char *s, size_t n, const char *starts)
{
	return n && memchr(starts, s[0], strlen(starts)) && !plain_number(s, n);
}

void op_csv_cell(op_buf *out, const char *s, size_t n, int delim)
{
	cell(out, s, n, delim, formula(s, n, "=+-@\t\r"));
}

void op_tsv_cell(op_buf *out, const char *s, size_t n)
{
	/* a leading TAB or CR is written \t, \r here: no formula */
	if (formula(s, n, "=+-@"))
		op_buf_addc(out, '\'');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *esc = s[i] == '\t' ? "\\t" : s[i] == '\n' ? "\\n" : s[i] == '\r' ? "\\r"
				: s[i] == '\\' ? "\\\\" : NULL;
		if (!esc) {
			run++;
			continue;
		}
		op_buf_add(out, s + i - run, run);
		op_buf_add(out, esc, 2);
		run = 0;
	}
	op_buf_add(out, s + n - run, run);
}

void op_csv_text(op_buf *out, const char *v, size_t n, op_buf *tmp)
{
	enum op_jtype type = op_jtype_of(v);
	const char *s = v;
	if (type == OP_JSTR)
		op_jstr(v, n, memchr(v, '\\', n) != NULL, tmp, &s, &n);
	else if (type == OP_JNULL)
		n = 0;
	/* cells are text: a \u0000 shows as U+FFFD, as render shows the
	 * other control characters */
	const char *nul;
	while ((nul = memchr(s, 0, n)) != NULL) {
		op_buf_add(out, s, (size_t)(nul - s));
		op_buf_adds(out, "\xEF\xBF\xBD");
		n -= (size_t)(nul - s) + 1;
		s = nul + 1;
	}
	op_buf_add(out, s, n);
}

void op_csv_field(op_buf *out, const char *s, size_t n, int delim)
{
	cell(out, s, n, delim, 0);
}

void op_csv_row(op_buf *out, const char *const *fields, size_t n, int delim)
{
	op_buf_reset(out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			op_buf_addc(out, (char)delim);
		cell(out, fields[i], strlen(fields[i]), delim, 0);
	}
}
