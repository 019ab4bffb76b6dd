/* enq-draft - a reply draft for each enquiry from the business's approved
 * templates, or a task saying why a person must write it.
 *
 *   enq-draft [-r RULES] [--templates DIR] [--maildir DIR] [--all] [file...]
 *   enq-draft --check [-r RULES] [--templates DIR] [--classify-rules FILE] [--sample FILE]
 *
 * The first `draft TEMPLATE when EXPR` that holds, else the template
 * named after the category, in the enquiry's language or the default
 * one, rendered with the record's fields: `draft`, `needs_human` and
 * `task` spliced into the record; with --maildir the draft also as a
 * message in the maildir.  The engine is lib/draft; this is options and
 * --check.  MIT licence. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "classify.h"
#include "draft.h"
#include "fields.h"
#include "out.h"

static const char usage[] =
	"Usage: enq-draft [-r RULES] [--templates DIR] [options] [file...]\n"
	"Add a reply draft from the approved templates, or a task, to each enquiry.\n"
	"  -r, --rules FILE      draft rules (default: the built-in draft.rules)\n"
	"      --templates DIR   the template files (default: the rules' `templates`)\n"
	"      --maildir DIR     also write each draft as a message into this maildir\n"
	"      --all             draft answered (responses > 0) and automatic mail too\n"
	"      --check           render every template with a sample record and list\n"
	"                        what is missing, run the rules' tests and lint them\n"
	"                        (opflow-rules(5)); exit 78 when anything is amiss\n"
	"      --classify-rules FILE  the categories and required fields --check\n"
	"                        holds the set to (default: the built-in classify.rules)\n"
	"      --sample FILE     with --check: records whose fields count as known\n";

static void *load(void *o, const op_cli *cli)
{
	op_err e;
	op_draft *d = op_draft_load(o, cli, &e);
	if (!d && *e.msg)
		op_warn("%s", e.msg);
	return d;
}

static void drop(void *d)
{
	op_draft_free(d);
}

/* --check: the set against the classify rules; the rules' tests, each on
 * the rules loaded afresh, and lint, the extracted fields known */
static int check(op_draft *d, op_classify *cl, op_draft_opts *dopts, const op_cli *cli, const char *sample)
{
	const char **cats = op_classify_names(cl, OP_CLASSIFY_CATEGORIES);
	const char **req = op_classify_names(cl, OP_CLASSIFY_REQUIRED);
	const char **ext = op_classify_names(cl, OP_CLASSIFY_EXTRACTED);
	size_t n = op_draft_check(d, cats, req, ext, stdout);
	op_check_filter f = { load, op_draft_record, drop, dopts, cli };
	op_check_opts o = { .rules = op_draft_rules(d), .stage = OP_STAGE_DRAFT, .known = ext, .sample = sample,
			    .now = cli->now, .run = op_check_filter_run, .ctx = &f };
	int rc = op_check(&o);
	free(cats);
	free(req);
	free(ext);
	return n && rc == OP_EXIT_OK ? OP_EXIT_CONFIG : rc;
}

int main(int argc, char **argv)
{
	op_cli cli = { .usage = usage, .exits = OP_EXITS_CONFIG, .output = &op_records_out };
	op_draft_opts o = {0};
	const char *classify_rules = NULL, *sample = NULL;
	int checking = 0, ch;
	enum { O_TEMPLATES = 1, O_MAILDIR, O_ALL, O_CHECK, O_CLASSIFY, O_SAMPLE };
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "templates", required_argument, NULL, O_TEMPLATES },
		{ "maildir", required_argument, NULL, O_MAILDIR },
		{ "all", no_argument, NULL, O_ALL },
		{ "check", no_argument, NULL, O_CHECK },
		{ "classify-rules", required_argument, NULL, O_CLASSIFY },
		{ "sample", required_argument, NULL, O_SAMPLE },
		{ NULL, 0, NULL, 0 },
	};
	while ((ch = op_getopt(&cli, argc, argv, "r:", longopts)) != -1) {
		switch (ch) {
		case 'r': o.rules = optarg; op_cli_file(&cli, "-r", optarg, OP_FILE_IN); break;
		case O_TEMPLATES: o.templates = optarg; break;
		case O_MAILDIR: o.maildir = optarg; break;
		case O_ALL: o.all = 1; break;
		case O_CHECK: checking = 1; break;
		case O_CLASSIFY:
			classify_rules = optarg;
			op_cli_file(&cli, "--classify-rules", optarg, OP_FILE_IN);
			break;
		case O_SAMPLE:
			sample = optarg;
			op_cli_file(&cli, "--sample", optarg, OP_FILE_IN);
			break;
		}
	}
	op_check_usage(&cli, checking, sample, o.rules, argc - optind);
	if (checking && o.maildir)
		op_usage_error(&cli, "--check writes no messages (no --maildir)");
	if (classify_rules && !checking)
		op_usage_error(&cli, "--classify-rules goes with --check");

	op_err e;
	op_classify *cl = NULL;
	if (checking && !(cl = op_classify_load(classify_rules, NULL, 0, 0, OP_CLASSIFY_NOMODEL, &cli, &e)))
		op_die_err(&e);
	op_draft *d = op_draft_load(&o, &cli, &e);
	if (!d) {
		op_classify_free(cl);
		op_die_err(&e);
	}
	int rc;
	if (checking) {
		rc = check(d, cl, &o, &cli, sample);
		op_classify_free(cl);
	} else {
		op_stream st;
		op_stream_init(&st, &cli);
		op_stream_run(&st, argc - optind, argv + optind, op_draft_record, d);
		op_draft_stats(d, &st.extra);
		rc = op_stream_finish(&st);
		const op_err *me = op_draft_error(d);
		if (me) {
			op_warn("%s", me->msg);
			rc = me->code;
		}
	}
	op_draft_free(d);
	op_cli_free(&cli);
	return rc;
}
