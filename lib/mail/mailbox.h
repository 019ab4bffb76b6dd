/* mailbox.h - the messages of an mbox file or a maildir, one at a time.
 * MIT licence, see COPYING. */
#ifndef OP_MAILBOX_H
#define OP_MAILBOX_H
#include <stdio.h>

#include "timefmt.h"

/* Where a message came from, and when it was delivered as far as the
 * mailbox tells (for a message without a usable Date field). */
typedef struct {
	const char *file;	/* the mbox, or the maildir file */
	unsigned long line;	/* mbox: the 1-based line of its "From " line;
				 * 0 for a file of its own */
	const char *envelope;	/* mbox: that "From " line (no line end), or
				 * NULL when the message had none */
	size_t envlen;
	op_time delivered;	/* maildir: valid when delivered_from is set */
	const char *delivered_from;	/* "maildir-name": the time at the start
				 * of the file name; "maildir-mtime": the
				 * file's modification time; else NULL */
} op_msg_src;

/* Called once per message: msg[0..len) is the message (NUL-terminated,
 * valid until the callback returns), src where it came from.  Return 0 to
 * go on; any other value stops the walk and is returned. */
typedef int (*op_msg_fn)(const char *msg, size_t len, const op_msg_src *src, void *ctx);

/* An mbox as mboxrd: a message starts at a "From " line at the start of
 * the file or after an empty line (and, to spare unescaped mboxo bodies,
 * holding a digit, as every envelope date does); ">From ", ">>From " ...
 * lose one ">"; the envelope line and the empty line before the next one
 * are not part of the message.  Text before the first "From " line, if
 * any, is a message of its own.  One message is in memory at a time.
 * Returns 0, or -1 on a read error (errno set). */
int op_mbox_each(FILE *f, const char *name, op_msg_fn fn, void *ctx);

/* The date of an mbox envelope line "From sender Thu Jan  1 00:00:00
 * 2026" (asctime(3) form; a zone, +hhmm or a name, may stand before or
 * after the year).  0 with *t and *naive as op_time_parse (no zone: naive,
 * the caller applies one), or -1. */
int op_mbox_from_time(const char *s, size_t n, op_time *t, int *naive);

/* A maildir: the files of cur/ then new/, each in strcmp order of their
 * names (a stable order across runs; maildir names start with the time of
 * delivery), dot files skipped.  Only regular files are read, never
 * through a symbolic link (O_NOFOLLOW): anyone who can write the maildir
 * could otherwise have enq-parse, run as another user, copy any file into
 * its output.  A file that is not a regular one, a cur/ or new/ that is a
 * symbolic link, and a file, cur/ or new/ that cannot be read are each
 * named with op_warn and skipped, and the walk then returns 1.  Returns
 * 0, or -1 (errno ENOENT) when neither cur/ nor new/ is there. */
int op_maildir_each(const char *dir, op_msg_fn fn, void *ctx);

/* 1 when path is a directory holding a cur/ or a new/ directory (mutt,
 * mblaze and Dovecot read a maildir whose new/ is missing). */
int op_is_maildir(const char *path);

#endif
