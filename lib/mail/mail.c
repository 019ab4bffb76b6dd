/* mail.c - parse one RFC 5322 message with MIME (RFC 2045-2049) into
 * sender, subject, date, a plain-text body and a list of attachments.
 * Best effort on any bytes: mail in the wild breaks every rule, and an
 * enquiry is worth more than a verdict on its syntax.  MIT licence, see
 * COPYING.
 *
 * Bounded work: every scan moves forward; multipart nesting recurses at
 * most MAXDEPTH deep, so a byte is scanned at most MAXDEPTH times for
 * boundaries and decoded once; at most MAXPARTS parts are looked at.
 *
 * Deviations (VIOLATIONS.md style):
 * - a header block may end without an empty line: the first line that is
 *   neither a field nor a continuation starts the body;
 * - a multipart whose boundary never occurs is read as text, unless a line
 *   "--x" followed by a "Content-" field shows the boundary it really uses;
 * - raw 8-bit header text that is not UTF-8 is read in the charset of the
 *   top-level Content-Type when it has one (many old mailers did that);
 * - text parts named by a filename/name parameter are attachments, even
 *   with Content-Disposition: inline. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "html.h"
#include "mail.h"
#include "rfc2047.h"

#define MAXDEPTH 32
#define MAXPARTS 1000

/* header fields */

typedef struct {
	const char *name, *val;	/* val: raw and folded, up to its last line end */
	size_t nlen, vlen;
} field;

typedef struct {
	field *f;
	size_t n, cap;
} fields;

static int is_ftext(int c)
{
	return c > ' ' && c < 127 && c != ':';
}

/* Read the header block at s[0..n) into fs; returns where the body starts. */
static size_t parse_fields(const char *s, size_t n, fields *fs)
{
	size_t pos = 0;
	while (pos < n) {
		const char *nl = memchr(s + pos, '\n', n - pos);
		size_t e = nl ? (size_t)(nl - s) : n;
		size_t next = nl ? e + 1 : n;
		size_t le = e > pos && s[e - 1] == '\r' ? e - 1 : e;
		if (le == pos)
			return next;	/* the empty line */
		if (s[pos] == ' ' || s[pos] == '\t') {
			if (fs->n)	/* folded: the field grows to this line */
				fs->f[fs->n - 1].vlen = (size_t)(s + e - fs->f[fs->n - 1].val);
			else if (pos == 0)
				return 0;
			pos = next;
			continue;
		}
		size_t i = pos;
		while (i < le && is_ftext((unsigned char)s[i]))
			i++;
		size_t nend = i;
		while (i < le && (s[i] == ' ' || s[i] == '\t'))
			i++;	/* obs-optional: "Subject : x" */
		/* not a field: the body starts here; nor is a line "--x:y",
		 * a MIME boundary after a header block with no empty line */
		if (nend == pos || i >= le || s[i] != ':' || (s[pos] == '-' && s[pos + 1] == '-'))
			return pos;
		fs->f = op_grow(fs->f, fs->n, &fs->cap, sizeof *fs->f);
		field *f = &fs->f[fs->n++];
		f->name = s + pos;
		f->nlen = nend - pos;
		f->val = s + i + 1;
		f->vlen = e - (i + 1);
		pos = next;
	}
	return n;
}

static const field *get_field(const fields *fs, const char *name)
{
	size_t l = strlen(name);
	for (size_t i = 0; i < fs->n; i++)
		if (fs->f[i].nlen == l && !strncasecmp(fs->f[i].name, name, l))
			return &fs->f[i];
	return NULL;
}

/* The field's value unfolded (CR and LF removed) and trimmed into b. */
static const char *unfold(op_buf *b, const field *f, size_t *n)
{
	op_buf_reset(b);
	op_buf_grow(b, f ? f->vlen : 0);
	b->p[b->len] = 0;	/* grow alone does not terminate */
	if (f)
		for (size_t i = 0; i < f->vlen; i++)
			if (f->val[i] != '\r' && f->val[i] != '\n')
				op_buf_addc(b, f->val[i]);
	size_t a = 0, e = b->len;
	while (a < e && (b->p[a] == ' ' || b->p[a] == '\t'))
		a++;
	while (e > a && (b->p[e - 1] == ' ' || b->p[e - 1] == '\t'))
		e--;
	*n = e - a;
	return b->p ? b->p + a : "";
}

void op_mail_clean(op_buf *out, const char *s, size_t n)
{
	op_buf_grow(out, n);
	size_t start = out->len;
	int sp = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c == 0x7F) {
			sp = out->len > start;
			continue;
		}
		if (sp)
			out->p[out->len++] = ' ';
		sp = 0;
		out->p[out->len++] = (char)c;
	}
	out->p[out->len] = 0;
}

/* op_mail_clean's text, a copy, or NULL when nothing is left. */
static char *clean_dup(const char *s, size_t n)
{
	op_buf b = { 0 };
	op_mail_clean(&b, s, n);
	if (!b.len)
		op_buf_free(&b);
	return b.p;
}

/* parsing state */

typedef struct {
	op_buf text;
	int kind;		/* KIND_ bits of the text found */
	op_attachment *att;
	size_t natt, cap;
} result;

enum { KIND_PLAIN = 1, KIND_HTML = 2 };

typedef struct {
	op_mail *m;
	unsigned parts;
	char raw_cs[65];	/* the top-level charset, for raw 8-bit headers */
} ctx;

/* Text from the message made printable ASCII, for a warning; its length. */
static size_t printable(char *w)
{
	size_t n = strlen(w);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)w[i] < ' ' || (unsigned char)w[i] >= 0x7F)
			w[i] = '?';
	return n;
}

/* A warning, and the defect (0: none) it tells of. */
static void mwarn(op_mail *m, unsigned defect, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void mwarn(op_mail *m, unsigned defect, const char *fmt, ...)
{
	char w[sizeof m->warn[0]];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w, sizeof w, fmt, ap);
	va_end(ap);
	m->defects |= defect;
	/* charset names and boundaries come from the message: keep the
	 * warning printable ASCII */
	size_t n = printable(w);
	unsigned kept = m->nwarn < 4 ? m->nwarn : 4;
	for (unsigned i = 0; i < kept; i++)
		if (!strcmp(m->warn[i], w))
			return;
	/* a limit's warning is the reason for enq-parse's 65: it takes the
	 * last place when the four are full */
	if (m->nwarn < 4 || defect & OP_DEFECTS_LOST)
		memcpy(m->warn[kept < 4 ? kept : 3], w, n + 1);
	m->nwarn++;
}

/* A warning for text that op_to_utf8 read as Windows-1252. */
static void warn_charset(op_mail *m, const char *cs)
{
	op_buf probe = { 0 };
	/* an empty conversion tells "unknown" from "bad bytes" */
	if (op_to_utf8(&probe, "", 0, cs))
		mwarn(m, OP_DEFECT_CHARSET_GUESSED, "unknown charset '%.60s', read as Windows-1252", cs);
	else
		mwarn(m, OP_DEFECT_CHARSET_GUESSED, "text not valid in charset '%.60s', read as Windows-1252", cs);
	op_buf_free(&probe);
}

/* Text in charset cs (NULL: none declared) appended to u as UTF-8, the
 * fallback to Windows-1252 warned of; op_to_utf8's result. */
static int text_to_utf8(ctx *c, op_buf *u, const char *s, size_t n, const char *cs)
{
	int fell = op_to_utf8(u, s, n, cs);
	if (fell && cs)
		warn_charset(c->m, cs);
	else if (fell)
		mwarn(c->m, OP_DEFECT_UNDECLARED_8BIT, "8-bit text without a charset, read as Windows-1252");
	return fell;
}

/* A header's text, encoded words decoded, cleaned; NULL when empty. */
static char *header_text(ctx *c, const char *s, size_t n)
{
	op_buf b = { 0 };
	char bad[65];
	if (op_rfc2047_decode(&b, s, n, c->raw_cs[0] ? c->raw_cs : NULL, bad, sizeof bad))
		warn_charset(c->m, bad);
	char *r = clean_dup(b.p ? b.p : "", b.len);
	op_buf_free(&b);
	return r;
}

/* addresses */

/* Skip a comment starting at s[i] == '(' (nested, with quoted pairs);
 * returns the index after it. */
static size_t skip_comment(const char *s, size_t n, size_t i)
{
	int depth = 0;
	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i + 1;
	}
	return n;
}

static size_t skip_quoted(const char *s, size_t n, size_t i)
{
	for (i++; i < n && s[i] != '"'; i++)
		if (s[i] == '\\' && i + 1 < n)
			i++;
	return i < n ? i + 1 : n;
}

/* The end of the first mailbox in an address list: the first top-level
 * "," once an address has been seen, so that an unquoted display name with
 * a comma ("Smith, John <j@x>") stays whole. Group syntax "team: a@x;" is
 * handled by the caller skipping to the ":". */
static size_t first_mailbox(const char *s, size_t n, size_t *start)
{
	size_t i = 0;
	int seen = 0;
	*start = 0;
	while (i < n) {
		char c = s[i];
		if (c == '"') {
			i = skip_quoted(s, n, i);
			continue;
		}
		if (c == '(') {
			i = skip_comment(s, n, i);
			continue;
		}
		if (c == '<') {
			const char *g = memchr(s + i, '>', n - i);
			i = g ? (size_t)(g - s) + 1 : n;
			seen = 1;
			continue;
		}
		if (c == '@')
			seen = 1;
		else if (c == ':' && !seen) {
			*start = i + 1;	/* a group's name */
		} else if ((c == ',' && seen) || c == ';') {
			if (seen)
				return i;
			*start = i + 1;	/* an empty group or a stray separator */
		}
		i++;
	}
	return n;
}

static int is_sp(int c)
{
	return c == ' ' || c == '\t';
}

/* An address spec: whitespace and comments out, quoted parts kept. */
static char *addr_dup(const char *s, size_t n)
{
	op_buf b = { 0 };
	for (size_t i = 0; i < n;) {
		if (s[i] == '(') {
			i = skip_comment(s, n, i);
			continue;
		}
		if (s[i] == '"') {
			size_t e = skip_quoted(s, n, i);
			op_buf_add(&b, s + i, e - i);
			i = e;
			continue;
		}
		if (!is_sp((unsigned char)s[i]) && s[i] != '<' && s[i] != '>')
			op_buf_addc(&b, s[i]);
		i++;
	}
	const char *p = b.p ? b.p : "";
	size_t l = b.len;
	if (l > 7 && !strncasecmp(p, "mailto:", 7)) {
		p += 7;
		l -= 7;
	}
	const char *colon = memchr(p, ':', l);	/* obs-route "@a,@b:user@c" */
	if (colon && p[0] == '@') {
		l -= (size_t)(colon + 1 - p);
		p = colon + 1;
	}
	op_buf u = { 0 };
	op_to_utf8(&u, p, l, NULL);
	char *r = clean_dup(u.p ? u.p : "", u.len);
	op_buf_free(&u);
	op_buf_free(&b);
	return r;
}

/* A display name: quoted strings unquoted, comments dropped (the first
 * one's text in *cm, *cmn when cm is given, for "addr (Name)"), encoded
 * words decoded. */
static char *name_dup(ctx *c, const char *s, size_t n, const char **cm, size_t *cmn)
{
	op_buf b = { 0 };
	for (size_t i = 0; i < n;) {
		if (s[i] == '(') {
			size_t e = skip_comment(s, n, i);
			if (cm && !*cm) {
				*cm = s + i + 1;
				*cmn = e - i - 1 - (s[e - 1] == ')');
			}
			i = e;
			continue;
		}
		if (s[i] == '"') {
			size_t e = skip_quoted(s, n, i);
			for (size_t k = i + 1; k < e; k++) {
				if (s[k] == '\\' && k + 1 < e)
					k++;
				else if (s[k] == '"')
					break;
				op_buf_addc(&b, s[k]);
			}
			i = e;
			continue;
		}
		op_buf_addc(&b, s[i++]);
	}
	char *r = NULL;
	if (b.len)
		r = header_text(c, b.p, b.len);
	op_buf_free(&b);
	/* 'John Smith' and "\"John\"": quotes that are not part of the name */
	while (r) {
		size_t l = strlen(r);
		if (l >= 2 && ((r[0] == '\'' && r[l - 1] == '\'') || (r[0] == '"' && r[l - 1] == '"'))) {
			char *t = clean_dup(r + 1, l - 2);
			free(r);
			r = t;
		} else
			break;
	}
	return r;
}

static void parse_address(ctx *c, const field *f, char **name, char **addr)
{
	op_buf b = { 0 };
	size_t n;
	const char *v = unfold(&b, f, &n);
	size_t a;
	size_t e = first_mailbox(v, n, &a);
	const char *s = v + a;
	n = e > a ? e - a : 0;

	/* name <addr> */
	size_t lt = n;
	for (size_t i = 0; i < n;) {
		if (s[i] == '"')
			i = skip_quoted(s, n, i);
		else if (s[i] == '(')
			i = skip_comment(s, n, i);
		else if (s[i] == '<') {
			lt = i;
			break;
		} else
			i++;
	}
	if (lt < n) {
		const char *g = memchr(s + lt, '>', n - lt);
		size_t gt = g ? (size_t)(g - s) : n;
		*addr = addr_dup(s + lt + 1, gt - lt - 1);
		const char *cm = NULL;
		size_t cmn = 0;
		*name = name_dup(c, s, lt, &cm, &cmn);
		if (!*name && gt < n)	/* "<j@x> (John)" */
			*name = name_dup(c, s + gt + 1, n - gt - 1, NULL, NULL);
		if (!*name && cm)
			*name = name_dup(c, cm, cmn, NULL, NULL);
		op_buf_free(&b);
		return;
	}

	/* addr (Name), or words one of which is the address */
	size_t at_w = n, at_we = n, words = 0, ws[3], we[3];
	for (size_t i = 0; i < n;) {
		if (is_sp((unsigned char)s[i])) {
			i++;
			continue;
		}
		if (s[i] == '(') {
			i = skip_comment(s, n, i);
			continue;
		}
		size_t w = i;
		int at = 0;
		while (i < n && !is_sp((unsigned char)s[i]) && s[i] != '(') {
			if (s[i] == '"')
				i = skip_quoted(s, n, i);
			else
				at |= s[i++] == '@';
		}
		if (words < 3) {
			ws[words] = w;
			we[words] = i;
		}
		words++;
		if (at && at_w == n) {
			at_w = w;
			at_we = i;
		}
	}
	const char *cm = NULL;
	size_t cmn = 0;
	if (at_w < n) {
		*addr = addr_dup(s + at_w, at_we - at_w);
		op_buf nb = { 0 };	/* the other words, comments out */
		op_buf_add(&nb, s, at_w);
		op_buf_addc(&nb, ' ');
		op_buf_add(&nb, s + at_we, n - at_we);
		*name = name_dup(c, nb.p, nb.len, &cm, &cmn);
		if (!*name && cm)
			*name = name_dup(c, cm, cmn, NULL, NULL);
		op_buf_free(&nb);
	} else if (words == 3 && we[1] - ws[1] == 2 && !strncasecmp(s + ws[1], "at", 2)) {
		/* "jgb at example.com (Name)": mailing-list archives hide the @ */
		op_buf ab = { 0 };
		op_buf_add(&ab, s + ws[0], we[0] - ws[0]);
		op_buf_addc(&ab, '@');
		op_buf_add(&ab, s + ws[2], we[2] - ws[2]);
		*addr = addr_dup(ab.p, ab.len);
		op_buf_free(&ab);
		free(name_dup(c, s, n, &cm, &cmn));
		if (cm)
			*name = name_dup(c, cm, cmn, NULL, NULL);
	} else if (words == 1) {
		*addr = addr_dup(s, n);	/* "root (Charlie)", "MAILER-DAEMON" */
		free(name_dup(c, s, n, &cm, &cmn));
		if (cm)
			*name = name_dup(c, cm, cmn, NULL, NULL);
	} else if (words > 1)
		*name = name_dup(c, s, n, NULL, NULL);	/* a name and no address */
	op_buf_free(&b);
}

/* MIME */

typedef struct {
	char type[80];		/* "text/plain", lower case */
	char cs[65];		/* charset parameter */
	int attach;		/* Content-Disposition: attachment */
	char *filename;		/* filename or name parameter */
	int flowed, delsp;	/* RFC 3676 */
} partinfo;

static void param(const char *v, size_t n, const char *name, char *dst, size_t dsz)
{
	op_buf b = { 0 };
	dst[0] = 0;
	if (op_mime_param(&b, v, n, name, NULL) == 0 && b.p) {
		char *t = clean_dup(b.p, b.len);
		if (t && strlen(t) < dsz)
			strcpy(dst, t);
		free(t);
	}
	op_buf_free(&b);
}

static void part_info(ctx *c, const fields *fs, const char *deftype, partinfo *pi)
{
	op_buf b = { 0 };
	size_t n;
	memset(pi, 0, sizeof *pi);
	const field *ct = get_field(fs, "content-type");
	const char *v = unfold(&b, ct, &n);
	/* type/subtype, tokens (RFC 2045 5.1); anything else means the
	 * default (RFC 2045 5.2) */
	size_t k = 0, slash = 0;
	int bad = 0;
	while (k < n && v[k] != ';' && v[k] != '(' && !is_sp((unsigned char)v[k])) {
		unsigned char ch = (unsigned char)v[k];
		if (ch == '/') {
			bad |= slash != 0;
			slash = k;
		} else if (ch <= ' ' || ch >= 127 || strchr("()<>@,;:\\\"[]?=", ch))
			bad = 1;
		k++;
	}
	if (k >= sizeof pi->type)
		bad = 1;
	if (!bad && slash > 0 && slash + 1 < k) {
		for (size_t i = 0; i < k; i++)
			pi->type[i] = (char)((v[i] >= 'A' && v[i] <= 'Z') ? v[i] | 0x20 : v[i]);
		pi->type[k] = 0;
	} else if (ct && k == 4 && !strncasecmp(v, "text", 4))
		strcpy(pi->type, "text/plain");
	else
		strcpy(pi->type, deftype);
	char tmp[16];
	if (ct) {
		param(v, n, "charset", pi->cs, sizeof pi->cs);
		param(v, n, "format", tmp, sizeof tmp);
		pi->flowed = !strcasecmp(tmp, "flowed");
		param(v, n, "delsp", tmp, sizeof tmp);
		pi->delsp = !strcasecmp(tmp, "yes");
	}
	op_buf fb = { 0 };
	int fell = 0, found = -1;
	const field *cd = get_field(fs, "content-disposition");
	if (cd) {
		op_buf db = { 0 };
		const char *d = unfold(&db, cd, &n);
		pi->attach = n >= 10 && !strncasecmp(d, "attachment", 10);
		found = op_mime_param(&fb, d, n, "filename", &fell);
		op_buf_free(&db);
	}
	if (found < 0 && ct) {
		v = unfold(&b, ct, &n);
		found = op_mime_param(&fb, v, n, "name", &fell);
	}
	if (found == 0) {
		pi->filename = clean_dup(fb.p ? fb.p : "", fb.len);
		if (fell)
			mwarn(c->m, OP_DEFECT_CHARSET_GUESSED, "filename charset unknown or wrong, read as Windows-1252");
	}
	op_buf_free(&fb);
	op_buf_free(&b);
}

/* The part's body with its Content-Transfer-Encoding undone: s itself, or
 * the bytes in tmp. */
static const char *decode_body(ctx *c, const fields *fs, const char *s, size_t n, op_buf *tmp,
    size_t *outn)
{
	op_buf b = { 0 };
	size_t l;
	const char *v = unfold(&b, get_field(fs, "content-transfer-encoding"), &l);
	int b64 = l >= 6 && !strncasecmp(v, "base64", 6);
	int qp = l >= 16 && !strncasecmp(v, "quoted-printable", 16);
	op_buf_free(&b);
	*outn = n;
	if (!b64 && !qp)
		return s;	/* 7bit, 8bit, binary, or unknown: as it is */
	op_buf_reset(tmp);
	if (b64 && op_base64_decode(tmp, s, n))
		mwarn(c->m, OP_DEFECT_BASE64, "damaged base64 (junk or a cut group), decoded what was there");
	else if (qp && op_qp_decode(tmp, s, n, 0))
		mwarn(c->m, OP_DEFECT_QP, "damaged quoted-printable ('=' escaping nothing), kept as it was");
	*outn = tmp->len;
	return tmp->p ? tmp->p : "";
}

/* Count '>' quote marks at the start of a flowed line. */
static size_t quote_depth(const char *s, size_t n)
{
	size_t q = 0;
	while (q < n && s[q] == '>')
		q++;
	return q;
}

/* Append UTF-8 text to r: line ends made \n, controls dropped, format=
 * flowed lines joined (RFC 3676), trailing whitespace and runs of blank
 * lines gone; a blank line separates it from text already there. */
static void add_text(result *r, const char *s, size_t n, const partinfo *pi)
{
	op_buf t = { 0 };
	op_buf_grow(&t, n);
	t.p[t.len] = 0;
	size_t i = 0;
	if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		i = 3;	/* a byte order mark */
	for (; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\r') {
			if (i + 1 < n && s[i + 1] == '\n')
				continue;
			ch = '\n';
		}
		if ((ch < ' ' && ch != '\n' && ch != '\t') || ch == 0x7F)
			continue;
		t.p[t.len++] = (char)ch;
	}
	t.p[t.len] = 0;
	if (pi && pi->flowed) {
		op_buf f = { 0 };
		op_buf_grow(&f, t.len);
		f.p[f.len] = 0;
		size_t p = 0;
		int joining = 0;	/* the previous line was soft-broken */
		while (p < t.len) {
			const char *nl = memchr(t.p + p, '\n', t.len - p);
			size_t e = nl ? (size_t)(nl - t.p) : t.len;
			const char *line = t.p + p;
			size_t ln = e - p;
			size_t q = quote_depth(line, ln);
			/* a continuation loses its quote marks and stuffing */
			size_t skip = joining ? q : 0;
			if (skip < ln && line[skip] == ' ')
				skip++;
			if (!joining && q)
				skip = 0;
			op_buf_add(&f, line + skip, ln - skip);
			int soft = ln && line[ln - 1] == ' ' && !(ln == 3 && !memcmp(line, "-- ", 3));
			if (soft && nl) {
				const char *nx = t.p + e + 1;
				size_t nxn = t.len - e - 1;
				const char *nnl = memchr(nx, '\n', nxn);
				if (quote_depth(nx, nnl ? (size_t)(nnl - nx) : nxn) != q)
					soft = 0;
			}
			if (soft && nl) {
				if (pi->delsp)
					f.len--;
				joining = 1;
			} else {
				if (nl)
					op_buf_addc(&f, '\n');
				joining = 0;
			}
			p = nl ? e + 1 : t.len;
		}
		if (f.p)
			f.p[f.len] = 0;
		op_buf_free(&t);
		t = f;
	}
	/* lines lose trailing whitespace, runs of blank lines become one,
	 * blank lines at either end go */
	op_buf o = { 0 };
	op_buf_grow(&o, t.len + 2);
	o.p[o.len] = 0;
	int blanks = 0;
	for (size_t p = 0; p < t.len;) {
		const char *nl = memchr(t.p + p, '\n', t.len - p);
		size_t e = nl ? (size_t)(nl - t.p) : t.len;
		size_t z = e;
		while (z > p && (t.p[z - 1] == ' ' || t.p[z - 1] == '\t'))
			z--;
		if (z == p)
			blanks++;
		else {
			if (o.len)
				op_buf_add(&o, "\n\n", blanks ? 2 : 1);
			else if (r->text.len)
				op_buf_add(&o, "\n\n", 2);	/* after an earlier part */
			op_buf_add(&o, t.p + p, z - p);
			blanks = 0;
		}
		p = e + 1;
	}
	if (o.len)
		op_buf_add(&r->text, o.p, o.len);
	op_buf_free(&o);
	op_buf_free(&t);
}

static void add_att(result *r, char *filename, const char *type, size_t size)
{
	r->att = op_grow(r->att, r->natt, &r->cap, sizeof *r->att);
	op_attachment *a = &r->att[r->natt++];
	a->filename = filename;
	a->type = op_xstrdup(type);
	a->size = size;
}

static void result_free(result *r)
{
	op_buf_free(&r->text);
	for (size_t i = 0; i < r->natt; i++) {
		free(r->att[i].filename);
		free(r->att[i].type);
	}
	free(r->att);
	memset(r, 0, sizeof *r);
}

/* Move src's text and attachments to the end of dst. */
static void result_merge(result *dst, result *src)
{
	if (src->text.len) {
		if (dst->text.len)
			op_buf_add(&dst->text, "\n\n", 2);
		op_buf_add(&dst->text, src->text.p, src->text.len);
	}
	dst->kind |= src->kind;
	for (size_t i = 0; i < src->natt; i++) {
		add_att(dst, src->att[i].filename, src->att[i].type, src->att[i].size);
		free(src->att[i].type);
		src->att[i].filename = src->att[i].type = NULL;
	}
	src->natt = 0;
	result_free(src);
}

static void walk(ctx *c, const char *s, size_t n, const char *deftype, int depth, result *r);

/* Is s[0..n) (one line, no line end) a delimiter "--boundary" or the
 * closing "--boundary--"?  1 delimiter, 2 closing, 0 neither.  Whitespace
 * may follow (RFC 2046 transport padding). */
static int delimiter(const char *s, size_t n, const char *b, size_t bl)
{
	if (n < bl + 2 || s[0] != '-' || s[1] != '-' || memcmp(s + 2, b, bl))
		return 0;
	size_t i = bl + 2;
	int close = 0;
	if (i + 2 <= n && s[i] == '-' && s[i + 1] == '-') {
		close = 1;
		i += 2;
	}
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	return i == n ? 1 + close : 0;
}

/* The next delimiter line at or after line start p: sets *ls (its start),
 * *le (the start of the line after it); returns delimiter()'s kind, 0 when
 * there is none (*ls = n). */
static int next_delim(const char *s, size_t n, size_t p, const char *b, size_t bl,
    size_t *ls, size_t *le)
{
	while (p < n) {
		const char *nl = memchr(s + p, '\n', n - p);
		size_t e = nl ? (size_t)(nl - s) : n;
		int k = s[p] == '-' ? delimiter(s + p, e - p, b, bl) : 0;
		if (k) {
			*ls = p;
			*le = nl ? e + 1 : n;
			return k;
		}
		p = nl ? e + 1 : n;
	}
	*ls = *le = n;
	return 0;
}

/* When the declared boundary never occurs: a line "--x" followed by a
 * "Content-" field names the boundary the parts really use. */
static int sniff_boundary(const char *s, size_t n, char *b, size_t bsz)
{
	size_t p = 0;
	while (p < n) {
		const char *nl = memchr(s + p, '\n', n - p);
		if (!nl)
			return -1;
		size_t e = (size_t)(nl - s), l = e - p;
		if (l > 0 && s[e - 1] == '\r')
			l--;
		if (l > 2 && l - 2 < bsz && s[p] == '-' && s[p + 1] == '-' && e + 9 <= n
		    && !strncasecmp(s + e + 1, "content-", 8)) {
			memcpy(b, s + p + 2, l - 2);
			b[l - 2] = 0;
			while (l > 2 && (b[l - 3] == ' ' || b[l - 3] == '\t'))
				b[--l - 2] = 0;
			return b[0] ? 0 : -1;
		}
		p = e + 1;
	}
	return -1;
}

/* The best alternative: text/plain with text, else HTML with text, else
 * any with text, else the last (RFC 2046: the richest). */
static size_t pick_alternative(result *alts, size_t na)
{
	for (size_t i = 0; i < na; i++)
		if ((alts[i].kind & KIND_PLAIN) && alts[i].text.len)
			return i;
	for (size_t i = 0; i < na; i++)
		if ((alts[i].kind & KIND_HTML) && alts[i].text.len)
			return i;
	for (size_t i = 0; i < na; i++)
		if (alts[i].text.len)
			return i;
	return na - 1;
}

static void walk_multipart(ctx *c, const char *s, size_t n, const char *subtype,
    const char *boundary, int depth, result *r)
{
	char bb[256];
	size_t bl = strlen(boundary);
	size_t ls, le;
	int kind = bl ? next_delim(s, n, 0, boundary, bl, &ls, &le) : 0;
	if (!kind && sniff_boundary(s, n, bb, sizeof bb) == 0) {
		if (bl)
			mwarn(c->m, OP_DEFECT_BOUNDARY_NOT_FOUND,
			    "multipart boundary '%.60s' not found, using '%.60s'", boundary, bb);
		else
			mwarn(c->m, OP_DEFECT_BOUNDARY_MISSING,
			    "multipart without a boundary parameter, using '%.60s' found in its body", bb);
		boundary = bb;
		bl = strlen(bb);
		kind = next_delim(s, n, 0, boundary, bl, &ls, &le);
	}
	if (kind != 1) {
		/* no opening delimiter: what comes before the closing one (or
		 * everything) is one part, with fields when it starts with one */
		if (kind == 2)
			mwarn(c->m, OP_DEFECT_BOUNDARY_NOT_FOUND,
			    "multipart without an opening boundary, read as one part");
		else if (bl)
			mwarn(c->m, OP_DEFECT_BOUNDARY_NOT_FOUND,
			    "multipart boundary '%.60s' not found, its body read as text", boundary);
		else
			mwarn(c->m, OP_DEFECT_BOUNDARY_MISSING,
			    "multipart without a boundary parameter, its body read as text");
		size_t end = kind == 2 ? ls : n;
		if (end >= 8 && !strncasecmp(s, "content-", 8)) {
			walk(c, s, end, "text/plain", depth + 1, r);
			return;
		}
		op_buf u = { 0 };
		text_to_utf8(c, &u, s, end, NULL);
		add_text(r, u.p ? u.p : "", u.len, NULL);
		r->kind |= KIND_PLAIN;
		op_buf_free(&u);
		return;
	}
	int alternative = !strcmp(subtype, "alternative");
	const char *childtype = !strcmp(subtype, "digest") ? "message/rfc822" : "text/plain";
	result *alts = NULL;
	size_t na = 0;
	while (kind == 1) {
		size_t start = le, ns, ne;
		int nk = next_delim(s, n, start, boundary, bl, &ns, &ne);
		size_t end = ns;
		/* the line end before a delimiter belongs to the delimiter */
		if (nk && end > start && s[end - 1] == '\n')
			end--;
		if (nk && end > start && s[end - 1] == '\r')
			end--;
		if (!nk)
			mwarn(c->m, OP_DEFECT_TRUNCATED_PART, "closing multipart boundary missing");
		if (++c->parts > MAXPARTS) {
			mwarn(c->m, OP_DEFECT_PART_LIMIT, "more than %d MIME parts, the rest skipped", MAXPARTS);
			break;
		}
		if (alternative) {
			alts = op_xrealloc(alts, (na + 1) * sizeof *alts);
			memset(&alts[na], 0, sizeof *alts);
			walk(c, s + start, end - start, childtype, depth + 1, &alts[na]);
			na++;
		} else {
			result sub = { 0 };
			walk(c, s + start, end - start, childtype, depth + 1, &sub);
			result_merge(r, &sub);
		}
		kind = nk;
		le = ne;
	}
	if (na) {
		size_t best = pick_alternative(alts, na);
		for (size_t i = 0; i < na; i++) {
			if (i == best)
				result_merge(r, &alts[i]);
			else
				result_free(&alts[i]);
		}
	}
	free(alts);
}

/* message/rfc822 (or message/global): an attachment named by its
 * filename, else after the inner Subject. */
static void add_message(ctx *c, const char *s, size_t n, partinfo *pi, result *r)
{
	char *name = pi->filename;
	pi->filename = NULL;
	if (!name) {
		fields in = { 0 };
		parse_fields(s, n, &in);
		const field *sf = get_field(&in, "subject");
		if (sf) {
			op_buf b = { 0 };
			size_t l;
			const char *v = unfold(&b, sf, &l);
			char *subj = header_text(c, v, l);
			if (subj) {
				for (char *p = subj; *p; p++)
					if (*p == '/' || *p == '\\')
						*p = '_';
				name = op_xmalloc(strlen(subj) + 5);
				sprintf(name, "%s.eml", subj);
				free(subj);
			}
			op_buf_free(&b);
		}
		free(in.f);
	}
	add_att(r, name ? name : op_xstrdup("message.eml"), pi->type, n);
}

/* Text that op_to_utf8 could not take whole in charset cs: one bad byte
 * should not make mojibake of the rest, so line by line, only the lines
 * that are bad read as Windows-1252.  Not for UTF-16 and UTF-32, where a
 * 0x0A byte may be half of a character. */
static void to_utf8_lines(op_buf *u, const char *s, size_t n, const char *cs)
{
	if (strstr(cs, "16") || strstr(cs, "32") || !strncasecmp(cs, "ucs", 3)) {
		op_to_utf8(u, s, n, cs);
		return;
	}
	for (size_t p = 0; p < n;) {
		const char *nl = memchr(s + p, '\n', n - p);
		size_t e = nl ? (size_t)(nl - s) + 1 : n;
		op_to_utf8(u, s + p, e - p, cs);
		p = e;
	}
}

/* One MIME entity at s[0..n): header fields, then its body. */
static void walk(ctx *c, const char *s, size_t n, const char *deftype, int depth, result *r)
{
	fields fs = { 0 };
	size_t body = parse_fields(s, n, &fs);
	partinfo pi;
	part_info(c, &fs, deftype, &pi);
	const char *b = s + body;
	size_t bn = n - body;

	if (!strncmp(pi.type, "multipart/", 10)) {
		if (depth >= MAXDEPTH) {
			mwarn(c->m, OP_DEFECT_DEPTH_LIMIT, "MIME nesting deeper than %d, inner parts skipped",
			    MAXDEPTH);
		} else {
			op_buf hb = { 0 };
			size_t l;
			const char *v = unfold(&hb, get_field(&fs, "content-type"), &l);
			char boundary[256];
			param(v, l, "boundary", boundary, sizeof boundary);
			op_buf_free(&hb);
			walk_multipart(c, b, bn, pi.type + 10, boundary, depth, r);
		}
		free(pi.filename);
		free(fs.f);
		return;
	}

	op_buf dec = { 0 };
	size_t dn;
	const char *d = decode_body(c, &fs, b, bn, &dec, &dn);
	int html = !strcmp(pi.type, "text/html");
	int text = !strcmp(pi.type, "text/plain") || html || !strcmp(pi.type, "text/enriched")
	    || !strcmp(pi.type, "text/richtext");

	if (!strcmp(pi.type, "message/rfc822") || !strcmp(pi.type, "message/global")) {
		add_message(c, d, dn, &pi, r);
	} else if (pi.attach || pi.filename || !text) {
		add_att(r, pi.filename, pi.type, dn);
		pi.filename = NULL;
	} else {
		op_buf u = { 0 };
		char sniffed[65];
		const char *cs = pi.cs[0] ? pi.cs : NULL;
		if (!cs && html && op_html_charset(d, dn, sniffed, sizeof sniffed) == 0)
			cs = sniffed;
		if (text_to_utf8(c, &u, d, dn, cs) && cs) {
			op_buf_reset(&u);
			to_utf8_lines(&u, d, dn, cs);
		}
		if (html) {
			op_buf h = { 0 };
			op_html_to_text(&h, u.p ? u.p : "", u.len);
			add_text(r, h.p ? h.p : "", h.len, NULL);
			op_buf_free(&h);
			r->kind |= KIND_HTML;
		} else {
			add_text(r, u.p ? u.p : "", u.len, &pi);
			r->kind |= KIND_PLAIN;
		}
		op_buf_free(&u);
	}
	op_buf_free(&dec);
	free(pi.filename);
	free(fs.f);
}

/* The next msg-id "<...>" of v[*pos..n) (RFC 5322 3.6.4): 1 with its
 * text in *id, *idn, else 0. */
static int next_id(const char *v, size_t n, size_t *pos, const char **id, size_t *idn)
{
	const char *lt = *pos < n ? memchr(v + *pos, '<', n - *pos) : NULL;
	const char *gt = lt ? memchr(lt, '>', n - (size_t)(lt - v)) : NULL;
	if (!gt)
		return 0;
	*id = lt + 1;
	*idn = (size_t)(gt - lt - 1);
	*pos = (size_t)(gt - v) + 1;
	return 1;
}

/* The first msg-id of a field; a value without <> is taken whole (some
 * mailers leave them out). */
static char *first_id(const char *v, size_t n)
{
	const char *id;
	size_t idn, pos = 0;
	return next_id(v, n, &pos, &id, &idn) ? addr_dup(id, idn) : addr_dup(v, n);
}

/* References: at most OP_MAIL_MAXREFS ids, the first (the thread's root)
 * and the newest, as RFC 5537 3.4.4 trims a long one; ids without <> are
 * not ids here (the field is a list of them). */
static void references(op_mail *m, const char *v, size_t n)
{
	const char *id;
	size_t idn, pos = 0, total = 0, i = 0;
	while (next_id(v, n, &pos, &id, &idn))
		total++;
	if (!total)
		return;
	m->refs = op_xmalloc((total < OP_MAIL_MAXREFS ? total : OP_MAIL_MAXREFS) * sizeof *m->refs);
	for (pos = 0; next_id(v, n, &pos, &id, &idn); i++) {
		if (i && total - i >= OP_MAIL_MAXREFS)
			continue;
		char *r = addr_dup(id, idn);
		if (r)
			m->refs[m->nrefs++] = r;
	}
}

/* The first word of field f (up to a blank, ';' or '('), lower case,
 * into dst; "" when absent or too long. */
static void first_word(op_buf *b, const field *f, char *dst, size_t dsz)
{
	size_t n, k = 0;
	const char *v = unfold(b, f, &n);
	dst[0] = 0;
	if (!f)
		return;
	while (k < n && !is_sp((unsigned char)v[k]) && v[k] != ';' && v[k] != '(')
		k++;
	if (k >= dsz)
		return;
	for (size_t i = 0; i < k; i++)
		dst[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] | 0x20 : v[i]);
	dst[k] = 0;
}

int op_mail_parse(const char *msg, size_t len, op_mail *m)
{
	memset(m, 0, sizeof *m);
	/* an mbox envelope line is not a field */
	if (len >= 5 && !memcmp(msg, "From ", 5)) {
		const char *nl = memchr(msg, '\n', len);
		size_t skip = nl ? (size_t)(nl - msg) + 1 : len;
		msg += skip;
		len -= skip;
	}
	fields fs = { 0 };
	size_t hlen = parse_fields(msg, len, &fs);
	if (!fs.n) {
		free(fs.f);
		return -1;
	}
	ctx c = { .m = m };
	op_buf b = { 0 };
	size_t n;
	const char *v;

	/* the top-level charset, for raw 8-bit header text */
	const field *ct = get_field(&fs, "content-type");
	if (ct) {
		v = unfold(&b, ct, &n);
		param(v, n, "charset", c.raw_cs, sizeof c.raw_cs);
	}
	/* 8-bit header text read in that charset is warned of where it does
	 * not fit; without one, it is UTF-8 (RFC 6532) or a guess */
	if (!c.raw_cs[0] && op_utf8_valid_prefix(msg, hlen) != hlen)
		mwarn(m, OP_DEFECT_UNDECLARED_8BIT, "8-bit header text without a charset, read as Windows-1252");

	const field *f = get_field(&fs, "from");
	if (!f)
		f = get_field(&fs, "sender");
	if (f)
		parse_address(&c, f, &m->from_name, &m->from_addr);
	if ((f = get_field(&fs, "reply-to")))
		parse_address(&c, f, &m->reply_name, &m->reply_addr);
	if ((f = get_field(&fs, "to"))) {
		char *dummy = NULL;
		parse_address(&c, f, &dummy, &m->to_addr);
		free(dummy);
	}
	if ((f = get_field(&fs, "subject"))) {
		v = unfold(&b, f, &n);
		m->subject = header_text(&c, v, n);
	}
	if ((f = get_field(&fs, "message-id"))) {
		v = unfold(&b, f, &n);
		m->message_id = first_id(v, n);
	}
	if ((f = get_field(&fs, "in-reply-to"))) {
		v = unfold(&b, f, &n);
		m->in_reply_to = first_id(v, n);
	}
	if ((f = get_field(&fs, "references"))) {
		v = unfold(&b, f, &n);
		references(m, v, n);
	}
	first_word(&b, get_field(&fs, "auto-submitted"), m->auto_submitted, sizeof m->auto_submitted);
	if (!(f = get_field(&fs, "x-autoreply")))
		f = get_field(&fs, "x-autorespond");
	first_word(&b, f, m->autoreply, sizeof m->autoreply);
	first_word(&b, get_field(&fs, "precedence"), m->precedence, sizeof m->precedence);
	if (ct) {
		v = unfold(&b, ct, &n);
		if (n >= 16 && !strncasecmp(v, "multipart/report", 16))
			param(v, n, "report-type", m->report_type, sizeof m->report_type);
	}
	/* no warning here: the caller says what it read received_at from */
	f = get_field(&fs, "date");
	v = unfold(&b, f, &n);
	if (!n) {
		/* an empty Date is no date (RFC 5322 3.6.1 requires one),
		 * but the message says which it was */
		m->defects |= OP_DEFECT_DATE_MISSING;
		m->date_empty = f != NULL;
	} else if (op_time_parse_rfc5322(v, n, &m->date) == 0) {
		m->has_date = 1;
	} else {
		m->defects |= OP_DEFECT_DATE_UNPARSEABLE;
		snprintf(m->date_text, sizeof m->date_text, "%.*s", (int)n, v);
		printable(m->date_text);
	}
	op_buf_free(&b);
	free(fs.f);

	result r = { 0 };
	walk(&c, msg, len, "text/plain", 0, &r);
	m->body = r.text.p ? r.text.p : op_xstrdup("");
	r.text.p = NULL;
	m->att = r.att;
	m->natt = r.natt;
	return 0;
}

const char *op_defect_name(int i)
{
	static const char *const names[OP_DEFECT_COUNT] = {
		"charset-guessed", "undeclared-8bit", "date-missing", "date-unparseable",
		"base64-damaged", "qp-damaged", "boundary-missing", "boundary-not-found",
		"truncated-part", "depth-limit", "part-limit",
	};
	return i >= 0 && i < OP_DEFECT_COUNT ? names[i] : NULL;
}

void op_mail_free(op_mail *m)
{
	free(m->from_name);
	free(m->from_addr);
	free(m->reply_name);
	free(m->reply_addr);
	free(m->to_addr);
	free(m->subject);
	free(m->body);
	free(m->message_id);
	free(m->in_reply_to);
	for (size_t i = 0; i < m->nrefs; i++)
		free(m->refs[i]);
	free(m->refs);
	for (size_t i = 0; i < m->natt; i++) {
		free(m->att[i].filename);
		free(m->att[i].type);
	}
	free(m->att);
	memset(m, 0, sizeof *m);
}
