/* table.c - rows of JSON cells as CSV, TSV, Markdown or aligned text, see
 * table.h.  MIT licence, see COPYING. */
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "jsonl.h"
#include "table.h"

int op_grid_fmt_of(const char *name)
{
	static const char *const names[] = { "jsonl", "csv", "tsv", "md", "table" };
	for (int i = 0; i < 5; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

void op_grid_init(op_grid *t, size_t ncol, const char *const *names)
{
	memset(t, 0, sizeof *t);
	t->ncol = ncol;
	t->names = op_xcalloc(ncol, sizeof *t->names);
	for (size_t i = 0; i < ncol; i++)
		t->names[i] = op_xstrdup(names[i]);
}

void op_grid_cell(op_grid *t, const char *json, size_t n)
{
	if (t->ncell + 2 > t->capcell) {
		t->capcell = t->capcell ? 2 * t->capcell : 64;
		t->off = op_xrealloc(t->off, t->capcell * sizeof *t->off);
	}
	t->off[t->ncell++] = t->cells.len;
	op_buf_add(&t->cells, json, n);
	t->off[t->ncell] = t->cells.len;
}

/* the text a cell shows: a string's content, nothing for null, else the
 * JSON text as it is */
static void cell_text(const op_grid *t, size_t i, op_buf *tmp, const char **s, size_t *n)
{
	const char *v = t->cells.p + t->off[i];
	size_t vn = t->off[i + 1] - t->off[i];
	if (op_jtype_of(v) == OP_JSTR)
		op_jstr(v, vn, memchr(v, '\\', vn) != NULL, tmp, s, n);
	else if (op_jtype_of(v) == OP_JNULL)
		*s = "", *n = 0;
	else
		*s = v, *n = vn;
}

static int is_num(const op_grid *t, size_t i)
{
	return op_jtype_of(t->cells.p + t->off[i]) == OP_JNUM;
}

static size_t width(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xC0) != 0x80;	/* characters, not bytes */
	return w;
}

/* Markdown and terminal cells are one line: line ends become spaces, and
 * in Markdown a | is escaped */
static void add_flat(op_buf *out, const char *s, size_t n, int md)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
			op_buf_addc(out, ' ');
		else if (md && s[i] == '|')
			op_buf_adds(out, "\\|");
		else
			op_buf_addc(out, s[i]);
	}
}

void op_grid_write(op_grid *t, enum op_grid_fmt fmt,
		    void (*emit)(void *ctx, const char *s, size_t n), void *ctx)
{
	size_t nrow = t->ncol ? t->ncell / t->ncol : 0;
	op_buf line = {0}, tmp = {0};
	const char *s;
	size_t n;
	if (fmt == OP_FMT_CSV || fmt == OP_FMT_TSV) {
		int delim = fmt == OP_FMT_CSV ? ',' : '\t';
		for (size_t c = 0; c < t->ncol; c++) {
			if (c)
				op_buf_addc(&line, (char)delim);
			op_csv_cell(&line, t->names[c], strlen(t->names[c]), delim);
		}
		emit(ctx, line.p, line.len);
		for (size_t r = 0; r < nrow; r++) {
			op_buf_reset(&line);
			for (size_t c = 0; c < t->ncol; c++) {
				if (c)
					op_buf_addc(&line, (char)delim);
				cell_text(t, r * t->ncol + c, &tmp, &s, &n);
				op_csv_cell(&line, s, n, delim);
			}
			emit(ctx, line.p, line.len);
		}
	} else {
		/* a column of numbers is right-aligned */
		size_t *w = op_xcalloc(t->ncol, sizeof *w);
		char *num = op_xcalloc(t->ncol, 1);
		for (size_t c = 0; c < t->ncol; c++) {
			w[c] = width(t->names[c], strlen(t->names[c]));
			if (fmt == OP_FMT_MD && w[c] < 3)
				w[c] = 3;	/* the rule under the header is at least --- */
			num[c] = nrow > 0;
		}
		for (size_t i = 0; i < nrow * t->ncol; i++) {
			size_t c = i % t->ncol;
			cell_text(t, i, &tmp, &s, &n);
			op_buf_reset(&line);
			add_flat(&line, s, n, fmt == OP_FMT_MD);
			if (width(line.p, line.len) > w[c])
				w[c] = width(line.p, line.len);
			if (!is_num(t, i) && op_jtype_of(t->cells.p + t->off[i]) != OP_JNULL)
				num[c] = 0;
		}
		for (size_t r = 0; r <= nrow + (fmt == OP_FMT_MD); r++) {
			op_buf_reset(&line);
			for (size_t c = 0; c < t->ncol; c++) {
				if (fmt == OP_FMT_MD)
					op_buf_adds(&line, c ? " | " : "| ");
				else if (c)
					op_buf_adds(&line, "  ");
				size_t start = line.len;
				if (fmt == OP_FMT_MD && r == 1) {
					for (size_t k = 0; k < w[c]; k++)
						op_buf_addc(&line, k + 1 == w[c] && num[c] ? ':' : '-');
					continue;
				}
				size_t row = r - (fmt == OP_FMT_MD && r > 1);
				if (row == 0) {
					add_flat(&line, t->names[c], strlen(t->names[c]), fmt == OP_FMT_MD);
				} else {
					cell_text(t, (row - 1) * t->ncol + c, &tmp, &s, &n);
					add_flat(&line, s, n, fmt == OP_FMT_MD);
				}
				size_t cw = width(line.p + start, line.len - start);
				if (num[c]) {	/* pad on the left */
					op_buf pad = {0};
					for (size_t k = cw; k < w[c]; k++)
						op_buf_addc(&pad, ' ');
					op_buf_add(&pad, line.p + start, line.len - start);
					line.len = start;
					op_buf_add(&line, pad.p ? pad.p : "", pad.len);
					op_buf_free(&pad);
				} else if (fmt == OP_FMT_MD || c + 1 < t->ncol) {
					for (size_t k = cw; k < w[c]; k++)
						op_buf_addc(&line, ' ');
				}
			}
			if (fmt == OP_FMT_MD)
				op_buf_adds(&line, " |");
			while (line.len && line.p[line.len - 1] == ' ')	/* an empty last cell */
				line.len--;
			emit(ctx, line.p ? line.p : "", line.len);
		}
		free(w);
		free(num);
	}
	op_buf_free(&line);
	op_buf_free(&tmp);
}

void op_grid_free(op_grid *t)
{
	for (size_t i = 0; i < t->ncol; i++)
		free(t->names[i]);
	free(t->names);
	free(t->off);
	op_buf_free(&t->cells);
	memset(t, 0, sizeof *t);
}
