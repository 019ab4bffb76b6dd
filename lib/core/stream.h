/* stream.h - the one input loop every record filter runs: files or stdin,
 * one JSON record per line, bad lines named and kept aside, counts, and
 * checked output (opflow(7) CONVENTIONS).  MIT licence. */
#ifndef OP_STREAM_H
#define OP_STREAM_H

#include <stdint.h>
#include <stdio.h>
#include "jsonl.h"
#include "cli.h"

typedef struct op_stream op_stream;

/* Called for each record; writes it with op_emit (or not, when filtering),
 * or turns it away with op_reject.  A non-zero return stops the run. */
typedef int (*op_record_fn)(op_stream *st, op_rec *r, void *ctx);

struct op_stream {
	const op_cli *cli;
	const char *name;		/* current input, "<stdin>" for - */
	unsigned long long lineno;	/* current line in it */
	const char *line;		/* current raw line (no newline) */
	size_t linelen;
	uint64_t off;			/* where line starts in its input */
	unsigned input;			/* the current input's number, from 1 */
	int fd;				/* its descriptor; -1: a stdio stream */
	unsigned long long in, out, rejected;
	int noinput, stop;
	op_buf extra;			/* ,"key":value members for --stats */
	FILE *rejects;
	op_rec rec;
	op_buf obuf;			/* scratch for spliced lines */
	op_writer *writer;		/* -o csv, tsv, ics (op_cli.output) */
	op_buf wbuf;			/* what it writes for a record */
	double t0;
	unsigned long long total_bytes, done_bytes;	/* for --progress */
	double last_progress;
	/* said once per file when its first line is no JSON but looks like
	 * a CSV header row; set by op_stream_init, a program may change it */
	const char *csv_hint;
	char *rbuf;			/* lines are read into it */
	size_t rcap;
	op_buf *capture;		/* op_stream_one: the lines written go here */
};

void op_stream_init(op_stream *st, const op_cli *cli);
/* Reads every file (none: stdin; "-": stdin) and calls fn per record. */
void op_stream_run(op_stream *st, int nfiles, char **files, op_record_fn fn, void *ctx);
/* Write one record line (a newline is added), or what -o's writer makes
 * of it. */
void op_emit(op_stream *st, const char *s, size_t n);
/* Write r with kv set (op_rec_splice), or as it was when n == 0. */
void op_emit_rec(op_stream *st, op_rec *r, const op_kv *kv, size_t n);
/* Turn the current line away: "prog: FILE:LINE: msg" on stderr, the raw
 * line to --rejects, counted; --strict stops the run. */
void op_reject(op_stream *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Flush and check output, close --rejects, print --stats; returns the
 * exit status so far: 74 > 66 > 65 > 0. */
int op_stream_finish(op_stream *st);

/* One record, json[0..n), through fn as if it were line `line` of
 * `name` (a rule file's test, opflow-rules(5) TESTS): what fn writes is
 * appended to out, a line each, not to standard output.  0, or -1 when
 * the record was turned away (said on stderr as op_reject says it). */
int op_stream_one(const op_cli *cli, const char *name, unsigned line, const char *json, size_t n,
		  op_record_fn fn, void *ctx, op_buf *out);

/* For programs that read input other than JSON lines (enq-parse): */
/* Read f's lines as op_stream_run reads a file's (a line over --max-line
 * is rejected without being held); set st->name first. */
void op_stream_file(op_stream *st, FILE *f, op_record_fn fn, void *ctx);
/* Turn away input that is not a line: "prog: WHERE: msg" on stderr
 * (where: "FILE:LINE" or "FILE"), raw[0..rawlen) and a newline to
 * --rejects, counted as rejected (the caller counts it in st->in);
 * --strict stops the run. */
void op_reject_at(op_stream *st, const char *where, const char *raw, size_t rawlen,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Write s[0..n) and a newline to --rejects, when given, as no record: the
 * header row that makes rejected CSV rows readable again.  Not counted. */
void op_rejects_line(op_stream *st, const char *s, size_t n);

/* For threads reading parts of one regular file (kpi-rollup -j), each
 * with a stream of its own: */
/* A stream with whole's options that writes nothing (no --rejects, no
 * output; its messages are op_warn's) and keeps its own counts. */
void op_stream_part_init(op_stream *st, const op_stream *whole);
/* Read fd's bytes [from, to) as the lines of the file called name, from
 * and to at the start of a line (or the end); lines are numbered from
 * the part's start: only the first part's are the file's. */
void op_stream_range(op_stream *st, const char *name, int fd, uint64_t from, uint64_t to,
		     op_record_fn fn, void *ctx);
void op_stream_part_free(op_stream *st);
#endif
