/* cli.c - the options every program shares.  MIT licence. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "opflow.h"

enum {
	O_REJECTS = 0x1000, O_STRICT, O_STATS, O_PROGRESS, O_LINEBUF, O_MAXLINE,
	O_NOW, O_TZ, O_VERSION, O_COLUMNS, O_COLMAP, O_CALENDAR,
};

static const struct option common[] = {
	{ "rejects", required_argument, NULL, O_REJECTS },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "stats", no_argument, NULL, O_STATS },
	{ "progress", no_argument, NULL, O_PROGRESS },
	{ "line-buffered", no_argument, NULL, O_LINEBUF },
	{ "max-line", required_argument, NULL, O_MAXLINE },
	{ "now", required_argument, NULL, O_NOW },
	{ "tz", required_argument, NULL, O_TZ },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ "calendar", required_argument, NULL, O_CALENDAR },	/* last: with_calendar */
};

/* a program that writes records (op_cli.output) also takes these */
static const struct option outopts[] = {
	{ "output-format", required_argument, NULL, 'o' },
	{ "columns", required_argument, NULL, O_COLUMNS },
	{ "columns-map", required_argument, NULL, O_COLMAP },
};

static const char common_help[] =
	"Common options:\n"
	"      --rejects FILE    write bad input lines, as they were, to FILE\n"
	"      --strict          stop at the first bad record\n"
	"      --stats           print counts and seconds as JSON on stderr\n"
	"      --progress        show progress on a terminal\n"
	"      --line-buffered   flush output after every record\n"
	"      --max-line SIZE   reject longer input lines (default 64M)\n"
	"      --now TIME        fix \"now\" (RFC 3339; also OPFLOW_NOW)\n"
	"      --tz ZONE         time zone for naive times and calendar buckets\n";
static const char calendar_help[] =
	"      --calendar FILE   working hours, holidays and time zone of business\n"
	"                        time (4bh, bhours()); builtin: the built-in one\n";
static const char common_end[] =
	"  -h, --help            this help\n"
	"      --version         print the version\n";

/* Every status a program can end with, in the order --help lists them;
 * .only marks those only some programs use (op_cli.exits). */
static const struct { int code; unsigned only; const char *what; } exits[] = {
	{ OP_EXIT_OK, 0, "ok" },
	{ OP_EXIT_FLAGGED, OP_EXITS_FLAGGED, "a flag at or above --fail-on" },
	{ OP_EXIT_USAGE, 0, "usage" },
	{ OP_EXIT_DATAERR, 0, "some input rejected" },
	{ OP_EXIT_NOINPUT, 0, "input unreadable" },
	{ OP_EXIT_SOFTWARE, 0, "out of memory or internal error" },
	{ OP_EXIT_IOERR, 0, "output error" },
	{ OP_EXIT_CONFIG, OP_EXITS_CONFIG, "bad rules or configuration" },
};

static void usage(const op_cli *c, FILE *f)
{
	fputs(c->usage, f);
	if (c->output)
		fputs(c->output->help, f);
	fputs(common_help, f);
	if (c->with_calendar)
		fputs(calendar_help, f);
	fputs(common_end, f);
	/* "Exit status: 0 ok, 64 usage, ..." filled to 79 columns */
	size_t nx = sizeof exits / sizeof *exits, use[sizeof exits / sizeof *exits], nuse = 0;
	for (size_t i = 0; i < nx; i++)
		if (!exits[i].only || ((c->exits | (c->output ? OP_EXITS_CONFIG : 0)) & exits[i].only))
			use[nuse++] = i;
	size_t col = (size_t)fprintf(f, "Exit status:");
	for (size_t k = 0; k < nuse; k++) {
		char item[64];
		int n = snprintf(item, sizeof item, "%d %s%c", exits[use[k]].code, exits[use[k]].what,
				 k + 1 < nuse ? ',' : '.');
		if (col + 1 + (size_t)n > 79) {
			fputc('\n', f);
			col = 0;
		} else
			col += (size_t)fprintf(f, " ");
		col += (size_t)fprintf(f, "%s", item);
	}
	fputc('\n', f);
}

void op_usage_error(const op_cli *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	op_vwarn(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", op_progname);
	(void)c;
	exit(OP_EXIT_USAGE);
}

double op_opt_real(const op_cli *c, const char *opt, const char *arg, double min, double max,
		   const char *what)
{
	char *end;
	double v = strtod(arg, &end);
	if (end == arg || *end || !(v >= min && v <= max))	/* NaN fails too */
		op_usage_error(c, "%s: '%s' is not %s", opt, arg, what);
	return v;
}

op_time op_cli_time(const op_cli *c, const char *opt, const char *arg)
{
	char buf[64];
	op_time t;
	int naive;
	size_t n = strlen(arg);
	if (n == 7 || n == 4)
		n = (size_t)snprintf(buf, sizeof buf, "%s%s", arg, n == 7 ? "-01" : "-01-01");
	else
		n = (size_t)snprintf(buf, sizeof buf, "%s", arg);
	if (n >= sizeof buf || op_time_parse(buf, n, &t, &naive) ||
	    !op_time_in_range(t = naive ? op_tz_to_utc(c->tz, t, NULL) : t))
		op_usage_error(c, "%s: '%s' is not a date or time (2026-03-01, 2026-03, 2026, RFC 3339)", opt, arg);
	return t;
}

long long op_opt_num(const op_cli *c, const char *opt, const char *arg, long long min, long long max)
{
	char *end;
	errno = 0;
	long long v = strtoll(arg, &end, 10);
	/* sizes take a K, M or G suffix */
	long long mul = 1;
	if (end != arg && *end && !end[1]) {
		switch (*end) {
		case 'k': case 'K': mul = 1LL << 10; end++; break;
		case 'm': case 'M': mul = 1LL << 20; end++; break;
		case 'g': case 'G': mul = 1LL << 30; end++; break;
		}
	}
	if (errno || end == arg || *end || v > max / mul || v * mul < min)
		op_usage_error(c, "%s: '%s' is not a number from %lld to %lld", opt, arg, min, max);
	return v * mul;
}

void op_cli_file(op_cli *c, const char *opt, const char *path, int how)
{
	c->files = op_xrealloc(c->files, (c->nfiles + 1) * sizeof *c->files);
	c->files[c->nfiles++] = (op_cli_file_t){ opt, path, how };
}

/* One file the run touches, for the check below. */
typedef struct {
	const char *what, *path;	/* "--rejects" FILE, "input" FILE, ... */
	int how, ok;			/* ok: a regular file, sb holds it */
	struct stat sb;
} io;

static void add_io(io *v, size_t *n, const char *what, const char *path, int fd, int how)
{
	io *e = &v[(*n)++];
	*e = (io){ what, path, how, 0, { 0 } };
	e->ok = (fd >= 0 ? fstat(fd, &e->sb) : stat(path, &e->sb)) == 0 && S_ISREG(e->sb.st_mode);
}

/* an output that is an input, or another output: nothing opened yet */
static void check_files(op_cli *c, int nin, char **in)
{
	io *v = op_xcalloc((size_t)nin + c->nfiles + 3, sizeof *v);
	size_t n = 0;
	int stdin_read = !nin;
	for (int i = 0; i < nin; i++) {
		if (strcmp(in[i], "-"))
			add_io(v, &n, "input", in[i], -1, OP_FILE_IN);
		stdin_read |= !strcmp(in[i], "-");
	}
	if (stdin_read)
		add_io(v, &n, "standard input", "", 0, OP_FILE_IN);
	add_io(v, &n, "standard output", "", 1, OP_FILE_OUT);
	if (c->rejects)
		add_io(v, &n, "--rejects", c->rejects, -1, OP_FILE_OUT);
	for (size_t i = 0; i < c->nfiles; i++)
		add_io(v, &n, c->files[i].opt, c->files[i].path, -1, c->files[i].how);
	char msg[1024] = "";
	for (size_t i = 0; i < n && !*msg; i++)
		for (size_t j = i + 1; j < n && !*msg; j++) {
			/* the message names the output first */
			const io *o = v[j].how & OP_FILE_OUT ? &v[j] : &v[i], *x = o == &v[j] ? &v[i] : &v[j];
			if (o->ok && x->ok && (o->how & OP_FILE_OUT) && o->sb.st_dev == x->sb.st_dev &&
			    o->sb.st_ino == x->sb.st_ino)
				snprintf(msg, sizeof msg, "%s%s%s is the same file as %s%s%s", o->what,
					 *o->path ? " " : "", o->path, x->what, *x->path ? " " : "", x->path);
		}
	free(v);
	free(c->files);
	c->files = NULL;
	c->nfiles = 0;
	if (*msg)
		op_usage_error(c, "%s", msg);
}

static void set_now(op_cli *c, const char *what, const char *s)
{
	if (op_time_parse(s, strlen(s), &c->now, NULL))
		op_usage_error(c, "%s: '%s' is not an RFC 3339 time (like 2026-10-31T17:00:00Z)", what, s);
}

int op_getopt(op_cli *c, int argc, char **argv, const char *shortopts,
	      const struct option *longopts)
{
	static struct option *all;
	static char *shorts;
	if (!all) {
		/* first call: defaults, and the program's options joined to ours */
		size_t n = 0, k = sizeof common / sizeof *common - !c->with_calendar;
		size_t ko = c->output ? sizeof outopts / sizeof *outopts : 0;
		op_setprogname(argv[0]);	/* first: an out-of-memory message names us */
		while (longopts && longopts[n].name)
			n++;
		all = op_xcalloc(n + k + ko + 1, sizeof *all);
		memcpy(all, longopts, n * sizeof *all);
		memcpy(all + n, common, k * sizeof *all);
		memcpy(all + n + k, outopts, ko * sizeof *all);
		size_t sl = strlen(shortopts);
		shorts = op_xmalloc(sl + 5);
		snprintf(shorts, sl + 5, "%sh%s", shortopts, c->output ? "o:" : "");
		if (!c->max_line)
			c->max_line = 64 << 20;
		c->now = time(NULL);
		const char *env = getenv("OPFLOW_NOW");
		if (env && *env)
			set_now(c, "OPFLOW_NOW", env);
		/* `| head` ends us quietly, even when a parent ignored SIGPIPE */
		signal(SIGPIPE, SIG_DFL);
	}
	for (;;) {
		int ch = getopt_long(argc, argv, shorts, all, NULL);
		op_err e;
		switch (ch) {
		case O_REJECTS: c->rejects = optarg; break;
		case O_STRICT: c->strict = 1; break;
		case O_STATS: c->stats = 1; break;
		case O_PROGRESS: c->progress = 1; break;
		case O_LINEBUF: c->line_buffered = 1; break;
		case O_MAXLINE:
			c->max_line = (size_t)op_opt_num(c, "--max-line", optarg, 16, 1LL << 40);
			break;
		case O_NOW: set_now(c, "--now", optarg); break;
		case 'o':
			if (!c->output)
				return ch;	/* the program's own -o */
			c->oformat = optarg;
			break;
		case O_COLUMNS: c->columns = optarg; break;
		case O_COLMAP:
			c->columns_map = optarg;
			op_cli_file(c, "--columns-map", optarg, OP_FILE_IN);
			break;
		case O_TZ:
			op_tz_free(c->tz);
			c->tz = op_tz_load(optarg, &e);
			if (!c->tz)
				op_usage_error(c, "--tz: %s", e.msg);
			c->tz_name = optarg;
			break;
		case O_CALENDAR:
			c->calendar = optarg;
			if (strcmp(optarg, "builtin"))
				op_cli_file(c, "--calendar", optarg, OP_FILE_IN);
			break;
		case 'h':
			usage(c, stdout);
			exit(fflush(stdout) ? OP_EXIT_IOERR : OP_EXIT_OK);
		case O_VERSION:
			printf("%s (opflow) %s\n", op_progname, OP_VERSION);
			exit(fflush(stdout) ? OP_EXIT_IOERR : OP_EXIT_OK);
		case '?':
		case ':':
			fprintf(stderr, "Try '%s --help' for more information.\n", op_progname);
			exit(OP_EXIT_USAGE);
		case -1:
			check_files(c, argc - optind, argv + optind);
			free(all);
			free(shorts);
			all = NULL;
			shorts = NULL;
			/* the command line's files: ended here, like its usage */
			if (c->output && c->output->open(c, &c->writer, &e))
				op_die_err(&e);
			return -1;
		default:
			return ch;
		}
	}
}

void op_cli_free(op_cli *c)
{
	op_tz_free(c->tz);
	c->tz = NULL;
}
