/* out.c - -o csv, tsv and ics: each record a row of the chosen columns,
 * or a task; see out.h and opflow(7) CONVENTIONS.  MIT licence, see
 * COPYING.
 *
 * A column is a field path of the rule language (opflow-rules(5)), or,
 * without --columns, a top-level member of the first record.  Its cell is
 * the value's text (op_csv_text), an array's elements joined by "; ".
 * Rows are written as the records come, nothing held back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "csvio.h"
#include "expr.h"
#include "ical.h"
#include "out.h"

enum fmt { F_JSONL, F_CSV, F_TSV, F_ICS };
static const char *const fmt_names[] = { "jsonl", "csv", "tsv", "ics" };

#define MAX_MAP (1 << 20)	/* bytes of a --columns-map file */

typedef struct {
	const op_expr *path;	/* NULL: the member named head */
	char *head;		/* the header row's name */
	size_t hlen;
} column;

struct op_writer {
	enum fmt fmt;
	column *col;
	size_t ncol;
	int defaults;		/* the columns are the first record's members */
	int headed, extra_said;
	op_arena arena;		/* the paths */
	op_lang lang;
	op_eval ev;
	op_rec rec;
	op_buf cell, tmp;
	op_ical ical;
	op_time now;
	const op_tz *tz;
	unsigned long long not_tasks;
};

static void writer_free(op_writer *w)
{
	for (size_t i = 0; i < w->ncol; i++)
		free(w->col[i].head);
	free(w->col);
	op_arena_free(&w->arena);
	op_lang_free(&w->lang);
	op_eval_free(&w->ev);
	op_rec_free(&w->rec);
	op_buf_free(&w->cell);
	op_buf_free(&w->tmp);
	op_ical_free(&w->ical);
	free(w);
}

static void add_column(op_writer *w, const op_expr *path, const char *head, size_t n)
{
	w->col = op_xrealloc(w->col, (w->ncol + 1) * sizeof *w->col);
	char *h = op_xmalloc(n + 1);
	memcpy(h, head, n);
	h[n] = 0;
	w->col[w->ncol++] = (column){ path, h, n };
}

/* The field path at the start of s[0..n), parsed into w's arena: its
 * tree and in *used its length; NULL with why, *used where it fails. */
static const op_expr *take_path(op_writer *w, const char *s, size_t n, size_t *used,
				char *why, size_t whysz)
{
	size_t valid = op_utf8_valid_prefix(s, n);
	const op_expr *e = op_path_parse(s, valid, &w->arena, &w->lang, used, why, whysz);
	if (valid < n && (!e || *used == valid)) {
		*used = valid;
		snprintf(why, whysz, "invalid UTF-8");
		return NULL;
	}
	return e;
}

/* --columns a,b.c,d[0]: each a path, its text the header name */
static int columns_arg(op_writer *w, const char *arg, char *msg, size_t msgsz)
{
	size_t n = strlen(arg), at = 0, used;
	char why[200];
	for (;;) {
		while (at < n && (arg[at] == ' ' || arg[at] == '\t'))
			at++;
		const op_expr *e = take_path(w, arg + at, n - at, &used, why, sizeof why);
		if (e && at + used < n && arg[at + used] != ',') {
			snprintf(why, sizeof why, "',' expected after the field path");
			e = NULL;
		}
		if (!e) {
			snprintf(msg, msgsz, "--columns: '%s': column %zu: %s", arg, at + used + 1, why);
			return -1;
		}
		add_column(w, e, arg + at, used);
		at += used;
		if (at == n)
			return 0;
		at++;	/* the comma */
	}
}

/* One line of a --columns-map: "field  Column Name", a blank line or a
 * # comment; 0, or -1 with why */
static int map_line(op_writer *w, const char *s, size_t n, size_t *col, char *why, size_t whysz)
{
	size_t at = 0, used;
	while (at < n && (s[at] == ' ' || s[at] == '\t'))
		at++;
	if (at == n || s[at] == '#')
		return 0;
	const op_expr *e = take_path(w, s + at, n - at, &used, why, whysz);
	*col = at + used + 1;
	if (!e)
		return -1;
	size_t name = at + used;
	while (name < n && (s[name] == ' ' || s[name] == '\t'))
		name++;
	size_t end = n;
	while (end > name && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	if (name == at + used && name < n) {
		snprintf(why, whysz, "blank expected after the field path, found '%c'", s[name]);
		return -1;
	}
	if (name == end) {
		snprintf(why, whysz, "no column name after the field path");
		return -1;
	}
	if (op_utf8_valid_prefix(s + name, end - name) < end - name) {
		snprintf(why, whysz, "the column name is not valid UTF-8");
		return -1;
	}
	add_column(w, e, s + name, end - name);
	return 0;
}

/* The whole --columns-map file: 0, or -1 with msg and *code */
static int columns_map(op_writer *w, const char *path, char *msg, size_t msgsz, int *code)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*code = OP_EXIT_NOINPUT;
		snprintf(msg, msgsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	op_buf text = {0};
	char chunk[8192];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 && text.len <= MAX_MAP)
		op_buf_add(&text, chunk, got);
	int rc = 0, err = ferror(f);
	fclose(f);
	*code = OP_EXIT_CONFIG;
	if (err) {
		*code = OP_EXIT_NOINPUT;
		snprintf(msg, msgsz, "%s: read error", path);
		rc = -1;
	} else if (text.len > MAX_MAP) {
		snprintf(msg, msgsz, "%s: larger than 1 MiB, no column map", path);
		rc = -1;
	}
	const char *p = text.p ? text.p : "", *end = p + text.len;
	for (unsigned line = 1; !rc && p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char why[200];
		size_t col;
		if (map_line(w, p, n && p[n - 1] == '\r' ? n - 1 : n, &col, why, sizeof why)) {
			snprintf(msg, msgsz, "%s:%u:%zu: %s", path, line, col, why);
			rc = -1;
		}
		p += n + (nl != NULL);
	}
	if (!rc && !w->ncol) {
		snprintf(msg, msgsz, "%s: no columns in it", path);
		rc = -1;
	}
	op_buf_free(&text);
	return rc;
}

static int open_writer(const op_cli *c, op_writer **wp, op_err *err)
{
	int fmt = F_JSONL;
	if (c->oformat) {
		for (fmt = 0; fmt < 4 && strcmp(c->oformat, fmt_names[fmt]); fmt++)
			;
		if (fmt == 4)
			op_usage_error(c, "-o: '%s' is not a format (jsonl, csv, tsv, ics)", c->oformat);
	}
	int tabular = fmt == F_CSV || fmt == F_TSV;
	if ((c->columns || c->columns_map) && !tabular)
		op_usage_error(c, "%s: only with -o csv or -o tsv",
			       c->columns ? "--columns" : "--columns-map");
	if (c->columns && c->columns_map)
		op_usage_error(c, "--columns and --columns-map: one or the other");
	*wp = NULL;
	if (fmt == F_JSONL)
		return 0;
	op_writer *w = op_xcalloc(1, sizeof *w);
	w->fmt = (enum fmt)fmt;
	w->now = c->now;
	w->tz = c->tz;
	op_eval_init(&w->ev, c->now, c->tz);
	char msg[sizeof err->msg];
	int code = OP_EXIT_CONFIG;
	if ((c->columns && columns_arg(w, c->columns, msg, sizeof msg)) ||
	    (c->columns_map && columns_map(w, c->columns_map, msg, sizeof msg, &code))) {
		writer_free(w);		/* nothing left behind (LeakSanitizer) */
		return op_errf(err, code, "%s", msg);
	}
	w->defaults = tabular && !w->ncol;
	*wp = w;
	return 0;
}

/* Without --columns: the first record's members, in its order. */
static void take_members(op_writer *w)
{
	for (size_t i = 0; i < w->rec.nf; i++) {
		const op_field *f = &w->rec.f[i];
		const char *s;
		size_t n;
		op_jstr(f->k - 1, f->klen + 2, f->kesc, &w->tmp, &s, &n);
		add_column(w, NULL, s, n);
	}
}

/* One cell's text into w->cell: an array's elements joined by "; " */
static void cell_text(op_writer *w, const char *v, size_t n)
{
	op_buf_reset(&w->cell);
	if (op_jtype_of(v) != OP_JARR) {
		op_csv_text(&w->cell, v, n, &w->tmp);
		return;
	}
	const char *e;
	size_t en, pos = 0;
	for (int first = 1; op_jarr_next(v, n, &pos, &e, &en); first = 0) {
		if (!first)
			op_buf_adds(&w->cell, "; ");
		op_csv_text(&w->cell, e, en, &w->tmp);
	}
}

static void put_cell(op_writer *w, op_buf *out, const char *s, size_t n, size_t i)
{
	if (i)
		op_buf_addc(out, w->fmt == F_CSV ? ',' : '\t');
	if (w->fmt == F_CSV)
		op_csv_cell(out, s, n, ',');
	else
		op_tsv_cell(out, s, n);
}

static void header(op_writer *w, op_buf *out)
{
	for (size_t i = 0; i < w->ncol; i++)
		put_cell(w, out, w->col[i].head, w->col[i].hlen, i);
	op_buf_addc(out, '\n');
	w->headed = 1;
}

/* The first member of the record that is no column, for the note. */
static const char *not_a_column(op_writer *w)
{
	for (size_t i = 0; i < w->rec.nf; i++) {
		const op_field *f = &w->rec.f[i];
		const char *s;
		size_t n, c = 0;
		op_jstr(f->k - 1, f->klen + 2, f->kesc, &w->tmp, &s, &n);
		while (c < w->ncol && (w->col[c].hlen != n || memcmp(w->col[c].head, s, n)))
			c++;
		if (c == w->ncol) {
			op_buf_reset(&w->cell);
			op_buf_add(&w->cell, s, n);
			return w->cell.p;
		}
	}
	return "";
}

static void row(op_writer *w, op_buf *out, char *msg, size_t msgsz)
{
	if (w->defaults && !w->ncol)
		take_members(w);
	if (!w->headed)
		header(w, out);
	size_t found = 0;
	for (size_t i = 0; i < w->ncol; i++) {
		const char *v = "null";
		size_t n = 4;
		int esc;
		const op_field *f;
		if (w->col[i].path)
			op_path_span(&w->ev, w->col[i].path, &v, &n, &esc);
		else if ((f = op_rec_get(&w->rec, w->col[i].head, w->col[i].hlen)) != NULL)
			v = f->v, n = f->vlen, found++;
		cell_text(w, v, n);
		put_cell(w, out, w->cell.p ? w->cell.p : "", w->cell.len, i);
	}
	op_buf_addc(out, '\n');
	if (w->defaults && found < w->rec.nf && !w->extra_said) {
		w->extra_said = 1;
		snprintf(msg, msgsz, "member '%s' is no column: the columns are the first record's "
			 "members (name them with --columns); said once", not_a_column(w));
	}
}

static int record(op_writer *w, const char *s, size_t n, op_buf *out, char *msg, size_t msgsz)
{
	op_jerr e;
	if (op_rec_scan(&w->rec, s, n, &e)) {
		snprintf(msg, msgsz, "not a record to write: %s", e.msg);
		return -1;
	}
	if (w->fmt != F_ICS) {
		op_eval_record(&w->ev, &w->rec);
		row(w, out, msg, msgsz);
		return 1;
	}
	if (!w->headed) {
		op_ical_begin(out);
		w->headed = 1;
	}
	int r = op_ical_todo(&w->ical, out, &w->rec, w->now, w->tz, msg, msgsz);
	w->not_tasks += r == 0;
	return r;
}

static void close_writer(op_writer *w, op_buf *out, op_buf *stats)
{
	if (w->fmt == F_ICS) {
		if (!w->headed)
			op_ical_begin(out);	/* no task: a calendar without one */
		op_ical_end(out);
		op_buf_printf(stats, ",\"not_tasks\":%llu", w->not_tasks);
	} else if (!w->headed && w->ncol) {
		header(w, out);		/* no record: the columns all the same */
	}
	writer_free(w);
}

const op_output op_records_out = {
	"  -o, --output-format FORMAT\n"
	"                        jsonl (default), csv, tsv, or ics: iCalendar tasks\n"
	"                        for the records that need a person\n"
	"      --columns PATH,...\n"
	"                        csv, tsv: the columns, as field paths (default:\n"
	"                        the first record's members)\n"
	"      --columns-map FILE\n"
	"                        csv, tsv: the columns and their names from FILE,\n"
	"                        one \"field  Column Name\" a line\n",
	open_writer, record, close_writer,
};
