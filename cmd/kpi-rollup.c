/* kpi-rollup - the KPIs of a stream of records, per group and period.
 *
 *   kpi-rollup [-k KPIS] [-e STATEMENT]... [--compare previous|year]
 *              [--fill] [--from T] [--to T] [-o FORMAT] [file...]
 *   kpi-rollup --check [-k KPIS] [-e STATEMENT]... [--sample FILE]
 *
 * `by` and `kpi` statements (opflow-rules(5)) say what to compute; one row
 * per group and period comes out (the kpi-rollup row, kpi-rollup(1)).
 * --partial writes mergeable state instead, --merge reads it back.
 * MIT licence. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calfile.h"
#include "check.h"
#include "fields.h"
#include "rollup.h"
#include "stream.h"

typedef struct {
	op_rollup *r;
	op_eval ev;
	int merge;
	op_rules *kr, *er;	/* -k, -e */
	op_calendar *cal;
} ctx;

/* What says what to compute: -k (or the built-in kpis.conf when there
 * is no -e), -e, with o, evaluated at now, the calendar attached: 0, or
 * -1 with e (64: options that do not fit the definitions; 78: an error
 * in them, said on stderr when e's message is empty). */
static int define(ctx *c, const op_cli *cli, const char *kfile, const op_buf *exprs, const op_rollup_opts *o,
		  op_time now, op_err *e)
{
	c->r = op_rollup_new();
	if ((kfile || !exprs->len) &&
	    !(c->kr = op_rules_load(kfile, "kpis.conf", op_rollup_statements, c->r, 0, e)))
		return -1;
	if (exprs->len) {
		int nerr;
		c->er = op_rules_parse("-e", exprs->p, exprs->len, op_rollup_statements, c->r, 0, &nerr);
		if (nerr)
			return op_errf(e, OP_EXIT_CONFIG, "%s", "");
	}
	if (op_rollup_setup(c->r, o, e))
		return -1;
	op_eval_init(&c->ev, now, cli->tz);
	/* business time: the built-in calendar goes with the built-in KPIs;
	 * --merge evaluates nothing, and needs none */
	if (op_calendar_for(cli, kfile ? kfile : c->er ? "-e" : NULL, &c->cal, e) ||
	    op_calendar_attach(c->cal, c->merge ? NULL : c->kr, &c->ev, e) ||
	    op_calendar_attach(c->cal, c->merge ? NULL : c->er, &c->ev, e))
		return -1;
	return 0;
}

static void undefine(ctx *c)
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

static void emit(void *st, const char *s, size_t n)
{
	op_emit(st, s, n);
}

/* ---- --check ---- */

typedef struct {
	const op_cli *cli;
	const char *kfile;
	const op_buf *exprs;
} loading;

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
	loading *l = vl;
	ctx c = {0};
	op_rollup_opts o = { .tz = l->cli->tz };
	op_err e;
	json_t *in = json_loadb(t->in, t->inlen, 0, NULL);
	int rc = define(&c, l->cli, l->kfile, l->exprs, &o, now, &e);
	if (rc && *e.msg)
		op_warn("%s", e.msg);
	if (!rc && !(rc = feed(&c, t, in)) && (rc = op_rollup_finish(c.r, OP_FMT_JSONL, keep, out, &e)))
		op_warn("%s", e.msg);
	json_decref(in);
	undefine(&c);
	return rc;
}

static int check(const ctx *c, loading *l, const char *sample)
{
	op_check_opts o = { .rules = c->kr ? c->kr : c->er, .stage = OP_STAGE_FLAG, .sample = sample,
			    .now = l->cli->now, .run = run_test, .ctx = l };
	return op_check(&o);
}

/* --from/--to: a date, a time (naive ones in --tz), YYYY-MM or YYYY */
static op_time when(const op_cli *cli, const char *opt, const char *arg)
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
	    !op_time_in_range(t = naive ? op_tz_to_utc(cli->tz, t, NULL) : t))
		op_usage_error(cli, "%s: '%s' is not a date or time (2026-03-01, 2026-03, 2026, RFC 3339)", opt, arg);
	return t;
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
	"      --approx           quantiles from a sketch (1 % relative error): memory\n"
	"                         grows with groups, not records\n"
	"      --partial          write mergeable state rows instead of KPIs\n"
	"      --merge            read state rows of --partial runs and finish them\n"
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
	int fmt = OP_FMT_JSONL, partial = 0, checking = 0, ch;
	enum { O_COMPARE = 1, O_FILL, O_FROM, O_TO, O_APPROX, O_PARTIAL, O_MERGE, O_CHECK, O_SAMPLE };
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
		{ "check", no_argument, NULL, O_CHECK },
		{ "sample", required_argument, NULL, O_SAMPLE },
		{ NULL, 0, NULL, 0 },
	};
	while ((ch = op_getopt(&cli, argc, argv, "k:e:o:", longopts)) != -1) {
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
		case O_MERGE: c.merge = 1; break;
		case O_CHECK: checking = 1; break;
		case O_SAMPLE: sample = optarg; op_cli_file(&cli, "--sample", optarg, OP_FILE_IN); break;
		}
	}
	op_check_usage(&cli, checking, sample, kfile, argc - optind);
	if (checking && (partial || c.merge))
		op_usage_error(&cli, "--check runs the KPI file's tests alone: no --partial or --merge");
	if (partial && c.merge)
		op_usage_error(&cli, "--partial and --merge: one or the other");
	if (partial && fmt != OP_FMT_JSONL)
		op_usage_error(&cli, "--partial writes state rows; -o does not apply");
	o.tz = cli.tz;
	o.partial = partial;
	if ((o.has_from = from != NULL))
		o.from = when(&cli, "--from", from);
	if ((o.has_to = to != NULL))
		o.to = when(&cli, "--to", to);

	/* the definitions: bad ones stop here, before any input is read */
	op_err e;
	if (define(&c, &cli, kfile, &exprs, &o, cli.now, &e)) {
		if (e.code == OP_EXIT_USAGE)
			op_usage_error(&cli, "%s", e.msg);
		op_die_err(&e);
	}
	if (checking) {
		loading l = { &cli, kfile, &exprs };
		int rc = check(&c, &l, sample);
		undefine(&c);
		op_buf_free(&exprs);
		op_cli_free(&cli);
		return rc;
	}

	op_stream st;
	op_stream_init(&st, &cli);
	op_stream_run(&st, argc - optind, argv + optind, on_record, &c);
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

	undefine(&c);
	op_buf_free(&exprs);
	op_cli_free(&cli);
	return rc;
}
