/* mail.c - unit tests for the mail layer: op_mail_parse on the fixtures
 * under tests/data/mail/ and on inline messages, and the mbox and maildir
 * walkers.  MIT licence. */
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "charset.h"
#include "mail.h"
#include "mailbox.h"
#include "rfc2047.h"
#include "tap.h"

/* Fixtures are found from the source tree's top (where make check runs)
 * or from this file's directory. */
static char *fixture(const char *name, size_t *n)
{
	char path[512];
	const char *dirs[] = { "tests/data/mail", NULL };
	char here[256];
	snprintf(here, sizeof here, "%s", __FILE__);
	char *slash = strrchr(here, '/');
	if (slash) {
		strcpy(slash, "/../data/mail");
		dirs[1] = here;
	}
	for (int i = 0; i < 2 && dirs[i]; i++) {
		snprintf(path, sizeof path, "%s/%s", dirs[i], name);
		char *s = slurp(path, n);
		if (s)
			return s;
	}
	printf("# fixture %s not found\n", name);
	*n = 0;
	return op_xstrdup("");
}

static op_mail m;

static int parse_file(const char *name)
{
	size_t n;
	char *s = fixture(name, &n);
	op_mail_free(&m);
	int r = op_mail_parse(s, n, &m);
	free(s);
	if (r < 0) {	/* no fixture: fail its tests, do not crash them */
		ok(0, "fixture %s", name);
		op_mail_parse("X: y\n\n", 6, &m);
	}
	return r;
}

static int parse(const char *s)
{
	op_mail_free(&m);
	return op_mail_parse(s, strlen(s), &m);
}

static int utf8(const char *s)
{
	return !s || op_utf8_valid_prefix(s, strlen(s)) == strlen(s);
}

/* every string of m is valid UTF-8 */
static int all_utf8(void)
{
	int okay = utf8(m.from_name) && utf8(m.from_addr) && utf8(m.reply_name) && utf8(m.reply_addr)
	    && utf8(m.to_addr) && utf8(m.subject) && utf8(m.body) && utf8(m.message_id)
	    && utf8(m.in_reply_to);
	for (size_t i = 0; i < m.nrefs; i++)
		okay = okay && utf8(m.refs[i]);
	for (size_t i = 0; i < m.natt; i++)
		okay = okay && utf8(m.att[i].filename) && utf8(m.att[i].type);
	for (unsigned i = 0; i < m.nwarn && i < 4; i++)
		okay = okay && utf8(m.warn[i]);
	return okay;
}

/* mbox and maildir callbacks collect what they see */
static op_buf seen;
static int count;

static int collect(const char *msg, size_t len, const op_msg_src *src, void *ctx)
{
	(void)ctx;
	count++;
	op_buf_printf(&seen, "[%s:%lu:", src->file, src->line);
	op_buf_add(&seen, msg, len);
	op_buf_adds(&seen, "]");
	return 0;
}

static int stop_at_two(const char *msg, size_t len, const op_msg_src *src, void *ctx)
{
	(void)msg, (void)len, (void)src, (void)ctx;
	return ++count == 2 ? 42 : 0;
}

static void mbox_string(const char *s)
{
	op_buf_reset(&seen);
	count = 0;
	FILE *f = fmemopen((void *)s, strlen(s), "r");
	op_mbox_each(f, "box", collect, NULL);
	fclose(f);
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
}

int main(void)
{
	/* fixtures, one feature each */
	is_num(parse_file("qp.eml"), 0, "qp.eml parses");
	is(m.from_name, "Anna Meyer", "From name");
	is(m.from_addr, "anna@example.org", "From address");
	is(m.to_addr, "sales@example.com", "To");
	is(m.subject, "Quote request", "Subject");
	is(m.message_id, "qp-1@example.org", "Message-ID without <>");
	ok(m.has_date && m.date == 1772439300, "Date to UTC");
	is(m.body, "Hello,\nwe need a quote for a café counter that is quite long and so the line"
	    " was wrapped by the mailer.\na=b\nThanks", "quoted-printable body");
	is_num(m.nwarn, 0, "no warnings");

	parse_file("base64.eml");
	is(m.from_name, "Müller, Jörg", "quoted display name with a comma, raw UTF-8");
	is(m.from_addr, "joerg@example.de", "... and its address");
	is(m.body, "Grüße aus München, wir brauchen ein Angebot.", "base64 body with whitespace, no padding");

	parse_file("latin1.eml");
	is(m.from_name, "François Pérez", "encoded-word display name");
	is(m.subject, "Problème de livraison", "ISO-8859-1 Q subject");
	is(m.body, "Le colis est arrivé abîmé.", "ISO-8859-1 8bit body");

	parse_file("cp1252.eml");
	is(m.body, "“Total” € 42 – due", "Windows-1252 body");
	ok(!m.from_name, "bare address: no name");

	parse_file("koi8r.eml");
	is(m.subject, "Заявка на ремонт", "KOI8-R B subject");
	is(m.from_name, "Привет мир", "KOI8-R name");
	is(m.body, "Здравствуйте!", "KOI8-R body");

	parse_file("split-word.eml");
	is(m.subject, "Überprüfung – Größe and – ok", "multibyte characters split across encoded words");
	is(m.from_name, "Zoë", "Q name");
	is(m.reply_name, "Support, Team", "Reply-To name");
	is(m.reply_addr, "help@example.com", "Reply-To address");
	is(m.from_addr, "zoe@example.com", "From kept beside Reply-To");

	parse_file("html-only.eml");
	is(m.body, "Thanks for your order\n\nPrice: €12 & <tax> éé …\n\n- First\n- Second\n\n"
	    "Line one\nLine two\n\nA B\nC D\n\n“Quoted” — done", "HTML-only body as text");

	parse_file("alternative.eml");
	is(m.body, "Plain version", "multipart/alternative prefers text/plain");
	is_num(m.natt, 0, "... and lists no attachment");

	parse_file("nested.eml");
	is(m.body, "Please see the attached plan.\n\nSecond text part.", "nested multipart: text parts, no HTML twin");
	is(m.to_addr, "sales@example.com", "first To address");
	is_num(m.natt, 2, "two attachments");
	if (m.natt == 2) {
		is(m.att[0].filename, "Pläne für Haus.pdf", "RFC 2231 filename with continuations");
		is(m.att[0].type, "application/pdf", "attachment type");
		is_num(m.att[0].size, 72, "decoded size");
		is(m.att[1].filename, "photo.png", "name parameter");
		is_num(m.att[1].size, 8, "image size");
	}
	ok(!strstr(m.body, "PDF"), "attachment not pasted into the body");

	parse_file("rfc822.eml");
	is(m.body, "Forwarding the customer's mail.", "text beside message/rfc822");
	is_num(m.natt, 2, "message/rfc822 parts are attachments");
	if (m.natt == 2) {
		is(m.att[0].type, "message/rfc822", "their type");
		is(m.att[0].filename, "Bröken item.eml", "named after their Subject");
		is(m.att[1].filename, "message.eml", "or message.eml");
	}

	parse_file("broken-boundary.eml");
	is(m.body, "The closing boundary never comes.", "missing closing boundary");
	is_num(m.nwarn, 1, "... one warning");

	parse_file("no-boundary.eml");
	is(m.body, "Hello, this body has no parts at all.", "boundary never found: body as text");
	ok(m.nwarn == 1 && strstr(m.warn[0], "not found"), "... warned");

	parse_file("unknown-charset.eml");
	is(m.subject, "Café", "unknown charset in a header");
	is(m.body, "Café au lait", "unknown charset in the body");
	is_num(m.nwarn, 1, "one warning for both");
	is(m.warn[0], "unknown charset 'x-foo', read as Windows-1252", "warning text");

	parse_file("obsolete-date.eml");
	ok(m.has_date && m.date == 883668000, "obsolete date: 2-digit year, EST, no seconds, comment");

	parse_file("raw8bit.eml");
	is(m.from_name, "Jörg", "raw Latin-1 name");
	is(m.subject, "Grüße", "raw Latin-1 subject");
	is(m.body, "Raw Latin-1: été", "8-bit body without charset, not UTF-8");

	/* addresses */
	parse("From: \"Smith, John\" <j@x.example>\nTo: a@b, c@d\n\nx");
	is(m.from_name, "Smith, John", "quoted name with comma");
	is(m.from_addr, "j@x.example", "its address");
	is(m.to_addr, "a@b", "first of several To");
	parse("From: Smith, John <j@x.example>\n\nx");
	is(m.from_name, "Smith, John", "unquoted name with comma kept whole");
	parse("From: j@x.example (John Smith)\n\nx");
	is(m.from_name, "John Smith", "old-style comment name");
	is(m.from_addr, "j@x.example", "... and address");
	parse("From: John (the boss) Smith <j@x.example>\n\nx");
	is(m.from_name, "John Smith", "comments inside a name dropped");
	parse("From: <j@x.example>\n\nx");
	ok(!m.from_name && m.from_addr && !strcmp(m.from_addr, "j@x.example"), "angle address alone");
	parse("From: \"=?utf-8?Q?Jos=C3=A9?=\" <j@x.example>\n\nx");
	is(m.from_name, "José", "encoded word inside quotes");
	parse("From: 'Ann Lee' <a@x.example>\n\nx");
	is(m.from_name, "Ann Lee", "single quotes around a name");
	parse("From: jgb at example.com (Jesus M. Gonzalez-Barahona)\n\nx");
	is(m.from_addr, "jgb@example.com", "mailing-list archive ' at '");
	is(m.from_name, "Jesus M. Gonzalez-Barahona", "... with the comment name");
	parse("From: Ann Lee\n\nx");
	ok(m.from_name && !strcmp(m.from_name, "Ann Lee") && !m.from_addr, "a name and no address");
	parse("To: team: a@x.example, b@x.example;\nSender: s@x.example\n\nx");
	is(m.to_addr, "a@x.example", "group syntax");
	is(m.from_addr, "s@x.example", "Sender when there is no From");
	parse("To: undisclosed-recipients:;\n\nx");
	ok(!m.to_addr, "empty group");

	/* headers */
	parse("From: a@x\r\nSubject: folded\r\n  across\r\n\tlines\r\nMessage-ID: (c) <id@x>  \r\n"
	    "Date: Tue, 1 Sep 2026 10:00:00 +0000\r\n\r\nline one\r\nline two\r\n");
	is(m.subject, "folded across lines", "unfolded CRLF header");
	is(m.message_id, "id@x", "Message-ID with a comment");
	is(m.body, "line one\nline two", "CRLF body");
	ok(m.has_date && m.date == 1788256800, "Date");
	parse("FROM: a@x\nsUbJeCt: case\n\nx");
	ok(m.from_addr && m.subject && !strcmp(m.subject, "case"), "header names case-insensitive");
	parse("Subject : spaced\nDate: not a date\n\nx");
	is(m.subject, "spaced", "space before the colon");
	ok(!m.has_date && m.nwarn == 0, "bad Date: none, and no warning (enq-parse gives one)");
	is_num(m.defects, OP_DEFECT_DATE_UNPARSEABLE, "... the defect");
	is(m.date_text, "not a date", "... and the text tried");
	parse("Subject: no blank line\nthis is the body\n");
	is(m.body, "this is the body", "header block ending without an empty line");
	parse("Subject: x\n\n");
	is(m.body, "", "empty body is \"\"");
	ok(!m.from_name && !m.from_addr && !m.to_addr && !m.message_id && !m.has_date, "absent fields");
	parse("From Sender@x Thu Jan  1 00:00:00 2026\nSubject: envelope\n\nx");
	is(m.subject, "envelope", "mbox From line skipped");
	parse("Subject: a\x01" "b\tc\n\nbody\x01\x7f with\ttab\n");
	is(m.subject, "a b c", "controls out of headers");
	is(m.body, "body with\ttab", "controls out of the body, tab kept");

	/* not a message */
	is_num(parse(""), -1, "empty input");
	is_num(parse("\nbody only"), -1, "no header block");
	is_num(parse("just some text\n"), -1, "text without fields");
	is_num(op_mail_parse("\xd0\xcf\x11\xe0\0\0", 6, &m), -1, "binary");

	/* MIME corners */
	parse("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n"
	    "Content-Disposition: attachment; filename=notes.txt\n\nsecret\n--b\n"
	    "Content-Type: text/plain\n\nshown\n--b--\n");
	is(m.body, "shown", "text attachment not in the body");
	ok(m.natt == 1 && !strcmp(m.att[0].filename, "notes.txt") && m.att[0].size == 6, "... but listed");
	parse("Content-Type: multipart/mixed; boundary=\"--9-x=:1\"\n \n----9-x=:1\nContent-Type: text/plain\n \nhi\n----9-x=:1--\n");
	is(m.body, "hi", "boundary right after the header block");
	parse("Content-Type: multipart/alternative; boundary=b\n\nContent-Type: text/plain\n\nonly a closing one\n--b--\n");
	is(m.body, "only a closing one", "no opening boundary");
	parse("Content-Type: multipart/mixed; boundary=declared\n\n--real\nContent-Type: text/plain\n\nsniffed\n--real--\n");
	is(m.body, "sniffed", "boundary sniffed when the declared one is absent");
	parse("Content-Type: multipart/mixed\n\nno boundary parameter\n");
	is(m.body, "no boundary parameter", "multipart without a boundary");
	parse("Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\n\n--b\n"
	    "Content-Type: text/html\n\n<p>rich</p>\n--b--\n");
	is(m.body, "rich", "empty text/plain alternative: HTML taken");
	parse("Content-Type: multipart/related; boundary=r\n\n--r\nContent-Type: text/html; charset=utf-8\n\n<p>see</p>\n"
	    "--r\nContent-Type: image/gif\nContent-ID: <i>\nContent-Transfer-Encoding: base64\n\nR0lGOA==\n--r--\n");
	ok(!strcmp(m.body, "see") && m.natt == 1 && m.att[0].size == 4, "multipart/related");
	parse("Content-Type: text/html\n\n<meta charset=\"koi8-r\"><p>\xf0\xd2\xc9\xd7\xc5\xd4</p>");
	is(m.body, "Привет", "HTML charset from its meta tag");
	parse("Content-Type: text/plain; charset=utf-8; format=flowed; delsp=no\n\nThis is \nflowed text.\n> quoted \n> more\n-- \nsig\n");
	is(m.body, "This is flowed text.\n> quoted more\n--\nsig", "format=flowed joined");
	parse("Content-Type: text/plain; charset=utf-8\n\ncaf\xe9\n");
	is(m.body, "café", "bad bytes in declared UTF-8");
	ok(m.nwarn == 1 && strstr(m.warn[0], "not valid"), "... warned as invalid, not unknown");
	parse("Content-Type: text/plain\n\n\n\n  \nfirst\n\n\n\nsecond  \n\n\n");
	is(m.body, "first\n\nsecond", "blank lines squeezed and trimmed");
	parse("Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERg==\n");
	ok(!strcmp(m.body, "") && m.natt == 1 && m.att[0].size == 4 && !m.att[0].filename, "a message that is one attachment");
	parse("Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: in digest\n\nx\n--d--\n");
	ok(m.natt == 1 && !strcmp(m.att[0].type, "message/rfc822") && !strcmp(m.att[0].filename, "in digest.eml"),
	    "multipart/digest parts default to message/rfc822");

	parse("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n"
	    "Content-Disposition: attachment\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogYjY0Cgp4\n--b--\n");
	ok(m.natt == 1 && !strcmp(m.att[0].filename, "b64.eml") && m.att[0].size == 15 && !strcmp(m.body, ""),
	    "attached, base64-encoded message/rfc822");

	/* hostile input: bounded and valid */
	op_buf h = { 0 };
	op_buf_adds(&h, "From: a@x\n");
	for (int i = 0; i < 200; i++)
		op_buf_printf(&h, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
	op_buf_adds(&h, "Content-Type: text/plain\n\ndeep\n");
	op_mail_free(&m);
	op_mail_parse(h.p, h.len, &m);
	int deeper = 0;
	for (unsigned i = 0; i < m.nwarn && i < 4; i++)
		deeper |= strstr(m.warn[i], "deeper") != NULL;
	ok(deeper, "nesting limit");
	op_buf_reset(&h);
	op_buf_adds(&h, "Content-Type: multipart/mixed; boundary=b\n\n");
	for (int i = 0; i < 5000; i++)
		op_buf_adds(&h, "--b\nContent-Type: image/gif\n\nx\n");
	op_mail_free(&m);
	op_mail_parse(h.p, h.len, &m);
	ok(m.natt == 1000, "part limit");
	op_buf_reset(&h);
	op_buf_adds(&h, "Subject: ");
	for (int i = 0; i < 100000; i++)
		op_buf_adds(&h, "=?x?q?");
	op_buf_adds(&h, "\nFrom: ");
	for (int i = 0; i < 100000; i++)
		op_buf_adds(&h, "(\"<");
	op_buf_adds(&h, "\n\n");
	op_mail_free(&m);
	ok(op_mail_parse(h.p, h.len, &m) == 0 && all_utf8(), "pathological headers");
	op_buf_reset(&h);
	op_buf_adds(&h, "Content-Type: text/plain; charset=utf-16\n\n");
	for (int i = 0; i < 256; i++)
		op_buf_addc(&h, (char)(i ? i : 1));
	op_mail_free(&m);
	op_mail_parse(h.p, h.len, &m);
	ok(all_utf8(), "junk in UTF-16 still valid UTF-8");
	op_buf_free(&h);

	/* mbox */
	mbox_string("From a@x Thu Jan  1 00:00:00 2026\nSubject: one\n\nHello\n>From the start\n>>From twice\n\n"
	    "From b@x Fri Jan  2 00:00:00 2026\nSubject: two\n\nbody\n\nFrom here on, no date\n\n\n"
	    "From c@x Sat Jan  3 00:00:00 2026\nSubject: three\n\nlast");
	is_num(count, 3, "mbox: three messages");
	is(seen.p, "[box:1:Subject: one\n\nHello\nFrom the start\n>From twice\n]"
	    "[box:8:Subject: two\n\nbody\n\nFrom here on, no date\n\n]"
	    "[box:16:Subject: three\n\nlast]", "mbox: split, unescaped, line numbers");
	mbox_string("Subject: no envelope\n\ntext\n");
	is(seen.p, "[box:1:Subject: no envelope\n\ntext\n]", "mbox: text before any From line");
	mbox_string("");
	is_num(count, 0, "mbox: empty file");
	mbox_string("From a@x Thu Jan  1 00:00:00 2026\r\nSubject: crlf\r\n\r\nx\r\n\r\nFrom b@x Thu Jan  1 00:00:01 2026\r\n\r\ny\r\n");
	is(seen.p, "[box:1:Subject: crlf\r\n\r\nx\r\n][box:6:\r\ny\r\n]", "mbox: CRLF");
	count = 0;
	FILE *f = fmemopen((void *)"From a 1\n\nx\n\nFrom b 2\n\ny\n\nFrom c 3\n", 36, "r");
	is_num(op_mbox_each(f, "box", stop_at_two, NULL), 42, "mbox: the callback stops the walk");
	fclose(f);

	/* the decoders tell damage, for the base64-damaged and qp-damaged defects */
	op_buf d = { 0 };
	is_num(op_base64_decode(&d, "SGk=\r\n", 6), 0, "base64: clean");
	is_num(op_base64_decode(&d, "SG!k=", 5), 1, "base64: junk is damage");
	is_num(op_base64_decode(&d, "SGk", 3), 1, "base64: a group cut short is damage");
	is_num(op_qp_decode(&d, "a=3Db=\nc", 8, 0), 0, "qp: clean");
	is_num(op_qp_decode(&d, "5=ZZ", 4, 0), 1, "qp: an = escaping nothing is damage");
	op_buf_free(&d);

	/* envelope dates, for received_at when Date is missing */
	op_time t;
	int naive;
	const char *env = "From a@x Thu Jan  1 00:00:00 2026";
	ok(op_mbox_from_time(env, strlen(env), &t, &naive) == 0 && t == 1767225600 && naive,
	    "From_ date: asctime form, naive");
	env = "From a@x Thu Jan 1 01:00:00 2026 +0100";
	ok(op_mbox_from_time(env, strlen(env), &t, &naive) == 0 && t == 1767225600 && !naive,
	    "From_ date: a zone after the year");
	env = "From a@x Thu Jan 1 01:00:00 +0100 2026";
	ok(op_mbox_from_time(env, strlen(env), &t, &naive) == 0 && t == 1767225600 && !naive,
	    "From_ date: a zone before the year");
	env = "From a@x 42";
	is_num(op_mbox_from_time(env, strlen(env), &t, &naive), -1, "From_ line without a date");

	/* maildir */
	char dir[] = "/tmp/opflow-maildir-XXXXXX";
	if (mkdtemp(dir)) {
		char p[512];
		snprintf(p, sizeof p, "%s/cur", dir);
		mkdir(p, 0700);
		snprintf(p, sizeof p, "%s/new", dir);
		mkdir(p, 0700);
		snprintf(p, sizeof p, "%s/tmp", dir);
		mkdir(p, 0700);
		snprintf(p, sizeof p, "%s/cur", dir);
		put_file(p, "2:2,S", "B");
		put_file(p, "10:2,S", "A");
		put_file(p, ".hidden", "H");
		snprintf(p, sizeof p, "%s/new", dir);
		put_file(p, "1", "C");
		snprintf(p, sizeof p, "%s/tmp", dir);
		put_file(p, "0", "T");
		ok(op_is_maildir(dir), "is a maildir");
		ok(!op_is_maildir("/"), "/ is not");
		op_buf_reset(&seen);
		count = 0;
		is_num(op_maildir_each(dir, collect, NULL), 0, "maildir walk");
		op_buf e = { 0 };
		op_buf_printf(&e, "[%s/cur/10:2,S:0:A][%s/cur/2:2,S:0:B][%s/new/1:0:C]", dir, dir, dir);
		is(seen.p, e.p, "cur then new, in name order, no dot files, no tmp");
		op_buf_free(&e);
		count = 0;
		is_num(op_maildir_each(dir, stop_at_two, NULL), 42, "maildir: the callback stops the walk");
		snprintf(p, sizeof p, "%s/new/1", dir);
		unlink(p);
		snprintf(p, sizeof p, "%s/new", dir);
		rmdir(p);
		op_buf_reset(&seen);
		count = 0;
		ok(op_is_maildir(dir), "cur/ without new/ is a maildir");
		is_num(op_maildir_each(dir, collect, NULL), 0, "maildir without new/");
		is_num(count, 2, "... still walks cur/");
		snprintf(p, sizeof p, "%s/cur/10:2,S", dir);
		unlink(p);
		snprintf(p, sizeof p, "%s/cur/2:2,S", dir);
		unlink(p);
		snprintf(p, sizeof p, "%s/cur/.hidden", dir);
		unlink(p);
		snprintf(p, sizeof p, "%s/cur", dir);
		rmdir(p);
		snprintf(p, sizeof p, "%s/tmp/0", dir);
		unlink(p);
		snprintf(p, sizeof p, "%s/tmp", dir);
		rmdir(p);
		rmdir(dir);
	} else
		ok(0, "mkdtemp: %s", strerror(errno));
	errno = 0;
	ok(op_maildir_each("/nonexistent/opflow", collect, NULL) == -1 && errno == ENOENT, "missing maildir: -1, ENOENT");

	op_mail_free(&m);
	op_buf_free(&seen);
	return done_testing();
}
