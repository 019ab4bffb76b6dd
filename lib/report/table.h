/* table.h - rows of JSON values written as CSV, TSV, a Markdown table or
 * aligned text for a terminal (kpi-rollup's -o).  Cells show as text:
 * strings unquoted, numbers as written, null empty; Markdown and text are
 * drawn by render's op_table, a column of numbers right-aligned.  CSV and
 * TSV cells that a spreadsheet would run as formulas are escaped
 * (op_csv_cell).  MIT licence. */
#ifndef OP_GRID_H
#define OP_GRID_H
#include <stddef.h>
#include "opflow.h"
#include "render.h"

enum op_grid_fmt { OP_FMT_JSONL, OP_FMT_CSV, OP_FMT_TSV, OP_FMT_MD, OP_FMT_TABLE };

/* "jsonl", "csv", "tsv", "md", "table" -> the format, or -1. */
int op_grid_fmt_of(const char *name);

/* A table under construction: column names, then rows of cells. */
typedef struct {
	op_table t;		/* row 0 the names; align 'r' while every cell
				 * of the column is a number or null */
	op_buf text, tmp;
	int people;		/* md, table: read by a person */
} op_grid;

/* fmt: the format it will be written in (md and table show a fraction
 * with at most 15 significant digits: 44.275, not 44.27500000000002, the
 * float noise of a computed median; csv and tsv keep every digit). */
void op_grid_init(op_grid *g, size_t ncol, const char *const *names, enum op_grid_fmt fmt);
/* The next cell, the JSON text of a value (null, a number, a string, ...). */
void op_grid_cell(op_grid *g, const char *json, size_t n);
/* Write the header and every row (not JSONL) through emit, one line at a
 * time without its newline. */
void op_grid_write(op_grid *g, enum op_grid_fmt fmt,
		   void (*emit)(void *ctx, const char *s, size_t n), void *ctx);
void op_grid_free(op_grid *g);
#endif
