/* enq-link - one record per enquiry, with what happened to it.
 *
 *   enq-link [--keep-auto] [--by-subject] [--window DURATION]
 *            [--from TIME] [--to TIME] [file...]
 *
 * Reads every record (inbox, sent mail, web forms, CRM rows), threads the
 * mail, counts the customer's follow-ups and our replies, drops
 * auto-replies and bounces, joins each CRM row to its enquiry and writes
 * the enquiries in input order with the link fields spliced in
 * (lib/link.c, man/enq-link.1).  MIT licence. */
#include <string.h>

#include "link.h"
#include "out.h"

static const char usage[] =
	"Usage: enq-link [options] [file...]\n"
	"Write one record per enquiry: mail threaded, follow-ups and replies counted,\n"
	"auto-replies dropped, CRM rows joined.\n"
	"      --keep-auto       thread auto-replies and bounces like other mail\n"
	"      --by-subject      thread mail without In-Reply-To or References by\n"
	"                        address and subject, within --window (marked)\n"
	"      --window DUR      a CRM row joins by email at most DUR after the\n"
	"                        enquiry (default 14d; w d h m s)\n"
	"      --from TIME       write only the enquiries received from TIME\n"
	"      --to TIME         ... and before TIME (2026-10, 2026-10-01, RFC 3339;\n"
	"                        every record is still read and linked)\n";

int main(int argc, char **argv)
{
	op_cli cli = { .usage = usage, .output = &op_records_out };
	op_link_opt o = { .window = 14 * 86400 };
	const char *from = NULL, *to = NULL;
	int ch;
	enum { O_KEEPAUTO = 1, O_WINDOW, O_SUBJECT, O_FROM, O_TO };
	static const struct option longopts[] = {
		{ "keep-auto", no_argument, NULL, O_KEEPAUTO },
		{ "window", required_argument, NULL, O_WINDOW },
		{ "by-subject", no_argument, NULL, O_SUBJECT },
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ NULL, 0, NULL, 0 },
	};
	while ((ch = op_getopt(&cli, argc, argv, "", longopts)) != -1) {
		switch (ch) {
		case O_KEEPAUTO: o.keep_auto = 1; break;
		case O_SUBJECT: o.by_subject = 1; break;
		case O_FROM: from = optarg; break;
		case O_TO: to = optarg; break;
		case O_WINDOW:
			if (op_duration_parse(optarg, strlen(optarg), &o.window, NULL))
				op_usage_error(&cli, "--window: '%s' is not a duration (such as 14d or 36h)", optarg);
			break;
		}
	}
	/* after the loop: a naive time is in --tz, wherever it was given */
	if ((o.has_from = from != NULL))
		o.from = op_cli_time(&cli, "--from", from);
	if ((o.has_to = to != NULL))
		o.to = op_cli_time(&cli, "--to", to);
	if (o.has_from && o.has_to && o.to <= o.from)
		op_usage_error(&cli, "--to is not after --from");
	op_link *l = op_link_new(&o);
	op_stream st;
	op_stream_init(&st, &cli);
	op_stream_run(&st, argc - optind, argv + optind, op_link_add, l);
	if (!st.stop)
		op_link_write(l, &st);
	int rc = op_stream_finish(&st);
	op_link_free(l);
	op_cli_free(&cli);
	return rc;
}
