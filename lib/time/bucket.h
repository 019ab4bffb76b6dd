/* bucket.h - calendar periods for roll-ups: the day, ISO week, month,
 * quarter or year an instant falls in, in a time zone, as a whole number
 * that counts periods (so the previous period is n - 1), its label, and
 * the same period a year before.  MIT licence. */
#ifndef OP_BUCKET_H
#define OP_BUCKET_H
#include <stdint.h>
#include "timefmt.h"
#include "tz.h"

enum op_bucket { OP_BK_DAY, OP_BK_WEEK, OP_BK_MONTH, OP_BK_QUARTER, OP_BK_YEAR };

/* "day", "week", "month", "quarter", "year" -> the kind, or -1. */
int op_bucket_kind(const char *name, size_t len);
const char *op_bucket_name(int kind);
/* The period of instant t in zone z (NULL: UTC): days since 1970-01-01 for
 * days, Mondays since 1969-12-29 for ISO weeks, year*12 + month-1,
 * year*4 + quarter-1, the year. */
int64_t op_bucket_of(int kind, const op_tz *z, op_time t);
/* Its label: 2026-03-05, 2026-W09, 2026-03, 2026-Q1, 2026.  Returns the
 * length; out holds at least 24 bytes. */
size_t op_bucket_label(int kind, int64_t b, char out[24]);
/* A label of op_bucket_label's back to its kind and number: 1, or 0 for
 * any other text (what writes back otherwise is no such label). */
int op_bucket_parse(const char *label, int *kind, int64_t *b);
/* The same period one year earlier: 1 and *out, or 0 when there is none
 * (29 February, week 53 of a year whose predecessor has 52). */
int op_bucket_year_before(int kind, int64_t b, int64_t *out);
#endif
