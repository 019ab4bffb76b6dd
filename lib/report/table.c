/* table.c - rows of JSON values as CSV, TSV, Markdown or aligned text, see
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

void op_grid_init(op_grid *g, size_t ncol, const char *const *names, enum op_grid_fmt fmt)
{
	memset(g, 0, sizeof *g);
	g->people = fmt == OP_FMT_MD || fmt == OP_FMT_TABLE;
	char *align = op_xcalloc(ncol + 1, 1);
	memset(align, 'r', ncol);
	op_table_init(&g->t, ncol, align);
	free(align);
	for (size_t c = 0; c < ncol; c++)
		op_table_add(&g->t, names[c]);
}

void op_grid_cell(op_grid *g, const char *json, size_t n)
{
	enum op_jtype type = op_jtype_of(json);
	if (type != OP_JNUM && type != OP_JNULL)
		g->t.align[g->t.ncell % g->t.ncol] = 'l';
	op_buf_reset(&g->text);
	char num[64];
	/* a fraction of more than 15 digits, for a person: 15 at most (one
	 * written shorter, or an integer, is shown as written) */
	if (g->people && type == OP_JNUM && n > 16 && n < sizeof num) {
		memcpy(num, json, n);
		num[n] = 0;
		if (strpbrk(num, ".eE")) {
			op_buf_printf(&g->text, "%.15g", strtod(num, NULL));
			op_table_add(&g->t, g->text.p);
			return;
		}
	}
	op_csv_text(&g->text, json, n, &g->tmp);
	op_table_add(&g->t, g->text.p ? g->text.p : "");
}

void op_grid_write(op_grid *g, enum op_grid_fmt fmt,
		   void (*emit)(void *ctx, const char *s, size_t n), void *ctx)
{
	op_buf out = {0};
	if (fmt == OP_FMT_CSV || fmt == OP_FMT_TSV) {
		/* a row at a time: a quoted CSV cell may hold a line end; TSV
		 * is never quoted, its tab, line ends and \ written \t \n \r
		 * \\, as the other programs' -o tsv and Miller write it */
		int delim = fmt == OP_FMT_CSV ? ',' : '\t';
		for (size_t i = 0; i < g->t.ncell; i++) {
			const char *s = g->t.cell[i];
			if (i % g->t.ncol)
				op_buf_addc(&out, (char)delim);
			if (fmt == OP_FMT_TSV)
				op_tsv_cell(&out, s, strlen(s));
			else
				op_csv_cell(&out, s, strlen(s), delim);
			if ((i + 1) % g->t.ncol == 0) {
				emit(ctx, out.p, out.len);
				op_buf_reset(&out);
			}
		}
	} else {
		if (fmt == OP_FMT_MD)
			op_table_md(&out, &g->t);
		else
			op_table_text(&out, &g->t, "");
		/* render ends each line with a newline, and no cell holds one */
		const char *p = out.p, *nl;
		while ((nl = memchr(p, '\n', out.len - (size_t)(p - out.p))) != NULL) {
			emit(ctx, p, (size_t)(nl - p));
			p = nl + 1;
		}
	}
	op_buf_free(&out);
}

void op_grid_free(op_grid *g)
{
	op_table_free(&g->t);
	op_buf_free(&g->text);
	op_buf_free(&g->tmp);
	memset(g, 0, sizeof *g);
}
