/* mail.c - fuzz the mail layer: RFC 5322/MIME parsing (lib/mail), the
 * mbox splitter (lib/mailbox), encoded words and parameters (lib/rfc2047)
 * and HTML to text (lib/html), each on the whole input.  Every string
 * they hand out is valid UTF-8 without control characters (the body keeps
 * \n and \t), and the work stays linear.  MIT licence. */
#include "fuzz.h"
#include "html.h"
#include "mail.h"
#include "mailbox.h"
#include "rfc2047.h"

FUZZ_SEEDS("tests/data/mail/*.eml", "tests/data/mail/defects/*", "tests/data/parse/*.eml",
	   "tests/data/parse/*.mbox", "tests/data/parse/maildir/*/*",
	   "tests/data/threads/*/*/*");

static void check_text(const char *what, const char *s, int body)
{
	if (!s)
		return;
	size_t n = strlen(s);
	if (!fuzz_utf8(s, n))
		fuzz_fail("%s is not UTF-8", what);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 || c == 0x7f) && !(body && (c == '\n' || c == '\t')))
			fuzz_fail("%s holds control character 0x%02x", what, c);
	}
}

/* Each defect has a name; a Date defect exactly when there is no date;
 * text lost to a limit is always among the warnings enq-parse prints. */
static void check_defects(const op_mail *m)
{
	if (m->defects >> OP_DEFECT_COUNT)
		fuzz_fail("defect bits 0x%x beyond the named ones", m->defects);
	int datedef = !!(m->defects & (OP_DEFECT_DATE_MISSING | OP_DEFECT_DATE_UNPARSEABLE));
	if (datedef == m->has_date)
		fuzz_fail("has_date %d with date defects %d", m->has_date, datedef);
	check_text("date_text", m->date_text, 0);
	int said = 0;
	for (unsigned i = 0; i < m->nwarn && i < 4; i++) {
		check_text("warning", m->warn[i], 0);
		said |= strstr(m->warn[i], "MIME parts, the rest") || strstr(m->warn[i], "MIME nesting");
	}
	if (m->defects & OP_DEFECTS_LOST && !said)
		fuzz_fail("text lost to a limit, and no warning says so");
}

static void check_mail(const char *msg, size_t len)
{
	op_mail m;
	if (op_mail_parse(msg, len, &m) == 0) {
		if (!m.body)
			fuzz_fail("no body");
		check_text("from_name", m.from_name, 0);
		check_text("from_addr", m.from_addr, 0);
		check_text("reply_name", m.reply_name, 0);
		check_text("reply_addr", m.reply_addr, 0);
		check_text("to_addr", m.to_addr, 0);
		check_text("subject", m.subject, 0);
		check_text("message_id", m.message_id, 0);
		check_text("in_reply_to", m.in_reply_to, 0);
		if (m.nrefs > OP_MAIL_MAXREFS)
			fuzz_fail("%zu references", m.nrefs);
		for (size_t i = 0; i < m.nrefs; i++)
			check_text("reference", m.refs[i], 0);
		check_text("body", m.body, 1);
		op_buf said = { 0 };
		op_mail_unquote(&said, m.body, strlen(m.body));
		if (said.len > strlen(m.body))
			fuzz_fail("the unquoted body is longer than the body");
		check_text("unquoted body", said.p, 1);
		op_buf_free(&said);
		op_mail_auto(&m);
		for (size_t i = 0; i < m.natt; i++) {
			check_text("attachment filename", m.att[i].filename, 0);
			check_text("attachment type", m.att[i].type, 0);
		}
		if (m.natt > 1000)
			fuzz_fail("%zu attachments", m.natt);
		check_defects(&m);
	}
	op_mail_free(&m);
}

static int on_msg(const char *msg, size_t len, const op_msg_src *src, void *ctx)
{
	op_time t;
	int naive;
	if (src->envelope && op_mbox_from_time(src->envelope, src->envlen, &t, &naive) == 0
	    && (t < -62167219200LL || t > OP_TIME_MAX))
		fuzz_fail("envelope date out of range");
	size_t *total = ctx;
	*total += len;
	if (msg[len])
		fuzz_fail("message not NUL-terminated");
	check_mail(msg, len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_init();
	const char *s = (const char *)d;
	check_mail(s, n);

	/* the same bytes as an mbox: messages never hold more than the input */
	FILE *f = n ? fmemopen((void *)d, n, "rb") : NULL;
	if (f) {
		size_t total = 0;
		op_mbox_each(f, "fuzz.mbox", on_msg, &total);
		fclose(f);
		if (total > n)
			fuzz_fail("mbox messages hold %zu bytes of %zu", total, n);
	}

	op_buf b = {0};
	op_rfc2047_decode(&b, s, n, NULL, NULL, 0);
	if (!fuzz_utf8(b.p, b.len))
		fuzz_fail("encoded words decode to invalid UTF-8");
	op_buf_reset(&b);
	if (op_mime_param(&b, s, n, "filename", NULL) == 0 && !fuzz_utf8(b.p, b.len))
		fuzz_fail("parameter decodes to invalid UTF-8");
	op_buf_reset(&b);
	op_html_to_text(&b, s, n);
	if (!fuzz_utf8(b.p, b.len))
		fuzz_fail("HTML text is not UTF-8");
	char cs[64];
	op_html_charset(s, n, cs, sizeof cs);
	op_buf_reset(&b);
	op_base64_decode(&b, s, n);
	if (b.len > n / 4 * 3 + 3)
		fuzz_fail("base64 grew: %zu from %zu", b.len, n);
	op_buf_reset(&b);
	op_qp_decode(&b, s, n, 0);
	if (b.len > n)
		fuzz_fail("quoted-printable grew: %zu from %zu", b.len, n);
	op_buf_free(&b);
	return 0;
}
