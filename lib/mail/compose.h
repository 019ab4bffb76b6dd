/* compose.h - a reply draft as an RFC 5322 message, and its delivery into
 * a maildir.  MIT licence. */
#ifndef OP_COMPOSE_H
#define OP_COMPOSE_H
#include <stddef.h>

#include "opflow.h"	/* op_buf */
#include "operr.h"
#include "timefmt.h"	/* op_time */

typedef struct {
	const char *from;        /* our address, "addr" or "Display Name <addr>"; NULL: no From */
	const char *to_name;     /* the customer's name (UTF-8) or NULL */
	const char *to_addr;     /* the reply address: must be a valid addr-spec */
	const char *subject;     /* UTF-8, complete ("Re: ..." already added by the caller) */
	const char *message_id;  /* without <>, made by the caller, deterministic per enquiry */
	const char *in_reply_to; /* without <>, or NULL */
	const char *references;  /* ids without <> separated by spaces, or NULL */
	op_time date;
} op_compose_hdr;

/* The message into out (appended): Date, From, To, Subject, Message-ID,
 * In-Reply-To, References, MIME-Version, Content-Type text/plain;
 * charset=utf-8, Content-Transfer-Encoding 7bit or quoted-printable (QP
 * when the body has non-ASCII, a control other than TAB, or a line over
 * 998 bytes), lines ending in LF, the body's last one too.  Non-ASCII
 * header text becomes RFC 2047 encoded words, lines folded within 76
 * columns.  Header text (to_name, subject, from's name) is cleaned, not
 * refused: each run of spaces and control characters (CR, LF, TAB, any
 * other C0, DEL) is one space, none at either end, so no value can start
 * a header line.  Refused with code 65 and a message naming the field
 * (out unchanged): a missing or invalid to_addr or from address, a
 * message id of other than atext, ".", "@", "[" and "]" or of over 900
 * characters, header text or a body
 * that is not UTF-8.  Returns 0 or -1. */
int op_compose(op_buf *out, const op_compose_hdr *h, const char *body, size_t len, op_err *e);

/* from as op_compose takes it: 0, or -1 with the message it would give */
int op_compose_from_check(const char *from, op_err *e);

/* 1 when a[0..n) is a reply address op_compose takes (compose.c's
 * op_compose_addr_ok says which); 0 when it would refuse the message */
int op_compose_addr_ok(const char *a, size_t n);

/* 1 when s[0..n) is a message id op_compose takes (without its <>), as
 * above; 0 when it would refuse the message for it */
int op_compose_id_ok(const char *s, size_t n);

/* msg[0..n) into the maildir dir (dir, tmp/, new/, cur/ made when
 * missing, mode 0700) as cur/KEY:2,D through tmp/ (write, fsync, rename;
 * the tmp file removed on any failure: nothing half-written).  KEY is the
 * caller's deterministic name: [A-Za-z0-9._-], 1 to 200 of them, not
 * starting with "." (else -1, code 70: the caller's bug).  Returns 1
 * without writing when new/ or cur/ already holds a file named KEY or
 * KEY followed by a character a KEY cannot hold (KEY:2,<any flags>: the
 * user's client may have changed its flags; KEY,S=...: a server's size
 * tag), 0 when written, -1 on error (code 74, msg names the directory
 * and errno).  Reads new/ and cur/ on each call: for many messages, the
 * handle below reads them once. */
int op_maildir_put(const char *dir, const char *key, const char *msg, size_t n, op_err *e);

/* The same for many messages into one maildir: op_maildir_open makes the
 * directories and reads the names in new/ and cur/ once (NULL and code 74
 * when it cannot), op_maildir_add is op_maildir_put against those names
 * (and the ones it adds), op_maildir_close frees the handle (NULL is
 * fine). */
typedef struct op_maildir op_maildir;
op_maildir *op_maildir_open(const char *dir, op_err *e);
int op_maildir_add(op_maildir *md, const char *key, const char *msg, size_t n, op_err *e);
void op_maildir_close(op_maildir *md);

#endif
