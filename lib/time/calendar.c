/* calendar.c - business hours and business-time arithmetic (calendar.h).
 * MIT licence, see COPYING. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "opflow.h"

/* 0001-01-01 and 9999-12-31 as days and instants: results outside are
 * refused, which also bounds every walk below. */
#define MIN_DAY (-719162)
#define MAX_DAY 2932896
#define MIN_T ((op_time)MIN_DAY * 86400)
#define MAX_T ((op_time)MAX_DAY * 86400 + 86399)

typedef struct {
	int16_t from, to;	/* minutes after local midnight */
} span;

/* The UTC offset of one local day, looked up once for all its spans: when
 * the offsets a day and more either side of it agree, no transition falls
 * inside (zones change offset at most twice a year), and a wall-clock
 * time of that day is UTC by one subtraction instead of a search. */
typedef struct {
	int64_t day;
	int32_t off;
	int steady;
} daycache;

#define NO_DAY INT64_MIN
#define MEMO 1024	/* days remembered, direct-mapped: about three years */

struct op_cal {
	const op_tz *tz;
	span sp[7][OP_CAL_MAX_SPANS];
	uint8_t nsp[7];
	int64_t day_min[7];	/* open minutes per weekday */
	int64_t week_min;
	int64_t *hol;		/* sorted, distinct */
	size_t nhol, caphol;
	daycache *memo;		/* written by queries: one thread per calendar */
};

op_cal *op_cal_new(void)
{
	op_cal *c = op_xcalloc(1, sizeof(op_cal));
	c->memo = op_xmalloc(MEMO * sizeof *c->memo);
	for (int i = 0; i < MEMO; i++)
		c->memo[i].day = NO_DAY;
	return c;
}

void op_cal_free(op_cal *c)
{
	if (!c)
		return;
	free(c->hol);
	free(c->memo);
	free(c);
}

void op_cal_set_tz(op_cal *c, const op_tz *tz)
{
	c->tz = tz;
}

int op_cal_has_hours(const op_cal *c)
{
	return c->week_min > 0;
}

int op_cal_add_hours(op_cal *c, unsigned mask, int from, int to)
{
	if (from < 0 || to > 1440 || from >= to)
		return -1;
	for (int d = 0; d < 7; d++) {
		if (!(mask & (1u << d)))
			continue;
		if (c->nsp[d] == OP_CAL_MAX_SPANS)
			return -1;
		for (int i = 0; i < c->nsp[d]; i++)
			if (from < c->sp[d][i].to && c->sp[d][i].from < to)
				return -1;
	}
	for (int d = 0; d < 7; d++) {
		if (!(mask & (1u << d)))
			continue;
		int i = c->nsp[d]++;
		while (i > 0 && c->sp[d][i - 1].from > from) {
			c->sp[d][i] = c->sp[d][i - 1];
			i--;
		}
		c->sp[d][i] = (span){ (int16_t)from, (int16_t)to };
		c->day_min[d] += to - from;
		c->week_min += to - from;
	}
	return 0;
}

/* index of the first holiday >= day */
static size_t hol_lower(const op_cal *c, int64_t day)
{
	size_t lo = 0, hi = c->nhol;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->hol[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void op_cal_add_holiday(op_cal *c, int64_t day)
{
	size_t i = hol_lower(c, day);
	if (i < c->nhol && c->hol[i] == day)
		return;
	c->hol = op_grow(c->hol, c->nhol, &c->caphol, sizeof *c->hol);
	memmove(c->hol + i + 1, c->hol + i, (c->nhol - i) * sizeof *c->hol);
	c->hol[i] = day;
	c->nhol++;
}

void op_cal_clear_hours(op_cal *c)
{
	memset(c->nsp, 0, sizeof c->nsp);
	memset(c->day_min, 0, sizeof c->day_min);
	c->week_min = 0;
}

void op_cal_inherit(op_cal *dst, const op_cal *src)
{
	dst->tz = src->tz;
	for (size_t i = 0; i < src->nhol; i++)
		op_cal_add_holiday(dst, src->hol[i]);
}

static int is_holiday(const op_cal *c, int64_t day)
{
	size_t i = hol_lower(c, day);
	return i < c->nhol && c->hol[i] == day;
}

static int working_day(const op_cal *c, int64_t day)
{
	return c->nsp[op_weekday(day)] && !is_holiday(c, day);
}

/* open seconds lost to holidays on days [lo, hi) */
static int64_t holiday_secs(const op_cal *c, int64_t lo, int64_t hi)
{
	int64_t s = 0;
	for (size_t i = hol_lower(c, lo); i < c->nhol && c->hol[i] < hi; i++)
		s += c->day_min[op_weekday(c->hol[i])] * 60;
	return s;
}

static const daycache *day_info(const op_cal *c, int64_t day)
{
	daycache *dc = &c->memo[(uint64_t)day % MEMO];
	if (dc->day != day) {
		int32_t a = op_tz_offset(c->tz, day * 86400 - 2 * 86400);
		dc->day = day;
		dc->off = a;
		dc->steady = a == op_tz_offset(c->tz, day * 86400 + 3 * 86400);
	}
	return dc;
}

static op_time at(const op_cal *c, int64_t day, int min)
{
	int64_t local = day * 86400 + (int64_t)min * 60;
	const daycache *dc = day_info(c, day);
	return dc->steady ? local - dc->off : op_tz_to_utc(c->tz, local, NULL);
}

static int64_t local_day(const op_cal *c, op_time t)
{
	/* t is inside the steady window of its UTC day when there is one */
	const daycache *dc = day_info(c, op_time_days(t));
	return op_time_days(t + (dc->steady ? dc->off : op_tz_offset(c->tz, t)));
}

/* Do whole days [lo, hi) see one UTC offset?  Then their open seconds are
 * their open wall-clock minutes (zones change offset at most twice a year,
 * never twice within a week). */
static int steady(const op_cal *c, int64_t lo, int64_t hi)
{
	return op_tz_offset(c->tz, at(c, lo, 0)) == op_tz_offset(c->tz, at(c, hi, 0));
}

/* Walk business time from `from` in direction dir, using up *rem seconds.
 * Returns 0 with *out where it ran out, 1 with *out = limit when limit
 * (forward only, limit >= from) came first, or OP_CAL_RANGE. */
static int walk(const op_cal *c, op_time from, int64_t *rem, int dir, const op_time *limit, op_time *out)
{
	op_time cur = from;
	int64_t day = local_day(c, from);
	for (int first = 1;; first = 0, day += dir) {
		/* a day either side: local days of the first and last
		 * instants (callers refuse a result outside the years) */
		if (day > MAX_DAY + 1 && limit) {
			*out = *limit;	/* <= MAX_T: all of it walked */
			return 1;
		}
		if (day < MIN_DAY - 1 || day > MAX_DAY + 1)
			return OP_CAL_RANGE;
		int64_t lo = dir > 0 ? day : day - 6, hi = lo + 7;
		/* a whole week skipped stays inside the years: the last
		 * week's business time is walked, not refused */
		if (!first && *rem > 2 * c->week_min * 60 && lo >= MIN_DAY && hi <= MAX_DAY) {
			if (steady(c, lo, hi) && (!limit || at(c, hi, 0) <= *limit)) {
				int64_t wk = c->week_min * 60 - holiday_secs(c, lo, hi);
				if (*rem > wk) {
					*rem -= wk;
					day += 6 * dir;	/* and one more by the loop */
					continue;
				}
			}
		}
		if (is_holiday(c, day))
			continue;
		int wd = op_weekday(day), n = c->nsp[wd];
		for (int k = 0; k < n; k++) {
			const span *s = &c->sp[wd][dir > 0 ? k : n - 1 - k];
			op_time us = at(c, day, s->from), ue = at(c, day, s->to);
			if (dir > 0) {
				if (ue <= cur)
					continue;
				if (us < cur)
					us = cur;
				if (limit && us >= *limit) {
					*out = *limit;
					return 1;
				}
				op_time end = limit && ue > *limit ? *limit : ue;
				if (*rem <= end - us) {
					*out = us + *rem;
					*rem = 0;
					return 0;
				}
				*rem -= end - us;
				if (end != ue) {
					*out = end;
					return 1;
				}
			} else {
				if (us >= cur)
					continue;
				if (ue > cur)
					ue = cur;
				if (*rem <= ue - us) {
					*out = ue - *rem;
					*rem = 0;
					return 0;
				}
				*rem -= ue - us;
			}
		}
	}
}

/* business seconds of `day` before instant t */
static int64_t secs_into(const op_cal *c, int64_t day, op_time t)
{
	int wd = op_weekday(day);
	int64_t e = 0;
	for (int k = 0; k < c->nsp[wd]; k++) {
		op_time us = at(c, day, c->sp[wd][k].from), ue = at(c, day, c->sp[wd][k].to);
		if (t >= ue)
			e += ue - us;
		else if (t > us)
			e += t - us;
	}
	return e;
}

/* the instant e business seconds into working day `day`, its close at most */
static op_time secs_at(const op_cal *c, int64_t day, int64_t e)
{
	int wd = op_weekday(day);
	op_time ue = 0;
	for (int k = 0; k < c->nsp[wd]; k++) {
		op_time us = at(c, day, c->sp[wd][k].from);
		ue = at(c, day, c->sp[wd][k].to);
		if (e <= ue - us)
			return us + e;
		e -= ue - us;
	}
	return ue;
}

/* The working day k working days after (dir > 0) or before `day`, whole
 * weeks at a time while k is large; 0 or OP_CAL_RANGE. */
static int nth_working(const op_cal *c, int64_t day, int64_t k, int dir, int64_t *out)
{
	int per_week = 0;
	for (int d = 0; d < 7; d++)
		per_week += c->nsp[d] > 0;
	while (k > 0) {
		/* as in walk: a day either side, whole weeks inside */
		if (day < MIN_DAY - 1 || day > MAX_DAY + 1)
			return OP_CAL_RANGE;
		if (k > 2 * per_week && day + 7 * dir >= MIN_DAY && day + 7 * dir <= MAX_DAY) {
			int64_t lo = dir > 0 ? day + 1 : day - 7, hi = lo + 7, lost = 0;
			for (size_t i = hol_lower(c, lo); i < c->nhol && c->hol[i] < hi; i++)
				lost += c->nsp[op_weekday(c->hol[i])] > 0;
			k -= per_week - lost;
			day += 7 * dir;
			continue;
		}
		day += dir;
		k -= working_day(c, day);
	}
	*out = day;
	return 0;
}

static int add_days(const op_cal *c, op_time from, int64_t n, op_time *out)
{
	int dir = n < 0 ? -1 : 1;
	int64_t zero = 0, day;
	op_time start;
	int rc = walk(c, from, &zero, dir, NULL, &start);
	if (rc < 0 || !n) {
		*out = start;
		return rc;
	}
	/* backwards the clock may stop at a close of 24:00, which is the next
	 * day's midnight */
	day = local_day(c, dir > 0 ? start : start - 1);
	int64_t e = secs_into(c, day, start), target;
	if (dir > 0 && !e) {
		/* started at an opening: the N-th working day's close */
		if ((rc = nth_working(c, day, n - 1, 1, &target)))
			return rc;
		*out = secs_at(c, target, INT64_MAX);
		return 0;
	}
	if ((rc = nth_working(c, day, n < 0 ? -n : n, dir, &target)))
		return rc;
	*out = secs_at(c, target, e);
	return 0;
}

int op_cal_add(const op_cal *c, op_time from, int64_t amount, int unit, op_time *out)
{
	if (!c->week_min)
		return OP_CAL_NOHOURS;
	if (from < MIN_T || from > MAX_T)
		return OP_CAL_RANGE;
	int rc;
	if (unit == 2) {
		if (amount > MAX_DAY - MIN_DAY || amount < MIN_DAY - MAX_DAY)
			return OP_CAL_RANGE;
		rc = add_days(c, from, amount, out);
	} else {
		/* business time never runs faster than the clock: an amount
		 * beyond the years left cannot fit, and is refused at once */
		if (amount > (MAX_T - from) / 60 || amount < -((from - MIN_T) / 60))
			return OP_CAL_RANGE;
		int64_t rem = amount < 0 ? -amount * 60 : amount * 60;
		rc = walk(c, from, &rem, amount < 0 ? -1 : 1, NULL, out);
	}
	if (rc < 0)
		return rc;
	return *out < MIN_T || *out > MAX_T ? OP_CAL_RANGE : 0;
}

int64_t op_cal_between(const op_cal *c, op_time a, op_time b)
{
	if (b <= a || !c->week_min || a < MIN_T || b > MAX_T)
		return 0;
	int64_t rem = b - a;
	op_time end;
	if (walk(c, a, &rem, 1, &b, &end) < 0)
		return 0;
	return b - a - rem;
}

/* open seconds of `day` (0 on a holiday) */
static int64_t day_secs(const op_cal *c, int64_t day)
{
	return is_holiday(c, day) ? 0 : secs_into(c, day, MAX_T);
}

/* working days in [lo, hi): weekdays with hours, less the holidays on them */
static int64_t working_days(const op_cal *c, int64_t lo, int64_t hi)
{
	int64_t n = 0;
	for (int wd = 0; wd < 7; wd++) {
		if (!c->nsp[wd])
			continue;
		/* the days d in [lo, hi) with op_weekday(d) == wd */
		int64_t first = lo + ((wd - op_weekday(lo)) % 7 + 7) % 7;
		if (first < hi)
			n += (hi - 1 - first) / 7 + 1;
	}
	for (size_t i = hol_lower(c, lo); i < c->nhol && c->hol[i] < hi; i++)
		n -= c->nsp[op_weekday(c->hol[i])] > 0;
	return n;
}

/* the share of `day`'s open time from instant s to instant t */
static double day_share(const op_cal *c, int64_t day, op_time s, op_time t)
{
	int64_t all = day_secs(c, day);
	return all ? (double)(secs_into(c, day, t) - secs_into(c, day, s)) / (double)all : 0;
}

double op_cal_days_between(const op_cal *c, op_time a, op_time b)
{
	if (b <= a || !c->week_min || a < MIN_T || b > MAX_T)
		return 0;
	int64_t da = local_day(c, a), db = local_day(c, b);
	if (da == db)
		return day_share(c, da, a, b);
	return day_share(c, da, a, MAX_T) + (double)working_days(c, da + 1, db) + day_share(c, db, MIN_T, b);
}

double op_cal_business_between(const op_cal *c, op_time a, op_time b, int unit)
{
	int sign = b < a ? -1 : 1;
	if (b < a) {
		op_time t = a;
		a = b;
		b = t;
	}
	if (unit == 2)
		return sign * op_cal_days_between(c, a, b);
	return sign * (double)op_cal_between(c, a, b) / 3600;
}

int op_cal_add_secs(const op_cal *c, op_time from, int64_t secs, op_time *out)
{
	if (!c->week_min)
		return OP_CAL_NOHOURS;
	if (from < MIN_T || from > MAX_T || secs < 0 || secs > MAX_T - from)
		return OP_CAL_RANGE;
	int rc = walk(c, from, &secs, 1, NULL, out);
	return rc < 0 ? rc : *out > MAX_T ? OP_CAL_RANGE : 0;
}

int64_t op_cal_days(const op_cal *c, op_time a, op_time b, int64_t max, op_cal_day_fn *fn, void *arg)
{
	if (b < a || a < MIN_T || b > MAX_T)
		return 0;
	int64_t first = local_day(c, a), last = local_day(c, b);
	for (int64_t d = first; d <= last && d - first < max; d++) {
		int w = op_weekday(d);
		int64_t secs = 0;
		for (int i = 0; i < c->nsp[w] && !is_holiday(c, d); i++) {
			op_time from = at(c, d, c->sp[w][i].from), to = at(c, d, c->sp[w][i].to);
			from = from < a ? a : from;
			to = to > b ? b : to;
			secs += to > from ? to - from : 0;
		}
		fn(arg, d, secs, is_holiday(c, d) ? "holiday" : c->nsp[w] ? NULL : "closed");
	}
	return last - first + 1;
}

static const char *const day_names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static int day_of(const char *s, size_t n)
{
	char w[4];
	if (n != 3)
		return -1;
	for (size_t i = 0; i < 3; i++)
		w[i] = (char)tolower((unsigned char)s[i]);
	w[3] = 0;
	for (int d = 0; d < 7; d++)
		if (!strcmp(w, day_names[d]))
			return d;
	return -1;
}

int op_cal_parse_days(const char *s, unsigned *mask)
{
	*mask = 0;
	if (!strcasecmp(s, "daily")) {
		*mask = 0x7f;
		return 0;
	}
	while (*s) {
		size_t n = strcspn(s, ",-");
		int a = day_of(s, n), b = a;
		s += n;
		if (*s == '-') {
			s++;
			n = strcspn(s, ",");
			b = day_of(s, n);
			s += n;
		}
		if (a < 0 || b < 0)
			return -1;
		for (int d = a;; d = (d + 1) % 7) {	/* fri-mon wraps */
			*mask |= 1u << d;
			if (d == b)
				break;
		}
		if (*s == ',' && !*++s)
			return -1;
	}
	return *mask ? 0 : -1;
}

static int hhmm(const char *s, int *min)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -1;
	int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
	if (m > 59 || h > 24 || (h == 24 && m))
		return -1;
	*min = h * 60 + m;
	return 0;
}

int op_cal_parse_span(const char *s, int *from, int *to)
{
	if (strlen(s) != 11 || s[5] != '-' || hhmm(s, from) || hhmm(s + 6, to) || *from >= *to)
		return -1;
	return 0;
}

static void day_json(void *arg, int64_t day, int64_t secs, const char *skipped)
{
	op_buf *b = arg;
	int64_t y;
	unsigned m, d;
	op_civil_from_days(day, &y, &m, &d);
	op_buf_printf(b, "%s{\"date\":\"%04lld-%02u-%02u\",\"minutes\":%.15g",
		      b->len && b->p[b->len - 1] == '[' ? "" : ",", (long long)y, m, d, (double)secs / 60);
	if (skipped)
		op_buf_printf(b, ",\"skipped\":\"%s\"", skipped);
	op_buf_addc(b, '}');
}

int64_t op_cal_days_json(op_buf *out, const op_cal *c, op_time a, op_time b, int64_t max)
{
	return op_cal_days(c, a, b, max, day_json, out);
}
