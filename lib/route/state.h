/* state.h - state that outlives a run (opflow(7) CONVENTIONS, enq-route(1) FILES): one text file, read
 * once at the start and written once at the end of a run, under an
 * exclusive flock(2) held in between on FILE.lock (the state file itself
 * is replaced by rename, so it cannot carry the lock).  Written to
 * FILE.tmp, fsynced, renamed over FILE and the directory fsynced: a kill
 * at any moment leaves the old file or the new one, never a mix.  A
 * symbolic link FILE is followed: the file it names is the state, locked
 * (TARGET.lock) and replaced, and the link stays.
 *
 * The file is versioned and closed by a count, so a foreign, truncated or
 * hand-damaged file is refused with its line instead of being half read:
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
	int lockfd;
	op_buf body;		/* the body lines as read, '\n'-terminated */
	unsigned long bodyline;	/* file line of the body's first line */
} op_state;

/* Take the lock (waiting for another run to finish) and read the file;
 * a missing file is an empty state.  Returns 0, or -1 with e: 66 when it
 * cannot be read (cannot create the lock, read error), 78 when it is not
 * a state file of this kind and version ("FILE:LINE: what"). */
int op_state_open(op_state *s, const char *path, const char *kind, int version, op_err *e);
/* Replace the file with body (complete '\n'-terminated lines), still under
 * the lock.  0, or -1 with e (74). */
int op_state_commit(op_state *s, const char *kind, int version, const char *body, size_t n,
		    op_err *e);
/* Release the lock and free s. */
void op_state_close(op_state *s);
#endif
