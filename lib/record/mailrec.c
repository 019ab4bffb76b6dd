/* mailrec.c - one mail message to one record (mailrec.h).  MIT licence. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailrec.h"

/* received_at for a message whose Date is missing or not understood: the
 * mbox envelope's time, else the maildir's delivery time; the warning
 * names the field tried and what was taken.  *from: where the time came
 * from, NULL when there is none (received_at null). */
static int fallback_time(op_mailrec *c, const op_mail *m, const op_msg_src *src, op_time *t,
			 const char **from)
{
	int naive;
	const char *what = "received_at null";
	*from = NULL;
	if (src->envelope && op_mbox_from_time(src->envelope, src->envlen, t, &naive) == 0) {
		if (naive)	/* the envelope's time is the local time of the host */
			*t = op_tz_to_utc(c->st->cli->tz, *t, NULL);
		*from = "mbox-from";
		what = "received_at from the mbox From_ line";
	} else if (src->delivered_from) {
		*t = src->delivered;
		*from = src->delivered_from;
		what = strcmp(*from, "maildir-name") ? "received_at from the file's modification time"
						      : "received_at from the maildir file name";
	}
	if (m->date_text[0])
		op_warn("%s: Date '%s' not understood, %s", c->where, m->date_text, what);
	else
		op_warn("%s: %s Date field, %s", c->where, m->date_empty ? "an empty" : "no", what);
	return *from != NULL;
}

/* ,"received_at_from":FROM,"defects":[...] into the record's tail (not
 * part of the digest id: a newer enq-parse that finds more defects keeps
 * the ids) */
static void mail_meta(op_mailrec *c, const op_mail *m, const char *from)
{
	op_buf *b = &c->rec->tail;
	if (from)
		op_buf_printf(b, ",\"received_at_from\":\"%s\"", from);
	if (!m->defects)
		return;
	const char *sep = ",\"defects\":[\"";
	for (int i = 0; i < OP_DEFECT_COUNT; i++)
		if (m->defects & 1u << i) {
			op_buf_printf(b, "%s%s\"", sep, op_defect_name(i));
			sep = ",\"";
		}
	op_buf_addc(b, ']');
}

/* A record with defects was written: counted (a repeat --dedup drops is
 * not) */
static void count_defects(op_mailrec *c, const op_mail *m)
{
	if (m->defects)
		c->defective++;
	if (m->defects & OP_DEFECTS_LOST) {
		/* written, but not whole: the status says so (65), and
		 * --strict stops here */
		c->incomplete++;
		if (c->st->cli->strict)
			c->st->stop = 1;
	}
}

int op_mailrec_is_ours(const op_mailrec *c, const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;
	for (size_t i = 0; at && i < c->nours; i++)
		if (!strcasecmp(c->ours[i], c->ours[i][0] == '@' ? at : addr))
			return 1;
	return 0;
}

/* ,"key":"v" into the record's tail (v NULL: nothing): the thread links,
 * direction and the like are not part of the digest id, so a mail
 * without a Message-ID keeps the id it had before enq-parse wrote them */
static void tail_str(op_mailrec *c, const char *k, const char *v)
{
	if (!v)
		return;
	op_record_prefix(&c->rec->tail, k);
	op_buf_json_cstr(&c->rec->tail, v);
}

/* The maildir flags of a file name "...:2,RS" (seen S, replied R) */
static void maildir_flags(op_mailrec *c, const char *file)
{
	const char *base = strrchr(file, '/'), *info = strstr(base ? base : file, ":2,");
	op_buf_printf(&c->rec->tail, ",\"seen\":%s,\"replied\":%s",
		      info && strchr(info + 3, 'S') ? "true" : "false",
		      info && strchr(info + 3, 'R') ? "true" : "false");
}

/* What tells a thread apart, into the record's tail: message_id,
 * in_reply_to, references, direction, auto, a maildir's flags */
static void mail_links(op_mailrec *c, const op_mail *m, const op_msg_src *src)
{
	op_buf *b = &c->rec->tail;
	tail_str(c, "message_id", m->message_id);
	tail_str(c, "in_reply_to", m->in_reply_to);
	if (m->nrefs) {
		op_buf_adds(b, ",\"references\":[");
		for (size_t i = 0; i < m->nrefs; i++) {
			if (i)
				op_buf_addc(b, ',');
			op_buf_json_cstr(b, m->refs[i]);
		}
		op_buf_addc(b, ']');
	}
	const char *dir = c->direction ? c->direction :
			  c->sent_folder || op_mailrec_is_ours(c, m->from_addr) ? "out" : "in";
	tail_str(c, "direction", dir);
	tail_str(c, "auto", op_mail_auto(m));
	if (!strcmp(c->format, "maildir"))
		maildir_flags(c, src->file);
}

/* A member of a message by name, of kind (v NULL: null) */
static void add_str(op_mailrec *c, const char *k, const char *v, int kind)
{
	op_buf_reset(&c->tmp);
	op_record_prefix(&c->tmp, k);
	op_record_add(c->rec, c->tmp.p, c->tmp.len, v, v ? strlen(v) : 0, kind, k);
}

/* The attachments, as a JSON array into b */
static void attachments(const op_mail *m, op_buf *b)
{
	op_buf_reset(b);
	op_buf_addc(b, '[');
	for (size_t i = 0; i < m->natt; i++) {
		const char *type = m->att[i].type ? m->att[i].type : "application/octet-stream";
		op_buf_adds(b, i ? ",{\"filename\":" : "{\"filename\":");
		if (m->att[i].filename)
			op_buf_json_cstr(b, m->att[i].filename);
		else
			op_buf_adds(b, "null");
		op_buf_adds(b, ",\"type\":");
		op_buf_json_cstr(b, type);
		op_buf_printf(b, ",\"size\":%zu}", m->att[i].size);
	}
	op_buf_addc(b, ']');
}

/* The parser's warnings, the first four of them, under c->where */
static void mail_warnings(const op_mailrec *c, const op_mail *m)
{
	for (unsigned i = 0; i < m->nwarn && i < 4; i++)
		op_warn("%s: %s", c->where, m->warn[i]);
	if (m->nwarn > 4)
		op_warn("%s: %u more warnings about this message not shown", c->where, m->nwarn - 4);
}

/* The people: the customer is who an answer goes to, Reply-To when it
 * names someone else than From (web-form mailers send From a no-reply
 * address), with From kept as from_email */
static void mail_people(op_mailrec *c, const op_mail *m)
{
	const char *name = m->from_name, *email = m->from_addr, *from = NULL;
	if (m->reply_addr && (!m->from_addr || strcasecmp(m->reply_addr, m->from_addr))) {
		email = m->reply_addr;
		name = m->reply_name;
		from = m->from_addr;
	}
	add_str(c, "name", name, OP_MAP_TEXT);
	add_str(c, "email", email, OP_MAP_TEXT);
	if (from)
		add_str(c, "from_email", from, OP_MAP_TEXT);
	add_str(c, "to", m->to_addr, OP_MAP_TEXT);
}

/* The members of message m, in the record's order; *when_from: where
 * received_at came from when the Date did not give it */
static void mail_members(op_mailrec *c, const op_mail *m, const op_msg_src *src,
			 const char **when_from)
{
	op_time when = m->date;
	char t[21];
	*when_from = NULL;
	int dated = m->has_date || fallback_time(c, m, src, &when, when_from);
	if (dated)
		op_time_format(when, t);
	add_str(c, "received_at", dated ? t : NULL, OP_MAP_TEXT);
	mail_people(c, m);
	add_str(c, "subject", m->subject, OP_MAP_TEXT);
	/* body: what this mail says, without the mail it quotes; the whole
	 * as body_full (in the tail) when that differs */
	size_t n = strlen(m->body);
	op_mail_unquote(&c->unquoted, m->body, n);
	/* a mail that is all quote (a forward as "> " lines) says nothing
	 * new, but an empty body would lose what the enquiry is about */
	if (!c->unquoted.len)
		op_buf_add(&c->unquoted, m->body, n);
	add_str(c, "body", c->unquoted.p ? c->unquoted.p : "", OP_MAP_TEXT);
	attachments(m, &c->atts);
	add_str(c, "attachments", c->atts.p, OP_REC_JSON);
	if (m->message_id)
		add_str(c, "id", m->message_id, OP_REC_ID);
}

int op_mailrec_message(const char *msg, size_t len, const op_msg_src *src, void *vc)
{
	op_mailrec *c = vc;
	op_stream *st = c->st;
	op_mail m;
	if (src->line)
		snprintf(c->where, sizeof c->where, "%s:%lu", src->file, src->line);
	else
		snprintf(c->where, sizeof c->where, "%s", src->file);
	st->in++;
	c->read = 1;
	if (op_mail_parse(msg, len, &m)) {
		op_reject_at(st, c->where, msg, len, "not a mail message: no header block");
		return st->stop;
	}
	mail_warnings(c, &m);
	if (strcmp(c->format, "mbox"))
		op_record_source(c->rec, c->format, src->file);
	op_record_start(c->rec);
	c->rec->default_channel = "email";
	const char *when_from;
	mail_members(c, &m, src, &when_from);
	mail_links(c, &m, src);
	if (strcmp(c->unquoted.p ? c->unquoted.p : "", m.body))
		tail_str(c, "body_full", m.body);
	mail_meta(c, &m, when_from);
	if (op_record_emit(c->rec, st, src->line, NULL, 0))
		count_defects(c, &m);
	op_mail_free(&m);
	return st->stop;
}

int op_mailrec_add_ours(op_mailrec *c, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	const char *at = memchr(s, '@', n);
	if (!at || at == s + n - 1 || memchr(s, ' ', n) || memchr(s, '\t', n))
		return 0;
	c->ours = op_xrealloc(c->ours, (c->nours + 1) * sizeof *c->ours);
	c->ours[c->nours] = op_xmalloc(n + 1);
	memcpy(c->ours[c->nours], s, n);
	c->ours[c->nours++][n] = 0;
	return 1;
}

/* The lines of f, to the first that is no address or @domain */
static int ours_lines(op_mailrec *c, FILE *f, const char *path, op_err *e)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int rc = 0;
	for (unsigned long no = 1; !rc && (got = getline(&line, &cap, f)) >= 0; no++) {
		size_t n = (size_t)got, k = 0;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		while (k < n && (line[k] == ' ' || line[k] == '\t'))
			k++;
		if (k < n && line[k] != '#' && !op_mailrec_add_ours(c, line, n))
			rc = op_errf(e, OP_EXIT_CONFIG, "%s:%lu: not an address or @domain", path, no);
	}
	free(line);
	return rc;
}

int op_mailrec_read_ours(op_mailrec *c, const char *path, op_err *e)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return op_errf(e, OP_EXIT_NOINPUT, "--ours-file: %s: %s", path, strerror(errno));
	int rc = ours_lines(c, f, path, e);
	if (!rc && ferror(f))
		rc = op_errf(e, OP_EXIT_NOINPUT, "--ours-file: %s: read error", path);
	fclose(f);
	return rc;
}

/* Sent (most mailers, Maildir++ .Sent), Sent Items (Outlook), Sent
 * Messages (Apple Mail), Gesendet and Gesendete Objekte (German ones) */
int op_mailrec_sent_folder(const char *path)
{
	static const char *const names[] = { "sent", "sent items", "sent messages", "gesendet",
					     "gesendete objekte", NULL };
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	size_t b = n;
	while (b && path[b - 1] != '/')
		b--;
	if (b < n && path[b] == '.')
		b++;
	for (int i = 0; names[i]; i++)
		if (strlen(names[i]) == n - b && !strncasecmp(path + b, names[i], n - b))
			return 1;
	return 0;
}

void op_mailrec_free(op_mailrec *c)
{
	for (size_t i = 0; i < c->nours; i++)
		free(c->ours[i]);
	free(c->ours);
	op_buf_free(&c->tmp);
	op_buf_free(&c->atts);
	op_buf_free(&c->unquoted);
}
