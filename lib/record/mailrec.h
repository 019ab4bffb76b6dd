/* mailrec.h - one mail message to one record: the headers and body that
 * lib/mail reads into the record builder (record.h), the thread links,
 * the direction (--ours, --direction, a sent folder), the defects.
 * MIT licence, see COPYING. */
#ifndef OP_MAILREC_H
#define OP_MAILREC_H
#include "mail.h"
#include "mailbox.h"
#include "operr.h"
#include "record.h"

typedef struct {
	/* set by the program */
	op_record *rec;		/* the builder the records go through */
	op_stream *st;		/* where they go; --strict, --tz from its cli */
	const char *format;	/* the input's: email, mbox, maildir */
	const char *direction;	/* --direction: every mail's; NULL */
	int sent_folder;	/* the maildir read is a sent folder */
	char **ours;		/* --ours: addresses and @domains (op_mailrec_add_ours) */
	size_t nours;
	/* counted: records with defects, those missing text (exit 65) */
	int read;		/* a message was read */
	unsigned long long defective, incomplete;
	/* private */
	char where[600];
	op_buf tmp, atts, unquoted;
} op_mailrec;

/* One message msg[0..len) from src into a record on m->st, or a reject;
 * an op_msg_fn (mailbox.h) with m as its context.  Returns st->stop. */
int op_mailrec_message(const char *msg, size_t len, const op_msg_src *src, void *m);

/* An --ours address or @domain s[0..n), trimmed, added: 0 when it is
 * not one (no "@", nothing after it, or blanks inside). */
int op_mailrec_add_ours(op_mailrec *m, const char *s, size_t n);

/* --ours-file: an address or @domain a line; blank lines and lines
 * starting with # skipped.  0, or -1 with e: the file unreadable (66),
 * a line that is neither (78, "FILE:LINE: ..."). */
int op_mailrec_read_ours(op_mailrec *m, const char *path, op_err *e);

/* 1 when addr is one of ours: an address given, or at a domain given,
 * either in any case */
int op_mailrec_is_ours(const op_mailrec *m, const char *addr);

/* 1 when the maildir at path is a sent folder by its name */
int op_mailrec_sent_folder(const char *path);

void op_mailrec_free(op_mailrec *m);
#endif
