/* exc-flag - surface the exceptions management must see.
 *
 *   exc-flag [-r RULES] [--only] [--fail-on SEVERITY] [--by FIELD,...]
 *            [--state FILE [--all-status]] [--nagios] [--prom FILE] [file...]
 *   exc-flag --check [-r RULES] [--sample FILE]
 *
 * Each `flag NAME SEVERITY when EXPR [owner NAME] [message "TEMPLATE"]`
 * that holds for a record adds {name, severity, title, message, owner}
 * to the record's `flags` array; every record passes through.  The
 * engine is lib/flag/; this is options, --summary and the order of the
 * end of a run.  MIT licence. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fields.h"
#include "flag.h"
#include "out.h"
#include "rollup.h"

static const char usage[] =
	"Usage: exc-flag [-r RULES] [options] [file...]\n"
	"Add a `flags` array to the records for which a flag rule holds.\n"
	"  -r, --rules FILE      flag rules (default: the built-in alerts.rules)\n"
	"      --only            pass only records that were flagged\n"
	"      --fail-on SEV     exit 1 when a flag of SEV or worse fired\n"
	"                        (low, medium, high, critical)\n"
	"      --by FIELD,...    history groups for prev(), mean_prev(), stddev_prev()\n"
	"      --summary         counts per flag on stderr at the end\n"
	"      --explain         add an `explain` object to flagged records: the flags\n"
	"                        (file:line) and the values they compared\n"
	"      --state FILE      keep alerts between runs: tell each when it starts,\n"
	"                        again after its renotify, and when it ends\n"
	"      --all-status      with --state, also the ongoing alerts not told again\n"
	"      --nagios          as a Nagios plugin: a status line, no records\n"
	"      --prom FILE       write the counts as Prometheus textfile metrics\n"
	"      --check           run the rules' tests and lint them (opflow-rules(5));\n"
	"                        exit 78 when a test fails or the lint warns\n"
	"      --sample FILE     with --check: records or KPI rows whose fields count\n"
	"                        as known\n";

typedef struct {
	const char *rules;
	const char **by;
	size_t nby;
} loading;

static void *load(void *arg, const op_cli *cli)
{
	loading *l = arg;
	op_err e;
	op_flagger *fl = op_flagger_load(l->rules, l->by, l->nby, 0, cli, &e);
	if (!fl && *e.msg)
		op_warn("%s", e.msg);
	return fl;
}

static void drop(void *fl)
{
	op_flagger_free(fl);
}

/* --check: the rules' tests, each on the rules loaded afresh, and lint;
 * KPI rows have the built-in KPIs' fields (--sample for others) */
static int check(const op_flagger *fl, loading *l, const op_cli *cli, const char *sample)
{
	op_err e;
	op_rollup *kpis = op_rollup_new();
	op_rules *kr = op_rules_load(NULL, "kpis.conf", op_rollup_statements, kpis, 0, &e);
	if (!kr)
		op_die_err(&e);
	const char **names = op_check_names(kr, "kpi");
	op_check_filter f = { load, op_flagger_record, drop, l, cli };
	op_check_opts o = { .rules = op_flagger_rules(fl), .stage = OP_STAGE_ROW, .known = names,
			    .sample = sample, .now = cli->now, .run = op_check_filter_run, .ctx = &f };
	int rc = op_check(&o);
	free(names);
	op_rules_free(kr);
	op_rollup_free(kpis);
	return rc;
}

int main(int argc, char **argv)
{
	op_cli cli = { .usage = usage, .exits = OP_EXITS_FLAGGED | OP_EXITS_CONFIG,
		       .output = &op_records_out, .with_calendar = 1 };
	const char *rules = NULL, **by = NULL, *state = NULL, *prom = NULL;
	size_t nby = 0;
	char *byarg = NULL;
	const char *sample = NULL;
	int summary = 0, only = 0, fail_on = -1, explain = 0, all_status = 0, nagios = 0, checking = 0, ch;
	enum { O_ONLY = 1, O_FAILON, O_BY, O_SUMMARY, O_EXPLAIN, O_STATE, O_ALL_STATUS, O_NAGIOS, O_PROM,
	       O_CHECK, O_SAMPLE };
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "only", no_argument, NULL, O_ONLY },
		{ "fail-on", required_argument, NULL, O_FAILON },
		{ "by", required_argument, NULL, O_BY },
		{ "summary", no_argument, NULL, O_SUMMARY },
		{ "explain", no_argument, NULL, O_EXPLAIN },
		{ "state", required_argument, NULL, O_STATE },
		{ "all-status", no_argument, NULL, O_ALL_STATUS },
		{ "nagios", no_argument, NULL, O_NAGIOS },
		{ "prom", required_argument, NULL, O_PROM },
		{ "check", no_argument, NULL, O_CHECK },
		{ "sample", required_argument, NULL, O_SAMPLE },
		{ NULL, 0, NULL, 0 },
	};
	while ((ch = op_getopt(&cli, argc, argv, "r:", longopts)) != -1) {
		switch (ch) {
		case 'r': rules = optarg; op_cli_file(&cli, "-r", optarg, OP_FILE_IN); break;
		case O_ONLY: only = 1; break;
		case O_FAILON:
			fail_on = op_severity(optarg);
			if (fail_on < 0)
				op_usage_error(&cli, "--fail-on: '%s' is not a severity (low, medium, high, critical)", optarg);
			break;
		case O_BY: byarg = optarg; break;
		case O_SUMMARY: summary = 1; break;
		case O_EXPLAIN: explain = 1; break;
		case O_STATE:
			state = optarg;
			op_cli_file(&cli, "--state", optarg, OP_FILE_IN | OP_FILE_OUT);
			break;
		case O_ALL_STATUS: all_status = 1; break;
		case O_NAGIOS: nagios = 1; break;
		case O_PROM: prom = optarg; op_cli_file(&cli, "--prom", optarg, OP_FILE_OUT); break;
		case O_CHECK: checking = 1; break;
		case O_SAMPLE: sample = optarg; op_cli_file(&cli, "--sample", optarg, OP_FILE_IN); break;
		}
	}
	op_check_usage(&cli, checking, sample, rules, argc - optind);
	if (all_status && !state)
		op_usage_error(&cli, "--all-status needs --state");
	if (byarg) {
		by = op_xcalloc(strlen(byarg) + 1, sizeof *by);
		for (char *f = strtok(byarg, ","); f; f = strtok(NULL, ","))
			by[nby++] = f;
	}

	op_err e;
	op_flagger *fl = op_flagger_load(rules, by, nby, only, &cli, &e);
	if (fl && checking) {
		loading l = { rules, by, nby };
		int rc = check(fl, &l, &cli, sample);
		op_flagger_free(fl);
		free(by);
		op_cli_free(&cli);
		return rc;
	}
	if (fl && state && op_flagger_state(fl, state, all_status, &e)) {
		op_flagger_free(fl);
		fl = NULL;
	}
	if (!fl) {
		free(by);
		if (!nagios)
			op_die_err(&e);
		if (e.msg[0])
			op_warn("%s", e.msg);
		op_cli_free(&cli);
		return op_flag_nagios_unknown(e.msg[0] ? e.msg : "the rules have errors (see standard error)");
	}
	if (explain)
		op_flagger_explain(fl);
	if (nagios)
		op_flagger_quiet(fl);

	op_stream st;
	op_stream_init(&st, &cli);
	op_stream_run(&st, argc - optind, argv + optind, op_flagger_record, fl);
	op_flagger_end(fl, &st);
	op_buf_printf(&st.extra, ",\"flagged\":%llu", op_flagger_flagged(fl));
	int lost = 0;
	if (prom && op_flag_prom(fl, prom)) {
		op_warn("%s: %s", prom, strerror(errno));
		lost = 1;
	}
	/* --nagios writes no records, so its state is saved before the
	 * status line, which must say UNKNOWN when it could not be */
	if (nagios && state && op_flagger_save(fl, &e)) {
		op_warn("%s", e.msg);
		lost = 1;
	}
	/* the status line before standard output is closed */
	int status = nagios ? op_flag_nagios(fl, lost ? OP_EXIT_IOERR : st.noinput ? OP_EXIT_NOINPUT
						  : st.rejected ? OP_EXIT_DATAERR : 0) : 0;
	int rc = op_stream_finish(&st);
	/* an alert told on output that was lost is told again next run */
	if (!nagios && state && rc != OP_EXIT_IOERR && op_flagger_save(fl, &e)) {
		op_warn("%s", e.msg);
		rc = OP_EXIT_IOERR;
	}
	if (lost)
		rc = OP_EXIT_IOERR;

	if (summary) {
		fprintf(stderr, "%-24s %-9s %10s\n", "flag", "severity", "records");
		size_t n;
		const op_flag *f = op_flagger_flags(fl, &n);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "%-24s %-9s %10llu\n", f[i].name, op_severities[f[i].severity], f[i].fired);
	}
	if (rc == OP_EXIT_OK && fail_on >= 0 && op_flagger_worst(fl) >= fail_on)
		rc = OP_EXIT_FLAGGED;
	if (nagios)	/* an output error: UNKNOWN, said on standard error */
		rc = rc == OP_EXIT_IOERR ? 3 : status;

	op_flagger_free(fl);
	free(by);
	op_cli_free(&cli);
	return rc;
}
