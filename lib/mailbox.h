/* mailbox.h - the messages of an mbox file or a maildir, one at a time.
 * MIT licence, see COPYING. */
#ifndef OP_MAILBOX_H
#define OP_MAILBOX_H
#include <stdio.h>

/* Called once per message: msg[0..len) is the message (NUL-terminated,
 * valid until the callback returns), file where it came from, line the
 * 1-based line of its "From " line in an mbox (0 for a file of its own).
 * Return 0 to go on; any other value stops the walk and is returned. */
typedef int (*op_msg_fn)(const char *msg, size_t len, const char *file,
    unsigned long line, void *ctx);

/* An mbox as mboxrd: a message starts at a "From " line at the start of
 * the file or after an empty line (and, to spare unescaped mboxo bodies,
 * holding a digit, as every envelope date does); ">From ", ">>From " ...
 * lose one ">"; the envelope line and the empty line before the next one
 * are not part of the message.  Text before the first "From " line, if
 * any, is a message of its own.  One message is in memory at a time.
 * Returns 0, or -1 on a read error (errno set). */
int op_mbox_each(FILE *f, const char *name, op_msg_fn fn, void *ctx);

/* A maildir: the files of cur/ then new/, each in strcmp order of their
 * names (a stable order across runs; maildir names start with the time of
 * delivery), dot files and anything but regular files skipped.  A file
 * that cannot be read is reported with op_warn and skipped, and the walk
 * then returns 1.  Returns 0, or -1 (errno set) when cur/ or new/ cannot be
 * read (one of the two may be missing). */
int op_maildir_each(const char *dir, op_msg_fn fn, void *ctx);

/* 1 when path is a directory holding cur/ and new/ directories. */
int op_is_maildir(const char *path);

#endif
