/* enq-classify - what each enquiry is, how urgent, what it lacks.
 *
 *   enq-classify [-r RULES] [-m MODEL]... [--explain] [--reclassify] [file...]
 *   enq-classify --check [-r RULES] [--sample FILE]
 *   enq-classify --rule-report [-r RULES] [file...]
 *
 * Scored rules (category, priority, tag, extract, require, threshold,
 * default; opflow-rules(5)) and the models enq-train learned (the
 * built-in ones, or -m's) for what the rules leave undecided
 * (lib/classify).  Adds category,
 * confidence, priority (each with who decided), lang, tags, missing and
 * the extracted fields; a category or priority the record has stands
 * unless --reclassify, a lang always.  MIT. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "classify.h"
#include "fields.h"
#include "out.h"
#include "stream.h"

static const char usage[] =
	"Usage: enq-classify [-r RULES] [-m MODEL]... [options] [file...]\n"
	"       enq-classify --rule-report [-r RULES] [file...]\n"
	"       enq-classify --check [-r RULES] [--sample FILE]\n"
	"Add category, confidence, priority, lang, tags, missing and extracted fields.\n"
	"  -r, --rules FILE      classify rules (default: the built-in classify.rules)\n"
	"  -m, --model MODEL     a model from enq-train, for what the rules leave\n"
	"                        undecided (default, with the built-in rules: the\n"
	"                        built-in ones; builtin: them with -r's rules); a\n"
	"                        model of label priority decides the priority\n"
	"                        (twice: one of each)\n"
	"      --no-model        no built-in model: the rules alone\n"
	"      --min-prob P      the model's answer only at probability P or more\n"
	"                        (default 0; below it, the rules alone decide)\n"
	"      --explain         add an `explain` object: rules fired (file:line,\n"
	"                        score), scores, who decided, the models' top 3\n"
	"                        and the features that weighed most\n"
	"      --reclassify      decide category and priority even where the record\n"
	"                        has them (the old values go to category_was and\n"
	"                        priority_was)\n"
	"      --no-lang         no `lang` member (the text's language, ISO 639-1)\n"
	"      --check           run the rules' tests and lint them (opflow-rules(5));\n"
	"                        exit 78 when a test fails or the lint warns\n"
	"      --sample FILE     with --check: records whose fields count as known\n"
	"      --rule-report     over labelled records (category, priority): each\n"
	"                        category and priority rule's precision, a JSON\n"
	"                        line each, instead of the records\n";

typedef struct {
	const char *rules;
	int flags;
} loading;

static void *load(void *arg, const op_cli *cli)
{
	loading *l = arg;
	op_err e;
	op_classify *c = op_classify_load(l->rules, NULL, 0, 0, l->flags, cli, &e);
	if (!c && *e.msg)
		op_warn("%s", e.msg);
	return c;
}

static void drop(void *c)
{
	op_classify_free(c);
}

/* --check: the rules' tests, each on the rules loaded afresh (alone:
 * the tests are the rules', not a model's), and lint */
static int check(const op_classify *c, loading *l, const op_cli *cli, const char *sample)
{
	op_check_filter f = { load, op_classify_record, drop, l, cli };
	op_check_opts o = { .rules = op_classify_rules(c), .stage = OP_STAGE_CLASSIFY, .sample = sample,
			    .now = cli->now, .run = op_check_filter_run, .ctx = &f };
	return op_check(&o);
}

int main(int argc, char **argv)
{
	op_cli cli = { .usage = usage, .exits = OP_EXITS_CONFIG, .output = &op_records_out,
		       .with_calendar = 1 };
	const char *rules = NULL, *models[2], *sample = NULL;
	size_t nmodels = 0;
	double min_prob = 0;
	int flags = 0, checking = 0, ch;
	enum { O_EXPLAIN = 1, O_MINPROB, O_RECLASSIFY, O_NOLANG, O_NOMODEL, O_CHECK, O_SAMPLE, O_REPORT };
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "model", required_argument, NULL, 'm' },
		{ "explain", no_argument, NULL, O_EXPLAIN },
		{ "min-prob", required_argument, NULL, O_MINPROB },
		{ "reclassify", no_argument, NULL, O_RECLASSIFY },
		{ "no-lang", no_argument, NULL, O_NOLANG },
		{ "check", no_argument, NULL, O_CHECK },
		{ "sample", required_argument, NULL, O_SAMPLE },
		{ "no-model", no_argument, NULL, O_NOMODEL },
		{ "rule-report", no_argument, NULL, O_REPORT },
		{ NULL, 0, NULL, 0 },
	};
	while ((ch = op_getopt(&cli, argc, argv, "r:m:", longopts)) != -1) {
		switch (ch) {
		case 'r': rules = optarg; op_cli_file(&cli, "-r", optarg, OP_FILE_IN); break;
		case 'm':
			if (nmodels == 2)
				op_usage_error(&cli, "-m: at most twice (a category and a priority model)");
			models[nmodels++] = optarg;
			if (strcmp(optarg, "builtin"))
				op_cli_file(&cli, "-m", optarg, OP_FILE_IN);
			break;
		case O_NOMODEL: flags |= OP_CLASSIFY_NOMODEL; break;
		case O_EXPLAIN: flags |= OP_CLASSIFY_EXPLAIN; break;
		case O_RECLASSIFY: flags |= OP_CLASSIFY_RECLASSIFY; break;
		case O_NOLANG: flags |= OP_CLASSIFY_NOLANG; break;
		case O_CHECK: checking = 1; break;
		/* the rules alone are measured: no model, no language */
		case O_REPORT: flags |= OP_CLASSIFY_RULEREPORT | OP_CLASSIFY_NOMODEL | OP_CLASSIFY_NOLANG; break;
		case O_SAMPLE: sample = optarg; op_cli_file(&cli, "--sample", optarg, OP_FILE_IN); break;
		case O_MINPROB:
			min_prob = op_opt_real(&cli, "--min-prob", optarg, 0, 1, "a probability from 0 to 1");
			break;
		}
	}

	op_check_usage(&cli, checking, sample, rules, argc - optind);
	if (checking && (flags & OP_CLASSIFY_RULEREPORT))
		op_usage_error(&cli, "--check and --rule-report: one of them");
	/* the report measures the rules against the records' own labels,
	 * which --reclassify would have it not read */
	if ((flags & OP_CLASSIFY_RULEREPORT) && (flags & OP_CLASSIFY_RECLASSIFY))
		op_usage_error(&cli, "--rule-report and --reclassify: one of them");
	/* its lines are of two shapes (category, priority): no one set of
	 * columns */
	if ((flags & OP_CLASSIFY_RULEREPORT) && cli.writer)
		op_usage_error(&cli, "--rule-report writes JSON lines: no -o");
	/* it reports the rules alone: a model or an explanation asked for
	 * would be ignored, so they are refused */
	if ((flags & OP_CLASSIFY_RULEREPORT) && (nmodels || (flags & OP_CLASSIFY_EXPLAIN)))
		op_usage_error(&cli, "--rule-report reports the rules alone: no -m or --explain");

	op_err e;
	op_classify *c = op_classify_load(rules, models, nmodels, min_prob, flags, &cli, &e);
	if (!c)
		op_die_err(&e);
	if (checking) {
		loading l = { rules, (flags & ~OP_CLASSIFY_EXPLAIN) | OP_CLASSIFY_NOMODEL };
		int rc = check(c, &l, &cli, sample);
		op_classify_free(c);
		op_cli_free(&cli);
		return rc;
	}
	op_stream st;
	op_stream_init(&st, &cli);
	op_stream_run(&st, argc - optind, argv + optind, op_classify_record, c);
	if (flags & OP_CLASSIFY_RULEREPORT)
		op_classify_report(c, &st);
	op_classify_stats(c, &st.extra);
	int rc = op_stream_finish(&st);
	op_classify_free(c);
	op_cli_free(&cli);
	return rc;
}
