/* quote.c - a reply without the mail it quotes.  Mailers mark the quoted
 * part in a few ways, none standard: "> " before each line (RFC 3676
 * 4.5), an attribution line above it ("On <date>, <who> wrote:" and its
 * translations), Outlook's "-----Original Message-----" or its header
 * block "From: ... Sent: ...".  Everything from a separator, or from an
 * attribution above unquoted text, on is the old mail; an attribution
 * above "> " lines goes alone, since answers may be written between the
 * quotes, which are left out.  One pass; each line
 * is looked at with the few after it.  MIT licence, see COPYING. */
#include <string.h>
#include <strings.h>

#include "mail.h"

typedef struct {
	const char *p;
	size_t n;
} line;

/* The line at s[*pos..n) into *l, *pos past it; 0 at the end. */
static int next_line(const char *s, size_t n, size_t *pos, line *l)
{
	if (*pos >= n)
		return 0;
	const char *nl = memchr(s + *pos, '\n', n - *pos);
	size_t e = nl ? (size_t)(nl - s) : n;
	l->p = s + *pos;
	l->n = e - *pos;
	*pos = nl ? e + 1 : n;
	return 1;
}

static void trim(line *l)
{
	while (l->n && (*l->p == ' ' || *l->p == '\t'))
		l->p++, l->n--;
	while (l->n && (l->p[l->n - 1] == ' ' || l->p[l->n - 1] == '\t' || l->p[l->n - 1] == '\r'))
		l->n--;
}

static int begins(const line *l, const char *s)
{
	size_t k = strlen(s);
	return l->n >= k && !strncasecmp(l->p, s, k);
}

static int ends(const line *l, const char *s)
{
	size_t k = strlen(s);
	return l->n >= k && !strncasecmp(l->p + l->n - k, s, k);
}

static int contains(const line *l, const char *s)
{
	size_t k = strlen(s);
	for (size_t i = 0; i + k <= l->n; i++)
		if (!strncasecmp(l->p + i, s, k))
			return 1;
	return 0;
}

/* "On Mon, 3 Nov 2025 at 10:02, X <x@y> wrote:" (Gmail, Apple Mail,
 * Thunderbird), "Am 03.11.2025 um 10:02 schrieb X <x@y>:", "Le lun. 3
 * nov. 2025 à 10:02, X <x@y> a écrit :".  Gmail wraps a long one, so
 * the next line may end it. */
static int attribution(line l, const line *next)
{
	if (!begins(&l, "On ") && !begins(&l, "Am ") && !begins(&l, "Le "))
		return 0;
	if (l.n > 300)
		return 0;
	if (!ends(&l, ":") && next && next->n <= 100)
		l.n = (size_t)(next->p + next->n - l.p);	/* the two as one */
	if (begins(&l, "On "))
		return ends(&l, " wrote:");
	if (begins(&l, "Am "))
		return ends(&l, ":") && contains(&l, " schrieb ");
	return ends(&l, "a \xc3\xa9" "crit :") || ends(&l, "a \xc3\xa9" "crit:");
}

/* Outlook's separators: "-----Original Message-----" (and "-----
 * Ursprüngliche Nachricht-----"), or a header block "From: X" with
 * "Sent: ..." ("Von:" and "Gesendet:") within the next three lines. */
static int separator(const line *l, const char *s, size_t n, size_t pos)
{
	if (begins(l, "-----") &&
	    (contains(l, "Original Message") || contains(l, "Urspr\xc3\xbcngliche Nachricht")))
		return 1;
	int de = begins(l, "Von:");
	if (!de && !begins(l, "From:"))
		return 0;
	line k;
	for (int i = 0; i < 3 && next_line(s, n, &pos, &k); i++) {
		trim(&k);
		if (begins(&k, de ? "Gesendet:" : "Sent:"))
			return 1;
	}
	return 0;
}

/* Blank lines, and Outlook's "_____" rule above its header block. */
static int blank(line l)
{
	trim(&l);
	while (l.n && l.p[l.n - 1] == '_')
		l.n--;
	return l.n == 0;
}

/* A "> " line; not ">From ", mboxo's escape of a line of the mail's own
 * (an mbox reader that does not undo it leaves it in). */
static int quoted(const line *l)
{
	return l->n && l->p[0] == '>' && !begins(l, ">From ");
}

/* Is the first line from *pos on that is not blank a "> " line?  *pos
 * is left at it (the blank lines between are nobody's text). */
static int quote_follows(const char *s, size_t n, size_t *pos)
{
	line l;
	for (size_t at = *pos; next_line(s, n, pos, &l); at = *pos) {
		trim(&l);
		if (l.n) {
			*pos = at;
			return quoted(&l);
		}
	}
	return 0;
}

void op_mail_unquote(op_buf *out, const char *body, size_t n)
{
	size_t pos = 0, keep = 0;	/* keep: out's length up to its last text */
	line l, t, next;
	op_buf_reset(out);
	while (next_line(body, n, &pos, &l)) {
		t = l;
		trim(&t);
		if (quoted(&t))
			continue;
		size_t after = pos;
		int more = next_line(body, n, &after, &next);
		if (more)
			trim(&next);
		if (attribution(t, more ? &next : NULL)) {
			if (!ends(&t, ":"))
				pos = after;	/* Gmail's wrap: its second line too */
			if (quote_follows(body, n, &pos))
				continue;
			break;
		}
		if (separator(&t, body, n, pos))
			break;
		/* no blank line first, nor two where a quote between them went */
		if (blank(l) && (!out->len || (out->len > 1 && !memcmp(out->p + out->len - 2, "\n\n", 2))))
			continue;
		op_buf_add(out, l.p, l.n);
		op_buf_addc(out, '\n');
		if (!blank(l))
			keep = out->len - 1;
	}
	out->len = keep;
	if (out->p)
		out->p[keep] = 0;
}
