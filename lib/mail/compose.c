/* compose.c - a reply draft as an RFC 5322 message, its UTF-8 through MIME
 * (RFC 2045-2047), and its delivery into a maildir.  MIT licence.
 *
 * Lines end in LF, not CRLF: a maildir holds each message as a local text
 * file (maildir(5)); Dovecot, mutt, mblaze and Thunderbird read them so,
 * and an IMAP server sends them as CRLF.  Header lines are folded within
 * 76 columns: RFC 2047 section 2 allows no more on a line that holds an
 * encoded word, and RFC 5322's 78 is then kept too.  An id or an address
 * that is longer than a line stands alone on one (RFC 5322's limit is 998).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "atomic.h"
#include "charset.h"
#include "compose.h"
#include "hmap.h"
#include "mail.h"
#include "rfc2047.h"

#define LINE 76

/* --- what a value must be ------------------------------------------------ */

/* RFC 5322 section 3.2.3 */
static int atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
	    || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static int dot_atom(const char *s, size_t n)
{
	if (!n || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '.' ? s[i - 1] == '.' : !atext((unsigned char)s[i]))
			return 0;
	return 1;
}

static int domain_ok(const char *d, size_t n)
{
	if (n > 2 && d[0] == '[' && d[n - 1] == ']') {
		char lit[64];
		unsigned char bin[16];
		if (n - 2 >= sizeof lit)
			return 0;
		memcpy(lit, d + 1, n - 2);
		lit[n - 2] = 0;
		if (!strncasecmp(lit, "IPv6:", 5))
			return inet_pton(AF_INET6, lit + 5, bin) == 1;
		return inet_pton(AF_INET, lit, bin) == 1;
	}
	if (n > 253)
		return 0;
	size_t labels = 0, start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && d[i] != '.') {
			unsigned char c = (unsigned char)d[i];
			if (!(c == '-' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
				return 0;
			continue;
		}
		if (i == start || i - start > 63 || d[start] == '-' || d[i - 1] == '-')
			return 0;
		labels++;
		start = i + 1;
	}
	return labels >= 2;
}

/* An address opflow writes a draft to: a practical reading of RFC 5321
 * section 4.1.2 and RFC 5322 section 3.4.1.  local@domain, at most 254
 * characters (RFC 5321's 256 for a path, less its <>); the local part 1
 * to 64 atext characters in dot-atom form (no quoted local part, no
 * UTF-8: RFC 6531 would need SMTPUTF8 and a message/global draft); the
 * domain 1 to 253 characters of two or more labels of letters, digits
 * and hyphens, 1 to 63 each, no hyphen at either end (an IDN in its xn--
 * form), or an address literal, [192.0.2.1] or [IPv6:2001:db8::1], that
 * inet_pton reads.  So no space, control, quote, comma or angle bracket
 * ever reaches the To line. */
int op_compose_addr_ok(const char *a, size_t n)
{
	const char *at = memchr(a, '@', n);
	if (!at || n > 254)
		return 0;
	size_t ln = (size_t)(at - a);
	return ln <= 64 && dot_atom(a, ln) && domain_ok(at + 1, n - ln - 1);
}

/* A message id without its <>: atext, "." and "@" (RFC 5322 section
 * 3.6.4), and "[" "]" for a no-fold-literal right side.  Not held to the
 * dot-atoms' form: ids other mailers made are written back as they came,
 * and threads still join on them.  Nothing a reader takes for a comment
 * "(", a quoted string, or the id's end.  At most 900 characters: an id
 * cannot be folded, and its line must stay within RFC 5322's 998. */
int op_compose_id_ok(const char *s, size_t n)
{
	if (!n || n > 900)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!atext(c) && c != '.' && c != '@' && c != '[' && c != ']')
			return 0;
	}
	return 1;
}

/* s for a message: at most 60 bytes, controls as '?' */
static const char *shown(char out[64], const char *s)
{
	size_t i = 0;
	for (; s[i] && i < 60; i++)
		out[i] = (unsigned char)s[i] < ' ' || s[i] == 0x7f ? '?' : s[i];
	out[i] = 0;
	return out;
}

/* s as header text (op_mail_clean: compose.h says why); -1 when s is not
 * UTF-8 */
static int clean(op_buf *b, const char *s, size_t n)
{
	op_buf_reset(b);
	if (op_utf8_valid_prefix(s, n) != n)
		return -1;
	op_mail_clean(b, s, n);
	return 0;
}

/* --- header fields ------------------------------------------------------- */

typedef struct {
	op_buf *out;
	size_t line;	/* where the current line starts in out */
	size_t body;	/* where the field's body starts: no fold before it */
} field;

static void field_start(field *f, op_buf *out, const char *name)
{
	f->out = out;
	f->line = out->len;
	op_buf_adds(out, name);
	op_buf_addc(out, ':');
	f->body = out->len;
}

static size_t column(const field *f)
{
	return f->out->len - f->line;
}

static void fold(field *f)
{
	op_buf_addc(f->out, '\n');
	f->line = f->out->len;
}

/* s[0..n) after a space, or after a fold when it would pass the line */
static void token(field *f, const char *s, size_t n)
{
	if (f->out->len > f->body && column(f) + 1 + n > LINE)
		fold(f);
	op_buf_addc(f->out, ' ');
	op_buf_add(f->out, s, n);
}

/* The longest plain word: one that fits on the field's first line. */
static size_t plain_max(const field *f)
{
	return LINE - (f->body - f->line) - 1;
}

/* s[0..n) as encoded words, each after a space or a fold: a run starts
 * a new line unless it ends on this one, and then fills each line */
static void encoded(field *f, const char *s, size_t n)
{
	for (int first = 1; n; first = 0) {
		size_t mark = f->out->len, col = column(f), k = 0;
		if (col + 1 < LINE) {
			op_buf_addc(f->out, ' ');
			k = op_rfc2047_word(f->out, s, n, LINE - col - 1);
		}
		if (!k || (first && k < n && mark > f->body)) {
			f->out->len = mark;
			fold(f);
			op_buf_addc(f->out, ' ');
			k = op_rfc2047_word(f->out, s, n, LINE - 1);
		}
		s += k;
		n -= k;
	}
}

/* A word that may stand as it is: printable ASCII, nothing a reader could
 * take for an encoded word, and short enough for a line. */
static int plain_word(const char *w, size_t n, size_t max)
{
	if (n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];
		if (c <= ' ' || c >= 0x7f || (c == '=' && i + 1 < n && w[i + 1] == '?'))
			return 0;
	}
	return 1;
}

static size_t word_end(const char *s, size_t n, size_t i)
{
	const char *sp = memchr(s + i, ' ', n - i);
	return sp ? (size_t)(sp - s) : n;
}

/* Clean text s[0..n) as unstructured text (RFC 5322 section 3.2.5):
 * plain words as they are, each run of the other words one run of
 * encoded words holding the spaces between them (RFC 2047 section 5 (1)). */
static void unstructured(field *f, const char *s, size_t n)
{
	size_t max = plain_max(f);
	for (size_t i = 0; i < n;) {
		size_t e = word_end(s, n, i);
		if (plain_word(s + i, e - i, max)) {
			token(f, s + i, e - i);
			i = e + 1;
			continue;
		}
		while (e < n) {
			size_t ne = word_end(s, n, e + 1);
			if (plain_word(s + e + 1, ne - e - 1, max))
				break;
			e = ne;
		}
		encoded(f, s + i, e - i);
		i = e + 1;
	}
}

/* Clean text s[0..n) as a display name (RFC 5322 section 3.2.5's
 * phrase): atoms as they are; other ASCII as one quoted string; else,
 * or when a line cannot hold it, all of it encoded words (RFC 2047
 * section 5 (3)). */
static void phrase(field *f, const char *s, size_t n)
{
	size_t max = plain_max(f), quotes = 2;
	int atoms = 1;
	for (size_t i = 0, e; i < n; i = e + 1) {
		e = word_end(s, n, i);
		if (!plain_word(s + i, e - i, max)) {
			encoded(f, s, n);
			return;
		}
		for (size_t k = i; k < e; k++) {
			atoms &= atext((unsigned char)s[k]);
			quotes += s[k] == '"' || s[k] == '\\';
		}
	}
	if (atoms) {
		unstructured(f, s, n);
		return;
	}
	if (n + quotes > max) {
		encoded(f, s, n);
		return;
	}
	op_buf q = { 0 };
	op_buf_addc(&q, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			op_buf_addc(&q, '\\');
		op_buf_addc(&q, s[i]);
	}
	op_buf_addc(&q, '"');
	token(f, q.p, q.len);
	op_buf_free(&q);
}

/* A mailbox (RFC 5322 section 3.4): name <addr>, or addr alone. */
static void mailbox(field *f, const op_buf *name, const char *addr)
{
	if (name->len) {
		phrase(f, name->p, name->len);
		op_buf a = { 0 };
		op_buf_printf(&a, "<%s>", addr);
		token(f, a.p, a.len);
		op_buf_free(&a);
	} else {
		token(f, addr, strlen(addr));
	}
}

static void one_id(field *f, const char *id, size_t n)
{
	op_buf a = { 0 };
	op_buf_printf(&a, "<%.*s>", (int)n, id);
	token(f, a.p, a.len);
	op_buf_free(&a);
}

/* --- the message --------------------------------------------------------- */

/* The scratch a message is built with. */
typedef struct {
	op_buf name, addr;
} scratch;

/* from, "addr" or "Name <addr>" (the name may be a quoted string), into
 * s->name (clean) and s->addr */
static int split_from(scratch *s, const char *from, op_err *e)
{
	char sh[64];
	size_t n = strlen(from);
	const char *lt = strrchr(from, '<');
	op_buf raw = { 0 };
	op_buf_reset(&s->addr);
	if (lt && from[n - 1] == '>') {	/* lt: n > 0 */
		op_buf_add(&s->addr, lt + 1, (size_t)(from + n - 1 - lt - 1));
		const char *a = from, *z = lt;
		while (a < z && (*a == ' ' || *a == '\t'))
			a++;
		while (z > a && (z[-1] == ' ' || z[-1] == '\t'))
			z--;
		int quoted = z - a >= 2 && *a == '"' && z[-1] == '"';
		for (const char *p = a + quoted; p < z - quoted; p++) {
			if (quoted && *p == '\\' && p + 1 < z - quoted)
				p++;	/* a quoted-pair */
			op_buf_addc(&raw, *p);
		}
	} else {
		op_buf_adds(&s->addr, from);
	}
	int rc = clean(&s->name, raw.p ? raw.p : "", raw.len);
	op_buf_free(&raw);
	if (rc)
		return op_errf(e, OP_EXIT_DATAERR, "From: the name is not UTF-8");
	if (!op_compose_addr_ok(s->addr.p ? s->addr.p : "", s->addr.len))
		return op_errf(e, OP_EXIT_DATAERR, "From: '%s' is not an address (local@domain)",
		    shown(sh, from));
	return 0;
}

int op_compose_from_check(const char *from, op_err *e)
{
	scratch s = { { 0 }, { 0 } };
	int rc = split_from(&s, from, e);
	op_buf_free(&s.name);
	op_buf_free(&s.addr);
	return rc;
}

/* 7bit (RFC 2045 section 2.7) when each line is ASCII text of at most
 * 998 bytes, else quoted-printable */
static int seven_bit(const char *s, size_t n)
{
	size_t line = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			line = 0;
		else if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue;
		else if (c >= 0x7f || (c < ' ' && c != '\t') || ++line > 998)
			return 0;
	}
	return 1;
}

static void put_body(op_buf *out, const char *s, size_t n)
{
	int seven = seven_bit(s, n);
	op_buf_printf(out, "Content-Transfer-Encoding: %s\n\n", seven ? "7bit" : "quoted-printable");
	size_t start = out->len;
	if (!seven)
		op_qp_encode(out, s, n);
	else
		for (size_t i = 0; i < n; i++)
			if (!(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
				op_buf_addc(out, s[i]);
	if (out->len > start && out->p[out->len - 1] != '\n')
		op_buf_addc(out, '\n');
}

static int check_ids(const op_compose_hdr *h, op_err *e)
{
	char sh[64];
	if (!h->message_id || !*h->message_id)
		return op_errf(e, OP_EXIT_DATAERR, "Message-ID: missing");
	if (!op_compose_id_ok(h->message_id, strlen(h->message_id)))
		return op_errf(e, OP_EXIT_DATAERR, "Message-ID: '%s' is not a message id",
		    shown(sh, h->message_id));
	if (h->in_reply_to && *h->in_reply_to && !op_compose_id_ok(h->in_reply_to, strlen(h->in_reply_to)))
		return op_errf(e, OP_EXIT_DATAERR, "In-Reply-To: '%s' is not a message id",
		    shown(sh, h->in_reply_to));
	const char *r = h->references ? h->references : "";
	for (size_t i = 0, n = strlen(r), k; i < n; i = k + 1) {
		k = word_end(r, n, i);
		if (k > i && !op_compose_id_ok(r + i, k - i))
			return op_errf(e, OP_EXIT_DATAERR, "References: '%s' is not a list of message ids",
			    shown(sh, r));
	}
	return 0;
}

static int compose(op_buf *out, const op_compose_hdr *h, const char *body, size_t len,
    scratch *s, op_err *e)
{
	char sh[64];
	if (!h->to_addr || !*h->to_addr)
		return op_errf(e, OP_EXIT_DATAERR, "To: no reply address");
	if (!op_compose_addr_ok(h->to_addr, strlen(h->to_addr)))
		return op_errf(e, OP_EXIT_DATAERR, "To: '%s' is not an address (local@domain)",
		    shown(sh, h->to_addr));
	if (check_ids(h, e))
		return -1;
	if (op_utf8_valid_prefix(body, len) != len)
		return op_errf(e, OP_EXIT_DATAERR, "body: not UTF-8");

	char date[32];
	op_time_format_rfc5322(h->date, date);
	op_buf_printf(out, "Date: %s\n", date);
	field f;
	if (h->from) {
		if (split_from(s, h->from, e))
			return -1;
		field_start(&f, out, "From");
		mailbox(&f, &s->name, s->addr.p);
		op_buf_addc(out, '\n');
	}
	const char *name = h->to_name ? h->to_name : "";
	if (clean(&s->name, name, strlen(name)))
		return op_errf(e, OP_EXIT_DATAERR, "To: the name is not UTF-8");
	field_start(&f, out, "To");
	mailbox(&f, &s->name, h->to_addr);
	op_buf_addc(out, '\n');
	const char *subj = h->subject ? h->subject : "";
	if (clean(&s->name, subj, strlen(subj)))
		return op_errf(e, OP_EXIT_DATAERR, "Subject: not UTF-8");
	if (s->name.len) {
		field_start(&f, out, "Subject");
		unstructured(&f, s->name.p, s->name.len);
		op_buf_addc(out, '\n');
	}
	field_start(&f, out, "Message-ID");
	one_id(&f, h->message_id, strlen(h->message_id));
	op_buf_addc(out, '\n');
	if (h->in_reply_to && *h->in_reply_to) {
		field_start(&f, out, "In-Reply-To");
		one_id(&f, h->in_reply_to, strlen(h->in_reply_to));
		op_buf_addc(out, '\n');
	}
	const char *r = h->references ? h->references : "";
	size_t rn = strlen(r);
	if (rn > strspn(r, " ")) {
		field_start(&f, out, "References");
		for (size_t i = 0, k; i < rn; i = k + 1)
			if ((k = word_end(r, rn, i)) > i)
				one_id(&f, r + i, k - i);
		op_buf_addc(out, '\n');
	}
	op_buf_adds(out, "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n");
	put_body(out, body, len);
	return 0;
}

int op_compose(op_buf *out, const op_compose_hdr *h, const char *body, size_t len, op_err *e)
{
	size_t start = out->len;
	scratch s = { { 0 }, { 0 } };
	int rc = compose(out, h, body ? body : "", body ? len : 0, &s, e);
	op_buf_free(&s.name);
	op_buf_free(&s.addr);
	if (rc) {
		out->len = start;
		if (out->p)
			out->p[start] = 0;
	}
	return rc;
}

/* --- maildir ------------------------------------------------------------- */

#define KEYCHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

struct op_maildir {
	char *dir;
	op_hmap have;		/* the KEYs new/ and cur/ hold */
	char host[1024];	/* the host name as the maildir spec escapes it */
};

/* The names in dir/sub as KEYs, each one's longest prefix of KEYCHARS:
 * into md->have, or, when key is given, only compared with it (one draft
 * needs no table).  1 when key is there, 0, or -1. */
static int read_names(op_maildir *md, const char *sub, const char *key, op_err *e)
{
	op_buf p = { 0 };
	op_buf_printf(&p, "%s/%s", md->dir, sub);
	DIR *d = opendir(p.p);
	if (!d) {
		op_errf(e, OP_EXIT_IOERR, "%s: %s", p.p, strerror(errno));
		op_buf_free(&p);
		return -1;
	}
	size_t kn = key ? strlen(key) : 0;
	int rc = 0;
	struct dirent *de;
	errno = 0;
	while (!rc && (de = readdir(d))) {
		size_t k = strspn(de->d_name, KEYCHARS);
		if (key)
			rc = k == kn && !memcmp(de->d_name, key, k);
		else if (k && de->d_name[0] != '.') {
			int isnew;
			*op_hmap_put(&md->have, de->d_name, k, &isnew) = md;	/* present */
		}
		errno = 0;
	}
	if (!rc && errno)
		rc = op_errf(e, OP_EXIT_IOERR, "%s: %s", p.p, strerror(errno));
	closedir(d);
	op_buf_free(&p);
	return rc;
}

/* gethostname as the maildir spec writes it in a unique name: / and :
 * as \057 and \072 */
static void host_name(char *out, size_t cap)
{
	char h[256] = "localhost";
	if (gethostname(h, sizeof h - 1))
		strcpy(h, "localhost");
	h[sizeof h - 1] = 0;
	size_t o = 0;
	for (const char *p = h; *p && o + 5 < cap; p++) {
		if (*p == '/' || *p == ':') {
			memcpy(out + o, *p == '/' ? "\\057" : "\\072", 4);
			o += 4;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = 0;
}

/* The directories made, a handle with no names read yet. */
static op_maildir *make(const char *dir, op_err *e)
{
	static const char *const sub[] = { "", "/tmp", "/new", "/cur" };
	op_buf p = { 0 };
	for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
		op_buf_reset(&p);
		op_buf_printf(&p, "%s%s", dir, sub[i]);
		if (mkdir(p.p, 0700) && errno != EEXIST) {
			op_errf(e, OP_EXIT_IOERR, "%s: %s", p.p, strerror(errno));
			op_buf_free(&p);
			return NULL;
		}
	}
	op_buf_free(&p);
	op_maildir *md = op_xcalloc(1, sizeof *md);
	md->dir = op_xstrdup(dir);
	host_name(md->host, sizeof md->host);
	return md;
}

op_maildir *op_maildir_open(const char *dir, op_err *e)
{
	op_maildir *md = make(dir, e);
	if (md && (read_names(md, "new", NULL, e) || read_names(md, "cur", NULL, e))) {
		op_maildir_close(md);
		return NULL;
	}
	return md;
}

void op_maildir_close(op_maildir *md)
{
	if (!md)
		return;
	op_hmap_free(&md->have, NULL);
	free(md->dir);
	free(md);
}

/* msg written whole to a new file in tmp/ and renamed to dst; the tmp file
 * gone on any failure.  0, or -1 with *where the directory at fault and
 * errno set. */
static int deliver(op_maildir *md, const char *dst, const char *msg, size_t n, const char **where)
{
	/* the maildir spec's unique name: seconds, microseconds, process and
	 * the process's delivery count, host */
	static unsigned long deliveries;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	op_buf tmp = { 0 };
	op_buf_printf(&tmp, "%s/tmp/%lld.M%06ldP%ldQ%lu.%s", md->dir, (long long)tv.tv_sec,
	    (long)tv.tv_usec, (long)getpid(), ++deliveries, md->host);
	*where = "tmp";
	int fd = open(tmp.p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int rc = fd < 0 ? -1 : op_write_all(fd, msg, n);
	if (!rc)
		rc = fsync(fd);
	if (fd >= 0 && close(fd) && !rc)
		rc = -1;
	if (!rc) {
		*where = "cur";
		rc = rename(tmp.p, dst);
	}
	int err = errno;
	if (rc && fd >= 0)
		unlink(tmp.p);
	op_buf_free(&tmp);
	errno = err;
	return rc;
}

static int key_ok(const op_maildir *md, const char *key, op_err *e)
{
	char sh[64];
	size_t kn = strspn(key, KEYCHARS);
	if (!kn || kn > 200 || key[kn] || key[0] == '.')
		return op_errf(e, OP_EXIT_SOFTWARE, "%s: '%s' cannot name a draft", md->dir, shown(sh, key));
	return 0;
}

/* cur/KEY:2,D, through tmp/; KEY known to be new */
static int write_draft(op_maildir *md, const char *key, const char *msg, size_t n, op_err *e)
{
	/* rename(2) would replace a file of that very name: only another run
	 * writing the same draft at the same moment can have put one there */
	op_buf dst = { 0 };
	op_buf_printf(&dst, "%s/cur/%s:2,D", md->dir, key);
	const char *where;
	int rc = deliver(md, dst.p, msg, n, &where);
	op_buf_free(&dst);
	if (rc)
		return op_errf(e, OP_EXIT_IOERR, "%s/%s: %s", md->dir, where, strerror(errno));
	int isnew;
	*op_hmap_put(&md->have, key, strlen(key), &isnew) = md;
	return 0;
}

int op_maildir_add(op_maildir *md, const char *key, const char *msg, size_t n, op_err *e)
{
	if (key_ok(md, key, e))
		return -1;
	if (op_hmap_get(&md->have, key, strlen(key)))
		return 1;
	return write_draft(md, key, msg, n, e);
}

int op_maildir_put(const char *dir, const char *key, const char *msg, size_t n, op_err *e)
{
	op_maildir *md = make(dir, e);
	if (!md)
		return -1;
	int rc = key_ok(md, key, e);
	if (!rc)
		rc = read_names(md, "new", key, e);
	if (!rc)
		rc = read_names(md, "cur", key, e);
	if (!rc)
		rc = write_draft(md, key, msg, n, e);
	op_maildir_close(md);
	return rc;
}
