/* stream.c - the record loop: read lines from files or stdin, scan each
 * as a record, hand it to the program, keep bad ones aside, count, and
 * check every write.  MIT licence, see COPYING.
 *
 * Lines are read with read(2) into one buffer that grows to the longest
 * line seen, up to --max-line; a longer line is streamed, whole, to
 * --rejects without ever being held in memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "stream.h"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The stream is each program's main loop, lent by lib/: an output (or
 * --rejects) that cannot be written ends the run here with 74, as main
 * would, rather than through every record callback back to main; a lib/
 * engine only ever sees the records (lib/README). */
static noreturn void write_failed(const char *what)
{
	/* a reader that went away is no error of ours: end quietly */
	if (errno == EPIPE)
		exit(OP_EXIT_IOERR);
	op_die(OP_EXIT_IOERR, "%s: %s", what, strerror(errno ? errno : EIO));
}

/* A pipe between two opflow programs holds 64 KiB by default: the writer
 * fills it 16 times a megabyte and sleeps until the reader drains it, a
 * context switch each way.  So a pipe on either end is widened to PIPE_SZ,
 * or the system's /proc/sys/fs/pipe-max-size when that is smaller; where
 * the kernel refuses (a user over pipe-user-pages-soft, an old kernel)
 * the pipe keeps the size it had.  Output goes out in blocks of OBUF. */
#define PIPE_SZ (1 << 20)
#define OBUF (1 << 18)

static void widen_pipe(int fd)
{
	static long size;
	struct stat sb;
	if (fstat(fd, &sb) || !S_ISFIFO(sb.st_mode))
		return;
	if (!size) {
		FILE *f = fopen("/proc/sys/fs/pipe-max-size", "r");
		size = PIPE_SZ;
		long max;
		if (f && fscanf(f, "%ld", &max) == 1 && max > 0 && max < size)
			size = max;
		if (f)
			fclose(f);
	}
#ifdef F_SETPIPE_SZ
	if (fcntl(fd, F_GETPIPE_SZ) < size)
		(void)fcntl(fd, F_SETPIPE_SZ, (int)size);
#endif
}

void op_stream_init(op_stream *st, const op_cli *cli)
{
	static char obuf[OBUF];
	memset(st, 0, sizeof *st);
	st->cli = cli;
	st->t0 = now_seconds();
	st->csv_hint = "looks like CSV; run it through enq-parse first";
	st->writer = cli->writer;
	widen_pipe(0);
	widen_pipe(1);
	if (!cli->line_buffered)
		setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	if (cli->rejects) {
		st->rejects = fopen(cli->rejects, "w");
		if (!st->rejects)
			op_die(OP_EXIT_IOERR, "%s: %s", cli->rejects, strerror(errno));
	}
}

static void put(op_stream *st, const char *s, size_t n)
{
	if (fwrite_unlocked(s, 1, n, stdout) != n)
		write_failed("write error");
	if (st->cli->line_buffered && fflush(stdout))
		write_failed("write error");
}

/* -o csv, tsv, ics: the record through the writer; one it cannot write
 * is turned away as bad input is, with its line as it came out */
static void emit_through(op_stream *st, const char *s, size_t n)
{
	char msg[256] = "";
	op_buf_reset(&st->wbuf);
	int r = st->cli->output->record(st->writer, s, n, &st->wbuf, msg, sizeof msg);
	if (st->wbuf.len)	/* a header comes before the first record, written or not */
		put(st, st->wbuf.p, st->wbuf.len);
	if (r < 0) {
		op_reject_at(st, NULL, s, n, "%s", msg);
		return;
	}
	if (*msg)
		op_warn("%s:%llu: %s", st->name, st->lineno, msg);
	st->out += r > 0;
}

void op_emit(op_stream *st, const char *s, size_t n)
{
	if (st->capture) {
		op_buf_add(st->capture, s, n);
		op_buf_addc(st->capture, '\n');
		st->out++;
		return;
	}
	if (st->writer) {
		emit_through(st, s, n);
		return;
	}
	if (fwrite_unlocked(s, 1, n, stdout) != n || putc_unlocked('\n', stdout) == EOF)
		write_failed("write error");
	if (st->cli->line_buffered && fflush(stdout))
		write_failed("write error");
	st->out++;
}

void op_emit_rec(op_stream *st, op_rec *r, const op_kv *kv, size_t n)
{
	if (!n) {
		op_emit(st, r->line, r->len);
		return;
	}
	op_buf_reset(&st->obuf);
	op_rec_splice(&st->obuf, r, kv, n);
	op_emit(st, st->obuf.p, st->obuf.len);
}

int op_stream_one(const op_cli *cli, const char *name, unsigned line, const char *json, size_t n,
		  op_record_fn fn, void *ctx, op_buf *out)
{
	op_stream st = { .cli = cli, .name = name, .lineno = line, .line = json, .linelen = n, .capture = out };
	op_jerr je;
	if (op_rec_scan(&st.rec, json, n, &je))
		op_reject(&st, "%s", je.msg);
	else
		fn(&st, &st.rec, ctx);
	op_rec_free(&st.rec);
	op_buf_free(&st.obuf);
	op_buf_free(&st.extra);
	return st.rejected ? -1 : 0;
}

static void keep_reject(op_stream *st, const char *s, size_t n)
{
	if (st->rejects && (fwrite(s, 1, n, st->rejects) != n || putc('\n', st->rejects) == EOF))
		write_failed(st->cli->rejects);
}

/* where: "FILE:LINE" or "FILE", or NULL for the line being read */
static void vreject(op_stream *st, const char *where, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (where)
		op_warn("%s: %s", where, msg);
	else
		op_warn("%s:%llu: %s", st->name, st->lineno, msg);
	st->rejected++;
	if (st->cli->strict)
		st->stop = 1;
}

void op_reject(op_stream *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreject(st, NULL, fmt, ap);
	va_end(ap);
	keep_reject(st, st->line, st->linelen);
}

static void progress(op_stream *st, int done)
{
	double t = now_seconds();
	if (!done && t - st->last_progress < 0.25)
		return;
	st->last_progress = t;
	if (st->total_bytes)
		fprintf(stderr, "\r%s: %3.0f%% %llu records", op_progname,
			100.0 * (double)st->done_bytes / (double)st->total_bytes, st->in);
	else
		fprintf(stderr, "\r%s: %llu records", op_progname, st->in);
	if (done)
		fputc('\n', stderr);
}

/* Does a line that is no JSON look like a CSV header row: delimiters,
 * and nothing of JSON's ('{', or a '[' first)? */
static int csv_like(const char *s, size_t n)
{
	if (memchr(s, '{', n) || (n && s[0] == '['))
		return 0;
	return memchr(s, ',', n) || memchr(s, ';', n) || memchr(s, '\t', n);
}

/* One record line (newline and any CR already gone). */
static void one_line(op_stream *st, char *s, size_t n, op_record_fn fn, void *ctx)
{
	st->lineno++;
	if (st->lineno == 1 && n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		s += 3, n -= 3, st->off += 3;	/* a UTF-8 byte order mark some editors write */
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	if (i == n)
		return;		/* blank lines are not records */
	st->in++;
	st->line = s;
	st->linelen = n;
	op_jerr e;
	if (op_rec_scan(&st->rec, s, n, &e)) {
		char msg[160];
		snprintf(msg, sizeof msg, "%zu: %s", e.pos + 1, e.msg);
		/* the column goes after the line: FILE:LINE:COL: message */
		op_warn("%s:%llu:%s", st->name, st->lineno, msg);
		if (st->lineno == 1 && csv_like(s, n))
			op_warn("%s: %s", st->name, st->csv_hint);
		st->rejected++;
		if (st->cli->strict)
			st->stop = 1;
		keep_reject(st, s, n);
		return;
	}
	if (fn(st, &st->rec, ctx))
		st->stop = 1;
}

static void too_long(op_stream *st)
{
	st->lineno++;
	st->in++;
	st->rejected++;
	op_warn("%s:%llu: line longer than --max-line (%zu bytes), rejected",
		st->name, st->lineno, st->cli->max_line);
	if (st->cli->strict)
		st->stop = 1;
}

/* Where lines come from: a file descriptor, or a stdio stream (enq-parse's
 * peeked and decoded inputs).  Like read(2): bytes, 0 at the end, -1. */
typedef ssize_t (*reader_fn)(void *src, char *buf, size_t n);

static ssize_t fd_read(void *src, char *buf, size_t n)
{
	ssize_t got;
	while ((got = read(*(int *)src, buf, n)) < 0 && errno == EINTR)
		;
	return got;
}

static ssize_t file_read(void *src, char *buf, size_t n)
{
	FILE *f = src;
	errno = 0;
	size_t got = fread(buf, 1, n, f);
	if (!got && ferror(f)) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return (ssize_t)got;
}

/* base: the input's offset at buf[0] */
static void read_lines(op_stream *st, void *src, reader_fn rd, uint64_t base, op_record_fn fn,
		       void *ctx)
{
	size_t start = 0, len = 0, scanned = 0, max = st->cli->max_line;
	int overlong = 0, eof = 0;
	if (!st->rbuf) {
		st->rcap = OBUF;	/* as large as the blocks a widened pipe brings */
		st->rbuf = op_xmalloc(st->rcap);
	}
	char *buf = st->rbuf;
	/* buf[start..len) is unread; scanned: how far it has no newline */
	while (!st->stop) {
		char *nl = memchr(buf + scanned, '\n', len - scanned);
		if (!nl && eof) {
			if (start == len)
				break;
			nl = buf + len;	/* a last line without its newline */
		}
		if (nl) {
			char *s = buf + start;
			size_t n = (size_t)(nl - s);
			if (overlong || n > max) {
				keep_reject(st, s, n);
				too_long(st);
				overlong = 0;
			} else {
				st->off = base + start;
				one_line(st, s, n && s[n - 1] == '\r' ? n - 1 : n, fn, ctx);
			}
			start = scanned = (size_t)(nl - buf) + (nl < buf + len);
			continue;
		}
		/* need more: keep the partial line, at the front */
		memmove(buf, buf + start, len - start);
		len -= start;
		base += start;
		start = 0;
		scanned = len;
		if (len > max) {
			/* over the limit and no end in sight: the line goes to
			 * --rejects piece by piece, never held whole */
			if (st->rejects && fwrite(buf, 1, len, st->rejects) != len)
				write_failed(st->cli->rejects);
			overlong = 1;
			base += len;
			len = scanned = 0;
		}
		buf = st->rbuf = op_grow(st->rbuf, len, &st->rcap, 1);
		ssize_t got = rd(src, buf + len, st->rcap - len);
		if (got < 0) {
			op_warn("%s: read error: %s", st->name, strerror(errno));
			st->noinput = 1;
			break;
		}
		if (got == 0)
			eof = 1;
		len += (size_t)got;
		st->done_bytes += (unsigned long long)got;
		if (st->cli->progress && st->total_bytes)
			progress(st, 0);
	}
}

void op_stream_run(op_stream *st, int nfiles, char **files, op_record_fn fn, void *ctx)
{
	char *dash[] = { (char *)"-" };
	if (nfiles == 0) {
		nfiles = 1;
		files = dash;
	}
	if (st->cli->progress && isatty(2)) {
		struct stat sb;
		for (int i = 0; i < nfiles; i++)
			if (strcmp(files[i], "-") ? stat(files[i], &sb) == 0 : fstat(0, &sb) == 0)
				if (S_ISREG(sb.st_mode))
					st->total_bytes += (unsigned long long)sb.st_size;
	}
	for (int i = 0; i < nfiles && !st->stop; i++) {
		int fd = 0;
		if (strcmp(files[i], "-")) {
			fd = open(files[i], O_RDONLY);
			if (fd < 0) {
				op_warn("%s: %s", files[i], strerror(errno));
				st->noinput = 1;
				continue;
			}
			st->name = files[i];
		} else {
			st->name = "<stdin>";
		}
		st->lineno = 0;
		st->input++;
		st->fd = fd;
		/* standard input may be a file read from its middle */
		off_t at = lseek(fd, 0, SEEK_CUR);
		read_lines(st, &fd, fd_read, at > 0 ? (uint64_t)at : 0, fn, ctx);
		if (fd)
			close(fd);
	}
	if (st->cli->progress && isatty(2))
		progress(st, 1);
}

int op_stream_finish(op_stream *st)
{
	int rc = OP_EXIT_OK;
	if (st->rejected)
		rc = OP_EXIT_DATAERR;
	if (st->noinput)
		rc = OP_EXIT_NOINPUT;
	if (st->writer) {
		op_buf_reset(&st->wbuf);
		st->cli->output->close(st->writer, &st->wbuf, &st->extra);
		st->writer = NULL;
		put(st, st->wbuf.p ? st->wbuf.p : "", st->wbuf.len);
	}
	errno = 0;
	if (fflush(stdout) || ferror(stdout) || fclose(stdout))
		write_failed("write error");
	if (st->rejects && (fflush(st->rejects) || ferror(st->rejects) || fclose(st->rejects)))
		write_failed(st->cli->rejects);
	st->rejects = NULL;
	if (st->cli->stats)
		fprintf(stderr, "{\"program\":\"%s\",\"in\":%llu,\"out\":%llu,\"rejected\":%llu%s,\"seconds\":%.3f}\n",
			op_progname, st->in, st->out, st->rejected, st->extra.p ? st->extra.p : "",
			now_seconds() - st->t0);
	op_stream_part_free(st);
	op_buf_free(&st->extra);
	return rc;
}

void op_stream_part_init(op_stream *st, const op_stream *whole)
{
	memset(st, 0, sizeof *st);
	st->cli = whole->cli;
	st->csv_hint = whole->csv_hint;
}

/* a part of a file: pread(2) from *off up to end */
typedef struct {
	int fd;
	uint64_t off, end;
} range;

static ssize_t range_read(void *src, char *buf, size_t n)
{
	range *r = src;
	ssize_t got;
	if (n > r->end - r->off)
		n = (size_t)(r->end - r->off);
	while ((got = pread(r->fd, buf, n, (off_t)r->off)) < 0 && errno == EINTR)
		;
	if (got > 0)
		r->off += (uint64_t)got;
	return got;
}

void op_stream_range(op_stream *st, const char *name, int fd, uint64_t from, uint64_t to,
		     op_record_fn fn, void *ctx)
{
	range r = { fd, from, to };
	st->name = name;
	st->fd = fd;
	/* a part after the first has no line 1, whose byte order mark is
	 * taken off */
	st->lineno = from > 0;
	read_lines(st, &r, range_read, from, fn, ctx);
}

void op_stream_part_free(op_stream *st)
{
	op_rec_free(&st->rec);
	op_buf_free(&st->obuf);
	op_buf_free(&st->wbuf);
	free(st->rbuf);
	st->rbuf = NULL;
}

void op_stream_file(op_stream *st, FILE *f, op_record_fn fn, void *ctx)
{
	st->lineno = 0;
	st->input++;
	st->fd = -1;
	read_lines(st, f, file_read, 0, fn, ctx);
}

void op_reject_at(op_stream *st, const char *where, const char *raw, size_t rawlen,
		  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreject(st, where, fmt, ap);
	va_end(ap);
	keep_reject(st, raw, rawlen);
}

void op_rejects_line(op_stream *st, const char *s, size_t n)
{
	keep_reject(st, s, n);
}
