/* lines.c - lines kept in place or in a spool, read back by position.
 * MIT licence.
 *
 * enq-link writes its enquiries only after the last input, so the lines
 * it may write have to be found again.  A regular file is read again
 * where it lies (a dup of its descriptor, so a rename does not matter);
 * a pipe or a terminal cannot be, so its lines go to the spool.  When
 * descriptors run out, later files are spooled too. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lines.h"

#define OFFBITS 44
#define OFFMAX ((UINT64_C(1) << OFFBITS) - 1)
#define MAXSRC ((1u << (64 - OFFBITS)) - 1)
#define WINDOW (64 * 1024)

typedef struct {
	int fd;			/* its own (a dup), or the spool's */
	int own;
	off_t size;		/* an own input's size and time when read */
	struct timespec mtime;
	char *name;
} src;

struct op_lines {
	src *s;
	size_t n, cap;
	unsigned input;		/* the stream's input the last source is for */
	FILE *spool;
	uint64_t spooled;
};

op_lines *op_lines_new(void)
{
	return op_xcalloc(1, sizeof(op_lines));
}

/* in $TMPDIR, as enq-link(1) says (tmpfile(3) would ignore it), unlinked
 * at once: nothing is left behind, whatever ends the run */
static void make_spool(op_lines *k)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	if (!dir || !*dir)
		dir = "/tmp";
	if (snprintf(path, sizeof path, "%s/enq-link.XXXXXX", dir) >= (int)sizeof path)
		op_die(OP_EXIT_IOERR, "spool file in %s: %s", dir, strerror(ENAMETOOLONG));
	int fd = mkstemp(path);
	if (fd < 0 || unlink(path) || !(k->spool = fdopen(fd, "w+")))
		op_die(OP_EXIT_IOERR, "spool file in %s: %s", dir, strerror(errno));
}

/* an own input's size and time now */
static void stat_src(const src *s, off_t *size, struct timespec *mtime)
{
	struct stat sb;
	if (fstat(s->fd, &sb))
		op_die(OP_EXIT_IOERR, "%s: %s", s->name, strerror(errno));
	*size = sb.st_size;
	*mtime = sb.st_mtim;
}

static void new_src(op_lines *k, const op_stream *st)
{
	if (k->n && k->s[k->n - 1].own)
		stat_src(&k->s[k->n - 1], &k->s[k->n - 1].size, &k->s[k->n - 1].mtime);
	if (k->n == MAXSRC)
		op_die(OP_EXIT_SOFTWARE, "more than %u inputs", MAXSRC);
	k->s = op_grow(k->s, k->n, &k->cap, sizeof *k->s);
	src *s = &k->s[k->n++];
	struct stat sb;
	*s = (src){ .fd = -1, .name = op_xstrdup(st->name) };
	if (st->fd >= 0 && !fstat(st->fd, &sb) && S_ISREG(sb.st_mode))
		s->fd = dup(st->fd);	/* -1 when out of descriptors: spooled */
	s->own = s->fd >= 0;
	if (!s->own) {
		if (!k->spool)
			make_spool(k);
		s->fd = fileno(k->spool);
	}
	k->input = st->input;
}

uint64_t op_lines_keep(op_lines *k, const op_stream *st)
{
	if (!k->n || st->input != k->input)
		new_src(k, st);
	src *s = &k->s[k->n - 1];
	uint64_t off = st->off;
	if (!s->own) {
		off = k->spooled;
		if (fwrite(st->line, 1, st->linelen, k->spool) != st->linelen || putc('\n', k->spool) == EOF)
			op_die(OP_EXIT_IOERR, "spool file: %s", strerror(errno));
		k->spooled += st->linelen + 1;
	}
	if (off > OFFMAX)
		op_die(OP_EXIT_SOFTWARE, "%s: over %llu bytes", s->name, (unsigned long long)OFFMAX);
	return (uint64_t)(k->n - 1) << OFFBITS | off;
}

void op_lines_seal(op_lines *k)
{
	if (k->spool && fflush(k->spool))
		op_die(OP_EXIT_IOERR, "spool file: %s", strerror(errno));
	if (k->n && k->s[k->n - 1].own)
		stat_src(&k->s[k->n - 1], &k->s[k->n - 1].size, &k->s[k->n - 1].mtime);
	/* appended to is harmless; shorter, or the same size written anew,
	 * and the kept offsets may point anywhere */
	for (size_t i = 0; i < k->n; i++) {
		off_t size;
		struct timespec t;
		if (!k->s[i].own)
			continue;
		stat_src(&k->s[i], &size, &t);
		if (size < k->s[i].size || (size == k->s[i].size &&
		    (t.tv_sec != k->s[i].mtime.tv_sec || t.tv_nsec != k->s[i].mtime.tv_nsec)))
			op_die(OP_EXIT_IOERR, "%s: changed while it was read; run again", k->s[i].name);
	}
}

/* w->b holds the input from pos on, up to a newline or the input's end */
static void fill(const src *s, op_line *w, uint64_t pos)
{
	uint64_t off = pos & OFFMAX;
	size_t got = 0;
	op_buf_reset(&w->b);
	w->eof = 0;
	for (;;) {
		op_buf_grow(&w->b, WINDOW);
		ssize_t r = pread(s->fd, w->b.p + got, WINDOW, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			op_die(OP_EXIT_IOERR, "%s: %s", s->own ? s->name : "spool file", strerror(errno));
		w->b.len = got += (size_t)r;
		w->eof = r == 0;
		if (r == 0 || memchr(w->b.p + got - (size_t)r, '\n', (size_t)r))
			break;
	}
	w->base = pos;
}

op_rec *op_lines_get(op_lines *k, op_line *w, uint64_t pos)
{
	const src *s = &k->s[pos >> OFFBITS];
	const char *p = NULL, *nl = NULL;
	for (int tries = 0; tries < 2; tries++) {
		if (w->b.p && pos >> OFFBITS == w->base >> OFFBITS && pos >= w->base &&
		    pos - w->base <= w->b.len) {
			p = w->b.p + (pos - w->base);
			nl = memchr(p, '\n', w->b.len - (size_t)(pos - w->base));
			if (nl || w->eof)
				break;
		}
		fill(s, w, pos);
		p = NULL;
	}
	if (!p)
		op_die(OP_EXIT_SOFTWARE, "%s: a kept line is gone", s->name);
	size_t n = nl ? (size_t)(nl - p) : w->b.len - (size_t)(pos - w->base);
	if (n && p[n - 1] == '\r')
		n--;
	op_jerr e;
	if (op_rec_scan(&w->r, p, n, &e))
		op_die(OP_EXIT_IOERR, "%s: changed while it was read (%s); run again",
		       s->own ? s->name : "spool file", e.msg);
	return &w->r;
}

void op_line_free(op_line *w)
{
	op_buf_free(&w->b);
	op_rec_free(&w->r);
}

void op_lines_free(op_lines *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n; i++) {
		if (k->s[i].own)
			close(k->s[i].fd);
		free(k->s[i].name);
	}
	free(k->s);
	if (k->spool)
		fclose(k->spool);
	free(k);
}
