/* auto.c - mail a machine wrote: bounces, automatic replies, bulk mail.
 * enq-link drops such mail, so a customer's enquiry must not look like
 * one: a rule here is a field or sender only machines set, or a subject
 * only an out-of-office reply starts with.  MIT licence, see COPYING. */
#include <string.h>
#include <strings.h>

#include "mail.h"

/* 1 when the local part of addr is name (MAILER-DAEMON@host) */
static int local_is(const char *addr, const char *name)
{
	size_t n = strlen(name);
	return addr && !strncasecmp(addr, name, n) && addr[n] == '@';
}

static int starts(const char *s, const char *prefix)
{
	return s && !strncasecmp(s, prefix, strlen(prefix));
}

/* A delivery status notification (RFC 3464, in a multipart/report of RFC
 * 6522), or mail from the mail system's own addresses (RFC 5321 4.5.1,
 * RFC 2142), which send little else. */
static int is_bounce(const op_mail *m)
{
	return !strcmp(m->report_type, "delivery-status") ||
	       local_is(m->from_addr, "mailer-daemon") || local_is(m->from_addr, "postmaster");
}

/* RFC 3834 5: Auto-Submitted auto-replied is a response.  auto-generated
 * is not taken: web-form mailers set it on the customer's enquiry.
 * X-Autoreply and X-Autorespond (vacation programs, cPanel) say "yes";
 * Precedence auto_reply is older practice; the subjects are Outlook's
 * and the common form of the rest. */
static int is_reply(const op_mail *m)
{
	return !strcmp(m->auto_submitted, "auto-replied") ||
	       (m->autoreply[0] && strcmp(m->autoreply, "no")) ||
	       !strcmp(m->precedence, "auto_reply") || starts(m->subject, "Automatic reply:") ||
	       starts(m->subject, "Out of office");
}

const char *op_mail_auto(const op_mail *m)
{
	if (is_bounce(m))
		return "bounce";
	if (is_reply(m))
		return "reply";
	if (!strcmp(m->precedence, "bulk") || !strcmp(m->precedence, "junk"))
		return "bulk";
	return NULL;
}
