/* timefmt.c - civil calendar arithmetic, RFC 3339 / RFC 5322 / loose date
 * parsing, timestamp formatting and rule-language durations.  MIT licence.
 *
 * Invariants: no allocation, no stdio, no locale (ctype is avoided too: it
 * consults the locale), every read is bounds-checked against n.  These run
 * once per record.
 */
#include <stdint.h>
#include <string.h>

#include "timefmt.h"

/* --- calendar ------------------------------------------------------------ */

/* The calendar is counted from 0000-03-01 so that the leap day falls at the
 * end of a year; 400-year eras of 146097 days then repeat exactly. */
int64_t op_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;			/* 0..399 */
	int64_t mp = (m + 9) % 12;			/* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + d - 1;	/* 0..365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;		/* 719468: 0000-03-01 to 1970-01-01 */
}

void op_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;		/* 0..146096 */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	unsigned mm = mp < 10 ? (unsigned)mp + 3 : (unsigned)mp - 9;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = mm;
	*y = yoe + era * 400 + (mm <= 2);
}

int op_is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

unsigned op_days_in_month(int64_t y, unsigned m)
{
	static const unsigned char dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && op_is_leap(y) ? 29 : dim[m - 1];
}

int64_t op_time_days(op_time t)
{
	int64_t d = t / 86400;
	return t % 86400 < 0 ? d - 1 : d;
}

int op_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday (3) */
	int64_t r = (days + 3) % 7;
	return (int)(r < 0 ? r + 7 : r);
}

void op_iso_week(int64_t days, int64_t *iso_year, unsigned *week)
{
	/* a week belongs to the year that holds its Thursday */
	int64_t thu = days - op_weekday(days) + 3, y;
	unsigned m, d;
	op_civil_from_days(thu, &y, &m, &d);
	*iso_year = y;
	*week = (unsigned)((thu - op_days_from_civil(y, 1, 1)) / 7 + 1);
}

/* --- small scanners ------------------------------------------------------ */

static int isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int isalph(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int isws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* exactly k digits at s (the caller has checked k bytes exist), or -1 */
static int fixdig(const char *s, int k)
{
	int v = 0;
	for (int i = 0; i < k; i++) {
		if (!isdig(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* a run of 1..max digits at s[*i]; returns the value and sets *len, or -1 */
static int64_t digrun(const char *s, size_t n, size_t *i, int max, int *len)
{
	int64_t v = 0;
	int k = 0;
	while (*i < n && isdig(s[*i])) {
		if (++k > max)
			return -1;
		v = v * 10 + (s[*i] - '0');
		(*i)++;
	}
	*len = k;
	return k ? v : -1;
}

/* case-insensitive: s[0..k) equals the lower-case word w */
static int wordeq(const char *s, size_t k, const char *w)
{
	if (strlen(w) != k)
		return 0;
	for (size_t j = 0; j < k; j++)
		if (lower(s[j]) != w[j])
			return 0;
	return 1;
}

static int valid_date(int64_t y, int64_t m, int64_t d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= op_days_in_month(y, (unsigned)m);
}

static op_time mktime_utc(int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s)
{
	return op_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/* *t = the wall clock y-mo-d h:mi:s at offset off: 0, or OP_TIME_RANGE
 * when that instant has no RFC 3339 form (a zone can carry the last day
 * of 9999 past the end, or the first of 0000 before the start) */
static int make_time(op_time *t, int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi,
		     unsigned s, int32_t off)
{
	op_time v = mktime_utc(y, mo, d, h, mi, s) - off;
	if (!op_time_in_range(v))
		return OP_TIME_RANGE;
	*t = v;
	return 0;
}

/* Numeric zone at s[*i]: Z z +HH:MM -HH:MM +HHMM -HHMM.  Returns 0 and the
 * offset east of UTC in *off, or -1. */
static int numzone(const char *s, size_t n, size_t *i, int32_t *off)
{
	size_t j = *i;
	if (j < n && (s[j] == 'Z' || s[j] == 'z')) {
		*off = 0;
		*i = j + 1;
		return 0;
	}
	if (j >= n || (s[j] != '+' && s[j] != '-'))
		return -1;
	int neg = s[j] == '-';
	j++;
	if (n - j < 4)
		return -1;
	int hh = fixdig(s + j, 2), mm;
	j += 2;
	if (s[j] == ':') {
		if (n - j < 3)
			return -1;
		j++;
	}
	mm = fixdig(s + j, 2);
	j += 2;
	if (hh < 0 || mm < 0 || hh > 23 || mm > 59)
		return -1;
	*off = (hh * 3600 + mm * 60) * (neg ? -1 : 1);
	*i = j;
	return 0;
}

/* --- RFC 3339 ------------------------------------------------------------ */

int op_time_parse(const char *s, size_t n, op_time *t, int *naive)
{
	if (n < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	int y = fixdig(s, 4), mo = fixdig(s + 5, 2), d = fixdig(s + 8, 2);
	int h = 0, mi = 0, se = 0, nv = 1;
	int32_t off = 0;
	if (y < 0 || !valid_date(y, mo, d))
		return -1;
	size_t i = 10;
	if (i < n) {
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return -1;
		i++;
		if (n - i < 5 || s[i + 2] != ':')
			return -1;
		h = fixdig(s + i, 2);
		mi = fixdig(s + i + 3, 2);
		if (h < 0 || mi < 0 || h > 23 || mi > 59)
			return -1;
		i += 5;
		if (i < n && s[i] == ':') {
			if (n - i < 3 || (se = fixdig(s + i + 1, 2)) < 0 || se > 60)
				return -1;
			if (se == 60)
				se = 59;	/* leap second: no room for it in op_time */
			i += 3;
			if (i < n && s[i] == '.') {
				size_t f = ++i;
				while (i < n && isdig(s[i]))
					i++;
				if (i == f)
					return -1;
			}
		}
		if (i < n) {
			if (numzone(s, n, &i, &off) < 0)
				return -1;
			nv = 0;
		}
		if (i != n)
			return -1;
	}
	if (nv && !naive)
		return -1;
	if (make_time(t, y, mo, d, h, mi, se, off))
		return OP_TIME_RANGE;
	if (naive)
		*naive = nv;
	return 0;
}

/* --- formatting ---------------------------------------------------------- */

static void put2(char *p, unsigned v)
{
	p[0] = '0' + v / 10;
	p[1] = '0' + v % 10;
}

/* t within years 0000..9999, the range that formats */
static op_time clamp(op_time t)
{
	return t < OP_TIME_MIN ? OP_TIME_MIN : t > OP_TIME_MAX ? OP_TIME_MAX : t;
}

/* "YYYY-MM-DDTHH:MM:SS" into p (19 chars), clamped to years 0000..9999 */
static void put_civil(op_time t, char *p)
{
	t = clamp(t);
	int64_t days = op_time_days(t), y;
	unsigned sod = (unsigned)(t - days * 86400), m, d;
	op_civil_from_days(days, &y, &m, &d);
	put2(p, (unsigned)y / 100);
	put2(p + 2, (unsigned)y % 100);
	p[4] = '-';
	put2(p + 5, m);
	p[7] = '-';
	put2(p + 8, d);
	p[10] = 'T';
	put2(p + 11, sod / 3600);
	p[13] = ':';
	put2(p + 14, sod / 60 % 60);
	p[16] = ':';
	put2(p + 17, sod % 60);
}

size_t op_time_format(op_time t, char out[21])
{
	put_civil(t, out);
	out[19] = 'Z';
	out[20] = 0;
	return 20;
}

size_t op_time_format_off(op_time t, int32_t off, char out[26])
{
	/* an offset comes from a zone (< 26h), but keep the sum from overflowing */
	if (t > INT64_MAX / 2)
		t = INT64_MAX / 2;
	if (t < INT64_MIN / 2)
		t = INT64_MIN / 2;
	put_civil(t + off, out);
	unsigned a = (unsigned)(off < 0 ? -(int64_t)off : off) / 60;
	out[19] = off < 0 ? '-' : '+';
	put2(out + 20, a / 60 % 100);
	out[22] = ':';
	put2(out + 23, a % 60);
	out[25] = 0;
	return 25;
}

size_t op_time_format_rfc5322(op_time t, char out[32])
{
	static const char wdays[] = "MonTueWedThuFriSatSun";
	static const char mons[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	t = clamp(t);
	int64_t days = op_time_days(t), y;
	unsigned m, d;
	op_civil_from_days(days, &y, &m, &d);
	char c[20];
	put_civil(t, c);
	memcpy(out, wdays + 3 * op_weekday(days), 3);
	memcpy(out + 3, ", ", 2);
	memcpy(out + 5, c + 8, 2);
	out[7] = ' ';
	memcpy(out + 8, mons + 3 * (m - 1), 3);
	out[11] = ' ';
	memcpy(out + 12, c, 4);
	out[16] = ' ';
	memcpy(out + 17, c + 11, 8);
	memcpy(out + 25, " +0000", 7);	/* with its NUL */
	return 31;
}

/* --- RFC 5322 ------------------------------------------------------------ */

/* Skip CFWS: whitespace (folding included) and nested comments with
 * quoted-pairs.  -1 on an unterminated comment. */
static int skip_cfws(const char *s, size_t n, size_t *i)
{
	size_t j = *i;
	for (;;) {
		while (j < n && isws(s[j]))
			j++;
		if (j >= n || s[j] != '(')
			break;
		int depth = 0;
		do {
			if (s[j] == '\\')
				j++;
			else if (s[j] == '(')
				depth++;
			else if (s[j] == ')')
				depth--;
			j++;
		} while (depth > 0 && j < n);
		if (depth > 0)
			return -1;
	}
	*i = j;
	return 0;
}

/* an alphabetic word at s[*i]; returns its length (0 if none) */
static size_t alword(const char *s, size_t n, size_t *i)
{
	size_t j = *i;
	while (j < n && isalph(s[j]))
		j++;
	size_t k = j - *i;
	*i = j;
	return k;
}

static const char *const mon3[12] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec"
};
static const char *const monfull[12] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"
};

/* 1..12, or 0 */
static int month_name(const char *w, size_t k)
{
	for (int m = 0; m < 12; m++)
		if (wordeq(w, k, mon3[m]) || wordeq(w, k, monfull[m]) ||
		    (m == 8 && wordeq(w, k, "sept")))
			return m + 1;
	return 0;
}

static int day_name(const char *w, size_t k)
{
	static const char *const dn[7][2] = {
		{ "mon", "monday" }, { "tue", "tuesday" }, { "wed", "wednesday" },
		{ "thu", "thursday" }, { "fri", "friday" }, { "sat", "saturday" },
		{ "sun", "sunday" }
	};
	for (int i = 0; i < 7; i++)
		if (wordeq(w, k, dn[i][0]) || wordeq(w, k, dn[i][1]))
			return 1;
	return 0;
}

/* Alphabetic zone: obsolete names, UTC, military letters.  -1 if unknown. */
static int alpha_zone(const char *w, size_t k, int32_t *off)
{
	static const struct { const char *name; int hours; } z[] = {
		{ "ut", 0 }, { "gmt", 0 }, { "utc", 0 },
		{ "est", -5 }, { "edt", -4 }, { "cst", -6 }, { "cdt", -5 },
		{ "mst", -7 }, { "mdt", -6 }, { "pst", -8 }, { "pdt", -7 },
	};
	if (k == 1 && lower(w[0]) != 'j') {
		/* RFC 822 got their signs backwards; 5322 says read them as
		 * "no zone information", i.e. +0000 */
		*off = 0;
		return 0;
	}
	for (size_t i = 0; i < sizeof z / sizeof z[0]; i++)
		if (wordeq(w, k, z[i].name)) {
			*off = z[i].hours * 3600;
			return 0;
		}
	return -1;
}

/* the RFC 5322 parser; *haszone says whether a zone was written */
static int rfc5322(const char *s, size_t n, op_time *t, int *haszone)
{
	size_t i = 0, k;
	int len;
	int32_t off = 0;

	if (skip_cfws(s, n, &i) < 0)
		return -1;
	if (i < n && isalph(s[i])) {
		size_t w = i;
		if (!day_name(s + w, alword(s, n, &i)) || skip_cfws(s, n, &i) < 0)
			return -1;
		if (i < n && s[i] == ',')	/* obs: some mailers drop it */
			i++;
		if (skip_cfws(s, n, &i) < 0)
			return -1;
	}
	int64_t d = digrun(s, n, &i, 2, &len);
	if (d < 0 || skip_cfws(s, n, &i) < 0)
		return -1;
	size_t w = i;
	int mo = month_name(s + w, alword(s, n, &i));
	if (!mo || skip_cfws(s, n, &i) < 0)
		return -1;
	int64_t y = digrun(s, n, &i, 4, &len);
	if (y < 0 || len < 2 || skip_cfws(s, n, &i) < 0)
		return -1;
	if (len == 2)
		y += y < 50 ? 2000 : 1900;
	else if (len == 3)
		y += 1900;
	if (!valid_date(y, mo, d))
		return -1;

	/* obs-hour etc. allow CFWS around the colons */
	int64_t h = digrun(s, n, &i, 2, &len), mi, se = 0;
	if (h < 0 || h > 23 || skip_cfws(s, n, &i) < 0 || i >= n || s[i++] != ':' ||
	    skip_cfws(s, n, &i) < 0)
		return -1;
	mi = digrun(s, n, &i, 2, &len);
	if (mi < 0 || len != 2 || mi > 59 || skip_cfws(s, n, &i) < 0)
		return -1;
	if (i < n && s[i] == ':') {
		i++;
		if (skip_cfws(s, n, &i) < 0)
			return -1;
		se = digrun(s, n, &i, 2, &len);
		if (se < 0 || len != 2 || se > 60 || skip_cfws(s, n, &i) < 0)
			return -1;
		if (se == 60)
			se = 59;
	}

	*haszone = 0;
	if (i < n && (s[i] == '+' || s[i] == '-')) {
		int neg = s[i] == '-';
		i++;
		if (n - i < 4)
			return -1;
		int hh = fixdig(s + i, 2), mm = fixdig(s + i + 2, 2);
		i += 4;
		if (hh < 0 || mm < 0 || mm > 59 || (i < n && isdig(s[i])))
			return -1;
		off = (hh * 3600 + mm * 60) * (neg ? -1 : 1);
		*haszone = 1;
	} else if (i < n && isalph(s[i])) {
		w = i;
		k = alword(s, n, &i);
		if (alpha_zone(s + w, k, &off) < 0)
			return -1;
		*haszone = 1;
	}
	if (skip_cfws(s, n, &i) < 0 || i != n)
		return -1;
	return make_time(t, y, mo, d, (unsigned)h, (unsigned)mi, (unsigned)se, off);
}

int op_time_parse_rfc5322(const char *s, size_t n, op_time *t)
{
	int hz;
	return rfc5322(s, n, t, &hz);
}

/* --- loose --------------------------------------------------------------- */

/* Where a loose date stopped making sense, for the message: the furthest
 * point a reading reached, and what was expected there.  A reading that
 * does not get past its first token records nothing. */
typedef struct {
	size_t at;
	const char *what;
} fault;

static int fail(fault *f, size_t at, const char *what)
{
	if (f && (!f->what || at > f->at)) {
		f->at = at;
		f->what = what;
	}
	return -1;
}

/* The offset after "GMT" or "UTC" at s[*i], as Google Forms writes it:
 * +3, -05:30, +0530, or none.  0, or -1. */
static int gmt_offset(const char *s, size_t n, size_t *i, int32_t *off)
{
	size_t j = *i;
	int len;
	*off = 0;
	if (j >= n || (s[j] != '+' && s[j] != '-'))
		return 0;
	int neg = s[j++] == '-';
	int64_t hh = digrun(s, n, &j, 4, &len), mm = 0;
	if (hh < 0 || len == 3)
		return -1;
	if (len == 4) {
		mm = hh % 100;
		hh /= 100;
	} else if (j < n && s[j] == ':') {
		j++;
		mm = digrun(s, n, &j, 2, &len);
		if (mm < 0 || len != 2)
			return -1;
	}
	if (hh > 23 || mm > 59)
		return -1;
	*off = (int32_t)((hh * 3600 + mm * 60) * (neg ? -1 : 1));
	*i = j;
	return 0;
}

/* What may follow a date, from s[i] to the end: nothing, or [,] then
 * "T" or spaces, H[H]:MM[:SS[.frac]], an optional AM/PM (a.m., p.m.)
 * and an optional zone: Z, +hh:mm, +hhmm, UTC or GMT with an optional
 * offset (GMT+3).  Sets *sod (seconds of the day), *off and *nv (1: no
 * zone).  0, or -1. */
static int time_tail(const char *s, size_t n, size_t i, int64_t *sod, int32_t *off, int *nv,
		     fault *f)
{
	int len;
	*sod = 0;
	*off = 0;
	*nv = 1;
	if (i == n)
		return 0;
	size_t d0 = i;
	if (s[i] == ',')
		i++;	/* "6/22/2022, 11:07 AM" */
	if (i == d0 && (s[i] == 'T' || s[i] == 't'))
		i++;
	else if (i < n && isws(s[i]))
		while (i < n && isws(s[i]))
			i++;
	else
		return fail(f, d0, "a time");
	size_t hat = i, at;
	int64_t h = digrun(s, n, &i, 2, &len), mi, se = 0;
	if (h < 0 || i >= n || s[i++] != ':')
		return fail(f, hat, "a time");
	at = i;
	if ((mi = digrun(s, n, &i, 2, &len)) < 0 || len != 2 || mi > 59)
		return fail(f, at, "minutes (00-59)");
	if (i < n && s[i] == ':') {
		at = ++i;
		if ((se = digrun(s, n, &i, 2, &len)) < 0 || len != 2 || se > 60)
			return fail(f, at, "seconds (00-59)");
		if (se == 60)
			se = 59;
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			size_t fr = ++i;
			while (i < n && isdig(s[i]))
				i++;
			if (i == fr)
				return fail(f, fr, "a fraction of a second");
		}
	}
	size_t j = i;
	while (j < n && isws(s[j]))
		j++;
	/* AM/PM, also written a.m. / p.m. */
	if (j < n && (lower(s[j]) == 'a' || lower(s[j]) == 'p')) {
		int pm = lower(s[j]) == 'p';
		j++;
		if (j < n && s[j] == '.')
			j++;
		if (j >= n || lower(s[j]) != 'm')
			goto zone;
		j++;
		if (j < n && s[j] == '.')
			j++;
		if (j < n && isalph(s[j]))
			goto zone;
		if (h < 1 || h > 12)
			return fail(f, hat, "an hour (1-12 with AM or PM)");
		h = h % 12 + (pm ? 12 : 0);
		i = j;
	}
zone:
	if (h > 23)
		return fail(f, hat, "an hour (00-23)");
	j = i;
	while (j < n && isws(s[j]))
		j++;
	at = j;
	if (j < n && numzone(s, n, &j, off) == 0) {
		*nv = 0;
		i = j;
	} else if (j < n && isalph(s[j])) {
		size_t k = alword(s, n, &j);
		if ((wordeq(s + at, k, "utc") || wordeq(s + at, k, "gmt")) &&
		    gmt_offset(s, n, &j, off) == 0) {
			*nv = 0;
			i = j;
		}
	}
	if (i != n)
		return fail(f, at, "a zone (Z, +01:00, UTC, GMT+1)");
	*sod = h * 3600 + mi * 60 + se;
	return 0;
}

/* NN/NN/YYYY, YYYY/MM/DD and friends, then an optional time.  Returns 0,
 * -1, -2 or OP_TIME_RANGE as op_time_parse_loose; *nv is set when no zone
 * was given. */
static int numeric_date(const char *s, size_t n, int order, op_time *t, int *nv, fault *f)
{
	size_t i = 0;
	int la, lb, lc;
	int64_t a = digrun(s, n, &i, 4, &la);
	if (a < 0)
		return -1;
	if (i >= n || (s[i] != '/' && s[i] != '.' && s[i] != '-'))
		return fail(f, i, "a date separator (/ . or -)");
	char sep = s[i++];
	size_t bat = i;
	int64_t b = digrun(s, n, &i, 2, &lb);
	if (b < 0 || i >= n || s[i++] != sep)
		return fail(f, bat, la == 4 ? "a month (1-12)" : "a day or month");
	size_t cat = i;
	int64_t c = digrun(s, n, &i, 4, &lc);

	int64_t y, m = 0, d = 0;
	int amb = 0;
	if (la == 4) {
		if (c < 0 || lc > 2)
			return fail(f, cat, "a day of the month");
		y = a, m = b, d = c;
		if (m < 1 || m > 12)
			return fail(f, bat, "a month (1-12)");
		if (!valid_date(y, m, d))
			return fail(f, cat, "a day of that month");
	} else if (la == 3 || c < 0 || (lc != 2 && lc != 4)) {
		return fail(f, la == 3 ? 0 : cat, "a year (2 or 4 digits)");
	} else {
		y = lc == 2 ? c + (c < 50 ? 2000 : 1900) : c;
		if (sep == '.')
			order = OP_DATE_DMY;	/* 03.04.2026 is day-first wherever it is written */
		int dmy = valid_date(y, b, a), mdy = valid_date(y, a, b);
		if (order == OP_DATE_DMY && !dmy)
			return b < 1 || b > 12 ? fail(f, bat, "a month (1-12)") : fail(f, 0, "a day of that month");
		if (order == OP_DATE_MDY && !mdy)
			return a < 1 || a > 12 ? fail(f, 0, "a month (1-12)") : fail(f, bat, "a day of that month");
		if (!dmy && !mdy)
			return fail(f, 0, "a day and a month");
		if (order == OP_DATE_DMY || (order == OP_DATE_ANY && !mdy))
			m = b, d = a;
		else
			m = a, d = b;
		/* 05/05/2025 reads the same either way */
		amb = order == OP_DATE_ANY && dmy && mdy && a != b;
	}

	int64_t sod;
	int32_t off;
	if (time_tail(s, n, i, &sod, &off, nv, f))
		return -1;
	if (amb)
		return -2;
	return make_time(t, y, (unsigned)m, (unsigned)d, 0, 0, (unsigned)sod, off);
}

/* A month by name: "Jun 22, 2022", "June 22 2022 11:07 AM", "22 June
 * 2022", a day name first allowed ("Wed, Jun 22, 2022"); then a time as
 * numeric_date's. */
static int named_date(const char *s, size_t n, op_time *t, int *nv, fault *f)
{
	size_t i = 0, w = 0, dat;
	int len, mo;
	int64_t d;
	size_t k = alword(s, n, &i);
	if (k && day_name(s, k)) {
		if (i < n && s[i] == ',')
			i++;
		while (i < n && isws(s[i]))
			i++;
		w = i;
		k = alword(s, n, &i);
	}
	if (k) {
		if (!(mo = month_name(s + w, k)))
			return w ? fail(f, w, "a month name") : -1;
		while (i < n && isws(s[i]))
			i++;
		dat = i;
		if ((d = digrun(s, n, &i, 2, &len)) < 0)
			return fail(f, dat, "a day of the month");
	} else {
		dat = i;
		if ((d = digrun(s, n, &i, 2, &len)) < 0 || i >= n || !isws(s[i]))
			return -1;
		while (i < n && isws(s[i]))
			i++;
		w = i;
		if (!(mo = month_name(s + w, alword(s, n, &i))))
			return -1;
	}
	if (i < n && s[i] == ',')
		i++;
	size_t yat = i;
	while (i < n && isws(s[i]))
		i++;
	int64_t y = i > yat ? digrun(s, n, &i, 4, &len) : -1;
	if (y < 0 || len != 4)
		return fail(f, yat, "a year (4 digits)");
	if (!valid_date(y, mo, d))
		return fail(f, dat, "a day of that month");
	int64_t sod;
	int32_t off;
	if (time_tail(s, n, i, &sod, &off, nv, f))
		return -1;
	return make_time(t, y, (unsigned)mo, (unsigned)d, 0, 0, (unsigned)sod, off);
}

/* The readings in turn; f (may be NULL) learns where they failed. */
static int loose(const char *s, size_t n, int order, op_time *t, int *naive, fault *f)
{
	int nv, r;
	op_time v;

	if ((r = op_time_parse(s, n, &v, &nv)) == 0)
		goto done;
	if (r == OP_TIME_RANGE)
		return r;
	if ((r = numeric_date(s, n, order, &v, &nv, f)) == 0)
		goto done;
	if (r != -1)
		return r;
	int zone;
	if ((r = rfc5322(s, n, &v, &zone)) == 0) {
		nv = !zone;
		goto done;
	}
	if (r != -1)
		return r;
	if ((r = named_date(s, n, &v, &nv, f)) != 0)
		return r;
done:
	if (nv && !naive)
		return -1;
	if (naive)
		*naive = nv;
	*t = v;
	return 0;
}

static size_t trim_ws(const char **s, size_t n)
{
	while (n && isws(**s))
		(*s)++, n--;
	while (n && isws((*s)[n - 1]))
		n--;
	return n;
}

int op_time_parse_loose(const char *s, size_t n, int order, op_time *t, int *naive)
{
	n = trim_ws(&s, n);
	return loose(s, n, order, t, naive, NULL);
}

const char *op_time_loose_fault(const char *s, size_t n, int order, size_t *at)
{
	const char *s0 = s;
	fault f = { 0, NULL };
	op_time t;
	int nv;
	n = trim_ws(&s, n);
	if (loose(s, n, order, &t, &nv, &f) != -1)
		return NULL;
	*at = (size_t)(s - s0) + f.at;
	return f.what;
}

/* --- durations ----------------------------------------------------------- */

int op_duration_parse(const char *s, size_t n, int64_t *value, int *business)
{
	static const char units[] = "wdhms";
	static const int64_t secs[] = { 604800, 86400, 3600, 60, 1 };
	size_t i = 0;
	int last = -1, len;
	int64_t total = 0;

	if (n == 0)
		return -1;
	while (i < n) {
		/* 12 digits: five terms of < 10^12 weeks stay inside int64 */
		int64_t v = digrun(s, n, &i, 12, &len);
		if (v < 0 || i >= n)
			return -1;
		if (s[i] == 'b') {
			/* business time stands alone: "4bh", "2bd" */
			if (last >= 0 || !business || n - i != 2)
				return -1;
			if (s[i + 1] == 'h') {
				*value = v * 60;
				*business = 1;
			} else if (s[i + 1] == 'd') {
				*value = v;
				*business = 2;
			} else
				return -1;
			return 0;
		}
		const char *u = memchr(units, s[i], 5);
		if (!u || u - units <= last)
			return -1;
		last = (int)(u - units);
		total += v * secs[last];
		i++;
	}
	*value = total;
	if (business)
		*business = 0;
	return 0;
}
