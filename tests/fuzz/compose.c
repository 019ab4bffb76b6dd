/* compose.c - fuzz lib/mail/compose: the input, split at NUL bytes, is a
 * draft's to_name, subject, to_addr, message_id, in_reply_to, references,
 * from and body (a field not there keeps a good value).  op_compose
 * refuses (65, a message, out unchanged) or writes a message whose header
 * lines each start a field it writes, once, or fold one (no value ever
 * starts a header), lines within 76 but for one id or address alone on
 * one, and within 998;
 * lib/mail reads back the subject, address and id given, and the body
 * decodes to the one given.  MIT licence. */
#include "fuzz.h"
#include "compose.h"
#include "mail.h"
#include "rfc2047.h"

FUZZ_SEEDS("tests/data/fuzz-seeds/compose/*");

static const char *const fields[] = {
	"Date", "From", "To", "Subject", "Message-ID", "In-Reply-To", "References",
	"MIME-Version", "Content-Type", "Content-Transfer-Encoding",
};
#define NFIELDS (sizeof fields / sizeof fields[0])

/* The header block of m[0..n): its length, each line checked. */
static size_t check_header(const char *m, size_t n)
{
	int seen[NFIELDS] = { 0 };
	size_t i = 0;
	while (i < n && m[i] != '\n') {
		const char *e = memchr(m + i, '\n', n - i);
		if (!e)
			fuzz_fail("the header does not end");
		size_t len = (size_t)(e - m) - i;
		if (len > 998)
			fuzz_fail("a header line of %zu", len);
		/* past 76 only an id or an address, which cannot be folded */
		const char *t = m[i] == ' ' ? m + i + 1 : memchr(m + i, ' ', len);
		if (len > 76 && (!t || memchr(t + 1, ' ', (size_t)(m + i + len - t - 1))))
			fuzz_fail("a line of %zu that could have been folded", len);
		if (m[i] != ' ') {
			size_t f = 0;
			while (f < NFIELDS && !(len > strlen(fields[f]) && !strncmp(m + i, fields[f], strlen(fields[f]))
			    && m[i + strlen(fields[f])] == ':'))
				f++;
			if (f == NFIELDS)
				fuzz_fail("a header line that starts no field of ours: %.40s", m + i);
			if (seen[f]++)
				fuzz_fail("%s twice", fields[f]);
		} else if (len < 2 || m[i + 1] == ' ') {
			fuzz_fail("a folded line of whitespace");
		}
		for (size_t k = i; k < i + len; k++)
			if ((unsigned char)m[k] < ' ' || (unsigned char)m[k] >= 0x7f)
				fuzz_fail("byte 0x%02x in the header", (unsigned char)m[k]);
		i += len + 1;
	}
	if (i >= n)
		fuzz_fail("no blank line after the header");
	return i + 1;
}

/* what body[0..n) must read back as: CRLF as LF, a final LF */
static void want_body(op_buf *w, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
			op_buf_addc(w, s[i]);
	if (w->len && w->p[w->len - 1] != '\n')
		op_buf_addc(w, '\n');
}

static void check(const op_compose_hdr *h, const char *m, size_t n, const char *body, size_t blen)
{
	size_t hl = check_header(m, n);
	op_buf got = { 0 }, want = { 0 };
	if (memmem(m, hl, "\nContent-Transfer-Encoding: 7bit\n", 33))
		op_buf_add(&got, m + hl, n - hl);
	else
		op_qp_decode(&got, m + hl, n - hl, 0);
	want_body(&want, body, blen);
	if (got.len != want.len || memcmp(got.p ? got.p : "", want.p ? want.p : "", got.len))
		fuzz_fail("the body reads back otherwise");

	op_mail mail;
	if (op_mail_parse(m, n, &mail))
		fuzz_fail("lib/mail cannot read it");
	op_buf_reset(&want);
	op_mail_clean(&want, h->subject, strlen(h->subject));
	if (strcmp(mail.subject ? mail.subject : "", want.p))
		fuzz_fail("Subject reads back as '%s'", mail.subject ? mail.subject : "");
	if (!mail.to_addr || strcmp(mail.to_addr, h->to_addr))
		fuzz_fail("To reads back as '%s'", mail.to_addr ? mail.to_addr : "");
	if (!mail.message_id || strcmp(mail.message_id, h->message_id))
		fuzz_fail("Message-ID reads back as '%s'", mail.message_id ? mail.message_id : "");
	op_mail_free(&mail);
	op_buf_free(&got);
	op_buf_free(&want);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_init();
	char *s = op_xmalloc(n + 1);
	memcpy(s, d, n);
	s[n] = 0;
	const char *v[8] = { "Jürgen Müller", "Re: Größe", "a@example.com", "id@example.com",
		"p@example.com", "r1@x.example r2@x.example", "Firm <f@example.com>", "" };
	size_t i = 0, k = 0;
	for (; k < 7 && i <= n; k++) {
		const char *z = memchr(s + i, 0, n - i);
		if (!z)
			break;
		v[k] = s + i;
		i = (size_t)(z - s) + 1;
	}
	const char *body = i <= n ? s + i : "";
	size_t blen = i <= n ? n - i : 0;
	op_compose_hdr h = { .to_name = v[0], .subject = v[1], .to_addr = v[2], .message_id = v[3],
		.in_reply_to = v[4], .references = v[5], .from = v[6], .date = (op_time)n * 86399 };
	op_buf out = { 0 };
	op_buf_adds(&out, "x");
	op_err e = { 0 };
	if (op_compose(&out, &h, body, blen, &e)) {
		if (e.code != OP_EXIT_DATAERR || !e.msg[0] || strcmp(out.p, "x"))
			fuzz_fail("a refusal with code %d, message '%s', %zu bytes out", e.code, e.msg, out.len);
	} else {
		check(&h, out.p + 1, out.len - 1, body, blen);
	}
	op_buf_free(&out);
	free(s);
	return 0;
}
