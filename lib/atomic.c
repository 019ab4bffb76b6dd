/* atomic.c - see atomic.h.  MIT licence, see COPYING. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "opflow.h"

int op_write_atomic(const char *path, const void *s, size_t n)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	char *tmp;
	if (asprintf(&tmp, "%.*s.%s.XXXXXX", dirlen, path, path + dirlen) < 0)
		op_die(OP_EXIT_SOFTWARE, "out of memory");
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		errno = e;
		return -1;
	}
	/* mkstemp makes it 0600; the file is one like any other */
	mode_t um = umask(0);
	umask(um);
	int rc = fchmod(fd, 0666 & ~um);
	for (size_t off = 0; !rc && off < n;) {
		ssize_t w = write(fd, (const char *)s + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			rc = -1;
		else
			off += (size_t)w;
	}
	if (!rc)
		rc = fsync(fd);
	if (close(fd) && !rc)
		rc = -1;
	if (!rc)
		rc = rename(tmp, path);
	int e = errno;
	if (rc)
		unlink(tmp);
	free(tmp);
	errno = e;
	return rc;
}
