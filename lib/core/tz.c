/* tz.c - IANA time zones from TZif files (RFC 9636) and their POSIX TZ
 * footer strings.  MIT licence.
 *
 * A loaded zone is one sorted table of (instant, offset) pairs: the file's
 * transitions, then the footer rule's transitions worked out up to 2200 so
 * that nearly every query is one binary search.  Beyond the table the rule
 * is evaluated on the fly.  The file is input like any other: every count
 * and offset is checked before use.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opflow.h"
#include "tz.h"

#define MAX_FILE	(1 << 20)	/* real TZif files are under 10 KiB */
#define MAX_TRANS	100000		/* the largest real zone has a few hundred */
#define MAX_OFF		(26 * 3600)	/* |UT offset| above this is nonsense */
#define HORIZON		2200		/* footer transitions tabulated up to here */

/* a POSIX TZ rule date: Jn (1..365, no Feb 29), n (0..365), Mm.w.d */
struct rdate {
	char kind;		/* 'J', 'N' or 'M' */
	int n, m, w, d;
	int32_t time;		/* seconds after local midnight, may be < 0 or > 24h */
};

struct ptz {
	int32_t std, dst;	/* offsets east of UTC */
	int has_dst;
	struct rdate start, end;
};

struct op_tz {
	char *name;
	int64_t *at;		/* instants, ascending (ties: the later entry wins) */
	int32_t *off;		/* offset in effect from at[i] on */
	size_t n;
	size_t nfile;		/* of which came from the file */
	int32_t before;		/* offset before at[0]: local time type 0 */
	int64_t until;		/* the table is valid for t < until */
	int has_footer;
	struct ptz ft;
};

/* --- POSIX TZ rules ------------------------------------------------------ */

/* local seconds (wall clock counted as UTC) at which rule date r falls in
 * year y */
static int64_t rdate_local(const struct rdate *r, int64_t y)
{
	int64_t day;
	if (r->kind == 'J') {
		/* Julian day 1..365: February 29 is never counted */
		day = op_days_from_civil(y, 1, 1) + r->n - 1 + (op_is_leap(y) && r->n >= 60);
	} else if (r->kind == 'N') {
		day = op_days_from_civil(y, 1, 1) + r->n;
	} else {
		/* d'th day of the week (0 = Sunday) in week w of month m; w 5 is
		 * the last one */
		int64_t first = op_days_from_civil(y, r->m, 1);
		int wsun = (op_weekday(first) + 1) % 7;
		day = first + (r->d - wsun + 7) % 7 + 7 * (r->w - 1);
		while (day >= first + op_days_in_month(y, r->m))
			day -= 7;
	}
	return day * 86400 + r->time;
}

struct edge {
	int64_t at;
	int dst;
};

/* the rule's two transitions in year y, as UTC instants: the start is given
 * in standard time, the end in daylight time */
static void rule_year(const struct ptz *p, int64_t y, struct edge e[2])
{
	e[0].at = rdate_local(&p->start, y) - p->std;
	e[0].dst = 1;
	e[1].at = rdate_local(&p->end, y) - p->dst;
	e[1].dst = 0;
}

/* order by instant; at the same instant the end sorts first, so that a
 * start which meets the previous end (all-year DST in v3 files) wins */
static void sort_edges(struct edge *e, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct edge x = e[i];
		size_t j = i;
		while (j > 0 && (e[j - 1].at > x.at || (e[j - 1].at == x.at && e[j - 1].dst > x.dst))) {
			e[j] = e[j - 1];
			j--;
		}
		e[j] = x;
	}
}

static int32_t rule_offset(const struct ptz *p, op_time t)
{
	if (!p->has_dst)
		return p->std;
	/* past year 285 million the seasons are the calendar's, not ours */
	if (t > (INT64_C(1) << 53))
		t = INT64_C(1) << 53;
	if (t < -(INT64_C(1) << 53))
		t = -(INT64_C(1) << 53);
	int64_t y;
	unsigned m, d;
	struct edge e[6];
	op_civil_from_days(op_time_days(t), &y, &m, &d);
	/* the neighbouring years too: a rule time can stray past New Year */
	for (int k = 0; k < 3; k++)
		rule_year(p, y - 1 + k, e + 2 * k);
	sort_edges(e, 6);
	int dst = !e[0].dst;
	for (int k = 0; k < 6 && e[k].at <= t; k++)
		dst = e[k].dst;
	return dst ? p->dst : p->std;
}

static int pdig(char c)
{
	return c >= '0' && c <= '9';
}

/* [+-]hh[:mm[:ss]] with hh <= maxh; returns seconds (signed) */
static int ptime(const char **sp, int maxh, int32_t *v)
{
	const char *s = *sp;
	int neg = 0, h = 0, m = 0, sec = 0, k = 0;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	while (pdig(*s) && k < 3)
		h = h * 10 + (*s++ - '0'), k++;
	if (!k || pdig(*s) || h > maxh)
		return -1;
	if (*s == ':') {
		s++;
		if (!pdig(s[0]) || !pdig(s[1]) || (m = (s[0] - '0') * 10 + s[1] - '0') > 59)
			return -1;
		s += 2;
		if (*s == ':') {
			s++;
			if (!pdig(s[0]) || !pdig(s[1]) || (sec = (s[0] - '0') * 10 + s[1] - '0') > 59)
				return -1;
			s += 2;
		}
	}
	*v = (h * 3600 + m * 60 + sec) * (neg ? -1 : 1);
	*sp = s;
	return 0;
}

/* a zone abbreviation: 3+ letters, or <...> with letters, digits, + and - */
static int pname(const char **sp)
{
	const char *s = *sp;
	int k = 0;
	if (*s == '<') {
		s++;
		while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || pdig(*s) ||
		       *s == '+' || *s == '-')
			s++, k++;
		if (*s++ != '>')
			return -1;
	} else {
		while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
			s++, k++;
	}
	if (k < 3)
		return -1;
	*sp = s;
	return 0;
}

static int pnum(const char **sp, int lo, int hi, int *v)
{
	const char *s = *sp;
	int x = 0, k = 0;
	while (pdig(*s) && k < 4)
		x = x * 10 + (*s++ - '0'), k++;
	if (!k || pdig(*s) || x < lo || x > hi)
		return -1;
	*v = x;
	*sp = s;
	return 0;
}

static int prdate(const char **sp, struct rdate *r)
{
	const char *s = *sp;
	if (*s == 'J') {
		s++;
		r->kind = 'J';
		if (pnum(&s, 1, 365, &r->n) < 0)
			return -1;
	} else if (*s == 'M') {
		s++;
		r->kind = 'M';
		if (pnum(&s, 1, 12, &r->m) < 0 || *s++ != '.' || pnum(&s, 1, 5, &r->w) < 0 ||
		    *s++ != '.' || pnum(&s, 0, 6, &r->d) < 0)
			return -1;
	} else {
		r->kind = 'N';
		if (pnum(&s, 0, 365, &r->n) < 0)
			return -1;
	}
	r->time = 7200;		/* POSIX default 02:00 */
	if (*s == '/') {
		s++;
		/* RFC 9636 3.3.1: hours from -167 to 167 */
		if (ptime(&s, 167, &r->time) < 0)
			return -1;
	}
	*sp = s;
	return 0;
}

/* "std offset [dst [offset] [,start[/time],end[/time]]]"; POSIX offsets
 * are west of UTC, ours east */
static int parse_ptz(const char *s, struct ptz *p)
{
	int32_t v;
	memset(p, 0, sizeof *p);
	if (pname(&s) < 0 || ptime(&s, 24, &v) < 0)
		return -1;
	p->std = -v;
	if (!*s)
		return 0;
	if (pname(&s) < 0)
		return -1;
	p->has_dst = 1;
	p->dst = p->std + 3600;
	if (*s && *s != ',') {
		if (ptime(&s, 24, &v) < 0)
			return -1;
		p->dst = -v;
	}
	if (!*s) {
		/* no rule: the US one, as tzcode does */
		p->start = (struct rdate){ 'M', 0, 3, 2, 0, 7200 };
		p->end = (struct rdate){ 'M', 0, 11, 1, 0, 7200 };
		return 0;
	}
	if (*s++ != ',' || prdate(&s, &p->start) < 0 || *s++ != ',' || prdate(&s, &p->end) < 0 || *s)
		return -1;
	return 0;
}

/* --- TZif ---------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct hdr {
	int version;		/* 1, 2, 3, 4 ... */
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
	size_t datalen;		/* bytes of the data block after the header */
};

static const char *read_hdr(const unsigned char *p, size_t n, int tsize, struct hdr *h)
{
	if (n < 44 || memcmp(p, "TZif", 4))
		return "not a TZif file";
	if (p[4] == 0)
		h->version = 1;
	else if (p[4] >= '2' && p[4] <= '9')
		h->version = p[4] - '0';
	else
		return "unknown TZif version";
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	if (h->typecnt < 1 || h->typecnt > 256 || h->timecnt > MAX_TRANS ||
	    h->leapcnt > MAX_TRANS || h->charcnt > 65536 ||
	    (h->isutcnt && h->isutcnt != h->typecnt) || (h->isstdcnt && h->isstdcnt != h->typecnt))
		return "bad counts in header";
	/* the caps above keep this sum far from overflow */
	h->datalen = (size_t)h->timecnt * (tsize + 1) + (size_t)h->typecnt * 6 + h->charcnt +
		     (size_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
	if (h->datalen > n - 44)
		return "truncated";
	return NULL;
}

/* Read one data block (tsize 4 for v1, 8 for v2+) into z.  Returns NULL or
 * what is wrong. */
static const char *read_data(op_tz *z, const unsigned char *p, const struct hdr *h, int tsize)
{
	const unsigned char *tt = p, *ix = tt + (size_t)h->timecnt * tsize;
	const unsigned char *ti = ix + h->timecnt;
	int32_t toff[256];

	for (uint32_t i = 0; i < h->typecnt; i++) {
		int32_t o = (int32_t)be32(ti + 6 * i);
		if (o < -MAX_OFF || o > MAX_OFF || ti[6 * i + 4] > 1 || ti[6 * i + 5] >= h->charcnt)
			return "bad local time type";
		toff[i] = o;
	}
	z->at = op_xmalloc((h->timecnt + 1) * sizeof *z->at);
	z->off = op_xmalloc((h->timecnt + 1) * sizeof *z->off);
	for (uint32_t i = 0; i < h->timecnt; i++) {
		int64_t t = tsize == 4 ? (int32_t)be32(tt + 4 * i) : be64(tt + 8 * i);
		if (i > 0 && t <= z->at[i - 1])
			return "transitions out of order";
		if (ix[i] >= h->typecnt)
			return "bad transition type";
		z->at[i] = t;
		z->off[i] = toff[ix[i]];
	}
	z->n = z->nfile = h->timecnt;
	z->before = toff[0];
	return NULL;
}

/* Work the footer rule's transitions after the file's last one into the
 * table, up to HORIZON. */
static void extend(op_tz *z)
{
	int64_t last = z->nfile ? z->at[z->nfile - 1] : INT64_MIN;
	int64_t horizon = op_days_from_civil(HORIZON, 1, 1) * 86400;
	z->until = INT64_MAX;
	if (!z->has_footer || !z->ft.has_dst)
		return;
	z->until = horizon > last ? horizon : last;
	if (last >= horizon)
		return;
	int64_t y0 = 1969, y, nyears;
	unsigned m, d;
	if (z->nfile) {
		op_civil_from_days(op_time_days(last), &y, &m, &d);
		if (y < 1800) {
			/* a lone ancient transition (a hostile file): no table,
			 * the rule answers for everything after it */
			z->until = last;
			return;
		}
		y0 = y - 1;
	}
	/* years y0 .. HORIZON: anything of year HORIZON lands after the
	 * horizon but its neighbour's edges may not */
	nyears = HORIZON - y0 + 1;
	struct edge *e = op_xmalloc(2 * nyears * sizeof *e);
	for (int64_t k = 0; k < nyears; k++)
		rule_year(&z->ft, y0 + k, e + 2 * k);
	sort_edges(e, 2 * nyears);
	size_t add = 0;
	for (int64_t k = 0; k < 2 * nyears; k++)
		add += e[k].at > last && e[k].at < horizon;
	z->at = op_xrealloc(z->at, (z->n + add + 1) * sizeof *z->at);
	z->off = op_xrealloc(z->off, (z->n + add + 1) * sizeof *z->off);
	for (int64_t k = 0; k < 2 * nyears; k++)
		if (e[k].at > last && e[k].at < horizon) {
			z->at[z->n] = e[k].at;
			z->off[z->n] = e[k].dst ? z->ft.dst : z->ft.std;
			z->n++;
		}
	free(e);
}

static const char *parse_tzif(op_tz *z, const unsigned char *p, size_t n)
{
	struct hdr h;
	const char *why = read_hdr(p, n, 4, &h);
	if (why)
		return why;
	if (h.version == 1) {
		if ((why = read_data(z, p + 44, &h, 4)))
			return why;
		extend(z);
		return NULL;
	}
	/* v2+: skip the 32-bit block (slim files leave it nearly empty) */
	size_t o = 44 + h.datalen;
	struct hdr h2;
	if ((why = read_hdr(p + o, n - o, 8, &h2)))
		return why;
	if ((why = read_data(z, p + o + 44, &h2, 8)))
		return why;
	o += 44 + h2.datalen;
	/* footer: "\n" TZ-string "\n" */
	if (o >= n || p[o] != '\n')
		return "missing footer";
	const unsigned char *f = p + o + 1, *nl = memchr(f, '\n', n - o - 1);
	if (!nl || nl - f > 255)
		return "bad footer";
	char tzs[256];
	memcpy(tzs, f, nl - f);
	tzs[nl - f] = 0;
	if (tzs[0]) {
		if (strlen(tzs) != (size_t)(nl - f) || parse_ptz(tzs, &z->ft) < 0)
			return "bad footer TZ string";
		z->has_footer = 1;
	}
	extend(z);
	return NULL;
}

/* --- loading ------------------------------------------------------------- */

static op_tz *utc_zone(const char *name)
{
	op_tz *z = op_xcalloc(1, sizeof *z);
	z->name = op_xstrdup(name);
	z->until = INT64_MAX;
	return z;
}

/* read the whole of path (a regular file) into a fresh buffer */
static unsigned char *slurp(const char *path, size_t *len, int *eno)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		*eno = errno;
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*eno = ENOENT;	/* a directory such as "Europe" is not a zone */
		close(fd);
		return NULL;
	}
	if (st.st_size > MAX_FILE) {
		*eno = EFBIG;
		close(fd);
		return NULL;
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	unsigned char *b = op_xmalloc(cap);
	for (;;) {
		ssize_t r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*eno = errno;
			free(b);
			close(fd);
			return NULL;
		}
		if (r == 0)
			break;
		n += r;
		if (n == cap) {		/* grew under us: refuse */
			*eno = EFBIG;
			free(b);
			close(fd);
			return NULL;
		}
	}
	close(fd);
	*len = n;
	return b;
}

op_tz *op_tz_load(const char *name, op_err *e)
{
	char path[4096];
	const char *dir = getenv("TZDIR");
	size_t len;
	int eno = 0;

	if (!name || !*name || *name == '/' || strstr(name, "..") || strlen(name) > 255) {
		op_errf(e, OP_EXIT_CONFIG, "invalid time zone name '%s'", name ? name : "");
		return NULL;
	}
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) {
		op_errf(e, OP_EXIT_CONFIG, "time zone directory name too long");
		return NULL;
	}
	unsigned char *b = slurp(path, &len, &eno);
	if (!b) {
		/* the zones everyone means work without tzdata (slim containers) */
		if (eno == ENOENT && (!strcmp(name, "UTC") || !strcmp(name, "Etc/UTC") ||
				      !strcmp(name, "GMT") || !strcmp(name, "Etc/GMT")))
			return utc_zone(name);
		if (eno == ENOENT || eno == ENOTDIR)
			op_errf(e, OP_EXIT_CONFIG, "unknown time zone '%s'", name);
		else
			op_errf(e, OP_EXIT_CONFIG, "time zone '%s': %s: %s", name, path, strerror(eno));
		return NULL;
	}
	op_tz *z = op_xcalloc(1, sizeof *z);
	const char *why = parse_tzif(z, b, len);
	free(b);
	if (why) {
		op_errf(e, OP_EXIT_CONFIG, "time zone '%s': %s: %s", name, path, why);
		op_tz_free(z);
		return NULL;
	}
	z->name = op_xstrdup(name);
	return z;
}

void op_tz_free(op_tz *z)
{
	if (!z)
		return;
	free(z->name);
	free(z->at);
	free(z->off);
	free(z);
}

const char *op_tz_name(const op_tz *z)
{
	return z ? z->name : "UTC";
}

/* --- queries ------------------------------------------------------------- */

int32_t op_tz_offset(const op_tz *z, op_time t)
{
	if (!z)
		return 0;
	if (z->n == 0 || t < z->at[0]) {
		/* with no transitions in the file the footer covers all time */
		if (z->nfile == 0 && z->has_footer)
			return rule_offset(&z->ft, t);
		return z->before;
	}
	if (t >= z->until)
		return rule_offset(&z->ft, t);
	/* the last i with at[i] <= t */
	size_t lo = 0, hi = z->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->at[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->off[lo];
}

op_time op_tz_to_utc(const op_tz *z, int64_t local, int *kind)
{
	int k = OP_TZ_NORMAL;
	op_time t;

	/* keep local +- a day (and an offset) from overflowing */
	if (local > INT64_MAX / 4)
		local = INT64_MAX / 4;
	if (local < INT64_MIN / 4)
		local = INT64_MIN / 4;
	/* Every candidate instant is local - off with |off| <= 26h, so the
	 * offsets on either side of that window are the ones that matter. */
	int32_t oe = op_tz_offset(z, local - MAX_OFF - 3600);
	int32_t ol = op_tz_offset(z, local + MAX_OFF + 3600);
	op_time te = local - oe, tl = local - ol;
	int ve = op_tz_offset(z, te) == oe, vl = op_tz_offset(z, tl) == ol;

	if (oe == ol) {
		t = te;
		if (!ve) {
			/* two transitions inside the window: try the middle offset */
			int32_t om = op_tz_offset(z, te);
			if (op_tz_offset(z, local - om) == om)
				t = local - om;
			else
				k = OP_TZ_GAP;
		}
	} else if (ve && vl) {
		k = OP_TZ_OVERLAP;
		t = te < tl ? te : tl;
	} else if (ve) {
		t = te;
	} else if (vl) {
		t = tl;
	} else {
		/* the wall clock skipped this time: read it with the offset in
		 * force before the gap, which lands as far past the transition */
		k = OP_TZ_GAP;
		t = te;
	}
	if (kind)
		*kind = k;
	return t;
}

void op_tz_local(const op_tz *z, op_time t, op_tm *tm)
{
	int32_t off = op_tz_offset(z, t);
	if (t > INT64_MAX / 2)
		t = INT64_MAX / 2;
	if (t < INT64_MIN / 2)
		t = INT64_MIN / 2;
	int64_t l = t + off, days = op_time_days(l), sod = l - days * 86400;
	op_civil_from_days(days, &tm->year, &tm->month, &tm->day);
	tm->hour = (unsigned)(sod / 3600);
	tm->min = (unsigned)(sod / 60 % 60);
	tm->sec = (unsigned)(sod % 60);
	tm->wday = op_weekday(days);
	tm->yday = (unsigned)(days - op_days_from_civil(tm->year, 1, 1));
	tm->off = off;
}
