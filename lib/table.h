/* table.h - rows of JSON cells written as JSON lines, CSV, TSV, a
 * Markdown table or aligned text for a terminal.  CSV and TSV cells that
 * a spreadsheet would run as formulas are escaped (op_csv_cell).
 * MIT licence. */
#ifndef OP_GRID_H
#define OP_GRID_H
#include <stddef.h>
#include "opflow.h"

enum op_grid_fmt { OP_FMT_JSONL, OP_FMT_CSV, OP_FMT_TSV, OP_FMT_MD, OP_FMT_TABLE };

/* "jsonl", "csv", "tsv", "md", "table" -> the format, or -1. */
int op_grid_fmt_of(const char *name);

/* A table under construction: column names, then rows of cells, each the
 * JSON text of a value (null, a number, a string, ...). */
typedef struct {
	size_t ncol;
	char **names;
	op_buf cells;		/* the JSON texts, one after the other */
	size_t *off;		/* start of cell i (ncol per row), and the end */
	size_t ncell, capcell;
} op_grid;

void op_grid_init(op_grid *t, size_t ncol, const char *const *names);
void op_grid_cell(op_grid *t, const char *json, size_t n);
/* Write the header and every row (not JSONL) through emit, one line at a
 * time without its newline. */
void op_grid_write(op_grid *t, enum op_grid_fmt fmt,
		    void (*emit)(void *ctx, const char *s, size_t n), void *ctx);
void op_grid_free(op_grid *t);
#endif
