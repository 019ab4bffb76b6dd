/* csvio.h - delimited text in (libcsv, for enq-parse) and CSV cells out
 * (for the reports), with line numbers, bad rows kept whole, and charset
 * fallback.  MIT licence, see COPYING. */
#ifndef OP_CSVIO_H
#define OP_CSVIO_H
#include <stdio.h>
#include "opflow.h"

/* The reader's state; op_csv_read keeps one per call. */
typedef struct op_csv op_csv;

/* Called once the columns have names (made unique), before any row.  A
 * non-zero return stops reading, and op_csv_read returns that value. */
typedef int (*op_csv_names_fn)(const char *const *names, size_t n, void *ctx);

typedef struct {
	int delim;		/* 0 = sniff from the first lines among , ; TAB | */
	const char *encoding;	/* NULL = UTF-8, with invalid UTF-8 fields read
				 * as Windows-1252 (one warning per file), or
				 * UTF-16/32 when the file starts with its BOM;
				 * else any charset iconv knows */
	int no_header;		/* 1: the first row is data; columns are named
				 * by `header`, or col_1, col_2, ... */
	const char *header;	/* "a,b,c": names for the columns; when set,
				 * the file's first row is data */
	size_t max_field;	/* bytes; 0 = 64 MiB; a longer field is an
				 * error for that row */
	int *delim_used;	/* when not NULL: set to the delimiter the
				 * file is read by, before any row */
	op_buf *header_row;	/* when not NULL: set to the header row's
				 * bytes as read (without its line end) when
				 * the file's first row names the columns */
	op_csv_names_fn names;	/* when not NULL: told the column names */
} op_csv_opts;

/* Called once per data row.  names/fields are NUL-terminated valid UTF-8,
 * valid only during the call; lens[i] is the length of fields[i] (a field
 * holds no NUL).  line = physical line number (1-based) where the row
 * starts.  A non-zero return stops reading, and op_csv_read returns
 * that value. */
typedef int (*op_csv_row_fn)(const char *const *names, const char *const *fields,
			     const size_t *lens, size_t n, unsigned long line, void *ctx);

/* Called for a bad row: a ragged row (field count differs from the header),
 * an over-long field, a quote error, an unclosed quote at EOF, a NUL byte
 * in a field; and, when the header row is one of those, for it ("cannot
 * read the header row: ...") and every row after it (there are no column
 * names to read them by).  raw = the row's bytes as read, without its
 * final line terminator (for --rejects); reason e.g. "3 fields, header
 * has 5".  Reading goes on with the next row unless it returns non-zero:
 * then op_csv_read stops and returns that value. */
typedef int (*op_csv_bad_fn)(const char *raw, size_t rawlen, unsigned long line,
			     const char *reason, void *ctx);

/* Reads the whole stream f (opened "rb"), named `name` in messages.
 * Returns 0; a callback's non-zero value; or -1 on a read error (errno
 * set, nothing printed).
 * A UTF-8 BOM is skipped; UTF-16 and UTF-32 (by BOM or encoding) are
 * turned into UTF-8 first, raw rows included.  LF, CRLF and lone CR end
 * lines; quoted fields may hold delimiters, line breaks and doubled quotes;
 * empty lines are skipped; empty or duplicate header names are made unique
 * (col_3, email_2).  After an unclosed quote at EOF only the line that
 * opened it is bad when the lines after it read as rows of the right
 * width (a stray quote): they are read again.  Otherwise the file was cut
 * short inside a quoted field, and the rest of it is one bad row.
 * Lenient where it is unambiguous: spaces around unquoted fields and
 * around quoted ones are dropped (libcsv's rule), and a quote inside an
 * unquoted field (5'10", 37°36'37.8"N) is kept as a character. */
int op_csv_read(FILE *f, const char *name, const op_csv_opts *o,
		op_csv_row_fn row, op_csv_bad_fn bad, void *ctx);

/* The most likely delimiter among , ; TAB | in the first bytes of a file:
 * the one found the same non-zero number of times (outside quotes) on each
 * of the first few lines, the most frequent if several; 0 if none. */
int op_csv_sniff(const char *buf, size_t n);

/* Append one cell to out (no delimiter, no line end), quoted when needed
 * (delim, quote, CR, LF, leading or trailing space or tab), quotes doubled.
 * A cell a spreadsheet would run as a formula (first byte = + - @ TAB CR,
 * OWASP "CSV injection") gets a ' in front, unless it is a plain decimal
 * number such as -12.5 or +1e3. */
void op_csv_cell(op_buf *out, const char *s, size_t n, int delim);
/* A cell of tab-separated text (no delimiter, no line end), as
 * PostgreSQL's COPY text format and Miller write it: TAB, LF, CR and
 * backslash as \t \n \r \\; with op_csv_cell's ' before a formula. */
void op_tsv_cell(op_buf *out, const char *s, size_t n);
/* Append to out the text a cell shows for the JSON value v[0..n): a
 * string's content (decoded in tmp when it has escapes), null as nothing,
 * anything else as its JSON text (true, 1.10, [1,2]); a NUL as U+FFFD. */
void op_csv_text(op_buf *out, const char *v, size_t n, op_buf *tmp);
/* The same without the formula guard: the field as it was read, for a
 * reader of CSV (enq-parse's --rejects) rather than a spreadsheet. */
void op_csv_field(op_buf *out, const char *s, size_t n, int delim);
/* A row of fields[0..n) so, delimited by delim (no line end), into out,
 * reset first. */
void op_csv_row(op_buf *out, const char *const *fields, size_t n, int delim);
#endif
