/* mailauto.c - unit tests for op_mail_auto: bounces, automatic replies
 * and bulk mail by the fields machines set, and a customer's mail (even
 * from a web form mailer) left alone.  MIT licence. */
#include "mail.h"
#include "tap.h"

static const char *kind(const char *msg)
{
	static char got[16];
	op_mail m;
	if (op_mail_parse(msg, strlen(msg), &m))
		return "unparsed";
	const char *k = op_mail_auto(&m);
	snprintf(got, sizeof got, "%s", k ? k : "none");
	op_mail_free(&m);
	return got;
}

int main(void)
{
	is(kind("From: Ann <ann@example.net>\nSubject: Boiler\n\nHello\n"), "none", "a customer's mail");
	is(kind("From: forms@site.example\nAuto-Submitted: auto-generated\nSubject: Enquiry\n\nx\n"),
	   "none", "Auto-Submitted: auto-generated (form mailers) is not taken");
	is(kind("From: ann@example.net\nAuto-Submitted: no\n\nx\n"), "none", "Auto-Submitted: no");
	is(kind("From: ann@example.net\nAuto-Submitted: Auto-Replied; owner-email=\"ann@example.net\"\n\nx\n"),
	   "reply", "Auto-Submitted: auto-replied (RFC 3834), any case, with parameters");
	is(kind("From: ann@example.net\nX-Autoreply: yes\n\nx\n"), "reply", "X-Autoreply");
	is(kind("From: ann@example.net\nX-Autorespond: Vacation\n\nx\n"), "reply", "X-Autorespond");
	is(kind("From: ann@example.net\nPrecedence: auto_reply\n\nx\n"), "reply", "Precedence: auto_reply");
	is(kind("From: ann@example.net\nSubject: Automatic reply: Boiler\n\nx\n"), "reply",
	   "Outlook's Automatic reply:");
	is(kind("From: ann@example.net\nSubject: Out of Office: back Monday\n\nx\n"), "reply",
	   "Out of office");
	is(kind("From: news@shop.example\nPrecedence: bulk\n\nx\n"), "bulk", "Precedence: bulk");
	is(kind("From: news@shop.example\nPrecedence: junk\n\nx\n"), "bulk", "Precedence: junk");
	is(kind("From: Mail Delivery System <MAILER-DAEMON@mx.example>\nSubject: Undelivered\n\nx\n"),
	   "bounce", "MAILER-DAEMON");
	is(kind("From: postmaster@mx.example\n\nx\n"), "bounce", "postmaster");
	is(kind("From: postmasterly@example.net\n\nx\n"), "none", "only the local part postmaster");
	is(kind("From: mx@mx.example\nContent-Type: multipart/report; report-type=delivery-status;"
		" boundary=b\nAuto-Submitted: auto-replied\n\n--b\n\nfailed\n--b--\n"),
	   "bounce", "multipart/report delivery-status (RFC 6522): a bounce before a reply");
	is(kind("From: mx@mx.example\nContent-Type: multipart/report; report-type=disposition-notification;"
		" boundary=b\n\n--b\n\nread\n--b--\n"),
	   "none", "a read receipt is no bounce");
	return done_testing();
}
