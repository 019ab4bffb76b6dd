/* ical.c - a task per enquiry that needs a person, as an RFC 5545 VTODO;
 * see ical.h.  MIT licence, see COPYING.
 *
 * Content lines end in CRLF and are folded so that none is longer than
 * 75 octets (RFC 5545 3.1), never inside a UTF-8 sequence.  TEXT values
 * escape backslash, semicolon, comma and line ends (3.3.11); the control
 * characters TEXT may not hold show as U+FFFD. */
#include <string.h>

#include "csvio.h"
#include "ical.h"

#define FOLD 75

void op_ical_begin(op_buf *out)
{
	op_buf_adds(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//opflow//NONSGML opflow//EN\r\n");
}

void op_ical_end(op_buf *out)
{
	op_buf_adds(out, "END:VCALENDAR\r\n");
}

/* The content line s[0..n) into out, folded, with its CRLF. */
static void fold(op_buf *out, const char *s, size_t n)
{
	size_t width = FOLD;
	while (n > width) {
		size_t cut = width;
		while (((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;	/* the next line would start inside a character */
		op_buf_add(out, s, cut);
		op_buf_adds(out, "\r\n ");
		s += cut;
		n -= cut;
		width = FOLD - 1;	/* the space counts */
	}
	op_buf_add(out, s, n);
	op_buf_adds(out, "\r\n");
}

/* s[0..n) as TEXT (RFC 5545 3.3.11) into b. */
static void text(op_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\' || c == ';' || c == ',') {
			op_buf_addc(b, '\\');
			op_buf_addc(b, (char)c);
		} else if (c == '\n' || c == '\r') {
			i += c == '\r' && i + 1 < n && s[i + 1] == '\n';
			op_buf_adds(b, "\\n");
		} else if ((c < 0x20 && c != '\t') || c == 0x7F) {
			op_buf_adds(b, "\xEF\xBF\xBD");
		} else {
			op_buf_addc(b, (char)c);
		}
	}
}

/* NAME:VALUE, the value given as TEXT to escape (or as it is). */
static void prop(op_ical *ic, op_buf *out, const char *name, const char *v, size_t n, int is_text)
{
	op_buf_reset(&ic->line);
	op_buf_adds(&ic->line, name);
	op_buf_addc(&ic->line, ':');
	if (is_text)
		text(&ic->line, v, n);
	else
		op_buf_add(&ic->line, v, n);
	fold(out, ic->line.p, ic->line.len);
}

/* The text of r's member key appended to b; 0 when it has none (absent,
 * null or ""). */
static int member(op_ical *ic, op_rec *r, const char *key, op_buf *b)
{
	const op_field *f = op_rec_get(r, key, strlen(key));
	size_t at = b->len;
	if (f)
		op_csv_text(b, f->v, f->vlen, &ic->dec);
	return b->len > at;
}

/* "From: Name <email>\nSubject: ...\n...": who, what and which enquiry */
static void description(op_ical *ic, op_rec *r)
{
	static const struct { const char *label, *key; } lines[] = {
		{ "Phone", "phone" }, { "Subject", "subject" }, { "Category", "category" },
		{ "Owner", "owner" }, { "Enquiry", "id" },
	};
	op_buf *b = &ic->text;
	op_buf_reset(b);
	op_buf_adds(b, "From: ");
	int name = member(ic, r, "name", b);
	size_t at = b->len;
	if (name)
		op_buf_adds(b, " <");
	if (!member(ic, r, "email", b))
		b->len = at;
	else if (name)
		op_buf_addc(b, '>');
	if (b->len == 6)
		b->len = 0;	/* from no one we know */
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		at = b->len;
		if (at)
			op_buf_addc(b, '\n');
		op_buf_adds(b, lines[i].label);
		op_buf_adds(b, ": ");
		if (!member(ic, r, lines[i].key, b))
			b->len = at;
	}
}

/* RFC 5545 3.8.1.9: 1 highest, 9 lowest, 5 the middle; 0 undefined */
static int priority(op_rec *r)
{
	static const struct { const char *name; int level; } map[] = {
		{ "urgent", 1 }, { "high", 3 }, { "normal", 5 }, { "low", 9 },
	};
	const op_field *f = op_rec_get(r, "priority", 8);
	for (size_t i = 0; f && f->type == OP_JSTR && i < sizeof map / sizeof *map; i++)
		if (f->vlen == strlen(map[i].name) + 2 && !memcmp(f->v + 1, map[i].name, f->vlen - 2))
			return map[i].level;
	return 0;
}

/* t as a DATE-TIME in UTC, 20261005T125800Z (RFC 5545 3.3.5, form 2) */
static void utc(op_time t, char out[17])
{
	char iso[21];
	op_time_format(t, iso);		/* 2026-10-05T12:58:00Z */
	size_t k = 0;
	for (size_t i = 0; iso[i]; i++)
		if (iso[i] != '-' && iso[i] != ':')
			out[k++] = iso[i];
	out[k] = 0;
}

/* due_at as a time: 1, 0 when there is none, -1 when it is no time */
static int due(op_ical *ic, op_rec *r, const op_tz *tz, op_time *t)
{
	const op_field *f = op_rec_get(r, "due_at", 6);
	if (!f || f->type == OP_JNULL)
		return 0;
	op_buf_reset(&ic->text);
	op_csv_text(&ic->text, f->v, f->vlen, &ic->dec);
	int naive;
	if (f->type != OP_JSTR || op_time_parse(ic->text.p, ic->text.len, t, &naive))
		return -1;
	if (naive)
		*t = op_tz_to_utc(tz, *t, NULL);
	return 1;
}

int op_ical_todo(op_ical *ic, op_buf *out, op_rec *r, op_time stamp, const op_tz *tz,
		 char *msg, size_t msgsz)
{
	const op_field *h = op_rec_get(r, "needs_human", 11);
	if (!h || h->type != OP_JTRUE)
		return 0;
	op_time dt;
	int has_due = due(ic, r, tz, &dt);
	if (has_due < 0) {
		snprintf(msg, msgsz, "due_at is not an RFC 3339 time: no task can be due then");
		return -1;
	}
	op_buf_reset(&ic->text);
	if (!member(ic, r, "id", &ic->text)) {
		snprintf(msg, msgsz, "no id, which the task's UID is made of");
		return -1;
	}
	char when[17];
	op_buf_adds(out, "BEGIN:VTODO\r\n");
	op_buf_adds(&ic->text, "@opflow");	/* RFC 5545 3.8.4.7: globally unique */
	prop(ic, out, "UID", ic->text.p, ic->text.len, 1);
	utc(stamp, when);
	prop(ic, out, "DTSTAMP", when, 16, 0);
	op_buf_reset(&ic->text);
	if (!member(ic, r, "task", &ic->text) && !member(ic, r, "subject", &ic->text)) {
		op_buf_adds(&ic->text, "Enquiry ");
		member(ic, r, "id", &ic->text);
	}
	prop(ic, out, "SUMMARY", ic->text.p, ic->text.len, 1);
	if (has_due) {
		utc(dt, when);
		prop(ic, out, "DUE", when, 16, 0);
	}
	int level = priority(r);
	if (level) {
		char p[2] = { (char)('0' + level), 0 };
		prop(ic, out, "PRIORITY", p, 1, 0);
	}
	op_buf_adds(out, "STATUS:NEEDS-ACTION\r\n");
	description(ic, r);
	if (ic->text.len)
		prop(ic, out, "DESCRIPTION", ic->text.p, ic->text.len, 1);
	op_buf_adds(out, "END:VTODO\r\n");
	return 1;
}

void op_ical_free(op_ical *ic)
{
	op_buf_free(&ic->line);
	op_buf_free(&ic->text);
	op_buf_free(&ic->dec);
}
