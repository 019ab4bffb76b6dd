/* kpi-rollup - the KPIs of a stream of records, per group and period.
 *
 *   kpi-rollup [-k KPIS] [-e STATEMENT]... [--compare previous|year]
 *              [--fill] [--from T] [--to T] [-o FORMAT] [-j N] [file...]
 *   kpi-rollup --check [-k KPIS] [-e STATEMENT]... [--sample FILE]
 *
 * `by` and `kpi` statements (opflow-rules(5)) say what to compute; one row
 * per group and period comes out (the kpi-rollup row, kpi-rollup(1)).
 * --partial writes mergeable state instead, --merge reads it back; -j
 * reads a file in parts on threads and merges their states the same way.
 * MIT licence. */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calfile.h"
#include "check.h"
#include "fields.h"
#include "rollup.h"
#include "split.h"
#include "stream.h"

/* What every reader of records is made from: the command line. */
typedef struct {
	const op_cli *cli;
	const char *kfile;
	const op_buf *exprs;
	const op_rollup_opts *o;
	int merge;
} defs;

/* A reader: the definitions read, a rollup, an evaluator and its
 * calendar.  Each thread of -j has its own, as nothing of them may be
 * shared: evaluating writes into the expressions (a field cache per
 * record) and the regexes' match data, a calendar keeps a memo. */
typedef struct {
	op_rollup *r;
	op_rules *kr, *er;
	op_eval ev;
	op_calendar *cal;
	int merge;
} ctx;

/* What says what to compute: -k (or the built-in kpis.conf when there
 * is no -e), -e, with the options, evaluated at now, the calendar
 * attached: 0, or -1 with e (64: options that do not fit the
 * definitions; 78: an error in them, said on stderr when e's message is
 * empty). */
static int define(ctx *c, const defs *d, op_time now, op_err *e)
{
	c->merge = d->merge;
	c->r = op_rollup_new();
	c->kr = c->er = NULL;
	if ((d->kfile || !d->exprs->len) &&
	    !(c->kr = op_rules_load(d->kfile, "kpis.conf", op_rollup_statements, c->r, 0, e)))
		return -1;
	if (d->exprs->len) {
		int nerr;
		c->er = op_rules_parse("-e", d->exprs->p, d->exprs->len, op_rollup_statements, c->r, 0, &nerr);
		if (nerr)
			return op_errf(e, OP_EXIT_CONFIG, "%s", "");
	}
	if (op_rollup_setup(c->r, d->o, e))
		return -1;
	op_eval_init(&c->ev, now, d->cli->tz);
	/* business time: the built-in calendar goes with the built-in KPIs;
	 * --merge evaluates nothing, and needs none */
	if (op_calendar_for(d->cli, d->kfile ? d->kfile : c->er ? "-e" : NULL, &c->cal, e) ||
	    op_calendar_attach(c->cal, c->merge ? NULL : c->kr, &c->ev, e) ||
	    op_calendar_attach(c->cal, c->merge ? NULL : c->er, &c->ev, e))
		return -1;
	return 0;
}

/* the definitions, or the end: bad ones stop here, before any input is
 * read */
static void ctx_open(ctx *c, const defs *d)
{
	op_err e;
	if (!define(c, d, d->cli->now, &e))
		return;
	if (e.code == OP_EXIT_USAGE)
		op_usage_error(d->cli, "%s", e.msg);
	if (!*e.msg)
		exit(e.code);
	op_die_err(&e);
}

static void ctx_close(ctx *c)
{
	op_eval_free(&c->ev);
	op_calendar_free(c->cal);
	op_rollup_free(c->r);
	op_rules_free(c->kr);
	op_rules_free(c->er);
}

static int on_record(op_stream *st, op_rec *rec, void *vc)
{
	ctx *c = vc;
	op_err e;
	if (c->merge) {
		if (op_rollup_merge(c->r, rec, &e))
			op_reject(st, "%s", e.msg);
		return 0;
	}
	op_eval_record(&c->ev, rec);
	if (op_rollup_record(c->r, &c->ev))
		op_reject(st, "%s", c->ev.err);
	return 0;
}

/* Can -j's threads read path again, as each reads -k and --calendar?
 * Not standard input or a pipe. */
static int rereadable(const char *path)
{
	struct stat sb;
	return !path || !strcmp(path, "builtin") ||
	       (strcmp(path, "-") && !stat(path, &sb) && S_ISREG(sb.st_mode));
}

/* -j: the file in parts, each into a reader of its own, merged into c's
 * in the file's order; 0 when it is to be read the ordinary way */
static int read_parts(op_stream *st, ctx *c, const defs *d, unsigned jobs, const char *name, int fd,
		      uint64_t size)
{
	ctx *w = op_xcalloc(jobs, sizeof *w);
	void **wp = op_xcalloc(jobs, sizeof *wp);
	unsigned long long in;
	for (unsigned i = 0; i < jobs; i++) {
		ctx_open(&w[i], d);
		wp[i] = &w[i];
	}
	int ok = op_split_read(st, name, fd, size, jobs, on_record, wp, &in) == 0;
	for (unsigned i = 0; i < jobs; i++) {
		if (ok)
			op_rollup_absorb(c->r, w[i].r);
		ctx_close(&w[i]);	/* at once: the values kept are not held twice over */
	}
	if (ok)
		st->in += in;
	free(wp);
	free(w);
	return ok;
}

/* The inputs; with -j, a regular file in parts.  A pipe is read as it
 * comes, on one thread: its parts cannot be reached but in order. */
static void read_inputs(op_stream *st, ctx *c, const defs *d, unsigned jobs, int n, char **files)
{
	if (jobs < 2 || !n) {
		op_stream_run(st, n, files, on_record, c);
		return;
	}
	for (int i = 0; i < n && !st->stop; i++) {
		struct stat sb;
		int fd = strcmp(files[i], "-") ? open(files[i], O_RDONLY) : -1;
		/* one that cannot be opened is op_stream_run's to report */
		if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode) ||
		    !read_parts(st, c, d, jobs, files[i], fd, (uint64_t)sb.st_size))
			op_stream_run(st, 1, files + i, on_record, c);
		if (fd >= 0)
			close(fd);
	}
}

static void emit(void *st, const char *s, size_t n)
{
	op_emit(st, s, n);
}

/* ---- --check ---- */


static void keep(void *out, const char *s, size_t n)
{
	op_buf_add(out, s, n);
	op_buf_addc(out, '\n');
}

/* a test's records (an array, or one record) into c: 0, or -1 said */
static int feed(ctx *c, const op_note *t, json_t *in)
{
	op_rec rec = {0};
	op_jerr je;
	int rc = 0;
	size_t n = json_is_array(in) ? json_array_size(in) : 1;
	for (size_t i = 0; !rc && i < n; i++) {
		char *s = json_dumps(json_is_array(in) ? json_array_get(in, i) : in, JSON_COMPACT | JSON_ENCODE_ANY);
		if (op_rec_scan(&rec, s, strlen(s), &je)) {
			op_warn("%s:%u: record %zu of the test: %s", t->file, t->line, i + 1, je.msg);
			rc = -1;
		} else {
			op_eval_record(&c->ev, &rec);
			if ((rc = op_rollup_record(c->r, &c->ev)))
				op_warn("%s:%u: record %zu of the test: %s", t->file, t->line, i + 1, c->ev.err);
		}
		free(s);
	}
	op_rec_free(&rec);
	return rc;
}

/* one test: the definitions made afresh, its records, the rows out */
static int run_test(void *vl, const op_note *t, op_time now, op_buf *out)
{
	const defs *l = vl;
	ctx c = {0};
	op_rollup_opts o = { .tz = l->cli->tz };
	defs d = { l->cli, l->kfile, l->exprs, &o, 0 };
	op_err e;
	json_t *in = json_loadb(t->in, t->inlen, 0, NULL);
	int rc = define(&c, &d, now, &e);
	if (rc && *e.msg)
		op_warn("%s", e.msg);
	if (!rc && !(rc = feed(&c, t, in)) && (rc = op_rollup_finish(c.r, OP_FMT_JSONL, keep, out, &e)))
		op_warn("%s", e.msg);
	json_decref(in);
	ctx_close(&c);
	return rc;
}

static int check(const ctx *c, const defs *l, const char *sample)
{
	op_check_opts o = { .rules = c->kr ? c->kr : c->er, .stage = OP_STAGE_FLAG, .sample = sample,
			    .now = l->cli->now, .run = run_test, .ctx = (void *)l };
	return op_check(&o);
}

static const char usage[] =
	"Usage: kpi-rollup [-k KPIS] [-e STATEMENT]... [options] [file...]\n"
	"One row of KPIs per group and period, from records.\n"
	"  -k, --kpis FILE        `by` and `kpi` statements\n"
	"                         (default: the built-in kpis.conf)\n"
	"  -e, --expr STATEMENT   a statement, as in a KPI file (repeatable; adds to -k)\n"
	"  -o, --output FORMAT    jsonl (default), csv, tsv, md, table\n"
	"      --compare WHAT     previous or year: add prev, delta and delta_pct\n"
	"      --fill             rows for empty periods too (counts 0, others null)\n"
	"      --from TIME        from the period holding TIME\n"
	"                         (2026-01-01, 2026-01, 2026)\n"
	"      --to TIME          up to the period before TIME\n"
	"      --min-n N          a change on fewer than N records is not one (its\n"
	"                         delta null, listed in low_n) unless a kpi sets\n"
	"                         min_n (default 5)\n"
	"      --approx           quantiles from a sketch (1 % relative error): memory\n"
	"                         grows with groups, not records\n"
	"      --partial          write mergeable state rows instead of KPIs\n"
	"      --merge            read state rows of --partial runs and finish them\n"
	"  -j, --jobs N           read each regular file in N parts on N threads\n"
	"                         (the same rows; a pipe is read on one)\n"
	"      --check            run the KPI file's tests and lint it\n"
	"                         (opflow-rules(5)); exit 78 when a test fails or\n"
	"                         the lint warns\n"
	"      --sample FILE      with --check: records whose fields count as known\n";

int main(int argc, char **argv)
{
	op_cli cli = { .usage = usage, .exits = OP_EXITS_CONFIG, .with_calendar = 1 };
	op_rollup_opts o = {0};
	ctx c = {0};
	const char *kfile = NULL, *from = NULL, *to = NULL, *sample = NULL;
	op_buf exprs = {0};
	int fmt = OP_FMT_JSONL, partial = 0, merge = 0, checking = 0, ch;
	unsigned jobs = 1;
	enum { O_COMPARE = 1, O_FILL, O_FROM, O_TO, O_APPROX, O_PARTIAL, O_MERGE, O_MIN_N, O_CHECK,
	       O_SAMPLE };
	static const struct option longopts[] = {
		{ "kpis", required_argument, NULL, 'k' },
		{ "expr", required_argument, NULL, 'e' },
		{ "output", required_argument, NULL, 'o' },
		{ "compare", required_argument, NULL, O_COMPARE },
		{ "fill", no_argument, NULL, O_FILL },
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "approx", no_argument, NULL, O_APPROX },
		{ "partial", no_argument, NULL, O_PARTIAL },
		{ "merge", no_argument, NULL, O_MERGE },
		{ "min-n", required_argument, NULL, O_MIN_N },
		{ "jobs", required_argument, NULL, 'j' },
		{ "check", no_argument, NULL, O_CHECK },
		{ "sample", required_argument, NULL, O_SAMPLE },
		{ NULL, 0, NULL, 0 },
	};
	while ((ch = op_getopt(&cli, argc, argv, "k:e:o:j:", longopts)) != -1) {
		switch (ch) {
		case 'k': kfile = optarg; op_cli_file(&cli, "-k", optarg, OP_FILE_IN); break;
		case 'e': op_buf_adds(&exprs, optarg); op_buf_addc(&exprs, '\n'); break;
		case 'o':
			if ((fmt = op_grid_fmt_of(optarg)) < 0)
				op_usage_error(&cli, "-o: '%s' is not a format (jsonl, csv, tsv, md, table)", optarg);
			break;
		case O_COMPARE:
			if (!strcmp(optarg, "previous"))
				o.compare = OP_CMP_PREVIOUS;
			else if (!strcmp(optarg, "year"))
				o.compare = OP_CMP_YEAR;
			else
				op_usage_error(&cli, "--compare: '%s' is not previous or year", optarg);
			break;
		case O_FILL: o.fill = 1; break;
		case O_FROM: from = optarg; break;
		case O_TO: to = optarg; break;
		case O_APPROX: o.approx = 1; break;
		case O_PARTIAL: partial = 1; break;
		case O_MERGE: merge = 1; break;
		case O_MIN_N:
			o.has_min_n = 1;
			o.min_n = (double)op_opt_num(&cli, "--min-n", optarg, 0, 1000000000000000LL);
			break;
		case 'j': jobs = (unsigned)op_opt_num(&cli, "-j", optarg, 1, 64); break;
		case O_CHECK: checking = 1; break;
		case O_SAMPLE: sample = optarg; op_cli_file(&cli, "--sample", optarg, OP_FILE_IN); break;
		}
	}
	op_check_usage(&cli, checking, sample, kfile, argc - optind);
	if (checking && (partial || merge))
		op_usage_error(&cli, "--check runs the KPI file's tests alone: no --partial or --merge");
	if (partial && merge)
		op_usage_error(&cli, "--partial and --merge: one or the other");
	if (partial && fmt != OP_FMT_JSONL)
		op_usage_error(&cli, "--partial writes state rows; -o does not apply");
	o.tz = cli.tz;
	o.partial = partial;
	if ((o.has_from = from != NULL))
		o.from = op_cli_time(&cli, "--from", from);
	if ((o.has_to = to != NULL))
		o.to = op_cli_time(&cli, "--to", to);

	defs d = { &cli, kfile, &exprs, &o, merge };
	ctx_open(&c, &d);
	if (checking) {
		int rc = check(&c, &d, sample);
		ctx_close(&c);
		op_buf_free(&exprs);
		op_cli_free(&cli);
		return rc;
	}
	if (!rereadable(kfile) || !rereadable(cli.calendar))
		jobs = 1;

	op_err e;
	op_stream st;
	op_stream_init(&st, &cli);
	read_inputs(&st, &c, &d, jobs, argc - optind, argv + optind);
	if (!st.stop) {
		if (partial)
			op_rollup_partial(c.r, emit, &st);
		else if (op_rollup_finish(c.r, fmt, emit, &st, &e))
			op_die_err(&e);
		/* a table has no "kpi" metadata to carry the records --from
		 * or --to left out for want of a time: said here */
		unsigned long long n = op_rollup_undated(c.r);
		if (!partial && fmt != OP_FMT_JSONL && n)
			op_warn("%llu record%s had no time for the period and %s not counted", n,
				n == 1 ? "" : "s", n == 1 ? "is" : "are");
	}
	op_rollup_stats(c.r, &st.extra);
	int rc = op_stream_finish(&st);

	ctx_close(&c);
	op_buf_free(&exprs);
	op_cli_free(&cli);
	return rc;
}
