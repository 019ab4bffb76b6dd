/* enq-parse - every enquiry source into one record shape.
 *
 *   enq-parse [-f KIND] [-m MAPFILE] [options] [file|maildir...]
 *
 * Mail (one message, mbox, maildir), delimited text (CSV, TSV, any
 * delimiter) and JSON lines become the records of opflow-record(7), one per line:
 *
 *   {"id":..., <the enquiry's fields>, "channel":..., "source":{...}}
 *
 * Each source feeds its members by name, value and kind to one record
 * builder (lib/record: the name, id and channel rules, dates and numbers;
 * plan.h: CSV columns and JSON members to keys), its kind decided by
 * lib/csv/sniff.h; what is here is options and wiring.  JSON lines
 * keep their members and order; renamed keys, normalized dates and the
 * added id, channel and source are the only changes.  MIT licence. */
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "csvio.h"
#include "mail.h"
#include "mailbox.h"
#include "mapping.h"
#include "plan.h"
#include "record.h"
#include "sniff.h"
#include "stream.h"

typedef struct {
	op_cli *cli;
	op_stream st;
	op_mapping *map;
	op_record rec;
	int kind, delim, row_delim, no_header, show_mapping;
	const char *encoding, *header;

	/* the current input */
	const char *file;
	const char *format;
	char where[600];

	/* CSV: the header row as read, for --rejects: written before the
	 * file's first rejected row, unless it is the header last written */
	op_buf header_row, rejects_header;
	int header_done;

	op_plan plan;		/* CSV: made from the first row's names */
	int decoded;		/* CSV: read through a UTF-16/32 decoder */
	op_jsonmap jmap;	/* JSON lines */

	op_buf tmp, tmp2;

	/* mail: records with defects, and those missing text (exit 65) */
	int mail_read;
	unsigned long long defective, incomplete;
	/* mail: whose is ours (direction "out"): --ours and --ours-file
	 * addresses and @domains, --direction, a sent folder */
	char **ours;
	size_t nours;
	const char *direction;
	int sent_folder;
	op_buf unquoted;
} ctx;

/* ---- mail ---- */

/* received_at for a message whose Date is missing or not understood: the
 * mbox envelope's time, else the maildir's delivery time; the warning
 * names the field tried and what was taken.  *from: where the time came
 * from, NULL when there is none (received_at null). */
static int fallback_time(ctx *c, const op_mail *m, const op_msg_src *src, op_time *t,
			 const char **from)
{
	int naive;
	const char *what = "received_at null";
	*from = NULL;
	if (src->envelope && op_mbox_from_time(src->envelope, src->envlen, t, &naive) == 0) {
		if (naive)	/* the envelope's time is the local time of the host */
			*t = op_tz_to_utc(c->cli->tz, *t, NULL);
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
		op_warn("%s: no Date field, %s", c->where, what);
	return *from != NULL;
}

/* ,"received_at_from":FROM,"defects":[...] into the record's tail (not
 * part of the digest id: a newer enq-parse that finds more defects keeps
 * the ids) */
static void mail_meta(ctx *c, const op_mail *m, const char *from)
{
	op_buf *b = &c->rec.tail;
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
static void count_defects(ctx *c, const op_mail *m)
{
	if (m->defects)
		c->defective++;
	if (m->defects & OP_DEFECTS_LOST) {
		/* written, but not whole: the status says so (65), and
		 * --strict stops here */
		c->incomplete++;
		if (c->cli->strict)
			c->st.stop = 1;
	}
}

/* 1 when addr is one of ours: an address given, or at a domain given */
static int is_ours(const ctx *c, const char *addr)
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
static void tail_str(ctx *c, const char *k, const char *v)
{
	if (!v)
		return;
	op_record_prefix(&c->rec.tail, k);
	op_buf_json_cstr(&c->rec.tail, v);
}

/* The maildir flags of a file name "...:2,RS" (seen S, replied R) */
static void maildir_flags(ctx *c, const char *file)
{
	const char *base = strrchr(file, '/'), *info = strstr(base ? base : file, ":2,");
	op_buf_printf(&c->rec.tail, ",\"seen\":%s,\"replied\":%s",
		      info && strchr(info + 3, 'S') ? "true" : "false",
		      info && strchr(info + 3, 'R') ? "true" : "false");
}

/* What tells a thread apart, into the record's tail: message_id,
 * in_reply_to, references, direction, auto, a maildir's flags */
static void mail_links(ctx *c, const op_mail *m, const op_msg_src *src)
{
	op_buf *b = &c->rec.tail;
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
			  c->sent_folder || is_ours(c, m->from_addr) ? "out" : "in";
	tail_str(c, "direction", dir);
	tail_str(c, "auto", op_mail_auto(m));
	if (!strcmp(c->format, "maildir"))
		maildir_flags(c, src->file);
}

/* A member of a message by name, of kind (v NULL: null) */
static void add_str(ctx *c, const char *k, const char *v, int kind)
{
	op_buf_reset(&c->tmp);
	op_record_prefix(&c->tmp, k);
	op_record_add(&c->rec, c->tmp.p, c->tmp.len, v, v ? strlen(v) : 0, kind, k);
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

static int on_message(const char *msg, size_t len, const op_msg_src *src, void *vc)
{
	ctx *c = vc;
	op_stream *st = &c->st;
	op_mail m;
	if (src->line)
		snprintf(c->where, sizeof c->where, "%s:%lu", src->file, src->line);
	else
		snprintf(c->where, sizeof c->where, "%s", src->file);
	st->in++;
	c->mail_read = 1;
	if (op_mail_parse(msg, len, &m)) {
		op_reject_at(st, c->where, msg, len, "not a mail message: no header block");
		return st->stop;
	}
	for (unsigned i = 0; i < m.nwarn && i < 4; i++)
		op_warn("%s: %s", c->where, m.warn[i]);
	if (m.nwarn > 4)
		op_warn("%s: %u more warnings about this message not shown", c->where, m.nwarn - 4);
	if (strcmp(c->format, "mbox"))
		op_record_source(&c->rec, c->format, src->file);

	/* the customer is who an answer goes to: Reply-To when it names
	 * someone else than From (web-form mailers send From a no-reply
	 * address), with From kept as from_email */
	const char *name = m.from_name, *email = m.from_addr, *from = NULL;
	if (m.reply_addr && (!m.from_addr || strcasecmp(m.reply_addr, m.from_addr))) {
		email = m.reply_addr;
		name = m.reply_name;
		from = m.from_addr;
	}
	op_record_start(&c->rec);
	c->rec.default_channel = "email";
	op_time when = m.date;
	const char *when_from = NULL;
	char t[21];
	int dated = m.has_date || fallback_time(c, &m, src, &when, &when_from);
	if (dated)
		op_time_format(when, t);
	add_str(c, "received_at", dated ? t : NULL, OP_MAP_TEXT);
	add_str(c, "name", name, OP_MAP_TEXT);
	add_str(c, "email", email, OP_MAP_TEXT);
	if (from)
		add_str(c, "from_email", from, OP_MAP_TEXT);
	add_str(c, "to", m.to_addr, OP_MAP_TEXT);
	add_str(c, "subject", m.subject, OP_MAP_TEXT);
	/* body: what this mail says, without the mail it quotes; the whole
	 * as body_full when that differs */
	op_mail_unquote(&c->unquoted, m.body, strlen(m.body));
	const char *said = c->unquoted.p ? c->unquoted.p : "";
	int quoted = strcmp(said, m.body) != 0;
	add_str(c, "body", said, OP_MAP_TEXT);
	attachments(&m, &c->tmp2);
	add_str(c, "attachments", c->tmp2.p, OP_REC_JSON);
	if (m.message_id)
		add_str(c, "id", m.message_id, OP_REC_ID);
	mail_links(c, &m, src);
	if (quoted)
		tail_str(c, "body_full", m.body);
	mail_meta(c, &m, when_from);
	if (op_record_emit(&c->rec, st, src->line, NULL, 0))
		count_defects(c, &m);
	op_mail_free(&m);
	return st->stop;
}

static void read_email(ctx *c, FILE *f, const char *name)
{
	op_buf b = { 0 };
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		op_buf_add(&b, chunk, got);
	if (ferror(f)) {
		op_warn("%s: read error: %s", name, strerror(errno));
		c->st.noinput = 1;
	} else {
		op_msg_src src = { .file = name };
		on_message(b.p ? b.p : "", b.len, &src, c);
	}
	op_buf_free(&b);
}

/* ---- delimited text ---- */

/* A row turned away, to --rejects under the file's header row (once per
 * file, and not again when the last one written was the same), so that
 * the rejects file reads back as the input did. */
static void reject_row(ctx *c, const char *raw, size_t len, unsigned long line, const char *why)
{
	op_buf *h = &c->header_row, *last = &c->rejects_header;
	if (!c->header_done && h->len && (h->len != last->len || memcmp(h->p, last->p, h->len))) {
		op_rejects_line(&c->st, h->p, h->len);
		op_buf_reset(last);
		op_buf_add(last, h->p, h->len);
	}
	c->header_done = 1;
	snprintf(c->where, sizeof c->where, "%s:%lu", c->file, line);
	op_reject_at(&c->st, c->where, raw, len, "%s", why);
}

static int on_row(const char *const *names, const char *const *fields, size_t n,
		  unsigned long line, void *vc)
{
	ctx *c = vc;
	op_stream *st = &c->st;
	(void)names;	/* planned when they came */
	if (st->stop)
		return 1;
	st->in++;
	if (op_plan_row(&c->plan, &c->rec, fields, n)) {
		/* written back as read, with the delimiter the file is read by */
		op_csv_row(&c->tmp2, fields, n, c->row_delim);
		reject_row(c, c->tmp2.p, c->tmp2.len, line, c->rec.norm.err.p);
	} else {
		op_record_emit(&c->rec, st, line, NULL, 0);
	}
	return st->stop;
}

static int on_bad_row(const char *raw, size_t rawlen, unsigned long line, const char *reason, void *vc)
{
	ctx *c = vc;
	c->st.in++;
	reject_row(c, raw, rawlen, line, reason);
	return c->st.stop;
}

/* The columns have names: the plan; for --show-mapping, shown, and the
 * file read no further. */
static int on_names(const char *const *names, size_t n, void *vc)
{
	ctx *c = vc;
	/* the format is the delimiter the file is read by, known by now:
	 * a sniffed tab makes it tsv, as -f tsv would */
	if (c->row_delim == '\t' && strcmp(c->format, "tsv"))
		op_record_source(&c->rec, "tsv", c->file);
	op_plan_make(&c->plan, c->map, names, n);
	op_plan_warn(&c->plan, c->file, &c->tmp);
	if (c->show_mapping)
		op_plan_show(&c->plan, stdout);
	return c->show_mapping;
}

static void read_csv(ctx *c, FILE *f, const char *name, int kind)
{
	/* rows turned away are written back with the delimiter the file is
	 * read by (csvio's, when the first rows are ragged) */
	op_csv_opts o = {
		.delim = c->delim ? c->delim : kind == OP_KIND_TSV ? '\t' : 0,
		.delim_used = &c->row_delim,
		.encoding = c->decoded ? NULL : c->encoding,
		.no_header = c->no_header,
		.header = c->header,
		.header_row = &c->header_row,
		.names = on_names,
	};
	op_buf_reset(&c->header_row);
	c->header_done = 0;
	if (op_csv_read(f, name, &o, on_row, on_bad_row, c) == -1) {
		op_warn("%s: read error: %s", name, strerror(errno));
		c->st.noinput = 1;
	}
}

/* ---- JSON lines ---- */

/* A JSON record: its members mapped (lib/record/plan.h). */
static int on_jsonl(op_stream *st, op_rec *r, void *vc)
{
	ctx *c = vc;
	if (op_jsonmap_record(&c->jmap, &c->rec, r)) {
		op_reject(st, "%s", c->rec.norm.err.p);
		return st->stop;
	}
	/* the id of a line without one: its digest, exactly as written */
	op_record_emit(&c->rec, st, (unsigned long)st->lineno, r->line, r->len);
	return 0;
}

/* ---- inputs ---- */

/* A whole file that is no input enq-parse reads: named, counted as one
 * input turned away.  Its bytes are not copied to --rejects: the file is
 * there, whole, under its name. */
static void reject_file(ctx *c, const char *name, const char *why)
{
	op_warn("%s: %s", name, why);
	c->st.in++;
	c->st.rejected++;
	if (c->cli->strict)
		c->st.stop = 1;
}

/* 1 when the maildir at path is a sent folder by its name: Sent (most
 * mailers, Maildir++ .Sent), Sent Items (Outlook), Sent Messages (Apple
 * Mail), Gesendet and Gesendete Objekte (German ones) */
static int is_sent_folder(const char *path)
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

/* A directory: a maildir's messages, else no input. */
static void read_dir(ctx *c, const char *path, int kind)
{
	if (kind != OP_KIND_AUTO && kind != OP_KIND_MAILDIR) {
		op_warn("%s: is a directory", path);
		c->st.noinput = 1;
	} else if (!op_is_maildir(path)) {
		op_warn("%s: a directory but not a maildir (no cur/ or new/)", path);
		c->st.noinput = 1;
	} else {
		c->format = "maildir";
		c->sent_folder = is_sent_folder(path);
		int r = op_maildir_each(path, on_message, c);
		if (r < 0)
			op_warn("%s: %s", path, strerror(errno));
		if (r < 0 || r == 1)
			c->st.noinput = 1;
	}
}

/* The records of in, of its kind. */
static void read_kind(ctx *c, const op_input *in, const char *name)
{
	c->decoded = in->decoded;
	c->format = op_kind_name(in->kind);
	op_record_source(&c->rec, c->format, name);
	switch (in->kind) {
	case OP_KIND_EMAIL:
		read_email(c, in->in, name);
		break;
	case OP_KIND_MBOX:
		if (op_mbox_each(in->in, name, on_message, c) < 0) {
			op_warn("%s: read error: %s", name, strerror(errno));
			c->st.noinput = 1;
		}
		break;
	case OP_KIND_JSONL:
		c->st.name = name;
		op_stream_file(&c->st, in->in, on_jsonl, c);
		break;
	default:
		read_csv(c, in->in, name, in->kind);
		break;
	}
}

/* A file (or stdin): its kind decided (lib/csv/sniff.h), then read. */
static void read_file(ctx *c, FILE *f, const char *name)
{
	op_input in;
	op_err e;
	if (op_input_open(&in, f, c->kind, c->encoding, name, &e)) {
		if (e.code == OP_EXIT_NOINPUT) {
			op_warn("%s: %s", name, e.msg);
			c->st.noinput = 1;
		} else {
			reject_file(c, name, e.msg);
		}
	} else if (c->show_mapping && in.kind != OP_KIND_CSV && in.kind != OP_KIND_TSV) {
		reject_file(c, name, "not delimited text: --show-mapping shows the columns of CSV and TSV");
	} else {
		read_kind(c, &in, name);
	}
	op_input_close(&in);
}


static void one_input(ctx *c, const char *path)
{
	int std = !strcmp(path, "-");
	const char *name = std ? "<stdin>" : path;
	struct stat sb;
	c->file = name;
	c->sent_folder = 0;
	c->rec.default_channel = "web";	/* mail's is email (on_message) */
	op_norm_file(&c->rec.norm);
	if (!std && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		read_dir(c, path, c->kind);
		return;
	}
	if (c->kind == OP_KIND_MAILDIR) {
		op_warn("%s: not a maildir (no cur/ or new/)", name);
		c->st.noinput = 1;
		return;
	}
	FILE *f = std ? stdin : fopen(path, "rb");
	if (!f) {
		op_warn("%s: %s", name, strerror(errno));
		c->st.noinput = 1;
		return;
	}
	read_file(c, f, name);
	if (!std)
		fclose(f);
}

/* An --ours address or @domain s[0..n), trimmed: 0 when it is not one
 * (no "@", or blanks inside) */
static int add_ours(ctx *c, const char *s, size_t n)
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

/* --ours-file: an address or @domain a line; blank lines and lines
 * starting with # skipped; anything else stops the run (78) */
static void read_ours(ctx *c, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		op_die(OP_EXIT_NOINPUT, "--ours-file: %s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	for (unsigned long no = 1; (got = getline(&line, &cap, f)) >= 0; no++) {
		size_t n = (size_t)got, k = 0;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		while (k < n && (line[k] == ' ' || line[k] == '\t'))
			k++;
		if (k < n && line[k] != '#' && !add_ours(c, line, n))
			op_die(OP_EXIT_CONFIG, "%s:%lu: not an address or @domain", path, no);
	}
	int bad = ferror(f);
	free(line);
	fclose(f);
	if (bad)
		op_die(OP_EXIT_NOINPUT, "--ours-file: %s: read error", path);
}

static const char usage[] =
	"Usage: enq-parse [-f KIND] [-m MAPFILE] [options] [file|maildir...]\n"
	"Turn mail, CSV/TSV exports and JSON lines into enquiry records.\n"
	"  -f, --format KIND     auto (default), email, mbox, maildir, csv, tsv, jsonl\n"
	"  -m, --map FILE        column mapping, one \"Column Name = field\" per line\n"
	"  -d, --delimiter C     field delimiter (default: sniffed among , ; TAB |)\n"
	"      --header A,B,...  column names; the first row is data\n"
	"      --no-header       the first row is data; columns col_1, col_2, ...\n"
	"      --encoding CS     charset of delimited text (default UTF-8, falling\n"
	"                        back to Windows-1252)\n"
	"      --date-order O    dmy or mdy: how to read 03/04/2025\n"
	"      --decimal-comma   numbers are written 1.234,50\n"
	"      --decimal-point   numbers are written 1,234.50 (default: as the\n"
	"                        file shows)\n"
	"      --channel NAME    the channel of every record (default: email for\n"
	"                        mail, a channel column, else web)\n"
	"      --dedup           drop exact repeats (counted in --stats)\n"
	"      --ours ADDR       mail from ADDR (or any address @DOMAIN) is ours:\n"
	"                        direction out (repeatable)\n"
	"      --ours-file FILE  the same, one address or @domain a line\n"
	"      --direction D     in or out: the direction of every mail\n"
	"      --show-mapping    print how each column of CSV/TSV input is read\n"
	"                        (column -> field, kind), no records\n";

int main(int argc, char **argv)
{
	op_cli cli = { .usage = usage, .exits = OP_EXITS_CONFIG };
	ctx c = { .cli = &cli, .kind = OP_KIND_AUTO, .rec.norm.order = OP_DATE_ANY };
	const char *mapfile = NULL, *oursfile = NULL;
	int ch;
	enum { O_HEADER = 1, O_NOHEADER, O_ENCODING, O_DATEORDER, O_DECCOMMA, O_DECPOINT, O_CHANNEL, O_DEDUP, O_SHOWMAP,
	       O_OURS, O_OURSFILE, O_DIRECTION };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "map", required_argument, NULL, 'm' },
		{ "delimiter", required_argument, NULL, 'd' },
		{ "header", required_argument, NULL, O_HEADER },
		{ "no-header", no_argument, NULL, O_NOHEADER },
		{ "encoding", required_argument, NULL, O_ENCODING },
		{ "date-order", required_argument, NULL, O_DATEORDER },
		{ "decimal-comma", no_argument, NULL, O_DECCOMMA },
		{ "decimal-point", no_argument, NULL, O_DECPOINT },
		{ "channel", required_argument, NULL, O_CHANNEL },
		{ "dedup", no_argument, NULL, O_DEDUP },
		{ "show-mapping", no_argument, NULL, O_SHOWMAP },
		{ "ours", required_argument, NULL, O_OURS },
		{ "ours-file", required_argument, NULL, O_OURSFILE },
		{ "direction", required_argument, NULL, O_DIRECTION },
		{ NULL, 0, NULL, 0 },
	};
	while ((ch = op_getopt(&cli, argc, argv, "f:m:d:", longopts)) != -1) {
		switch (ch) {
		case 'f':
			c.kind = op_kind_parse(optarg);
			if (c.kind < 0)
				op_usage_error(&cli, "-f: '%s' is not an input kind (auto, email, mbox, maildir, csv, tsv, jsonl)", optarg);
			break;
		case 'm': mapfile = optarg; op_cli_file(&cli, "-m", optarg, OP_FILE_IN); break;
		case 'd':
			if (!strcmp(optarg, "tab") || !strcmp(optarg, "\\t"))
				c.delim = '\t';
			else if (strlen(optarg) == 1 && optarg[0] != '"' && optarg[0] != '\n' && optarg[0] != '\r')
				c.delim = (unsigned char)optarg[0];
			else
				op_usage_error(&cli, "--delimiter: '%s' is not one character (or 'tab')", optarg);
			break;
		case O_HEADER: c.header = optarg; break;
		case O_NOHEADER: c.no_header = 1; break;
		case O_ENCODING: c.encoding = optarg; break;
		case O_DATEORDER:
			if (!strcmp(optarg, "dmy"))
				c.rec.norm.order = OP_DATE_DMY;
			else if (!strcmp(optarg, "mdy"))
				c.rec.norm.order = OP_DATE_MDY;
			else
				op_usage_error(&cli, "--date-order: '%s' is not dmy or mdy", optarg);
			break;
		case O_DECCOMMA: c.rec.norm.decimal = ','; break;
		case O_DECPOINT: c.rec.norm.decimal = '.'; break;
		case O_CHANNEL:
			if (!*optarg)
				op_usage_error(&cli, "--channel: empty name");
			c.rec.channel = optarg;
			break;
		case O_DEDUP: c.rec.dedup = 1; break;
		case O_SHOWMAP: c.show_mapping = 1; break;
		case O_OURS:
			if (!add_ours(&c, optarg, strlen(optarg)))
				op_usage_error(&cli, "--ours: '%s' is not an address or @domain", optarg);
			break;
		case O_OURSFILE: oursfile = optarg; op_cli_file(&cli, "--ours-file", optarg, OP_FILE_IN); break;
		case O_DIRECTION:
			if (strcmp(optarg, "in") && strcmp(optarg, "out"))
				op_usage_error(&cli, "--direction: '%s' is not in or out", optarg);
			c.direction = optarg;
			break;
		}
	}
	if (c.rec.channel) {
		op_buf t = { 0 };
		if (op_to_utf8(&t, c.rec.channel, strlen(c.rec.channel), NULL))
			op_usage_error(&cli, "--channel: not valid UTF-8");
		op_buf_free(&t);
	}
	if (oursfile)
		read_ours(&c, oursfile);
	op_err err;
	c.map = op_mapping_load(mapfile, &err);
	if (!c.map)
		op_die(err.code, "%s", err.msg);
	c.jmap.map = c.map;

	c.rec.norm.tz = cli.tz;
	op_stream_init(&c.st, &cli);
	c.st.csv_hint = "looks like CSV: read it with -f csv";
	int nfiles = argc - optind;
	char *dash[] = { (char *)"-" };
	char **files = nfiles ? argv + optind : dash;
	if (!nfiles)
		nfiles = 1;
	for (int i = 0; i < nfiles && !c.st.stop; i++)
		one_input(&c, files[i]);
	if (c.rec.dedup)
		op_buf_printf(&c.st.extra, ",\"duplicates\":%llu", c.rec.dups);
	if (c.mail_read)
		op_buf_printf(&c.st.extra, ",\"defective\":%llu,\"incomplete\":%llu", c.defective,
			      c.incomplete);
	int rc = op_stream_finish(&c.st);
	if (rc == OP_EXIT_OK && c.incomplete)
		rc = OP_EXIT_DATAERR;

	op_plan_free(&c.plan);
	op_jsonmap_free(&c.jmap);
	op_mapping_free(c.map);
	op_buf_free(&c.tmp);
	op_buf_free(&c.tmp2);
	op_buf_free(&c.unquoted);
	for (size_t i = 0; i < c.nours; i++)
		free(c.ours[i]);
	free(c.ours);
	op_record_free(&c.rec);
	op_buf_free(&c.header_row);
	op_buf_free(&c.rejects_header);
	op_cli_free(&cli);
	return rc;
}
