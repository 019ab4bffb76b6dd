/* mail.h - one RFC 5322 message, MIME and all, reduced to what an enquiry
 * needs: sender, subject, date, plain-text body, attachment list.
 * MIT licence, see COPYING. */
#ifndef OP_MAIL_H
#define OP_MAIL_H
#include <stddef.h>

#include "opflow.h"
#include "timefmt.h"

#define OP_MAIL_MAXREFS 100

typedef struct {
	char *filename;		/* UTF-8, NULL when the part names none */
	char *type;		/* "application/pdf", lower case */
	size_t size;		/* decoded bytes */
} op_attachment;

/* Every string is valid UTF-8 without control characters (the body keeps
 * \n and \t), and NULL when absent or empty, except body, which is always
 * set ("" when the message has no text). */
typedef struct {
	char *from_name, *from_addr;	/* From (Sender when there is no From) */
	char *reply_name, *reply_addr;	/* Reply-To */
	char *to_addr;			/* the first To address */
	char *subject, *body;		/* body: text/plain preferred, else HTML as text */
	char *message_id;		/* without the <> */
	char *in_reply_to;		/* In-Reply-To's first id, without the <> */
	char **refs;			/* References' ids, oldest first, without
					 * the <>: at most OP_MAIL_MAXREFS, the
					 * first and the newest kept */
	size_t nrefs;
	/* what op_mail_auto reads: the first word of each field, lower
	 * case, "" when absent */
	char auto_submitted[32];	/* Auto-Submitted (RFC 3834) */
	char autoreply[32];		/* X-Autoreply, else X-Autorespond */
	char precedence[32];		/* Precedence */
	char report_type[32];		/* the report-type of a top-level
					 * multipart/report (RFC 6522) */
	op_time date;			/* Date, UTC; valid when has_date */
	int has_date;
	int date_empty;			/* a Date field with nothing in it */
	char date_text[64];		/* a Date that was not understood, as
					 * printable ASCII ('?' for the rest) */
	unsigned defects;		/* OP_DEFECT_* bits */
	op_attachment *att;
	size_t natt;
	unsigned nwarn;			/* warnings; the first 4 distinct ones are
					 * kept, a depth or part limit's always */
	char warn[4][160];		/* "unknown charset 'x-foo', read as Windows-1252" */
} op_mail;

/* What was wrong with a message, as Python's email package keeps
 * msg.defects: each is named in the record (op_defect_name) and in
 * opflow-record(7).  OP_DEFECTS_LOST are those where text of the message
 * is not in the record. */
enum {
	OP_DEFECT_CHARSET_GUESSED = 1 << 0,	/* declared charset unknown or wrong */
	OP_DEFECT_UNDECLARED_8BIT = 1 << 1,	/* 8-bit text, no charset, not UTF-8 */
	OP_DEFECT_DATE_MISSING = 1 << 2,
	OP_DEFECT_DATE_UNPARSEABLE = 1 << 3,
	OP_DEFECT_BASE64 = 1 << 4,		/* bytes outside the alphabet, a cut group */
	OP_DEFECT_QP = 1 << 5,			/* "=" that escapes nothing */
	OP_DEFECT_BOUNDARY_MISSING = 1 << 6,	/* multipart without a boundary parameter */
	OP_DEFECT_BOUNDARY_NOT_FOUND = 1 << 7,	/* the declared boundary never occurs */
	OP_DEFECT_TRUNCATED_PART = 1 << 8,	/* no closing boundary */
	OP_DEFECT_DEPTH_LIMIT = 1 << 9,
	OP_DEFECT_PART_LIMIT = 1 << 10,
	OP_DEFECT_COUNT = 11
};
#define OP_DEFECTS_LOST (OP_DEFECT_DEPTH_LIMIT | OP_DEFECT_PART_LIMIT)

/* What machine wrote m, if one did: "bounce", "reply" or "bulk", else
 * NULL (lib/mail/auto.c). */
const char *op_mail_auto(const op_mail *m);

/* body[0..n) without its quoted part into out (reset first): the text
 * before a reply's attribution line ("On ... wrote:", Outlook's
 * "-----Original Message-----" or "From: ... Sent: ..." block), with
 * "> " lines left out, blank lines at the end trimmed (lib/mail/quote.c). */
void op_mail_unquote(op_buf *out, const char *body, size_t n);

/* The record's name of defect bit 1 << i ("charset-guessed"). */
const char *op_defect_name(int i);

/* s[0..n) appended to out with each run of spaces and control characters
 * (C0, DEL) one space, none at either end: header text as records hold
 * it, and as lib/mail/compose.c writes it, so no value starts a line. */
void op_mail_clean(op_buf *out, const char *s, size_t n);

/* Parse msg[0..len) (CRLF or LF line ends; a leading mbox "From " line is
 * skipped) into *m, which the caller frees with op_mail_free.  Best effort
 * on any bytes: returns 0, or -1 (and *m empty) when the input does not
 * start with a header block at all.  Work is linear in len (times the MIME
 * depth limit, 32); at most 1000 MIME parts are looked at (the text
 * before a limit is kept, and the defect set). */
int op_mail_parse(const char *msg, size_t len, op_mail *m);
void op_mail_free(op_mail *m);

#endif
