/* sniff.c - input-kind detection for enq-parse -f auto, and a peekable
 * stream (fopencookie) so detection works on pipes too.
 * MIT licence, see COPYING. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "opflow.h"
#include "sniff.h"

static const struct {
	const char *name;
	int kind;
} kinds[] = {
	{ "auto", OP_KIND_AUTO }, { "email", OP_KIND_EMAIL }, { "eml", OP_KIND_EMAIL },
	{ "mbox", OP_KIND_MBOX }, { "maildir", OP_KIND_MAILDIR }, { "csv", OP_KIND_CSV },
	{ "tsv", OP_KIND_TSV }, { "jsonl", OP_KIND_JSONL }, { "json", OP_KIND_JSONL },
	{ "ndjson", OP_KIND_JSONL },
};

int op_kind_parse(const char *name)
{
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (!strcasecmp(name, kinds[i].name))
			return kinds[i].kind;
	return -1;
}

const char *op_kind_name(int kind)
{
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (kinds[i].kind == kind)
			return kinds[i].name;
	return "?";
}

/* RFC 5322 section 2.2: field-name = 1*(%d33-57 / %d59-126), then ':'.
 * The value must be empty or start with a space or tab: "Name:Email" as a
 * CSV header or "12:30" in text is not a header field. */
static int header_field(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (unsigned char)s[i] >= 33 && (unsigned char)s[i] <= 126 && s[i] != ':')
		i++;
	if (i == 0 || i >= n || s[i] != ':')
		return 0;
	i++;
	return i == n || s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n';
}

/* Of the first complete lines of buf (blank ones, and lines inside a
 * quoted CSV field, skipped; at most 20): how many start with '{', and
 * how many do not. */
static void brace_lines(const char *buf, size_t n, int *obj, int *other)
{
	int inq = 0, start = 1, json = 0;
	*obj = *other = 0;
	for (size_t i = 0; i < n && *obj + *other < 20; i++) {
		char ch = buf[i];
		if (ch == '\n') {
			start = !inq;
			continue;
		}
		if (start && ch != ' ' && ch != '\t' && ch != '\r') {
			json = ch == '{';	/* its quotes are JSON's, escaped or not */
			if (memchr(buf + i, '\n', n - i))
				(*(json ? obj : other))++;
			start = 0;
		}
		inq ^= !json && ch == '"';
	}
}

int op_sniff_kind(const char *buf, size_t n)
{
	if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		buf += 3, n -= 3;
	while (n && (*buf == '\n' || *buf == '\r' || *buf == ' ' || *buf == '\t'))
		buf++, n--;
	if (n >= 5 && !memcmp(buf, "From ", 5)) {
		/* an mbox's From_ line is followed by a header field; a CSV
		 * header "From Email,Subject" is followed by a row */
		const char *nl = memchr(buf, '\n', n);
		if (!nl || header_field(nl + 1, n - (size_t)(nl + 1 - buf)))
			return OP_KIND_MBOX;
	}
	if (n && *buf == '{')
		return OP_KIND_JSONL;
	if (header_field(buf, n))
		return OP_KIND_EMAIL;	/* its body may have a line "{" */
	/* JSON lines whose first line is bad: most lines are objects */
	int obj, other;
	brace_lines(buf, n, &obj, &other);
	if (obj && obj > other)
		return OP_KIND_JSONL;
	return obj ? -1 : OP_KIND_CSV;
}

/* ---- the peekable stream ---- */

/* The new FILE's buffer.  A cookie stream reads only through its buffer,
 * BUFSIZ (8 KiB) by default: a read(2) and a copy per 8 KiB of input.
 * Given this one, what reads it in blocks (csvio.c) costs a read(2) per
 * block. */
#define PEEK_BUF (256 * 1024)

typedef struct {
	FILE *f;
	char *buf;
	size_t n, pos;
	char *iobuf;	/* the FILE's, freed with it */
} peek;

static ssize_t peek_read(void *c, char *out, size_t size)
{
	peek *p = c;
	if (p->pos < p->n) {
		size_t k = p->n - p->pos;
		if (k > size)
			k = size;
		memcpy(out, p->buf + p->pos, k);
		p->pos += k;
		return (ssize_t)k;
	}
	size_t got = fread(out, 1, size, p->f);
	if (got == 0 && ferror(p->f))
		return -1;
	return (ssize_t)got;
}

static int peek_close(void *c)
{
	peek *p = c;
	free(p->buf);
	free(p->iobuf);
	free(p);
	return 0;
}

FILE *op_peek_open(FILE *f, size_t want, const char **buf, size_t *n)
{
	peek *p = op_xcalloc(1, sizeof *p);
	p->f = f;
	p->buf = op_xmalloc(want + 1);
	while (p->n < want) {
		size_t got = fread(p->buf + p->n, 1, want - p->n, f);
		if (got == 0)
			break;
		p->n += got;
	}
	if (ferror(f)) {
		int e = errno;
		peek_close(p);
		errno = e ? e : EIO;
		return NULL;
	}
	p->buf[p->n] = 0;
	cookie_io_functions_t io = { .read = peek_read, .close = peek_close };
	FILE *r = fopencookie(p, "rb", io);
	if (!r)
		op_die(OP_EXIT_SOFTWARE, "out of memory");
	p->iobuf = op_xmalloc(PEEK_BUF);
	setvbuf(r, p->iobuf, _IOFBF, PEEK_BUF);
	*buf = p->buf;
	*n = p->n;
	return r;
}

/* A file that is no text, or text that cannot be read without being told
 * its charset: -1 with e saying what to do. */
static int not_text(const char *b, size_t n, const char *wide, const char *encoding, op_err *e)
{
	const char *utf16;
	if (n >= 4 && !memcmp(b, "PK\3\4", 4))
		return op_errf(e, OP_EXIT_DATAERR, "a ZIP file (an .xlsx or .ods workbook?), not text: export it as CSV");
	if (n >= 8 && !memcmp(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
		return op_errf(e, OP_EXIT_DATAERR, "an OLE2 file (an .xls workbook?), not text: export it as CSV");
	if (!wide && !encoding && (utf16 = op_utf16_guess(b, n)))
		return op_errf(e, OP_EXIT_DATAERR, "looks like %s without a byte order mark: give --encoding %s",
			       utf16, utf16);
	return 0;
}

int op_input_open(op_input *in, FILE *f, int kind, const char *encoding, const char *name,
		  op_err *e)
{
	const char *head;
	size_t nhead, bom, unit;
	*in = (op_input){ .kind = kind, .f = f };
	off_t start = ftello(f);
	in->in = in->pf = op_peek_open(f, 4096, &head, &nhead);
	if (!in->pf)
		return op_errf(e, OP_EXIT_NOINPUT, "read error: %s", strerror(errno));
	const char *wide = op_wide_charset(head, nhead, encoding, &bom, &unit);
	if (not_text(head, nhead, wide, encoding, e))
		return -1;
	if (wide) {
		/* UTF-16 or UTF-32: sniffed and read as UTF-8 */
		in->in = in->df = op_decode_open(in->pf, wide, unit, bom, name);
		FILE *p = op_peek_open(in->df, 4096, &head, &nhead);
		if (!p)
			return op_errf(e, OP_EXIT_NOINPUT, "read error: %s", strerror(errno));
		in->in = p;
		in->decoded = 1;
	}
	if (kind == OP_KIND_AUTO && (in->kind = op_sniff_kind(head, nhead)) < 0)
		return op_errf(e, OP_EXIT_DATAERR, "not clearly delimited text or JSON lines (some of the first lines start with '{'): give -f csv, -f tsv or -f jsonl");
	/* A file that seeks is read again from where it started, straight:
	 * through the peek stream, each byte would be copied once more. */
	if (!wide && start >= 0 && !fseeko(f, start, SEEK_SET))
		in->in = f;
	return 0;
}

void op_input_close(op_input *in)
{
	if (in->in && in->in != in->f && in->in != in->pf && in->in != in->df)
		fclose(in->in);
	if (in->df)
		fclose(in->df);
	if (in->pf)
		fclose(in->pf);
	*in = (op_input){ 0 };
}
