/* atomic.h - a file written whole or not at all.  MIT licence. */
#ifndef OP_ATOMIC_H
#define OP_ATOMIC_H
#include <stddef.h>

/* Write s[0..n) to path through a temporary file in the same directory
 * (mode 0666 less the umask, as a plain open would give), synced and
 * renamed over it: a reader - a cron job, a mail being sent - sees the
 * old file or the new one, never half of one.  0, or -1 with errno set
 * and nothing left behind. */
int op_write_atomic(const char *path, const void *s, size_t n);
#endif
