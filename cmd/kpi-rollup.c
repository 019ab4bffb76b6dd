/* kpi-rollup - the KPIs of a stream of records, per group and period.
 *
 *   kpi-rollup [-k KPIS] [-e STATEMENT]... [--compare previous|year]
 *              [--fill] [--from T] [--to T] [-o FORMAT] [file...]
 *
 * `by` and `kpi` statements (opflow-rules(5)) say what to compute; one row
 * per group and period comes out (the kpi-rollup row, kpi-rollup(1)).
 * --partial writes mergeable state instead, --merge reads it back.
 * MIT licence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calfile.h"
#include "rollup.h"
#include "stream.h"

typedef struct {
	op_rollup *r;
	op_eval ev;
	int merge;
} ctx;

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
	"      --merge            read state rows of --partial runs and finish them\n";

int main(int argc, char **argv)
{
	op_cli cli = { .usage = usage, .exits = OP_EXITS_CONFIG, .with_calendar = 1 };
	op_rollup_opts o = {0};
	ctx c = {0};
	const char *kfile = NULL, *from = NULL, *to = NULL;
	op_buf exprs = {0};
	int fmt = OP_FMT_JSONL, partial = 0, ch;
	enum { O_COMPARE = 1, O_FILL, O_FROM, O_TO, O_APPROX, O_PARTIAL, O_MERGE, O_MIN_N };
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
		case O_MIN_N:
			o.has_min_n = 1;
			o.min_n = (double)op_opt_num(&cli, "--min-n", optarg, 0, 1000000000000000LL);
			break;
		}
	}
	if (partial && c.merge)
		op_usage_error(&cli, "--partial and --merge: one or the other");
	if (partial && fmt != OP_FMT_JSONL)
		op_usage_error(&cli, "--partial writes state rows; -o does not apply");
	o.tz = cli.tz;
	o.partial = partial;
	if ((o.has_from = from != NULL))
		o.from = op_cli_time(&cli, "--from", from);
	if ((o.has_to = to != NULL))
		o.to = op_cli_time(&cli, "--to", to);

	/* the definitions: bad ones stop here, before any input is read */
	c.r = op_rollup_new();
	op_rules *kr = NULL, *er = NULL;
	op_err e;
	if ((kfile || !exprs.len) && !(kr = op_rules_load(kfile, "kpis.conf", op_rollup_statements, c.r, 0, &e)))
		op_die_err(&e);
	if (exprs.len) {
		int nerr;
		er = op_rules_parse("-e", exprs.p, exprs.len, op_rollup_statements, c.r, 0, &nerr);
		if (nerr)
			exit(OP_EXIT_CONFIG);
	}
	if (op_rollup_setup(c.r, &o, &e)) {
		if (e.code == OP_EXIT_USAGE)
			op_usage_error(&cli, "%s", e.msg);
		op_die_err(&e);
	}
	op_eval_init(&c.ev, cli.now, cli.tz);
	/* business time: the built-in calendar goes with the built-in KPIs;
	 * --merge evaluates nothing, and needs none */
	op_calendar *cal;
	if (op_calendar_for(&cli, kfile ? kfile : er ? "-e" : NULL, &cal, &e) ||
	    op_calendar_attach(cal, c.merge ? NULL : kr, &c.ev, &e) ||
	    op_calendar_attach(cal, c.merge ? NULL : er, &c.ev, &e))
		op_die_err(&e);

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

	op_eval_free(&c.ev);
	op_calendar_free(cal);
	op_rollup_free(c.r);
	op_rules_free(kr);
	op_rules_free(er);
	op_buf_free(&exprs);
	op_cli_free(&cli);
	return rc;
}
