/* atomic.h - a file written whole or not at all.  MIT licence. */
#ifndef OP_ATOMIC_H
#define OP_ATOMIC_H
#include <stddef.h>

/* Write s[0..n) to path through a temporary file in the same directory
 * (with the mode, owner and group of the file it replaces where it may,
 * else 0666 less the umask, as a plain open would give), synced and
 * renamed over it: a reader - a cron job, a mail being sent - sees the
 * old file or the new one, never half of one.  Only a regular file (or
 * none) is replaced: a symbolic link is followed and the file it names is
 * replaced (op_link_target); a character or block device, a FIFO or a
 * socket is written to directly, as a shell's > would (-o /dev/null must
 * not turn the machine's /dev/null into a file).  0, or -1 with errno set
 * and nothing left behind. */
int op_write_atomic(const char *path, const void *s, size_t n);
/* The file path names once its symbolic links are followed, which need
 * not exist yet (a dangling link names the file to create); path itself
 * when it is no link.  Allocated; NULL with errno ELOOP after 40 links. */
char *op_link_target(const char *path);
/* Give fd, a file about to be renamed over path, the mode of path and,
 * where we may (as root), its owner and group; when path is not there,
 * 0666 less the umask.  0 or -1 with errno set. */
int op_keep_mode(int fd, const char *path);
/* write(2) all of p[0..n), through EINTR and short writes: 0 or -1. */
int op_write_all(int fd, const void *p, size_t n);
#endif
