/* kpi-report - the monthly report a person reads, from kpi-rollup's rows.
 *
 *   kpi-report [-f md|html|text] [-o FILE] [--title T] [--period P]
 *              [--notes FILE] [--fail-on SEVERITY] [file...]
 *
 * Reads every row (one per group and period, flags from exc-flag when
 * present), then writes one document: Markdown for a mail body, one
 * self-contained HTML page with SVG charts, or text for a terminal.
 * With -o the file appears whole or not at all.  MIT licence. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "charset.h"
#include "kpitab.h"
#include "report.h"
#include "stream.h"

static int on_record(op_stream *st, op_rec *r, void *ctx)
{
	op_err e;
	op_kpitab_input(ctx, st->name);
	if (op_kpitab_add(ctx, r, &e))
		op_reject(st, "%s", e.msg);
	return 0;
}

enum { NOTES_MAX = 64 << 10 };

/* The notes file whole into b; a file that cannot be read, or is not
 * UTF-8 text, ends the program before anything else is allocated. */
static void read_notes(const char *path, op_buf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		op_die(OP_EXIT_NOINPUT, "%s: %s", path, strerror(errno));
	char *p = op_xmalloc(NOTES_MAX + 1);
	size_t n = fread(p, 1, NOTES_MAX + 1, f);
	int bad = ferror(f);
	fclose(f);
	b->p = p;	/* reachable from main's frame should we die below */
	b->len = n;
	b->cap = NOTES_MAX + 1;
	if (bad)
		op_die(OP_EXIT_NOINPUT, "%s: read error", path);
	if (n > NOTES_MAX)
		op_die(OP_EXIT_DATAERR, "%s: larger than %d KiB, the limit of notes", path, NOTES_MAX >> 10);
	if (op_utf8_valid_prefix(p, n) < n || memchr(p, 0, n))
		op_die(OP_EXIT_DATAERR, "%s: not UTF-8 text", path);
	/* the byte order mark Windows editors begin UTF-8 with is no text:
	 * kept, it would stand before the notes' first heading */
	if (b->len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
		b->len -= 3;
		memmove(p, p + 3, b->len);
	}
	while (b->len && (p[b->len - 1] == '\n' || p[b->len - 1] == '\r'))
		b->len--;	/* the report puts its own blank line after them */
}

static const char usage[] =
	"Usage: kpi-report [-f md|html|text] [-o FILE] [options] [file...]\n"
	"Write the report of kpi-rollup's rows (with exc-flag's flags).\n"
	"  -f, --format FORMAT   md (the default: a mail body), html (one page,\n"
	"                        inline SVG charts) or text (a terminal); without\n"
	"                        it, -o FILE.html means html and FILE.txt text\n"
	"  -o, --output FILE     write FILE whole or not at all (temp + rename)\n"
	"      --title TEXT      the title (default: \"KPI report PERIOD\")\n"
	"      --period P        report on period P (default: the latest)\n"
	"      --notes FILE      a person's notes (Markdown) put at the top\n"
	"  -n, --periods N       periods in the trend, ending with P (default 13)\n"
	"      --series N        groups drawn in one chart (default 8)\n"
	"      --fail-on SEV     exit 1 when a row of the period reported on has a\n"
	"                        flag of SEV or worse (earlier periods' flags do not\n"
	"                        count)\n";

int main(int argc, char **argv)
{
	op_cli cli = { .usage = usage, .exits = OP_EXITS_FLAGGED };
	op_report_opts o = { .format = OP_REPORT_MD, .periods = 13, .series = 8, .sentences = 5 };
	const char *output = NULL, *notes = NULL;
	int ch, format_given = 0, fail_on = -1;
	enum { O_TITLE = 1, O_PERIOD, O_SERIES, O_FAILON, O_NOTES };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "title", required_argument, NULL, O_TITLE },
		{ "period", required_argument, NULL, O_PERIOD },
		{ "periods", required_argument, NULL, 'n' },
		{ "series", required_argument, NULL, O_SERIES },
		{ "fail-on", required_argument, NULL, O_FAILON },
		{ "notes", required_argument, NULL, O_NOTES },
		{ NULL, 0, NULL, 0 },
	};
	while ((ch = op_getopt(&cli, argc, argv, "f:o:n:", longopts)) != -1) {
		switch (ch) {
		case 'f':
			format_given = 1;
			if (!strcmp(optarg, "md") || !strcmp(optarg, "markdown"))
				o.format = OP_REPORT_MD;
			else if (!strcmp(optarg, "html"))
				o.format = OP_REPORT_HTML;
			else if (!strcmp(optarg, "text"))
				o.format = OP_REPORT_TEXT;
			else
				op_usage_error(&cli, "--format: '%s' is not md, html or text", optarg);
			break;
		case 'o':
			output = optarg;
			op_cli_file(&cli, "-o", optarg, OP_FILE_OUT);
			break;
		case O_TITLE: o.title = optarg; break;
		case O_PERIOD:
			if (!*optarg)
				op_usage_error(&cli, "--period: empty");
			o.period = optarg;
			break;
		case O_NOTES:
			notes = optarg;
			op_cli_file(&cli, "--notes", optarg, OP_FILE_IN);
			break;
		case 'n': o.periods = (size_t)op_opt_num(&cli, "--periods", optarg, 1, 1000); break;
		case O_SERIES: o.series = (size_t)op_opt_num(&cli, "--series", optarg, 1, 100); break;
		case O_FAILON:
			fail_on = op_severity(optarg);
			if (fail_on < 0)
				op_usage_error(&cli, "--fail-on: '%s' is not a severity (low, medium, high, critical)", optarg);
			break;
		}
	}

	/* no -f: the name of -o says, as in `kpi-report -o report.html` */
	if (!format_given && output) {
		const char *dot = strrchr(output, '.');
		if (dot && (!strcmp(dot, ".html") || !strcmp(dot, ".htm")))
			o.format = OP_REPORT_HTML;
		else if (dot && !strcmp(dot, ".txt"))
			o.format = OP_REPORT_TEXT;
	}

	op_buf nb = {0};
	if (notes) {
		read_notes(notes, &nb);
		o.notes = nb.p;
		o.notes_len = nb.len;
	}
	op_kpitab t;
	op_kpitab_init(&t);
	op_stream st;
	op_stream_init(&st, &cli);
	op_stream_run(&st, argc - optind, argv + optind, on_record, &t);
	op_kpitab_finish(&t);

	/* --strict promises no output from bad input: no report at all */
	int wrote = 0;
	if (!(cli.strict && st.rejected)) {
		op_buf doc = {0};
		op_report(&doc, &t, &o);
		if (!output)
			fwrite(doc.p, 1, doc.len, stdout);	/* checked by op_stream_finish */
		else if ((wrote = op_write_atomic(output, doc.p, doc.len)))
			op_warn("%s: %s", output, strerror(errno));
		op_buf_free(&doc);
	}
	op_buf_printf(&st.extra, ",\"groups\":%zu,\"periods\":%zu", t.ngroup, t.nperiod);
	int rc = op_stream_finish(&st);
	if (wrote)
		rc = OP_EXIT_IOERR;
	size_t p = o.period ? op_kpitab_period(&t, o.period) : t.nperiod - 1;
	if (rc == OP_EXIT_OK && fail_on >= 0 && t.nperiod && p != (size_t)-1 && op_kpitab_worst(&t, p) >= fail_on)
		rc = OP_EXIT_FLAGGED;
	op_kpitab_free(&t);
	op_buf_free(&nb);
	op_cli_free(&cli);
	return rc;
}
