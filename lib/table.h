/* table.h - rows of JSON cells written as JSON lines, CSV, TSV, a
 * Markdown table or aligned text for a terminal.  CSV and TSV cells that
 * a spreadsheet would run as formulas are escaped (op_csv_cell).
 * MIT licence. */
#ifndef OP_TABLE_H
#define OP_TABLE_H
#include <stddef.h>
#include "opflow.h"

enum op_table_fmt { OP_FMT_JSONL, OP_FMT_CSV, OP_FMT_TSV, OP_FMT_MD, OP_FMT_TABLE };

/* "jsonl", "csv", "tsv", "md", "table" -> the format, or -1. */
int op_table_fmt_of(const char *name);

/* A table under construction: column names, then rows of cells, each the
 * JSON text of a value (null, a number, a string, ...). */
typedef struct {
	size_t ncol;
	char **names;
	op_buf cells;		/* the JSON texts, one after the other */
	size_t *off;		/* start of cell i (ncol per row), and the end */
	size_t ncell, capcell;
} op_table;

void op_table_init(op_table *t, size_t ncol, const char *const *names);
void op_table_cell(op_table *t, const char *json, size_t n);
/* Write the header and every row (not JSONL) through emit, one line at a
 * time without its newline. */
void op_table_write(op_table *t, enum op_table_fmt fmt,
		    void (*emit)(void *ctx, const char *s, size_t n), void *ctx);
void op_table_free(op_table *t);
#endif
