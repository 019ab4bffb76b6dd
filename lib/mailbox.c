/* mailbox.c - the messages of an mbox (mboxrd) file or a maildir, handed
 * one at a time to a callback.  MIT licence, see COPYING. */
#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailbox.h"
#include "opflow.h"

/* mbox */

/* "From " and a digit later on the line: every envelope line has a date
 * ("From a@b Thu Jan  1 00:00:00 2026"); a body line of an mboxo file that
 * was never escaped ("From here on, ...") seldom has one. */
static int is_envelope(const char *s, size_t n)
{
	if (n < 6 || memcmp(s, "From ", 5))
		return 0;
	for (size_t i = 5; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return 1;
	return 0;
}

static int blank(const char *s, size_t n)
{
	return (n == 1 && s[0] == '\n') || (n == 2 && s[0] == '\r' && s[1] == '\n');
}

/* Anything but whitespace: text before the first envelope is a message
 * only when it has some. */
static int has_text(const op_buf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if (b->p[i] != ' ' && b->p[i] != '\t' && b->p[i] != '\r' && b->p[i] != '\n')
			return 1;
	return 0;
}

int op_mbox_each(FILE *f, const char *name, op_msg_fn fn, void *ctx)
{
	char *line = NULL;
	size_t cap = 0;
	op_buf msg = { 0 };
	unsigned long lineno = 0, start = 1;
	int after_blank = 1;	/* the file's start counts as one */
	int envelope = 0;	/* the message being read had a "From " line */
	char held[2];		/* the last empty line: the separator, if a
				 * "From " line follows; text otherwise */
	size_t heldn = 0;
	int rc = 0, err = 0;
	op_buf_grow(&msg, 0);
	msg.p[msg.len] = 0;	/* grow alone does not terminate */
	for (;;) {
		ssize_t n = op_xgetline(&line, &cap, f);
		if (n < 0) {
			if (ferror(f)) {
				err = errno ? errno : EIO;
				rc = -1;
			}
			break;
		}
		lineno++;
		if (after_blank && is_envelope(line, (size_t)n)) {
			if (envelope || has_text(&msg))
				rc = fn(msg.p, msg.len, name, envelope ? start : 1, ctx);
			if (rc)
				break;
			op_buf_reset(&msg);
			heldn = 0;
			start = lineno;
			envelope = 1;
			after_blank = 0;
			continue;
		}
		if (heldn) {
			op_buf_add(&msg, held, heldn);
			heldn = 0;
		}
		if (blank(line, (size_t)n)) {
			memcpy(held, line, (size_t)n);
			heldn = (size_t)n;
			after_blank = 1;
			continue;
		}
		after_blank = 0;
		/* mboxrd: ">From " was "From ", ">>From " was ">From " */
		size_t q = 0;
		while (q < (size_t)n && line[q] == '>')
			q++;
		size_t skip = q && (size_t)n - q >= 5 && !memcmp(line + q, "From ", 5);
		op_buf_add(&msg, line + skip, (size_t)n - skip);
	}
	if (!rc && (envelope || has_text(&msg)))
		rc = fn(msg.p, msg.len, name, envelope ? start : 1, ctx);
	free(line);
	op_buf_free(&msg);
	if (err)
		errno = err;
	return rc;
}

/* maildir */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read a whole regular file; 0, 1 when it is not a regular file (skipped),
 * -1 on error (errno). */
static int slurp(const char *path, op_buf *b)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK);	/* a FIFO must not block us */
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return 1;
	}
	op_buf_reset(b);
	op_buf_grow(b, (size_t)st.st_size);
	b->p[b->len] = 0;
	for (;;) {
		op_buf_grow(b, 65536);
		ssize_t r = read(fd, b->p + b->len, b->cap - b->len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		b->len += (size_t)r;
	}
	b->p[b->len] = 0;
	close(fd);
	return 0;
}

/* The files of one subdirectory in order; -1 with errno when it cannot be
 * listed. */
static int list_dir(const char *path, char ***names, size_t *nn)
{
	DIR *d = opendir(path);
	if (!d)
		return -1;
	size_t cap = 0;
	*names = NULL;
	*nn = 0;
	struct dirent *e;
	for (;;) {
		errno = 0;
		if (!(e = readdir(d)))
			break;
		if (e->d_name[0] == '.')
			continue;
		if (*nn == cap) {
			cap = cap ? cap * 2 : 64;
			*names = op_xrealloc(*names, cap * sizeof **names);
		}
		(*names)[(*nn)++] = op_xstrdup(e->d_name);
	}
	int err = errno;
	closedir(d);
	if (err) {
		for (size_t i = 0; i < *nn; i++)
			free((*names)[i]);
		free(*names);
		errno = err;
		return -1;
	}
	if (*nn)
		qsort(*names, *nn, sizeof **names, by_name);
	return 0;
}

int op_maildir_each(const char *dir, op_msg_fn fn, void *ctx)
{
	static const char *const subs[] = { "cur", "new" };
	op_buf path = { 0 }, msg = { 0 };
	int rc = 0, unreadable = 0, listed = 0, dirfail = 0, err = 0;
	for (int k = 0; k < 2 && !rc; k++) {
		op_buf_reset(&path);
		op_buf_printf(&path, "%s/%s", dir, subs[k]);
		char **names;
		size_t nn;
		if (list_dir(path.p, &names, &nn) < 0) {
			if (errno != ENOENT)
				rc = dirfail = -1;
			err = errno;
			continue;
		}
		listed++;
		size_t base = path.len;
		for (size_t i = 0; i < nn; i++) {
			if (!rc) {
				path.len = base;
				op_buf_printf(&path, "/%s", names[i]);
				int s = slurp(path.p, &msg);
				if (s < 0) {
					op_warn("%s: %s", path.p, strerror(errno));
					unreadable = 1;
				} else if (s == 0)
					rc = fn(msg.p, msg.len, path.p, 0, ctx);
			}
			free(names[i]);
		}
		free(names);
	}
	op_buf_free(&path);
	op_buf_free(&msg);
	if (!rc && !listed)
		rc = dirfail = -1;	/* neither cur/ nor new/ */
	if (dirfail)
		errno = err;
	return rc ? rc : unreadable;
}

int op_is_maildir(const char *path)
{
	op_buf b = { 0 };
	struct stat st;
	int yes = 0;
	op_buf_printf(&b, "%s/cur", path);
	if (stat(b.p, &st) == 0 && S_ISDIR(st.st_mode)) {
		op_buf_reset(&b);
		op_buf_printf(&b, "%s/new", path);
		yes = stat(b.p, &st) == 0 && S_ISDIR(st.st_mode);
	}
	op_buf_free(&b);
	return yes;
}
