/* cli.h - the command line every program shares: getopt_long over its own
 * options plus the common ones (--rejects, --strict, --stats, --progress,
 * --line-buffered, --max-line, --now, --tz, --help, --version; and
 * --calendar for the programs that evaluate the rule language).
 * MIT licence. */
#ifndef OP_CLI_H
#define OP_CLI_H

#include <getopt.h>
#include "operr.h"
#include "opflow.h"
#include "timefmt.h"
#include "tz.h"

/* op_cli.exits: a program that can also end with 1 (flags found) or 78
 * (its rules, model or configuration refused) says so, for --help. */
enum { OP_EXITS_FLAGGED = 1, OP_EXITS_CONFIG = 2 };

/* A file named by one of a program's own options (op_cli_file). */
typedef struct {
	const char *opt, *path;
	int how;		/* OP_FILE_IN | OP_FILE_OUT */
} op_cli_file_t;
enum { OP_FILE_IN = 1, OP_FILE_OUT = 2 };

/* Records written in another form than JSON lines (-o csv, tsv, ics).
 * A program that writes records offers -o FORMAT (--output-format),
 * --columns and --columns-map by naming op_records_out (lib/out, out.h)
 * in its op_cli .output: op_getopt then takes those options and opens
 * the writer when they end, and op_emit writes each record through it
 * (opflow(7) CONVENTIONS).  The writer lives above core; core calls it
 * through this table. */
typedef struct op_writer op_writer;
typedef struct op_cli op_cli;
typedef struct {
	const char *help;	/* its options' lines for --help */
	/* After the options: *w the writer for c->oformat (NULL for JSON
	 * lines), 0; or -1 with e, nothing of it left allocated, for columns
	 * or a map it cannot use (66, 78).  A format it does not know, or
	 * options that do not go together, are usage errors (64). */
	int (*open)(const op_cli *c, op_writer **w, op_err *e);
	/* The record line s[0..n): what to write for it appended to out,
	 * line ends included; 1, 0 when it is passed over, -1 when it cannot
	 * be written (msg says why, and the record is rejected).  A note
	 * about it in msg with 0 or 1 is said on stderr. */
	int (*record)(op_writer *w, const char *s, size_t n, op_buf *out, char *msg, size_t msgsz);
	/* At the end: what is left to write (a trailer) into out, its counts
	 * (",\"name\":N") into stats; frees w. */
	void (*close)(op_writer *w, op_buf *out, op_buf *stats);
} op_output;

struct op_cli {
	const char *usage;	/* "Usage: ...\n" plus the program's options */
	unsigned exits;		/* statuses beyond the common ones --help lists */
	const char *rejects;
	int strict, stats, progress, line_buffered;
	size_t max_line;
	op_time now;		/* --now, OPFLOW_NOW, or the clock */
	op_tz *tz;		/* --tz (NULL: UTC) */
	const char *tz_name;
	int with_calendar;	/* the program evaluates the rule language:
				 * --calendar is one of its options */
	const char *calendar;	/* --calendar FILE (or "builtin") */
	op_cli_file_t *files;	/* op_cli_file's, until the options end */
	size_t nfiles;
	const op_output *output;	/* set by a program that writes records */
	const char *oformat, *columns, *columns_map;	/* -o, --columns, --columns-map */
	op_writer *writer;	/* opened when the options end; the stream's */
};

/* Like getopt_long: returns the program's own option characters (optarg
 * set), -1 when done.  Handles the common options itself; -h prints usage
 * to stdout and exits 0, a bad option prints it to stderr and exits 64.
 * When the options end, before anything is opened, it exits 64 if an
 * output (--rejects, standard output, op_cli_file's) is the same regular
 * file (device and inode) as an input (the file operands, standard input
 * when they name it or there are none, op_cli_file's) or as another
 * output: opening it would destroy it before it is read. */
int op_getopt(op_cli *c, int argc, char **argv, const char *shortopts,
	      const struct option *longopts);
/* Tell op_getopt that the program's option opt names a file it reads
 * (OP_FILE_IN), writes (OP_FILE_OUT) or both; call it as the option is
 * parsed. */
void op_cli_file(op_cli *c, const char *opt, const char *path, int how);
noreturn void op_usage_error(const op_cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Checked number parsing for option values: exits 64 naming the option. */
long long op_opt_num(const op_cli *c, const char *opt, const char *arg, long long min, long long max);
/* The same for a real number from min to max (inclusive; nextafter for an
 * open end); what describes the range in the message ("a probability
 * from 0 to 1"). */
double op_opt_real(const op_cli *c, const char *opt, const char *arg, double min, double max,
		   const char *what);
/* A time for --from/--to: a date, an RFC 3339 time (naive ones in --tz),
 * YYYY-MM or YYYY (their first day); exits 64 naming the option. */
op_time op_cli_time(const op_cli *c, const char *opt, const char *arg);
void op_cli_free(op_cli *c);
#endif
