/* state.h - state that outlives a run (opflow(7) CONVENTIONS; enq-route(1)
 * and exc-flag(1) FILES): one text file, read once at the start and
 * written once at the end of a run, under an exclusive flock(2) held in
 * between on FILE.lock (the state file itself is replaced by rename, so
 * it cannot carry the lock).  Written to
 * FILE.tmp, fsynced, renamed over FILE and the directory fsynced: a kill
 * at any moment leaves the old file or the new one, never a mix.  A
 * symbolic link FILE is followed: the file it names is the state, locked
 * (TARGET.lock) and replaced, and the link stays.
 *
 * The file is versioned and closed by a count, so a foreign, truncated or
 * hand-damaged file is refused with its line instead of being used:
 *
 *     opflow-state KIND VERSION
 *     ...body lines (the caller's)...
 *     end N                         (N = number of body lines)
 *
 * MIT licence. */
#ifndef OP_STATE_H
#define OP_STATE_H

#include <stddef.h>
#include "opflow.h"
#include "operr.h"

typedef struct {
	char *path;
	int lockfd, fd;		/* fd: the file being read, or -1 */
	int version;		/* of the file read; 0 when there was none */
	unsigned long lines;	/* body lines, as "end N" says */
	unsigned long seen;	/* body lines handed out so far */
	unsigned long long left;	/* body bytes not read yet */
	op_buf buf;		/* read, not handed out yet */
	size_t used;		/* of buf, handed out by the last op_state_next */
} op_state;

/* Take the lock (waiting for another run to finish; not when readonly,
 * for a run that will not commit) and check the file's
 * header (versions 1 to version are read) and last line; a missing file is
 * an empty state.  The body is then read with op_state_next, a chunk at a
 * time: a state of millions of lines is never all in memory as text.
 * Returns 0, or -1 with e: 66 when it cannot be read (cannot create the
 * lock, read error), 78 when it is not a state file of this kind and
 * version ("FILE:LINE: what"). */
int op_state_open(op_state *s, const char *path, const char *kind, int version, int readonly, op_err *e);
/* The next body lines, complete and '\n'-terminated, in *p, *n, the first
 * one's line in the file in *line: 1, or 0 after the last (the count
 * checked against "end N"), or -1 with e as op_state_open. */
int op_state_next(op_state *s, const char **p, size_t *n, unsigned long *line, op_err *e);
/* Replace the file with the body that next appends to out (complete
 * '\n'-terminated lines, as much as it likes a call; it returns 1 while
 * more is to come), still under the lock.  0, or -1 with e (74). */
int op_state_commit(op_state *s, const char *kind, int version, int (*next)(void *arg, op_buf *out),
		    void *arg, op_err *e);
/* Body fields: s[0..n) with blanks, controls and '%' as %XX, so a line
 * is fields separated by single spaces (escape: without the space). */
void op_state_escape(op_buf *b, const char *s, size_t n);
void op_state_put_field(op_buf *b, const char *s, size_t n);	/* " FIELD" */
/* The field at *p (" FIELD", up to end), %XX decoded into d, *p moved past
 * it: 0, or -1 when there is none, it is empty or badly escaped. */
int op_state_get_field(const char **p, const char *end, op_buf *d);
/* Release the lock and free s. */
void op_state_close(op_state *s);
#endif
