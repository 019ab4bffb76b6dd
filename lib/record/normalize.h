/* normalize.h - source values to record values: dates and times to
 * RFC 3339 UTC, numbers as written by people ("1,234.50", "1.234,50") to
 * JSON numbers, with the day/month order and the decimal separator either
 * given or learnt from the file's first unambiguous value.
 * MIT licence, see COPYING. */
#ifndef OP_NORMALIZE_H
#define OP_NORMALIZE_H
#include "opflow.h"
#include "tz.h"

typedef struct {
	/* given: */
	int order;		/* OP_DATE_DMY, OP_DATE_MDY; OP_DATE_ANY: learnt */
	int decimal;		/* '.' or ','; 0: learnt */
	const op_tz *tz;	/* the zone of times without one (NULL: UTC) */
	/* learnt from the current file (op_norm_file forgets them) */
	int file_order;		/* OP_DATE_ANY until a value tells */
	int file_decimal;	/* 0 until a value tells */
	op_buf err;		/* why the last value was refused */
	op_buf num;		/* scratch */
} op_norm;

/* A new file: what the last one taught about order and separator goes. */
void op_norm_file(op_norm *n);
void op_norm_free(op_norm *n);

/* A date or time to RFC 3339 UTC in out[21]: 0, -1 not a date, -2
 * ambiguous (neither the order given nor the file has told day from month
 * yet), OP_TIME_RANGE (outside years 0000..9999 once in UTC).  The first
 * value that only one reading makes a date decides the order for the rest
 * of the file. */
int op_norm_date(op_norm *n, const char *s, size_t len, char out[21]);

/* "1,234.50" (with comma: "1.234,50"; spaces, apostrophes and no-break
 * spaces also group thousands) appended to out as a JSON number: sign,
 * digits without leading zeros, the decimals as written.  Groups after the
 * first must have 3 digits, so "12,5" is no number without comma rather
 * than 125.  0, or -1 with out as it was. */
int op_norm_number(const char *s, size_t len, int comma, op_buf *out);

/* The value of a field of kind OP_MAP_DATE or OP_MAP_NUMBER (mapping.h)
 * appended to out as JSON (a date as a string): 0, or -1 with n->err
 * saying why, naming the column col. */
int op_norm_value(op_norm *n, int kind, const char *s, size_t len, const char *col, op_buf *out);

/* s[0..*len) without the spaces and tabs at either end */
void op_norm_trim(const char **s, size_t *len);
#endif
