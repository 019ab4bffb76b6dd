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

#define CHUNK 65536

/* lines in s[0..n), each '\n'-terminated */
static unsigned long count_lines(const char *s, size_t n)
{
	unsigned long k = 0;
	for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + n - p))); p++)
		k++;
	return k;
}

/* the file's lines, a last one without '\n' counted: for a message */
static unsigned long file_lines(int fd)
{
	char b[CHUNK];
	unsigned long k = 0;
	ssize_t n;
	int open_line = 0;
	for (off_t at = 0; (n = pread(fd, b, sizeof b, at)) > 0; at += n) {
		k += count_lines(b, (size_t)n);
		open_line = b[n - 1] != '\n';
	}
	return k + open_line;
}

static int preadall(op_state *s, char *b, size_t n, off_t at, op_err *e)
{
	for (size_t got = 0; got < n;) {
		ssize_t k = pread(s->fd, b + got, n - got, at + (off_t)got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (!k)
				errno = EIO;	/* shorter than fstat said: changed under the lock */
			return fail(e, OP_EXIT_NOINPUT, "%s: %s", s->path);
		}
		got += (size_t)k;
	}
	return 0;
}

/* The header and the last line, "end N", of the file open on s->fd (size
 * bytes): 0 with the body's place set for op_state_next, or -1. */
static int check(op_state *s, const char *kind, int version, off_t size, op_err *err)
{
	char head[128], t[128];
	int hl = snprintf(head, sizeof head, "opflow-state %s ", kind);
	size_t n = size < (off_t)sizeof t - 1 ? (size_t)size : sizeof t - 1;
	if (preadall(s, t, n, 0, err))
		return -1;
	t[n] = 0;
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
	if (v > version) {
		op_errf(err, OP_EXIT_CONFIG, "%s:1: state format version %ld, this %s reads versions 1 to %d",
			s->path, v, op_progname, version);
		return -1;
	}
	s->version = (int)v;
	off_t body = nl - t + 1;
	/* the last line: "end N" */
	n = size - body < (off_t)sizeof t - 1 ? (size_t)(size - body) : sizeof t - 1;
	if (preadall(s, t, n, size - (off_t)n, err))
		return -1;
	t[n] = 0;
	char *last = t + n, *e = NULL;
	int complete = n && t[n - 1] == '\n';
	if (complete) {
		last--;
		while (last > t && last[-1] != '\n')
			last--;
	}
	if (complete && (last > t || size - body == (off_t)n) && !strncmp(last, "end ", 4) && last[4] >= '0' &&
	    last[4] <= '9')
		s->lines = strtoul(last + 4, &e, 10);
	if (!e || *e != '\n') {
		op_errf(err, OP_EXIT_CONFIG, "%s:%lu: incomplete state file (its last line is not \"end N\")", s->path,
			file_lines(s->fd));
		return -1;
	}
	s->left = (unsigned long long)(size - body - (t + n - last));
	if (lseek(s->fd, body, SEEK_SET) < 0)
		return fail(err, OP_EXIT_NOINPUT, "%s: %s", s->path);
	return 0;
}

/* open s->path for reading and check it: a missing file is an empty state */
static int read_state(op_state *s, const char *kind, int version, op_err *e)
{
	s->fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		if (errno == ENOENT)
			return 0;
		return fail(e, OP_EXIT_NOINPUT, "%s: %s", s->path);
	}
	struct stat st;
	if (fstat(s->fd, &st))
		return fail(e, OP_EXIT_NOINPUT, "%s: %s", s->path);
	return check(s, kind, version, st.st_size, e);
}

int op_state_open(op_state *s, const char *path, const char *kind, int version, int readonly, op_err *e)
{
	memset(s, 0, sizeof *s);
	s->lockfd = s->fd = -1;
	/* a link is followed: the file it names is locked and replaced, so
	 * two names of one state are one lock, and the link stays a link */
	if (!(s->path = op_link_target(path)))
		return fail(e, OP_EXIT_NOINPUT, "%s: %s", path);
	path = s->path;
	/* a reader needs no lock: a writer replaces the file by rename, so
	 * the file open here stays whole whatever a run does meanwhile, and
	 * a replay leaves no FILE.lock behind nor needs a writable folder */
	if (readonly)
		return read_state(s, kind, version, e);
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
	return read_state(s, kind, version, e);
}

int op_state_next(op_state *s, const char **p, size_t *n, unsigned long *line, op_err *e)
{
	op_buf *b = &s->buf;
	if (s->used) {
		memmove(b->p, b->p + s->used, b->len - s->used);
		b->len -= s->used;
		s->used = 0;
	}
	char *nl;
	while (s->left && (b->len < CHUNK || !memchr(b->p, '\n', b->len))) {
		op_buf_grow(b, CHUNK);
		size_t want = b->cap - b->len - 1;
		ssize_t k = read(s->fd, b->p + b->len, want < s->left ? want : (size_t)s->left);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (!k)
				errno = EIO;
			return fail(e, OP_EXIT_NOINPUT, "%s: %s", s->path);
		}
		b->len += (size_t)k;
		s->left -= (unsigned long long)k;
	}
	if (!b->len) {
		if (s->seen == s->lines)
			return 0;
		op_errf(e, OP_EXIT_CONFIG, "%s:%lu: damaged state file: \"end %lu\" but %lu lines before it", s->path,
			s->seen + 2, s->lines, s->seen);
		return -1;
	}
	/* the body ends in '\n' (the last line starts after one) */
	for (nl = b->p + b->len - 1; *nl != '\n'; nl--)
		;
	*p = b->p;
	*n = s->used = (size_t)(nl + 1 - b->p);
	*line = 2 + s->seen;
	s->seen += count_lines(b->p, *n);
	return 1;
}

/* the body from next, "end N" after it, written to fd */
static int write_body(int fd, const char *kind, int version, int (*next)(void *arg, op_buf *out), void *arg)
{
	op_buf out = {0};
	unsigned long lines = 0;
	int more = 1, rc = 0;
	op_buf_printf(&out, "opflow-state %s %d\n", kind, version);
	while (!rc && more) {
		size_t from = out.len;
		more = next(arg, &out);
		lines += count_lines(out.p + from, out.len - from);
		if (!more)
			op_buf_printf(&out, "end %lu\n", lines);
		rc = op_write_all(fd, out.p, out.len);
		op_buf_reset(&out);
	}
	op_buf_free(&out);
	return rc;
}

int op_state_commit(op_state *s, const char *kind, int version, int (*next)(void *arg, op_buf *out),
		    void *arg, op_err *e)
{
	op_buf tmp = {0};
	int rc = -1;
	op_buf_printf(&tmp, "%s.tmp", s->path);
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
	if (write_body(fd, kind, version, next, arg) || fsync(fd)) {
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
	return rc;
}

void op_state_escape(op_buf *b, const char *s, size_t n)
{
	size_t run = 0;		/* bytes written as they are, in one go */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c > ' ' && c != '%' && c != 0x7f) {
			run++;
			continue;
		}
		op_buf_add(b, s + i - run, run);
		run = 0;
		op_buf_printf(b, "%%%02X", c);
	}
	op_buf_add(b, s + n - run, run);
}

void op_state_put_field(op_buf *b, const char *s, size_t n)
{
	op_buf_addc(b, ' ');
	op_state_escape(b, s, n);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int op_state_get_field(const char **p, const char *end, op_buf *d)
{
	op_buf_reset(d);
	if (*p >= end || **p != ' ')
		return -1;
	const char *s = ++*p, *sp = memchr(s, ' ', (size_t)(end - s));
	*p = sp ? sp : end;
	size_t n = (size_t)(*p - s);
	if (!n)
		return -1;
	if (!memchr(s, '%', n)) {
		op_buf_add(d, s, n);
		return 0;
	}
	op_buf_grow(d, n);
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%') {
			d->p[d->len++] = s[i];
			continue;
		}
		int h = i + 2 < n ? hexval(s[i + 1]) : -1, l = h >= 0 ? hexval(s[i + 2]) : -1;
		if (l < 0)
			return -1;
		d->p[d->len++] = (char)(h * 16 + l);
		i += 2;
	}
	d->p[d->len] = 0;
	return 0;
}

void op_state_close(op_state *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->lockfd >= 0)
		close(s->lockfd);	/* releases the flock */
	free(s->path);
	op_buf_free(&s->buf);
	memset(s, 0, sizeof *s);
	s->lockfd = s->fd = -1;
}
