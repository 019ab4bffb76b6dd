/* state.c - a state file read once and written once per run, under flock,
 * replaced atomically (state.h).  MIT licence, see COPYING. */
#include <sys/file.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "state.h"

static int fail(op_err *e, int code, const char *fmt, const char *path)
{
	return op_errf(e, code, fmt, path, strerror(errno));
}

/* lines in s[0..n), each '\n'-terminated */
static unsigned long count_lines(const char *s, size_t n)
{
	unsigned long k = 0;
	for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + n - p))); p++)
		k++;
	return k;
}

static int check(op_state *s, const char *kind, int version, const char *t, size_t n, op_err *err)
{
	char head[128];
	int hl = snprintf(head, sizeof head, "opflow-state %s ", kind);
	const char *nl = memchr(t, '\n', n);
	if (!nl || (size_t)(nl - t) <= (size_t)hl || memcmp(t, head, (size_t)hl)) {
		op_errf(err, OP_EXIT_CONFIG, "%s:1: not an opflow %s state file (\"%s%d\" expected)", s->path, kind,
			head, version);
		return -1;
	}
	char *end;
	long v = strtol(t + hl, &end, 10);
	if (end != nl || v < 1) {
		op_errf(err, OP_EXIT_CONFIG, "%s:1: bad version in the header", s->path);
		return -1;
	}
	if (v != version) {
		op_errf(err, OP_EXIT_CONFIG, "%s:1: state format version %ld, this %s reads version %d", s->path, v,
			 op_progname, version);
		return -1;
	}
	unsigned long lines = count_lines(t, n);
	/* the last line: "end N" */
	const char *last = t + n;
	if (n && t[n - 1] == '\n') {
		last--;
		while (last > t && last[-1] != '\n')
			last--;
	}
	unsigned long want = 0;
	int complete = n && t[n - 1] == '\n';
	char *e = NULL;
	if (complete && last > t && !strncmp(last, "end ", 4))
		want = strtoul(last + 4, &e, 10);
	if (!e || *e != '\n') {
		op_errf(err, OP_EXIT_CONFIG, "%s:%lu: incomplete state file (its last line is not \"end N\")", s->path,
			 lines + !complete);
		return -1;
	}
	if (want != lines - 2) {
		op_errf(err, OP_EXIT_CONFIG, "%s:%lu: damaged state file: \"end %lu\" but %lu lines before it", s->path,
			 lines, want, lines - 2);
		return -1;
	}
	op_buf_add(&s->body, nl + 1, (size_t)(last - (nl + 1)));
	s->bodyline = 2;
	return 0;
}

int op_state_open(op_state *s, const char *path, const char *kind, int version, op_err *e)
{
	memset(s, 0, sizeof *s);
	s->lockfd = -1;
	/* a link is followed: the file it names is locked and replaced, so
	 * two names of one state are one lock, and the link stays a link */
	if (!(s->path = op_link_target(path)))
		return fail(e, OP_EXIT_NOINPUT, "%s: %s", path);
	path = s->path;
	op_buf lock = {0};
	op_buf_printf(&lock, "%s.lock", path);
	s->lockfd = open(lock.p, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (s->lockfd < 0) {
		int rc = fail(e, OP_EXIT_NOINPUT, "%s: %s", lock.p);
		op_buf_free(&lock);
		return rc;
	}
	op_buf_free(&lock);
	while (flock(s->lockfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return fail(e, OP_EXIT_NOINPUT, "%s.lock: %s", path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return fail(e, OP_EXIT_NOINPUT, "%s: %s", path);
	}
	op_buf t = {0};
	for (;;) {
		op_buf_grow(&t, 65536);
		ssize_t k = read(fd, t.p + t.len, t.cap - t.len - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int rc = fail(e, OP_EXIT_NOINPUT, "%s: %s", path);
			close(fd);
			op_buf_free(&t);
			return rc;
		}
		if (!k)
			break;
		t.len += (size_t)k;
	}
	close(fd);
	t.p[t.len] = 0;
	int rc = check(s, kind, version, t.p, t.len, e);
	op_buf_free(&t);
	return rc;
}

int op_state_commit(op_state *s, const char *kind, int version, const char *body, size_t n,
		    op_err *e)
{
	op_buf tmp = {0}, out = {0};
	int rc = -1;
	op_buf_printf(&tmp, "%s.tmp", s->path);
	op_buf_printf(&out, "opflow-state %s %d\n", kind, version);
	op_buf_add(&out, body, n);
	op_buf_printf(&out, "end %lu\n", count_lines(body, n));
	/* the name is ours while the lock is held: what a crash left there,
	 * or a link put there to have a root cron job write through it, is
	 * removed, not followed (O_EXCL) */
	unlink(tmp.p);
	int fd = open(tmp.p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0 && op_keep_mode(fd, s->path)) {
		int saved = errno;
		close(fd);
		unlink(tmp.p);
		errno = saved;
		fd = -1;
	}
	if (fd < 0) {
		fail(e, OP_EXIT_IOERR, "%s: %s", tmp.p);
		goto done;
	}
	if (op_write_all(fd, out.p, out.len) || fsync(fd)) {
		fail(e, OP_EXIT_IOERR, "%s: %s", tmp.p);
		close(fd);
		unlink(tmp.p);
		goto done;
	}
	if (close(fd) || rename(tmp.p, s->path)) {
		fail(e, OP_EXIT_IOERR, "%s: %s", s->path);
		unlink(tmp.p);
		goto done;
	}
	/* the rename itself is durable only once the directory is synced */
	char *dir = op_xstrdup(s->path);
	int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	rc = 0;
done:
	op_buf_free(&tmp);
	op_buf_free(&out);
	return rc;
}

void op_state_close(op_state *s)
{
	if (s->lockfd >= 0)
		close(s->lockfd);	/* releases the flock */
	free(s->path);
	op_buf_free(&s->body);
	memset(s, 0, sizeof *s);
	s->lockfd = -1;
}
