/* normalize.c - dates and numbers as people write them, to the record's
 * forms (see normalize.h).  MIT licence, see COPYING. */
#include <string.h>

#include "jsonl.h"
#include "mapping.h"
#include "normalize.h"
#include "timefmt.h"

void op_norm_file(op_norm *n)
{
	n->file_order = OP_DATE_ANY;
	n->file_decimal = 0;
}

void op_norm_free(op_norm *n)
{
	op_buf_free(&n->err);
	op_buf_free(&n->num);
}

void op_norm_trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* Is s a day/month-first date (1 or 2 digits, then / . or -)? */
static int dm_form(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return (i == 1 || i == 2) && i < n && (s[i] == '/' || s[i] == '.' || s[i] == '-');
}

/* Is s "YYYY-MM-DDTHH:MM:SSZ", a valid time in the record's own form?
 * Most exports write it; it is then kept as it is, the 20 bytes the parse
 * and format would give (a leap second's :60 and any other form take the
 * long way). */
static int own_form(const char *s, size_t n)
{
	static const unsigned char digits[14] = { 0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18 };
	if (n != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != 'Z')
		return 0;
	for (size_t i = 0; i < sizeof digits; i++)
		if ((unsigned)(s[digits[i]] - '0') > 9)
			return 0;
#define D2(k) ((unsigned)(s[k] - '0') * 10 + (unsigned)(s[k + 1] - '0'))
	unsigned d = D2(8);
	int ok = d >= 1 && d <= op_days_in_month(D2(0) * 100 + D2(2), D2(5)) &&	/* 0: no month */
		 D2(11) <= 23 && D2(14) <= 59 && D2(17) <= 59;
#undef D2
	return ok;
}

int op_norm_date(op_norm *c, const char *s, size_t n, char out[21])
{
	op_time t;
	int naive = 0;
	int order = c->order != OP_DATE_ANY ? c->order : c->file_order;
	op_norm_trim(&s, &n);
	if (own_form(s, n)) {
		memcpy(out, s, 20);
		out[20] = 0;
		return 0;
	}
	int r = op_time_parse_loose(s, n, order, &t, &naive);
	if (r)
		return r;
	if (order == OP_DATE_ANY && dm_form(s, n)) {
		op_time t2;
		int nv;
		int d = op_time_parse_loose(s, n, OP_DATE_DMY, &t2, &nv) == 0;
		int m = op_time_parse_loose(s, n, OP_DATE_MDY, &t2, &nv) == 0;
		if (d != m)
			c->file_order = d ? OP_DATE_DMY : OP_DATE_MDY;
	}
	if (naive)
		t = op_tz_to_utc(c->tz, t, NULL);
	if (!op_time_in_range(t))
		return OP_TIME_RANGE;
	op_time_format(t, out);
	return 0;
}

int op_norm_number(const char *s, size_t n, int comma, op_buf *out)
{
	char dec = comma ? ',' : '.', grp = comma ? '.' : ',';
	size_t i = 0, start = out->len;
	int digits = 0, grouped = 0, run = 0;
	op_norm_trim(&s, &n);
	if (i < n && (s[i] == '-' || s[i] == '+')) {
		if (s[i] == '-')
			op_buf_addc(out, '-');
		i++;
	}
	size_t intstart = out->len;
	for (; i < n; i++) {
		char ch = s[i];
		if (ch >= '0' && ch <= '9') {
			if (!(out->len == intstart && ch == '0'))
				op_buf_addc(out, ch);
			digits++;
			run++;
			continue;
		}
		int sep = ch == grp || ch == ' ' || ch == '\'';
		int nbsp = (unsigned char)ch == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0;
		if (sep || nbsp) {
			if (!run || (grouped && run != 3) || (!grouped && run > 3))
				goto bad;
			grouped = 1;
			run = 0;
			i += nbsp;
			continue;
		}
		break;
	}
	if (!digits || (grouped && run != 3))
		goto bad;
	if (out->len == intstart)
		op_buf_addc(out, '0');
	if (i < n && s[i] == dec) {
		size_t j = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == j)
			goto bad;
		op_buf_addc(out, '.');
		op_buf_add(out, s + j, i - j);
	}
	if (i != n)
		goto bad;
	if (out->len == start + 2 && out->p[start] == '-' && out->p[start + 1] == '0') {
		out->len = start + 1;	/* -0 is 0 */
		out->p[start] = '0';
		out->p[start + 1] = 0;
	}
	return 0;
bad:
	out->len = start;
	if (out->p)
		out->p[start] = 0;
	return -1;
}

/* A number to out: read with the decimal separator given, else the one
 * the file has shown.  Until a value only one separator reads (12.5,
 * 1.234,50, 12,5) has shown it, a value both read differently (12.500,
 * 1,234) is ambiguous.  0, or -1 with c->err filled. */
static int number_value(op_norm *c, const char *s, size_t n, const char *col, op_buf *out)
{
	int dec = c->decimal ? c->decimal : c->file_decimal;
	size_t at = out->len;
	int pt, cm;
	op_buf_reset(&c->num);
	if (dec || (!memchr(s, '.', n) && !memchr(s, ',', n))) {
		/* the separator known, or none in the value (digits read the
		 * same either way): one reading; the other only for the message */
		if (op_norm_number(s, n, dec == ',', out) == 0)
			return 0;
		pt = dec && op_norm_number(s, n, dec != ',', &c->num) == 0;
		cm = 0;
	} else {
		pt = op_norm_number(s, n, 0, out) == 0;
		cm = op_norm_number(s, n, 1, &c->num) == 0;
		int same = pt && cm && c->num.len == out->len - at &&
			   !memcmp(c->num.p, out->p + at, c->num.len);
		if (!same && pt != cm)
			c->file_decimal = dec = pt ? '.' : ',';
		if (same || (pt && !cm))
			return 0;
		out->len = at;
		if (cm && !pt) {
			op_buf_add(out, c->num.p, c->num.len);
			return 0;
		}
	}
	if (out->p)
		out->p[at] = 0;
	op_buf_reset(&c->err);
	int w = (int)(n > 60 ? 60 : n);
	if (pt && cm)
		op_buf_printf(&c->err, "ambiguous number '%.*s' in '%s': use --decimal-point or --decimal-comma",
			      w, s, col);
	else if (pt || cm)
		op_buf_printf(&c->err, "bad number '%.*s' in '%s': not with a decimal %s, as %s", w, s,
			      col, dec == ',' ? "comma" : "point",
			      c->decimal == ',' ? "--decimal-comma says" : c->decimal ? "--decimal-point says"
			      : "the file's first numbers are");
	else
		op_buf_printf(&c->err, "bad number '%.*s' in '%s'", w, s, col);
	return -1;
}

/* c->err for a date that could not be read: why, and where in it. */
static void bad_date_msg(op_norm *c, int r, const char *s, size_t n, const char *col)
{
	int w = (int)(n > 60 ? 60 : n);
	size_t at;
	const char *why;
	op_buf_reset(&c->err);
	if (r == -2) {
		op_buf_printf(&c->err, "ambiguous date '%.*s' in '%s': use --date-order dmy or mdy", w, s, col);
	} else if (r == OP_TIME_RANGE) {
		op_buf_printf(&c->err, "date out of range '%.*s' in '%s': not between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z",
			      w, s, col);
	} else if (c->order != OP_DATE_ANY && dm_form(s, n) &&
		   op_time_parse_loose(s, n, c->order == OP_DATE_DMY ? OP_DATE_MDY : OP_DATE_DMY,
				       &(op_time){0}, &(int){0}) == 0) {
		op_buf_printf(&c->err, "bad date '%.*s' in '%s': not %s-first as --date-order says",
			      w, s, col, c->order == OP_DATE_DMY ? "day" : "month");
	} else if ((why = op_time_loose_fault(s, n, c->order != OP_DATE_ANY ? c->order : c->file_order, &at))) {
		size_t rest = n - at;
		op_buf_printf(&c->err, "bad date '%.*s' in '%s': %s expected %s'%.*s'", w, s, col, why,
			      rest ? "at " : "after ", rest ? (int)(rest > 40 ? 40 : rest) : w, rest ? s + at : s);
	} else {
		op_buf_printf(&c->err, "bad date '%.*s' in '%s'", w, s, col);
	}
}

int op_norm_value(op_norm *c, int kind, const char *s, size_t n, const char *col, op_buf *out)
{
	if (kind == OP_MAP_DATE) {
		char t[21];
		int r = op_norm_date(c, s, n, t);
		if (r == 0) {	/* "t", nothing in it to escape */
			op_buf_grow(out, 22);
			char *o = out->p + out->len;
			o[0] = '"';
			memcpy(o + 1, t, 20);
			o[21] = '"';
			o[22] = 0;
			out->len += 22;
			return 0;
		}
		bad_date_msg(c, r, s, n, col);
		return -1;
	}
	size_t at = out->len;
	if (number_value(c, s, n, col, out))
		return -1;
	/* the digits are well formed; the number must also be one a reader
	 * takes (jansson refuses integers past 64 bits, doubles past 1e308),
	 * as one of 18 characters or fewer (-99999999999999999) always is */
	if (out->len - at > 18 && op_json_valid(out->p + at, out->len - at, NULL)) {
		out->len = at;
		out->p[at] = 0;
		op_buf_reset(&c->err);
		op_buf_printf(&c->err, "number out of range '%.*s' in '%s'", (int)(n > 60 ? 60 : n), s, col);
		return -1;
	}
	return 0;
}
