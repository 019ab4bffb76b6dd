/* mail.h - one RFC 5322 message, MIME and all, reduced to what an enquiry
 * needs: sender, subject, date, plain-text body, attachment list.
 * MIT licence, see COPYING. */
#ifndef OP_MAIL_H
#define OP_MAIL_H
#include <stddef.h>

#include "timefmt.h"

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
	op_time date;			/* Date, UTC; valid when has_date */
	int has_date;
	op_attachment *att;
	size_t natt;
	unsigned nwarn;			/* distinct warnings; the first 4 are kept */
	char warn[4][160];		/* "unknown charset 'x-foo', read as Windows-1252" */
} op_mail;

/* Parse msg[0..len) (CRLF or LF line ends; a leading mbox "From " line is
 * skipped) into *m, which the caller frees with op_mail_free.  Best effort
 * on any bytes: returns 0, or -1 (and *m empty) when the input does not
 * start with a header block at all.  Work is linear in len (times the MIME
 * depth limit, 32); at most 1000 MIME parts are looked at. */
int op_mail_parse(const char *msg, size_t len, op_mail *m);
void op_mail_free(op_mail *m);

#endif
