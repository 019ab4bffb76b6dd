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

/* Hand the message read so far to fn, with its envelope line if any. */
static int deliver(op_msg_fn fn, void *ctx, const op_buf *msg, const char *name,
    unsigned long start, const op_buf *env)
{
	op_msg_src src = { .file = name, .line = start };
	if (env->len) {
		src.envelope = env->p;
		src.envlen = env->len;
		while (src.envlen && (env->p[src.envlen - 1] == '\n' || env->p[src.envlen - 1] == '\r'))
			src.envlen--;
	}
	return fn(msg->p, msg->len, &src, ctx);
}

int op_mbox_each(FILE *f, const char *name, op_msg_fn fn, void *ctx)
{
	char *line = NULL;
	size_t cap = 0;
	op_buf msg = { 0 }, env = { 0 };
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
				rc = deliver(fn, ctx, &msg, name, start, &env);
			if (rc)
				break;
			op_buf_reset(&msg);
			op_buf_reset(&env);
			op_buf_add(&env, line, (size_t)n);
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
		rc = deliver(fn, ctx, &msg, name, start, &env);
	free(line);
	op_buf_free(&msg);
	op_buf_free(&env);
	if (err)
		errno = err;
	return rc;
}

/* The envelope's date, as RFC 5322 writes one: "d Mon yyyy hh:mm:ss zone"
 * for op_time_parse_rfc5322.  A token is a weekday or a month (the later
 * one before the day wins), a day, a time, a year, or a zone. */
int op_mbox_from_time(const char *s, size_t n, op_time *t, int *naive)
{
	if (n < 5 || memcmp(s, "From ", 5))
		return -1;
	size_t i = 5;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (i < n && s[i] != ' ' && s[i] != '\t')
		i++;	/* the sender */
	const char *tok[5] = { 0 };	/* month, day, time, year, zone */
	size_t len[5] = { 0 };
	enum { MON, DAY, TIME, YEAR, ZONE };
	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		size_t a = i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		size_t l = i - a;
		if (!l)
			break;
		if (l > 12)
			return -1;
		const char *w = s + a;
		int k;
		if (memchr(w, ':', l))
			k = TIME;
		else if (w[0] >= '0' && w[0] <= '9')
			k = l <= 2 && !tok[DAY] ? DAY : YEAR;
		else
			k = tok[TIME] || w[0] == '+' || w[0] == '-' ? ZONE : MON;
		tok[k] = w;
		len[k] = l;
	}
	for (int k = MON; k <= YEAR; k++)
		if (!tok[k])
			return -1;
	char d[80];
	int dn = snprintf(d, sizeof d, "%.*s %.*s %.*s %.*s %.*s", (int)len[DAY], tok[DAY],
	    (int)len[MON], tok[MON], (int)len[YEAR], tok[YEAR], (int)len[TIME], tok[TIME],
	    tok[ZONE] ? (int)len[ZONE] : 5, tok[ZONE] ? tok[ZONE] : "+0000");
	*naive = !tok[ZONE];
	return op_time_parse_rfc5322(d, (size_t)dn, t);
}

/* maildir */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket"
	    : S_ISCHR(m) || S_ISBLK(m) ? "a device" : "not a regular file";
}

/* Read the regular file name of directory dfd, not through a symbolic
 * link: 0, 1 when it is no regular file (*what says what it is, skipped),
 * -1 on error (errno).  *mtime: its modification time. */
static int slurp(int dfd, const char *name, op_buf *b, const char **what, op_time *mtime)
{
	/* O_NONBLOCK: a FIFO must not block us */
	int fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0) {
		if (errno != ELOOP)
			return -1;
		*what = "a symbolic link";
		return 1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*what = file_kind(st.st_mode);
		close(fd);
		return 1;
	}
	*mtime = st.st_mtime;
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

/* The entries of directory d in order (d is closed); -1 with errno when
 * it cannot be listed. */
static int list_dir(DIR *d, char ***names, size_t *nn)
{
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
		*names = op_grow(*names, *nn, &cap, sizeof **names);
		(*names)[(*nn)++] = op_xstrdup(e->d_name);
	}
	int err = errno;
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

/* When a maildir file was delivered: the time its name starts with
 * ("1698765432.M1P2.host", as maildir(5) names files), else mtime.  The
 * time has 9 or 10 digits (1973 to 2286: "1.eml" is no time in 1970,
 * "202310151234.eml" none in 8380) and is not after the file was last
 * written, which a delivery cannot be. */
static void delivery(op_msg_src *src, const char *name, op_time mtime)
{
	op_time t = 0;
	size_t i = 0;
	while (name[i] >= '0' && name[i] <= '9' && i < 11)
		t = t * 10 + (name[i++] - '0');
	if (i >= 9 && i <= 10 && name[i] == '.' && t <= mtime) {
		src->delivered = t;
		src->delivered_from = "maildir-name";
	} else {
		src->delivered = mtime;
		src->delivered_from = "maildir-mtime";
	}
}

/* The messages of sub/ (cur or new) of dir: 0, 1 when something was
 * skipped (sub/ itself, when it cannot be listed), -1 when there is no
 * sub/, or what fn returned. */
static int walk_sub(const char *dir, const char *sub, op_buf *path, op_buf *msg,
    op_msg_fn fn, void *ctx, int *stopped)
{
	op_buf_reset(path);
	op_buf_printf(path, "%s/%s", dir, sub);
	/* O_NOFOLLOW with O_DIRECTORY fails with ENOTDIR on a link: lstat
	 * tells it, and O_NOFOLLOW keeps a link put there since out */
	struct stat st;
	int dfd = open(path->p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (dfd < 0 && (errno == ELOOP || errno == ENOTDIR) && lstat(path->p, &st) == 0
	    && S_ISLNK(st.st_mode)) {
		op_warn("%s: a symbolic link, skipped", path->p);
		return 1;
	}
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	char **names;
	size_t nn;
	if (!d || list_dir(d, &names, &nn) < 0) {
		int e = errno;
		if (d)
			closedir(d);
		else if (dfd >= 0)
			close(dfd);
		errno = e;
		if (e == ENOENT)
			return -1;
		op_warn("%s: %s", path->p, strerror(e));	/* the one that failed, named */
		return 1;
	}
	int rc = 0;
	size_t base = path->len;
	for (size_t i = 0; i < nn; i++) {
		if (!*stopped) {
			path->len = base;
			op_buf_printf(path, "/%s", names[i]);
			const char *what = NULL;
			op_msg_src src = { .file = path->p };
			op_time mtime = 0;
			int s = slurp(dirfd(d), names[i], msg, &what, &mtime);
			if (s < 0) {
				op_warn("%s: %s", path->p, strerror(errno));
				rc = 1;
			} else if (s > 0) {
				op_warn("%s: %s, skipped", path->p, what);
				rc = 1;
			} else {
				delivery(&src, names[i], mtime);
				if ((*stopped = fn(msg->p, msg->len, &src, ctx)))
					rc = *stopped;
			}
		}
		free(names[i]);
	}
	free(names);
	closedir(d);
	return rc;
}

int op_maildir_each(const char *dir, op_msg_fn fn, void *ctx)
{
	static const char *const subs[] = { "cur", "new" };
	op_buf path = { 0 }, msg = { 0 };
	int stopped = 0, skipped = 0, there = 0;
	for (int k = 0; k < 2 && !stopped; k++) {
		int r = walk_sub(dir, subs[k], &path, &msg, fn, ctx, &stopped);
		there += r >= 0;
		skipped |= r == 1;
	}
	op_buf_free(&path);
	op_buf_free(&msg);
	if (stopped)
		return stopped;
	if (!there) {
		errno = ENOENT;	/* neither cur/ nor new/ */
		return -1;
	}
	return skipped;
}

/* sub/ of path is a directory (through a link: the walk names those) */
static int has_sub(const char *path, const char *sub)
{
	op_buf b = { 0 };
	struct stat st;
	op_buf_printf(&b, "%s/%s", path, sub);
	int yes = stat(b.p, &st) == 0 && S_ISDIR(st.st_mode);
	op_buf_free(&b);
	return yes;
}

int op_is_maildir(const char *path)
{
	return has_sub(path, "cur") || has_sub(path, "new");
}
