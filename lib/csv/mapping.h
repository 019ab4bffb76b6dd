/* mapping.h - column names to record fields: the built-in aliases of
 * common exports (HubSpot, Typeform, Google Forms, Excel), map files that
 * override them, and snake_case keys for everything else.
 * MIT licence, see COPYING. */
#ifndef OP_MAPPING_H
#define OP_MAPPING_H
#include "opflow.h"
#include "operr.h"

/* How a mapped value is read. */
enum {
	OP_MAP_TEXT,		/* a string as it is */
	OP_MAP_DATE,		/* a date or time, written as RFC 3339 UTC */
	OP_MAP_NUMBER,		/* a number ("1,234.50"; "1.234,50" with --decimal-comma) */
	OP_MAP_FIRST,		/* first part of `name` (First Name) */
	OP_MAP_LAST,		/* last part of `name` (Last Name) */
	OP_MAP_DROP,		/* left out (a map file's "= -") */
};

typedef struct op_mapping op_mapping;

/* The built-in aliases, plus the map file when file is not NULL.  A map
 * file has one "Column Name = field [text|date|number]" per line ("#"
 * comments, blank lines; the column may be "quoted"; field "-" drops the
 * column, name.first / name.last compose `name`).  A bad file: NULL, with
 * err->msg "FILE:LINE: what is wrong" and err->code OP_EXIT_CONFIG (78),
 * or "FILE: why" and OP_EXIT_NOINPUT (66) when it cannot be read. */
op_mapping *op_mapping_load(const char *file, op_err *err);
void op_mapping_free(op_mapping *m);

/* The field column `col` maps to (NUL-terminated, owned by m or static)
 * with *kind set, or NULL when neither the map file nor an alias names
 * it.  Names compare with ASCII case, spaces and punctuation ignored
 * ("E-mail Address" = "email address"); a name of punctuation only ("#")
 * compares as it is. */
const char *op_mapping_find(const op_mapping *m, const char *col, int *kind);

/* The kind a field has by its name: *_at fields and due_at are dates,
 * value is a number, everything else text. */
int op_field_kind(const char *field);

/* Append s as a snake_case key: ASCII letters lower-cased, a lower-to-upper
 * step ("firstName") and every run of other ASCII characters become one
 * "_", none at either end; non-ASCII UTF-8 is kept.  Appends nothing when
 * s has no letters or digits. */
void op_snake_case(op_buf *out, const char *s);

#endif
