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
 * plan.h: CSV columns and JSON members to keys; mailrec.h: a mail
 * message), its kind decided by lib/csv/sniff.h; what is here is
 * options and wiring.  JSON lines
 * keep their members and order; renamed keys, normalized dates and the
 * added id, channel and source are the only changes.  MIT licence. */
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "csvio.h"
#include "mailbox.h"
#include "mailrec.h"
#include "mapping.h"
#include "out.h"
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

	op_mailrec mail;	/* mail: --ours, --direction, the counts */
} ctx;

/* ---- mail (lib/record/mailrec.h) ---- */

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
		op_mailrec_message(b.p ? b.p : "", b.len, &src, &c->mail);
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

static int on_row(const char *const *names, const char *const *fields, const size_t *lens,
		  size_t n, unsigned long line, void *vc)
{
	ctx *c = vc;
	op_stream *st = &c->st;
	(void)names;	/* planned when they came */
	if (st->stop)
		return 1;
	st->in++;
	if (op_plan_row(&c->plan, &c->rec, fields, lens, n)) {
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
		c->format = c->mail.format = "maildir";
		c->mail.sent_folder = op_mailrec_sent_folder(path);
		int r = op_maildir_each(path, op_mailrec_message, &c->mail);
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
	c->format = c->mail.format = op_kind_name(in->kind);
	op_record_source(&c->rec, c->format, name);
	switch (in->kind) {
	case OP_KIND_EMAIL:
		read_email(c, in->in, name);
		break;
	case OP_KIND_MBOX:
		if (op_mbox_each(in->in, name, op_mailrec_message, &c->mail) < 0) {
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
	c->mail.sent_folder = 0;
	c->rec.default_channel = "web";	/* mail's is email (mailrec.c) */
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

enum { O_HEADER = 1, O_NOHEADER, O_ENCODING, O_DATEORDER, O_DECCOMMA, O_DECPOINT, O_CHANNEL,
       O_DEDUP, O_SHOWMAP, O_OURS, O_OURSFILE, O_DIRECTION };

/* The files named on the command line: MAPFILE, --ours-file */
typedef struct { const char *map, *ours; } files_named;

/* One option of the command line's (ch, optarg) into c */
static void option(ctx *c, int ch, files_named *fn)
{
	switch (ch) {
	case 'f':
		c->kind = op_kind_parse(optarg);
		if (c->kind < 0)
			op_usage_error(c->cli, "-f: '%s' is not an input kind (auto, email, mbox, maildir, csv, tsv, jsonl)", optarg);
		break;
	case 'm': fn->map = optarg; op_cli_file(c->cli, "-m", optarg, OP_FILE_IN); break;
	case 'd':
		if (!strcmp(optarg, "tab") || !strcmp(optarg, "\\t"))
			c->delim = '\t';
		else if (strlen(optarg) == 1 && optarg[0] != '"' && optarg[0] != '\n' && optarg[0] != '\r')
			c->delim = (unsigned char)optarg[0];
		else
			op_usage_error(c->cli, "--delimiter: '%s' is not one character (or 'tab')", optarg);
		break;
	case O_HEADER: c->header = optarg; break;
	case O_NOHEADER: c->no_header = 1; break;
	case O_ENCODING: c->encoding = optarg; break;
	case O_DATEORDER:
		if (!strcmp(optarg, "dmy"))
			c->rec.norm.order = OP_DATE_DMY;
		else if (!strcmp(optarg, "mdy"))
			c->rec.norm.order = OP_DATE_MDY;
		else
			op_usage_error(c->cli, "--date-order: '%s' is not dmy or mdy", optarg);
		break;
	case O_DECCOMMA: c->rec.norm.decimal = ','; break;
	case O_DECPOINT: c->rec.norm.decimal = '.'; break;
	case O_CHANNEL:
		if (!*optarg)
			op_usage_error(c->cli, "--channel: empty name");
		c->rec.channel = optarg;
		break;
	case O_DEDUP: c->rec.dedup = 1; break;
	case O_SHOWMAP: c->show_mapping = 1; break;
	case O_OURS:
		if (!op_mailrec_add_ours(&c->mail, optarg, strlen(optarg)))
			op_usage_error(c->cli, "--ours: '%s' is not an address or @domain", optarg);
		break;
	case O_OURSFILE: fn->ours = optarg; op_cli_file(c->cli, "--ours-file", optarg, OP_FILE_IN); break;
	case O_DIRECTION:
		if (strcmp(optarg, "in") && strcmp(optarg, "out"))
			op_usage_error(c->cli, "--direction: '%s' is not in or out", optarg);
		c->mail.direction = optarg;
		break;
	}
}

/* The command line into c: the options, then what they name read */
static void options(ctx *c, int argc, char **argv)
{
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
	files_named fn = { 0 };
	int ch;
	while ((ch = op_getopt(c->cli, argc, argv, "f:m:d:", longopts)) != -1)
		option(c, ch, &fn);
	if (c->rec.channel) {
		op_buf t = { 0 };
		if (op_to_utf8(&t, c->rec.channel, strlen(c->rec.channel), NULL))
			op_usage_error(c->cli, "--channel: not valid UTF-8");
		op_buf_free(&t);
	}
	op_err err;
	if (fn.ours && op_mailrec_read_ours(&c->mail, fn.ours, &err))
		op_die_err(&err);
	c->map = op_mapping_load(fn.map, &err);
	if (!c->map)
		op_die(err.code, "%s", err.msg);
	c->jmap.map = c->map;
}

/* The counts into --stats, the exit status, everything freed */
static int finish(ctx *c)
{
	if (c->rec.dedup)
		op_buf_printf(&c->st.extra, ",\"duplicates\":%llu", c->rec.dups);
	if (c->mail.read)
		op_buf_printf(&c->st.extra, ",\"defective\":%llu,\"incomplete\":%llu",
			      c->mail.defective, c->mail.incomplete);
	int rc = op_stream_finish(&c->st);
	if (rc == OP_EXIT_OK && c->mail.incomplete)
		rc = OP_EXIT_DATAERR;

	op_plan_free(&c->plan);
	op_jsonmap_free(&c->jmap);
	op_mapping_free(c->map);
	op_buf_free(&c->tmp);
	op_buf_free(&c->tmp2);
	op_mailrec_free(&c->mail);
	op_record_free(&c->rec);
	op_buf_free(&c->header_row);
	op_buf_free(&c->rejects_header);
	return rc;
}

int main(int argc, char **argv)
{
	op_cli cli = { .usage = usage, .exits = OP_EXITS_CONFIG, .output = &op_records_out };
	ctx c = { .cli = &cli, .kind = OP_KIND_AUTO, .rec.norm.order = OP_DATE_ANY };
	options(&c, argc, argv);
	c.rec.norm.tz = cli.tz;
	op_stream_init(&c.st, &cli);
	c.mail.rec = &c.rec;
	c.mail.st = &c.st;
	c.st.csv_hint = "looks like CSV: read it with -f csv";
	int nfiles = argc - optind;
	char *dash[] = { (char *)"-" };
	char **files = nfiles ? argv + optind : dash;
	if (!nfiles)
		nfiles = 1;
	for (int i = 0; i < nfiles && !c.st.stop; i++)
		one_input(&c, files[i]);
	int rc = finish(&c);
	op_cli_free(&cli);
	return rc;
}
