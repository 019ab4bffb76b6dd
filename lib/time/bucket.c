/* bucket.c - calendar periods, see bucket.h.  MIT licence, see COPYING. */
#include <stdio.h>
#include <string.h>

#include "bucket.h"

static const char *const names[] = { "day", "week", "month", "quarter", "year" };

int op_bucket_kind(const char *name, size_t len)
{
	for (int i = 0; i < 5; i++)
		if (strlen(names[i]) == len && !memcmp(names[i], name, len))
			return i;
	return -1;
}

const char *op_bucket_name(int kind)
{
	return names[kind];
}

/* floor(a / b) for b > 0 */
static int64_t fdiv(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/* 1969-12-29, a Monday, is day -3: ISO weeks are counted from it */
#define WEEK0 (-3)

int64_t op_bucket_of(int kind, const op_tz *z, op_time t)
{
	int64_t days = op_time_days(t + op_tz_offset(z, t)), y;
	unsigned m, d;
	if (kind == OP_BK_DAY)
		return days;
	if (kind == OP_BK_WEEK)
		return fdiv(days - WEEK0, 7);
	op_civil_from_days(days, &y, &m, &d);
	switch (kind) {
	case OP_BK_MONTH: return y * 12 + (m - 1);
	case OP_BK_QUARTER: return y * 4 + (m - 1) / 3;
	default: return y;
	}
}

size_t op_bucket_label(int kind, int64_t b, char out[24])
{
	int64_t y, iy;
	unsigned m, d, w;
	int n;
	switch (kind) {
	case OP_BK_DAY:
		op_civil_from_days(b, &y, &m, &d);
		n = snprintf(out, 24, "%04lld-%02u-%02u", (long long)y, m, d);
		break;
	case OP_BK_WEEK:
		op_iso_week(b * 7 + WEEK0, &iy, &w);
		n = snprintf(out, 24, "%04lld-W%02u", (long long)iy, w);
		break;
	case OP_BK_MONTH:
		n = snprintf(out, 24, "%04lld-%02u", (long long)fdiv(b, 12), (unsigned)(b - fdiv(b, 12) * 12) + 1);
		break;
	case OP_BK_QUARTER:
		n = snprintf(out, 24, "%04lld-Q%u", (long long)fdiv(b, 4), (unsigned)(b - fdiv(b, 4) * 4) + 1);
		break;
	default:
		n = snprintf(out, 24, "%04lld", (long long)b);
		break;
	}
	return (size_t)n;
}

int op_bucket_year_before(int kind, int64_t b, int64_t *out)
{
	int64_t y, iy;
	unsigned m, d, w, w2;
	switch (kind) {
	case OP_BK_DAY:
		op_civil_from_days(b, &y, &m, &d);
		if (m == 2 && d == 29)
			return 0;
		*out = op_days_from_civil(y - 1, m, d);
		return 1;
	case OP_BK_WEEK: {
		/* week w of ISO year iy-1: the Monday of week 1 (the week of
		 * 4 January) plus w-1 weeks, if that is still in iy-1 */
		op_iso_week(b * 7 + WEEK0, &iy, &w);
		int64_t jan4 = op_days_from_civil(iy - 1, 1, 4);
		int64_t mon = jan4 - op_weekday(jan4) + 7 * (int64_t)(w - 1);
		op_iso_week(mon, &y, &w2);
		if (y != iy - 1 || w2 != w)
			return 0;
		*out = fdiv(mon - WEEK0, 7);
		return 1;
	}
	case OP_BK_MONTH: *out = b - 12; return 1;
	case OP_BK_QUARTER: *out = b - 4; return 1;
	default: *out = b - 1; return 1;
	}
}

int op_bucket_parse(const char *s, int *kind, int64_t *b)
{
	long long y;
	unsigned m, dd;
	int n = -1;
	char label[24];
	size_t len = strlen(s);
	if (len > 10)
		return 0;
	if (sscanf(s, "%4lld-%2u-%2u%n", &y, &m, &dd, &n) == 3 && (size_t)n == len && m >= 1 && m <= 12 && dd >= 1 &&
	    dd <= op_days_in_month(y, m)) {
		*kind = OP_BK_DAY;
		*b = op_days_from_civil(y, m, dd);
	} else if (n = -1, sscanf(s, "%4lld-W%2u%n", &y, &m, &n) == 2 && (size_t)n == len) {
		/* the Monday of week m: week 1 holds 4 January */
		int64_t jan4 = op_days_from_civil(y, 1, 4), mon = jan4 - op_weekday(jan4) + 7 * ((int64_t)m - 1) + 3;
		*kind = OP_BK_WEEK;
		*b = mon / 7 - (mon % 7 < 0);	/* weeks counted from 1969-12-29 */
	} else if (n = -1, sscanf(s, "%4lld-Q%1u%n", &y, &m, &n) == 2 && (size_t)n == len) {
		*kind = OP_BK_QUARTER;
		*b = y * 4 + m - 1;
	} else if (n = -1, sscanf(s, "%4lld-%2u%n", &y, &m, &n) == 2 && (size_t)n == len) {
		*kind = OP_BK_MONTH;
		*b = y * 12 + m - 1;
	} else if (n = -1, sscanf(s, "%4lld%n", &y, &n) == 1 && (size_t)n == len) {
		*kind = OP_BK_YEAR;
		*b = y;
	} else
		return 0;
	/* what writes back the same is the label of that period */
	op_bucket_label(*kind, *b, label);
	return !strcmp(label, s);
}
