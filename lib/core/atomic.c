/* atomic.c - see atomic.h.  MIT licence, see COPYING. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "atomic.h"
#include "opflow.h"

#define MAX_LINKS 40	/* Linux's own limit on links in one lookup */

int op_write_all(int fd, const void *p, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, (const char *)p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

char *op_link_target(const char *path)
{
	char *p = op_xstrdup(path);
	for (int i = 0; i <= MAX_LINKS; i++) {
		struct stat sb;
		if (lstat(p, &sb) || !S_ISLNK(sb.st_mode))
			return p;
		char *t = op_xmalloc((size_t)sb.st_size + 1);
		ssize_t k = readlink(p, t, (size_t)sb.st_size + 1);
		if (k < 0 || k > sb.st_size) {	/* gone or changed: take it as it is now */
			free(t);
			return p;
		}
		t[k] = 0;
		/* a relative target is read from the link's directory */
		const char *slash = strrchr(p, '/');
		char *next;
		if (t[0] != '/' && slash) {
			if (asprintf(&next, "%.*s%s", (int)(slash - p + 1), p, t) < 0)
				op_die(OP_EXIT_SOFTWARE, "out of memory");
			free(t);
		} else {
			next = t;
		}
		free(p);
		p = next;
	}
	free(p);
	errno = ELOOP;
	return NULL;
}

/* a device or FIFO is opened; a socket, which open(2) refuses, connected */
static int open_direct(const char *path, int sock)
{
	if (!sock)
		return open(path, O_WRONLY | O_CLOEXEC);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		int e = errno;
		close(fd);
		errno = e;
		fd = -1;
	}
	return fd;
}

/* written as they are: nothing to rename, and fsync(2) means nothing
 * there (EINVAL) */
static int write_direct(const char *path, int sock, const void *s, size_t n)
{
	int fd = open_direct(path, sock);
	if (fd < 0)
		return -1;
	int rc = op_write_all(fd, s, n);
	int e = errno;
	if (close(fd) && !rc)
		return -1;
	errno = e;
	return rc;
}

/* a report kept 0640 for a group must not turn 0644, nor 0600 under
 * cron's umask, as a shell's > and sed -i leave it */
int op_keep_mode(int fd, const char *path)
{
	struct stat sb;
	if (stat(path, &sb)) {
		mode_t um = umask(0);
		umask(um);
		return fchmod(fd, 0666 & ~um);
	}
	/* not root: the owner stays us (EPERM), the mode is kept all the same */
	if (fchown(fd, sb.st_uid, sb.st_gid) && errno != EPERM)
		return -1;
	return fchmod(fd, sb.st_mode & 07777);
}

static int replace(const char *path, const void *s, size_t n)
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
	int rc = op_keep_mode(fd, path);	/* mkstemp made it 0600 */
	if (!rc)
		rc = op_write_all(fd, s, n);
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

int op_write_atomic(const char *path, const void *s, size_t n)
{
	/* stat(2) follows links as open(2) will, /proc/self/fd/1's too
	 * (whose target, "pipe:[N]", is no path to follow by hand) */
	struct stat sb;
	if (!stat(path, &sb) && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode))
		return write_direct(path, S_ISSOCK(sb.st_mode), s, n);
	char *real = op_link_target(path);
	if (!real)
		return -1;
	int rc = replace(real, s, n);	/* a directory: rename says EISDIR */
	int e = errno;
	free(real);
	errno = e;
	return rc;
}
